"""Tables for people: labels for every published column, values written per language, HTML."""

from __future__ import annotations

import re

import pandas as pd
import pytest

import kvanalytics as kv
from kvanalytics import i18n, privacy, report
from kvanalytics.schemas import PEOPLE_COLUMNS
from kvanalytics.tables import for_people, format_table, header_label, kinds_for_people

LANGS = ("en", "nl")
BAD_TOKENS = re.compile(r"\b(NaN|nan|None|NaT|dtype|Name:)\b|<NA>|\.\.\.|…")
LONG_FACULTY = (
    "Faculteit der Maatschappij- en Gedragswetenschappen / Faculty of Social and Behavioural "
    "Sciences"
)


@pytest.fixture(scope="module")
def published_tables(sample_dir) -> dict[str, pd.DataFrame]:
    """Every table a report, the dashboard or the CLI publishes, built on the sample."""
    p, rejects = kv.read_partnerships(sample_dir / "sample_partnerships.csv", errors="collect")
    h = kv.read_headcounts(sample_dir / "sample_headcounts.xlsx")
    profile = kv.load_risk_profile("freedom-house-2024")
    freeze = kv.impact(kv.load_scenario("nl-2022-freeze"), p, h)
    rur = kv.impact(kv.load_scenario("be-2022-rur-signatories"), p, h)
    dash = report.quarterly_dashboard(p, h, quarter="2026Q3")
    screening = kv.screen(p, "rur-2022-signatories")
    exposure = kv.exposure(p, h, by=("country",), at="2026-09-30", risk_profile=profile)
    people = [c for c in PEOPLE_COLUMNS if c in exposure.columns]
    return {
        "rejects": rejects,
        "exposure": privacy.suppress_counts(exposure, people),
        "exposure_country_faculty": kv.exposure(
            p, None, by=("country", "faculty"), at="2026-09-30", risk_profile=profile
        ),
        "exposure_over_time": kv.exposure_over_time(
            p, None, by=("faculty",), start="2025-01-01", end="2026-09-30"
        ),
        "impact_summary": privacy.published(freeze.summary),
        "impact_by_faculty": privacy.published(freeze.by_faculty),
        "impact_by_country": privacy.published(freeze.by_country),
        "impact_support": privacy.suppress(freeze.support_table()).table,
        "impact_timeline": freeze.timeline,
        "impact_affected": freeze.affected,
        "impact_assumptions": freeze.assumptions,
        "compare": privacy.published(kv.compare([freeze, rur])),
        "headline": dash.headline,
        **{f"dashboard_{k}": v for k, v in dash.tables.items()},
        "screening_hits": screening.hits,
        "screening_coverage": screening.coverage,
        "screening_summary": screening.summary(),
    }


def _own_columns(name: str, table: pd.DataFrame) -> list[str]:
    if name == "rejects":  # beside ours, a reject keeps the export's own headers as they are
        return [c for c in table.columns if c.islower() or c.startswith("source_")][:7]
    return [str(c) for c in table.columns if str(c) != "country_name"]


def test_every_published_column_has_an_english_and_a_dutch_label(published_tables):
    missing = []
    for name, table in published_tables.items():
        for col in _own_columns(name, table):
            iso = re.fullmatch(r"[A-Z]{2}", col) and kv.country_name([col]).notna().all()
            if not (i18n.has_label(col) or iso or i18n.has_label(col.lower())):
                missing.append(f"{name}.{col}")
        if "metric" in table.columns:
            for metric in table["metric"].dropna().unique():
                base = re.sub(r"_[A-Z]{2}$", "", metric)
                if not i18n.has_label(base):
                    missing.append(f"{name}: metric {metric}")
    assert not missing, f"add these keys with en and nl to labels.csv: {missing}"


