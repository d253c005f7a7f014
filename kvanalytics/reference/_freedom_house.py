"""Freedom House "Freedom in the World": the facts per country (status, total score, D3 academic
freedom) from the official workbook or the bundled CSV, and the risk profile derived from them.

The rule from facts to tiers lives in :func:`_tier_by_status_and_d3`, used by
:func:`risk_profile_from_freedom_house` (one edition) and :func:`dated_profile_from_freedom_house`
(every edition, each in force from its release date). The bundled ``freedom-house`` (dated,
editions 2013-2024) and ``freedom-house-2024`` (its 2024 edition) profiles are that rule applied to
``data/freedom_house_2013-2024.csv``, which ``scripts/build_freedom_house.py`` writes from the
official all-data workbook.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from python_calamine import CalamineError, CalamineWorkbook

from ..config import PACKAGE_DATA
from ..errors import ReferenceDataError
from ..normalise import to_iso2
from ..schemas import TEXT
from ._canonical import TIERS, _profile_frame
from ._validate import (
    _DATE,
    PathArg,
    _blank_to_na,
    _check_columns,
    _check_file,
    _check_iso2,
    _iso2_codes,
    _Problems,
    _read_text_csv,
    _spreadsheet_rows,
)

#: The bundled facts: every edition 2013-2024 of the all-data workbook (one row per edition and
#: country), written by ``scripts/build_freedom_house.py``.
FREEDOM_HOUSE_FACTS = PACKAGE_DATA / "freedom_house_2013-2024.csv"

#: Freedom House status codes and names.
FH_STATUS = {"F": "Free", "PF": "Partly Free", "NF": "Not Free"}
#: Release dates of the Freedom in the World editions: edition N rates the events of year N-1
#: and is published early in year N (the 2024 edition covers 2023 and was released on 29
#: February 2024). A dated profile puts each edition in force from its release date, the day an
#: analyst could first have used it, until the next edition's. Dates from Freedom House's
#: announcements of each edition; an edition not listed here gets no date.
FH_RELEASE = {
    2013: "2013-01-16",
    2014: "2014-01-23",
    2015: "2015-01-28",
    2016: "2016-01-27",
    2017: "2017-01-31",
    2018: "2018-01-16",
    2019: "2019-02-04",
    2020: "2020-03-04",
    2021: "2021-03-03",
    2022: "2022-02-24",
    2023: "2023-03-09",
    2024: "2024-02-29",
}

#: Columns of the all-data workbook that are read, and of a facts table.
_FIW_COLUMNS = ("Country/Territory", "C/T", "Edition", "Status", "D3", "Total")
_FACTS_COLUMNS = ("iso2", "country", "status", "total", "d3", "edition", "source")
#: Integer ranges of the facts; PR runs from -4 (the discretionary question can subtract up to
#: 4) to 40, CL 0..60, so the total runs from -4 to 100.
_FACTS_RANGES = (("total", -4, 100), ("d3", 0, 4), ("edition", 1973, 9999))


# --------------------------------------------------------------------------------------------
# Facts from the workbook
# --------------------------------------------------------------------------------------------
def _sheet_name(path: Path, sheet: str | None) -> str:
    if sheet is not None:
        return sheet
    try:
        names = CalamineWorkbook.from_path(str(path)).sheet_names
    except CalamineError as exc:
        raise ReferenceDataError(
            f"{path}: not a readable Excel workbook ({exc}); expected the Freedom in the World "
            "all-data workbook (.xlsx)."
        ) from None
    fiw = [s for s in names if s.upper().startswith("FIW")]
    if not fiw:
        raise ReferenceDataError(
            f"{path}: no sheet named FIW... among {names}; pass sheet= explicitly."
        )
    return fiw[0]


def _read_fiw_sheet(path: Path, sheet: str | None) -> tuple[pd.DataFrame, str]:
    """The all-data sheet (header on row 2) with its columns checked, and the sheet's name."""
    _check_file(path)
    sheet_name = _sheet_name(path, sheet)
    try:
        raw = pd.read_excel(path, sheet_name=sheet_name, engine="calamine", header=1, dtype=object)
    except (CalamineError, ValueError) as exc:  # a sheet that is not there is a ValueError
        raise ReferenceDataError(f"{path}, sheet {sheet_name!r}: cannot be read ({exc}).") from None
    raw.columns = [str(c).strip() for c in raw.columns]
    missing = [c for c in _FIW_COLUMNS if c not in raw.columns]
    if missing:
        raise ReferenceDataError(
            f"{path}, sheet {sheet_name!r}: row 2 (header): missing column(s) {missing}; "
            f"expected the Freedom in the World all-data layout with {', '.join(_FIW_COLUMNS)}."
        )
    return raw, sheet_name


