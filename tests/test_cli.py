"""The command line: exit codes, outputs, and no tracebacks for user errors."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from importlib.metadata import entry_points
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


def test_console_script_is_declared():
    """`pip install` makes a `kvanalytics` command that runs ``kvanalytics.cli:main``."""
    (script,) = entry_points(group="console_scripts", name="kvanalytics")
    assert script.value == "kvanalytics.cli:main"


def test_the_command_runs_in_a_process(export, tmp_path):
    """``python -m kvanalytics.cli`` (what the console script calls) from this source tree."""
    root = Path(__file__).resolve().parents[1]
    proc = subprocess.run(
        [sys.executable, "-m", "kvanalytics.cli", "ingest", "partnerships", str(export),
         "--out", str(tmp_path / "o"), "--json"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(root)},
        check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["rejected"] == 1


# ------------------------------------------------------------------------------------------------
# kvanalytics exposure / impact on the bundled sample
# ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def processed(tmp_path_factory) -> Path:
    """The sample ingested once, as `kvanalytics ingest` writes it (parquet)."""
    raw = Path(__file__).resolve().parents[1] / "data" / "raw"
    out = tmp_path_factory.mktemp("processed")
    assert (
        main(["ingest", "partnerships", str(raw / "sample_partnerships.csv"), "--out", str(out)])
        == 0
    )
    assert (
        main(["ingest", "headcounts", str(raw / "sample_headcounts.xlsx"), "--out", str(out)]) == 0
    )
    return out


def test_exposure_csv_by_country_and_faculty(processed, capsys):
    capsys.readouterr()
    code = main(
        [
            "exposure",
            "--partnerships",
            str(processed / "partnerships.parquet"),
            "--by",
            "country,faculty",
            "--at",
            "2026-09-30",
            "--risk-profile",
            "freedom-house-2024",
        ]
    )
    assert code == 0
    table = pd.read_csv(io.StringIO(capsys.readouterr().out), keep_default_na=False)
    assert {"country", "faculty", "agreements_active", "value_eur", "share_of_total",
            "risk_tier", "risk_weighted"} <= set(table.columns)  # fmt: skip
    assert not table.duplicated(["country", "faculty"]).any()
    assert table["agreements_active"].sum() > 0


def test_exposure_json_publishes_people_suppressed(processed, capsys):
    capsys.readouterr()
    args = [
        "exposure",
        "--partnerships",
        str(processed / "partnerships.parquet"),
        "--headcounts",
        str(processed / "headcounts.parquet"),
        "--at",
        "2026-09-30",
        "--format",
        "json",
    ]
    assert main(args) == 0
    published = json.loads(capsys.readouterr().out)
    assert main([*args, "--no-suppress"]) == 0
    raw = json.loads(capsys.readouterr().out)
    assert [r["country"] for r in published] == [r["country"] for r in raw]
    small = [(p, r) for p, r in zip(published, raw, strict=True) if 1 <= (r["phd"] or 0) <= 4]
    assert small, "the sample has countries with 1-4 PhD candidates"
    assert all(p["phd"] == "<5" for p, _ in small)
    assert all(isinstance(r["phd"], int | float) for _, r in small)


def test_exposure_xlsx_needs_out_and_writes_a_workbook(processed, tmp_path, capsys):
    base = ["exposure", "--partnerships", str(processed / "partnerships.parquet")]
    assert main([*base, "--format", "xlsx"]) == 2
    assert "--out" in capsys.readouterr().err
    out = tmp_path / "exposure.xlsx"
    assert main([*base, "--format", "xlsx", "--out", str(out)]) == 0
    sheet = pd.read_excel(out, sheet_name="exposure", engine="calamine")
    assert "Active agreements" in sheet.columns and len(sheet) > 10  # labelled headers


def test_impact_json_shape_and_published_people(capsys):
    raw = Path(__file__).resolve().parents[1] / "data" / "raw"
    assert main(["impact", "be-2022-rur-signatories", "--data", str(raw), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert set(doc) == {
        "scenario",
        "effective",
        "metrics",
        "by_faculty",
        "by_country",
        "assumptions",
    }
    assert doc["scenario"] == "be-2022-rur-signatories" and doc["effective"] == "2022-03-10"
    for name in ("agreements_frozen", "value_eur_stopped", "exchange_out_recalled"):
        assert set(doc["metrics"][name]) == {"low", "central", "high"}
    assert doc["metrics"]["agreements_frozen"]["central"] > 0
    # 1-4 people in a faculty: suppressed (the partial signatory list makes the total a range)
    assert any(
        r["central"] == "<5" for r in doc["by_faculty"] if r["metric"] == "exchange_in_stopped"
    )
    assert {"faculty", "metric", "low", "central", "high"} == set(doc["by_faculty"][0])


def test_impact_table_and_unknown_scenario(capsys):
    raw = Path(__file__).resolve().parents[1] / "data" / "raw"
    assert main(["impact", "nl-2022-freeze", "--data", str(raw)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("nl-2022-freeze (effective 2022-03-04)")
    assert "agreements_frozen" in out
    assert main(["impact", "no-such-scenario", "--data", str(raw)]) == 2
    err = capsys.readouterr().err
    assert "no-such-scenario" in err and "Traceback" not in err


def test_exposure_combines_comma_separated_profiles(capsys):
    raw = Path(__file__).resolve().parents[1] / "data" / "raw" / "sample_partnerships.csv"
    base = ["exposure", "--partnerships", str(raw), "--at", "2024-06-30", "--format", "json"]
    assert main([*base, "--risk-profile", "freedom-house-2024"]) == 0
    alone = {r["country"]: r["risk_tier"] for r in json.loads(capsys.readouterr().out)}
    assert main([*base, "--risk-profile", "freedom-house-2024,eu-restrictive-measures"]) == 0
    rows = json.loads(capsys.readouterr().out)
    both = {r["country"]: r["risk_tier"] for r in rows}
    assert both["CN"] == max(alone["CN"], 1) and both["TR"] >= 1  # EU arms embargo, tier 1
    assert all(both[c] >= (alone[c] or 0) for c in both if alone.get(c) is not None)
    cn = next(r for r in rows if r["country"] == "CN")
    assert "eu-restrictive-measures" in cn["risk_reasons"] and "freedom-house" in cn["risk_reasons"]
