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

**Dated profiles** (editions): a profile may give every row a ``valid_from`` date (and, optionally,
a ``valid_to``); the rows sharing a ``valid_from`` are one *edition*, and a country may appear once
per edition. At a date ``d`` the edition in force is the latest whose ``valid_from <= d``: it stays
in force until the next edition, unless a row's ``valid_to`` (inclusive) ends it earlier. **Before
the first edition no edition is in force: every country is untiered** (NA, as if absent) — applying
a later assessment to an earlier date is what the dated profile exists to avoid; the table's
``attrs["profile"]["note"]`` says so. ``risk_tiers(profile, at=d)`` applies this; without ``at``
the date is today.

**Combined lenses** (:func:`combine_profiles`): several profiles (lenses) are combined by the
**highest tier** any lens gives a country; a country missing from one lens keeps the others' tier;
``lens`` names the lens(es) that set the tier and ``reason`` keeps every lens's reason
(``"freedom-house (tier 3): ... | eu-restrictive-measures (tier 2): ..."``). A duplicate country
within one lens stays an error. ``risk_tiers([a, b], at=d)`` is ``combine_profiles([a, b], at=d)``.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from os import PathLike
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..config import PACKAGE_DATA
from ..errors import ReferenceDataError, UnknownNameError
from ..schemas import DATE, TEXT
from ._canonical import PROFILE_COLUMNS, TIERS, _profile_frame, _text_column
from ._freedom_house import dated_profile_from_freedom_house, risk_profile_from_freedom_house
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
#: One profile, or several lenses (a list, or a mapping lens name -> profile).
ProfilesArg = ProfileArg | Sequence[ProfileArg] | Mapping[str, ProfileArg]

#: Columns of :func:`combine_profiles`: those of :func:`risk_tiers` and the deciding lens(es).
COMBINED_COLUMNS: dict[str, object] = {**TIER_COLUMNS, "lens": TEXT}
#: Rules :func:`combine_profiles` knows.
COMBINE_RULES = ("highest",)
_VALIDITY = ("valid_from", "valid_to")
_LENS_SEP = " | "


# --------------------------------------------------------------------------------------------
# The checks of a profile's rows (a file and a frame alike)
# --------------------------------------------------------------------------------------------
def _row(rows: pd.Series, i: int | np.integer) -> Any:
    """The row number (a file) or index label (a frame) at position ``i``, as a plain value."""
    row = rows.iloc[i]
    return int(row) if isinstance(row, int | np.integer) else row


def _duplicated_countries(key: pd.Series, rows: pd.Series) -> str:
    """``"Countries given more than once: RU (rows 2, 4), BY (rows 3, 5)."``, or ``""``."""
    dup = (key.duplicated(keep=False) & key.notna()).to_numpy(bool)
    if not dup.any():
        return ""
    groups: dict[str, list[str]] = {}
    for i in np.flatnonzero(dup):
        groups.setdefault(key.iloc[i], []).append(str(_row(rows, i)))
    listed = ", ".join(f"{code} (rows {', '.join(r)})" for code, r in groups.items())
    return f"Countries given more than once: {listed}."


def _check_profile_rows(
    raw: pd.DataFrame, rows: pd.Series, P: _Problems, edition: pd.Series | None = None
) -> tuple[pd.Series, pd.Series, str]:
    """Country codes and tiers of every row, problems added; and the sentence naming every
    duplicated country ("" if none). With ``edition`` (the ``valid_from`` of each row), a
    country may appear once per edition."""
    country = _check_iso2(raw, "country", P, rows, required=True)
    tier = pd.to_numeric(_blank_to_na(raw["tier"]), errors="coerce")
    ok_tier = tier.isin(list(TIERS)).fillna(False).to_numpy(bool)
    P.add_mask(raw, ~ok_tier, "tier", _TIER_EXPECTED, rows)
    key = country
    if edition is not None:
        when = pd.Series(edition.to_numpy()).dt.strftime("%Y-%m-%d").fillna("?")
        key = (country + " in the edition of " + when.to_numpy()).where(country.notna())
    for i in np.flatnonzero((key.duplicated(keep="first") & key.notna()).to_numpy(bool)):
        first = int(np.flatnonzero((key == key.iloc[i]).fillna(False).to_numpy(bool))[0])
        per = "per country" if edition is None else "per country and edition (valid_from)"
        P.add(
            _row(rows, i),
            "country",
            raw["country"].iloc[i],
            f"one row {per} (also row {_row(rows, first)})",
        )
    return country, tier, _duplicated_countries(key, rows)