def _edition_rows(raw: pd.DataFrame, edition: int, where: str) -> tuple[pd.DataFrame, pd.Series]:
    """The rows of one edition, and their Excel row numbers (the header is row 2)."""
    excel_row = pd.Series(raw.index.to_numpy() + 3, index=raw.index)
    ed = pd.to_numeric(raw["Edition"], errors="coerce")
    sel = (ed == edition).to_numpy(bool)
    if not sel.any():
        found = sorted(ed.dropna().astype(int).unique().tolist())
        raise ReferenceDataError(
            f"{where}, column 'Edition': no rows for edition {edition}; editions found: {found}."
        )
    return raw.loc[sel].reset_index(drop=True), excel_row.loc[sel].reset_index(drop=True)


def _check_fiw_rows(e: pd.DataFrame, rows: pd.Series, P: _Problems) -> dict[str, Any]:
    """Status, D3, total, name, ISO2 code and whether a country, of every row; problems added."""
    status = _blank_to_na(e["Status"].astype(str)).str.upper()
    P.add_mask(
        e, ~status.isin(FH_STATUS).fillna(False).to_numpy(bool), "Status", "F, PF or NF", rows
    )
    d3 = pd.to_numeric(e["D3"], errors="coerce")
    P.add_mask(e, ~d3.isin(range(5)).to_numpy(bool), "D3", "an integer 0..4", rows)
    total = pd.to_numeric(e["Total"], errors="coerce")
    ok_total = (total.between(-4, 100) & (total % 1 == 0)).to_numpy(bool)
    P.add_mask(e, ~ok_total, "Total", "an integer -4..100", rows)
    name = _blank_to_na(e["Country/Territory"].astype(str))
    ct = _blank_to_na(e["C/T"].astype(str)).str.lower()
    # "St. Lucia" is "Saint Lucia" to the country names of kvanalytics.normalise
    iso = to_iso2(name.str.replace(r"^St\.\s+", "Saint ", regex=True)).astype(TEXT)
    iso = iso.where(iso.isin(_iso2_codes()))
    is_country = (ct == "c").fillna(False).to_numpy(bool)
    P.add_mask(
        e,
        is_country & iso.isna().to_numpy(bool),
        "Country/Territory",
        "a country name that kvanalytics.normalise.to_iso2 maps (add it to the alias file)",
        rows,
    )
    dup_country = iso[is_country].duplicated(keep=False) & iso[is_country].notna()
    for i in np.flatnonzero(is_country)[dup_country.to_numpy(bool)]:
        P.add(
            int(rows.iloc[i]),
            "Country/Territory",
            name.iloc[i],
            f"a unique country ({iso.iloc[i]} twice)",
        )
    return {
        "status": status,
        "d3": d3,
        "total": total,
        "name": name,
        "iso": iso,
        "is_country": is_country,
    }


def _kept_rows(iso: pd.Series, is_country: np.ndarray) -> np.ndarray:
    """Every country, and the territories with an ISO code of their own (first one only)."""
    taken = set(iso[is_country].dropna())
    terr_ok = (
        ~is_country & iso.notna().to_numpy(bool) & ~iso.isin(taken).fillna(False).to_numpy(bool)
    )
    terr_ok &= ~iso.duplicated(keep="first").to_numpy(bool)
    return is_country | terr_ok


