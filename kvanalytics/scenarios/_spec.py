"""The scenario objects (frozen dataclasses) and the validation of the YAML format.

The format is documented in the :mod:`kvanalytics.scenarios` package docstring. Validation
collects every problem of a scenario (``_Problems``) and raises them all at once as one
:class:`~kvanalytics.errors.ScenarioError` whose message lists each ``key.path = value: problem;
allowed: ...``.
"""

from __future__ import annotations

import datetime as dt
import difflib
import html
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pycountry
import yaml

from ..errors import ScenarioError, UnknownNameError
from ..schemas import GROUPS, PARTNER_TYPES

MEASURES = (
    "freeze_institutional",
    "stop_financial_flows",
    "stop_data_exchange",
    "cancel_planned",
    "recall_exchange_out",
    "stop_exchange_in",
    "review",
    "condition",
)
EXEMPTIONS = ("individual_ties", "degree_students", "current_mobility_until_end_of_academic_year")
FIELDS_MODES = ("union", "intersect")
_TOP_KEYS = (
    "name",
    "description",
    "source",
    "effective",
    "targets",
    "measures",
    "exemptions",
    "assumptions",
)
_TARGET_KEYS = ("countries", "watchlists", "risk_profile", "fields", "fields_mode", "partner_types")
_SCOPE_KEYS = ("fields", "min_tier", "countries", "levels")
_WATCHLIST_KEYS = ("name", "min_score", "complete", "of_about", "if_partial")
_PARTIAL_KEYS = ("countries", "partner_types")
_LENS_KEYS = ("name", "min_tier", "lens", "supplied_by_user")
LEVELS = ("institutional", "faculty", "individual")
_MOBILITY_GROUPS = ("exchange_in", "exchange_out")
_SUPPORT_GROUPS_DEFAULT = ("degree_student", "phd", "academic_staff", "support_staff")

#: Assumption name -> (kind, default, allowed text). Kinds: share (0..1), amount (>= 0).
ASSUMPTIONS: dict[str, tuple[str, Any, str]] = {
    "share_unknown_financial_flows_true": ("share", (0.0, 0.5, 1.0), "a share 0..1"),
    "share_unknown_data_exchange_true": ("share", (0.0, 0.5, 1.0), "a share 0..1"),
    "share_unknown_level_individual": ("share", (0.0, 0.5, 1.0), "a share 0..1"),
    # ties whose target status is unknown (partner type NA, not on a partial list); None: 0-1
    "share_unknown_target_true": ("share", None, "a share 0..1"),
    "unknown_value_eur": ("amount", "observed", "EUR >= 0, or 'observed'"),
    "support_take_up_rate": ("share", None, "a share 0..1"),
    "monthly_support_eur": ("amount", None, "EUR >= 0"),
    "support_months": ("amount", None, "months >= 0"),
    "support_nationalities": ("iso2_list", (), "a list of ISO 3166-1 alpha-2 codes"),
    "support_groups": ("group_list", _SUPPORT_GROUPS_DEFAULT, "a list of " + ", ".join(GROUPS)),
    # economic value of degree students (econ; see scenarios/_economics.py). Each may be given
    # as {value: ..., source: "..."}; the source text is kept and shown with the figure.
    "tuition_eur_per_year": ("amount", None, "EUR per student per year >= 0"),
    "public_funding_eur_per_year": ("amount", None, "EUR per student per year >= 0"),
    "cost_eur_per_year": ("amount", None, "EUR per student per year >= 0 (the seed's costs)"),
    "benefit_cost_ratio": ("amount", "seed 002", "a ratio >= 0 (default 2.6-3.3, seed 002)"),
    "study_years": ("amount", None, "years of a degree programme > 0"),
    "years_remaining": ("amount", None, "years a student lost would still have studied >= 0"),
    "horizon_years": ("amount", None, "years of intake not admitted >= 0"),
    "sources": ("source_map", (), "a mapping assumption name -> source text"),
}
_SUPPORT_RANGES = ("support_take_up_rate", "monthly_support_eur", "support_months")

_ISO2_RE = re.compile(r"^[A-Z]{2}$")
_TAG_RE = re.compile(r"^[a-z0-9][a-z0-9_\-]*$")


