"""The live what-if: scenario controls, published outputs, and the ipywidgets app of notebook 05.

Three plain layers, so that each can be tested and timed without a browser:

* :func:`scenario_from_controls` turns control values (a plain dict) into a
  :class:`~kvanalytics.scenarios.Scenario`, validated by
  :func:`~kvanalytics.scenarios.make_scenario`; :func:`controls_from_scenario` is its inverse
  (picking a bundled scenario fills the controls with it).
* :func:`whatif_outputs` turns an :class:`~kvanalytics.scenarios.Impact` into what the app
  shows: the headline (central and range), the per-faculty table and a chart, all published
  (:mod:`kvanalytics.privacy`).
* :func:`whatif_app` is the ipywidgets app: every change recomputes once (debounced) and a
  :class:`~kvanalytics.errors.KvError` (an invalid scenario) shows as a message, never a
  traceback. ``kvanalytics dashboard`` serves it with Voilà.

The controls are the entries of :data:`CONTROLS`: adding one (a risk lens, an economic value) is
one :class:`Control` in that tuple — how its widget is made, which value a scenario gives it,
and how its value goes into the ``make_scenario`` arguments.
"""

from __future__ import annotations

import asyncio
import html
import json
import math
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import pandas as pd
import traitlets

from . import config
from .errors import KvError
from .i18n import (
    check_lang,
    format_count,
    format_date,
    format_money,
    has_label,
    label,
    note_text,
)
from .normalise import country_name
from .project import Inputs, load_project, project_from_options, read_inputs
from .reference import list_risk_profiles, list_watchlists
from .scenarios import (
    ECONOMIC_METRICS,
    EXEMPTIONS,
    MEASURES,
    Impact,
    Range,
    Scenario,
    impact,
    list_scenarios,
    load_scenario,
    make_scenario,
)
from .tables import format_table, metric_label

__all__ = [
    "CHART_METRICS",
    "CONTROLS",
    "CUSTOM",
    "DASHBOARD_NOTEBOOK",
    "ENV_SETTINGS",
    "HEADLINE_METRICS",
    "TABLE_METRICS",
    "Control",
    "DashboardInputs",
    "WhatIfApp",
    "WhatIfOutputs",
    "controls_from_scenario",
    "dashboard_inputs",
    "scenario_from_controls",
    "whatif_app",
    "whatif_outputs",
]

#: The scenario the "custom" what-if starts from (package data, not a bundled scenario).
CUSTOM_SCENARIO = config.PACKAGE_DATA / "dashboard_custom.yaml"
#: The picker's value of the custom what-if.
CUSTOM = ""
#: Environment variable holding the JSON settings file written by ``kvanalytics dashboard``.
ENV_SETTINGS = "KVANALYTICS_DASHBOARD"
#: The notebook ``kvanalytics dashboard`` serves.
DASHBOARD_NOTEBOOK = config.NOTEBOOK_DIR / "05-sanctions-what-if.ipynb"
#: The headline metrics, in order (those present in the impact are shown).
HEADLINE_METRICS = (
    "agreements_frozen",
    "agreements_cancelled",
    "value_eur_stopped",
    "exchange_in_stopped",
    "exchange_out_recalled",
    "degree_students_lost",
    "support_population",
    *ECONOMIC_METRICS,  # shown where the scenario gives the figures (not NA)
)
#: Columns of the per-faculty table (central estimates).
TABLE_METRICS = (
    "agreements_frozen",
    "agreements_cancelled",
    "value_eur_stopped",
    "exchange_in_stopped",
    "exchange_out_recalled",
)
#: Panels of the per-faculty bar chart (one per metric: its own unit and scale). Not people
#: counts: the chart draws by_faculty as computed, and only the table publishes people.
CHART_METRICS = ("agreements_frozen", "agreements_cancelled", "value_eur_stopped")
_ASSUMPTION_RANGES = (
    "share_unknown_financial_flows_true",
    "share_unknown_data_exchange_true",
    "support_take_up_rate",
)
#: Economic assumptions the analyst may enter (key, slider maximum, step); 0–0 = not given.
_ECONOMIC_INPUTS = (
    ("tuition_eur_per_year", 40_000.0, 250.0),
    ("public_funding_eur_per_year", 40_000.0, 250.0),
    ("cost_eur_per_year", 60_000.0, 500.0),
    ("study_years", 8.0, 0.5),
    ("years_remaining", 8.0, 0.5),
    ("horizon_years", 10.0, 1.0),
)
#: The source recorded with a figure entered in the dashboard.
_ENTERED = "entered in the dashboard"
_DEBOUNCE_S = 0.15


def _label(key: str, lang: str, **fields: Any) -> str:
    """:func:`kvanalytics.i18n.label` (a metric's label when it has no fields)."""
    return metric_label(key, lang) if not fields else label(key, lang, **fields)


