"""Tests of kvanalytics.exposure: active-at-a-date, exposure tables and quarterly series."""

from __future__ import annotations

import importlib

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kvanalytics.errors import SchemaError
from kvanalytics.exposure import exposure, exposure_over_time, is_active
from kvanalytics.schemas import (
    GROUPS,
    HEADCOUNTS,
    KIND_DTYPE,
    LEVEL_DTYPE,
    PARTNERSHIPS,
    empty_table,
)

# ------------------------------------------------------------------------------------------------
# Builders of canonical tables
# ------------------------------------------------------------------------------------------------


def partnerships(rows: list[dict]) -> pd.DataFrame:
    """A canonical partnerships table from a few rows (missing columns NA)."""
    df = pd.DataFrame(rows)
    n = len(df)
    defaults = {"faculty": "Science", "kind": "research"}
    for col, default in defaults.items():
        df[col] = df[col].fillna(default) if col in df else default
    out = {}
    for col, dtype in PARTNERSHIPS.items():
        if col == "agreement_id" and col not in df:
            out[col] = pd.Series([f"A{i}" for i in range(n)], dtype=dtype)
        elif col == "partner" and col not in df:
            out[col] = pd.Series([f"Partner {i}" for i in range(n)], dtype=dtype)
        elif col in ("start", "end"):
            out[col] = pd.to_datetime(df[col] if col in df else [None] * n).astype(dtype)
        elif col in df:
            out[col] = df[col].astype(dtype)  # type: ignore[call-overload]
        else:
            out[col] = pd.Series([pd.NA] * n, dtype=dtype)  # type: ignore[call-overload]
    return pd.DataFrame(out)


def headcounts(rows: list[tuple]) -> pd.DataFrame:
    """(period, faculty, group, country, headcount[, basis]) rows -> canonical headcounts."""
    recs = [
        dict(
            period=r[0],
            faculty=r[1],
            group=r[2],
            country=r[3],
            headcount=r[4],
            basis=r[5] if len(r) > 5 else "nationality",
        )
        for r in rows
    ]
    df = pd.DataFrame(recs)
    return pd.DataFrame(
        {
            c: (df[c] if c in df else pd.Series([pd.NA] * len(df))).astype(d)  # type: ignore[call-overload]
            for c, d in HEADCOUNTS.items()
        }
    )


D = pd.Timestamp("2024-06-30")


@pytest.fixture
def small() -> pd.DataFrame:
    """Seven agreements around D = 2024-06-30 with known answers."""
    return partnerships(
        [
            # active: start == D
            dict(country="CN", start="2024-06-30", end="2026-01-01", value_eur=100.0),
            # active: end == D
            dict(country="CN", start="2020-01-01", end="2024-06-30", value_eur=None),
            # active: open-ended, suspended
            dict(country="RU", start="2019-01-01", end=None, status="suspended", value_eur=50.0),
            # not active: ended before D
            dict(country="RU", start="2019-01-01", end="2024-06-29", status="ended"),
            # not active: starts the day after D (planned)
            dict(country="US", start="2024-07-01", end=None, status="planned", value_eur=7.0),
            # active: US, faculty Law
            dict(country="US", faculty="Law", start="2023-01-01", end=None, value_eur=25.5),
            # never active: end before start
            dict(country="DE", start="2024-01-01", end="2023-01-01", value_eur=1e6),
        ]
    )


# ------------------------------------------------------------------------------------------------
# is_active
# ------------------------------------------------------------------------------------------------


def test_is_active_edge_cases(small: pd.DataFrame) -> None:
    assert is_active(small, D).tolist() == [True, True, True, False, False, True, False]


def test_is_active_status_rules() -> None:
    p = partnerships(
        [
            dict(country="NL", start="2020-01-01", end=None, status="ended"),  # no end date
            dict(country="NL", start="2020-01-01", end="2025-01-01", status="ended"),
            dict(country="NL", start="2020-01-01", end="2025-01-01", status="planned"),
            dict(country="NL", start="2025-01-01", end=None, status="planned"),
            dict(country="NL", start="2020-01-01", end="2020-01-01", status="active"),
        ]
    )
    # Dates decide: an "ended" tie without end date stays open; the export's status lags.
    assert is_active(p, "2024-01-01").tolist() == [True, True, True, False, False]
    assert is_active(p, "2020-01-01").tolist() == [True, True, True, False, True]