# --------------------------------------------------------------------------------------------
# The scenario objects
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Range:
    """An assumption as ``low <= central <= high`` (equal for a single number).

    Examples
    --------
    >>> Range(0.1, 0.2, 0.4).is_point
    False
    """

    low: float
    central: float
    high: float

    @property
    def is_point(self) -> bool:
        """True when low, central and high are equal."""
        return self.low == self.central == self.high

    def as_list(self) -> list[float]:
        """``[low, central, high]``."""
        return [self.low, self.central, self.high]


@dataclass(frozen=True)
class WatchlistTarget:
    """Partners on watchlist ``name`` (bundled name or path) with a match score >= ``min_score``.

    A *partial* list (``complete`` false, or None and the list not flagged complete, with an
    ``if_partial`` population) gives a range: its hits are the low end; partners in
    ``partial_countries`` of a type in ``partial_partner_types`` that it does not hit have an
    unknown status and make the high end. ``of_about`` is how many names the full list has.
    """

    name: str
    min_score: float = 90.0
    complete: bool | None = None
    of_about: int | None = None
    partial_countries: tuple[str, ...] = ()
    partial_partner_types: tuple[str, ...] = ()

    @property
    def has_partial_scope(self) -> bool:
        """True when the target says whom a partial list leaves unknown."""
        return bool(self.partial_countries or self.partial_partner_types)


@dataclass(frozen=True)
class RiskTarget:
    """Partners in countries with tier >= ``min_tier`` in risk profile ``name`` (one *lens*).

    ``lens`` says what the profile stands for ("academic freedom"); ``supplied_by_user``: no
    bundled profile is meant, the analyst passes one (``impact(..., risk_profile={name: frame})``);
    without it the lens adds nothing and the impact is a lower bound (the notes say so).
    """

    name: str
    min_tier: int = 2
    lens: str = ""
    supplied_by_user: bool = False


@dataclass(frozen=True)
class Targets:
    """What a scenario aims at; see the module docs for how the parts combine."""

    countries: tuple[str, ...] = ()
    watchlists: tuple[WatchlistTarget, ...] = ()
    risk_profile: RiskTarget | None = None
    fields: tuple[str, ...] = ()
    fields_mode: str = "union"
    partner_types: tuple[str, ...] = ()
    lenses: tuple[RiskTarget, ...] = ()

    @property
    def risk_lenses(self) -> tuple[RiskTarget, ...]:
        """Every risk lens: ``lenses`` when several are given, else ``(risk_profile,)``."""
        if self.lenses:
            return self.lenses
        return (self.risk_profile,) if self.risk_profile is not None else ()


@dataclass(frozen=True)
class Scope:
    """Restricts a measure to targeted agreements meeting every given condition (empty = all)."""

    fields: tuple[str, ...] = ()
    min_tier: int | None = None
    countries: tuple[str, ...] = ()
    levels: tuple[str, ...] = ()

    @property
    def is_all(self) -> bool:
        """True when the measure applies to every targeted agreement."""
        return not self.fields and self.min_tier is None and not self.countries and not self.levels


@dataclass(frozen=True)
class Measures:
    """Each measure is off (None) or on within a :class:`Scope` (``Scope()`` = all targeted)."""

    freeze_institutional: Scope | None = None
    stop_financial_flows: Scope | None = None
    stop_data_exchange: Scope | None = None
    cancel_planned: Scope | None = None
    recall_exchange_out: Scope | None = None
    stop_exchange_in: Scope | None = None
    review: Scope | None = None
    condition: Scope | None = None

    def on(self) -> dict[str, Scope]:
        """The measures that are on, with their scopes.

        Examples
        --------
        >>> list(Measures(review=Scope()).on())
        ['review']
        """
        return {m: getattr(self, m) for m in MEASURES if getattr(self, m) is not None}


@dataclass(frozen=True)
class Exemptions:
    """Who keeps going; see the module docs."""

    individual_ties: bool = False
    degree_students: bool = False
    current_mobility_until_end_of_academic_year: tuple[str, ...] = ()


