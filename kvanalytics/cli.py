"""The ``kvanalytics`` command line: parse, check the options, delegate to the library, report.

Exit status
-----------
0
    Success (rejected rows are not an error: they are written to the rejects table).
2
    A user error: a bad option value, conflicting options, an unusable or missing file, an
    unknown name (every :class:`~kvanalytics.errors.KvError`), or a usage error found by
    argparse. The whole message is printed to stderr after ``kvanalytics: error:``; no traceback.
1
    An unexpected exception, i.e. a bug: one line on stderr; ``--debug`` prints the traceback.
130
    Interrupted (Ctrl-C). A closed stdout (``kvanalytics exposure | head``) ends quietly (141).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import importlib.util
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback
import webbrowser
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd
import pyarrow as pa
import yaml

from . import config
from .errors import (
    InputFileError,
    KvError,
    NotebookError,
    OptionError,
    OutputPathError,
    UnknownNameError,
)
from .excel import to_excel
from .exposure import KEYS, exposure
from .ingest import Ingested, inspect_export, read_headcounts, read_horizon, read_partnerships
from .privacy import suppress_counts
from .project import Project, load_project, project_from_options, read_inputs, split_names
from .reference import load_risk_profile, load_watchlist
from .report import render_report
from .scenarios import Scenario, impact, load_scenario
from .schemas import DEFAULTABLE, GROUPS, PEOPLE_SUMS, REQUIRED
from .screening import Screening, screen
from .widgets import DASHBOARD_NOTEBOOK, ENV_SETTINGS

__all__ = ["main"]

EXIT_OK = 0
EXIT_BUG = 1
EXIT_USER_ERROR = 2
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what a shell reports for a writer whose reader left
BUG_HINT = "this is a bug — run again with --debug and report it"
PREFIX = "kvanalytics: error: "

_READERS: dict[str, Callable[..., Ingested]] = {
    "partnerships": read_partnerships,
    "headcounts": read_headcounts,
}
_EXPORT = "a CSV or XLSX export"
_TABLE = "a CSV or XLSX export, or a .parquet table written by 'kvanalytics ingest'"
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_QUARTER = re.compile(r"(\d{4})[Qq]([1-4])")
_T = TypeVar("_T")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status (see the module docstring).

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments after the program name; default ``sys.argv[1:]``.

    Returns
    -------
    int
        0 success, 2 user or usage error, 1 unexpected error (a bug), 130 interrupted.

    Examples
    --------
    >>> main(["exposure", "--partnerships", "p.csv", "--at", "2022-02-30"])  # doctest: +SKIP
    kvanalytics: error: --at '2022-02-30': no such day (day is out of range for month); ...
    2
    """
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # argparse: usage errors (2), --help (0)
        return exc.code if isinstance(exc.code, int) else EXIT_USER_ERROR
    try:
        code = int(args.func(args) or EXIT_OK)
        sys.stdout.flush()  # a closed pipe shows here, inside the handler, not at exit
        return code
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    except KeyboardInterrupt:
        return _report(args, EXIT_INTERRUPTED, "kvanalytics: interrupted")
    except KvError as exc:
        return _report(args, EXIT_USER_ERROR, PREFIX + (str(exc) or type(exc).__name__))
    except OSError as exc:  # the file system refused (permission, disk full): not a bug
        where = f"{exc.filename}: " if exc.filename else ""
        return _report(args, EXIT_USER_ERROR, f"{PREFIX}{where}{exc.strerror or exc}")
    except Exception as exc:
        first = (str(exc).strip().splitlines() or [""])[0][:200]
        what = f"{type(exc).__name__}: {first}" if first else type(exc).__name__
        return _report(args, EXIT_BUG, f"kvanalytics: internal error ({what}); {BUG_HINT}")


def _report(args: argparse.Namespace, code: int, message: str) -> int:
    """Print ``message`` (every line) to stderr, after the traceback under ``--debug``."""
    if args.debug:
        traceback.print_exc()
    print(message, file=sys.stderr)
    return code