# --------------------------------------------------------------------------------------------
# Controls: widget <-> value <-> scenario
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Choices:
    """What the controls offer: partner countries in the data, bundled watchlists and risk
    profiles (lenses)."""

    countries: tuple[str, ...]
    watchlists: tuple[str, ...]
    lang: str = "en"
    lenses: tuple[str, ...] = ()


@dataclass(frozen=True)
class Control:
    """One control of the what-if.

    Attributes
    ----------
    key : str
        Its name in the control values (:func:`scenario_from_controls`).
    make : callable ``(Choices) -> Widget``
        Builds the widget; the widget's ``value`` trait is the control value.
    read : callable ``(Scenario) -> value``
        The value a scenario gives this control (picking a scenario fills it).
    write : callable ``(kwargs, value, base)``
        Puts the value into the :func:`~kvanalytics.scenarios.make_scenario` arguments
        (``kwargs`` starts as the base scenario's own).
    """

    key: str
    make: Callable[[Choices], widgets.Widget]
    read: Callable[[Scenario], Any]
    write: Callable[[dict[str, Any], Any, Scenario], None]


class _Checks(widgets.VBox):
    """Checkboxes as one widget whose ``value`` is the tuple of ticked keys."""

    value = traitlets.Tuple()

    def __init__(self, options: Sequence[tuple[str, str]], **kwargs: Any) -> None:
        self._boxes = {
            key: widgets.Checkbox(
                description=text, indent=False, layout=widgets.Layout(width="auto")
            )
            for text, key in options
        }
        self._syncing = False
        super().__init__(list(self._boxes.values()), **kwargs)
        for box in self._boxes.values():
            box.observe(self._ticked, "value")

    def _ticked(self, _: Any) -> None:
        if not self._syncing:  # a click: one new value
            self.value = tuple(k for k, b in self._boxes.items() if b.value)

    @traitlets.observe("value")
    def _show(self, change: Any) -> None:
        self._syncing = True  # a value set in code: tick the boxes without echoing each one
        try:
            for k, b in self._boxes.items():
                b.value = k in change["new"]
        finally:
            self._syncing = False


def _country_options(codes: Sequence[str], lang: str) -> list[tuple[str, str]]:
    names = country_name(list(codes), lang)
    pairs = [(f"{n} ({c})" if pd.notna(n) else c, c) for n, c in zip(names, codes, strict=True)]
    return sorted(pairs)


def _wide(text: str) -> dict[str, Any]:
    return {
        "description": text,
        "style": {"description_width": "12.5em"},
        "layout": widgets.Layout(width="96%"),
    }


def _make_countries(c: Choices) -> widgets.Widget:
    return widgets.SelectMultiple(
        options=_country_options(c.countries, c.lang), rows=7, **_wide(_label("countries", c.lang))
    )


def _make_watchlists(c: Choices) -> widgets.Widget:
    return widgets.SelectMultiple(
        options=[(w, w) for w in c.watchlists], rows=2, **_wide(_label("watchlists", c.lang))
    )


def _make_lenses(c: Choices) -> widgets.Widget:
    return widgets.SelectMultiple(
        options=[(n, n) for n in c.lenses], rows=3, **_wide(_label("risk_lenses", c.lang))
    )


def _read_lenses(s: Scenario) -> tuple[str, ...]:
    bundled = set(list_risk_profiles()["name"])
    return tuple(t.name for t in s.targets.risk_lenses if t.name in bundled)


def _write_lenses(kw: dict[str, Any], value: Any, base: Scenario) -> None:
    """Bundled lenses ticked, each with the base's minimum tier (else 2); the base's lenses that
    the analyst supplies (no bundled profile) are kept as they are."""
    bundled = set(list_risk_profiles()["name"])
    own = {t.name: t for t in base.targets.risk_lenses}
    lenses = [
        {"name": t.name, "min_tier": t.min_tier, "lens": t.lens, "supplied_by_user": True}
        for t in base.targets.risk_lenses
        if t.name not in bundled
    ]
    lenses += [
        {"name": n, "min_tier": own[n].min_tier if n in own else 2, "lens": own[n].lens}
        if n in own
        else {"name": n, "min_tier": 2}
        for n in value
    ]
    kw["risk_profile"] = lenses or None


def _make_exemptions(c: Choices) -> widgets.Widget:
    return _Checks([(_label(e, c.lang), e) for e in EXEMPTIONS])


def _read_exemptions(s: Scenario) -> tuple[str, ...]:
    return tuple(e for e in EXEMPTIONS if getattr(s.exemptions, e))


def _write_exemptions(kw: dict[str, Any], value: Any, base: Scenario) -> None:
    scoped = kw["exemptions"]  # an exemption the base scopes (groups) keeps its scope
    kw["exemptions"] = {e: (scoped.get(e) or True) for e in EXEMPTIONS if e in value}