@dataclass(frozen=True)
class Assumptions:
    """Assumption ranges; ``unknown_value_eur`` None means "observed" (derived from the data)."""

    share_unknown_financial_flows_true: Range = Range(0.0, 0.5, 1.0)
    share_unknown_data_exchange_true: Range = Range(0.0, 0.5, 1.0)
    share_unknown_level_individual: Range = Range(0.0, 0.5, 1.0)
    share_unknown_target_true: Range | None = None  # None: [0, 0.5, 1] where needed
    unknown_value_eur: Range | None = None
    support_take_up_rate: Range | None = None
    monthly_support_eur: Range | None = None
    support_months: Range | None = None
    support_nationalities: tuple[str, ...] = ()
    support_groups: tuple[str, ...] = _SUPPORT_GROUPS_DEFAULT
    # economic value (econ): per student per year in EUR, years; None = not given (the metric
    # is absent with a note), except benefit_cost_ratio: None = seed 002's 2.6-3.3
    tuition_eur_per_year: Range | None = None
    public_funding_eur_per_year: Range | None = None
    cost_eur_per_year: Range | None = None
    benefit_cost_ratio: Range | None = None
    study_years: Range | None = None
    years_remaining: Range | None = None
    horizon_years: Range | None = None
    sources: tuple[tuple[str, str], ...] = ()  # (assumption name, source text)


@dataclass(frozen=True)
class Scenario:
    """A freeze or sanctions policy: targets, measures, exemptions, effective date, assumptions.

    Build one with :meth:`from_yaml`, :meth:`from_dict`, :func:`load_scenario` or
    :func:`make_scenario`; the constructors validate everything and raise one
    :class:`~kvanalytics.errors.ScenarioError` naming every problem.

    Examples
    --------
    >>> s = Scenario.from_dict({"name": "x", "effective": "2022-03-04",
    ...                         "targets": {"countries": ["RU"]},
    ...                         "measures": {"freeze_institutional": True}})
    >>> s.targets.countries, s.effective
    (('RU',), datetime.date(2022, 3, 4))
    """

    name: str
    effective: dt.date
    targets: Targets
    measures: Measures
    exemptions: Exemptions = Exemptions()
    assumptions: Assumptions = Assumptions()
    description: str = ""
    source: str = ""

    @classmethod
    def from_dict(cls, d: Mapping[str, Any], *, origin: str | None = None) -> Scenario:
        """Validate a mapping (as read from YAML) and build the scenario.

        Parameters
        ----------
        d : mapping
            The YAML structure (see the module docs).
        origin : str, optional
            Where it came from, for error messages.

        Returns
        -------
        Scenario

        Raises
        ------
        ScenarioError
            Listing every problem as ``key.path = value: problem; allowed: ...``.

        Examples
        --------
        >>> Scenario.from_dict({"name": "x", "effective": "2024-01-01",
        ...     "targets": {"countries": ["IR"]}, "measures": {"review": True}}).measures.on()
        {'review': Scope(fields=(), min_tier=None, countries=())}
        """
        return _parse_scenario(d, origin or "scenario")

    @classmethod
    def from_yaml(cls, path: str | Path) -> Scenario:
        """Read and validate a scenario YAML file (``yaml.safe_load`` only).

        Examples
        --------
        >>> Scenario.from_yaml(SCENARIO_DIR / "nl-2022-freeze.yaml").name
        'nl-2022-freeze'
        """
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise UnknownNameError(f"{path}: no such scenario file.") from None
        except IsADirectoryError:
            raise ScenarioError(
                f"{path}: a directory, not a scenario file; give the path of a .yaml file."
            ) from None
        except UnicodeDecodeError:
            raise ScenarioError(
                f"{path}: not a text file (UTF-8); a scenario is a YAML text file."
            ) from None
        except OSError as exc:
            raise ScenarioError(f"{path}: cannot be read ({exc.strerror or exc}).") from None
        try:
            data = yaml.load(text, Loader=_ScenarioLoader)  # a SafeLoader: no Python objects
        except yaml.YAMLError as exc:
            raise ScenarioError(f"{path}: not valid YAML ({exc}).") from None
        return _parse_scenario(data, str(path))

    def to_dict(self) -> dict[str, Any]:
        """The YAML structure of this scenario (``from_dict(s.to_dict()) == s``).

        Examples
        --------
        >>> load_scenario("nl-2022-freeze").to_dict()["targets"]["countries"]
        ['RU', 'BY']
        """
        t = self.targets
        targets: dict[str, Any] = {}
        if t.countries:
            targets["countries"] = list(t.countries)
        if t.watchlists:
            targets["watchlists"] = [_watchlist_dict(w) for w in t.watchlists]
        if t.risk_profile is not None:
            lenses = [_lens_dict(r) for r in t.risk_lenses]
            targets["risk_profile"] = lenses if t.lenses else lenses[0]
        if t.fields:
            targets["fields"] = list(t.fields)
        targets["fields_mode"] = t.fields_mode
        if t.partner_types:
            targets["partner_types"] = list(t.partner_types)
        measures: dict[str, Any] = {}
        for m, scope in self.measures.on().items():
            if scope.is_all:
                measures[m] = True
            else:
                sd: dict[str, Any] = {}
                if scope.fields:
                    sd["fields"] = list(scope.fields)
                if scope.min_tier is not None:
                    sd["min_tier"] = scope.min_tier
                if scope.countries:
                    sd["countries"] = list(scope.countries)
                if scope.levels:
                    sd["levels"] = list(scope.levels)
                measures[m] = sd
        e = self.exemptions
        mob = e.current_mobility_until_end_of_academic_year
        a = self.assumptions
        assumptions: dict[str, Any] = {}
        for name in ASSUMPTIONS:
            v = getattr(a, name)
            if name == "sources" and v:
                assumptions[name] = dict(v)
            elif isinstance(v, Range):
                assumptions[name] = v.as_list()
            elif isinstance(v, tuple) and v:
                assumptions[name] = list(v)
        return {
            "name": self.name,
            "description": self.description,
            "source": self.source,
            "effective": self.effective,
            "targets": targets,
            "measures": measures,
            "exemptions": {
                "individual_ties": e.individual_ties,
                "degree_students": e.degree_students,
                "current_mobility_until_end_of_academic_year": list(mob),
            },
            "assumptions": assumptions,
        }

    def _repr_html_(self) -> str:
        t = self.targets
        parts = []
        if t.countries:
            parts.append("countries " + ", ".join(t.countries))
        parts += [f"watchlist {w.name} (score ≥ {w.min_score:g})" for w in t.watchlists]
        parts += [f"{r.lens or r.name}: {r.name} tier ≥ {r.min_tier}" for r in t.risk_lenses]
        if t.fields:
            parts.append(f"fields ({t.fields_mode}) " + ", ".join(t.fields))
        if t.partner_types:
            parts.append("partner types " + ", ".join(t.partner_types))
        ex = [k for k in EXEMPTIONS if getattr(self.exemptions, k)]
        return (
            f"<b>{html.escape(self.name)}</b> (effective {self.effective.isoformat()})<br>"
            f"{html.escape(self.description)}<br>targets: {html.escape('; '.join(parts))}<br>"
            f"measures: {html.escape(', '.join(self.measures.on()))}<br>"
            f"exemptions: {html.escape(', '.join(ex) or 'none')}<br>"
            f"<small>source: {html.escape(self.source)}</small>"
        )