def _silence_stdout() -> None:
    """Point stdout at /dev/null so that the interpreter's final flush does not complain."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no real file descriptor (tests capture stdout)
        pass


# ------------------------------------------------------------------------------------------------
# The parser
# ------------------------------------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    # --debug is accepted before and after the command: the sub-parsers' copy has no default,
    # so it does not overwrite the main parser's value when it is not given after the command.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--debug",
        action="store_true",
        default=argparse.SUPPRESS,
        help="print the traceback of an error",
    )
    p = argparse.ArgumentParser(
        prog="kvanalytics",
        description="Exposure and freeze-impact analytics for university partnerships.",
        epilog="Exit status: 0 ok, 2 bad input or options, 1 a bug (run with --debug).",
    )
    p.add_argument("--debug", action="store_true", help="print the traceback of an error")
    sub = p.add_subparsers(title="commands", dest="command", metavar="COMMAND", required=True)
    commands = [
        ("ingest", "read exports into canonical tables + rejects", _add_ingest),
        (
            "inspect",
            "dry run of ingest on one file: headers, decisions, what is missing",
            _add_inspect,
        ),
        ("exposure", "exposure table at a date", _add_exposure),
        ("impact", "freeze impact of a scenario", _add_impact),
        ("screen", "screen partners against watchlists: hits and coverage", _add_screen),
        ("report", "render the quarterly report (HTML, charts, Excel)", _add_report),
        ("dashboard", "serve the live what-if dashboard in the browser (Voilà)", _add_dashboard),
    ]
    for name, help_, add_options in commands:
        add_options(sub.add_parser(name, parents=[common], help=help_))
    return p


def _add_ingest(ing: argparse.ArgumentParser) -> None:
    ing.add_argument("table", choices=[*_READERS, "horizon"])
    ing.add_argument("files", nargs="+", type=Path, metavar="FILE")
    ing.add_argument("--out", type=Path, required=True, help="output directory")
    ing.add_argument("--columns", type=Path, help="YAML mapping of extra headers to fields")
    ing.add_argument("--sheet", help="workbook sheet to read")
    ing.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="FIELD=VALUE",
        help="a value for every row of a file without that column (repeatable): "
        "--set faculty=ETSIT --set kind=exchange --set start=2026-09-01",
    )
    ing.add_argument(
        "--ties",
        action="store_true",
        help="several partners per agreement: (agreement_id, partner) is unique, not the id",
    )
    ing.add_argument("--json", action="store_true", help="print one JSON summary object")
    ing.add_argument(
        "--home",
        action="append",
        help="horizon: the home organisation's PIC (9 digits) or name; repeat for its other names",
    )
    ing.set_defaults(func=_cmd_ingest)


def _add_inspect(ins: argparse.ArgumentParser) -> None:
    ins.add_argument(
        "file",
        type=Path,
        nargs="+",
        metavar="FILE",
        help="the export (for --table horizon also its CORDIS project file)",
    )
    ins.add_argument(
        "--table",
        choices=[*_READERS, "horizon"],
        default=None,
        help="read it as (default partnerships)",
    )
    ins.add_argument("--columns", type=Path, help="YAML mapping of extra headers to fields")
    ins.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="FIELD=VALUE",
        help="a value for every row of a file without that column (repeatable), as for ingest",
    )
    ins.add_argument("--sheet", help="workbook sheet to read")
    ins.add_argument(
        "--home",
        action="append",
        help="horizon: the home organisation's PIC (9 digits) or name; repeat for its other names",
    )
    ins.add_argument(
        "--write-mapping",
        type=Path,
        metavar="MAP.yaml",
        help="write the header decisions as an editable mapping for --columns",
    )
    ins.add_argument("--json", action="store_true", help="print one JSON object")
    ins.set_defaults(func=_cmd_inspect)


def _add_exposure(exp: argparse.ArgumentParser) -> None:
    exp.add_argument("--partnerships", type=Path, required=True, metavar="F")
    exp.add_argument("--headcounts", type=Path, metavar="G")
    exp.add_argument(
        "--by", default="country", help=f"comma-separated keys among {', '.join(KEYS)}"
    )
    exp.add_argument("--at", help="date (YYYY-MM-DD); default today")
    exp.add_argument(
        "--risk-profile",
        help="bundled name(s) or CSV path(s), comma-separated; several combine by the highest tier",
    )
    exp.add_argument("--format", choices=["csv", "json", "xlsx"], default="csv")
    exp.add_argument("--out", type=Path, help="output file (xlsx requires it); default stdout")
    exp.add_argument(
        "--no-suppress",
        action="store_true",
        help="internal use: do not suppress small headcount cells",
    )
    exp.set_defaults(func=_cmd_exposure)


def _add_impact(imp: argparse.ArgumentParser) -> None:
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


def _add_report(rep: argparse.ArgumentParser) -> None:
    rep.add_argument("--project", type=Path, metavar="FILE", help="a kvanalytics.yaml project file")
    rep.add_argument("--partnerships", type=Path, nargs="+", default=[], metavar="F")
    rep.add_argument("--headcounts", type=Path, nargs="+", default=[], metavar="G")
    rep.add_argument(
        "--horizon",
        type=Path,
        nargs="+",
        default=[],
        metavar="F",
        help="Horizon participation tables (CORDIS, Dashboard); needs --home",
    )
    rep.add_argument(
        "--home",
        action="append",
        help="--horizon: the home organisation's PIC (9 digits) or name; repeat for other names",
    )
    rep.add_argument(
        "--columns",
        type=Path,
        metavar="MAP",
        help="YAML mapping of extra headers to fields, for --partnerships",
    )
    rep.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="FIELD=VALUE",
        help="a value for every row of a --partnerships file without that column (repeatable)",
    )
    rep.add_argument(
        "--headcounts-set",
        action="append",
        default=[],
        metavar="FIELD=VALUE",
        help="the same for --headcounts files: --headcounts-set basis=nationality",
    )
    rep.add_argument(
        "--data", type=Path, help="a folder of sample-style files (default: the bundled sample)"
    )
    rep.add_argument("--quarter", help="e.g. 2026Q3; default the latest complete quarter")
    rep.add_argument("--lang", choices=["en", "nl"], help="default: the project's, else en")
    rep.add_argument(
        "--risk-profile",
        help="lenses, comma-separated, combined by the highest tier (default: the project's, "
        "else the dated freedom-house)",
    )
    rep.add_argument("--out", type=Path, help="output directory (default reports/<quarter>)")
    rep.add_argument("--no-pdf", action="store_true", help="write the HTML only")
    rep.add_argument("--no-cache", action="store_true", help="ingest every input afresh")
    rep.set_defaults(func=_cmd_report)


# ------------------------------------------------------------------------------------------------
# Checks of option values: each raises a KvError naming the option and what is allowed
# ------------------------------------------------------------------------------------------------


def _input_file(path: Path, option: str, kinds: str = _EXPORT) -> Path:
    """``path`` if it is a non-empty file, else an :class:`InputFileError` naming ``option``."""
    if not path.exists():
        raise InputFileError(f"{option} {path}: no such file; give the path of {kinds}.")
    if path.is_dir():
        raise InputFileError(f"{option} {path}: is a directory; give the path of {kinds}.")
    if path.stat().st_size == 0:
        raise InputFileError(f"{option} {path}: the file is empty; give {kinds}.")
    return path


def _data_dir(path: Path, option: str) -> Path:
    """A directory holding ``sample_partnerships.csv`` (the sample-style raw files)."""
    if not path.exists():
        raise InputFileError(f"{option} {path}: no such directory.")
    if not path.is_dir():
        raise InputFileError(
            f"{option} {path}: is a file; give the directory that holds sample_partnerships.csv."
        )
    if not (path / "sample_partnerships.csv").is_file():
        raise InputFileError(
            f"{option} {path}: no sample_partnerships.csv in it; give the directory of the "
            "sample-style raw files, or --partnerships F [--headcounts G]."
        )
    return path


def _output_file(out: Path | None, fmt: str) -> None:
    """``--out`` fits ``--format``: a file in an existing folder, .xlsx exactly for xlsx."""
    if out is None:
        if fmt == "xlsx":
            raise OptionError("--format xlsx needs --out FILE.xlsx (a workbook is not text).")
        return
    if out.is_dir():
        raise OutputPathError(f"--out {out}: is a directory; give a file name in it.")
    if not out.parent.is_dir():
        raise OutputPathError(
            f"--out {out}: the folder {out.parent} does not exist; create it or choose another."
        )
    is_xlsx = out.suffix.lower() == ".xlsx"
    if fmt == "xlsx" and not is_xlsx:
        raise OptionError(f"--out {out}: --format xlsx writes a workbook; name it *.xlsx.")
    if fmt != "xlsx" and is_xlsx:
        raise OptionError(
            f"--out {out}: --format {fmt} writes text, not a workbook; add --format xlsx "
            "or choose another file name."
        )


def _output_dir(out: Path, option: str) -> Path:
    if out.exists() and not out.is_dir():
        raise OutputPathError(
            f"{option} {out}: is a file; give a directory (it is created if missing)."
        )
    return out


def _parse_date(text: str, option: str) -> pd.Timestamp:
    """An ISO date ``YYYY-MM-DD`` that exists (not 2022-02-30)."""
    hint = "use a date YYYY-MM-DD, e.g. 2026-09-30"
    if not _ISO_DATE.fullmatch(text.strip()):
        raise OptionError(f"{option} {text!r}: not a date; {hint}.")
    try:
        dt.date.fromisoformat(text.strip())  # "day is out of range for month"; no year 0
    except ValueError as exc:
        raise OptionError(f"{option} {text!r}: no such day ({exc}); {hint}.") from None
    return pd.Timestamp(text.strip())


def _parse_quarter(text: str, option: str) -> str:
    """A quarter ``YYYYQn`` (n 1..4), returned upper-case: ``"2026Q3"``."""
    m = _QUARTER.fullmatch(text.strip())
    if not m:
        raise OptionError(f"{option} {text!r}: not a quarter; use YYYYQn with n 1..4, e.g. 2026Q3.")
    return f"{m.group(1)}Q{m.group(2)}"


def _parse_by(text: str) -> tuple[str, ...]:
    """Comma-separated distinct keys among :data:`kvanalytics.exposure.KEYS`."""
    allowed = f"use one or more of {', '.join(KEYS)}, separated by commas, e.g. country,faculty"
    keys = tuple(b.strip() for b in text.split(",") if b.strip())
    if not keys:
        raise OptionError(f"--by {text!r}: no key; {allowed}.")
    unknown = [k for k in keys if k not in KEYS]
    if unknown:
        raise OptionError(f"--by {text!r}: unknown key {', '.join(map(repr, unknown))}; {allowed}.")
    twice = sorted({k for k in keys if keys.count(k) > 1})
    if twice:
        raise OptionError(
            f"--by {text!r}: {', '.join(map(repr, twice))} given twice; name each key once."
        )
    return keys


def _named(option: str, load: Callable[[str], _T], name: str) -> _T:
    """``load(name)``; an unknown name's message starts with the option that gave it."""
    if not name.strip():
        raise OptionError(f"{option} {name!r}: empty; give a bundled name or a file path.")
    try:
        return load(name)
    except UnknownNameError as exc:
        raise UnknownNameError(f"{option}: {exc}") from exc