def _economic_control(name: str, maximum: float, step: float) -> Control:
    """A low–high slider of an economic figure the analyst enters; 0–0 means not given (the
    metric stays NA with a note naming it). A figure the base gives keeps its source."""

    def make(c: Choices) -> widgets.Widget:
        return widgets.FloatRangeSlider(
            min=0.0,
            max=maximum,
            step=step,
            value=(0.0, 0.0),
            # whole euros and years read "40,000" and "4"; half years "3.5" (not "0.00")
            readout_format=",.0f" if float(step).is_integer() else ".1f",
            **_wide(_label(name, c.lang)),
        )

    def read(s: Scenario) -> Any:
        r = getattr(s.assumptions, name)
        return (r.low, r.high) if isinstance(r, Range) else (0.0, 0.0)

    def write(kw: dict[str, Any], value: Any, base: Scenario) -> None:
        low, high = (float(v) for v in (value or (0.0, 0.0)))
        assumptions, r = kw["assumptions"], getattr(base.assumptions, name)
        if low == high == 0.0:
            assumptions.pop(name, None)
            return
        same = isinstance(r, Range) and math.isclose(low, r.low) and math.isclose(high, r.high)
        assumptions[name] = [low, r.central if same else (low + high) / 2, high]
        sources = dict(assumptions.get("sources") or {})
        if not same or name not in sources:
            sources[name] = _ENTERED
        assumptions["sources"] = sources

    return Control(name, make, read, write)


def _make_effective(c: Choices) -> widgets.Widget:
    return widgets.DatePicker(**_wide(_label("effective_date", c.lang)))


def _make_measures(c: Choices) -> widgets.Widget:
    return _Checks([(_label(m, c.lang), m) for m in MEASURES])


def _write_countries(kw: dict[str, Any], value: Any, base: Scenario) -> None:
    kw["countries"] = list(value)


def _write_watchlists(kw: dict[str, Any], value: Any, base: Scenario) -> None:
    scores = {w.name: w.min_score for w in base.targets.watchlists}
    kw["watchlists"] = [{"name": n, "min_score": scores.get(n, 90.0)} for n in value]


def _write_effective(kw: dict[str, Any], value: Any, base: Scenario) -> None:
    kw["effective"] = value


def _write_measures(kw: dict[str, Any], value: Any, base: Scenario) -> None:
    scoped = kw["measures"]  # a measure the base scopes keeps its scope while ticked
    kw["measures"] = {m: scoped.get(m, True) for m in MEASURES if m in value}


def _range_control(name: str) -> Control:
    """A low–high slider of assumption ``name``; central is the base's while the ends are the
    base's, else the midpoint. Disabled (None) where the base does not use it."""

    def make(c: Choices) -> widgets.Widget:
        return widgets.FloatRangeSlider(
            min=0.0,
            max=1.0,
            step=0.05,
            readout_format=".0%",
            tooltip=_label(f"{name}_help", c.lang),
            **_wide(_label(name, c.lang)),
        )

    def read(s: Scenario) -> Any:
        r = getattr(s.assumptions, name)
        return (r.low, r.high) if isinstance(r, Range) else None

    def write(kw: dict[str, Any], value: Any, base: Scenario) -> None:
        r = getattr(base.assumptions, name)
        if value is None or not isinstance(r, Range):
            return
        low, high = (float(v) for v in value)
        same = math.isclose(low, r.low) and math.isclose(high, r.high)
        kw["assumptions"][name] = [low, r.central if same else (low + high) / 2, high]

    return Control(name, make, read, write)


#: The controls, in the order they are shown (see :class:`Control` to add one).
CONTROLS: tuple[Control, ...] = (
    Control("countries", _make_countries, lambda s: s.targets.countries, _write_countries),
    Control(
        "watchlists",
        _make_watchlists,
        lambda s: tuple(w.name for w in s.targets.watchlists),
        _write_watchlists,
    ),
    Control("effective", _make_effective, lambda s: s.effective, _write_effective),
    Control("lenses", _make_lenses, _read_lenses, _write_lenses),
    Control("measures", _make_measures, lambda s: tuple(s.measures.on()), _write_measures),
    Control("exemptions", _make_exemptions, _read_exemptions, _write_exemptions),
    *(_range_control(name) for name in _ASSUMPTION_RANGES),
    *(_economic_control(*spec) for spec in _ECONOMIC_INPUTS),
)


def _make_kwargs(s: Scenario) -> dict[str, Any]:
    """The :func:`make_scenario` arguments that rebuild ``s``."""
    d = s.to_dict()
    t = d["targets"]
    risk = t.get("risk_profile") or {}
    return {
        "name": s.name,
        "description": s.description,
        "source": s.source,
        "effective": s.effective,
        "countries": t.get("countries", []),
        "watchlists": t.get("watchlists", []),
        "risk_profile": risk if isinstance(risk, list) else risk.get("name"),
        "min_tier": 2 if isinstance(risk, list) else risk.get("min_tier", 2),
        "partner_types": t.get("partner_types", []),
        "fields": t.get("fields", []),
        "fields_mode": t["fields_mode"],
        "measures": d["measures"],
        "exemptions": d["exemptions"],
        "assumptions": d["assumptions"],
    }


