"""Write the Horizon test files of ``tests/data/horizon/`` and their expected outcomes.

Run from the repository root: ``python tests/data/horizon/make_horizon.py``. Deterministic.

Each file is built the way the system exporting it writes it (CORDIS open data
``organization.csv`` + ``project.csv`` of FP7, H2020 and Horizon Europe, also as XLSX; the
Horizon Dashboard export in CSV and XLSX with a title row; a grants office's hand-made sheet
in Dutch or Norwegian). Every data row is marked with what it must become (``tie``, ``home``,
``other`` or a reject reason); ``expected.json`` holds the counts the tests compare against,
derived from these marks, not from the reader.

Two sets: ``checking/`` (written and committed before any fix, never tuned against) and
``tuning/``.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections import Counter
from pathlib import Path

import openpyxl

HERE = Path(__file__).parent

ORG_HEADER = [
    "projectID",
    "projectAcronym",
    "organisationID",
    "vatNumber",
    "name",
    "shortName",
    "SME",
    "activityType",
    "street",
    "postCode",
    "city",
    "country",
    "nutsCode",
    "geolocation",
    "organizationURL",
    "contactForm",
    "contentUpdateDate",
    "rcn",
    "order",
    "role",
    "ecContribution",
    "netEcContribution",
    "totalCost",
    "endOfParticipation",
    "active",
]
PROJECT_HEADER = [
    "id",
    "acronym",
    "status",
    "title",
    "startDate",
    "endDate",
    "totalCost",
    "ecMaxContribution",
    "legalBasis",
    "topics",
    "ecSignatureDate",
    "frameworkProgramme",
    "masterCall",
    "subCall",
    "fundingScheme",
    "nature",
    "objective",
    "contentUpdateDate",
    "rcn",
    "grantDoi",
]
DASHBOARD_HEADER = [
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

# name, short name, type, city, CORDIS country, PIC
ORGS = {
    "oxford": (
        "THE CHANCELLOR, MASTERS AND SCHOLARS OF THE UNIVERSITY OF OXFORD",
        "UOXF",
        "HES",
        "Oxford",
        "UK",
        "999991101",
    ),
    "athens": (
        "ETHNIKO KAI KAPODISTRIAKO PANEPISTIMIO ATHINON",
        "NKUA",
        "HES",
        "ATHINA",
        "EL",
        "999991102",
    ),
    "fraunhofer": (
        "FRAUNHOFER GESELLSCHAFT ZUR FORDERUNG DER ANGEWANDTEN FORSCHUNG EV",
        "Fraunhofer",
        "REC",
        "Munchen",
        "DE",
        "999991103",
    ),
    "cnr": ("CONSIGLIO NAZIONALE DELLE RICERCHE", "CNR", "REC", "ROMA", "IT", "999991104"),
    "upm": ("UNIVERSIDAD POLITECNICA DE MADRID", "UPM", "HES", "MADRID", "ES", "999991105"),
    "sintef": ("SINTEF AS", "SINTEF", "REC", "TRONDHEIM", "NO", "999991106"),
    "tsinghua": ("TSINGHUA UNIVERSITY", "THU", "HES", "BEIJING", "CN", "999991107"),
    "acme": ("ACME ROBOTICS BV", "ACME", "PRC", "EINDHOVEN", "NL", "999991108"),
    "capetown": ("UNIVERSITY OF CAPE TOWN", "UCT", "HES", "CAPE TOWN", "ZA", "999991109"),
    "ucl": ("UNIVERSITY COLLEGE LONDON", "UCL", "HES", "LONDON", "UK", "999991110"),
    "aristotle": (
        "ARISTOTELIO PANEPISTIMIO THESSALONIKIS",
        "AUTH",
        "HES",
        "THESSALONIKI",
        "EL",
        "999991111",
    ),
    "ministry": ("MINISTERIO DA SAUDE", "MS", "PUB", "LISBOA", "PT", "999991112"),
    "technion": (
        "TECHNION - ISRAEL INSTITUTE OF TECHNOLOGY",
        "TECHNION",
        "HES",
        "HAIFA",
        "IL",
        "999991113",
    ),
    "ku": ("KOBENHAVNS UNIVERSITET", "UCPH", "HES", "KOBENHAVN", "DK", "999991114"),
    "ngo": ("STICHTING OCEAN WATCH", "OW", "OTH", "DEN HAAG", "NL", "999991115"),
    "uit": ("UIT THE ARCTIC UNIVERSITY OF NORWAY", "UiT", "HES", "TROMSO", "NO", "999991116"),
    "ku_leuven": (
        "KATHOLIEKE UNIVERSITEIT LEUVEN",
        "KU Leuven",
        "HES",
        "LEUVEN",
        "BE",
        "999991117",
    ),
    "hamburg": ("UNIVERSITAET HAMBURG", "UHH", "HES", "HAMBURG", "DE", "999991118"),
    # a company whose name starts like a totals row (tuning only)
    "total": ("TOTAL RAFFINAGE CHIMIE", "TRC", "PRC", "COURBEVOIE", "FR", "999991119"),
}
# the home organisations (tuning and checking differ)
HOME_T = ("UNIVERSITEIT VAN HOLLANDSTAD", "UvH", "HES", "HOLLANDSTAD", "NL", "999912345")
HOME_C = ("HOGSKULEN PA FJELLET", "HPF", "HES", "FJELLBY", "NO", "999870011")
# the same PIC, spelled differently (CORDIS keeps the legal name of the year)
FRAUNHOFER_2 = "FRAUNHOFER-GESELLSCHAFT ZUR FOERDERUNG DER ANGEWANDTEN FORSCHUNG E.V."
HOME_T_2 = "Stichting Universiteit van Hollandstad"


def _org(key: str) -> tuple[str, str, str, str, str, str]:
    return HOME_T if key == "HOME_T" else HOME_C if key == "HOME_C" else ORGS[key]


# --------------------------------------------------------------------------------------------
# Projects: id, acronym, title, start, end, framework, the participants
# (org key, role, ecContribution as CORDIS writes it, mark, name override)
# --------------------------------------------------------------------------------------------


def _fp7(home: str) -> list[dict]:
    return [
        {
            "id": "603458",
            "acronym": "COASTWATCH",
            "title": "Coastal observation networks for the North Sea",
            "start": dt.date(2013, 10, 1),
            "end": dt.date(2017, 9, 30),
            "fp": "FP7",
            "legal": "FP7-ENVIRONMENT",
            "scheme": "CP-FP",
            "parts": [
                (home, "coordinator", "1461000", "home", None),
                ("oxford", "participant", "452300,5", "tie", None),
                ("athens", "participant", "301200", "tie", None),
                ("fraunhofer", "participant", "398000", "tie", None),
                ("acme", "participant", "120000", "tie", None),
                ("ngo", "participant", "65000", "tie", None),
            ],
        },
        {
            "id": "612877",
            "acronym": "NANOCAT",
            "title": "Nanostructured catalysts for clean fuels",
            "start": dt.date(2014, 1, 1),
            "end": dt.date(2016, 12, 31),
            "fp": "FP7",
            "legal": "FP7-NMP",
            "scheme": "CP-IP",
            "parts": [
                ("cnr", "coordinator", "802000", "tie", None),
                (home, "participant", "219150", "home", None),
                ("tsinghua", "participant", "0", "tie", None),
                ("technion", "participant", "187000,25", "tie", None),
                (home, "participant", "", "duplicate_tie", None),  # the home again
            ],
        },
        {
            "id": "619014",
            "acronym": "GLACIER",
            "title": "Glacier mass balance from space",
            "start": dt.date(2013, 5, 1),
            "end": dt.date(2015, 4, 30),
            "fp": "FP7",
            "legal": "FP7-SPACE",
            "scheme": "CP",
            "parts": [
                ("sintef", "coordinator", "500000", "other", None),
                ("uit", "participant", "250000", "other", None),
                ("ku", "participant", "180000", "other", None),
            ],
        },
        {
            "id": "608201",
            "acronym": "HEALTHNET",
            "title": "Public health data networks in southern Europe",
            "start": dt.date(2013, 12, 1),
            "end": dt.date(2016, 11, 30),
            "fp": "FP7",
            "legal": "FP7-HEALTH",
            "scheme": "CSA",
            "parts": [
                ("ministry", "coordinator", "410000", "tie", None),
                (home, "participant", "146100", "home", None),
                ("upm", "participant", "99000", "tie", None),
                ("fraunhofer", "participant", "150000", "tie", FRAUNHOFER_2),
                ("aristotle", "participant", "120500", "tie", None),
                ("capetown", "participant", "0", "tie", None),
            ],
        },
        {
            "id": "311999",
            "acronym": "AGRIDATA",
            "title": "Farm data spaces",
            "start": dt.date(2012, 1, 1),
            "end": dt.date(2015, 12, 31),
            "fp": "FP7",
            "legal": "FP7-KBBE",
            "scheme": "CP",
            "parts": [
                ("upm", "coordinator", "900000", "other", None),
                ("sintef", "participant", "400000", "other", None),
                ("ku_leuven", "participant", "350000", "other", None),
                ("acme", "participant", "200000", "other", None),
                ("hamburg", "participant", "300000", "other", None),
                ("capetown", "associatedPartner", "", "other", None),
            ],
        },
    ]


def _h2020(home: str) -> list[dict]:
    return [
        {
            "id": "776479",
            "acronym": "BLUEPORT",
            "title": "Blue growth in European ports",
            "start": dt.date(2018, 1, 1),
            "end": dt.date(2021, 12, 31),
            "fp": "H2020",
            "legal": "H2020-EU.3.4.",
            "scheme": "RIA",
            "parts": [
                (home, "coordinator", "1461000", "home", None),
                ("ucl", "participant", "502187,5", "tie", None),
                ("aristotle", "participant", "300000", "tie", None),
                ("hamburg", "participant", "310000", "tie", None),
                ("acme", "participant", "250000", "tie", None),
                ("tsinghua", "partner", "", "tie", None),
                ("oxford", "thirdParty", "", "tie", None),
                *([("total", "participant", "95000", "tie", None)] if home == "HOME_T" else []),
            ],
        },
        {
            "id": "825043",
            "acronym": "SOILCARE",
            "title": "Soil carbon in a warming climate",
            "start": dt.date(2019, 3, 1),
            "end": dt.date(2023, 2, 28),
            "fp": "H2020",
            "legal": "H2020-EU.3.2.",
            "scheme": "RIA",
            "parts": [
                ("ku_leuven", "coordinator", "987000", "tie", None),
                (home, "participant", "292200", "home", None),
                ("cnr", "participant", "240000", "tie", None),
                ("capetown", "participant", "150000", "tie", None),
                ("cnr", "thirdParty", "", "duplicate_tie", None),  # the same PIC again
            ],
        },
        {
            "id": "101003123",
            "acronym": "PANDEMIX",
            "title": "Pandemic preparedness models",
            "start": dt.date(2020, 6, 1),
            "end": dt.date(2022, 5, 31),
            "fp": "H2020",
            "legal": "H2020-EU.3.1.",
            "scheme": "RIA",
            "parts": [
                ("ucl", "coordinator", "1200000", "other", None),
                ("ku", "participant", "400000", "other", None),
                ("ministry", "participant", "", "other", None),
            ],
        },
        {
            "id": "862111",
            "acronym": "AGRIDATA",
            "title": "Farm data spaces",
            "start": dt.date(2020, 1, 1),
            "end": dt.date(2022, 12, 31),
            "fp": "H2020",
            "legal": "H2020-EU.3.2.",
            "scheme": "IA",
            "parts": [
                ("upm", "coordinator", "900000", "other", None),
                ("sintef", "participant", "400000", "other", None),
                ("ku_leuven", "participant", "350000", "other", None),
                ("acme", "participant", "200000", "other", None),
                ("hamburg", "participant", "300000", "other", None),
                ("capetown", "associatedPartner", "", "other", None),
            ],
        },
    ]


def _horizon(home: str, home_2: str | None) -> list[dict]:
    return [
        {
            "id": "101056789",
            "acronym": "ARCTIC-RISE",
            "title": "Arctic sea level rise and coastal communities",
            "start": dt.date(2022, 9, 1),
            "end": dt.date(2026, 8, 31),
            "fp": "HORIZON",
            "legal": "HORIZON.2.5",
            "scheme": "HORIZON-RIA",
            "parts": [
                (home, "coordinator", "1461000", "home", None),
                ("uit", "participant", "600000", "tie", None),
                ("oxford", "associatedPartner", "", "tie", None),  # UK: associated
                ("athens", "participant", "350000,75", "tie", None),
                ("sintef", "participant", "410000", "tie", None),
                ("technion", "participant", "200000", "tie", None),
            ],
        },
        {
            "id": "101070123",
            "acronym": "QUANTEX",
            "title": "Quantum sensing for exploration",
            "start": dt.date(2023, 1, 1),
            "end": dt.date(2025, 12, 31),
            "fp": "HORIZON",
            "legal": "HORIZON.1.2",
            "scheme": "HORIZON-EIC",
            "parts": [
                ("fraunhofer", "coordinator", "1500000", "tie", FRAUNHOFER_2),
                (home, "participant", "547875", "home", home_2),  # the home, other spelling
                ("hamburg", "participant", "400000", "tie", None),
                ("ucl", "associatedPartner", "", "tie", None),
                ("tsinghua", "associatedPartner", "", "tie", None),
            ],
        },
        {
            "id": "101094456",
            "acronym": "MEDSEA",
            "title": "Mediterranean sea observation",
            "start": dt.date(2023, 6, 1),
            "end": dt.date(2027, 5, 31),
            "fp": "HORIZON",
            "legal": "HORIZON.2.6",
            "scheme": "HORIZON-IA",
            "parts": [
                ("cnr", "coordinator", "2000000", "other", None),
                ("aristotle", "participant", "500000", "other", None),
                ("upm", "participant", "300000", "other", None),
                ("athens", "participant", "", "other", None),
            ],
        },
        {
            "id": "101101999",
            "acronym": "SOLARGRID",
            "title": "Solar power in distribution grids",
            "start": dt.date(2024, 1, 1),
            "end": dt.date(2027, 12, 31),
            "fp": "HORIZON",
            "legal": "HORIZON.2.5",
            "scheme": "HORIZON-IA",
            "parts": [
                ("upm", "coordinator", "900000", "other", None),
                ("sintef", "participant", "400000", "other", None),
                ("ku_leuven", "participant", "350000", "other", None),
                ("acme", "participant", "200000", "other", None),
                ("hamburg", "participant", "300000", "other", None),
                ("capetown", "associatedPartner", "", "other", None),
            ],
        },
    ]


# --------------------------------------------------------------------------------------------
# Writers
# --------------------------------------------------------------------------------------------


def _org_rows(projects: list[dict]) -> list[tuple[list[str], str]]:
    out = []
    for p in projects:
        for order, (key, role, ec, mark, alt) in enumerate(p["parts"], 1):
            name, short, typ, city, country, pic = _org(key)
            row = [
                p["id"],
                p["acronym"],
                pic,
                f"{country}{pic[3:]}B01" if country == "NL" else "",
                alt or name,
                short,
                "false" if typ == "PRC" else "",
                typ,
                "1 Main Street",
                "1234",
                city,
                country,
                f"{country}111",
                "52.0907,5.1214",
                "",
                "",
                "2024-02-13 11:02:47",
                str(1900000 + 37 * order + int(p["id"]) % 997),
                str(order),
                role,
                ec,
                ec,
                ec,
                "false",
                "true" if p["end"].year > 2024 else "false",
            ]
            out.append((row, mark))
    return out


def _project_rows(projects: list[dict]) -> list[list[str]]:
    out = []
    for p in projects:
        total = 0.0
        for _, _, ec, _, _ in p["parts"]:
            total += float(ec.replace(",", ".") or 0)
        money = f"{total:.2f}".rstrip("0").rstrip(".").replace(".", ",")
        out.append(
            [
                p["id"],
                p["acronym"],
                "CLOSED" if p["end"].year < 2024 else "SIGNED",
                p["title"],
                p["start"].isoformat(),
                p["end"].isoformat(),
                money,
                money,
                p["legal"],
                f"{p['legal']}-TOPIC-01",
                (p["start"] - dt.timedelta(days=61)).isoformat(),
                p["fp"],
                f"{p['fp']}-CALL-{p['start'].year - 1}",
                f"{p['fp']}-CALL-{p['start'].year - 1}-TWO-STAGE",
                p["scheme"],
                "",
                f'The "{p["acronym"]}" project; objectives:\n1) observe;\n2) model; 3) share.',
                "2024-02-13 11:02:47",
                str(200000 + int(p["id"]) % 99991),
                f"10.3030/{p['id']}" if p["fp"] != "FP7" else "",
            ]
        )
    return out


def _write_csv(
    path: Path, header: list[str], rows: list[list[str]], blank_after: int | None = None
) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\n")
        w.writerow(header)
        for i, r in enumerate(rows):
            w.writerow(r)
            if blank_after is not None and i == blank_after:
                fh.write("\n")


def _xlsx_value(col: str, v: str) -> object:
    """CORDIS' workbook: numbers as numbers, dates as dates, the rest as text."""
    if v == "":
        return None
    if col in {"startDate", "endDate", "ecSignatureDate"}:
        return dt.datetime.fromisoformat(v)
    if col in {"ecContribution", "netEcContribution", "totalCost", "ecMaxContribution"}:
        return float(v.replace(",", "."))
    if col in {"projectID", "id", "rcn", "order", "organisationID"}:
        return int(v)
    return v


