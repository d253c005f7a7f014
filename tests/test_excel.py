"""Excel export: round-trip every promise through openpyxl."""

from __future__ import annotations

import datetime as dt
import hashlib

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from kvanalytics import i18n
from kvanalytics.excel import FORMATS, sanitise_sheet_name, to_excel
from kvanalytics.privacy import suppress_counts

HOSTILE = "=cmd|' /C calc'!A0"


@pytest.fixture
def exposure() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "country": ["NA", "CN", "RU"],  # "NA" is Namibia and must stay text
            "partner": [HOSTILE, "+31 20 525 9111", "-5"],
            "agreements_active": pd.array([1653, 12, pd.NA], dtype="Int64"),
            "value_eur": [2_200_000.0, np.nan, 150.5],
            "share_of_total": [0.625, 0.25, 0.125],
            "start": pd.to_datetime(["2022-03-01", None, "2024-09-30"]),
            "balance": [-5, 3, 0],
            "note": pd.array(["@SUM(A1:A2)", pd.NA, "\t=1+1"], dtype="string"),
            "phd": ["<5", "22", "0"],
        }
    )


def header(ws) -> list[str]:
    return [c.value for c in ws[1]]


def column(ws, name: str) -> list:
    idx = header(ws).index(name)
    return [row[idx] for row in ws.iter_rows(min_row=2)]


def about_values(ws) -> list:
    return [c.value for row in ws.iter_rows() for c in row if c.value is not None]


@pytest.fixture
def workbook(tmp_path, exposure):
    source = tmp_path / "partnerships.csv"
    source.write_bytes(b"agreement_id,partner\nA1,Uni\n")
    before = exposure.copy()
    out = to_excel(
        {"exposure": exposure, "by faculty": exposure[["country", "agreements_active"]]},
        tmp_path / "out" / "tables.xlsx",
        sources=[source],
        parameters={"quarter": "2024Q3", "risk_profile": "freedom-house-2024", "top": 25},
        suppression_note="Cells of 1 to 4 people are shown as <5.",
    )
    pd.testing.assert_frame_equal(before, exposure)  # input untouched
    return out, source


def test_sheets_present_and_ordered(workbook):
    out, _ = workbook
    assert out.name == "tables.xlsx" and out.exists()
    assert not list(out.parent.glob(".*tmp")), "temporary file left behind"
    wb = load_workbook(out)
    assert wb.sheetnames == ["About", "exposure", "by faculty"]


def test_about_sheet(workbook):
    out, source = workbook
    values = about_values(load_workbook(out)["About"])
    assert "Generated (UTC)" in values
    stamp = values[values.index("Generated (UTC)") + 1]
    assert isinstance(stamp, dt.datetime)
    # stamped while writing: after the source was made, before the workbook was saved
    made = dt.datetime.fromtimestamp(int(source.stat().st_mtime), dt.UTC).replace(tzinfo=None)
    saved = dt.datetime.fromtimestamp(out.stat().st_mtime, dt.UTC).replace(tzinfo=None)
    assert made <= stamp <= saved
    assert "kvanalytics version" in values
    assert values[values.index("kvanalytics version") + 1]  # a version, whatever it is
    for key, value in (("quarter", "2024Q3"), ("risk_profile", "freedom-house-2024"), ("top", 25)):
        assert values[values.index(key) + 1] == value
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    assert values[values.index("partnerships.csv") + 1] == digest
    assert str(source.parent) not in " ".join(map(str, values)), "no full paths in the workbook"
    assert "Cells of 1 to 4 people are shown as <5." in values
    # table of contents: sheet, table and row count
    assert values[values.index("by faculty") :][:3] == ["by faculty", "by faculty", 3]


def test_table_sheet_layout(workbook):
    out, _ = workbook
    ws = load_workbook(out)["exposure"]
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:I4"
    assert all(c.font.bold for c in ws[1])
    assert header(ws)[:3] == ["country", "partner", "agreements_active"]
    widths = [ws.column_dimensions[c].width for c in "ABCDEFGHI"]
    assert all(6 <= w <= 60 for w in widths)
    assert ws.column_dimensions["B"].width > ws.column_dimensions["A"].width  # fitted to content