def _base(base: Scenario | str | None) -> Scenario:
    return base if isinstance(base, Scenario) else _bundled(base or "")


@lru_cache(maxsize=64)
def _bundled(name: str) -> Scenario:
    """A bundled scenario ("" the custom what-if), read once: scenarios are immutable."""
    return load_scenario(name or CUSTOM_SCENARIO)


def controls_from_scenario(scenario: Scenario | str | None = None) -> dict[str, Any]:
    """The control values a scenario gives (what picking it in the app shows).

    Parameters
    ----------
    scenario : Scenario, bundled name, or None
        None (or ``""``) is the custom what-if (``data/dashboard_custom.yaml``).

    Returns
    -------
    dict
        One value per :data:`CONTROLS` key (None: the control does not apply).

    Examples
    --------
    >>> controls_from_scenario("nl-2022-freeze")["countries"]
    ('RU', 'BY')
    """
    s = _base(scenario)
    return {c.key: c.read(s) for c in CONTROLS}


def scenario_from_controls(
    values: Mapping[str, Any], base: Scenario | str | None = None
) -> Scenario:
    """The scenario the controls describe, validated by :func:`kvanalytics.scenarios.make_scenario`.

    What the controls do not show (risk-profile and field targets, measure scopes, exemptions,
    support assumptions) is kept from ``base``; with the base's own control values the result
    is the base itself. A changed scenario is named ``"<base> (what-if)"``.

    Parameters
    ----------
    values : mapping
        Control key -> value (see :func:`controls_from_scenario`); a missing key keeps the base's.
    base : Scenario, bundled name, or None
        The scenario picked; None (or ``""``) is the custom what-if.

    Returns
    -------
    Scenario

    Raises
    ------
    ScenarioError
        The controls describe no valid scenario (every problem listed).

    Examples
    --------
    >>> values = controls_from_scenario("nl-2022-freeze")
    >>> scenario_from_controls({**values, "countries": ("IR",)}, "nl-2022-freeze").name
    'nl-2022-freeze (what-if)'
    """
    b = _base(base)
    if all(values.get(c.key, own) == own for c, own in zip(CONTROLS, _own_values(b), strict=True)):
        return b  # validated when it was loaded
    kw = {**_make_kwargs(b), "name": f"{b.name} (what-if)"}
    for c in CONTROLS:
        if c.key in values:
            c.write(kw, values[c.key], b)
    return make_scenario(**kw)


def _own_values(s: Scenario) -> list[Any]:
    return [c.read(s) for c in CONTROLS]


# --------------------------------------------------------------------------------------------
# Outputs: published headline, per-faculty table, chart
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WhatIfOutputs:
    """What the app shows for one impact, all published.

    Attributes
    ----------
    headline : DataFrame
        ``metric, label, unit, low, central, high, text`` (published; ``text`` as shown).
    table : DataFrame
        ``faculty`` and one column per metric (central), a total row; published: numbers, and
        ``"<5"`` / ``"x"`` where people counts are suppressed.
    chart : str
        HTML bar chart per faculty for :data:`CHART_METRICS`: a bar to the central estimate,
        a line from low to high.
    """

    headline: pd.DataFrame
    table: pd.DataFrame
    chart: str = field(repr=False)


def _format(x: Any, unit: str, lang: str) -> str:
    if x is None or (not isinstance(x, str) and pd.isna(x)):
        return _label("unknown", lang)
    return format_money(x, lang) if unit.startswith("eur") else format_count(x, lang)


def _headline(published_summary: pd.DataFrame, lang: str) -> pd.DataFrame:
    s = published_summary
    shown = s["metric"].isin(HEADLINE_METRICS)
    # An economic metric shows once it has a value: not NA (figures not given) and not 0 on
    # every end (degree students exempt, or none stopped).
    zero = pd.concat([s[c].astype(object).eq(0) for c in ("low", "central", "high")], axis=1)
    empty = s["central"].isna() | zero.all(axis=1)
    s = s.loc[shown & ~(s["metric"].isin(list(ECONOMIC_METRICS)) & empty)].copy()
    s["label"] = [_label(m, lang) for m in s["metric"]]
    texts = []
    for r in s.itertuples(index=False):
        central = _format(r.central, str(r.unit), lang)
        low, high = _format(r.low, str(r.unit), lang), _format(r.high, str(r.unit), lang)
        texts.append(central if low == high == central else f"{central} ({low} – {high})")
    s["text"] = texts
    return s[["metric", "label", "unit", "low", "central", "high", "text"]].reset_index(drop=True)


