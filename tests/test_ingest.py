"""Ingest, one reader feature per test: sniffing, synonyms, per-column decisions, accounting.

Files are written to ``tmp_path`` as small as the feature allows; the hostile corpus
(test_ingest_hostile.py) and the property test (test_ingest_property.py) cover the combinations.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import importlib.util
import re
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

import kvanalytics as kv
from kvanalytics import schemas
from kvanalytics.config import PACKAGE_DATA
from kvanalytics.ingest import _grid, _headers, _parse

EN = "Agreement ID,Partner,Country,Faculty,Kind,Start"
ROW = "A-1,Universiteit Gent,Belgium,Science,research,2021-01-01"


def write(tmp_path: Path, text: str | bytes, name: str = "export.csv", encoding="utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode(encoding))
    return path


def lines(*rows: str) -> str:
    return "\n".join(rows) + "\n"


def collect(path, table: str = "partnerships", **kw) -> kv.Ingested:
    read = kv.read_partnerships if table == "partnerships" else kv.read_headcounts
    return read(path, errors="collect", **kw)


def notes(result: kv.Ingested) -> str:
    return " | ".join(n for f in result.report.files for n in f["notes"])


def xlsx(tmp_path: Path, sheets: dict[str, list[list]], name: str = "export.xlsx") -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    path = tmp_path / name
    wb.save(path)
    return path


def make_hostile():
    spec = importlib.util.spec_from_file_location(
        "make_hostile", Path(__file__).parent / "data" / "make_hostile.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --------------------------------------------------------------------------------------------
# Separators, decimals, encodings
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("sep", "shown"), [(",", ","), (";", ";"), ("\t", "tab"), ("|", "|")])
def test_separator_is_sniffed(tmp_path, sep, shown):
    text = lines(
        EN.replace(",", sep),
        ROW.replace(",", sep),
        "A-2,TU Wien,Austria,Law,exchange,2022-02-01".replace(",", sep),
    )
    res = collect(write(tmp_path, text))
    assert res.report.files[0]["separator"] == shown
    assert res.table["partner"].tolist() == ["Universiteit Gent", "TU Wien"]
    assert res.table["country"].tolist() == ["BE", "AT"]


@pytest.mark.parametrize(
    ("sep", "values", "expected", "decimal"),
    [
        (";", ["1.234,50", "99,00"], [1234.5, 99.0], "comma"),
        (",", ['"1,234.50"', "99.00"], [1234.5, 99.0], "point"),
        (";", ["1234,5", "7"], [1234.5, 7.0], "comma"),
        (";", ["1.234.567,89", "0,00"], [1234567.89, 0.0], "comma"),
        (",", ['"1,234,567.89"', "0.5"], [1234567.89, 0.5], "point"),
        (";", ["€ 1.234,50", "EUR 2,00"], [1234.5, 2.0], "comma"),
        (";", ["1 234,50", "2,00"], [1234.5, 2.0], "comma"),
        # no-break and narrow no-break spaces (fr, nb, sv thousands), Swiss apostrophes
        (";", ["1\u00a0234,50", "2\u202f000,00"], [1234.5, 2000.0], "comma"),
        (";", ["1\u00a0234\u00a0567,5", "€\u00a012,00"], [1234567.5, 12.0], "comma"),
        (",", ["1'234.50", "1\u2019000\u2019000.25"], [1234.5, 1000000.25], "point"),
        # a separator twice between groups of three is the thousands one: 350.000 is 350000
        (";", ["1.461.000", "350.000"], [1461000.0, 350000.0], "comma"),
        (",", ['"1,461,000"', '"350,000"'], [1461000.0, 350000.0], "point"),
    ],
)
def test_decimal_comma_and_point_with_thousands(tmp_path, sep, values, expected, decimal):
    header = (EN + ",Value (EUR)").replace(",", sep)
    rows = [
        sep.join([f"A-{i}", "Uni", "Belgium", "Law", "research", "2021-01-01", v])
        for i, v in enumerate(values)
    ]
    res = collect(write(tmp_path, lines(header, *rows)))
    assert res.report.rejected == 0
    assert res.table["value_eur"].tolist() == pytest.approx(expected)
    assert f"value_eur: decimal {decimal}" in notes(res)


def test_decimal_is_decided_per_column_with_evidence(tmp_path):
    # "1.234" alone is ambiguous; "2,5" settles the column: comma decimal, point = thousands
    header = "Agreement ID;Partner;Country;Faculty;Kind;Start;Value (EUR)"
    base = "Uni;Belgium;Law;research;2021-01-01"
    res = collect(write(tmp_path, lines(header, f"A-1;{base};1.234", f"A-2;{base};2,5")))
    assert res.table["value_eur"].tolist() == [1234.0, 2.5]
    assert "value_eur: decimal comma (1 value)" in notes(res)
    # and the other way round: "2.5" settles a comma-separated file's column as decimal point
    res = collect(
        write(
            tmp_path,
            lines(
                EN + ",Value (EUR)",
                f'A-1,{base.replace(";", ",")},"1,234"',
                f"A-2,{base.replace(';', ',')},2.5",
            ),
        )
    )
    assert res.table["value_eur"].tolist() == [1234.0, 2.5]
    assert "value_eur: decimal point (1 value)" in notes(res)


def test_decimal_conflict_rejects_the_minority(tmp_path):
    header = "Agreement ID;Partner;Country;Faculty;Kind;Start;Value (EUR)"
    base = "Uni;Belgium;Law;research;2021-01-01"
    text = lines(header, f"A-1;{base};1,50", f"A-2;{base};2,75", f"A-3;{base};3.25")
    res = collect(write(tmp_path, text))
    assert res.table["value_eur"].tolist() == [1.5, 2.75]
    assert res.rejects[["source_row", "reason", "value"]].values.tolist() == [
        [4, "invalid_number", "3.25"]
    ]
    assert "conflicting: 2 comma, 1 point" in notes(res)


@pytest.mark.parametrize(
    ("sep", "header_lang", "expected", "why"),
    [
        (";", "en", 1234.0, "assumed from the separator"),
        (",", "en", 1.234, "assumed from the language"),
        (",", "nl", 1234.0, "assumed from the language"),
    ],
)
def test_decimal_without_evidence_follows_separator_then_language(
    tmp_path, sep, header_lang, expected, why
):
    header = {
        "en": "Agreement ID,Partner,Country,Faculty,Kind,Start,Value (EUR)",
        "nl": "Kenmerk,Partnerinstelling,Land,Faculteit,Soort,Startdatum,Bedrag (EUR)",
    }[header_lang].replace(",", sep)
    row = sep.join(["A-1", "Uni", "Belgium", "Law", "research", "2021-01-01", "1.234"])
    res = collect(write(tmp_path, lines(header, row)))
    assert res.table["value_eur"].tolist() == [pytest.approx(expected)]
    assert why in notes(res)


def test_xlsx_numbers_keep_their_value_under_dutch_headers(tmp_path):
    # a numeric cell 12.345 is twelve euros, whatever the header language (was read as 12345)
    path = xlsx(
        tmp_path,
        {
            "Blad1": [
                [
                    "Kenmerk",
                    "Partnerinstelling",
                    "Land",
                    "Faculteit",
                    "Soort",
                    "Startdatum",
                    "Bedrag (EUR)",
                ],
                ["A-1", "Uni", "België", "Recht", "onderzoek", dt.date(2021, 1, 1), 12.345],
                ["A-2", "Uni", "België", "Recht", "onderzoek", dt.date(2021, 1, 1), 1000],
            ]
        },
    )
    res = collect(path)
    assert res.table["value_eur"].tolist() == [12.345, 1000.0]
    assert "value_eur: decimal point (no evidence; workbook cells)" in notes(res)


def test_xlsx_text_amounts_with_points_between_thousands(tmp_path):
    # amounts typed as text in a grants office's workbook: two points between groups of three
    # can only be thousands, so 350.000 beside them is 350,000 too (was: rejected, and 350)
    head = [
        "Kenmerk",
        "Partnerinstelling",
        "Land",
        "Faculteit",
        "Soort",
        "Startdatum",
        "Bedrag (EUR)",
    ]
    rows = [
        ["A-1", "Uni", "België", "Recht", "onderzoek", dt.date(2021, 1, 1), "1.461.000"],
        ["A-2", "Uni", "België", "Recht", "onderzoek", dt.date(2021, 1, 1), "350.000"],
    ]
    res = collect(xlsx(tmp_path, {"Blad1": [head, *rows]}))
    assert res.report.rejected == 0
    assert res.table["value_eur"].tolist() == [1461000.0, 350000.0]
    assert "value_eur: decimal comma (1 value)" in notes(res)


ENCODED = "Université libre de Bruxelles;België;Bètawetenschappen;€ 1.234,50"


@pytest.mark.parametrize(
    ("codec", "bom", "reported", "text"),
    [
        ("utf-8", b"", "utf-8", ENCODED),
        ("utf-8", codecs.BOM_UTF8, "utf-8-sig", ENCODED),
        ("utf-16-le", codecs.BOM_UTF16_LE, "utf-16", ENCODED),
        ("utf-16-be", codecs.BOM_UTF16_BE, "utf-16", ENCODED),
        ("cp1252", b"", "cp1252", ENCODED),
        # Latin-1 has no €; its letters are cp1252's too, so either name reads the same text
        (
            "latin-1",
            b"",
            ("cp1252", "latin-1"),
            "Universität Zürich;Schweiz;Bètawetenschappen;1.234,50",
        ),
    ],
)
def test_encodings(tmp_path, codec, bom, reported, text):
    header = "Kenmerk;Partnerinstelling;Land;Faculteit;Soort;Startdatum;Bedrag (EUR)"
    partner, country, faculty, value = text.split(";")
    row = f"A-1;{partner};{country};{faculty};onderzoek;01-09-2021;{value}"
    path = write(tmp_path, bom + lines(header, row).encode(codec))
    res = collect(path)
    info = res.report.files[0]
    assert info["encoding"] in (reported if isinstance(reported, tuple) else (reported,))
    assert res.table["partner"].tolist() == [partner]
    assert res.table["faculty"].tolist() == [faculty]
    assert res.table["value_eur"].tolist() == [1234.5]
    assert res.table["country"].tolist() == [{"België": "BE", "Schweiz": "CH"}[country]]


def test_utf16_without_bom_is_recognised(tmp_path):
    text = lines(EN, ROW)
    res = collect(write(tmp_path, text.encode("utf-16-le")))
    assert res.report.files[0]["encoding"] == "utf-16-le"
    assert res.report.accepted == 1


def test_a_bom_that_lies_is_a_file_level_error(tmp_path):
    path = write(tmp_path, codecs.BOM_UTF8 + "Kenmerk;Land\n".encode("cp1252") + b"\xe9t\xe9\n")
    with pytest.raises(kv.IngestError, match="utf-8-sig byte-order mark but is not valid"):
        collect(path)


# --------------------------------------------------------------------------------------------
# Layout: title rows, blank and trailing rows and columns, provenance
# --------------------------------------------------------------------------------------------


def test_title_rows_above_the_header_and_provenance(tmp_path):
    text = lines(
        "Export of all agreements",
        "Faculty of Law, 5 January 2024",
        EN,
        ROW,
        "A-2,TU Wien,Austria,Law,exchange,2022-02-01",
    )
    path = write(tmp_path, text)
    res = collect(path)
    info = res.report.files[0]
    assert info["header_row"] == 3
    assert res.table["source_row"].tolist() == [4, 5]  # as a spreadsheet user counts
    assert res.table["source_file"].tolist() == [str(path)] * 2
    assert res.table["source_sheet"].isna().all()
    assert info["format"] == "csv"


def test_trailing_empty_rows_and_columns_are_skipped_and_counted(tmp_path):
    text = (
        lines(
            EN + ",,,",
            ROW + ",,,",
            "",
            "A-2,TU Wien,Austria,Law,exchange,2022-02-01,,,",
            ",,,,,,,,",
            ",,,,,,,,",
        )
        + "\n"
    )
    res = collect(write(tmp_path, text))
    assert (res.report.read, res.report.accepted) == (2, 2)
    info = res.report.files[0]
    # an empty line inside the data, two rows of commas, one empty line at the end
    assert info["blank_rows"] == 4
    assert info["unmapped"] == []
    assert res.table["source_row"].tolist() == [2, 4]


def test_blank_rows_in_a_workbook_are_counted(tmp_path):
    path = xlsx(
        tmp_path,
        {
            "Data": [
                EN.split(","),
                ROW.split(","),
                [],
                [],
                ["A-2", "TU Wien", "Austria", "Law", "exchange", "2022-02-01"],
            ]
        },
    )
    res = collect(path)
    assert res.report.files[0]["blank_rows"] == 2
    assert res.table["source_row"].tolist() == [2, 5]
    assert res.table["source_sheet"].tolist() == ["Data", "Data"]


def test_header_on_row_three_of_a_workbook(tmp_path):
    path = xlsx(
        tmp_path,
        {"Overeenkomsten": [["Overzicht samenwerkingen"], [], EN.split(","), ROW.split(",")]},
    )
    res = collect(path)
    assert res.report.files[0]["header_row"] == 3
    assert res.table["source_row"].tolist() == [4]
    assert res.table["source_sheet"].tolist() == ["Overeenkomsten"]


def test_quoted_newlines_keep_line_numbers(tmp_path):
    text = lines(
        EN + ",Notes",
        'A-1,"Uni\nof Two Lines",Belgium,Law,research,2021-01-01,"a;b,c"',
        "A-2,Uni,Atlantis,Law,research,2021-01-01,",
    )
    res = collect(write(tmp_path, text))
    assert res.table["partner"].tolist() == ["Uni\nof Two Lines"]
    assert res.rejects["source_row"].tolist() == [4]


def test_quoted_values_on_one_line_read_as_the_csv_module_reads_them(tmp_path):
    # quotes without a newline inside take the Arrow path; it must agree with the csv module
    text = lines(
        EN + ",Notes",
        'A-1,"Uni, of Commas",Belgium,Law,research,2021-01-01,"say ""hi"""',
        '"A-2",Plain Uni,Atlantis,Law,research,2021-01-01,',
        'A-3,"  Spaced  ",Belgium,Law,research,2021-01-01,""',
    )
    res = collect(write(tmp_path, text))
    assert res.table["partner"].tolist() == ["Uni, of Commas", "Spaced"]
    assert res.table["source_row"].tolist() == [2, 4]
    assert res.rejects["source_row"].tolist() == [3]
    assert "Atlantis" in res.rejects["detail"].iloc[0]


