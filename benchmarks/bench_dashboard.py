"""Dashboard speed: one update of the what-if app (a control changed -> scenario validated, impact
computed, headline, per-faculty table and chart rebuilt), in-process after a warm-up, target
<= 300 ms (median), against one bare :func:`kvanalytics.scenarios.impact` call of the same
scenarios measured in the same run (the reference; the ratio is what we track).

Inputs: the bundled sample (``data/raw``), and the synthetic 10,000 agreements / 50,000 headcount
rows of :mod:`benchmarks.bench_scenarios` (the tables an analyst's real export gives).

Run: ``python -m benchmarks.bench_dashboard [--repeat 20] [--quick]``
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.bench_scenarios import make_tables
from kvanalytics import widgets as kvw
from kvanalytics.ingest import read_headcounts, read_partnerships
from kvanalytics.scenarios import impact

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "raw"
SCENARIO = "nl-2022-freeze"


def _times(fn: Callable[[], object], n: int) -> list[float]:
    out = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def _measure(p, h, repeat: int) -> dict[str, float]:
    """Median seconds: one app update (alternating two changes), its parts, and bare impact."""
    app = kvw.whatif_app(p, h, scenario=SCENARIO, debounce=0)  # debounce 0: update at once
    measures = app.controls["measures"]
    on = measures.value
    off = tuple(m for m in on if m != "cancel_planned")
    state = {"i": 0}

    def change() -> None:  # untick / tick a measure: one change, one recomputation
        state["i"] += 1
        measures.value = off if state["i"] % 2 else on

    _times(change, 3)  # warm-up: imports, caches
    before = app.updates
    t_update = _times(change, repeat)
    assert app.updates - before == repeat, "one recomputation per change"
    s_on = kvw.scenario_from_controls({**app.values(), "measures": on}, SCENARIO)
    s_off = kvw.scenario_from_controls({**app.values(), "measures": off}, SCENARIO)
    scen = [s_on, s_off]
    t_impact = _times(lambda: impact(scen[state["i"] % 2], p, h), repeat)
    imp = impact(s_on, p, h)
    t_tables = _times(lambda: kvw.whatif_outputs(imp, chart=False), repeat)
    t_chart = _times(lambda: kvw._chart(imp, "en"), repeat)
    return {
        "update": statistics.median(t_update),
        "update_max": max(t_update),
        "impact": statistics.median(t_impact),
        "tables": statistics.median(t_tables),
        "chart": statistics.median(t_chart),
    }


def main(argv: list[str] | None = None) -> dict[str, float]:
    """Run the dashboard benchmark, print a markdown table, return the figures (seconds)."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--quick", action="store_true", help="fewer repeats, sample only")
    args = ap.parse_args(argv)
    repeat = 5 if args.quick else args.repeat
    cases = {
        "sample (600 agreements)": (
            read_partnerships(SAMPLE / "sample_partnerships.csv", errors="collect").table,
            read_headcounts(SAMPLE / "sample_headcounts.xlsx", errors="collect").table,
        )
    }
    if not args.quick:
        cases["synthetic (10,000 agreements, 50,000 headcount rows)"] = make_tables(10_000, 50_000)
    print("## Dashboard update (`kvanalytics.widgets`)\n")
    print(
        f"One what-if update after a warm-up: a measure of `{SCENARIO}` unticked / ticked in the "
        f"app (scenario validated, impact, headline, table and chart rebuilt), median of {repeat}; "
        "reference: one bare `scenarios.impact` of the same scenarios "
        "in the same run.\n"
    )
    print("| inputs | update (max) | impact (reference) | ratio | tables | chart | target |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    out: dict[str, float] = {}
    for name, (p, h) in cases.items():
        r = _measure(p, h, repeat)
        print(
            f"| {name} | {r['update'] * 1e3:.0f} ms ({r['update_max'] * 1e3:.0f}) | "
            f"{r['impact'] * 1e3:.0f} ms | {r['update'] / r['impact']:.1f}× | "
            f"{r['tables'] * 1e3:.0f} ms | {r['chart'] * 1e3:.1f} ms | ≤ 300 ms |"
        )
        out.update({f"{name}: {k}": v for k, v in r.items()})
    print()
    return out


if __name__ == "__main__":
    main()