def _faculty_table(imp: Impact, pub: dict[str, pd.DataFrame], lang: str) -> pd.DataFrame:
    """Faculty × metric (central) with a total row; people cells and totals as
    :meth:`Impact.published` publishes them (with the headline: one publication)."""
    bf = imp.by_faculty.loc[imp.by_faculty["metric"].isin(TABLE_METRICS)]
    bf = bf.assign(faculty=bf["faculty"].fillna(_label("unknown", lang)))
    metrics = [m for m in TABLE_METRICS if m in set(bf["metric"])]
    if not metrics:  # nothing hit: an empty table
        return pd.DataFrame({"faculty": pd.Series([], dtype="str")})
    # rows absent from by_faculty are zero there; an unknown (NA) central stays unknown
    wide = bf.pivot(index="faculty", columns="metric", values="central").reindex(columns=metrics)
    present = bf.pivot(index="faculty", columns="metric", values="metric").reindex(columns=metrics)
    wide = wide.mask(present.isna(), 0.0)
    units = bf.drop_duplicates("metric").set_index("metric")["unit"]
    people = [m for m in metrics if units[m] == "people"]
    other = [m for m in metrics if m not in people]
    total = _label("total", lang)
    shown = pd.concat([wide[other], wide[other].sum().to_frame(total).T])
    if people:  # the published parts, and the published totals as the total row
        parts = pub["by_faculty"].loc[pub["by_faculty"]["metric"].isin(people)]
        parts = parts.assign(faculty=parts["faculty"].fillna(_label("unknown", lang)))
        cells = parts.pivot(index="faculty", columns="metric", values="central")
        cells = cells.reindex(index=wide.index, columns=people).astype(object)
        cells = cells.mask(present[people].isna(), 0)  # a faculty not hit: zero stays zero
        totals = pub["summary"].set_index("metric")["central"].reindex(people)
        table = pd.concat([cells, totals.to_frame(total).T.astype(object)])
        shown = shown.join(table) if other else table
    shown = shown.reindex(columns=metrics)
    shown.index = pd.Index([str(i) for i in shown.index], name="faculty")
    shown.columns.name = None
    return shown.reset_index()


def _chart(imp: Impact, lang: str) -> str:
    """Per-faculty bars (HTML) of the chart metrics that are not zero everywhere.

    HTML rather than a matplotlib figure: drawing and encoding a figure took longer than the
    whole rest of an update (constrained layout, ticks), and bars in HTML are sharp at any zoom.
    """
    bf = imp.by_faculty
    panels = []
    for m in CHART_METRICS:
        rows = bf.loc[bf["metric"] == m]
        if rows.empty:
            continue
        if (rows["unit"] == "people").any():
            raise ValueError(
                f"CHART_METRICS: {m} counts people, which the chart would not suppress"
            )
        top = float(rows[["central", "high"]].max().max(skipna=True))
        if not top > 0:
            continue
        rows = rows.sort_values("central", ascending=False, na_position="last")
        panels.append(_bar_panel(rows, str(rows["unit"].iloc[0]), _label(m, lang), top, lang))
    return f"<div class='kv-chart'>{''.join(panels)}</div>" if panels else ""


def _bar_panel(rows: pd.DataFrame, unit: str, title: str, top: float, lang: str) -> str:
    bars = []
    shares = rows[["low", "central", "high"]].astype("Float64").fillna(0.0) / top * 100
    for fac, value, (low, central, high) in zip(
        rows["faculty"], rows["central"], shares.to_numpy(float), strict=True
    ):
        faculty = _label("unknown", lang) if pd.isna(fac) else str(fac)
        whisker = (
            f"<span class='kv-range' style='left:{low:.1f}%;width:{high - low:.1f}%'></span>"
            if high > low
            else ""
        )
        bars.append(
            f"<div class='kv-bar-row'><span class='kv-bar-label'>{html.escape(faculty)}</span>"
            f"<span class='kv-bar-track'><span class='kv-bar' style='width:{central:.1f}%'>"
            f"</span>{whisker}</span><span class='kv-bar-value'>"
            f"{html.escape(_format(value, unit, lang))}</span></div>"
        )
    return f"<div class='kv-panel'><div class='kv-panel-title'>{html.escape(title)}</div>" + (
        "".join(bars) + "</div>"
    )


def whatif_outputs(imp: Impact, *, lang: str = "en", chart: bool = True) -> WhatIfOutputs:
    """The headline, the per-faculty table and the chart of an impact, published.

    Parameters
    ----------
    imp : Impact
        From :func:`kvanalytics.scenarios.impact`.
    lang : {"en", "nl"}
        Labels and number formats.
    chart : bool
        Draw the chart (False: ``chart`` is empty).

    Returns
    -------
    WhatIfOutputs

    Examples
    --------
    >>> out = whatif_outputs(impact("nl-2022-freeze", partnerships, headcounts))  # doctest: +SKIP
    >>> out.headline[["label", "text"]]  # doctest: +SKIP
    """
    check_lang(lang)
    pub = imp.published()  # the headline and the table are published together
    return WhatIfOutputs(
        headline=_headline(pub["summary"], lang),
        table=_faculty_table(imp, pub, lang),
        chart=_chart(imp, lang) if chart else "",
    )


