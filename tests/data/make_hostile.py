"""Write the hostile ingest corpus (tests/data/hostile/) byte for byte, deterministically.

Every file is defined here, the text ones included, so that encodings, line endings and binary
content are exact and reviewable. The expected outcome of each file is NOT computed here: it is
reasoned out by hand in ``hostile/expected.csv`` (the comments below say why each row fails).
``tests/test_ingest_hostile.py`` checks that the committed files equal a fresh generation.

Workbooks are written as minimal SpreadsheetML by hand (inline strings, stored zip entries, fixed
timestamps) rather than with openpyxl, because openpyxl stamps the time of writing and cannot
store a formula's cached value, which is what a workbook saved by Excel holds.

Usage: ``python tests/data/make_hostile.py [OUT_DIR]`` (default: ``tests/data/hostile``).
"""

from __future__ import annotations

import codecs
import io
import random
import sys
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

HERE = Path(__file__).resolve().parent
OUT = HERE / "hostile"

EN = "Agreement ID,Partner,Country,Faculty,Kind,Start"


# ------------------------------------------------------------------------------------------------
# Minimal xlsx writer
# ------------------------------------------------------------------------------------------------


class Date:
    """A date cell: an Excel serial day number shown with a date format."""

    def __init__(self, serial: int) -> None:
        self.serial = serial


class Formula:
    """A formula cell with the cached value Excel stores beside it."""

    def __init__(self, formula: str, cached: object, *, date: bool = False) -> None:
        self.formula, self.cached, self.date = formula, cached, date


class Error:
    """An error cell (``#DIV/0!``, ``#N/A``) as a workbook stores a failed formula's result."""

    def __init__(self, formula: str, code: str) -> None:
        self.formula, self.code = formula, code


def _col(i: int) -> str:
    name = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        name = chr(65 + r) + name
    return name


def _cell(ref: str, v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, Date):
        return f'<c r="{ref}" s="1"><v>{v.serial}</v></c>'
    if isinstance(v, Error):
        return f'<c r="{ref}" t="e"><f>{escape(v.formula)}</f><v>{escape(v.code)}</v></c>'
    if isinstance(v, Formula):
        f = f"<f>{escape(v.formula)}</f>"
        if isinstance(v.cached, str):
            return f'<c r="{ref}" t="str">{f}<v>{escape(v.cached)}</v></c>'
        style = ' s="1"' if v.date else ""
        return f'<c r="{ref}"{style}>{f}<v>{v.cached}</v></c>'
    if isinstance(v, bool):
        return f'<c r="{ref}" t="b"><v>{int(v)}</v></c>'
    if isinstance(v, int | float):
        return f'<c r="{ref}"><v>{v!r}</v></c>'
    text = escape(str(v))
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def _sheet_xml(rows: list[list[object]], merged: list[str]) -> str:
    body = []
    for r, row in enumerate(rows, start=1):
        cells = "".join(_cell(f"{_col(c)}{r}", v) for c, v in enumerate(row))
        if cells:
            body.append(f'<row r="{r}">{cells}</row>')
    merge = (
        f'<mergeCells count="{len(merged)}">'
        + "".join(f'<mergeCell ref="{m}"/>' for m in merged)
        + "</mergeCells>"
        if merged
        else ""
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{''.join(body)}</sheetData>{merge}</worksheet>"
    )


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006"
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<styleSheet xmlns="{_MAIN}">'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
    '<borders count="1"><border/></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def xlsx_bytes(sheets: dict[str, list[list[object]]], merged: dict[str, list[str]] | None = None):
    """A workbook with the given sheets (name -> rows of cells), as bytes."""
    merged = merged or {}
    names = list(sheets)
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Types xmlns="{_PKG}/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            + "".join(
                f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
                'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                for i in range(1, len(names) + 1)
            )
            + "</Types>"
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Relationships xmlns="{_PKG}/relationships">'
            f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"
        ),
        "xl/workbook.xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>'
            + "".join(
                f'<sheet name="{escape(n)}" sheetId="{i}" r:id="rId{i}"/>'
                for i, n in enumerate(names, start=1)
            )
            + "</sheets></workbook>"
        ),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Relationships xmlns="{_PKG}/relationships">'
            + "".join(
                f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" '
                f'Target="worksheets/sheet{i}.xml"/>'
                for i in range(1, len(names) + 1)
            )
            + f'<Relationship Id="rId{len(names) + 1}" Type="{_REL}/styles" Target="styles.xml"/>'
            "</Relationships>"
        ),
        "xl/styles.xml": _STYLES,
    }
    for i, n in enumerate(names, start=1):
        parts[f"xl/worksheets/sheet{i}.xml"] = _sheet_xml(sheets[n], merged.get(n, []))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
        for name, xml in parts.items():
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            info.create_system, info.external_attr = 3, 0o644 << 16  # same bytes on any OS
            zf.writestr(info, xml.encode("utf-8"))
    return buf.getvalue()


