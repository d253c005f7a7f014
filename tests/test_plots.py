"""Charts: each test builds the tidy frame a chart consumes, draws it and checks what was drawn."""

from __future__ import annotations

import csv
import itertools
import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from matplotlib.axes import Axes
from matplotlib.colors import to_rgba

import kvanalytics as kv
from kvanalytics import config, i18n, normalise, privacy
from kvanalytics import plots as kp
from kvanalytics import scenarios as sc
from kvanalytics.errors import SchemaError


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture
def names(monkeypatch):
    """A stand-in for normalise.country_name, so tests do not depend on its exact spellings."""
    table = {
        "en": {"CN": "China", "US": "United States", "RU": "Russia", "NA": "Namibia"},
        "nl": {"CN": "China", "US": "Verenigde Staten", "RU": "Rusland", "NA": "Namibië"},
    }

    def country_name(codes: pd.Series, lang: str = "en") -> pd.Series:
        return pd.Series([table[lang].get(c) for c in codes], dtype="string")

    monkeypatch.setattr(normalise, "country_name", country_name, raising=False)
    return table


def texts(ax: Axes) -> list[str]:
    return [t.get_text() for t in ax.texts]


def ytick_labels(ax: Axes) -> list[str]:
    return [t.get_text() for t in ax.get_yticklabels()]


def assert_unchanged(before: pd.DataFrame, after: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(before, after, check_exact=True)


# ------------------------------------------------------------------------------------------------
# helpers: numbers, labels, style
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("x", "lang", "decimals", "expected"),
    [
        (1653, "en", 0, "1,653"),
        (1653, "nl", 0, "1.653"),
        (1234567.891, "en", 2, "1,234,567.89"),
        (1234567.891, "nl", 2, "1.234.567,89"),
        (-0.01, "en", 0, "0"),
        (-2500, "nl", 0, "-2.500"),
        (pd.NA, "en", 0, ""),
        (float("nan"), "nl", 0, ""),
        ("<5", "nl", 0, "<5"),
    ],
)
def test_format_number(x, lang, decimals, expected):
    assert kp.format_number(x, lang, decimals) == expected


def test_format_number_percent_and_formatter():
    assert kp.format_number(0.125, "en", 1, percent=True) == "12.5%"
    assert kp.format_number(0.125, "nl", 1, percent=True) == "12,5%"
    assert kp.number_formatter("nl")(1653, 0) == "1.653"
    with pytest.raises(ValueError, match="lang"):
        kp.format_number(1, "de")


def test_labels_come_from_the_csv_in_both_languages():
    path = config.PACKAGE_DATA / "labels.csv"
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert set(rows[0]) == {"key", "en", "nl"}
    keys = [r["key"] for r in rows]
    assert len(keys) == len(set(keys)), "duplicate keys in labels.csv"
    assert all(r["en"] and r["nl"] for r in rows), "every label needs en and nl"
    # placeholders must be the same in both languages
    for r in rows:
        assert set(re.findall(r"{(\w+)}", r["en"])) == set(re.findall(r"{(\w+)}", r["nl"])), r
    assert [kp.tier_name(t, "nl") for t in (0, 1, 2, 3)] == ["geen", "let op", "hoog", "beperkt"]
    assert [kp.tier_name(t, "en") for t in (0, 1, 2, 3)] == ["none", "watch", "high", "restricted"]
    assert kp.tier_name(pd.NA, "nl") == "onbekend"
    assert kp.label("phd", "nl") == "Promovendi"
    assert kp.label("no_such_key_here", "nl") == "No such key here"


def test_labels_and_numbers_are_those_of_i18n():
    # plots re-exports them for notebooks; Excel uses the same functions
    assert kp.label is i18n.label and kp.format_number is i18n.format_number
    assert kp.LANGS == i18n.LANGS
    assert i18n.format_value(0.125, "take_up_rate", "nl") == "12,5%"
    assert i18n.decimals_of(np.array([1.0, np.nan, 2.0])) == 0


def test_tier_colours_are_fixed_sequential_and_grey_for_none():
    assert kp.tier_colour(0) == "#BBBBBB"
    lightness = [sum(to_rgba(kp.tier_colour(t))[:3]) for t in (1, 2, 3)]
    assert lightness == sorted(lightness, reverse=True), "tiers 1..3 must darken"
    assert kp.tier_colour(pd.NA) == kp.UNKNOWN_TIER_COLOUR


def test_house_style_context_restores_settings():
    before = matplotlib.rcParams["axes.spines.top"], matplotlib.rcParams["font.size"]
    with kp.house_style():
        assert matplotlib.rcParams["axes.spines.top"] is False
        assert matplotlib.rcParams["axes.spines.right"] is False
        assert matplotlib.rcParams["axes.grid"] is True
        assert matplotlib.rcParams["axes.prop_cycle"].by_key()["color"][0] == kp.PALETTE[0]
    assert (matplotlib.rcParams["axes.spines.top"], matplotlib.rcParams["font.size"]) == before


