"""Reference data: country risk profiles and institution watchlists, bundled or read from files.

**Risk profiles** map countries to a tier (0 none, 1 watch, 2 high, 3 restricted) with a reason,
source and date per country; profile-level facts (name, description, source, date) are in
``df.attrs["profile"]``. Bundled: ``nl-2022-freeze``, ``eu-restrictive-measures`` and
``freedom-house-2024`` (:func:`list_risk_profiles`).

**Watchlists** are tidy tables with one row per *name variant* (the listed name and each alias):
``list, kind, entry_id, name, is_alias, country, identifiers, listed_on, program, source,
list_date`` plus ``entity_type`` (entity, individual, vessel, aircraft; NA when the list does
not say), ``countries`` (every ISO2 code the entry's addresses or nationalities give, ``;``
separated, NA when any of them is unknown), ``reason`` and ``note``. ``kind`` keeps government
**designations** (sanctions, export control) apart from **assessments** (statements, ratings).
Per-list facts (kind, source, date, file, number of entries) are in ``df.attrs["watchlists"]``.

Readers exist for the real formats: the US Consolidated Screening List CSV (:func:`read_csl`),
OFAC's legacy ``sdn.csv`` (:func:`read_sdn`), the UN Security Council consolidated list XML
(:func:`read_un_xml`) and a simple CSV for institution lists (:func:`read_watchlist`).

Every reader checks the whole file and raises one :class:`~kvanalytics.errors.ReferenceDataError`
naming the file, row, column and what was expected; the error's ``problems`` attribute holds
all failures as a table. Row numbers count the header as row 1, as a spreadsheet shows them.
ISO codes are read with ``keep_default_na=False``: ``"NA"`` is Namibia, never missing.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping
from functools import lru_cache
from os import PathLike
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .config import PACKAGE_DATA
from .errors import ReferenceDataError, UnknownNameError
from .schemas import DATE, TEXT

_DATE = np.dtype(DATE)  # datetime64[us], as a dtype object for astype

__all__ = [
    "KINDS",
    "PROFILE_COLUMNS",
    "TIERS",
    "WATCHLIST_COLUMNS",
    "freedom_house_facts",
    "list_risk_profiles",
    "list_watchlists",
    "load_risk_profile",
    "load_watchlist",
    "read_csl",
    "read_risk_profile",
    "read_sdn",
    "read_un_xml",
    "read_watchlist",
    "risk_profile_from_freedom_house",
]

PathArg = str | PathLike[str]

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

#: Columns of the simple watchlist CSV (:func:`read_watchlist`).
WATCHLIST_CSV_REQUIRED = ("name", "kind")
WATCHLIST_CSV_OPTIONAL = (
    "aliases",
    "country",
    "identifiers",
    "listed_on",
    "source",
    "list",
    "entry_id",
    "reason",
    "note",
    "program",
    "list_date",
)

RISK_PROFILE_DIR = PACKAGE_DATA / "risk_profiles"
WATCHLIST_DIR = PACKAGE_DATA / "watchlists"
FREEDOM_HOUSE_FACTS = PACKAGE_DATA / "freedom_house_2024.csv"

#: Freedom House status codes and names.
FH_STATUS = {"F": "Free", "PF": "Partly Free", "NF": "Not Free"}
#: Release dates of Freedom in the World editions (the 2024 edition covers 2023 and was
#: released on 29 February 2024); other editions get no date.
FH_RELEASE = {2024: "2024-02-29"}

_SDN_COLUMNS = (
    "ent_num",
    "SDN_Name",
    "SDN_Type",
    "Program",
    "Title",
    "Call_Sign",
    "Vess_type",
    "Tonnage",
    "GRT",
    "Vess_flag",
    "Vess_owner",
    "Remarks",
)
_SDN_ALIAS = re.compile(r"\b[afn]\.k\.a\.,?\s+'(.+?)'(?=\s*(?:[;.,)]|$))")
_SDN_SOURCE = (
    "US Treasury OFAC, Specially Designated Nationals and Blocked Persons List "
    "(legacy sdn.csv), https://sanctionslist.ofac.treas.gov/Home/SdnList"
)
_UN_SOURCE = (
    "United Nations Security Council Consolidated List, "
    "https://scsanctions.un.org/resources/xml/en/consolidated.xml"
)
_CSL_SOURCE = "US Consolidated Screening List (International Trade Administration)"
_ISO_DATE = "%Y-%m-%d"


# --------------------------------------------------------------------------------------------
# Helpers: problems, text, dates, ISO codes
# --------------------------------------------------------------------------------------------
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

    def raise_if_any(self, what: str, fix: str) -> None:
        if not self.rows:
            return
        table = pd.DataFrame(self.rows, columns=["file", "row", "column", "value", "expected"])
        examples = "; ".join(
            f"row {r.row}, column {r.column!r}: {r.value!r} (expected {r.expected})"
            for r in table.head(3).itertuples()
        )
        err = ReferenceDataError(
            f"{self.file}: {len(table)} problem(s) in {what}, e.g. {examples}. {fix}"
        )
        err.problems = table  # type: ignore[attr-defined]
        raise err


def _blank_to_na(s: pd.Series) -> pd.Series:
    """Strip text; empty strings and the SDN's ``-0-`` become NA."""
    t = s.astype(TEXT).str.strip()
    return t.mask((t == "") | (t == "-0-"))


@lru_cache(maxsize=1)
def _iso2_codes() -> frozenset[str]:
    import pycountry

    return frozenset(c.alpha_2 for c in pycountry.countries) | {"XK"}


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