def _write_xlsx(path: Path, sheet: str, header: list[str], rows: list[list[str]]) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(header)
    for r in rows:
        ws.append([_xlsx_value(c, v) for c, v in zip(header, r, strict=True)])
    wb.save(path)


def _counts(marks: list[str], projects: list[dict] | None = None) -> dict:
    c = Counter(marks)
    rejected = {k: n for k, n in c.items() if k not in {"tie", "home", "other"}}
    return {
        "read": len(marks),
        "ties": c["tie"],
        "home_rows": c["home"],
        "other_rows": c["other"],
        "rejected": sum(rejected.values()),
        "by_reason": dict(sorted(rejected.items())),
    }


#: CORDIS writes the EU's codes for Greece and the United Kingdom
_ISO = {"UK": "GB", "EL": "GR"}


def _truth(projects: list[dict], id_key: str) -> dict:
    """The ties by ISO country and each agreement's value_eur: the home's contribution (its
    first row) per year of the project, (end - start + 1 day) / 365.25."""
    by_country: Counter[str] = Counter()
    value = {}
    for p in projects:
        marks = [m for _, _, _, m, _ in p["parts"]]
        if "home" not in marks or "tie" not in marks:
            continue
        for key, _, _, m, _ in p["parts"]:
            if m == "tie":
                code = _org(key)[4]
                by_country[_ISO.get(code, code)] += 1
        ec = next(ec for _, _, ec, m, _ in p["parts"] if m == "home")
        days = (p["end"] - p["start"]).days + 1
        value[p[id_key]] = float(ec.replace(",", ".")) / (days / 365.25) if ec else None
    return {"ties_by_country": dict(sorted(by_country.items())), "value_eur": value}