def test_end_before_start_is_never_active() -> None:
    p = partnerships([dict(country="NL", start="2024-01-01", end="2023-01-01")])
    for d in pd.date_range("2022-06-01", "2025-01-01", freq="MS"):
        assert not is_active(p, d).iloc[0]


def test_is_active_ignores_time_of_day_and_keeps_index() -> None:
    p = partnerships([dict(country="NL", start="2024-06-30 15:00", end="2024-07-01 09:00")])
    p.index = pd.Index([42])
    got = is_active(p, pd.Timestamp("2024-06-30 08:00"))
    assert got.index.tolist() == [42] and got.dtype == bool and got.name == "active"
    assert bool(got.iloc[0])
    assert bool(is_active(p, "2024-07-01").iloc[0])
    assert not bool(is_active(p, "2024-07-02").iloc[0])


def test_is_active_needs_dates() -> None:
    p = partnerships([dict(country="NL", start="2024-01-01")]).astype({"start": "string"})
    with pytest.raises(SchemaError, match="start"):
        is_active(p, D)


# ------------------------------------------------------------------------------------------------
# exposure
# ------------------------------------------------------------------------------------------------


def test_exposure_known_answer(small: pd.DataFrame) -> None:
    t = exposure(small, at=D)
    assert t["country"].tolist() == ["CN", "RU", "US"]  # by agreements_active desc, then key
    assert t["agreements_active"].tolist() == [2, 1, 1]
    assert t["agreements_suspended"].tolist() == [0, 1, 0]
    assert t["value_eur"].tolist() == [100.0, 50.0, 25.5]
    assert t["value_eur_unknown"].tolist() == [1, 0, 0]
    assert t["share_of_total"].tolist() == [0.5, 0.25, 0.25]
    assert "DE" not in set(t["country"])
    assert t["risk_tier"].isna().all() and t["risk_weighted"].isna().all()
    assert str(t["agreements_active"].dtype) == "Int64"


def test_exposure_by_faculty_and_country(small: pd.DataFrame) -> None:
    t = exposure(small, by=("faculty", "country"), at=D)
    got = {(r.faculty, r.country): r.agreements_active for r in t.itertuples()}
    assert got == {("Science", "CN"): 2, ("Science", "RU"): 1, ("Law", "US"): 1}
    assert list(t.columns[:2]) == ["faculty", "country"]


def test_exposure_by_kind_and_level_keeps_categories(small: pd.DataFrame) -> None:
    p = small.assign(level=pd.Series(["faculty"] * 6 + [None], dtype=PARTNERSHIPS["level"]))
    t = exposure(p, by=("kind", "level"), at=D)
    assert t["kind"].dtype == PARTNERSHIPS["kind"]
    assert t.loc[0, "agreements_active"] == 4


def test_share_of_total_sums_to_one(small: pd.DataFrame) -> None:
    t = exposure(small, by=("faculty",), at=D)
    assert t["share_of_total"].sum() == pytest.approx(1.0)


def test_nothing_active_gives_na_share(small: pd.DataFrame) -> None:
    t = exposure(small, at="1990-01-01")
    assert len(t) == 0


def test_risk_weighting_defaults_and_override(small: pd.DataFrame) -> None:
    profile = pd.DataFrame({"country": ["CN", "RU"], "tier": [2, 3], "reason": ["x", "y"]})
    t = exposure(small, at=D, risk_profile=profile).set_index("country")
    assert t.loc["CN", "risk_tier"] == 2 and t.loc["RU", "risk_tier"] == 3
    assert pd.isna(t.loc["US", "risk_tier"])
    assert t.loc["CN", "risk_weighted"] == 2 * 1.0
    assert t.loc["RU", "risk_weighted"] == 1 * 2.0
    assert pd.isna(t.loc["US", "risk_weighted"])  # unknown tier is NA, not 0
    assert t.loc["CN", "risk_weighted_value_eur"] == 100.0  # NA value skipped
    assert t.loc["RU", "risk_weighted_value_eur"] == 100.0
    assert t.loc["US", "risk_tier_unknown"] == 1 and t.loc["CN", "risk_tier_unknown"] == 0

    t2 = exposure(small, at=D, risk_profile=profile, weights={3: 10.0}).set_index("country")
    assert t2.loc["RU", "risk_weighted"] == 10.0 and t2.loc["CN", "risk_weighted"] == 2.0