@pytest.mark.parametrize("eol", ["\n", "\r\n", "\r"], ids=["lf", "crlf", "cr"])
@pytest.mark.parametrize("quoted", [False, True], ids=["plain", "quoted"])
def test_line_ends_and_empty_lines_keep_row_numbers(tmp_path, eol, quoted):
    name = '"Uni, Ghent"' if quoted else "Uni Ghent"
    rows = [
        "Overview of agreements",
        EN,
        f"A-1,{name},Belgium,Law,research,2021-01-01",
        "",
        "A-2,Uni,Atlantis,Law,research,2021-01-01",
        f"A-3,{name},Belgium,Law,research,2021-01-01",
    ]
    res = collect(write(tmp_path, eol.join(rows) + eol))
    assert res.table["source_row"].tolist() == [3, 6]
    assert res.rejects["source_row"].tolist() == [5]
    assert set(res.table["partner"]) == {"Uni, Ghent" if quoted else "Uni Ghent"}
    assert res.report.read == 3


# --------------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------------


def _dates(tmp_path, header: str, starts: list[str], ends: list[str] | None = None, **kw):
    sep = ";" if ";" in header else ","
    rows = [
        sep.join([f"A-{i}", "Uni", "Belgium", "Law", "research", s] + ([ends[i]] if ends else []))
        for i, s in enumerate(starts)
    ]
    return collect(write(tmp_path, lines(header, *rows)), **kw)