def _projects_of(projects: list[dict]) -> tuple[int, int]:
    home = [p for p in projects if any(m == "home" for _, _, _, m, _ in p["parts"])]
    with_ties = [p for p in home if any(m == "tie" for _, _, _, m, _ in p["parts"])]
    return len(home), len(with_ties)


def _cordis(
    folder: Path, stem: str, projects: list[dict], xlsx: bool, blank_after: int | None
) -> dict:
    rows = _org_rows(projects)
    body = [r for r, _ in rows]
    marks = [m for _, m in rows]
    prow = _project_rows(projects)
    if xlsx:
        org, proj = folder / f"{stem}_organization.xlsx", folder / f"{stem}_project.xlsx"
        _write_xlsx(org, "organization", ORG_HEADER, body)
        _write_xlsx(proj, "project", PROJECT_HEADER, prow)
    else:
        org, proj = folder / f"{stem}_organization.csv", folder / f"{stem}_project.csv"
        _write_csv(org, ORG_HEADER, body, blank_after)
        _write_csv(proj, PROJECT_HEADER, prow)
    n_home, n_agree = _projects_of(projects)
    return {
        "files": [org.name, proj.name],
        **_counts(marks),
        "projects": n_home,
        "agreements": n_agree,
        **_truth(projects, "id"),
    }


