"""``render_report``: the project's inputs -> one self-contained ``report.html`` (+ PDF, Excel,
charts, manifest), rendered by the library in one process.

Why not notebooks: DESIGN.md had the report rendered from parameterised notebooks without code
cells. Each notebook costs a kernel start and a conversion (~2.4 s each, the benchmark's
reference), hides its numbers in cells a test cannot call, and leaks pandas reprs (``dtype``
lines, index columns, ``NaN``) into a board document. Here every number comes from a library
function that returns a tidy frame (:mod:`._summary`, :mod:`._dashboard`), every table is shown
by one formatter (:mod:`._show`), each chart is drawn once and embedded from the PNG that is also
saved, and the page comes from one template (``kvanalytics/templates/report.html.j2``). The
notebooks stay for analysts: they call the same functions on a project file.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import warnings
from dataclasses import replace
from pathlib import Path
from typing import Any

import jinja2
import matplotlib.pyplot as plt
import pandas as pd

from .. import config, plots
from ..errors import OptionError
from ..i18n import format_quarter, has_label, label, note_text
from ..project import (
    Inputs,
    Project,
    load_project,
    project_from_options,
    read_inputs,
    split_names,
    version,
)
from ..reference import load_risk_profile
from ..scenarios import ECONOMIC_METRICS, Impact, impact, load_scenario
from ._dashboard import Dashboard, latest_complete_quarter, quarterly_dashboard
from ._manifest import write_manifest
from ._pdf import start_pdf
from ._show import show_count, show_date, show_money, show_signed, show_table
from ._summary import key_figures, published_scenarios, risk_tie_changes, scenario_headline

__all__ = ["render_report"]

TEMPLATES = config.PACKAGE_DIR / "templates"
#: Section ids in reading order (the browser test checks each is in the page).
SECTION_IDS = ("summary", "exposure", "faculties", "trends", "people", "impact", "inputs", "about")
#: PNG resolution: the page shows a chart at most 900 px wide, i.e. ~120 dpi for these figures.
_DPI = 120
_FACULTY_METRICS = ["agreements_frozen", "ties_frozen", "value_eur_stopped"]
#: The economic value at stake per faculty (seed 002), where a scenario stops degree students.
_ECONOMIC_METRICS = ["degree_students_lost", *ECONOMIC_METRICS]
#: Rows of the exposure table (the chart shows the top 15; the workbook every country).
_TOP_COUNTRIES = 25


def _project(
    project: Project | str | Path | None,
    *,
    quarter: str | None,
    data_dir: str | Path | None,
    lang: str | None,
    risk_profile: str | None,
) -> Project:
    """The project to render: given, read from a file, or the sample-style ``data_dir``."""
    if isinstance(project, str | Path):
        project = load_project(project)
    if project is None:
        project = project_from_options(
            data_dir=data_dir, risk_profile=risk_profile or "freedom-house"
        )
    changes: dict[str, Any] = {}
    if lang is not None:
        if lang not in ("en", "nl"):
            raise OptionError(f"lang {lang!r}: use 'en' or 'nl'.")
        changes["lang"] = lang
    if quarter is not None:
        try:
            pd.Period(quarter, freq="Q")
        except ValueError:
            raise OptionError(f"quarter {quarter!r} is not a quarter like 2026Q3.") from None
        changes["quarter"] = quarter
    if risk_profile is not None and project.source is not None:  # the option's lenses win
        changes["risk_profiles"] = split_names(risk_profile)
    return replace(project, **changes) if changes else project


def render_report(
    project: Project | str | Path | None = None,
    *,
    quarter: str | None = None,
    data_dir: str | Path | None = None,
    lang: str | None = None,
    risk_profile: str | None = None,
    out_dir: str | Path | None = None,
    pdf: bool = True,
    cache: bool = True,
    timeout: int = 120,
) -> Path:
    """Render the quarterly report: ``report.html``, ``report.pdf``, charts, Excel, manifest.

    Parameters
    ----------
    project : Project or path, optional
        A project (:mod:`kvanalytics.project`) or the path of its ``kvanalytics.yaml``. Without
        one, the sample-style files in ``data_dir`` (default ``data/raw``).
    quarter, lang, risk_profile : str, optional
        Override the project's (quarter default: the latest complete one).
    data_dir : path, optional
        A folder holding ``sample_partnerships.csv`` (and ``sample_headcounts.xlsx``).
    out_dir : path, optional
        Default: the project's ``output``, else ``reports/<quarter>``.
    pdf : bool
        Print ``report.pdf`` with Chromium (skipped, and said so, when there is none).
    cache : bool
        Reuse the ingest of unchanged inputs from the project's cache folder.
    timeout : int
        Seconds Chromium may take.

    Returns
    -------
    pathlib.Path
        The output folder; its ``manifest.json`` says what was written (``pdf.written``).

    Examples
    --------
    >>> render_report("kvanalytics.yaml", lang="nl")  # doctest: +SKIP
    """
    proj = _project(
        project, quarter=quarter, data_dir=data_dir, lang=lang, risk_profile=risk_profile
    )
    q = proj.quarter or latest_complete_quarter()
    out = Path(out_dir or proj.output or config.REPORTS_DIR / q).resolve()
    out.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        inputs = read_inputs(proj, cache=cache)
        content = _content(proj, inputs, q, out)
    html_path = out / "report.html"
    html_path.write_text(_page(proj, inputs, q, content), encoding="utf-8")
    job = start_pdf(html_path, out / "report.pdf") if pdf else None
    # the workbook is written while Chromium prints (a separate process)
    sources = inputs.files.rename(columns={"path": "file"})[["file", "sha256"]]
    extra = {"summary": content["key_figures"], "scenarios": content["scenarios"]}
    content["figures"].save_tables(out, sources, extra=extra)
    pdf_status = (
        job.wait(timeout)
        if job is not None
        else {
            "written": False,
            "reason": "not asked for (--no-pdf)",
            "fix": "render without --no-pdf",
        }
    )
    outputs = [html_path, *sorted((out / "charts").glob("*")), out / "tables.xlsx"]
    outputs += [out / "report.pdf"] if pdf_status.get("written") else []
    figures = content["figures"]
    write_manifest(
        out,
        inputs=inputs.files,
        parameters={**proj.parameters(), "quarter": q, "at": str(figures.parameters["at"])},
        headline=_headline(content["key_figures"]),
        outputs=outputs,
        warnings=[*inputs.notes, *sorted({str(w.message) for w in caught})],
        pdf=pdf_status,
    )
    return out


def _headline(figures: pd.DataFrame) -> dict[str, Any]:
    """The manifest's headline: each key figure's current (published) value."""
    return {
        str(m): round(v, 2) if isinstance(v, float) else v
        for m, v in zip(figures["metric"], figures["current"], strict=True)
    }


def _content(proj: Project, inputs: Inputs, quarter: str, out: Path) -> dict[str, Any]:
    """Every number and chart of the report, computed once; charts saved under ``charts/``."""
    # Every lens of the project, combined by the highest tier (one profile: itself).
    loaded = [load_risk_profile(name) for name in proj.risk_profiles]
    profile: Any = loaded[0] if len(loaded) == 1 else loaded
    p, h = inputs.partnerships, inputs.headcounts
    dash = quarterly_dashboard(
        p,
        h,
        quarter=quarter,
        risk_profile=profile,
        lang=proj.lang,
        threshold=proj.suppression_threshold,
    )
    dash.save_charts(out, formats=("png",), dpi=_DPI)  # drawn once; the page embeds the PNG
    impacts = {name: impact(load_scenario(name), p, h) for name in proj.scenarios}
    with plots.house_style():
        axes = plots.plot_compare(list(impacts.values()), lang=proj.lang)
        plots.save_figure(axes, out / "charts" / "impact_comparison", formats=("png",), dpi=_DPI)
        first = next(iter(impacts.values()))
        ax = plots.plot_impact_timeline(
            first.timeline,
            lang=proj.lang,
            title=label(
                "report_timeline", proj.lang, scenario=_scenario(first.scenario.name, proj.lang)
            ),
        )
        plots.save_figure(ax, out / "charts" / "impact_timeline", formats=("png",), dpi=_DPI)
        plt.close("all")  # the figures are saved; pyplot keeps none open
    return {
        "figures": dash,
        "key_figures": key_figures(
            p, h, quarter=quarter, risk_profile=profile, threshold=proj.suppression_threshold
        ),
        "risk_ties": risk_tie_changes(p, quarter=quarter, risk_profile=profile),
        "scenarios": scenario_headline(impacts.values(), threshold=proj.suppression_threshold),
        # each scenario's faculty table, published with its totals (as the headline shows them)
        "by_faculty": dict(
            zip(
                impacts,
                published_scenarios(impacts.values(), proj.suppression_threshold)[1].values(),
                strict=True,
            )
        ),
        "impacts": impacts,
        "charts": out / "charts",
        "partnerships": p,
    }


# ------------------------------------------------------------------------------------------------
# The page
# ------------------------------------------------------------------------------------------------


def _page(proj: Project, inputs: Inputs, quarter: str, content: dict[str, Any]) -> str:
    lang = proj.lang
    dash: Dashboard = content["figures"]
    at = pd.Timestamp(dash.parameters["at"])
    sections = [
        ("summary", "report_summary", _summary(proj, content, quarter)),
        ("exposure", "report_exposure", _exposure(proj, content)),
        ("faculties", "report_faculties", _img(content, "heatmap_country_faculty", lang)),
        ("trends", "report_trends", _trends(proj, content)),
        ("people", "report_people", _people(proj, inputs, content)),
        ("impact", "report_impact", _impact(proj, content)),
        ("inputs", "report_inputs", _inputs(proj, inputs)),
        ("about", "report_about", _about(proj)),
    ]
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=jinja2.select_autoescape(["j2"])
    )
    template = env.get_template("report.html.j2")
    today = pd.Timestamp(dt.date.today())
    return template.render(
        lang=lang,
        css=jinja2.utils.markupsafe.Markup((TEMPLATES / "report.css").read_text(encoding="utf-8")),
        title=label("report_title", lang),
        institution=proj.institution or "",
        subtitle=label(
            "report_subtitle",
            lang,
            institution=proj.institution or "kvanalytics",
            quarter=format_quarter(quarter, lang),
            date=show_date(at, lang),
        ),
        contents=label("report_contents", lang),
        sections=[
            {
                "id": i,
                "cls": i,
                "title": label(key, lang),
                "body": jinja2.utils.markupsafe.Markup(b),
            }
            for i, key, b in sections
        ],
        footer=label(
            "report_generated",
            lang,
            date=show_date(today, lang),
            version=version(),
            profile=_profile_name(proj),
        ),
    )


def _profile_name(proj: Project) -> str:
    """The project's lenses as the report names them (paths relative to the project)."""
    return " + ".join(
        proj.relative(name) if Path(name).is_absolute() else name for name in proj.risk_profiles
    )


