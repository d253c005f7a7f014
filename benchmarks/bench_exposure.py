"""Exposure speed: ``exposure_over_time`` over ten years of quarters on a sector-sized portfolio
(1,000,000 agreements, 10,000,000 headcount rows) vs the same result from one DuckDB SQL query,
by country and by country x faculty, in the same run. The frames are asserted equal.

The data come from :mod:`kvanalytics.sample` (about 76 countries, 8 faculties plus Central; the
sector's headcount units ``"U0001 Science"`` are mapped to their faculty so that people and
agreements share faculty names). DuckDB reads the same in-memory pandas frames. Peak memory is
the extra resident memory of a forked child running one call, sampled every 5 ms (the inputs
are shared with the parent and not counted).

Run: ``python -m benchmarks.bench_exposure [--agreements 1000000] [--headcount-rows 10000000]
[--quick]``
"""

from __future__ import annotations

import argparse
import contextlib
import multiprocessing as mp
import os
import resource
import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from kvanalytics.exposure import DEFAULT_RISK_WEIGHTS, exposure_over_time
from kvanalytics.schemas import GROUPS, STAFF_GROUPS, STUDENT_GROUPS

START, END = "2016-01-01", "2025-12-31"  # 40 quarters


# ------------------------------------------------------------------------------------------------
# Data
# ------------------------------------------------------------------------------------------------


