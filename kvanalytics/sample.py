"""Deterministic synthetic data: a fictional Dutch university's partnerships and headcounts.

Everything here is **synthetic** except the partner-institution *names* (real universities,
networks and research organisations, ``data/sample_institutions.csv``; the ``ror_id`` values
there are copied from the ROR API's test data and left empty where not certain). The generator
builds the canonical tables of DESIGN.md and the Dutch exports a university system would
produce from them:

- :func:`make_partnerships` -- canonical *partnerships*, any size (10^6 rows in about a second);
- :func:`make_headcounts` -- canonical *headcounts* by period x faculty x group x country, with
  many small cells, or about ``n_rows`` rows for benchmarks;
- :func:`to_export` -- a canonical table as an all-text Dutch export (headers, values, country
  names, ``dd-mm-yyyy`` dates, ``1.234,50`` money, ``ja``/``nee``);
- :func:`write_partnerships_csv`, :func:`write_headcounts_xlsx` -- the files, byte-for-byte
  reproducible;
- :func:`write_sample` and ``python -m kvanalytics.sample`` -- the committed sample in
  ``data/raw/``, including a few deliberately bad rows (:data:`BAD_ROWS`).

All draws come from one ``numpy.random.Generator`` seeded by ``seed``; no per-row Python.
The world the data describes: the Dutch freeze of formal ties with Russia and Belarus of
4 March 2022 (institutional and faculty agreements suspended, no new ones, outgoing exchange to
Russia and Belarus stopped), rising numbers of Ukrainian students afterwards.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gettext
import io
import sys
import zipfile
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pycountry
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.writer.excel import ExcelWriter

from . import schemas
from .config import PACKAGE_DATA

__all__ = [
    "AS_OF",
    "BAD_ROWS",
    "CENTRAL",
    "FACULTIES",
    "FACULTY_NL",
    "FIELD_TAGS",
    "FREEZE_DATE",
    "HEADCOUNTS_NL",
    "PARTNERSHIPS_NL",
    "bad_row_listing",
    "main",
    "make_headcounts",
    "make_partnerships",
    "to_export",
    "write_headcounts_xlsx",
    "write_partnerships_csv",
    "write_sample",
]

#: The sample's "today": statuses are as exported on this date.
AS_OF = np.datetime64("2026-11-01", "D")
#: The Dutch knowledge institutions froze formal ties with Russia and Belarus on this date.
FREEZE_DATE = np.datetime64("2022-03-04", "D")
GENERATOR = "kvanalytics.sample"

FACULTIES = (
    "Science",
    "Medicine",
    "Law",
    "Economics & Business",
    "Humanities",
    "Social & Behavioural Sciences",
    "Engineering",
    "Arts",
)
CENTRAL = "Central"
FACULTY_NL = {
    "Science": "Bètawetenschappen",
    "Medicine": "Geneeskunde",
    "Law": "Rechtsgeleerdheid",
    "Economics & Business": "Economie en Bedrijfskunde",
    "Humanities": "Geesteswetenschappen",
    "Social & Behavioural Sciences": "Sociale Wetenschappen",
    "Engineering": "Techniek",
    "Arts": "Kunsten",
    CENTRAL: "Centraal",
}
FIELD_TAGS = (
    "ai",
    "quantum",
    "semiconductors",
    "aerospace",
    "nuclear",
    "biotech",
    "cybersecurity",
    "dual_use",
    "climate",
    "health",
    "humanities",
    "social_science",
)
_SENSITIVE_TAGS = (
    "ai",
    "quantum",
    "semiconductors",
    "aerospace",
    "nuclear",
    "cybersecurity",
    "dual_use",
)
#: Countries whose Science/Engineering ties lean to sensitive fields in the sample.
_SENSITIVE_COUNTRIES = ("CN", "IR", "RU", "BY")
_FROZEN_COUNTRIES = ("RU", "BY")

#: Dutch export headers, canonical column -> header, in export order.
PARTNERSHIPS_NL = {
    "agreement_id": "Kenmerk",
    "partner": "Partnerinstelling",
    "country": "Land",
    "faculty": "Faculteit",
    "kind": "Soort",
    "level": "Niveau",
    "start": "Startdatum",
    "end": "Einddatum",
    "status": "Status",
    "value_eur": "Bedrag per jaar (EUR)",
    "financial_flows": "Financiële stromen",
    "data_exchange": "Data-uitwisseling",
    "fields": "Vakgebied",
}
HEADCOUNTS_NL = {
    "period": "Studiejaar",
    "faculty": "Faculteit",
    "group": "Groep",
    "country": "Nationaliteit",
    "basis": "Grondslag",
    "headcount": "Aantal",
}
_VALUES_NL = {
    "kind": {
        "exchange": "uitwisseling",
        "research": "onderzoek",
        "education": "onderwijs",
        "network": "netwerk",
        "framework": "raamovereenkomst",
        "capacity_building": "capaciteitsopbouw",
        "other": "overig",
    },
    "level": {
        "institutional": "instellingsbreed",
        "faculty": "facultair",
        "individual": "individueel",
    },
    "status": {
        "active": "actief",
        "suspended": "opgeschort",
        "ended": "beëindigd",
        "planned": "gepland",
    },
    "group": {
        "degree_student": "diplomastudenten",
        "exchange_in": "inkomende uitwisseling",
        "exchange_out": "uitgaande uitwisseling",
        "phd": "promovendi",
        "academic_staff": "wetenschappelijk personeel",
        "support_staff": "ondersteunend personeel",
    },
    "basis": {
        "nationality": "nationaliteit",
        "prior_diploma": "land vooropleiding",
        "destination": "bestemming",
    },
}
#: Dutch country names written in a mix, as different source systems do (the first is the default).
_COUNTRY_NL_VARIANTS = {
    "RU": ("Rusland", "Russische Federatie"),
    "BY": ("Wit-Rusland", "Belarus"),
    "CN": ("China", "Volksrepubliek China"),
}

# Partner weight: relative share of agreements (0 = a nationality in headcounts only); the shares
# of the countries in _PARTNER_SHARE are fixed. Student weight: relative share of international
# degree students (RU, UA and BY students are set per year in _SPECIAL instead).
_COUNTRY_WEIGHTS = """
DE 10.0 20.0  BE 7.0 5.0   GB 6.5 2.5   US 5.5 1.8   FR 5.0 3.5   ES 4.5 3.5   IT 4.5 7.0
CN 0 5.0      RU 0 0       BY 0 0       UA 0 0       IR 0 1.0     IN 2.2 4.0   CH 2.0 0.5
SE 2.0 0.6    AT 1.4 1.0   DK 1.3 0.4   NO 1.3 0.4   FI 1.1 0.5   PL 1.4 2.5   CZ 0.9 0.6
HU 0.7 1.2    PT 1.1 1.5   IE 0.9 0.6   GR 0.8 4.0   RO 0.5 3.5   BG 0.3 3.0   HR 0.3 0.4
SI 0.3 0.2    SK 0.3 0.6   EE 0.3 0.3   LV 0.2 1.0   LT 0.3 1.5   CY 0.2 0.5   RS 0.3 0.3
GE 0.3 0.2    AM 0.2 0.1   MD 0.2 0.2   TR 1.0 2.5   CA 2.0 0.6   MX 0.6 0.8   BR 1.2 1.0
AR 0.4 0.3    CL 0.6 0.4   CO 0.5 0.6   PE 0.3 0.3   BO 0.2 0.1   SR 0.3 0.4   JP 1.5 0.3
KR 1.2 0.5    HK 0.6 0.4   TW 0.5 0.5   SG 0.6 0.3   ID 0.8 1.5   VN 0.6 0.8   TH 0.4 0.3
MY 0.3 0.3    BD 0.2 0.3   NP 0.2 0.2   IL 0.8 0.3   SA 0.2 0.1   AE 0.2 0.1   LB 0.1 0.2
KZ 0.2 0.2    AU 1.5 0.3   NZ 0.4 0.1   ZA 1.0 0.4   KE 0.5 0.4   GH 0.5 0.4   ET 0.5 0.4
UG 0.4 0.3    TZ 0.4 0.2   RW 0.3 0.1   MZ 0.2 0.05  NG 0.3 0.6   EG 0.3 0.5
LU 0 0.6      MT 0 0.1     IS 0 0.1     AL 0 0.2     BA 0 0.2     MK 0 0.2     ME 0 0.05
AZ 0 0.2      UZ 0 0.1     SY 0 0.4     AF 0 0.1     IQ 0 0.1     JO 0 0.1     PK 0 0.6
PH 0 0.2      LK 0 0.2     MM 0 0.1     MN 0 0.1     KH 0 0.05    EC 0 0.3     VE 0 0.3
CU 0 0.05     CM 0 0.2     ZW 0 0.2     SD 0 0.1     ER 0 0.1     NA 0 0.05    MA 0 0.5
TN 0 0.2      DZ 0 0.1     PS 0 0.1     QA 0 0.05    CR 0 0.1     GT 0 0.05    KG 0 0.05
"""
#: Fixed shares of all agreements (the rest is spread by the partner weights above).
_PARTNER_SHARE = {"CN": 0.08, "RU": 0.045, "UA": 0.025, "BY": 0.01, "IR": 0.005}
_NETWORK_SHARE = 0.015
#: Nationalities whose degree students lean to Science and Engineering.
_STEM_COUNTRIES = ("CN", "IN", "IR", "PK", "BD", "VN", "EG", "TW", "KR", "NP")


def _country_table() -> pd.DataFrame:
    tok = _COUNTRY_WEIGHTS.split()
    return pd.DataFrame(
        {
            "iso2": tok[0::3],
            "partners": np.array(tok[1::3], dtype=float),
            "students": np.array(tok[2::3], dtype=float),
        }
    )


@lru_cache(maxsize=1)
def _pool() -> pd.DataFrame:
    """The partner-institution pool; ``keep_default_na=False`` keeps Namibia's "NA" a code."""
    return pd.read_csv(PACKAGE_DATA / "sample_institutions.csv", dtype=str, keep_default_na=False)


