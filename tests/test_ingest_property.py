"""Property: whatever the export looks like, ingest loses no row and invents none.

Hypothesis writes partnership exports with a random separator, encoding, line ending, header
language (synonyms drawn from the package's header_synonyms.csv), title lines, blank lines,
quoted cells with separators and newlines, and rows that are valid or carry one defect (unknown
country, impossible or unparseable date, negative amount, empty partner) or repeat an earlier
id. Reading with ``errors="collect"`` must account for every data line exactly once, reject
exactly the defective and repeated rows, and keep accepted ids unique.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kvanalytics as kv
from kvanalytics.config import PACKAGE_DATA

SYN = pd.read_csv(PACKAGE_DATA / "header_synonyms.csv", dtype=str, keep_default_na=False)
SYN = SYN[SYN["table"] == "partnerships"]
COLUMNS = ["agreement_id", "partner", "country", "faculty", "kind", "start", "end", "value_eur"]
LANGUAGES = ["en", "nl", "no", "fr", "de"]

COUNTRIES = ["Germany", "Duitsland", "Tyskland", "Allemagne", "België", "NA", "Namibië", "FR", "Österreich"]  # fmt: skip
BAD_COUNTRIES = ["Atlantis", "Narnia", "Westeros"]
PARTNERS = ["Universität Wien", "Université Laval", "Uni; of Semicolons", "Uni, of Commas", 'The "Quoted" Uni', "São Paulo\nCampus", "Universiteit Gent"]  # fmt: skip
FACULTIES = ["Law", "Bètawetenschappen", "Medicine", "Centraal"]
KINDS = ["research", "onderzoek", "exchange", "forskning", "recherche", "netwerk"]
DEFECTS = ["country", "impossible_date", "invalid_date", "negative", "no_partner"]


def _synonyms(column: str, language: str) -> list[str]:
    s = SYN[(SYN["column"] == column) & (SYN["language"] == language)]["synonym"].tolist()
    return s or SYN[(SYN["column"] == column) & (SYN["language"] == "en")]["synonym"].tolist()


@st.composite
def rows(draw, n: int) -> list[dict]:
    out: list[dict] = []
    ids: list[str] = []
    for i in range(n):
        repeat = bool(ids) and draw(st.integers(0, 6)) == 0
        rid = draw(st.sampled_from(ids)) if repeat else f"P-{i:04d}"
        start = dt.date(2015, 1, 1) + dt.timedelta(days=draw(st.integers(0, 3000)))
        end = draw(st.one_of(st.none(), st.integers(0, 2000)))
        row = {
            "agreement_id": rid,
            "partner": draw(st.sampled_from(PARTNERS)),
            "country": draw(st.sampled_from(COUNTRIES)),
            "faculty": draw(st.sampled_from(FACULTIES)),
            "kind": draw(st.sampled_from(KINDS)),
            "start": start.isoformat(),
            "end": "" if end is None else (start + dt.timedelta(days=end)).isoformat(),
            "value_eur": draw(st.sampled_from(["", "0", "1500", "250000"])),
        }
        defect = draw(st.sampled_from([None] * 6 + DEFECTS))
        if defect == "country":
            row["country"] = draw(st.sampled_from(BAD_COUNTRIES))
        elif defect == "impossible_date":
            row["start"] = "31-02-2020"
        elif defect == "invalid_date":
            row["start"] = "soon"
        elif defect == "negative":
            row["value_eur"] = "-5"
        elif defect == "no_partner":
            row["partner"] = ""
        row["_bad"] = defect is not None or repeat
        ids.append(rid)
        out.append(row)
    return out


@st.composite
def exports(draw) -> dict:
    language = draw(st.sampled_from(LANGUAGES))
    header = [draw(st.sampled_from(_synonyms(c, language))) for c in COLUMNS]
    header = [h.upper() if draw(st.booleans()) else h.title() for h in header]
    data = draw(rows(draw(st.integers(0, 25))))
    # where the blank lines go (index of the data row they precede; len(data) = at the end)
    blanks = draw(st.lists(st.integers(0, len(data)), max_size=4))
    return {
        "header": header,
        "rows": data,
        "blanks": sorted(blanks),
        "blank_kind": draw(st.sampled_from(["empty", "separators", "spaces"])),
        "titles": draw(st.integers(0, 2)),
        "sep": draw(st.sampled_from([",", ";", "\t", "|"])),
        "encoding": draw(st.sampled_from(["utf-8", "cp1252", "utf-16"])),
        "eol": draw(st.sampled_from(["\n", "\r\n"])),
    }


def _render(export: dict) -> tuple[bytes, list[int], set[int], int]:
    """The file's bytes, the line of each data row, the lines of bad rows, the blank lines."""
    sep, eol = export["sep"], export["eol"]
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=sep, lineterminator=eol)
    line = 1
    for t in range(export["titles"]):
        buf.write(f"Partnership export {t + 1} of the international office{eol}")
        line += 1
    writer.writerow(export["header"])
    line += 1
    blank = {"empty": "", "separators": sep * (len(COLUMNS) - 1), "spaces": "   "}
    data_lines, bad_lines = [], set()
    blanks = list(export["blanks"])
    for i, row in enumerate([*export["rows"], None]):
        while blanks and blanks[0] == i:
            buf.write(blank[export["blank_kind"]] + eol)
            blanks.pop(0)
            line += 1
        if row is None:
            break
        writer.writerow([row[c] for c in COLUMNS])
        data_lines.append(line)
        if row["_bad"]:
            bad_lines.add(line)
        line += 1 + sum(row[c].count("\n") for c in COLUMNS)
    text = buf.getvalue()
    return text.encode(export["encoding"]), data_lines, bad_lines, len(export["blanks"])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(export=exports())
def test_ingest_accounts_for_every_row(export, tmp_path_factory):
    data, data_lines, bad_lines, n_blank = _render(export)
    path = tmp_path_factory.mktemp("export") / "export.csv"
    path.write_bytes(data)

    res = kv.read_partnerships(path, errors="collect")
    table, rejects, report = res.table, res.rejects, res.report

    assert report.read == report.accepted + report.rejected
    assert report.read == len(export["rows"]) == len(data_lines)
    assert report.files[0]["blank_rows"] == n_blank
    assert report.files[0]["header_row"] == export["titles"] + 1
    accepted = table["source_row"].tolist()
    rejected = rejects["source_row"].tolist()
    assert set(rejected) <= set(data_lines)  # every reject points at a real data line
    assert len(set(accepted)) == len(accepted) and len(set(rejected)) == len(rejected)
    assert not set(accepted) & set(rejected)
    assert set(accepted) | set(rejected) == set(data_lines)
    assert set(rejected) == bad_lines  # exactly the defective and repeated rows
    assert table["agreement_id"].is_unique
    if len(table):
        kv.validate_partnerships(table)
