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
from kvanalytics.reference import list_watchlists, load_watchlist, read_watchlist
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
