"""Analyst decisions that :func:`kvanalytics.normalise.match_institutions` applies before anything:
read, checked (every bad row listed at once), and indexed by normalised input."""

from __future__ import annotations

from os import PathLike
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ReferenceDataError
from ._index import _Reference
from ._parse import normalise_names

__all__ = ["OVERRIDE_COLUMNS", "read_overrides"]

#: Columns of an overrides file (one analyst decision per row).
OVERRIDE_COLUMNS = ("input", "key", "decision", "analyst", "date", "note")


def read_overrides(path: str | PathLike[str]) -> pd.DataFrame:
    """Read a CSV of analyst decisions that :func:`match_institutions` applies before anything.

    Parameters
    ----------
    path : str or path-like
        CSV with columns ``input,key,decision,analyst,date,note``; ``decision`` is ``match``
        (``key`` required) or ``no_match``. Blank cells are NA; "NA" is read as text.

    Returns
    -------
    pandas.DataFrame
        The overrides, ``string`` dtype, ``date`` parsed (ISO dates).

    Raises
    ------
    ReferenceDataError
        Listing every bad row (missing column, unknown decision, match without key).

    Examples
    --------
    >>> read_overrides("overrides.csv")  # doctest: +SKIP
    """
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    return _check_overrides(raw, source=str(path))


def _check_overrides(frame: pd.DataFrame, source: str = "overrides") -> pd.DataFrame:
    missing = [c for c in ("input", "decision") if c not in frame.columns]
    if missing:
        raise ReferenceDataError(
            f"{source}: missing column(s) {missing}; expected {', '.join(OVERRIDE_COLUMNS)}."
        )
    out = frame.copy()
    for col in OVERRIDE_COLUMNS:
        if col not in out.columns:
            out[col] = pd.NA
    out = out[list(OVERRIDE_COLUMNS)].astype("string")
    for col in ("input", "key", "decision", "analyst", "note"):
        s = out[col].str.strip()
        out[col] = s.mask(s == "")
    out["decision"] = out["decision"].str.lower().str.replace(" ", "_").str.replace("-", "_")
    problems = []
    bad_decision = ~out["decision"].isin(["match", "no_match"]).fillna(False)
    no_key = (out["decision"] == "match").fillna(False) & out["key"].isna()
    no_input = out["input"].isna()
    empty = ~no_input & (normalise_names(out["input"].fillna("")) == "")
    for mask, what in (
        (bad_decision, "decision is not 'match' or 'no_match'"),
        (no_key, "decision 'match' without a key"),
        (no_input, "no input"),
        (empty, "input has no name in it"),
    ):
        if mask.any():
            rows = [int(i) + 2 for i in np.flatnonzero(mask.to_numpy())[:3]]  # file line numbers
            problems.append(f"{int(mask.sum())} row(s) with {what} (lines {rows})")
    if problems:
        raise ReferenceDataError(
            f"{source}: " + "; ".join(problems) + ". Fix those rows; each row is one decision."
        )
    out["date"] = pd.to_datetime(out["date"], errors="coerce", format="ISO8601")
    return out


def _override_table(overrides: Any, ref: _Reference) -> pd.DataFrame | None:
    """The overrides checked against the reference, one row per normalised input (the latest
    decision wins; among equal dates, the later row), indexed by it; None without overrides."""
    if overrides is None:
        return None
    if isinstance(overrides, pd.DataFrame):
        table = _check_overrides(overrides)
    else:
        table = read_overrides(overrides)
    known = set(ref.keys.tolist())
    unknown = table["key"].notna() & ~table["key"].isin(known)
    if unknown.any():
        examples = table.loc[unknown, "key"].head(3).tolist()
        raise ReferenceDataError(
            f"{int(unknown.sum())} override(s) name a key not in the reference (e.g. {examples}); "
            "correct the key or add the institution to the reference."
        )
    table = table.assign(norm=normalise_names(table["input"]))
    table = table.assign(_row=np.arange(len(table))).sort_values(
        ["date", "_row"], na_position="first", kind="stable"
    )
    return table.drop_duplicates("norm", keep="last").set_index("norm")