def test_use_house_style_sets_globally():
    with matplotlib.rc_context():
        kp.use_house_style()
        assert matplotlib.rcParams["font.size"] == kp.HOUSE_RC["font.size"]
        assert matplotlib.rcParams["axes.spines.right"] is False


# ------------------------------------------------------------------------------------------------
# heatmap
# ------------------------------------------------------------------------------------------------


@pytest.fixture
def country_faculty() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "country": ["CN", "CN", "US", "US", "RU", "NA"],
            "faculty": ["Law", "Science", "Law", "Science", "Science", "Law"],
            "agreements_active": [3, 1653, 40, 0, 2, 7],
            "phd": [1, 22, 4, 0, 9, 3],
        }
    )


def test_heatmap_annotates_each_cell_in_row_order(country_faculty, names):
    before = country_faculty.copy()
    ax = kp.plot_heatmap(country_faculty)
    assert isinstance(ax, Axes)
    assert_unchanged(before, country_faculty)
    # rows by total: CN 1656, US 40, NA 7, RU 2; columns in frame order
    assert ytick_labels(ax) == ["China", "United States", "Namibia", "Russia"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["Law", "Science"]
    # agreements are not people: 3 and 2 are drawn as numbers; RU × Law is missing -> blank
    assert sorted(texts(ax)) == sorted(["3", "1,653", "40", "0", "7", "2"])
    assert ax.get_title(loc="left") == "Active agreements by country and faculty"


def test_heatmap_suppresses_people_cells_and_never_shows_their_digits(country_faculty, names):
    ax = kp.plot_heatmap(country_faculty, value="phd", top=None)
    shown = texts(ax)
    assert shown.count("<5") == 3  # CN×Law 1, US×Law 4, NA×Law 3
    assert sorted(t for t in shown if t != "<5") == ["0", "22", "9"]
    for digit in ("1", "3", "4"):
        assert digit not in shown
    hatched = [p for p in ax.patches if p.get_hatch()]
    assert len(hatched) == 3
    # the legend explains the hatch
    assert ax.get_legend() is not None
    assert "suppressed" in ax.get_legend().get_texts()[0].get_text()


def test_heatmap_unsuppressed_on_request_and_top_rows(country_faculty, names):
    ax = kp.plot_heatmap(country_faculty, value="phd", suppress=False, top=2)
    assert "<5" not in texts(ax)
    assert ytick_labels(ax) == ["China", "Russia"]  # phd totals: CN 23, RU 9, US 4, NA 3
    assert sorted(texts(ax)) == sorted(["1", "22", "9"])


def test_heatmap_recognises_cells_suppressed_upstream(country_faculty, names):
    upstream = country_faculty.assign(phd=["<5", "22", "<5", "0", "9", "<5"])
    ax = kp.plot_heatmap(upstream, value="phd")
    assert texts(ax).count("<5") == 3
    # suppressed cells do not count towards the row order: US (0 shown) sorts after RU (9)
    assert ytick_labels(ax)[:2] == ["China", "Russia"]


def test_heatmap_dutch_numbers_and_labels(country_faculty, names):
    ax = kp.plot_heatmap(country_faculty, lang="nl")
    assert "1.653" in texts(ax)
    assert "1,653" not in texts(ax)
    assert ytick_labels(ax)[1] == "Verenigde Staten"
    assert ax.get_xlabel() == "Faculteit"
    assert ax.get_title(loc="left") == "Actieve overeenkomsten per land en faculteit"


def test_heatmap_falls_back_to_codes_without_country_names(country_faculty, monkeypatch):
    monkeypatch.delattr(normalise, "country_name", raising=False)
    ax = kp.plot_heatmap(country_faculty)
    assert ytick_labels(ax) == ["CN", "US", "NA", "RU"]  # "NA" is Namibia, not missing


def test_heatmap_colour_bar_of_small_counts_has_whole_number_ticks():
    """Counts up to 3 gave ticks 0, 0, 1, 1, 1, 1, 2, 2 (0.5 steps printed without decimals)."""
    cells = pd.DataFrame(
        {"country": ["RU", "RU", "CN", "CN"], "faculty": ["Law", "Arts", "Law", "Arts"],
         "agreements_active": [0, 1, 3, 2]}
    )  # fmt: skip
    ax = kp.plot_heatmap(cells)
    bar = ax.collections[0].colorbar
    ticks = [t for t in bar.get_ticks() if 0 <= t <= 3]
    assert ticks == [round(t) for t in ticks] and len(ticks) >= 2
    shown = [t.get_text() for t in bar.ax.get_yticklabels() if t.get_text()]
    assert len(shown) == len(set(shown)), shown  # no label twice
    shares = cells.assign(share_of_total=[0.0, 0.1, 0.3, 0.2])
    ax = kp.plot_heatmap(shares, value="share_of_total")
    assert any(t != round(t) for t in ax.collections[0].colorbar.get_ticks())  # shares stay


def test_heatmap_refuses_to_aggregate(country_faculty):
    doubled = pd.concat([country_faculty, country_faculty.head(1)])
    with pytest.raises(SchemaError, match="aggregate"):
        kp.plot_heatmap(doubled)
    with pytest.raises(SchemaError, match="no column"):
        kp.plot_heatmap(country_faculty, value="students")


# ------------------------------------------------------------------------------------------------
# top countries
# ------------------------------------------------------------------------------------------------


@pytest.fixture
def by_country() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "country": ["US", "CN", "RU", "NA", "DE"],
            "agreements_active": [40, 1653, 12, 7, 30],
            "students": [200, 3, 1653, 0, 55],
            "risk_tier": pd.array([0, 2, 3, pd.NA, 1], dtype="Int64"),
        }
    )


