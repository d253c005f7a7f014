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


class UnknownNameError(KvError, KeyError):
    """A named resource (bundled scenario, risk profile, watchlist) does not exist."""

    def __str__(self) -> str:  # KeyError quotes its message; we want it readable.
        return str(self.args[0]) if self.args else ""