def freedom_house_facts(
    path: PathArg, edition: int = 2024, *, sheet: str | None = None
) -> pd.DataFrame:
    """Extract one edition's status, total score and D3 (academic freedom) per country.

    Reads the official "Freedom in the World" all-data workbook (e.g.
    ``All_data_FIW_2013-2024.xlsx``, sheet ``FIW13-24``, header on the second row) with
    python-calamine and maps country names to ISO2 with :func:`kvanalytics.normalise.to_iso2`
    ("St." is read as "Saint"). Countries (``C/T`` = ``c``) must all map. Territories (``t``)
    that have no ISO code of their own (Crimea, Gaza Strip, Tibet...) or whose code a country
    already has are left out and listed in ``attrs["freedom_house"]["excluded"]``. This is how
    the bundled ``data/freedom_house_2024.csv`` was generated (the workbook is not shipped).

    Parameters
    ----------
    path : str or PathLike
        The workbook.
    edition : int
        Report edition (2024 = events of 2023).
    sheet : str, optional
        Sheet name; default the first sheet whose name starts with ``FIW``.

    Returns
    -------
    pandas.DataFrame
        ``iso2, country, status, total, d3, edition, source`` (``status`` F, PF or NF;
        ``total`` -4..100, as political rights can score below 0; ``d3`` 0-4), in workbook
        order; ``attrs["freedom_house"]`` names the edition, file, sheet and ``excluded``.

    Raises
    ------
    ReferenceDataError
        Not a workbook, missing columns, no rows for the edition, a country that does not map
        to ISO2, or a status/score out of range (file, Excel row and column named).

    Examples
    --------
    >>> facts = freedom_house_facts("All_data_FIW_2013-2024.xlsx", 2024)  # doctest: +SKIP
    >>> facts.set_index("iso2").loc["RU", ["status", "total", "d3"]].tolist()  # doctest: +SKIP
    ['NF', 13, 0]
    """
    path = Path(path)
    file = str(path)
    raw, sheet_name = _read_fiw_sheet(path, sheet)
    where = f"{file}, sheet {sheet_name!r}"
    e, rows = _edition_rows(raw, edition, where)
    P = _Problems(where)
    f = _check_fiw_rows(e, rows, P)
    P.raise_if_any(f"Freedom in the World {edition}", "Check the workbook and the edition.")
    keep = _kept_rows(f["iso"], f["is_country"])
    out = pd.DataFrame(
        {
            "iso2": f["iso"][keep].to_numpy(),
            "country": f["name"][keep].to_numpy(),
            "status": f["status"][keep].to_numpy(),
            "total": f["total"][keep].astype("Int64").array,
            "d3": f["d3"][keep].astype("Int64").array,
            "edition": pd.array([edition] * int(keep.sum()), dtype="Int64"),
            "source": f"Freedom House, Freedom in the World {edition}",
        }
    ).astype({"iso2": TEXT, "country": TEXT, "status": TEXT, "source": TEXT})
    out.attrs["freedom_house"] = {
        "edition": edition,
        "file": file,
        "sheet": sheet_name,
        "excluded": f["name"][~keep].tolist(),
    }
    return out


# --------------------------------------------------------------------------------------------
# Facts from the bundled CSV
# --------------------------------------------------------------------------------------------
def _read_facts_csv(path: Path) -> pd.DataFrame:
    """A facts CSV as :func:`freedom_house_facts` writes it, every row checked (one per country)."""
    raw = _read_text_csv(path)
    file = str(path)
    _check_columns(raw, file, _FACTS_COLUMNS)
    rows = _spreadsheet_rows(len(raw))
    P = _Problems(file)
    iso = _check_iso2(raw, "iso2", P, rows, required=True)
    key = pd.DataFrame({"iso2": iso, "edition": raw["edition"].str.strip()})
    dup = (key.duplicated(keep="first") & iso.notna()).to_numpy(bool)
    P.add_mask(raw, dup, "iso2", "one row per country and edition", rows)
    status = _blank_to_na(raw["status"])
    P.add_mask(
        raw, ~status.isin(FH_STATUS).fillna(False).to_numpy(bool), "status", "F, PF or NF", rows
    )
    nums = {}
    for c, lo, hi in _FACTS_RANGES:
        v = pd.to_numeric(_blank_to_na(raw[c]), errors="coerce")
        ok = (v.between(lo, hi) & (v % 1 == 0)).fillna(False).to_numpy(bool)
        P.add_mask(raw, ~ok, c, f"an integer {lo}..{hi}", rows)
        nums[c] = v
    P.raise_if_any("the Freedom House facts", "Regenerate the file with freedom_house_facts().")
    return pd.DataFrame(
        {
            "iso2": iso.to_numpy(),
            "country": _blank_to_na(raw["country"]).to_numpy(),
            "status": status.to_numpy(),
            "total": nums["total"].astype("Int64").array,
            "d3": nums["d3"].astype("Int64").array,
            "edition": nums["edition"].astype("Int64").array,
            "source": _blank_to_na(raw["source"]).to_numpy(),
        }
    ).astype({"iso2": TEXT, "country": TEXT, "status": TEXT, "source": TEXT})


