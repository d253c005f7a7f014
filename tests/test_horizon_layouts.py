"""read_horizon on the layouts and years of tests/data/horizon/{tuning,checking}/.

CORDIS open data (FP7, H2020, Horizon Europe) ``organization`` + ``project`` files as CSV and
XLSX, the Horizon Dashboard export (CSV, XLSX, title rows, a totals row) and a grants office's
own sheet (Dutch XLSX, Norwegian CSV). The expected outcome of each file is in the set's
``expected.json``, written by ``make_horizon.py`` from how each row was built, not from the
reader. The checking set was written before any fix and never tuned against.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import kvanalytics as kv
from kvanalytics.cli import main
from kvanalytics.errors import IngestError, OptionError
from kvanalytics.ingest._horizon import _map_header

DATA = Path(__file__).parent / "data" / "horizon"
TUNING = DATA / "tuning"


#: Known failures of the checking set (never tuned against), with the fix they wait for (a
#: strict xfail: once fixed, it fails loudly). None today.
KNOWN: dict[str, str] = {}


def _cases() -> list[Any]:
    out = []
    for which in ("tuning", "checking"):
        expected = json.loads((DATA / which / "expected.json").read_text(encoding="utf-8"))
        for case, e in expected.items():
            cid = f"{which}-{case}"
            marks = [pytest.mark.xfail(strict=True, reason=KNOWN[cid])] if cid in KNOWN else []
            out.append(pytest.param(which, case, e, id=cid, marks=marks))
    return out


CASES = _cases()


def _paths(which: str, e: dict) -> list[Path]:
    return [DATA / which / f for f in e["files"]]


@pytest.mark.parametrize(("which", "case", "e"), CASES)
def test_layout_reads_exactly(which: str, case: str, e: dict) -> None:
    r = kv.read_horizon(_paths(which, e), home=e["home"], errors="collect")
    rep = r.report
    got = (rep.read, rep.accepted, rep.home_rows, rep.other_rows, rep.rejected)
    assert got == (e["read"], e["ties"], e["home_rows"], e["other_rows"], e["rejected"])
    assert rep.read == rep.accepted + rep.home_rows + rep.other_rows + rep.rejected
    assert len(r.table) == rep.accepted and len(r.rejects) == rep.rejected
    assert dict(rep.by_reason) == e["by_reason"]
    assert rep.home["projects"] == e["projects"]  # projects and ties counted apart
    assert rep.agreements == e["agreements"] == r.table["agreement_id"].nunique()
    t = r.table
    assert t.groupby("country").size().to_dict() == e["ties_by_country"]  # UK -> GB, EL -> GR
    value = t.drop_duplicates("agreement_id").set_index("agreement_id")["value_eur"]
    assert set(value.index) == set(e["value_eur"])
    for agreement, v in e["value_eur"].items():
        assert value[agreement] == pytest.approx(v), agreement
    assert t["start"].notna().all() and t["end"].notna().all()
    assert (t["kind"] == "research").all() and not t.duplicated(["agreement_id", "partner"]).any()


@pytest.mark.parametrize(("which", "case", "e"), CASES)
def test_layout_cli_json_and_inspect(
    which: str, case: str, e: dict, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = [str(p) for p in _paths(which, e)]
    argv = ["ingest", "horizon", *files, "--home", e["home"], "--out", str(tmp_path), "--json"]
    assert main(argv) == 0
    summary = json.loads(capsys.readouterr().out)
    assert (summary["read"], summary["ties"], summary["rejected"]) == (
        e["read"],
        e["ties"],
        e["rejected"],
    )
    assert summary["agreements"] == e["agreements"] and summary["by_reason"] == e["by_reason"]
    assert len(pd.read_parquet(tmp_path / "horizon_partnerships.parquet")) == e["ties"]
    for f in files:  # each file on its own: the header, never a traceback
        assert main(["inspect", f, "--table", "horizon"]) == 0
    capsys.readouterr()
    # all the files together, as ingest takes them: inspect counts the same ties
    assert main(["inspect", *files, "--table", "horizon", "--home", e["home"], "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    report = kv.read_horizon(files, home=e["home"], errors="collect").report
    assert doc["notes"][0] == str(report).splitlines()[0].strip()  # the report's own accounting
    assert doc["read"] == e["read"] and doc["rejected"] == e["rejected"]


def test_inspect_takes_several_files_only_for_horizon(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    org, project = (TUNING / "fp7_organization.csv"), (TUNING / "fp7_project.csv")
    assert main(["inspect", str(org), str(project)]) == 2
    assert "inspect one file at a time" in capsys.readouterr().err
    with pytest.raises(OptionError, match="one partnerships file at a time"):
        kv.inspect_export([org, project])


def test_home_repeated_on_the_command_line_is_its_other_names(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = [str(TUNING / "fp7_organization.csv"), str(TUNING / "fp7_project.csv")]
    once = kv.read_horizon(files, home="999912345", errors="collect")
    argv = ["ingest", "horizon", *files, "--home", "999912345", "--home", "Some Other Name"]
    assert main([*argv, "--out", str(tmp_path), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["ties"] == once.report.ties
    assert summary["home"]["query"] == ["999912345", "Some Other Name"]


# --------------------------------------------------------------------------------------------
# A CORDIS organization file and its project file
# --------------------------------------------------------------------------------------------


def test_organization_file_alone_names_its_project_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    org = TUNING / "fp7_organization.csv"
    with pytest.raises(IngestError, match="no project dates") as e:
        kv.read_horizon(org, home="999912345", errors="collect")
    msg = str(e.value)
    assert "fp7_project.csv" in msg and "read_horizon([" in msg  # the file beside it, first
    assert msg.index("fp7_project.csv") < msg.index("h2020_project.csv")
    code = main(["ingest", "horizon", str(org), "--home", "999912345", "--out", str(tmp_path)])
    assert code == 2 and "no project dates" in capsys.readouterr().err
    alone = tmp_path / "organization.csv"
    shutil.copy(org, alone)
    with pytest.raises(IngestError, match=r"project\.csv or project\.xlsx\)"):
        kv.read_horizon(alone, home="999912345")  # nothing beside it


def test_project_file_alone_and_order(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="project files only"):
        kv.read_horizon(TUNING / "fp7_project.csv", home="999912345")
    org, proj = TUNING / "fp7_organization.csv", TUNING / "fp7_project.csv"
    a = kv.read_horizon([proj, org], home="999912345", errors="collect")
    b = kv.read_horizon([org, proj], home="999912345", errors="collect")
    pd.testing.assert_frame_equal(a.table, b.table)
    assert a.report.to_dict() == b.report.to_dict()
    notes = " ".join(a.report.files[0]["notes"])
    assert "no project dates" not in notes  # the project file gave them
    assert "fp7_project.csv: 5 projects" in " ".join(a.report.notes)


def test_own_sheet_without_dates_says_which_columns(tmp_path: Path) -> None:
    p = tmp_path / "partners.csv"
    p.write_text("Project;Partner;Land\nARCTIC;Universiteit X;NL\nARCTIC;SINTEF;Noorwegen\n")
    with pytest.raises(IngestError, match="add a Start and an End column"):
        kv.read_horizon(p, home="Universiteit X")


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("EU-bijdrage (EUR)", "ec_contribution"),
        ("Bijdrage EU [€]", "ec_contribution"),
        ("EU-bidrag (€)", "ec_contribution"),
        ("PROSJEKT", "project_id"),
        ("Date de début", "start"),
        ("Einddatum", "end"),
        ("Partner type", "org_type"),  # not the partner's name
        ("Contactpersoon partner", None),
        ("Startjaar", None),  # a year, not a date
        ("Projectleider", None),
        ("Aantal partners", None),
        ("ID", None),  # only a project file's id
    ],
)
def test_grants_office_headers(header: str, field: str | None) -> None:
    mapping, _ = _map_header([header])
    assert mapping.mapping.get(0) == field


def test_project_missing_from_the_project_file_is_rejected_by_name(tmp_path: Path) -> None:
    lines = (TUNING / "fp7_project.csv").read_text(encoding="utf-8").split("\n")
    proj = tmp_path / "project.csv"
    # drop NANOCAT (612877): its home row and ties have no dates
    keep = [ln for ln in lines if not ln.startswith('"612877"')]
    proj.write_text("\n".join(keep), encoding="utf-8")
    r = kv.read_horizon([TUNING / "fp7_organization.csv", proj], home="999912345", errors="collect")
    rej = r.rejects[r.rejects["reason"] == "missing_value"]
    assert len(rej) == 4  # 612877: the home, 3 partners (the home's repeat is a duplicate)
    assert rej["detail"].str.contains("project 612877 is not in project.csv").all()
    assert "project file(s) project.csv: 5 rows of 1 project not in it" in r.report.notes
    assert r.report.read == 26 and "612877" not in set(r.table["agreement_id"])


def test_project_file_notes_in_inspect() -> None:
    ins = kv.inspect_export(TUNING / "he_project.xlsx", table="horizon")
    assert "a project file" in str(ins)
    ins = kv.inspect_export(TUNING / "fp7_organization.csv", table="horizon")
    assert "no project dates" in str(ins)


# --------------------------------------------------------------------------------------------
# Totals, subtotals and a company named like one
# --------------------------------------------------------------------------------------------


def test_totals_and_subtotals_are_summary_rows_a_company_is_not() -> None:
    r = kv.read_horizon(
        TUNING / "subsidies_nl.xlsx", home="Universiteit van Hollandstad", errors="collect"
    )
    summary = r.rejects[r.rejects["reason"] == "summary_row"]
    assert sorted(summary["Partner"].replace("", pd.NA).fillna(summary["Project"])) == [
        "Subtotaal",
        "Subtotaal",
        "Subtotaal",
        "Subtotaal",
        "Totaal",
    ]
    assert "Total Raffinage Chimie" in set(r.table["partner"])  # FR: a partner, not a total
    t = r.table.set_index("partner")
    assert t.loc["Total Raffinage Chimie", "country"] == "FR"
    # dates typed as text, day-first (1-9-2022), beside date cells
    assert t.loc["Uit The Arctic University Of Norway", "start"] == pd.Timestamp("2022-09-01")


def test_dashboard_title_rows_and_totals_row() -> None:
    r = kv.read_horizon(
        TUNING / "dashboard.csv", home="UNIVERSITEIT VAN HOLLANDSTAD", errors="collect"
    )
    assert r.report.files[0]["header_row"] == 3  # below a title and a blank line
    assert r.rejects["source_row"].tolist() == [26] and r.rejects["project_id"].iloc[0] == "Total"
    with pytest.raises(IngestError, match="1 summary_row"):  # raise mode: no silent drop
        kv.read_horizon(TUNING / "dashboard.csv", home="UNIVERSITEIT VAN HOLLANDSTAD")
    # the home by name, its rows under another spelling found by its PIC
    assert r.report.home["names"] == [
        "Stichting Universiteit van Hollandstad",
        "UNIVERSITEIT VAN HOLLANDSTAD",
    ]


def test_subtotal_outside_the_home_projects_keeps_the_accounting(tmp_path: Path) -> None:
    p = tmp_path / "sub.csv"
    p.write_text(
        "Project;Partner;Land;EU-bijdrage;Start;Eind\n"
        "A;Univ X;NL;100;01-01-2024;31-12-2025\n"
        "A;SINTEF;Noorwegen;50;01-01-2024;31-12-2025\n"
        "B;Univ Y;BE;10;01-01-2024;31-12-2025\n"
        "B;Subtotaal;;10;;\n",
        encoding="utf-8",
    )
    r = kv.read_horizon(p, home="Univ X", errors="collect")
    rep = r.report
    assert (rep.read, rep.accepted, rep.home_rows, rep.other_rows, rep.rejected) == (4, 1, 1, 1, 1)
    assert dict(rep.by_reason) == {"summary_row": 1}


def test_other_cordis_tables_are_named_not_read(tmp_path: Path) -> None:
    sci = tmp_path / "euroSciVoc.csv"
    sci.write_text(
        '"projectID";"euroSciVocCode";"euroSciVocPath";"euroSciVocTitle"\n'
        '"776479";"/23";"/engineering";"ports"\n',
        encoding="utf-8",
    )
    files = [TUNING / "h2020_organization.csv", TUNING / "h2020_project.csv", sci]
    with pytest.raises(
        IngestError, match=r"euroSciVoc\.csv: no header row.*organization and project only"
    ):
        kv.read_horizon(files, home="999912345")


def test_dashboard_without_dates_takes_them_from_a_cordis_project_file(tmp_path: Path) -> None:
    """Any participation table lacking dates joins a project file on the project id: a
    Dashboard export without its date columns, with the CORDIS project.xlsx."""
    with (TUNING / "dashboard.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    p = tmp_path / "dashboard_nodates.csv"
    with p.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(r[:8] for r in rows)  # no dates
    with pytest.raises(IngestError, match="no project dates"):
        kv.read_horizon(p, home="999912345")
    r = kv.read_horizon([p, TUNING / "he_project.xlsx"], home="999912345", errors="collect")
    whole = kv.read_horizon(TUNING / "dashboard.csv", home="999912345", errors="collect")
    cols = ["agreement_id", "partner", "country", "start", "end", "value_eur"]
    pd.testing.assert_frame_equal(r.table[cols], whole.table[cols])
    assert r.report.rejected == whole.report.rejected == 1  # the totals row
    # the totals row ("Total" in project_id) is no row of a project missing from the project file
    assert not any("not in it" in n for n in r.report.notes), r.report.notes