def test_excel_serial_dates_in_csv(tmp_path):
    res = _dates(tmp_path, EN, ["44621", "44621.0", "2022-03-02"])
    assert res.table["start"].tolist() == [pd.Timestamp("2022-03-01")] * 2 + [
        pd.Timestamp("2022-03-02")
    ]
    assert "Excel serial day numbers converted" in notes(res)


def test_day_first_column_is_day_first_throughout(tmp_path):
    res = _dates(tmp_path, EN, ["31-08-2023", "03-04-2023"])
    assert res.table["start"].tolist() == [pd.Timestamp("2023-08-31"), pd.Timestamp("2023-04-03")]
    assert "start: day-first dates (evidence: 1 value with day > 12)" in notes(res)


def test_month_first_column_is_month_first_throughout(tmp_path):
    res = _dates(tmp_path, EN.replace("Start", "Start date"), ["08/31/2023", "03/04/2023"])
    assert res.table["start"].tolist() == [pd.Timestamp("2023-08-31"), pd.Timestamp("2023-03-04")]
    assert "start: month-first dates" in notes(res)


def test_date_order_is_decided_per_column(tmp_path):
    res = _dates(tmp_path, EN + ",End", ["31-08-2023", "03-04-2023"], ["12/31/2025", "05/06/2025"])
    assert res.table["start"].tolist() == [pd.Timestamp("2023-08-31"), pd.Timestamp("2023-04-03")]
    assert res.table["end"].tolist() == [pd.Timestamp("2025-12-31"), pd.Timestamp("2025-05-06")]


@pytest.mark.parametrize(
    ("header", "expected", "said"),
    [
        (EN, "2023-03-04", "month-first assumed from the en headers"),
        (
            "Kenmerk;Partnerinstelling;Land;Faculteit;Soort;Startdatum",
            "2023-04-03",
            "day-first assumed from the nl headers",
        ),
        (
            "Avtalenummer;Partnerinstitusjon;Land;Fakultet;Type;Startdato",
            "2023-04-03",
            "day-first assumed from the no headers",
        ),
    ],
)
def test_date_order_without_evidence_follows_the_header_language(tmp_path, header, expected, said):
    res = _dates(tmp_path, header, ["03-04-2023", "05-06-2023"])
    assert res.table["start"].iloc[0] == pd.Timestamp(expected)
    assert said in notes(res)


def test_dayfirst_argument_overrides(tmp_path):
    res = _dates(tmp_path, EN, ["03-04-2023"], dayfirst=True)
    assert res.table["start"].tolist() == [pd.Timestamp("2023-04-03")]
    assert "day-first dates as requested" in notes(res)


def test_conflicting_date_orders_reject_the_minority(tmp_path):
    res = _dates(tmp_path, EN, ["31-08-2023", "25-12-2023", "12/31/2023"])
    assert res.rejects[["source_row", "reason"]].values.tolist() == [[4, "impossible_date"]]
    assert "conflicting date orders (2 day-first, 1 month-first values)" in notes(res)


def test_iso_dates_ignore_language(tmp_path):
    header = "Kenmerk;Partnerinstelling;Land;Faculteit;Soort;Startdatum;Einddatum"
    res = _dates(tmp_path, header, ["2023-03-04", "2023/03/05"], ["2024-01-02 00:00:00", ""])
    assert res.table["start"].tolist() == [pd.Timestamp("2023-03-04"), pd.Timestamp("2023-03-05")]
    assert res.table["end"].iloc[0] == pd.Timestamp("2024-01-02")
    assert pd.isna(res.table["end"].iloc[1])
    assert "no evidence of day- or month-first order needed (ISO or Excel dates)" in notes(res)


def test_excel_date_cells_in_xlsx(tmp_path):
    path = xlsx(
        tmp_path,
        {
            "Sheet": [
                [*EN.split(","), "End"],
                [
                    "A-1",
                    "Uni",
                    "Belgium",
                    "Law",
                    "research",
                    dt.date(2022, 3, 1),
                    dt.datetime(2024, 2, 29, 0, 0),
                ],
                ["A-2", "Uni", "Belgium", "Law", "research", dt.datetime(2022, 3, 1, 13, 30), None],
            ]
        },
    )
    res = collect(path)
    assert res.report.rejected == 0
    assert res.table["start"].tolist() == [pd.Timestamp("2022-03-01")] * 2
    assert res.table["end"].iloc[0] == pd.Timestamp("2024-02-29")
    assert str(res.table["start"].dtype) == schemas.DATE


# --------------------------------------------------------------------------------------------
# Header synonyms and the column mapping
# --------------------------------------------------------------------------------------------