@pytest.mark.parametrize("lang", LANGS)
def test_published_tables_read_as_text_for_people(published_tables, lang):
    for name, table in published_tables.items():
        before = table.copy()
        out = for_people(table, lang=lang)
        pd.testing.assert_frame_equal(table, before)  # input untouched
        assert isinstance(out.index, pd.RangeIndex), name
        assert len(out) == len(table), name
        assert all(str(dt) == "str" for dt in out.dtypes), name
        cells = [str(v) for v in out.to_numpy().ravel()]
        bad = [c for c in cells if BAD_TOKENS.search(c) or c == ""]
        assert not bad, f"{name} ({lang}): {bad[:3]}"
        snake = [c for c in out.columns if re.search(r"[a-z]_[a-z]", c)]
        assert not snake, f"{name} ({lang}): identifiers as headers {snake}"


def test_suppressed_cells_are_shown_as_published(published_tables):
    found = 0
    for name in ("exposure", "impact_summary", "impact_support", "compare"):
        table = published_tables[name].reset_index(drop=True)
        out = for_people(published_tables[name], lang="nl")
        offset = out.shape[1] - table.shape[1]  # the support table's index becomes a column
        for j in range(table.shape[1]):
            marks = privacy.read_published(table.iloc[:, j].astype(object)).marks
            for i in marks.dropna().index:
                assert out.iat[i, j + offset] == marks[i], (name, i, j)
                found += 1
    assert found > 5, "the sample should have suppressed cells"


def test_values_are_written_per_language():
    t = pd.DataFrame(
        {
            "country": ["RU", "NA", None],
            "faculty": [LONG_FACULTY, "Central", pd.NA],
            "agreements_active": pd.array([1653, 0, pd.NA], dtype="Int64"),
            "value_eur": [10_344_307.22, 950_000.0, None],
            "share_of_total": [0.125, 0.0, None],
            "risk_tier": pd.array([3, 0, pd.NA], dtype="Int64"),
            "start": pd.to_datetime(["2026-09-30", "2022-03-04", None]),
            "end": pd.to_datetime([None, "2024-01-31", None]),
            "quarter": ["2026Q3", "2022Q1", None],
        }
    )
    en = for_people(t, lang="en")
    nl = for_people(t, lang="nl")
    assert en.iloc[0].tolist() == [
        "Russia (RU)",
        LONG_FACULTY,
        "1,653",
        "€ 10.3 mln",
        "12.5%",
        "restricted (3)",
        "30 Sep 2026",
        "open-ended",
        "2026 Q3",
    ]
    assert nl.iloc[0].tolist() == [
        "Rusland (RU)",
        LONG_FACULTY,
        "1.653",
        "€ 10,3 mln",
        "12,5%",
        "beperkt (3)",
        "30 sep 2026",
        "onbepaald",
        "2026 K3",
    ]
    assert nl.iloc[1, :5].tolist() == ["Namibië (NA)", "Central", "0", "€ 950.000", "0,0%"]
    assert en.iloc[2].tolist()[:7] == ["unknown"] * 7
    assert set(nl.iloc[2].tolist()) == {"onbekend", "onbepaald"}
    assert list(nl.columns)[:4] == [
        "Land",
        "Faculteit",
        "Actieve overeenkomsten",
        header_label("value_eur", "nl"),
    ]


def test_long_tables_take_the_kind_of_each_row_from_its_unit():
    summary = pd.DataFrame(
        {
            "metric": ["agreements_frozen", "value_eur_stopped", "support_population_UA"],
            "unit": ["agreements", "eur_per_year", "people"],
            "low": [3.0, 2_500_000.0, "<5"],
            "central": [4.0, 2_600_000.0, "<5"],
            "high": [5.0, 2_700_000.0, 9],
        }
    )
    out = for_people(summary, lang="nl")
    assert out.iloc[:, 0].tolist() == [
        "Bevroren overeenkomsten",
        "Gestopte geldstromen (EUR per jaar)",
        "Personen die steun nodig hebben: Oekraïne",
    ]
    assert out.iloc[1, 2:].tolist() == ["€ 2,5 mln", "€ 2,6 mln", "€ 2,7 mln"]
    assert out.iloc[2, 2:].tolist() == ["<5", "<5", "9"]
    assert out.iloc[0, 1] == "overeenkomsten"


