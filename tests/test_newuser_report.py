"""A new user's own project (tests/data/newuser/): the report on it, en and nl, with the headline
checked against counts computed here from the files themselves (openpyxl and csv, not ingest).

The project: an English XLSX register (title block, an ``Export`` and a ``Notes`` sheet), a Dutch
cp1252 CSV of a second faculty with a ``Totaal`` row, headcounts as one row per nationality x
faculty x academic year with a ``Total`` row, and a ``kvanalytics.yaml`` as an analyst writes it.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from kvanalytics import cli, render_report

HERE = Path(__file__).parent / "data" / "newuser"
AT = dt.date(2026, 9, 30)
#: Risk tier >= 2 in freedom-house (FIW 2024, in force on AT) + eu-restrictive-measures, for the
#: countries of these files (written down by hand from the bundled profiles).
HIGH = {"RU", "BY", "CN", "IR", "SG", "VN", "EG", "TR", "CU", "MM"}
NAMES = {
    "Russian Federation": "RU", "Russia": "RU", "Rusland": "RU", "Belarus": "BY",
    "China": "CN", "Iran": "IR", "Singapore": "SG", "Viet Nam": "VN", "Egypte": "EG",
    "Turkije": "TR", "Turkey": "TR", "Cuba": "CU", "Myanmar": "MM", "Belgium": "BE",
    "België": "BE",
}  # fmt: skip


def _science() -> list[dict]:
    ws = openpyxl.load_workbook(HERE / "partners_science.xlsx")["Export"]
    rows = list(ws.iter_rows(min_row=4, values_only=True))
    head = rows[0]
    return [dict(zip(head, r, strict=True)) for r in rows[1:]]


def _humanities() -> list[dict]:
    with (HERE / "samenwerking_geesteswetenschappen.csv").open(encoding="cp1252") as fh:
        return [r for r in csv.DictReader(fh, delimiter=";") if r["Kenmerk"] != "Totaal"]


def _day(text: str) -> dt.date | None:
    return dt.datetime.strptime(text, "%d-%m-%Y").date() if text else None


def _agreements() -> list[tuple[str, str, dt.date, dt.date | None, str, float]]:
    """(id, country name, start, end, status, value) of the rows ingest should accept."""
    out = []
    for r in _science():
        start, end = r["Start Date"].date(), r["End Date"] and r["End Date"].date()
        if r["Country"] == "Atlantis" or (end and end < start):
            continue  # the two planted rejects
        out.append((r["Agreement No."], r["Country"], start, end, r["Status"].lower(),
                    r["Annual Value (EUR)"] or 0.0))  # fmt: skip
    for r in _humanities():
        value = float(r["Bedrag per jaar (EUR)"].replace(".", "").replace(",", ".") or 0)
        out.append((r["Kenmerk"], r["Land"], _day(r["Begindatum"]), _day(r["Einddatum"]),
                    r["Status"], value))  # fmt: skip
    return out


def _independent(at: dt.date) -> dict[str, float]:
    active = [a for a in _agreements() if a[2] <= at and (a[3] is None or at <= a[3])]
    high = [a for a in active if NAMES.get(a[1]) in HIGH]
    with (HERE / "headcounts_2026.csv").open(encoding="utf-8") as fh:
        heads = [r for r in csv.DictReader(fh) if r["Academic Year"] == "2025/26"]
    people = sum(int(r["Headcount"]) for r in heads if NAMES.get(r["Nationality"]) in HIGH)
    return {
        "agreements_active": len(active),
        "ties_active": len(active),
        "value_eur": round(sum(a[5] for a in active), 2),
        "countries": len({NAMES.get(a[1], a[1]) for a in active}),
        "agreements_high_risk": len(high),
        "value_eur_high_risk": round(sum(a[5] for a in high), 2),
        "people_high_risk": people,
    }


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("newuser")
    for f in HERE.iterdir():
        if f.is_file():
            shutil.copy(f, folder / f.name)
    return folder / "kvanalytics.yaml"


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_report_on_a_new_users_project_has_the_independent_headline(project, lang):
    out = render_report(project, lang=lang, pdf=False, out_dir=project.parent / lang)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    expected = _independent(AT)
    assert expected["agreements_active"] == 29 and expected["people_high_risk"] == 100
    assert manifest["headline"] == expected
    rows = {i["path"]: (i["rows_read"], i["rows_accepted"]) for i in manifest["inputs"]}
    assert rows == {
        "partners_science.xlsx": (22, 20),
        "samenwerking_geesteswetenschappen.csv": (18, 17),
        "headcounts_2026.csv": (18, 17),
    }
    page = (out / "report.html").read_text(encoding="utf-8")
    text = re.sub(r"<[^>]+>", " ", page.split("<body", 1)[1])
    for bad in ("NaN", "&lt;NA&gt;", "Reason summary", "summary_row"):
        assert bad not in text, bad
    # 26 countries, 25 rows: the table says it is cut (it used to stop at 25 silently)
    cut = {"en": "the 25 with the most active agreements, of 26", "nl": "de 25 met de meeste"}
    assert cut[lang] in text
    assert ("Totals row" if lang == "en" else "Totaalrij") in text


def test_a_quarter_with_no_active_agreement_renders_and_says_so(project, capsys):
    """2005Q1 predates every agreement: it ended in 'internal error ... this is a bug' (exit 1,
    an empty trend chart); now a report with zeros, people unknown (no headcount in force, not
    0) and a notice naming the earliest start."""
    out = project.parent / "q2005"
    code = cli.main(["report", "--project", str(project), "--quarter", "2005Q1", "--no-pdf",
                     "--out", str(out)])  # fmt: skip
    assert code == 0, capsys.readouterr().err
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["headline"]["agreements_active"] == 0
    assert manifest["headline"]["people_high_risk"] is None
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "No agreement was active on 31 Mar 2005" in page and "1 Sep 2018" in page


def test_the_dutch_summary_says_why_the_freeze_people_are_unknown(project):
    """'Personen die steun nodig hebben: onbekend' had no reason beside it (the impact's notes
    were in no report, and in English where quoted); the summary now says it in Dutch."""
    out = render_report(project, lang="nl", pdf=False, out_dir=project.parent / "nl-notes")
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "Waar de scenariocijfers vandaan komen" in page
    assert "Personen zijn onbekend: op 4 mrt 2022" in page
    assert "De lijst rur-2022-signatories is onvolledig" in page
    assert "people unknown (NA)" not in page and "is partial" not in page


def test_cli_a_headcounts_default_has_its_own_option(project, capsys):
    """A user whose headcounts lack a column could not give it on the command line: ``--set
    basis=...`` was refused as "not a partnerships field" with no way round but a project
    file. ``--headcounts-set`` gives it; ``--set basis=...`` says so."""
    folder = project.parent
    base = ["report", "--partnerships", str(folder / "partners_science.xlsx"), "--headcounts",
            str(folder / "headcounts_2026.csv"), "--no-pdf", "--out", str(folder / "hset")]  # fmt: skip
    assert cli.main([*base, "--set", "basis=nationality"]) == 2
    err = capsys.readouterr().err
    assert "--headcounts-set basis=nationality" in err and "Traceback" not in err
    assert cli.main([*base, "--headcounts-set", "basis=nationality"]) == 0
    manifest = json.loads((folder / "hset" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["headline"]["people_high_risk"] == 100  # every faculty of the headcounts
    assert cli.main([*base[:3], "--headcounts-set", "basis=nationality", "--no-pdf"]) == 2
    assert "give --headcounts G too" in capsys.readouterr().err


def test_cli_inspect_without_table_points_a_headcounts_file_to_table_headcounts(capsys):
    """A new user ran ``kvanalytics inspect headcounts.csv`` (no --table): it was read as
    partnerships and told them to add --set kind=... and a partner column. It now adds the
    line that inspects it as headcounts; a partnerships file gets no such hint."""
    assert cli.main(["inspect", str(HERE / "headcounts_2026.csv")]) == 0
    assert "--table headcounts" in capsys.readouterr().out
    assert cli.main(["inspect", str(HERE / "partners_science.xlsx")]) == 0
    assert "hint:" not in capsys.readouterr().out


def test_the_dutch_workbook_has_dutch_headers_on_every_sheet(project):
    """tables.xlsx in Dutch had 'Current', 'Previous quarter', 'Year before', 'Change quarter'
    as headers of its summary sheet (columns without a label fell back to English)."""
    out = render_report(project, lang="nl", pdf=False, out_dir=project.parent / "nl-xlsx")
    wb = openpyxl.load_workbook(out / "tables.xlsx")
    headers = [c.value for ws in wb if ws.title != "About" for c in ws[1]]
    english = {"Current", "Previous quarter", "Year before", "Change quarter", "Change year"}
    assert not english & set(headers), english & set(headers)
    assert "Dit kwartaal" in headers
    # sheets named for readers, not by identifiers such as by_country_faculty
    assert wb.sheetnames[:4] == ["About", "Kerncijfers", "Scenario's", "Hoofdcijfers"]
    assert "Per land" in wb.sheetnames and not [n for n in wb.sheetnames if "_" in n]


def test_a_country_whose_agreements_have_no_known_value_is_not_shown_as_zero_euro(project):
    """Japan, Germany, Spain, the Faroe Islands... (exchange agreements, value blank) read
    '€ 0' in the exposure table; they read 'unknown' and the table counts the agreements
    of unknown value."""
    out = render_report(project, lang="en", pdf=False, out_dir=project.parent / "values")
    page = (out / "report.html").read_text(encoding="utf-8")
    table = page.split("Exposure by country", 1)[1].split("</table>", 1)[0]
    cells = [re.findall(r">([^<>]*)</td>", r) for r in re.findall(r"<tr>(.*?)</tr>", table, re.S)]
    rows = {c[0]: c[1:] for c in cells if c}
    assert rows["Japan (JP)"] == ["none (0)", "1", "1", "unknown", "1", "0", "0"]
    assert rows["China (CN)"][3:5] == ["€ 138,500", "0"]
    assert "Agreements with unknown value" in table


#: Each file of the new user's project: (file, table, rows read, accepted, rejects by reason,
#: header -> field). ``checking/`` files were written before any fix and looked at last.
EXPECTED = [
    ("partners_science.xlsx", "partnerships", 22, 20,
     {"unknown_country": 1, "end_before_start": 1},
     {"Agreement No.": "agreement_id", "Partner Institution": "partner", "Country": "country",
      "Faculty": "faculty", "Agreement Type": "kind", "Level": "level", "Start Date": "start",
      "End Date": "end", "Status": "status", "Annual Value (EUR)": "value_eur",
      "Financial Flows": "financial_flows", "Data Sharing": "data_exchange",
      "Erasmus Code": "erasmus_code"}),
    ("samenwerking_geesteswetenschappen.csv", "partnerships", 18, 17, {"summary_row": 1},
     {"Kenmerk": "agreement_id", "Naam instelling": "partner", "Land": "country",
      "Faculteit": "faculty", "Soort overeenkomst": "kind", "Niveau": "level",
      "Begindatum": "start", "Einddatum": "end", "Status": "status",
      "Bedrag per jaar (EUR)": "value_eur", "Financiële stromen": "financial_flows",
      "Gegevensuitwisseling": "data_exchange"}),
    ("headcounts_2026.csv", "headcounts", 18, 17, {"summary_row": 1},
     {"Academic Year": "period", "Faculty": "faculty", "Nationality": "country",
      "Student/Staff Category": "group", "Headcount": "headcount"}),
    ("checking/engineering_partners.xlsx", "partnerships", 7, 6, {"summary_row": 1},
     {"Ref": "agreement_id", "Institution name": "partner", "Partner country": "country",
      "Department": "faculty", "Type of agreement": "kind", "Valid from": "start",
      "Valid until": "end", "Agreement status": "status", "Yearly amount EUR": "value_eur",
      "Notes": None}),
    ("checking/personen_engineering.csv", "headcounts", 5, 4, {"summary_row": 1},
     {"Studiejaar": "period", "Faculteit": "faculty", "Nationaliteit": "country",
      "Categorie": "group", "Aantal": "headcount"}),
]  # fmt: skip


@pytest.mark.parametrize(("name", "table", "read", "accepted", "reasons", "fields"), EXPECTED)
def test_each_file_of_the_new_users_project_reads_as_expected(
    name, table, read, accepted, reasons, fields
):
    from kvanalytics import inspect_export

    result = inspect_export(HERE / name, table=table)
    got = {
        h: None if pd.isna(f) else str(f)
        for h, f in zip(result.headers["header"], result.headers["field"], strict=True)
    }
    assert got == fields
    rej = result.rejects_by_reason
    by_reason = dict(zip(rej["reason"], rej["rows"], strict=True))
    assert {str(k): int(v) for k, v in by_reason.items()} == reasons
    assert read - accepted == sum(reasons.values())
    assert len(result.preview) == min(5, accepted)


# ------------------------------------------------------------------------------------------------
# The people total of the summary beside the per-country table (privacy.total_disclosure)
# ------------------------------------------------------------------------------------------------


def _summary_people(folder: Path, lang: str = "en") -> tuple[dict, str]:
    out = render_report(folder / "kvanalytics.yaml", lang=lang, pdf=False, out_dir=folder / lang)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    page = (out / "report.html").read_text(encoding="utf-8")
    return manifest["headline"], page


def test_the_people_total_of_the_project_pins_no_hidden_cell():
    """The project as it is: BY students (4) and RU staff (3) are hidden beside the total 100;
    100 less the shown cells (93) is 7, which leaves each of them 3 or 4 (not one value), so the
    total is published. This is the reader's own arithmetic, checked against the rule."""
    from kvanalytics.exposure import exposure
    from kvanalytics.privacy import total_disclosure
    from kvanalytics.project import load_project, read_inputs
    from kvanalytics.report._summary import _PEOPLE_FROM, published_people_columns

    proj = load_project(HERE / "kvanalytics.yaml")
    inputs = read_inputs(proj, cache=False)
    table = exposure(inputs.partnerships, inputs.headcounts, by=("country",), at=pd.Timestamp(AT))
    cols = published_people_columns(table)
    parts = pd.DataFrame(False, index=table.index, columns=cols)
    parts.loc[table["country"].isin(HIGH).to_numpy(), [g for g in _PEOPLE_FROM if g in cols]] = True
    audit = total_disclosure(table, cols, parts)
    audit["country"] = table.loc[audit["row"], "country"].to_numpy()
    in_total = audit[audit["in_total"]].set_index(["country", "column"])
    assert sorted(in_total.index) == [("BY", "degree_student"), ("RU", "academic_staff")]
    assert in_total[["low", "high"]].values.tolist() == [[3.0, 4.0], [3.0, 4.0]]
    assert not audit["exact"].any()


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_a_people_total_that_would_give_a_hidden_cell_away_is_hidden(tmp_path, lang):
    """The same project with 5 Russian academic staff (published): BY students (4) are then the
    only hidden cell of the total, and 102 - 98 gave them back. The total is now "x", its
    changes too, with a note in the report's language saying why."""
    for f in HERE.iterdir():
        if f.is_file():
            shutil.copy(f, tmp_path / f.name)
    heads = tmp_path / "headcounts_2026.csv"
    text = heads.read_text(encoding="utf-8")
    row = "2025/26,Humanities,Russian Federation,Academic staff,"
    assert f"{row}3\n" in text
    heads.write_text(text.replace(f"{row}3\n", f"{row}5\n"), encoding="utf-8")
    headline, page = _summary_people(tmp_path, lang)
    assert headline["people_high_risk"] == "x"  # was 102
    note = {
        "en": "the total is hidden (x), because with the table per country beside it",
        "nl": "het totaal is verborgen (x), omdat een verborgen aantal",
    }
    assert note[lang] in page
    assert "102" not in re.sub(r"<[^>]+>", " ", page.split("<body", 1)[1])
