"""The quarterly dashboard: exposure at quarter end, trends, risk tiers and people, published.

:func:`quarterly_dashboard` computes the tables and draws the charts of one quarter once; the
report (:func:`kvanalytics.report.render_report`), notebook 03 and the Excel workbook all show
what it returns.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import pandas as pd

from .. import config, plots
from ..excel import to_excel
from ..exposure import exposure, exposure_over_time
from ..i18n import has_label, label
from ..normalise import country_name
from ..privacy import suppress_counts
from ..reference import ProfilesArg, load_risk_profile
from ..schemas import GROUPS
from ._summary import published_people_columns

__all__ = ["Dashboard", "latest_complete_quarter", "quarterly_dashboard"]


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

    def save(
        self,
        out_dir: str | Path,
        *,
        sources: pd.DataFrame | Sequence[str | Path] = (),
        formats: Sequence[str] = ("png", "svg"),
    ) -> list[Path]:
        """Write ``charts/<name>.<format>`` and ``tables.xlsx`` into ``out_dir``; return the paths.

        Examples
        --------
        >>> dash.save("reports/2026Q3")  # doctest: +SKIP
        """
        return [*self.save_charts(out_dir, formats=formats), self.save_tables(out_dir, sources)]

    def save_charts(
        self, out_dir: str | Path, *, formats: Sequence[str] = ("png",), dpi: int = 150
    ) -> list[Path]:
        """Write each chart once per format as ``charts/<name>.<format>``; return the paths."""
        written: list[Path] = []
        for name, fig in self.figures.items():
            path = Path(out_dir) / "charts" / name
            written += plots.save_figure(fig, path, formats=formats, dpi=dpi)
        return written

    def save_tables(
        self,
        out_dir: str | Path,
        sources: pd.DataFrame | Sequence[str | Path] = (),
        *,
        extra: dict[str, pd.DataFrame] | None = None,
    ) -> Path:
        """Write ``tables.xlsx`` (``extra`` sheets first, then the headline and every table,
        all published) with its About sheet."""
        lang = self.parameters.get("lang", "en")
        tables = {**(extra or {}), "headline": self.headline, **self.tables}
        # sheets are named for readers ("Per land"), not by the tables' keys ("by_country")
        named = {
            label(f"sheet_{k}", lang) if has_label(f"sheet_{k}") else k: v
            for k, v in tables.items()
        }
        return to_excel(
            named,
            Path(out_dir) / "tables.xlsx",
            sources=sources
            if isinstance(sources, pd.DataFrame)
            else [Path(s) for s in sources] or None,
            parameters=self.parameters,
            lang=lang,
        )

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
    profile: ProfilesArg | None,
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
    # A quarter with nothing active (or no history in the window) has no chart to draw: an
    # empty frame is left out rather than drawn as an empty (or failing) figure.
    active = by_country["agreements_active"] > 0
    with plots.house_style():
        if active.any():
            ax = plots.plot_top_countries(by_country, n=top, lang=lang)
            figures["top_countries"] = ax.figure
            cf_top = by_cf[
                by_cf["country"].isin(by_country.nlargest(top, "agreements_active")["country"])
            ]
            ax = plots.plot_heatmap(cf_top, value="agreements_active", lang=lang, top=top)
            figures["heatmap_country_faculty"] = ax.figure
        if not data.series_faculty.empty:
            axes = plots.plot_quarterly_trends(
                data.series_faculty, value="active", facet="faculty", lang=lang
            )
            figures["trends_by_faculty"] = plots._figure_of(axes)
        if not data.series_tier.empty:
            ax = plots.plot_risk_tiers_over_time(data.series_tier, value="active", lang=lang)
            figures["risk_tiers_over_time"] = ax.figure
        if people_cols and not published.empty:
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


def _profile_label(profile: Any) -> str:
    """Names of the lenses (a frame: its bundled name, else "custom"), joined by " + "."""
    if profile is None or isinstance(profile, str):
        return str(profile)
    if isinstance(profile, pd.DataFrame):
        return str(profile.attrs.get("profile", {}).get("name") or "custom")
    if isinstance(profile, Mapping):
        return " + ".join(str(k) for k in profile)
    return " + ".join(_profile_label(p) for p in profile)


def quarterly_dashboard(
    partnerships: pd.DataFrame,
    headcounts: pd.DataFrame | None = None,
    *,
    quarter: str,
    risk_profile: ProfilesArg | None = "freedom-house",
    lang: str = "en",
    years: int = 5,
    top: int = 15,
    suppress: bool = True,
    threshold: int = config.SUPPRESSION_THRESHOLD,
) -> Dashboard:
    """Compute the quarterly dashboard: exposure at quarter end, trends, risk tiers, people.

    Parameters
    ----------
    partnerships, headcounts : DataFrame
        Canonical tables (see :mod:`kvanalytics.schemas`).
    quarter : str
        The quarter reported, ``"2026Q3"``; stock is counted at its last day.
    risk_profile : DataFrame, str or list, optional
        A risk profile, the name of a bundled one, or several (combined by the highest tier; a
        dated profile gives each quarter the edition in force).
    lang : {"en", "nl"}
        Labels and number formats of the charts.
    years : int
        How many years of quarterly history the trend charts show.
    top : int
        Countries shown in the top-N charts.
    suppress : bool
        Publish headcounts with small cells suppressed (default). ``False`` is for internal use.
    threshold : int
        Published headcounts 1..threshold-1 are suppressed.

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
    named = by_country.assign(country_name=country_name(by_country["country"], lang))
    published = (
        suppress_counts(named, published_people_columns(by_country), threshold)
        if suppress and people_cols
        else named
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
        "risk_profile": _profile_label(risk_profile),
        "suppressed": suppress,
    }
    return Dashboard(quarter, tables, figures, _headline(partnerships, data), params)
