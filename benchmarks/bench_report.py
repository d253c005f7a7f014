"""Report speed: re-rendering the quarterly dashboard from processed (parquet) data.

Measured in one run: computing the dashboard in-process (``quarterly_dashboard``) from parquet
written by ``kvanalytics ingest``, the full ``kvanalytics report`` (notebooks 03, 04 and 01 through
papermill), and as the reference the same papermill machinery executing an empty notebook (kernel
start-up and conversion, which no code of ours can beat). Target: re-rendering ≤ 60 s.

Run: ``python -m benchmarks.bench_report [--repeat 2] [--quick]``
"""

from __future__ import annotations

import argparse
import tempfile
from collections.abc import Sequence
from pathlib import Path

from benchmarks import best_of

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"


def _empty_notebook_run(tmp: Path) -> None:
    import nbformat
    import papermill as pm

    src = tmp / "empty.ipynb"
    if not src.exists():
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["parameters"]})]
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
        nbformat.write(nb, str(src))
    pm.execute_notebook(
        str(src),
        str(tmp / "empty.out.ipynb"),
        parameters={"x": 2},
        progress_bar=False,
        language="python",
    )


def main(argv: Sequence[str] | None = None) -> dict[str, float]:
    """Run the report benchmark, print a markdown table, return the figures."""
    import pandas as pd

    import kvanalytics as kv
    from kvanalytics.report import quarterly_dashboard, render_report

    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args(list(argv) if argv is not None else None)
    if args.quick:
        args.repeat = 1
    quarter = "2026Q3"
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        p, _ = kv.read_partnerships(RAW / "sample_partnerships.csv", errors="collect")
        h, _ = kv.read_headcounts(RAW / "sample_headcounts.xlsx", errors="collect")
        p.to_parquet(tmp / "partnerships.parquet")
        h.to_parquet(tmp / "headcounts.parquet")

        def dashboard() -> None:
            pp = pd.read_parquet(tmp / "partnerships.parquet")
            hh = pd.read_parquet(tmp / "headcounts.parquet")
            quarterly_dashboard(pp, hh, quarter=quarter).save(tmp / "dash")

        t_dash = best_of(dashboard, args.repeat)
        t_empty = best_of(lambda: _empty_notebook_run(tmp), args.repeat)
        t_report = best_of(
            lambda: render_report(quarter=quarter, data_dir=RAW, out_dir=tmp / "report"),
            args.repeat,
        )
    n_nb = 3
    print("## Report\n")
    print(
        f"Sample data ({len(p):,} agreements, {len(h):,} headcount rows), quarter {quarter}; "
        f"best of {args.repeat}. Reference: papermill executing an empty notebook (kernel start-up "
        "and conversion), measured in the same run.\n"
    )
    print("| step | time | ratio to one empty notebook |")
    print("|---|---:|---:|")
    print(f"| empty notebook through papermill (reference) | {t_empty:.2f} s | 1.00× |")
    print(
        f"| dashboard from parquet, in process (tables, 5 charts, PNG+SVG, Excel) "
        f"| {t_dash:.2f} s | {t_dash / t_empty:.2f}× |"
    )
    print(
        f"| `kvanalytics report` ({n_nb} notebooks, HTML, charts, Excel, manifest) "
        f"| {t_report:.2f} s | {t_report / t_empty:.2f}× ({t_report / (n_nb * t_empty):.2f}× "
        f"of {n_nb} empty notebooks) |"
    )
    print(f"\nTarget: re-rendering ≤ 60 s (measured {t_report:.1f} s).\n")
    return {"dashboard_s": t_dash, "empty_s": t_empty, "report_s": t_report}


if __name__ == "__main__":
    main()
