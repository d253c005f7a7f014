"""read_horizon's loose ends (issue 10, item 7): the CORDIS layout before 2021 (the PIC in
``id``), the home written other ways in a grants office's sheet, several names in ``home``, and
notes whose counts agree in number.

Files in ``tests/data/horizon/loose_ends/{tuning,checking}/``, written by hand in the layouts
the systems export (the checking set before any fix, never tuned against). The expected
outcomes below are from how each row was written, not from the reader.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import kvanalytics as kv
from kvanalytics.cli import main
from kvanalytics.errors import IngestError
from kvanalytics.ingest._horizon import _map_header

DATA = Path(__file__).parent / "data" / "horizon" / "loose_ends"
UVH = "Universiteit voor Humanistiek"
NTNU = "Norges teknisk-naturvitenskapelige universitet"

#: case -> files, home, (read, ties, home rows, other rows, rejected), by reason, projects,
#: ties by country, value_eur by project, the home's names as found
CASES: dict[str, dict[str, Any]] = {
    "tuning-fp7-before-2021": {
        "files": ["tuning/cordis-fp7organizations.csv", "tuning/cordis-fp7projects.csv"],
        "home": "999912345",
        "counts": (10, 5, 2, 2, 1),
        "by_reason": {"duplicate_tie": 1},  # the home again (thirdParty) in SENSE
        "projects": 2,
        "countries": {"CN": 1, "DE": 1, "GB": 1, "GR": 1, "NL": 1},
        # 1,200,000.5 over 2011-10-01..2014-09-30 (1,096 days); 300,000 over 1,096 days
        "value": {"287001": 1200000.5 / (1096 / 365.25), "287002": 300000 / (1096 / 365.25)},
        "names": ["STICHTING UNIVERSITEIT VAN HOLLANDSTAD", "UNIVERSITEIT VAN HOLLANDSTAD"],
    },
    "tuning-uvh-with-its-abbreviation": {
        "files": ["tuning/horizon_projecten_uvh.csv"],
        "home": [UVH, "UvH"],
        "counts": (13, 8, 4, 0, 1),
        "by_reason": {"summary_row": 1},  # Totaal
        "projects": 4,
        "countries": {"AT": 1, "BE": 2, "ES": 1, "NL": 4},
        "value": {
            "101094001": 500000 / (1096 / 365.25),
            "101094002": 120000 / (1461 / 365.25),
            "101094003": 80000 / (731 / 365.25),
            "101094004": 60000 / (730 / 365.25),
        },
        "names": ["Univ. voor Humanistiek", UVH, "UvH"],
    },
    "tuning-uvh-by-its-name-only": {  # UvH is not found: DIGNITY is another project
        "files": ["tuning/horizon_projecten_uvh.csv"],
        "home": UVH,
        "counts": (13, 6, 3, 3, 1),
        "by_reason": {"summary_row": 1},
        "projects": 3,
        "countries": {"BE": 2, "ES": 1, "NL": 3},
        "value": {
            "101094001": 500000 / (1096 / 365.25),
            "101094003": 80000 / (731 / 365.25),
            "101094004": 60000 / (730 / 365.25),
        },
        "names": ["Univ. voor Humanistiek", UVH],
    },
    "tuning-uio": {
        "files": ["tuning/uio_projects.csv"],
        "home": "Universitetet i Oslo",
        "counts": (6, 4, 2, 0, 0),
        "by_reason": {},
        "projects": 2,
        "countries": {"DK": 1, "FI": 1, "NO": 1, "SE": 1},  # NO: the hospital, not the home
        "value": {"OSLOA": 400000 / (1096 / 365.25), "OSLOB": 150000 / (731 / 365.25)},
        "names": ["Univ. of Oslo", "Universitetet i Oslo"],
    },
    "checking-h2020-before-2021": {
        "files": ["checking/cordis-h2020organizations.csv", "checking/cordis-h2020projects.csv"],
        "home": "999870022",
        "counts": (10, 6, 2, 2, 0),
        "by_reason": {},
        "projects": 2,
        "countries": {"BE": 1, "CN": 1, "GB": 1, "GR": 1, "IT": 1, "NO": 1},
        "value": {"700101": 800000 / (1461 / 365.25), "700202": 250000.5 / (1096 / 365.25)},
        "names": [
            "NORGES TEKNISK-NATURVITENSKAPELIGE UNIVERSITET NTNU",
            "NTNU - NORGES TEKNISK-NATURVITENSKAPELIGE UNIVERSITET",
        ],
    },
    "checking-ntnu-three-ways": {
        "files": ["checking/eu_prosjekter_ntnu.csv"],
        "home": ["NTNU", NTNU],
        "counts": (12, 8, 3, 0, 1),
        "by_reason": {"summary_row": 1},  # Totalt
        "projects": 3,
        "countries": {"DE": 1, "DK": 1, "NL": 1, "NO": 3, "PT": 1, "SE": 1},
        "value": {
            "101112131": 1200000 / (1461 / 365.25),
            "101223344": 350000 / (1096 / 365.25),
            "101334455": 90000 / (1095 / 365.25),
        },
        "names": ["NTNU", "Norges teknisk-naturvitenskapelige univ.", NTNU],
    },
}


def _read(case: str) -> kv.Ingested:
    e = CASES[case]
    return kv.read_horizon([DATA / f for f in e["files"]], home=e["home"], errors="collect")


@pytest.mark.parametrize("case", list(CASES))
def test_reads_exactly(case: str) -> None:
    e = CASES[case]
    r = _read(case)
    rep = r.report
    assert (rep.read, rep.accepted, rep.home_rows, rep.other_rows, rep.rejected) == e["counts"]
    assert dict(rep.by_reason) == e["by_reason"]
    assert rep.home["projects"] == e["projects"] and rep.home["names"] == e["names"]
    assert r.table.groupby("country").size().to_dict() == e["countries"]
    value = r.table.drop_duplicates("agreement_id").set_index("agreement_id")["value_eur"]
    assert value.to_dict() == pytest.approx(e["value"])
    assert r.table["start"].notna().all() and r.table["end"].notna().all()
    assert not set(r.table["partner"]) & set(e["names"])  # the home is never its own tie


@pytest.mark.parametrize("case", [c for c in CASES if isinstance(CASES[c]["home"], str)])
def test_cli_json(case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    e = CASES[case]
    files = [str(DATA / f) for f in e["files"]]
    argv = ["ingest", "horizon", *files, "--home", e["home"], "--out", str(tmp_path), "--json"]
    assert main(argv) == 0
    got = json.loads(capsys.readouterr().out)
    assert (got["read"], got["ties"], got["rejected"]) == (
        e["counts"][0],
        e["counts"][1],
        e["counts"][4],
    )
    for f in files:
        assert main(["inspect", f, "--table", "horizon"]) == 0
    capsys.readouterr()


# --------------------------------------------------------------------------------------------
# 1. CORDIS before 2021: the PIC in ``id``
# --------------------------------------------------------------------------------------------


def test_id_is_the_pic_only_in_an_organisation_file() -> None:
    org, _ = _map_header(["projectID", "projectAcronym", "role", "id", "name"], "organisations")
    assert org.mapping == {0: "project_id", 1: "acronym", 2: "role", 3: "pic", 4: "organisation"}
    proj, _ = _map_header(["rcn", "id", "acronym", "startDate", "endDate"], "projects")
    assert proj.mapping[1] == "project_id"
    # both: the newer column wins, the old one is ignored with a note
    both, notes = _map_header(["projectID", "organisationID", "id", "name"], "organisations")
    assert both.mapping == {0: "project_id", 1: "pic", 3: "organisation"}
    assert notes == ["'id' ignored: 'organisationID' gives pic"]


def test_id_without_a_project_id_column_is_not_a_pic(tmp_path: Path) -> None:
    """``id`` beside an acronym and a name, no projectID: the project's id or a row number?
    Never guessed as the PIC: ignored, the organisations matched by name."""
    p = tmp_path / "partners.csv"
    p.write_text(
        "id;acronym;name;country;startDate;endDate\n"
        "1;ARCTOS;Univ X;NL;2024-01-01;2025-12-31\n"
        "2;ARCTOS;SINTEF AS;NO;2024-01-01;2025-12-31\n",
        encoding="utf-8",
    )
    r = kv.read_horizon(p, home="Univ X", errors="collect")
    assert r.report.files[0]["unmapped"] == ["id"]
    assert r.table["pic"].isna().all() and list(r.table["agreement_id"]) == ["ARCTOS"]


def test_old_layout_says_which_column_gave_the_pic() -> None:
    r = _read("checking-h2020-before-2021")
    notes = r.report.files[0]["notes"]
    assert (
        "'id' gives pic: an organisation file (CORDIS before 2021), whose project id is 'projectID'"
        in notes
    )
    assert r.table["pic"].notna().all()


# --------------------------------------------------------------------------------------------
# 2. The home written other ways
# --------------------------------------------------------------------------------------------


def test_matched_and_resembling_names_are_named_in_notes() -> None:
    notes = _read("tuning-uvh-by-its-name-only").report.notes
    assert (
        "home: 'Univ. voor Humanistiek' (1 row) is the home organisation by the name "
        "matcher (exact alias, score 100)"
    ) in notes
    assert (
        "home: 1 partner without a PIC in the home's projects resembles the home and is kept "
        "as a partner: 'University of Humanistic Studies' (1 row, fuzzy, score 83). Check; a "
        "name that is the home goes in home=[..., 'name']"
    ) in notes
    assert not any("'UvH'" in n for n in notes)  # an abbreviation is found only when given


def test_only_the_same_name_makes_the_home(tmp_path: Path) -> None:
    """Against the home's names alone the matcher has no competing key: a name holding the
    home's (Bath Spa), or one a number apart (Paris 8), is named for review, never the home."""
    p = tmp_path / "bath.csv"
    p.write_text(
        "Project,Partner,Country,EU funding,Start,End\n"
        "A,University of Bath,United Kingdom,100,2024-01-01,2025-12-31\n"
        "A,University of Bath Spa,United Kingdom,,2024-01-01,2025-12-31\n"
        "A,Universite Paris 8,France,,2024-01-01,2025-12-31\n"
        "B,Univ. of Bath,United Kingdom,50,2024-01-01,2025-12-31\n"
        "B,Bath Spa University,United Kingdom,,2024-01-01,2025-12-31\n"
        "C,University of Bath Spa,United Kingdom,,2024-01-01,2025-12-31\n"
        "C,Universita di Bologna,Italy,,2024-01-01,2025-12-31\n",
        encoding="utf-8",
    )
    r = kv.read_horizon(p, home="University of Bath", errors="collect")
    rep = r.report
    assert (rep.read, rep.accepted, rep.home_rows, rep.other_rows) == (7, 3, 2, 2)
    assert sorted(r.table["partner"]) == [
        "Bath Spa University",
        "Universite Paris 8",
        "University of Bath Spa",
    ]
    review = [n for n in rep.notes if "kept as partners" in n]
    assert len(review) == 1 and review[0].startswith("home: 2 partners without a PIC")
    assert "'University of Bath Spa' (2 rows, contained alias, score 100)" in review[0]


