"""Speed of dated and combined risk lenses: ``exposure_over_time`` over ten years of quarters
with the dated ``freedom-house`` profile (one edition per year in the window, each quarter its
own) and with it combined with ``eu-restrictive-measures``, against the same call with the
undated ``freedom-house-2024`` profile measured in the same run (the reference).

Run: ``python -m benchmarks.bench_lenses [--agreements 200000] [--repeat 3]``
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

from kvanalytics import sample
from kvanalytics.exposure import exposure_over_time

START, END = "2016-01-01", "2025-12-31"  # 40 quarters, Freedom House editions 2016-2024


def best_of(fn: Callable[[], Any], repeat: int) -> float:
    """The best wall time of ``repeat`` calls, in seconds."""
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--agreements", type=int, default=200_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    p = sample.make_partnerships(args.agreements, seed=5, start_year=2016, end_year=2026)
    cases = {
        "undated freedom-house-2024 (reference)": "freedom-house-2024",
        "dated freedom-house (9 editions)": "freedom-house",
        "dated freedom-house + eu-restrictive-measures": [
            "freedom-house",
            "eu-restrictive-measures",
        ],
    }
    for by in (("country",), ("faculty",)):
        ref = None
        for label, profile in cases.items():
            t = best_of(
                lambda profile=profile, by=by: exposure_over_time(
                    p, start=START, end=END, by=by, risk_profile=profile
                ),
                args.repeat,
            )
            ref = t if ref is None else ref
            print(f"by={'+'.join(by):8s} {label:48s} {t:7.3f} s  ratio {t / ref:5.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