# ------------------------------------------------------------------------------------------------
# Reading inputs
# ------------------------------------------------------------------------------------------------


def _read_columns_yaml(path: Path | None) -> dict[str, str] | None:
    if path is None:
        return None
    shape = "a YAML mapping 'Header in file: field'"
    _input_file(path, "--columns", shape)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise OptionError(f"--columns {path}: not UTF-8 text; give {shape}.") from None
    except (yaml.YAMLError, ValueError) as exc:  # ValueError: an impossible date in the YAML
        raise OptionError(f"--columns {path}: not valid YAML ({exc}); give {shape}.") from None
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise OptionError(f"--columns {path}: expected {shape}.")
    return {str(k): v for k, v in data.items()}


def _parse_sets(items: Sequence[str], option: str = "--set") -> dict[str, str]:
    """``--set field=value`` options as a defaults mapping."""
    out: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise OptionError(f"{option} {item}: expected FIELD=VALUE, e.g. --set kind=exchange.")
        if name.strip() in out:
            raise OptionError(f"{option} {name.strip()} is given twice; give it once.")
        out[name.strip()] = value.strip()
    return out


def _read_table(path: Path, table: str, option: str) -> pd.DataFrame:
    """Canonical tables from parquet written by ``ingest``, or raw exports read strictly."""
    _input_file(path, option, _TABLE)
    if path.suffix.lower() == ".parquet":
        return _read_parquet(path, table, option)
    result = _READERS[table](path, errors="collect")
    if len(result.rejects):
        print(
            f"kvanalytics: note: {path}: {len(result.rejects)} rows rejected "
            f"({', '.join(f'{n} {r}' for r, n in result.report.by_reason.items())}); "
            "run 'kvanalytics ingest' to see them",
            file=sys.stderr,
        )
    return result.table