def test_risk_weighting_by_faculty_skips_unknown_tiers(small: pd.DataFrame) -> None:
    profile = pd.DataFrame({"country": ["CN", "RU", "US"], "tier": [2, 3, 0]})
    t = exposure(small, by=("faculty",), at=D, risk_profile=profile).set_index("faculty")
    assert "risk_tier" not in t.columns
    assert t.loc["Science", "risk_weighted"] == 2 * 1.0 + 2.0
    assert t.loc["Law", "risk_weighted"] == 0.0
    partial = profile.iloc[:1]
    t = exposure(small, by=("faculty",), at=D, risk_profile=partial).set_index("faculty")
    assert t.loc["Science", "risk_weighted"] == 2.0
    assert t.loc["Science", "risk_tier_unknown"] == 1
    assert pd.isna(t.loc["Law", "risk_weighted"])


@pytest.mark.parametrize(
    ("weights", "profile"),
    [
        ({5: 1.0}, pd.DataFrame({"country": ["CN"], "tier": [2]})),
        ({1: -1.0}, pd.DataFrame({"country": ["CN"], "tier": [2]})),
        (None, pd.DataFrame({"country": ["CN"], "tier": [7]})),
        (None, pd.DataFrame({"country": ["CN", "CN"], "tier": [1, 2]})),
    ],
)
def test_bad_risk_inputs(small: pd.DataFrame, weights, profile) -> None:
    with pytest.raises(ValueError):
        exposure(small, at=D, risk_profile=profile, weights=weights)


def test_bad_by_and_missing_columns(small: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="by must"):
        exposure(small, by=("partner",), at=D)
    with pytest.raises(SchemaError, match="partner_key"):
        exposure(small.drop(columns="partner_key"), by=("partner_key",), at=D)


# ------------------------------------------------------------------------------------------------
# People
# ------------------------------------------------------------------------------------------------


@pytest.fixture
def people() -> pd.DataFrame:
    return headcounts(
        [
            ("2022/23", "Science", "degree_student", "CN", 10),
            ("2023/24", "Science", "degree_student", "CN", 12),
            ("2023/24", "Science", "phd", "CN", 3),
            ("2023/24", "Science", "academic_staff", "CN", 4),
            ("2023/24", "Science", "degree_student", "IN", 7),  # no agreements with IN
            ("2023/24", "Law", "degree_student", "US", pd.NA),  # unknown count
            ("2023/24", "Law", "degree_student", "US", 2),
            ("2024-01-31", "Science", "support_staff", "CN", 1),  # ISO-date period
        ]
    )


def test_people_in_force_and_outer_join(small: pd.DataFrame, people: pd.DataFrame) -> None:
    t = exposure(small, people, at=D).set_index("country")
    assert set(t.index) == {"CN", "RU", "US", "IN"}
    assert t.loc["IN", "agreements_active"] == 0 and t.loc["IN", "degree_student"] == 7
    assert t.loc["CN", "degree_student"] == 12  # 2023/24 (1 Oct 2023) is in force on D
    assert t.loc["CN", "students"] == 15 and t.loc["CN", "staff"] == 5
    assert t.loc["RU", "degree_student"] == 0  # agreements, no headcount rows: 0 people
    assert t.loc["US", "degree_student"] == 2 and t.loc["US", "people_unknown"] == 1
    assert t["exchange_in"].isna().all()  # no period of that group: unknown, not 0
    assert t.loc["IN", "share_of_total"] == 0.0
    assert list(t.columns[-9:]) == [*GROUPS, "students", "staff", "people_unknown"]