def _read_text_csv(path: Path, **kwargs: Any) -> pd.DataFrame:
    if not path.exists():
        raise ReferenceDataError(f"{path}: file not found.")
    if path.is_dir():
        raise ReferenceDataError(f"{path}: is a directory; give the CSV file.")
    try:
        # keep_default_na=False: "NA" is Namibia, never missing (DESIGN.md, dependency pitfalls)
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig", **kwargs)
    except UnicodeDecodeError:
        raise ReferenceDataError(f"{path}: not UTF-8 text; save it as a UTF-8 CSV.") from None
    except pd.errors.EmptyDataError:
        raise ReferenceDataError(
            f"{path}: the file is empty; a CSV with a header row is expected."
        ) from None
    except pd.errors.ParserError as exc:
        raise ReferenceDataError(f"{path}: not a readable CSV ({exc}).") from None


def _check_columns(
    raw: pd.DataFrame, file: str, required: Iterable[str], optional: Iterable[str] | None = None
) -> None:
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


# --------------------------------------------------------------------------------------------
# Risk profiles
# --------------------------------------------------------------------------------------------
def _profile_frame(
    country: Any, tier: Any, reason: Any, source: Any, date: Any, meta: Mapping[str, Any]
) -> pd.DataFrame:
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


def read_risk_profile(
    path: PathArg, *, name: str | None = None, description: str | None = None
) -> pd.DataFrame:
    """Read a country risk profile from a CSV file and check every row.

    The file has columns ``country`` (ISO 3166-1 alpha-2, or ``XK`` for Kosovo; ``NA`` is
    Namibia) and ``tier`` (0 none, 1 watch, 2 high, 3 restricted), and optionally ``reason``,
    ``source`` and ``date`` (``YYYY-MM-DD``). Other columns are kept after these. Lower-case
    codes are accepted and upper-cased; a country may appear only once.

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
        Missing columns, a tier outside 0..3, an unknown or blank country code, a duplicated
        country or a bad date; the message gives the count and examples with file, row and
        column, the error's ``problems`` attribute the full table.

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
    rows = pd.Series(np.arange(len(raw)) + 2)
    P = _Problems(file)
    country = _check_iso2(raw, "country", P, rows, required=True)
    tier_text = _blank_to_na(raw["tier"])
    tier = pd.to_numeric(tier_text, errors="coerce")
    ok_tier = tier.isin([0, 1, 2, 3]).fillna(False).to_numpy(bool)
    P.add_mask(
        raw, ~ok_tier, "tier", "an integer 0..3 (0 none, 1 watch, 2 high, 3 restricted)", rows
    )
    dup = country.duplicated(keep="first") & country.notna()
    for i in np.flatnonzero(dup.to_numpy(bool)):
        first = int(rows.iloc[int(np.flatnonzero((country == country.iloc[i]).to_numpy(bool))[0])])
        P.add(
            int(rows.iloc[i]),
            "country",
            raw["country"].iloc[i],
            f"one row per country (also row {first})",
        )
    date = (
        _parse_dates(raw, "date", P, rows)
        if "date" in raw.columns
        else pd.Series(pd.NaT, index=raw.index, dtype=DATE)
    )
    P.raise_if_any("the risk profile", "Fix the rows listed and read the file again.")
    na = pd.Series(pd.NA, index=raw.index, dtype=TEXT)
    reason = _blank_to_na(raw["reason"]) if "reason" in raw.columns else na
    source = _blank_to_na(raw["source"]) if "source" in raw.columns else na
    sources = source.dropna().drop_duplicates().tolist()
    meta = {
        "name": name or path.stem,
        "description": description or "",
        "source": "; ".join(sources) if sources else None,
        "date": date.max() if date.notna().any() else None,
        "file": file,
    }
    df = _profile_frame(
        country.to_numpy(),
        tier.astype("Int64").to_numpy(),
        reason.to_numpy(),
        source.to_numpy(),
        date.to_numpy(),
        meta,
    )
    extra = [c for c in raw.columns if c not in PROFILE_COLUMNS]
    for c in extra:
        df[c] = _blank_to_na(raw[c]).to_numpy()
    df.attrs["profile"] = meta
    return df


def _sheet_name(path: Path, sheet: str | None) -> str:
    if sheet is not None:
        return sheet
    from python_calamine import CalamineWorkbook

    names = CalamineWorkbook.from_path(str(path)).sheet_names
    fiw = [s for s in names if s.upper().startswith("FIW")]
    if not fiw:
        raise ReferenceDataError(
            f"{path}: no sheet named FIW... among {names}; pass sheet= explicitly."
        )
    return fiw[0]


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
        Missing columns, no rows for the edition, a country that does not map to ISO2, or a
        status/score out of range (file, Excel row and column named).

    Examples
    --------
    >>> facts = freedom_house_facts("All_data_FIW_2013-2024.xlsx", 2024)  # doctest: +SKIP
    >>> facts.set_index("iso2").loc["RU", ["status", "total", "d3"]].tolist()  # doctest: +SKIP
    ['NF', 13, 0]
    """
    from .normalise import to_iso2

    path = Path(path)
    file = str(path)
    if not path.exists():
        raise ReferenceDataError(f"{file}: file not found.")
    sheet_name = _sheet_name(path, sheet)
    raw = pd.read_excel(path, sheet_name=sheet_name, engine="calamine", header=1, dtype=object)
    raw.columns = [str(c).strip() for c in raw.columns]
    needed = ("Country/Territory", "C/T", "Edition", "Status", "D3", "Total")
    missing = [c for c in needed if c not in raw.columns]
    if missing:
        raise ReferenceDataError(
            f"{file}, sheet {sheet_name!r}: row 2 (header): missing column(s) {missing}; "
            f"expected the Freedom in the World all-data layout with {', '.join(needed)}."
        )
    excel_row = pd.Series(raw.index.to_numpy() + 3, index=raw.index)  # header is row 2
    ed = pd.to_numeric(raw["Edition"], errors="coerce")
    sel = (ed == edition).to_numpy(bool)
    if not sel.any():
        found = sorted(ed.dropna().astype(int).unique().tolist())
        raise ReferenceDataError(
            f"{file}, sheet {sheet_name!r}, column 'Edition': no rows for edition {edition}; "
            f"editions found: {found}."
        )
    e = raw.loc[sel].reset_index(drop=True)
    rows = excel_row.loc[sel].reset_index(drop=True)
    P = _Problems(f"{file}, sheet {sheet_name!r}")
    status = _blank_to_na(e["Status"].astype(str)).str.upper()
    P.add_mask(
        e, ~status.isin(FH_STATUS).fillna(False).to_numpy(bool), "Status", "F, PF or NF", rows
    )
    d3 = pd.to_numeric(e["D3"], errors="coerce")
    P.add_mask(e, ~d3.isin(range(5)).to_numpy(bool), "D3", "an integer 0..4", rows)
    total = pd.to_numeric(e["Total"], errors="coerce")
    # PR runs from -4 (the discretionary question can subtract up to 4) to 40, CL 0..60
    ok_total = (total.between(-4, 100) & (total % 1 == 0)).to_numpy(bool)
    P.add_mask(e, ~ok_total, "Total", "an integer -4..100", rows)
    name = _blank_to_na(e["Country/Territory"].astype(str))
    ct = _blank_to_na(e["C/T"].astype(str)).str.lower()
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
    P.raise_if_any(f"Freedom in the World {edition}", "Check the workbook and the edition.")
    taken = set(iso[is_country].dropna())
    terr_ok = (
        ~is_country & iso.notna().to_numpy(bool) & ~iso.isin(taken).fillna(False).to_numpy(bool)
    )
    terr_ok &= ~iso.duplicated(keep="first").to_numpy(bool)
    keep = is_country | terr_ok
    excluded = name[~keep].tolist()
    out = pd.DataFrame(
        {
            "iso2": iso[keep].to_numpy(),
            "country": name[keep].to_numpy(),
            "status": status[keep].to_numpy(),
            "total": total[keep].astype("Int64").array,
            "d3": d3[keep].astype("Int64").array,
            "edition": pd.array([edition] * int(keep.sum()), dtype="Int64"),
            "source": f"Freedom House, Freedom in the World {edition}",
        }
    ).astype({"iso2": TEXT, "country": TEXT, "status": TEXT, "source": TEXT})
    out.attrs["freedom_house"] = {
        "edition": edition,
        "file": file,
        "sheet": sheet_name,
        "excluded": excluded,
    }
    return out