def _read_parquet(path: Path, table: str, option: str) -> pd.DataFrame:
    try:
        df = pd.read_parquet(path)
    except (pa.ArrowException, OSError) as exc:
        first = (str(exc).splitlines() or [""])[0]
        raise InputFileError(
            f"{option} {path}: not a readable parquet table ({first}); give {_TABLE}."
        ) from None
    missing = [c for c in REQUIRED[table] if c not in df.columns]
    if missing:
        kind = next((t for t, cols in REQUIRED.items() if set(cols) <= set(df.columns)), None)
        what = (
            f"is a {kind} table, not {table}"
            if kind
            else f"not a {table} table (no {', '.join(missing)})"
        )
        fix = f"give it as --{kind}" if kind else f"give the {table}.parquet written by ingest"
        raise OptionError(f"{option} {path}: {what}; {fix}.")
    return df


# ------------------------------------------------------------------------------------------------
# The commands
# ------------------------------------------------------------------------------------------------


def _cmd_ingest(args: argparse.Namespace) -> int:
    if args.table == "horizon":
        return _cmd_ingest_horizon(args)
    files = [_input_file(f, f"ingest {args.table} FILE") for f in args.files]
    out = _output_dir(args.out, "--out")
    columns = _read_columns_yaml(args.columns)
    options: dict[str, Any] = {"defaults": _parse_sets(args.set)}
    if args.ties:
        if args.table != "partnerships":
            raise OptionError("--ties is for partnerships (several partners per agreement).")
        options["ties"] = True
    result = _READERS[args.table](
        files, columns=columns, sheet=args.sheet, errors="collect", **options
    )
    return _write_ingested(
        result, out, f"{args.table}.parquet", f"{args.table}_rejects.csv", args.json
    )


def _write_ingested(
    result: Any, out: Path, table_name: str, rejects_name: str, as_json: bool
) -> int:
    """Write the table (parquet) and its rejects (CSV) into ``out`` and print the report."""
    out.mkdir(parents=True, exist_ok=True)
    table_path, rejects_path = out / table_name, out / rejects_name
    result.table.to_parquet(table_path, index=False)
    result.rejects.to_csv(rejects_path, index=False)
    if as_json:
        print(json.dumps(result.report.to_dict()))
    else:
        print(result.report)
        print(f"wrote {table_path} and {rejects_path}")
    return EXIT_OK


def _home(given: list[str] | None) -> str | list[str] | None:
    """``--home`` as given: one PIC or name, or the list of them when repeated."""
    if not given:
        return None
    return given[0] if len(given) == 1 else list(given)


def _cmd_ingest_horizon(args: argparse.Namespace) -> int:
    """``ingest horizon FILE... --home PIC --out DIR``: the home's ties as a partnerships table."""
    if not args.home:
        raise OptionError("ingest horizon: --home is required: the home organisation's PIC or name")
    files = [_input_file(f, "ingest horizon FILE") for f in args.files]
    out = _output_dir(args.out, "--out")
    home = _home(args.home)
    assert home is not None  # checked above
    result = read_horizon(files, home=home, sheet=args.sheet, errors="collect")
    return _write_ingested(
        result, out, "horizon_partnerships.parquet", "horizon_rejects.csv", args.json
    )


