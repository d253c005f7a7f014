"""Reports: execute the parameterised notebooks, render one HTML without code, write a manifest.

``render_report`` is what ``make report`` and ``kvanalytics report`` run. The notebooks compute
nothing themselves: they call the library and display; this module runs them (papermill), merges
them into one document, hides the code, and writes ``manifest.json`` beside the outputs so that a
board number can be traced to its inputs, parameters and package versions.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import platform
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import pandas as pd

from . import config, plots
from .errors import KvError
from .excel import to_excel
from .exposure import exposure, exposure_over_time
from .normalise import country_name
from .privacy import suppress_counts
from .reference import load_risk_profile
from .schemas import GROUPS, PEOPLE_SUMS

__all__ = [
    "REPORT_NOTEBOOKS",
    "Dashboard",
    "file_sha256",
    "latest_complete_quarter",
    "quarterly_dashboard",
    "render_report",
    "write_manifest",
]

#: Notebooks that make up the report, in reading order (missing ones are skipped).
REPORT_NOTEBOOKS = ("03-quarterly-dashboard.ipynb", "04-freeze-impact.ipynb", "01-ingest.ipynb")
_PACKAGES = (
    "kvanalytics",
    "pandas",
    "numpy",
    "pyarrow",
    "matplotlib",
    "seaborn",
    "openpyxl",
    "python-calamine",
    "pycountry",
    "rapidfuzz",
    "papermill",
    "nbconvert",
)


def latest_complete_quarter(today: dt.date | pd.Timestamp | None = None) -> str:
    """The last calendar quarter that has ended before ``today``, as ``"2026Q3"``.

    Examples
    --------
    >>> latest_complete_quarter(dt.date(2026, 11, 24))
    '2026Q3'
    >>> latest_complete_quarter(dt.date(2026, 1, 1))
    '2025Q4'
    """
    day = pd.Timestamp(today or dt.date.today())
    return str(pd.Period(day, freq="Q") - 1)


def file_sha256(path: str | Path) -> str:
    """SHA-256 of a file's bytes, hex-encoded.

    Examples
    --------
    >>> import tempfile, os
    >>> p = Path(tempfile.mkdtemp()) / "x.txt"; _ = p.write_bytes(b"abc")
    >>> file_sha256(p)[:12]
    'ba7816bf8f01'
    """
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in _PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return out


def write_manifest(
    out_dir: str | Path,
    *,
    inputs: Sequence[str | Path],
    parameters: dict[str, Any],
    outputs: Sequence[str | Path] = (),
    warnings: Sequence[str] = (),
) -> Path:
    """Write ``manifest.json``: input files with sha256, parameters, outputs, package versions.

    Examples
    --------
    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> write_manifest(d, inputs=[], parameters={"quarter": "2026Q3"}).name
    'manifest.json'
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    manifest = {
        "generated": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "inputs": [
            {"path": str(p), "sha256": file_sha256(p), "bytes": Path(p).stat().st_size}
            for p in inputs
        ],
        "parameters": parameters,
        "outputs": [
            str(Path(p).relative_to(out)) if Path(p).is_relative_to(out) else str(p)
            for p in outputs
        ],
        "versions": _versions(),
        "warnings": list(warnings),
        "command": " ".join(sys.argv),
    }
    path = out / "manifest.json"
    path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
    return path


def _input_files(data_dir: Path) -> list[Path]:
    names = ("sample_partnerships.csv", "sample_headcounts.xlsx", "national_2022-03_students.csv")
    return [data_dir / n for n in names if (data_dir / n).exists()]


def _report_parameters(
    quarter: str | None,
    data_dir: str | Path | None,
    lang: str,
    risk_profile: str,
    out_dir: str | Path | None,
) -> tuple[dict[str, Any], Path, Path]:
    """Check the report's arguments; return the notebook parameters, data and output directories."""
    quarter = quarter or latest_complete_quarter()
    try:
        pd.Period(quarter, freq="Q")
    except ValueError:
        raise KvError(f"quarter {quarter!r} is not a quarter like 2026Q3") from None
    if lang not in ("en", "nl"):
        raise KvError(f"lang {lang!r}: use 'en' or 'nl'")
    data = Path(data_dir or config.RAW_DIR).resolve()
    if not (data / "sample_partnerships.csv").exists():
        raise KvError(f"{data}: no sample_partnerships.csv to report on")
    out = Path(out_dir or config.REPORTS_DIR / quarter).resolve()
    params = {
        "quarter": quarter,
        "data_dir": str(data),
        "lang": lang,
        "risk_profile": risk_profile,
        "out_dir": str(out),
    }
    return params, data, out