HEADERS = {
    "en": "Agreement number;Partner institution;Country;Faculty;Agreement type;Start date;End date;Value (EUR)",
    "nl": "Kenmerk;Partnerinstelling;Land;Faculteit;Soort;Startdatum;Einddatum;Bedrag per jaar (EUR)",
    "no": "Avtalenummer;Partnerinstitusjon;Land;Fakultet;Type;Startdato;Sluttdato;Beløp (EUR)",
    "fr": "Numéro d'accord;Partenaire;Pays;Faculté;Type d'accord;Date de début;Date de fin;Montant (EUR)",
    "de": "Vertragsnummer;Partnerhochschule;Land;Fakultät;Vertragsart;Beginn;Ende;Betrag (EUR)",
}
VALUES = {  # country, kind in each language
    "en": ("Germany", "research"),
    "nl": ("Duitsland", "onderzoek"),
    "no": ("Tyskland", "forskning"),
    "fr": ("Allemagne", "recherche"),
    "de": ("Deutschland", "Forschung"),
}


@pytest.mark.parametrize("lang", list(HEADERS))
def test_header_synonyms_per_language(tmp_path, lang):
    country, kind = VALUES[lang]
    row = f"A-1;Uni;{country};Law;{kind};03-04-2023;;1.500,00"
    res = collect(write(tmp_path, lines(HEADERS[lang], row)))
    info = res.report.files[0]
    assert info["language"] == lang
    assert sorted(info["mapping"].values()) == sorted(
        ["agreement_id", "partner", "country", "faculty", "kind", "start", "end", "value_eur"]
    )
    t = res.table.iloc[0]
    assert (t["country"], t["kind"], t["value_eur"]) == ("DE", "research", 1500.0)
    # no date evidence: English headers read month-first, the others day-first
    assert t["start"] == pd.Timestamp("2023-03-04" if lang == "en" else "2023-04-03")


SYNONYMS = pd.read_csv(PACKAGE_DATA / "header_synonyms.csv", dtype=str, keep_default_na=False)


@pytest.mark.parametrize("table", ["partnerships", "headcounts"])
def test_every_header_synonym_maps_to_its_column(table):
    syn = SYNONYMS[SYNONYMS["table"] == table]
    for row in syn.itertuples():
        mapping, _ = _headers.match_header([row.synonym], table, {})
        assert mapping == {0: row.column}, row.synonym


def test_every_header_language_has_its_conventions():
    languages = pd.read_csv(PACKAGE_DATA / "header_languages.csv", dtype=str)
    assert set(SYNONYMS["language"]) <= set(languages["language"])
    assert not languages["language"].duplicated().any()
    assert set(languages["dates"]) <= {"day-first", "month-first"}
    assert set(languages["decimal"]) <= {"comma", "point"}


def test_map_headers_says_which_rule_decided_each_header():
    cells = [
        "Kenmerk",
        "Naam van de partner",
        "Land",
        "",
        "Faculteit",
        "Soort",
        "Startdatum",
        "Notes",
    ]
    m = _headers.map_headers(cells, "partnerships", {"Naam van de partner": "partner"})
    assert [(d.header, d.field, d.rule) for d in m.decisions] == [
        ("Kenmerk", "agreement_id", "synonym"),
        ("Naam van de partner", "partner", "explicit"),
        ("Land", "country", "synonym"),
        ("Faculteit", "faculty", "synonym"),
        ("Soort", "kind", "synonym"),
        ("Startdatum", "start", "synonym"),
        ("Notes", None, "ignored"),
    ]
    assert m.mapping[1] == "partner" and 3 not in m.mapping
    assert (m.unmapped, m.language) == (["Notes"], "nl")


def test_map_headers_names_the_file_in_its_errors():
    with pytest.raises(kv.IngestError, match=r"^x.csv \[sheet 'S'\]: missing required") as info:
        _headers.map_headers(["Kenmerk"], "partnerships", where="x.csv [sheet 'S']", path="x.csv")
    assert info.value.path == "x.csv"


@pytest.mark.parametrize(
    "header",
    [
        "  DATE DE DÉBUT ;PARTENAIRE;pays;faculte;TYPE D’ACCORD;numero d'accord",
        "date  de   debut;Partenaire;Pays;Faculté;type-d'accord;Numéro d'Accord",
    ],
)
def test_headers_ignore_case_accents_whitespace_and_punctuation(tmp_path, header):
    row = "2021-01-01;Uni;Allemagne;Droit;recherche;F-1"
    res = collect(write(tmp_path, lines(header, row)))
    assert res.report.accepted == 1
    assert res.table["agreement_id"].tolist() == ["F-1"]


def test_columns_argument_maps_unknown_headers(tmp_path):
    header = "Kenmerk;Wederpartij;Land;Faculteit;Soort;Startdatum"
    path = write(tmp_path, lines(header, "A-1;Uni;België;Recht;onderzoek;2021-01-01"))
    with pytest.raises(kv.IngestError, match="missing required column"):
        collect(path)
    res = collect(path, columns={"Wederpartij": "partner"})
    assert res.table["partner"].tolist() == ["Uni"]
    # the brief's example: a mapping that repeats a known synonym is harmless
    header = "Kenmerk;Naam partner;Land;Faculteit;Soort;Startdatum"
    path = write(tmp_path, lines(header, "A-1;Uni;België;Recht;onderzoek;2021-01-01"))
    assert collect(path, columns={"Naam partner": "partner"}).table["partner"].tolist() == ["Uni"]


def test_columns_argument_rejects_unknown_fields(tmp_path):
    path = write(tmp_path, lines(EN, ROW))
    with pytest.raises(kv.IngestError, match="names unknown partnerships columns; allowed:"):
        collect(path, columns={"Naam": "naam"})
    with pytest.raises(kv.IngestError, match="unknown partnerships columns"):
        collect(path, columns={"File": "source_file"})  # provenance is ingest's, not a mapping


def test_unmapped_columns_are_reported_and_ignored(tmp_path):
    res = collect(write(tmp_path, lines(EN + ",Contact person,Remarks", ROW + ",J. Smit,none")))
    assert res.report.files[0]["unmapped"] == ["Contact person", "Remarks"]
    assert "ignored columns: Contact person, Remarks" in str(res.report)


def test_duplicate_mapped_columns_name_both(tmp_path):
    header = "Kenmerk;Partnerinstelling;Land;Faculteit;Soort;Startdatum;Partnerland"
    path = write(tmp_path, lines(header, "A-1;Uni;België;Recht;onderzoek;2021-01-01;BE"))
    with pytest.raises(kv.IngestError, match=r"country <- 'Land', 'Partnerland'"):
        collect(path)