def _read_facts_csv(path: Path) -> pd.DataFrame:
    raw = _read_text_csv(path)
    file = str(path)
    cols = ("iso2", "country", "status", "total", "d3", "edition", "source")
    _check_columns(raw, file, cols)
    rows = pd.Series(np.arange(len(raw)) + 2)
    P = _Problems(file)
    iso = _check_iso2(raw, "iso2", P, rows, required=True)
    status = _blank_to_na(raw["status"])
    P.add_mask(
        raw, ~status.isin(FH_STATUS).fillna(False).to_numpy(bool), "status", "F, PF or NF", rows
    )
    nums = {}
    for c, lo, hi in (("total", -4, 100), ("d3", 0, 4), ("edition", 1973, 9999)):
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
        Edition to read from a workbook.
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

    Examples
    --------
    >>> from kvanalytics.config import PACKAGE_DATA
    >>> p = risk_profile_from_freedom_house(PACKAGE_DATA / "freedom_house_2024.csv")
    >>> p.set_index("country").loc[["RU", "NL"], "tier"].tolist()
    [3, 0]
    """
    for label, t in (
        ("not_free_tier", not_free_tier),
        ("partly_free_tier", partly_free_tier),
        ("free_tier", free_tier),
    ):
        if t not in TIERS:
            raise ValueError(f"{label} must be one of 0, 1, 2, 3; got {t!r}.")
    for label, thr in (
        ("d3_restricted_max", d3_restricted_max),
        ("d3_high_max", d3_high_max),
        ("d3_watch_max", d3_watch_max),
    ):
        if thr is not None and thr not in range(5):
            raise ValueError(f"{label} must be None or an integer 0..4; got {thr!r}.")
    excluded: list[str] = []
    if isinstance(path, pd.DataFrame):
        facts = path
        origin = "DataFrame"
    else:
        p = Path(path)
        origin = str(p)
        if p.suffix.lower() in (".xlsx", ".xlsm", ".xls"):
            facts = freedom_house_facts(p, edition)
            excluded = list(facts.attrs["freedom_house"]["excluded"])
        else:
            facts = _read_facts_csv(p)
    eds = pd.Series(facts["edition"]).dropna().unique().tolist()
    ed = int(eds[0]) if len(eds) == 1 else edition
    status = facts["status"].astype(TEXT)
    d3 = pd.to_numeric(facts["d3"]).astype("Int64")
    by_status = status.map({"NF": not_free_tier, "PF": partly_free_tier, "F": free_tier})
    status_tier = by_status.astype("Int64").fillna(0).to_numpy(np.int64)
    d3v = d3.fillna(99).to_numpy(np.int64)
    d3_tier = np.zeros(len(facts), dtype=np.int64)
    for thr, t in ((d3_watch_max, 1), (d3_high_max, 2), (d3_restricted_max, 3)):
        if thr is not None:
            d3_tier = np.where(d3v <= thr, np.maximum(d3_tier, t), d3_tier)
    tier = np.maximum(status_tier, d3_tier)
    total = pd.Series(facts["total"]).astype("Int64").astype(str).to_numpy(dtype=object)
    why = np.where(d3_tier > status_tier, "; tier from D3", "; tier from status")
    reason = (
        f"Freedom House {ed}: "
        + status.map(FH_STATUS).fillna("unknown status").to_numpy(dtype=object)
        + " (total "
        + total
        + "/100); D3 academic freedom "
        + d3.astype(str).to_numpy(dtype=object)
        + "/4"
        + why
    )
    release = FH_RELEASE.get(ed)
    date = pd.Timestamp(release) if release else pd.NaT
    src = f"Freedom House, Freedom in the World {ed}"
    thresholds = {
        "not_free_tier": not_free_tier,
        "partly_free_tier": partly_free_tier,
        "free_tier": free_tier,
        "d3_restricted_max": d3_restricted_max,
        "d3_high_max": d3_high_max,
        "d3_watch_max": d3_watch_max,
    }
    meta = {
        "name": name or f"freedom-house-{ed}",
        "description": (
            f"Tiers from Freedom House's Freedom in the World {ed}: the higher of the status "
            f"tier (NF {not_free_tier}, PF {partly_free_tier}, F {free_tier}) and the D3 "
            f"academic-freedom tier (D3 <= {d3_restricted_max}: 3, <= {d3_high_max}: 2, "
            f"<= {d3_watch_max}: 1)."
        ),
        "source": src,
        "date": date if release else None,
        "file": origin,
        "thresholds": thresholds,
        "excluded": excluded,
    }
    return _profile_frame(
        facts["iso2"].to_numpy(),
        tier,
        reason,
        pd.Series(facts["source"]).astype(TEXT).fillna(src).to_numpy(),
        pd.Series([date] * len(facts), dtype=_DATE).to_numpy(),
        meta,
    )


def _index(directory: Path) -> pd.DataFrame:
    return _read_text_csv(directory / "_index.csv")


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
    idx = _index(RISK_PROFILE_DIR)
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


def load_risk_profile(name_or_path: str | PathLike[str] | pd.DataFrame) -> pd.DataFrame:
    """Load a bundled risk profile by name, or a profile CSV by path.

    Parameters
    ----------
    name_or_path : str, PathLike or DataFrame
        A name from :func:`list_risk_profiles` (``"nl-2022-freeze"``,
        ``"eu-restrictive-measures"``, ``"freedom-house-2024"``) or a CSV path (see
        :func:`read_risk_profile`). A DataFrame is returned as a copy.

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
    idx = _index(RISK_PROFILE_DIR).set_index("name")
    key = str(name_or_path)
    if key in idx.index:
        row = idx.loc[key]
        meta_date = pd.Timestamp(row["date"]) if row["date"] else None
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
            date=meta_date,
        )
        df.attrs["profile"] = meta
        return df
    path = Path(name_or_path)
    if path.exists():
        return read_risk_profile(path)
    raise UnknownNameError(
        f"{key!r} is not a bundled risk profile ({', '.join(idx.index)}) nor an existing file."
    )