def test_top_countries_bars_order_and_tier_colours(by_country, names):
    before = by_country.copy()
    ax = kp.plot_top_countries(by_country, n=4)
    assert_unchanged(before, by_country)
    assert isinstance(ax, Axes)
    bars = ax.patches
    assert len(bars) == 4
    assert ytick_labels(ax) == ["China", "United States", "DE", "Russia"]
    assert [b.get_width() for b in bars] == [1653, 40, 30, 12]
    expected = [kp.tier_colour(t) for t in (2, 0, 1, 3)]
    assert [b.get_facecolor() for b in bars] == [to_rgba(c) for c in expected]
    # the largest bar is drawn at the top
    assert bars[0].get_y() < bars[1].get_y()
    ax.figure.canvas.draw()
    assert ax.get_ylim()[0] > ax.get_ylim()[1]
    assert texts(ax) == ["1,653", "40", "30", "12"]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["none", "watch", "high", "restricted"]


def test_top_countries_unknown_tier_and_dutch(by_country, names):
    ax = kp.plot_top_countries(by_country, lang="nl")
    assert len(ax.patches) == 5
    namibia = ytick_labels(ax).index("Namibië")
    assert ax.patches[namibia].get_facecolor() == to_rgba(kp.UNKNOWN_TIER_COLOUR)
    assert "1.653" in texts(ax)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["geen", "let op", "hoog", "beperkt", "onbekend"]


def test_top_countries_suppresses_people(by_country, names):
    ax = kp.plot_top_countries(by_country, value="students")
    # NA has 0 students (zero stays zero); CN has 3 -> "<5", last, hatched
    labels = ytick_labels(ax)
    assert labels[-1] == "China"
    assert texts(ax)[-1] == "<5"
    assert "3" not in texts(ax)
    assert ax.patches[-1].get_hatch()
    assert texts(ax)[labels.index("Namibia")] == "0"


def test_top_countries_without_risk_tier_column(by_country):
    ax = kp.plot_top_countries(by_country.drop(columns="risk_tier"))
    assert {b.get_facecolor() for b in ax.patches} == {to_rgba(kp.UNKNOWN_TIER_COLOUR)}


def test_top_countries_refuses_duplicates(by_country):
    with pytest.raises(SchemaError, match="aggregate"):
        kp.plot_top_countries(pd.concat([by_country, by_country]))


# ------------------------------------------------------------------------------------------------
# quarterly trends
# ------------------------------------------------------------------------------------------------


@pytest.fixture
def series() -> pd.DataFrame:
    quarters = ["2024Q1", "2024Q2", "2024Q3", "2024Q4"]
    frame = pd.DataFrame(
        {
            "quarter": quarters * 3,
            "quarter_end": list(pd.PeriodIndex(quarters, freq="Q").end_time.normalize()) * 3,
            "faculty": ["Law"] * 4 + ["Science"] * 4 + ["Medicine"] * 4,
            "active": [1, 2, 3, 4, 10, 11, 12, 13, 5, 5, 6, 6],
            "started": [0, 1, 1, 1, 2, 1, 1, 1, 0, 0, 1, 0],
        }
    )
    return frame.sample(frac=1, random_state=3).reset_index(drop=True)  # order from quarter_end


def test_quarterly_trends_one_panel_per_faculty(series):
    before = series.copy()
    axes = kp.plot_quarterly_trends(series)
    assert_unchanged(before, series)
    assert isinstance(axes, np.ndarray)
    assert len(axes) == 3
    assert all(isinstance(a, Axes) for a in axes)
    titles = [a.get_title(loc="left") for a in axes]
    assert sorted(titles) == ["Law", "Medicine", "Science"]
    expected = {"Law": [1, 2, 3, 4], "Science": [10, 11, 12, 13], "Medicine": [5, 5, 6, 6]}
    for a in axes:
        (line,) = a.get_lines()
        assert list(line.get_xdata()) == [0, 1, 2, 3]
        assert list(line.get_ydata()) == expected[a.get_title(loc="left")]
    labels = [t.get_text() for t in axes[-1].get_xticklabels()]
    # i18n.format_quarter; a narrow panel labels what fits (halves), every quarter a minor tick
    assert labels == ["2024 Q1", "2024 Q3"]
    ticks = {*axes[-1].get_xticks(), *axes[-1].get_xticks(minor=True)}
    assert sorted(ticks) == [0, 1, 2, 3]
    assert axes[0].get_ylim() == axes[1].get_ylim()  # shared, honest scale
    assert axes[0].get_ylim()[0] == 0
    assert axes[0].figure.get_suptitle() == "Active agreements per quarter"