def test_missing_required_column_lists_found_and_expected(tmp_path):
    path = write(tmp_path, lines("Agreement ID,Partner,Country,Faculty,Kind,Opens", ROW))
    with pytest.raises(kv.IngestError) as info:
        collect(path)
    message = str(info.value)
    assert "missing required column(s) start" in message
    assert "'Opens'" in message and "'Agreement ID'" in message
    assert "agreement_id, partner, country, faculty, kind, start" in message
    assert "--set start=YYYY-MM-DD" in message and "defaults={'start': " in message
    assert info.value.path == str(path)


# --------------------------------------------------------------------------------------------
# Value synonyms
# --------------------------------------------------------------------------------------------

VALUE_SYNONYMS = pd.read_csv(PACKAGE_DATA / "value_synonyms.csv", dtype=str, keep_default_na=False)
PARTNERSHIP_FIELDS = {"kind": "Kind", "level": "Level", "status": "Status", "faculty": "Faculty"}


@pytest.mark.parametrize("field", list(PARTNERSHIP_FIELDS))
def test_every_value_synonym_of_partnerships(tmp_path, field):
    syn = VALUE_SYNONYMS[VALUE_SYNONYMS["field"] == field]
    columns = {"kind": "research", "level": "", "status": "", "faculty": "Law"}
    header = "\t".join(
        ["Agreement ID", "Partner", "Country", "Start", *PARTNERSHIP_FIELDS.values()]
    )
    rows = []
    for i, s in enumerate(syn["synonym"]):
        cells = dict(columns, **{field: s.upper() if i % 2 else s})
        rows.append("\t".join([f"A-{i}", "Uni", "BE", "2021-01-01", *cells.values()]))
    res = collect(write(tmp_path, lines(header, *rows)))
    assert res.report.rejected == 0, res.rejects
    assert res.table[field].astype(str).tolist() == syn["value"].tolist()


@pytest.mark.parametrize("field", ["group", "basis"])
def test_every_value_synonym_of_headcounts(tmp_path, field):
    syn = VALUE_SYNONYMS[VALUE_SYNONYMS["field"] == field]
    header = "Period\tFaculty\tGroup\tCountry\tBasis\tHeadcount"
    rows = [
        "\t".join(
            [
                "2021/22",
                f"F{i}",
                s if field == "group" else "phd",
                "DE",
                s if field == "basis" else "",
                "3",
            ]
        )
        for i, s in enumerate(syn["synonym"])
    ]
    res = collect(write(tmp_path, lines(header, *rows)), "headcounts")
    assert res.report.rejected == 0, res.rejects
    assert res.table[field].astype(str).tolist() == syn["value"].tolist()


@pytest.mark.parametrize(
    ("yes", "no"),
    [
        ("ja", "nee"),
        ("yes", "no"),
        ("j", "n"),
        ("ja", "nei"),
        ("oui", "non"),
        ("true", "false"),
        ("1", "0"),
        ("JA", "Nee"),
        ("Y", "N"),
        ("TRUE", "FALSE"),
    ],
)
def test_booleans(tmp_path, yes, no):
    header = EN + ",Financial flows,Data exchange"
    text = lines(
        header,
        f"A-1,Uni,BE,Law,research,2021-01-01,{yes},{no}",
        f"A-2,Uni,BE,Law,research,2021-01-01,{no},",
    )
    res = collect(write(tmp_path, text))
    assert res.report.rejected == 0
    assert res.table["financial_flows"].tolist() == [True, False]
    # in a yes/no column a blank is unknown, not no
    assert res.table["data_exchange"].tolist()[0] is False
    assert pd.isna(res.table["data_exchange"].iloc[1])


def test_checkbox_column_reads_blank_as_false(tmp_path):
    header = EN + ",Financial flows,Data exchange"
    base = "Uni,BE,Law,research,2021-01-01"
    text = lines(header, f"A-1,{base},x,yes", f"A-2,{base},,", f"A-3,{base},X,no")
    res = collect(write(tmp_path, text))
    assert res.table["financial_flows"].tolist() == [True, False, True]
    assert res.table["data_exchange"].isna().tolist() == [False, True, False]
    assert "financial_flows: checkbox column (x or blank), blank read as no" in notes(res)


def test_faculty_central_synonyms(tmp_path):
    header = "Kenmerk;Partnerinstelling;Land;Faculteit;Soort;Startdatum"
    text = lines(
        header,
        "A-1;Uni;BE;Centraal;netwerk;2021-01-01",
        "A-2;Uni;BE;Instellingsbreed;netwerk;2021-01-01",
        "A-3;Uni;BE;Recht;netwerk;2021-01-01",
    )
    res = collect(write(tmp_path, text))
    assert res.table["faculty"].tolist() == ["Central", "Central", "Recht"]


# --------------------------------------------------------------------------------------------
# Workbooks: sheets, the calamine path and its openpyxl fallback
# --------------------------------------------------------------------------------------------


def _workbook(tmp_path) -> Path:
    good = [EN.split(","), ROW.split(",")]
    other = [EN.split(","), ["B-1", "TU Wien", "Austria", "Law", "exchange", "2022-01-01"]]
    return xlsx(
        tmp_path, {"Toelichting": [["Notes"], ["Exported 2024"]], "2023": good, "2024": other}
    )


def test_sheet_by_name(tmp_path):
    res = collect(_workbook(tmp_path), sheet="2024")
    assert res.table["agreement_id"].tolist() == ["B-1"]
    assert res.table["source_sheet"].tolist() == ["2024"]
    with pytest.raises(
        kv.IngestError, match=r"no sheet 'Blad1'; the workbook has 'Toelichting', '2023', '2024'"
    ):
        collect(_workbook(tmp_path), sheet="Blad1")


def test_the_one_qualifying_sheet_is_chosen(tmp_path):
    path = xlsx(tmp_path, {"Toelichting": [["Notes"]], "Data": [EN.split(","), ROW.split(",")]})
    res = collect(path)
    assert res.report.files[0]["sheet"] == "Data"
    assert res.report.accepted == 1


def test_two_qualifying_sheets_are_an_error_naming_them(tmp_path):
    with pytest.raises(
        kv.IngestError,
        match=r"sheets '2023', '2024' all hold the required partnerships columns; choose one with sheet=",
    ):
        collect(_workbook(tmp_path))


def test_openpyxl_fallback_reads_the_same(tmp_path, monkeypatch):
    path = _workbook(tmp_path)
    expected = collect(path, sheet="2023").table

    def broken(_path):
        raise RuntimeError("calamine unavailable")

    monkeypatch.setattr(_grid, "_calamine_sheets", broken)
    pd.testing.assert_frame_equal(collect(path, sheet="2023").table, expected)


@pytest.mark.xfail(
    strict=True,
    reason="python-calamine reads error cells (#DIV/0!, #N/A) as empty, so a failed formula in an "
    "optional column becomes NA instead of a reject; openpyxl (the fallback) gives '#DIV/0!'",
)
def test_xlsx_error_cells_are_not_read_as_blank(tmp_path):
    mh = make_hostile()
    rows = [
        [*EN.split(","), "Value (EUR)"],
        ["E-1", "Uni", "Austria", "Law", "exchange", "2021-01-01", mh.Error("1/0", "#DIV/0!")],
    ]
    path = write(tmp_path, mh.xlsx_bytes({"Data": rows}), name="errors.xlsx")
    assert collect(path).report.by_reason == {"invalid_number": 1}


