"""Headcounts in force at a date, as :func:`~kvanalytics.scenarios.impact` reads them.

Temporary home: ``kvanalytics.people`` will hold the one rule for headcounts in force at a date
(period reference dates, basis choice, no period on or before the date); then
:func:`_headcounts_in_force` delegates to it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

import numpy as np
import pandas as pd

from .. import config
from ..errors import SchemaError
from ._terms import _group_arrays

_ACADEMIC_YEAR = re.compile(r"^\s*(\d{4})\s*[/\-]\s*(\d{2}|\d{4})\s*$")


def _period_reference(period: str) -> np.datetime64:
    """Reference date of a period: ``2021/22`` -> 2021-10-01, an ISO date as is, else NaT."""
    m = _ACADEMIC_YEAR.match(period)
    if m:
        month, day = config.ACADEMIC_YEAR_REFERENCE
        return np.datetime64(dt.date(int(m.group(1)), month, day), "ns")
    try:
        return np.datetime64(dt.date.fromisoformat(period.strip()[:10]), "ns")
    except ValueError:
        return np.datetime64("NaT", "ns")


def _objects(s: pd.Series, rows: np.ndarray) -> np.ndarray:
    """Values of ``s`` at positions ``rows`` as an object array, missing values as ``pd.NA``."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        cats = np.array([*s.cat.categories.astype(str), pd.NA], dtype=object)
        return cats[s.cat.codes.to_numpy()[rows]]  # code -1 (NA) picks the last entry
    return s.array[rows].to_numpy(dtype=object, na_value=pd.NA)


def _codes(s: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes (-1 = NA) and distinct values of a column; categoricals by their codes."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        return s.cat.codes.to_numpy(np.int64), np.asarray(s.cat.categories.astype(str), object)
    c, u = pd.factorize(s)
    return c.astype(np.int64), np.asarray(u, dtype=object)


def _headcounts_in_force(
    h: pd.DataFrame,
    d: pd.Timestamp,
    notes: list[str],
    groups: Iterable[str],
    countries: Iterable[str],
) -> dict[str, np.ndarray]:
    """Headcounts per faculty × group × country in force at ``d`` (sum; NaN if any NA).

    Returns columns ``faculty, group, country`` (object), ``headcount`` (float, NaN = unknown)
    and ``basis_used`` as arrays.

    Only ``groups`` × ``countries`` are returned; the period in force is chosen per group over
    the whole table, on integer codes (distinct periods are parsed once, the choice runs over
    the distinct group × period pairs, and only the rows kept are turned into objects).
    """
    required = ("period", "faculty", "group", "country", "headcount")
    missing = [c for c in required if c not in h.columns]
    if missing:
        raise SchemaError(
            f"headcounts: missing column(s) {', '.join(missing)}; "
            "build the table with kvanalytics.read_headcounts()."
        )
    pcodes, puniq = _codes(h["period"])
    gcodes, guniq = _codes(h["group"])
    n_p = max(len(puniq), 1)
    ref_u = np.array([_period_reference(str(u)) for u in puniq], dtype="datetime64[ns]")
    valid = (pcodes >= 0) & (gcodes >= 0)
    valid[valid] &= ~np.isnat(ref_u[pcodes[valid]])
    n_bad = int((~valid).sum())
    if n_bad:
        notes.append(f"headcounts: {n_bad} row(s) with an unreadable period or group ignored.")
    n_pairs = max(len(guniq), 1) * n_p
    pair = np.where(valid, gcodes * n_p + pcodes, n_pairs)  # n_pairs: not valid
    pairs = np.flatnonzero(np.bincount(pair, minlength=n_pairs + 1)[:n_pairs])
    if len(pairs) == 0:
        return _no_headcounts()
    # Per group: the latest period on or before d, else the earliest after (a few dozen pairs).
    g_of, p_of = (pairs // n_p).tolist(), (pairs % n_p).tolist()
    ref = ref_u[pairs % n_p].astype(np.int64).tolist()
    d_ns = d.value
    chosen: dict[int, int] = {}  # group -> reference date (ns) of the period in force
    for g, r in zip(g_of, ref, strict=True):
        b = chosen.get(g)
        if b is None or (r <= d_ns and (b > d_ns or r > b)) or (r > d_ns < b and r < b):
            chosen[g] = r
    used = [(g, p) for g, p, r in zip(g_of, p_of, ref, strict=True) if chosen[g] == r]
    late = [f"{guniq[g]} (used {puniq[p]})" for g, p in used if chosen[g] > d_ns]
    if late:
        notes.append(
            "headcounts: no period on or before the effective date for " + ", ".join(late) + "."
        )
    periods = sorted({str(puniq[p]) for _, p in used})
    notes.append(f"headcounts in force at {d.date()}: period {', '.join(periods)}.")
    wanted = set(groups)
    lut = np.zeros(n_pairs + 1, bool)  # pair code -> kept (used period, wanted group)
    lut[[g * n_p + p for g, p in used if guniq[g] in wanted]] = True
    keep = lut[pair]
    keep &= h["country"].isin(list(countries)).to_numpy(bool)
    rows = np.flatnonzero(keep)
    fac, grp, cty = (_objects(h[c], rows) for c in ("faculty", "group", "country"))
    basis = (
        _objects(h["basis"], rows) if "basis" in h.columns else np.full(len(rows), pd.NA, object)
    )
    count = pd.to_numeric(pd.Series(h["headcount"].array[rows]), errors="coerce")
    headcount = count.to_numpy(np.float64, na_value=np.nan)
    if len(rows) == 0:
        return _no_headcounts()
    # One basis per faculty × group × country: never add nationality and prior-diploma counts
    # (destination first for exchange_out, nationality first otherwise).
    rank = np.select(
        [basis == "nationality", basis == "prior_diploma", basis == "destination"],
        [0.0, 1.0, 2.0],
        3.0,
    )
    rank = np.where((grp == "exchange_out") & (rank == 2.0), -1.0, rank)
    inv, first = _group_arrays([fac, grp, cty])
    best = np.full(len(first), np.inf)
    np.minimum.at(best, inv, rank)
    use = rank == best[inv]
    hc = np.where(use, headcount, 0.0)
    total = np.bincount(inv, weights=np.nan_to_num(hc, nan=0.0), minlength=len(first))
    unknown = np.bincount(inv, weights=np.isnan(hc), minlength=len(first))
    pick = np.full(len(first), len(rows))
    used_rows = np.flatnonzero(use)
    np.minimum.at(pick, inv[used_rows], used_rows)  # the first row of each group that is used
    return {
        "faculty": fac[first],
        "group": grp[first],
        "country": cty[first],
        "headcount": np.where(unknown > 0, np.nan, total),
        "basis_used": basis[pick],
    }


def _no_headcounts() -> dict[str, np.ndarray]:
    cols = ("faculty", "group", "country", "headcount", "basis_used")
    return {c: np.zeros(0, dtype=float if c == "headcount" else object) for c in cols}