# --------------------------------------------------------------------------------------------
# Vectorised helpers
# --------------------------------------------------------------------------------------------


def _quotas(weights: np.ndarray, n: int) -> np.ndarray:
    """Split ``n`` by ``weights`` (largest remainder); when ``n`` allows, every weight > 0 gets
    at least one, taken one each from the largest quotas so that big shares stay close."""
    w = np.asarray(weights, dtype=float)
    q = w / w.sum() * n
    base = np.floor(q).astype(np.int64)
    short = n - int(base.sum())
    if short > 0:
        base[np.lexsort((np.arange(len(w)), -(q - base)))[:short]] += 1
    zero = (w > 0) & (base == 0)
    if zero.any() and n >= int((w > 0).sum()):
        need = int(zero.sum())
        base[zero] = 1
        while need:
            donors = np.argsort(-base, kind="stable")[: min(need, int((base > 1).sum()))]
            base[donors] -= 1
            need -= len(donors)
    return base


def _draw(u: np.ndarray, probs: np.ndarray) -> np.ndarray:
    """Categorical draws from uniforms ``u`` and one probability vector."""
    cum = np.cumsum(probs, dtype=float)
    return np.minimum(np.searchsorted(cum / cum[-1], u, side="right"), len(probs) - 1)


def _draw_by(u: np.ndarray, groups: np.ndarray, table: np.ndarray) -> np.ndarray:
    """Categorical draws where row i uses probabilities ``table[groups[i]]`` (few groups)."""
    out = np.zeros(len(u), dtype=np.int64)
    for g in np.unique(groups):
        m = groups == g
        out[m] = _draw(u[m], table[g])
    return out


def _text(values: pa.Array | pa.ChunkedArray) -> pd.Series:
    """An Arrow string array as a canonical text Series (``string[pyarrow]``, NA = pd.NA)."""
    return pd.Series(pd.arrays.ArrowStringArray(values))


def _text_take(names: Sequence[str], codes: np.ndarray) -> pd.Series:
    """``names[codes]`` as a text Series; code -1 is NA."""
    idx = pa.array(codes, mask=codes < 0, type=pa.int32())
    return _text(pc.take(pa.array(list(names), type=pa.large_string()), idx))


def _missing_int(n: int) -> pd.arrays.IntegerArray:
    """``n`` NA values as ``Int64``."""
    return pd.arrays.IntegerArray(np.zeros(n, dtype=np.int64), np.ones(n, dtype=bool))


def _format_dates(values: np.ndarray, fmt: str) -> np.ndarray:
    """Format datetime64 values (NaT -> "") over their distinct values."""
    codes, uniques = pd.factorize(pd.Series(values, dtype=schemas.DATE), use_na_sentinel=True)
    text = np.array([*pd.DatetimeIndex(uniques).strftime(fmt), ""], dtype=object)
    return text[codes]


def _format_money(values: np.ndarray, *, decimal: str = ",", thousands: str = ".") -> np.ndarray:
    """Format amounts with two decimals, e.g. ``1.234,50`` (NaN -> ""), vectorised in Arrow."""
    v = np.asarray(values, dtype=float)
    na = ~np.isfinite(v)
    cents = np.rint(np.abs(np.where(na, 0.0, v)) * 100).astype(np.int64)
    euros, frac = cents // 100, cents % 100

    def txt(x: np.ndarray) -> pa.Array:
        return pc.cast(pa.array(x), pa.string())

    # build from the lowest group of three digits up: rows whose highest group is reached get
    # "<group>.<tail>", the others carry the zero-padded group into the tail
    out = txt(euros % 1000)
    tail = pc.utf8_lpad(txt(euros % 1000), 3, "0")
    high = euros // 1000
    while high.any():
        group, higher = high % 1000, high // 1000
        top = pa.array((high > 0) & (higher == 0))
        out = pc.if_else(top, pc.binary_join_element_wise(txt(group), tail, thousands), out)
        tail = pc.binary_join_element_wise(pc.utf8_lpad(txt(group), 3, "0"), tail, thousands)
        high = higher
    out = pc.binary_join_element_wise(out, pc.utf8_lpad(txt(frac), 2, "0"), decimal)
    out = pc.if_else(pa.array((v < 0) & ~na), pc.binary_join_element_wise("-", out, ""), out)
    out = pc.if_else(pa.array(na), "", out)
    return np.asarray(out.to_numpy(zero_copy_only=False), dtype=object)


@lru_cache(maxsize=4)
def _country_names(lang: str) -> dict[str, str]:
    """ISO2 -> country name in ``lang`` (pycountry's iso3166-1 translations; common names first)."""
    tr = (
        gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang])
        if lang != "en"
        else gettext.NullTranslations()
    )
    out = {}
    for c in pycountry.countries:
        name = getattr(c, "common_name", None) or c.name
        out[c.alpha_2] = tr.gettext(name)
    return out


def _country_text(iso: pd.Series, lang: str, rng: np.random.Generator) -> np.ndarray:
    """Country codes as exported names; RU, BY and CN in a mix of two spellings (Dutch)."""
    codes, uniques = pd.factorize(iso, use_na_sentinel=True)
    names = _country_names(lang)
    first = [names.get(str(u), str(u)) for u in uniques]
    second = list(first)
    if lang == "nl":
        for i, u in enumerate(uniques):
            if str(u) in _COUNTRY_NL_VARIANTS:
                first[i], second[i] = _COUNTRY_NL_VARIANTS[str(u)]
    alt = rng.random(len(codes)) < 0.4
    table = np.array([*first, *second, "", ""], dtype=object)
    k = len(first)
    idx = np.where(codes < 0, 2 * k, codes + np.where(alt, k, 0))
    return table[idx]


# --------------------------------------------------------------------------------------------
# Partnerships
# --------------------------------------------------------------------------------------------

