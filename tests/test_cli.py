"""The command line: exit codes, outputs, and no tracebacks for user errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from kvanalytics.cli import main

EXPORT = (
    "Kenmerk;Partnerinstelling;Land;Faculteit;Soort;Startdatum;Einddatum;Bedrag (EUR)\n"
    "A1;Lomonosov Moscow State University;Rusland;Rechten;onderzoek;01-09-2020;31-08-2023;1.234,50\n"
    "A2;KU Leuven;België;Centraal;uitwisseling;15-02-2019;;0\n"
    "A3;Atlantis University;Atlantis;Rechten;onderzoek;01-01-2020;;12,5\n"
)


@pytest.fixture
def export(tmp_path: Path) -> Path:
    p = tmp_path / "export.csv"
    p.write_bytes(EXPORT.encode("cp1252"))
    return p


def test_ingest_json_summary_and_files(export, tmp_path, capsys):
    out = tmp_path / "out"
    code = main(["ingest", "partnerships", str(export), "--out", str(out), "--json"])
    assert code == 0  # rejects are not an error
    summary = json.loads(capsys.readouterr().out)
    assert summary == {"read": 3, "accepted": 2, "rejected": 1, "by_reason": {"unknown_country": 1}}
    table = pd.read_parquet(out / "partnerships.parquet")
    assert table["agreement_id"].tolist() == ["A1", "A2"]
    assert table["country"].tolist() == ["RU", "BE"]
    rejects = pd.read_csv(out / "partnerships_rejects.csv")
    assert rejects.loc[0, "source_row"] == 4
    assert "Atlantis" in rejects.loc[0, "detail"]


def test_ingest_columns_yaml(tmp_path, capsys):
    p = tmp_path / "odd.csv"
    p.write_text(
        "Ref,Naam partner,Country,Faculty,Type,Start\nX1,Ghent University,BE,Law,research,"
        "2021-01-01\n",
        encoding="utf-8",
    )
    mapping = tmp_path / "map.yaml"
    mapping.write_text("Naam partner: partner\nRef: agreement_id\n", encoding="utf-8")
    code = main(
        [
            "ingest",
            "partnerships",
            str(p),
            "--out",
            str(tmp_path / "o"),
            "--columns",
            str(mapping),
            "--json",
        ]
    )
    assert code == 0
    assert json.loads(capsys.readouterr().out)["accepted"] == 1


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "empty"),
        (b"\x00\x01\x02\xff" * 100, "binary"),
        (b"Partner,Country\nX,NL\n", "missing required column"),
    ],
)
def test_ingest_unusable_input_exits_2_with_one_line(tmp_path, capsys, content, expected):
    p = tmp_path / "bad.csv"
    p.write_bytes(content)
    code = main(["ingest", "partnerships", str(p), "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert code == 2
    assert expected in err
    assert str(p) in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_missing_file_exits_2(tmp_path, capsys):
    code = main(["ingest", "headcounts", str(tmp_path / "nope.csv"), "--out", str(tmp_path)])
    assert code == 2
    assert "no such file" in capsys.readouterr().err


def test_console_script_entry_point(export, tmp_path):
    """The installed `kvanalytics` command runs (as a user would call it)."""
    exe = Path(sys.executable).parent / "kvanalytics"
    if not exe.exists():
        pytest.skip("console script not installed in this environment")
    proc = subprocess.run(
        [str(exe), "ingest", "partnerships", str(export), "--out", str(tmp_path / "o"), "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["rejected"] == 1
