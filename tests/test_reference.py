"""Risk profiles and watchlists: bundled data, the Freedom House facts, and the real list formats."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from kvanalytics import reference as ref
from kvanalytics.errors import ReferenceDataError, UnknownNameError
from kvanalytics.reference._freedom_house import _read_facts_csv
from kvanalytics.reference.formats import sniff_format

# ../shared/realdata beside the repository (CI has it); KV_REALDATA points elsewhere, e.g. from a
# git worktree that is not beside it.
REALDATA = Path(os.environ.get("KV_REALDATA", Path(__file__).parents[2] / "shared" / "realdata"))
FIW = REALDATA / "freedomhouse" / "All_data_FIW_2013-2024.xlsx"
WS = REALDATA / "watchman_sanctions"


def _need(path: Path) -> Path:
    """The real-data files live outside the repository (../shared/realdata, which CI has)."""
    if not path.exists():
        pytest.skip(f"{path} not available")
    return path


@pytest.fixture(scope="module")
def facts() -> pd.DataFrame:
    return ref.freedom_house_facts(_need(FIW), 2024)


@pytest.fixture(scope="module")
def sdn() -> pd.DataFrame:
    return ref.read_sdn(_need(WS / "ofac_sdn.csv"))


@pytest.fixture(scope="module")
def un() -> pd.DataFrame:
    return ref.read_un_xml(_need(WS / "UN_consolidated.xml"))


@pytest.fixture(scope="module")
def csl2019() -> pd.DataFrame:
    return ref.read_csl(_need(WS / "csl_2019_subset.csv"))


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --------------------------------------------------------------------------------------------
# Freedom House
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("iso2", "status", "total", "d3"),
    [
        ("RU", "NF", 13, 0),
        ("BY", "NF", 8, 0),
        ("CN", "NF", 9, 0),
        ("NL", "F", 97, 4),
        ("NO", "F", 98, 4),
    ],
)
def test_freedom_house_facts_2024(facts, iso2, status, total, d3):
    row = facts.set_index("iso2").loc[iso2]
    assert (row["status"], row["total"], row["d3"], row["edition"]) == (status, total, d3, 2024)


def test_freedom_house_facts_leave_out_territories_and_keep_namibia(facts):
    assert facts["iso2"].is_unique and facts["iso2"].notna().all()
    excluded = facts.attrs["freedom_house"]["excluded"]
    assert {"Crimea", "Gaza Strip", "Tibet", "West Bank"} <= set(excluded)
    assert len(facts) + len(excluded) == 210  # every 2024 row is kept or listed
    assert facts.set_index("iso2").loc["NA", "country"] == "Namibia"
    assert {"HK", "XK", "KN", "VC"} <= set(facts["iso2"])  # territory with a code, Kosovo, "St."


def test_bundled_facts_equal_what_the_workbook_gives():
    """Every bundled edition is exactly what freedom_house_facts reads from the workbook (so
    scripts/build_freedom_house.py is reproducible)."""
    bundled = _read_facts_csv(ref.FREEDOM_HOUSE_FACTS)
    assert sorted(bundled["edition"].unique().tolist()) == list(range(2013, 2025))
    for ed in (2013, 2019, 2024):
        derived = ref.freedom_house_facts(_need(FIW), ed).reset_index(drop=True)
        derived.attrs = {}
        got = bundled[bundled["edition"] == ed].reset_index(drop=True)
        pd.testing.assert_frame_equal(got, derived)


def test_freedom_house_profile_default_tiers(facts):
    profile = ref.risk_profile_from_freedom_house(facts)
    tiers = profile.set_index("country")["tier"]
    assert tiers[["RU", "BY", "CN", "NL", "NO"]].tolist() == [3, 3, 3, 0, 0]
    assert profile["tier"].between(0, 3).all() and profile["country"].is_unique
    assert "D3 academic freedom 0/4" in profile.set_index("country").loc["RU", "reason"]
    assert profile.attrs["profile"]["thresholds"]["d3_restricted_max"] == 0


def test_bundled_freedom_house_profile_matches_the_workbook():
    _need(FIW)
    bundled = ref.load_risk_profile("freedom-house-2024")
    from_book = ref.risk_profile_from_freedom_house(FIW)
    assert bundled["tier"].tolist() == from_book["tier"].tolist()
    assert bundled["country"].tolist() == from_book["country"].tolist()
    assert set(from_book.attrs["profile"]["excluded"]) >= {"Crimea", "Gaza Strip"}
    assert bundled.attrs["profile"]["date"] == pd.Timestamp("2024-02-29")


def test_other_editions_read_with_their_release_date():
    profile = ref.risk_profile_from_freedom_house(_need(FIW), edition=2013)
    assert profile.attrs["profile"]["name"] == "freedom-house-2013"
    assert (profile["date"] == pd.Timestamp("2013-01-16")).all()
    assert profile["reason"].str.startswith("Freedom House 2013").all()
    assert profile.set_index("country").loc["NO", "tier"] == 0
    assert sorted(ref.FH_RELEASE) == list(range(2013, 2025))


FACTS = pd.DataFrame(
    {
        "iso2": ["RU", "HU", "NL", "XA", "NA"],
        "country": ["Russia", "Hungary", "Netherlands", "Partly", "Namibia"],
        "status": ["NF", "PF", "F", "PF", "F"],
        "total": [13, 65, 97, 50, 77],
        "d3": [0, 2, 4, 1, 3],
        "edition": [2024] * 5,
        "source": ["Freedom House, Freedom in the World 2024"] * 5,
    }
)


def _tiers(**kw) -> list[int]:
    return ref.risk_profile_from_freedom_house(FACTS, **kw)["tier"].tolist()


def test_thresholds_change_tiers():
    assert _tiers() == [3, 1, 0, 2, 0]
    assert _tiers(d3_restricted_max=None) == [2, 1, 0, 2, 0]  # RU falls back to its status
    assert _tiers(d3_restricted_max=None, d3_high_max=None) == [2, 1, 0, 1, 0]
    assert _tiers(d3_watch_max=3) == [3, 1, 0, 2, 1]  # Namibia's D3 3 now watched
    assert _tiers(not_free_tier=1, partly_free_tier=0, d3_restricted_max=None) == [2, 0, 0, 2, 0]
    no_d3 = {"d3_restricted_max": None, "d3_high_max": None}
    assert _tiers(not_free_tier=1, partly_free_tier=0, **no_d3) == [1, 0, 0, 0, 0]
    assert _tiers(free_tier=1) == [3, 1, 1, 2, 1]


def test_thresholds_are_checked_and_input_not_mutated():
    before = FACTS.copy(deep=True)
    with pytest.raises(ReferenceDataError, match="not_free_tier"):
        ref.risk_profile_from_freedom_house(FACTS, not_free_tier=4)
    with pytest.raises(ValueError, match="d3_high_max"):
        ref.risk_profile_from_freedom_house(FACTS, d3_high_max=5)
    ref.risk_profile_from_freedom_house(FACTS, d3_watch_max=2)
    pd.testing.assert_frame_equal(FACTS, before)


def test_freedom_house_wrong_edition_names_the_column(tmp_path):
    _need(FIW)
    with pytest.raises(ReferenceDataError, match=r"column 'Edition': no rows for edition 1999"):
        ref.freedom_house_facts(FIW, 1999)


# --------------------------------------------------------------------------------------------
# Risk profiles
# --------------------------------------------------------------------------------------------
def test_user_profile_reads_and_namibia_survives(tmp_path):
    path = _write(
        tmp_path,
        "mine.csv",
        "country,tier,reason,source,date\nNA,2,test,me,2024-01-31\nnl,0,,,\nXK,1,,,\n",
    )
    profile = ref.read_risk_profile(path)
    assert profile["country"].tolist() == ["NA", "NL", "XK"]
    assert profile["country"].notna().all()
    assert profile["tier"].dtype == "Int64" and profile["tier"].tolist() == [2, 0, 1]
    assert profile["reason"].isna().tolist() == [False, True, True]
    assert profile.attrs["profile"]["name"] == "mine"
    assert ref.load_risk_profile(path)["country"].tolist() == ["NA", "NL", "XK"]


def _error(path: Path, reader=ref.read_risk_profile) -> ReferenceDataError:
    with pytest.raises(ReferenceDataError) as info:
        reader(path)
    return info.value


def test_user_profile_bad_tier_names_file_row_column(tmp_path):
    path = _write(tmp_path, "p.csv", "country,tier\nRU,3\nBY,5\nCN,high\n")
    err = _error(path)
    assert "p.csv" in str(err) and "row 3, column 'tier': '5'" in str(err)
    assert "0..3" in str(err)
    assert err.problems[["row", "column"]].values.tolist() == [[3, "tier"], [4, "tier"]]


def test_user_profile_bad_iso_names_file_row_column(tmp_path):
    path = _write(tmp_path, "p.csv", "country,tier\nNetherlands,1\nRU,3\nXX,2\n,1\n")
    err = _error(path)
    assert "row 2, column 'country': 'Netherlands'" in str(err)
    assert err.problems["row"].tolist() == [2, 4, 5]
    assert (err.problems["column"] == "country").all()


def test_user_profile_duplicate_country(tmp_path):
    path = _write(tmp_path, "p.csv", "country,tier\nRU,3\nBY,3\nru,2\n")
    err = _error(path)
    assert "row 4, column 'country': 'ru'" in str(err) and "also row 2" in str(err)
    assert "Countries given more than once: RU (rows 2, 4)." in str(err)
    assert "one row with one tier" in str(err)


def test_user_profile_missing_column(tmp_path):
    path = _write(tmp_path, "p.csv", "iso,tier\nRU,3\n")
    assert "missing column(s) 'country'" in str(_error(path))


def test_bundled_profiles_are_listed_with_sources_and_dates():
    table = ref.list_risk_profiles()
    assert table["name"].tolist() == [
        "nl-2022-freeze",
        "eu-restrictive-measures",
        "freedom-house-2024",
        "freedom-house",
    ]
    assert table["source"].notna().all() and table["date"].notna().all()
    assert table["url"].notna().all()
    assert table.set_index("name").loc["freedom-house", "countries"] == 198
    for name in table["name"]:
        profile = ref.load_risk_profile(name)
        dated = name == "freedom-house"
        extra = ["valid_from", "edition"] if dated else []
        assert list(profile.columns) == [*ref.PROFILE_COLUMNS, *extra]
        key = ["country", "valid_from"] if dated else ["country"]
        assert not profile.duplicated(key).any() and profile["reason"].notna().all()
        assert profile.attrs["profile"]["name"] == name and profile.attrs["profile"]["source"]


def test_nl_freeze_and_eu_profiles():
    nl = ref.load_risk_profile("nl-2022-freeze").set_index("country")
    assert nl["tier"].to_dict() == {"RU": 3, "BY": 3}
    assert (nl["date"] == pd.Timestamp("2022-03-04")).all()
    eu = ref.load_risk_profile("eu-restrictive-measures").set_index("country")
    assert eu.loc[["RU", "BY"], "tier"].tolist() == [3, 3]
    assert eu.loc[["IR", "KP", "SY", "MM", "VE"], "tier"].tolist() == [2] * 5
    assert eu["reason"].str.contains("regime|measures").all()
    assert (
        "sanctionsmap.eu"
        in ref.list_risk_profiles().set_index("name").loc["eu-restrictive-measures", "source"]
    )


@pytest.mark.parametrize("name", ["no-such-profile", ""])
def test_unknown_profile_name(name):
    with pytest.raises(UnknownNameError, match="nl-2022-freeze"):
        ref.load_risk_profile(name)


@pytest.mark.parametrize("text", ["", "\x00\x01\xff\xfe binary"])
def test_empty_or_binary_profile_file_is_a_reference_error(tmp_path, text):
    path = tmp_path / "p.csv"
    path.write_bytes(text.encode("latin-1"))
    err = _error(path)
    assert "p.csv" in str(err)


def test_directory_as_profile_is_a_reference_error(tmp_path):
    assert "is a directory" in str(_error(tmp_path))


def test_bundled_facts_with_a_country_twice_is_refused(tmp_path):
    lines = ref.FREEDOM_HOUSE_FACTS.read_text(encoding="utf-8").splitlines()
    ru = next(line for line in lines if line.startswith("RU,"))
    path = _write(tmp_path, "facts.csv", "\n".join([*lines, ru]) + "\n")
    err = _error(path, _read_facts_csv)
    assert err.problems[["row", "column"]].values.tolist() == [[len(lines) + 1, "iso2"]]


# --------------------------------------------------------------------------------------------
# risk_tiers: the one rule for the tier of a country in a profile
# --------------------------------------------------------------------------------------------
def _tier_table(profile) -> list[list]:
    return ref.risk_tiers(profile)[["country", "tier"]].values.tolist()


@pytest.mark.parametrize(
    "name", ["nl-2022-freeze", "eu-restrictive-measures", "freedom-house-2024"]
)
def test_risk_tiers_same_for_name_path_and_frame(name, tmp_path):
    profile = ref.load_risk_profile(name)
    path = tmp_path / f"{name}.csv"
    profile.to_csv(path, index=False)
    by_name, by_path, by_frame = (ref.risk_tiers(x) for x in (name, path, profile))
    for got in (by_path, by_frame):
        pd.testing.assert_frame_equal(
            got.reset_index(drop=True), by_name, check_like=False, check_exact=True
        )
    assert list(by_name.columns) == list(ref.TIER_COLUMNS)
    assert by_name["country"].is_unique  # the bundled profiles give each country once
    assert by_name.attrs["profile"]["name"] == name


def test_risk_tiers_frame_is_checked_like_a_file():
    frame = pd.DataFrame({"country": [" na", "ru", "XK"], "tier": [1.0, 3.0, 0.0]})
    got = ref.risk_tiers(frame)
    assert got["country"].tolist() == ["NA", "RU", "XK"]  # "NA" is Namibia, never missing
    assert got["tier"].dtype == "Int64" and got["tier"].tolist() == [1, 3, 0]
    assert got["reason"].isna().all() and got["source"].isna().all()


def test_risk_tiers_duplicates_name_every_country_with_its_rows():
    frame = pd.DataFrame(
        {"country": ["RU", "BY", "CN", "ru", "BY", "RU"], "tier": [3, 3, 2, 2, 3, 1]},
        index=[10, 11, 12, 13, 14, 15],
    )
    before = frame.copy(deep=True)
    with pytest.raises(ReferenceDataError) as info:
        ref.risk_tiers(frame)
    msg = str(info.value)
    assert "RU (rows 10, 13, 15), BY (rows 11, 14)" in msg
    assert "CN" not in msg.split("Countries given more than once:")[1]
    assert "one row with one tier" in msg  # the fix
    assert info.value.problems["row"].tolist() == [13, 14, 15]
    pd.testing.assert_frame_equal(frame, before)  # input not mutated


def test_risk_tiers_duplicates_in_a_file_name_spreadsheet_rows(tmp_path):
    path = _write(tmp_path, "p.csv", "country,tier\nRU,3\nBY,3\nBY,3\nru,2\n")
    with pytest.raises(ReferenceDataError, match=r"RU \(rows 2, 5\), BY \(rows 3, 4\)"):
        ref.risk_tiers(path)


@pytest.mark.parametrize(
    ("frame", "row", "column"),
    [
        (pd.DataFrame({"country": ["RU", "CN"], "tier": pd.array([3, None], "Int64")}), 1, "tier"),
        (pd.DataFrame({"country": ["RU", "CN"], "tier": [3, 2.5]}), 1, "tier"),
        (pd.DataFrame({"country": ["RU", "CN"], "tier": [3, 4]}), 1, "tier"),
        (pd.DataFrame({"country": ["Russia", "CN"], "tier": [3, 2]}), 0, "country"),
        (pd.DataFrame({"country": [None, "CN"], "tier": [3, 2]}), 0, "country"),
    ],
)
def test_risk_tiers_refuse_missing_or_bad_values(frame, row, column):
    with pytest.raises(ReferenceDataError) as info:
        ref.risk_tiers(frame)
    assert info.value.problems[["row", "column"]].values.tolist() == [[row, column]]
    assert "a DataFrame" in str(info.value)


def test_risk_tiers_missing_columns_and_unknown_name():
    with pytest.raises(ReferenceDataError, match="missing column\\(s\\) 'tier'"):
        ref.risk_tiers(pd.DataFrame({"country": ["RU"]}))
    with pytest.raises(UnknownNameError, match="freedom-house-2024"):
        ref.risk_tiers("no-such-profile")


def test_risk_tiers_keep_reason_and_source_and_not_other_columns():
    profile = ref.load_risk_profile("nl-2022-freeze").assign(extra="x")
    got = ref.risk_tiers(profile)
    assert list(got.columns) == ["country", "tier", "reason", "source"]
    assert got["reason"].str.startswith("Freeze").all()


# --------------------------------------------------------------------------------------------
# Watchlists: real formats
# --------------------------------------------------------------------------------------------
def _entries(wl: pd.DataFrame) -> pd.Series:
    return wl.groupby("list")["entry_id"].nunique()


def _no_sentinels(wl: pd.DataFrame) -> None:
    assert list(wl.columns) == list(ref.WATCHLIST_COLUMNS)
    for c in ("name", "country", "identifiers", "program", "entity_type"):
        assert not wl[c].isin(["", "-0-"]).any(), c
    assert wl["name"].notna().all()
    assert (~wl.drop_duplicates(["list", "entry_id"])["is_alias"]).all()  # name first


def test_csl_2019_layout(csl2019):
    _no_sentinels(csl2019)
    assert csl2019["entry_id"].nunique() == 115  # 115 rows, one entry each
    counts = _entries(csl2019)
    assert counts["US CSL: Entity List (EL)"] == 22
    assert counts["US CSL: Specially Designated Nationals (SDN)"] == 28
    assert counts.sum() == 115
    assert (csl2019["kind"] == "designation").all()
    canada = csl2019[csl2019["entry_id"] == "SDN:8124"]
    assert canada["name"].tolist() == ["2904977 CANADA, INC.", "CARIBE SOL", "HAVANTUR CANADA INC."]
    assert canada["is_alias"].tolist() == [False, True, True]
    cetc = csl2019[csl2019["name"] == "54th Research Institute of China"].iloc[0]
    assert cetc["listed_on"] == pd.Timestamp("2001-05-14") and cetc["country"] == "CN"
    aliases = csl2019.loc[csl2019["entry_id"] == cetc["entry_id"], "name"].tolist()
    assert "Shijiazhuang Communication Observation and Control Technology Institute." in aliases
    gut = csl2019[csl2019["name"] == "Guangdong University of Technology"].iloc[0]
    assert gut["list"] == "US CSL: Unverified List (UVL)" and gut["country"] == "CN"
    migeotte = csl2019[csl2019["entry_id"] == "EL:row106"].iloc[0]
    assert migeotte["country"] == "ZA"  # four addresses, all in South Africa


def test_csl_newer_layout_with_id():
    wl = ref.read_csl(_need(WS / "csl_consolidated_2025_sample.csv"))
    _no_sentinels(wl)
    # README says 12 rows; the file holds 13 data rows (14 lines), each its own entry.
    assert wl["entry_id"].nunique() == 13
    assert "UVL:1b5979e8fd3920a1a0985bf5088dad930a6a5562d1513f9e4b015e42" in set(wl["entry_id"])
    rim = wl[wl["name"] == "RIM, Ryong Nam"].iloc[0]
    assert rim["entity_type"] == "individual" and pd.isna(rim["country"])
    assert rim["countries"] == "CN;KP"


def test_sdn_entries_types_and_aliases(sdn):
    _no_sentinels(sdn)
    # 7,379 records: `wc -l` says 7,378 because the last line has no newline.
    assert sdn["entry_id"].nunique() == 7379
    types = sdn.drop_duplicates("entry_id")["entity_type"].value_counts().to_dict()
    assert types == {"individual": 3845, "entity": 2994, "vessel": 323, "aircraft": 217}
    assert sdn.loc[sdn["entry_id"] == "306", "name"].tolist() == ["BANCO NACIONAL DE CUBA", "BNC"]
    hizb = sdn[sdn["name"] == "FOREIGN RELATIONS DEPARTMENT"]
    assert len(hizb) == 1 and hizb["is_alias"].all()
    malek = sdn[sdn["entry_id"] == "13152"].iloc[0]
    assert malek["name"] == "MALEK ASHTAR UNIVERSITY OF TECHNOLOGY"
    assert malek["program"] == "NPWMD; IFSR" and malek["entity_type"] == "entity"
    assert sdn["listed_on"].isna().all() and sdn["country"].isna().all()


def test_un_entities_and_aliases(un):
    _no_sentinels(un)
    kinds = un.drop_duplicates("entry_id")["entity_type"].value_counts().to_dict()
    assert kinds == {"entity": 273, "individual": 730}
    komid = un[un["entry_id"] == "KPe.001"]
    assert komid["name"].iloc[0] == "KOREA MINING DEVELOPMENT TRADING CORPORATION"
    assert "KOMID" in komid["name"].tolist()  # quotes stripped
    assert komid["country"].iloc[0] == "KP" and komid["program"].iloc[0] == "DPRK"
    assert komid["listed_on"].iloc[0] == pd.Timestamp("2009-04-24")
    assert (un["list_date"] == pd.Timestamp("2026-02-27")).all()
    glbc = un[un["entry_id"] == "CDe.003"].iloc[0]
    assert pd.isna(glbc["country"]) and glbc["countries"] == "CD;RW"
    entities_only = ref.read_un_xml(WS / "UN_consolidated.xml", individuals=False)
    assert entities_only["entry_id"].nunique() == 273


def test_sniff_format_of_bundled_and_real_files():
    assert sniff_format(ref.WATCHLIST_DIR / "rur-2022-signatories.csv") is None
    assert sniff_format(_need(WS / "ofac_sdn.csv")) == "sdn"
    assert sniff_format(WS / "UN_consolidated.xml") == "un"
    assert sniff_format(WS / "csl_2019_subset.csv") == "csl"


def test_load_watchlist_of_a_directory_is_a_reference_error(tmp_path):
    with pytest.raises(ReferenceDataError, match="is a directory"):
        ref.load_watchlist(tmp_path)


def test_load_watchlist_sniffs_real_formats():
    assert set(ref.load_watchlist(_need(WS / "ofac_sdn.csv"))["list"]) == {"OFAC SDN"}
    assert set(ref.load_watchlist(WS / "UN_consolidated.xml")["list"]) == {
        "UN SC Consolidated List"
    }
    assert ref.load_watchlist(WS / "csl_2019_subset.csv")["list"].str.startswith("US CSL: ").all()


def test_malformed_sdn_is_refused(tmp_path):
    path = _write(tmp_path, "sdn.csv", '1,"A",-0- ,"CUBA"\n')
    assert "12 columns" in str(_error(path, ref.read_sdn))
    path = _write(tmp_path, "sdn2.csv", ('x,"A"' + ",-0-" * 10 + "\n"))
    err = _error(path, ref.read_sdn)
    assert "row 1, column 'ent_num': 'x'" in str(err)


# --------------------------------------------------------------------------------------------
# Watchlists: simple CSV and bundled lists
# --------------------------------------------------------------------------------------------
def test_watchlist_csv_reads_aliases_and_namibia(tmp_path):
    path = _write(
        tmp_path,
        "mine.csv",
        "name,aliases,country,identifiers,listed_on,source,kind\n"
        "Alpha Institute,AI|Alpha Inst.,NA,,2020-01-02,me,designation\n"
        "Beta College,,,ror:1,,me,assessment\n",
    )
    wl = ref.read_watchlist(path)
    assert wl["name"].tolist() == ["Alpha Institute", "AI", "Alpha Inst.", "Beta College"]
    assert wl["entry_id"].tolist() == ["2", "2", "2", "3"]  # row numbers by default
    assert wl["country"].tolist()[:3] == ["NA"] * 3 and pd.isna(wl["country"].iloc[3])
    assert wl["list"].unique().tolist() == ["mine"]
    assert wl["listed_on"].iloc[0] == pd.Timestamp("2020-01-02")


def test_watchlist_csv_errors_name_file_row_column(tmp_path):
    path = _write(
        tmp_path,
        "bad.csv",
        "name,country,kind,entry_id,listed_on\n"
        "A,RU,sanction,a,\n"
        ",XX,designation,b,2020-13-01\n"
        "C,RU,assessment,a,\n",
    )
    err = _error(path, ref.read_watchlist)
    got = set(map(tuple, err.problems[["row", "column"]].values.tolist()))
    assert got == {(2, "kind"), (3, "name"), (3, "country"), (3, "listed_on"), (4, "entry_id")}
    assert "bad.csv: 5 problem(s)" in str(err)


def test_watchlist_csv_unknown_column_is_an_error(tmp_path):
    path = _write(tmp_path, "w.csv", "name,kind,alias\nA,designation,B\n")
    assert "unknown column(s) 'alias'" in str(_error(path, ref.read_watchlist))


def test_bundled_watchlists():
    table = ref.list_watchlists().set_index("name")
    assert set(table.index) == {"example-institutions", "rur-2022-signatories"}
    assert "PARTIAL" in table.loc["rur-2022-signatories", "description"]
    rur = ref.load_watchlist("rur-2022-signatories")
    _no_sentinels(rur)
    entries = rur.drop_duplicates("entry_id")
    assert 2 <= len(entries) <= 20 and table.loc["rur-2022-signatories", "entries"] == len(entries)
    assert (entries["kind"] == "assessment").all() and (entries["country"] == "RU").all()
    assert (entries["listed_on"] == pd.Timestamp("2022-03-04")).all()
    assert entries["note"].str.match(r"^(high|medium-high):").all()
    assert entries["source"].str.contains("rsr-online.ru").all()
    assert {"Lomonosov Moscow State University", "Saint Petersburg State University"} <= set(
        entries["name"]
    )
    example = ref.load_watchlist("example-institutions").drop_duplicates("entry_id")
    assert 5 <= len(example) <= 8 and example["reason"].str.startswith("EXAMPLE").all()
    assert "NA" in set(example["country"])


@pytest.mark.parametrize("name", ["no-such-list", ""])
def test_unknown_watchlist_name(name):
    with pytest.raises(UnknownNameError, match="rur-2022-signatories"):
        ref.load_watchlist(name)
