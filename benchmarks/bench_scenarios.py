"""Scenario impact speed: one :func:`kvanalytics.scenarios.impact` on 10,000 agreements and 50,000
headcount rows (target <= 100 ms, median of several runs), and 1,000 Monte Carlo draws over the
assumption ranges, vectorised (target <= 1 s), against the same draws evaluated one at a time in
a Python loop (the reference; the ratio is what we track).

The tables are canonical and synthetic, generated here with numpy (deterministic, seed 2022), so
the benchmark does not depend on the committed sample.

Run: ``python -m benchmarks.bench_scenarios [--agreements 10000] [--headcount-rows 50000] [--quick]``
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import numpy as np
import pandas as pd

COUNTRIES = np.array(
    ["RU", "BY", "UA", "CN", "IR", "US", "DE", "BE", "NO", "IN", "BR", "ZA", "JP", "GB", "FR"]
)
FACULTIES = np.array(
    ["Science", "Humanities", "Engineering", "Medicine", "Law", "Economics", "Central"]
)
TAGS = np.array(
    ["", "", "", "dual_use", "aerospace", "quantum", "ai", "dual_use;nuclear", "health"]
)


def make_tables(
    n_agreements: int, n_headcounts: int, seed: int = 2022
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Canonical partnerships and headcounts of the given sizes (vectorised, deterministic)."""
    from kvanalytics.schemas import (
        BASIS_DTYPE,
        GROUP_DTYPE,
        GROUPS,
        KIND_DTYPE,
        KINDS,
        LEVEL_DTYPE,
        LEVELS,
        STATUS_DTYPE,
        STATUSES,
    )

    rng = np.random.default_rng(seed)
    n = n_agreements
    start = np.datetime64("2012-01-01") + rng.integers(0, 13 * 365, n).astype("timedelta64[D]")
    length = rng.integers(365, 8 * 365, n).astype("timedelta64[D]")
    end = (start + length).astype("datetime64[us]")
    open_ended = rng.random(n) < 0.3
    value = rng.lognormal(8.5, 1.2, n).round(0)

    def flag(p_na: float, p_true: float) -> pd.Series:
        r = rng.random(n)
        return pd.Series(pd.array(np.where(r < p_na, None, r < p_na + p_true), dtype="boolean"))

    partnerships = pd.DataFrame(
        {
            "agreement_id": pd.array([f"A{i:07d}" for i in range(n)], dtype="string"),
            "partner": pd.array([f"University {i % 900}" for i in range(n)], dtype="string"),
            "partner_key": pd.array([None] * n, dtype="string"),
            "country": pd.array(COUNTRIES[rng.integers(0, len(COUNTRIES), n)], dtype="string"),
            "faculty": pd.array(FACULTIES[rng.integers(0, len(FACULTIES), n)], dtype="string"),
            "kind": pd.Categorical.from_codes(rng.integers(0, len(KINDS), n), dtype=KIND_DTYPE),
            "level": pd.Categorical.from_codes(
                np.where(rng.random(n) < 0.05, -1, rng.integers(0, len(LEVELS), n)),
                dtype=LEVEL_DTYPE,
            ),
            "start": start.astype("datetime64[us]"),
            "end": pd.Series(end).where(~open_ended),
            "status": pd.Categorical.from_codes(
                rng.choice(len(STATUSES), n, p=[0.7, 0.05, 0.15, 0.1]), dtype=STATUS_DTYPE
            ),
            "value_eur": pd.array(np.where(rng.random(n) < 0.1, np.nan, value), dtype="Float64"),
            "financial_flows": flag(0.15, 0.6),
            "data_exchange": flag(0.2, 0.4),
            "fields": pd.Series(TAGS[rng.integers(0, len(TAGS), n)], dtype="string").replace(
                "", pd.NA
            ),
        }
    )
    m = n_headcounts
    years = rng.integers(2015, 2025, m)
    headcounts = pd.DataFrame(
        {
            "period": pd.array([f"{y}/{(y + 1) % 100:02d}" for y in years], dtype="string"),
            "faculty": pd.array(FACULTIES[rng.integers(0, len(FACULTIES), m)], dtype="string"),
            "group": pd.Categorical.from_codes(rng.integers(0, len(GROUPS), m), dtype=GROUP_DTYPE),
            "country": pd.array(COUNTRIES[rng.integers(0, len(COUNTRIES), m)], dtype="string"),
            "basis": pd.Categorical.from_codes(rng.integers(0, 2, m), dtype=BASIS_DTYPE),
            "headcount": pd.array(
                np.where(rng.random(m) < 0.02, None, rng.integers(0, 60, m)), dtype="Int64"
            ),
        }
    )
    return partnerships, headcounts


