"""The ``kvanalytics`` command line: thin over the library functions.

User errors (unusable input, unknown names, bad arguments) exit with status 2 and one line on
stderr naming the file or value; they never print a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import yaml

from .errors import KvError

EXIT_USER_ERROR = 2


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status.

    Examples
    --------
    >>> main(["ingest", "partnerships", "data/raw/sample_partnerships.csv",
    ...       "--out", "data/processed", "--json"])  # doctest: +SKIP
    """
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_USER_ERROR
    try:
        return int(args.func(args) or 0)
    except (KvError, FileNotFoundError, PermissionError, IsADirectoryError) as exc:
        msg = str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__
        print(f"kvanalytics: error: {msg}", file=sys.stderr)
        return EXIT_USER_ERROR


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="kvanalytics",
        description="Exposure and freeze-impact analytics for university partnerships.",
    )
    sub = p.add_subparsers(title="commands")

    ing = sub.add_parser("ingest", help="read exports into canonical tables + rejects")
    ing.add_argument("table", choices=["partnerships", "headcounts"])
    ing.add_argument("files", nargs="+", type=Path, metavar="FILE")
    ing.add_argument("--out", type=Path, required=True, help="output directory")
    ing.add_argument("--columns", type=Path, help="YAML mapping of extra headers to fields")
    ing.add_argument("--sheet", help="workbook sheet to read")
    ing.add_argument("--json", action="store_true", help="print one JSON summary object")
    ing.set_defaults(func=_cmd_ingest)

    exp = sub.add_parser("exposure", help="exposure table at a date")
    exp.add_argument("--partnerships", type=Path, required=True, metavar="F")
    exp.add_argument("--headcounts", type=Path, metavar="G")
    exp.add_argument("--by", default="country", help="comma-separated keys, e.g. country,faculty")
    exp.add_argument("--at", help="date (YYYY-MM-DD); default today")
    exp.add_argument("--risk-profile", help="bundled profile name or CSV path")
    exp.add_argument("--format", choices=["csv", "json", "xlsx"], default="csv")
    exp.add_argument("--out", type=Path, help="output file (xlsx requires it); default stdout")
    exp.add_argument(
        "--no-suppress",
        action="store_true",
        help="internal use: do not suppress small headcount cells",
    )
    exp.set_defaults(func=_cmd_exposure)

    imp = sub.add_parser("impact", help="freeze impact of a scenario")
    imp.add_argument("scenario", help="bundled scenario name (e.g. nl-2022-freeze) or YAML path")
    imp.add_argument("--data", type=Path, help="directory with the sample-style raw files")
    imp.add_argument("--partnerships", type=Path, metavar="F")
    imp.add_argument("--headcounts", type=Path, metavar="G")
    imp.add_argument("--format", choices=["table", "json", "csv", "xlsx"], default="table")
    imp.add_argument("--out", type=Path, help="output file (xlsx requires it)")
    imp.add_argument(
        "--no-suppress",
        action="store_true",
        help="internal use: do not suppress small people counts",
    )
    imp.set_defaults(func=_cmd_impact)

    rep = sub.add_parser("report", help="render the quarterly report (HTML, charts, Excel)")
    rep.add_argument("--quarter", help="e.g. 2026Q3; default the latest complete quarter")
    rep.add_argument("--data", type=Path, help="directory with the raw files (default data/raw)")
    rep.add_argument("--lang", choices=["en", "nl"], default="en")
    rep.add_argument("--risk-profile", default="freedom-house-2024")
    rep.add_argument("--out", type=Path, help="output directory (default reports/<quarter>)")
    rep.set_defaults(func=_cmd_report)
    return p


# ------------------------------------------------------------------------------------------------


def _read_columns_yaml(path: Path | None) -> dict[str, str] | None:
    if path is None:
        return None
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise KvError(f"{path}: cannot read the columns mapping ({exc})") from None
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise KvError(f"{path}: expected a YAML mapping 'Header in file: field'")
    return {str(k): v for k, v in data.items()}


def _cmd_ingest(args: argparse.Namespace) -> int:
    from .ingest import read_headcounts, read_partnerships

    reader = read_partnerships if args.table == "partnerships" else read_headcounts
    result = reader(
        args.files, columns=_read_columns_yaml(args.columns), sheet=args.sheet, errors="collect"
    )
    args.out.mkdir(parents=True, exist_ok=True)
    table_path = args.out / f"{args.table}.parquet"
    rejects_path = args.out / f"{args.table}_rejects.csv"
    result.table.to_parquet(table_path, index=False)
    result.rejects.to_csv(rejects_path, index=False)
    if args.json:
        print(json.dumps(result.report.to_dict()))
    else:
        print(result.report)
        print(f"wrote {table_path} and {rejects_path}")
    return 0