def make_tables(
    n_agreements: int, n_headcount_rows: int, seed: int = 11
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Canonical partnerships, headcounts and a risk profile at sector scale."""
    from kvanalytics import sample

    p = sample.make_partnerships(n_agreements, seed=seed, start_year=2016, end_year=2026)
    h = sample.make_headcounts(seed=seed, n_rows=n_headcount_rows)
    if h["faculty"].str.match(r"^U\d{4} ").any():  # sector units -> their faculty
        h = h.assign(faculty=h["faculty"].str.replace(r"^U\d{4} ", "", regex=True))
    countries = sorted(set(p["country"].dropna()) | set(h["country"].dropna()))
    rng = np.random.default_rng(seed)
    tier = rng.choice([0, 0, 0, 1, 1, 2, 3], size=len(countries))
    known = rng.random(len(countries)) > 0.1  # ~10 % of countries have no tier
    profile = pd.DataFrame({"country": countries, "tier": tier}).loc[known]
    return p, h, profile.astype({"country": "string", "tier": "Int64"}).reset_index(drop=True)


# ------------------------------------------------------------------------------------------------
# The same computation in DuckDB SQL
# ------------------------------------------------------------------------------------------------


def _quarters() -> pd.DataFrame:
    q = pd.period_range(START, END, freq="Q")
    return pd.DataFrame(
        {
            "qi": np.arange(len(q)),
            "quarter": q.astype(str),
            "q_start": q.start_time.normalize().date,
            "q_end": q.end_time.normalize().date,
        }
    )


def duckdb_sql(by: Sequence[str]) -> str:
    """The SQL equivalent of ``exposure_over_time(..., by=by, risk_profile=...)`` (keys among
    country and faculty; headcounts with several bases, the default basis per group)."""
    k = ", ".join(by)
    kp = ", ".join(f"pp.{c}" for c in by)
    kg = ", ".join(f"g.{c}" for c in by)
    kh = ", ".join(f"hh.{c}" for c in by)
    using = ", ".join(["qi", *by])
    w = ", ".join(f"({t}, {v})" for t, v in DEFAULT_RISK_WEIGHTS.items())
    sums = ",\n    ".join(f"sum(h.hc) FILTER (WHERE h.g = '{g}') AS {g}" for g in GROUPS)
    avail = ",\n    ".join(f"bool_or(g = '{g}') AS a_{g}" for g in GROUPS)
    people_cols = ",\n  ".join(
        f"CASE WHEN av.a_{g} THEN coalesce(pe.{g}, 0) END AS {g}" for g in GROUPS
    )

    def total(members: Sequence[str]) -> str:
        any_ = " OR ".join(f"av.a_{g}" for g in members)
        add = " + ".join(f"CASE WHEN av.a_{g} THEN coalesce(pe.{g}, 0) ELSE 0 END" for g in members)
        return f"CASE WHEN {any_} THEN {add} END"

    any_group = " OR ".join(f"av.a_{g}" for g in GROUPS)
    tier_col = "r.tier AS risk_tier," if "country" in by else ""
    tier_join = "LEFT JOIN profile r ON r.country = g.country" if "country" in by else ""
    return f"""
WITH
q AS (SELECT * FROM quarters),
w AS (SELECT * FROM (VALUES {w}) t(tier, weight)),
p AS (
  SELECT {kp}, CAST(pp.start AS DATE) AS s, CAST(pp."end" AS DATE) AS e,
         round(pp.value_eur * 100) AS cents, r.tier, w.weight
  FROM partnerships pp
  LEFT JOIN profile r ON r.country = pp.country
  LEFT JOIN w ON w.tier = r.tier
  WHERE pp.start IS NOT NULL AND (pp."end" IS NULL OR pp."end" >= pp.start)
),
st AS (
  -- ids are unique in the benchmark data, so agreements (distinct ids) and ties (rows) are equal
  SELECT q.qi, {k}, count(*) AS active, sum(cents) AS cents,
         count(*) FILTER (WHERE cents IS NULL) AS vunk, sum(weight) AS rw,
         coalesce(sum(cents * weight), CASE WHEN count(weight) > 0 THEN 0 END) AS rwv,
         count(*) FILTER (WHERE tier IS NULL) AS tunk
  FROM p JOIN q ON p.s <= q.q_end AND coalesce(p.e, DATE '9999-12-31') >= q.q_end
  GROUP BY ALL
),
sd AS (SELECT q.qi, {k}, count(*) AS n FROM p JOIN q ON p.s BETWEEN q.q_start AND q.q_end
       GROUP BY ALL),
en AS (SELECT q.qi, {k}, count(*) AS n FROM p JOIN q ON p.e BETWEEN q.q_start AND q.q_end
       GROUP BY ALL),
gb AS (
  SELECT g, arg_min(b, CASE WHEN g = 'exchange_out'
                  THEN CASE b WHEN 'destination' THEN 0 WHEN 'nationality' THEN 1 ELSE 2 END
                  ELSE CASE b WHEN 'nationality' THEN 0 WHEN 'prior_diploma' THEN 1 ELSE 2 END
                  END) AS b
  FROM (SELECT DISTINCT CAST("group" AS VARCHAR) AS g, CAST(basis AS VARCHAR) AS b
        FROM headcounts WHERE basis IS NOT NULL)
  GROUP BY g
),
hp AS (
  SELECT period, CASE WHEN regexp_matches(period, '^\\s*\\d{{4}}\\s*/\\s*(\\d{{2}}|\\d{{4}})\\s*$')
                      THEN make_date(CAST(substr(trim(period), 1, 4) AS INTEGER), 10, 1)
                      ELSE TRY_CAST(period AS DATE) END AS ref
  FROM (SELECT DISTINCT period FROM headcounts)
),
h AS (
  SELECT gb.g, hp.ref, {kh}, sum(hh.headcount) AS hc,
         count(*) FILTER (WHERE hh.headcount IS NULL) AS na
  FROM headcounts hh
  JOIN gb ON CAST(hh."group" AS VARCHAR) = gb.g AND CAST(hh.basis AS VARCHAR) = gb.b
  JOIN hp ON hp.period = hh.period
  GROUP BY ALL
),
avail AS (SELECT DISTINCT g, ref FROM h),
inforce AS (SELECT q.qi, a.g, max(a.ref) AS ref FROM q JOIN avail a ON a.ref <= q.q_end
            GROUP BY ALL),
avq AS (SELECT qi, {avail} FROM inforce GROUP BY qi),
pe AS (
  SELECT i.qi, {", ".join(f"h.{c}" for c in by)},
    {sums},
    sum(h.na) AS people_unknown
  FROM inforce i JOIN h ON h.g = i.g AND h.ref = i.ref
  GROUP BY ALL
),
units AS (
  SELECT DISTINCT {k} FROM (
    SELECT {k} FROM st UNION ALL SELECT {k} FROM sd UNION ALL SELECT {k} FROM en
    UNION ALL SELECT {k} FROM pe)
),
grid AS (SELECT q.qi, q.quarter, q.q_end, units.* FROM q CROSS JOIN units)
SELECT g.quarter, g.q_end AS quarter_end, {kg},
  coalesce(st.active, 0) AS active, coalesce(st.active, 0) AS ties_active,
  coalesce(sd.n, 0) AS started, coalesce(en.n, 0) AS ended,
  coalesce(st.cents, 0) / 100.0 AS value_eur, coalesce(st.vunk, 0) AS value_eur_unknown,
  {tier_col}
  CASE WHEN st.active IS NULL THEN 0.0 ELSE st.rw END AS risk_weighted,
  CASE WHEN st.active IS NULL THEN 0.0 ELSE st.rwv / 100.0 END AS risk_weighted_value_eur,
  coalesce(st.tunk, 0) AS risk_tier_unknown,
  {people_cols},
  {total(STUDENT_GROUPS)} AS students,
  {total(STAFF_GROUPS)} AS staff,
  CASE WHEN {any_group} THEN coalesce(pe.people_unknown, 0) END AS people_unknown
FROM grid g
LEFT JOIN st USING ({using})
LEFT JOIN sd USING ({using})
LEFT JOIN en USING ({using})
LEFT JOIN pe USING ({using})
LEFT JOIN avq av USING (qi)
{tier_join}
ORDER BY g.qi, {kg}
"""


def run_duckdb(con: Any, by: Sequence[str]) -> pd.DataFrame:
    """Run the SQL; return a pandas frame (``.arrow()`` then ``to_pandas``, per DESIGN.md)."""
    res = con.sql(duckdb_sql(by)).arrow()
    table = res.read_all() if hasattr(res, "read_all") else res
    return table.to_pandas()


# ------------------------------------------------------------------------------------------------
# Measurement
# ------------------------------------------------------------------------------------------------


def _best(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return min(times), result


def _rss_now() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _child(fn: Callable[[], Any], conn: Any) -> None:
    import ctypes
    import threading

    with contextlib.suppress(OSError, AttributeError):  # give freed heap pages back first, so
        ctypes.CDLL("libc.so.6").malloc_trim(0)  # that reused memory shows as growth
    base = _rss_now()
    peak = [base]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], _rss_now())
            done.wait(0.005)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    fn()
    done.set()
    sampler.join()
    conn.send(max(max(peak[0], _rss_now()) - base, 0))
    conn.close()


def peak_extra_memory(fn: Callable[[], Any]) -> float:
    """Peak extra resident memory (bytes) of one call: RSS sampled every 5 ms in a forked child
    (the inputs are shared with the parent, so they are not counted); NaN without fork."""
    if "fork" not in mp.get_all_start_methods():
        return float("nan")
    ctx = mp.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(fn, child))
    proc.start()
    value = parent.recv()
    proc.join()
    return float(value)


def main(argv: Sequence[str] | None = None) -> dict[str, float]:
    """Run the exposure benchmark, print a markdown table, return the figures."""
    import duckdb

    ap = argparse.ArgumentParser()
    ap.add_argument("--agreements", type=int, default=1_000_000)
    ap.add_argument("--headcount-rows", type=int, default=10_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    args = ap.parse_args(list(argv) if argv is not None else None)
    if args.quick:
        args.agreements, args.headcount_rows, args.repeat = 20_000, 200_000, 1

    t0 = time.perf_counter()
    p, h, profile = make_tables(args.agreements, args.headcount_rows)
    t_build = time.perf_counter() - t0
    quarters = _quarters()

    def ours(by: Sequence[str]) -> pd.DataFrame:
        return exposure_over_time(p, h, start=START, end=END, by=tuple(by), risk_profile=profile)

    frames = {"partnerships": p, "headcounts": h, "profile": profile, "quarters": quarters}
    # DuckDB's best case too: the same tables already in Arrow (conversion not timed).
    arrow = {k: pa.Table.from_pandas(v, preserve_index=False) for k, v in frames.items()}

    def duck(by: Sequence[str], tables: dict[str, Any]) -> pd.DataFrame:
        con = duckdb.connect()
        for name, table in tables.items():
            con.register(name, table)
        try:
            return run_duckdb(con, by)
        finally:
            con.close()

    results: dict[str, float] = {}
    rows = []
    for by in (("country",), ("country", "faculty")):
        name = "×".join(by)
        mem_ours = peak_extra_memory(lambda by=by: ours(by))
        mem_duck = peak_extra_memory(lambda by=by: duck(by, frames))
        t_ours, got = _best(lambda by=by: ours(by), args.repeat)
        t_duck, ref = _best(lambda by=by: duck(by, frames), args.repeat)
        t_duck_arrow, ref_arrow = _best(lambda by=by: duck(by, arrow), args.repeat)
        # risk_reasons (each lens's reason, text) is not computed by the SQL reference
        assert set(got.columns) - set(ref.columns) <= {"risk_reasons"}
        shown = got[[c for c in got.columns if c in ref.columns]]
        for r in (ref, ref_arrow):
            r = r[list(shown.columns)].astype(shown.dtypes.to_dict())
            r["quarter_end"] = pd.to_datetime(r["quarter_end"]).astype("datetime64[us]")
            pd.testing.assert_frame_equal(
                shown.reset_index(drop=True), r.reset_index(drop=True), check_exact=False, rtol=1e-9
            )
        best_duck = min(t_duck, t_duck_arrow)
        ratio = t_ours / best_duck
        results.update(
            {
                f"{name}_ours_s": t_ours,
                f"{name}_duckdb_pandas_s": t_duck,
                f"{name}_duckdb_arrow_s": t_duck_arrow,
                f"{name}_ratio": ratio,
                f"{name}_ours_peak_mb": mem_ours / 1e6,
                f"{name}_duckdb_peak_mb": mem_duck / 1e6,
            }
        )
        rows.append(
            f"| by {name} | {len(got):,} | {t_ours:.2f} s | {t_duck:.2f} s | {t_duck_arrow:.2f} s "
            f"| {ratio:.2f}× | {mem_ours / 1e6:,.0f} MB | {mem_duck / 1e6:,.0f} MB |"
        )

    print("## Exposure over time\n")
    print(
        f"{len(p):,} agreements, {len(h):,} headcount rows, {len(quarters)} quarters "
        f"({START} to {END}), risk profile of {len(profile)} countries; best of {args.repeat}; "
        f"tables built in {t_build:.1f} s. Results asserted equal to DuckDB's.\n"
    )
    print(
        "| query | rows out | kvanalytics | DuckDB on pandas | DuckDB on Arrow | ratio to the "
        "faster DuckDB | peak extra memory (ours) | peak extra memory (DuckDB on pandas) |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    print("\n".join(rows))
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6
    print(f"\nProcess max RSS (inputs included): {maxrss:.1f} GB. Target: ratio ≤ 2.\n")
    results["max_rss_gb"] = maxrss
    return results


if __name__ == "__main__":
    main()