# --------------------------------------------------------------------------------------------
# Watchlists
# --------------------------------------------------------------------------------------------
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


def read_watchlist(path: PathArg, *, name: str | None = None) -> pd.DataFrame:
    """Read an institution watchlist from the simple CSV format and check every row.

    Columns: ``name`` and ``kind`` (``designation`` for government sanctions or export-control
    lists, ``assessment`` for anything else) are required; optional are ``aliases`` (separated
    by ``|``), ``country`` (ISO2, ``NA`` is Namibia), ``identifiers`` (e.g. ROR ids, separated
    by ``;``), ``listed_on`` and ``list_date`` (``YYYY-MM-DD``), ``source``, ``list`` (list
    name; default ``name=`` or the file name), ``entry_id`` (default: the row number; unique per
    list), ``program``, ``reason`` and ``note``. Any other column is an error, so that a typo
    (``alias``) cannot silently drop data.

    Parameters
    ----------
    path : str or PathLike
        The CSV file (UTF-8).
    name : str, optional
        List name for rows without a ``list`` value; default the file name without extension.

    Returns
    -------
    pandas.DataFrame
        A canonical watchlist (one row per name variant, see the module docstring).

    Raises
    ------
    ReferenceDataError
        Unknown or missing columns, a blank name, a kind other than designation/assessment,
        a bad country code or date, a duplicated entry_id (file, row and column named).

    Examples
    --------
    >>> from kvanalytics.config import PACKAGE_DATA
    >>> wl = read_watchlist(PACKAGE_DATA / "watchlists" / "example-institutions.csv")
    >>> wl[["name", "is_alias"]].head(2).values.tolist()
    [['Example Institute of Fictional Physics', False], ['EIFP', True]]
    """
    path = Path(path)
    file = str(path)
    raw = _read_text_csv(path)
    raw.columns = [str(c).strip() for c in raw.columns]
    _check_columns(raw, file, WATCHLIST_CSV_REQUIRED, WATCHLIST_CSV_OPTIONAL)
    for c in WATCHLIST_CSV_OPTIONAL:
        if c not in raw.columns:
            raw[c] = ""
    rows = pd.Series(np.arange(len(raw)) + 2)
    P = _Problems(file)
    names = _blank_to_na(raw["name"])
    P.add_mask(raw, names.isna().to_numpy(bool), "name", "a non-blank name", rows)
    kind = _blank_to_na(raw["kind"]).str.lower()
    P.add_mask(
        raw,
        ~kind.isin(KINDS).fillna(False).to_numpy(bool),
        "kind",
        "designation or assessment",
        rows,
    )
    country = _check_iso2(raw, "country", P, rows, required=False)
    listed_on = _parse_dates(raw, "listed_on", P, rows)
    list_date = _parse_dates(raw, "list_date", P, rows)
    list_name = _blank_to_na(raw["list"]).fillna(name or path.stem)
    entry_id = _blank_to_na(raw["entry_id"]).fillna(rows.astype(str).astype(TEXT))
    dup = pd.DataFrame({"l": list_name, "e": entry_id}).duplicated(keep="first").to_numpy(bool)
    P.add_mask(raw, dup, "entry_id", "an entry_id unique within its list", rows)
    P.raise_if_any("the watchlist", "Fix the rows listed and read the file again.")
    entries = pd.DataFrame(
        {
            "list": list_name.to_numpy(),
            "kind": kind.to_numpy(),
            "entry_id": entry_id.to_numpy(),
            "name": names.to_numpy(),
            "country": country.to_numpy(),
            "countries": country.to_numpy(),
            "identifiers": _blank_to_na(raw["identifiers"]).to_numpy(),
            "listed_on": listed_on.to_numpy(),
            "program": _blank_to_na(raw["program"]).to_numpy(),
            "source": _blank_to_na(raw["source"]).to_numpy(),
            "list_date": list_date.to_numpy(),
            "reason": _blank_to_na(raw["reason"]).to_numpy(),
            "note": _blank_to_na(raw["note"]).to_numpy(),
        }
    )
    out = _variants(entries, _split_list(_blank_to_na(raw["aliases"]), "|"))
    meta: dict[str, dict[str, Any]] = {}
    for lst, g in entries.groupby("list", sort=False):
        kinds = sorted(g["kind"].dropna().unique())
        sources = g["source"].dropna().unique().tolist()
        dates = pd.Series(g["list_date"]).dropna()
        meta[str(lst)] = {
            "kind": kinds[0] if len(kinds) == 1 else "; ".join(kinds),
            "source": "; ".join(sources) if sources else None,
            "list_date": dates.max() if len(dates) else None,
            "file": file,
            "format": "kvanalytics watchlist CSV",
        }
    return _finish_watchlist(out, meta)


