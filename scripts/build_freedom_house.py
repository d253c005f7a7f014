"""Write ``kvanalytics/data/freedom_house_2013-2024.csv`` from Freedom House's all-data workbook.

The bundled facts (status, total score and D3 academic freedom per country and edition) behind
the ``freedom-house`` (dated) and ``freedom-house-2024`` risk profiles. The workbook itself is
not shipped: the ratings are Freedom House's ("Freedom in the World", cite it); only these
derived facts, with their source, are bundled.

Usage::

    python scripts/build_freedom_house.py [WORKBOOK] [--out CSV]

WORKBOOK defaults to ``../shared/realdata/freedomhouse/All_data_FIW_2013-2024.xlsx`` (sheet
``FIW13-24``, header on the second row). Each edition is read by
:func:`kvanalytics.reference.freedom_house_facts` (countries must all map to ISO2; territories
without a code of their own are left out and printed), so the file is exactly what the reader
gives; rows are sorted by edition, then workbook order.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from kvanalytics.errors import KvError
from kvanalytics.reference import FH_RELEASE, FREEDOM_HOUSE_FACTS, freedom_house_facts

DEFAULT_WORKBOOK = (
    Path(__file__).resolve().parents[1].parent
    / "shared"
    / "realdata"
    / "freedomhouse"
    / "All_data_FIW_2013-2024.xlsx"
)


def build(workbook: Path, editions: list[int]) -> pd.DataFrame:
    """Every edition's facts, one table (``iso2, country, status, total, d3, edition, source``).

    Examples
    --------
    >>> build(DEFAULT_WORKBOOK, [2024])["edition"].unique().tolist()  # doctest: +SKIP
    [2024]
    """
    parts = []
    for ed in editions:
        facts = freedom_house_facts(workbook, ed)
        left_out = facts.attrs["freedom_house"]["excluded"]
        print(f"edition {ed}: {len(facts)} countries; left out: {', '.join(left_out)}")
        facts.attrs = {}
        parts.append(facts)
    return pd.concat(parts, ignore_index=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workbook", nargs="?", type=Path, default=DEFAULT_WORKBOOK)
    parser.add_argument("--out", type=Path, default=FREEDOM_HOUSE_FACTS)
    args = parser.parse_args(argv)
    try:
        table = build(args.workbook, sorted(FH_RELEASE))
    except KvError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    table.to_csv(args.out, index=False, lineterminator="\n")
    print(f"wrote {len(table)} rows to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