def test_kinds_come_from_one_rule():
    t = pd.DataFrame(
        {
            "country": ["RU"],
            "value_eur_unknown": [3],
            "people_unknown": [0],
            "risk_weighted": [2.5],
            "phd": pd.array(["<5"], dtype=object),
            "country_name": ["Russia"],
            "quarter_end": pd.to_datetime(["2026-09-30"]),
        }
    )
    assert kinds_for_people(t) == {
        "country": "country",
        "value_eur_unknown": "count",
        "people_unknown": "count",
        "risk_weighted": "number",
        "phd": "count",
        "country_name": "text",
        "quarter_end": "date",
    }


def test_format_table_html():
    t = pd.DataFrame(
        {"faculty": [LONG_FACULTY, "<b>Law</b>"], "phd": ["<5", 12], "value_eur": [1e7, 5.0]},
        index=pd.Index([7, 9]),
    )
    text = format_table(t, lang="en", caption="People & money", source_note="Source: HR <2026>")
    assert text.startswith('<div class="kv-table-wrap">') and text.endswith("</div>")
    assert "row_heading" not in text and ">7<" not in text  # no index
    assert LONG_FACULTY in text and "..." not in text  # wrapped (CSS), never cut
    assert "white-space: normal" in text
    assert "&lt;b&gt;Law&lt;/b&gt;" in text and "&lt;5" in text  # escaped
    assert "<caption>People &amp; money</caption>" in text
    assert "Source: HR &lt;2026&gt;" in text
    # numbers right-aligned: phd (col1) and value_eur (col2), not faculty (col0)
    right = set(re.findall(r"(td|th)\.col(\d) \{\s*text-align: right", text))
    assert right == {("td", "1"), ("th", "1"), ("td", "2"), ("th", "2")}
    assert format_table(t, lang="en") == format_table(t, lang="en")  # deterministic
    assert "Faculteit" in format_table(t, lang="nl")


def test_series_and_unnamed_index():
    counts = pd.Series([3, 1653], index=pd.Index(["RU", "UA"], name="country"), name="count")
    out = for_people(counts, lang="en")
    assert out.values.tolist() == [["Russia (RU)", "3"], ["Ukraine (UA)", "1,653"]]
    assert "dtype" not in format_table(counts)
    support = pd.DataFrame({"UA": [3, 5]}, index=["Law", "Total"])
    out = for_people(support, lang="nl")
    assert list(out.columns) == ["", "Oekraïne"]
    assert out.iloc[:, 0].tolist() == ["Law", "Totaal"]


def test_unknown_language_is_refused():
    with pytest.raises(ValueError, match="lang"):
        for_people(pd.DataFrame({"a": [1]}), lang="de")


def test_a_real_horizon_export_reads_as_text_for_people(realdata):
    """CORDIS participations of a real home organisation: exposure and ties, both languages."""
    ties = kv.read_horizon(
        realdata / "horizon/cordis_participations_NZ_CA_pacific_2024-05.xlsx", home="998082180"
    )
    at = pd.Timestamp("2021-01-01")
    published = {
        "exposure": kv.exposure(ties, by="country", at=at),
        "ties": ties.drop(columns=[c for c in ties.columns if c.startswith("source_")]),
    }
    for lang in LANGS:
        for name, table in published.items():
            out = for_people(table, lang=lang)
            cells = [str(v) for v in out.to_numpy().ravel()]
            bad = [c for c in cells if BAD_TOKENS.search(c) or c == ""]
            assert not bad, f"{name} ({lang}): {bad[:3]}"
            html_text = format_table(table.head(50), lang=lang)
            assert "<NA>" not in html_text and "nan<" not in html_text
        names = for_people(published["exposure"], lang=lang).iloc[:, 0]
        assert names.str.fullmatch(r".+ \([A-Z]{2}\)").all()  # a name beside every code


def test_multiindex_columns_are_labelled_part_by_part():
    m = pd.DataFrame([[1, 2]], columns=pd.MultiIndex.from_tuples([("phd", "UA"), ("phd", "RU")]))
    assert list(for_people(m, lang="nl").columns) == [
        "Promovendi / Oekraïne",
        "Promovendi / Rusland",
    ]
