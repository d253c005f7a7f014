"""Excel export: round-trip every promise through openpyxl."""

from __future__ import annotations

import datetime as dt
import hashlib

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

import kvanalytics as kv
from kvanalytics import i18n, privacy
from kvanalytics.excel import FORMATS, sanitise_sheet_name, to_excel
from kvanalytics.privacy import suppress_counts
from kvanalytics.tables import for_people, header_label

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
    idx = header(ws).index(header_label(name, "en"))
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
    for key, value in (("Quarter", "2024Q3"), ("Risk profile", "freedom-house-2024"), ("top", 25)):
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
    assert ws.auto_filter.ref == "A1:J4"  # 9 columns and the country names beside the codes
    assert all(c.font.bold for c in ws[1])
    assert header(ws)[:4] == ["Country", "Country name", "Partner", "Active agreements"]
    widths = [ws.column_dimensions[c].width for c in "ABCDEFGHIJ"]
    assert all(6 <= w <= 60 for w in widths)
    assert ws.column_dimensions["C"].width > ws.column_dimensions["A"].width  # fitted to content


def test_number_formats(workbook):
    out, _ = workbook
    ws = load_workbook(out)["exposure"]
    formats = {
        "agreements_active": FORMATS["integer"],
        "value_eur": '"€" #,##0',
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
    for cell in ws["C"] + ws["I"]:
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
    assert header(ws) == ["Key", "When", "Kind of tie", "Flag", "Agreement"]
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
    assert header(ws) == ["Country", "Country name"]
    assert ws.max_row == 1


# --------------------------------------------------------------------------------------------
# For analysts: the report language, country names, per-row formats, suppressed as the HTML
# --------------------------------------------------------------------------------------------


def test_dutch_headers_country_names_and_value_labels(tmp_path):
    table = pd.DataFrame(
        {
            "country": ["RU", "NA", None],
            "status": ["suspended", "active", None],
            "agreements_active": [1653, 2, 0],
            "value_eur": [10_344_307.22, 950_000.0, None],
            "share_of_total": [0.125, 0.5, 0.375],
        }
    )
    out = to_excel({"t": table}, tmp_path / "nl.xlsx", lang="nl")
    ws = load_workbook(out)["t"]
    assert header(ws) == [
        "Land",
        "Naam land",
        "Status",
        "Actieve overeenkomsten",
        "Waarde (EUR per jaar)",
        "Aandeel van totaal",
    ]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    assert [r[:3] for r in rows] == [
        ["RU", "Rusland", "opgeschort"],
        ["NA", "Namibië", "actief"],
        [None, None, None],
    ]
    assert rows[0][3:] == [1653, 10_344_307.22, 0.125]  # numbers stay numbers
    formats = [c.number_format for c in ws[2]][3:]
    assert formats == ["#,##0", '"€" #,##0', "0.0%"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:F4"
    assert all(c.alignment.wrap_text for c in ws[1])  # long headers wrap, not widen


def test_labels_false_writes_the_table_as_it_is(tmp_path):
    table = pd.DataFrame({"country": ["RU"], "agreements_active": [3]})
    ws = load_workbook(to_excel({"t": table}, tmp_path / "raw.xlsx", labels=False))["t"]
    assert header(ws) == ["country", "agreements_active"]


def test_long_tables_format_each_row_by_its_unit(tmp_path):
    summary = pd.DataFrame(
        {
            "metric": ["agreements_frozen", "value_eur_stopped", "phd_affected"],
            "unit": ["agreements", "eur_per_year", "people"],
            "low": [3.0, 2_500_000.0, "<5"],
            "central": [4.5, 2_600_000.0, "<5"],
            "high": [5.0, 2_700_000.0, 9],
        }
    )
    ws = load_workbook(to_excel({"s": summary}, tmp_path / "s.xlsx"))["s"]
    assert header(ws) == ["Metric", "Unit", "Low", "Central", "High"]
    rows = list(ws.iter_rows(min_row=2))
    assert rows[0][0].value == "Agreements frozen" and rows[0][1].value == "agreements"
    assert [c.number_format for c in rows[0][2:]] == ["#,##0", "#,##0.0", "#,##0"]
    assert [c.value for c in rows[1][2:]] == [2_500_000, 2_600_000, 2_700_000]
    assert [c.number_format for c in rows[1][2:]] == ['"€" #,##0'] * 3
    assert [c.value for c in rows[2][2:]] == ["<5", "<5", 9]
    assert rows[2][2].alignment.horizontal == "right"


def test_workbook_cells_are_suppressed_exactly_as_the_html(tmp_path, sample_dir):
    p = kv.read_partnerships(sample_dir / "sample_partnerships.csv", errors="collect").table
    h = kv.read_headcounts(sample_dir / "sample_headcounts.xlsx")
    freeze = kv.impact(kv.load_scenario("nl-2022-freeze"), p, h)
    exposure = kv.exposure(p, h, by=("country",), at="2026-09-30")
    people = [c for c in ("degree_student", "phd", "academic_staff", "students") if c in exposure]
    published = {
        "by_country": privacy.suppress_counts(exposure, people),
        "support": privacy.suppress(freeze.support_table()).table,
        "summary": privacy.published(freeze.summary),
    }
    wb = load_workbook(to_excel(published, tmp_path / "p.xlsx", lang="nl"))
    marks_seen = 0
    for name, table in published.items():
        ws = wb[name]
        html_cells = for_people(table, lang="nl")  # what format_table shows
        by_header = {c.value or "": i for i, c in enumerate(ws[1])}
        rows = list(ws.iter_rows(min_row=2, values_only=True))
        for head in html_cells.columns:
            xl = [r[by_header[head]] for r in rows]
            shown = html_cells[head].tolist()
            for x, s in zip(xl, shown, strict=True):
                if s in ("<5", "x"):
                    assert x == s, (name, head)
                    marks_seen += 1
                elif isinstance(x, str):
                    assert x not in ("<5", "x"), (name, head, "suppressed in Excel only")
    assert marks_seen > 5