def _times(fn: Callable[[], object], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def main(argv: list[str] | None = None) -> dict[str, float]:
    """Run the scenario benchmarks, print a markdown table, return the figures (seconds)."""
    from kvanalytics import scenarios as sc

    ap = argparse.ArgumentParser()
    ap.add_argument("--agreements", type=int, default=10_000)
    ap.add_argument("--headcount-rows", type=int, default=50_000)
    ap.add_argument("--draws", type=int, default=1_000)
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--quick", action="store_true", help="fewer repeats and draws, a smoke run")
    args = ap.parse_args(argv)
    if args.quick:
        args.repeat, args.draws = 3, 200

    p, h = make_tables(args.agreements, args.headcount_rows)
    scenario = sc.load_scenario("nl-2022-freeze")
    sc.impact(scenario, p, h)  # warm-up (imports, caches)

    runs = _times(lambda: sc.impact(scenario, p, h), args.repeat)
    t_impact, t_impact_min = statistics.median(runs), min(runs)
    t_mc = statistics.median(
        _times(
            lambda: sc.impact(scenario, p, h, draws=args.draws, seed=1), max(3, args.repeat // 2)
        )
    )

    # Reference: the same Monte Carlo, one draw at a time in a Python loop (model evaluation only;
    # the data preparation is shared, as it is in the vectorised run).
    terms, ranges = sc._bench_terms(scenario, p, h)
    rng = np.random.default_rng(1)

    def loop() -> None:
        for _ in range(args.draws):
            fac = sc._factor_values_mc(scenario, ranges, 1, int(rng.integers(1 << 31)))
            sc._evaluate(terms, ["metric"], fac)

    def vectorised() -> None:
        fac = sc._factor_values_mc(scenario, ranges, args.draws, 1)
        sc._evaluate(terms, ["metric"], fac)

    t_loop = statistics.median(_times(loop, 1 if args.draws >= 1000 else 3))
    t_vec = statistics.median(_times(vectorised, args.repeat))

    print(
        f"## Scenarios ({args.agreements:,} agreements, {args.headcount_rows:,} headcount rows)\n"
    )
    print("| what | time | target |")
    print("|---|---:|---:|")
    print(
        f"| `impact(nl-2022-freeze)`, median of {args.repeat} (min) | "
        f"{t_impact * 1e3:.1f} ms ({t_impact_min * 1e3:.1f} ms) | ≤ 100 ms |"
    )
    print(f"| `impact(..., draws={args.draws})` (whole call) | {t_mc * 1e3:.1f} ms | ≤ 1 s |")
    print(f"| {args.draws} draws, vectorised model evaluation | {t_vec * 1e3:.2f} ms | |")
    print(f"| {args.draws} draws, per-draw Python loop (reference) | {t_loop * 1e3:.1f} ms | |")
    print(f"| ratio loop / vectorised | {t_loop / t_vec:.0f}× | |")
    print()
    return {
        "impact_s": t_impact,
        "impact_min_s": t_impact_min,
        "impact_mc_s": t_mc,
        "mc_vectorised_s": t_vec,
        "mc_loop_s": t_loop,
    }


if __name__ == "__main__":
    main()