def _p(text: str, cls: str = "note") -> str:
    return f"<p class='{cls}'>{html.escape(text)}</p>"


def _img(content: dict[str, Any], name: str, lang: str, alt: str | None = None) -> str:
    path = content["charts"] / f"{name}.png"
    if not path.is_file():
        return ""
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    text = html.escape(alt or label(name, lang))
    return f"<figure><img src='data:image/png;base64,{data}' alt='{text}'></figure>"


def _summary(proj: Project, content: dict[str, Any], quarter: str) -> str:
    lang = proj.lang
    figures: pd.DataFrame = content["key_figures"]
    rows = []
    for rec in figures.to_dict("records"):
        money = rec["unit"] == "eur_per_year"
        value = (lambda x: show_money(x, lang)) if money else (lambda x: show_count(x, lang))
        rows.append(
            {
                "report_measure": label(f"summary_{rec['metric']}", lang),
                "report_now": value(rec["current"]),
                "report_before": value(rec["previous_quarter"]),
                "report_change_before": show_signed(rec["change_quarter"], lang, money=money),
                "report_year_ago": value(rec["year_before"]),
                "report_change_year_ago": show_signed(rec["change_year"], lang, money=money),
            }
        )
    table = show_table(pd.DataFrame(rows), lang=lang, caption=label("report_key_figures", lang))
    body = f"<div class='figures-table'>{table}</div>"
    for note in figures.get("note", pd.Series(dtype="string")).dropna().unique():
        text = note_text(str(note), lang)  # why a figure is hidden (x), in the report's language
        body += _p(text if text is not None else str(note))
    if (content["figures"].tables["by_country"]["agreements_active"] == 0).all():
        body += _p(_nothing_active(proj, content), "notice")
    if (
        content["figures"].tables.get("by_country") is not None
        and "students" not in content["figures"].tables["by_country"].columns
    ):
        body += _p(label("report_no_headcounts", lang), "notice")
    body += _risk_ties(proj, content["risk_ties"], quarter)
    body += "<h3>" + html.escape(label("report_scenarios_headline", lang)) + "</h3>"
    body += _scenario_table(proj, content["scenarios"])
    body += _p(label("report_scenarios_note", lang))
    return body + _scenario_notes(proj, content["impacts"])


