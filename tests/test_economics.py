"""The economic value at stake (issue 12, item 6): degree students lost or not admitted, their
tuition, public funding and direct economic contribution (seed 002's 2.6-3.3 benefit-cost ratio)
on a small hand-made frame with hand-computed ranges; the absent-assumption note; suppression of
money derived from small headcounts; Monte Carlo through the one evaluation path."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from kvanalytics import scenarios as sc
from kvanalytics.errors import ScenarioError
from kvanalytics.privacy import DERIVED_FROM_PEOPLE, SUPPRESSED_RE, published
from kvanalytics.scenarios._economics import (
    ECONOMIC_METRICS,
    benefit_cost_ratio,
    missing_assumptions,
)
from kvanalytics.scenarios._spec import Assumptions, Range
from kvanalytics.schemas import HEADCOUNTS, PARTNERSHIPS

SEED_002 = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"

# Two RU exchange agreements (Science, Humanities), one CN one (Engineering).
_P = [
    ("E1", "Saint Petersburg State University", "RU", "Science", "exchange", "institutional"),
    ("E2", "Lomonosov Moscow State University", "RU", "Humanities", "exchange", "institutional"),
    ("E3", "Tsinghua University", "CN", "Engineering", "exchange", "institutional"),
]
# Degree students in force at 2022-03-04: RU 20 in Science, 3 in Humanities (a small cell),
# CN 40; a later period (not in force) and a prior-diploma row (other basis) are ignored.
_H = [
    ("2021/22", "Science", "degree_student", "RU", "nationality", 20),
    ("2021/22", "Humanities", "degree_student", "RU", "nationality", 3),
    ("2021/22", "Engineering", "degree_student", "CN", "nationality", 40),
    ("2021/22", "Science", "degree_student", "RU", "prior_diploma", 99),
    ("2022/23", "Science", "degree_student", "RU", "nationality", 500),
]
ECON = {
    "tuition_eur_per_year": {"value": [2000, 2500, 3000], "source": "Tuition table 2021/22"},
    "public_funding_eur_per_year": {"value": 8000, "source": "Funding model 2022"},
    "cost_eur_per_year": {"value": [9000, 10000, 11000], "source": "Cost study 2021"},
    "study_years": [2, 3, 4],
    "years_remaining": [1, 1.5, 2],
    "horizon_years": 2,
}


def _partnerships() -> pd.DataFrame:
    rows = [(*r, "2019-09-01", None, "active", 1000.0, True, True, None) for r in _P]
    cols = ["agreement_id", "partner", "country", "faculty", "kind", "level", "start", "end"]
    cols += ["status", "value_eur", "financial_flows", "data_exchange", "fields"]
    df = pd.DataFrame(rows, columns=cols)
    out = {}
    for c in cols:
        if c in ("start", "end"):
            out[c] = pd.to_datetime(df[c]).astype("datetime64[us]")
        else:
            out[c] = df[c].astype(PARTNERSHIPS[c])
    return pd.DataFrame(out)


def _headcounts(rows=_H) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=["period", "faculty", "group", "country", "basis", "headcount"])
    return df.astype({c: HEADCOUNTS[c] for c in df.columns})


def _scenario(assumptions=None, **kw) -> sc.Scenario:
    args = {
        "effective": "2022-03-04",
        "countries": ["RU"],
        "measures": ["stop_exchange_in"],
        "assumptions": ECON if assumptions is None else assumptions,
    }
    return sc.make_scenario("econ-test", **{**args, **kw})


def _imp(assumptions=None, headcounts="default", **kw) -> sc.Impact:
    h = _headcounts() if isinstance(headcounts, str) else headcounts
    return sc.impact(_scenario(assumptions), _partnerships(), h, **kw)


def _unit(imp: sc.Impact, by: str, unit: str, metric: str) -> tuple[float, ...]:
    t = imp.by_faculty if by == "faculty" else imp.by_country
    row = t[(t[by] == unit) & (t["metric"] == metric)].iloc[0]
    return tuple(float(row[c]) for c in ("low", "central", "high"))


# ---------------------------------------------------------------------------------------------
# Numbers, computed by hand: lost = 20 + 3 = 23 RU degree students
# ---------------------------------------------------------------------------------------------
EXPECTED = {
    "degree_students_lost": (23, 23, 23),
    # intake over 2 years: 23 × 2 / study_years [4, 3, 2] (fewer years, more intake)
    "degree_students_not_admitted": (23 * 2 / 4, 23 * 2 / 3, 23 * 2 / 2),
    # 23 × tuition [2000, 2500, 3000] × years_remaining [1, 1.5, 2]
    "tuition_eur_lost": (46_000, 86_250, 138_000),
    # 23 × horizon 2 × tuition (not admitted × study_years × tuition)
    "tuition_eur_not_admitted": (92_000, 115_000, 138_000),
    "public_funding_eur_lost": (184_000, 276_000, 368_000),  # 23 × 8000 × [1, 1.5, 2]
    "public_funding_eur_not_admitted": (368_000, 368_000, 368_000),  # 23 × 2 × 8000
    # 23 × [1, 1.5, 2] × cost [9000, 10000, 11000] × ratio [2.6, 2.95, 3.3]
    "direct_contribution_eur_lost": (538_200, 1_017_750, 1_669_800),
    "direct_contribution_eur_not_admitted": (1_076_400, 1_357_000, 1_669_800),
}


@pytest.mark.parametrize("metric", list(EXPECTED))
def test_summary_numbers_are_the_hand_computed_ranges(metric):
    assert _imp().metric(metric) == pytest.approx(EXPECTED[metric])


def test_per_faculty_and_per_country_sum_to_the_summary():
    imp = _imp()
    # Science 20 of 23: tuition lost 20 × [2000, 2500, 3000] × [1, 1.5, 2]
    assert _unit(imp, "faculty", "Science", "tuition_eur_lost") == (40_000, 75_000, 120_000)
    assert _unit(imp, "faculty", "Humanities", "tuition_eur_lost") == (6_000, 11_250, 18_000)
    assert _unit(imp, "country", "RU", "direct_contribution_eur_not_admitted") == pytest.approx(
        EXPECTED["direct_contribution_eur_not_admitted"]
    )
    assert "Engineering" not in set(imp.by_faculty["faculty"])  # CN is not targeted
    for metric in ECONOMIC_METRICS:
        rows = imp.by_faculty[imp.by_faculty["metric"] == metric]
        assert rows["central"].sum() == pytest.approx(imp.metric(metric)[1])


def test_units_and_order_of_the_metrics():
    s = _imp().summary.set_index("metric")
    assert s.loc["degree_students_not_admitted", "unit"] == "people"
    assert {s.loc[m, "unit"] for m in ECONOMIC_METRICS if "_eur_" in m} == {"eur"}
    order = list(s.index)
    assert order.index("degree_students_lost") + 1 == order.index("degree_students_not_admitted")


def test_partly_targeted_country_gives_the_people_range():
    """Targets by watchlist: RU degree students allocated by the share of exchange agreements
    hit (1 of 2): lost = [0, 11.5, 23], and the money follows the people model."""
    wl = pd.DataFrame(
        {
            "list": "x",
            "kind": "assessment",
            "entry_id": ["x-1"],
            "name": ["Saint Petersburg State University"],
            "is_alias": False,
            "country": "RU",
            "listed_on": pd.Timestamp("2022-01-01"),
        }
    )
    s = sc.make_scenario(
        effective="2022-03-04",
        watchlists=["x"],
        measures=["stop_exchange_in"],
        assumptions=ECON,
    )
    imp = sc.impact(s, _partnerships(), _headcounts(), watchlists={"x": wl})
    assert imp.metric("degree_students_lost") == (0, 11.5, 23)
    assert imp.metric("public_funding_eur_not_admitted") == (0, 184_000, 368_000)


# ---------------------------------------------------------------------------------------------
# The seed ratio
# ---------------------------------------------------------------------------------------------
def test_seed_002_ratio_is_the_default_range_with_its_sentence():
    r, source = benefit_cost_ratio(Assumptions())
    assert r == Range(2.6, 2.95, 3.3)  # low 2.6, high 3.3, central the midpoint
    quote = "directe baten die 2,6 tot 3,3 keer de kosten overstijgen"
    assert quote in source and "KU Leuven" in source and "Flanders" in source
    table = _imp().assumptions.set_index("name")
    assert table.loc["benefit_cost_ratio", "source"] == "seed 002"
    assert quote in table.loc["benefit_cost_ratio", "citation"]
    assert (
        "benefit_cost_ratio 2.6–3.3"
        in _imp().summary.set_index("metric").loc["direct_contribution_eur_lost", "note"]
    )


def test_seed_sentence_is_in_the_seed():
    seeds = sorted(SEED_002.glob("002_*.txt")) if SEED_002.is_dir() else []
    if not seeds:
        pytest.skip("seed 002 not available")
    text = seeds[0].read_text(encoding="utf-8")
    src = benefit_cost_ratio(Assumptions())[1]
    quote = src[src.index("“") + 1 : src.index("”")]
    assert quote in text


def test_a_scenario_ratio_replaces_the_seed_one():
    a = {**ECON, "benefit_cost_ratio": {"value": 2.0, "source": "own estimate"}}
    imp = _imp(a)
    assert imp.metric("direct_contribution_eur_not_admitted") == pytest.approx(
        (23 * 2 * 9000 * 2.0, 23 * 2 * 10000 * 2.0, 23 * 2 * 11000 * 2.0)
    )
    assert (
        "own estimate"
        in imp.summary.set_index("metric").loc["direct_contribution_eur_lost", "note"]
    )


# ---------------------------------------------------------------------------------------------
# Absent assumptions: NA with a note naming them, never a made-up default
# ---------------------------------------------------------------------------------------------
def test_absent_assumption_gives_na_and_a_note_naming_it():
    a = {k: v for k, v in ECON.items() if k != "tuition_eur_per_year"}
    imp = _imp(a)
    s = imp.summary.set_index("metric")
    for m in ("tuition_eur_lost", "tuition_eur_not_admitted"):
        assert s.loc[m, ["low", "central", "high"]].isna().all()
        assert "add assumptions.tuition_eur_per_year" in s.loc[m, "note"]
        assert m not in set(imp.by_faculty["metric"])
    assert imp.metric("public_funding_eur_lost") == pytest.approx(
        EXPECTED["public_funding_eur_lost"]
    )


def test_without_any_economic_figure_only_the_notes_speak():
    imp = _imp({})
    s = imp.summary.set_index("metric")
    for m in ECONOMIC_METRICS:
        assert s.loc[m, ["low", "central", "high"]].isna().all(), m
        assert s.loc[m, "note"].startswith("not computed: add assumptions."), m
    assert "years_remaining" in s.loc["direct_contribution_eur_lost", "note"]
    assert "benefit_cost_ratio" not in s.loc["direct_contribution_eur_lost", "note"]  # has one
    assert missing_assumptions(Assumptions(), "degree_students_not_admitted") == [
        "horizon_years",
        "study_years",
    ]


def test_exempt_off_and_no_headcounts():
    exempt = sc.impact(
        _scenario(exemptions=["degree_students"]), _partnerships(), _headcounts()
    ).summary.set_index("metric")
    off = sc.impact(
        _scenario(measures=["freeze_institutional"]), _partnerships(), _headcounts()
    ).summary.set_index("metric")
    none = sc.impact(_scenario(), _partnerships(), None).summary.set_index("metric")
    for m in ECONOMIC_METRICS:
        assert exempt.loc[m, "central"] == 0 and exempt.loc[m, "note"] == "exempt: degree_students"
        assert off.loc[m, "central"] == 0 and off.loc[m, "note"] == "measure not in scenario"
        assert pd.isna(none.loc[m, "central"]) and none.loc[m, "note"] == "no headcounts given"


# ---------------------------------------------------------------------------------------------
# Sources kept and shown; validation
# ---------------------------------------------------------------------------------------------
def test_sources_are_kept_shown_and_round_trip(tmp_path):
    s = _scenario()
    assert sc.Scenario.from_dict(s.to_dict()) == s
    table = _imp().assumptions.set_index("name")
    assert table.loc["tuition_eur_per_year", "citation"] == "Tuition table 2021/22"
    assert table.loc["tuition_eur_per_year", "source"] == "scenario"
    note = _imp().summary.set_index("metric").loc["tuition_eur_lost", "note"]
    assert "tuition_eur_per_year 2000–3000 (Tuition table 2021/22)" in note
    assert "years_remaining 1–2 (source not given)" in note
    path = tmp_path / "s.yaml"
    path.write_text(
        "name: y\neffective: 2022-03-04\ntargets: {countries: [RU]}\n"
        "measures: {stop_exchange_in: true}\nassumptions:\n"
        "  tuition_eur_per_year: {value: [1, 2, 3], source: T}\n"
        "  sources: {years_remaining: R}\n  years_remaining: 1\n",
        encoding="utf-8",
    )
    y = sc.Scenario.from_yaml(path)
    assert dict(y.assumptions.sources) == {"tuition_eur_per_year": "T", "years_remaining": "R"}


@pytest.mark.parametrize(
    ("assumptions", "expected"),
    [
        ({"study_years": 0}, "assumptions.study_years = 0: zero years"),
        ({"tuition_eur_per_year": -1}, "assumptions.tuition_eur_per_year = -1: out of range"),
        ({"tuition_eur_per_year": {"value": 1, "sorce": "x"}}, "did you mean 'source'"),
        ({"sources": {"support_months": "x"}}, "not an economic assumption"),
        ({"horizon_years": {"source": "x"}}, "assumptions.horizon_years.value"),
    ],
)
def test_economic_assumptions_are_validated(assumptions, expected):
    with pytest.raises(ScenarioError) as err:
        _scenario(assumptions)
    assert expected in str(err.value)


# ---------------------------------------------------------------------------------------------
# Suppression of derived money
# ---------------------------------------------------------------------------------------------
def test_money_from_a_small_count_is_hidden_where_the_count_is():
    imp = _imp()
    pub = published(imp.by_faculty)
    hum = pub[pub["faculty"] == "Humanities"].set_index("metric")
    assert hum.loc["degree_students_lost", "central"] == "<5"
    for m in ECONOMIC_METRICS:
        assert list(hum.loc[m, ["low", "central", "high"]]) == ["x", "x", "x"], m
    sci = pub[pub["faculty"] == "Science"].set_index("metric")
    assert sci.loc["tuition_eur_lost", "central"] == 75_000  # count 20 published: money too
    d = imp.to_dict()
    json.dumps(d)
    hum_d = [r for r in d["by_faculty"] if r["faculty"] == "Humanities"]
    assert {r["central"] for r in hum_d if r["metric"] in ECONOMIC_METRICS} == {"x"}
    table = imp.economic_table()
    assert table.loc["Humanities", "tuition_eur_lost"] == "x"
    assert table.loc["Science", "tuition_eur_lost"] == "75,000 (40,000–120,000)"
    assert "Economic value at stake" in imp._repr_html_()


def test_no_published_money_cell_gives_a_hidden_count_back():
    """Every derived cell shown as a number sits beside a source count shown as a number."""
    h = [
        ("2021/22", "Science", "degree_student", "RU", "nationality", 1),
        ("2021/22", "Humanities", "degree_student", "RU", "nationality", 4),
    ]
    imp = _imp(headcounts=_headcounts(h))
    for table in (imp.summary, imp.by_faculty, imp.by_country):
        pub = published(table)
        keys = [c for c in pub.columns if c in ("faculty", "country")]
        src = pub[pub["metric"] == "degree_students_lost"].set_index(keys or "metric")
        for r in pub[pub["metric"].isin(list(DERIVED_FROM_PEOPLE))].itertuples(index=False):
            at = tuple(getattr(r, k) for k in keys) if keys else "degree_students_lost"
            at = at[0] if isinstance(at, tuple) and len(at) == 1 else at
            for c in ("low", "central", "high"):
                shown, count = getattr(r, c), src.loc[at, c]
                if isinstance(count, str) and SUPPRESSED_RE.fullmatch(count):
                    assert shown == "x", (r.metric, c)


# ---------------------------------------------------------------------------------------------
# Monte Carlo: the same evaluation path
# ---------------------------------------------------------------------------------------------
def test_monte_carlo_within_the_deterministic_ends():
    det, mc = _imp(), _imp(draws=4000, seed=3)
    for m in ECONOMIC_METRICS:
        lo, _, hi = det.metric(m)
        mlo, mce, mhi = mc.metric(m)
        assert lo - 1e-6 <= mlo <= mce <= mhi <= hi + 1e-6, m
    assert "tuition_eur_lost" in mc.samples.columns


def test_economic_draws_leave_the_other_metrics_unchanged():
    base = sc.impact(
        _scenario({}, measures=["stop_exchange_in", "freeze_institutional"]),
        _partnerships(),
        _headcounts(),
        draws=500,
        seed=1,
    )
    econ = sc.impact(
        _scenario(measures=["stop_exchange_in", "freeze_institutional"]),
        _partnerships(),
        _headcounts(),
        draws=500,
        seed=1,
    )
    shared = [c for c in base.samples.columns if c not in ECONOMIC_METRICS]
    pd.testing.assert_frame_equal(base.samples[shared], econ.samples[shared])