def test_quarterly_trends_on_one_axes_with_a_line_per_faculty(series):
    _fig, ax = plt.subplots()
    axes = kp.plot_quarterly_trends(series, value="started", ax=ax, lang="nl")
    assert list(axes) == [ax]
    assert len(ax.get_lines()) == 3
    assert [t.get_text() for t in ax.get_legend().get_texts()] == list(pd.unique(series["faculty"]))
    assert ax.get_xlabel() == "Kwartaal"


def test_quarterly_trends_thins_quarter_labels_to_years():
    quarters = [str(p) for p in pd.period_range("2019Q3", "2025Q2", freq="Q")]
    frame = pd.DataFrame({"quarter": quarters, "active": range(len(quarters))})
    (ax,) = kp.plot_quarterly_trends(frame, facet=None)
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels and all(q.endswith("Q1") for q in labels)
    assert len(ax.get_lines()[0].get_xdata()) == len(quarters)


def test_quarterly_trends_refuses_to_aggregate(series):
    with pytest.raises(SchemaError, match="aggregate"):
        kp.plot_quarterly_trends(series.assign(faculty="All"))


# ------------------------------------------------------------------------------------------------
# risk tiers over time
# ------------------------------------------------------------------------------------------------


@pytest.fixture
def tiers_series() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "quarter": ["2024Q1"] * 4 + ["2024Q2"] * 4,
            "risk_tier": pd.array([0, 1, 3, pd.NA, 0, 1, 3, pd.NA], dtype="Int64"),
            "active": [30, 8, 2, 1, 31, 9, 0, 1],
        }
    )


def test_risk_tiers_stack_restricted_at_the_bottom(tiers_series):
    before = tiers_series.copy()
    ax = kp.plot_risk_tiers_over_time(tiers_series)
    assert_unchanged(before, tiers_series)
    bars = ax.patches
    assert len(bars) == 2 * 4  # quarters × tiers present
    restricted = [b for b in bars if b.get_facecolor() == to_rgba(kp.tier_colour(3))]
    assert [b.get_height() for b in restricted] == [2, 0]
    assert all(b.get_y() == 0 for b in restricted)
    none = [b for b in bars if b.get_facecolor() == to_rgba(kp.tier_colour(0))]
    assert [b.get_y() for b in none] == [2 + 8, 0 + 9]  # on top of restricted and watch
    tops = {round(b.get_x() + b.get_width() / 2): b.get_y() + b.get_height() for b in bars}
    assert tops == {0: 41, 1: 41}
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["unknown", "none", "watch", "restricted"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2024 Q1", "2024 Q2"]


def test_risk_tiers_area_and_dutch(tiers_series):
    ax = kp.plot_risk_tiers_over_time(tiers_series, kind="area", lang="nl")
    assert len(ax.collections) == 4
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "onbekend",
        "geen",
        "let op",
        "beperkt",
    ]


def test_risk_tiers_refuses_rows_per_country(tiers_series):
    per_country = pd.concat([tiers_series.assign(country="CN"), tiers_series.assign(country="RU")])
    with pytest.raises(SchemaError, match="aggregate"):
        kp.plot_risk_tiers_over_time(per_country)
    bad = tiers_series.assign(risk_tier=pd.array([0, 1, 3, 7] * 2, dtype="Int64"))
    with pytest.raises(SchemaError, match="0, 1, 2, 3 or NA"):
        kp.plot_risk_tiers_over_time(bad)


# ------------------------------------------------------------------------------------------------
# people
# ------------------------------------------------------------------------------------------------


@pytest.fixture
def people() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "country": ["RU", "UA", "CN"],
            "degree_student": [1653, 917, 40],
            "exchange_in": [3, 0, 12],
            "phd": [20, 1, 4],
            "academic_staff": [6, 2, 0],
        }
    )


def test_people_stacks_groups_and_suppresses_small_cells(people, names):
    before = people.copy()
    ax = kp.plot_people(people)
    assert_unchanged(before, people)
    assert ytick_labels(ax) == ["Russia", "UA", "China"]
    shown = texts(ax)
    assert shown.count("<5") == 4  # RU exchange_in 3; UA phd 1, staff 2; CN phd 4
    assert all(t == "<5" for t in shown)
    hatched = [p for p in ax.patches if p.get_hatch()]
    assert len(hatched) == 4
    # every suppressed segment has one and the same length: it reveals nothing
    assert len({round(p.get_width(), 9) for p in hatched}) == 1
    # shown segments are the numbers themselves
    solid = [p.get_width() for p in ax.patches if not p.get_hatch() and p.get_width() > 0]
    assert sorted(solid) == sorted([1653, 917, 40, 12, 20, 6])
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend[:4] == [
        "Degree students",
        "Incoming exchange",
        "PhD candidates",
        "Academic staff",
    ]
    assert "suppressed" in legend[-1]