def _execute_notebooks(
    notebooks: Sequence[str], params: dict[str, Any], out: Path, timeout: int
) -> list[Path]:
    """Run each report notebook found under ``notebooks/`` with ``params``; return the copies."""
    import papermill as pm  # heavy (Jupyter client stack), needed only when a report is rendered

    executed = []
    for name in notebooks:
        src = config.NOTEBOOK_DIR / name
        if not src.exists():
            continue
        dst = out / "notebooks" / name
        pm.execute_notebook(
            str(src),
            str(dst),
            parameters=params,
            cwd=str(config.NOTEBOOK_DIR),
            progress_bar=False,
            execution_timeout=timeout,
            kernel_name="python3",
            report_mode=True,
        )
        executed.append(dst)
    if not executed:
        raise KvError(f"no report notebooks found in {config.NOTEBOOK_DIR}")
    return executed


def render_report(
    *,
    quarter: str | None = None,
    data_dir: str | Path | None = None,
    lang: str = "en",
    risk_profile: str = "freedom-house-2024",
    out_dir: str | Path | None = None,
    notebooks: Sequence[str] = REPORT_NOTEBOOKS,
    timeout: int = 600,
) -> Path:
    """Execute the report notebooks and write ``report.html``, charts, tables and the manifest.

    Parameters
    ----------
    quarter : str, optional
        ``"2026Q3"``; default :func:`latest_complete_quarter`.
    data_dir : path, optional
        Directory with the raw inputs (default ``data/raw``).
    lang : {"en", "nl"}
        Language of labels and number formats.
    risk_profile : str
        Bundled risk profile name or CSV path.
    out_dir : path, optional
        Default ``reports/<quarter>``.
    notebooks : sequence of str
        Notebook file names under ``notebooks/``, in reading order.
    timeout : int
        Seconds a single cell may run.

    Returns
    -------
    pathlib.Path
        The output directory, holding ``report.html``, ``charts/``, ``tables.xlsx``,
        ``manifest.json`` and the executed notebooks under ``notebooks/``.

    Examples
    --------
    >>> render_report(quarter="2026Q3", out_dir="reports/2026Q3")  # doctest: +SKIP
    """
    import nbformat  # heavy (Jupyter stack), needed only when a report is rendered

    params, data, out = _report_parameters(quarter, data_dir, lang, risk_profile, out_dir)
    (out / "charts").mkdir(parents=True, exist_ok=True)
    (out / "notebooks").mkdir(parents=True, exist_ok=True)
    executed = _execute_notebooks(notebooks, params, out, timeout)
    merged, warnings = _merge([nbformat.read(str(p), as_version=4) for p in executed])
    html_path = out / "report.html"
    title = f"kvanalytics — {params['quarter']}"
    html_path.write_text(_to_html(merged, title=title), encoding="utf-8")
    outputs = [html_path, *sorted((out / "charts").glob("*")), *sorted(out.glob("*.xlsx"))]
    write_manifest(
        out, inputs=_input_files(data), parameters=params, outputs=outputs, warnings=warnings
    )
    return out


def _merge(nbs: list[Any]) -> tuple[Any, list[str]]:
    """One notebook from several: code hidden later, stderr moved to the manifest's warnings."""
    import nbformat  # heavy (Jupyter stack), needed only when a report is rendered

    merged = nbformat.v4.new_notebook()
    merged.metadata = nbs[0].metadata
    warnings: list[str] = []
    for nb in nbs:
        for cell in nb.cells:
            tags = set(cell.get("metadata", {}).get("tags", []))
            if tags & {"parameters", "injected-parameters", "remove-cell"}:
                continue
            if cell.cell_type == "code":
                kept = []
                for o in cell.get("outputs", []):
                    if o.get("output_type") == "stream" and o.get("name") == "stderr":
                        warnings.append(str(o.get("text", "")).strip())
                    else:
                        kept.append(o)
                cell.outputs = kept
            merged.cells.append(cell)
    return merged, [w for w in warnings if w]