def _scenario_notes(proj: Project, impacts: dict[str, Impact]) -> str:
    """Why a figure of a scenario is unknown or a range: its notes written for a reader in the
    report's language (:func:`kvanalytics.i18n.note_text`; a note without a reader's text is
    for analysts and stays in the notebook and on the command line)."""
    lang, items = proj.lang, []
    for name, imp in impacts.items():
        for note in imp.notes:
            text = note_text(note, lang)
            if text is not None:
                scenario = html.escape(_scenario(name, lang))
                items.append(f"<li><strong>{scenario}</strong>: {html.escape(text)}</li>")
    if not items:
        return ""
    head = html.escape(label("report_impact_notes", lang))
    return f"<h4>{head}</h4><ul class='note'>{''.join(items)}</ul>"


def _risk_ties(proj: Project, ties: pd.DataFrame, quarter: str) -> str:
    """One table: per quarter (this, next) the high-risk countries with ties starting/ending."""
    lang = proj.lang
    period = pd.Period(quarter, freq="Q")
    rows = []
    for k, key in ((0, "report_period_this"), (1, "report_period_next")):
        q = str(period + k)
        when = label(key, lang, quarter=format_quarter(q, lang))
        part = ties[ties["quarter"] == q]
        if part.empty:
            rows.append(  # no high-risk country: "none", not an unknown country
                {
                    "report_when": when,
                    "country": label("report_no_risk_country", lang),
                    "ties_starting": 0,
                    "ties_ending": 0,
                }
            )
        for rec in part.to_dict("records"):
            rows.append(
                {
                    "report_when": when,
                    "country": rec["country"],
                    "ties_starting": rec["ties_starting"],
                    "ties_ending": rec["ties_ending"],
                }
            )
    body = "<h3>" + html.escape(label("report_risk_ties", lang)) + "</h3>"
    return body + show_table(pd.DataFrame(rows), lang=lang)