def _csl_countries(addresses: pd.Series, *coded: pd.Series) -> tuple[list[Any], list[Any]]:
    """Country per CSL row (from the ISO2 code ending each address, and the citizenship and
    nationality columns): the single code, and all codes joined (NA when any address has no
    code, so that the entry is never blocked out by country)."""
    known = _iso2_codes()
    single: list[Any] = []
    every: list[Any] = []
    extra = list(zip(*[c.tolist() for c in coded], strict=True)) if coded else [()] * len(addresses)
    for addr, others in zip(addresses.tolist(), extra, strict=True):
        codes: set[str] = set()
        unknown = False
        if isinstance(addr, str):
            for a in addr.split(";"):
                a = a.strip()
                if not a:
                    continue
                last = a.rsplit(",", 1)[-1].strip()
                if last in known:
                    codes.add(last)
                else:
                    unknown = True
        for o in others:
            if isinstance(o, str):
                codes.update(t for t in re.split(r"[;,\s]+", o) if t in known)
        joined = ";".join(sorted(codes)) if codes and not unknown else pd.NA
        single.append(next(iter(codes)) if len(codes) == 1 and not unknown else pd.NA)
        every.append(joined)
    return single, every


def read_csl(path: PathArg, *, list_date: str | pd.Timestamp | None = None) -> pd.DataFrame:
    """Read the US Consolidated Screening List CSV (International Trade Administration).

    Both layouts are read: the 28-column one (``source, entity_number, type, programs, name,
    ...``) and the newer one with a leading ``_id`` column. **Each source list is its own
    list**, named ``"US CSL: <list>"`` after the part of ``source`` before " - " (``"US CSL:
    Entity List (EL)"``, ``"US CSL: Unverified List (UVL)"``, ``"US CSL: Specially Designated
    Nationals (SDN)"``...), so that coverage and hits say which government list it is; every
    CSL list is a *designation*. ``entry_id`` is ``<code>:<_id or entity_number>`` or, for rows
    with neither (Entity List rows of the old layout), ``<code>:row<n>`` (not stable between
    editions). ``alt_names`` (``;``-separated) become alias rows; ``start_date`` is
    ``listed_on``; ``programs`` is ``program``; ``ids`` are ``identifiers``; ``type`` gives
    ``entity_type`` (NA when blank, as for Entity List rows). The country comes from the ISO2
    code ending each address and the ``citizenships``/``nationalities`` columns.

    Parameters
    ----------
    path : str or PathLike
        The CSV file.
    list_date : date-like, optional
        Date of the list edition (the file does not carry one); NaT when not given.

    Returns
    -------
    pandas.DataFrame
        A canonical watchlist.

    Raises
    ------
    ReferenceDataError
        Missing columns, a row without a name or with a bad ``start_date``.

    Examples
    --------
    >>> csl = read_csl("csl.csv")  # doctest: +SKIP
    >>> csl.groupby("list")["entry_id"].nunique()  # doctest: +SKIP
    """
    path = Path(path)
    file = str(path)
    raw = _read_text_csv(path)
    raw.columns = [str(c).strip() for c in raw.columns]
    _check_columns(raw, file, ("source", "name", "alt_names", "start_date", "addresses"))
    layout = "CSL with _id" if "_id" in raw.columns else "CSL 28 columns"
    rows = pd.Series(np.arange(len(raw)) + 2)
    P = _Problems(file)
    names = _blank_to_na(raw["name"])
    P.add_mask(raw, names.isna().to_numpy(bool), "name", "a non-blank name", rows)
    src = _blank_to_na(raw["source"])
    P.add_mask(raw, src.isna().to_numpy(bool), "source", "the name of a source list", rows)
    listed_on = _parse_dates(raw, "start_date", P, rows)
    P.raise_if_any("the Consolidated Screening List", "Is this a CSL export?")
    code = src.str.extract(r"\(([A-Z0-9]+)\)", expand=False).fillna(src)
    list_name = "US CSL: " + src.str.split(" - ", n=1).str[0].str.strip()

    def col(c: str) -> pd.Series:
        return (
            _blank_to_na(raw[c])
            if c in raw.columns
            else pd.Series(pd.NA, index=raw.index, dtype=TEXT)
        )

    own_id = col("_id").fillna(col("entity_number"))
    entry_id = code + ":" + own_id.fillna("row" + rows.astype(str).astype(TEXT))
    url = col("source_list_url")
    source = (_CSL_SOURCE + ", " + src + (", " + url).fillna("")).astype(TEXT)
    country, countries = _csl_countries(col("addresses"), col("citizenships"), col("nationalities"))
    etype = col("type").str.lower()
    date = pd.Timestamp(list_date) if list_date is not None else pd.NaT
    entries = pd.DataFrame(
        {
            "list": list_name.to_numpy(),
            "kind": "designation",
            "entry_id": entry_id.to_numpy(),
            "name": names.to_numpy(),
            "country": pd.array(country, dtype=TEXT),
            "countries": pd.array(countries, dtype=TEXT),
            "identifiers": col("ids").to_numpy(),
            "listed_on": listed_on.to_numpy(),
            "program": col("programs").to_numpy(),
            "source": source.to_numpy(),
            "list_date": date,
            "entity_type": etype.to_numpy(),
        }
    )
    aliases = _split_list(col("alt_names"), ";").map(
        lambda xs: [re.sub(r"^and\s+", "", x) for x in xs]
    )
    out = _variants(entries, aliases)
    meta = {
        str(lst): {
            "kind": "designation",
            "source": f"{_CSL_SOURCE}, {s}",
            "list_date": date if list_date is not None else None,
            "file": file,
            "format": layout,
        }
        for lst, s in zip(list_name, src, strict=True)
    }
    return _finish_watchlist(out, meta)