_KIND_INDEX = {k: i for i, k in enumerate(schemas.KINDS)}
_RESEARCH, _NETWORK, _FRAMEWORK = (_KIND_INDEX[k] for k in ("research", "network", "framework"))
_INSTITUTIONAL, _INDIVIDUAL = (
    schemas.LEVELS.index("institutional"),
    schemas.LEVELS.index("individual"),
)
_ACTIVE, _SUSPENDED, _ENDED, _PLANNED = range(4)  # schemas.STATUSES order
# P(kind | institution hint); columns in schemas.KINDS order:
# exchange, research, education, network, framework, capacity_building, other
_HINTS = ("", "research", "framework", "capacity_building", "network")
_KIND_BY_HINT = np.array(
    [
        [0.32, 0.34, 0.12, 0.00, 0.12, 0.04, 0.06],
        [0.02, 0.75, 0.05, 0.00, 0.10, 0.00, 0.08],
        [0.12, 0.40, 0.10, 0.00, 0.35, 0.00, 0.03],
        [0.12, 0.18, 0.10, 0.00, 0.08, 0.47, 0.05],
        [0.00, 0.00, 0.00, 1.00, 0.00, 0.00, 0.00],
    ]
)
# P(level | kind); columns institutional, faculty, individual
_LEVEL_BY_KIND = np.array(
    [
        [0.25, 0.75, 0.00],
        [0.10, 0.57, 0.33],
        [0.15, 0.70, 0.15],
        [1.00, 0.00, 0.00],
        [0.85, 0.15, 0.00],
        [0.30, 0.60, 0.10],
        [0.20, 0.50, 0.30],
    ]
)
# P(faculty | kind), FACULTIES order: Sci Med Law E&B Hum SBS Eng Arts
_FACULTY_BY_KIND = np.array(
    [
        [0.08, 0.06, 0.14, 0.24, 0.16, 0.18, 0.08, 0.06],
        [0.22, 0.22, 0.05, 0.08, 0.09, 0.13, 0.18, 0.03],
        [0.12, 0.12, 0.10, 0.18, 0.14, 0.16, 0.10, 0.08],
        [0.15, 0.15, 0.10, 0.15, 0.12, 0.15, 0.12, 0.06],
        [0.15, 0.15, 0.10, 0.15, 0.12, 0.15, 0.12, 0.06],
        [0.08, 0.40, 0.06, 0.08, 0.04, 0.26, 0.06, 0.02],
        [0.12, 0.12, 0.12, 0.14, 0.14, 0.14, 0.10, 0.12],
    ]
)
# P(tag | faculty) for tagged research; FIELD_TAGS order; last row = Central
_TAGS_BY_FACULTY = np.array(
    [
        [0.30, 0.25, 0.15, 0.05, 0.10, 0.15, 0.10, 0.05, 0.30, 0.05, 0.00, 0.00],
        [0.15, 0.00, 0.00, 0.00, 0.03, 0.45, 0.02, 0.02, 0.05, 0.80, 0.00, 0.05],
        [0.05, 0.00, 0.00, 0.00, 0.00, 0.00, 0.25, 0.05, 0.05, 0.05, 0.20, 0.60],
        [0.15, 0.00, 0.02, 0.00, 0.00, 0.00, 0.05, 0.00, 0.15, 0.05, 0.00, 0.80],
        [0.10, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.05, 0.02, 0.90, 0.05],
        [0.10, 0.00, 0.00, 0.00, 0.00, 0.00, 0.05, 0.00, 0.10, 0.15, 0.05, 0.90],
        [0.35, 0.05, 0.30, 0.30, 0.10, 0.05, 0.25, 0.25, 0.20, 0.05, 0.00, 0.00],
        [0.10, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.05, 0.00, 0.80, 0.10],
        [0.20, 0.05, 0.05, 0.02, 0.02, 0.05, 0.05, 0.02, 0.30, 0.30, 0.10, 0.30],
    ]
)
# value_eur: (share zero, median, sigma) by kind
_VALUE_BY_KIND = np.array(
    [
        [0.90, 3_000.0, 0.8],
        [0.05, 40_000.0, 1.3],
        [0.40, 12_000.0, 0.9],
        [0.00, 15_000.0, 0.5],
        [0.60, 50_000.0, 1.0],
        [0.02, 150_000.0, 0.7],
        [0.50, 5_000.0, 1.0],
    ]
)
_DATA_EXCHANGE_BY_KIND = np.array([0.25, 0.65, 0.30, 0.20, 0.30, 0.50, 0.20])


def make_partnerships(
    n: int = 600, *, seed: int = 2022, start_year: int = 2015, end_year: int = 2026
) -> pd.DataFrame:
    """Generate the canonical *partnerships* table of a fictional Dutch university.

    About 75 partner countries with realistic weights (CN 8 %, RU 4.5 %, UA 2.5 %, BY 1 %,
    IR 0.5 %; every country and network at least once when ``n`` allows), real partner names
    from ``data/sample_institutions.csv`` (some exported in capitals or abbreviated), 8
    faculties plus ``Central``, kinds, levels (individual ~15 %), dates, statuses consistent
    with the dates as of :data:`AS_OF` (Russian and Belarusian institutional and faculty
    agreements active on :data:`FREEZE_DATE` are ``suspended`` with probability 0.8 and none
    start after it), money per year, flags with ~20 % unknown, and field tags.

    Parameters
    ----------
    n : int
        Number of agreements.
    seed : int
        Seed of the ``numpy.random.Generator``; equal arguments give equal frames.
    start_year, end_year : int
        Agreements start between 1 January ``start_year`` and 31 December ``end_year``.

    Returns
    -------
    pandas.DataFrame
        Columns and dtypes of :data:`kvanalytics.schemas.PARTNERSHIPS`, sorted by ``start``;
        ``agreement_id`` is ``SO-<start year>-<sequence>`` and unique; ``partner_key``,
        ``source_sheet`` and ``source_row`` are NA, ``source_file`` is ``kvanalytics.sample``.

    Examples
    --------
    >>> df = make_partnerships(600, seed=2022)
    >>> df["agreement_id"].is_unique, df["country"].nunique() > 60
    (True, True)
    """
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    if end_year < start_year:
        raise ValueError(f"end_year {end_year} is before start_year {start_year}")
    # Every step draws from one generator in a fixed order: reordering the steps changes the
    # sample (the committed files are checked byte for byte).
    rng = np.random.default_rng(seed)
    pool = _pool()
    inst = _draw_institutions(pool, n, rng)
    country = pool["country"].to_numpy()[inst]
    hint = np.array([_HINTS.index(h) for h in pool["kind_hint"]])[inst]
    kind = _draw_by(rng.random(n), hint, _KIND_BY_HINT)
    level = _draw_by(rng.random(n), kind, _LEVEL_BY_KIND)
    sensitive = np.isin(country, _SENSITIVE_COUNTRIES)
    frozen = np.isin(country, _FROZEN_COUNTRIES)
    faculty = _draw_faculty(kind, level, sensitive, rng)
    start, end, open_ended = _draw_dates(kind, level, frozen, start_year, end_year, rng)
    status = _status_as_exported(start, end, open_ended, level, frozen, rng)
    value, value_na = _draw_money(kind, level, hint, rng)
    ff, ff_na, de, de_na = _draw_flags(kind, value, value_na, rng)
    fields_code, tag_names = _draw_fields(kind, faculty, sensitive, rng)
    # partner names as exported: 6 % in capitals, 4 % with "University" abbreviated
    names = pool["name"].to_numpy(dtype=object)
    upper = np.array([s.upper() for s in names], dtype=object)
    abbrev = np.array([s.replace("University", "Univ.") for s in names], dtype=object)
    variants = np.concatenate([names, upper, abbrev])
    partner_code = inst + _draw(rng.random(n), np.array([0.90, 0.06, 0.04])) * len(names)

    # order by start; ids follow that order
    order = np.lexsort((inst, start))
    start = start[order]
    end_na = np.where(open_ended, np.datetime64("NaT"), end).astype("datetime64[D]")[order]
    return pd.DataFrame(
        {
            "agreement_id": _text(_agreement_ids(start, n)),
            "partner": _text_take(variants.tolist(), partner_code[order]),
            "partner_key": _text_take([], np.full(n, -1)),
            "country": _text_take(pool["country"].tolist(), inst[order]),
            "faculty": _text_take([*FACULTIES, CENTRAL], faculty[order]),
            "kind": pd.Categorical.from_codes(kind[order], dtype=schemas.KIND_DTYPE),
            "level": pd.Categorical.from_codes(level[order], dtype=schemas.LEVEL_DTYPE),
            "start": start.astype(schemas.DATE),
            "end": end_na.astype(schemas.DATE),
            "status": pd.Categorical.from_codes(status[order], dtype=schemas.STATUS_DTYPE),
            "value_eur": pd.arrays.FloatingArray(value[order], value_na[order]),
            "financial_flows": pd.arrays.BooleanArray(ff[order], ff_na[order]),
            "data_exchange": pd.arrays.BooleanArray(de[order], de_na[order]),
            "fields": _text_take(tag_names, fields_code[order]),
            "partner_type": pd.Categorical.from_codes(
                np.full(n, -1), dtype=schemas.PARTNER_TYPE_DTYPE
            ),
            "erasmus_code": _text_take([], np.full(n, -1)),
            "pic": _text_take([], np.full(n, -1)),
            "ror": _text_take([], np.full(n, -1)),
            "source_file": _text_take([GENERATOR], np.zeros(n, dtype=np.int64)),
            "source_sheet": _text_take([], np.full(n, -1)),
            "source_row": _missing_int(n),
        },
        copy=False,
    )


