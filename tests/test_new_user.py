"""Issue #10's "Done when", tried as a new user would: each an end-to-end test.

1. A cp1252 Dutch export headed ``Soort overeenkomst`` and ``Gegevensuitwisseling`` ingests with
   no mapping, every row accounted for and every value right (checked cell by cell).
2. The real CORDIS workbook gives a home organisation's ties by country, projects (agreements)
   and ties counted apart (``read_horizon`` then ``exposure``), checked against a count made
   here from the raw sheet.
3. A Spanish Erasmus partner list is read with ``--set`` only through the command line, its
   totals row rejected whole as ``summary_row``; its ``País`` holds Spanish country names
   (Alemania, Países Bajos...), cross-checked against the Erasmus codes.
4. ``inspect`` explains each of the three: the rules, the decisions, the missing and the added
   fields.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import kvanalytics as kv
from kvanalytics import cli

ROOT = Path(__file__).resolve().parents[1]
NEW = ROOT / "tests" / "data" / "new_user"
DUTCH = NEW / "dutch_export.csv"
SPANISH = NEW / "socios_erasmus.csv"
CORDIS = "horizon/cordis_participations_NZ_CA_pacific_2024-05.xlsx"
LAVAL_PIC = "998082180"
LAVAL = "UNIVERSITE LAVAL"
SETS = ["--set", "faculty=ETSIT", "--set", "kind=exchange", "--set", "start=2026-09-01"]

NA = None
#: The Dutch export's rows as they must come out: (agreement_id, partner, country, faculty, kind,
#: start, end, value_eur, financial_flows, data_exchange, source_row). Row 11's start is
#: 31-02-2024: rejected as impossible_date.
DUTCH_ROWS = [
    ("UV-2021-001", "Université de Liège", "BE", "Bètawetenschappen", "research",
     "2021-09-01", "2025-08-31", 12500.0, True, True, 2),
    ("UV-2021-002", "Universidad de Salamanca", "ES", "Geesteswetenschappen", "exchange",
     "2022-01-15", NA, 0.0, False, False, 3),
    ("UV-2022-003", "Uniwersytet Wroclawski", "PL", "Rechtsgeleerdheid", "education",
     "2022-02-01", "2027-01-31", 1750.5, True, False, 4),
    ("UV-2023-004", "Københavns Universitet", "DK", "Bètawetenschappen", "network",
     "2023-10-01", NA, NA, False, True, 5),
    ("UV-2023-005", "Ludwig-Maximilians-Universität München", "DE", "Geneeskunde", "research",
     "2023-03-12", "2026-03-11", 48000.0, True, True, 6),
    ("UV-2023-006", "Université Paris-Saclay", "FR", "Bètawetenschappen", "exchange",
     "2023-09-01", "2028-08-31", 2400.75, False, False, 7),
    ("UV-2024-007", "University of Edinburgh", "GB", "Sociale Wetenschappen", "research",
     "2024-01-01", "2026-12-31", 7250.0, True, False, 8),
    ("UV-2024-008", "Universitetet i Bergen", "NO", "Geesteswetenschappen", "education",
     "2024-02-01", NA, 350.0, False, False, 9),
    ("UV-2019-009", "Lomonosov Moscow State University", "RU", "Rechtsgeleerdheid", "research",
     "2019-09-01", "2022-08-31", 3000.0, True, True, 10),
]  # fmt: skip
DUTCH_FIELDS = [
    "agreement_id", "partner", "country", "faculty", "kind", "start", "end", "value_eur",
    "financial_flows", "data_exchange", "source_row",
]  # fmt: skip
#: The Spanish list's partners with their country and Erasmus code; row 11 is PLAZAS TOTALES.
SPANISH_ROWS = [
    ("Freie Universität Berlin", "DE", "D  BERLIN01", 3),
    ("Technische Universität München", "DE", "D  MUNCHEN02", 4),
    ("Université Paris Cité", "FR", "F  PARIS482", 5),
    ("Politecnico di Milano", "IT", "I  MILANO02", 6),
    ("Sapienza Università di Roma", "IT", "I  ROMA01", 7),
    ("Technische Universiteit Delft", "NL", "NL DELFT01", 8),
    ("Universidade do Porto", "PT", "P  PORTO02", 9),
    ("Politechnika Warszawska", "PL", "PL WARSZAW02", 10),
]


def _cell(v: object) -> object:
    """A cell as plain Python, NA as None, a date as ``YYYY-MM-DD``."""
    if v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and np.isnan(v)):
        return None
    if isinstance(v, pd.Timestamp):
        return v.strftime("%Y-%m-%d")
    if isinstance(v, np.generic):
        return v.item()
    return v


# ------------------------------------------------------------------------------------------------
# 1. The Dutch export, no mapping
# ------------------------------------------------------------------------------------------------


def test_dutch_export_ingests_with_no_mapping_every_value_right() -> None:
    assert "ë".encode("cp1252") in DUTCH.read_bytes()  # the fixture is cp1252, not UTF-8
    result = kv.read_partnerships(DUTCH, errors="collect")
    report, table, rejects = result.report, result.table, result.rejects
    assert (report.read, report.accepted, report.rejected) == (10, 9, 1)
    assert report.read == report.accepted + report.rejected
    got = [tuple(_cell(v) for v in row) for row in table[DUTCH_FIELDS].itertuples(index=False)]
    for want, have in zip(DUTCH_ROWS, got, strict=True):
        for name, w, h in zip(DUTCH_FIELDS, want, have, strict=True):
            assert h == w, f"{want[0]} {name}: {h!r}, expected {w!r}"
    # what the file does not have is NA, never a guess
    for col in ("level", "status", "partner_type", "partner_key", "fields"):
        assert table[col].isna().all(), col
    assert set(table["source_file"]) == {str(DUTCH)}
    # the one reject, whole: under the file's own headers
    assert rejects["reason"].tolist() == ["impossible_date"]
    r = rejects.iloc[0]
    assert (r["source_row"], r["column"], r["value"]) == (11, "start", "31-02-2024")
    assert r["Overeenkomstnummer"] == "UV-2024-010" and r["Land"] == "Oekraïne"
    assert r["Opmerkingen"] == "datum nakijken"
    # the two headers of the issue, decided by their words
    entries = {e["header"]: e for e in report.files[0]["headers"]}
    assert entries["Soort overeenkomst"]["field"] == "kind"
    assert entries["Gegevensuitwisseling"]["field"] == "data_exchange"


# ------------------------------------------------------------------------------------------------
# 2. The real CORDIS workbook: ties by country, projects and ties apart
# ------------------------------------------------------------------------------------------------


def _expected_by_country(workbook: Path, at: pd.Timestamp) -> pd.DataFrame:
    """Laval's co-participants active at ``at``, counted from the raw sheet: projects are
    (framework, acronym, title, start, end) — the sheet's project ids are 0 or blank."""
    raw = pd.read_excel(workbook, sheet_name="FP_participation", engine="calamine")
    key = ["frameworkProgramme", "projectAcronym", "title", "startDate", "endDate"]
    projects = raw.loc[raw["Organisation"] == LAVAL, key].drop_duplicates()
    co = raw.merge(projects, on=key)
    co = co[co["Organisation"] != LAVAL].drop_duplicates([*key, "Organisation"])
    active = co[(pd.to_datetime(co["startDate"]) <= at) & (at <= pd.to_datetime(co["endDate"]))]
    return (
        active.assign(project=active[key].astype(str).agg("|".join, axis=1))
        .groupby("country")
        .agg(agreements_active=("project", "nunique"), ties_active=("project", "size"))
        .reset_index()
    )