def _read_sdn_raw(path: Path) -> pd.DataFrame:
    if not path.exists():
        raise ReferenceDataError(f"{path}: file not found.")
    for enc in ("utf-8", "cp1252"):
        try:
            return pd.read_csv(path, header=None, dtype=str, keep_default_na=False, encoding=enc)
        except UnicodeDecodeError:
            continue
    raise ReferenceDataError(f"{path}: neither UTF-8 nor Windows-1252 text.")  # pragma: no cover


def read_sdn(path: PathArg, *, list_date: str | pd.Timestamp | None = None) -> pd.DataFrame:
    """Read OFAC's Specially Designated Nationals list in its legacy ``sdn.csv`` layout.

    The file has no header and 12 columns (ent_num, SDN_Name, SDN_Type, Program, Title,
    Call_Sign, Vess_type, Tonnage, GRT, Vess_flag, Vess_owner, Remarks); ``-0-`` means empty
    and becomes NA. Every row is read: ``entity_type`` is ``entity`` where SDN_Type is empty,
    else ``individual``, ``vessel`` or ``aircraft`` (:func:`kvanalytics.screening.screen`
    screens institutions against entities only). Aliases ``a.k.a. '...'`` (and ``f.k.a.``,
    ``n.k.a.``) in Remarks become alias rows. Programs ``"NPWMD] [IFSR"`` become
    ``"NPWMD; IFSR"``. The legacy file has no listing dates and no addresses (those are in
    OFAC's separate ``add.csv``): ``listed_on`` is NaT and ``country`` NA, so screening never
    blocks SDN entries by country.

    Parameters
    ----------
    path : str or PathLike
        The ``sdn.csv`` file.
    list_date : date-like, optional
        Date of the list edition (the file does not carry one).

    Returns
    -------
    pandas.DataFrame
        A canonical watchlist, list ``"OFAC SDN"``, kind ``designation``.

    Raises
    ------
    ReferenceDataError
        Not 12 columns, or an ent_num that is not a unique integer.

    Examples
    --------
    >>> sdn = read_sdn("sdn.csv")  # doctest: +SKIP
    >>> sdn.query("entry_id == '306'")["name"].tolist()  # doctest: +SKIP
    ['BANCO NACIONAL DE CUBA', 'BNC']
    """
    path = Path(path)
    file = str(path)
    raw = _read_sdn_raw(path)
    if raw.shape[1] != len(_SDN_COLUMNS):
        raise ReferenceDataError(
            f"{file}: row 1: {raw.shape[1]} columns; expected the 12 columns of the legacy "
            f"sdn.csv ({', '.join(_SDN_COLUMNS)}), without a header."
        )
    raw.columns = list(_SDN_COLUMNS)
    rows = pd.Series(np.arange(len(raw)) + 1)  # no header: row 1 is the first entry
    # The official file ends with an end-of-file mark (Ctrl-Z) on a line of its own.
    ent = raw["ent_num"].str.strip().str.strip("\x1a")
    keep = (ent != "").to_numpy(bool)
    raw, rows, ent = raw[keep], rows[keep], ent[keep]
    P = _Problems(file)
    ok = ent.str.fullmatch(r"\d+").fillna(False).to_numpy(bool)
    P.add_mask(raw, ~ok, "ent_num", "an integer entry number", rows)
    P.add_mask(raw, ent.duplicated().to_numpy(bool) & ok, "ent_num", "a unique entry number", rows)
    names = _blank_to_na(raw["SDN_Name"])
    P.add_mask(raw, names.isna().to_numpy(bool), "SDN_Name", "a non-blank name", rows)
    P.raise_if_any("the SDN list", "Is this OFAC's legacy sdn.csv?")
    stype = _blank_to_na(raw["SDN_Type"]).str.lower().fillna("entity")
    program = _blank_to_na(raw["Program"]).str.replace(r"\]\s*\[", "; ", regex=True)
    remarks = _blank_to_na(raw["Remarks"])
    aliases = pd.Series(
        [_SDN_ALIAS.findall(r) if isinstance(r, str) else [] for r in remarks.astype(object)],
        dtype=object,
    )
    date = pd.Timestamp(list_date) if list_date is not None else pd.NaT
    entries = pd.DataFrame(
        {
            "list": "OFAC SDN",
            "kind": "designation",
            "entry_id": ent.to_numpy(),
            "name": names.to_numpy(),
            "listed_on": pd.NaT,
            "program": program.to_numpy(),
            "source": _SDN_SOURCE,
            "list_date": date,
            "entity_type": stype.to_numpy(),
        }
    )
    meta = {
        "OFAC SDN": {
            "kind": "designation",
            "source": _SDN_SOURCE,
            "list_date": date if list_date is not None else None,
            "file": file,
            "format": "OFAC legacy sdn.csv",
        }
    }
    return _finish_watchlist(_variants(entries, aliases), meta)


