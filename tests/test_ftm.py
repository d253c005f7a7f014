"""OpenSanctions FollowTheMoney reader: the real ZALA fixture and synthetic edge cases."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from kvanalytics.errors import ReferenceDataError
from kvanalytics.reference import WATCHLIST_COLUMNS, load_watchlist, read_ftm, read_watchlist
from kvanalytics.reference.formats import sniff_format
from kvanalytics.screening import match_watchlist

LIST = "OpenSanctions: zala_entities"


@pytest.fixture(scope="module")
def zala(realdata: Path) -> pd.DataFrame:
    return read_ftm(realdata / "opensanctions" / "zala_entities.ftm.json")


def _write(tmp_path: Path, objs: list[object], raw: str = "") -> Path:
    p = tmp_path / "x.ftm.json"
    p.write_text("\n".join(json.dumps(o) for o in objs) + "\n" + raw, encoding="utf-8")
    return p


def test_counts_and_what_is_kept(zala: pd.DataFrame) -> None:
    assert list(zala.columns) == list(WATCHLIST_COLUMNS)
    entries = zala[~zala["is_alias"]]
    # 11 companies, 3 of them non-target (registry context); 6 persons; Sanction entities linked
    assert entries["entity_type"].value_counts().to_dict() == {"entity": 8, "individual": 6}
    meta = zala.attrs["watchlists"][LIST]
    assert meta["entries"] == 14
    assert meta["not_read"]["non-target Company"] == 3
    assert meta["not_read"]["non-target Ownership"] == 14
    assert "Sanction" not in str(meta["not_read"])
    assert meta["list_date"] == pd.Timestamp("2026-04-29")
    kinds = entries.set_index("entry_id")["kind"]
    # linked to a sanctioned party, not itself designated: OpenSanctions' assessment
    assert kinds["NK-SiYwWfxwLVrVeFswsvAvsm"] == "assessment"
    assert (kinds.drop("NK-SiYwWfxwLVrVeFswsvAvsm") == "designation").all()
    assert meta["kind"] == "assessment; designation"


def test_known_entity_names_ids_programme_date(zala: pd.DataFrame) -> None:
    cst = zala[zala["entry_id"] == "NK-abdzbEBkqyT29GyREbiURZ"]
    first = cst.iloc[0]
    assert first["name"] == "LLC CST" and not first["is_alias"]
    names = set(cst["name"])
    assert {"ООО «ЦСТ»", "Zala Aero Group", "TsST OOO"} <= names  # Cyrillic and Latin
    assert "ZALA" in names  # abbreviation kept
    assert first["country"] == "RU"
    ids = first["identifiers"].split("; ")
    assert "1841015504" in ids and "1101841007938" in ids  # INN, OGRN
    assert "771501001" not in ids  # KPP: shared by many companies, not an identifier
    assert {"EU-UKR", "US-BIS-EL", "GB-RUS"} <= set(first["program"].split("; "))
    assert first["listed_on"] == pd.Timestamp("2021-10-30")  # earliest Sanction listing
    assert "innCode 1841015504" in first["note"]


def test_loadable_by_path_and_sniffed(realdata: Path) -> None:
    path = realdata / "opensanctions" / "zala_entities.ftm.json"
    assert sniff_format(path) == "ftm"
    wl = load_watchlist(str(path))
    assert wl["entry_id"].nunique() == 14


def test_matches_partner_and_never_persons(zala: pd.DataFrame) -> None:
    partners = pd.DataFrame(
        {
            "partner": [
                "Kalashnikov Concern",
                "Maria Aleksandrovna Osetrova",
                "Концерн Калашников",
            ],
            "country": ["RU", "RU", "RU"],
        }
    )
    hits = match_watchlist(partners, zala)
    assert set(hits["entry_id"]) == {"NK-nR5AXM9AVPq4pQaSPSaVam"}
    assert set(hits["partner"]) == {"Kalashnikov Concern", "Концерн Калашников"}


def test_identifier_hit(zala: pd.DataFrame) -> None:
    partners = pd.DataFrame(
        {"partner": ["Some other name"], "country": ["RU"], "partner_key": ["1832090230"]}
    )
    hits = match_watchlist(partners, zala)
    assert hits["method"].tolist() == ["identifier"]


def test_bad_json_line_named(tmp_path: Path) -> None:
    org = {"id": "o1", "schema": "Company", "target": True, "properties": {"name": ["A Co"]}}
    p = _write(tmp_path, [org], raw="{not json\n")
    with pytest.raises(ReferenceDataError, match=r"row 2, column 'line'"):
        read_ftm(p)


def test_unknown_schema_kept_out_with_note(tmp_path: Path) -> None:
    objs = [
        {"id": "o1", "schema": "PublicBody", "target": True, "properties": {"name": ["Agency"]}},
        {"id": "u1", "schema": "Spaceship", "target": True, "properties": {"name": ["X"]}},
        {
            "id": "s1",
            "schema": "Sanction",
            "properties": {"entity": ["o1"], "programId": ["P-1"], "listingDate": ["2020-05-01"]},
        },
        {"id": "p1", "schema": "Person", "target": True, "properties": {"name": ["Jo Bloggs"]}},
        {
            "id": "r1",
            "schema": "Organization",
            "target": True,
            "properties": {"name": ["Watchers"], "topics": ["poi"], "country": ["zz"]},
        },
        {
            "id": "c1",
            "schema": "Company",
            "target": True,
            "properties": {"name": ["Fraud Co"], "topics": ["crime.fin"]},
        },
    ]
    wl = read_ftm(_write(tmp_path, objs), name="syn")
    meta = wl.attrs["watchlists"]["syn"]
    assert meta["unknown_schemata"] == {"Spaceship": [2]}
    e = wl.set_index("entry_id")
    assert e.loc["o1", "kind"] == "designation" and e.loc["o1", "program"] == "P-1"
    assert e.loc["o1", "listed_on"] == pd.Timestamp("2020-05-01")
    assert e.loc["p1", "entity_type"] == "individual"
    # poi only: OpenSanctions' assessment; a non-ISO country gives no country (never blocked)
    assert e.loc["r1", "kind"] == "assessment" and pd.isna(e.loc["r1", "countries"])
    assert meta["kind"] == "assessment; designation"
    assert e.loc["c1", "kind"] == "assessment"  # "crime.fin": the "crime" family


def test_missing_id_and_empty_file(tmp_path: Path) -> None:
    p = _write(tmp_path, [{"schema": "Company", "properties": {}}])
    with pytest.raises(ReferenceDataError, match="'id' and 'schema'"):
        read_ftm(p)
    empty = tmp_path / "e.ftm.json"
    empty.write_text("")
    with pytest.raises(ReferenceDataError):
        read_ftm(empty)


def test_read_watchlist_reads_ftm_too(realdata: Path) -> None:
    wl = read_watchlist(realdata / "opensanctions" / "zala_entities.ftm.json", name="zala")
    assert set(wl["list"]) == {"zala"} and wl["entry_id"].nunique() == 14