# --------------------------------------------------------------------------------------------
# The Horizon Dashboard export and the grants office's sheet
# --------------------------------------------------------------------------------------------

_DASH_ROLE = {
    "coordinator": ("Coordinator", "Beneficiary"),
    "participant": ("Participant", "Beneficiary"),
    "associatedPartner": ("Participant", "Associated Partner"),
    "partner": ("Partner", "Associated Partner"),
    "thirdParty": ("Participant", "Affiliated Entity"),
}


def _dashboard_rows(projects: list[dict]) -> tuple[list[list[object]], list[str]]:
    rows, marks = [], []
    for p in projects:
        for key, role, ec, mark, alt in p["parts"]:
            name, _, typ, _, country, pic = _org(key)
            r, t = _DASH_ROLE[role]
            money = f"{float(ec.replace(',', '.')):.2f}" if ec else ""
            rows.append(
                [
                    p["id"],
                    pic,
                    alt or name,
                    typ,
                    country,
                    r,
                    t,
                    money,
                    p["start"].strftime("%d/%m/%Y"),
                    p["end"].strftime("%d/%m/%Y"),
                ]
            )
            marks.append(mark)
    return rows, marks


def _dashboard(folder: Path, stem: str, projects: list[dict], xlsx: bool) -> dict:
    rows, marks = _dashboard_rows(projects)
    total = sum(float(r[7]) for r in rows if r[7])
    title = "Horizon Europe Dashboard - Participations (extracted on 14/11/2026)"
    totals = ["Total", "", "", "", "", "", "", f"{total:.2f}", "", ""]
    if xlsx:
        path = folder / f"{stem}.xlsx"
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "Participations"
        ws.append([title])
        ws.append(["Filters: Programme = Horizon Europe; Country = all"])
        ws.append(DASHBOARD_HEADER)
        for r in rows:
            cells: list[object] = list(r)
            cells[0] = int(str(r[0]))
            cells[1] = int(str(r[1]))
            cells[7] = float(str(r[7])) if r[7] else None
            cells[8] = dt.datetime.strptime(str(r[8]), "%d/%m/%Y")
            cells[9] = dt.datetime.strptime(str(r[9]), "%d/%m/%Y")
            ws.append(cells)
        ws.append([])
        ws.append(["Total", None, None, None, None, None, None, total])
        wb.save(path)
    else:
        path = folder / f"{stem}.csv"
        with path.open("w", encoding="utf-8", newline="") as fh:
            fh.write(f"{title}\n\n")
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(DASHBOARD_HEADER)
            for i, r in enumerate(rows):
                w.writerow(r)
                if i == 6:
                    fh.write("\n")
            w.writerow(totals)
    n_home, n_agree = _projects_of(projects)
    return {
        "files": [path.name],
        **_counts([*marks, "summary_row"]),
        "projects": n_home,
        "agreements": n_agree,
        **_truth(projects, "id"),
    }