def _cmd_inspect(args: argparse.Namespace) -> int:
    """``inspect FILE``: what ingest would find, decide, accept and reject; writes nothing but
    the ``--write-mapping`` file."""
    paths = [_input_file(f, "inspect FILE") for f in args.file]
    if len(paths) > 1 and args.table != "horizon":
        raise OptionError(
            f"inspect: {len(paths)} files given; inspect one file at a time, or a participation "
            "table with its CORDIS project file with --table horizon."
        )
    path = paths[0]
    columns = _read_columns_yaml(args.columns)
    sets = _parse_sets(args.set)
    if args.table == "horizon" and (columns or sets or args.write_mapping):
        given = [o for o, v in [("--columns", columns), ("--set", sets)] if v]
        given += ["--write-mapping"] if args.write_mapping else []
        raise OptionError(
            f"inspect --table horizon: {', '.join(given)} do not apply (a participation table is "
            "read by fixed column aliases); give FILE [--sheet S] [--home PIC]."
        )
    if args.home is not None and args.table != "horizon":
        raise OptionError(f"--home is for --table horizon, not {args.table}.")
    if args.write_mapping is not None:
        _mapping_path(args.write_mapping)
    guessed = args.table is None
    args.table = args.table or "partnerships"
    result = inspect_export(
        paths if args.table == "horizon" else path,
        table=args.table,
        columns=columns,
        defaults=sets,
        sheet=args.sheet,
        home=_home(args.home),
    )
    hint = _table_hint(path, result, args) if guessed else None
    wrote = None
    if args.write_mapping is not None:
        try:
            wrote = result.write_mapping(args.write_mapping)
        except OSError as exc:
            raise OutputPathError(
                f"--write-mapping {args.write_mapping}: cannot write it ({exc.strerror or exc})."
            ) from exc
    if args.json:
        doc = result.to_dict()
        doc["wrote_mapping"] = str(wrote) if wrote else None
        print(json.dumps(doc, ensure_ascii=False, default=str))
    else:
        print(result)
        if hint:
            print(f"\n{hint}")
        if wrote:
            print(f"\nwrote {wrote}: pass it back with --columns {wrote}")
    return EXIT_OK


def _table_hint(path: Path, result: Any, args: argparse.Namespace) -> str | None:
    """Without ``--table``, a file read as partnerships that lacks partner and country but
    reads completely as headcounts gets the line that inspects it as what it is."""
    missing = set(result.missing["field"])
    if not {"partner", "country"} <= missing:
        return None
    try:
        other = inspect_export(path, table="headcounts", sheet=args.sheet)
    except KvError:
        return None  # not a headcounts file either: the missing fields above say what to add
    if len(other.missing):
        return None
    return (
        f"hint: every headcounts field was found in it: this looks like a headcounts file; "
        f"run kvanalytics inspect {path} --table headcounts"
    )


def _mapping_path(out: Path) -> None:
    """``--write-mapping`` names a file in an existing folder."""
    if out.is_dir():
        raise OutputPathError(f"--write-mapping {out}: is a directory; give a file name in it.")
    if not out.parent.is_dir():
        raise OutputPathError(
            f"--write-mapping {out}: the folder {out.parent} does not exist; create it or "
            "choose another."
        )


def _cmd_exposure(args: argparse.Namespace) -> int:
    by = _parse_by(args.by)
    at = _parse_date(args.at, "--at") if args.at is not None else None
    _output_file(args.out, args.format)
    names = [] if args.risk_profile is None else [n.strip() for n in args.risk_profile.split(",")]
    loaded = [_named("--risk-profile", load_risk_profile, n) for n in names]
    profile = None if not loaded else loaded[0] if len(loaded) == 1 else loaded
    partnerships = _read_table(args.partnerships, "partnerships", "--partnerships")
    headcounts = (
        _read_table(args.headcounts, "headcounts", "--headcounts") if args.headcounts else None
    )
    table = exposure(partnerships, headcounts, by=by, at=at, risk_profile=profile)
    if headcounts is not None and not args.no_suppress:
        people = [c for c in (*GROUPS, *PEOPLE_SUMS) if c in table.columns]
        table = suppress_counts(table, people)
    _emit(table, args.format, args.out, name="exposure")
    return EXIT_OK


def _emit(table: pd.DataFrame, fmt: str, out: Path | None, *, name: str) -> None:
    if fmt == "xlsx":
        assert out is not None  # checked by _output_file before any work
        to_excel({name: table}, out)
        print(f"wrote {out}")
        return
    if fmt == "json":
        text = table.to_json(orient="records", date_format="iso", force_ascii=False)
    else:
        text = table.to_csv(index=False)
    _write_text(text, out)


def _write_text(text: str, out: Path | None) -> None:
    if out is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:  # disk full, no permission: say which file
        raise OutputPathError(f"--out {out}: cannot write it ({exc.strerror or exc}).") from exc


def _impact_files(args: argparse.Namespace) -> tuple[Path, Path | None, str]:
    """The partnerships and headcounts files, and the option they come from: ``--data`` or
    ``--partnerships`` (with ``--headcounts``)."""
    if args.data is not None and (args.partnerships or args.headcounts):
        raise OptionError(
            "--data conflicts with --partnerships/--headcounts; give either --data DIR (the "
            "sample-style files in it) or --partnerships F [--headcounts G]."
        )
    if args.headcounts is not None and args.partnerships is None:
        raise OptionError(
            "--headcounts needs --partnerships F (the agreements the people belong to)."
        )
    if args.partnerships is not None:
        return args.partnerships, args.headcounts, ""
    data = _data_dir(args.data, "--data") if args.data is not None else config.RAW_DIR
    h = data / "sample_headcounts.xlsx"
    return data / "sample_partnerships.csv", (h if h.exists() else None), "--data"