def test_people_period_choice_at_reference_date(small: pd.DataFrame, people: pd.DataFrame) -> None:
    before = exposure(small, people, at="2023-09-30").set_index("country")
    on = exposure(small, people, at="2023-10-01").set_index("country")
    assert before.loc["CN", "degree_student"] == 10
    assert pd.isna(before.loc["CN", "phd"])  # phd has no period before 1 Oct 2023
    assert on.loc["CN", "degree_student"] == 12 and on.loc["CN", "phd"] == 3
    assert pd.isna(on.loc["CN", "support_staff"])  # its period is 2024-01-31
    early = exposure(small, people, at="2020-01-01")
    assert early["degree_student"].isna().all() and early["people_unknown"].isna().all()


def test_people_basis() -> None:
    p = partnerships([dict(country="DE", start="2020-01-01")])
    h = headcounts(
        [
            ("2023/24", "Science", "degree_student", "DE", 5, "nationality"),
            ("2023/24", "Science", "degree_student", "DE", 9, "prior_diploma"),
            ("2023/24", "Science", "exchange_out", "DE", 4, "destination"),
            ("2023/24", "Science", "exchange_out", "DE", 1, "nationality"),
        ]
    )
    t = exposure(p, h, at=D)
    assert t.loc[0, "degree_student"] == 5 and t.loc[0, "exchange_out"] == 4
    assert t.attrs["people_basis"]["exchange_out"] == "destination"
    t = exposure(p, h, at=D, basis="prior_diploma")
    assert t.loc[0, "degree_student"] == 9 and pd.isna(t.loc[0, "exchange_out"])
    t = exposure(p, h, at=D, basis="destination")
    assert t.loc[0, "exchange_out"] == 4 and pd.isna(t.loc[0, "degree_student"])
    with pytest.raises(SchemaError, match="basis"):
        exposure(p, h.loc[h["basis"] != "destination"], at=D, basis="destination")


def test_people_columns_omitted_for_partner_keys(small: pd.DataFrame, people) -> None:
    t = exposure(small, people, by=("country", "kind"), at=D)
    assert not set(GROUPS) & set(t.columns) and "students" not in t.columns


def test_region_with_monkeypatched_country_table(monkeypatch, small, people) -> None:
    exposure_module = importlib.import_module("kvanalytics.exposure")  # the name is shadowed

    table = pd.DataFrame(
        {
            "iso2": ["CN", "IN", "RU", "US"],
            "iso3": ["CHN", "IND", "RUS", "USA"],
            "name_en": ["China", "India", "Russia", "United States"],
            "region": ["Asia", "Asia", "Europe", "Americas"],
        }
    ).astype("string")
    monkeypatch.setattr(exposure_module, "country_table", lambda: table)
    t = exposure(small, people, by=("region",), at=D).set_index("region")
    assert t.loc["Asia", "agreements_active"] == 2
    assert t.loc["Asia", "degree_student"] == 12 + 7
    assert t.loc["Europe", "agreements_active"] == 1


def test_region_with_real_country_table(small: pd.DataFrame) -> None:
    t = exposure(small, by=("region",), at=D).set_index("region")
    assert t.loc["Asia", "agreements_active"] == 2 and t.loc["Americas", "agreements_active"] == 1


# ------------------------------------------------------------------------------------------------
# exposure_over_time
# ------------------------------------------------------------------------------------------------


def random_partnerships(n: int, seed: int) -> pd.DataFrame:
    """Random canonical partnerships with every edge case: NA ends, ended statuses without end
    dates, ends before starts, ends on quarter ends, NA values and NA levels."""
    rng = np.random.default_rng(seed)
    start = np.datetime64("2015-06-01") + rng.integers(0, 3000, n).astype("timedelta64[D]")
    dur = rng.integers(-30, 2500, n).astype("timedelta64[D]")
    end = (start + dur).astype("datetime64[D]")
    qe = pd.PeriodIndex(pd.DatetimeIndex(end), freq="Q").end_time.normalize().to_numpy()
    end = np.where(rng.random(n) < 0.1, qe.astype("datetime64[D]"), end)  # end on quarter end
    end = np.where(rng.random(n) < 0.2, np.datetime64("NaT"), end)
    return pd.DataFrame(
        {
            "agreement_id": pd.array([f"A{i}" for i in range(n)], dtype="string"),
            "country": pd.array(rng.choice(["CN", "RU", "US", "DE", "NA"], n), dtype="string"),
            "faculty": pd.array(rng.choice(["Science", "Law", "Central"], n), dtype="string"),
            "kind": pd.Categorical(rng.choice(["exchange", "research"], n), dtype=KIND_DTYPE),
            "level": pd.Categorical(
                rng.choice(["institutional", "individual", None], n), dtype=LEVEL_DTYPE
            ),
            "start": start.astype("datetime64[us]"),
            "end": end.astype("datetime64[us]"),
            "status": pd.Categorical(
                rng.choice(["active", "suspended", "ended", "planned"], n),
                dtype=PARTNERSHIPS["status"],
            ),
            "value_eur": pd.array(
                np.where(rng.random(n) < 0.2, np.nan, rng.integers(0, 10**6, n) / 100),
                dtype="Float64",
            ),
        }
    )