# ------------------------------------------------------------------------------------------------
# The corpus
# ------------------------------------------------------------------------------------------------


def _lines(*lines: str, eol: str = "\n") -> str:
    return eol.join(lines) + eol


def _partnerships_rows() -> list[list[object]]:
    return [
        ["Agreement ID", "Partner", "Country", "Faculty", "Kind", "Start"],
        ["W-001", "Universität Wien", "Austria", "Law", "exchange", Date(44256)],
        ["W-002", "TU Wien", "Austria", "Engineering", "research", Date(44621)],
    ]


def corpus() -> dict[str, bytes]:
    """File name -> exact bytes of every hostile file."""
    files: dict[str, str | bytes] = {}

    # --- one file per reject reason -----------------------------------------------------------
    files["reason_missing_value.csv"] = _lines(
        "Agreement ID,Partner,Country,Faculty,Kind,Start,End",
        "H-001,University of Oslo,Norway,Science,research,2021-01-01,2023-12-31",
        "H-002,,Norway,Science,research,2021-01-01,",  # partner empty
        "H-003,Ghent University,Belgium,Law,exchange,,2024-06-30",  # start empty
        "H-004,KU Leuven,,Law,exchange,2020-09-01,",  # country empty
        "H-005,Aarhus University,Denmark,,education,2019-02-01,",  # faculty empty
        "H-006,Uppsala University,Sweden,Arts,,2022-05-01,",  # kind empty
        ",Lund University,Sweden,Arts,network,2022-05-01,",  # id empty
        "H-008,University of Tartu,Estonia,Arts,network,2022-05-01,",  # end empty is fine
    )
    files["reason_unknown_country.csv"] = _lines(
        EN,
        "C-001,Universidad de Chile,Chile,Science,research,2021-01-01",
        "C-002,Unseen University,Discworld,Science,research,2021-01-01",
        "C-003,Miskatonic University,Arkham,Arts,exchange,2021-01-01",
        "C-004,University of Cape Town,ZA,Medicine,exchange,2021-01-01",
        "C-005,University of Ghana,N/A,Medicine,exchange,2021-01-01",  # not Namibia
    )
    files["reason_unknown_category.csv"] = _lines(
        "Agreement ID,Partner,Country,Faculty,Kind,Level,Start,Status",
        "K-001,ETH Zurich,Switzerland,Engineering,research,faculty,2021-01-01,active",
        "K-002,EPFL,Switzerland,Engineering,picnic,faculty,2021-01-01,active",
        "K-003,University of Bern,Switzerland,Law,exchange,galactic,2021-01-01,active",
        "K-004,University of Basel,Switzerland,Law,exchange,institutional,2021-01-01,wobbly",
        # synonyms, odd case and a trailing space: all fine
        "K-005,University of Zurich,Switzerland,Arts,Exchange ,Institution-wide,2021-01-01,In force",
    )
    files["reason_invalid_boolean.csv"] = _lines(
        "Agreement ID,Partner,Country,Faculty,Kind,Start,Financial flows,Data exchange",
        "B-001,Sorbonne Université,France,Arts,research,2021-01-01,yes,no",
        "B-002,Université Paris Cité,France,Arts,research,2021-01-01,maybe,no",
        "B-003,Université de Lyon,France,Arts,research,2021-01-01,Y,N",
        "B-004,Aix-Marseille Université,France,Arts,research,2021-01-01,,unknown",
        "B-005,Université de Bordeaux,France,Arts,research,2021-01-01,TRUE,0",
    )
    files["reason_invalid_date.csv"] = _lines(
        "Agreement ID,Partner,Country,Faculty,Kind,Start,End",
        "D-001,University of Helsinki,Finland,Science,research,2021-01-01,2022-01-01",
        "D-002,Aalto University,Finland,Engineering,research,soon,",
        "D-003,University of Turku,Finland,Science,research,2021-01-01,tbd",
        "D-004,Tampere University,Finland,Science,research,2021,",  # a year is not a date
        "D-005,University of Oulu,Finland,Science,research,1/2021,",
        "D-006,University of Vaasa,Finland,Science,research,12345,",  # serial out of range
    )
    files["reason_impossible_date.csv"] = _lines(  # "dates with 31-02-2020"
        EN + ",End",
        "I-001,Universität Wien,Austria,Law,exchange,15-03-2021,31-12-2023",
        "I-002,TU Wien,Austria,Engineering,exchange,31-02-2020,",
        "I-003,Universität Graz,Austria,Law,exchange,29-02-2020,",  # a leap day: fine
        "I-004,Universität Innsbruck,Austria,Law,exchange,29-02-2021,",
        "I-005,Universität Salzburg,Austria,Law,exchange,2023-04-31,",
        "I-006,Johannes Kepler Universität Linz,Austria,Law,exchange,00-01-2020,",
    )
    files["reason_invalid_number.csv"] = _lines(
        EN + ",Value (EUR)",
        "N-001,University of Tokyo,Japan,Science,research,2021-01-01,12500.50",
        "N-002,Kyoto University,Japan,Science,research,2021-01-01,twelve",
        "N-003,Osaka University,Japan,Science,research,2021-01-01,12.5.3",
        "N-004,Tohoku University,Japan,Science,research,2021-01-01,€ 300.25",
        "N-005,Keio University,Japan,Science,research,2021-01-01,1e6",
        "N-006,Waseda University,Japan,Science,research,2021-01-01,",
    )
    files["reason_negative_value.csv"] = _lines(
        EN + ",Value (EUR)",
        "V-001,University of Toronto,Canada,Science,research,2021-01-01,1500.00",
        "V-002,McGill University,Canada,Science,research,2021-01-01,-250.00",
        "V-003,University of Alberta,Canada,Science,research,2021-01-01,0",
        "V-004,University of British Columbia,Canada,Science,research,2021-01-01,-0.5",
    )
    files["reason_invalid_period.csv"] = _lines(
        "Academic year,Faculty,Group,Nationality,Headcount",
        "2021/22,Science,degree students,Germany,12",
        "2021/23,Science,degree students,France,3",  # not consecutive years
        "spring 2022,Science,degree students,Spain,4",
        "2021,Science,phd,Italy,2",
        "2022-2023,Science,phd,Italy,2",
    )
    files["reason_end_before_start.csv"] = _lines(
        EN + ",End",
        "E-001,University of Melbourne,Australia,Science,research,2020-01-01,2024-12-31",
        "E-002,Monash University,Australia,Science,research,2023-09-01,2021-08-31",
        "E-003,University of Sydney,Australia,Science,research,2022-05-01,2022-05-01",
        "E-004,Australian National University,Australia,Science,research,2022-05-02,2022-05-01",
    )
    files["reason_duplicate_id.csv"] = _lines(
        EN,
        "X-001,Tsinghua University,China,Engineering,research,2021-01-01",
        "X-002,Peking University,China,Science,research,2021-01-01",
        "X-001,Tsinghua University,China,Engineering,research,2021-01-01",  # exact copy
        "X-003,Fudan University,China,Medicine,exchange,2021-01-01",
        "X-001,Zhejiang University,China,Engineering,research,2022-01-01",  # same id, other row
        " X-002 ,Peking University,China,Science,research,2021-01-01",  # same id once stripped
    )
    files["reason_duplicate_key.csv"] = _lines(
        "Academic year,Faculty,Group,Nationality,Headcount",
        "2021/22,Science,degree students,Germany,12",
        "2021-2022,Science,degree students,DE,3",  # same period, group and country
        "2021-22,Science,Degree Students,Duitsland,4",  # idem
        "2021/22,Science,phd,Germany,2",
        "2021/22,Science,exchange out,Germany,2",
        "2021/22,Science,exchange out,Germany,1",  # idem (basis destination for both)
        "2021/22,Law,degree students,Germany,7",
    )
    files["reason_value_too_long.csv"] = _lines(  # "10,000-character cells"
        EN + ",Notes",
        "L-001," + ("Consortium partner " * 600)[:10_000] + ",Germany,Science,research,2021-01-01,",
        "L-002,Freie Universität Berlin,Germany,Science,research,2021-01-01,"
        + ("n" * 10_000),  # an unmapped column may hold anything
        "L-003,Universität Hamburg,Germany,Science,research,2021-01-01,",
        "L-004," + "B" * 1_000 + ",Germany,Science,research,2021-01-01,",  # at the limit
        "L-005," + "C" * 1_001 + ",Germany,Science,research,2021-01-01,",  # one over
    )
    files["reason_malformed_row.csv"] = _lines(
        EN,
        "M-001,University of Bergen,Norway,Science,research,2021-01-01",
        "M-002,University of Bergen, Norway,Norway,Science,research,2021-01-01",  # 7 cells
        "M-003,NTNU,Norway,Engineering,research,2021-01-01,,",  # empty extra cells: fine
        "M-004,UiT The Arctic University of Norway,Norway,Science,exchange,2021-01-01,, ",
        "M-005,University of Stavanger,Norway,Science,research,2021-01-01",
    )

    # --- file-level failures ------------------------------------------------------------------
    files["empty.csv"] = b""
    files["header_only.csv"] = _lines(EN + ",End,Value (EUR)")
    files["whitespace_only.csv"] = "  \r\n\t\n   \n"
    files["binary.csv"] = b"\x00\x01\x02\x03" + random.Random(7).randbytes(4092)
    workbook = xlsx_bytes({"Partnerships": _partnerships_rows()})
    files["corrupt.xlsx"] = workbook[: len(workbook) // 2]
    files["csv_text.xlsx"] = _lines(
        EN, "Z-001,TU Delft,Netherlands,Engineering,research,2021-01-01"
    )
    files["legacy.xls"] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + b"\xff" * 512
    files["duplicate_land.csv"] = _lines(
        "Kenmerk;Partnerinstelling;Land;Faculteit;Soort;Startdatum;Land",
        "DL-1;Universiteit Gent;België;Geneeskunde;onderzoek;01-09-2021;Belgium",
    )
    files["missing_required.csv"] = _lines(
        "Agreement ID,Partner,Country,Faculty,Starts on",
        "MR-1,Universiteit Gent,Belgium,Medicine,2021-09-01",
    )
    files["two_sheets.xlsx"] = xlsx_bytes(
        {"2023": _partnerships_rows(), "2024": _partnerships_rows(), "Notes": [["Exported"]]}
    )
    files["no_sheet_qualifies.xlsx"] = xlsx_bytes(
        {"Notes": [["Export of 2024"]], "Data": [["ID", "Name", "Land"], ["1", "TU Wien", "AT"]]}
    )
    files["only_separators.csv"] = _lines(";;;;", ";;;;", ";;;;")

    # --- formats that must be read right -------------------------------------------------------
    files["formula_text.csv"] = _lines(
        EN,
        'F-001,"=HYPERLINK(""https://www.uio.no"",""University of Oslo"")",Norway,Science,research,2021-01-01',
        "F-002,=1+1,Norway,Science,research,2021-01-01",
        "F-003,@SUM(A1:A2),Norway,Science,research,2021-01-01",
        'F-004,"+47 Norwegian University",Norway,Science,research,2021-01-01',
    )
    files["formulas.xlsx"] = xlsx_bytes(
        {
            "Partnerships": [
                ["Agreement ID", "Partner", "Country", "Faculty", "Kind", "Start", "Value (EUR)"],
                [
                    "FX-1",
                    Formula('CONCATENATE("Universität ","Wien")', "Universität Wien"),
                    "Austria",
                    "Law",
                    "exchange",
                    Formula("DATE(2021,3,1)", 44256, date=True),
                    Formula("SUM(1000,500)", 1500),
                ],
                [
                    "FX-2",
                    "TU Graz",
                    Formula('IF(1,"Austria","")', "Austria"),
                    "Engineering",
                    "research",
                    Date(44621),
                    Formula("0-10", -10),  # a negative cached value
                ],
                ["FX-3", "Universität Linz", "Austria", "Law", "exchange", Date(44621), 250.75],
            ]
        }
    )
    files["merged_header.xlsx"] = xlsx_bytes(
        {
            "Export": [
                ["Partnerships of the Faculty of Law — export 2024", None, None, None, None, None],
                [None, None, None, None, None, None, "Duration"],
                ["Agreement ID", "Partner", None, "Country", "Faculty", "Kind", "Start", "End"],
                ["MH-1", "Universität Wien", "Vienna", "Austria", "Law", "exchange", Date(44256)],
                ["MH-2", "Universiteit Gent", "Ghent", "Belgium", "Law", "exchange", Date(44621)],
                [],
                ["MH-3", "Universidade de Lisboa", "Lisbon", "Portugal", "Law", "x", Date(44621)],
            ]
        },
        # a title merged over the table, a group label over Start/End, "Partner" over two columns
        merged={"Export": ["A1:H1", "G2:H2", "B3:C3"]},
    )
    files["quoted_newlines.csv"] = _lines(
        EN + ",Notes",
        'Q-001,"University of Oslo, Faculty of Law",Norway,Law,exchange,2021-01-01,"first line',
        'second line, with a comma"',
        'Q-002,"Universitetet i Bergen',
        '(UiB)",Norway,Science,research,2021-01-01,',
        'Q-003,NTNU,Atlantis,Engineering,research,2021-01-01,"a ""quoted"" note"',
        'Q-004,University of Agder,Norway,Science,research,2021-01-01,"multi',
        "line",
        'note"',
        "Q-005,Nord University,Norway,Science,research,31-02-2020,",
    )
    files["mixed_line_endings.csv"] = (
        EN + "\r\n"
        "ML-1,Uniwersytet Warszawski,Poland,Law,exchange,2021-01-01\n"
        "ML-2,Uniwersytet Jagiellonski,Poland,Law,exchange,2021-01-01\r"
        "ML-3,Politechnika Gdanska,Atlantis,Engineering,research,2021-01-01\r\n"
        "ML-4,Uniwersytet Wroclawski,Poland,Law,exchange,2021-01-01\n"
    )
    files["utf16le_bom.csv"] = codecs.BOM_UTF16_LE + _lines(  # Excel's "Unicode text"
        "Agreement ID\tPartner\tCountry\tFaculty\tKind\tStart",
        "U-001\tUniwersytet Jagielloński\tPolen\tLaw\texchange\t2021-10-01",
        "U-002\tΕθνικό και Καποδιστριακό Πανεπιστήμιο Αθηνών\tGreece\tArts\tresearch\t2022-02-01",
        "U-003\tБеларускі дзяржаўны ўніверсітэт\tWit-Rusland\tScience\tresearch\t2019-09-01",
        "U-004\t東京大学\tLilliput\tScience\tresearch\t2019-09-01",
        eol="\r\n",
    ).encode("utf-16-le")
    files["cp1252_dutch.csv"] = _lines(
        "Kenmerk;Partnerinstelling;Land;Faculteit;Soort;Startdatum;Einddatum;"
        "Bedrag per jaar (EUR);Financiële stromen",
        "NL-001;Université libre de Bruxelles;België;Bètawetenschappen;onderzoek;01-09-2021;"
        "31-08-2025;€ 1.234,50;ja",
        "NL-002;Universidade de São Paulo;Brazilië;Geesteswetenschappen;uitwisseling;"
        "15-01-2022;;0,00;nee",
        "NL-003;Université Félix Houphouët-Boigny;Ivoorkust;Geneeskunde;capaciteitsopbouw;"
        "01-02-2020;;12.000;ja",
        "NL-004;Universität Zürich;Zwitserland;Rechtsgeleerdheid;raamovereenkomst;01-02-2020;;;",
        "NL-005;Ruhr-Universität Bochum;Duitsland;Bètawetenschappen;onderzoek;01-02-2020;"
        "01-01-2020;;nee",
        eol="\r\n",
    ).encode("cp1252")
    files["title_and_blank_above_header.csv"] = _lines(
        "Partnerships export - generated 05-01-2024 14:02 by the CRM",
        "",
        EN,
        "T-001,Universiteit Gent,Belgium,Science,research,2021-01-01",
        "T-002,Universiteit Antwerpen,Atlantis,Science,research,2021-01-01",
    )
    files["semicolon_decimal_comma.csv"] = _lines(
        "Agreement ID;Partner;Country;Faculty;Kind;Start;Value (EUR)",
        "S-001;University of Oxford;United Kingdom;Science;research;2021-01-01;1.234.567,89",
        "S-002;University of Cambridge;United Kingdom;Science;research;2021-01-01;12,5",
        "S-003;Imperial College London;United Kingdom;Engineering;research;2021-01-01;1.234",
        "S-004;University College London;United Kingdom;Medicine;research;2021-01-01;1,234.50",
        "S-005;King's College London;United Kingdom;Law;exchange;2021-01-01;-1.000,00",
    )
    files["namibia.csv"] = _lines(
        EN,
        "NAM-1,University of Namibia,NA,Science,research,2021-01-01",
        "NAM-2,Namibia University of Science and Technology,Namibia,Engineering,research,2021-01-01",
        "NAM-3,International University of Management,na,Arts,exchange,2021-01-01",
    )
    files["norwegian.csv"] = _lines(
        "Avtalenummer;Partnerinstitusjon;Land;Fakultet;Type;Startdato;Sluttdato;Beløp (EUR);"
        "Datautveksling",
        "NO-001;Universität Wien;Østerrike;Det juridiske fakultet;utveksling;01.08.2021;"
        "31.07.2026;0,00;nei",
        "NO-002;Tsinghua University;Kina;Fakultet for ingeniørvitenskap;forskning;15.01.2022;;"
        "250 000,00;ja",
        "NO-003;Københavns Universitet;Danmark;Det medisinske fakultet;rammeavtale;01.01.2019;;;",
        "NO-004;Lomonosov Moscow State University;Russland;Det humanistiske fakultet;forskning;"
        "01.09.2020;;1 000,00;ja",
        "NO-005;Universidad de Chile;Chile;Det humanistiske fakultet;forskning;30.02.2021;;;",
    )
    files["french.csv"] = codecs.BOM_UTF8 + _lines(
        "Numéro d'accord;Partenaire;Pays;Faculté;Type d'accord;Date de début;Date de fin;"
        "Montant (EUR);Échange de données",
        "FR-001;Universität Heidelberg;Allemagne;Faculté des sciences;recherche;01/09/2021;"
        "31/08/2025;1 500,00;oui",
        "FR-002;Université Laval;Canada;Faculté de droit;échange;15/01/2022;;;non",
        "FR-003;Università di Bologna;Italie;Faculté de médecine;accord-cadre;01/02/2019;;;",
        "FR-004;Universidad de Buenos Aires;Argentine;Faculté des lettres;formation;01/02/2019;;"
        "-300,00;oui",
        "FR-005;Université d'Atlantide;Atlantide;Faculté des lettres;recherche;01/02/2019;;;",
    ).encode("utf-8")
    files["trailing_empty.csv"] = (
        _lines(
            EN + ",,,",
            "R-001,Universiteit Gent,Belgium,Science,research,2021-01-01,,,",
            "R-002,Vrije Universiteit Brussel,Belgium,Science,research,2021-01-01,,,",
            ",,,,,,,,",
            ",,,,,,,,",
            ",,,,,,,,",
        )
        + "\n\n"
    )
    files["headcounts_counts.csv"] = _lines(
        "Studiejaar;Faculteit;Groep;Nationaliteit;Aantal",
        "2021-2022;Rechtsgeleerdheid;studenten;Duitsland;12",
        "2021-2022;Rechtsgeleerdheid;promovendi;Duitsland;-3",
        "2021-2022;Rechtsgeleerdheid;wp;Duitsland;2,5",
        "2021-2022;Rechtsgeleerdheid;obp;Duitsland;",  # unknown count: NA, accepted
        "2021-2022;Rechtsgeleerdheid;obp;België;1.200",
    )

    files.update(_rows_as_exported())
    out: dict[str, bytes] = {}
    for name, content in files.items():
        out[name] = content if isinstance(content, bytes) else content.encode("utf-8")
    return out


def _rows_as_exported() -> dict[str, str | bytes]:
    """Totals rows, missing markers, files that need defaults, identifiers (issue #10)."""
    files: dict[str, str | bytes] = {}
    files["summary_rows.csv"] = _lines(
        "Agreement ID;Partner;Country;Faculty;Kind;Start;Value (EUR)",
        "SR-1;Universität Wien;Oostenrijk;Law;research;2021-01-01;1.000,00",
        "Subtotal Law;;;;;;1.000,00",
        "SR-2;Universiteit Gent;België;Science;research;2021-01-01;500,00",
        "Totaal;;;;;;1.500,00",
        "Gesamt;;;;;;1.500,00",
        "Summe;;;;;;1.500,00",
        "Yhteensä;;;;;;1.500,00",
        "PLAZAS TOTALES;;;;;;2",
        ";;;Science;;;500,00",  # only a label and a number: a subtotal
        "SR-3;Total Energies Research;France;Science;research;2021-01-01;",  # a partner
        "SR-4;;France;Science;research;2021-01-01;",  # no partner: missing, not a total
    )
    files["missing_markers.csv"] = _lines(
        "Agreement ID,Partner,Country,Faculty,Kind,Start,End,Value (EUR),Data exchange",
        "MM-1,NA,Germany,Law,research,2021-01-01,,,",  # a partner named NA: missing
        "MM-2,University of Namibia,NA,Law,research,2021-01-01,NA,NA,NA",  # Namibia; NA elsewhere
        "MM-3,Universität Wien,Austria,#N/A,research,2021-01-01,,,",  # faculty missing
        "MM-4,TU Graz,Austria,Law,research,2021-01-01,.,.,.",  # Stata's missing
        "MM-5,Universität Graz,Austria,Law,-,2021-01-01,-,-,-",  # kind missing
        "MM-6,JKU Linz,Austria,Law,research,NaN,NULL,N/A,#N/A",  # start missing
        "MM-7,Universität Salzburg,#N/A,Law,research,2021-01-01,,,",  # not a country
    )
    files["defaults_needed.csv"] = _lines(  # a partner list with no faculty, kind, start, id
        "Partner;Country;Places",
        "Universität Wien;Austria;2",
        "Universiteit Gent;België;1",
        "Universidad de Chile;Atlantis;1",
        "TOTAL;;4",
    )
    files["defaults_missing.csv"] = files["defaults_needed.csv"]  # the same, read without them
    files["erasmus_no_country.csv"] = _lines(
        "Institution;Erasmus code;Places",
        "Universität Wien;A  WIEN01;2",
        "Helsingin yliopisto;SF\u00a0HELSINK01;1",  # a no-break space, as the EU list has
        "University College London;UK LONDON029;1",
        "Aristotle University of Thessaloniki;G  THESSAL01;1",
        "Unknown;ZZ NOWHERE01;1",  # no such prefix
        "No code;;1",
    )
    files["inconsistent_country.csv"] = _lines(
        "Agreement ID,Partner,Country,Country name,Erasmus code,Faculty,Kind,Start",
        "IC-1,Universität Wien,AT,Austria,A  WIEN01,Law,research,2021-01-01",
        "IC-2,Universiteit Gent,BE,France,B  GENT01,Law,research,2021-01-01",  # name disagrees
        "IC-3,TU Delft,NL,Netherlands,D  DELFT01,Law,research,2021-01-01",  # code disagrees
        "IC-4,Maastricht University,NL,Netherlands,NL MAASTRI01,Law,research,2021-01-01",
        "IC-5,University of Namibia,NA,Namibia,,Law,research,2021-01-01",
    )
    files["invalid_identifier.csv"] = _lines(
        "Agreement ID,Partner,Country,Faculty,Kind,Start,PIC,ROR",
        "II-1,Universität Wien,AT,Law,research,2021-01-01,999 977 948,https://ror.org/03yrm5c26",
        "II-2,TU Graz,AT,Law,research,2021-01-01,12345,",  # 5 digits
        "II-3,Universität Graz,AT,Law,research,2021-01-01,#N/A,03yrm5c27",  # bad checksum
        "II-4,JKU Linz,AT,Law,research,2021-01-01,0,",  # CORDIS' 0: no PIC
    )
    return files


def main(out: Path = OUT) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name, data in corpus().items():
        (out / name).write_bytes(data)
    print(f"wrote {len(corpus())} files to {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
