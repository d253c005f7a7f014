"""Checking set of the new-user project: written before any fix, looked at only at the end.

    python tests/data/newuser/checking/make_checking.py
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl

HERE = Path(__file__).parent
D = dt.date

ENGINEERING_HEAD = ["Ref", "Institution name", "Partner country", "Department",
                    "Type of agreement", "Valid from", "Valid until", "Agreement status",
                    "Yearly amount EUR", "Notes"]
ENGINEERING = [
    ("ENG-01", "Bauman Moscow State Technical University", "RU", "Engineering", "Research", D(2020, 1, 1), D(2027, 12, 31), "active", 30000, ""),
    ("ENG-02", "Politecnico di Milano", "IT", "Engineering", "Exchange", D(2021, 9, 1), D(2027, 8, 31), "active", None, "Erasmus+"),
    ("ENG-03", "Beihang University", "CN", "Engineering", "Research", D(2022, 3, 1), D(2026, 2, 28), "ended", 55000, "on ASPI tracker"),
    ("ENG-04", "KTH Royal Institute of Technology", "SE", "Engineering", "Exchange", D(2023, 9, 1), None, "active", None, ""),
    ("ENG-05", "Indian Institute of Technology Bombay", "IN", "Engineering", "Education", D(2024, 1, 1), D(2028, 12, 31), "active", 9000, ""),
    ("ENG-06", "Universidad de la República", "UY", "Engineering", "Exchange", D(2026, 7, 1), D(2030, 6, 30), "active", None, ""),
]


def main() -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Agreements"
    ws.append(["Engineering partnerships (confidential)"])
    ws.merge_cells("A1:J1")
    ws.append([])
    ws.append(ENGINEERING_HEAD)
    for r in ENGINEERING:
        ws.append(list(r))
    ws.append(["", "", "", "", "", None, None, "", 94000, "TOTAL"])
    wb.save(HERE / "engineering_partners.xlsx")
    lines = ["Studiejaar;Faculteit;Nationaliteit;Categorie;Aantal",
             "2025/26;Engineering;Rusland;Bachelor- en masterstudenten;9",
             "2025/26;Engineering;China;Promovendi;12",
             "2025/26;Engineering;India;Bachelor- en masterstudenten;25",
             "2025/26;Engineering;Italië;Inkomende uitwisseling;3",
             "Totaal;;;;49"]
    (HERE / "personen_engineering.csv").write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    (HERE / "kvanalytics.yaml").write_text(
        "institution: Northlake University (Engineering)\n"
        "inputs:\n"
        "  partnerships:\n"
        "    - file: engineering_partners.xlsx\n"
        "  headcounts:\n"
        "    - file: personen_engineering.csv\n"
        "      defaults: {basis: nationality}\n"
        "quarter: 2026Q3\n"
        "output: out\n",
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