@pytest.fixture(scope="module")
def freedom_house(realdata):
    path = realdata / "freedomhouse" / "All_data_FIW_2013-2024.xlsx"
    if not path.exists():
        pytest.skip(f"{path} is missing")
    return path


def test_freedom_house_workbook_through_the_excel_path(freedom_house):
    sheets = dict(_grid._calamine_sheets(freedom_house)[0])
    assert "FIW13-24" in sheets
    rows = sheets["FIW13-24"]
    header = rows[1]  # the first row is a title
    assert header[:5] == ["Country/Territory", "Region", "C/T", "Edition", "Status"]
    assert "D3" in header and header[-1] == "Total" and len(header) == 44
    data = [r for r in rows[2:] if any(r)]
    assert len(data) == 2_515
    col = {h: i for i, h in enumerate(header)}
    russia = {r[col["Edition"]]: r for r in data if r[0] == "Russia"}
    assert russia["2024"][col["Status"]] == "NF"
    assert (russia["2024"][col["Total"]], russia["2024"][col["D3"]]) == ("13", "0")
    netherlands = next(r for r in data if r[0] == "Netherlands" and r[col["Edition"]] == "2024")
    assert (netherlands[col["Total"]], netherlands[col["D3"]]) == ("97", "4")


def test_freedom_house_calamine_and_openpyxl_agree(freedom_house):
    calamine = dict(_grid._calamine_sheets(freedom_house)[0])["FIW13-24"][:200]
    fallback = dict(_grid._openpyxl_sheets(freedom_house))["FIW13-24"][:200]
    assert calamine == fallback


# --------------------------------------------------------------------------------------------
# errors="raise" and errors="collect"
# --------------------------------------------------------------------------------------------


def _two_bad(tmp_path) -> Path:
    return write(
        tmp_path,
        lines(
            EN + ",End",
            ROW + ",",
            "A-2,Uni,Atlantis,Law,research,2021-01-01,",
            "A-3,Uni,Narnia,Law,research,2021-01-01,",
            "A-4,Uni,BE,Law,research,2022-01-01,2021-01-01",
        ),
    )


def test_raise_gives_totals_per_reason_with_file_row_and_column(tmp_path):
    path = _two_bad(tmp_path)
    with pytest.raises(kv.IngestError) as info:
        kv.read_partnerships(path)
    message = str(info.value)
    assert message.startswith(
        "3 of 4 partnerships rows rejected (2 unknown_country, 1 end_before_start)"
    )
    assert f"{path} row 3, column 'country': unknown country 'Atlantis'" in message
    assert "row 5, column 'end'" in message
    assert "errors='collect'" in message  # the remedy
    assert isinstance(info.value, ValueError)
    assert len(info.value.rejects) == 3


def test_collect_accounting_and_rejects_table(tmp_path):
    res = collect(_two_bad(tmp_path))
    table, rejects = res  # unpacks as a pair
    r = res.report
    assert (r.read, r.accepted, r.rejected) == (4, 1, 3)
    assert r.by_reason == {"unknown_country": 2, "end_before_start": 1}
    assert r.to_dict() == {"read": 4, "accepted": 1, "rejected": 3, "by_reason": r.by_reason}
    # ingest's columns, then every original cell of the row under the file's own headers
    header = _two_bad(tmp_path).read_text().splitlines()[0].split(",")
    assert list(rejects.columns) == list(schemas.REJECTS) + header
    assert rejects["source_row"].tolist() == [3, 4, 5]
    assert rejects["value"].tolist() == ["Atlantis", "Narnia", "2021-01-01"]
    assert table.attrs["kv_ingest"] == r.to_dict()
    assert list(table.columns) == list(schemas.PARTNERSHIPS)
    kv.validate_partnerships(table)


def test_a_row_with_several_failures_is_rejected_once_with_every_detail(tmp_path):
    text = lines(EN + ",Value (EUR)", "A-1,Uni,Atlantis,Law,picnic,31-02-2020,-5")
    res = collect(write(tmp_path, text))
    assert len(res.rejects) == 1
    r = res.rejects.iloc[0]
    assert r["reason"] == "unknown_country"  # the first failing column in canonical order
    for part in (
        "Atlantis",
        "unknown kind 'picnic'",
        "'31-02-2020' is not a calendar date",
        "is negative",
    ):
        assert part in r["detail"]


def test_report_renders(tmp_path):
    res = collect(_two_bad(tmp_path))
    text = str(res.report)
    assert "partnerships: read 4, accepted 1, rejected 3" in text
    assert "rejected 2 × unknown_country" in text
    frame = res.report.to_frame()
    assert frame.loc[0, "header_row"] == 1 and frame.loc[0, "rows"] == 4
    assert "<b>partnerships</b>" in res._repr_html_()


def test_reading_does_not_change_its_arguments(tmp_path):
    path = write(
        tmp_path,
        lines(
            "Kenmerk;Naam van de partner;Land;Faculteit;Soort;Startdatum",
            "A-1;Uni;BE;Law;onderzoek;2021-01-01",
        ),
    )
    columns = {"Naam van de partner": "partner"}
    paths = [path]
    collect(paths, columns=columns)
    assert columns == {"Naam van de partner": "partner"} and paths == [path]


def test_duplicate_agreement_id_across_two_files(tmp_path):
    first = write(tmp_path, lines(EN, ROW, "A-2,TU Wien,Austria,Law,exchange,2022-02-01"), "a.csv")
    second = write(
        tmp_path,
        lines(
            EN,
            "A-3,KU Leuven,Belgium,Law,exchange,2022-02-01",
            "A-1,Universiteit Gent,Belgium,Science,research,2021-01-01",
        ),
        "b.csv",
    )
    res = collect([first, second])
    assert (res.report.read, res.report.accepted, res.report.rejected) == (4, 3, 1)
    r = res.rejects.iloc[0]
    assert (r["source_file"], r["source_row"], r["reason"]) == (str(second), 3, "duplicate_id")
    assert f"repeats row 2 of {first}" in r["detail"]
    assert res.table["source_file"].tolist() == [str(first)] * 2 + [str(second)]
    assert len(res.report.files) == 2


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p / "nope.csv", "no such file"),
        (lambda p: p, "is a directory"),
        (lambda p: write(p, b""), "the file is empty"),
        (lambda p: write(p, b"PK\x03\x04" + bytes(100), "x.xlsx"), "not a readable .xlsx workbook"),
    ],
)
def test_file_level_errors_name_the_file(tmp_path, make, message):
    path = make(tmp_path)
    with pytest.raises(kv.IngestError, match=message) as info:
        collect(path)
    assert str(path) in str(info.value)