def test_people_group_colours_are_fixed(people):
    ax = kp.plot_people(people, groups=("phd", "degree_student"))
    solid = [p for p in ax.patches if not p.get_hatch() and p.get_width() > 0]
    colours = {to_rgba(kp.GROUP_COLOURS[g]) for g in ("phd", "degree_student")}
    assert {p.get_facecolor() for p in solid} <= colours


def test_people_dutch_and_no_suppression(people, names):
    ax = kp.plot_people(people, lang="nl", suppress=False)
    assert texts(ax) == []
    assert ytick_labels(ax)[0] == "Rusland"
    assert ax.get_legend().get_texts()[0].get_text() == "Diplomastudenten"
    assert ax.xaxis.get_major_formatter()(1653, 0) == "1.653"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.integers(min_value=0, max_value=12), min_size=6, max_size=6))
def test_people_suppression_never_reveals_a_cell(values):
    frame = pd.DataFrame(
        {"country": ["AA", "BB", "CC"], "phd": values[:3], "academic_staff": values[3:]}
    )
    ax = kp.plot_people(frame, groups=("phd", "academic_staff"))
    small = [v for v in values if 0 < v < 5]
    assert texts(ax).count("<5") == len(small)
    solid = sorted(p.get_width() for p in ax.patches if not p.get_hatch() and p.get_width() > 0)
    assert solid == sorted(v for v in values if v >= 5)
    plt.close("all")


# ------------------------------------------------------------------------------------------------
# impact comparison
# ------------------------------------------------------------------------------------------------


@pytest.fixture
def impact() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "scenario": ["freeze", "watchlist", "risk"] * 2 + ["freeze", "watchlist"],
            "metric": ["agreements_frozen"] * 3
            + ["value_eur_stopped"] * 3
            + ["people_affected"] * 2,
            "low": [40, 5, 10, 1.0e6, 1.0e5, 2.0e5, 120, 2],
            "central": [44, 6, 15, 1.5e6, 1.5e5, 3.0e5, 180, 3],
            "high": [50, 9, 22, 2.2e6, 2.0e5, 4.0e5, 260, 8],
        }
    )


def test_impact_comparison_panel_per_metric(impact):
    before = impact.copy()
    axes = kp.plot_impact_comparison(impact)
    assert_unchanged(before, impact)
    assert len(axes) == 3
    assert [a.get_title(loc="left") for a in axes] == [
        "Agreements frozen",
        "Money stopped (EUR per year)",
        "People affected",
    ]
    first = axes[0]
    assert [p.get_height() for p in first.patches] == [44, 6, 15]
    colours = [p.get_facecolor() for p in first.patches]
    assert colours == [to_rgba(c) for c in kp.PALETTE[:3]]
    # whiskers run from low to high
    segments = [s for c in first.collections for s in c.get_segments()]
    spans = sorted((s[:, 1].min(), s[:, 1].max()) for s in segments)
    assert spans == [(5, 9), (10, 22), (40, 50)]
    assert texts(first) == ["44", "6", "15"]


def test_impact_comparison_suppresses_small_people_counts(impact):
    axes = kp.plot_impact_comparison(impact, lang="nl")
    people_panel = axes[2]
    assert people_panel.get_title(loc="left") == "Geraakte personen"
    assert texts(people_panel) == ["180", "<5"]
    hatched = [p for p in people_panel.patches if p.get_hatch()]
    assert len(hatched) == 1
    # the low end 2 is not drawn: the whisker of the suppressed bar starts at zero
    lows = [s[:, 1].min() for c in people_panel.collections for s in c.get_segments()]
    assert 2 not in lows
    assert "1.500.000" in texts(axes[1])


def test_impact_comparison_on_one_axes(impact):
    _fig, ax = plt.subplots()
    same_unit = impact[impact["metric"] == "agreements_frozen"]
    (drawn,) = kp.plot_impact_comparison(same_unit, ax=ax)
    assert drawn is ax
    assert len(ax.patches) == 3
    assert [t.get_text() for t in ax.get_xticklabels()] == ["Agreements\nfrozen"]  # wrapped


# ------------------------------------------------------------------------------------------------
# saving
# ------------------------------------------------------------------------------------------------