def test_number_formats(workbook):
    out, _ = workbook
    ws = load_workbook(out)["exposure"]
    formats = {
        "agreements_active": FORMATS["integer"],
        "value_eur": '#,##0.00 "EUR"',
        "share_of_total": "0.0%",
        "start": "yyyy-mm-dd",
        "balance": "#,##0",
    }
    for name, fmt in formats.items():
        cell = column(ws, name)[0]
        assert cell.number_format == fmt, name
    assert column(ws, "agreements_active")[0].value == 1653
    assert column(ws, "share_of_total")[0].value == 0.625
    assert column(ws, "start")[0].value == dt.datetime(2022, 3, 1)


def test_formula_injection_is_escaped(workbook):
    out, _ = workbook
    ws = load_workbook(out)["exposure"]
    for cell in ws["B"] + ws["H"]:
        assert cell.data_type != "f", cell.value
    partners = [c.value for c in column(ws, "partner")]
    assert partners == ["'" + HOSTILE, "'+31 20 525 9111", "'-5"]
    notes = [c.value for c in column(ws, "note")]
    assert notes == ["'@SUM(A1:A2)", None, "'\t=1+1"]
    # a number stays a number, negative or not
    balance = column(ws, "balance")
    assert [c.value for c in balance] == [-5, 3, 0]
    assert [c.data_type for c in balance] == ["n", "n", "n"]


def test_na_becomes_empty_and_codes_stay_text(workbook):
    out, _ = workbook
    ws = load_workbook(out)["exposure"]
    assert column(ws, "agreements_active")[2].value is None
    assert column(ws, "value_eur")[1].value is None
    assert column(ws, "start")[1].value is None
    assert column(ws, "country")[0].value == "NA"


def test_suppressed_cells_are_right_aligned_text_numbers_stay_numbers(workbook):
    out, _ = workbook
    ws = load_workbook(out)["exposure"]
    phd = column(ws, "phd")
    assert [c.value for c in phd] == ["<5", 22, 0]
    assert phd[0].data_type == "s" and phd[0].alignment.horizontal == "right"
    assert phd[1].data_type == "n" and phd[1].number_format == "#,##0"


def test_secondary_suppression_is_text_too_and_the_column_stays_numeric(tmp_path):
    raw = pd.DataFrame({"phd": [3, 40, 12], "degree_student": [40, 3, 12], "exchange_in": 0,
                        "exchange_out": 0, "students": [83, 43, 24]})  # fmt: skip
    table = suppress_counts(raw, list(raw.columns))
    assert (table == "x").to_numpy().any(), "the example must have secondary suppression"
    out = to_excel({"people": table}, tmp_path / "x.xlsx")
    ws = load_workbook(out)["people"]
    for name in table.columns:
        for cell, shown in zip(column(ws, name), table[name], strict=True):
            if isinstance(shown, str):  # "<5" and "x", as privacy wrote them
                assert cell.value == shown and cell.data_type == "s"
                assert cell.alignment.horizontal == "right"
            else:
                assert cell.value == shown and cell.number_format == "#,##0", name


@pytest.mark.parametrize(
    ("name", "values", "expected"),
    [
        ("take_up_rate", [0.5], "share"),
        ("cost_share", [0.5], "share"),  # a share before money
        ("support_cost_eur", [10.0], "money"),
        ("partner_id", [12], "code"),
        ("partner_id", [1.5], "float"),  # a code only when whole
        ("agreements_active", [3], "integer"),
        ("headcount", [2.5], "float"),
    ],
)
def test_excel_number_format_by_name_and_values(name, values, expected):
    assert i18n.excel_number_format(name, pd.Series(values)) == FORMATS[expected]
    assert FORMATS is i18n.EXCEL_FORMATS


