"""The quarterly dashboard and the rendered report: files, manifest, privacy, and a real browser."""

from __future__ import annotations

import base64
import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import openpyxl
import pandas as pd
import pytest

import kvanalytics as kv
from kvanalytics.errors import KvError
from kvanalytics.report import (
    file_sha256,
    latest_complete_quarter,
    quarterly_dashboard,
    render_report,
)
from kvanalytics.schemas import GROUPS

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
QUARTER = "2026Q3"
#: charts the report notebooks save, one PNG and one SVG each
CHARTS = {
    "top_countries",
    "heatmap_country_faculty",
    "trends_by_faculty",
    "risk_tiers_over_time",
    "people_by_country",
    "impact_comparison",
}
#: the report's section headings, in order: each must be in the page
HEADINGS = [
    "Quarterly exposure dashboard",
    "Where are the ties?",
    "Country × faculty",
    "Quarterly trends per faculty",
    "Risk tiers over time",
    "People by nationality and group",
    "Freeze impact",
    "Timeline",
    "Ingest: what came in, what was rejected",
]
PEOPLE = [*GROUPS, "students", "staff"]


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
# quarterly_dashboard
# ------------------------------------------------------------------------------------------------


def test_dashboard_headline_matches_exposure(tables):
    p, h = tables
    dash = quarterly_dashboard(p, h, quarter=QUARTER)
    head = dash.headline.set_index("metric")["value"]
    at = pd.Timestamp("2026-09-30")
    active = kv.exposure(p, by=("country",), at=at)["agreements_active"]
    assert head["agreements_active"] == active.sum() > 0
    assert head["countries"] == (active > 0).sum()
    previous = kv.exposure(p, by=("country",), at=pd.Timestamp("2026-06-30"))
    assert head["agreements_active_previous_quarter"] == previous["agreements_active"].sum()
    assert head["agreements_in_tier_2_or_3_countries"] <= head["agreements_active"]
    assert dash.parameters["at"] == "2026-09-30"
    assert set(dash.figures) == CHARTS - {"impact_comparison"}


def test_dashboard_publishes_people_suppressed(tables):
    p, h = tables
    published = quarterly_dashboard(p, h, quarter=QUARTER)
    internal = quarterly_dashboard(p, h, quarter=QUARTER, suppress=False)
    assert _small_numbers(internal.tables["by_country"], PEOPLE) > 0, "the sample has small cells"
    assert _small_numbers(published.tables["by_country"], PEOPLE) == 0
    assert (published.tables["by_country"][PEOPLE].astype(str) == "<5").any().any()
    # people are not published per country x faculty: a country total minus its faculty cells
    # would give hidden ones back (and at that grain nearly every cell is small)
    assert not set(PEOPLE) & set(published.tables["by_country_faculty"].columns)


def test_people_chart_ranks_by_what_is_shown(tables):
    p, h = tables
    dash = quarterly_dashboard(p, h, quarter=QUARTER)
    ax = dash.figures["people_by_country"].axes[0]
    top = [t.get_text() for t in ax.get_yticklabels()][:3]
    by_country = dash.tables["by_country"].set_index("country_name")
    shown = by_country[list(GROUPS)].map(lambda v: v if isinstance(v, int | float) else 0)
    expected = shown.sum(axis=1).sort_values(ascending=False).index[:3].tolist()
    assert top == expected


def test_people_chart_marks_exactly_the_cells_the_table_hides(tables):
    p, h = tables
    dash = quarterly_dashboard(p, h, quarter=QUARTER)
    ax = dash.figures["people_by_country"].axes[0]
    drawn = [t.get_text() for t in ax.get_yticklabels()]
    table = dash.tables["by_country"].set_index("country_name")
    rows = table.loc[drawn, [g for g in GROUPS if g in table.columns]]
    hidden = sorted(v for v in rows.to_numpy().ravel() if isinstance(v, str))
    assert hidden and sorted(t.get_text() for t in ax.texts) == hidden


def test_dashboard_dutch_labels_and_save(tables, tmp_path):
    p, h = tables
    dash = quarterly_dashboard(p, h, quarter=QUARTER, lang="nl")
    ax = dash.figures["top_countries"].axes[0]
    words = " ".join([ax.get_title(), ax.get_xlabel(), ax.get_ylabel()])
    assert "Actieve overeenkomsten" in words
    written = dash.save(tmp_path, sources=[RAW / "sample_partnerships.csv"])
    names = {w.name for w in written}
    assert {f"{c}.{ext}" for c in dash.figures for ext in ("png", "svg")} <= names
    wb = openpyxl.load_workbook(tmp_path / "tables.xlsx", read_only=True)
    assert wb.sheetnames[0] == "About"
    assert {"headline", "by_country", "by_country_faculty"} <= set(wb.sheetnames)