def test_save_figure_writes_png_and_svg(tmp_path, by_country):
    ax = kp.plot_top_countries(by_country)
    written = kp.save_figure(ax, tmp_path / "charts" / "top_countries")
    assert written == [
        tmp_path / "charts" / "top_countries.png",
        tmp_path / "charts" / "top_countries.svg",
    ]
    assert all(p.stat().st_size > 1000 for p in written)
    assert written[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert b"<svg" in written[1].read_bytes()[:500]
    again = kp.save_figure(ax.figure, tmp_path / "charts" / "top_countries.svg", formats=("svg",))
    assert again == [written[1]]  # a suffix naming a format is dropped, not doubled


def test_save_figure_takes_the_array_of_axes(tmp_path, series):
    axes = kp.plot_quarterly_trends(series)
    (png,) = kp.save_figure(axes, tmp_path / "trends", formats=("png",), dpi=50)
    assert png.stat().st_size > 1000
    with pytest.raises(ValueError, match="format"):
        kp.save_figure(axes, tmp_path / "trends", formats=("docx",))


def _timeline() -> pd.DataFrame:
    quarters = ["2022Q1", "2022Q2", "2022Q3"]
    rows = []
    for i, q in enumerate(quarters):
        rows.append((q, "ties_frozen", 18.0 - i, 18.0 - i, 18.0 - i))
        rows.append((q, "ties_cancelled", 0.0, 1.0, 2.0 + i))
    df = pd.DataFrame(rows, columns=["quarter", "metric", "low", "central", "high"])
    return df.assign(quarter_start=pd.PeriodIndex(df["quarter"], freq="Q").start_time)


def test_impact_timeline_draws_central_steps_and_ranges():
    ax = kp.plot_impact_timeline(_timeline(), lang="nl")
    lines = ax.get_lines()
    assert [ln.get_label() for ln in lines] == ["Bevroren banden", "Geannuleerde banden"]
    assert list(lines[0].get_ydata()) == [18.0, 17.0, 16.0]
    assert len(ax.collections) == 2  # one low-high band per metric
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2022 K1", "2022 K2", "2022 K3"]


def test_impact_timeline_names_an_unknown_metric():
    with pytest.raises(SchemaError, match="value_eur_stopped"):
        kp.plot_impact_timeline(_timeline(), metrics=["value_eur_stopped"])


# ------------------------------------------------------------------------------------------------
# what is drawn is what privacy publishes
# ------------------------------------------------------------------------------------------------


def _drawn(ax: Axes) -> tuple[list[str], list[tuple[float, bool]]]:
    return texts(ax), [(round(p.get_width(), 9), bool(p.get_hatch())) for p in ax.patches]


def test_people_charts_draw_the_frame_privacy_publishes(people, by_country, names):
    published = people.assign(
        **{g: privacy.publish_column(people[g]) for g in people.columns if g != "country"}
    )
    assert (published == "<5").to_numpy().any()
    assert _drawn(kp.plot_people(people)) == _drawn(kp.plot_people(published))
    shown = by_country.assign(students=privacy.publish_column(by_country["students"]))
    raw = kp.plot_top_countries(by_country, value="students")
    assert _drawn(raw) == _drawn(kp.plot_top_countries(shown, value="students"))


def test_secondary_suppression_is_drawn_hatched_with_its_mark():
    raw = pd.DataFrame({"country": ["AA", "BB"], "phd": [3, 40], "degree_student": [40, 3],
                        "exchange_in": 0, "exchange_out": 0, "students": [43, 43]})  # fmt: skip
    table = privacy.suppress_counts(raw, list(raw.columns[1:]))
    groups = ("degree_student", "exchange_in", "exchange_out", "phd")
    ax = kp.plot_people(table, groups=groups)
    marks = [t for t in texts(ax)]
    assert sorted(marks) == sorted(v for g in groups for v in table[g] if isinstance(v, str))
    assert "x" in marks and "40" not in marks
    assert len([p for p in ax.patches if p.get_hatch()]) == len(marks)
    hidden = sorted(p.get_width() for p in ax.patches if not p.get_hatch() and p.get_width() > 0)
    assert hidden == []  # every non-zero cell of these rows is hidden


def test_people_counts_privacy_cannot_publish_are_refused(by_country):
    halves = by_country.assign(students=[200.5, 3, 1653, 0, 55])
    with pytest.raises(SchemaError, match="suppress=False"):
        kp.plot_top_countries(halves, value="students")
    ax = kp.plot_top_countries(halves, value="students", suppress=False)  # internal use
    assert "200.5" in texts(ax)


def test_impact_comparison_of_a_published_frame_draws_the_same(impact):
    shown = privacy.published(impact.assign(unit=np.where(impact["metric"] == "people_affected",
                                                          "people", "other")))  # fmt: skip
    assert (shown["central"] == "<5").any()
    raw = kp.plot_impact_comparison(impact)
    again = kp.plot_impact_comparison(shown)
    for a, b in zip(raw, again, strict=True):
        assert _drawn(a) == _drawn(b)
        assert [round(p.get_height(), 9) for p in a.patches] == [
            round(p.get_height(), 9) for p in b.patches
        ]
    mixed = shown.assign(low=shown["low"].where(shown["low"] != "<5", 2))
    with pytest.raises(SchemaError, match="published"):
        kp.plot_impact_comparison(mixed)


def test_impact_comparison_hides_a_total_that_would_give_a_small_count_back():
    df = pd.DataFrame(
        {
            "scenario": "s",
            "metric": ["support_population", "support_population_BY", "support_population_RU",
                       "exchange_in_stopped"],
            "unit": "people",
            **{c: [120.0, 3.0, 117.0, 2.0] for c in ("low", "central", "high")},
        }
    )  # fmt: skip
    axes = kp.plot_impact_comparison(df, metrics=["support_population", "exchange_in_stopped"])
    # total - RU = BY: privacy hides the total; the unit marks exchange_in_stopped as people
    assert [texts(a) for a in axes] == [["x"], ["<5"]]
    assert all(p.get_hatch() for a in axes for p in a.patches)


@pytest.fixture(scope="module")
def sample_impacts() -> list[sc.Impact]:
    from kvanalytics import read_headcounts, read_partnerships

    raw = config.REPO_ROOT / "data" / "raw"
    p = read_partnerships(raw / "sample_partnerships.csv", errors="collect").table
    h = read_headcounts(raw / "sample_headcounts.xlsx", errors="collect").table
    return [sc.impact(n, p, h) for n in ("nl-2022-freeze", "be-2022-rur-signatories")]


def test_plot_compare_draws_the_published_comparison(sample_impacts):
    axes = kp.plot_compare(sample_impacts, lang="nl")
    table = sc.compare(sample_impacts)
    present = [m for m in kp.COMPARE_METRICS if m in set(table["metric"])]
    titles = [" ".join(a.get_title(loc="left").split()) for a in axes]  # wrapped to the panel
    assert titles == [kp.label(m, "nl") for m in present]
    shown = privacy.published(table).set_index(["metric", "scenario"])["central"]
    for a, metric in zip(axes, present, strict=True):
        drawn = texts(a)
        expected = [shown.get((metric, s)) for s in table["scenario"].unique()]
        marks = [v for v in expected if isinstance(v, str)]
        assert [t for t in drawn if t in ("<5", "x")] == marks, metric
        if sc.METRICS.get(metric) == "people":  # agreements of 1-4 are not suppressed
            assert not any(t in {"1", "2", "3", "4"} for t in drawn), metric
    (one,) = kp.plot_compare(sample_impacts, ax=plt.subplots()[1], metrics=["agreements_frozen"])
    assert len(one.patches) == len(sample_impacts)


@pytest.mark.parametrize(("lang", "word"), [("en", "unknown"), ("nl", "onbekend")])
def test_a_metric_unknown_for_one_scenario_is_labelled_unknown_not_drawn_as_zero(lang, word):
    """It was an empty slot with no label, which reads as zero."""
    df = pd.DataFrame(
        {"scenario": ["a", "b", "a", "b"], "metric": ["exchange_in_stopped"] * 2 + ["ties_frozen"] * 2,
         "unit": ["people", "people", "ties", "ties"], "low": [12.0, None, 3.0, 0.0],
         "central": [12.0, None, 3.0, 0.0], "high": [12.0, None, 3.0, 0.0]}
    )  # fmt: skip
    people, ties = kp.plot_impact_comparison(df, lang=lang)
    assert sorted(texts(people)) == sorted(["12", word])
    assert texts(ties) == ["3", "0"]  # a known zero stays a zero
    assert word not in texts(ties)
    (one,) = kp.plot_impact_comparison(
        df, metrics=["exchange_in_stopped"], ax=plt.subplots()[1], lang=lang
    )
    assert word in texts(one)


# ------------------------------------------------------------------------------------------------
# No clipped text: every public chart on the sample, and with very long faculty names
# ------------------------------------------------------------------------------------------------

LONG_FACULTY = (
    "Faculteit der Maatschappij- en Gedragswetenschappen / Faculty of Social and Behavioural "
    "Sciences"
)


def _long_faculties(p: pd.DataFrame) -> pd.DataFrame:
    names = sorted(p["faculty"].dropna().unique())
    longer = {
        f: LONG_FACULTY if i == 0 else f"{f} — Faculteit der {f}wetenschappen en Bestuurskunde"
        for i, f in enumerate(names)
    }
    return p.assign(faculty=p["faculty"].map(longer).astype("string"))


def _all_charts(p: pd.DataFrame, h: pd.DataFrame, lang: str) -> dict[str, object]:
    profile = kv.load_risk_profile("freedom-house-2024")
    at = "2026-09-30"
    by_country = kv.exposure(p, h, by=("country",), at=at, risk_profile=profile)
    top = by_country.nlargest(12, "agreements_active")["country"]
    by_cf = kv.exposure(p, None, by=("country", "faculty"), at=at, risk_profile=profile)
    series_f = kv.exposure_over_time(p, None, by=("faculty",), start="2022-01-01", end=at)
    series_c = kv.exposure_over_time(
        p, None, by=("country",), start="2022-01-01", end=at, risk_profile=profile
    )
    tiers = (
        series_c.assign(risk_tier=series_c["risk_tier"].astype("Int64"))
        .groupby(["quarter", "risk_tier"], dropna=False, observed=True, as_index=False)[["active"]]
        .sum()
    )
    impacts = [sc.impact(n, p, h) for n in ("nl-2022-freeze", "be-2022-rur-signatories")]
    charts: dict[str, object] = {
        "heatmap": kp.plot_heatmap(by_cf[by_cf["country"].isin(top)], lang=lang, top=12),
        "heatmap_by_faculty_rows": kp.plot_heatmap(
            by_cf[by_cf["country"].isin(top)], row="faculty", col="country", lang=lang, top=12
        ),
        "top_countries": kp.plot_top_countries(by_country, n=15, lang=lang),
        "trends_by_faculty": kp.plot_quarterly_trends(series_f, facet="faculty", lang=lang),
        "trends_hue": kp.plot_quarterly_trends(series_f, facet=None, hue="faculty", lang=lang),
        "risk_tiers": kp.plot_risk_tiers_over_time(tiers, lang=lang),
        "risk_tiers_area": kp.plot_risk_tiers_over_time(tiers, kind="area", lang=lang),
        "people": kp.plot_people(by_country, by="country", n=15, lang=lang),
        "impact_comparison": kp.plot_impact_comparison(sc.compare(impacts), lang=lang),
        "compare": kp.plot_compare(impacts, lang=lang),
        "timeline": kp.plot_impact_timeline(impacts[0].timeline, lang=lang),
    }
    return charts


def _drawn_texts(fig) -> list:
    """The text artists a renderer draws: tick labels only of the ticks inside the view."""
    ticks, drawn = set(), set()
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                ticks.update((id(tick.label1), id(tick.label2)))
            for tick in axis._update_ticks():  # the ticks matplotlib draws (inside the view)
                drawn.update((id(tick.label1), id(tick.label2)))
    return [
        t
        for t in fig.findobj(matplotlib.text.Text)
        if t.get_visible() and t.get_text().strip() and (id(t) not in ticks or id(t) in drawn)
    ]


def _outside_texts(fig) -> list[str]:
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    box = fig.bbox
    bad = []
    for t in _drawn_texts(fig):
        e = t.get_window_extent(renderer)
        if e.x0 < box.x0 - 0.5 or e.y0 < box.y0 - 0.5 or e.x1 > box.x1 + 0.5 or e.y1 > box.y1 + 0.5:
            bad.append(f"{t.get_text()!r} at {[round(v) for v in e.extents]} in {box.extents}")
    return bad


@pytest.fixture(scope="module")
def sample_inputs(sample_dir):
    p = kv.read_partnerships(sample_dir / "sample_partnerships.csv", errors="collect").table
    h = kv.read_headcounts(sample_dir / "sample_headcounts.xlsx", errors="collect").table
    return p, h


@pytest.mark.parametrize("long_names", [False, True], ids=["sample", "long-faculty-names"])
@pytest.mark.parametrize("lang", ["en", "nl"])
def test_no_chart_clips_or_cuts_its_text(sample_inputs, lang, long_names):
    p, h = sample_inputs
    if long_names:
        p, h = _long_faculties(p), _long_faculties(h)
    problems = {}
    for name, drawn in _all_charts(p, h, lang).items():
        fig = kp._figure_of(drawn)
        bad = _outside_texts(fig)
        cut = [t.get_text() for t in fig.findobj(matplotlib.text.Text) if "..." in t.get_text()
               or "…" in t.get_text()]  # fmt: skip
        if bad or cut:
            problems[name] = bad[:3] + cut[:3]
        plt.close(fig)
    assert not problems, problems


def test_long_faculty_labels_are_wrapped_not_cut(sample_inputs):
    p, _ = sample_inputs
    by_cf = kv.exposure(_long_faculties(p), None, by=("country", "faculty"), at="2026-09-30")
    ax = kp.plot_heatmap(by_cf, lang="nl", top=8)
    labels = [t.get_text() for t in ax.get_xticklabels() + ax.get_yticklabels()]
    joined = [" ".join(lbl.split()) for lbl in labels]
    assert " ".join(LONG_FACULTY.split()) in joined  # every word kept
    wrapped = next(lbl for lbl in labels if lbl.startswith("Faculteit der Maatschappij"))
    assert "\n" in wrapped and max(map(len, wrapped.splitlines())) <= 30


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_quarter_tick_labels_never_overlap(lang):
    # 19 quarters on the report's risk-tier chart once ran "2022 Q12022 Q3..." together.
    quarters = [str(q) for q in pd.period_range("2022Q1", "2026Q3", freq="Q")]
    df = pd.DataFrame(
        {
            "quarter": np.repeat(quarters, 2),
            "risk_tier": pd.array([0, 3] * len(quarters), dtype="Int64"),
            "active": np.arange(2 * len(quarters)) + 10,
        }
    )
    ax = kp.plot_risk_tiers_over_time(df, lang=lang)
    fig = ax.figure
    fig.canvas.draw()
    boxes = [t.get_window_extent() for t in ax.get_xticklabels() if t.get_text()]
    assert len(boxes) >= 3
    for left, right in itertools.pairwise(boxes):  # a readable gap, not touching
        assert right.x0 - left.x1 >= 0.5 * left.height, "quarter labels run together"
    plt.close(fig)