def test_default_suppression_note_and_dutch_about(tmp_path):
    table = pd.DataFrame({"country": ["UA", "RU"], "students": ["917", "<10"]})
    out = to_excel({"people": table}, tmp_path / "nl.xlsx", lang="nl")
    values = about_values(load_workbook(out)["About"])
    assert "Gemaakt (UTC)" in values
    assert "Onderdrukking van kleine aantallen" in values
    assert any("1 tot en met 9" in str(v) and "<10" in str(v) for v in values)
    assert "Parameters" not in values  # no empty sections


def test_sheet_names_are_sanitised_and_unique(tmp_path):
    frame = pd.DataFrame({"a": [1]})
    tables = {
        "exposure by country/faculty [2024Q3] with a very long name": frame,
        "Exposure by country_faculty _2024Q3_ with another": frame,
        "about": frame,
        "What?*:": frame,
        "History": frame,
        "": frame,
    }
    out = to_excel(tables, tmp_path / "names.xlsx")
    names = load_workbook(out).sheetnames
    assert names[0] == "About"
    assert all(len(n) <= 31 for n in names)
    assert not any(set(n) & set("\\/?*[]:") for n in names)
    assert len({n.casefold() for n in names}) == len(names)
    assert names[1] == "exposure by country_faculty _20"
    assert names[2] == "Exposure by country_faculty (2)"
    assert names[3] == "about (2)"
    assert names[4] == "What___"
    assert names[5] == "History_"
    assert names[6] == "Sheet"


def test_sanitise_sheet_name_unit():
    taken: set[str] = set()
    assert sanitise_sheet_name("'quoted'", taken) == "quoted"
    assert sanitise_sheet_name("QUOTED", taken) == "QUOTED (2)"
    assert sanitise_sheet_name("x" * 40, taken) == "x" * 31
    assert sanitise_sheet_name("x" * 40, taken) == "x" * 27 + " (2)"


def test_index_and_timezones_and_categoricals(tmp_path):
    frame = pd.DataFrame(
        {
            "when": pd.to_datetime(["2024-01-01 10:30"]).tz_localize("Europe/Amsterdam"),
            "kind": pd.Categorical(["exchange"]),
            "flag": pd.array([pd.NA], dtype="boolean"),
            "agreement_id": [20240001],
        },
        index=pd.Index(["A1"], name="key"),
    )
    out = to_excel({"t": frame}, tmp_path / "t.xlsx")
    ws = load_workbook(out)["t"]
    assert header(ws) == ["key", "when", "kind", "flag", "agreement_id"]
    row = [c for c in ws[2]]
    assert row[0].value == "A1"
    assert row[1].value == dt.datetime(2024, 1, 1, 10, 30)  # wall time kept
    assert row[1].number_format == "yyyy-mm-dd hh:mm"
    assert row[2].value == "exchange"
    assert row[3].value is None
    assert row[4].value == 20240001 and row[4].number_format == "0"  # an id: no separators


def test_sources_as_table_and_errors(tmp_path):
    sources = pd.DataFrame({"file": ["-rf.csv"], "sha256": ["ab" * 32]})
    out = to_excel({"t": pd.DataFrame({"a": [1]})}, tmp_path / "s.xlsx", sources=sources)
    values = about_values(load_workbook(out)["About"])
    assert "'-rf.csv" in values and "ab" * 32 in values
    with pytest.raises(TypeError, match="mapping"):
        to_excel([pd.DataFrame()], tmp_path / "x.xlsx")
    with pytest.raises(ValueError, match="lang"):
        to_excel({"t": pd.DataFrame()}, tmp_path / "x.xlsx", lang="fr")
    with pytest.raises(ValueError, match="does not fit"):
        to_excel(
            {"big": pd.DataFrame({"a": np.zeros(1_048_576, dtype=np.int8)})}, tmp_path / "b.xlsx"
        )


def test_empty_table(tmp_path):
    out = to_excel(
        {"empty": pd.DataFrame({"country": pd.Series([], dtype="str")})}, tmp_path / "e.xlsx"
    )
    ws = load_workbook(out)["empty"]
    assert header(ws) == ["country"]
    assert ws.max_row == 1
