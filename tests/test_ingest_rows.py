"""Rows as an analyst's own exports give them (issue #10 items 3-6): defaults for absent
columns, ids derived from the row, whole-row rejects read back after a fix, Erasmus codes and
PIC/ROR identifiers, a country's name cross-checked, totals rows, missing markers, several
partners per agreement.
"""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import kvanalytics as kv
from kvanalytics import cli, schemas
from kvanalytics.excel import to_excel

SET = {"faculty": "ETSIT", "kind": "exchange", "start": "2026-09-01"}


def write(tmp_path: Path, text: str, name: str = "socios.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def lines(*rows: str) -> str:
    return "\n".join(rows) + "\n"


def notes(result: kv.Ingested) -> str:
    return "\n".join(n for f in result.report.files for n in f["notes"])


# --------------------------------------------------------------------------------------------
# Defaults and derived ids
# --------------------------------------------------------------------------------------------

PARTNERS_ONLY = lines(
    "Partner,Country",
    "Universität Wien,Austria",
    "Universidad de Chile,Chile",
)


def test_defaults_fill_absent_columns_and_ids_come_from_the_row(tmp_path):
    path = write(tmp_path, PARTNERS_ONLY)
    res = kv.read_partnerships(path, defaults=SET, errors="collect")
    t = res.table
    assert (res.report.read, res.report.accepted) == (2, 2)
    assert t["agreement_id"].tolist() == ["socios:2", "socios:3"]
    assert t["faculty"].tolist() == ["ETSIT", "ETSIT"]
    assert t["kind"].tolist() == ["exchange", "exchange"]
    assert t["start"].tolist() == [pd.Timestamp("2026-09-01")] * 2
    assert t["country"].tolist() == ["AT", "CL"]
    assert list(t.columns) == list(schemas.PARTNERSHIPS)
    said = notes(res)
    assert "--set faculty=ETSIT" in said and "<file stem>:<row>" in said and "'socios:2'" in said
    kv.validate_partnerships(t)


def test_defaults_are_read_like_data(tmp_path):
    path = write(tmp_path, PARTNERS_ONLY)
    t = kv.read_partnerships(
        path,
        defaults={**SET, "kind": "uitwisseling", "data_exchange": "nee", "partner_type": "HES"},
    )
    assert t["kind"].tolist() == ["exchange"] * 2
    assert t["data_exchange"].tolist() == [False, False]
    assert t["partner_type"].tolist() == ["education"] * 2


@pytest.mark.parametrize(
    ("defaults", "message"),
    [
        ({**SET, "kind": "picnic"}, "--set kind=picnic (defaults={'kind': 'picnic'}): unknown kind"),
        ({**SET, "start": "01-09-2026"}, "--set start=01-09-2026 (defaults={'start': '01-09-2026'}): give the date as YYYY-MM-DD"),
        ({**SET, "start": "2026-02-31"}, "is not a calendar date"),
        ({**SET, "partner": "X"}, "--set partner=X (defaults={'partner': 'X'}): partner varies by row"),
        ({**SET, "colour": "red"}, "colour is not a partnerships field"),
        ({**SET, "faculty": ""}, "faculty is empty"),
    ],
)  # fmt: skip
def test_a_bad_default_is_one_error_naming_the_set(tmp_path, defaults, message):
    path = write(tmp_path, PARTNERS_ONLY)
    with pytest.raises(kv.IngestError) as info:
        kv.read_partnerships(path, defaults=defaults, errors="collect")
    assert message in str(info.value)
    assert info.value.rejects is None  # not one reject per row


def test_a_default_for_a_column_the_file_has_is_an_error(tmp_path):
    path = write(tmp_path, lines("Partner,Country,Faculty", "TU Wien,AT,Law"))
    with pytest.raises(kv.IngestError) as info:
        kv.read_partnerships(path, defaults=SET)
    assert "faculty (column 'Faculty')" in str(info.value)
    assert "--set faculty=..." in str(info.value)


def test_a_missing_field_names_the_set_to_add(tmp_path):
    path = write(tmp_path, PARTNERS_ONLY)
    with pytest.raises(kv.IngestError) as info:
        kv.read_partnerships(path, defaults={"faculty": "ETSIT"})
    message = str(info.value)
    assert "missing required column(s) kind, start" in message
    assert "--set kind=exchange --set start=YYYY-MM-DD" in message
    assert "defaults={'kind': 'exchange', 'start': 'YYYY-MM-DD'}" in message
    assert info.value.path == str(path)


def test_the_partner_and_its_country_cannot_be_defaulted(tmp_path):
    path = write(tmp_path, lines("Partner,Faculty", "TU Wien,Law"))
    with pytest.raises(kv.IngestError) as info:
        kv.read_partnerships(path, defaults={"kind": "exchange", "start": "2026-09-01"})
    assert "missing required column(s) country" in str(info.value)
    assert "erasmus_code" in str(info.value)


def test_headcount_defaults(tmp_path):
    path = write(tmp_path, lines("Nationaliteit;Aantal", "Duitsland;12", "NA;3", "Frankrijk;1"))
    res = kv.read_headcounts(
        path,
        defaults={"period": "2024-2025", "faculty": "Law", "group": "promovendi"},
        errors="collect",
    )
    t = res.table
    assert t["period"].tolist() == ["2024/25"] * 3
    assert t["group"].tolist() == ["phd"] * 3
    assert t["country"].tolist() == ["DE", "NA", "FR"]
    assert t["basis"].tolist() == ["nationality"] * 3
    with pytest.raises(kv.IngestError, match="--set period=2024/25 --set faculty=FACULTY"):
        kv.read_headcounts(path, defaults={"group": "phd"})
    t = kv.read_headcounts(
        path,
        defaults={"period": "2024/25", "faculty": "Law", "group": "phd", "basis": "prior_diploma"},
    )
    assert set(t["basis"]) == {"prior_diploma"}


def test_defaults_choose_the_sheet_that_qualifies(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "Notes"
    wb.active.append(["Partner list 2026"])
    socios = wb.create_sheet("Socios")
    for row in (["Partner", "Country"], ["TU Wien", "AT"]):
        socios.append(row)
    path = tmp_path / "export.xlsx"
    wb.save(path)
    assert kv.read_partnerships(path, defaults=SET)["partner"].tolist() == ["TU Wien"]


# --------------------------------------------------------------------------------------------
# Whole-row rejects
# --------------------------------------------------------------------------------------------


def test_rejects_keep_every_original_cell_under_the_files_headers(tmp_path):
    path = write(
        tmp_path,
        lines(
            "Kenmerk;Partnerinstelling;Land;Faculteit;Soort;Startdatum;;Notitie",
            "A-1;Universität Wien;Oostenrijk;Rechten;uitwisseling;01-09-2021;;ok",
            "A-2; Unseen University ;Schijfwereld;Rechten;uitwisseling;01-09-2021;;",
            "A-3;TU Graz;Oostenrijk;Rechten;uitwisseling;31-02-2021;;",
        ),
    )
    rejects = kv.read_partnerships(path, errors="collect").rejects
    assert list(rejects.columns) == [
        *schemas.REJECTS, "Kenmerk", "Partnerinstelling", "Land", "Faculteit", "Soort",
        "Startdatum", "Notitie",
    ]  # fmt: skip
    assert rejects["Partnerinstelling"].tolist() == [" Unseen University ", "TU Graz"]  # as read
    assert rejects["Startdatum"].tolist() == ["01-09-2021", "31-02-2021"]
    assert rejects["reason"].tolist() == ["unknown_country", "impossible_date"]
    for col in rejects.columns[len(schemas.REJECTS) :]:
        assert rejects[col].dtype == schemas.TEXT


def test_rejects_of_several_files_unite_their_columns(tmp_path):
    a = write(tmp_path, lines("ID,Partner,Country,Faculty,Kind,Start", "1,X,Atlantis,Law,research,2021-01-01"), "a.csv")  # fmt: skip
    b = write(tmp_path, lines("ID,Partner,Country,Faculty,Kind,Start,Notes", "2,Y,Narnia,Law,research,2021-01-01,n"), "b.csv")  # fmt: skip
    rejects = kv.read_partnerships([a, b], errors="collect").rejects
    assert rejects["Notes"].tolist()[1] == "n" and pd.isna(rejects["Notes"].tolist()[0])
    assert rejects["Partner"].tolist() == ["X", "Y"]


def test_the_samples_rejects_fixed_and_read_again_add_exactly_those_rows(sample_dir, tmp_path):
    first = kv.read_partnerships(sample_dir / "sample_partnerships.csv", errors="collect")
    rejects = first.rejects
    assert len(rejects) == 8
    fixed = rejects.copy()
    fix = {  # reason -> (original header, corrected cell)
        "invalid_boolean": ("Data-uitwisseling", "nee"),
        "missing_value": ("Land", "Verenigde Arabische Emiraten"),
        "impossible_date": ("Startdatum", "28-02-2020"),
        "duplicate_id": ("Kenmerk", "SO-2021-9301"),
        "unknown_country": ("Land", "Argentinië"),
        "negative_value": ("Bedrag per jaar (EUR)", "2.500,00"),
        "end_before_start": ("Einddatum", "31-08-2027"),
        "invalid_date": ("Startdatum", "01-09-2026"),
    }
    for i, reason in enumerate(fixed["reason"]):
        header, cell = fix[reason]
        fixed.loc[i, header] = cell
    path = tmp_path / "partnerships_rejects_fixed.csv"
    fixed.to_csv(path, index=False)
    again = kv.read_partnerships(path, errors="collect")
    assert (again.report.read, again.report.accepted, again.report.rejected) == (8, 8, 0)
    said = notes(again)
    assert "a kvanalytics rejects file read again" in said
    assert "source_file, source_sheet, source_row, column, value, reason, detail" in said
    mapping = again.report.files[0]["mapping"]
    assert not set(mapping) & set(schemas.REJECTS), "ingest's own columns never map onto fields"
    both = pd.concat([first.table, again.table], ignore_index=True)
    assert len(both) == 608 and both["agreement_id"].is_unique
    assert set(again.table["agreement_id"]) == set(fixed["Kenmerk"])
    kv.validate_partnerships(both)


def test_rejects_of_a_rejects_file_keep_the_first_provenance(sample_dir, tmp_path):
    rejects = kv.read_partnerships(sample_dir / "sample_partnerships.csv", errors="collect").rejects
    path = tmp_path / "partnerships_rejects.csv"
    rejects.to_csv(path, index=False)
    again = kv.read_partnerships(path, errors="collect").rejects
    # every row fails again but the repeated id, whose first is not in this file
    kept = rejects[rejects["reason"] != "duplicate_id"]
    assert len(again) == 7
    assert again["original_source_row"].tolist() == [str(r) for r in kept["source_row"]]
    assert again["original_reason"].tolist() == kept["reason"].tolist()
    assert again["reason"].tolist() == kept["reason"].tolist()


def test_rejects_go_to_an_excel_sheet(tmp_path):
    path = write(tmp_path, lines("Partner,Country,Notes", "X,Atlantis,été"))
    rejects = kv.read_partnerships(path, defaults=SET, errors="collect").rejects
    out = to_excel({"partnerships_rejects": rejects}, tmp_path / "rejects.xlsx")
    back = pd.read_excel(out, sheet_name=None, dtype=str, engine="calamine")
    sheet = next(df for name, df in back.items() if name != "About")
    assert list(sheet.columns) == list(rejects.columns)
    assert sheet["Notes"].tolist() == ["été"]


# --------------------------------------------------------------------------------------------
# Identifiers and the country
# --------------------------------------------------------------------------------------------

ERASMUS = {"Socio": "partner", "Código Erasmus": "erasmus_code", "País": "country"}


def test_an_erasmus_code_gives_the_country_when_there_is_no_country_column(tmp_path):
    path = write(
        tmp_path,
        lines(
            "Socio;Código Erasmus;Plazas",
            "Universität Wien;A  WIEN01;2",
            "Helsingin yliopisto;SF\u00a0HELSINK01;1",
            "University of London;UK LONDON029;1",
            "Sin código;;1",
            "Mal código;ZZ NOWHERE01;1",
        ),
    )
    res = kv.read_partnerships(path, columns=ERASMUS, defaults=SET, errors="collect")
    t = res.table
    assert t["country"].tolist() == ["AT", "FI", "GB"]
    assert t["erasmus_code"].tolist() == ["A  WIEN01", "SF HELSINK01", "UK LONDON029"]
    assert res.rejects["reason"].tolist() == ["missing_value", "invalid_identifier"]
    assert "'ZZ' is not a country prefix" in res.rejects["detail"].iloc[1]
    assert "country: from the prefix of erasmus_code" in notes(res)


def test_an_erasmus_code_is_cross_checked_against_the_country(tmp_path):
    path = write(
        tmp_path,
        lines(
            "Socio;Código Erasmus;País",
            "Universität Wien;A  WIEN01;Austria",
            "TU München;D  MUNCHEN02;France",
            "Aalto;SF ESPOO12;",
            "Université de Namibie;;NA",
        ),
    )
    res = kv.read_partnerships(path, columns=ERASMUS, defaults=SET, errors="collect")
    assert res.table["country"].tolist() == ["AT", "FI", "NA"]
    (detail,) = res.rejects["detail"]
    assert res.rejects["reason"].tolist() == ["inconsistent_country"]
    assert "'France' is FR" in detail and "'D  MUNCHEN02' gives DE" in detail
    assert "1 empty cells filled from erasmus_code" in notes(res)


def test_a_country_name_beside_the_code_is_cross_checked_then_dropped(tmp_path):
    path = write(
        tmp_path,
        lines(
            "Partner,country,countryName,Faculty,Kind,Start",
            "Uni A,DE,Germany,Law,research,2021-01-01",
            "Uni B,DE,France,Law,research,2021-01-01",
            "Uni C,FR,Gallia Narbonensis,Law,research,2021-01-01",
        ),
    )
    res = kv.read_partnerships(path, columns={"countryName": "country_name"}, errors="collect")
    assert res.table["country"].tolist() == ["DE", "FR"]
    assert "country_name" not in res.table.columns
    assert res.rejects["reason"].tolist() == ["inconsistent_country"]
    assert "country 'DE' but country_name 'France' gives FR" in res.rejects["detail"].iloc[0]
    said = notes(res)
    assert "country_name: cross-checked against country, then dropped" in said
    assert "'Gallia Narbonensis'" in said


def test_pic_and_ror_are_normalised_and_an_invalid_one_rejected(tmp_path):
    path = write(
        tmp_path,
        lines(
            "Partner,Country,PIC,ROR",
            "Uni A,DE,999 977 948,https://ror.org/03yrm5c26",
            "Uni B,DE,99997794,",
            "Uni C,DE,#N/A,03yrm5c27",
            "Uni D,DE,,",
        ),
    )
    res = kv.read_partnerships(path, columns={"PIC": "pic", "ROR": "ror"}, defaults=SET, errors="collect")  # fmt: skip
    assert res.table["pic"].tolist() == ["999977948", pd.NA]
    assert res.table["ror"].tolist() == ["03yrm5c26", pd.NA]
    assert res.rejects["reason"].tolist() == ["invalid_identifier", "invalid_identifier"]
    assert "8 digits, a PIC has 9" in res.rejects["detail"].iloc[0]
    assert "fails its checksum" in res.rejects["detail"].iloc[1]


def test_partner_type_values(tmp_path):
    path = write(
        tmp_path,
        lines(
            "Partner,Country,Type",
            "Uni A,DE,HES",
            "Lab B,DE,REC",
            "Firm C,DE,PRC",
            "Ministry D,DE,PUB",
            "Club E,DE,OTH",
            "Ziekenhuis F,NL,ziekenhuis",
            "G,NL,",
            "H,NL,spaceship",
        ),
    )
    res = kv.read_partnerships(
        path, columns={"Type": "partner_type"}, defaults=SET, errors="collect"
    )
    assert res.table["partner_type"].astype(object).fillna("NA").tolist() == [
        "education", "research", "company", "public", "other", "hospital", "NA",
    ]  # fmt: skip
    assert res.rejects["reason"].tolist() == ["unknown_category"]


# --------------------------------------------------------------------------------------------
# Totals rows and missing markers
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "label",
    ["TOTAL", "Totaal", "Totalt", "Gesamt", "Summe", "PLAZAS TOTALES", "Total general",
     "Yhteensä", "Razem", "Totale", "Subtotaal Rechten", "Grand total", "I alt"],
)  # fmt: skip
def test_totals_rows_are_rejected_as_summary_rows(tmp_path, label):
    path = write(
        tmp_path,
        lines(
            "ID;Partner;Country;Faculty;Kind;Start;Value",
            "A-1;Universität Wien;AT;Law;research;2021-01-01;100",
            f"{label};;;;;;100",
        ),
    )
    res = kv.read_partnerships(path, errors="collect")
    assert res.rejects["reason"].tolist() == ["summary_row"]
    assert res.rejects["detail"].tolist() == [f"a totals row ({label!r}), not a partnership"]


def test_a_row_of_only_a_label_and_numbers_is_a_summary_row(tmp_path):
    path = write(
        tmp_path,
        lines(
            "Partner;Country;Plazas;Meses",
            "Universität Wien;AT;2;10",
            ";Rechten;2;10",
            ";;2;10",
            "Total SA;FR;1;5",  # a company named Total: a partner
            "Rechten;;2;10",  # may be a partner without its country: not taken for a total
        ),
    )
    res = kv.read_partnerships(path, defaults=SET, errors="collect")
    assert res.table["partner"].tolist() == ["Universität Wien", "Total SA"]
    assert res.rejects["reason"].tolist() == ["summary_row", "summary_row", "missing_value"]
    assert res.rejects["source_row"].tolist() == [3, 4, 6]


@pytest.mark.parametrize("marker", ["NA", ".", "-", "#N/A", "N/A", "NaN", "NULL", "#NV"])
def test_missing_markers_are_missing_values_but_country_na_is_namibia(tmp_path, marker):
    path = write(
        tmp_path,
        lines(
            "ID,Partner,Country,Faculty,Kind,Start,End,Value (EUR)",
            f"M-1,{marker},DE,Law,research,2021-01-01,,",
            f"M-2,University of Namibia,NA,Law,research,2021-01-01,{marker},{marker}",
        ),
    )
    res = kv.read_partnerships(path, errors="collect")
    assert res.rejects["reason"].tolist() == ["missing_value"]
    assert res.rejects["column"].tolist() == ["partner"]
    (row,) = res.table.itertuples()
    assert row.country == "NA" and pd.isna(row.end) and pd.isna(row.value_eur)
    assert f"partner: 1 missing markers ({marker!r}) read as empty" in notes(res)


# --------------------------------------------------------------------------------------------
# Several partners per agreement
# --------------------------------------------------------------------------------------------

CONSORTIUM = lines(
    "Agreement ID,Partner,Country,Faculty,Kind,Start",
    "P-1,Uni A,DE,Law,research,2021-01-01",
    "P-1,Uni B,FR,Law,research,2021-01-01",
    "P-1,Uni A,DE,Law,research,2021-01-01",
    "P-2,Uni A,DE,Law,research,2021-01-01",
)


def test_ties_make_agreement_and_partner_unique_instead_of_the_id(tmp_path):
    path = write(tmp_path, CONSORTIUM)
    plain = kv.read_partnerships(path, errors="collect")
    assert plain.rejects["source_row"].tolist() == [3, 4]
    ties = kv.read_partnerships(path, ties=True, errors="collect")
    assert ties.rejects["source_row"].tolist() == [4]
    assert "agreement_id 'P-1' with partner 'Uni A' repeats row 2" in ties.rejects["detail"].iloc[0]
    assert len(ties.table) == 3
    kv.validate_partnerships(ties.table)


# --------------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------------


def test_cli_set_and_ties_and_whole_row_rejects(tmp_path, capsys):
    path = write(tmp_path, lines("Agreement ID,Partner,Country", "P-1,Uni A,DE", "P-1,Uni C,Atlantis", "P-1,Uni B,FR"))  # fmt: skip
    out = tmp_path / "out"
    argv = ["ingest", "partnerships", str(path), "--out", str(out), "--json", "--ties"]
    argv += ["--set", "faculty=ETSIT", "--set", "kind=exchange", "--set", "start=2026-09-01"]
    assert cli.main(argv) == 0
    summary = json.loads(capsys.readouterr().out)
    assert (summary["read"], summary["accepted"], summary["rejected"]) == (3, 2, 1)
    rejects = pd.read_csv(out / "partnerships_rejects.csv", dtype=str, keep_default_na=False)
    assert list(rejects.columns) == [*schemas.REJECTS, "Agreement ID", "Partner", "Country"]
    assert rejects[["Agreement ID", "Partner", "Country"]].values.tolist() == [
        ["P-1", "Uni C", "Atlantis"]
    ]
    table = pd.read_parquet(out / "partnerships.parquet")
    assert set(table["faculty"]) == {"ETSIT"}


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--set", "kind"], "--set kind: expected FIELD=VALUE"),
        (["--set", "kind=picnic"], "--set kind=picnic"),
        (["--set", "kind=exchange", "--set", "kind=research"], "--set kind is given twice"),
        ([], "--set faculty=FACULTY --set kind=exchange --set start=YYYY-MM-DD"),
    ],
)
def test_cli_set_errors(tmp_path, capsys, extra, message):
    path = write(tmp_path, PARTNERS_ONLY)
    argv = ["ingest", "partnerships", str(path), "--out", str(tmp_path / "out"), *extra]
    if extra and extra[1].startswith("kind="):
        argv += ["--set", "faculty=ETSIT", "--set", "start=2026-09-01"]
    assert cli.main(argv) == 2
    assert message in capsys.readouterr().err