def _headline_html(s: Scenario, out: WhatIfOutputs, lang: str) -> str:
    cards = "".join(
        f"<div class='kv-card' data-metric='{html.escape(str(r.metric))}'>"
        f"<div class='kv-card-label'>{html.escape(str(r.label))}</div>"
        f"<div class='kv-headline-value'>{html.escape(str(r.text))}</div></div>"
        for r in out.headline.itertuples(index=False)
    )
    when = format_date(s.effective, lang)
    return (
        _CSS + f"<div class='kv-scenario'><b>{html.escape(_scenario_name(s.name, lang))}</b> · "
        f"{html.escape(_label('effective_date', lang))} {when}</div>"
        f"<div class='kv-cards'>{cards}</div>"
        f"<div class='kv-note'>{html.escape(_range_note(lang))}</div>"
    )


def _range_note(lang: str) -> str:
    return _label("whatif_note", lang, threshold=config.SUPPRESSION_THRESHOLD)


def _table_html(table: pd.DataFrame, lang: str) -> str:
    if table.empty:
        return f"<div class='kv-note'>{html.escape(_label('nothing_hit', lang))}</div>"
    return format_table(table, lang=lang, caption=_label("by_faculty_central", lang))


_CSS = """<style>
.kv-cards{display:flex;flex-wrap:wrap;gap:8px;margin:4px 0}
.kv-card{border:1px solid #ccc;border-radius:6px;padding:6px 10px;min-width:150px;
  background:#fafafa}
.kv-card-label{font-size:12px;color:#444}
.kv-headline-value{font-size:20px;font-weight:bold;color:#0b3c6f}
.kv-scenario{font-size:14px;margin:2px 0}
.kv-note{font-size:11px;color:#666;line-height:1.35}
.kv-error{border:1px solid #b00;background:#fff3f3;color:#700;padding:6px 10px;white-space:pre-wrap}
.kv-chart{display:flex;flex-wrap:wrap;gap:24px;margin:10px 0}
.kv-panel{flex:1 1 330px;max-width:520px}
.kv-panel-title{font-weight:bold;font-size:13px;margin-bottom:4px}
.kv-bar-row{display:flex;align-items:center;font-size:12px;height:20px}
.kv-bar-label{flex:0 0 170px;overflow-wrap:anywhere;line-height:1.1}
.kv-bar-track{flex:1 1 auto;position:relative;height:12px}
.kv-bar{position:absolute;left:0;top:0;height:12px;background:#0072B2}
.kv-range{position:absolute;top:5px;height:2px;background:#222}
.kv-bar-value{flex:0 0 90px;text-align:right;font-variant-numeric:tabular-nums}
.kv-title{font-size:24px;font-weight:normal;margin:4px 0 6px}
.kv-intro{font-size:14px;margin:0 0 12px;max-width:70em;line-height:1.4}
.kv-notice{font-size:14px;margin:0 0 8px;padding:4px 8px;border-left:3px solid #E69F00;max-width:70em}
.kv-table td:first-child{min-width:11em;overflow-wrap:normal !important}
.kv-table th{overflow-wrap:normal !important}
.kv-table{border-collapse:collapse;font-size:13px}
.kv-table th,.kv-table td{border-bottom:1px solid #ddd;padding:3px 8px}
.kv-table th{text-align:left;background:#f2f2f2}
</style>"""


# --------------------------------------------------------------------------------------------
# The app
# --------------------------------------------------------------------------------------------