# --------------------------------------------------------------------------------------------
# From facts to a risk profile
# --------------------------------------------------------------------------------------------
def _check_thresholds(tiers: dict[str, int], d3_max: dict[str, int | None]) -> None:
    for label, t in tiers.items():
        if t not in TIERS:
            raise ReferenceDataError(f"{label} must be one of 0, 1, 2, 3; got {t!r}.")
    for label, thr in d3_max.items():
        if thr is not None and thr not in range(5):
            raise ReferenceDataError(f"{label} must be None or an integer 0..4; got {thr!r}.")


def _facts_from(path: PathArg | pd.DataFrame, edition: int) -> tuple[pd.DataFrame, str, list[str]]:
    """The facts table of ``edition`` (a table of several editions is cut to that one), where
    it came from, and the territories the workbook left out."""
    if isinstance(path, pd.DataFrame):
        facts, origin = path, "DataFrame"
    else:
        p = Path(path)
        if p.suffix.lower() in (".xlsx", ".xlsm", ".xls"):
            facts = freedom_house_facts(p, edition)
            return facts, str(p), list(facts.attrs["freedom_house"]["excluded"])
        facts, origin = _read_facts_csv(p), str(p)
    eds = pd.to_numeric(pd.Series(facts["edition"]), errors="coerce")
    if eds.nunique() > 1:
        if not (eds == edition).any():
            found = sorted(eds.dropna().astype(int).unique().tolist())
            raise ReferenceDataError(
                f"{origin}, column 'edition': no rows for edition {edition}; editions found: "
                f"{found}. Pass edition= one of them."
            )
        facts = facts.loc[(eds == edition).to_numpy(bool)].reset_index(drop=True)
    return facts, origin, []