def _watchlist_dict(w: WatchlistTarget) -> dict[str, Any]:
    d: dict[str, Any] = {"name": w.name, "min_score": w.min_score}
    if w.complete is not None:
        d["complete"] = w.complete
    if w.of_about is not None:
        d["of_about"] = w.of_about
    if w.has_partial_scope:
        part: dict[str, Any] = {}
        if w.partial_countries:
            part["countries"] = list(w.partial_countries)
        if w.partial_partner_types:
            part["partner_types"] = list(w.partial_partner_types)
        d["if_partial"] = part
    return d


def _lens_dict(r: RiskTarget) -> dict[str, Any]:
    d: dict[str, Any] = {"name": r.name, "min_tier": r.min_tier}
    if r.lens:
        d["lens"] = r.lens
    if r.supplied_by_user:
        d["supplied_by_user"] = True
    return d


# --------------------------------------------------------------------------------------------
# Validation: collect every problem, raise once
# --------------------------------------------------------------------------------------------
class _ScenarioLoader(yaml.SafeLoader):
    """``yaml.SafeLoader``, except that an impossible date (``2022-02-30``) stays text.

    PyYAML raises a bare ValueError for such a date and stops; kept as text, validation reports
    it (``effective = '2022-02-30': not a date``) together with every other problem.
    """


def _timestamp_or_text(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    try:
        return loader.construct_yaml_timestamp(node)
    except ValueError:
        return loader.construct_scalar(node)


_ScenarioLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_or_text)


