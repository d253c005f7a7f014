"""Build the new-user project of tests/data/newuser (run once; the files are committed).

A fictional "Northlake University": the Faculty of Science's partnership register exported to
XLSX (English, a title block, an ``Export`` sheet and a ``Notes`` sheet), the Faculty of
Humanities' register as a Dutch cp1252 CSV, and headcounts as one row per nationality x faculty
x academic year with a totals row. ``checking/`` holds files written before any fix and looked
at only at the end.

    python tests/data/newuser/make_files.py
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl

HERE = Path(__file__).parent
D = dt.date

# (id, partner, country, type, level, start, end, status, value, flows, data, erasmus)
SCIENCE = [
    ("SCI-2019-001", "Lomonosov Moscow State University", "Russian Federation", "Research collaboration", "Institutional", D(2019, 3, 1), D(2027, 2, 28), "Active", 45000.0, "Yes", "Yes", ""),
    ("SCI-2019-002", "University of Tokyo", "Japan", "Student exchange", "Faculty", D(2019, 9, 1), None, "Active", None, "No", "No", ""),
    ("SCI-2020-003", "Tsinghua University", "China", "Research collaboration", "Institutional", D(2020, 1, 15), D(2026, 12, 31), "Active", 120000.0, "Yes", "Yes", ""),
    ("SCI-2020-004", "Harbin Institute of Technology", "China", "Research collaboration", "Faculty", D(2020, 6, 1), D(2025, 5, 31), "Ended", 30000.0, "Yes", "No", ""),
    ("SCI-2021-005", "Belarusian State University", "Belarus", "Framework agreement", "Institutional", D(2021, 2, 1), None, "Suspended", 0.0, "No", "No", ""),
    ("SCI-2021-006", "Technische Universität München", "Germany", "Student exchange", "Faculty", D(2021, 9, 1), D(2028, 8, 31), "Active", None, "No", "No", "D  MUNCHEN02"),
    ("SCI-2021-007", "University of Greenland (Ilisimatusarfik)", "Greenland", "Research collaboration", "Individual", D(2021, 10, 1), D(2027, 9, 30), "Active", 8500.0, "Yes", "Yes", ""),
    ("SCI-2022-008", "University of the Faroe Islands", "Faroe Islands", "Student exchange", "Faculty", D(2022, 1, 1), D(2026, 12, 31), "Active", None, "No", "No", ""),
    ("SCI-2022-009", "Universidade de São Paulo", "Brazil", "Education", "Faculty", D(2022, 3, 1), D(2026, 8, 31), "Ended", 12000.0, "Yes", "No", ""),
    ("SCI-2022-010", "Sharif University of Technology", "Iran", "Research collaboration", "Individual", D(2022, 5, 1), D(2027, 4, 30), "Active", 5000.0, "Yes", "Yes", ""),
    ("SCI-2023-011", "ETH Zurich", "Switzerland", "Research collaboration", "Institutional", D(2023, 1, 1), D(2027, 12, 31), "Active", 250000.0, "Yes", "Yes", ""),
    ("SCI-2023-012", "University of Nairobi", "Kenya", "Capacity building", "Faculty", D(2023, 4, 1), D(2026, 3, 31), "Ended", 60000.0, "Yes", "No", ""),
    ("SCI-2023-013", "Universitat de Barcelona", "Spain", "Student exchange", "Faculty", D(2023, 9, 1), D(2029, 8, 31), "Active", None, "No", "No", "E  BARCELO01"),
    ("SCI-2024-014", "National University of Singapore", "Singapore", "Research collaboration", "Faculty", D(2024, 2, 1), D(2028, 1, 31), "Active", 40000.0, "Yes", "Yes", ""),
    ("SCI-2024-015", "Saint Petersburg State University", "Russia", "Student exchange", "Faculty", D(2024, 9, 1), D(2026, 8, 31), "Suspended", None, "No", "No", ""),
    ("SCI-2025-016", "Hanoi University of Science and Technology", "Viet Nam", "Education", "Faculty", D(2025, 1, 10), D(2028, 1, 9), "Active", 15000.0, "Yes", "No", ""),
    ("SCI-2025-017", "University of Cape Town", "South Africa", "Research collaboration", "Faculty", D(2025, 7, 1), D(2029, 6, 30), "Active", 22000.0, "Yes", "Yes", ""),
    ("SCI-2026-018", "Kyiv Polytechnic Institute", "Ukraine", "Capacity building", "Institutional", D(2026, 8, 1), D(2029, 7, 31), "Active", 75000.0, "Yes", "No", ""),
    ("SCI-2026-019", "McGill University", "Canada", "Student exchange", "Faculty", D(2026, 11, 1), D(2030, 10, 31), "Planned", None, "No", "No", ""),
    ("SCI-2026-020", "Universiteit Gent", "Belgium", "Student exchange", "Faculty", D(2026, 9, 1), D(2030, 8, 31), "Active", None, "No", "No", "B  GENT01"),
    # bad rows a real register has: an unknown country, an end before the start
    ("SCI-2026-021", "Institute of Atlantis", "Atlantis", "Research collaboration", "Faculty", D(2026, 1, 1), None, "Active", 1000.0, "No", "No", ""),
    ("SCI-2026-022", "Tampere University", "Finland", "Student exchange", "Faculty", D(2026, 9, 1), D(2025, 8, 31), "Active", None, "No", "No", "SF TAMPERE17"),
]
SCIENCE_HEAD = ["Agreement No.", "Partner Institution", "Country", "Faculty", "Agreement Type",
                "Level", "Start Date", "End Date", "Status", "Annual Value (EUR)",
                "Financial Flows", "Data Sharing", "Erasmus Code"]


def write_science(path: Path, rows=SCIENCE, faculty: str = "Science") -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Export"
    ws.append(["Northlake University - Partnership Register"])
    ws.append([f"Faculty of {faculty} - exported 2 October 2026 by International Office"])
    ws.append([])
    ws.append(SCIENCE_HEAD)
    for r in rows:
        ws.append([r[0], r[1], r[2], faculty, *r[3:]])
    for row in ws.iter_rows(min_row=5, min_col=7, max_col=8):
        for c in row:
            c.number_format = "dd/mm/yyyy"
    notes = wb.create_sheet("Notes")
    notes.append(["Field", "Meaning"])
    notes.append(["Agreement Type", "As registered by the International Office"])
    notes.append(["Annual Value (EUR)", "Money per year under the agreement; blank = unknown"])
    wb.save(path)


# Dutch register, Faculty of Humanities (cp1252, ';', decimal comma, day-first)
HUMANITIES = """Kenmerk;Naam instelling;Land;Faculteit;Soort overeenkomst;Niveau;Begindatum;Einddatum;Status;Bedrag per jaar (EUR);Financiële stromen;Gegevensuitwisseling
GW-2018-01;Universiteit van Amsterdam;Nederland;Geesteswetenschappen;uitwisseling;facultair;01-09-2018;31-08-2027;actief;;nee;nee
GW-2019-02;Université Paris-Sorbonne;Frankrijk;Geesteswetenschappen;uitwisseling;facultair;01-09-2019;31-08-2026;beëindigd;;nee;nee
GW-2020-03;Peking University;China;Geesteswetenschappen;onderzoek;instellingsbreed;15-02-2020;14-02-2028;actief;18.500,00;ja;ja
GW-2020-04;Moscow State Linguistic University;Rusland;Geesteswetenschappen;onderwijs;facultair;01-03-2020;28-02-2025;beëindigd;2.500,00;ja;nee
GW-2021-05;Istanbul Üniversitesi;Turkije;Geesteswetenschappen;uitwisseling;facultair;01-09-2021;31-08-2027;actief;;nee;nee
GW-2021-06;Universidad de Buenos Aires;Argentinië;Geesteswetenschappen;onderzoek;individueel;01-10-2021;30-09-2026;actief;3.200,50;ja;ja
GW-2022-07;University of Edinburgh;Verenigd Koninkrijk;Geesteswetenschappen;raamovereenkomst;instellingsbreed;01-01-2022;;actief;0,00;nee;nee
GW-2022-08;Universität Wien;Oostenrijk;Geesteswetenschappen;uitwisseling;facultair;01-09-2022;31-08-2028;actief;;nee;nee
GW-2023-09;Cairo University;Egypte;Geesteswetenschappen;capaciteitsopbouw;facultair;01-04-2023;31-03-2027;actief;42.000,00;ja;nee
GW-2023-10;Yangon University;Myanmar;Geesteswetenschappen;onderzoek;individueel;01-06-2023;31-05-2026;beëindigd;1.800,00;ja;ja
GW-2024-11;Jagiellonian University;Polen;Geesteswetenschappen;uitwisseling;facultair;01-09-2024;31-08-2030;actief;;nee;nee
GW-2024-12;University of Havana;Cuba;Geesteswetenschappen;onderzoek;individueel;01-11-2024;31-10-2027;actief;4.000,00;ja;ja
GW-2025-13;Universidad de Chile;Chili;Geesteswetenschappen;uitwisseling;facultair;01-02-2025;31-01-2029;actief;;nee;nee
GW-2025-14;Seoul National University;Zuid-Korea;Geesteswetenschappen;onderzoek;facultair;01-05-2025;30-04-2029;actief;27.750,00;ja;ja
GW-2026-15;KU Leuven;België;Geesteswetenschappen;netwerk;instellingsbreed;01-01-2026;;actief;1.250,00;ja;nee
GW-2026-16;Universidad Nacional Autónoma de México;Mexico;Geesteswetenschappen;uitwisseling;facultair;01-09-2026;31-08-2030;actief;;nee;nee
GW-2026-17;Universiteit van Amsterdam;Nederland;Geesteswetenschappen;uitwisseling;facultair;01-09-2026;31-08-2030;actief;;nee;nee
Totaal;;;;;;;;;100.000,50;;
"""
# Note: GW-2026-17 repeats a partner under a new id (a renewal): not a duplicate.

# Headcounts: one row per nationality x faculty x academic year, English headers, totals row
HEADCOUNTS = [
    # year, faculty, nationality, category, count
    ("2024/25", "Science", "Russian Federation", "Degree students", 14),
    ("2024/25", "Science", "China", "Degree students", 41),
    ("2024/25", "Science", "China", "PhD candidates", 9),
    ("2024/25", "Science", "Iran", "PhD candidates", 3),
    ("2024/25", "Science", "Germany", "Incoming exchange", 12),
    ("2024/25", "Humanities", "China", "Degree students", 18),
    ("2024/25", "Humanities", "Russian Federation", "Academic staff", 2),
    ("2025/26", "Science", "Russian Federation", "Degree students", 11),
    ("2025/26", "Science", "Belarus", "Degree students", 4),
    ("2025/26", "Science", "China", "Degree students", 38),
    ("2025/26", "Science", "China", "PhD candidates", 10),
    ("2025/26", "Science", "Iran", "PhD candidates", 6),
    ("2025/26", "Science", "Germany", "Incoming exchange", 15),
    ("2025/26", "Science", "Greenland", "Incoming exchange", 1),
    ("2025/26", "Humanities", "China", "Degree students", 21),
    ("2025/26", "Humanities", "Russian Federation", "Academic staff", 3),
    ("2025/26", "Humanities", "Turkey", "Degree students", 7),
]
HEAD_HEAD = ["Academic Year", "Faculty", "Nationality", "Student/Staff Category", "Headcount"]


def write_headcounts(path: Path) -> None:
    lines = [",".join(HEAD_HEAD)]
    lines += [",".join(str(v) for v in r) for r in HEADCOUNTS]
    lines.append(f"Total,,,,{sum(r[4] for r in HEADCOUNTS)}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


PROJECT = """# Northlake University: quarterly partnership report (written by the analyst)
institution: Northlake University
language: en
quarter: 2026Q3
inputs:
  partnerships:
    - file: partners_science.xlsx
      sheet: Export
    - file: samenwerking_geesteswetenschappen.csv
  headcounts:
    - file: headcounts_2026.csv
      defaults: {basis: nationality}
risk_profiles: [freedom-house, eu-restrictive-measures]
scenarios: [nl-2022-freeze, be-2022-rur-signatories]
suppression_threshold: 5
output: out/report
"""


def main() -> None:
    write_science(HERE / "partners_science.xlsx")
    (HERE / "samenwerking_geesteswetenschappen.csv").write_bytes(
        HUMANITIES.replace("\n", "\r\n").encode("cp1252")
    )
    write_headcounts(HERE / "headcounts_2026.csv")
    (HERE / "kvanalytics.yaml").write_text(PROJECT, encoding="utf-8")


if __name__ == "__main__":
    main()
