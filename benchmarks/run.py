"""Run every benchmark and write their tables to docs/benchmarks.md (``make bench``)."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import importlib
import io
import os
import platform
from pathlib import Path

BENCHES = (
    "bench_ingest",
    "bench_headers",
    "bench_horizon",
    "bench_matching",
    "bench_exposure",
    "bench_scenarios",
    "bench_tables",
    "bench_report",
    "bench_dashboard",
)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--write", type=Path, help="markdown file to write")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--only", nargs="*", default=None)
    args = ap.parse_args(argv)
    parts = [
        "# Benchmarks\n",
        f"Measured {dt.date.today().isoformat()} on {platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()} "
        "(`make bench`; references measured in the same run; ratios are what we track).\n",
    ]
    for name in BENCHES:
        if args.only and name not in args.only:
            continue
        mod = importlib.import_module(f"benchmarks.{name}")
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            mod.main(["--quick"] if args.quick else [])
        print(buf.getvalue())
        parts.append(buf.getvalue())
    if args.write:
        args.write.write_text("\n".join(parts), encoding="utf-8")


if __name__ == "__main__":
    main()