class _Problems:
    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, path: str, value: Any, problem: str, allowed: str) -> None:
        shown = "(missing)" if value is _MISSING else repr(value)
        self.items.append(f"{path} = {shown}: {problem}; allowed: {allowed}")

    def unknown_keys(self, path: str, d: Mapping[str, Any], allowed: Sequence[str]) -> None:
        for k in d:
            if k not in allowed:
                key = str(k)
                close = [a for a in allowed if len(key) >= 3 and a.startswith(key)]
                close = close or difflib.get_close_matches(key, allowed, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                where = f"{path}.{k}" if path else str(k)
                self.add(where, d[k], "unknown key" + hint, ", ".join(allowed))


_MISSING = object()


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)


def _iso2_list(P: _Problems, path: str, v: Any) -> tuple[str, ...]:
    allowed = "a list of ISO 3166-1 alpha-2 codes in capitals, e.g. [RU, BY]"
    if not isinstance(v, list | tuple):
        P.add(path, v, "not a list", allowed)
        return ()
    out = []
    for i, c in enumerate(v):
        if not isinstance(c, str) or not _ISO2_RE.match(c) or not _known_country(c):
            P.add(f"{path}[{i}]", c, "not an ISO2 country code", allowed)
        else:
            out.append(c)
    return tuple(out)


def _known_country(code: str) -> bool:
    return code == "XK" or pycountry.countries.get(alpha_2=code) is not None


def _tag_list(P: _Problems, path: str, v: Any) -> tuple[str, ...]:
    allowed = "a list of lower-case field tags such as [dual_use, aerospace]"
    if not isinstance(v, list | tuple) or not v:
        P.add(path, v, "not a non-empty list", allowed)
        return ()
    out = []
    for i, t in enumerate(v):
        if not isinstance(t, str) or not _TAG_RE.match(t):
            P.add(f"{path}[{i}]", t, "not a field tag", allowed)
        else:
            out.append(t)
    return tuple(out)


def _tier(P: _Problems, path: str, v: Any) -> int | None:
    if isinstance(v, bool) or not isinstance(v, int) or not 1 <= v <= 3:
        P.add(path, v, "not a tier", "an integer 1..3 (1 watch, 2 high, 3 restricted)")
        return None
    return v


def _date(P: _Problems, path: str, v: Any) -> dt.date | None:
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    if isinstance(v, pd.Timestamp):
        return v.date()
    if isinstance(v, str):
        try:
            return dt.date.fromisoformat(v.strip())
        except ValueError:
            pass
    P.add(path, v, "not a date", "an ISO date YYYY-MM-DD, e.g. 2022-03-04")
    return None


def _range(P: _Problems, path: str, v: Any, kind: str, allowed: str) -> Range | None:
    lo_ok = 0.0
    hi_ok = 1.0 if kind == "share" else math.inf
    full = f"{allowed}: a number or [low, central, high] with low <= central <= high"
    if _is_number(v):
        vals = [float(v)] * 3
    elif isinstance(v, list | tuple) and len(v) == 3 and all(_is_number(x) for x in v):
        vals = [float(x) for x in v]
    else:
        P.add(path, v, "not a number or a [low, central, high] list", full)
        return None
    if not vals[0] <= vals[1] <= vals[2]:
        P.add(path, v, "not ordered low <= central <= high", full)
        return None
    if vals[0] < lo_ok or vals[2] > hi_ok:
        P.add(path, v, "out of range", full)
        return None
    return Range(*vals)


def _scope(P: _Problems, path: str, v: Any, has_risk: bool) -> Scope | None:
    allowed_v = "true, false, or a scope mapping with keys " + ", ".join(_SCOPE_KEYS)
    if v is None or v is False:
        return None
    if v is True:
        return Scope()
    if not isinstance(v, Mapping) or not v:
        P.add(path, v, "not a measure setting", allowed_v)
        return None
    P.unknown_keys(path, v, _SCOPE_KEYS)
    fields = _tag_list(P, f"{path}.fields", v["fields"]) if "fields" in v else ()
    tier = _tier(P, f"{path}.min_tier", v["min_tier"]) if "min_tier" in v else None
    if tier is not None and not has_risk:
        P.add(
            f"{path}.min_tier",
            tier,
            "needs a risk profile to read tiers from",
            "min_tier only together with targets.risk_profile",
        )
    countries = _iso2_list(P, f"{path}.countries", v["countries"]) if "countries" in v else ()
    levels = _choice_list(P, f"{path}.levels", v["levels"], LEVELS) if "levels" in v else ()
    return Scope(fields=fields, min_tier=tier, countries=countries, levels=levels)