def test_a_hospital_of_the_same_city_stays_a_partner() -> None:
    r = _read("tuning-uio")
    assert "Oslo universitetssykehus HF" in set(r.table["partner"])
    assert not any("universitetssykehus" in n for n in r.report.notes)  # not even review


def test_home_as_a_pic_plus_names(tmp_path: Path) -> None:
    """A PIC plus the names a grants office writes: rows with the PIC, and rows without a PIC
    under a given name; a row with another PIC is another organisation whatever its name."""
    p = tmp_path / "mixed.csv"
    p.write_text(
        "Project;PIC;Partner;Land;EU-bijdrage;Start;Eind\n"
        "A;999912345;Universiteit van Hollandstad;NL;100;01-01-2024;31-12-2025\n"
        "A;;SINTEF AS;NO;;01-01-2024;31-12-2025\n"
        "B;;UvH;NL;50;01-01-2024;31-12-2025\n"
        "B;;KU Leuven;BE;;01-01-2024;31-12-2025\n"
        "C;999000001;UvH;NL;;01-01-2024;31-12-2025\n"
        "C;999000002;Uppsala universitet;SE;;01-01-2024;31-12-2025\n",
        encoding="utf-8",
    )
    r = kv.read_horizon(p, home=["999912345", "UvH"], errors="collect")
    rep = r.report
    assert (rep.read, rep.accepted, rep.home_rows, rep.other_rows, rep.rejected) == (6, 2, 2, 2, 0)
    assert rep.home["pic"] == ["999912345"] and rep.home["query"] == ["999912345", "UvH"]
    assert sorted(r.table["partner"]) == ["KU Leuven", "SINTEF AS"]
    assert "home: 1 row without a PIC matched by the home's name" in rep.notes
    only = kv.read_horizon(p, home="999912345", errors="collect")  # UvH then is a partner
    # UvH is then no home row: B is a project of others (UvH and KU Leuven)
    assert only.report.home["projects"] == 1 and only.report.other_rows == 4