def naive_series(p: pd.DataFrame, by: list[str], start: str, end: str) -> pd.DataFrame:
    """Per-quarter loop over is_active: the reference for the difference-array series."""
    rows = []
    valid = p["start"].notna() & (p["end"].isna() | (p["end"] >= p["start"]))
    for q in pd.period_range(start, end, freq="Q"):
        qs, qe = q.start_time.normalize(), q.end_time.normalize()
        a = p.assign(
            active=is_active(p, qe),
            started=valid & (p["start"] >= qs) & (p["start"] <= qe),
            ended=valid & (p["end"] >= qs) & (p["end"] <= qe),
            v=p["value_eur"].where(is_active(p, qe)),
        )
        g = a.groupby(by, observed=True, dropna=False).agg(
            active=("active", "sum"),
            started=("started", "sum"),
            ended=("ended", "sum"),
            value_eur=("v", "sum"),
        )
        rows.append(g.reset_index().assign(quarter=str(q)))
    out = pd.concat(rows, ignore_index=True)
    keep = (
        out.groupby(by, dropna=False, observed=True)[["active", "started", "ended"]]
        .transform("sum")
        .sum(axis=1)
        > 0
    )
    return out.loc[keep]


@pytest.mark.parametrize("by", [["country"], ["country", "faculty"], ["level"]])
def test_over_time_matches_naive_loop(by: list[str]) -> None:
    p = random_partnerships(2000, seed=7)
    got = exposure_over_time(p, start="2016-01-01", end="2023-12-31", by=tuple(by))
    ref = naive_series(p, by, "2016-01-01", "2023-12-31")
    m = got.merge(ref, on=["quarter", *by], how="outer", suffixes=("", "_ref"), indicator=True)
    assert (m["_merge"] == "both").all()
    for c in ("active", "started", "ended"):
        assert (m[c] == m[f"{c}_ref"]).all(), c
    assert np.allclose(m["value_eur"].astype(float), m["value_eur_ref"].astype(float))
    assert len(got) == got["quarter"].nunique() * got[by].drop_duplicates().shape[0]


def test_over_time_equals_exposure_at_each_quarter_end() -> None:
    p = random_partnerships(500, seed=3)
    profile = pd.DataFrame({"country": ["CN", "RU", "US"], "tier": [2, 3, 0]})
    s = exposure_over_time(p, start="2019-01-01", end="2020-12-31", risk_profile=profile)
    for qe, part in s.groupby("quarter_end"):
        e = exposure(p, at=qe, risk_profile=profile)
        m = part.merge(e, on="country", how="left")
        m = m.loc[m["active"] > 0]
        assert (m["active"] == m["agreements_active"]).all()
        for c in ("value_eur", "risk_weighted", "risk_weighted_value_eur"):
            a, b = m[f"{c}_x"].astype(float), m[f"{c}_y"].astype(float)
            assert np.allclose(a, b, equal_nan=True), c
        assert (m["risk_tier_x"].fillna(-1) == m["risk_tier_y"].fillna(-1)).all()