def _scenario_table(proj: Project, table: pd.DataFrame) -> str:
    lang = proj.lang
    if table.empty:
        return ""
    cells: dict[str, dict[str, str]] = {}
    for rec in table.to_dict("records"):
        money = str(rec["unit"]).startswith("eur")
        fmt = (lambda x: show_money(x, lang)) if money else (lambda x: show_count(x, lang))
        central, low, high = fmt(rec["central"]), fmt(rec["low"]), fmt(rec["high"])
        text = central if low == high == central else f"{central} ({low}–{high})"
        cells.setdefault(label(str(rec["metric"]), lang), {})[_scenario(rec["scenario"], lang)] = (
            text
        )
    frame = pd.DataFrame.from_dict(cells, orient="index").fillna("—").reset_index()
    frame = frame.rename(columns={"index": "metric"})
    return f"<div class='figures-table'>{show_table(frame, lang=lang)}</div>"


def _scenario(name: str, lang: str) -> str:
    """A scenario's display name: its label ``scenario_<name>`` if the label file has one."""
    key = f"scenario_{name}"
    return label(key, lang) if has_label(key) else str(name)


def _exposure(proj: Project, content: dict[str, Any]) -> str:
    lang = proj.lang
    dash: Dashboard = content["figures"]
    table = dash.tables["by_country"]
    cols = [
        c
        for c in (
            "country",
            "risk_tier",
            "agreements_active",
            "ties_active",
            "value_eur",
            "value_eur_unknown",
            "students",
            "staff",
        )
        if c in table.columns
    ]
    active = table[table["agreements_active"] > 0]
    if "value_eur_unknown" in active.columns:  # no known value: unknown, not "€ 0"
        unknown = active["value_eur_unknown"].eq(active["agreements_active"]).to_numpy(bool)
        active = active.assign(value_eur=active["value_eur"].astype("Float64").mask(unknown))
    if active.empty:  # nothing active on the day counted: say so, draw nothing
        return _p(_nothing_active(proj, content), "notice")
    top = active.head(_TOP_COUNTRIES)[cols]
    caption = (  # a cut table says it is cut, and where the rest is
        label("report_by_country", lang)
        if len(top) == len(active)
        else label("report_by_country_top", lang, shown=len(top), total=len(active))
    )
    body = _p(label("report_exposure_note", lang))
    body += _img(content, "top_countries", lang)
    body += show_table(top, lang=lang, caption=caption)
    return body


