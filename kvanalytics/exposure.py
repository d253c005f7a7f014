"""Exposure tables and quarterly series: active agreements, money, people and risk per unit.

Semantics (DESIGN.md, "Semantics"):

- An agreement is **active at day d** when ``start <= d`` and (``end`` is NA or ``d <= end``) and
  it is not exported as ``ended`` with an ``end`` before d. Dates count by calendar day: a start
  or end with a time of day counts for that whole day. The exported status does not otherwise
  decide: ``suspended`` ties are active stock (the agreement still exists and a freeze decision
  must see it; :func:`exposure` reports them in ``agreements_suspended``), and a ``planned`` tie
  is active once its start date has passed (the export's status lags; before its start it is
  not active anyway). An ``ended`` tie without an end date stays open-ended, because nothing
  says when it ended; such rows are a data-quality issue for ``ingest``.
- **Agreements and ties** (DESIGN.md): a row is a tie; ``agreements_active`` (``active`` in a
  series) counts distinct ``agreement_id`` per unit, ``ties_active`` counts rows. Money and
  risk count each agreement once per unit. A table whose ids are all distinct (single-partner
  exports) has the two counts equal and costs one factorize more.
- **Stock** is counted at a date (``exposure``) or at each quarter end (``exposure_over_time``,
  column ``active``); **flows** count agreements whose start (``started``) or end (``ended``)
  falls within the quarter. An agreement ending on the last day of a quarter is in that
  quarter's stock *and* its ``ended`` flow.
- **People** are headcounts in force at the date, by the one rule of :mod:`kvanalytics.people`:
  per group, the latest period whose reference date (1 October of an academic year ``2021/22``,
  or the ISO date) is on or before it, each group counted on one basis (``basis=``, or by
  default nationality, then prior diploma; destination for outgoing exchange); the basis used
  per group is in ``result.attrs["people_basis"]``, the periods in force and every group
  without one in ``result.attrs["people_notes"]``. A group without a period on or before the
  date is NA (unknown), never a later year's count; a unit without rows in a period in force
  has 0 people.
- **Risk weighting** multiplies each active agreement by the weight of its country's tier in a
  risk profile (:data:`DEFAULT_RISK_WEIGHTS`). Several profiles (*lenses*) combine by the
  highest tier (:func:`kvanalytics.reference.combine_profiles`); ``risk_reasons`` says which
  lens gave which tier and why. A **dated** profile (Freedom House editions) gives each day its
  edition in force: :func:`exposure` the edition at ``at``, :func:`exposure_over_time` each
  quarter end its own (quarters are mapped to editions, the risk measures computed once per
  edition in the window; before the first edition no country has a tier).

Everything is computed with vectorised group codes, ``numpy.bincount`` and difference arrays
(one pass over the rows, whatever the number of quarters), so a sector's 10^6 agreements and
10^7 headcount rows take about a second.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from . import config
from .errors import KvError, SchemaError
from .normalise import country_table
from .people import code_dtype, factorize, in_force
from .reference import ProfilesArg, risk_tiers_at
from .schemas import (
    DATE,
    GROUPS,
    KIND_DTYPE,
    LEVEL_DTYPE,
    PEOPLE_SUMS,
    TEXT,
    check_headcounts,
    check_partnerships,
)

__all__ = [
    "DEFAULT_RISK_WEIGHTS",
    "KEYS",
    "PEOPLE_KEYS",
    "exposure",
    "exposure_over_time",
    "is_active",
]

#: Weight of an active agreement per risk tier (0 none, 1 watch, 2 high, 3 restricted). One
#: "high"-tier agreement is the unit, each tier doubles the one below, and tier 0 carries no
#: risk, so ``risk_weighted`` reads as "high-risk-equivalent agreements".
DEFAULT_RISK_WEIGHTS: Mapping[int, float] = MappingProxyType({0: 0.0, 1: 0.5, 2: 1.0, 3: 2.0})

#: Keys ``by`` may use. ``region`` is the UN region of ``country`` (``normalise.country_table``).
KEYS = ("country", "faculty", "partner_key", "kind", "level", "region")
#: Keys headcounts have: people columns appear only when ``by`` uses nothing else.
PEOPLE_KEYS = ("country", "faculty", "region")

_KEY_DTYPES: dict[str, Any] = {
    "country": TEXT,
    "faculty": TEXT,
    "partner_key": TEXT,
    "kind": KIND_DTYPE,
    "level": LEVEL_DTYPE,
    "region": TEXT,
}
_UNKNOWN_TIER = 4  # tier code of a country not in the risk profile
#: Measures that depend on the tiers (recomputed per profile edition in a series).
_RISK_MEASURES = ("rw", "rwv", "tier_unknown", "tier_known")
_ONE_DAY = np.timedelta64(1, "D")


# ------------------------------------------------------------------------------------------------
# Active at a date
# ------------------------------------------------------------------------------------------------


def is_active(partnerships: pd.DataFrame, at: Any = None) -> pd.Series:
    """Whether each agreement is active at day ``at`` (DESIGN.md, "active at a date").

    Active means ``start <= at`` and (``end`` is NA or ``at <= end``), and not exported as
    ``ended`` with an ``end`` before ``at``. ``suspended`` agreements are active (still in force,
    reported separately by :func:`exposure`); ``planned`` ones are active once their start has
    passed. A missing start, or an end before the start, is never active.

    Parameters
    ----------
    partnerships : DataFrame
        Canonical partnerships (``start``, optional ``end`` and ``status``).
    at : date-like, optional
        The day; its time of day is ignored. ``None`` means today.

    Returns
    -------
    Series of bool
        Named ``active``, on the index of ``partnerships``.

    Examples
    --------
    >>> p = pd.DataFrame({"start": pd.to_datetime(["2020-01-01", "2024-01-01"]),
    ...                   "end": pd.to_datetime(["2023-12-31", None])})
    >>> is_active(p, "2023-12-31").tolist()
    [True, False]
    """
    _require(partnerships, ("start",), "partnerships", "is_active")
    d = _as_day(at)
    start = _days(partnerships, "start")
    end = _days(partnerships, "end")
    ended = _status_is(partnerships, "ended")
    open_end = np.isnat(end)
    active = (start <= d) & (open_end | (d <= end)) & ~(ended & ~open_end & (end < d))
    return pd.Series(active, index=partnerships.index, name="active", dtype=bool)


# ------------------------------------------------------------------------------------------------
# Exposure at a date
# ------------------------------------------------------------------------------------------------


def exposure(
    partnerships: pd.DataFrame,
    headcounts: pd.DataFrame | None = None,
    *,
    by: Sequence[str] = ("country",),
    at: Any = None,
    risk_profile: ProfilesArg | None = None,
    weights: Mapping[int, float] | None = None,
    basis: str | None = None,
) -> pd.DataFrame:
    """Exposure per unit at a date: active agreements, money, risk and people in force.

    Agreements and people are outer-joined, so a country with students but no active agreement
    appears (with 0 agreements), and one with agreements but no headcount row has 0 people.

    Parameters
    ----------
    partnerships : DataFrame
        Canonical partnerships.
    headcounts : DataFrame, optional
        Canonical headcounts. People columns appear only when every key of ``by`` is one of
        :data:`PEOPLE_KEYS` (country, faculty, region): headcounts have no partner, kind or level.
    by : sequence of str
        Keys among :data:`KEYS`; ``region`` maps ``country`` to its UN region.
    at : date-like, optional
        The day counted; ``None`` means today.
    risk_profile : str, path, DataFrame, or a list/mapping of them, optional
        A profile (columns ``country`` and ``tier`` 0-3, or a bundled name or a CSV path), or
        several lenses combined by the highest tier. A dated profile gives its edition in force
        at ``at`` (:func:`kvanalytics.reference.risk_tiers`).
    weights : mapping, optional
        Tier -> weight, overriding :data:`DEFAULT_RISK_WEIGHTS` for the tiers given.
    basis : str, optional
        Counting basis of the headcounts (``nationality``, ``prior_diploma``, ``destination``)
        for every group. ``None``: the only basis present or, with several, per group
        nationality (then prior diploma), and destination for ``exchange_out``.

    Returns
    -------
    DataFrame
        One row per unit, sorted by ``agreements_active`` (descending) then the keys:

        - the ``by`` keys;
        - ``agreements_active`` (distinct ``agreement_id`` among the unit's active ties),
          ``ties_active`` (active rows: a Horizon project with three Russian partners is one
          agreement and three ties of RU), ``agreements_suspended`` (the active ones exported
          as suspended), ``share_of_total`` (``agreements_active`` over its sum over the units;
          NA when none is active);
        - ``value_eur`` (sum of known values of active agreements, each agreement's value once
          per unit: that of its first active tie), ``value_eur_unknown`` (active agreements
          whose value is NA);
        - ``risk_tier`` (only when ``country`` is a key; NA when not in the profile; with several
          lenses the highest) and ``risk_reasons`` (with ``risk_tier``: the profile's reason,
          or every lens's ``"<lens> (tier <t>): <reason>"`` joined by ``" | "``),
          ``risk_weighted`` (sum of tier weights of active agreements; an agreement with
          ties in two tiers of one unit carries both weights),
          ``risk_weighted_value_eur`` (sum of weight x value), ``risk_tier_unknown`` (active
          agreements whose country has no tier). Both sums skip unknown tiers and are NA only
          when every active agreement of the unit has an unknown tier; all four are NA without
          a profile;
        - with headcounts: one column per group of ``schemas.GROUPS`` (NA for a group without
          any period in force at ``at``), ``students`` and ``staff`` (sums of the known groups),
          ``people_unknown`` (headcount cells in force that are NA; the sums skip them).

    Examples
    --------
    >>> from kvanalytics.sample import make_partnerships
    >>> table = exposure(make_partnerships(200), at="2024-06-30")
    >>> int(table["agreements_active"].sum()) == int(is_active(make_partnerships(200),
    ...                                                       "2024-06-30").sum())
    True
    """
    keys, w, regions = _inputs(partnerships, headcounts, by, weights)
    d = _as_day(at)
    risk = _risk(risk_profile, np.array([d]))
    prep = _prepare(partnerships, keys, _tiers_of(risk, 0), regions, valid_only=False)
    m = _measures_at(prep, w, is_active(partnerships, d).to_numpy())
    keep = m["active"][:, 0] > 0
    people = _people(headcounts, keys, np.array([d]), basis, regions)
    out = _assemble(prep, m, keep, people, np.array([d]), labels=None, risk=risk)
    return _ranked(_with_share(out.drop(columns=["_t"])), keys)


def _inputs(
    partnerships: pd.DataFrame,
    headcounts: pd.DataFrame | None,
    by: Sequence[str] | str,
    weights: Mapping[int, float] | None,
) -> tuple[tuple[str, ...], np.ndarray, pd.Series | None]:
    """Checked keys, weights and regions of an exposure call (tables validated)."""
    keys = _check_by(by, partnerships)
    check_partnerships(partnerships, where="exposure")
    if headcounts is not None:
        check_headcounts(headcounts, where="exposure")
    w = _weights(weights)
    regions = _regions() if "region" in keys else None
    return keys, w, regions


def _measures_at(prep: _Prepared, w: np.ndarray, active: np.ndarray) -> dict[str, np.ndarray]:
    """Per unit measures of the active rows (arrays units x 1): agreements, their money and risk
    once per unit (the first active tie of each agreement in the unit), ties as rows."""
    nf = prep.n_fine
    rows = np.flatnonzero(active)
    lead = _first_of_pairs(prep.user_of_fine[prep.fine], prep, rows)
    lead_f = _first_of_pairs(prep.fine, prep, rows)

    def per_fine(r: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
        wt = None if weights is None else weights[r]
        return np.bincount(prep.fine[r], weights=wt, minlength=nf)[:, None].astype(np.float64)

    m = _measures(
        prep,
        w,
        count=per_fine(lead),
        value=per_fine(lead, prep.cents),
        value_unknown=per_fine(lead, prep.value_unknown),
        suspended=per_fine(lead, prep.suspended),
        risk_count=per_fine(lead_f),
        risk_value=per_fine(lead_f, prep.cents),
    )
    m["ties"] = _reduce_units(prep, per_fine(rows)).astype(np.int64)
    return m


def _with_share(out: pd.DataFrame) -> pd.DataFrame:
    """Insert ``share_of_total`` (of all active agreements) after ``agreements_suspended``."""
    total = out["agreements_active"].sum()
    share = out["agreements_active"].astype("Float64") / total if total > 0 else pd.NA
    out.insert(
        list(out.columns).index("agreements_suspended") + 1,
        "share_of_total",
        pd.Series(share, index=out.index, dtype="Float64"),
    )
    return out


def _ranked(out: pd.DataFrame, keys: tuple[str, ...]) -> pd.DataFrame:
    """Sorted by ``agreements_active`` (descending), then the keys."""
    order = out.sort_values(
        ["agreements_active", *keys],
        ascending=[False, *[True] * len(keys)],
        na_position="last",
        kind="stable",
    ).index
    return out.loc[order].reset_index(drop=True)


# ------------------------------------------------------------------------------------------------
# Quarterly series
# ------------------------------------------------------------------------------------------------


def exposure_over_time(
    partnerships: pd.DataFrame,
    headcounts: pd.DataFrame | None = None,
    *,
    freq: str = "Q",
    start: Any = None,
    end: Any = None,
    by: Sequence[str] = ("country",),
    academic_year: bool = False,
    risk_profile: ProfilesArg | None = None,
    weights: Mapping[int, float] | None = None,
    basis: str | None = None,
) -> pd.DataFrame:
    """Quarterly stock and flows of agreements per unit, with money, risk and people.

    Each agreement's start and end are mapped to quarter numbers once; stock per quarter end
    comes from a difference array (+1 in the start quarter, -1 after the last quarter end it is
    active at, cumulative sum per unit) and flows from counts per quarter, so the cost does
    not grow with rows x quarters. ``active`` equals ``is_active`` at each quarter end.

    Parameters
    ----------
    partnerships : DataFrame
        Canonical partnerships. Rows without a start or with an end before the start are
        ignored (never active, no flows).
    headcounts : DataFrame, optional
        Canonical headcounts; people in force at each quarter end (see :func:`exposure`).
    freq : {"Q"}
        Quarters (the only frequency so far).
    start, end : date-like, optional
        First and last quarter: those containing these dates. Defaults: the quarter of the
        earliest start, and the current quarter.
    by : sequence of str
        Keys among :data:`KEYS`.
    academic_year : bool
        Academic-year quarters (Q1 = September-November, ..., Q4 = June-August), labelled
        ``"2024/25 Q1"``, instead of calendar quarters ``"2024Q3"``.
    risk_profile
        As in :func:`exposure`; a dated profile gives each quarter the edition in force at its
        last day (``risk_tier``, ``risk_reasons`` and the risk sums change with the edition).
    weights, basis
        As in :func:`exposure`.

    Returns
    -------
    DataFrame
        One row per quarter x unit (every unit with any activity or people in the window, in
        every quarter), sorted by quarter then keys: ``quarter`` (label), ``quarter_end`` (its
        last day), the keys, ``active`` (stock of agreements at quarter end: distinct ids with
        a tie of the unit active), ``ties_active`` (stock of ties: rows), ``started`` and
        ``ended`` (flows of agreements: the quarter of an agreement's first start in the unit,
        and of its last end when every tie has one), ``value_eur`` and ``value_eur_unknown`` (of the active ones), ``risk_tier``
        (when ``country`` is a key), ``risk_weighted``, ``risk_weighted_value_eur``,
        ``risk_tier_unknown`` and, with headcounts, the people columns of :func:`exposure`.

    Examples
    --------
    >>> from kvanalytics.sample import make_partnerships
    >>> s = exposure_over_time(make_partnerships(200), start="2023-01-01", end="2023-12-31",
    ...                        by=("faculty",))
    >>> sorted(s["quarter"].unique())
    ['2023Q1', '2023Q2', '2023Q3', '2023Q4']
    """
    if str(freq).upper() not in ("Q", "QE", "Q-DEC", "QE-DEC"):
        raise ValueError(f"freq must be 'Q' (quarters); got {freq!r}.")
    keys, w, regions = _inputs(partnerships, headcounts, by, weights)
    base = _prepare(partnerships, keys, None, regions, valid_only=True)
    window = _window(base, start, end, academic_year)
    risk = _risk(risk_profile, window.q_end)
    codes = None if risk is None else _country_codes(base.country)
    prep = base if risk is None else _retier(base, _tiers_of(risk, 0), codes)
    m = _measures_over(prep, w, window)
    for e in range(1, 0 if risk is None else len(risk.tiers)):
        # another edition in the window: its risk measures, for its quarters only
        m_e = _measures_over(_retier(base, _tiers_of(risk, e), codes), w, window, risk_only=True)
        cols = risk.of_time == e  # type: ignore[union-attr]
        for k in _RISK_MEASURES:
            m[k][:, cols] = m_e[k][:, cols]
    keep = np.asarray(
        (m["active"] > 0).any(axis=1)
        | (m["started"] > 0).any(axis=1)
        | (m["ended"] > 0).any(axis=1),
        dtype=bool,
    )
    people = _people(headcounts, keys, window.q_end, basis, regions)
    out = _assemble(prep, m, keep, people, window.q_end, labels=window.labels, risk=risk)
    return out.drop(columns=["_t"])


@dataclass(frozen=True)
class _Window:
    off: int  # months the quarters are shifted by (academic-year quarters)
    q0: int  # first and last quarter numbers (see _quarter)
    q1: int
    labels: np.ndarray  # quarter labels
    q_end: np.ndarray  # last day of each quarter, datetime64[D]

    @property
    def n(self) -> int:
        return self.q1 - self.q0 + 1


def _window(prep: _Prepared, start: Any, end: Any, academic_year: bool) -> _Window:
    """The quarters of the series: from the quarter of ``start`` (default: the earliest start)
    to the quarter of ``end`` (default: today)."""
    off = (config.ACADEMIC_YEAR_START_MONTH - 1) % 3 if academic_year else 0
    first = prep.start.min() if len(prep.start) else _as_day(None)
    q0 = int(_quarter(np.array([_as_day(start) if start is not None else first]), off)[0])
    q1 = int(_quarter(np.array([_as_day(end)]), off)[0])
    if q1 < q0:
        raise ValueError(f"end ({end}) is before start ({start}); give start <= end.")
    labels, q_end = _quarter_labels(np.arange(q0, q1 + 1), off, academic_year)
    return _Window(off, q0, q1, labels, q_end)


def _measures_over(
    prep: _Prepared, w: np.ndarray, win: _Window, *, risk_only: bool = False
) -> dict[str, np.ndarray]:
    """Per unit x quarter measures: stock at quarter ends from difference arrays, and flows.

    Agreements count once per unit: the quarters in which any of their ties in the unit is
    active (merged intervals, :func:`_segments`); ``ties`` counts rows. Flows count agreements:
    ``started`` in the quarter of their first start in the unit, ``ended`` in that of their last
    end (when every tie has one). ``risk_only``: only the measures of :data:`_RISK_MEASURES`
    (another profile edition's; the others do not depend on tiers).
    """
    nf, nq, q0, q1, off = prep.n_fine, win.n, win.q0, win.q1, win.off
    qs = _quarter(prep.start, off)
    open_end = np.isnat(prep.end)
    # Active at quarter end Q  <=>  Q(start) <= Q  and  end >= last day of Q  <=>  Q < Q(end + 1d).
    qe = np.where(
        open_end, q1, _quarter(np.where(open_end, prep.start, prep.end + _ONE_DAY), off) - 1
    )
    lo = np.maximum(qs, q0) - q0
    hi = np.minimum(qe, q1) - q0
    rows = np.flatnonzero(lo <= hi)
    width = nq + 1

    def stock(seg: tuple[np.ndarray, np.ndarray, np.ndarray], weights_: Any = None) -> np.ndarray:
        r, a, b = seg
        f = prep.fine[r]
        wl = None if weights_ is None else weights_[r]
        diff = np.bincount(f * width + a, weights=wl, minlength=nf * width) - np.bincount(
            f * width + b + 1, weights=wl, minlength=nf * width
        )
        return np.cumsum(diff.reshape(nf, width), axis=1)[:, :nq]

    user = prep.user_of_fine[prep.fine]
    if risk_only:
        seg_f = _segments(prep.fine, prep, rows, lo, hi, width)
        return _risk_measures(prep, w, stock(seg_f), stock(seg_f, prep.cents))
    seg_u = _segments(user, prep, rows, lo, hi, width)
    seg_f = _segments(prep.fine, prep, rows, lo, hi, width) if prep.agreement is not None else seg_u
    m = _measures(
        prep,
        w,
        count=stock(seg_u),
        value=stock(seg_u, prep.cents),
        value_unknown=stock(seg_u, prep.value_unknown.astype(np.float64)),
        suspended=None,
        risk_count=stock(seg_f),
        risk_value=stock(seg_f, prep.cents),
    )
    m["ties"] = np.rint(_reduce_units(prep, stock((rows, lo[rows], hi[rows])))).astype(np.int64)
    q_ended = _quarter(np.where(open_end, prep.start, prep.end), off)
    first_q, last_q, closed, lead = _spans(user, prep, qs, q_ended, open_end)

    def flow(q: np.ndarray, mask: np.ndarray) -> np.ndarray:
        inside = mask & (q >= q0) & (q <= q1)
        idx = user[lead[inside]] * nq + (q[inside] - q0)
        return np.bincount(idx, minlength=prep.n_users * nq).reshape(prep.n_users, nq)

    m["started"] = flow(first_q, np.ones(len(lead), bool))
    m["ended"] = flow(last_q, closed)
    return m


def _segments(
    group: np.ndarray,
    prep: _Prepared,
    rows: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    width: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Quarter intervals ``[lo, hi]`` of ``rows`` merged per (group, agreement): (lead row, lo,
    hi) per merged interval, so an agreement with several ties in a unit is counted once per
    quarter. Vectorised: a running maximum of ``hi`` per pair from one cumulative maximum over
    keys offset by the pair's rank."""
    if prep.agreement is None or not len(rows):
        return rows, lo[rows], hi[rows]
    pair = group[rows].astype(np.int64) * prep.n_agreements + prep.agreement[rows]
    order = np.lexsort((lo[rows], pair))
    r, p = rows[order], pair[order]
    a, b = lo[r], hi[r]
    new_pair = np.r_[True, p[1:] != p[:-1]]
    rank = np.cumsum(new_pair) - 1
    run = np.maximum.accumulate(rank * (width + 1) + b)
    prev_hi = np.r_[-1, run[:-1]] - rank * (width + 1)  # latest end so far within the pair
    new_seg = new_pair | (a > prev_hi)
    starts = np.flatnonzero(new_seg)
    lead_of_pair = r[np.flatnonzero(new_pair)]
    return lead_of_pair[rank[starts]], a[starts], np.maximum.reduceat(b, starts)


def _spans(
    group: np.ndarray, prep: _Prepared, qs: np.ndarray, q_end: np.ndarray, open_end: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per (unit, agreement): quarter of the first start, of the last end, whether every tie has
    an end, and a lead row (per row when every row is its own agreement)."""
    n = len(qs)
    if prep.agreement is None or not n:
        return qs, q_end, ~open_end, np.arange(n)
    pair = group.astype(np.int64) * prep.n_agreements + prep.agreement
    order = np.argsort(pair, kind="stable")
    p = pair[order]
    starts = np.flatnonzero(np.r_[True, p[1:] != p[:-1]])
    return (
        np.minimum.reduceat(qs[order], starts),
        np.maximum.reduceat(q_end[order], starts),
        ~np.logical_or.reduceat(open_end[order], starts),
        order[starts],
    )


# ------------------------------------------------------------------------------------------------
# Inputs: checks, dates, keys, risk
# ------------------------------------------------------------------------------------------------


def _require(df: Any, columns: Sequence[str], name: str, where: str) -> None:
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"{where} takes the {name} table as a pandas DataFrame, got {type(df)}.")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise SchemaError(
            f"{where}: {name} has no column(s) {missing}; it has {list(df.columns)}. "
            f"Build the table with kvanalytics.read_{name}() (see kvanalytics.schemas)."
        )


def _check_by(by: Sequence[str] | str, partnerships: pd.DataFrame) -> tuple[str, ...]:
    keys = (by,) if isinstance(by, str) else tuple(by)
    bad = [k for k in keys if k not in KEYS]
    if not keys or bad or len(set(keys)) != len(keys):
        raise ValueError(
            f"by must name one or more distinct keys among {list(KEYS)}; got {list(keys)}."
        )
    need = ["start", *[k if k != "region" else "country" for k in keys]]
    _require(partnerships, need, "partnerships", "exposure")
    return keys


def _as_day(at: Any) -> np.datetime64:
    if at is None:
        ts = pd.Timestamp.today()
    elif isinstance(at, pd.Period):
        ts = at.end_time
    else:
        ts = pd.Timestamp(at)
    if ts is pd.NaT or pd.isna(ts):
        raise ValueError(f"Not a date: {at!r}.")
    if ts.tzinfo is not None:
        ts = ts.tz_localize(None)
    return ts.normalize().to_datetime64().astype("datetime64[D]")


def _days(df: pd.DataFrame, column: str) -> np.ndarray:
    """A date column as ``datetime64[D]`` (floored to the day); all NaT when absent."""
    if column not in df.columns:
        return np.full(len(df), np.datetime64("NaT"), "datetime64[D]")
    s = df[column]
    if not pd.api.types.is_datetime64_any_dtype(s.dtype):
        raise SchemaError(
            f"partnerships: column {column!r} must be a date (datetime64), got {s.dtype}. "
            "Build the table with kvanalytics.read_partnerships() or pd.to_datetime() it."
        )
    if getattr(s.dt, "tz", None) is not None:
        s = s.dt.tz_localize(None)
    return s.to_numpy("datetime64[us]").astype("datetime64[D]")


def _status_is(df: pd.DataFrame, status: str) -> np.ndarray:
    if "status" not in df.columns:
        return np.zeros(len(df), bool)
    return np.asarray((df["status"] == status).fillna(False), dtype=bool)


def _quarter(days: np.ndarray, off: int) -> np.ndarray:
    """Quarter number of each day: months since 1970-01, shifted by ``off``, floor-divided by 3."""
    months = days.astype("datetime64[M]").astype(np.int64)
    return np.floor_divide(months - off, 3)


def _quarter_labels(q: np.ndarray, off: int, academic: bool) -> tuple[np.ndarray, np.ndarray]:
    first = q * 3 + off  # first month of each quarter, in months since 1970-01
    year, month = 1970 + first // 12, first % 12 + 1
    q_end = (first + 3).astype("datetime64[M]").astype("datetime64[D]") - _ONE_DAY
    if academic:
        start_month = config.ACADEMIC_YEAR_START_MONTH
        ay = np.where(month >= start_month, year, year - 1)
        n = (month - start_month) % 12 // 3 + 1
        labels = [f"{a}/{(a + 1) % 100:02d} Q{k}" for a, k in zip(ay, n, strict=True)]
    else:
        labels = [f"{y}Q{(mo - 1) // 3 + 1}" for y, mo in zip(year, month, strict=True)]
    return np.array(labels, dtype=object), q_end


@dataclass(frozen=True)
class _Risk:
    """The tier tables in force over the days counted (by :func:`reference.risk_tiers_at`)."""

    tiers: list[pd.Series]  # per edition: country -> tier (Int64)
    reasons: list[pd.Series]  # per edition: country -> reason text
    of_time: np.ndarray  # per day counted: its edition
    notes: list[str]  # per edition: what is in force (dated profiles)


def _risk(risk_profile: ProfilesArg | None, days: np.ndarray) -> _Risk | None:
    """Country -> tier and reason of each edition in force on ``days``; None without a profile.

    One profile or several lenses, dated or not, all by :func:`kvanalytics.reference.risk_tiers`
    (the one rule): each distinct table once, and which one each day uses."""
    if risk_profile is None:
        return None
    tables, of_time = risk_tiers_at(risk_profile, days)
    tiers, reasons, notes = [], [], []
    for e, t in enumerate(tables):
        idx = pd.Index(t["country"], dtype=TEXT)
        tiers.append(pd.Series(t["tier"].to_numpy(), index=idx, name="tier"))
        reasons.append(pd.Series(t["reason"].astype(TEXT).to_numpy(), index=idx, name="reason"))
        notes.append(_edition_note(t.attrs.get("profile", {}), days[of_time == e]))
    return _Risk(tiers, reasons, of_time, notes)


def _edition_note(meta: Mapping[str, Any], days: np.ndarray) -> str:
    """``"2019-03-31 to 2019-12-31: freedom-house edition of 2019-02-04"`` for the dated lenses
    of one tier table ("" when no lens is dated)."""
    parts = []
    for m in meta.get("lenses", [meta]):
        if "edition" not in m:
            continue
        ed = m["edition"]
        what = f"edition of {ed.date()}" if ed is not None else "no edition in force (untiered)"
        parts.append(f"{m.get('name', 'risk profile')} {what}")
    if not parts or not len(days):
        return ""
    first, last = str(days.min())[:10], str(days.max())[:10]
    span = first if first == last else f"{first} to {last}"
    return f"{span}: {'; '.join(parts)}"


def _tiers_of(risk: _Risk | None, e: int) -> pd.Series | None:
    return None if risk is None else risk.tiers[e]


def _weights(weights: Mapping[int, float] | None) -> np.ndarray:
    """Weight per tier code 0..3, and 0 for the unknown tier code (its sums skip it)."""
    merged = dict(DEFAULT_RISK_WEIGHTS)
    for k, v in (weights or {}).items():
        if k not in merged:
            raise ValueError(f"weights: tier {k!r} is not one of 0, 1, 2, 3.")
        if not np.isfinite(float(v)) or float(v) < 0:
            raise ValueError(f"weights: the weight of tier {k} must be a number >= 0, got {v!r}.")
        merged[int(k)] = float(v)
    return np.array([merged[0], merged[1], merged[2], merged[3], 0.0])


def _regions() -> pd.Series:
    """ISO2 -> UN region, from ``normalise.country_table``."""
    table = country_table()
    if not {"iso2", "region"} <= set(table.columns):
        raise KvError("country_table() must have columns iso2 and region for by='region'.")
    return pd.Series(
        table["region"].astype(TEXT).to_numpy(), index=table["iso2"].astype(TEXT).to_numpy()
    )


# ------------------------------------------------------------------------------------------------
# Group codes
# ------------------------------------------------------------------------------------------------


def _codes_table(
    frame: pd.DataFrame, keys: Sequence[str], regions: pd.Series | None
) -> tuple[np.ndarray, pd.DataFrame]:
    """Group id per row and one row of labels per group (keys in canonical dtypes)."""
    n = len(frame)
    per_key: list[tuple[np.ndarray, pd.Series]] = []
    for key in keys:
        if key == "region":
            assert regions is not None
            ccodes, clabels = factorize(frame["country"])
            reg = pd.Series(clabels.map(regions).to_numpy(), dtype=TEXT)
            rcodes, rlabels = factorize(reg)
            per_key.append((rcodes[ccodes], rlabels))
        else:
            per_key.append(factorize(frame[key]))
    ids, table = _group_rows(per_key, n)
    labels = pd.DataFrame(
        {
            k: lab.take(table[:, i]).reset_index(drop=True)
            for i, (k, (_, lab)) in enumerate(zip(keys, per_key, strict=True))
        }
    )
    for k in keys:
        typed = labels[k].astype(_KEY_DTYPES[k])
        lost = typed.isna() & labels[k].notna()
        if lost.any():
            raise SchemaError(
                f"{k}: value(s) {labels.loc[lost, k].head(3).tolist()} are not among "
                f"{list(_KEY_DTYPES[k].categories)}; build the table with kvanalytics.ingest."
            )
        labels[k] = typed
    return ids, labels


def _group_rows(
    per_key: Sequence[tuple[np.ndarray, pd.Series]], n: int
) -> tuple[np.ndarray, np.ndarray]:
    """Group ids of rows and, per group, the code of each key (n_groups x n_keys)."""
    if not per_key:
        return np.zeros(n, np.int64), np.zeros((1 if n else 0, 0), np.int64)
    sizes = [len(lab) for _, lab in per_key]
    total = float(np.prod([float(k) for k in sizes]))
    if total < 2**62:
        combined = per_key[0][0].astype(np.int64, copy=True)
        for (codes, _), k in zip(per_key[1:], sizes[1:], strict=True):
            combined *= k
            combined += codes
        if total <= max(4 * n, 1 << 22):
            present = np.bincount(combined, minlength=int(total)) > 0
            uniq = np.flatnonzero(present)
            ids = (np.cumsum(present) - 1).astype(code_dtype(len(uniq)))[combined]
        else:
            uniq, ids = np.unique(combined, return_inverse=True)
        del combined
        table = np.empty((len(uniq), len(sizes)), np.int64)
        rest = uniq.copy()
        for i in range(len(sizes) - 1, -1, -1):
            table[:, i] = rest % sizes[i]
            rest //= sizes[i]
        return ids, table
    # Astronomically many key combinations: unique rows (slower, never hit in practice).
    stacked = np.column_stack([c for c, _ in per_key])
    table, ids = np.unique(stacked, axis=0, return_inverse=True)
    return ids.reshape(-1).astype(np.int64), table


# ------------------------------------------------------------------------------------------------
# Agreements: prepared arrays, measures per unit
# ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Prepared:
    keys: tuple[str, ...]
    labels: pd.DataFrame  # one row per unit (user group), keys in canonical dtypes
    fine: np.ndarray  # per row: fine group (unit x tier when a profile is given)
    n_fine: int
    user_of_fine: np.ndarray  # unit of each fine group (non-decreasing)
    tier_of_fine: np.ndarray  # tier code 0..3, 4 unknown, of each fine group
    n_users: int
    start: np.ndarray  # datetime64[D]
    end: np.ndarray  # datetime64[D], NaT open-ended
    cents: np.ndarray  # float64 whole cents (exact sums below 2**53), 0 when unknown
    value_unknown: np.ndarray  # bool
    suspended: np.ndarray  # bool
    #: per row: agreement code (rows sharing an agreement_id share it); None when every row is
    #: its own agreement (ids unique or absent), so ties and agreements are the same rows
    agreement: np.ndarray | None = None
    n_agreements: int = 0
    country: pd.Series | None = None  # per row (the rows kept): partner country, for _retier


def _prepare(
    partnerships: pd.DataFrame,
    keys: tuple[str, ...],
    tiers: pd.Series | None,
    regions: pd.Series | None,
    *,
    valid_only: bool,
) -> _Prepared:
    p = partnerships
    start = _days(p, "start")
    end = _days(p, "end")
    if valid_only:
        valid = ~np.isnat(start) & (np.isnat(end) | (end >= start))
        if not valid.all():
            p = p.loc[valid]
            start, end = start[valid], end[valid]
    n = len(p)
    ids, labels = _codes_table(p, keys, regions)
    n_users = len(labels)
    codes = None if tiers is None else _country_codes(p.get("country"))
    fine, user_of_fine, tier_of_fine = _fine_groups(ids, n_users, codes, tiers)
    if "value_eur" in p.columns:
        v = pd.to_numeric(p["value_eur"], errors="coerce").to_numpy(np.float64, na_value=np.nan)
    else:
        v = np.full(n, np.nan)
    unknown = np.isnan(v)
    cents = np.where(unknown, 0.0, np.round(v * 100.0))
    agreement, n_agreements = _agreement_codes(p)
    return _Prepared(
        keys=keys,
        labels=labels,
        fine=fine.astype(np.int64),
        n_fine=len(user_of_fine),
        user_of_fine=user_of_fine,
        tier_of_fine=tier_of_fine,
        n_users=n_users,
        start=start,
        end=end,
        cents=cents,
        value_unknown=unknown,
        suspended=_status_is(p, "suspended"),
        agreement=agreement,
        n_agreements=n_agreements,
        country=p["country"],
    )


def _country_codes(country: pd.Series | None) -> tuple[np.ndarray, pd.Series]:
    """Country code per row and the labels (factorized once, mapped to each edition's tiers)."""
    if country is None:
        raise SchemaError(
            "exposure: a risk profile needs the partnerships' country column; build the table "
            "with kvanalytics.read_partnerships()."
        )
    return factorize(country)


def _fine_groups(
    ids: np.ndarray,
    n_users: int,
    codes: tuple[np.ndarray, pd.Series] | None,
    tiers: pd.Series | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Fine group of each row (unit x tier with a profile, else the unit), and the unit and
    tier code of each fine group (sorted by unit)."""
    n = len(ids)
    if tiers is None or codes is None:
        return ids, np.arange(n_users), np.full(n_users, _UNKNOWN_TIER)
    ccodes, clabels = codes
    tier_of_label = clabels.map(tiers).astype("Float64").fillna(_UNKNOWN_TIER)
    tier = tier_of_label.to_numpy(np.int64)[ccodes] if n else np.zeros(0, np.int64)
    fine, table = _group_rows([(ids, pd.Series(range(n_users))), (tier, pd.Series(range(5)))], n)
    return fine, table[:, 0], table[:, 1]


def _retier(
    prep: _Prepared, tiers: pd.Series | None, codes: tuple[np.ndarray, pd.Series] | None
) -> _Prepared:
    """The prepared rows regrouped by the tiers of another profile edition."""
    ids = prep.user_of_fine[prep.fine]
    fine, user_of_fine, tier_of_fine = _fine_groups(ids, prep.n_users, codes, tiers)
    return replace(
        prep,
        fine=fine.astype(np.int64),
        n_fine=len(user_of_fine),
        user_of_fine=user_of_fine,
        tier_of_fine=tier_of_fine,
    )


def _agreement_codes(p: pd.DataFrame) -> tuple[np.ndarray | None, int]:
    """Agreement code per row (a row without an id is an agreement of its own); None when every
    row is its own agreement (DESIGN.md: agreements are distinct ids, ties are rows)."""
    if "agreement_id" not in p.columns or len(p) == 0:
        return None, len(p)
    codes, uniq = pd.factorize(p["agreement_id"], use_na_sentinel=True)
    if len(uniq) == len(p):
        return None, len(p)
    missing = codes < 0
    if missing.any():
        codes = codes.copy()
        codes[missing] = len(uniq) + np.arange(int(missing.sum()))
    return codes.astype(np.int64), len(uniq) + int(missing.sum())


def _first_of_pairs(group: np.ndarray, prep: _Prepared, rows: np.ndarray) -> np.ndarray:
    """Of ``rows``, the first row of each (group, agreement) pair: one row per agreement and
    unit (``group`` = unit of each row) or per agreement and fine group."""
    if prep.agreement is None or not len(rows):
        return rows
    pair = group[rows].astype(np.int64) * prep.n_agreements + prep.agreement[rows]
    _, first = np.unique(pair, return_index=True)
    return rows[np.sort(first)]


def _measures(
    prep: _Prepared,
    w: np.ndarray,
    *,
    count: np.ndarray,
    value: np.ndarray,
    value_unknown: np.ndarray,
    suspended: np.ndarray | None,
    risk_count: np.ndarray | None = None,
    risk_value: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """Per unit x time measures from per fine-group x time stocks (arrays n_fine x T).

    ``count``, ``value``: agreements once per unit; ``risk_count``, ``risk_value``: once per
    unit and tier (an agreement with ties in two tiers of one unit carries both weights);
    by default the same.
    """
    if prep.n_fine == 0:
        t = count.shape[1]
        names = ("active", "value", "value_unknown", "rw", "rwv", "tier_unknown", "tier_known")
        return {k: np.zeros((0, t)) for k in (*names, "suspended")}
    rc = count if risk_count is None else risk_count
    rv = value if risk_value is None else risk_value

    def reduce(a: np.ndarray) -> np.ndarray:
        return _reduce_units(prep, a)

    out = {
        "active": np.rint(reduce(count)).astype(np.int64),
        "value": reduce(value),
        "value_unknown": np.rint(reduce(value_unknown)).astype(np.int64),
        **_risk_measures(prep, w, rc, rv),
    }
    if suspended is not None:
        out["suspended"] = np.rint(reduce(suspended)).astype(np.int64)
    return out


def _risk_measures(
    prep: _Prepared, w: np.ndarray, rc: np.ndarray, rv: np.ndarray
) -> dict[str, np.ndarray]:
    """The measures of :data:`_RISK_MEASURES` from per fine group stocks of agreements (``rc``,
    once per unit and tier) and their cents (``rv``)."""
    if prep.n_fine == 0:
        return {k: np.zeros((0, rc.shape[1])) for k in _RISK_MEASURES}
    wt = w[prep.tier_of_fine][:, None]
    unknown_tier = (prep.tier_of_fine == _UNKNOWN_TIER)[:, None]
    return {
        "rw": _reduce_units(prep, rc * wt),
        "rwv": _reduce_units(prep, rv * wt),
        "tier_unknown": np.rint(_reduce_units(prep, rc * unknown_tier)).astype(np.int64),
        "tier_known": np.rint(_reduce_units(prep, rc * ~unknown_tier)).astype(np.int64),
    }


def _reduce_units(prep: _Prepared, a: np.ndarray) -> np.ndarray:
    """Sum per fine group (unit x tier) rows to per unit rows (fine groups are sorted by unit)."""
    if prep.n_fine == 0:
        return np.zeros((0, a.shape[1]))
    starts = np.flatnonzero(np.r_[True, prep.user_of_fine[1:] != prep.user_of_fine[:-1]])
    return np.add.reduceat(a, starts, axis=0)


# ------------------------------------------------------------------------------------------------
# People in force
# ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _People:
    labels: pd.DataFrame  # one row per unit with people
    counts: np.ndarray  # T x units x groups, float (NaN where the group has no period in force)
    unknown: np.ndarray  # T x units: NA headcount cells in force
    present: np.ndarray  # T x units: any headcount row in force
    available: np.ndarray  # T x groups: the group has a period in force
    basis: dict[str, str]  # group -> counting basis used
    notes: tuple[str, ...]  # periods in force; groups without one (people.in_force)


def _people(
    headcounts: pd.DataFrame | None,
    keys: tuple[str, ...],
    days: np.ndarray,
    basis: str | None,
    regions: pd.Series | None,
) -> _People | None:
    """People per day x unit x group, by the rule of :mod:`kvanalytics.people`."""
    if headcounts is None or any(k not in PEOPLE_KEYS for k in keys):
        return None
    need = ("period", "group", "headcount", *[k if k != "region" else "country" for k in keys])
    _require(headcounts, need, "headcounts", "exposure")
    h = headcounts
    f = in_force(h, days, basis=basis)
    ucodes, labels = _codes_table(h, keys, regions)
    n_units, n_refs, n_groups = len(labels), max(len(f.references), 1), len(GROUPS)
    size = n_groups * n_refs * n_units
    # One int64 code per row: (group, reference day, unit); rows of another basis go to an
    # overflow bin that is dropped. Built in place to keep 10^7-row temporaries few.
    flat = f.row_group.astype(np.int64)
    flat *= n_refs
    flat += f.row_reference
    flat *= n_units
    flat += ucodes
    del ucodes
    if f.row_counted is not None:
        flat[~f.row_counted] = size
    col = h["headcount"]
    if not pd.api.types.is_numeric_dtype(col.dtype):
        col = pd.to_numeric(col, errors="coerce")
    hc = col.to_numpy(np.float64, na_value=np.nan)
    na = np.isnan(hc)
    hc[na] = 0.0
    shape = (n_groups, n_refs, n_units)
    total = np.bincount(flat, weights=hc, minlength=size + 1)[:size].reshape(shape)
    del hc
    n_na = np.bincount(flat[na], minlength=size + 1)[:size].reshape(shape)
    rows = np.bincount(flat, minlength=size + 1)[:size].reshape(shape)
    del flat
    t = len(days)
    available = f.available  # t x groups
    gi = np.broadcast_to(np.arange(n_groups), (t, n_groups))
    ri = np.maximum(f.period_of, 0)
    counts = total[gi, ri, :]  # t x groups x units
    counts = np.where(available[:, :, None], counts, np.nan).transpose(0, 2, 1)
    unknown = np.where(available[:, :, None], n_na[gi, ri, :], 0).sum(axis=1)
    present = (np.where(available[:, :, None], rows[gi, ri, :], 0).sum(axis=1)) > 0
    return _People(
        labels,
        counts,
        np.rint(unknown).astype(np.int64),
        present,
        available,
        dict(f.basis),
        f.notes,
    )


# ------------------------------------------------------------------------------------------------
# Assembly
# ------------------------------------------------------------------------------------------------


def _assemble(
    prep: _Prepared,
    m: dict[str, np.ndarray],
    keep: np.ndarray,
    people: _People | None,
    days: np.ndarray,
    *,
    labels: np.ndarray | None,
    risk: _Risk | None,
) -> pd.DataFrame:
    """Union the units of agreements and people, and lay the measures out long (time x unit)."""
    keys = list(prep.keys)
    t = len(days)
    a_rows = np.flatnonzero(keep)
    units, p_rows = _units(prep, a_rows, people)
    u = len(units)
    a_of = units["_a"].to_numpy(np.float64, na_value=np.nan)
    has_a = ~np.isnan(a_of)
    src = a_rows[a_of[has_a].astype(np.int64)]

    def lay(name: str, dtype: Any = np.int64, fill: float = 0) -> np.ndarray:
        """unit x time array of agreement measure ``name`` (``fill`` for units without)."""
        arr = np.full((u, t), fill, dtype=dtype)
        arr[has_a] = m[name][src]
        return arr

    long: dict[str, Any] = {"_t": np.repeat(np.arange(t), u)}
    if labels is not None:
        long["quarter"] = pd.array(np.repeat(labels, u), dtype=TEXT)
        long["quarter_end"] = np.repeat(days, u).astype(DATE)
    tiled = np.tile(np.arange(u), t)
    for k in keys:
        long[k] = units[k].astype(_KEY_DTYPES[k]).array.take(tiled)
    long.update(_agreement_columns(lay, quarterly=labels is not None))
    long.update(_risk_columns(lay, units, t, risk, keys))
    if people is not None:
        long.update(_people_columns(people, units, p_rows, t))
    out = pd.DataFrame(long)
    if people is not None:
        out.attrs["people_basis"] = dict(people.basis)
        out.attrs["people_notes"] = list(people.notes)
    if risk is not None:
        out.attrs["risk_notes"] = [n for n in dict.fromkeys(risk.notes) if n]
    return out


def _flat(a: np.ndarray) -> np.ndarray:
    """unit x time -> long, time-major: all units of the first time, then the next..."""
    return a.T.reshape(-1)


def _units(
    prep: _Prepared, a_rows: np.ndarray, people: _People | None
) -> tuple[pd.DataFrame, np.ndarray]:
    """Every unit with agreements or people, sorted by the keys: columns ``keys``, ``_a`` (row
    among the units with agreements, NaN) and ``_p`` (row among those with people, NaN); and
    the people units' positions in ``people.labels``."""
    keys = list(prep.keys)
    a_labels = prep.labels.iloc[a_rows].reset_index(drop=True)
    p_rows = np.zeros(0, np.int64)
    if people is not None:
        p_rows = np.flatnonzero(np.asarray(people.present).any(axis=0))
        p_labels = people.labels.iloc[p_rows].reset_index(drop=True)
        units = a_labels.assign(_a=np.arange(len(a_labels))).merge(
            p_labels.assign(_p=np.arange(len(p_labels))), on=keys, how="outer"
        )
    else:
        units = a_labels.assign(_a=np.arange(len(a_labels)), _p=np.nan)
    units = units.sort_values(keys, na_position="last", kind="stable").reset_index(drop=True)
    return units, p_rows


def _agreement_columns(lay: Any, *, quarterly: bool) -> dict[str, Any]:
    """Counts (stock; flows in a series) and money of the active agreements."""
    cols: dict[str, Any] = {}
    if not quarterly:
        cols["agreements_active"] = pd.array(_flat(lay("active")), dtype="Int64")
        cols["ties_active"] = pd.array(_flat(lay("ties")), dtype="Int64")
        cols["agreements_suspended"] = pd.array(_flat(lay("suspended")), dtype="Int64")
    else:
        cols["active"] = pd.array(_flat(lay("active")), dtype="Int64")
        cols["ties_active"] = pd.array(_flat(lay("ties")), dtype="Int64")
        cols["started"] = pd.array(_flat(lay("started")), dtype="Int64")
        cols["ended"] = pd.array(_flat(lay("ended")), dtype="Int64")
    cols["value_eur"] = pd.array(_flat(lay("value", np.float64)) / 100.0, dtype="Float64")
    cols["value_eur_unknown"] = pd.array(_flat(lay("value_unknown")), dtype="Int64")
    return cols


def _risk_columns(
    lay: Any, units: pd.DataFrame, t: int, risk: _Risk | None, keys: Sequence[str]
) -> dict[str, Any]:
    """``risk_tier`` and ``risk_reasons`` (with a country key; each time its edition's) and
    the risk-weighted sums."""
    cols: dict[str, Any] = {}
    if "country" in keys:
        u = len(units)
        if risk is None:
            cols["risk_tier"] = pd.array([pd.NA] * (u * t), dtype="Int64")
            cols["risk_reasons"] = pd.array([pd.NA] * (u * t), dtype=TEXT)
        else:
            country = units["country"]
            tier = np.stack(
                [
                    country.map(x).astype("Float64").to_numpy(np.float64, na_value=np.nan)
                    for x in risk.tiers
                ]
            ).reshape(len(risk.tiers), u)
            why = np.stack(
                [country.map(x).astype(object).to_numpy() for x in risk.reasons]
            ).reshape(len(risk.reasons), u)
            cols["risk_tier"] = _int_na(tier[risk.of_time].reshape(-1))
            cols["risk_reasons"] = pd.array(why[risk.of_time].reshape(-1), dtype=TEXT)
    active = lay("active")
    tier_unknown = lay("tier_unknown")
    # NA without a profile, or when every active agreement of the unit has an unknown tier.
    na = np.ones(active.shape, bool) if risk is None else (lay("tier_known") == 0) & (active > 0)
    rw = np.where(na, np.nan, lay("rw", np.float64))
    rwv = np.where(na, np.nan, lay("rwv", np.float64) / 100.0)
    cols["risk_weighted"] = _float_na(_flat(rw))
    cols["risk_weighted_value_eur"] = _float_na(_flat(rwv))
    tier_unknown_flat = _flat(tier_unknown).astype(np.int64)
    cols["risk_tier_unknown"] = pd.arrays.IntegerArray(
        tier_unknown_flat, np.full(len(tier_unknown_flat), risk is None)
    )
    return cols


def _people_columns(
    people: _People, units: pd.DataFrame, p_rows: np.ndarray, t: int
) -> dict[str, Any]:
    """One column per group (NA without a period in force), the sums, ``people_unknown``."""
    cols: dict[str, Any] = {}
    u = len(units)
    p_of = units["_p"].to_numpy(np.float64, na_value=np.nan)
    has_p = ~np.isnan(p_of)
    psrc = p_rows[p_of[has_p].astype(np.int64)]
    counts = np.zeros((t, u, len(GROUPS)))
    counts[:, has_p, :] = people.counts[:, psrc, :]
    counts = np.where(people.available[:, None, :], counts, np.nan)  # t x u x groups
    for gi, g in enumerate(GROUPS):
        cols[g] = _int_na(counts[:, :, gi].reshape(-1))
    for name, members in PEOPLE_SUMS.items():
        idx = [GROUPS.index(g) for g in members]
        part = counts[:, :, idx]
        s = np.where(np.isnan(part).all(axis=2), np.nan, np.nansum(part, axis=2))
        cols[name] = _int_na(s.reshape(-1))
    unk = np.zeros((t, u))
    unk[:, has_p] = people.unknown[:, psrc]
    any_group = np.asarray(people.available).any(axis=1).reshape(-1, 1)
    unk = np.where(any_group, unk, np.nan)
    cols["people_unknown"] = _int_na(unk.reshape(-1))
    return cols


def _float_na(a: np.ndarray) -> pd.arrays.FloatingArray:
    return pd.array(np.asarray(a, np.float64), dtype="Float64")  # NaN -> NA


def _int_na(a: np.ndarray) -> pd.arrays.IntegerArray:
    a = np.asarray(a, np.float64)
    mask = np.isnan(a)
    return pd.arrays.IntegerArray(np.rint(np.where(mask, 0, a)).astype(np.int64), mask)
