"""Bundled lists built by scripts: ASPI's China Defence Universities Tracker and every EU regime."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pandas as pd
import pytest

from kvanalytics.config import PACKAGE_DATA
from kvanalytics.errors import ReferenceDataError
from kvanalytics.reference import (
    list_watchlists,
    load_risk_profile,
    load_watchlist,
    read_watchlist,
)
from kvanalytics.screening import match_watchlist

ROOT = Path(__file__).resolve().parents[1]
ASPI = "aspi-china-defence-universities"


def _script(name: str) -> ModuleType:
    path = ROOT / "scripts" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


# --------------------------------------------------------------------------------------------
# ASPI
# --------------------------------------------------------------------------------------------
def test_aspi_bundled_file_is_the_script_output(realdata: Path) -> None:
    build = _script("build_aspi_watchlist").build
    src = realdata / "aspi" / "china-defence-universities.json"
    bundled = (PACKAGE_DATA / "watchlists" / f"{ASPI}.csv").read_text(encoding="utf-8")
    assert build(src) == bundled


def test_aspi_counts_categories_tiers() -> None:
    wl = load_watchlist(ASPI)
    entries = wl[~wl["is_alias"]]
    assert len(entries) == 159 and set(wl["kind"]) == {"assessment"}
    assert entries["category"].value_counts().to_dict() == {
        "Civilian": 80,
        "Military": 52,
        "Defence industry conglomerate": 12,
        "Security": 8,
        "Seven sons of national defence": 7,
    }
    tiers = entries.groupby("category")["tier"].unique().map(list).to_dict()
    assert tiers["Military"] == [3] and tiers["Civilian"] == [1] and tiers["Security"] == [2]
    assert entries["reason"].str.contains("tier").all()
    row = list_watchlists().set_index("name").loc[ASPI]
    assert row["list_date"] == pd.Timestamp("2020-08-22")
    assert "Australian Strategic Policy Institute" in row["source"]
    assert "2020" in row["description"] and "Civilian 1" in row["description"]


@pytest.mark.parametrize(
    "partner, entry",
    [
        ("Harbin Institute of Technology", "aspi-harbin-institute-of-technology"),
        ("哈尔滨工业大学", "aspi-harbin-institute-of-technology"),
        (
            "National University of Defense Technology",
            "aspi-national-university-of-defense-technology",
        ),
        ("Beihang University", "aspi-beihang-university"),
    ],
)
def test_aspi_known_institutions_found(partner: str, entry: str) -> None:
    hits = match_watchlist(pd.DataFrame({"partner": [partner], "country": ["CN"]}), ASPI)
    best = hits[hits["decision"] == "match"]
    assert best["entry_id"].tolist() == [entry]


def test_aspi_no_hit_for_a_university_elsewhere() -> None:
    p = pd.DataFrame({"partner": ["University of Oslo", "KU Leuven"], "country": ["NO", "BE"]})
    assert match_watchlist(p, ASPI).empty


def test_watchlist_tier_must_be_0_to_3(tmp_path: Path) -> None:
    p = tmp_path / "w.csv"
    p.write_text("name,kind,tier\nA,assessment,4\n", encoding="utf-8")
    with pytest.raises(ReferenceDataError, match="tier"):
        read_watchlist(p)


# --------------------------------------------------------------------------------------------
# Every EU regime
# --------------------------------------------------------------------------------------------
EU = "eu-restrictive-measures"


@pytest.fixture(scope="module")
def eu_source(realdata: Path) -> Path:
    return realdata / "eu" / "sanctions_map_programs.csv"


def test_eu_bundled_files_are_the_script_output(eu_source: Path) -> None:
    script = _script("build_eu_profile")
    bundled = (PACKAGE_DATA / "risk_profiles" / f"{EU}.csv").read_text(encoding="utf-8")
    assert script.profile(eu_source) == bundled
    regimes = (PACKAGE_DATA / "eu_sanctions_regimes.csv").read_text(encoding="utf-8")
    assert script.regimes_table(eu_source) == regimes


def test_eu_every_country_regime_has_a_tier(eu_source: Path) -> None:
    profile = load_risk_profile(EU).set_index("country")
    src = pd.read_csv(eu_source, dtype=str, keep_default_na=False)
    regimes = pd.read_csv(
        PACKAGE_DATA / "eu_sanctions_regimes.csv", dtype=str, keep_default_na=False
    )
    assert sorted(regimes["regime_id"]) == sorted(src["regime_id"])  # every regime classified
    country = regimes[regimes["category"] == "country"]
    assert set(country["country"]) == set(profile.index)
    assert {"CN", "TR", "NE", "GN", "GW", "BI", "BA", "RU", "BY", "KP", "IR"} <= set(profile.index)
    assert (profile["tier"] >= 1).all()
    assert profile["reason"].notna().all() and profile["reason"].str.contains("regime").all()
    # every country has its CELEX references, except China's 1989 declaration (no legal act)
    no_celex = profile.index[profile["celex"].isna()].tolist()
    assert no_celex == ["CN"]
    assert "27 June 1989" in profile.loc["CN", "reason"]
    for regime_id in profile.loc["RU", "regimes"].split(";"):
        celex = src.set_index("regime_id").loc[regime_id, "framework_celexes"].split(";")
        assert set(celex) <= set(profile.loc["RU", "celex"].split(";"))


def test_eu_tiers_by_what_regimes_touch() -> None:
    tier = load_risk_profile(EU).set_index("country")["tier"]
    assert tier[["KP", "RU", "BY", "IR"]].tolist() == [3, 3, 3, 3]
    assert tier[["SY", "MM", "VE", "LY"]].tolist() == [2, 2, 2, 2]
    assert tier[["CN", "TR", "NE"]].tolist() == [1, 1, 1]
    kp = load_risk_profile(EU).set_index("country").loc["KP", "reason"]
    assert "2321" in kp


def test_eu_thematic_regimes_are_not_country_tiers() -> None:
    regimes = pd.read_csv(
        PACKAGE_DATA / "eu_sanctions_regimes.csv", dtype=str, keep_default_na=False
    ).set_index("regime_id")
    for rid in ("5", "6", "46", "47", "50", "60"):  # ISIL/AQ, terrorism, chemical, cyber, HR
        assert regimes.loc[rid, "category"] == "thematic"
        assert regimes.loc[rid, "country"] == "" and regimes.loc[rid, "celex"]
    assert regimes.loc["55", "category"] == "protective"  # Moldova is protected, not targeted


def test_aspi_a_different_city_is_review_not_match() -> None:
    p = pd.DataFrame(
        {"partner": ["Nanjing University of Aeronautics and Astronautics"], "country": ["CN"]}
    )
    hits = match_watchlist(p, ASPI).set_index("entry_id")
    assert (
        hits.loc["aspi-nanjing-university-of-aeronautics-and-astronautics", "decision"] == "match"
    )
    # "Beijing University of Aeronautics and Astronautics" (Beihang) scores 93, but Beijing is
    # not in the partner name: a review for an analyst, not a match
    assert hits.loc["aspi-beihang-university", "decision"] == "review"
