"""Country risk profiles: reading a profile CSV, the bundled profiles, and **the one rule for
the tier of a country in a profile** (:func:`risk_tiers`), which exposure and impact both use.

The rule, for a profile given by name, by path or as a DataFrame alike:

- a profile has one row per country (ISO 3166-1 alpha-2, or ``XK``; ``"NA"`` is Namibia; codes
  are stripped and upper-cased) and one tier per row, an integer 0..3;
- **a country given twice is an error** (even with the same tier): which of two tiers was meant
  cannot be guessed, and taking the higher would hide a typo in a hand-edited file. The error
  names every duplicated country with all of its rows;
- a blank tier, a blank country or a code that is not ISO2 is an error too (a frame is checked
  exactly as a file is);
- **a country not in the profile has no tier** (NA): exposure reports it as ``risk_tier`` NA and
  counts it in ``risk_tier_unknown``, impact does not target it with a risk target and says so in
  its notes. To say "no tier" for a country, leave it out.
"""

from __future__ import annotations

from os import PathLike
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..config import PACKAGE_DATA
from ..errors import ReferenceDataError, UnknownNameError
from ..schemas import DATE, TEXT
from ._canonical import PROFILE_COLUMNS, TIERS, _profile_frame, _text_column
from ._freedom_house import risk_profile_from_freedom_house
from ._validate import (
    _DATE,
    _ISO_DATE,
    PathArg,
    _blank_to_na,
    _check_columns,
    _check_iso2,
    _parse_dates,
    _Problems,
    _read_index,
    _read_text_csv,
    _spreadsheet_rows,
)

RISK_PROFILE_DIR = PACKAGE_DATA / "risk_profiles"

#: Columns of :func:`risk_tiers`, in order, with their dtypes.
TIER_COLUMNS: dict[str, object] = {
    "country": TEXT,
    "tier": "Int64",
    "reason": TEXT,
    "source": TEXT,
}

_TIER_EXPECTED = "an integer 0..3 (0 none, 1 watch, 2 high, 3 restricted)"
_ONE_ROW_PER_COUNTRY = (
    "Give each country one row with one tier (keep the row you mean and delete the others; "
    "to give a country no tier, leave it out)."
)

ProfileArg = str | PathLike[str] | pd.DataFrame


# --------------------------------------------------------------------------------------------
# The checks of a profile's rows (a file and a frame alike)
# --------------------------------------------------------------------------------------------
def _row(rows: pd.Series, i: int | np.integer) -> Any:
    """The row number (a file) or index label (a frame) at position ``i``, as a plain value."""
    row = rows.iloc[i]
    return int(row) if isinstance(row, int | np.integer) else row


def _duplicated_countries(country: pd.Series, rows: pd.Series) -> str:
    """``"Countries given more than once: RU (rows 2, 4), BY (rows 3, 5)."``, or ``""``."""
    dup = (country.duplicated(keep=False) & country.notna()).to_numpy(bool)
    if not dup.any():
        return ""
    groups: dict[str, list[str]] = {}
    for i in np.flatnonzero(dup):
        groups.setdefault(country.iloc[i], []).append(str(_row(rows, i)))
    listed = ", ".join(f"{code} (rows {', '.join(r)})" for code, r in groups.items())
    return f"Countries given more than once: {listed}."


def _check_profile_rows(
    raw: pd.DataFrame, rows: pd.Series, P: _Problems
) -> tuple[pd.Series, pd.Series, str]:
    """Country codes and tiers of every row, problems added; and the sentence naming every
    duplicated country ("" if none)."""
    country = _check_iso2(raw, "country", P, rows, required=True)
    tier = pd.to_numeric(_blank_to_na(raw["tier"]), errors="coerce")
    ok_tier = tier.isin(list(TIERS)).fillna(False).to_numpy(bool)
    P.add_mask(raw, ~ok_tier, "tier", _TIER_EXPECTED, rows)
    for i in np.flatnonzero((country.duplicated(keep="first") & country.notna()).to_numpy(bool)):
        first = int(np.flatnonzero((country == country.iloc[i]).fillna(False).to_numpy(bool))[0])
        P.add(
            _row(rows, i),
            "country",
            raw["country"].iloc[i],
            f"one row per country (also row {_row(rows, first)})",
        )
    return country, tier, _duplicated_countries(country, rows)


# --------------------------------------------------------------------------------------------
# Reading and loading
# --------------------------------------------------------------------------------------------
def _profile_meta(
    path: Path, name: str | None, description: str | None, source: pd.Series, date: pd.Series
) -> dict[str, Any]:
    sources = source.dropna().drop_duplicates().tolist()
    return {
        "name": name or path.stem,
        "description": description or "",
        "source": "; ".join(sources) if sources else None,
        "date": date.max() if date.notna().any() else None,
        "file": str(path),
    }