def _validity(
    frame: pd.DataFrame, rows: pd.Series, P: _Problems
) -> tuple[pd.Series | None, pd.Series | None]:
    """``valid_from`` and ``valid_to`` of a dated profile (problems added), or None, None.

    Dates are text ``YYYY-MM-DD`` (a file) or datetimes (a frame); every row of a dated profile
    needs a ``valid_from``, and a ``valid_to`` (optional) may not be before it."""
    if "valid_from" not in frame.columns:
        if "valid_to" in frame.columns:
            P.add(_row(rows, 0), "valid_to", "", "a valid_from column beside valid_to")
        return None, None
    out = []
    for col in _VALIDITY:
        if col not in frame.columns:
            out.append(pd.Series(pd.NaT, index=frame.index, dtype=DATE))
        elif pd.api.types.is_datetime64_any_dtype(frame[col].dtype):
            d = frame[col]
            d = d.dt.tz_localize(None) if getattr(d.dt, "tz", None) is not None else d
            out.append(d.dt.normalize().astype(DATE))
        else:
            out.append(_parse_dates(frame, col, P, rows))
    vf, vt = out
    given = frame["valid_from"]
    if not pd.api.types.is_datetime64_any_dtype(given.dtype):
        given = _blank_to_na(given)
    P.add_mask(
        frame,
        given.isna().to_numpy(bool),
        "valid_from",
        "a date YYYY-MM-DD (every row of a dated profile: the day its edition comes into force)",
        rows,
    )
    P.add_mask(
        frame,
        (vt < vf).fillna(False).to_numpy(bool),
        "valid_to",
        "a date on/after valid_from",
        rows,
    )
    return vf.reset_index(drop=True), vt.reset_index(drop=True)


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
    A **dated** profile has ``valid_from`` on every row (and optionally ``valid_to``, both
    ``YYYY-MM-DD``, kept as dates): rows sharing a ``valid_from`` are one edition, in which a
    country may appear once (see the module notes).

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
    valid_from, valid_to = _validity(raw, rows, P)
    country, tier, duplicates = _check_profile_rows(raw, rows, P, valid_from)
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
    if valid_from is not None:
        df["valid_from"] = valid_from.to_numpy()
        if valid_to is not None and "valid_to" in raw.columns:
            df["valid_to"] = valid_to.to_numpy()
    df.attrs["profile"] = meta
    return df


def list_risk_profiles() -> pd.DataFrame:
    """The bundled risk profiles with their description, source and date.

    Returns
    -------
    pandas.DataFrame
        ``name, description, source, url, date, countries`` (``countries`` = number of
        distinct countries; of a dated profile, in any edition).

    Examples
    --------
    >>> list_risk_profiles()["name"].tolist()
    ['nl-2022-freeze', 'eu-restrictive-measures', 'freedom-house-2024', 'freedom-house']
    """
    idx = _read_index(RISK_PROFILE_DIR)
    counts = [load_risk_profile(n)["country"].nunique() for n in idx["name"]]
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


@lru_cache(maxsize=16)
def _bundled(key: str) -> pd.DataFrame:
    """A bundled profile by name, built once per session (package data does not change; the
    dated Freedom House profile takes a dozen editions to build). Callers get copies."""
    idx = _read_index(RISK_PROFILE_DIR).set_index("name")
    return _load_bundled(key, idx.loc[key])  # type: ignore[arg-type]  # unique index