def _cmd_impact(args: argparse.Namespace) -> int:
    if args.format == "table" and args.out is not None:
        raise OptionError("--out needs --format csv, json or xlsx; --format table prints.")
    _output_file(args.out, args.format)
    p, h, data = _impact_files(args)
    scenario = _named("impact SCENARIO", load_scenario, args.scenario)
    partnerships = _read_table(p, "partnerships", data or "--partnerships")
    headcounts = _read_table(h, "headcounts", data or "--headcounts") if h is not None else None
    _emit_impact(impact(scenario, partnerships, headcounts), scenario, args)
    return EXIT_OK


def _emit_impact(result: Any, scenario: Scenario, args: argparse.Namespace) -> None:
    # the summary and its tables of parts are published together (a total never gives back
    # a hidden part): Impact.published
    tables = (
        {
            "summary": result.summary,
            "by_faculty": result.by_faculty,
            "by_country": result.by_country,
        }
        if args.no_suppress
        else result.published()
    )

    if args.format == "json":
        doc = result.to_dict(suppress=not args.no_suppress)
        _write_text(json.dumps(doc, ensure_ascii=False, default=str, indent=2), args.out)
    elif args.format == "table":
        s = result.scenario
        print(f"{s.name} (effective {pd.Timestamp(s.effective).date()})")
        print(_terminal(tables["summary"]))
        for note in result.notes:
            print(f"note: {note}")
    elif args.format == "csv":
        _emit(tables["summary"], "csv", args.out, name="impact")
    else:
        to_excel(
            {
                **tables,
                "affected": result.affected,
            },
            args.out,
            parameters={"scenario": scenario.name, "effective": str(scenario.effective)},
        )
        print(f"wrote {args.out}")


# ------------------------------------------------------------------------------------------------
# screen: partners against watchlists (hits with evidence, and the coverage of every list)
# ------------------------------------------------------------------------------------------------

#: Columns of the hits shown by ``screen`` (partner_key and status are in the JSON and CSV).
_SCREEN_TABLE_HITS = ["kind", "list", "partner", "country", "entry_name", "matched_name"]
_SCREEN_TABLE_HITS += ["score", "method", "decision", "listed_on", "timing", "n_agreements"]
_SCREEN_TABLE_COVERAGE = ["list", "kind", "list_date", "edition_age_years", "entries"]
_SCREEN_TABLE_COVERAGE += ["partners_screened", "partners_with_identifier"]
_SCREEN_TABLE_COVERAGE += ["partners_not_identifiable", "partners_with_hit", "source"]


def _add_screen(scr: argparse.ArgumentParser) -> None:
    scr.add_argument(
        "--partnerships", type=Path, required=True, nargs="+", action="extend", metavar="F"
    )
    scr.add_argument(
        "--watchlist",
        required=True,
        nargs="+",
        action="extend",
        metavar="NAME|PATH",
        help="bundled watchlist name or a list file (CSV, CSL, SDN, UN XML, OpenSanctions FtM)",
    )
    scr.add_argument("--as-of", help="date (YYYY-MM-DD) the listings are checked against")
    scr.add_argument("--format", choices=["table", "csv", "json"], default="table")
    scr.add_argument("--out", type=Path, help="output file (csv or json); default stdout")
    scr.set_defaults(func=_cmd_screen)


def _cmd_screen(args: argparse.Namespace) -> int:
    if args.format == "table" and args.out is not None:
        raise OptionError("--out needs --format csv or json; --format table prints.")
    _output_file(args.out, args.format)
    as_of = _parse_date(args.as_of, "--as-of") if args.as_of is not None else None
    lists = [_named("--watchlist", load_watchlist, w) for w in args.watchlist]
    tables = [_read_table(f, "partnerships", "--partnerships") for f in args.partnerships]
    partnerships = pd.concat(tables, ignore_index=True) if len(tables) > 1 else tables[0]
    # institutions only: person-type entries are never matched against a partner name
    result = screen(partnerships, lists, as_of=as_of, entity_types=("entity",))
    _emit_screen(result, args)
    return EXIT_OK


def _terminal(df: pd.DataFrame) -> str:
    """``df`` as a terminal table without pandas' missing markers: a missing cell (an undated
    list's ``listed_on``, an unknown metric) reads "unknown", never ``NaT``, ``NaN`` or ``<NA>``."""
    cells = df.astype(object).where(df.notna(), "unknown")
    return cells.to_string(index=False)


def _emit_screen(result: Screening, args: argparse.Namespace) -> None:
    """Hits and coverage: no headcount is in either (a partner name is not personal data)."""
    hits, coverage = result.hits, result.coverage
    if args.format == "json":
        doc = {
            "as_of": None if result.as_of is None else str(result.as_of.date()),
            "status": "every hit is an unadjudicated name match; no hit is not clearance",
            "hits": json.loads(hits.to_json(orient="records", date_format="iso")),
            "coverage": json.loads(coverage.to_json(orient="records", date_format="iso")),
        }
        _write_text(json.dumps(doc, ensure_ascii=False, indent=2), args.out)
    elif args.format == "csv":
        _emit(
            pd.concat([hits.assign(table="hit"), _coverage_rows(coverage)]),
            "csv",
            args.out,
            name="screen",
        )
    else:
        when = "any date" if result.as_of is None else str(result.as_of.date())
        print(f"Screening as of {when}: {len(hits)} hit(s), each an unadjudicated name match.")
        with pd.option_context("display.max_colwidth", 60, "display.width", 200):
            print(_terminal(hits[_SCREEN_TABLE_HITS]) if len(hits) else "(no hit)")
            print("\nCoverage (no hit is not clearance)")
            print(_terminal(coverage[_SCREEN_TABLE_COVERAGE]))
        for lst, note, regimes in coverage[["list", "note", "eu_regimes"]].itertuples(index=False):
            print(f"- {lst}: {note}")
            if isinstance(regimes, str):
                print(f"  EU regimes named by its programmes: {regimes}")