class WhatIfApp(widgets.VBox):
    """The what-if app (an ipywidgets ``VBox``); build it with :func:`whatif_app`.

    Attributes
    ----------
    picker : Dropdown
        Bundled scenarios and "custom"; picking one fills the controls.
    controls : dict of key -> Widget
        One per :data:`CONTROLS` entry; set ``.value`` to change it.
    headline, table, message : HTML
        The outputs and the error message (empty when the scenario is valid).
    chart : HTML
        The per-faculty bar chart.
    impact : Impact or None
        The last impact computed (None after an error).
    updates : int
        How many times the outputs were recomputed.
    """

    def __init__(
        self,
        partnerships: pd.DataFrame,
        headcounts: pd.DataFrame | None,
        *,
        lang: str,
        scenario: str,
        debounce: float,
        impact_options: Mapping[str, Any],
        notes: Sequence[str] = (),
    ) -> None:
        self._p, self._h, self._lang = partnerships, headcounts, lang
        self._notes = tuple(notes)
        self._debounce, self._options = debounce, dict(impact_options)
        self._pending: asyncio.TimerHandle | None = None
        self._filling = False
        self._unused: set[str] = set()
        self.impact: Impact | None = None
        self.updates = 0
        choices = Choices(
            countries=tuple(sorted(partnerships["country"].dropna().unique())),
            watchlists=tuple(list_watchlists()["name"]),
            lang=lang,
            lenses=tuple(list_risk_profiles()["name"]),
        )
        self.picker = widgets.Dropdown(
            options=[(_label("custom_whatif", lang), CUSTOM)]
            + [(_scenario_name(n, lang), n) for n in list_scenarios()["name"]],
            **_wide(_label("scenario", lang)),
        )
        self.controls = {c.key: c.make(choices) for c in CONTROLS}
        self.description = widgets.HTML()
        self.message = widgets.HTML()
        self.headline = widgets.HTML()
        self.chart = widgets.HTML()
        self.table = widgets.HTML()
        super().__init__(self._layout(), layout=widgets.Layout(width="100%"))
        self.picker.observe(self._picked, "value")
        for w in self.controls.values():
            w.observe(self._changed, "value")
        self.picker.value = scenario  # fills the controls (and computes) when not "custom"
        if scenario == CUSTOM:
            self._fill(CUSTOM)

    def _layout(self) -> list[widgets.Widget]:
        def group(key: str, *keys: str) -> widgets.VBox:
            heading = widgets.HTML(f"<b>{html.escape(_label(key, self._lang))}</b>")
            return widgets.VBox([heading, *(self.controls[k] for k in keys or (key,))])

        economic = [k for k, _, _ in _ECONOMIC_INPUTS]
        grouped = {"measures", "exemptions", *economic}
        others = [w for k, w in self.controls.items() if k not in grouped]
        left = widgets.VBox(
            [
                self.picker,
                self.description,
                *others,
                group("measures"),
                group("exemptions"),
                group("economic_value", *economic),
            ],
            layout=widgets.Layout(width="470px", min_width="420px"),
        )
        right = widgets.VBox(
            [self.message, self.headline, self.chart, self.table],
            layout=widgets.Layout(flex="1 1 auto", padding="0 0 0 16px", overflow="hidden"),
        )
        intro = widgets.HTML(
            _CSS + f"<h2 class='kv-title'>{html.escape(_label('whatif_title', self._lang))}</h2>"
            f"<p class='kv-intro'>{html.escape(_label('whatif_intro', self._lang))}</p>"
            + "".join(  # what reading the inputs said ("8 input rows rejected"), in the language
                f"<p class='kv-notice'>{html.escape(note_text(n, self._lang) or n)}</p>"
                for n in self._notes
            )
        )
        return [intro, widgets.HBox([left, right], layout=widgets.Layout(width="100%"))]

    def values(self) -> dict[str, Any]:
        """The current control values (for :func:`scenario_from_controls`); None for a control
        the picked scenario does not use (hidden)."""
        return {k: None if k in self._unused else w.value for k, w in self.controls.items()}

    def _picked(self, change: Any) -> None:
        self._fill(change["new"])

    def _fill(self, name: str) -> None:
        base = _base(name)
        self._filling = True  # one recomputation for the whole fill, not one per control
        try:
            for c in CONTROLS:
                value, w = c.read(base), self.controls[c.key]
                if c.key in ("countries", "watchlists"):
                    _offer(w, value, self._lang if c.key == "countries" else None)
                w.layout.display = "none" if value is None else None  # not used by this scenario
                if value is None:
                    self._unused.add(c.key)
                else:
                    self._unused.discard(c.key)
                    w.value = value
        finally:
            self._filling = False
        self.description.value = f"<div class='kv-note'>{html.escape(base.description)}</div>"
        self._changed(None)

    def _changed(self, _: Any) -> None:
        if self._filling:
            return
        if self._pending is not None:
            self._pending.cancel()
            self._pending = None
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no event loop (a test, a script): recompute now
            loop = None
        if loop is None or self._debounce <= 0:
            self.refresh()
        else:
            self._pending = loop.call_later(self._debounce, self.refresh)

    def refresh(self) -> None:
        """Recompute the impact and every output from the current control values."""
        self._pending = None
        self.updates += 1
        try:
            s = scenario_from_controls(self.values(), self.picker.value)
            imp = impact(s, self._p, self._h, **self._options)
            out = whatif_outputs(imp, lang=self._lang)
        except KvError as exc:
            self.impact = None
            self.message.value = _CSS + f"<div class='kv-error'>{html.escape(str(exc))}</div>"
            self.headline.value = self.chart.value = self.table.value = ""
            return
        self.impact = imp
        self.message.value = ""
        self.headline.value = _headline_html(s, out, self._lang)
        self.chart.value = out.chart
        self.table.value = _table_html(out.table, self._lang)


