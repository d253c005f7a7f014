"""read_horizon: Horizon participation tables (project × participant) -> the home's ties."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

import kvanalytics as kv
from kvanalytics import schemas
from kvanalytics.cli import main
from kvanalytics.errors import IngestError
from kvanalytics.exposure import exposure
from kvanalytics.ingest._horizon import EXTRA_COLUMNS, PARTNER_TYPES

DATA = Path(__file__).parent / "data" / "horizon"
CORDIS_CSV = DATA / "cordis_dayfirst.csv"
REAL = "horizon/cordis_participations_NZ_CA_pacific_2024-05.xlsx"
HOME = "999000001"


def _accounting(r: kv.Ingested) -> None:
    rep = r.report
    assert rep.read == rep.accepted + rep.home_rows + rep.other_rows + rep.rejected
    assert len(r.table) == rep.accepted and len(r.rejects) == rep.rejected


# --------------------------------------------------------------------------------------------
# The real CORDIS workbook (NZ/CA/Pacific participants only, not whole consortia)
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def laval(realdata: Path) -> kv.Ingested:
    return kv.read_horizon(realdata / REAL, home="998082180", errors="collect")


def test_real_workbook_laval_by_pic(laval: kv.Ingested) -> None:
    t, rep = laval.table, laval.report
    _accounting(laval)
    assert rep.read == 1018 and rep.rejected == 0
    assert rep.home_rows == 37 and rep.home["projects"] == 37  # Orgs_summary: projectCount 37
    assert rep.home["names"] == ["UNIVERSITE LAVAL"]
    assert rep.accepted == 27 and rep.agreements == 17 == t["agreement_id"].nunique()
    assert rep.files[0]["sheet"] == "FP_participation"  # found among four sheets
    assert set(t["country"]) == {"CA", "NZ"}
    assert not t.duplicated(["agreement_id", "pic"]).any()
    assert t["pic"].str.fullmatch(r"\d{9}").all()  # PIC 0 in the sheet: from Orgs_summary
    assert "UNIVERSITY OF BRITISH COLUMBIA" in set(t["partner"])
    assert "UNIVERSITE LAVAL" not in set(t["partner"])
    assert (t["kind"] == "research").all() and (t["level"] == "institutional").all()
    assert t["partner_type"].notna().all()


def test_real_workbook_ids_never_merge_distinct_projects(
    laval: kv.Ingested, realdata: Path
) -> None:
    raw = pd.read_excel(realdata / REAL, sheet_name="FP_participation", engine="calamine")
    projects = raw[["frameworkProgramme", "projectAcronym", "title", "startDate", "endDate"]]
    notes = " ".join(laval.report.notes)
    assert f"their {len(projects.drop_duplicates()):,} projects" in notes  # 824, not 817
    auckland = kv.read_horizon(realdata / REAL, home="THE UNIVERSITY OF AUCKLAND", errors="collect")
    ids = set(auckland.table["agreement_id"]) | set(laval.table["agreement_id"])
    assert all(":" in i for i in ids)


def test_real_workbook_value_is_contribution_per_year(laval: kv.Ingested, realdata: Path) -> None:
    raw = pd.read_excel(realdata / REAL, sheet_name="FP_participation", engine="calamine")
    t = laval.table.dropna(subset=["value_eur"])
    assert len(t)
    row = t.iloc[0]
    fw, acronym = str(row["agreement_id"]).split(":")[:2]
    home = raw[
        (raw["projectAcronym"] == acronym)
        & (raw["frameworkProgramme"] == fw)
        & (raw["Organisation"] == "UNIVERSITE LAVAL")
    ].iloc[0]
    days = (pd.Timestamp(home["endDate"]) - pd.Timestamp(home["startDate"])).days + 1
    assert row["value_eur"] == pytest.approx(home["ecContribution"] / (days / 365.25))


def test_real_workbook_home_by_name(realdata: Path) -> None:
    r = kv.read_horizon(realdata / REAL, home="the University of  Auckland", errors="collect")
    assert r.report.home["pic"] == ["999613131"] and r.report.home["projects"] == 46
    _accounting(r)
    # no row is named so: the matcher finds the same name (not Auckland University of Technology)
    same = kv.read_horizon(realdata / REAL, home="University of Auckland", errors="collect")
    pd.testing.assert_frame_equal(same.table, r.table)
    assert (
        "home: 'THE UNIVERSITY OF AUCKLAND' (46 rows) is the home organisation by the name "
        "matcher (exact alias, score 100)"
    ) in same.report.notes
    with pytest.raises(IngestError) as e:
        kv.read_horizon(realdata / REAL, home="Auckland University")
    msg = str(e.value)
    assert "THE UNIVERSITY OF AUCKLAND (PIC 999613131" in msg
    assert "AUCKLAND UNIVERSITY OF TECHNOLOGY (PIC 985512435" in msg
    with pytest.raises(IngestError, match=r"no row has PIC 123456789.*MCGILL"):
        kv.read_horizon(realdata / REAL, home="123456789")


# --------------------------------------------------------------------------------------------
# A synthetic CORDIS CSV: ';', decimal comma, day-first dates, every kind of row
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cordis() -> kv.Ingested:
    return kv.read_horizon(CORDIS_CSV, home=HOME, errors="collect")


def test_synthetic_cordis_row_accounting(cordis: kv.Ingested) -> None:
    rep = cordis.report
    _accounting(cordis)
    assert (rep.read, rep.accepted, rep.home_rows, rep.other_rows, rep.rejected) == (20, 8, 4, 3, 5)
    assert rep.by_reason == {
        "missing_value": 2,
        "duplicate_tie": 1,
        "impossible_date": 1,
        "end_before_start": 1,
    }
    assert rep.files[0]["blank_rows"] == 1
    assert rep.home["projects"] == 4  # ZERO matched by name: its PIC is 0


def test_synthetic_cordis_ties(cordis: kv.Ingested) -> None:
    t = cordis.table.set_index("partner")
    assert t.loc["London Council D", "country"] == "GB"
    assert t.loc["Athens Institute E", "country"] == "GR"
    assert t.loc["Pristina Office F", "country"] == "XK"
    assert t.loc["Windhoek Research G", "country"] == "NA"  # Namibia, not missing
    assert pd.isna(t.loc["Windhoek Research G", "partner_type"])  # type XYZ: unknown
    assert any("XYZ" in n for n in cordis.report.notes)
    assert t.loc["Kazan Company C", "partner_type"] == "company"
    assert t.loc["Beijing Lab H", "agreement_id"] == "FP7:ZERO"
    assert pd.isna(t.loc["Beijing Lab H", "pic"])
    # day-first: 01/02/2022 is 1 February
    assert t.loc["Moscow Institute A", "start"] == pd.Timestamp("2022-02-01")
    # 365,250.00 over 1,461 days = 4 years
    assert t.loc["Moscow Institute A", "value_eur"] == pytest.approx(91312.5)
    arctic = cordis.table.loc[cordis.table["agreement_id"] == "101000001", "value_eur"]
    assert np.allclose(arctic.to_numpy(float), 91312.5)  # on every tie of the project
    assert pd.isna(t.loc["Pristina Office F", "value_eur"])  # the home row has no contribution
    assert t.loc["Beijing Lab H", "value_eur"] == pytest.approx(
        73050 / (731 / 365.25)
    )  # 2012 is a leap year


def test_synthetic_cordis_rejects_keep_the_whole_row(cordis: kv.Ingested) -> None:
    rej = cordis.rejects.set_index("reason")
    dup = rej.loc["duplicate_tie"]
    assert dup["source_row"] == 8 and dup["role"] == "thirdParty"
    assert "row 3 of" in dup["detail"] and "101000001" in dup["detail"]
    assert dup["name"] == "Moscow Institute A" and dup["ecContribution"] == ""
    assert rej.loc["impossible_date", "startDate"] == "31/02/2022"
    assert list(cordis.rejects.columns[:7]) == list(schemas.REJECTS)


def test_output_columns_and_dtypes(cordis: kv.Ingested) -> None:
    t = cordis.table
    schema_cols = list(schemas.PARTNERSHIPS)
    assert list(t.columns[: len(schema_cols)]) == schema_cols
    assert set(EXTRA_COLUMNS) <= set(t.columns)
    assert list(t["partner_type"].cat.categories) == list(PARTNER_TYPES)
    for c in ("pic", "erasmus_code", "ror"):
        assert str(t[c].dtype) == str(schemas.TEXT)
    for c, d in schemas.PARTNERSHIPS.items():
        assert str(t[c].dtype) == str(d), c
    kv.validate_partnerships(t.drop_duplicates("agreement_id"))  # the canonical types


def test_raise_mode_lists_the_rejects() -> None:
    with pytest.raises(IngestError, match="5 of 20 horizon rows rejected") as e:
        kv.read_horizon(CORDIS_CSV, home=HOME)
    assert e.value.rejects is not None and len(e.value.rejects) == 5


def test_home_errors(tmp_path: Path) -> None:
    text = CORDIS_CSV.read_text()
    p = tmp_path / "amb.csv"
    p.write_text(text.replace("999000021;Pristina Office F", "999000099;Universiteit Voorbeeld"))
    with pytest.raises(IngestError, match=r"ambiguous.*999000001.*999000099"):
        kv.read_horizon(p, home="universiteit voorbeeld")
    with pytest.raises(IngestError, match="home is empty"):
        kv.read_horizon(CORDIS_CSV, home=" ")
    with pytest.raises(IngestError, match="Candidates: Universiteit Voorbeeld"):
        kv.read_horizon(CORDIS_CSV, home="Voorbeeld")


def test_several_files_are_one_table(tmp_path: Path) -> None:
    lines = CORDIS_CSV.read_text().splitlines()
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text("\n".join(lines[:5]) + "\n")
    b.write_text("\n".join([lines[0], *lines[5:]]) + "\n")  # ARCTIC continues in b
    r = kv.read_horizon([a, b], home=HOME, errors="collect")
    whole = kv.read_horizon(CORDIS_CSV, home=HOME, errors="collect")
    _accounting(r)
    assert r.report.accepted == whole.report.accepted
    assert sorted(r.table["partner"]) == sorted(whole.table["partner"])
    assert (
        r.rejects["reason"].value_counts().to_dict()
        == whole.rejects["reason"].value_counts().to_dict()
    )


def test_not_a_participation_table(tmp_path: Path) -> None:
    p = tmp_path / "x.csv"
    p.write_text("a,b\n1,2\n")
    with pytest.raises(IngestError, match="project column"):
        kv.read_horizon(p, home=HOME)


# --------------------------------------------------------------------------------------------
# A synthetic Horizon Dashboard workbook: title rows, a summary sheet, date cells
# --------------------------------------------------------------------------------------------


def _dashboard(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Summary"
    ws.append(["Countries", "Projects"])
    ws.append(["NL", 2])
    ws = wb.create_sheet("Participations")
    ws.append(["Horizon Dashboard export"])
    ws.append([])
    ws.append(
        [
            "project_id",
            "pic",
            "legal_name",
            "legal_entity_type",
            "country_code",
            "partner_role",
            "partner_type",
            "eu_contribution",
            "project_start_date",
            "project_end_date",
        ]
    )
    start, end = dt.datetime(2023, 9, 1), dt.datetime(2026, 8, 31)
    rows = [
        (
            "101100001",
            "999000001",
            "Universiteit Voorbeeld",
            "HES",
            "NL",
            "coordinator",
            "beneficiary",
            109575,
            start,
            end,
        ),
        (
            "101100001",
            "999000061",
            "Lomonosov Moscow State University",
            "HES",
            "RU",
            "participant",
            "beneficiary",
            50000,
            start,
            end,
        ),
        (
            "101100001",
            "999000062",
            "Saint Petersburg State University",
            "HES",
            "RU",
            "participant",
            "beneficiary",
            None,
            start,
            end,
        ),
        (
            "101100001",
            "999000063",
            "Ural Federal University",
            "HES",
            "RU",
            "participant",
            "associated partner",
            None,
            start,
            end,
        ),
        (
            "101100001",
            "999000064",
            "Research Organisations Inc",
            "Research Organisations",
            "EL",
            "participant",
            "beneficiary",
            None,
            start,
            end,
        ),
        (
            "101100002",
            "999000001",
            "Universiteit Voorbeeld",
            "HES",
            "NL",
            "participant",
            "beneficiary",
            1000,
            "13/01/2024",
            "12/01/2025",
        ),
        (
            "101100002",
            "999000065",
            "Tsinghua University",
            "HES",
            "CN",
            "participant",
            "beneficiary",
            None,
            "13/01/2024",
            "12/01/2025",
        ),
    ]
    for r in rows:
        ws.append(list(r))
    wb.save(path)
    return path


def test_dashboard_workbook(tmp_path: Path) -> None:
    path = _dashboard(tmp_path / "dashboard.xlsx")
    r = kv.read_horizon(path, home="Universiteit Voorbeeld", errors="collect", faculty="Science")
    _accounting(r)
    t = r.table
    assert r.report.files[0]["sheet"] == "Participations"
    assert r.report.files[0]["header_row"] == 3
    assert (r.report.accepted, r.report.home_rows, r.report.rejected) == (5, 2, 0)
    assert set(t["faculty"]) == {"Science"}
    tiny = t.set_index("partner")
    assert tiny.loc["Research Organisations Inc", "partner_type"] == "research"  # long name
    assert tiny.loc["Research Organisations Inc", "country"] == "GR"
    assert tiny.loc["Tsinghua University", "start"] == pd.Timestamp("2024-01-13")  # day-first
    # 109,575 over 1,096 days (2023-09-01..2026-08-31) = 3.0007 years
    assert tiny.loc["Ural Federal University", "value_eur"] == pytest.approx(
        109575 / (1096 / 365.25)
    )
    assert any("'partner_type' ignored" in n for n in r.report.files[0]["notes"])


def test_horizon_ties_in_exposure_and_impact(tmp_path: Path) -> None:
    """One project with three Russian partners: one agreement and three ties, in exposure and
    in impact (DESIGN.md, Semantics)."""
    t = kv.read_horizon(_dashboard(tmp_path / "d.xlsx"), home="999000001")
    e = exposure(t, at="2024-06-30").set_index("country")
    assert e.loc["RU", "agreements_active"] == 1 and e.loc["RU", "ties_active"] == 3
    assert e.loc["RU", "value_eur"] == pytest.approx(109575 / (1096 / 365.25))  # once
    imp = kv.impact("nl-2022-freeze", t.assign(start=t["start"].min() - pd.Timedelta(days=900)))
    s = imp.summary.set_index("metric")
    assert s.loc["agreements_frozen", "central"] == 1 and s.loc["ties_frozen", "central"] == 3


# --------------------------------------------------------------------------------------------
# The command line
# --------------------------------------------------------------------------------------------


def test_cli_ingest_horizon(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    code = main(["ingest", "horizon", str(CORDIS_CSV), "--home", HOME, "--out", str(out), "--json"])
    assert code == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["ties"] == 8 and summary["home_rows"] == 4 and summary["rejected"] == 5
    assert summary["read"] == 20 and summary["agreements"] == 3  # DATES has no tie left
    table = pd.read_parquet(out / "horizon_partnerships.parquet")
    assert len(table) == 8
    rejects = pd.read_csv(out / "horizon_rejects.csv", keep_default_na=False)
    assert len(rejects) == 5 and "name" in rejects.columns
    assert main(["ingest", "horizon", str(CORDIS_CSV), "--out", str(out)]) == 2
    assert "--home is required" in capsys.readouterr().err
    code = main(["ingest", "horizon", str(CORDIS_CSV), "--home", "nobody", "--out", str(out)])
    assert code == 2 and "Universiteit Voorbeeld (PIC 999000001" in capsys.readouterr().err


def test_report_renders(cordis: kv.Ingested) -> None:
    text = str(cordis.report)
    assert "8 ties + 4 home rows + 3 rows of other projects + 5 rejected" in text
    assert cordis.report.to_frame().shape[0] == 1
    assert "horizon" in cordis.report._repr_html_()
    assert np.isfinite(cordis.table["value_eur"].dropna()).all()