def _un_text(el: ET.Element, tag: str) -> str | None:
    t = el.findtext(tag)
    t = t.strip() if t else ""
    return t or None


def read_un_xml(path: PathArg, *, individuals: bool = True) -> pd.DataFrame:
    """Read the UN Security Council consolidated sanctions list (XML).

    Entities (``ENTITIES/ENTITY``) and, unless ``individuals=False``, individuals are read.
    ``entry_id`` is the UN reference number (``KPe.001``); the name is ``FIRST_NAME`` (for
    individuals the name parts joined); aliases are ``ALIAS_NAME`` values, the name in original
    script, and the parts of a name given as ``"A ; B"``. ``program`` is ``UN_LIST_TYPE``
    (DPRK, Iran, Al-Qaida...), ``listed_on`` is ``LISTED_ON``, ``list_date`` the file's
    ``dateGenerated``. Countries of entity addresses (individuals: nationalities) are mapped
    with :func:`kvanalytics.normalise.to_iso2`; names that do not map are listed in
    ``attrs["watchlists"][list]["unmapped_countries"]`` and make the entry's ``countries`` NA.

    Parameters
    ----------
    path : str or PathLike
        The XML file.
    individuals : bool
        Also read individuals (``entity_type`` "individual").

    Returns
    -------
    pandas.DataFrame
        A canonical watchlist, list ``"UN SC Consolidated List"``, kind ``designation``.

    Raises
    ------
    ReferenceDataError
        Not a CONSOLIDATED_LIST document, or an entry without a name or reference number.

    Examples
    --------
    >>> un = read_un_xml("consolidated.xml")  # doctest: +SKIP
    >>> un.query("entity_type == 'entity'")["entry_id"].nunique()  # doctest: +SKIP
    273
    """
    from .normalise import to_iso2

    path = Path(path)
    file = str(path)
    if not path.exists():
        raise ReferenceDataError(f"{file}: file not found.")
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as exc:
        raise ReferenceDataError(f"{file}: not well-formed XML ({exc}).") from None
    if root.tag != "CONSOLIDATED_LIST":
        raise ReferenceDataError(
            f"{file}: root element <{root.tag}>; expected <CONSOLIDATED_LIST> (UN SC list XML)."
        )
    generated = root.get("dateGenerated")
    list_date = pd.to_datetime(generated[:10], errors="coerce") if generated else pd.NaT
    P = _Problems(file)
    recs: list[dict[str, Any]] = []
    aliases: list[list[str]] = []
    countries_raw: list[list[str]] = []
    wheres: list[str] = []
    groups = [("ENTITIES", "ENTITY", "entity")]
    if individuals:
        groups.append(("INDIVIDUALS", "INDIVIDUAL", "individual"))
    for parent_tag, tag, etype in groups:
        parent = root.find(parent_tag)
        if parent is None:
            continue
        for n, el in enumerate(parent.findall(tag), 1):
            ref = _un_text(el, "REFERENCE_NUMBER") or _un_text(el, "DATAID")
            if etype == "entity":
                name = _un_text(el, "FIRST_NAME")
                places = [_un_text(a, "COUNTRY") for a in el.findall("ENTITY_ADDRESS")]
            else:
                parts = [
                    _un_text(el, t)
                    for t in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")
                ]
                name = " ".join(p for p in parts if p) or None
                places = [_un_text(v, ".") for v in el.findall("NATIONALITY/VALUE")]
            where = f"{tag} {n}"
            if not ref:
                P.add(where, "REFERENCE_NUMBER", "", "a reference number or DATAID")
            if not name:
                P.add(where, "FIRST_NAME", "", "a name")
            alias_tag = "ENTITY_ALIAS" if etype == "entity" else "INDIVIDUAL_ALIAS"
            names = [_un_text(a, "ALIAS_NAME") for a in el.findall(alias_tag)]
            names.append(_un_text(el, "NAME_ORIGINAL_SCRIPT"))
            if name and " ; " in name:
                names += name.split(" ; ")
            aliases.append([a.strip().strip('"').strip() for a in names if a])
            countries_raw.append([p for p in places if p])
            listed = _un_text(el, "LISTED_ON") or ""
            wheres.append(where)
            recs.append(
                {
                    "entry_id": ref,
                    "name": name,
                    # xsd:date may carry a time zone ("2015-03-27-04:00"): keep the date
                    "listed_on": re.sub(r"^(\d{4}-\d{2}-\d{2}).+$", r"\1", listed),
                    "program": _un_text(el, "UN_LIST_TYPE"),
                    "entity_type": etype,
                    "reason": _un_text(el, "COMMENTS1"),
                }
            )
    P.raise_if_any("the UN consolidated list", "Is this the UN SC consolidated list XML?")
    entries = pd.DataFrame(
        recs, columns=["entry_id", "name", "listed_on", "program", "entity_type", "reason"]
    )
    listed_on = _parse_dates(entries, "listed_on", P, pd.Series(wheres, dtype=object))
    P.raise_if_any("the UN consolidated list", "LISTED_ON should be YYYY-MM-DD.")
    distinct = sorted({c for cs in countries_raw for c in cs})
    # "China, Hong Kong Special Administrative Region": try the part after the comma too
    tail = [
        re.sub(r"\s+Special Administrative Region$", "", c.rsplit(",", 1)[-1]) for c in distinct
    ]
    mapped = {
        c: a if isinstance(a, str) else b
        for c, a, b in zip(
            distinct, to_iso2(distinct).tolist(), to_iso2(tail).tolist(), strict=True
        )
    }
    unmapped = sorted(k for k, v in mapped.items() if not isinstance(v, str))
    single: list[Any] = []
    every: list[Any] = []
    for cs in countries_raw:
        codes = {mapped[c] for c in cs}
        ok = bool(codes) and all(isinstance(c, str) for c in codes)
        every.append(";".join(sorted(codes)) if ok else pd.NA)
        single.append(next(iter(codes)) if ok and len(codes) == 1 else pd.NA)
    lst = "UN SC Consolidated List"
    entries = entries.assign(
        list=lst,
        kind="designation",
        listed_on=listed_on.to_numpy(),
        country=pd.array(single, dtype=TEXT),
        countries=pd.array(every, dtype=TEXT),
        source=_UN_SOURCE,
        list_date=pd.Series(list_date, index=entries.index, dtype=_DATE),
    )
    meta = {
        lst: {
            "kind": "designation",
            "source": _UN_SOURCE,
            "list_date": list_date if pd.notna(list_date) else None,
            "file": file,
            "format": "UN SC consolidated list XML",
            "unmapped_countries": unmapped,
        }
    }
    return _finish_watchlist(_variants(entries, pd.Series(aliases, dtype=object)), meta)


