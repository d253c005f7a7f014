"""Risk lenses combined and dated (issue 12, item 4): dated profiles and the edition in force,
the bundled dated Freedom House profile, several lenses combined by the highest tier, and
exposure / exposure_over_time / scenarios using them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kvanalytics import reference as ref
from kvanalytics.errors import KvError, ReferenceDataError
from kvanalytics.exposure import exposure, exposure_over_time
from kvanalytics.sample import make_partnerships
from kvanalytics.scenarios._targets import _risk_tiers as scenario_tiers

DATED = """country,tier,reason,source,valid_from,valid_to
RU,2,watch 2020,Assessment 2020,2020-01-01,
CN,1,watch 2020,Assessment 2020,2020-01-01,
RU,3,restricted 2022,Assessment 2022,2022-03-01,
IR,2,high 2022,Assessment 2022,2022-03-01,2022-12-31
"""


def _write(tmp_path: Path, text: str, name: str = "dated.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _tiers(profile, at) -> dict[str, int]:
    t = ref.risk_tiers(profile, at=at)
    return dict(zip(t["country"], t["tier"].astype(int), strict=True))


# --------------------------------------------------------------------------------------------
# Dated profiles: the edition in force
# --------------------------------------------------------------------------------------------
def test_dated_profile_gives_the_edition_in_force(tmp_path):
    path = _write(tmp_path, DATED)
    assert _tiers(path, "2020-01-01") == {"RU": 2, "CN": 1}
    assert _tiers(path, "2022-02-28") == {"RU": 2, "CN": 1}
    # the 2022 edition replaces the 2020 one: CN is not in it, so CN has no tier any more
    assert _tiers(path, "2022-03-01") == {"RU": 3, "IR": 2}
    # IR's row ends on 2022-12-31 (valid_to inclusive); RU's stays until a next edition
    assert _tiers(path, "2022-12-31") == {"RU": 3, "IR": 2}
    assert _tiers(path, "2023-01-01") == {"RU": 3}
    got = ref.risk_tiers(path, at="2022-06-30")
    assert got.attrs["profile"]["edition"] == pd.Timestamp("2022-03-01")
    assert list(got.columns) == list(ref.TIER_COLUMNS)


def test_before_the_first_edition_no_country_has_a_tier(tmp_path):
    got = ref.risk_tiers(_write(tmp_path, DATED), at="2019-12-31")
    assert got.empty and list(got.columns) == list(ref.TIER_COLUMNS)
    assert got.attrs["profile"]["edition"] is None
    assert "no edition in force on 2019-12-31" in got.attrs["profile"]["note"]


def test_dated_frame_is_checked_like_the_file(tmp_path):
    frame = ref.read_risk_profile(_write(tmp_path, DATED))
    assert frame["valid_from"].dtype.kind == "M" and frame["valid_to"].dtype.kind == "M"
    for at in ("2020-06-30", "2022-06-30", "2024-01-01"):
        assert _tiers(frame, at) == _tiers(tmp_path / "dated.csv", at)


def test_a_country_twice_in_one_edition_is_an_error_naming_it(tmp_path):
    text = DATED + "CN,3,again,Assessment 2020,2020-01-01,\n"
    with pytest.raises(ReferenceDataError) as info:
        ref.read_risk_profile(_write(tmp_path, text))
    assert "CN in the edition of 2020-01-01 (rows 3, 6)" in str(info.value)
    frame = pd.DataFrame(
        {"country": ["RU", "RU"], "tier": [1, 2], "valid_from": pd.to_datetime(["2020-01-01"] * 2)}
    )
    with pytest.raises(ReferenceDataError, match="RU in the edition of 2020-01-01"):
        ref.risk_tiers(frame, at="2021-01-01")


@pytest.mark.parametrize(
    ("line", "column"),
    [
        ("BY,3,x,y,,", "valid_from"),  # a dated profile dates every row
        ("BY,3,x,y,2020-13-01,", "valid_from"),
        ("BY,3,x,y,2021-01-01,2020-01-01", "valid_to"),  # ends before it starts
    ],
)
def test_bad_validity_dates_name_row_and_column(tmp_path, line, column):
    with pytest.raises(ReferenceDataError) as info:
        ref.read_risk_profile(_write(tmp_path, DATED + line + "\n"))
    problems = info.value.problems  # type: ignore[attr-defined]
    assert [6, column] in problems[["row", "column"]].values.tolist()
    assert isinstance(info.value, KvError)


def test_risk_tiers_at_maps_days_to_editions_once(tmp_path):
    days = pd.to_datetime(["2019-12-31", "2020-03-31", "2021-12-31", "2022-03-31", "2023-03-31"])
    tables, which = ref.risk_tiers_at(_write(tmp_path, DATED), days)
    assert which.tolist() == [0, 1, 1, 2, 3]
    assert [len(t) for t in tables] == [0, 2, 2, 1]


# --------------------------------------------------------------------------------------------
# The bundled dated Freedom House profile
# --------------------------------------------------------------------------------------------
def test_freedom_house_editions_in_force_from_their_release_dates():
    # FIW 2019 was released on 2019-02-04: before it the 2018 edition is in force
    assert ref.risk_tiers("freedom-house", at="2019-02-03").attrs["profile"]["edition"] == (
        pd.Timestamp("2018-01-16")
    )
    at_2019 = ref.risk_tiers("freedom-house", at="2019-06-30").set_index("country")
    assert at_2019["reason"].str.startswith("Freedom House 2019").all()
    assert at_2019.attrs["profile"]["edition"] == pd.Timestamp("2019-02-04")
    # Nicaragua: Partly Free in FIW 2018, Not Free in FIW 2019
    assert "Nicaragua" not in at_2019.index  # (ISO2 codes, not names)
    assert (
        "Partly Free"
        in ref.risk_tiers("freedom-house", at="2018-12-31").set_index("country").loc["NI", "reason"]
    )
    assert "Not Free" in at_2019.loc["NI", "reason"]
    assert ref.risk_tiers("freedom-house", at="2012-12-31").empty  # before FIW 2013


def test_freedom_house_2024_is_the_2024_edition_of_the_dated_profile():
    old = ref.risk_tiers("freedom-house-2024")
    dated = ref.risk_tiers("freedom-house", at="2024-06-30")
    pd.testing.assert_frame_equal(
        old[["country", "tier", "reason"]], dated[["country", "tier", "reason"]]
    )


def test_one_tier_rule_for_a_single_edition_and_the_dated_profile():
    dated = ref.load_risk_profile("freedom-house")
    for ed in (2013, 2019, 2024):
        one = ref.risk_profile_from_freedom_house(ref.FREEDOM_HOUSE_FACTS, edition=ed)
        part = dated[dated["edition"] == ed].reset_index(drop=True)
        assert part["tier"].tolist() == one["tier"].tolist()
        assert part["country"].tolist() == one["country"].tolist()
        assert (part["valid_from"] == pd.Timestamp(ref.FH_RELEASE[ed])).all()


def test_dated_profile_from_the_real_workbook_equals_the_bundled_one(realdata):
    book = realdata / "freedomhouse" / "All_data_FIW_2013-2024.xlsx"
    got = ref.dated_profile_from_freedom_house(book, editions=[2018, 2019])
    bundled = ref.load_risk_profile("freedom-house")
    want = bundled[bundled["edition"].isin([2018, 2019])].reset_index(drop=True)
    pd.testing.assert_frame_equal(
        got[["country", "tier", "reason", "valid_from"]],
        want[["country", "tier", "reason", "valid_from"]],
    )


def test_an_edition_without_a_release_date_is_refused():
    facts = pd.read_csv(ref.FREEDOM_HOUSE_FACTS, keep_default_na=False, dtype=str)
    facts = facts[facts["edition"] == "2024"].assign(edition="2030")
    with pytest.raises(ReferenceDataError, match=r"\[2030\] have no release date"):
        ref.dated_profile_from_freedom_house(facts)


# --------------------------------------------------------------------------------------------
# Combined lenses
# --------------------------------------------------------------------------------------------
A = pd.DataFrame(
    {"country": ["RU", "CN", "NA"], "tier": [3, 1, 0], "reason": ["a-ru", "a-cn", "a-na"]}
)
B = pd.DataFrame({"country": ["CN", "IR"], "tier": [2, 2], "reason": ["b-cn", None]})


def test_combined_by_the_highest_tier_every_reason_kept():
    got = ref.combine_profiles({"a": A, "b": B}).set_index("country")
    assert got["tier"].to_dict() == {"RU": 3, "CN": 2, "NA": 0, "IR": 2}
    assert got.loc["CN", "lens"] == "b"
    assert got.loc["CN", "reason"] == "a (tier 1): a-cn | b (tier 2): b-cn"
    assert got.loc["RU", "reason"] == "a (tier 3): a-ru"  # missing from b: keeps a's tier
    assert got.loc["IR", "reason"] == "b (tier 2)"  # a lens without a reason still named
    assert list(got.reset_index().columns) == list(ref.COMBINED_COLUMNS)
    assert got.attrs["profile"]["rule"] == "highest"


def test_a_tie_names_every_deciding_lens_and_order_follows_the_lenses():
    c = ref.combine_profiles({"b": B, "a": A.assign(tier=[3, 2, 0])}).set_index("country")
    assert c.loc["CN", "lens"] == "b; a"
    assert c.loc["CN", "reason"].startswith("b (tier 2)")


def test_risk_tiers_of_a_list_is_combine_profiles():
    names = ["freedom-house-2024", "eu-restrictive-measures"]
    pd.testing.assert_frame_equal(ref.risk_tiers(names), ref.combine_profiles(names))
    cn = ref.risk_tiers(names).set_index("country").loc["CN"]
    assert cn["tier"] == 3 and "freedom-house-2024 (tier 3)" in cn["reason"]


def test_combined_problems_are_errors():
    dup = pd.DataFrame({"country": ["IR", "IR"], "tier": [1, 2]})
    with pytest.raises(ReferenceDataError, match="IR \\(rows 0, 1\\)"):
        ref.combine_profiles({"a": A, "dup": dup})
    with pytest.raises(ReferenceDataError, match="given more than once"):
        ref.combine_profiles(["nl-2022-freeze", "nl-2022-freeze"])
    with pytest.raises(ReferenceDataError, match="rule 'lowest'"):
        ref.combine_profiles([A], rule="lowest")
    with pytest.raises(ReferenceDataError, match="no profiles"):
        ref.combine_profiles([])


def test_dated_and_undated_lenses_before_the_first_edition(tmp_path):
    path = _write(tmp_path, DATED)
    got = ref.combine_profiles({"dated": path, "a": A}, at="2019-06-30").set_index("country")
    assert got["tier"].to_dict() == {"RU": 3, "CN": 1, "NA": 0}  # only the undated lens
    later = ref.combine_profiles({"dated": path, "a": A}, at="2022-06-30").set_index("country")
    assert later.loc["IR", "tier"] == 2 and later.loc["CN", "lens"] == "a"


# --------------------------------------------------------------------------------------------
# Exposure and scenarios
# --------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def ties() -> pd.DataFrame:
    p = make_partnerships(1500, seed=4)
    # a Nicaraguan and a Serbian tie open across the 2019 edition change
    extra = p.iloc[:2].copy()
    extra["agreement_id"] = ["NI-1", "RS-1"]
    extra["country"] = ["NI", "RS"]
    extra["start"] = pd.Timestamp("2017-01-01")
    extra["end"] = pd.NaT
    extra["status"] = extra["status"].iloc[:1].tolist() * 2
    out = pd.concat([p, extra], ignore_index=True)
    # one Arrow chunk per text column: people.factorize does not take the chunked arrays
    # pd.concat leaves (reported, not this module's)
    for c in out.columns:
        if isinstance(out[c].dtype, pd.StringDtype):
            out[c] = pd.array(out[c].to_numpy(dtype=object, na_value=None), dtype=out[c].dtype)
    return out


def test_a_2019_quarter_carries_the_2019_tier(ties):
    s = exposure_over_time(
        ties, start="2018-10-01", end="2019-06-30", risk_profile="freedom-house"
    ).set_index(["quarter", "country"])
    ni_2018, ni_2019 = s.loc[("2018Q4", "NI")], s.loc[("2019Q2", "NI")]
    assert (
        ni_2018["risk_tier"] == 1 and "Freedom House 2018: Partly Free" in ni_2018["risk_reasons"]
    )
    assert ni_2019["risk_tier"] == 2 and "Freedom House 2019: Not Free" in ni_2019["risk_reasons"]
    # the tier the 2024 edition gives Nicaragua is not applied to 2018
    assert ref.risk_tiers("freedom-house-2024").set_index("country").loc["NI", "tier"] == 2
    notes = " ".join(s.attrs["risk_notes"])
    assert "freedom-house edition of 2019-02-04" in notes


@pytest.mark.parametrize("by", [("country",), ("faculty",), ("country", "faculty")])
def test_series_equals_exposure_at_each_quarter_end(ties, by):
    """Each quarter of a series with dated, combined lenses equals exposure at its last day."""
    lenses = ["freedom-house", "eu-restrictive-measures"]
    s = exposure_over_time(ties, start="2018-07-01", end="2020-06-30", by=by, risk_profile=lenses)
    cols = [
        "risk_weighted",
        "risk_weighted_value_eur",
        "risk_tier_unknown",
        *(["risk_tier", "risk_reasons"] if "country" in by else []),
    ]
    for q_end, part in s.groupby("quarter_end"):
        e = exposure(ties, by=by, at=q_end, risk_profile=lenses)
        got = part[part["active"] > 0].set_index(list(by))[cols].sort_index()
        want = e.set_index(list(by))[cols].sort_index()
        pd.testing.assert_frame_equal(got, want, check_exact=False, obj=str(q_end))


def test_exposure_risk_tier_is_the_combined_tier(ties):
    lenses = ["freedom-house-2024", "eu-restrictive-measures"]
    e = exposure(ties, at="2024-06-30", risk_profile=lenses).set_index("country")
    combined = ref.combine_profiles(lenses).set_index("country")
    for c in e.index:
        want = combined["tier"].get(c, pd.NA)
        assert (pd.isna(want) and pd.isna(e.loc[c, "risk_tier"])) or e.loc[c, "risk_tier"] == want
    ru = e.loc["RU", "risk_reasons"]
    assert "freedom-house-2024 (tier 3)" in ru and "eu-restrictive-measures (tier 3)" in ru


def test_one_profile_calls_keep_their_results(ties):
    one = exposure(ties, at="2024-06-30", risk_profile="eu-restrictive-measures")
    as_list = exposure(ties, at="2024-06-30", risk_profile=["eu-restrictive-measures"])
    cols = ["country", "risk_tier", "risk_weighted", "risk_weighted_value_eur"]
    pd.testing.assert_frame_equal(one[cols], as_list[cols])
    reasons = ref.risk_tiers("eu-restrictive-measures").set_index("country")["reason"]
    ru = one.set_index("country").loc["RU", "risk_reasons"]
    assert ru == reasons["RU"]  # one profile: its own reason, verbatim
    assert exposure(ties, at="2024-06-30")["risk_reasons"].isna().all()  # no profile


def test_exposure_with_a_dated_profile_uses_the_edition_at_its_date(ties):
    e = exposure(ties, at="2018-12-31", risk_profile="freedom-house").set_index("country")
    assert e.loc["NI", "risk_tier"] == 1
    assert e.attrs["risk_notes"] == ["2018-12-31: freedom-house edition of 2018-01-16"]


def test_scenario_tiers_take_several_profiles_and_the_date():
    class Target:  # the spec's RiskTarget with several names (policies' NO scenario)
        name = ("freedom-house", "nl-2022-freeze")
        min_tier = 2

    at_2023 = scenario_tiers(None, Target(), pd.Timestamp("2023-08-14"))  # type: ignore[arg-type]
    assert at_2023 is not None and at_2023["NI"] == 2 and at_2023["RU"] == 3
    at_2018 = scenario_tiers(None, Target(), pd.Timestamp("2018-12-31"))  # type: ignore[arg-type]
    assert at_2018 is not None and at_2018["NI"] == 1
    assert np.isnan(at_2018.get("XX", np.nan))
