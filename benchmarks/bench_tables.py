"""Tables for people: ``format_table`` against the table libraries it could have used.

Measured in one run on the same 300-row × 10-column published table (counts, money, shares,
dates, country codes, long faculty names, ``<5`` cells): ``kvanalytics.tables.format_table``
(labels, formats and HTML), and as references pandas' ``DataFrame.to_html`` of the raw frame
(no formatting at all), ``Styler.to_html`` and great_tables' ``GT.as_raw_html`` of the frame
already written for people. Ratios against ``to_html`` are what we track; the HTML sizes say
what a report page carries.

Run: ``python -m benchmarks.bench_tables [--repeat 5] [--quick]``
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

import numpy as np
import pandas as pd

from benchmarks import best_of

LONG = "Faculteit der Maatschappij- en Gedragswetenschappen / Faculty of Social and Behavioural"


def _table(n: int = 300) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    faculties = np.array([LONG, "Rechtsgeleerdheid", "Central", "Bètawetenschappen"])
    phd = rng.integers(0, 40, n).astype(object)
    phd[phd < 5] = "<5"
    return pd.DataFrame(
        {
            "country": rng.choice(np.array(["RU", "CN", "NA", "DE", "UA"]), n),
            "faculty": rng.choice(faculties, n),
            "agreements_active": rng.integers(0, 5000, n),
            "ties_active": rng.integers(0, 5000, n),
            "value_eur": rng.random(n) * 2e7,
            "share_of_total": rng.random(n),
            "risk_tier": pd.array(rng.integers(0, 4, n), dtype="Int64"),
            "start": pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 2000, n), "D"),
            "phd": phd,
            "status": rng.choice(np.array(["active", "suspended", "ended"]), n),
        }
    )


def main(argv: Sequence[str] | None = None) -> dict[str, float]:
    """Run the tables benchmark, print a markdown table, return the figures."""
    import great_tables as gt

    from kvanalytics.tables import for_people, format_table

    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args(list(argv) if argv is not None else None)
    repeat = 2 if args.quick else args.repeat
    df = _table()
    people = for_people(df, lang="nl")
    runs = {
        "DataFrame.to_html (raw frame, reference)": lambda: df.to_html(index=False),
        "format_table (labels, formats, HTML)": lambda: format_table(df, lang="nl"),
        "for_people (labels and formats only)": lambda: for_people(df, lang="nl"),
        "Styler.to_html of for_people's frame": lambda: people.style.hide(axis="index").to_html(),
        "great_tables GT.as_raw_html of it": lambda: gt.GT(people).as_raw_html(),
    }
    sizes = {
        "DataFrame.to_html (raw frame, reference)": len(df.to_html(index=False)),
        "format_table (labels, formats, HTML)": len(format_table(df, lang="nl")),
        "Styler.to_html of for_people's frame": len(people.style.hide(axis="index").to_html()),
        "great_tables GT.as_raw_html of it": len(gt.GT(people).as_raw_html()),
    }
    times = {name: best_of(fn, repeat) for name, fn in runs.items()}
    ref = times["DataFrame.to_html (raw frame, reference)"]
    print("| 300 × 10 table | seconds | × to_html | HTML kB |")
    print("|---|---:|---:|---:|")
    for name, t in times.items():
        size = f"{sizes[name] / 1000:.0f}" if name in sizes else "—"
        print(f"| {name} | {t:.3f} | {t / ref:.1f} | {size} |")
    return times


if __name__ == "__main__":
    main()