def _nothing_active(proj: Project, content: dict[str, Any]) -> str:
    """The notice of a quarter with no active agreement, naming the earliest start read."""
    dash: Dashboard = content["figures"]
    starts = pd.to_datetime(content["partnerships"]["start"], errors="coerce")
    first = (
        show_date(starts.min(), proj.lang) if starts.notna().any() else label("unknown", proj.lang)
    )
    at = show_date(pd.Timestamp(dash.parameters["at"]), proj.lang)
    return label("report_nothing_active", proj.lang, date=at, first=first)


def _trends(proj: Project, content: dict[str, Any]) -> str:
    lang = proj.lang
    return (
        _p(label("report_trends_note", lang))
        + _img(content, "trends_by_faculty", lang)
        + _img(content, "risk_tiers_over_time", lang)
    )


def _people(proj: Project, inputs: Inputs, content: dict[str, Any]) -> str:
    lang = proj.lang
    if inputs.headcounts is None:
        return _p(label("report_no_headcounts", lang), "notice")
    return _p(label("report_people_note", lang)) + _img(content, "people_by_country", lang)


def _impact(proj: Project, content: dict[str, Any]) -> str:
    lang = proj.lang
    impacts: dict[str, Impact] = content["impacts"]
    first = next(iter(impacts.values()))
    by_faculty = content["by_faculty"][next(iter(impacts))]
    by_faculty = by_faculty[by_faculty["metric"].isin(_FACULTY_METRICS)]
    wide = by_faculty.pivot(index="faculty", columns="metric", values="central")
    wide = wide[[m for m in _FACULTY_METRICS if m in wide.columns]].reset_index()
    wide.columns.name = None
    body = _p(label("report_impact_note", lang))
    body += _img(content, "impact_comparison", lang)
    body += show_table(
        wide,
        lang=lang,
        caption=label("report_impact_faculty", lang, scenario=_scenario(first.scenario.name, lang)),
    )
    body += _img(content, "impact_timeline", lang)
    return body + _economic(proj, impacts, content["by_faculty"])


def _economic(
    proj: Project, impacts: dict[str, Impact], by_faculty: dict[str, pd.DataFrame]
) -> str:
    """Per faculty, the economic value at stake of each scenario that has one (published: hidden
    where its headcount is); else the note saying why there is none."""
    lang, body = proj.lang, ""
    for name, imp in impacts.items():
        rows = by_faculty[name]  # published with the scenario's totals (privacy)
        rows = rows[rows["metric"].isin(_ECONOMIC_METRICS)]
        values = rows["central"].astype(object)
        if rows.empty or (values.isna() | values.eq(0)).all():
            continue  # degree students exempt, none stopped, or no figures given
        wide = rows.pivot(index="faculty", columns="metric", values="central")
        wide = wide[[m for m in _ECONOMIC_METRICS if m in wide.columns]].reset_index()
        wide.columns.name = None
        caption = label(
            "report_economic_faculty", lang, scenario=_scenario(imp.scenario.name, lang)
        )
        body += show_table(wide, lang=lang, caption=caption)
    return f"<h3>{html.escape(label('report_economic', lang))}</h3>" + (
        _p(label("report_economic_note", lang)) + body
        if body
        else _p(label("report_no_economic", lang))
    )


def _inputs(proj: Project, inputs: Inputs) -> str:
    lang = proj.lang
    files = inputs.files[["path", "rows_read", "rows_accepted", "rows_rejected", "sha256"]]
    body = _p(label("report_inputs_note", lang)) + show_table(files, lang=lang)
    if inputs.rejects.empty:
        return body + _p(label("report_no_rejects", lang))
    by_reason = inputs.rejects.groupby("reason").size().rename("rows").reset_index()
    by_reason["reason"] = [label(f"reason_{r}", lang) for r in by_reason["reason"]]
    return body + show_table(by_reason, lang=lang, caption=label("report_rejects", lang))


def _about(proj: Project) -> str:
    lang = proj.lang
    t = proj.suppression_threshold
    return (
        _p(label("report_about_counts", lang), "")
        + _p(label("report_about_risk", lang, profile=_profile_name(proj)), "")
        + _p(label("suppression_default", lang, below=t - 1, threshold=t), "")
    )