def test_over_time_quarter_labels_and_ends() -> None:
    p = partnerships([dict(country="NL", start="2024-02-10", end="2024-12-31")])
    s = exposure_over_time(p, start="2024-01-01", end="2025-03-31")
    assert s["quarter"].tolist() == ["2024Q1", "2024Q2", "2024Q3", "2024Q4", "2025Q1"]
    assert s["quarter_end"].dt.strftime("%Y-%m-%d").tolist() == [
        "2024-03-31",
        "2024-06-30",
        "2024-09-30",
        "2024-12-31",
        "2025-03-31",
    ]
    assert s["active"].tolist() == [1, 1, 1, 1, 0]  # ends on a quarter end: still in its stock
    assert s["started"].tolist() == [1, 0, 0, 0, 0]
    assert s["ended"].tolist() == [0, 0, 0, 1, 0]


def test_academic_year_quarters() -> None:
    p = partnerships([dict(country="NL", start="2024-09-01", end="2025-02-28")])
    s = exposure_over_time(p, start="2024-06-01", end="2025-08-31", academic_year=True)
    assert s["quarter"].tolist() == ["2023/24 Q4", "2024/25 Q1", "2024/25 Q2", "2024/25 Q3",
                                     "2024/25 Q4"]  # fmt: skip
    assert s["quarter_end"].dt.strftime("%m-%d").tolist() == [
        "08-31",
        "11-30",
        "02-28",
        "05-31",
        "08-31",
    ]
    assert s["active"].tolist() == [0, 1, 1, 0, 0]
    assert s["started"].tolist() == [0, 1, 0, 0, 0] and s["ended"].tolist() == [0, 0, 1, 0, 0]


def test_academic_year_matches_naive_loop() -> None:
    p = random_partnerships(800, seed=11)
    s = exposure_over_time(p, start="2018-09-01", end="2021-08-31", academic_year=True)
    totals = s.groupby("quarter_end")["active"].sum()
    for qe, n in totals.items():
        assert n == is_active(p, qe).sum()


def test_over_time_people_follow_periods(small: pd.DataFrame, people: pd.DataFrame) -> None:
    s = exposure_over_time(small, people, start="2023-07-01", end="2024-03-31")
    cn = s.loc[s["country"] == "CN"].set_index("quarter")
    assert cn["degree_student"].tolist() == [10, 12, 12]  # 2022/23 until 1 Oct 2023
    assert pd.isna(cn.loc["2023Q3", "phd"]) and cn.loc["2023Q4", "phd"] == 3
    assert cn.loc["2024Q1", "support_staff"] == 1 and pd.isna(cn.loc["2023Q4", "support_staff"])
    assert set(s["country"]) == {"CN", "IN", "RU", "US"}  # people-only IN appears


def test_over_time_errors(small: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="freq"):
        exposure_over_time(small, freq="M", start="2024-01-01", end="2024-12-31")
    with pytest.raises(ValueError, match="before start"):
        exposure_over_time(small, start="2024-01-01", end="2023-01-01")


def test_empty_tables() -> None:
    p, h = empty_table("partnerships"), empty_table("headcounts")
    assert len(exposure(p, h, at=D)) == 0
    s = exposure_over_time(p, h, start="2024-01-01", end="2024-12-31")
    assert len(s) == 0 and {"quarter", "active", "students"} <= set(s.columns)


# ------------------------------------------------------------------------------------------------
# Properties and purity
# ------------------------------------------------------------------------------------------------


agreement = st.tuples(
    st.sampled_from(["CN", "RU", "US", "NA"]),
    st.sampled_from(["Science", "Law"]),
    st.integers(0, 1500),  # start, days after 2020-01-01
    st.one_of(st.none(), st.integers(-20, 1500)),  # duration (negative: end before start)
    st.sampled_from(["active", "suspended", "ended", "planned", None]),
    st.one_of(st.none(), st.floats(0, 1e6, allow_nan=False)),
)