def _coverage_rows(coverage: pd.DataFrame) -> pd.DataFrame:
    """Coverage rows for the one CSV with the hits: ``table`` = coverage, columns prefixed."""
    shared = {"list", "kind"}
    return coverage.rename(
        columns={c: f"coverage_{c}" for c in coverage if c not in shared}
    ).assign(table="coverage")


def _report_project(args: argparse.Namespace) -> Project:
    """The project the report options describe: ``--project F`` or the input options."""
    inputs = [
        o
        for o, v in [
            ("--partnerships", args.partnerships),
            ("--headcounts", args.headcounts),
            ("--horizon", args.horizon),
            ("--home", args.home),
            ("--columns", args.columns),
            ("--set", args.set),
            ("--headcounts-set", args.headcounts_set),
            ("--data", args.data),
        ]
        if v
    ]
    if args.project is not None:
        if inputs:
            raise OptionError(
                f"--project conflicts with {', '.join(inputs)}: the project file names its "
                "inputs; edit it, or give the input options without --project."
            )
        _input_file(args.project, "--project", "a kvanalytics.yaml project file")
        return load_project(args.project)
    if args.data is not None:
        _data_dir(args.data, "--data")
    return project_from_options(
        partnerships=[_input_file(f, "--partnerships") for f in args.partnerships],
        headcounts=[_input_file(f, "--headcounts") for f in args.headcounts],
        horizon=[_input_file(f, "--horizon") for f in args.horizon],
        home=_home(args.home),
        columns=_read_columns_yaml(args.columns),
        defaults=_partnership_sets(args.set),
        headcount_defaults=_parse_sets(args.headcounts_set, "--headcounts-set"),
        data_dir=args.data,
        risk_profile=args.risk_profile or "freedom-house",
    )


def _partnership_sets(items: Sequence[str]) -> dict[str, str]:
    """``--set`` of the report and dashboard (partnerships files); a field only headcounts
    take (``basis``, ``period``, ``group``) is pointed to ``--headcounts-set``."""
    sets = _parse_sets(items)
    only = [
        f for f in sets if f in DEFAULTABLE["headcounts"] and f not in DEFAULTABLE["partnerships"]
    ]
    if only:
        fix = " ".join(f"--headcounts-set {f}={sets[f]}" for f in only)
        raise OptionError(
            f"--set {', '.join(only)}: a headcounts field, and --set fills the --partnerships "
            f"files; give it for the headcounts files as {fix}."
        )
    return sets


def _cmd_report(args: argparse.Namespace) -> int:
    # Every option is checked here, before anything is read or drawn.
    quarter = _parse_quarter(args.quarter, "--quarter") if args.quarter is not None else None
    out = _output_dir(args.out, "--out") if args.out is not None else None
    for name in split_names(args.risk_profile or ""):
        _named("--risk-profile", load_risk_profile, name)
    project = _report_project(args)
    done = render_report(
        project,
        quarter=quarter,
        lang=args.lang,
        risk_profile=args.risk_profile,
        out_dir=out,
        pdf=not args.no_pdf,
        cache=not args.no_cache,
    )
    manifest = json.loads((done / "manifest.json").read_text(encoding="utf-8"))
    for note in manifest.get("warnings", []):
        print(f"kvanalytics: note: {note}", file=sys.stderr)
    print(f"wrote {done / 'report.html'}")
    pdf = manifest.get("pdf", {})
    if pdf.get("written"):
        print(f"wrote {done / 'report.pdf'}")
    elif not args.no_pdf:
        print(f"kvanalytics: PDF skipped: {pdf.get('reason')}; {pdf.get('fix')}", file=sys.stderr)
    return EXIT_OK


# ------------------------------------------------------------------------------------------------
# dashboard: notebook 05 served by Voilà on 127.0.0.1
# ------------------------------------------------------------------------------------------------

_DASHBOARD_START_S = 60.0  # Voilà listens within a few seconds; a slow first start gets a minute