def test_argument_errors(tmp_path):
    path = write(tmp_path, lines(EN, ROW))
    with pytest.raises(ValueError, match="errors='bogus'"):
        kv.read_partnerships(path, errors="bogus")
    with pytest.raises(kv.IngestError, match="no input files"):
        kv.read_partnerships([])
    with pytest.raises(kv.IngestError, match="basis='country' is not one of"):
        kv.read_headcounts(path, basis="country")


def test_a_cell_over_the_csv_field_limit_is_a_file_error(tmp_path):
    text = lines(EN, f'A-1,"{"x" * 200_000}",BE,Law,research,2021-01-01')
    path = write(tmp_path, text)
    with pytest.raises(kv.IngestError, match="field larger than field limit") as info:
        collect(path)
    assert str(path) in str(info.value)


# --------------------------------------------------------------------------------------------
# Headcounts
# --------------------------------------------------------------------------------------------

HC = "Studiejaar;Faculteit;Groep;Nationaliteit;Aantal"


def test_academic_years_are_normalised(tmp_path):
    years = [
        "2021-2022",
        "2021/22",
        "2021-22",
        "2021 / 2022",
        "1999/00",
        "1999-2000",
        "01-10-2022",
        "44835",
    ]
    rows = [f"{y};F{i};studenten;Duitsland;3" for i, y in enumerate(years)]
    res = collect(write(tmp_path, lines(HC, *rows)), "headcounts")
    assert res.report.rejected == 0, res.rejects
    assert res.table["period"].tolist() == ["2021/22"] * 4 + ["1999/00"] * 2 + ["2022-10-01"] * 2


def test_headcount_values(tmp_path):
    rows = [
        "2021/22;F;studenten;Duitsland;12",
        "2021/22;F;promovendi;Duitsland;-3",
        "2021/22;F;wp;Duitsland;2,5",
        "2021/22;F;obp;Duitsland;",
        "2021/22;G;obp;Duitsland;1.200",
    ]
    res = collect(write(tmp_path, lines(HC, *rows)), "headcounts")
    assert res.rejects[["source_row", "reason"]].values.tolist() == [
        [3, "negative_value"],
        [4, "invalid_number"],
    ]
    assert "is not a whole number" in res.rejects["detail"].iloc[1]
    counts = res.table["headcount"]
    assert str(counts.dtype) == "Int64"
    assert counts.iloc[0] == 12 and pd.isna(counts.iloc[1]) and counts.iloc[2] == 1200
    kv.validate_headcounts(res.table)


def test_basis_default_argument_and_column(tmp_path):
    rows = ["2021/22;F;studenten;Duitsland;12", "2021/22;F;uitgaande uitwisseling;Duitsland;3"]
    path = write(tmp_path, lines(HC, *rows))
    default = collect(path, "headcounts")
    assert default.table["basis"].tolist() == ["nationality", "destination"]
    assert "nationality assumed, destination for exchange_out" in notes(default)
    given = collect(path, "headcounts", basis="prior_diploma")
    assert given.table["basis"].tolist() == ["prior_diploma"] * 2
    assert "basis: prior_diploma (as given)" in notes(given)
    # a basis column wins; its blanks are filled from the argument
    rows = ["2021/22;F;studenten;Duitsland;vooropleiding;12", "2021/22;F;phd;Duitsland;;3"]
    path = write(tmp_path, lines(HC.replace(";Aantal", ";Grondslag;Aantal"), *rows))
    column = collect(path, "headcounts", basis="nationality")
    assert column.table["basis"].tolist() == ["prior_diploma", "nationality"]


def test_duplicate_headcount_keys(tmp_path):
    rows = ["2021/22;F;studenten;Duitsland;12", "2021-2022;F;Studenten;DE;3"]
    res = collect(write(tmp_path, lines(HC, *rows)), "headcounts")
    assert res.rejects[["source_row", "reason"]].values.tolist() == [[3, "duplicate_key"]]


def test_national_figures_keep_an_unknown_count_as_na(sample_dir):
    path = sample_dir / "national_2022-03_students.csv"
    res = collect(path, "headcounts")
    assert res.report.rejected == 0
    by_country = dict(zip(res.table["country"], res.table["headcount"], strict=True))
    assert by_country["UA"] == 917 and by_country["RU"] == 1653 and pd.isna(by_country["BY"])
    assert res.report.files[0]["unmapped"] == ["source"]


# --------------------------------------------------------------------------------------------
# The bundled sample
# --------------------------------------------------------------------------------------------


def test_sample_partnerships_exact_accounting(sample_dir):
    path = sample_dir / "sample_partnerships.csv"
    readme = sample_dir / "README.md"
    documented = set(
        re.findall(
            r"^\| `([A-Z]{2}-\d{4}-\d{4})` \| `(\w+)` \|",
            readme.read_text(encoding="utf-8"),
            flags=re.MULTILINE,
        )
    )
    assert documented, "README lists the deliberately bad rows"

    res = kv.read_partnerships(path, errors="collect")  # no mapping argument
    info = res.report.files[0]
    assert (info["encoding"], info["separator"], info["language"]) == ("cp1252", ";", "nl")
    text = path.read_bytes().decode("cp1252").splitlines()
    records = [r for r in csv.reader(text[1:], delimiter=";") if any(r)]
    assert res.report.read == len(records) == res.report.accepted + res.report.rejected
    assert res.report.rejected == len(documented)
    kenmerk = [next(csv.reader([text[n - 1]], delimiter=";"))[0] for n in res.rejects["source_row"]]
    assert set(zip(kenmerk, res.rejects["reason"], strict=True)) == documented


def test_sample_headcounts_workbook(sample_dir):
    path = sample_dir / "sample_headcounts.xlsx"
    res = kv.read_headcounts(path, errors="collect")
    info = res.report.files[0]
    assert (info["sheet"], info["header_row"], info["language"]) == (
        "Studenten en medewerkers",
        3,
        "nl",
    )
    assert res.report.rejected == 0 and res.report.read > 10_000
    assert res.table["source_row"].min() == 4
    assert res.table["country"].eq("NA").any()  # Namibië, not missing
    kv.validate_headcounts(res.table)


def test_a_large_file_with_cp1252_after_its_first_megabyte(tmp_path):
    # the head decodes as UTF-8, the tail does not: the whole file is then read as cp1252
    row = "A-{i},Universiteit Gent,Belgium,Law,research,2021-01-01"
    body = "\n".join(row.format(i=i) for i in range(25_000))
    text = f"{EN}\n{body}\nA-last,Université de Liège,België,Law,research,2021-01-01\n"
    path = write(tmp_path, text, encoding="cp1252")
    assert path.stat().st_size > 1 << 20
    res = collect(path)
    assert res.report.read == 25_001 and res.report.rejected == 0
    assert res.table["partner"].iloc[-1] == "Université de Liège"
    assert res.report.files[0]["encoding"] == "cp1252"