def test_home_errors_with_several_names() -> None:
    f = DATA / "checking" / "eu_prosjekter_ntnu.csv"
    with pytest.raises(IngestError, match="home is empty"):
        kv.read_horizon(f, home=[])
    with pytest.raises(IngestError, match="home is empty"):
        kv.read_horizon(f, home=["NTNU", " "])
    with pytest.raises(IngestError, match=r"no organisation of that name.*several names: home=\["):
        kv.read_horizon(f, home=["NTH", "Norges tekniske høgskole"])
    with pytest.raises(IngestError, match="no row has PIC 999000001 or 999000002"):
        kv.read_horizon(f, home=["999000001", "999000002"])


# --------------------------------------------------------------------------------------------
# 3. Notes in agreement
# --------------------------------------------------------------------------------------------

_DISAGREE = re.compile(r"\b1 (rows|projects|ties|values|PICs|project ids|home rows)\b")


@pytest.mark.parametrize("case", list(CASES))
def test_counts_agree_in_number(case: str) -> None:
    rep = _read(case).report
    text = "\n".join([*str(rep).splitlines()[:2], *rep.notes])
    assert not _DISAGREE.search(text), text


def test_one_project_one_tie_in_the_summary(tmp_path: Path) -> None:
    p = tmp_path / "one.csv"
    p.write_text(
        "Project;Partner;Land;EU-bijdrage;Start;Eind\n"
        "A;Univ X;NL;100;01-01-2024;31-12-2025\n"
        "A;SINTEF AS;NO;;01-01-2024;31-12-2025\n"
        "B;Univ Y;BE;;01-01-2024;31-12-2025\n",
        encoding="utf-8",
    )
    text = str(kv.read_horizon(p, home="Univ X", errors="collect").report)
    assert "read 3 = 1 tie + 1 home row + 1 row of other projects + 0 rejected" in text
    assert "; 1 project, 1 with ties" in text
    with pytest.raises(IngestError, match=r"Univ Y \(PIC none, 1 row\)"):
        kv.read_horizon(p, home="999912345")