def _read_table(path: Path, table: str) -> pd.DataFrame:
    """Canonical tables from parquet written by ``ingest``, or raw exports read strictly."""
    if path.suffix == ".parquet":
        return pd.read_parquet(path)
    from .ingest import read_headcounts, read_partnerships

    reader = read_partnerships if table == "partnerships" else read_headcounts
    result = reader(path, errors="collect")
    if len(result.rejects):
        print(
            f"kvanalytics: note: {path}: {len(result.rejects)} rows rejected "
            f"({', '.join(f'{n} {r}' for r, n in result.report.by_reason.items())}); "
            "run 'kvanalytics ingest' to see them",
            file=sys.stderr,
        )
    return result.table


def _cmd_exposure(args: argparse.Namespace) -> int:
    from .exposure import exposure
    from .privacy import suppress_counts
    from .reference import load_risk_profile

    partnerships = _read_table(args.partnerships, "partnerships")
    headcounts = _read_table(args.headcounts, "headcounts") if args.headcounts else None
    by = tuple(b.strip() for b in args.by.split(",") if b.strip())
    at = pd.Timestamp(args.at) if args.at else None
    profile = load_risk_profile(args.risk_profile) if args.risk_profile else None
    table = exposure(partnerships, headcounts, by=by, at=at, risk_profile=profile)
    if headcounts is not None and not args.no_suppress:
        from .schemas import GROUPS

        people = [c for c in (*GROUPS, "students", "staff") if c in table.columns]
        table = suppress_counts(table, people)
    _emit(table, args.format, args.out, name="exposure")
    return 0


def _emit(table: pd.DataFrame, fmt: str, out: Path | None, *, name: str) -> None:
    if fmt == "xlsx":
        from .excel import to_excel

        if out is None:
            raise KvError("--format xlsx needs --out FILE.xlsx")
        to_excel({name: table}, out)
        print(f"wrote {out}")
        return
    if fmt == "json":
        text = table.to_json(orient="records", date_format="iso", force_ascii=False)
    else:
        text = table.to_csv(index=False)
    if out is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    else:
        out.write_text(text, encoding="utf-8")


def _data_files(args: argparse.Namespace) -> tuple[Path, Path | None]:
    if args.partnerships:
        return args.partnerships, args.headcounts
    from .config import RAW_DIR

    data = args.data or RAW_DIR
    p = data / "sample_partnerships.csv"
    h = data / "sample_headcounts.xlsx"
    if not p.exists():
        raise KvError(f"{data}: no sample_partnerships.csv; give --partnerships F")
    return p, (h if h.exists() else None)


def _cmd_impact(args: argparse.Namespace) -> int:
    from .scenarios import impact, impact_to_dict, load_scenario, published

    scenario = load_scenario(args.scenario)
    p, h = _data_files(args)
    partnerships = _read_table(p, "partnerships")
    headcounts = _read_table(h, "headcounts") if h is not None else None
    result = impact(scenario, partnerships, headcounts)

    def shown(df: pd.DataFrame) -> pd.DataFrame:
        return df if args.no_suppress or "unit" not in df.columns else published(df)

    if args.format == "json":
        doc = impact_to_dict(result, suppress=not args.no_suppress)
        text = json.dumps(doc, ensure_ascii=False, default=str, indent=2)
        if args.out:
            args.out.write_text(text, encoding="utf-8")
        else:
            print(text)
    elif args.format == "table":
        s = result.scenario
        print(f"{s.name} (effective {pd.Timestamp(s.effective).date()})")
        print(shown(result.summary).to_string(index=False))
    elif args.format == "csv":
        _emit(shown(result.summary), "csv", args.out, name="impact")
    else:
        from .excel import to_excel

        if args.out is None:
            raise KvError("--format xlsx needs --out FILE.xlsx")
        to_excel(
            {
                "summary": shown(result.summary),
                "by_faculty": shown(result.by_faculty),
                "by_country": shown(result.by_country),
                "affected": result.affected,
            },
            args.out,
            parameters={"scenario": scenario.name, "effective": str(scenario.effective)},
        )
        print(f"wrote {args.out}")
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    from .report import render_report

    out = render_report(
        quarter=args.quarter,
        data_dir=args.data,
        lang=args.lang,
        risk_profile=args.risk_profile,
        out_dir=args.out,
    )
    print(f"wrote {out / 'report.html'}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