def _to_html(nb: Any, *, title: str) -> str:
    from nbconvert import HTMLExporter  # heavy (Jupyter stack), needed only to render a report

    exporter = HTMLExporter(template_name="lab")
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    nb.metadata["title"] = title
    body, _ = exporter.from_notebook_node(nb)
    return body


# ------------------------------------------------------------------------------------------------
# The quarterly dashboard: tables and charts for one quarter, published (suppressed) by default
# ------------------------------------------------------------------------------------------------


class Dashboard:
    """Tables and charts of one quarter, ready to display or save.

    Built by :func:`quarterly_dashboard`. ``tables`` hold published values (headcounts suppressed
    unless built with ``suppress=False``); ``figures`` are matplotlib Figures.
    """

    def __init__(
        self,
        quarter: str,
        tables: dict[str, pd.DataFrame],
        figures: dict[str, Any],
        headline: pd.DataFrame,
        parameters: dict[str, Any],
    ) -> None:
        self.quarter = quarter
        self.tables = tables
        self.figures = figures
        self.headline = headline
        self.parameters = parameters

    def save(self, out_dir: str | Path, *, sources: Sequence[str | Path] = ()) -> list[Path]:
        """Write ``charts/<name>.png|svg`` and ``tables.xlsx`` into ``out_dir``; return the paths.

        Examples
        --------
        >>> dash.save("reports/2026Q3")  # doctest: +SKIP
        """
        out = Path(out_dir)
        written: list[Path] = []
        for name, fig in self.figures.items():
            written += plots.save_figure(fig, out / "charts" / name)
        tables = {"headline": self.headline, **self.tables}
        written.append(
            to_excel(
                tables,
                out / "tables.xlsx",
                sources=[Path(s) for s in sources] or None,
                parameters=self.parameters,
                lang=self.parameters.get("lang", "en"),
            )
        )
        return written

    def _repr_html_(self) -> str:
        return f"<h3>Quarterly dashboard {self.quarter}</h3>" + self.headline.to_html(index=False)


@dataclass(frozen=True)
class _DashboardData:
    """What the dashboard computes for one quarter, before publishing or drawing."""

    period: pd.Period
    at: pd.Timestamp
    by_country: pd.DataFrame
    by_country_faculty: pd.DataFrame
    series_faculty: pd.DataFrame
    series_tier: pd.DataFrame


def _dashboard_data(
    partnerships: pd.DataFrame,
    headcounts: pd.DataFrame | None,
    quarter: str,
    profile: pd.DataFrame | None,
    years: int,
) -> _DashboardData:
    """Exposure at quarter end by country and country × faculty, and the quarterly series."""
    period = pd.Period(quarter, freq="Q")
    at = period.end_time.normalize()
    start = (period - 4 * years + 1).start_time.normalize()
    by_country = exposure(partnerships, headcounts, by=("country",), at=at, risk_profile=profile)
    # Country x faculty carries agreements and money only: people at that grain are mostly
    # cells of 1-4, and a country's total minus its faculty cells would give hidden ones back
    # (kvanalytics.privacy.suppress_nested publishes both when both are needed).
    by_cf = exposure(partnerships, None, by=("country", "faculty"), at=at, risk_profile=profile)
    series_faculty = exposure_over_time(partnerships, None, by=("faculty",), start=start, end=at)
    series_country = exposure_over_time(
        partnerships, None, by=("country",), start=start, end=at, risk_profile=profile
    )
    series_tier = (
        series_country.assign(risk_tier=series_country["risk_tier"].astype("Int64"))
        .groupby(["quarter", "risk_tier"], dropna=False, observed=True, as_index=False)[
            ["active", "started", "ended"]
        ]
        .sum()
    )
    return _DashboardData(period, at, by_country, by_cf, series_faculty, series_tier)


def _headline(partnerships: pd.DataFrame, data: _DashboardData) -> pd.DataFrame:
    """The dashboard's headline figures (agreements and money; no people)."""
    by_country = data.by_country
    high = by_country["risk_tier"].astype("Int64").fillna(0) >= 2
    prev_at = (data.period - 1).end_time.normalize()
    prev = exposure(partnerships, None, by=("country",), at=prev_at)
    return pd.DataFrame(
        {
            "metric": [
                "agreements_active",
                "agreements_active_previous_quarter",
                "countries",
                "value_eur",
                "agreements_in_tier_2_or_3_countries",
                "value_eur_in_tier_2_or_3_countries",
            ],
            "value": [
                int(by_country["agreements_active"].sum()),
                int(prev["agreements_active"].sum()),
                int((by_country["agreements_active"] > 0).sum()),
                float(by_country["value_eur"].sum()),
                int(by_country.loc[high, "agreements_active"].sum()),
                float(by_country.loc[high, "value_eur"].sum()),
            ],
        }
    )