@pytest.mark.parametrize(
    ("name", "table"),
    [
        ("sample_partnerships.csv", "partnerships"),
        ("sample_headcounts.xlsx", "headcounts"),
    ],
)
def test_columns_parsed_on_threads_give_the_serial_result(sample_dir, monkeypatch, name, table):
    # large files parse their columns on a thread pool; the result, the rejects (their order
    # included) and the notes must not depend on it
    path = sample_dir / name
    monkeypatch.setattr(_parse, "_PARALLEL_ROWS", 10**12)
    serial = collect(path, table)
    monkeypatch.setattr(_parse, "_PARALLEL_ROWS", 0)
    threaded = collect(path, table)
    pd.testing.assert_frame_equal(threaded.table, serial.table)
    pd.testing.assert_frame_equal(threaded.rejects, serial.rejects)
    assert threaded.report.files[0]["notes"] == serial.report.files[0]["notes"]
    assert serial.report.read == threaded.report.read > 500


HOSTILE = Path(__file__).parent / "data" / "hostile"


@pytest.mark.parametrize(
    ("name", "table"),
    [
        (r.file, r.table)
        for r in pd.read_csv(HOSTILE / "expected.csv").itertuples()
        if r.file.startswith("reason_")
    ],
)
def test_every_reject_reason_is_found_on_threads_too(monkeypatch, name, table):
    monkeypatch.setattr(_parse, "_PARALLEL_ROWS", 10**12)
    serial = collect(HOSTILE / name, table)
    monkeypatch.setattr(_parse, "_PARALLEL_ROWS", 0)
    threaded = collect(HOSTILE / name, table)
    assert serial.report.rejected > 0
    pd.testing.assert_frame_equal(threaded.rejects, serial.rejects)
    pd.testing.assert_frame_equal(threaded.table, serial.table)


# --- the CSV fast path's byte scans (chunked; a bounded search between quotes) ------------------


@pytest.mark.parametrize("chunk", [3, 7, 1 << 22])
def test_byte_positions_and_counts_across_chunks(monkeypatch, chunk):
    from kvanalytics.ingest import _grid

    monkeypatch.setattr(_grid, "_SCAN_CHUNK", chunk)
    data = b'a;"b\nc";d\n\n"e";f\r\ng\n'
    raw = np.frombuffer(data, dtype=np.uint8)
    want = np.flatnonzero(raw == 10)
    assert np.array_equal(_grid._positions(raw, 10), want)
    assert _grid._count(raw, 10) == len(want)
    assert _grid._count(raw[:0], 10) == 0 and len(_grid._positions(raw[:0], 10)) == 0


@pytest.mark.parametrize("pairs", [0, 200_000])
@pytest.mark.parametrize(
    ("data", "spans"),
    [
        (b'x;"a;b"\ny;"c"\n', False),
        (b'x;"a\nb"\ny;z\n', True),  # a quoted newline: the record is not a line
        (b'x;"a""b"\n"\n"\n', True),
        (b'x;"a\n', True),  # an odd count of quotes
    ],
)
def test_quoted_spans_both_ways(monkeypatch, pairs, data, spans):
    from kvanalytics.ingest import _grid

    monkeypatch.setattr(_grid, "_FIND_PAIRS", pairs)  # 0: through every newline's position
    start = 2
    raw = np.frombuffer(data, dtype=np.uint8)[start:]
    assert _grid._quoted_spans(raw, data, start)[0] is spans


@pytest.mark.parametrize(
    "text",
    [
        "id;partner\n1;A\n2;B\n",
        "id;partner\n1;A\n\n2;B\n",  # an empty line: its number is kept
        "id;partner\n1;A\n2;B",  # no final newline
        "id;partner\r\n1;A\r\n\r\n2;B\r\n",
        'id;partner\n1;"A;x"\n2;B\n',
    ],
)
def test_fast_path_line_numbers_match_the_exact_path(tmp_path, monkeypatch, text):
    from kvanalytics.ingest import _grid

    path = tmp_path / "f.csv"
    path.write_bytes(text.encode())
    fast = _grid._arrow_grid(path.read_bytes(), ";", 0)
    exact = _grid._split_text(text.replace("\r\n", "\n"), ";", str(path))
    assert fast is not None
    assert np.array_equal(fast[1], exact[1]) and np.array_equal(fast[2], exact[2])


@pytest.mark.parametrize("typ", ["string", "large_string"])
def test_number_columns_of_plain_bytes_skip_the_marker_regex(typ):
    import pyarrow as pa

    from kvanalytics.ingest._values import _only_number_bytes

    t = getattr(pa, typ)()
    assert _only_number_bytes(pa.array(["1.234,50", "-3", ""], t))
    for noisy in (["1 234"], ["EUR 3"], ["3 eur"], ["€3"], ["1\u00a0234"]):
        assert not _only_number_bytes(pa.array(noisy, t))
    assert _only_number_bytes(pa.array(["EUR", "12", "3"], t).slice(1))  # the slice only
    assert not _only_number_bytes(pa.array(["1", None], t))


@pytest.mark.parametrize(
    ("encoding", "bom", "end"),
    [
        ("utf-8", b"", "\n"),
        ("utf-8", codecs.BOM_UTF8, "\r\n"),
        ("cp1252", b"", "\n"),
        ("utf-8", b"", "\r"),
    ],
)
def test_a_memory_mapped_csv_reads_as_a_read_one(tmp_path, monkeypatch, encoding, bom, end):
    import kvanalytics as kv
    from kvanalytics.ingest import _grid

    lines = ["Export van partners;;", ";;", "Kenmerk;Partnerinstelling;Land;Soort;Startdatum"]
    lines += [f"A-{i};Universiteit Göttingen;Duitsland;uitwisseling;01-02-2020" for i in range(4)]
    lines.insert(5, "")  # an empty line: the exact line numbers
    path = tmp_path / "export.csv"
    path.write_bytes(bom + (end.join(lines) + end).encode(encoding))
    read = kv.read_partnerships(path, errors="collect", defaults={"faculty": "Rechten"})
    monkeypatch.setattr(_grid, "_MAP_BYTES", 1)
    mapped = kv.read_partnerships(path, errors="collect", defaults={"faculty": "Rechten"})
    pd.testing.assert_frame_equal(read.table, mapped.table)
    assert mapped.table["source_row"].tolist() == [4, 5, 7, 8]
    assert mapped.table["partner"].iat[0] == "Universiteit Göttingen"


def test_the_field_limit_is_ingests_own_whatever_was_imported(tmp_path):
    # followthemoney raises csv.field_size_limit process-wide on import; ingest must not follow.
    before = csv.field_size_limit(30 * 1024 * 1024)
    try:
        test_a_cell_over_the_csv_field_limit_is_a_file_error(tmp_path)
        assert csv.field_size_limit() == 30 * 1024 * 1024  # restored as it was
    finally:
        csv.field_size_limit(before)