def _choice_list(P: _Problems, path: str, v: Any, choices: Sequence[str]) -> tuple[str, ...]:
    """A non-empty list of values from ``choices`` (levels, partner types)."""
    allowed = "a list of " + ", ".join(choices)
    if not isinstance(v, list | tuple) or not v or any(x not in choices for x in v):
        P.add(path, v, "not a list of known values", allowed)
        return ()
    return tuple(v)


def _parse_targets(P: _Problems, t: Any) -> Targets:
    if not isinstance(t, Mapping):
        P.add(
            "targets",
            _MISSING if t is None else t,
            "missing or not a mapping",
            ", ".join(_TARGET_KEYS),
        )
        return Targets()
    P.unknown_keys("targets", t, _TARGET_KEYS)
    countries = _iso2_list(P, "targets.countries", t["countries"]) if "countries" in t else ()
    watchlists: list[WatchlistTarget] = []
    wl = t.get("watchlists", [])
    if not isinstance(wl, list | tuple):
        P.add("targets.watchlists", wl, "not a list", "a list of {name, min_score}")
        wl = []
    for i, item in enumerate(wl):
        w = _watchlist_target(P, f"targets.watchlists[{i}]", item)
        if w is not None:
            watchlists.append(w)
    lenses = _parse_lenses(P, t["risk_profile"]) if "risk_profile" in t else ()
    risk = lenses[0] if lenses else None
    partner_types = (
        _choice_list(P, "targets.partner_types", t["partner_types"], PARTNER_TYPES)
        if "partner_types" in t
        else ()
    )
    fields = _tag_list(P, "targets.fields", t["fields"]) if "fields" in t else ()
    mode = t.get("fields_mode", "union")
    if mode not in FIELDS_MODES:
        P.add("targets.fields_mode", mode, "unknown mode", ", ".join(FIELDS_MODES))
        mode = "union"
    has_base = bool(countries or watchlists or risk or "countries" in t or "watchlists" in t)
    if not (has_base or fields or "risk_profile" in t or "fields" in t):
        P.add(
            "targets",
            dict(t),
            "no target",
            "at least one of countries, watchlists, risk_profile, fields",
        )
    if mode == "intersect" and not ("fields" in t and (has_base or "risk_profile" in t)):
        P.add(
            "targets.fields_mode",
            mode,
            "intersect needs fields and another target",
            "fields together with countries, watchlists or risk_profile",
        )
    return Targets(
        tuple(countries),
        tuple(watchlists),
        risk,
        tuple(fields),
        mode,
        partner_types,
        lenses if len(lenses) > 1 else (),
    )


def _watchlist_target(P: _Problems, path: str, item: Any) -> WatchlistTarget | None:
    """One ``targets.watchlists`` item: a name, or ``{name, min_score, complete, of_about,
    if_partial: {countries, partner_types}}``."""
    if isinstance(item, str) and item:
        return WatchlistTarget(item)
    if not isinstance(item, Mapping) or not isinstance(item.get("name"), str):
        P.add(path, item, "not a watchlist target", "a name, or {name: <list>, min_score: 0..100}")
        return None
    P.unknown_keys(path, item, _WATCHLIST_KEYS)
    score = item.get("min_score", 90.0)
    ok = True
    if not _is_number(score) or not 0 <= score <= 100:
        P.add(f"{path}.min_score", score, "not a score", "a number 0..100")
        ok = False
    complete = item.get("complete")
    if complete is not None and not isinstance(complete, bool):
        P.add(f"{path}.complete", complete, "not true/false", "true or false")
        ok = False
    of_about = item.get("of_about")
    if of_about is not None and (isinstance(of_about, bool) or not isinstance(of_about, int)):
        P.add(f"{path}.of_about", of_about, "not a count", "a whole number of names")
        ok = False
    part = item.get("if_partial", {}) or {}
    if not isinstance(part, Mapping):
        P.add(f"{path}.if_partial", part, "not a mapping", ", ".join(_PARTIAL_KEYS))
        part = {}
    P.unknown_keys(f"{path}.if_partial", part, _PARTIAL_KEYS)
    countries = (
        _iso2_list(P, f"{path}.if_partial.countries", part["countries"])
        if "countries" in part
        else ()
    )
    types = (
        _choice_list(P, f"{path}.if_partial.partner_types", part["partner_types"], PARTNER_TYPES)
        if "partner_types" in part
        else ()
    )
    if not ok:
        return None
    return WatchlistTarget(item["name"], float(score), complete, of_about, countries, types)