def test_real_cordis_ties_by_country_projects_and_ties_apart(realdata: Path) -> None:
    workbook = realdata / CORDIS
    ties = kv.read_horizon(workbook, home=LAVAL_PIC)
    assert LAVAL not in set(ties["partner"])
    at = pd.Timestamp("2021-01-01")
    by_country = kv.exposure(ties, by="country", at=at)
    got = by_country[["country", "agreements_active", "ties_active"]].astype(
        {"agreements_active": "int64", "ties_active": "int64"}
    )
    want = _expected_by_country(workbook, at).astype(
        {"agreements_active": "int64", "ties_active": "int64"}
    )
    pd.testing.assert_frame_equal(
        got.sort_values("country").reset_index(drop=True),
        want.sort_values("country").reset_index(drop=True),
        check_dtype=False,
    )
    ca = got.set_index("country").loc["CA"]
    assert ca["ties_active"] > ca["agreements_active"]  # a consortium: one project, many ties


# ------------------------------------------------------------------------------------------------
# 3. A Spanish partner list, --set only, through the command line
# ------------------------------------------------------------------------------------------------


def test_spanish_partner_list_with_set_only_through_the_cli(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    # without the defaults: refused, naming the --set to add
    assert cli.main(["ingest", "partnerships", str(SPANISH), "--out", str(out)]) == 2
    assert "--set faculty=FACULTY --set kind=exchange --set start=YYYY-MM-DD" in (
        capsys.readouterr().err
    )
    argv = ["ingest", "partnerships", str(SPANISH), *SETS, "--out", str(out)]
    assert cli.main(argv) == 0
    assert "rejected 1 × summary_row" in capsys.readouterr().out
    table = pd.read_parquet(out / "partnerships.parquet")
    assert len(table) == len(SPANISH_ROWS)
    got = list(
        table[["partner", "country", "erasmus_code", "source_row"]].itertuples(
            index=False, name=None
        )
    )
    assert [tuple(_cell(v) for v in row) for row in got] == SPANISH_ROWS
    assert set(table["faculty"]) == {"ETSIT"} and set(table["kind"]) == {"exchange"}
    assert set(table["start"]) == {pd.Timestamp("2026-09-01")}
    assert table["agreement_id"].tolist() == [f"socios_erasmus:{r[3]}" for r in SPANISH_ROWS]
    assert "PLAZAS TOTALES" not in set(table["partner"])
    # the totals row, whole, in the rejects file
    rejects = pd.read_csv(out / "partnerships_rejects.csv", dtype=str, keep_default_na=False)
    assert len(rejects) == 1
    r = rejects.iloc[0]
    assert (r["reason"], r["source_row"], r["column"]) == ("summary_row", "11", "partner")
    assert (r["Nombre institución"], r["País"], r["Código Erasmus"], r["Plazas"]) == (
        "PLAZAS TOTALES",
        "",
        "",
        "18",
    )


# ------------------------------------------------------------------------------------------------
# 4. inspect explains each
# ------------------------------------------------------------------------------------------------


def test_inspect_explains_the_dutch_export(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["inspect", str(DUTCH)]) == 0
    out = capsys.readouterr().out
    for part in (
        "csv, encoding cp1252, separator ';'; header on row 1 (language nl)",
        "read 10 = accepted 9 + rejected 1",
        "Soort overeenkomst     -> kind (words: soort+overeenkomst)",
        "Gegevensuitwisseling   -> data_exchange (words: gegevens+uitwisseling)",
        "Land                   -> country (synonym)",
        "Contactpersoon partner -> ignored (no synonym, and its words fit no rule",
        "start: day-first dates",
        "value_eur: decimal comma",
        "UV-2021-001",
        "impossible_date: 1 (e.g. row 11, column start",
    ):
        assert part in out, part
    assert "missing" not in out


def test_inspect_explains_the_real_cordis_workbook(
    realdata: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    workbook = str(realdata / CORDIS)
    assert cli.main(["inspect", workbook, "--table", "horizon"]) == 0
    out = capsys.readouterr().out
    assert (
        "sheet 'FP_participation'" in out
        and "projectID          -> project_id (horizon alias)" in out
    )
    assert "home: the ties are those of the home organisation's projects" in out
    assert "add: --home PIC" in out
    assert cli.main(["inspect", workbook, "--table", "horizon", "--home", LAVAL_PIC]) == 0
    out = capsys.readouterr().out
    assert "read 1,018 = 27 ties + 37 home rows + 954 rows of other projects + 0 rejected" in out
    assert "home: UNIVERSITE LAVAL (PIC 998082180); 37 projects, 17 with ties" in out
    assert "agreement_id: 1,018 rows have no project id" in out
    assert "first 5 rows as accepted" in out


def test_inspect_explains_the_spanish_list(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["inspect", str(SPANISH)]) == 0
    out = capsys.readouterr().out
    assert "header on row 2 (language es)" in out  # the title row above it skipped
    assert "Nombre institución -> partner (words: nombre+institucion)" in out
    assert "Código Erasmus     -> erasmus_code (words: codigo+erasmus)" in out
    assert "Plazas             -> ignored (" in out
    assert "add: --set faculty=FACULTY --set kind=exchange --set start=YYYY-MM-DD" in out
    assert "summary_row: 1 (e.g. row 11, column partner: a totals row ('PLAZAS TOTALES')" in out
    assert cli.main(["inspect", str(SPANISH), *SETS]) == 0
    out = capsys.readouterr().out
    assert "missing" not in out
    for part in (
        "faculty: 'ETSIT' for every row (default given: --set faculty=ETSIT)",
        "kind: 'exchange' for every row (default given: --set kind=exchange)",
        "start: '2026-09-01' for every row (default given: --set start=2026-09-01)",
        "agreement_id: the file has no id column; each row's id is <file stem>:<row>",
        "country: cross-checked against the prefix of erasmus_code",
    ):
        assert part in out, part