def test_latest_complete_quarter():
    assert latest_complete_quarter(pd.Timestamp("2026-12-02")) == "2026Q3"
    assert latest_complete_quarter(pd.Timestamp("2026-01-01")) == "2025Q4"


def test_render_report_rejects_bad_arguments(tmp_path):
    with pytest.raises(KvError, match="not a quarter"):
        render_report(quarter="2026-Q9", data_dir=RAW, out_dir=tmp_path)
    with pytest.raises(KvError, match="lang"):
        render_report(quarter=QUARTER, data_dir=RAW, lang="de", out_dir=tmp_path)
    with pytest.raises(KvError, match=r"sample_partnerships\.csv"):
        render_report(quarter=QUARTER, data_dir=tmp_path, out_dir=tmp_path / "o")


# ------------------------------------------------------------------------------------------------
# The rendered report (notebooks 03, 04, 01 through papermill), once for the module
# ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("report")
    return render_report(quarter=QUARTER, data_dir=RAW, out_dir=out, timeout=300)


def test_report_writes_every_output(report):
    assert (report / "report.html").stat().st_size > 50_000
    charts = {f.name for f in (report / "charts").iterdir()}
    assert {f"{c}.{ext}" for c in CHARTS for ext in ("png", "svg")} <= charts
    wb = openpyxl.load_workbook(report / "tables.xlsx", read_only=True)
    assert "by_country_faculty" in wb.sheetnames


def test_report_html_has_no_code_and_no_small_numbers(report):
    html = (report / "report.html").read_text(encoding="utf-8")
    assert "import kvanalytics" not in html  # code cells are left out
    assert "quarterly_dashboard(" not in html
    assert "&lt;5" in html  # suppressed cells are shown as <5


def test_manifest_records_inputs_parameters_and_versions(report):
    manifest = json.loads((report / "manifest.json").read_text(encoding="utf-8"))
    inputs = {Path(i["path"]).name: i for i in manifest["inputs"]}
    assert {"sample_partnerships.csv", "sample_headcounts.xlsx"} <= set(inputs)
    for name, item in inputs.items():
        assert item["sha256"] == file_sha256(RAW / name)
        assert item["bytes"] == (RAW / name).stat().st_size
    assert manifest["parameters"]["quarter"] == QUARTER
    assert manifest["parameters"]["risk_profile"] == "freedom-house-2024"
    assert {"python", "kvanalytics", "pandas", "matplotlib"} <= set(manifest["versions"])
    assert "report.html" in manifest["outputs"]
    assert all((report / o).exists() for o in manifest["outputs"])
    # no derivable suppressed cell is left in what was published
    assert not any("can still be derived" in w for w in manifest["warnings"])


# ------------------------------------------------------------------------------------------------
# Headless Chromium: the page renders, every chart is there, no error text
# ------------------------------------------------------------------------------------------------


class _Page(HTMLParser):
    """Visible text and images of a page (script and style left out)."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.images: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        if tag == "img":
            self.images.append(dict(attrs).get("src") or "")

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.text.append(data)


def _chromium() -> str:
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        pytest.skip("chromium not installed (.ci/run installs Debian's package)")
    return exe


def _run_chromium(exe: str, tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp / 'profile'}",
        "--virtual-time-budget=10000",
    ]
    return subprocess.run(
        [exe, *flags, *args], capture_output=True, text=True, timeout=120, check=False
    )


@pytest.mark.browser
def test_report_renders_in_headless_chromium(report, tmp_path):
    exe = _chromium()
    url = (report / "report.html").as_uri()
    dom = _run_chromium(exe, tmp_path, "--dump-dom", url)
    assert dom.returncode == 0, dom.stderr[-2000:]
    page = _Page()
    page.feed(dom.stdout)
    text = re.sub(r"\s+", " ", " ".join(page.text))
    for heading in HEADINGS:
        assert heading in text
    for bad in ("Traceback", "Error:", "Exception", "NameError", "KeyError"):
        assert bad not in text, f"{bad!r} in the rendered page"
    # every chart of the report is embedded, and each is a real PNG
    pngs = [s for s in page.images if s.startswith("data:image/png;base64,")]
    assert len(pngs) >= len(CHARTS) + 1  # + the impact timeline, shown but not saved
    for src in pngs:
        data = base64.b64decode(src.split(",", 1)[1])
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5_000
    # and the page paints: a screenshot that is not blank
    shot = tmp_path / "page.png"
    run = _run_chromium(exe, tmp_path, f"--screenshot={shot}", "--window-size=1280,2000", url)
    assert run.returncode == 0 and shot.exists(), run.stderr[-2000:]
    import matplotlib.image as mpimg

    pixels = mpimg.imread(shot)
    assert pixels.std() > 0.05  # not a blank page