def _load_bundled(key: str, row: pd.Series) -> pd.DataFrame:
    """A bundled profile, its facts taken from the index row (name, description, source...)."""
    if row["format"] == "freedom-house-facts":
        df = risk_profile_from_freedom_house(RISK_PROFILE_DIR / row["file"], name=key)
    elif row["format"] == "freedom-house-editions":
        df = dated_profile_from_freedom_house(RISK_PROFILE_DIR / row["file"], name=key)
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
        ``"eu-restrictive-measures"``, ``"freedom-house-2024"``, the dated
        ``"freedom-house"``) or a CSV path (see
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
        cached = _bundled(key)
        out = cached.copy()
        out.attrs = copy.deepcopy(cached.attrs)
        return out
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


def _is_several(profile: Any) -> bool:
    """A list, tuple or mapping of profiles (lenses), not one name, path or frame."""
    return isinstance(profile, Mapping | list | tuple)


def _day(at: Any) -> pd.Timestamp:
    """The day ``at`` (today when None), without time of day or zone."""
    ts = pd.Timestamp.today() if at is None else pd.Timestamp(at)
    if pd.isna(ts):
        raise ReferenceDataError(f"at={at!r} is not a date; give a date such as '2019-06-30'.")
    return (ts.tz_localize(None) if ts.tzinfo is not None else ts).normalize()


def _in_force(
    vf: pd.Series, vt: pd.Series, day: pd.Timestamp
) -> tuple[np.ndarray, pd.Timestamp | None]:
    """Rows of the edition in force at ``day`` (the latest ``valid_from <= day``, rows whose
    ``valid_to`` is not before it), and that edition's ``valid_from`` (None before the first)."""
    started = vf[vf <= day]
    if started.empty:
        return np.zeros(len(vf), bool), None
    edition = started.max()
    keep = (vf == edition) & (vt.isna() | (vt >= day))
    return keep.fillna(False).to_numpy(bool), edition


def risk_tiers(profile: ProfilesArg, *, at: Any = None) -> pd.DataFrame:
    """The tier of each country in a risk profile, checked: the one rule every caller uses.

    A profile has one row per country and one tier 0..3 per row; a country given twice is an
    error, and a country that is not in the profile has no tier (callers treat it as unknown:
    NA in exposure, not targeted by impact's risk target). A DataFrame is checked exactly as a
    file: ISO2 codes stripped and upper-cased (``"NA"`` is Namibia, ``XK`` Kosovo), every
    problem collected and raised once. A **dated** profile (``valid_from``, see the module
    notes) gives the edition in force at ``at``; before its first edition no country has a
    tier. **Several** profiles (a list or a mapping name -> profile) are combined by
    :func:`combine_profiles` (highest tier, every lens's reason kept).

    Parameters
    ----------
    profile : str, PathLike, DataFrame, or a list/mapping of them
        A bundled profile's name (:func:`list_risk_profiles`), the path of a profile CSV
        (:func:`read_risk_profile`), or a frame with columns ``country`` and ``tier`` (and
        optionally ``reason``, ``source``, ``valid_from``, ``valid_to``; other columns are
        ignored). Never modified.
    at : date-like, optional
        The day whose edition a dated profile gives; default today. An undated profile is the
        same at every date.

    Returns
    -------
    pandas.DataFrame
        ``country, tier, reason, source`` (``string``, ``Int64``, ``string``, ``string``), one
        row per country in the profile's order (plus ``lens`` for several profiles);
        ``attrs["profile"]`` as the profile's, with ``edition`` (the ``valid_from`` in force,
        None before the first) and ``note`` for a dated one.

    Raises
    ------
    ReferenceDataError
        A country given more than once (within one edition: the message names every one with
        its rows and says how to fix it), a tier that is not an integer 0..3, a blank or
        non-ISO2 country, a missing or bad ``valid_from`` in a dated profile, or missing
        ``country``/``tier`` columns (also a ``ValueError``).
    UnknownNameError
        A name that is neither a bundled profile nor an existing file.

    Examples
    --------
    >>> risk_tiers("nl-2022-freeze")[["country", "tier"]].values.tolist()
    [['RU', 3], ['BY', 3]]
    >>> frame = pd.DataFrame({"country": ["na ", "RU"], "tier": [1, 3]})
    >>> risk_tiers(frame)["country"].tolist()
    ['NA', 'RU']
    >>> fh = risk_tiers("freedom-house", at="2019-06-30").set_index("country")
    >>> fh.loc["RU", "reason"].startswith("Freedom House 2019")
    True
    """
    if _is_several(profile):
        return combine_profiles(profile, at=at)  # type: ignore[arg-type]
    return _select(_checked(profile), at)  # type: ignore[arg-type]  # not several


@dataclass(frozen=True)
class _Checked:
    """A profile checked once: every row (all editions), its validity dates, its facts."""

    table: pd.DataFrame  # country, tier, reason, source
    valid_from: pd.Series | None  # None: undated
    valid_to: pd.Series | None
    meta: dict[str, Any]


def _checked(one: ProfileArg) -> _Checked:
    """Load and check a profile (every problem collected and raised once)."""
    frame = one if isinstance(one, pd.DataFrame) else load_risk_profile(one)
    where = _frame_label(frame) if isinstance(one, pd.DataFrame) else str(one)
    missing = [c for c in ("country", "tier") if c not in frame.columns]
    if missing:
        raise ReferenceDataError(
            f"{where}: missing column(s) {', '.join(map(repr, missing))}; a risk profile has "
            "columns country (ISO2) and tier (0..3), optionally reason and source."
        )
    rows = pd.Series(frame.index.to_numpy(dtype=object))
    cols = ["country", "tier", *[c for c in _VALIDITY if c in frame.columns]]
    checked = frame[cols].reset_index(drop=True)
    P = _Problems(where)
    vf, vt = _validity(checked, rows, P)
    country, tier, duplicates = _check_profile_rows(checked, rows, P, vf)
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
    return _Checked(out, vf, vt, dict(frame.attrs.get("profile", {})))


def _select(c: _Checked, at: Any) -> pd.DataFrame:
    """The rows in force at ``at`` (all of an undated profile), ``attrs["profile"]`` set."""
    out, meta = c.table, dict(c.meta)
    if c.valid_from is not None and c.valid_to is not None:
        day = _day(at)
        keep, edition = _in_force(c.valid_from, c.valid_to, day)
        out = out.loc[keep].reset_index(drop=True)
        meta.update(edition=edition, at=day)
        meta["note"] = (
            f"edition of {edition.date()} in force on {day.date()}"
            if edition is not None
            else f"no edition in force on {day.date()} (the first is of "
            f"{c.valid_from.min().date()}): every country untiered"
        )
    else:
        out = out.copy()
    out.attrs["profile"] = meta
    return out


def _lenses(profiles: Sequence[ProfileArg] | Mapping[str, ProfileArg]) -> list[tuple[str, Any]]:
    """(lens name, profile frame) of each profile, loaded once; names must be distinct."""
    items = (
        list(profiles.items()) if isinstance(profiles, Mapping) else [(None, p) for p in profiles]
    )
    if not items:
        raise ReferenceDataError(
            "combine_profiles: no profiles given; pass a list of profile names, paths or frames."
        )
    out: list[tuple[str, Any]] = []
    for i, (name, p) in enumerate(items):
        if _is_several(p):
            raise ReferenceDataError(
                f"combine_profiles: lens {i + 1} is itself a list; pass a flat list of profiles."
            )
        frame = p if isinstance(p, pd.DataFrame) else load_risk_profile(p)
        attrs = frame.attrs.get("profile", {}) if isinstance(frame.attrs, dict) else {}
        label = name or attrs.get("name") or f"profile {i + 1}"
        out.append((str(label), frame))
    names = [n for n, _ in out]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise ReferenceDataError(
            f"combine_profiles: lens(es) {', '.join(twice)} given more than once; give each "
            "profile once (or name them apart with a mapping {name: profile})."
        )
    return out


def combine_profiles(
    profiles: Sequence[ProfileArg] | Mapping[str, ProfileArg],
    *,
    rule: str = "highest",
    at: Any = None,
) -> pd.DataFrame:
    """Several risk profiles (lenses) combined into one tier per country, every reason kept.

    Each lens goes through :func:`risk_tiers` (a duplicate country within a lens is an error
    naming it; a dated lens gives its edition in force at ``at``). The rule ``"highest"``: a
    country's tier is the highest any lens gives it; a country missing from a lens keeps the
    others' tier; a country in no lens has no tier.

    Parameters
    ----------
    profiles : list of (name, path or DataFrame), or mapping lens name -> profile
        The lenses, in the order their reasons are listed. A lens is named by the mapping key,
        else the profile's name (``attrs["profile"]["name"]``), else ``"profile <n>"``.
    rule : {"highest"}
        How tiers combine.
    at : date-like, optional
        The day for dated lenses (default today).

    Returns
    -------
    pandas.DataFrame
        ``country, tier, reason, source, lens``, one row per country in order of first
        appearance: ``lens`` the lens(es) giving the highest tier (``"; "``-joined), ``reason``
        every lens's ``"<lens> (tier <t>): <reason>"`` joined by ``" | "``, ``source`` the
        distinct sources joined by ``" | "``; ``attrs["profile"]`` has ``name`` (lens names
        joined by ``+``), ``rule``, ``lenses`` (each lens's attrs).

    Raises
    ------
    ReferenceDataError
        No profiles, a lens given twice, an unknown rule, or a lens that does not check.

    Examples
    --------
    >>> a = pd.DataFrame({"country": ["RU", "CN"], "tier": [3, 2], "reason": ["x", "y"]})
    >>> b = pd.DataFrame({"country": ["CN", "IR"], "tier": [3, 2], "reason": ["z", "w"]})
    >>> c = combine_profiles({"a": a, "b": b})
    >>> c[["country", "tier", "lens"]].values.tolist()
    [['RU', 3, 'a'], ['CN', 3, 'b'], ['IR', 2, 'b']]
    >>> c.loc[1, "reason"]
    'a (tier 2): y | b (tier 3): z'
    """
    if rule not in COMBINE_RULES:
        raise ReferenceDataError(
            f"combine_profiles: rule {rule!r} is not one of {', '.join(COMBINE_RULES)}."
        )
    lenses = _lenses(profiles)
    return _combine([(name, risk_tiers(frame, at=at)) for name, frame in lenses], rule)


def _combine(tables: Sequence[tuple[str, pd.DataFrame]], rule: str) -> pd.DataFrame:
    """The lenses' tier tables (in lens order) combined by ``rule`` (see combine_profiles)."""
    metas = [{"lens": name, **t.attrs.get("profile", {})} for name, t in tables]
    long = pd.concat([t.assign(lens=name) for name, t in tables], ignore_index=True)
    code, countries = pd.factorize(long["country"])
    tier = np.full(len(countries), -1, np.int64)
    np.maximum.at(tier, code, long["tier"].to_numpy(np.int64))
    why = long["lens"] + " (tier " + long["tier"].astype(str) + ")"
    why = (why + ": " + long["reason"]).fillna(why)
    reason: list[list[str]] = [[] for _ in countries]
    source: list[dict[str, None]] = [{} for _ in countries]
    lens: list[list[str]] = [[] for _ in countries]
    # one pass over a few hundred rows (countries x lenses) to join the texts per country
    for c, w, src, name, t in zip(
        code.tolist(),
        why.tolist(),
        long["source"].tolist(),
        long["lens"].tolist(),
        long["tier"].tolist(),
        strict=True,
    ):
        reason[c].append(w)
        if not pd.isna(src):
            source[c][src] = None
        if t == tier[c]:
            lens[c].append(name)
    out = pd.DataFrame(
        {
            "country": pd.Series(countries, dtype=TEXT),
            "tier": tier,
            "reason": [_LENS_SEP.join(r) for r in reason],
            "source": [_LENS_SEP.join(x) or None for x in source],
            "lens": ["; ".join(x) for x in lens],
        }
    ).astype(COMBINED_COLUMNS)  # type: ignore[arg-type]
    names = [n for n, _ in tables]
    out.attrs["profile"] = {
        "name": "+".join(names),
        "description": f"The {rule} tier of the lenses {', '.join(names)}.",
        "source": _LENS_SEP.join(str(m.get("source")) for m in metas if m.get("source")),
        "rule": rule,
        "lenses": metas,
    }
    return out


def _changes(checked: Sequence[_Checked]) -> np.ndarray:
    """The days on which the lenses' tiers may change: every ``valid_from`` and the day after
    every ``valid_to``, sorted (``datetime64[D]``)."""
    days: list[np.ndarray] = []
    for c in checked:
        for col, shift in ((c.valid_from, 0), (c.valid_to, 1)):
            if col is not None:
                d = col.dropna().unique()
                days.append(np.asarray(d, "datetime64[D]") + np.timedelta64(shift, "D"))
    return np.unique(np.concatenate(days)) if days else np.zeros(0, "datetime64[D]")


def risk_tiers_at(profile: ProfilesArg, days: Any) -> tuple[list[pd.DataFrame], np.ndarray]:
    """The tier tables in force on each of many days: each distinct table once, and which one
    each day uses (for quarterly series: map quarter -> edition, never per row).

    Parameters
    ----------
    profile : as :func:`risk_tiers` (one profile or several lenses)
    days : array-like of dates

    Returns
    -------
    (list of DataFrame, numpy.ndarray)
        The :func:`risk_tiers` table of each period between changes that the days touch, and
        per day the position of its table in that list.

    Examples
    --------
    >>> tables, which = risk_tiers_at("freedom-house", ["2018-12-31", "2019-03-31", "2019-06-30"])
    >>> len(tables), which.tolist()
    (2, [0, 1, 1])
    """
    several = _is_several(profile)
    lenses = _lenses(profile if several else [profile])  # type: ignore[arg-type, list-item]
    checked = [_checked(f) for _, f in lenses]  # each lens checked once
    d = np.asarray(pd.to_datetime(pd.Series(days)).to_numpy(), "datetime64[D]")
    changes = _changes(checked)
    period = np.searchsorted(changes, d, side="right")  # 0: before the first change
    used, which = np.unique(period, return_inverse=True)
    tables = []
    for k in used:
        if len(changes) == 0:
            rep = d[0] if len(d) else None
        else:
            rep = changes[k - 1] if k > 0 else changes[0] - np.timedelta64(1, "D")
        parts = [(name, _select(c, rep)) for (name, _), c in zip(lenses, checked, strict=True)]
        tables.append(_combine(parts, "highest") if several else parts[0][1])
    return tables, which.reshape(-1).astype(np.int64)