def _draw_institutions(pool: pd.DataFrame, n: int, rng: np.random.Generator) -> np.ndarray:
    """Pool row of each agreement's partner: country quotas (exact shares, every country once),
    each country's institutions cycled in file order, networks apart; then shuffled."""
    is_net = (pool["kind_hint"] == "network").to_numpy()
    net_idx = np.flatnonzero(is_net)
    n_net = min(n, max(round(n * _NETWORK_SHARE), len(net_idx) if n >= 100 else 0))
    n_other = n - n_net
    ct = _country_table()
    other = pool[~is_net]
    countries = np.array(sorted(set(other["country"])))
    w = ct.set_index("iso2")["partners"].reindex(countries).fillna(0.2).to_numpy()
    fixed = np.array([_PARTNER_SHARE.get(c, 0.0) for c in countries])
    free = fixed == 0
    w = np.where(free, w / w[free].sum() * (1 - fixed.sum()), fixed)
    quota = _quotas(w, n_other)
    c_code = np.repeat(np.arange(len(countries)), quota)
    other_sorted = other.reset_index().sort_values("country", kind="stable")
    pool_rows = other_sorted["index"].to_numpy()
    c_of_pool = np.searchsorted(countries, other_sorted["country"].to_numpy())
    p_start = np.searchsorted(c_of_pool, np.arange(len(countries)), side="left")
    p_size = np.bincount(c_of_pool, minlength=len(countries))
    c_start = np.concatenate([[0], np.cumsum(quota)[:-1]])
    pos = np.arange(n_other) - c_start[c_code]
    inst = pool_rows[p_start[c_code] + pos % p_size[c_code]]
    inst = np.concatenate([net_idx[np.arange(n_net) % len(net_idx)], inst]).astype(np.int64)
    return inst[rng.permutation(n)]