def _sniff(path: Path) -> str:
    """Which reader a watchlist file needs: un, csl, sdn or csv."""
    if path.suffix.lower() == ".xml":
        return "un"
    with path.open(encoding="utf-8-sig", errors="replace") as f:
        head = f.readline()
    cols = [c.strip().strip('"') for c in head.split(",")]
    if "source" in cols and "alt_names" in cols:
        return "csl"
    if cols and cols[0].isdigit() and "-0-" in head:
        return "sdn"
    return "csv"


def list_watchlists() -> pd.DataFrame:
    """The bundled watchlists with their kind, size, description, source and date.

    Returns
    -------
    pandas.DataFrame
        ``name, kind, entries, description, source, list_date``.

    Examples
    --------
    >>> list_watchlists()["name"].tolist()
    ['example-institutions', 'rur-2022-signatories']
    """
    idx = _index(WATCHLIST_DIR)
    counts = [load_watchlist(n)["entry_id"].nunique() for n in idx["name"]]
    return pd.DataFrame(
        {
            "name": idx["name"].astype(TEXT),
            "kind": idx["kind"].astype(TEXT),
            "entries": pd.array(counts, dtype="Int64"),
            "description": idx["description"].astype(TEXT),
            "source": idx["source"].astype(TEXT),
            "list_date": pd.to_datetime(_blank_to_na(idx["list_date"]), format=_ISO_DATE).astype(
                _DATE
            ),
        }
    )


def load_watchlist(name_or_path: str | PathLike[str] | pd.DataFrame) -> pd.DataFrame:
    """Load a bundled watchlist by name, or any supported watchlist file by path.

    A file is read by the reader its format needs: ``.xml`` -> :func:`read_un_xml`; a CSV with
    ``source`` and ``alt_names`` columns -> :func:`read_csl`; a headerless CSV with ``-0-``
    fields -> :func:`read_sdn`; otherwise :func:`read_watchlist`.

    Parameters
    ----------
    name_or_path : str, PathLike or DataFrame
        A name from :func:`list_watchlists` (``"example-institutions"``,
        ``"rur-2022-signatories"``) or a path. A DataFrame is returned as a copy.

    Returns
    -------
    pandas.DataFrame
        A canonical watchlist.

    Raises
    ------
    UnknownNameError
        Neither a bundled name nor an existing file.

    Examples
    --------
    >>> wl = load_watchlist("rur-2022-signatories")
    >>> wl["kind"].unique().tolist()
    ['assessment']
    """
    if isinstance(name_or_path, pd.DataFrame):
        return name_or_path.copy()
    idx = _index(WATCHLIST_DIR).set_index("name")
    key = str(name_or_path)
    if key in idx.index:
        row = idx.loc[key]
        wl = read_watchlist(WATCHLIST_DIR / row["file"], name=key)
        for meta in wl.attrs["watchlists"].values():
            meta.update(description=row["description"], bundled_source=row["source"])
        return wl
    path = Path(name_or_path)
    if path.exists():
        kind = _sniff(path)
        if kind == "un":
            return read_un_xml(path)
        if kind == "csl":
            return read_csl(path)
        if kind == "sdn":
            return read_sdn(path)
        return read_watchlist(path)
    raise UnknownNameError(
        f"{key!r} is not a bundled watchlist ({', '.join(idx.index)}) nor an existing file."
    )