# --------------------------------------------------------------------------------------------
# A real registry read as a partner list: the Erasmus Charter holders (June 2024)
# --------------------------------------------------------------------------------------------


def test_the_erasmus_charter_holders_list_with_set_only(realdata):
    path = realdata / "erasmus" / "eche_holders_2024-06.csv"
    columns = {"Erasmus Code": "erasmus_code", "Legal Name": "partner", "Country Cd": "country",
               "Pic": "pic", "Proposal number": "agreement_id"}  # fmt: skip
    res = kv.read_partnerships(path, columns=columns, defaults=SET, errors="collect")
    r = res.report
    assert r.read == 5912 and r.read == r.accepted + r.rejected
    # the prefix gives the listed country for all codes but the three exceptions documented in
    # erasmus_country_codes.csv (Maastricht's Belgian-Dutch university, Réunion, San Marino),
    # and one code is malformed (BE BRUGGE11: no prefix BE)
    assert r.by_reason == {"inconsistent_country": 3, "invalid_identifier": 1}
    assert r.accepted == 5908
    bad = res.rejects.set_index("reason")["Country Cd"]
    assert sorted(bad["inconsistent_country"]) == ["NL", "RE", "SM"]
    assert r"'NL' but erasmus_code 'B\xa0 DIEPENB07' gives BE" in res.rejects["detail"].iloc[0]
    assert res.table["pic"].str.fullmatch(r"\d{9}").all()
    assert res.table["erasmus_code"].str.fullmatch(r"[A-Z -]{3}[A-Z-]+\d+").all()
