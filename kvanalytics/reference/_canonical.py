"""The two canonical tables every reader returns, and how they are built.

**Risk profile**: one row per country, ``country, tier, reason, source, date``; profile-level
facts in ``attrs["profile"]``.

**Watchlist**: one row per *name variant* (the listed name, then each alias) with the columns of
:data:`WATCHLIST_COLUMNS`; per-list facts in ``attrs["watchlists"]``. Every list-format reader
(``formats/``) builds its entries, then calls :func:`_variants` and :func:`_finish_watchlist`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from ..schemas import DATE, TEXT
from ._validate import _blank_to_na

#: Risk tiers and their names.
TIERS = {0: "none", 1: "watch", 2: "high", 3: "restricted"}
#: Watchlist kinds: government designations versus other assessments.
KINDS = ("designation", "assessment")

#: Columns of a risk profile, in order, with their dtypes.
PROFILE_COLUMNS: dict[str, object] = {
    "country": TEXT,
    "tier": "Int64",
    "reason": TEXT,
    "source": TEXT,
    "date": DATE,
}

#: Columns of a canonical watchlist (one row per name variant), in order, with their dtypes.
WATCHLIST_COLUMNS: dict[str, object] = {
    "list": TEXT,
    "kind": TEXT,
    "entry_id": TEXT,
    "name": TEXT,
    "is_alias": "bool",
    "country": TEXT,
    "identifiers": TEXT,
    "listed_on": DATE,
    "program": TEXT,
    "source": TEXT,
    "list_date": DATE,
    "entity_type": TEXT,
    "countries": TEXT,
    "reason": TEXT,
    "note": TEXT,
}


def _profile_frame(
    country: Any, tier: Any, reason: Any, source: Any, date: Any, meta: Mapping[str, Any]
) -> pd.DataFrame:
    """A risk profile with the canonical columns and dtypes, ``meta`` in ``attrs["profile"]``."""
    df = pd.DataFrame(
        {
            "country": pd.Series(country, dtype=TEXT),
            "tier": pd.Series(tier, dtype="Int64"),
            "reason": pd.Series(reason, dtype=TEXT),
            "source": pd.Series(source, dtype=TEXT),
            "date": pd.Series(date, dtype=DATE),
        }
    ).reset_index(drop=True)
    df.attrs["profile"] = dict(meta)
    return df


def _variants(entries: pd.DataFrame, aliases: pd.Series) -> pd.DataFrame:
    """One row per name variant: the entry's name (``is_alias`` False), then its aliases.

    ``aliases`` holds a list of strings per entry (aligned with ``entries``); blanks and
    variants equal (ignoring case and spaces) to an earlier variant of the entry are dropped.
    """
    base = entries.reset_index(drop=True).assign(_order=np.arange(len(entries)))
    al = pd.Series(list(aliases), dtype=object).reset_index(drop=True)
    alias_rows = base.drop(columns="name").assign(name=al).explode("name")
    alias_rows = alias_rows[alias_rows["name"].notna()]
    out = pd.concat(
        [base.assign(is_alias=False), alias_rows.assign(is_alias=True)], ignore_index=True
    )
    out["name"] = _blank_to_na(out["name"].astype(object).astype(TEXT))
    out = out[out["name"].notna()]
    fold = out["name"].str.casefold().str.replace(r"\s+", " ", regex=True)
    out = out.assign(_fold=fold.to_numpy())
    out = out.sort_values(["_order", "is_alias"], kind="stable")
    out = out.drop_duplicates(["_order", "_fold"], keep="first")
    return out.drop(columns=["_order", "_fold"]).reset_index(drop=True)


def _finish_watchlist(frame: pd.DataFrame, meta: Mapping[str, Mapping[str, Any]]) -> pd.DataFrame:
    """The canonical columns in order (absent ones NA, ``is_alias`` False), and per-list facts
    with their number of entries in ``attrs["watchlists"]``."""
    cols = {}
    n = len(frame)
    for c, dtype in WATCHLIST_COLUMNS.items():
        if c in frame.columns:
            cols[c] = pd.Series(frame[c].to_numpy(), dtype=dtype)  # type: ignore[call-overload]
        elif dtype == "bool":
            cols[c] = pd.Series(np.zeros(n, dtype=bool))
        else:
            cols[c] = pd.Series([pd.NA] * n if dtype is TEXT else [pd.NaT] * n, dtype=dtype)  # type: ignore[call-overload]
    out = pd.DataFrame(cols)
    entries = out.groupby("list", sort=False)["entry_id"].nunique()
    out.attrs["watchlists"] = {
        k: {**dict(v), "entries": int(entries.get(k, 0))} for k, v in meta.items()
    }
    return out


def _split_list(values: pd.Series, sep: str) -> pd.Series:
    """Split text on ``sep`` into lists of stripped, non-blank parts (NA -> [])."""
    return pd.Series(
        [
            [p.strip() for p in str(v).split(sep) if p.strip()] if isinstance(v, str) else []
            for v in values.astype(object).where(values.notna(), None)
        ],
        dtype=object,
    )


def _text_column(raw: pd.DataFrame, column: str) -> pd.Series:
    """A column as stripped text with blanks NA, or all NA when the file does not have it."""
    if column in raw.columns:
        return _blank_to_na(raw[column])
    return pd.Series(pd.NA, index=raw.index, dtype=TEXT)