NL_COUNTRY = {
    "NL": "Nederland",
    "UK": "Verenigd Koninkrijk",
    "EL": "Griekenland",
    "DE": "Duitsland",
    "IT": "Italië",
    "ES": "Spanje",
    "NO": "Noorwegen",
    "CN": "China",
    "ZA": "Zuid-Afrika",
    "PT": "Portugal",
    "IL": "Israël",
    "DK": "Denemarken",
    "BE": "België",
    "FR": "Frankrijk",
}
NO_COUNTRY = {
    "NL": "Nederland",
    "UK": "Storbritannia",
    "EL": "Hellas",
    "DE": "Tyskland",
    "IT": "Italia",
    "ES": "Spania",
    "NO": "Norge",
    "CN": "Kina",
    "ZA": "Sør-Afrika",
    "PT": "Portugal",
    "IL": "Israel",
    "DK": "Danmark",
    "BE": "Belgia",
    "FR": "Frankrike",
}
NL_ROLE = {
    "coordinator": "Coördinator",
    "participant": "Partner",
    "associatedPartner": "Geassocieerd partner",
    "partner": "Partner",
    "thirdParty": "Derde partij",
}
NO_ROLE = {
    "coordinator": "Koordinator",
    "participant": "Partner",
    "associatedPartner": "Assosiert partner",
    "partner": "Partner",
    "thirdParty": "Tredjepart",
}


