"""No user error ends in a traceback: every bad invocation exits 2 with a message naming it.

One table of bad argument lists covers every subcommand; each case names the substring(s) its
message must hold. Placeholders in braces are paths made by the ``paths`` fixture. The cases run
in-process through ``main(argv)``; a few run again through a real ``python -m kvanalytics.cli``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kvanalytics import cli
from kvanalytics.ingest import read_headcounts, read_partnerships

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "cli"
RAW = ROOT / "data" / "raw"

EXPORT = (
    "Kenmerk;Partnerinstelling;Land;Faculteit;Soort;Startdatum\n"
    "A1;Lomonosov Moscow State University;Rusland;Rechten;onderzoek;01-09-2020\n"
)
HEADCOUNTS = "Periode;Faculteit;Groep;Nationaliteit;Aantal\n2024/2025;Rechten;phd;RU;3\n"


@pytest.fixture(scope="module")
def paths(tmp_path_factory) -> dict[str, str]:
    """Every path a case may name: good inputs, and bad ones made here (binary, empty...)."""
    tmp = tmp_path_factory.mktemp("cli_errors")
    (tmp / "export.csv").write_text(EXPORT, encoding="utf-8")
    (tmp / "headcounts.csv").write_text(HEADCOUNTS, encoding="utf-8")
    read_partnerships(tmp / "export.csv").to_parquet(tmp / "partnerships.parquet")
    read_headcounts(tmp / "headcounts.csv").to_parquet(tmp / "headcounts.parquet")
    (tmp / "garbage.parquet").write_bytes(b"not parquet at all")
    (tmp / "binary.csv").write_bytes(b"\x00\x01\x02\xff\xfe" * 200)
    (tmp / "binary.yaml").write_bytes(b"\x00\x01\x02\xff\xfe" * 200)
    (tmp / "empty.csv").write_bytes(b"")
    (tmp / "empty.yaml").write_bytes(b"")
    (tmp / "no_sample").mkdir()
    return {
        "D": str(DATA),
        "P": str(RAW / "sample_partnerships.csv"),
        "H": str(RAW / "sample_headcounts.xlsx"),
        "T": str(tmp),
        "PP": str(tmp / "partnerships.parquet"),
        "HP": str(tmp / "headcounts.parquet"),
        "BAD_PQ": str(tmp / "garbage.parquet"),
        "BIN": str(tmp / "binary.csv"),
        "BIN_YAML": str(tmp / "binary.yaml"),
        "EMPTY": str(tmp / "empty.csv"),
        "EMPTY_YAML": str(tmp / "empty.yaml"),
        "NO_SAMPLE": str(tmp / "no_sample"),
        "MISSING": str(tmp / "no_such_file.csv"),
    }


def case(id_: str, argv: str | list[str], *expected: str):
    """One row of the table: ``argv`` (a string is split on spaces), the substrings stderr
    must hold."""
    return pytest.param(argv.split() if isinstance(argv, str) else argv, expected, id=id_)


OUT = "--out {T}/out"
EXP = "exposure --partnerships {PP}"
IMP = "impact nl-2022-freeze"

CASES = [
    # ---- ingest ----------------------------------------------------------------------------
    case("ingest-missing-file", f"ingest partnerships {{MISSING}} {OUT}", "no such file"),
    case("ingest-directory", f"ingest partnerships {{D}} {OUT}", "is a directory"),
    case("ingest-empty-file", f"ingest partnerships {{EMPTY}} {OUT}", "the file is empty"),
    case("ingest-binary-file", f"ingest partnerships {{BIN}} {OUT}", "binary content"),
    case(
        "ingest-headcounts-as-partnerships",
        f"ingest partnerships {{H}} {OUT}",
        "required partnerships columns",
    ),
    case(
        "ingest-partnerships-as-headcounts",
        f"ingest headcounts {{P}} {OUT}",
        "missing required column(s) period, group, headcount",
    ),
    case("ingest-unknown-table-type", f"ingest planets {{P}} {OUT}", "invalid choice: 'planets'"),
    case("ingest-out-is-a-file", "ingest partnerships {P} --out {P}", "--out", "is a file"),
    case("ingest-out-missing", "ingest partnerships {P}", "--out"),
    case(
        "ingest-columns-missing",
        f"ingest partnerships {{P}} {OUT} --columns {{MISSING}}",
        "--columns",
        "no such file",
    ),
    case(
        "ingest-columns-syntax-error",
        f"ingest partnerships {{P}} {OUT} --columns {{D}}/scenario_syntax_error.yaml",
        "--columns",
        "not valid YAML",
    ),
    case(
        "ingest-columns-not-a-mapping",
        f"ingest partnerships {{P}} {OUT} --columns {{D}}/columns_not_a_mapping.yaml",
        "expected a YAML mapping",
    ),
    case(
        "ingest-columns-unknown-field",
        f"ingest partnerships {{P}} {OUT} --columns {{D}}/columns_unknown_field.yaml",
        "partner_name_that_is_not_a_field",
        "allowed: agreement_id",
    ),
    case(
        "ingest-columns-binary",
        f"ingest partnerships {{P}} {OUT} --columns {{BIN_YAML}}",
        "--columns",
        "not UTF-8",
    ),
    case(
        "ingest-no-such-sheet", f"ingest headcounts {{H}} {OUT} --sheet nosuch", "no sheet 'nosuch'"
    ),
    # ---- exposure --------------------------------------------------------------------------
    case("exposure-at-not-a-date", f"{EXP} --at notadate", "--at 'notadate': not a date"),
    case("exposure-at-feb-30", f"{EXP} --at 2022-02-30", "--at '2022-02-30': no such day"),
    case("exposure-at-month-13", f"{EXP} --at 2022-13-01", "--at '2022-13-01': no such day"),
    case("exposure-at-day-first", f"{EXP} --at 30-09-2026", "--at '30-09-2026'", "YYYY-MM-DD"),
    case("exposure-at-year-0", f"{EXP} --at 0000-01-01", "--at '0000-01-01': no such day"),
    case(
        "exposure-by-unknown-key",
        f"{EXP} --by planet",
        "--by 'planet'",
        "unknown key",
        "country, faculty",
    ),
    case("exposure-by-duplicate-key", f"{EXP} --by country,country", "'country' given twice"),
    case("exposure-at-empty", ["exposure", "--partnerships", "{PP}", "--at", ""], "--at ''"),
    case("exposure-by-empty", f"{EXP} --by ,", "--by ','", "no key"),
    case(
        "exposure-risk-profile-unknown",
        f"{EXP} --risk-profile nope",
        "--risk-profile",
        "'nope' is not a bundled risk profile",
        "freedom-house-2024",
    ),
    case(
        "exposure-risk-profile-tier-9",
        f"{EXP} --risk-profile {{D}}/risk_profile_tier_9.csv",
        "column 'tier': '9'",
        "0..3",
    ),
    case(
        "exposure-risk-profile-no-tier",
        f"{EXP} --risk-profile {{D}}/risk_profile_no_tier.csv",
        "missing column(s) 'tier'",
    ),
    case("exposure-risk-profile-binary", f"{EXP} --risk-profile {{BIN}}", "not UTF-8"),
    case("exposure-risk-profile-empty", f"{EXP} --risk-profile {{EMPTY}}", "the file is empty"),
    case("exposure-risk-profile-directory", f"{EXP} --risk-profile {{D}}", "is a directory"),
    case(
        "exposure-partnerships-missing",
        "exposure --partnerships {MISSING}",
        "--partnerships",
        "no such file",
    ),
    case(
        "exposure-partnerships-directory",
        "exposure --partnerships {D}",
        "--partnerships",
        "is a directory",
    ),
    case(
        "exposure-partnerships-empty",
        "exposure --partnerships {EMPTY}",
        "--partnerships",
        "the file is empty",
    ),
    case("exposure-partnerships-binary", "exposure --partnerships {BIN}", "binary content"),
    case(
        "exposure-headcounts-parquet-as-partnerships",
        "exposure --partnerships {HP}",
        "--partnerships",
        "is a headcounts table",
        "--headcounts",
    ),
    case(
        "exposure-partnerships-parquet-as-headcounts",
        f"{EXP} --headcounts {{PP}}",
        "--headcounts",
        "is a partnerships table",
    ),
    case(
        "exposure-headcounts-xlsx-as-partnerships",
        "exposure --partnerships {H}",
        "required partnerships columns",
    ),
    case(
        "exposure-garbage-parquet",
        "exposure --partnerships {BAD_PQ}",
        "not a readable parquet table",
    ),
    case("exposure-xlsx-without-out", f"{EXP} --format xlsx", "--format xlsx needs --out"),
    case("exposure-csv-into-xlsx", f"{EXP} --out {{T}}/x.xlsx", "--format csv writes text"),
    case("exposure-xlsx-into-csv", f"{EXP} --format xlsx --out {{T}}/x.csv", "name it *.xlsx"),
    case("exposure-out-directory", f"{EXP} --out {{T}}", "--out", "is a directory"),
    case("exposure-out-folder-missing", f"{EXP} --out {{T}}/nope/x.csv", "does not exist"),
    case("exposure-unknown-format", f"{EXP} --format pdf", "invalid choice: 'pdf'"),
    case("exposure-partnerships-required", "exposure --at 2026-09-30", "--partnerships"),
    # ---- impact ----------------------------------------------------------------------------
    case(
        "impact-unknown-scenario",
        "impact no-such-scenario",
        "impact SCENARIO",
        "not a bundled scenario",
        "nl-2022-freeze",
    ),
    case("impact-empty-name", ["impact", ""], "impact SCENARIO '': empty"),
    case("impact-missing-yaml", "impact {T}/nope.yaml", "no such scenario file"),
    case(
        "impact-yaml-syntax-error",
        "impact {D}/scenario_syntax_error.yaml",
        "not valid YAML",
        "line 2",
    ),
    case(
        "impact-three-problems",
        "impact {D}/scenario_three_problems.yaml",
        "3 problems",
        "effective = 'soon'",
        "'ZZ': not an ISO2 country code",
        "support_take_up_rate = 1.5: out of range",
    ),
    case(
        "impact-month-13",
        "impact {D}/scenario_month_13.yaml",
        "'2022-13-01': not a date",
    ),
    case("impact-feb-30", "impact {D}/scenario_feb_30.yaml", "'2022-02-30': not a date"),
    case(
        "impact-tier-out-of-range",
        "impact {D}/scenario_tier_out_of_range.yaml",
        "min_tier = 7: not a tier",
        "1..3",
    ),
    case(
        "impact-not-a-mapping", "impact {D}/scenario_not_a_mapping.yaml", "a scenario is a mapping"
    ),
    case("impact-empty-yaml", "impact {EMPTY_YAML}", "a scenario is a mapping"),
    case("impact-binary-yaml", "impact {BIN_YAML}", "not a text file (UTF-8)"),
    case("impact-directory", "impact {D}", "a directory, not a scenario file"),
    case("impact-data-missing", f"{IMP} --data {{T}}/nope", "--data", "no such directory"),
    case("impact-data-is-a-file", f"{IMP} --data {{P}}", "--data", "is a file"),
    case("impact-data-without-sample", f"{IMP} --data {{NO_SAMPLE}}", "no sample_partnerships.csv"),
    case(
        "impact-data-and-partnerships",
        f"{IMP} --data {{D}} --partnerships {{PP}}",
        "--data conflicts with --partnerships",
    ),
    case(
        "impact-headcounts-without-partnerships",
        f"{IMP} --headcounts {{HP}}",
        "--headcounts needs --partnerships",
    ),
    case("impact-out-with-table-format", f"{IMP} --out {{T}}/x.txt", "--out needs --format"),
    case("impact-xlsx-without-out", f"{IMP} --format xlsx", "--format xlsx needs --out"),
    case(
        "impact-headcounts-parquet-as-partnerships",
        f"{IMP} --partnerships {{HP}}",
        "is a headcounts table",
    ),
    case("impact-partnerships-empty", f"{IMP} --partnerships {{EMPTY}}", "the file is empty"),
    case("impact-unknown-format", f"{IMP} --format html", "invalid choice: 'html'"),
    # ---- report (each fails on validation, before any notebook runs) -----------------------
    case("report-quarter-5", "report --quarter 2026Q5", "--quarter '2026Q5': not a quarter"),
    case("report-quarter-month", "report --quarter 2026-09", "--quarter '2026-09'", "2026Q3"),
    case("report-quarter-word", "report --quarter last", "not a quarter"),
    case(
        "report-risk-profile-unknown",
        "report --risk-profile nope",
        "--risk-profile",
        "not a bundled risk profile",
    ),
    case("report-risk-profile-binary", "report --risk-profile {BIN}", "not UTF-8"),
    case("report-data-missing", "report --data {T}/nope", "--data", "no such directory"),
    case("report-data-without-sample", "report --data {NO_SAMPLE}", "no sample_partnerships.csv"),
    case("report-out-is-a-file", "report --out {P}", "--out", "is a file"),
    case("report-unknown-lang", "report --lang fr", "invalid choice: 'fr'"),
    # ---- the command itself ----------------------------------------------------------------
    case("no-command", "", "required: COMMAND"),
    case("unknown-command", "expose --at 2026-09-30", "invalid choice: 'expose'"),
]

SUBPROCESS_CASES = {
    "exposure-at-feb-30",
    "impact-three-problems",
    "report-risk-profile-unknown",
}


def _must_not_render(**kwargs):
    raise AssertionError("render_report called: a bad report option was not caught first")


def _argv(argv: list[str], paths: dict[str, str]) -> list[str]:
    return [a.format(**paths) for a in argv]


def _check(code: int, out: str, err: str, expected: tuple[str, ...]) -> None:
    assert code == 2, err
    assert "Traceback" not in out + err
    assert "error: " in err
    for text in expected:
        assert text in err, f"{text!r} not in stderr:\n{err}"
    assert cli.BUG_HINT not in err


@pytest.mark.parametrize(("argv", "expected"), CASES)
def test_bad_arguments_exit_2_with_a_message(argv, expected, paths, capsys, monkeypatch):
    monkeypatch.setattr(cli, "render_report", _must_not_render)
    code = cli.main(_argv(argv, paths))
    out, err = capsys.readouterr()
    _check(code, out, err, expected)


def test_the_table_is_large_and_covers_every_subcommand():
    commands = {p.values[0][0] for p in CASES if p.values[0]}
    assert {"ingest", "exposure", "impact", "report"} <= commands
    assert len(CASES) >= 40


@pytest.mark.parametrize(("argv", "expected"), [p for p in CASES if p.id in SUBPROCESS_CASES])
def test_bad_arguments_in_a_real_process(argv, expected, paths):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-m", "kvanalytics.cli", *_argv(argv, paths)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=False,
        timeout=120,
    )
    _check(proc.returncode, proc.stdout, proc.stderr, expected)


def test_a_scenario_error_prints_every_line(capsys):
    assert cli.main(["impact", str(DATA / "scenario_three_problems.yaml")]) == 2
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert lines[0].startswith("kvanalytics: error: ") and "3 problems" in lines[0]
    assert sum(line.startswith("  - ") for line in lines) == 3
    assert lines[-1].startswith("Fix these keys")


# ------------------------------------------------------------------------------------------------
# Bugs, --debug, Ctrl-C and closed pipes
# ------------------------------------------------------------------------------------------------


def _boom(args):
    raise RuntimeError("boom\nsecond line")


EXPOSURE = ["exposure", "--partnerships", str(RAW / "sample_partnerships.csv")]


def test_an_unexpected_exception_is_one_line_and_exit_1(monkeypatch, capsys):
    monkeypatch.setattr(cli, "_cmd_exposure", _boom)
    assert cli.main(EXPOSURE) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.strip().endswith("this is a bug — run again with --debug and report it")
    assert "RuntimeError: boom" in err and "Traceback" not in err


@pytest.mark.parametrize("where", ["before", "after"])
def test_debug_prints_the_traceback(monkeypatch, capsys, where):
    monkeypatch.setattr(cli, "_cmd_exposure", _boom)
    argv = ["--debug", *EXPOSURE] if where == "before" else [*EXPOSURE, "--debug"]
    assert cli.main(argv) == 1
    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" in err
    assert "RuntimeError: boom" in err and "_boom" in err


def test_debug_shows_the_traceback_of_a_user_error_too(capsys):
    assert cli.main([*EXPOSURE, "--at", "notadate", "--debug"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" in err and "OptionError" in err
    assert err.strip().splitlines()[-1].startswith("kvanalytics: error: --at 'notadate'")


def test_keyboard_interrupt_exits_130_with_one_line(monkeypatch, capsys):
    def interrupted(args):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "_cmd_exposure", interrupted)
    assert cli.main(EXPOSURE) == 130
    assert capsys.readouterr().err == "kvanalytics: interrupted\n"


def test_a_closed_stdout_ends_quietly(monkeypatch, capsys):
    def closed(args):
        raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(cli, "_cmd_exposure", closed)
    assert cli.main(EXPOSURE) == cli.EXIT_BROKEN_PIPE
    assert capsys.readouterr().err == ""


def test_a_file_system_refusal_is_a_user_error(monkeypatch, capsys):
    def refused(args):
        raise PermissionError(13, "Permission denied", "/srv/out.csv")

    monkeypatch.setattr(cli, "_cmd_exposure", refused)
    assert cli.main(EXPOSURE) == 2
    assert capsys.readouterr().err == "kvanalytics: error: /srv/out.csv: Permission denied\n"


def test_an_output_that_cannot_be_written_names_the_file(paths, monkeypatch, capsys):
    def disk_full(self, *args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "write_text", disk_full)
    out = Path(paths["T"]) / "exposure.csv"
    assert cli.main(["exposure", "--partnerships", paths["PP"], "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err == f"kvanalytics: error: --out {out}: cannot write it (No space left on device).\n"


def test_help_exits_0(capsys):
    assert cli.main(["--help"]) == 0
    assert "exposure" in capsys.readouterr().out


def test_report_a_bug_while_rendering_exits_1(monkeypatch, tmp_path, capsys):
    def render(*args, **kwargs):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(cli, "render_report", render)
    assert cli.main(["report", "--data", str(RAW), "--out", str(tmp_path), "--no-pdf"]) == 1
    assert capsys.readouterr().err.strip().endswith(cli.BUG_HINT)
