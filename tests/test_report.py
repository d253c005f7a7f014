"""The report's numbers (summary, dashboard, scenarios), its files, manifest and privacy.

What the report shows is computed by library functions returning tidy frames; each is checked
here against an independent count. The rendered page itself is checked in a real browser in
tests/test_report_browser.py.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import openpyxl
import pandas as pd
import pytest

import kvanalytics as kv
from kvanalytics import cli
from kvanalytics import scenarios as sc
from kvanalytics.errors import KvError
from kvanalytics.project import file_sha256, project_from_options
from kvanalytics.report import (
    key_figures,
    latest_complete_quarter,
    quarterly_dashboard,
    render_report,
    risk_tie_changes,
    scenario_headline,
)
from kvanalytics.schemas import GROUPS

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
DUTCH = ROOT / "tests" / "data" / "dutch_export_cp1252.csv"
QUARTER = "2026Q3"
AT = pd.Timestamp("2026-09-30")
#: charts the report saves (PNG) and shows
CHARTS = {
    "top_countries",
    "heatmap_country_faculty",
    "trends_by_faculty",
    "risk_tiers_over_time",
    "people_by_country",
    "impact_comparison",
    "impact_timeline",
}
PEOPLE = [*GROUPS, "students", "staff"]
SEEDS = ["nl-2022-freeze", "be-2022-rur-signatories", "no-2023-risk-based"]


@pytest.fixture(scope="module")
def tables() -> tuple[pd.DataFrame, pd.DataFrame]:
    p = kv.read_partnerships(RAW / "sample_partnerships.csv", errors="collect").table
    h = kv.read_headcounts(RAW / "sample_headcounts.xlsx", errors="collect").table
    return p, h


def _small_numbers(df: pd.DataFrame, cols: list[str]) -> int:
    """Cells published as a number 1..4 (what suppression must never leave)."""
    n = 0
    for c in cols:
        if c in df.columns:
            n += sum(pd.api.types.is_number(v) and 1 <= v <= 4 for v in df[c])
    return n


# ------------------------------------------------------------------------------------------------
# Ingest checks (moved here from notebook 01): every row read is accepted or rejected
# ------------------------------------------------------------------------------------------------


def test_ingest_accounts_for_every_row():
    for read, path in [
        (kv.read_partnerships, RAW / "sample_partnerships.csv"),
        (kv.read_headcounts, RAW / "sample_headcounts.xlsx"),
    ]:
        result = read(path, errors="collect")
        assert result.report.read == result.report.accepted + result.report.rejected
        assert len(result.table) == result.report.accepted
        assert len(result.rejects) == result.report.rejected


# ------------------------------------------------------------------------------------------------
# key_figures: the summary's numbers, each against an independent count
# ------------------------------------------------------------------------------------------------


def _independent(p: pd.DataFrame, at: pd.Timestamp) -> tuple[int, int, float]:
    start, end = pd.to_datetime(p["start"]), pd.to_datetime(p["end"])
    ended_before = (p["status"].astype("string") == "ended") & (end < at)
    active = p[(start <= at) & (end.isna() | (at <= end)) & ~ended_before.fillna(False)]
    money = active.drop_duplicates("agreement_id")["value_eur"].astype("Float64").sum()
    return active["agreement_id"].nunique(), len(active), float(money)


def test_key_figures_count_agreements_ties_and_money_at_three_days(tables):
    p, h = tables
    figures = key_figures(p, h, quarter=QUARTER).set_index("metric")
    for col, day in [
        ("current", AT),
        ("previous_quarter", pd.Timestamp("2026-06-30")),
        ("year_before", pd.Timestamp("2025-09-30")),
    ]:
        agreements, ties, money = _independent(p, day)
        assert figures.loc["agreements_active", col] == agreements > 0
        assert figures.loc["ties_active", col] == ties
        assert figures.loc["value_eur", col] == pytest.approx(money)
    row = figures.loc["agreements_active"]
    assert row["change_quarter"] == row["current"] - row["previous_quarter"]
    assert row["change_year"] == row["current"] - row["year_before"]
    assert figures.loc["countries", "current"] == kv.exposure(p, at=AT)["country"].nunique()


def test_key_figures_high_risk_rows_use_the_profile(tables):
    p, h = tables
    figures = key_figures(p, h, quarter=QUARTER).set_index("metric")
    tiers = kv.risk_tiers("freedom-house-2024").set_index("country")["tier"]
    high = p[p["country"].map(tiers).fillna(0).astype(int) >= 2]
    agreements, _, money = _independent(high, AT)
    assert figures.loc["agreements_high_risk", "current"] == agreements > 0
    assert figures.loc["value_eur_high_risk", "current"] == pytest.approx(money)
    assert (
        figures.loc["agreements_high_risk", "current"]
        <= figures.loc["agreements_active", "current"]
    )


def test_key_figures_people_are_published_and_left_out_without_headcounts(tables):
    p, h = tables
    with_people = key_figures(p, h, quarter=QUARTER).set_index("metric")
    assert with_people.loc["people_high_risk", "unit"] == "people"
    # a threshold above every count shows every cell suppressed and every change hidden
    hidden = key_figures(p, h, quarter=QUARTER, threshold=10**6).set_index("metric")
    assert str(hidden.loc["people_high_risk", "current"]).startswith("<")
    assert hidden.loc["people_high_risk", "change_quarter"] == "x"
    without = key_figures(p, None, quarter=QUARTER)
    assert "people_high_risk" not in set(without["metric"])
    assert with_people.drop("people_high_risk").equals(without.set_index("metric"))


def test_key_figures_do_not_change_their_input(tables):
    p, h = tables
    before = p.copy()
    key_figures(p, h, quarter=QUARTER)
    pd.testing.assert_frame_equal(p, before)


def test_risk_tie_changes_lists_starts_and_ends_in_high_risk_countries(tables):
    p, _ = tables
    ties = risk_tie_changes(p, quarter=QUARTER)
    assert set(ties["quarter"]) <= {"2026Q3", "2026Q4"}
    assert (ties["risk_tier"] >= 2).all()
    tiers = kv.risk_tiers("freedom-house-2024").set_index("country")["tier"]
    high = p[p["country"].map(tiers).fillna(0).astype(int) >= 2]
    start, end = pd.to_datetime(high["start"]), pd.to_datetime(high["end"])
    q4 = (pd.Timestamp("2026-10-01"), pd.Timestamp("2026-12-31"))
    assert ties.loc[ties["quarter"] == "2026Q4", "ties_starting"].sum() == start.between(*q4).sum()
    assert ties.loc[ties["quarter"] == "2026Q4", "ties_ending"].sum() == end.between(*q4).sum()


def test_scenario_headline_is_published_side_by_side(tables):
    p, h = tables
    impacts = [sc.impact(name, p, h) for name in SEEDS]
    headline = scenario_headline(impacts)
    assert list(dict.fromkeys(headline["scenario"])) == SEEDS
    people = headline[headline["unit"] == "people"]
    assert _small_numbers(people, ["low", "central", "high"]) == 0
    frozen = headline.query("metric == 'agreements_frozen'").set_index("scenario")["central"]
    assert frozen["nl-2022-freeze"] > frozen["be-2022-rur-signatories"] > 0


def test_the_national_seed_check_917_ukrainian_and_1653_russian_students(tables):
    """Seed 000 (moved here from notebook 04): the support population of the NL freeze on the
    real national figures of March 2022 is 917 Ukrainian and 1,653 Russian students."""
    p, _ = tables
    national = kv.read_headcounts(RAW / "national_2022-03_students.csv", errors="collect").table
    summary = sc.impact("nl-2022-freeze", p, national).summary.set_index("metric")
    assert summary.loc["support_population_UA", "central"] == 917
    assert summary.loc["support_population_RU", "central"] == 1653


# ------------------------------------------------------------------------------------------------
# quarterly_dashboard
# ------------------------------------------------------------------------------------------------


def test_dashboard_headline_matches_exposure(tables):
    p, h = tables
    dash = quarterly_dashboard(p, h, quarter=QUARTER)
    head = dash.headline.set_index("metric")["value"]
    active = kv.exposure(p, by=("country",), at=AT)["agreements_active"]
    assert head["agreements_active"] == active.sum() > 0
    assert head["countries"] == (active > 0).sum()
    assert dash.parameters["at"] == "2026-09-30"
    assert set(dash.figures) == CHARTS - {"impact_comparison", "impact_timeline"}


def test_dashboard_publishes_people_suppressed(tables):
    p, h = tables
    published = quarterly_dashboard(p, h, quarter=QUARTER)
    internal = quarterly_dashboard(p, h, quarter=QUARTER, suppress=False)
    assert _small_numbers(internal.tables["by_country"], PEOPLE) > 0, "the sample has small cells"
    assert _small_numbers(published.tables["by_country"], PEOPLE) == 0
    assert (published.tables["by_country"][PEOPLE].astype(str) == "<5").any().any()
    assert not set(PEOPLE) & set(published.tables["by_country_faculty"].columns)


def test_people_chart_marks_exactly_the_cells_the_table_hides(tables):
    p, h = tables
    dash = quarterly_dashboard(p, h, quarter=QUARTER)
    ax = dash.figures["people_by_country"].axes[0]
    drawn = [t.get_text() for t in ax.get_yticklabels()]
    table = dash.tables["by_country"].set_index("country_name")
    rows = table.loc[drawn, [g for g in GROUPS if g in table.columns]]
    hidden = sorted(v for v in rows.to_numpy().ravel() if isinstance(v, str))
    assert hidden and sorted(t.get_text() for t in ax.texts) == hidden


def test_latest_complete_quarter():
    assert latest_complete_quarter(pd.Timestamp("2026-12-02")) == "2026Q3"
    assert latest_complete_quarter(pd.Timestamp("2026-01-01")) == "2025Q4"


def test_render_report_rejects_bad_arguments(tmp_path):
    with pytest.raises(KvError, match="not a quarter"):
        render_report(quarter="2026-Q9", data_dir=RAW, out_dir=tmp_path, pdf=False)
    with pytest.raises(KvError, match="lang"):
        render_report(quarter=QUARTER, data_dir=RAW, lang="de", out_dir=tmp_path, pdf=False)
    with pytest.raises(KvError, match=r"sample_partnerships\.csv"):
        render_report(quarter=QUARTER, data_dir=tmp_path, out_dir=tmp_path / "o", pdf=False)


# ------------------------------------------------------------------------------------------------
# The rendered report on the sample, once for the module (the PDF is the browser file's)
# ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    """The sample report where Chromium is absent (KV_CHROMIUM names no program): the HTML is
    written and the manifest says the PDF was skipped and how to get it."""
    out = tmp_path_factory.mktemp("report")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("KV_CHROMIUM", str(out / "no-chromium-here"))
        return render_report(ROOT / "kvanalytics.yaml", quarter=QUARTER, out_dir=out)


def test_report_writes_every_output(report):
    assert (report / "report.html").stat().st_size > 50_000
    charts = {f.name for f in (report / "charts").iterdir()}
    assert {f"{c}.png" for c in CHARTS} <= charts
    wb = openpyxl.load_workbook(report / "tables.xlsx", read_only=True)
    assert wb.sheetnames[0] == "About"
    assert len(wb.sheetnames) == 1 + 2 + 5  # summary, scenarios, headline and 4 tables


def test_report_html_shows_no_code_and_suppressed_people(report):
    html = (report / "report.html").read_text(encoding="utf-8")
    assert "import kvanalytics" not in html
    assert "&lt;5" in html  # suppressed cells are shown as <5
    for sid in ("summary", "contents", "exposure", "people", "impact", "inputs", "about"):
        assert f'id="{sid}"' in html


def test_manifest_has_the_published_headline_and_every_input(report):
    manifest = json.loads((report / "manifest.json").read_text(encoding="utf-8"))
    head = manifest["headline"]
    p = kv.read_partnerships(RAW / "sample_partnerships.csv", errors="collect").table
    agreements, ties, money = _independent(p, AT)
    assert head["agreements_active"] == agreements
    assert head["ties_active"] == ties
    assert head["value_eur"] == pytest.approx(money)
    assert head["countries"] == kv.exposure(p, at=AT)["country"].nunique()
    assert isinstance(head["people_high_risk"], int | str)
    inputs = {i["path"]: i for i in manifest["inputs"]}
    assert set(inputs) == {"data/raw/sample_partnerships.csv", "data/raw/sample_headcounts.xlsx"}
    for path, item in inputs.items():
        assert item["sha256"] == file_sha256(ROOT / path)
        assert item["bytes"] == (ROOT / path).stat().st_size
        assert item["rows_read"] == item["rows_accepted"] + item["rows_rejected"]
    assert manifest["parameters"]["quarter"] == QUARTER
    assert manifest["parameters"]["risk_profiles"] == ["freedom-house", "eu-restrictive-measures"]
    assert manifest["pdf"]["written"] is False
    assert (
        "KV_CHROMIUM" in manifest["pdf"]["reason"]
        and "apt install chromium" in manifest["pdf"]["fix"]
    )
    assert not (report / "report.pdf").exists()
    assert {"python", "kvanalytics", "pandas", "matplotlib"} <= set(manifest["versions"])
    assert "report.html" in manifest["outputs"]
    assert all((report / o).exists() for o in manifest["outputs"])


def _texts(folder: Path) -> dict[str, str]:
    """Every output as text: HTML, JSON, SVG, and the XML inside the workbook."""
    out = {}
    for f in folder.rglob("*"):
        if f.suffix in (".html", ".json", ".svg", ".csv"):
            out[str(f.relative_to(folder))] = f.read_text(encoding="utf-8", errors="replace")
        elif f.suffix == ".xlsx":
            with zipfile.ZipFile(f) as z:
                for name in z.namelist():
                    out[f"{f.name}:{name}"] = z.read(name).decode("utf-8", errors="replace")
    return out


def test_no_absolute_path_of_the_machine_in_any_output(report):
    machine = [str(ROOT), str(report), str(Path.home()), "/tmp/", "/work/", "C:\\"]
    for name, text in _texts(report).items():
        for path in machine:
            assert path not in text, f"{path} in {name}"


# ------------------------------------------------------------------------------------------------
# A real export under its own name, without headcounts: the report says so and renders
# ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dutch_report(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dutch")
    project = project_from_options(partnerships=[DUTCH], root=ROOT, lang="nl")
    return render_report(project, quarter=QUARTER, out_dir=out, pdf=False)


def test_an_export_without_headcounts_renders_and_says_people_are_left_out(dutch_report):
    manifest = json.loads((dutch_report / "manifest.json").read_text(encoding="utf-8"))
    assert [i["path"] for i in manifest["inputs"]] == ["tests/data/dutch_export_cp1252.csv"]
    assert manifest["inputs"][0]["sha256"] == file_sha256(DUTCH)
    assert "people_high_risk" not in manifest["headline"]
    assert any("headcounts" in w.lower() for w in manifest["warnings"])
    html = (dutch_report / "report.html").read_text(encoding="utf-8")
    assert 'id="people"' in html and "people_by_country" not in html
    assert not (dutch_report / "charts" / "people_by_country.png").exists()
    for name, text in _texts(dutch_report).items():
        assert str(ROOT) not in text, name


# ------------------------------------------------------------------------------------------------
# The command line
# ------------------------------------------------------------------------------------------------


def test_cli_report_passes_a_project_built_from_the_options(monkeypatch, tmp_path, capsys):
    seen = {}

    def render(project, **kwargs):
        seen.update(kwargs, project=project)
        (tmp_path / "manifest.json").write_text(
            json.dumps({"pdf": {"written": False, "reason": "r", "fix": "f"}})
        )
        return tmp_path

    monkeypatch.setattr(cli, "render_report", render)
    argv = [
        "report",
        "--partnerships",
        str(DUTCH),
        "--set",
        "kind=exchange",
        "--quarter",
        "2026q3",
        "--lang",
        "nl",
        "--out",
        str(tmp_path),
    ]
    assert cli.main(argv) == 0
    project = seen["project"]
    assert project.inputs[0].paths == (DUTCH.resolve(),)
    assert dict(project.inputs[0].defaults) == {"kind": "exchange"}
    assert seen["quarter"] == "2026Q3" and seen["lang"] == "nl" and seen["out_dir"] == tmp_path
    out, err = capsys.readouterr()
    assert out == f"wrote {tmp_path / 'report.html'}\n"
    assert "PDF skipped: r; f" in err


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (
            ["--project", "kvanalytics.yaml", "--data", "data/raw"],
            "--project conflicts with --data",
        ),
        (["--project", "nope.yaml"], "--project nope.yaml: no such file"),
        (["--headcounts", "data/raw/sample_headcounts.xlsx"], "--headcounts needs"),
        (["--horizon", "data/raw/sample_partnerships.csv"], "--horizon needs --home"),
        (["--partnerships", "nope.csv"], "--partnerships nope.csv: no such file"),
    ],
)
def test_cli_report_option_errors_exit_2(argv, expected, monkeypatch, capsys):
    monkeypatch.chdir(ROOT)
    monkeypatch.setattr(cli, "render_report", lambda *a, **k: pytest.fail("rendered"))
    assert cli.main(["report", *argv]) == 2
    err = capsys.readouterr().err
    assert expected in err and "Traceback" not in err


def test_a_new_user_renders_their_own_export_with_one_command(tmp_path, monkeypatch, capsys):
    """From a folder of one's own: the export under its own name, no headcounts, no PDF."""
    export = tmp_path / "Overeenkomsten export 2026.csv"
    export.write_bytes(DUTCH.read_bytes())
    monkeypatch.chdir(tmp_path)
    argv = ["report", "--partnerships", export.name, "--quarter", QUARTER, "--lang", "nl"]
    assert cli.main([*argv, "--out", "rapport", "--no-pdf"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("wrote ") and out.endswith(f"{Path('rapport') / 'report.html'}\n")
    assert "headcounts" in err.lower() and "Traceback" not in err
    manifest = json.loads((tmp_path / "rapport" / "manifest.json").read_text(encoding="utf-8"))
    assert [i["path"] for i in manifest["inputs"]] == [export.name]
    assert manifest["parameters"]["lang"] == "nl"
    assert list((tmp_path / "data" / "processed").glob("partnerships-*.parquet"))  # the cache


def test_the_sample_report_says_why_no_economic_value_is_at_stake(report):
    html = (report / "report.html").read_text(encoding="utf-8")
    assert "Economic value at stake" in html
    assert "None of the compared scenarios stops degree students" in html


def test_a_scenario_that_stops_degree_students_shows_its_economic_value(tmp_path, tables):
    scenario = tmp_path / "stop-degree-students.yaml"
    scenario.write_text(
        "name: stop-degree-students\n"
        "effective: 2022-03-04\n"
        "targets: {countries: [RU, BY]}\n"
        "measures: {freeze_institutional: true, stop_exchange_in: true}\n"
        "assumptions:\n"
        "  tuition_eur_per_year: {value: [2500, 2500, 15000], source: fee table 2022/23}\n"
        "  study_years: [3, 3, 4]\n"
        "  years_remaining: [1, 1.5, 2]\n"
        "  horizon_years: 3\n",
        encoding="utf-8",
    )
    project = project_from_options(data_dir=RAW, scenarios=[str(scenario)], lang="nl")
    out = render_report(project, quarter=QUARTER, out_dir=tmp_path / "out", pdf=False)
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "Economische waarde op het spel" in html and "Geen van de vergeleken" not in html
    assert kv.i18n.label("tuition_eur_lost", "nl") in html
    imp = sc.impact(sc.load_scenario(scenario), *tables)
    lost = imp.summary.set_index("metric").loc["tuition_eur_lost", "central"]
    assert lost > 0  # the figures reach the report's table, central 2,500 x 1.5 years each


def test_scenario_totals_and_faculty_tables_are_published_together(tables):
    """On the sample, NL's support population from Russia in Rechtsgeleerdheid (8) was shown
    beside a hidden (<5) faculty and the published total: total - shown gave the hidden one
    back. Published together, the 8 (and its cost) is hidden too; the headline is unchanged."""
    from kvanalytics.privacy import published
    from kvanalytics.report._summary import published_scenarios

    p, h = tables
    impacts = [sc.impact(n, p, h) for n in ("nl-2022-freeze", "be-2022-rur-signatories")]
    headline, by_faculty = published_scenarios(impacts)
    assert headline.astype(str).equals(published(kv.compare(impacts)).astype(str))
    nl = by_faculty["nl-2022-freeze"].set_index(["faculty", "metric"])["central"]
    alone = published(impacts[0].by_faculty).set_index(["faculty", "metric"])["central"]
    key = ("Rechtsgeleerdheid", "support_population_RU")
    assert alone[key] == 8 and nl[key] == "x"
    assert nl[("Rechtsgeleerdheid", "support_cost_eur_RU")] == "x"
    ru = nl.xs("support_population_RU", level="metric")
    assert ru.map(lambda v: isinstance(v, str)).sum() >= 2  # no single hidden cell


def test_key_figures_note_is_empty_where_nothing_is_hidden(tables):
    p, h = tables
    figures = key_figures(p, h, quarter=QUARTER)
    assert "note" in figures.columns and figures["note"].isna().all()
