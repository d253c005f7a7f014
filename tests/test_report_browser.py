"""The rendered report in a real browser (Playwright + Debian's Chromium), in English and Dutch.

Each report is rendered once for the module. The page must have every section, and its
*visible* text must hold no ``NaN``, ``<NA>``, ``dtype``, ``Traceback``, snake_case identifier
or table cell cut with ``...``/``…``; the PDF must have pages and text. The first screen of each
is saved to ``docs/report-en.png`` / ``docs/report-nl.png`` (the README shows them).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from kvanalytics.project import project_from_options
from kvanalytics.report import render_report
from kvanalytics.report._render import SECTION_IDS

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
DUTCH = ROOT / "tests" / "data" / "dutch_export_cp1252.csv"
QUARTER = "2026Q3"
SNAKE = re.compile(r"\b[a-z]+_[a-z_]+\b")
BAD = ("NaN", "<NA>", "dtype", "Traceback", "Error:")
#: Visible words that may hold an underscore: the names of the input files, which the "Data
#: used" section must show as they are so that a reader can find the file (and its hash).
ALLOWED_SNAKE = {"sample_partnerships", "sample_headcounts", "dutch_export_cp1252"}
HEADINGS = {
    "en": {"summary": "Executive summary", "contents": "Contents"},
    "nl": {"summary": "Samenvatting", "contents": "Inhoud"},
}


def _chromium() -> str:
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        pytest.skip("chromium not installed (.ci/run installs Debian's package)")
    return exe


@pytest.fixture(scope="module")
def browser():
    exe = _chromium()
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=["--no-sandbox"])
        yield b
        b.close()


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> dict[str, Path]:
    """The sample report in en and nl (with PDF), and a Dutch export without headcounts."""
    _chromium()
    out = {
        lang: render_report(
            ROOT / "kvanalytics.yaml",
            quarter=QUARTER,
            lang=lang,
            out_dir=tmp_path_factory.mktemp(f"report-{lang}"),
        )
        for lang in ("en", "nl")
    }
    export = project_from_options(partnerships=[DUTCH], root=ROOT, lang="nl")
    out["export"] = render_report(
        export, quarter=QUARTER, out_dir=tmp_path_factory.mktemp("export"), pdf=False
    )
    return out


def _visible(page) -> tuple[str, list[str]]:
    text = page.inner_text("body")
    cells = page.eval_on_selector_all("td, th", "els => els.map(e => e.innerText.trim())")
    return text, cells


def _check_visible(text: str, cells: list[str]) -> None:
    for bad in BAD:
        assert bad not in text, f"{bad!r} in the visible text"
    snake = set(SNAKE.findall(text)) - ALLOWED_SNAKE
    assert not snake, f"identifiers in the visible text: {sorted(snake)[:10]}"
    cut = [c for c in cells if c.endswith(("...", "…"))]
    assert not cut, f"cells cut: {cut[:5]}"


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_report_reads_well_in_chromium(reports, browser, lang):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto((reports[lang] / "report.html").as_uri())
    for sid in (*SECTION_IDS, "contents"):
        assert page.locator(f"#{sid} h2").count() == 1, f"section {sid} missing"
    assert page.inner_text("#summary h2") == HEADINGS[lang]["summary"]
    assert page.inner_text("#contents h2") == HEADINGS[lang]["contents"]
    assert page.get_attribute("html", "lang") == lang
    text, cells = _visible(page)
    _check_visible(text, cells)
    # every chart is an image the browser decoded
    sizes = page.eval_on_selector_all("img", "els => els.map(e => e.naturalWidth)")
    assert len(sizes) >= 7 and min(sizes) > 100
    docs = ROOT / "docs"
    page.screenshot(path=str(docs / f"report-{lang}.png"))
    page.close()


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_the_pdf_has_pages_and_text(reports, lang):
    pypdf = pytest.importorskip("pypdf")
    reader = pypdf.PdfReader(str(reports[lang] / "report.pdf"))
    assert len(reader.pages) >= 3
    text = " ".join(page.extract_text() or "" for page in reader.pages)
    assert HEADINGS[lang]["summary"] in text
    assert "NaN" not in text and "<NA>" not in text


def test_an_export_without_headcounts_reads_well(reports, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto((reports["export"] / "report.html").as_uri())
    text, cells = _visible(page)
    _check_visible(text, cells)
    assert "dutch_export_cp1252.csv" in page.inner_text("#inputs")
    assert page.locator("#people .notice").count() == 1  # says people are left out
    page.close()