def _draw_faculty(
    kind: np.ndarray, level: np.ndarray, sensitive: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Faculty code: institution-wide agreements mostly Central; STEM tilt for sensitive countries."""
    n = len(kind)
    fac_table = np.concatenate([_FACULTY_BY_KIND, _FACULTY_BY_KIND * [2, 1, 1, 1, 1, 1, 2, 1]])
    faculty = _draw_by(rng.random(n), kind + len(schemas.KINDS) * sensitive, fac_table)
    central = (level == _INSTITUTIONAL) & ((rng.random(n) < 0.8) | (kind == _NETWORK))
    return np.where(central, len(FACULTIES), faculty)


def _draw_dates(
    kind: np.ndarray,
    level: np.ndarray,
    frozen: np.ndarray,
    start_year: int,
    end_year: int,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Start, end and open-endedness: start year weighted (growth, 2020 dip), day uniform;
    RU/BY institutional and faculty agreements cannot start after the freeze."""
    n = len(kind)
    years = np.arange(start_year, end_year + 1)
    yw = 1 + 0.04 * (years - start_year)
    yw = np.where(years == 2020, yw * 0.7, yw)
    y = years[_draw(rng.random(n), yw)]
    y0 = np.array([f"{v}-01-01" for v in years], dtype="datetime64[D]")
    ylen = (np.array([f"{v + 1}-01-01" for v in years], dtype="datetime64[D]") - y0).astype(int)
    yi = y - start_year
    start = y0[yi] + (rng.random(n) * ylen[yi]).astype(np.int64)
    lo = np.datetime64(f"{start_year}-01-01", "D")
    late = frozen & (level != _INDIVIDUAL) & (start > FREEZE_DATE)
    span = max(int((FREEZE_DATE - lo).astype(int)), 1)
    redraw = lo + (rng.random(n) * span).astype(np.int64)
    start = np.where(late, redraw, start)
    dur = rng.integers(3, 7, n)
    end = start + (dur * 365 + dur // 4 - 1)
    p_open = np.where(kind == _NETWORK, 0.7, np.where(kind == _FRAMEWORK, 0.35, 0.16))
    open_ended = rng.random(n) < p_open
    return start, end, open_ended


def _status_as_exported(
    start: np.ndarray,
    end: np.ndarray,
    open_ended: np.ndarray,
    level: np.ndarray,
    frozen: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    """Status code as exported on AS_OF; the freeze suspended RU/BY ties (80 %)."""
    status = np.where(
        start > AS_OF, _PLANNED, np.where(~open_ended & (end < AS_OF), _ENDED, _ACTIVE)
    )
    active_at_freeze = (start <= FREEZE_DATE) & (open_ended | (end >= FREEZE_DATE))
    suspended = frozen & (level != _INDIVIDUAL) & active_at_freeze & (rng.random(len(start)) < 0.8)
    return np.where(suspended, _SUSPENDED, status)


def _draw_money(
    kind: np.ndarray, level: np.ndarray, hint: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Money per year (log-normal by kind, some zero) and which values are unknown (15 %)."""
    n = len(kind)
    zero_p, median, sigma = _VALUE_BY_KIND[kind].T
    median = np.where((kind == _RESEARCH) & (level == _INDIVIDUAL), 8_000.0, median)
    median = np.where(hint == _HINTS.index("framework"), median * 4, median)
    value = np.exp(np.log(median) + sigma * rng.standard_normal(n))
    value = np.round(np.minimum(value, 2_000_000.0), 2)
    value = np.where(rng.random(n) < zero_p, 0.0, value)
    return value, rng.random(n) < 0.15


def _draw_flags(
    kind: np.ndarray, value: np.ndarray, value_na: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Financial-flow and data-exchange flags with their unknown masks (~20 % unknown)."""
    n = len(kind)
    ff = np.where(value_na, rng.random(n) < 0.5, (value > 0) | (rng.random(n) < 0.1))
    ff_na = rng.random(n) < 0.2
    de = rng.random(n) < _DATA_EXCHANGE_BY_KIND[kind]
    de_na = rng.random(n) < 0.2
    return ff, ff_na, de, de_na


def _draw_fields(
    kind: np.ndarray, faculty: np.ndarray, sensitive: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, list[str]]:
    """Field tags for ~25 % of research agreements (codes into the returned tag strings, -1 for
    none); sensitive tags lean to CN/IR/RU/BY STEM."""
    n = len(kind)
    stem = np.isin(faculty, (FACULTIES.index("Science"), FACULTIES.index("Engineering")))
    p_tag = np.where(sensitive & stem, 0.6, np.where(stem, 0.3, 0.18))
    tagged = np.flatnonzero((kind == _RESEARCH) & (rng.random(n) < p_tag))
    fields_code = np.full(n, -1, dtype=np.int64)
    if not len(tagged):
        return fields_code, []
    p = _TAGS_BY_FACULTY[faculty[tagged]].copy()
    boost = np.isin(FIELD_TAGS, _SENSITIVE_TAGS)
    p[np.ix_(sensitive[tagged], boost)] *= 2.5
    # 1-3 tags drawn without replacement in proportion to p (Gumbel top-k)
    with np.errstate(divide="ignore"):
        key = np.log(p) + rng.gumbel(size=p.shape)
    k = 1 + _draw(rng.random(len(tagged)), np.array([0.55, 0.30, 0.15]))
    rank = np.argsort(np.argsort(-key, axis=1), axis=1)
    on = (rank < k[:, None]) & (p > 0)
    bits = on.astype(np.int64) @ (1 << np.arange(len(FIELD_TAGS)))
    uniq, inv = np.unique(bits, return_inverse=True)
    tag_names = [";".join(t for j, t in enumerate(FIELD_TAGS) if b >> j & 1) for b in uniq.tolist()]
    fields_code[tagged] = inv
    return fields_code, tag_names


def _agreement_ids(start: np.ndarray, n: int) -> pa.Array:
    """``SO-<start year>-<sequence>`` for agreements sorted by start."""
    width = max(4, len(str(n)))
    year_txt = pc.cast(pa.array(start.astype("datetime64[Y]").astype(np.int64) + 1970), pa.string())
    seq = pc.cast(pa.array(np.arange(1, n + 1)), pa.string())
    return pc.binary_join_element_wise("SO", year_txt, pc.utf8_lpad(seq, width, "0"), "-")


# --------------------------------------------------------------------------------------------
# Headcounts
# --------------------------------------------------------------------------------------------

_YEARS = ("2019/20", "2020/21", "2021/22", "2022/23", "2023/24", "2024/25", "2025/26")
_UNIT_FACULTIES = (*FACULTIES, CENTRAL)
# group -> (Dutch nationals, international) in 2019/20, and annual growth of the international part
_GROUP_TOTALS = {
    "degree_student": (22_500, 6_800, 0.03),
    "exchange_in": (0, 1_100, 0.01),
    "exchange_out": (0, 1_000, 0.01),
    "phd": (1_350, 1_100, 0.03),
    "academic_staff": (2_500, 1_700, 0.03),
    "support_staff": (3_150, 430, 0.02),
}
# P(faculty | group): FACULTIES order + Central
_FACULTY_BY_GROUP = np.array(
    [
        [0.15, 0.12, 0.10, 0.17, 0.12, 0.17, 0.11, 0.06, 0.00],
        [0.08, 0.05, 0.14, 0.25, 0.18, 0.18, 0.06, 0.06, 0.00],
        [0.08, 0.05, 0.14, 0.25, 0.18, 0.18, 0.06, 0.06, 0.00],
        [0.25, 0.25, 0.04, 0.06, 0.08, 0.12, 0.17, 0.03, 0.00],
        [0.22, 0.28, 0.06, 0.08, 0.10, 0.12, 0.12, 0.02, 0.00],
        [0.10, 0.20, 0.03, 0.05, 0.05, 0.06, 0.08, 0.03, 0.40],
    ]
)
# Exchange stopped by COVID-19 in 2020/21 and partly 2021/22.
_COVID = {2020: 0.35, 2021: 0.75}
#: Per-year totals for RU, UA, BY (start year of the academic year -> persons); the last value
#: holds for later years, the first for earlier ones. Degree-student totals are exact.
_SPECIAL: dict[tuple[str, str], dict[int, float]] = {
    ("degree_student", "RU"): {
        2019: 52,
        2020: 55,
        2021: 58,
        2022: 54,
        2023: 49,
        2024: 45,
        2025: 42,
    },
    ("degree_student", "UA"): {
        2019: 24,
        2020: 27,
        2021: 31,
        2022: 62,
        2023: 78,
        2024: 86,
        2025: 92,
    },
    ("degree_student", "BY"): {2019: 4, 2020: 5, 2021: 5, 2022: 6, 2023: 6, 2024: 5, 2025: 5},
    ("exchange_in", "RU"): {2019: 10, 2021: 10, 2022: 0},
    ("exchange_in", "BY"): {2019: 2, 2021: 2, 2022: 0},
    ("exchange_in", "UA"): {2019: 5, 2021: 5, 2022: 30, 2023: 26, 2024: 20, 2025: 18},
    ("exchange_out", "RU"): {2019: 7, 2021: 7, 2022: 0},
    ("exchange_out", "BY"): {2019: 1, 2021: 1, 2022: 0},
    ("exchange_out", "UA"): {2019: 3, 2021: 3, 2022: 0},
    ("phd", "RU"): {2019: 11, 2020: 12, 2021: 12, 2022: 11, 2023: 10, 2024: 9},
    ("phd", "UA"): {2019: 4, 2021: 5, 2022: 8, 2023: 10, 2024: 11, 2025: 12},
    ("phd", "BY"): {2019: 2},
    ("academic_staff", "RU"): {2019: 14, 2020: 15, 2023: 14, 2025: 13},
    ("academic_staff", "UA"): {2019: 5, 2021: 6, 2022: 10, 2023: 12, 2024: 13},
    ("academic_staff", "BY"): {2019: 2},
    ("support_staff", "RU"): {2019: 3},
    ("support_staff", "UA"): {2019: 2, 2022: 5, 2023: 6, 2025: 7},
    ("support_staff", "BY"): {2019: 1},
}
_EXACT = ("degree_student",)


def _by_year(table: dict[int, float], year: int) -> float:
    """Step function: the value of the latest key <= year (the first key before it)."""
    keys = sorted(table)
    prev = [k for k in keys if k <= year]
    return float(table[prev[-1] if prev else keys[0]])


def _start_year(period: str) -> int:
    try:
        return int(str(period)[:4])
    except ValueError:
        raise ValueError(f"period {period!r} is not an academic year like '2021/22'") from None


def _exchange_weights(
    partnerships: pd.DataFrame, countries: np.ndarray, years: Sequence[int]
) -> np.ndarray:
    """Exchange agreements per country active on 1 October of each year, shape (Y, C)."""
    p = partnerships[partnerships["kind"] == "exchange"]
    start = p["start"].to_numpy(dtype="datetime64[D]")
    end = p["end"].to_numpy(dtype="datetime64[D]")
    code = pd.Index(countries).get_indexer(p["country"].astype("string").fillna(""))
    out = np.zeros((len(years), len(countries)))
    for i, y in enumerate(years):
        ref = np.datetime64(f"{y}-10-01", "D")
        active = (start <= ref) & (np.isnat(end) | (end >= ref)) & (code >= 0)
        out[i] = np.bincount(code[active], minlength=len(countries))
    return out


def _expected(
    years: Sequence[str], scale: float, partnerships: pd.DataFrame | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Expected headcounts: totals (G, Y, C), faculty shares (G, C, F), countries, exact mask."""
    ct = _country_table()
    countries = np.array(sorted([*ct["iso2"], "NL"]))
    ct = ct.set_index("iso2").reindex(countries).fillna(0.0)
    student_w = ct["students"].to_numpy()
    partner_w = ct["partners"].to_numpy() + np.array(
        [_PARTNER_SHARE.get(c, 0) * 100 for c in countries]
    )
    nl = countries == "NL"
    special = {c: np.flatnonzero(countries == c)[0] for c in ("RU", "UA", "BY")}
    sy = [_start_year(p) for p in years]
    groups = list(schemas.GROUPS)
    tot = np.zeros((len(groups), len(sy), len(countries)))
    xw = _exchange_weights(partnerships, countries, sy) if partnerships is not None else None
    for g, name in enumerate(groups):
        dutch, intl, growth = _GROUP_TOTALS[name]
        if name in ("degree_student", "support_staff"):
            w = student_w.copy()
        elif name in ("phd", "academic_staff"):
            w = student_w / student_w.sum() + partner_w / partner_w.sum()
        else:
            w = partner_w.copy()
        w[nl] = 0
        for i, y in enumerate(sy):
            wy = w.copy()
            if xw is not None and name in ("exchange_in", "exchange_out"):
                wy = xw[i] + 0.05 * w / w.sum() * max(xw[i].sum(), 1)
                wy[nl] = 0
            fixed = {c: _by_year(_SPECIAL[(name, c)], y) for c in special if (name, c) in _SPECIAL}
            for c in special:
                wy[special[c]] = 0
            total_intl = intl * (1 + growth) ** (y - 2019) - sum(fixed.values())
            tot[g, i] = total_intl * wy / wy.sum()
            for c, v in fixed.items():
                tot[g, i, special[c]] = v
            tot[g, i, nl] = dutch * (1 + 0.002 * (y - 2019))
            if name in ("exchange_in", "exchange_out"):
                tot[g, i] *= _COVID.get(y, 1.0)
    tot *= scale
    share = np.repeat(_FACULTY_BY_GROUP[:, None, :], len(countries), axis=1).copy()
    stem = np.isin(countries, _STEM_COUNTRIES)
    tilt = np.array([1.8, 1, 1, 1, 1, 1, 1.8, 1, 1])
    for g, name in enumerate(groups):
        if name in ("degree_student", "phd", "academic_staff"):
            share[g, stem] *= tilt
    share /= share.sum(axis=2, keepdims=True)
    exact = np.zeros((len(groups), len(countries)), dtype=bool)
    for name in _EXACT:
        exact[groups.index(name), list(special.values())] = True
    return tot, share, countries, exact


def make_headcounts(
    *,
    years: Sequence[str] = _YEARS,
    seed: int = 2022,
    scale: float = 1.0,
    partnerships: pd.DataFrame | None = None,
    n_rows: int | None = None,
) -> pd.DataFrame:
    """Generate the canonical *headcounts* table of the fictional university (or of a sector).

    Period x faculty x group x country counts for a university of ~30,000 students (~25 %
    international), PhD candidates and staff, counted by nationality (outgoing exchange by
    destination), with many cells of 1-4 persons. Russian degree students number 40-60 a year,
    Ukrainian ones rise after 2022, Belarusian ones are a handful; outgoing and incoming
    exchange with Russia and Belarus stop after 2021/22. Cells with 0 persons are omitted.

    Parameters
    ----------
    years : sequence of str
        Academic years (``"2021/22"``; reference date 1 October).
    seed : int
        Seed of the ``numpy.random.Generator``.
    scale : float
        Multiplies every expected count (1.0 = one university).
    partnerships : DataFrame, optional
        Canonical partnerships; when given, exchange flows per country follow its exchange
        agreements active on 1 October of each year.
    n_rows : int, optional
        Benchmark sizing: repeat the university as many units (faculties named
        ``"U0001 Science"`` ...) as needed for about this many rows.

    Returns
    -------
    pandas.DataFrame
        Columns and dtypes of :data:`kvanalytics.schemas.HEADCOUNTS`, sorted by period,
        faculty, group and country; ``source_file`` is ``kvanalytics.sample``.

    Examples
    --------
    >>> hc = make_headcounts(seed=2022)
    >>> bool(hc["headcount"].between(1, 4).mean() > 0.3)
    True
    """
    if scale <= 0:
        raise ValueError(f"scale must be > 0, got {scale}")
    rng = np.random.default_rng(seed)
    years = tuple(years)
    tot, share, countries, exact = _expected(years, scale, partnerships)
    groups = list(schemas.GROUPS)
    # lam[y, f, g, c]
    lam = np.einsum("gyc,gcf->yfgc", tot, share)
    n_units = 1
    if n_rows is not None:
        expected_rows = float((1 - np.exp(-lam)).sum())
        n_units = max(1, round(n_rows / expected_rows))
    # one year at a time over (unit, faculty, group, country): C order is the output order
    F = len(_UNIT_FACULTIES)
    sizes = np.ones(1) if n_units == 1 else rng.lognormal(0.0, 0.4, n_units)
    gi, ci = np.nonzero(exact)
    y_parts, flat_parts, count_parts = [], [], []
    for yi in range(len(years)):
        counts = rng.poisson(sizes[:, None, None, None] * lam[yi][None])
        if n_units == 1:
            # exact totals (multinomial over faculties) where the story needs them
            for g_, c_ in zip(gi.tolist(), ci.tolist(), strict=True):
                counts[0, :, g_, c_] = rng.multinomial(round(tot[g_, yi, c_]), share[g_, c_])
        flat = np.flatnonzero(counts)
        y_parts.append(np.full(len(flat), yi, dtype=np.int32))
        flat_parts.append(flat)
        count_parts.append(counts.ravel()[flat])
    y = np.concatenate(y_parts)
    count = np.concatenate(count_parts)
    u, f, g, c = np.unravel_index(np.concatenate(flat_parts), (n_units, F, *lam.shape[2:]))
    if n_units == 1:
        fac_names = list(_UNIT_FACULTIES)
    else:
        fac_names = [f"U{k + 1:04d} {name}" for k in range(n_units) for name in _UNIT_FACULTIES]
    fac_code = u * F + f
    basis = np.where(g == groups.index("exchange_out"), 2, 0)
    n = len(count)
    return pd.DataFrame(
        {
            "period": _text_take(list(years), y),
            "faculty": _text_take(fac_names, fac_code),
            "group": pd.Categorical.from_codes(g, dtype=schemas.GROUP_DTYPE),
            "country": _text_take(countries.tolist(), c),
            "basis": pd.Categorical.from_codes(basis, dtype=schemas.BASIS_DTYPE),
            "headcount": pd.arrays.IntegerArray(count.astype(np.int64), np.zeros(n, dtype=bool)),
            "source_file": _text_take([GENERATOR], np.zeros(n, dtype=np.int64)),
            "source_sheet": _text_take([], np.full(n, -1)),
            "source_row": _missing_int(n),
        },
        copy=False,
    )


# --------------------------------------------------------------------------------------------
# Exports
# --------------------------------------------------------------------------------------------

Table = Literal["partnerships", "headcounts"]


def _faculty_text(faculty: pd.Series, lang: str) -> np.ndarray:
    codes, uniques = pd.factorize(faculty, use_na_sentinel=True)
    out = []
    for u in map(str, uniques):
        prefix, _, rest = u.partition(" ") if u[:1] == "U" and u[1:5].isdigit() else ("", "", u)
        name = FACULTY_NL.get(rest, rest) if lang == "nl" else rest
        out.append(f"{prefix} {name}" if prefix else name)
    return np.array([*out, ""], dtype=object)[codes]


def _category_text(s: pd.Series, field: str, lang: str) -> np.ndarray:
    cat = s.astype(pd.CategoricalDtype(list(getattr(schemas, f"{field.upper()}_DTYPE").categories)))
    names = [(_VALUES_NL[field][c] if lang == "nl" else c) for c in cat.cat.categories]
    return np.array([*names, ""], dtype=object)[cat.cat.codes.to_numpy()]


def _bool_text(s: pd.Series, lang: str) -> np.ndarray:
    yes, no = ("ja", "nee") if lang == "nl" else ("yes", "no")
    arr = s.astype("boolean")
    return np.where(arr.isna().to_numpy(), "", np.where(arr.fillna(False).to_numpy(bool), yes, no))


def _as_str_frame(columns: Mapping[str, Any]) -> pd.DataFrame:
    return pd.DataFrame(
        {k: pd.array(np.asarray(v, dtype=object), dtype="str") for k, v in columns.items()}
    )


def to_export(
    df: pd.DataFrame, table: Table, *, lang: str = "nl", seed: int = 2022
) -> pd.DataFrame:
    """Turn a canonical table into what a university system exports: all text, Dutch.

    Dutch headers (:data:`PARTNERSHIPS_NL`, :data:`HEADCOUNTS_NL`) and values (``uitwisseling``,
    ``facultair``, ``opgeschort``, ``promovendi``, ``bestemming`` ...), Dutch faculty names,
    Dutch country names from pycountry's ``iso3166-1`` translations (Russia, Belarus and China in
    a mix of two spellings each, e.g. *Rusland* / *Russische Federatie*), dates ``dd-mm-yyyy``,
    money ``1.234,50``, booleans ``ja``/``nee``/blank; NA is an empty string. ``lang="en"``
    keeps canonical headers and values with English country names and ISO dates.

    Parameters
    ----------
    df : DataFrame
        A canonical ``partnerships`` or ``headcounts`` table.
    table : {"partnerships", "headcounts"}
        Which table ``df`` is.
    lang : {"nl", "en"}
        Language of headers, values and country names.
    seed : int
        Seeds the choice between country-name spellings (deterministic).

    Returns
    -------
    pandas.DataFrame
        One ``str`` column per exported field; no NA.

    Examples
    --------
    >>> out = to_export(make_partnerships(20, seed=1), "partnerships")
    >>> list(out.columns[:3])
    ['Kenmerk', 'Partnerinstelling', 'Land']
    """
    if table not in ("partnerships", "headcounts"):
        raise ValueError(f"table must be 'partnerships' or 'headcounts', got {table!r}")
    if lang not in ("nl", "en"):
        raise ValueError(f"lang must be 'nl' or 'en', got {lang!r}")
    rng = np.random.default_rng(seed)
    nl = lang == "nl"

    def text(col: str) -> np.ndarray:
        return df[col].astype("string").fillna("").to_numpy(dtype=object)

    if table == "partnerships":
        fmt = "%d-%m-%Y" if nl else "%Y-%m-%d"
        cols: dict[str, np.ndarray | pd.Series] = {
            "agreement_id": text("agreement_id"),
            "partner": text("partner"),
            "country": _country_text(df["country"], lang, rng),
            "faculty": _faculty_text(df["faculty"], lang),
            "kind": _category_text(df["kind"], "kind", lang),
            "level": _category_text(df["level"], "level", lang),
            "start": _format_dates(df["start"].to_numpy(), fmt),
            "end": _format_dates(df["end"].to_numpy(), fmt),
            "status": _category_text(df["status"], "status", lang),
            "value_eur": _format_money(
                df["value_eur"].astype("Float64").to_numpy(dtype=float, na_value=np.nan),
                decimal="," if nl else ".",
                thousands="." if nl else "",
            ),
            "financial_flows": _bool_text(df["financial_flows"], lang),
            "data_exchange": _bool_text(df["data_exchange"], lang),
            "fields": text("fields"),
        }
        headers = PARTNERSHIPS_NL
    else:
        cols = {
            "period": text("period"),
            "faculty": _faculty_text(df["faculty"], lang),
            "group": _category_text(df["group"], "group", lang),
            "country": _country_text(df["country"], lang, rng),
            "basis": _category_text(df["basis"], "basis", lang),
            "headcount": df["headcount"]
            .astype("Int64")
            .astype("string")
            .fillna("")
            .to_numpy(dtype=object),
        }
        headers = HEADCOUNTS_NL
    out = _as_str_frame(cols)
    return out.rename(columns=headers) if nl else out


def _export_frame(df: pd.DataFrame, table: Table, lang: str) -> pd.DataFrame:
    """``df`` if it already is an export (Dutch, or English all-text), else :func:`to_export`."""
    headers = PARTNERSHIPS_NL if table == "partnerships" else HEADCOUNTS_NL
    if list(df.columns) == list(headers.values()):
        return df
    if set(headers) <= set(df.columns):
        if all(pd.api.types.is_string_dtype(df[c].dtype) for c in headers):
            return df[list(headers)]  # an English export: every field is text already
        return to_export(df, table, lang=lang)
    raise ValueError(
        f"expected a canonical {table} table or its export; got columns {list(df.columns)[:6]}"
    )


def write_partnerships_csv(
    df: pd.DataFrame,
    path: str | Path,
    *,
    encoding: str = "cp1252",
    sep: str = ";",
    lang: str = "nl",
) -> Path:
    """Write partnerships as a spreadsheet-style CSV: Dutch, ``;``-separated, cp1252, CRLF.

    Parameters
    ----------
    df : DataFrame
        A canonical partnerships table, or its export from :func:`to_export`.
    path : path
        The file to write (directories are created).
    encoding : str
        ``"cp1252"`` as Excel writes on Dutch Windows; characters it cannot hold raise
        ``UnicodeEncodeError`` rather than turn into ``?``. ``"utf-8"`` for big benchmark files.
    sep : str
        Field separator; fields holding it (such as ``ai;quantum``) are quoted.
    lang : {"nl", "en"}
        Passed to :func:`to_export` when ``df`` is canonical.

    Returns
    -------
    pathlib.Path
        The path written.

    Examples
    --------
    >>> write_partnerships_csv(make_partnerships(50), "partnerships.csv")  # doctest: +SKIP
    PosixPath('partnerships.csv')
    """
    out = _export_frame(df, "partnerships", lang)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = out.to_csv(sep=sep, index=False, lineterminator="\r\n")
    path.write_bytes(text.encode(encoding))
    return path


#: Fixed timestamp for workbook properties and zip entries: reproducible bytes.
_XLSX_TIME = dt.datetime(2026, 11, 1, 0, 0, 0)
_DEFAULT_TITLE = (
    "Studenten en medewerkers per faculteit, groep en nationaliteit "
    "(peildatum 1 oktober) - synthetische voorbeeldgegevens"
)
_NOTES_NL = (
    ("Toelichting", ""),
    ("", ""),
    (
        "Bron",
        "Synthetische voorbeeldgegevens van een fictieve Nederlandse universiteit (kvanalytics.sample).",
    ),
    ("Peildatum", "1 oktober van het studiejaar."),
    ("Telling", "Personen (geen fte). Cellen met 0 personen zijn weggelaten."),
    (
        "Grondslag",
        "nationaliteit voor studenten, promovendi en personeel; bestemming voor uitgaande uitwisseling.",
    ),
    ("Privacy", "Interne gegevens: aantallen kleiner dan 5 niet publiceren."),
    ("Faculteit Centraal", "Centrale diensten (alleen ondersteunend personeel)."),
)


def _reproducible_zip(raw: bytes) -> bytes:
    """Rewrite a zip with fixed entry timestamps so equal content gives equal bytes."""
    src = zipfile.ZipFile(io.BytesIO(raw))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=_XLSX_TIME.timetuple()[:6])
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            dst.writestr(zi, src.read(info.filename))
    return buf.getvalue()


def write_headcounts_xlsx(
    df: pd.DataFrame,
    path: str | Path,
    *,
    sheet: str = "Studenten en medewerkers",
    title: str = _DEFAULT_TITLE,
    lang: str = "nl",
) -> Path:
    """Write headcounts as an institutional-research workbook (openpyxl), reproducibly.

    The data sheet has a title row and a blank row above the Dutch header row (readers must
    find the header), ``Aantal`` as numbers; a second sheet ``Toelichting`` holds notes.
    Workbook properties and zip timestamps are fixed, so equal input gives equal bytes.

    Parameters
    ----------
    df : DataFrame
        A canonical headcounts table, or its export from :func:`to_export`.
    path : path
        The ``.xlsx`` file to write (directories are created).
    sheet : str
        Name of the data sheet.
    title : str
        Text of the title row.
    lang : {"nl", "en"}
        Passed to :func:`to_export` when ``df`` is canonical.

    Returns
    -------
    pathlib.Path
        The path written.

    Examples
    --------
    >>> write_headcounts_xlsx(make_headcounts(), "headcounts.xlsx")  # doctest: +SKIP
    PosixPath('headcounts.xlsx')
    """
    out = _export_frame(df, "headcounts", lang)
    if len(out) > 1_048_576 - 3:
        raise ValueError(f"{len(out):,} rows do not fit an Excel sheet; write CSV instead")
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet)
    bold = Font(bold=True)
    cell = WriteOnlyCell(ws, value=title)
    cell.font = Font(bold=True, size=13)
    ws.append([cell])
    ws.append([])
    header = []
    for h in out.columns:
        c = WriteOnlyCell(ws, value=str(h))
        c.font = bold
        header.append(c)
    ws.append(header)
    count_col = out.columns[-1]
    counts = pd.to_numeric(out[count_col], errors="coerce").astype("Int64")
    values = out.drop(columns=count_col).to_numpy(dtype=object)
    for row, k in zip(values.tolist(), counts.tolist(), strict=True):
        ws.append([*row, None if k is pd.NA else int(k)])
    notes = wb.create_sheet("Toelichting")
    for i, (a, b) in enumerate(_NOTES_NL):
        if i == 0:
            c = WriteOnlyCell(notes, value=a)
            c.font = Font(bold=True, size=13)
            notes.append([c])
        else:
            notes.append([a or None, b or None])
    wb.properties.creator = GENERATOR
    wb.properties.created = _XLSX_TIME
    wb.properties.modified = _XLSX_TIME
    buf = io.BytesIO()
    archive = zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
    ExcelWriter(wb, archive).save()  # not save_workbook(): it stamps "modified" with now
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_reproducible_zip(buf.getvalue()))
    return path


# --------------------------------------------------------------------------------------------
# The committed sample: deliberately bad rows
# --------------------------------------------------------------------------------------------

#: The deliberately bad rows added to the committed export: (reason, what is wrong).
BAD_ROWS = (
    ("unknown_country", "Land is 'Onbekend'"),
    ("missing_value", "Land is empty"),
    ("impossible_date", "Startdatum is 31-02-2020"),
    ("end_before_start", "Einddatum 31-08-2021 is before Startdatum 01-09-2023"),
    ("negative_value", "Bedrag per jaar (EUR) is -2.500,00"),
    ("duplicate_id", "Kenmerk repeats the row above it (an exact copy; the first is kept)"),
    ("invalid_date", "Startdatum is 'binnenkort'"),
    ("invalid_boolean", "Data-uitwisseling is 'misschien'"),
)
# One line per bad row, in BAD_ROWS order ("dup" = a copy of a valid row), export columns
# from Partnerinstelling on; Niveau is always facultair and Vakgebied empty.
_BAD_TABLE = """
2021|Universidad de Buenos Aires|Onbekend|Rechtsgeleerdheid|uitwisseling|01-09-2021|31-08-2025|beëindigd|0,00|nee|nee
2019|Khalifa University||Techniek|onderzoek|15-03-2019|14-03-2023|beëindigd|35.000,00|ja|ja
2020|Universität Hamburg|Duitsland|Rechtsgeleerdheid|uitwisseling|31-02-2020|28-02-2024|beëindigd|0,00|nee|nee
2023|Universidade do Porto|Portugal|Rechtsgeleerdheid|uitwisseling|01-09-2023|31-08-2021|actief|0,00|nee|nee
2022|University of Glasgow|Verenigd Koninkrijk|Geneeskunde|onderzoek|01-01-2022|31-12-2025|beëindigd|-2.500,00|ja|nee
dup
2026|University of Auckland|Nieuw-Zeeland|Rechtsgeleerdheid|uitwisseling|binnenkort||gepland|0,00|nee|nee
2018|Aalto University|Finland|Kunsten|uitwisseling|01-02-2018|31-01-2022|beëindigd|0,00|nee|misschien
"""
_BAD_FIELDS = (
    "Partnerinstelling",
    "Land",
    "Faculteit",
    "Soort",
    "Startdatum",
    "Einddatum",
    "Status",
    "Bedrag per jaar (EUR)",
    "Financiële stromen",
    "Data-uitwisseling",
)


def _bad_rows(export: pd.DataFrame, n: int) -> tuple[pd.DataFrame, list[tuple[str, str, str]]]:
    """The deliberately bad rows for an export of ``n`` agreements, and (Kenmerk, reason, what)."""
    width = max(4, len(str(n)))
    rows: list[dict[str, str]] = []
    for k, line in enumerate(_BAD_TABLE.strip().splitlines(), start=1):
        if line == "dup":  # the record exported twice
            rows.append({str(h): str(v) for h, v in export.iloc[n // 2].items()})
            continue
        year, *values = line.split("|")
        row = {"Kenmerk": f"SO-{year}-{n + k:0{width}d}", "Niveau": "facultair", "Vakgebied": ""}
        rows.append(row | dict(zip(_BAD_FIELDS, values, strict=True)))
    bad = _as_str_frame({h: [r[h] for r in rows] for h in export.columns})
    listing = [
        (r["Kenmerk"], reason, what) for r, (reason, what) in zip(rows, BAD_ROWS, strict=True)
    ]
    return bad, listing


def _with_bad_rows(export: pd.DataFrame, n: int) -> tuple[pd.DataFrame, list[tuple[str, str, str]]]:
    """The export with the bad rows merged in by Kenmerk (a repeat lands after its original)."""
    bad, listing = _bad_rows(export, n)
    both = pd.concat([export, bad], ignore_index=True)
    order = np.argsort(both["Kenmerk"].to_numpy(dtype=object).astype(str), kind="stable")
    return both.iloc[order].reset_index(drop=True), listing


def write_sample(
    out_dir: str | Path, *, n: int = 600, seed: int = 2022, bad_rows: bool = True
) -> dict[str, Path]:
    """Write the sample: ``sample_partnerships.csv`` and ``sample_headcounts.xlsx``.

    The CSV is what Excel writes on Dutch Windows (cp1252, ``;``, decimal commas, CRLF), with
    the deliberately bad rows of :data:`BAD_ROWS` merged in (``bad_rows=False`` leaves them
    out); the workbook holds headcounts whose exchange flows follow the partnerships. Both
    files are byte-for-byte reproducible.

    Parameters
    ----------
    out_dir : path
        Directory to write into (created).
    n : int
        Number of (valid) agreements.
    seed : int
        Seed for both tables.
    bad_rows : bool
        Merge the deliberately bad rows into the CSV.

    Returns
    -------
    dict of str to pathlib.Path
        ``{"partnerships": ..., "headcounts": ...}``.

    Examples
    --------
    >>> write_sample("data/raw")  # doctest: +SKIP
    {'partnerships': PosixPath('data/raw/sample_partnerships.csv'), ...}
    """
    out = Path(out_dir)
    partnerships = make_partnerships(n, seed=seed)
    export = to_export(partnerships, "partnerships", seed=seed)
    if bad_rows:
        export, _ = _with_bad_rows(export, n)
    headcounts = make_headcounts(seed=seed, partnerships=partnerships)
    return {
        "partnerships": write_partnerships_csv(export, out / "sample_partnerships.csv"),
        "headcounts": write_headcounts_xlsx(
            to_export(headcounts, "headcounts", seed=seed), out / "sample_headcounts.xlsx"
        ),
    }


def bad_row_listing(n: int = 600, seed: int = 2022) -> list[tuple[str, str, str]]:
    """(Kenmerk, reason, what) of the deliberately bad rows :func:`write_sample` adds.

    Examples
    --------
    >>> [r[1] for r in bad_row_listing()][:2]
    ['unknown_country', 'missing_value']
    """
    export = to_export(make_partnerships(n, seed=seed), "partnerships", seed=seed)
    return _bad_rows(export, n)[1]


# --------------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m kvanalytics.sample``: write the sample, or one big table for benchmarks.

    Examples
    --------
    >>> main(["--out", "data/raw"])  # doctest: +SKIP
    0
    >>> main(["--table", "partnerships", "--n", "1000000", "--format", "csv",
    ...       "--encoding", "utf-8", "--out", "/tmp/bench"])  # doctest: +SKIP
    0
    """
    ap = argparse.ArgumentParser(
        prog="python -m kvanalytics.sample",
        description="Write the deterministic synthetic sample (or one big table for benchmarks).",
    )
    ap.add_argument("--out", type=Path, default=Path("data/raw"), help="output directory")
    ap.add_argument(
        "--n", type=int, default=None, help="agreements (partnerships) or ~rows (headcounts)"
    )
    ap.add_argument("--seed", type=int, default=2022)
    ap.add_argument("--table", choices=("all", "partnerships", "headcounts"), default="all")
    ap.add_argument("--format", choices=("csv", "xlsx"), default=None)
    ap.add_argument("--encoding", default="cp1252", help="CSV encoding (default cp1252)")
    ap.add_argument("--clean", action="store_true", help="leave out the deliberately bad rows")
    args = ap.parse_args(argv)
    if args.table == "all":
        if args.format or args.encoding != "cp1252":
            ap.error("--format/--encoding apply with --table partnerships|headcounts")
        written = write_sample(args.out, n=args.n or 600, seed=args.seed, bad_rows=not args.clean)
        for p in written.values():
            print(p)
        return 0
    fmt = args.format or ("csv" if args.table == "partnerships" else "xlsx")
    if args.table == "partnerships":
        n = 600 if args.n is None else args.n
        df = make_partnerships(n, seed=args.seed)
        export = to_export(df, "partnerships", seed=args.seed)
        if not args.clean:
            export, _ = _with_bad_rows(export, n)
    else:
        n = args.n
        df = make_headcounts(seed=args.seed, n_rows=n)
        export = to_export(df, "headcounts", seed=args.seed)
        n = len(df) if n is None else n
    path = args.out / f"{args.table}_{n}.{fmt}"
    if fmt == "xlsx":
        if args.table == "partnerships":
            args.out.mkdir(parents=True, exist_ok=True)
            export.to_excel(path, index=False, sheet_name="Export", engine="openpyxl")
        else:
            write_headcounts_xlsx(export, path)
    elif args.table == "partnerships":
        write_partnerships_csv(export, path, encoding=args.encoding)
    else:
        args.out.mkdir(parents=True, exist_ok=True)
        path.write_bytes(
            export.to_csv(sep=";", index=False, lineterminator="\r\n").encode(args.encoding)
        )
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
