"""The checks every reference reader shares: problems collected then raised once, text, dates,
ISO2 codes, columns, and reading a CSV as text.

Every reader checks the whole file and raises one :class:`~kvanalytics.errors.ReferenceDataError`
naming the file, row, column and what was expected; the error's ``problems`` attribute holds all
failures as a table. Row numbers count the header as row 1, as a spreadsheet shows them. ISO codes
are read with ``keep_default_na=False``: ``"NA"`` is Namibia, never missing.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from os import PathLike
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pycountry

from ..errors import ReferenceDataError
from ..schemas import DATE, TEXT

PathArg = str | PathLike[str]

_DATE = np.dtype(DATE)  # datetime64[us], as a dtype object for astype
_ISO_DATE = "%Y-%m-%d"
#: Kosovo: user-assigned, not in ISO 3166-1, but used by the EU, the UN lists and Freedom House.
_EXTRA_CODES = frozenset({"XK"})


class _Problems:
    """Collects every failure of a file, then raises one ReferenceDataError."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.rows: list[tuple[str, Any, str, str, str]] = []

    def add(self, row: Any, column: str, value: Any, expected: str) -> None:
        self.rows.append((self.file, row, column, "" if value is None else str(value), expected))

    def add_mask(
        self, frame: pd.DataFrame, mask: Any, column: str, expected: str, rows: pd.Series
    ) -> None:
        bad = np.flatnonzero(np.asarray(mask, dtype=bool))
        for i in bad:
            row = rows.iloc[i]
            row = int(row) if isinstance(row, int | np.integer) else row
            self.add(row, column, frame[column].iloc[i], expected)

    def raise_if_any(self, what: str, fix: str, *, detail: str = "") -> None:
        """Raise one error for every problem added: the count, three examples, ``detail``
        (a sentence the examples would not show, such as every duplicated key) and the fix."""
        if not self.rows:
            return
        table = pd.DataFrame(self.rows, columns=["file", "row", "column", "value", "expected"])
        examples = "; ".join(
            f"row {r.row}, column {r.column!r}: {r.value!r} (expected {r.expected})"
            for r in table.head(3).itertuples()
        )
        detail = f"{detail} " if detail else ""
        err = ReferenceDataError(
            f"{self.file}: {len(table)} problem(s) in {what}, e.g. {examples}. {detail}{fix}"
        )
        err.problems = table  # type: ignore[attr-defined]
        raise err


def _blank_to_na(s: pd.Series) -> pd.Series:
    """Strip text; empty strings and the SDN's ``-0-`` become NA."""
    t = s.astype(TEXT).str.strip()
    return t.mask((t == "") | (t == "-0-"))


@lru_cache(maxsize=1)
def _iso2_codes() -> frozenset[str]:
    """Every ISO 3166-1 alpha-2 code, and ``XK`` (Kosovo)."""
    return frozenset(c.alpha_2 for c in pycountry.countries) | _EXTRA_CODES


def _parse_dates(
    frame: pd.DataFrame, column: str, problems: _Problems, rows: pd.Series
) -> pd.Series:
    """Parse ``YYYY-MM-DD`` text; blank is NaT, anything else unparseable is a problem."""
    text = _blank_to_na(frame[column])
    parsed = pd.to_datetime(text, format=_ISO_DATE, errors="coerce")
    bad = text.notna() & parsed.isna()
    problems.add_mask(frame, bad.to_numpy(), column, "a date YYYY-MM-DD or empty", rows)
    return parsed.astype(_DATE)


def _check_iso2(
    frame: pd.DataFrame, column: str, problems: _Problems, rows: pd.Series, *, required: bool
) -> pd.Series:
    """Upper-case ISO2 codes; a non-code (or a blank where required) is a problem."""
    codes = _blank_to_na(frame[column]).str.upper()
    known = codes.isin(_iso2_codes()).fillna(False).to_numpy(bool)
    bad = ~known & (codes.notna().to_numpy(bool) | required)
    expected = "an ISO 3166-1 alpha-2 code such as NL or NA (Namibia), or XK"
    if not required:
        expected += ", or empty"
    problems.add_mask(frame, bad, column, expected, rows)
    return codes.where(known)


def _check_file(path: Path) -> None:
    """A reference file must exist and be a file (not a directory)."""
    if not path.exists():
        raise ReferenceDataError(f"{path}: file not found.")
    if not path.is_file():
        raise ReferenceDataError(f"{path}: is a directory, not a file; give the file's path.")


def _read_text_csv(path: Path, **kwargs: Any) -> pd.DataFrame:
    """Every cell as text (``keep_default_na=False``: "NA" is Namibia, never missing).

    A missing, empty, binary or malformed file is a ReferenceDataError naming the file.
    """
    _check_file(path)
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig", **kwargs)
    except UnicodeDecodeError:
        raise ReferenceDataError(
            f"{path}: not UTF-8 text (a binary file, or another encoding); save it as CSV UTF-8."
        ) from None
    except pd.errors.EmptyDataError:
        raise ReferenceDataError(
            f"{path}: the file is empty; expected a CSV with a header row."
        ) from None
    except pd.errors.ParserError as exc:
        raise ReferenceDataError(f"{path}: not a well-formed CSV ({exc}).") from None


def _check_columns(
    raw: pd.DataFrame, file: str, required: Iterable[str], optional: Iterable[str] | None = None
) -> None:
    """Raise one error naming every missing (and, with ``optional``, every unknown) column."""
    cols = [str(c).strip() for c in raw.columns]
    missing = [c for c in required if c not in cols]
    unknown = [] if optional is None else [c for c in cols if c not in (*required, *optional)]
    if missing or unknown:
        parts = []
        if missing:
            parts.append(f"missing column(s) {', '.join(map(repr, missing))}")
        if unknown:
            parts.append(f"unknown column(s) {', '.join(map(repr, unknown))}")
        allowed = list(required) + list(optional or [])
        raise ReferenceDataError(
            f"{file}: row 1 (header): {'; '.join(parts)}. Expected columns: "
            f"{', '.join(allowed)} (the first {len(list(required))} required)."
        )


def _read_index(directory: Path) -> pd.DataFrame:
    """The ``_index.csv`` of a bundled directory (risk profiles, watchlists)."""
    return _read_text_csv(directory / "_index.csv")


def _spreadsheet_rows(n: int, first: int = 2) -> pd.Series:
    """Row numbers as a spreadsheet shows them: the header is row 1, the first entry row 2."""
    return pd.Series(np.arange(n) + first)