def read_risk_profile(
    path: PathArg, *, name: str | None = None, description: str | None = None
) -> pd.DataFrame:
    """Read a country risk profile from a CSV file and check every row.

    The file has columns ``country`` (ISO 3166-1 alpha-2, or ``XK`` for Kosovo; ``NA`` is
    Namibia) and ``tier`` (0 none, 1 watch, 2 high, 3 restricted), and optionally ``reason``,
    ``source`` and ``date`` (``YYYY-MM-DD``). Other columns are kept after these. Lower-case
    codes are accepted and upper-cased; a country may appear only once (see :func:`risk_tiers`).

    Parameters
    ----------
    path : str or PathLike
        The CSV file (UTF-8).
    name, description : str, optional
        Profile name (default: the file name without extension) and description, stored in
        ``attrs["profile"]``.

    Returns
    -------
    pandas.DataFrame
        ``country, tier, reason, source, date`` (``string``, ``Int64``, ``string``, ``string``,
        ``datetime64``); ``attrs["profile"]`` holds ``name, description, source, date, file``
        (source: the distinct sources joined by ``"; "``; date: the latest date).

    Raises
    ------
    ReferenceDataError
        A missing, empty or unreadable file, missing columns, a tier outside 0..3, an unknown or
        blank country code, a duplicated country (every one named with its rows) or a bad date;
        the message gives the count and examples with file, row and column, the error's
        ``problems`` attribute the full table.

    Examples
    --------
    >>> profile = read_risk_profile("my_profile.csv")  # doctest: +SKIP
    >>> profile.attrs["profile"]["name"]  # doctest: +SKIP
    'my_profile'
    """
    path = Path(path)
    raw = _read_text_csv(path)
    raw.columns = [str(c).strip() for c in raw.columns]
    file = str(path)
    _check_columns(raw, file, ("country", "tier"))
    rows = _spreadsheet_rows(len(raw))
    P = _Problems(file)
    country, tier, duplicates = _check_profile_rows(raw, rows, P)
    date = (
        _parse_dates(raw, "date", P, rows)
        if "date" in raw.columns
        else pd.Series(pd.NaT, index=raw.index, dtype=DATE)
    )
    fix = "Fix the rows listed and read the file again."
    P.raise_if_any(
        "the risk profile",
        f"{_ONE_ROW_PER_COUNTRY} {fix}" if duplicates else fix,
        detail=duplicates,
    )
    reason = _text_column(raw, "reason")
    source = _text_column(raw, "source")
    meta = _profile_meta(path, name, description, source, date)
    df = _profile_frame(
        country.to_numpy(),
        tier.astype("Int64").to_numpy(),
        reason.to_numpy(),
        source.to_numpy(),
        date.to_numpy(),
        meta,
    )
    for c in [c for c in raw.columns if c not in PROFILE_COLUMNS]:
        df[c] = _blank_to_na(raw[c]).to_numpy()
    df.attrs["profile"] = meta
    return df


def list_risk_profiles() -> pd.DataFrame:
    """The bundled risk profiles with their description, source and date.

    Returns
    -------
    pandas.DataFrame
        ``name, description, source, url, date, countries`` (``countries`` = number of rows).

    Examples
    --------
    >>> list_risk_profiles()["name"].tolist()
    ['nl-2022-freeze', 'eu-restrictive-measures', 'freedom-house-2024']
    """
    idx = _read_index(RISK_PROFILE_DIR)
    counts = [len(load_risk_profile(n)) for n in idx["name"]]
    return pd.DataFrame(
        {
            "name": idx["name"].astype(TEXT),
            "description": idx["description"].astype(TEXT),
            "source": idx["source"].astype(TEXT),
            "url": _blank_to_na(idx["url"]),
            "date": pd.to_datetime(_blank_to_na(idx["date"]), format=_ISO_DATE).astype(_DATE),
            "countries": pd.array(counts, dtype="Int64"),
        }
    )


def _load_bundled(key: str, row: pd.Series) -> pd.DataFrame:
    """A bundled profile, its facts taken from the index row (name, description, source...)."""
    if row["format"] == "freedom-house-facts":
        df = risk_profile_from_freedom_house(RISK_PROFILE_DIR / row["file"], name=key)
    else:
        df = read_risk_profile(RISK_PROFILE_DIR / row["file"], name=key)
    meta = dict(df.attrs["profile"])
    meta.update(
        name=key,
        description=row["description"],
        source=row["source"],
        url=row["url"] or None,
        date=pd.Timestamp(row["date"]) if row["date"] else None,
    )
    df.attrs["profile"] = meta
    return df