def _add_dashboard(d: argparse.ArgumentParser) -> None:
    d.add_argument("--project", type=Path, metavar="F", help="a project file (kvanalytics.yaml)")
    d.add_argument("--data", type=Path, metavar="DIR", help="a folder of sample-style raw files")
    d.add_argument("--partnerships", type=Path, nargs="+", default=[], metavar="F")
    d.add_argument("--headcounts", type=Path, nargs="+", default=[], metavar="G")
    d.add_argument("--horizon", type=Path, nargs="+", default=[], metavar="F")
    d.add_argument(
        "--home",
        action="append",
        help="horizon: the home organisation's PIC (9 digits) or name; repeat for its other names",
    )
    d.add_argument("--columns", type=Path, metavar="MAP", help="YAML mapping of headers to fields")
    d.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="FIELD=VALUE",
        help="a value for every row of a partnerships file without that column (repeatable)",
    )
    d.add_argument(
        "--headcounts-set",
        action="append",
        default=[],
        metavar="FIELD=VALUE",
        help="the same for --headcounts files: --headcounts-set basis=nationality",
    )
    d.add_argument("--port", type=int, default=8866, help="port on 127.0.0.1 (default 8866)")
    d.add_argument("--no-browser", action="store_true", help="do not open a browser")
    d.add_argument("--lang", choices=["en", "nl"], help="default: the project's, else en")
    d.set_defaults(func=_cmd_dashboard, risk_profile=None)  # _report_project reads risk_profile


def _dashboard_settings(args: argparse.Namespace) -> dict[str, Any]:
    """The project the dashboard reads, checked as the report's (:func:`_report_project`) and
    read once here, so that a bad input is a KvError before any server starts (and the notebook
    reuses the ingest); returned as the JSON settings the notebook reads
    (:func:`kvanalytics.widgets.dashboard_inputs`), with absolute paths."""
    project = _report_project(args)
    read_inputs(project)
    settings: dict[str, Any] = {"lang": args.lang or project.lang}
    if args.project is not None:
        settings["project"] = str(args.project.resolve())
        return settings
    settings["options"] = {
        "partnerships": [str(f.resolve()) for f in args.partnerships],
        "headcounts": [str(f.resolve()) for f in args.headcounts],
        "horizon": [str(f.resolve()) for f in args.horizon],
        "home": _home(args.home),
        "columns": _read_columns_yaml(args.columns),
        "defaults": _partnership_sets(args.set),
        "headcount_defaults": _parse_sets(args.headcounts_set, "--headcounts-set"),
        "data_dir": str(args.data.resolve()) if args.data else None,
        "root": str(Path.cwd()),
    }
    return settings


def _port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # a closed one in TIME_WAIT is free
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _listening(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def _voila_failed(log: Path, why: str) -> NotebookError:
    tail = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-8:]
    return NotebookError(f"the dashboard server {why}; its last lines ({log}):\n" + "\n".join(tail))


def _cmd_dashboard(args: argparse.Namespace) -> int:
    if not 1 <= args.port <= 65535:
        raise OptionError(f"--port {args.port}: not a port; give a number 1..65535, e.g. 8866.")
    if importlib.util.find_spec("voila") is None:
        raise OptionError("the dashboard needs Voilà: pip install 'kvanalytics[lab]'.")
    settings = _dashboard_settings(args)
    if not _port_is_free(args.port):
        raise OptionError(
            f"--port {args.port}: 127.0.0.1:{args.port} is in use (another dashboard?); stop "
            f"that program or give another port, e.g. --port {args.port + 1}."
        )
    work = Path(tempfile.mkdtemp(prefix="kvanalytics-dashboard-"))
    try:
        return _serve(args, settings, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _serve(args: argparse.Namespace, settings: dict[str, Any], work: Path) -> int:
    """Run Voilà on notebook 05 until it ends or Ctrl-C / SIGTERM; always stop it."""
    (work / "settings.json").write_text(json.dumps(settings), encoding="utf-8")
    log = work / "voila.log"
    cmd = [
        sys.executable, "-m", "voila", DASHBOARD_NOTEBOOK.name, f"--port={args.port}",
        "--Voila.ip=127.0.0.1", "--Voila.port_retries=0", "--no-browser",
        "--strip_sources=True", "--show_tracebacks=False",
    ]  # fmt: skip
    env = {**os.environ, ENV_SETTINGS: str(work / "settings.json")}
    url = f"http://127.0.0.1:{args.port}/"
    # SIGTERM (a test, a service manager) stops the server as Ctrl-C does
    previous = signal.signal(signal.SIGTERM, signal.default_int_handler)
    with log.open("w", encoding="utf-8") as out:
        proc = subprocess.Popen(
            cmd, cwd=DASHBOARD_NOTEBOOK.parent, env=env, stdout=out, stderr=subprocess.STDOUT
        )
        try:
            deadline = time.monotonic() + _DASHBOARD_START_S
            while not _listening(args.port):
                if proc.poll() is not None:
                    raise _voila_failed(log, f"stopped at start (exit {proc.returncode})")
                if time.monotonic() > deadline:
                    raise _voila_failed(log, f"did not listen within {_DASHBOARD_START_S:.0f} s")
                time.sleep(0.2)
            print(f"kvanalytics dashboard: {url}  (Ctrl-C stops it)", flush=True)
            if not args.no_browser:
                webbrowser.open(url)
            code = proc.wait()
            if code != 0:
                raise _voila_failed(log, f"stopped (exit {code})")
            return EXIT_OK
        except KeyboardInterrupt:
            print("kvanalytics dashboard: stopped", file=sys.stderr)
            return EXIT_OK
        finally:
            _stop(proc)
            signal.signal(signal.SIGTERM, previous)


def _stop(proc: subprocess.Popen[Any]) -> None:
    """Stop Voilà (SIGTERM: it shuts its kernels down), then kill it if it does not end."""
    with contextlib.suppress(ProcessLookupError):
        if proc.poll() is None:
            proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