def _scenario_name(name: str, lang: str) -> str:
    """A bundled scenario's display name from the label file (``scenario_<name>``), else its id;
    a changed one keeps its ``(what-if)`` mark."""
    base, changed, mark = name.partition(" (what-if)")
    shown = label(f"scenario_{base}", lang) if has_label(f"scenario_{base}") else base
    return shown + changed + mark


def _offer(w: widgets.Widget, value: Sequence[str], lang: str | None) -> None:
    """Add the values a scenario targets to a picker's options (a country not in the data);
    ``lang`` given: the values are country codes, shown with their names."""
    have = {v for _, v in w.options}
    extra = [v for v in value if v not in have]
    if extra:
        new = _country_options(extra, lang) if lang else [(v, v) for v in extra]
        w.options = sorted([*w.options, *new])


def whatif_app(
    partnerships: pd.DataFrame,
    headcounts: pd.DataFrame | None = None,
    *,
    lang: str = "en",
    scenario: str = CUSTOM,
    debounce: float = _DEBOUNCE_S,
    notes: Sequence[str] = (),
    **impact_options: Any,
) -> WhatIfApp:
    """The live what-if app: pick a scenario or build one, see its published impact.

    Parameters
    ----------
    partnerships : DataFrame
        Canonical partnerships (``kv.read_partnerships``).
    headcounts : DataFrame, optional
        Canonical headcounts; without them the people metrics are unknown.
    lang : {"en", "nl"}
        Labels and number formats.
    scenario : str
        The scenario picked first: a bundled name, or ``""`` for the custom what-if.
    debounce : float
        Seconds of quiet after a change before recomputing (0: at once; without an event loop,
        as in a test, always at once).
    notes : sequence of str
        What reading the inputs said (``DashboardInputs.notes``: rows rejected, no headcounts),
        shown above the controls in ``lang``.
    **impact_options
        Passed to :func:`kvanalytics.scenarios.impact` (``watchlists=``, ``risk_profile=``).

    Returns
    -------
    WhatIfApp
        An ipywidgets ``VBox``; display it (the last line of a cell).

    Examples
    --------
    >>> app = whatif_app(partnerships, headcounts, scenario="nl-2022-freeze")  # doctest: +SKIP
    >>> app.controls["measures"].value = ("freeze_institutional",)  # doctest: +SKIP
    """
    check_lang(lang)
    return WhatIfApp(
        partnerships,
        headcounts,
        lang=lang,
        scenario=scenario,
        debounce=debounce,
        impact_options=impact_options,
        notes=notes,
    )


# --------------------------------------------------------------------------------------------
# Inputs of the dashboard
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DashboardInputs:
    """The tables the dashboard works on, its language, and what a reader should know."""

    partnerships: pd.DataFrame
    headcounts: pd.DataFrame | None
    lang: str = "en"
    notes: tuple[str, ...] = ()


def dashboard_inputs(
    *,
    project_file: str | Path | None = None,
    partnerships: Sequence[str | Path] | None = None,
    headcounts: Sequence[str | Path] | None = None,
    lang: str | None = None,
) -> DashboardInputs:
    """Read the dashboard's inputs: the settings ``kvanalytics dashboard`` wrote when it started
    the notebook (the file named by environment variable :data:`ENV_SETTINGS`), else the
    notebook's parameters (as notebooks 01-04 take them: input paths win over the project).

    The settings file is JSON: ``{"project": path}`` or ``{"options": {...}}`` (the keyword
    arguments of :func:`kvanalytics.project.project_from_options`, paths absolute), and
    ``"lang"``. Inputs are read by :func:`kvanalytics.project.read_inputs` (unchanged inputs
    reused from the cache, rejects collected).

    Parameters
    ----------
    project_file : str or Path, optional
        A project file (``kvanalytics.yaml``).
    partnerships, headcounts : sequence of paths, optional
        Export files; given, they win over ``project_file``.
    lang : {"en", "nl"}, optional
        Default: the project's.

    Returns
    -------
    DashboardInputs

    Examples
    --------
    >>> inputs = dashboard_inputs(partnerships=["data/raw/sample_partnerships.csv"])  # doctest: +SKIP
    """
    settings = os.environ.get(ENV_SETTINGS)
    options: dict[str, Any] = {"partnerships": partnerships, "headcounts": headcounts or []}
    if settings:
        d = json.loads(Path(settings).read_text(encoding="utf-8"))
        project_file, lang, options = d.get("project"), d.get("lang", lang), d.get("options", {})
    if project_file and not options.get("partnerships"):
        project = load_project(project_file)
    else:
        project = project_from_options(**{**options, "lang": lang or "en"})
    lang = lang or project.lang
    check_lang(lang)
    inputs: Inputs = read_inputs(project)
    return DashboardInputs(inputs.partnerships, inputs.headcounts, lang, tuple(inputs.notes))