def _parse_lenses(P: _Problems, r: Any) -> tuple[RiskTarget, ...]:
    """``targets.risk_profile``: one ``{name, min_tier}`` or a list of lenses (combined: a
    country's tier is its highest; a lens hits at its own ``min_tier``)."""
    allowed = "{name: <profile>, min_tier: 1..3, lens: <text>, supplied_by_user: bool}, or a list"
    items = list(r) if isinstance(r, list | tuple) else [r]
    if not items:
        P.add("targets.risk_profile", r, "an empty list", allowed)
    out = []
    for i, x in enumerate(items):
        path = "targets.risk_profile" + (f"[{i}]" if isinstance(r, list | tuple) else "")
        if not isinstance(x, Mapping) or not isinstance(x.get("name"), str):
            P.add(path, x, "not a risk target", allowed)
            continue
        P.unknown_keys(path, x, _LENS_KEYS)
        tier = _tier(P, f"{path}.min_tier", x.get("min_tier", _MISSING))
        lens, user = x.get("lens", ""), x.get("supplied_by_user", False)
        if not isinstance(lens, str):
            P.add(f"{path}.lens", lens, "not text", "a short description of the lens")
            lens = ""
        if not isinstance(user, bool):
            P.add(f"{path}.supplied_by_user", user, "not true/false", "true or false")
            user = False
        if tier is not None:
            out.append(RiskTarget(x["name"], tier, lens, user))
    return tuple(out)


def _parse_scenario(d: Any, origin: str) -> Scenario:
    P = _Problems()
    if not isinstance(d, Mapping):
        got = "nothing (empty)" if d is None else type(d).__name__
        raise ScenarioError(
            f"{origin}: a scenario is a mapping with keys {', '.join(_TOP_KEYS)}; got {got}."
        )
    P.unknown_keys("", d, _TOP_KEYS)
    name = d.get("name", _MISSING)
    if not isinstance(name, str) or not name.strip():
        P.add("name", name, "missing or empty", "a short id such as nl-2022-freeze")
        name = "?"
    texts = {}
    for k in ("description", "source"):
        v = d.get(k, "")
        if not isinstance(v, str):
            P.add(k, v, "not text", "a string")
            v = ""
        texts[k] = v
    effective = _date(P, "effective", d.get("effective", _MISSING))
    targets = _parse_targets(P, d.get("targets"))
    has_risk = targets.risk_profile is not None or (
        isinstance(d.get("targets"), Mapping) and "risk_profile" in d["targets"]
    )
    scopes = _parse_measures(P, d.get("measures"), has_risk)
    ex = _parse_exemptions(P, d.get("exemptions", {}) or {})
    assumptions = _parse_assumptions(P, d.get("assumptions", {}) or {})
    if P.items:
        n = len(P.items)
        raise ScenarioError(
            f"{origin}: {n} problem{'s' if n > 1 else ''} in the scenario definition:\n  - "
            + "\n  - ".join(P.items)
            + "\nFix these keys (the schema is in the kvanalytics.scenarios module docs)."
        )
    assert effective is not None
    return Scenario(
        name=name.strip(),
        effective=effective,
        targets=targets,
        measures=Measures(**scopes),
        exemptions=Exemptions(**ex),
        assumptions=assumptions,
        description=texts["description"].strip(),
        source=texts["source"].strip(),
    )


def _parse_measures(P: _Problems, m: Any, has_risk: bool) -> dict[str, Scope | None]:
    scopes: dict[str, Scope | None] = {}
    if not isinstance(m, Mapping):
        P.add(
            "measures",
            _MISSING if m is None else m,
            "missing or not a mapping",
            ", ".join(MEASURES),
        )
    else:
        P.unknown_keys("measures", m, MEASURES)
        for k in MEASURES:
            if k in m:
                scopes[k] = _scope(P, f"measures.{k}", m[k], has_risk)
        if not any(v is not None for v in scopes.values()) and all(k in MEASURES for k in m):
            P.add("measures", dict(m), "no measure is on", "at least one of " + ", ".join(MEASURES))
    return scopes


