"""``inspect_export`` / ``kvanalytics inspect``: a dry run that explains what ingest would do.

What it shows (headers and their rules, decisions, missing fields with their fix, the first rows,
rejects by reason), that it never raises for a missing field yet fails like ingest on a file
ingest cannot use, that it writes nothing, and that the mapping it writes reads back exactly.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pandas as pd
import pytest

import kvanalytics as kv
from kvanalytics import cli
from kvanalytics.errors import IngestError, OptionError

ROOT = Path(__file__).resolve().parents[1]
NEW = ROOT / "tests" / "data" / "new_user"
HOSTILE = ROOT / "tests" / "data" / "hostile"
DUTCH = NEW / "dutch_export.csv"
SPANISH = NEW / "socios_erasmus.csv"
CORDIS_CSV = ROOT / "tests" / "data" / "horizon" / "cordis_dayfirst.csv"
CORDIS_HOME = "999000001"
SETS = {"faculty": "ETSIT", "kind": "exchange", "start": "2026-09-01"}


@pytest.fixture(scope="module")
def dutch() -> kv.Inspection:
    return kv.inspect_export(DUTCH)


def _row(ins: kv.Inspection, header: str) -> dict:
    h = ins.headers
    return h[h["header"] == header].iloc[0].to_dict()


# ------------------------------------------------------------------------------------------------
# What it shows
# ------------------------------------------------------------------------------------------------


def test_file_settings_and_accounting(dutch: kv.Inspection) -> None:
    assert (dutch.format, dutch.encoding, dutch.separator, dutch.sheet) == (
        "csv",
        "cp1252",
        ";",
        None,
    )
    assert (dutch.header_row, dutch.language) == (1, "nl")
    assert (dutch.read, dutch.accepted, dutch.rejected) == (10, 9, 1)
    assert dutch.ready and dutch.missing.empty


def test_headers_with_their_rules(dutch: kv.Inspection) -> None:
    h = dutch.headers
    assert list(h.columns) == ["column", "header", "field", "rule", "words", "note"]
    assert len(h) == 12 and list(h["column"][:3]) == ["A", "B", "C"]
    kind = _row(dutch, "Soort overeenkomst")
    assert (kind["field"], kind["rule"], kind["words"]) == ("kind", "words", "soort+overeenkomst")
    data = _row(dutch, "Gegevensuitwisseling")
    assert (data["field"], data["rule"], data["words"]) == (
        "data_exchange",
        "words",
        "gegevens+uitwisseling",
    )
    assert _row(dutch, "Land")["rule"] == "synonym"
    contact = _row(dutch, "Contactpersoon partner")
    assert pd.isna(contact["field"]) and contact["rule"] == "ignored"
    assert "fit no rule" in contact["note"] and "partner" in contact["words"]


def test_decisions_are_the_report_notes(dutch: kv.Inspection) -> None:
    d = dutch.decisions
    by_field = dict(zip(d["field"], d["decision"], strict=True))
    assert by_field["start"].startswith("day-first dates")
    assert by_field["end"].startswith("day-first dates")
    assert by_field["value_eur"].startswith("decimal comma")


def test_preview_is_the_head_of_what_ingest_accepts(dutch: kv.Inspection) -> None:
    table = kv.read_partnerships(DUTCH, errors="collect").table
    pd.testing.assert_frame_equal(dutch.preview, table.head(5))


def test_rejects_by_reason_with_one_example(dutch: kv.Inspection) -> None:
    r = dutch.rejects_by_reason
    assert r.to_dict("records") == [
        {
            "reason": "impossible_date",
            "rows": 1,
            "example_row": 11,
            "example_column": "start",
            "example_value": "31-02-2024",
            "example_detail": "start '31-02-2024' is not a calendar date",
        }
    ]


def test_text_and_html(dutch: kv.Inspection) -> None:
    text = str(dutch)
    for part in (
        "header on row 1 (language nl)",
        "read 10 = accepted 9 + rejected 1",
        "Soort overeenkomst     -> kind (words: soort+overeenkomst)",
        "Contactpersoon partner -> ignored (",
        "start: day-first dates",
        "first 5 rows as accepted",
        "impossible_date: 1 (e.g. row 11, column start",
    ):
        assert part in text, part
    page = dutch._repr_html_()
    assert "<h4>Headers</h4>" in page and "<h4>Rejects by reason</h4>" in page
    assert "Bètawetenschappen" in page and "<script" not in page


def test_the_result_is_immutable(dutch: kv.Inspection) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        dutch.read = 0  # type: ignore[misc]
    h = dutch.headers
    h.loc[0, "field"] = "partner"
    assert dutch.headers.loc[0, "field"] == "agreement_id"


def test_the_ingest_report_carries_the_header_decisions() -> None:
    report = kv.read_partnerships(DUTCH, errors="collect").report
    entries = {e["header"]: e for e in report.files[0]["headers"]}
    assert entries["Soort overeenkomst"] == {
        "position": 4,
        "header": "Soort overeenkomst",
        "field": "kind",
        "rule": "words",
        "words": ["soort", "overeenkomst"],
        "note": "",
    }
    assert entries["Opmerkingen"]["field"] is None
    # the report's own views are unchanged
    assert "decisions" in report.to_frame().columns and "headers" not in report.to_dict()


def test_auxiliary_and_explicit_columns_have_their_decision() -> None:
    path = HOSTILE / "inconsistent_country.csv"
    ins = kv.inspect_export(path, columns={"Kind": "kind"})
    assert _row(ins, "Country name")["field"] == "country_name"
    assert _row(ins, "Kind")["rule"] == "explicit"
    assert "inconsistent_country" in set(ins.rejects_by_reason["reason"])


# ------------------------------------------------------------------------------------------------
# Missing fields: reported with their fix, never raised
# ------------------------------------------------------------------------------------------------


def test_missing_fields_each_with_the_set_to_add() -> None:
    ins = kv.inspect_export(SPANISH)
    m = ins.missing
    assert list(m["field"]) == ["faculty", "kind", "start"]
    assert list(m["set"]) == [
        "--set faculty=FACULTY",
        "--set kind=exchange",
        "--set start=YYYY-MM-DD",
    ]
    assert list(m["columns_line"]) == [
        '"Your header": faculty',
        '"Your header": kind',
        '"Your header": start',
    ]
    assert not ins.ready
    # the rows are read all the same; the missing fields are blank in the preview
    assert (ins.read, ins.accepted, ins.rejected) == (9, 8, 1)
    assert ins.preview[["faculty", "kind", "start"]].isna().all().all()
    assert "add: --set faculty=FACULTY --set kind=exchange --set start=YYYY-MM-DD" in str(ins)
    assert not any("(missing)" in d for d in ins.decisions["decision"])
    # ingest fails on the same file, naming the same --set lines
    with pytest.raises(IngestError, match="--set faculty=FACULTY --set kind=exchange"):
        kv.read_partnerships(SPANISH)


def test_defaults_given_are_decisions_and_fill_the_preview() -> None:
    ins = kv.inspect_export(SPANISH, defaults=SETS)
    assert ins.ready
    assert set(ins.preview["faculty"]) == {"ETSIT"}
    d = dict(zip(ins.decisions["field"], ins.decisions["decision"], strict=True))
    assert d["faculty"] == "'ETSIT' for every row (default given: --set faculty=ETSIT)"
    assert d["agreement_id"].startswith("the file has no id column")


def test_without_a_partner_column_nothing_is_parsed(tmp_path: Path) -> None:
    p = tmp_path / "no_partner.csv"
    p.write_text("Land;Faculteit;Opmerkingen\nDuitsland;Rechten;x\n", encoding="utf-8")
    ins = kv.inspect_export(p)
    m = ins.missing.set_index("field")
    assert {"partner", "kind", "start"} <= set(m.index)
    assert (
        pd.isna(m.loc["partner", "set"])
        and m.loc["partner", "columns_line"] == '"Your header": partner'
    )
    assert ins.read is None and ins.preview.empty and ins.rejects_by_reason.empty
    assert "nothing parsed: no column for partner" in str(ins)


def test_a_workbook_whose_sheet_lacks_fields_is_inspected(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    wb.active.title = "Notes"
    wb.active.append(["Exported from the partner database"])
    sheet = wb.create_sheet("Partners")
    sheet.append(["Partner", "Land"])
    sheet.append(["Universität Wien", "Oostenrijk"])
    p = tmp_path / "partners.xlsx"
    wb.save(p)
    # the one sheet with the partner and its country: ingest names what it lacks and the --set
    with pytest.raises(
        IngestError,
        match=r"\[sheet 'Partners'\]: missing required column\(s\) faculty, kind, start.*--set faculty=",
    ):
        kv.read_partnerships(p)
    ins = kv.inspect_export(p)
    assert ins.sheet == "Partners" and list(ins.missing["field"]) == ["faculty", "kind", "start"]
    assert ins.preview["country"].tolist() == ["AT"]
    ok = kv.inspect_export(p, defaults=SETS)
    assert ok.ready and ok.sheet == "Partners"


def test_headcounts_missing_period(tmp_path: Path) -> None:
    p = tmp_path / "hc.csv"
    p.write_text("Faculteit;Groep;Nationaliteit;Aantal\nRechten;phd;RU;3\n", encoding="utf-8")
    ins = kv.inspect_export(p, table="headcounts")
    assert list(ins.missing["set"]) == ["--set period=2024/25"]
    ok = kv.inspect_export(p, table="headcounts", defaults={"period": "2024/25"})
    assert ok.ready and ok.preview["period"].tolist() == ["2024/25"]


# ------------------------------------------------------------------------------------------------
# Horizon
# ------------------------------------------------------------------------------------------------


def test_horizon_without_home_reads_the_header_and_asks_for_home() -> None:
    ins = kv.inspect_export(CORDIS_CSV, table="horizon")
    assert list(ins.missing["field"]) == ["home"] and ins.read is None
    assert set(ins.headers["rule"]) <= {"horizon alias", "ignored"}
    assert "--home PIC" in str(ins)


def test_horizon_with_home_is_read_horizon() -> None:
    ins = kv.inspect_export(CORDIS_CSV, table="horizon", home=CORDIS_HOME)
    result = kv.read_horizon(CORDIS_CSV, home=CORDIS_HOME, errors="collect")
    pd.testing.assert_frame_equal(ins.preview, result.table.head(5))
    assert (ins.read, ins.accepted, ins.rejected) == (
        result.report.read,
        result.report.accepted,
        result.report.rejected,
    )
    assert ins.rejects_by_reason["rows"].sum() == len(result.rejects)
    assert any("ties +" in n for n in ins.notes)


# ------------------------------------------------------------------------------------------------
# Unusable files and options: the errors of ingest
# ------------------------------------------------------------------------------------------------


def _message(fn, *args, **kwargs) -> str:
    with pytest.raises(IngestError) as exc:
        fn(*args, **kwargs)
    return str(exc.value)


@pytest.mark.parametrize("name", ["binary.csv", "empty.csv", "legacy.xls", "duplicate_land.csv"])
def test_unusable_files_fail_as_in_ingest(name: str) -> None:
    path = HOSTILE / name
    assert _message(kv.inspect_export, path) == _message(kv.read_partnerships, path)


def test_ambiguous_header_fails_as_in_ingest(tmp_path: Path) -> None:
    p = tmp_path / "two_starts.csv"
    p.write_text(
        "Partner;Land;Begindatum;Startdatum\nX;DE;01-01-2020;01-01-2020\n", encoding="utf-8"
    )
    message = _message(kv.inspect_export, p)
    assert "ambiguous header" in message
    assert message == _message(kv.read_partnerships, p)


def test_a_default_for_a_column_the_file_has_fails_as_in_ingest() -> None:
    kw = {"defaults": {"kind": "exchange"}}
    assert _message(kv.inspect_export, DUTCH, **kw) == _message(kv.read_partnerships, DUTCH, **kw)


def test_options_that_do_not_fit_the_table() -> None:
    with pytest.raises(OptionError, match="home"):
        kv.inspect_export(DUTCH, home="999000001")
    with pytest.raises(OptionError, match="do not apply"):
        kv.inspect_export(CORDIS_CSV, table="horizon", defaults={"kind": "research"})
    with pytest.raises(OptionError, match="table="):
        kv.inspect_export(DUTCH, table="people")  # type: ignore[arg-type]
    with pytest.raises(IngestError, match="not usable"):
        kv.inspect_export(SPANISH, defaults={"kind": "sailing"})


# ------------------------------------------------------------------------------------------------
# The mapping file
# ------------------------------------------------------------------------------------------------


def _round_trip(path: Path, tmp_path: Path, **kw) -> tuple[kv.Ingested, kv.Ingested, dict]:
    """inspect -> write the mapping -> read it as --columns -> ingest; and ingest without it."""
    ins = kv.inspect_export(path, **kw)
    target = ins.write_mapping(tmp_path / f"{path.stem}.yaml")
    columns = cli._read_columns_yaml(target)
    assert columns == ins.mapping()
    given = {k: v for k, v in kw.items() if k != "columns"}
    before = kv.read_partnerships(path, columns=kw.get("columns"), errors="collect", **given)
    after = kv.read_partnerships(path, columns=columns, errors="collect", **given)
    return before, after, columns


@pytest.mark.parametrize(
    ("path", "kw"),
    [
        (DUTCH, {}),
        (SPANISH, {"defaults": SETS}),
        (HOSTILE / "inconsistent_country.csv", {"columns": {"Kind": "kind"}}),
        (HOSTILE / "norwegian.csv", {}),
        (HOSTILE / "french.csv", {}),
    ],
    ids=lambda v: v.name if isinstance(v, Path) else "",
)
def test_mapping_round_trip_is_exact(path: Path, kw: dict, tmp_path: Path) -> None:
    before, after, columns = _round_trip(path, tmp_path, **kw)
    pd.testing.assert_frame_equal(before.table, after.table)
    pd.testing.assert_frame_equal(before.rejects, after.rejects)
    assert {
        e["header"]: e["field"] for e in after.report.files[0]["headers"] if e["field"]
    } == columns


def test_mapping_round_trip_keeps_the_header_language(tmp_path: Path) -> None:
    p = tmp_path / "no_evidence.csv"
    p.write_text(
        "Kenmerk;Partner;Land;Faculteit;Soort overeenkomst;Begindatum\n"
        "A1;Universität Wien;Oostenrijk;Rechten;onderzoek;01-02-2022\n",
        encoding="utf-8",
    )
    before, after, _ = _round_trip(p, tmp_path)
    pd.testing.assert_frame_equal(before.table, after.table)


def test_mapping_yaml_layout() -> None:
    text = kv.inspect_export(SPANISH, defaults={"faculty": "ETSIT"}).mapping_yaml()
    lines = text.splitlines()
    assert '"Nombre institución": partner  # words: nombre+institucion' in lines
    assert any(line.startswith('# "Plazas": ignored (') for line in lines)
    assert "#   --set faculty=ETSIT" in lines
    assert "#   --set kind=exchange" in lines and "#   --set start=YYYY-MM-DD" in lines
    assert lines[0].startswith("# kvanalytics column mapping for")


def test_horizon_has_no_mapping_to_write(tmp_path: Path) -> None:
    ins = kv.inspect_export(CORDIS_CSV, table="horizon")
    with pytest.raises(OptionError):
        ins.write_mapping(tmp_path / "m.yaml")


# ------------------------------------------------------------------------------------------------
# The command line
# ------------------------------------------------------------------------------------------------


def test_cli_inspect_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = tmp_path / SPANISH.name
    p.write_bytes(SPANISH.read_bytes())
    before = sorted(tmp_path.iterdir())
    assert cli.main(["inspect", str(p)]) == 0
    assert sorted(tmp_path.iterdir()) == before
    out = capsys.readouterr().out
    assert "missing (ingest fails until each is given)" in out
    assert "add: --set faculty=FACULTY --set kind=exchange --set start=YYYY-MM-DD" in out


def test_cli_inspect_json(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["inspect", str(SPANISH), "--json"] + [f"--set={k}={v}" for k, v in SETS.items()]
    assert cli.main(argv) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["ready"] and doc["read"] == 9 and doc["accepted"] == 8
    assert doc["set"] == ["--set faculty=ETSIT", "--set kind=exchange", "--set start=2026-09-01"]
    assert doc["rejects_by_reason"][0]["reason"] == "summary_row"
    assert doc["preview"][0]["start"].startswith("2026-09-01")
    assert doc["mapping"] == {
        "Nombre institución": "partner",
        "País": "country",
        "Código Erasmus": "erasmus_code",
    }
    assert doc["wrote_mapping"] is None


def test_cli_write_mapping_then_ingest_with_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    m = tmp_path / "map.yaml"
    assert cli.main(["inspect", str(DUTCH), "--write-mapping", str(m)]) == 0
    assert f"wrote {m}" in capsys.readouterr().out
    assert cli.main(["ingest", "partnerships", str(DUTCH), "--out", str(tmp_path / "a")]) == 0
    argv = ["ingest", "partnerships", str(DUTCH), "--columns", str(m), "--out", str(tmp_path / "b")]
    assert cli.main(argv) == 0
    a = pd.read_parquet(tmp_path / "a" / "partnerships.parquet")
    b = pd.read_parquet(tmp_path / "b" / "partnerships.parquet")
    pd.testing.assert_frame_equal(a, b)


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["inspect", "{T}/nope.csv"], "inspect FILE {T}/nope.csv: no such file"),
        (["inspect", str(HOSTILE / "binary.csv")], "binary content"),
        (["inspect", str(HOSTILE / "empty.csv")], "the file is empty"),
        (["inspect", str(HOSTILE / "duplicate_land.csv")], "ambiguous header"),
        (["inspect", str(DUTCH), "--home", "999000001"], "--home is for --table horizon"),
        (["inspect", str(CORDIS_CSV), "--table", "horizon", "--set", "kind=x"], "do not apply"),
        (["inspect", str(DUTCH), "--set", "kind"], "expected FIELD=VALUE"),
        (["inspect", str(DUTCH), "--write-mapping", "{T}"], "is a directory"),
        (["inspect", str(DUTCH), "--write-mapping", "{T}/no/m.yaml"], "does not exist"),
        (["inspect", str(DUTCH), "--table", "people"], "invalid choice"),
    ],
)
def test_cli_inspect_user_errors_exit_2(
    argv: list[str], expected: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [a.replace("{T}", str(tmp_path)) for a in argv]
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert expected.replace("{T}", str(tmp_path)) in err
    assert "Traceback" not in err