def _office_name(key: str) -> str:
    """How a grants office writes a partner: title case, not the legal name."""
    name = _org(key)[0]
    return {
        "oxford": "University of Oxford",
        "athens": "National and Kapodistrian University of Athens",
        "fraunhofer": "Fraunhofer-Gesellschaft",
        "HOME_T": "Universiteit van Hollandstad",
        "HOME_C": "Høgskulen på Fjellet",
    }.get(key, name.title())


def _office(folder: Path, stem: str, projects: list[dict], lang: str) -> dict:
    """A grants office's own list: one row per partner, names as they write them, countries in
    their language, the amount in euros, dates day-first; a blank line and a totals row."""
    countries, roles = (NL_COUNTRY, NL_ROLE) if lang == "nl" else (NO_COUNTRY, NO_ROLE)
    header = (
        ["Project", "Partner", "Land", "Rol", "EU-bijdrage (€)", "Start", "Eind"]
        if lang == "nl"
        else ["Prosjekt", "Partner", "Land", "Rolle", "EU-bidrag (€)", "Start", "Slutt"]
    )
    rows, marks = [], []
    projects = [p for p in projects if any(m == "home" for _, _, _, m, _ in p["parts"])]
    for p in projects:  # its own projects only
        for key, role, ec, mark, _ in p["parts"]:
            country = _org(key)[4]
            amount = float(ec.replace(",", ".")) if ec else None
            rows.append(
                [
                    p["acronym"],
                    _office_name(key),
                    countries[country],
                    roles[role],
                    amount,
                    p["start"],
                    p["end"],
                ]
            )
            marks.append(mark)
        if lang == "nl":  # a subtotal per project, the project filled in
            amounts = [float(ec.replace(",", ".")) for _, _, ec, _, _ in p["parts"] if ec]
            rows.append([p["acronym"], "Subtotaal", None, None, sum(amounts), None, None])
            marks.append("summary_row")
    total = sum(r[4] for r in rows if r[4] is not None and r[1] != "Subtotaal")
    if lang == "nl":
        path = folder / f"{stem}.xlsx"
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "Projecten 2022-2026"
        ws.append(["Overzicht Horizon-projecten, afdeling Subsidies (stand 1 november 2026)"])
        ws.append(header)
        for i, r in enumerate(rows):
            start, end = r[5], r[6]
            if start is None:
                ws.append(r[:5])
                continue
            # typed by hand: some dates as text, day-first
            if i % 3 == 1:
                start, end = f"{start.day}-{start.month}-{start.year}", end.strftime("%d-%m-%Y")
            else:
                start = dt.datetime(start.year, start.month, start.day)
                end = dt.datetime(end.year, end.month, end.day)
            ws.append([*r[:5], start, end])
            if i == 4:
                ws.append([])
        ws.append(["Totaal", None, None, None, total])
        wb.save(path)
    else:
        path = folder / f"{stem}.csv"

        def money(v: float | None) -> str:
            if v is None:
                return ""
            whole, frac = f"{v:.2f}".split(".")
            groups = f"{int(whole):,}".replace(",", "\u00a0")
            return f"{groups},{frac}"

        with path.open("w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh, delimiter=";", lineterminator="\r\n")
            w.writerow(header)
            for i, r in enumerate(rows):
                w.writerow(
                    [*r[:4], money(r[4]), r[5].strftime("%d.%m.%Y"), r[6].strftime("%d.%m.%Y")]
                )
                if i == 5:
                    fh.write("\r\n")
            w.writerow(["Totalt", "", "", "", money(total), "", ""])
    n_home, n_agree = _projects_of(projects)
    return {
        "files": [path.name],
        **_counts([*marks, "summary_row"]),
        "projects": n_home,
        "agreements": n_agree,
        **_truth(projects, "acronym"),
    }


# --------------------------------------------------------------------------------------------
# The two sets
# --------------------------------------------------------------------------------------------


def checking() -> dict:
    """Written before any fix; never tuned against."""
    folder = HERE / "checking"
    folder.mkdir(exist_ok=True)
    home = ("HOME_C", HOME_C[5], HOME_C[0])
    out = {}
    he = _horizon("HOME_C", None)
    out["he_cordis_csv"] = {
        **_cordis(folder, "he", he, xlsx=False, blank_after=8),
        "home": home[1],
    }
    h2020 = _h2020("HOME_C")
    out["h2020_cordis_xlsx"] = {
        **_cordis(folder, "h2020", h2020, xlsx=True, blank_after=None),
        "home": home[2],
    }
    out["office_no_csv"] = {
        **_office(folder, "tilskudd_no", _fp7("HOME_C") + he, "no"),
        "home": "Høgskulen på Fjellet",
    }
    return out


def tuning() -> dict:
    folder = HERE / "tuning"
    folder.mkdir(exist_ok=True)
    pic, name = HOME_T[5], HOME_T[0]
    out = {}
    out["fp7_cordis_csv"] = {
        **_cordis(folder, "fp7", _fp7("HOME_T"), xlsx=False, blank_after=3),
        "home": pic,
    }
    out["h2020_cordis_csv"] = {
        **_cordis(folder, "h2020", _h2020("HOME_T"), xlsx=False, blank_after=None),
        "home": name,
    }
    out["he_cordis_xlsx"] = {
        **_cordis(folder, "he", _horizon("HOME_T", HOME_T_2), xlsx=True, blank_after=None),
        "home": pic,
    }
    out["dashboard_csv"] = {
        **_dashboard(folder, "dashboard", _horizon("HOME_T", HOME_T_2), xlsx=False),
        "home": name,
    }
    out["dashboard_xlsx"] = {
        **_dashboard(folder, "dashboard", _h2020("HOME_T") + _fp7("HOME_T"), xlsx=True),
        "home": pic,
    }
    out["office_nl_xlsx"] = {
        **_office(folder, "subsidies_nl", _h2020("HOME_T") + _horizon("HOME_T", None), "nl"),
        "home": "Universiteit van Hollandstad",
    }
    return out


def main(which: str = "both") -> None:
    for name, build in (("checking", checking), ("tuning", tuning)):
        if which in (name, "both"):
            expected = build()
            (HERE / name / "expected.json").write_text(
                json.dumps(expected, indent=1, ensure_ascii=False) + "\n"
            )


if __name__ == "__main__":
    import sys

    main(sys.argv[1] if len(sys.argv) > 1 else "both")