def _parse_exemptions(P: _Problems, e: Any) -> dict[str, Any]:
    ex: dict[str, Any] = {}
    if not isinstance(e, Mapping):
        P.add("exemptions", e, "not a mapping", ", ".join(EXEMPTIONS))
        e = {}
    P.unknown_keys("exemptions", e, EXEMPTIONS)
    for k in ("individual_ties", "degree_students"):
        v = e.get(k, False)
        if not isinstance(v, bool):
            P.add(f"exemptions.{k}", v, "not true/false", "true or false")
            v = False
        ex[k] = v
    mob_key = "current_mobility_until_end_of_academic_year"
    mob = e.get(mob_key, False)
    if mob is True:
        ex[mob_key] = _MOBILITY_GROUPS
    elif mob is False or mob is None:
        ex[mob_key] = ()
    elif isinstance(mob, list | tuple) and all(g in _MOBILITY_GROUPS for g in mob):
        ex[mob_key] = tuple(g for g in _MOBILITY_GROUPS if g in mob)
    else:
        P.add(
            f"exemptions.{mob_key}",
            mob,
            "not a setting",
            "true, false, or a list of exchange_in, exchange_out",
        )
        ex[mob_key] = ()
    return ex


def _parse_assumptions(P: _Problems, a: Any) -> Assumptions:
    if not isinstance(a, Mapping):
        P.add("assumptions", a, "not a mapping", ", ".join(ASSUMPTIONS))
        return Assumptions()
    P.unknown_keys("assumptions", a, tuple(ASSUMPTIONS))
    values: dict[str, Any] = {}
    sources = _parse_sources(P, a)
    for name, (kind, _default, allowed) in ASSUMPTIONS.items():
        if name not in a or kind == "source_map":
            continue
        v, path = a[name], f"assumptions.{name}"
        if isinstance(v, Mapping) and name in _SOURCED:
            v, path = v.get("value", _MISSING), path + ".value"
        if kind == "iso2_list":
            values[name] = _iso2_list(P, path, v)
        elif kind == "group_list":
            if not isinstance(v, list | tuple) or not v or any(g not in GROUPS for g in v):
                P.add(path, v, "not a list of groups", allowed)
            else:
                values[name] = tuple(v)
        elif name == "unknown_value_eur" and v == "observed":
            values[name] = None
        else:
            r = _range(P, path, v, kind, allowed)
            if r is not None:
                values[name] = r
    if values.get("support_nationalities"):
        for name in _SUPPORT_RANGES:
            if name not in a:
                P.add(
                    f"assumptions.{name}",
                    _MISSING,
                    "needed when support_nationalities is given",
                    ASSUMPTIONS[name][2] + " or [low, central, high]",
                )
    if sources:
        values["sources"] = tuple(sorted(sources.items()))
    years = values.get("study_years")
    if years is not None and years.low <= 0:
        P.add("assumptions.study_years", a["study_years"], "zero years", "years > 0")
        del values["study_years"]
    return Assumptions(**values)


#: The economic assumptions (econ), each a number, [low, central, high] or {value, source}.
_SOURCED = (
    "tuition_eur_per_year",
    "public_funding_eur_per_year",
    "cost_eur_per_year",
    "benefit_cost_ratio",
    "study_years",
    "years_remaining",
    "horizon_years",
)


def _parse_sources(P: _Problems, a: Mapping[str, Any]) -> dict[str, str]:
    """Source texts of the economic assumptions: ``sources: {name: text}`` and ``{value, source}``."""
    out: dict[str, str] = {}
    given = a.get("sources", {}) or {}
    if not isinstance(given, Mapping):
        P.add("assumptions.sources", given, "not a mapping", ASSUMPTIONS["sources"][2])
        given = {}
    for name, v in (
        *given.items(),
        *((n, a[n]) for n in _SOURCED if isinstance(a.get(n), Mapping)),
    ):
        if isinstance(v, Mapping):
            P.unknown_keys(f"assumptions.{name}", v, ("value", "source"))
            v = v.get("source", "")
        if name not in _SOURCED:
            P.add(
                f"assumptions.sources.{name}", v, "not an economic assumption", ", ".join(_SOURCED)
            )
        elif not isinstance(v, str):
            P.add(f"assumptions.{name}.source", v, "not text", "a citation (report, table, year)")
        elif v.strip():
            out[str(name)] = v.strip()
    return out