def frame_of(rows: list[tuple]) -> pd.DataFrame:
    base = pd.Timestamp("2020-01-01")
    return partnerships(
        [
            dict(
                country=c,
                faculty=f,
                start=base + pd.Timedelta(days=s),
                end=None if d is None else base + pd.Timedelta(days=s + d),
                status=st_,
                value_eur=v,
            )
            for c, f, s, d, st_, v in rows
        ]
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(agreement, min_size=0, max_size=40), day=st.integers(0, 1600))
def test_totals_conserved(rows: list[tuple], day: int) -> None:
    p = frame_of(rows)
    d = pd.Timestamp("2020-01-01") + pd.Timedelta(days=day)
    n = int(is_active(p, d).sum())
    for by in (("country",), ("faculty",), ("country", "faculty"), ("kind",)):
        t = exposure(p, by=by, at=d)
        assert int(t["agreements_active"].sum()) == n
        if n:
            assert t["share_of_total"].sum() == pytest.approx(1.0)
    s = exposure_over_time(p, start="2020-01-01", end="2024-06-30", by=("country",))
    for qe, part in s.groupby("quarter_end"):
        assert int(part["active"].sum()) == int(is_active(p, qe).sum())


def test_inputs_not_mutated(small: pd.DataFrame, people: pd.DataFrame) -> None:
    p0, h0 = small.copy(deep=True), people.copy(deep=True)
    profile = pd.DataFrame({"country": ["cn ", "RU"], "tier": [2, 3]})
    r0 = profile.copy(deep=True)
    is_active(small, D)
    exposure(small, people, by=("country", "faculty"), at=D, risk_profile=profile)
    exposure_over_time(small, people, start="2023-01-01", end="2024-12-31", risk_profile=profile)
    pd.testing.assert_frame_equal(small, p0)
    pd.testing.assert_frame_equal(people, h0)
    pd.testing.assert_frame_equal(profile, r0)


# ------------------------------------------------------------------------------------------------
# Entry validation (schemas.check_partnerships / check_headcounts)
# ------------------------------------------------------------------------------------------------


def test_wrong_partnerships_name_every_bad_column(small: pd.DataFrame) -> None:
    bad = small.assign(
        start=small["start"].astype(str),
        value_eur=-small["value_eur"],
        kind=pd.Series(["research", "seminar"] * 3 + ["research"], dtype="string"),
    )
    with pytest.raises(SchemaError) as err:
        exposure(bad, at=D)
    msg = str(err.value)
    assert "3 bad column(s)" in msg
    for column in ("'start'", "'value_eur'", "'kind'", "seminar"):
        assert column in msg
    with pytest.raises(SchemaError, match="'start'"):
        exposure_over_time(bad, start="2024-01-01", end="2024-12-31")


def test_wrong_headcounts_name_every_bad_column(small: pd.DataFrame, people: pd.DataFrame) -> None:
    bad = people.assign(
        group=people["group"].astype("string").replace("phd", "postdoc"),
        headcount=-people["headcount"],
        country=1,
    )
    with pytest.raises(SchemaError) as err:
        exposure(small, bad, at=D)
    msg = str(err.value)
    assert "headcounts has 3 bad column(s)" in msg
    assert "'group'" in msg and "postdoc" in msg and "'headcount'" in msg and "'country'" in msg


def test_entry_check_allows_plain_strings_and_end_before_start(small: pd.DataFrame) -> None:
    plain = small.astype({"country": str, "faculty": str, "agreement_id": object})
    assert (
        exposure(plain, at=D)["agreements_active"].sum()
        == exposure(small, at=D)["agreements_active"].sum()
    )


# --------------------------------------------------------------------------------------------
# Agreements vs ties (DESIGN.md, Semantics): distinct agreement ids vs rows
# --------------------------------------------------------------------------------------------


@pytest.fixture
def consortium() -> pd.DataFrame:
    """A Horizon project with three Russian partners and one German; a bilateral RU agreement;
    a second project whose RU tie ends early."""
    rows = [
        {
            "agreement_id": "HE:1",
            "partner": f"RU univ {i}",
            "country": "RU",
            "value_eur": 90.0,
            "start": "2022-01-01",
            "end": "2025-12-31",
        }
        for i in range(3)
    ]
    rows += [
        {
            "agreement_id": "HE:1",
            "partner": "DE univ",
            "country": "DE",
            "value_eur": 90.0,
            "start": "2022-01-01",
            "end": "2025-12-31",
        },
        {
            "agreement_id": "BI:7",
            "partner": "RU univ 0",
            "country": "RU",
            "value_eur": 10.0,
            "start": "2021-01-01",
            "end": None,
        },
        {
            "agreement_id": "HE:2",
            "partner": "RU univ 9",
            "country": "RU",
            "value_eur": 5.0,
            "start": "2022-01-01",
            "end": "2022-06-30",
        },
        {
            "agreement_id": "HE:2",
            "partner": "RU univ 8",
            "country": "RU",
            "value_eur": 5.0,
            "start": "2022-01-01",
            "end": "2023-06-30",
        },
    ]
    return partnerships(rows)


