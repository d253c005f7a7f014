"""``kvanalytics screen``: hits with evidence, coverage of every list, errors exit 2."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from kvanalytics.cli import main

EXPORT = (
    "agreement_id,partner,country,faculty,kind,level,start,end,status\n"
    "A1,JSC Kalashnikov Concern,RU,Science,research,institutional,2019-01-01,,active\n"
    "A2,Maria Aleksandrovna Osetrova,RU,Science,research,individual,2019-01-01,,active\n"
    "A3,Lomonosov Moscow State University,RU,Law,exchange,institutional,2020-09-01,,active\n"
    "A4,KU Leuven,BE,Law,exchange,institutional,2020-09-01,,active\n"
)


@pytest.fixture
def export(tmp_path: Path) -> Path:
    p = tmp_path / "p.csv"
    p.write_text(EXPORT, encoding="utf-8")
    return p


@pytest.fixture
def ftm(realdata: Path) -> Path:
    return realdata / "opensanctions" / "zala_entities.ftm.json"


def test_json_hits_and_coverage(export, ftm, capsys):
    args = ["screen", "--partnerships", str(export), "--watchlist", "rur-2022-signatories"]
    code = main([*args, str(ftm), "--as-of", "2024-01-01", "--format", "json"])
    assert code == 0
    doc = json.loads(capsys.readouterr().out)
    hits = pd.DataFrame(doc["hits"])
    assert set(hits["partner"]) == {"JSC Kalashnikov Concern", "Lomonosov Moscow State University"}
    # a person on the list is never matched against a partner name
    assert "Maria Aleksandrovna Osetrova" not in set(hits["entry_name"])
    assert set(hits["status"]) == {"unadjudicated name match"}
    cov = pd.DataFrame(doc["coverage"]).set_index("list")
    zala = cov.loc["OpenSanctions: zala_entities"]
    assert zala["entries"] == 8 and zala["entries_not_screened"] == 6  # 6 persons
    assert (cov["partners_screened"] == 4).all()
    assert (cov["partners_with_identifier"] == 0).all()
    assert cov.loc["rur-2022-signatories", "edition_age_years"] == pytest.approx(1.8)
    assert "Russian Union of Rectors" in cov.loc["rur-2022-signatories", "source"]
    assert doc["as_of"] == "2024-01-01"
    # the EU regimes the FtM programmes name (EU-UKR), with their CELEX references
    assert "36 Restrictive measures in respect of actions" in zala["eu_regimes"]
    assert "32014R0269" in zala["eu_regimes"]
    assert pd.isna(cov.loc["rur-2022-signatories", "eu_regimes"])


def test_table_prints_hits_coverage_and_note(export, capsys):
    code = main(["screen", "--partnerships", str(export), "--watchlist", "rur-2022-signatories"])
    assert code == 0
    out = capsys.readouterr().out
    assert "Lomonosov Moscow State University" in out
    assert "Coverage (no hit is not clearance)" in out
    assert "No hit is not clearance: 3 of 4 partner(s)" in out


def test_csv_to_file(export, tmp_path, capsys):
    out = tmp_path / "s.csv"
    args = ["screen", "--partnerships", str(export), "--watchlist", "rur-2022-signatories"]
    assert main([*args, "--format", "csv", "--out", str(out)]) == 0
    table = pd.read_csv(out)
    assert table["table"].value_counts().to_dict() == {"hit": 1, "coverage": 1}


def test_sample_partnerships(sample_dir, capsys):
    p = sample_dir / "sample_partnerships.csv"
    args = ["screen", "--partnerships", str(p), "--watchlist", "rur-2022-signatories"]
    assert main([*args, "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["coverage"][0]["partners_with_hit"] >= 5


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--watchlist", "no-such-list"], "--watchlist: 'no-such-list' is not a bundled watchlist"),
        (["--watchlist", "rur-2022-signatories", "--as-of", "2022-02-30"], "no such day"),
        (["--watchlist", "rur-2022-signatories", "--out", "x.csv"], "--out needs --format"),
    ],
)
def test_user_errors_exit_2(export, extra, message, capsys):
    assert main(["screen", "--partnerships", str(export), *extra]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_missing_partnerships_file(tmp_path, capsys):
    missing = tmp_path / "nope.csv"
    code = main(["screen", "--partnerships", str(missing), "--watchlist", "rur-2022-signatories"])
    assert code == 2
    assert "no such file" in capsys.readouterr().err


def test_bad_watchlist_file_exit_2(export, tmp_path, capsys):
    bad = tmp_path / "bad.ftm.json"
    bad.write_text('{"id": "x", "schema": "Company"}\n{broken\n', encoding="utf-8")
    assert main(["screen", "--partnerships", str(export), "--watchlist", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "row 2" in err and "Traceback" not in err


def test_usage_errors_exit_2(export, tmp_path, capsys):
    assert main(["screen", "--partnerships", str(export)]) == 2  # no --watchlist
    assert "--watchlist" in capsys.readouterr().err
    out = tmp_path / "no" / "dir" / "s.json"
    args = ["screen", "--partnerships", str(export), "--watchlist", "rur-2022-signatories"]
    assert main([*args, "--format", "json", "--out", str(out)]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_real_process_unknown_list_no_traceback(export):
    root = Path(__file__).resolve().parents[1]
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "kvanalytics.cli",
            "screen",
            "--partnerships",
            str(export),
            "--watchlist",
            "no-such-list",
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(root)},
        cwd=root,
        check=False,
        timeout=120,
    )
    assert proc.returncode == 2
    assert "not a bundled watchlist" in proc.stderr and "Traceback" not in proc.stderr


def test_several_partnership_files(export, tmp_path, capsys):
    second = tmp_path / "q.csv"
    second.write_text(
        "agreement_id,partner,country,faculty,kind,level,start,end,status\n"
        "B1,Saint Petersburg State University,RU,Law,exchange,institutional,2021-09-01,,active\n",
        encoding="utf-8",
    )
    args = ["screen", "--partnerships", str(export), str(second), "--watchlist"]
    assert main([*args, "rur-2022-signatories", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["coverage"][0]["partners_screened"] == 5
    assert doc["coverage"][0]["partners_with_hit"] == 2


def test_table_of_a_new_users_files_shows_no_pandas_missing_marker(capsys):
    """The ASPI list is undated per entry: its hits printed ``NaT`` and ``<NA>`` (and the
    coverage ``<NA>``) in the table a user reads; they read "unknown" now."""
    data = Path(__file__).parent / "data" / "newuser"
    files = [
        str(data / "partners_science.xlsx"),
        str(data / "samenwerking_geesteswetenschappen.csv"),
    ]
    argv = ["screen", "--partnerships", *files, "--watchlist", "aspi-china-defence-universities"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "Tsinghua University" in out and "unknown" in out
    for marker in ("NaT", "<NA>", "NaN"):
        assert marker not in out, marker