def _tier_by_status_and_d3(
    status: pd.Series, d3: pd.Series, thresholds: dict[str, Any]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The tier of each country (the higher of its status tier and its D3 tier), and both parts.

    An unknown status gives status tier 0, an unknown D3 no D3 tier.
    """
    by_status = status.map(
        {
            "NF": thresholds["not_free_tier"],
            "PF": thresholds["partly_free_tier"],
            "F": thresholds["free_tier"],
        }
    )
    status_tier = by_status.astype("Int64").fillna(0).to_numpy(np.int64)
    d3v = d3.fillna(99).to_numpy(np.int64)
    d3_tier = np.zeros(len(status), dtype=np.int64)
    for key, t in (("d3_watch_max", 1), ("d3_high_max", 2), ("d3_restricted_max", 3)):
        thr = thresholds[key]
        if thr is not None:
            d3_tier = np.where(d3v <= thr, np.maximum(d3_tier, t), d3_tier)
    return np.maximum(status_tier, d3_tier), status_tier, d3_tier


def _fh_reasons(
    facts: pd.DataFrame,
    status: pd.Series,
    d3: pd.Series,
    ed: int,
    status_tier: np.ndarray,
    d3_tier: np.ndarray,
) -> np.ndarray:
    """``"Freedom House 2024: Not Free (total 13/100); D3 academic freedom 0/4; tier from D3"``."""
    total = pd.Series(facts["total"]).astype("Int64").astype(str).to_numpy(dtype=object)
    why = np.where(d3_tier > status_tier, "; tier from D3", "; tier from status")
    return (
        f"Freedom House {ed}: "
        + status.map(FH_STATUS).fillna("unknown status").to_numpy(dtype=object)
        + " (total "
        + total
        + "/100); D3 academic freedom "
        + d3.astype(str).to_numpy(dtype=object)
        + "/4"
        + why
    )


def _fh_description(ed: int, t: dict[str, Any]) -> str:
    return (
        f"Tiers from Freedom House's Freedom in the World {ed}: the higher of the status "
        f"tier (NF {t['not_free_tier']}, PF {t['partly_free_tier']}, F {t['free_tier']}) and "
        f"the D3 academic-freedom tier (D3 <= {t['d3_restricted_max']}: 3, "
        f"<= {t['d3_high_max']}: 2, <= {t['d3_watch_max']}: 1)."
    )


def risk_profile_from_freedom_house(
    path: PathArg | pd.DataFrame,
    *,
    edition: int = 2024,
    not_free_tier: int = 2,
    partly_free_tier: int = 1,
    free_tier: int = 0,
    d3_restricted_max: int | None = 0,
    d3_high_max: int | None = 1,
    d3_watch_max: int | None = None,
    name: str | None = None,
) -> pd.DataFrame:
    """Build a risk profile from Freedom House's status and its academic-freedom item D3.

    A country's tier is the highest of (a) its status tier (Not Free -> ``not_free_tier``,
    Partly Free -> ``partly_free_tier``, Free -> ``free_tier``) and (b) its D3 tier: D3 (0-4,
    "Is there academic freedom, and is the educational system free from extensive political
    indoctrination?") at most ``d3_restricted_max`` gives tier 3, at most ``d3_high_max`` tier
    2, at most ``d3_watch_max`` tier 1; ``None`` switches a threshold off. With the defaults,
    Russia (NF, D3 0) is tier 3 and the Netherlands (F, D3 4) tier 0.

    Parameters
    ----------
    path : str, PathLike or DataFrame
        The "Freedom in the World" all-data workbook (``.xlsx``, read with
        :func:`freedom_house_facts`), a facts CSV as bundled, or a facts DataFrame.
    edition : int
        Edition to read from a workbook, or from a facts table holding several editions.
    not_free_tier, partly_free_tier, free_tier : int
        Tiers (0..3) by status.
    d3_restricted_max, d3_high_max, d3_watch_max : int or None
        D3 thresholds (0..4) for tiers 3, 2 and 1.
    name : str, optional
        Profile name; default ``freedom-house-<edition>``.

    Returns
    -------
    pandas.DataFrame
        A risk profile (``country, tier, reason, source, date``); ``attrs["profile"]`` also
        records the thresholds and the territories left out (``excluded``).

    Raises
    ------
    ReferenceDataError
        A tier or threshold out of range (also a ``ValueError``), or a facts file or workbook
        that does not check.

    Examples
    --------
    >>> from kvanalytics.config import PACKAGE_DATA
    >>> p = risk_profile_from_freedom_house(PACKAGE_DATA / "freedom_house_2013-2024.csv")
    >>> p.set_index("country").loc[["RU", "NL"], "tier"].tolist()
    [3, 0]
    """
    status_tiers = {
        "not_free_tier": not_free_tier,
        "partly_free_tier": partly_free_tier,
        "free_tier": free_tier,
    }
    d3_max = {
        "d3_restricted_max": d3_restricted_max,
        "d3_high_max": d3_high_max,
        "d3_watch_max": d3_watch_max,
    }
    _check_thresholds(status_tiers, d3_max)
    thresholds = {**status_tiers, **d3_max}
    facts, origin, excluded = _facts_from(path, edition)
    eds = pd.Series(facts["edition"]).dropna().unique().tolist()
    ed = int(eds[0]) if len(eds) == 1 else edition
    status = facts["status"].astype(TEXT)
    d3 = pd.to_numeric(facts["d3"]).astype("Int64")
    tier, status_tier, d3_tier = _tier_by_status_and_d3(status, d3, thresholds)
    release = FH_RELEASE.get(ed)
    date = pd.Timestamp(release) if release else pd.NaT
    src = f"Freedom House, Freedom in the World {ed}"
    meta = {
        "name": name or f"freedom-house-{ed}",
        "description": _fh_description(ed, thresholds),
        "source": src,
        "date": date if release else None,
        "file": origin,
        "thresholds": thresholds,
        "excluded": excluded,
    }
    return _profile_frame(
        facts["iso2"].to_numpy(),
        tier,
        _fh_reasons(facts, status, d3, ed, status_tier, d3_tier),
        pd.Series(facts["source"]).astype(TEXT).fillna(src).to_numpy(),
        pd.Series([date] * len(facts), dtype=_DATE).to_numpy(),
        meta,
    )


def dated_profile_from_freedom_house(
    path: PathArg | pd.DataFrame,
    *,
    editions: list[int] | None = None,
    name: str = "freedom-house",
    **thresholds: Any,
) -> pd.DataFrame:
    """A dated risk profile: every edition's tiers, each in force from its release date.

    Each edition goes through :func:`risk_profile_from_freedom_house` (the one rule, with the
    same ``thresholds``); its rows get ``valid_from`` = the edition's release date
    (:data:`FH_RELEASE`) and no ``valid_to``: an edition is in force until the next one is
    released (:func:`kvanalytics.reference.risk_tiers` with ``at=`` picks it).

    Parameters
    ----------
    path : str, PathLike or DataFrame
        The all-data workbook, or a facts CSV/table with several editions (as bundled).
    editions : list of int, optional
        Editions to use; default every edition of a facts table, 2013-2024 of a workbook.
    name : str
        Profile name.
    **thresholds
        Tier thresholds of :func:`risk_profile_from_freedom_house` (``not_free_tier``...).

    Returns
    -------
    pandas.DataFrame
        ``country, tier, reason, source, date, valid_from, edition``; ``attrs["profile"]``
        lists the ``editions`` and the thresholds.

    Raises
    ------
    ReferenceDataError
        An edition without a release date in :data:`FH_RELEASE` (a dated edition needs one),
        or facts that do not check.

    Examples
    --------
    >>> from kvanalytics.config import PACKAGE_DATA
    >>> p = dated_profile_from_freedom_house(PACKAGE_DATA / "freedom_house_2013-2024.csv")
    >>> str(p["valid_from"].min().date()), str(p["valid_from"].max().date())
    ('2013-01-16', '2024-02-29')
    """
    if editions is None:
        if isinstance(path, pd.DataFrame) or Path(path).suffix.lower() not in (".xlsx", ".xls"):
            facts = path if isinstance(path, pd.DataFrame) else _read_facts_csv(Path(path))
            path = facts
            eds = pd.to_numeric(pd.Series(facts["edition"]), errors="coerce").dropna()
            editions = sorted(eds.astype(int).unique().tolist())
        else:
            editions = sorted(FH_RELEASE)
    undated = [e for e in editions if e not in FH_RELEASE]
    if undated:
        raise ReferenceDataError(
            f"Freedom in the World edition(s) {undated} have no release date in FH_RELEASE; "
            "a dated profile puts each edition in force from its release date. Add the date."
        )
    parts = []
    meta: dict[str, Any] = {}
    for ed in editions:  # one pass per edition (a dozen), each vectorised over countries
        one = risk_profile_from_freedom_house(path, edition=ed, name=name, **thresholds)
        meta = dict(one.attrs["profile"])
        parts.append(one.assign(valid_from=pd.Timestamp(FH_RELEASE[ed]), edition=ed))
    out = pd.concat(parts, ignore_index=True)
    out["valid_from"] = out["valid_from"].astype(_DATE)
    out["edition"] = out["edition"].astype("Int64")
    meta.update(
        name=name,
        description=meta.get("description", "").replace(
            f"Freedom in the World {editions[-1]}",
            f"Freedom in the World {editions[0]}-{editions[-1]}, each edition in force from "
            "its release date",
        ),
        source=f"Freedom House, Freedom in the World {editions[0]}-{editions[-1]}",
        editions=list(editions),
    )
    out.attrs["profile"] = meta
    return out