def _dashboard_figures(
    data: _DashboardData,
    published: pd.DataFrame,
    people_cols: list[str],
    *,
    lang: str,
    top: int,
    suppress: bool,
) -> dict[str, Any]:
    """The dashboard's charts, drawn from the tables it publishes (figures closed for pyplot)."""
    by_country, by_cf = data.by_country, data.by_country_faculty
    figures: dict[str, Any] = {}
    with plots.house_style():
        ax = plots.plot_top_countries(by_country, n=top, lang=lang)
        figures["top_countries"] = ax.figure
        cf_top = by_cf[
            by_cf["country"].isin(by_country.nlargest(top, "agreements_active")["country"])
        ]
        ax = plots.plot_heatmap(cf_top, value="agreements_active", lang=lang, top=top)
        figures["heatmap_country_faculty"] = ax.figure
        axes = plots.plot_quarterly_trends(
            data.series_faculty, value="active", facet="faculty", lang=lang
        )
        figures["trends_by_faculty"] = plots._figure_of(axes)
        ax = plots.plot_risk_tiers_over_time(data.series_tier, value="active", lang=lang)
        figures["risk_tiers_over_time"] = ax.figure
        if people_cols:
            ax = plots.plot_people(  # the published values: the chart hides what the tables do
                published,
                by="country",
                groups=tuple(people_cols),
                n=top,
                lang=lang,
                suppress=suppress,
            )
            figures["people_by_country"] = ax.figure
    for fig in figures.values():
        plt.close(fig)
    return figures


def quarterly_dashboard(
    partnerships: pd.DataFrame,
    headcounts: pd.DataFrame | None = None,
    *,
    quarter: str,
    risk_profile: pd.DataFrame | str | None = "freedom-house-2024",
    lang: str = "en",
    years: int = 5,
    top: int = 15,
    suppress: bool = True,
) -> Dashboard:
    """Compute the quarterly dashboard: exposure at quarter end, trends, risk tiers, people.

    Parameters
    ----------
    partnerships, headcounts : DataFrame
        Canonical tables (see :mod:`kvanalytics.schemas`).
    quarter : str
        The quarter reported, ``"2026Q3"``; stock is counted at its last day.
    risk_profile : DataFrame or str, optional
        A risk profile or the name of a bundled one.
    lang : {"en", "nl"}
        Labels and number formats of the charts.
    years : int
        How many years of quarterly history the trend charts show.
    top : int
        Countries shown in the top-N charts.
    suppress : bool
        Publish headcounts with small cells suppressed (default). ``False`` is for internal use.

    Returns
    -------
    Dashboard

    Examples
    --------
    >>> dash = quarterly_dashboard(table, headcounts, quarter="2026Q3")  # doctest: +SKIP
    """
    profile = load_risk_profile(risk_profile) if isinstance(risk_profile, str) else risk_profile
    data = _dashboard_data(partnerships, headcounts, quarter, profile, years)
    by_country = data.by_country
    people_cols = [g for g in GROUPS if g in by_country.columns]
    extra = [c for c in PEOPLE_SUMS if c in by_country.columns]
    named = by_country.assign(country_name=country_name(by_country["country"], lang))
    published = (
        suppress_counts(named, [*people_cols, *extra]) if suppress and people_cols else named
    )
    figures = _dashboard_figures(
        data, published, people_cols, lang=lang, top=top, suppress=suppress
    )
    tables = {
        "by_country": published,
        "by_country_faculty": data.by_country_faculty,
        "quarterly_by_faculty": data.series_faculty,
        "quarterly_by_risk_tier": data.series_tier,
    }
    params = {
        "quarter": quarter,
        "at": str(data.at.date()),
        "lang": lang,
        "risk_profile": risk_profile if isinstance(risk_profile, str) else "custom",
        "suppressed": suppress,
    }
    return Dashboard(quarter, tables, figures, _headline(partnerships, data), params)
