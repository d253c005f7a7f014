"""Exceptions. Each subclasses a builtin so callers can catch either; each message says the fix."""

from __future__ import annotations


class KvError(Exception):
    """Base class of every kvanalytics error."""


class IngestError(KvError, ValueError):
    """An input file could not be ingested, or rows were rejected under ``errors="raise"``.

    Attributes
    ----------
    path : str or None
        The file concerned, if one.
    rejects : pandas.DataFrame or None
        The rejects table when rows (not the whole file) failed.
    """

    def __init__(self, message: str, *, path: str | None = None, rejects=None) -> None:
        super().__init__(message)
        self.path = path
        self.rejects = rejects


class SchemaError(KvError, ValueError):
    """A table does not have the columns or types of the canonical schema."""


class ReferenceDataError(KvError, ValueError):
    """A reference file (risk profile, watchlist, alias file) is malformed."""


class ScenarioError(KvError, ValueError):
    """A scenario definition is invalid; the message names the key, the value and what is allowed."""


class OptionError(KvError, ValueError):
    """A command-line option (or a function argument) has a value that is not allowed.

    The message names the option, the value given and the values allowed, e.g.
    ``--at 'notadate': not a date; use YYYY-MM-DD, e.g. 2026-09-30``.
    """


class InputFileError(KvError, FileNotFoundError):
    """A file named as input is missing, is a directory or is empty.

    The message names the option or argument that gave the path and what to give instead.
    """


class OutputPathError(KvError, OSError):
    """An output path cannot be written: it is a directory where a file is wanted, a file
    where a directory is wanted, or its folder does not exist."""


class NotebookError(KvError, RuntimeError):
    """A report notebook stopped on a user error (raised inside it as a :class:`KvError`)."""


class UnknownNameError(KvError, KeyError):
    """A named resource (bundled scenario, risk profile, watchlist) does not exist."""

    def __str__(self) -> str:  # KeyError quotes its message; we want it readable.
        return str(self.args[0]) if self.args else ""
