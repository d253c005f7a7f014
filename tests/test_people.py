"""Headcounts in force at a date (kvanalytics.people): the one rule of exposure and impact."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import kvanalytics as kv
from kvanalytics import config
from kvanalytics.errors import SchemaError
from kvanalytics.people import (
    choose_basis,
    factorize,
    headcounts_in_force,
    in_force,
    period_reference,
)
from kvanalytics.schemas import GROUPS, HEADCOUNTS

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"


def table(rows: list[tuple]) -> pd.DataFrame:
    """(period, faculty, group, country, headcount[, basis]) -> canonical headcounts."""
    df = pd.DataFrame(
        [
            dict(
                zip(
                    ("period", "faculty", "group", "country", "headcount", "basis"), r, strict=False
                )
            )
            for r in rows
        ]
    )
    if "basis" not in df:
        df["basis"] = "nationality"
    df["basis"] = df["basis"].fillna("nationality")
    return pd.DataFrame({c: df[c].astype(d) for c, d in HEADCOUNTS.items() if c in df})  # type: ignore[call-overload]


# ------------------------------------------------------------------------------------------------
# Periods and reference dates
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "day"),
    [
        ("2021/22", "2021-10-01"),
        ("2021/2022", "2021-10-01"),
        (" 2021 / 22 ", "2021-10-01"),
        ("2021-22", "2021-10-01"),  # impact accepted this spelling, exposure did not
        ("2021-2022", "2021-10-01"),
        ("2021–22", "2021-10-01"),  # en dash, as ingest reads it
        ("1999/00", "1999-10-01"),
        ("2011-12", "2011-10-01"),  # consecutive years: an academic year, not December
        ("2022-03-04", "2022-03-04"),
        ("2022-03-04T18:30:00", "2022-03-04"),
        ("2022-03-04T23:30:00+02:00", "2022-03-04"),  # the calendar day written, zone dropped
        ("20220304", "2022-03-04"),
        ("2022-03", "2022-03-01"),  # a month (impact read it as the academic year 2022/23)
        ("2022", "2022-01-01"),
        ("2022-03-04 (census)", "2022-03-04"),  # impact read the first ten characters
    ],
)
def test_period_spellings(label: str, day: str) -> None:
    assert str(period_reference(label)[0]) == day


def test_reference_date_follows_config(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(config, "ACADEMIC_YEAR_REFERENCE", (9, 1))
    assert str(period_reference("2021/22")[0]) == "2021-09-01"


@pytest.mark.parametrize("label", ["2021/25", "2021-2025", "2021-13", "autumn", "", pd.NA])
def test_unreadable_periods_are_one_error(label) -> None:
    with pytest.raises(SchemaError, match="neither an academic year"):
        period_reference(["2021/22", label])


def test_unreadable_period_in_a_table_raises() -> None:
    h = table([("2021/22", "Law", "phd", "RU", 1), ("spring", "Law", "phd", "RU", 2)])
    with pytest.raises(SchemaError, match="spring"):
        in_force(h, "2022-01-01")


def test_unknown_group_raises() -> None:
    h = table([("2021/22", "Law", "phd", "RU", 1)]).astype({"group": "string"})
    h.loc[0, "group"] = "postdoc"
    with pytest.raises(SchemaError, match="postdoc"):
        in_force(h, "2022-01-01")


# ------------------------------------------------------------------------------------------------
# In force at a date
# ------------------------------------------------------------------------------------------------


def test_latest_period_on_or_before_per_group() -> None:
    h = table(
        [
            ("2020/21", "Law", "phd", "RU", 1),
            ("2021/22", "Law", "phd", "RU", 2),
            ("2021-12-01", "Law", "degree_student", "RU", 5),
        ]
    )
    f = in_force(h, ["2021-09-30", "2021-10-01", "2021-12-01"])
    phd, deg = GROUPS.index("phd"), GROUPS.index("degree_student")
    assert [f.periods(t, "phd") for t in range(3)] == [("2020/21",), ("2021/22",), ("2021/22",)]
    assert f.period_of[:, deg].tolist()[:2] == [-1, -1]  # before its first period
    assert f.periods(2, "degree_student") == ("2021-12-01",)
    assert f.available[:, phd].all()
    assert h["headcount"][f.rows(1)].tolist() == [2]


def test_before_the_first_period_nothing_is_in_force() -> None:
    """The one answer: people NA and a note naming the earliest period, never a later year."""
    h = table([("2021/22", "Law", "phd", "RU", 4), ("2022/23", "Law", "phd", "RU", 6)])
    f = in_force(h, "2021-09-30")
    assert not f.available[0].any() and not f.rows(0).any()
    assert f.notes == (
        "headcounts: no period on or before 2021-09-30 for phd (earliest 2021/22): "
        "people unknown (NA).",
    )
    t = headcounts_in_force(h, "2021-09-30")
    assert t.empty and t.attrs["unavailable"] == ["phd"]
    filled = headcounts_in_force(
        h, "2021-09-30", groups=["phd"], countries=["RU", "NA"], fill_unavailable=True
    )
    assert filled["country"].tolist() == ["NA", "RU"] and filled["headcount"].isna().all()


def test_exposure_before_the_first_period_is_na_with_note() -> None:
    h = table([("2021/22", "Law", "phd", "RU", 4)])
    p = pd.DataFrame(
        {"country": ["RU"], "start": pd.to_datetime(["2020-01-01"]), "end": pd.NaT}
    ).astype({"country": "string"})
    out = kv.exposure(p, h, by=("country",), at="2021-09-30")
    assert out["phd"].isna().all() and out["students"].isna().all()
    assert "earliest 2021/22" in out.attrs["people_notes"][0]
    assert kv.exposure(p, h, by=("country",), at="2021-10-01")["phd"].tolist() == [4]


def test_namibia_is_a_country_not_missing() -> None:
    h = table(
        [
            ("2021/22", "Law", "degree_student", "NA", 3),
            ("2021/22", "Law", "degree_student", "BE", 2),
        ]
    )
    t = headcounts_in_force(h, "2022-01-01", countries=["NA"])
    assert t["country"].tolist() == ["NA"] and t["headcount"].tolist() == [3]
    assert t["country"].notna().all()


def test_unknown_cells_are_counted_not_added() -> None:
    h = table(
        [
            ("2021/22", "Law", "degree_student", "RU", 3),
            ("2021/22", "Law", "degree_student", "RU", None),
        ]
    )
    t = headcounts_in_force(h, "2022-01-01")
    assert t[["headcount", "headcount_unknown"]].values.tolist() == [[3, 1]]


# ------------------------------------------------------------------------------------------------
# Basis
# ------------------------------------------------------------------------------------------------


def test_basis_choice_per_group_over_the_table() -> None:
    h = table(
        [
            ("2021/22", "Law", "degree_student", "RU", 3, "nationality"),
            ("2021/22", "Law", "degree_student", "UA", 9, "prior_diploma"),
            ("2022/23", "Law", "degree_student", "RU", 4, "prior_diploma"),
            ("2021/22", "Law", "exchange_out", "RU", 1, "nationality"),
            ("2021/22", "Law", "exchange_out", "RU", 2, "destination"),
            ("2021/22", "Law", "phd", "RU", 5, "prior_diploma"),
        ]
    )
    assert choose_basis(h) == {
        "degree_student": "nationality",
        "exchange_out": "destination",
        "phd": "prior_diploma",
    }
    # degree students stay on nationality: 2022/23 has prior-diploma rows only, so 2021/22 is
    # the latest nationality period in force; the UA prior-diploma row is never added.
    t = headcounts_in_force(h, "2023-01-01").set_index(["group", "country"])
    assert t.loc[("degree_student", "RU"), "headcount"] == 3
    assert ("degree_student", "UA") not in t.index
    assert t.loc[("exchange_out", "RU"), ["basis", "headcount"]].tolist() == ["destination", 2]
    forced = headcounts_in_force(h, "2023-01-01", basis="prior_diploma")
    assert set(forced["basis"]) == {"prior_diploma"}
    with pytest.raises(SchemaError, match="destination"):
        choose_basis(h.query("group != 'exchange_out'"), "destination")
    with pytest.raises(ValueError, match="basis must be"):
        choose_basis(h, "passport")


def test_single_basis_counts_every_row() -> None:
    h = table([("2021/22", "Law", "phd", "RU", 5, "prior_diploma")])
    assert choose_basis(h) == {g: "prior_diploma" for g in GROUPS}
    assert choose_basis(h.drop(columns="basis")) == {}


def test_inputs_not_mutated() -> None:
    h = table(
        [
            ("2021-22", "Law", "phd", "NA", 5, "prior_diploma"),
            ("2021/22", "Law", "phd", "NA", None, "nationality"),
        ]
    ).astype({"period": "string"})
    before = h.copy(deep=True)
    in_force(h, ["2020-01-01", "2022-01-01"])
    headcounts_in_force(h, "2022-01-01", groups=["phd"], countries=["NA"], fill_unavailable=True)
    pd.testing.assert_frame_equal(h, before)


# ================================================================================================
# PROPERTY TEST (issue 9): people in force from exposure(at=d) equal the affected population of
# impact() at d, for the same groups and nationalities, for every bundled scenario and every
# sample year's reference date d (and the day before the first one).
# ================================================================================================

#: Impact's people metrics and the headcount group each counts.
PEOPLE_METRICS = {
    "exchange_out_recalled": "exchange_out",
    "exchange_in_stopped": "exchange_in",
    "degree_students_lost": "degree_student",
}


@pytest.fixture(scope="module")
def sample() -> tuple[pd.DataFrame, pd.DataFrame]:
    partnerships = kv.read_partnerships(RAW / "sample_partnerships.csv", errors="collect")
    return partnerships.table, kv.read_headcounts(RAW / "sample_headcounts.xlsx")


def _sample_days() -> list[str]:
    h = kv.read_headcounts(RAW / "sample_headcounts.xlsx")
    refs = sorted(period_reference(sorted(h["period"].unique())))
    before = refs[0] - np.timedelta64(1, "D")
    return [str(d) for d in refs] + [str(before)]


DAYS = _sample_days()
BEFORE_FIRST = DAYS[-1]
SCENARIOS = sorted(kv.list_scenarios()["name"])


def _cases() -> list:
    cases = []
    for name in SCENARIOS:
        for d in DAYS:
            cases.append(pytest.param(name, d, id=f"{name}@{d}"))
    return cases


def _same(a, b) -> bool:
    if pd.isna(a) or pd.isna(b):
        return bool(pd.isna(a) and pd.isna(b))
    return float(a) == float(b)


@pytest.mark.parametrize(("name", "day"), _cases())
def test_exposure_people_equal_impact_population(sample, name: str, day: str) -> None:
    p, h = sample
    spec = kv.load_scenario(name).to_dict()
    spec["effective"] = day
    scenario = kv.Scenario.from_dict(spec)
    imp = kv.impact(scenario, p, h)
    by_country = kv.exposure(p, h, by=("country",), at=day).set_index("country")
    by_cell = kv.exposure(p, h, by=("country", "faculty"), at=day).set_index(["faculty", "country"])
    compared = 0
    # Per country: a people metric's high end is the whole headcount in force of every
    # country it touches (the central value allocates a share; the high end does not).
    for metric, group in PEOPLE_METRICS.items():
        rows = imp.by_country[imp.by_country["metric"] == metric]
        for country, high in zip(rows["country"], rows["high"], strict=True):
            assert _same(high, by_country.loc[country, group]), (metric, country)
            compared += 1
        # Per faculty: the same, summed over the countries the metric touches.
        countries = set(rows["country"])
        per_fac = imp.by_faculty[imp.by_faculty["metric"] == metric]
        for faculty, high in zip(per_fac["faculty"], per_fac["high"], strict=True):
            if pd.isna(faculty) or pd.isna(high):
                continue  # unknown people (no period in force) have no faculty
            cells = by_cell[group].loc[faculty] if faculty in by_cell.index else pd.Series()
            expected = cells[cells.index.isin(countries)].sum()
            assert float(high) == float(expected), (metric, faculty)
            compared += 1
    # Support population per nationality: the support groups in force, summed.
    a = scenario.assumptions
    summary = imp.summary.set_index("metric")
    for c in a.support_nationalities:
        got = summary.loc[f"support_population_{c}", "central"]
        if c in by_country.index:
            cells = by_country.loc[c, list(a.support_groups)]
            expected = pd.NA if cells.isna().any() else cells.sum()
        else:
            expected = pd.NA
        assert _same(got, expected), c
        compared += 1
    has_people = any(
        m in scenario.measures.on() for m in ("recall_exchange_out", "stop_exchange_in")
    ) or bool(a.support_nationalities)
    if not has_people:  # nothing to compare: impact must report no people at all
        assert not imp.by_country["metric"].isin([*PEOPLE_METRICS, "support_population"]).any()
    elif name in ("nl-2022-freeze",):
        assert compared > 0


def test_factorize_text_of_a_concatenated_frame():
    # pd.concat leaves text columns as multi-chunk Arrow arrays; "NA" is Namibia, a value.
    parts = [pd.Series(v, dtype="string[pyarrow]") for v in (["BE", "NA"], ["NA", None, "BE"])]
    codes, labels = factorize(pd.concat(parts, ignore_index=True))
    decoded = labels.iloc[codes].tolist()
    assert decoded[:3] == ["BE", "NA", "NA"] and decoded[4] == "BE"
    assert pd.isna(decoded[3]) and len(set(codes.tolist())) == 3