def test_a_project_missing_from_the_project_file_counts_its_rows_not_the_totals(
    tmp_path: Path,
) -> None:
    org = (DATA / "tuning" / "cordis-fp7organizations.csv").read_text(encoding="utf-8")
    p = tmp_path / "organizations.csv"
    total = ['""', '"Total"', *['""'] * 7, '"2000000"', *['""'] * 14]  # in projectID
    p.write_text(org + ";".join(total) + "\n", encoding="utf-8")
    proj = (DATA / "tuning" / "cordis-fp7projects.csv").read_text(encoding="utf-8").splitlines()
    q = tmp_path / "projects.csv"
    q.write_text("\n".join(ln for ln in proj if '"287003"' not in ln) + "\n", encoding="utf-8")
    r = kv.read_horizon([p, q], home="999912345", errors="collect")
    assert dict(r.report.by_reason) == {"duplicate_tie": 1, "summary_row": 1}
    assert "project file(s) projects.csv: 2 rows of 1 project not in it" in r.report.notes
    assert r.report.other_rows == 2  # OTHERP: no dates needed, not the home's
    pd.testing.assert_series_equal(
        r.table["partner"], _read("tuning-fp7-before-2021").table["partner"]
    )


def test_old_layout_as_xlsx(tmp_path: Path) -> None:
    """CORDIS shipped the same files as XLSX: the sheet is found by the same header rule."""
    openpyxl = pytest.importorskip("openpyxl")
    paths = []
    for name in ("cordis-h2020organizations", "cordis-h2020projects"):
        df = pd.read_csv(
            DATA / "checking" / f"{name}.csv", sep=";", dtype=str, keep_default_na=False
        )
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = name
        ws.append(list(df.columns))
        for row in df.itertuples(index=False):
            ws.append(list(row))
        paths.append(tmp_path / f"{name}.xlsx")
        wb.save(paths[-1])
    r = kv.read_horizon(paths, home="999870022", errors="collect")
    csv_ = _read("checking-h2020-before-2021")
    cols = ["agreement_id", "partner", "country", "start", "end", "value_eur", "pic"]
    pd.testing.assert_frame_equal(r.table[cols], csv_.table[cols])


def test_home_named_in_another_language_is_found_by_the_same_name() -> None:
    """No row is named ``University of Oslo``: the rows the matcher finds the same name
    (``Universitetet i Oslo``, ``Univ. of Oslo``) are the home, each named in a note."""
    r = kv.read_horizon(
        DATA / "tuning" / "uio_projects.csv", home="University of Oslo", errors="collect"
    )
    same = _read("tuning-uio")
    pd.testing.assert_frame_equal(r.table, same.table)
    assert r.report.home["names"] == ["Univ. of Oslo", "Universitetet i Oslo"]
    assert [n for n in r.report.notes if n.startswith("home:")] == [
        f"home: {n!r} (1 row) is the home organisation by the name matcher (exact alias, score 100)"
        for n in ("Universitetet i Oslo", "Univ. of Oslo")
    ]
    with pytest.raises(IngestError, match="no organisation of that name"):
        kv.read_horizon(DATA / "tuning" / "uio_projects.csv", home="University of Bergen")