def test_agreements_are_distinct_ids_ties_are_rows(consortium: pd.DataFrame) -> None:
    t = exposure(consortium, at="2023-01-01").set_index("country")
    assert t.loc["RU", "agreements_active"] == 3  # HE:1, BI:7, HE:2
    assert t.loc["RU", "ties_active"] == 5  # three of HE:1, one BI:7, one of HE:2
    assert t.loc["DE", "agreements_active"] == 1 and t.loc["DE", "ties_active"] == 1
    # money once per agreement and unit: 90 + 10 + 5, not 3 x 90 + 10 + 5
    assert t.loc["RU", "value_eur"] == 105.0
    by_faculty = exposure(consortium, at="2023-01-01", by=("faculty",))
    assert by_faculty["agreements_active"].tolist() == [3]  # HE:1 counted once for RU and DE
    assert by_faculty["ties_active"].tolist() == [6]
    assert by_faculty["value_eur"].tolist() == [105.0]


def test_risk_counts_an_agreement_once_per_tier(consortium: pd.DataFrame) -> None:
    profile = pd.DataFrame({"country": ["RU", "DE"], "tier": [3, 0]})
    t = exposure(consortium, at="2023-01-01", risk_profile=profile).set_index("country")
    assert t.loc["RU", "risk_weighted"] == 3 * 2.0  # three agreements at tier 3 (weight 2)
    f = exposure(consortium, at="2023-01-01", by=("faculty",), risk_profile=profile)
    assert f["risk_weighted"].tolist() == [6.0]  # HE:1 at tier 3 (and tier 0, weight 0)


def test_series_counts_agreements_and_ties(consortium: pd.DataFrame) -> None:
    s = exposure_over_time(consortium, start="2022-01-01", end="2023-12-31")
    ru = s[s["country"] == "RU"].set_index("quarter")
    # HE:2 runs to 2023-06-30 through its second tie: one agreement until 2023Q2
    assert ru["active"].tolist() == [3, 3, 3, 3, 3, 3, 2, 2]
    assert ru["ties_active"].tolist() == [6, 6, 5, 5, 5, 5, 4, 4]  # one HE:2 tie to 2022Q2
    assert ru["started"].tolist() == [2, 0, 0, 0, 0, 0, 0, 0]  # HE:1 and HE:2 (BI:7 in 2021)
    assert ru["ended"].tolist() == [0, 0, 0, 0, 0, 1, 0, 0]  # HE:2 at its last tie's end
    assert ru["value_eur"].tolist()[0] == 105.0


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.integers(0, 3),
            st.sampled_from(["RU", "DE", "CN"]),
            st.integers(0, 40),
            st.one_of(st.none(), st.integers(0, 40)),
        ),
        min_size=1,
        max_size=25,
    ),
    st.integers(0, 7),
)
def test_series_stock_equals_distinct_active_at_quarter_end(rows, q) -> None:
    base = pd.Timestamp("2020-01-01")
    df = partnerships(
        [
            {
                "agreement_id": f"A{a}",
                "country": c,
                "start": base + pd.Timedelta(days=30 * s),
                "end": None if e is None else base + pd.Timedelta(days=30 * (s + e)),
            }
            for a, c, s, e in rows
        ]
    )
    s = exposure_over_time(df, start="2020-01-01", end="2021-12-31")
    quarter_end = pd.Timestamp("2020-01-01") + pd.offsets.QuarterEnd(q + 1)
    at = exposure(df, at=quarter_end).set_index("country")
    got = s[s["quarter_end"] == quarter_end].set_index("country")
    for c in at.index:
        assert got.loc[c, "active"] == at.loc[c, "agreements_active"]
        assert got.loc[c, "ties_active"] == at.loc[c, "ties_active"]