def load_risk_profile(name_or_path: ProfileArg) -> pd.DataFrame:
    """Load a bundled risk profile by name, or a profile CSV by path.

    Parameters
    ----------
    name_or_path : str, PathLike or DataFrame
        A name from :func:`list_risk_profiles` (``"nl-2022-freeze"``,
        ``"eu-restrictive-measures"``, ``"freedom-house-2024"``) or a CSV path (see
        :func:`read_risk_profile`). A DataFrame is returned as a copy (check it with
        :func:`risk_tiers`).

    Returns
    -------
    pandas.DataFrame
        The profile, with ``attrs["profile"]`` (name, description, source, date).

    Raises
    ------
    UnknownNameError
        Neither a bundled name nor an existing file (the message lists the names).

    Examples
    --------
    >>> load_risk_profile("nl-2022-freeze")[["country", "tier"]].values.tolist()
    [['RU', 3], ['BY', 3]]
    """
    if isinstance(name_or_path, pd.DataFrame):
        return name_or_path.copy()
    idx = _read_index(RISK_PROFILE_DIR).set_index("name")
    key = str(name_or_path)
    if key in idx.index:
        return _load_bundled(key, idx.loc[key])  # type: ignore[arg-type]  # unique index
    path = Path(name_or_path)
    if key.strip() and path.exists():  # "" would be the current directory
        return read_risk_profile(path)
    raise UnknownNameError(
        f"{key!r} is not a bundled risk profile ({', '.join(idx.index)}) nor an existing file."
    )


# --------------------------------------------------------------------------------------------
# The tier of a country in a profile
# --------------------------------------------------------------------------------------------
def _frame_label(frame: pd.DataFrame) -> str:
    name = frame.attrs.get("profile", {}).get("name") if isinstance(frame.attrs, dict) else None
    what = f"risk profile {name!r}" if name else "risk profile"
    return f"{what} (a DataFrame; rows are its index labels)"


def risk_tiers(profile: ProfileArg) -> pd.DataFrame:
    """The tier of each country in a risk profile, checked: the one rule every caller uses.

    A profile has one row per country and one tier 0..3 per row; a country given twice is an
    error, and a country that is not in the profile has no tier (callers treat it as unknown:
    NA in exposure, not targeted by impact's risk target). A DataFrame is checked exactly as a
    file: ISO2 codes stripped and upper-cased (``"NA"`` is Namibia, ``XK`` Kosovo), every
    problem collected and raised once.

    Parameters
    ----------
    profile : str, PathLike or DataFrame
        A bundled profile's name (:func:`list_risk_profiles`), the path of a profile CSV
        (:func:`read_risk_profile`), or a frame with columns ``country`` and ``tier`` (and
        optionally ``reason`` and ``source``; other columns are ignored). Never modified.

    Returns
    -------
    pandas.DataFrame
        ``country, tier, reason, source`` (``string``, ``Int64``, ``string``, ``string``), one
        row per country in the profile's order; ``attrs["profile"]`` as the profile's.

    Raises
    ------
    ReferenceDataError
        A country given more than once (the message names every one with its rows and says
        how to fix it), a tier that is not an integer 0..3, a blank or non-ISO2 country, or
        missing ``country``/``tier`` columns (also a ``ValueError``).
    UnknownNameError
        A name that is neither a bundled profile nor an existing file.

    Examples
    --------
    >>> risk_tiers("nl-2022-freeze")[["country", "tier"]].values.tolist()
    [['RU', 3], ['BY', 3]]
    >>> frame = pd.DataFrame({"country": ["na ", "RU"], "tier": [1, 3]})
    >>> risk_tiers(frame)["country"].tolist()
    ['NA', 'RU']
    """
    frame = profile if isinstance(profile, pd.DataFrame) else load_risk_profile(profile)
    where = _frame_label(frame) if isinstance(profile, pd.DataFrame) else str(profile)
    missing = [c for c in ("country", "tier") if c not in frame.columns]
    if missing:
        raise ReferenceDataError(
            f"{where}: missing column(s) {', '.join(map(repr, missing))}; a risk profile has "
            "columns country (ISO2) and tier (0..3), optionally reason and source."
        )
    rows = pd.Series(frame.index.to_numpy(dtype=object))
    checked = frame[["country", "tier"]].reset_index(drop=True)
    P = _Problems(where)
    country, tier, duplicates = _check_profile_rows(checked, rows, P)
    fix = _ONE_ROW_PER_COUNTRY if duplicates else "Give one ISO2 country and one tier 0..3 per row."
    P.raise_if_any("the risk profile", fix, detail=duplicates)
    out = pd.DataFrame(
        {
            "country": country.astype(TEXT).to_numpy(),
            "tier": tier.astype("Int64").array,
            "reason": _text_column(frame, "reason").astype(TEXT).to_numpy(),
            "source": _text_column(frame, "source").astype(TEXT).to_numpy(),
        }
    ).astype(TIER_COLUMNS)  # type: ignore[arg-type]
    out.attrs["profile"] = dict(frame.attrs.get("profile", {}))
    return out
