"""Scenarios: what a freeze or sanction stops, per faculty and country, with honest ranges.

A :class:`Scenario` is *targets* + *measures* + *exemptions* + an *effective date* +
*assumptions* (DESIGN.md, Semantics). Scenarios are YAML files; the seed policies ship by name
(:func:`list_scenarios`). :func:`impact` applies one to the canonical tables and returns an
:class:`Impact`: every metric as ``low / central / high``, a single point only when nothing about
it is uncertain.

YAML schema (every key except ``name``, ``effective``, ``targets`` and ``measures`` optional)::

    name: nl-2022-freeze                 # short id
    description: ...                     # one line
    source: "UNL et al., 4 March 2022"   # citation of the policy
    effective: 2022-03-04                # ISO date
    targets:                             # unioned, except fields under fields_mode: intersect
      countries: [RU, BY]                # ISO2 of the partner
      watchlists: [{name: rur-2022-signatories, min_score: 90}]   # name or path, score 0-100
      risk_profile: {name: freedom-house-2024, min_tier: 2}       # tier 1 watch .. 3 restricted
      fields: [dual_use, export_control] # an agreement is hit when any of its tags is listed
      fields_mode: union                 # union (default) | intersect
    measures:                            # true = every targeted agreement; false = off;
      freeze_institutional: true         # or a scope {fields: [...], min_tier: n, countries: [...]}
      stop_data_exchange: {fields: [dual_use], min_tier: 2}
    exemptions:
      individual_ties: true              # level "individual" left to the researchers
      degree_students: true              # degree-seeking students stay (not counted as lost)
      current_mobility_until_end_of_academic_year: [exchange_in]   # true = both directions
    assumptions:                         # a number, or [low, central, high]
      share_unknown_financial_flows_true: [0.2, 0.5, 0.8]
      support_nationalities: [UA, RU, BY]
      support_take_up_rate: [0.05, 0.15, 0.3]
      monthly_support_eur: [300, 600, 1000]
      support_months: [1, 3, 6]

**Targets.** ``countries``, ``watchlists`` (partner names matched with
:func:`kvanalytics.institutions.match_institutions`; a hit is a score >= ``min_score`` with a
``match`` or ``review`` decision; designations listed after the effective date are ignored) and
``risk_profile`` (partner country's tier >= ``min_tier``) are unioned. ``fields`` is unioned with
them too (``fields_mode: union``), or, with ``fields_mode: intersect``, *restricts* them: an
agreement is targeted when a country/watchlist/risk target hits it **and** one of its field tags
is listed ("designated institutions, dual-use fields only").

**Measures** (each applies to targeted agreements within its optional scope; a scope's
conditions must all hold):

==========================  ==============================================================
freeze_institutional        freeze agreements active at the effective date; a frozen tie
                            also stops its money and data exchange
cancel_planned              cancel agreements not yet running (status ``planned`` or start
                            after the effective date): no new ties, no new initiatives
stop_financial_flows        stop the money of active agreements (``financial_flows`` true)
stop_data_exchange          stop data exchange of active agreements (``data_exchange`` true)
review / condition          flag active and planned agreements for review / for conditions
                            (the Norwegian "limit and condition"; nothing is frozen)
recall_exchange_out         outgoing exchange students in targeted countries come back
stop_exchange_in            incoming exchange students from targeted partners stop; degree
                            students of the targeted countries too, unless exempt
==========================  ==============================================================

Ties are counted under every measure that hits them (a conditioned tie may also be reviewed);
frozen and cancelled are disjoint. Agreements that ended before the effective date are never
counted; "active" is :func:`kvanalytics.exposure.is_active` (an active tie with status
``planned`` is cancelled, not frozen).

**Exemptions.** ``individual_ties`` waives every measure for level ``individual`` (without it,
individual ties are frozen too); an agreement of unknown level is a range
(``share_unknown_level_individual``). ``degree_students``: degree students of targeted countries
are never counted as lost. ``current_mobility_until_end_of_academic_year``: exchange students
already on mobility finish the year, their stop date is the 31 August after the effective date
(they are still counted; the note gives the stop date).

**People.** Headcounts "in force" are, per group, the latest period whose reference date (1
October of an academic year ``2021/22``, or the ISO date) is on or before the effective date (the
earliest later one when none is; the note says so). Per faculty × group × country, nationality is
preferred over prior-diploma country (destination for ``exchange_out``), so sources are never
added up. Exchange students of a country targeted as a whole (``countries`` or ``risk_profile``
with ``fields_mode: union``) are affected in full; where only some partners are targeted
(watchlists, fields) they are allocated by the share of active exchange agreements with that
country that are hit: central = headcount × share, low = 0, high = the headcount (a point when
the share is 0 or 1).

**Support.** ``support_population`` = headcounts of ``support_nationalities`` in
``support_groups`` (default degree_student, phd, academic_staff, support_staff) in force at the
effective date; metric ``support_population`` is the total and ``support_population_UA`` etc. one
nationality. ``support_cost_eur`` = population × take-up × monthly support × months (same
naming). An unknown headcount is NA (never 0): its own row is all NA, a total's low is the sum of
the known parts ("at least") and its central and high are NA.

**Assumptions** (``[low, central, high]`` or one number):

==================================  ===========================================  ===========
share_unknown_financial_flows_true  share of agreements with NA financial_flows  [0, .5, 1]
                                    that do carry money
share_unknown_data_exchange_true    the same for NA data_exchange                [0, .5, 1]
share_unknown_level_individual      share of NA-level agreements that are        [0, .5, 1]
                                    individual (only with individual_ties)
unknown_value_eur                   EUR/year of an agreement with NA value_eur;  observed
                                    ``observed`` = [0, median, 90th percentile]
                                    of known values of active agreements
support_nationalities               ISO2 list                                    []
support_groups                      headcount groups                             see above
support_take_up_rate                share of the population taking support       required
monthly_support_eur                 EUR per person per month                     with
support_months                      months of support                            nationalities
==================================  ===========================================  ===========

A metric's *low* uses every assumption at its impact-minimising end, *high* at the other end,
*central* at the central values. With ``draws > 0`` the assumptions are drawn independently from
triangular(low, central, high) distributions (numpy, vectorised); *low/high* become the 5th/95th
percentiles and *central* the median of the draws (ranges that come from the data, such as
unknown headcounts, stay bounds: the low percentile is taken with the data's low bound).
``by_faculty``, ``by_country`` and ``timeline`` always use the deterministic low/central/high.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import html
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from . import config
from .errors import ScenarioError, SchemaError, UnknownNameError
from .exposure import is_active
from .schemas import GROUPS

__all__ = [
    "ASSUMPTIONS",
    "EXEMPTIONS",
    "MEASURES",
    "METRICS",
    "SCENARIO_DIR",
    "Assumptions",
    "Exemptions",
    "Impact",
    "Measures",
    "Range",
    "RiskTarget",
    "Scenario",
    "Scope",
    "Targets",
    "WatchlistTarget",
    "compare",
    "impact",
    "impact_to_dict",
    "list_scenarios",
    "load_scenario",
    "make_scenario",
    "plot_compare",
    "published",
]

#: Bundled scenarios (package data), one YAML file per scenario, named by file stem.
SCENARIO_DIR = config.PACKAGE_DATA / "scenarios"

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
_TARGET_KEYS = ("countries", "watchlists", "risk_profile", "fields", "fields_mode")
_SCOPE_KEYS = ("fields", "min_tier", "countries")
_MOBILITY_GROUPS = ("exchange_in", "exchange_out")
_SUPPORT_GROUPS_DEFAULT = ("degree_student", "phd", "academic_staff", "support_staff")

#: Assumption name -> (kind, default, allowed text). Kinds: share (0..1), amount (>= 0).
ASSUMPTIONS: dict[str, tuple[str, Any, str]] = {
    "share_unknown_financial_flows_true": ("share", (0.0, 0.5, 1.0), "a share 0..1"),
    "share_unknown_data_exchange_true": ("share", (0.0, 0.5, 1.0), "a share 0..1"),
    "share_unknown_level_individual": ("share", (0.0, 0.5, 1.0), "a share 0..1"),
    "unknown_value_eur": ("amount", "observed", "EUR >= 0, or 'observed'"),
    "support_take_up_rate": ("share", None, "a share 0..1"),
    "monthly_support_eur": ("amount", None, "EUR >= 0"),
    "support_months": ("amount", None, "months >= 0"),
    "support_nationalities": ("iso2_list", (), "a list of ISO 3166-1 alpha-2 codes"),
    "support_groups": ("group_list", _SUPPORT_GROUPS_DEFAULT, "a list of " + ", ".join(GROUPS)),
}
_SUPPORT_RANGES = ("support_take_up_rate", "monthly_support_eur", "support_months")

#: Summary metrics in display order -> unit. Support metrics also come per nationality
#: (``support_population_UA``, ``support_cost_eur_UA``).
METRICS: dict[str, str] = {
    "agreements_frozen": "agreements",
    "agreements_cancelled": "agreements",
    "agreements_reviewed": "agreements",
    "agreements_conditioned": "agreements",
    "value_eur_stopped": "eur_per_year",
    "data_exchange_stopped": "agreements",
    "exchange_out_recalled": "people",
    "exchange_in_stopped": "people",
    "degree_students_lost": "people",
    "support_population": "people",
    "support_cost_eur": "eur",
}
_METRIC_ORDER = {m: i for i, m in enumerate(METRICS)}
_PER_NATIONALITY = re.compile(r"_[A-Z]{2}$")  # support_population_UA -> support_population
_TIMELINE_UNITS = {"ties_frozen": "agreements", "ties_cancelled": "agreements"}
_TIMELINE_UNITS["value_eur_stopped"] = "eur_per_quarter"

# Factor bits: a term's value is its coefficient times the product of the factors it carries.
_F_LEVEL, _F_FLOW, _F_DATA, _F_VALUE = 1, 2, 4, 8
_F_TAKEUP, _F_MONTHLY, _F_MONTHS = 16, 32, 64
_FACTOR_ASSUMPTION = {
    _F_LEVEL: "share_unknown_level_individual",  # factor = 1 - share
    _F_FLOW: "share_unknown_financial_flows_true",
    _F_DATA: "share_unknown_data_exchange_true",
    _F_VALUE: "unknown_value_eur",
    _F_TAKEUP: "support_take_up_rate",
    _F_MONTHLY: "monthly_support_eur",
    _F_MONTHS: "support_months",
}
_COEFS = ("c_low", "c_central", "c_high")
#: Model terms, column name -> array: ``metric, faculty, country`` (object), ``mask`` (factor
#: bits), ``c_low, c_central, c_high`` (coefficients), ``n`` (agreements or headcount cells).
#: Plain arrays, not a DataFrame: the tables are small and built a few dozen times per call.
_Terms = dict[str, np.ndarray]


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
    """Partners on watchlist ``name`` (bundled name or path) with a match score >= ``min_score``."""

    name: str
    min_score: float = 90.0


@dataclass(frozen=True)
class RiskTarget:
    """Partners in countries with tier >= ``min_tier`` in risk profile ``name``."""

    name: str
    min_tier: int = 2


@dataclass(frozen=True)
class Targets:
    """What a scenario aims at; see the module docs for how the parts combine."""

    countries: tuple[str, ...] = ()
    watchlists: tuple[WatchlistTarget, ...] = ()
    risk_profile: RiskTarget | None = None
    fields: tuple[str, ...] = ()
    fields_mode: str = "union"


@dataclass(frozen=True)
class Scope:
    """Restricts a measure to targeted agreements meeting every given condition (empty = all)."""

    fields: tuple[str, ...] = ()
    min_tier: int | None = None
    countries: tuple[str, ...] = ()

    @property
    def is_all(self) -> bool:
        """True when the measure applies to every targeted agreement."""
        return not self.fields and self.min_tier is None and not self.countries


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
    unknown_value_eur: Range | None = None
    support_take_up_rate: Range | None = None
    monthly_support_eur: Range | None = None
    support_months: Range | None = None
    support_nationalities: tuple[str, ...] = ()
    support_groups: tuple[str, ...] = _SUPPORT_GROUPS_DEFAULT


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
            raise UnknownNameError(f"{path}: is a directory, not a scenario YAML file.") from None
        except UnicodeDecodeError:
            raise ScenarioError(f"{path}: not UTF-8 text; a scenario is a YAML file.") from None
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise ScenarioError(f"{path}: not valid YAML ({exc}).") from None
        except ValueError as exc:  # yaml reads 2022-13-01 as a date and cannot make it
            raise ScenarioError(
                f"{path}: an impossible date ({exc}); write dates as YYYY-MM-DD, e.g. 2022-03-04."
            ) from None
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
            targets["watchlists"] = [
                {"name": w.name, "min_score": w.min_score} for w in t.watchlists
            ]
        if t.risk_profile is not None:
            targets["risk_profile"] = {
                "name": t.risk_profile.name,
                "min_tier": t.risk_profile.min_tier,
            }
        if t.fields:
            targets["fields"] = list(t.fields)
        targets["fields_mode"] = t.fields_mode
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
                measures[m] = sd
        e = self.exemptions
        mob = e.current_mobility_until_end_of_academic_year
        a = self.assumptions
        assumptions: dict[str, Any] = {}
        for name in ASSUMPTIONS:
            v = getattr(a, name)
            if isinstance(v, Range):
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
        if t.risk_profile:
            parts.append(f"{t.risk_profile.name} tier ≥ {t.risk_profile.min_tier}")
        if t.fields:
            parts.append(f"fields ({t.fields_mode}) " + ", ".join(t.fields))
        ex = [k for k in EXEMPTIONS if getattr(self.exemptions, k)]
        return (
            f"<b>{html.escape(self.name)}</b> (effective {self.effective.isoformat()})<br>"
            f"{html.escape(self.description)}<br>targets: {html.escape('; '.join(parts))}<br>"
            f"measures: {html.escape(', '.join(self.measures.on()))}<br>"
            f"exemptions: {html.escape(', '.join(ex) or 'none')}<br>"
            f"<small>source: {html.escape(self.source)}</small>"
        )


# --------------------------------------------------------------------------------------------
# Validation: collect every problem, raise once
# --------------------------------------------------------------------------------------------
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
    import pycountry

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
    return Scope(fields=fields, min_tier=tier, countries=countries)


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
        path = f"targets.watchlists[{i}]"
        if isinstance(item, str) and item:
            watchlists.append(WatchlistTarget(item))
            continue
        if not isinstance(item, Mapping) or not isinstance(item.get("name"), str):
            P.add(
                path, item, "not a watchlist target", "a name, or {name: <list>, min_score: 0..100}"
            )
            continue
        P.unknown_keys(path, item, ("name", "min_score"))
        score = item.get("min_score", 90.0)
        if not _is_number(score) or not 0 <= score <= 100:
            P.add(f"{path}.min_score", score, "not a score", "a number 0..100")
            continue
        watchlists.append(WatchlistTarget(item["name"], float(score)))
    risk = None
    if "risk_profile" in t:
        r = t["risk_profile"]
        if not isinstance(r, Mapping) or not isinstance(r.get("name"), str):
            P.add(
                "targets.risk_profile", r, "not a risk target", "{name: <profile>, min_tier: 1..3}"
            )
        else:
            P.unknown_keys("targets.risk_profile", r, ("name", "min_tier"))
            tier = _tier(P, "targets.risk_profile.min_tier", r.get("min_tier", _MISSING))
            if tier is not None:
                risk = RiskTarget(r["name"], tier)
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
    return Targets(tuple(countries), tuple(watchlists), risk, tuple(fields), mode)


def _parse_scenario(d: Any, origin: str) -> Scenario:
    P = _Problems()
    if not isinstance(d, Mapping):
        raise ScenarioError(
            f"{origin}: a scenario is a mapping with keys {', '.join(_TOP_KEYS)}; got {type(d).__name__}."
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
    m = d.get("measures")
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
    e = d.get("exemptions", {}) or {}
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


def _parse_assumptions(P: _Problems, a: Any) -> Assumptions:
    if not isinstance(a, Mapping):
        P.add("assumptions", a, "not a mapping", ", ".join(ASSUMPTIONS))
        return Assumptions()
    P.unknown_keys("assumptions", a, tuple(ASSUMPTIONS))
    values: dict[str, Any] = {}
    for name, (kind, _default, allowed) in ASSUMPTIONS.items():
        if name not in a:
            continue
        v, path = a[name], f"assumptions.{name}"
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
    return Assumptions(**values)


# --------------------------------------------------------------------------------------------
# Bundled scenarios
# --------------------------------------------------------------------------------------------
def _bundled() -> dict[str, Path]:
    return {p.stem: p for p in sorted(SCENARIO_DIR.glob("*.yaml"))}


def load_scenario(name_or_path: str | Path) -> Scenario:
    """Load a bundled scenario by name (``"nl-2022-freeze"``) or a YAML file by path.

    Parameters
    ----------
    name_or_path : str or Path
        A name from :func:`list_scenarios`, or a path to a ``.yaml`` file.

    Returns
    -------
    Scenario

    Raises
    ------
    UnknownNameError
        Neither a bundled name nor an existing file (the message lists the bundled names).
    ScenarioError
        The file is invalid.

    Examples
    --------
    >>> load_scenario("be-2022-rur-signatories").effective
    datetime.date(2022, 3, 10)
    """
    if isinstance(name_or_path, Scenario):
        return name_or_path
    bundled = _bundled()
    key = str(name_or_path)
    if key in bundled:
        return Scenario.from_yaml(bundled[key])
    path = Path(name_or_path)
    if path.suffix.lower() in (".yaml", ".yml") or path.exists():
        return Scenario.from_yaml(path)
    raise UnknownNameError(
        f"{key!r} is not a bundled scenario ({', '.join(bundled)}) nor a YAML file path."
    )


def list_scenarios() -> pd.DataFrame:
    """The bundled scenarios: ``name, description, source, effective``.

    Examples
    --------
    >>> "nl-2022-freeze" in set(list_scenarios()["name"])
    True
    """
    rows = []
    for p in _bundled().values():
        s = Scenario.from_yaml(p)
        rows.append(
            {
                "name": s.name,
                "description": s.description,
                "source": s.source,
                "effective": pd.Timestamp(s.effective),
            }
        )
    return pd.DataFrame(rows, columns=["name", "description", "source", "effective"])


def make_scenario(
    name: str = "what-if",
    *,
    effective: dt.date | str,
    countries: Iterable[str] = (),
    watchlists: Iterable[str | tuple[str, float] | Mapping[str, Any]] = (),
    risk_profile: str | None = None,
    min_tier: int = 2,
    fields: Iterable[str] = (),
    fields_mode: str = "union",
    measures: Iterable[str] | Mapping[str, Any] = ("freeze_institutional",),
    exemptions: Iterable[str] | Mapping[str, Any] = (),
    assumptions: Mapping[str, Any] | None = None,
    description: str = "",
    source: str = "what-if",
) -> Scenario:
    """Build (and validate) a scenario from plain values, e.g. from notebook widgets.

    Parameters
    ----------
    name, description, source : str
        Labels.
    effective : date or ISO str
        Effective date.
    countries, fields : iterable of str
        ISO2 codes; field tags.
    watchlists : iterable
        Names, ``(name, min_score)`` pairs or ``{name, min_score}`` mappings.
    risk_profile : str, optional
        Profile name; targets tier >= ``min_tier``.
    fields_mode : {"union", "intersect"}
    measures, exemptions : iterable of names, or mapping as in YAML
    assumptions : mapping, optional
        As in YAML; tuples are accepted for ranges.

    Returns
    -------
    Scenario

    Examples
    --------
    >>> make_scenario(effective="2025-01-01", countries=["IR"]).measures.on()
    {'freeze_institutional': Scope(fields=(), min_tier=None, countries=())}
    """
    targets: dict[str, Any] = {"fields_mode": fields_mode}
    if countries:
        targets["countries"] = list(countries)
    wl: list[dict[str, Any]] = []
    for w in watchlists:
        if isinstance(w, str):
            wl.append({"name": w})
        elif isinstance(w, Mapping):
            wl.append(dict(w))
        else:
            wl.append({"name": w[0], "min_score": w[1]})
    if wl:
        targets["watchlists"] = wl
    if risk_profile:
        targets["risk_profile"] = {"name": risk_profile, "min_tier": min_tier}
    if fields:
        targets["fields"] = list(fields)
    m = dict(measures) if isinstance(measures, Mapping) else {k: True for k in measures}
    e = dict(exemptions) if isinstance(exemptions, Mapping) else {k: True for k in exemptions}
    a = {k: list(v) if isinstance(v, tuple) else v for k, v in (assumptions or {}).items()}
    return Scenario.from_dict(
        {
            "name": name,
            "description": description,
            "source": source,
            "effective": effective,
            "targets": targets,
            "measures": m,
            "exemptions": e,
            "assumptions": a,
        },
        origin=f"make_scenario({name!r})",
    )


# --------------------------------------------------------------------------------------------
# Impact
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Impact:
    """The result of :func:`impact`; every table is tidy and freshly built (never shared).

    Attributes
    ----------
    scenario : Scenario
    summary : DataFrame
        ``metric, unit, low, central, high, note`` in :data:`METRICS` order (support metrics
        also per nationality, ``support_population_UA``...).
    by_faculty, by_country : DataFrame
        ``faculty`` (or ``country``), ``metric, unit, low, central, high``; deterministic ranges;
        rows that are zero everywhere are left out. For people, ``country`` is the nationality
        (destination for exchange_out); for agreements the partner country.
    affected : DataFrame
        Every agreement a measure bears on (exempted ones included, ``outcome`` "exempt"), with
        ``targets`` (what hit it), ``measures``, ``exemption``, ``outcome`` and ``uncertain``
        (which NA inputs make it a range).
    timeline : DataFrame
        ``quarter, quarter_start, quarter_end, metric, unit, low, central, high`` for the quarters
        from the effective date: ``ties_frozen`` and ``ties_cancelled`` (ties that would still
        run at quarter end) and ``value_eur_stopped`` (money that would have flowed in the
        quarter); a tie stops counting after its natural end.
    assumptions : DataFrame
        ``name, low, central, high, value, source`` as used (``observed`` ones derived here).
    notes : tuple of str
        Data caveats (unknown countries in a profile, headcount periods used...).
    draws : int
        Monte Carlo draws behind ``summary`` (0 = deterministic).
    samples : DataFrame or None
        With draws: one column per summary metric, one row per draw (central coefficients).
    """

    scenario: Scenario
    summary: pd.DataFrame
    by_faculty: pd.DataFrame
    by_country: pd.DataFrame
    affected: pd.DataFrame
    timeline: pd.DataFrame
    assumptions: pd.DataFrame
    notes: tuple[str, ...] = ()
    draws: int = 0
    samples: pd.DataFrame | None = None

    def metric(self, name: str) -> tuple[float, float, float]:
        """``(low, central, high)`` of one summary metric (NaN where unknown).

        Examples
        --------
        >>> imp.metric("agreements_frozen")  # doctest: +SKIP
        (12.0, 12.0, 12.0)
        """
        row = self.summary.loc[self.summary["metric"] == name]
        if row.empty:
            raise UnknownNameError(
                f"{name!r} is not a metric of this impact; have {', '.join(self.summary['metric'])}."
            )
        r = row.iloc[0]
        return tuple(float(x) if pd.notna(x) else math.nan for x in (r.low, r.central, r.high))  # type: ignore[return-value]

    def support_table(self, by: str = "faculty") -> pd.DataFrame:
        """Support population (central) per ``by`` × nationality, without totals.

        The shape :func:`kvanalytics.privacy.suppress` publishes with totals and secondary
        suppression; NA where a headcount is unknown.

        Examples
        --------
        >>> from kvanalytics.privacy import suppress
        >>> suppress(imp.support_table()).table  # doctest: +SKIP
        """
        t = self.by_faculty if by == "faculty" else self.by_country
        rows = t.loc[t["metric"].str.startswith("support_population_")]
        nationality = rows["metric"].str.slice(len("support_population_"))
        # rows that are zero everywhere are left out of by_faculty: absent = 0, NA = unknown
        marked = rows.assign(nationality=nationality, v=rows["central"].fillna(-1.0))
        table = marked.pivot(index=by, columns="nationality", values="v").fillna(0.0)
        table = table.mask(table < 0)
        order = [c for c in self.scenario.assumptions.support_nationalities if c in table.columns]
        table = table[order].astype("Float64").round(0).astype("Int64")
        table.columns.name = None
        return table

    def _repr_html_(self) -> str:
        s = self.scenario
        mc = f", Monte Carlo {self.draws} draws (5th–95th percentile)" if self.draws else ""
        shown = published(self.summary)
        for c in ("low", "central", "high"):  # numbers formatted, "<5" kept as text
            shown[c] = [
                _fmt(x) if isinstance(x, float | int) and pd.notna(x) else x for x in shown[c]
            ]
        table = shown.to_html(index=False, na_rep="NA")
        notes = "".join(f"<li>{html.escape(n)}</li>" for n in self.notes)
        return (
            f"<h4>Impact of {html.escape(s.name)} (effective {s.effective.isoformat()}{mc})</h4>"
            f"<p>{html.escape(s.description)}<br><small>{html.escape(s.source)}</small></p>"
            f"{table}<p><small>People counts 1–{config.SUPPRESSION_THRESHOLD - 1} show as "
            f"&lt;{config.SUPPRESSION_THRESHOLD}; raw values in <code>.summary</code>.</small></p>"
            f"<p>{len(self.affected)} agreements affected "
            "(see <code>.affected</code>, <code>.by_faculty</code>, <code>.timeline</code>)</p>"
            + (f"<ul>{notes}</ul>" if notes else "")
        )


def _fmt(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 100 or x == int(x) else f"{x:,.2f}".rstrip("0").rstrip(".")


def _str(s: pd.Series) -> pd.Series:
    return s if isinstance(s.dtype, pd.StringDtype) else s.astype("string")


def _prepare_partnerships(df: pd.DataFrame) -> pd.DataFrame:
    required = ("agreement_id", "partner", "country", "faculty", "start")
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise SchemaError(
            f"partnerships: missing column(s) {', '.join(missing)}; "
            "build the table with kvanalytics.read_partnerships()."
        )
    n = len(df)
    idx = df.index

    def col(name: str, dtype: Any) -> pd.Series:
        if name in df.columns:
            return df[name] if df[name].dtype == dtype else df[name].astype(dtype)
        return pd.Series(pd.array([pd.NA] * n, dtype=dtype), index=idx)

    out = pd.DataFrame(
        {
            "agreement_id": _str(df["agreement_id"]),
            "partner": _str(df["partner"]),
            "partner_key": _str(df["partner_key"])
            if "partner_key" in df.columns
            else col("partner_key", "string"),
            "country": _str(df["country"]),
            "faculty": _str(df["faculty"]),
            # categorical (canonical) or text: compared with ==, never converted
            "kind": df["kind"] if "kind" in df.columns else col("kind", "string"),
            "level": df["level"] if "level" in df.columns else col("level", "string"),
            "status": df["status"] if "status" in df.columns else col("status", "string"),
            "start": pd.to_datetime(df["start"]),
            "end": (
                pd.to_datetime(df["end"])
                if "end" in df.columns
                else pd.Series(pd.NaT, index=idx, dtype="datetime64[us]")
            ),
            "value_eur": col("value_eur", "Float64"),
            "financial_flows": col("financial_flows", "boolean"),
            "data_exchange": col("data_exchange", "boolean"),
            "fields": _str(df["fields"]) if "fields" in df.columns else col("fields", "string"),
        },
        index=idx,
    )
    return out.reset_index(drop=True)


def _tag_mask(fields: pd.Series, tags: Sequence[str]) -> np.ndarray:
    if not tags:
        return np.zeros(len(fields), bool)
    alt = "|".join(re.escape(t) for t in tags)
    pat = rf"(?:^|;)\s*(?:{alt})\s*(?:;|$)"
    return fields.str.lower().str.contains(pat, regex=True).fillna(False).to_numpy(bool)


def _empty_labels(n: int) -> pd.Series:
    return pd.Series([""] * n, dtype="string")


def _join(parts: Sequence[pd.Series], n: int, sep: str = "; ") -> pd.Series:
    """Join label columns ("" = none) with ``sep``: each distinct combination is built once."""
    if not parts or n == 0:
        return _empty_labels(n)
    codes, uniques = [], []
    for part in parts:
        c, u = pd.factorize(pd.Series(part).to_numpy(dtype=object, na_value=""))
        codes.append(c)
        uniques.append(np.asarray(u, dtype=object))
    combos, inv = np.unique(np.stack(codes, axis=1), axis=0, return_inverse=True)
    texts = np.array(
        [sep.join(x for x in (uniques[j][c] for j, c in enumerate(row)) if x) for row in combos],
        dtype=object,
    )
    return pd.Series(texts[inv.reshape(-1)], dtype="string")


def _load_risk(
    risk_profile: pd.DataFrame | str | None, target: RiskTarget | None
) -> pd.DataFrame | None:
    if isinstance(risk_profile, pd.DataFrame):
        return risk_profile
    name = risk_profile if isinstance(risk_profile, str) else (target.name if target else None)
    if name is None:
        return None
    from .reference import load_risk_profile

    return load_risk_profile(name)


def _watchlist_hits(
    target: WatchlistTarget,
    wl: pd.DataFrame,
    p: pd.DataFrame,
    d: pd.Timestamp,
    notes: list[str],
) -> tuple[np.ndarray, pd.Series]:
    """Agreements whose partner is on the list with score >= min_score, and their labels."""
    from .institutions import match_institutions

    n = len(p)
    entries = wl
    if "kind" in wl.columns and "listed_on" in wl.columns:
        listed = pd.to_datetime(wl["listed_on"], errors="coerce")
        late = (wl["kind"].astype("string") == "designation").fillna(False) & (listed > d).fillna(
            False
        )
        if late.any():
            notes.append(
                f"watchlist {target.name}: {int(late.sum())} designation name(s) listed after "
                f"{d.date()} ignored."
            )
            entries = wl.loc[~late.to_numpy()]
    key_col = "entry_id" if "entry_id" in entries.columns else "key"
    ref = pd.DataFrame(
        {
            "key": _str(entries[key_col]),
            "name": _str(entries["name"]),
            **({"country": _str(entries["country"])} if "country" in entries.columns else {}),
        }
    )
    if "is_alias" in entries.columns:  # the first row of a key gives its canonical name
        order = np.argsort(entries["is_alias"].fillna(True).to_numpy(bool), kind="stable")
        ref = ref.iloc[order].reset_index(drop=True)
    ref = ref.dropna(subset=["key", "name"])
    label = _empty_labels(n)
    if ref.empty or n == 0:
        return np.zeros(n, bool), label
    combo = p["partner"].fillna("") + "\x1f" + p["country"].fillna("")
    codes, uniques = pd.factorize(combo)
    parts = pd.Series(uniques, dtype="string").str.split("\x1f", n=1, expand=True)
    names = parts[0].where(parts[0] != "")
    countries = parts[1].where(parts[1] != "") if 1 in parts.columns else None
    res = match_institutions(
        names,
        ref,
        country=countries,
        score_cutoff=max(target.min_score, 0.0),
        review_cutoff=max(min(target.min_score, 100.0), 0.0),
    )
    canonical = ref.drop_duplicates("key").set_index("name")["key"]
    keys = res["key"].astype("string").fillna(res["name"].astype("string").map(canonical))
    keys = keys.fillna(res["name"].astype("string"))
    u_score = pd.to_numeric(res["score"], errors="coerce").to_numpy(float)
    u_hit = (u_score >= target.min_score) & res["decision"].isin(["match", "review"]).to_numpy(bool)
    u_label = (
        f"watchlist:{target.name}:"
        + keys
        + " (score "
        + pd.Series(np.round(np.nan_to_num(u_score)).astype(int)).astype("string")
        + pd.Series(np.where(res["decision"].to_numpy() == "review", ", review", "")).astype(
            "string"
        )
        + ")"
    )
    hit = u_hit[codes]
    # Identifiers (ROR ids...) in partner_key settle a hit whatever the name says.
    if "identifiers" in entries.columns and p["partner_key"].notna().any():
        ids = (
            pd.DataFrame({"key": _str(entries[key_col]), "id": _str(entries["identifiers"])})
            .assign(id=lambda f: f["id"].str.split(";"))
            .explode("id")
            .assign(id=lambda f: f["id"].str.strip())
            .dropna()
            .drop_duplicates("id")
            .set_index("id")["key"]
        )
        by_id = p["partner_key"].map(ids)
        id_hit = by_id.notna().to_numpy(bool) & ~hit
        hit = hit | id_hit
        lab = pd.Series(u_label.to_numpy(dtype=object)[codes], dtype="string")
        lab = lab.where(
            ~id_hit, f"watchlist:{target.name}:" + by_id.astype("string") + " (identifier)"
        )
        return hit, lab.where(hit, "")
    lab = pd.Series(u_label.to_numpy(dtype=object)[codes], dtype="string")
    return hit, lab.where(hit, "")


def _scope_mask(scope: Scope, p: pd.DataFrame, tier: np.ndarray) -> np.ndarray:
    m = np.ones(len(p), bool)
    if scope.fields:
        m &= _tag_mask(p["fields"], scope.fields)
    if scope.min_tier is not None:
        m &= np.nan_to_num(tier, nan=-1) >= scope.min_tier
    if scope.countries:
        m &= p["country"].isin(scope.countries).to_numpy(bool)
    return m


def _end_of_academic_year(d: pd.Timestamp) -> pd.Timestamp:
    return pd.Timestamp(d.year if d.month < config.ACADEMIC_YEAR_START_MONTH else d.year + 1, 8, 31)


def _factor_ranges(scenario: Scenario, observed_value: Range) -> dict[int, Range]:
    a = scenario.assumptions
    lvl = a.share_unknown_level_individual
    out = {
        _F_LEVEL: Range(1 - lvl.high, 1 - lvl.central, 1 - lvl.low),
        _F_FLOW: a.share_unknown_financial_flows_true,
        _F_DATA: a.share_unknown_data_exchange_true,
        _F_VALUE: a.unknown_value_eur or observed_value,
    }
    nan = Range(math.nan, math.nan, math.nan)
    out[_F_TAKEUP] = a.support_take_up_rate or nan
    out[_F_MONTHLY] = a.monthly_support_eur or nan
    out[_F_MONTHS] = a.support_months or nan
    return out


def _factor_values_det(ranges: Mapping[int, Range]) -> dict[int, np.ndarray]:
    """Factor values for the deterministic evaluation: shape (3, 1) = low, central, high."""
    return {b: np.array([[r.low], [r.central], [r.high]]) for b, r in ranges.items()}


def _draw_triangular(rng: np.random.Generator, r: Range, n: int) -> np.ndarray:
    if not r.low < r.high:  # a point (or NaN): nothing to draw
        return np.full(n, r.central)
    return rng.triangular(r.low, r.central, r.high, size=n)


def _factor_values_mc(
    scenario: Scenario, ranges: Mapping[int, Range], draws: int, seed: int
) -> dict[int, np.ndarray]:
    """Factor values for Monte Carlo: shape (3, draws), the same draws in each row."""
    rng = np.random.default_rng(seed)
    out = {}
    lvl = scenario.assumptions.share_unknown_level_individual
    for b in sorted(ranges):  # fixed order: reproducible with the seed
        if b == _F_LEVEL:
            x = 1.0 - _draw_triangular(rng, lvl, draws)
        else:
            x = _draw_triangular(rng, ranges[b], draws)
        out[b] = np.broadcast_to(x, (3, draws))
    return out


def _group_arrays(
    arrays: Sequence[np.ndarray | pd.Series], n: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Group number of each row (NA is a value) and the position of each group's first row.

    Groups are numbered by the keys' codes in order of first appearance (key by key).
    """
    code = np.zeros(len(arrays[0]) if n is None else n, np.int64)
    for a in arrays:
        c, u = pd.factorize(a, use_na_sentinel=False)
        code = code * (len(u) + 1) + c
    _, first, inv = np.unique(code, return_index=True, return_inverse=True)
    return inv.reshape(-1), first


def _nan_group_sum(inv: np.ndarray, g: int, vals: np.ndarray) -> np.ndarray:
    """Sum ``vals`` (rows, 3, D) per group with the NA rules of :func:`_evaluate`."""
    isnan = np.isnan(vals)
    out = np.zeros((g, *vals.shape[1:]))
    np.add.at(out, inv, np.where(isnan, 0.0, vals))
    known = np.zeros((g, vals.shape[2]))
    np.add.at(known, inv, ~isnan[:, 0, :])
    unknown = np.zeros((g, 2, vals.shape[2]))
    np.add.at(unknown, inv, isnan[:, 1:, :])
    out[:, 0, :] = np.where(known > 0, out[:, 0, :], np.nan)
    out[:, 1:, :] = np.where(unknown > 0, np.nan, out[:, 1:, :])
    return out


def _aggregate_terms(terms: _Terms, keys: Sequence[str]) -> _Terms:
    """Sum coefficients per key × factor mask, keeping the NA rules of :func:`_evaluate`."""
    cols = [*keys, "mask"]
    if len(terms["mask"]) == 0:
        return {c: terms[c] for c in (*cols, *_COEFS, "n")}
    inv, first = _group_arrays([terms[c] for c in cols])
    coef = np.stack([terms[c] for c in _COEFS], axis=1)
    summed = _nan_group_sum(inv, len(first), coef[:, :, None])[:, :, 0]
    out = {c: terms[c][first] for c in cols}
    for j, c in enumerate(_COEFS):
        out[c] = summed[:, j]
    # n: how many agreements (or headcount cells) a term stands for, for the notes
    out["n"] = np.bincount(inv, weights=terms["n"], minlength=len(first))
    return out


def _evaluate(
    terms: _Terms, keys: Sequence[str], factors: Mapping[int, np.ndarray]
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Sum ``coefficient × Π factors`` per key group.

    ``terms`` has the key columns, ``mask`` (factor bits) and ``c_low, c_central, c_high``;
    ``factors`` maps a bit to its values, shape (3, D): low/central/high settings × draws.
    Returns the group keys and an array (groups, 3, D): row 0 sums known parts only (an unknown
    count is >= 0, so the known sum is a lower bound; NaN when nothing is known), rows 1-2
    propagate NaN.
    """
    d = next(iter(factors.values())).shape[1] if factors else 1
    if len(terms["mask"]) == 0:
        return {k: terms[k] for k in keys}, np.zeros((0, 3, d))
    terms = _aggregate_terms(terms, keys)
    masks = terms["mask"]
    uniq, inv_mask = np.unique(masks, return_inverse=True)
    prod = np.ones((len(uniq), 3, d))
    for j, m in enumerate(uniq):  # a handful of factor classes, not agreements
        for bit, vals in factors.items():
            if m & bit:
                prod[j] = prod[j] * vals
    coef = np.stack([terms[c] for c in _COEFS], axis=1)
    contrib = coef[:, :, None] * prod[inv_mask.reshape(-1)]  # (T, 3, D)
    contrib = np.where(coef[:, :, None] == 0, 0.0, contrib)  # nothing × unknown = nothing
    if keys:
        inv, first = _group_arrays([terms[k] for k in keys])
        groups = {k: terms[k][first] for k in keys}
    else:
        inv, first = np.zeros(len(masks), np.int64), np.zeros(1, np.int64)
        groups = {}
    return groups, _nan_group_sum(inv, len(first), contrib)


def _to_frame(groups: Mapping[str, np.ndarray], vals: np.ndarray, mc: bool) -> pd.DataFrame:
    if mc:
        with np.errstate(invalid="ignore"):
            low = np.percentile(vals[:, 0, :], 5, axis=1)
            central = np.percentile(vals[:, 1, :], 50, axis=1)
            high = np.percentile(vals[:, 2, :], 95, axis=1)
    else:
        low, central, high = vals[:, 0, 0], vals[:, 1, 0], vals[:, 2, 0]
    cols = dict(groups)
    for name, x in (("low", low), ("central", central), ("high", high)):
        # float round-off must not make a point look like a range
        cols[name] = pd.array(np.round(x, 6), dtype="Float64")
    return pd.DataFrame(cols)


def _agreement_terms(
    p: pd.DataFrame,
    level_unc: np.ndarray,
    specs: Sequence[tuple[str, np.ndarray, str | None, bool]],
) -> _Terms:
    """Terms of the agreement metrics, summed per metric × faculty × country × factor mask.

    ``specs``: (metric, selected agreements, flag column or None, money?). An agreement with the
    flag NA carries the flag's factor bit; with the flag false it drops out; a money term with
    value NA counts 1 × the ``unknown_value_eur`` factor.
    """
    fcode, funiq = pd.factorize(p["faculty"], use_na_sentinel=False)
    ccode, cuniq = pd.factorize(p["country"], use_na_sentinel=False)
    n_f, n_c = len(funiq) + 1, len(cuniq) + 1
    value = p["value_eur"].to_numpy(np.float64, na_value=np.nan)
    flags = {
        c: (p[c].isna().to_numpy(bool), p[c].fillna(False).to_numpy(bool))
        for c in ("financial_flows", "data_exchange")
    }
    keys, coefs = [], []
    for j, (_metric, sel, flag, money) in enumerate(specs):  # a few metrics, not agreements
        mask = np.where(level_unc, _F_LEVEL, 0)
        keep = sel.copy()
        if flag is not None:
            f_na, f_true = flags[flag]
            keep &= f_true | f_na
            mask |= np.where(f_na, _F_FLOW if flag == "financial_flows" else _F_DATA, 0)
        coef = np.ones(len(p))
        if money:
            coef = np.where(np.isnan(value), 1.0, value)
            mask |= np.where(np.isnan(value), _F_VALUE, 0)
        idx = np.flatnonzero(keep)
        keys.append(((j * n_f + fcode[idx]) * n_c + ccode[idx]) * 128 + mask[idx])
        coefs.append(coef[idx])
    key = np.concatenate(keys) if keys else np.zeros(0, np.int64)
    uniq, inv = np.unique(key, return_inverse=True)
    inv = inv.reshape(-1)
    total = np.bincount(inv, weights=np.concatenate(coefs) if coefs else None)
    count = np.bincount(inv, minlength=len(uniq)).astype(float)
    mask = uniq % 128
    rest = uniq // 128
    country_i, rest = rest % n_c, rest // n_c
    faculty_i, metric_i = rest % n_f, rest // n_f
    names = np.array([m for m, *_ in specs], dtype=object)
    return {
        "metric": names[metric_i] if len(uniq) else np.zeros(0, object),
        "faculty": np.asarray(funiq, dtype=object)[faculty_i],
        "country": np.asarray(cuniq, dtype=object)[country_i],
        "mask": mask.astype(np.int64),
        "c_low": total,
        "c_central": total,
        "c_high": total,
        "n": count,
    }


_ACADEMIC_YEAR = re.compile(r"^\s*(\d{4})\s*[/\-]\s*(\d{2}|\d{4})\s*$")


def _period_reference(period: str) -> np.datetime64:
    """Reference date of a period: ``2021/22`` -> 2021-10-01, an ISO date as is, else NaT."""
    m = _ACADEMIC_YEAR.match(period)
    if m:
        month, day = config.ACADEMIC_YEAR_REFERENCE
        return np.datetime64(dt.date(int(m.group(1)), month, day), "ns")
    try:
        return np.datetime64(dt.date.fromisoformat(period.strip()[:10]), "ns")
    except ValueError:
        return np.datetime64("NaT", "ns")


def _objects(s: pd.Series, rows: np.ndarray) -> np.ndarray:
    """Values of ``s`` at positions ``rows`` as an object array, missing values as ``pd.NA``."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        cats = np.array([*s.cat.categories.astype(str), pd.NA], dtype=object)
        return cats[s.cat.codes.to_numpy()[rows]]  # code -1 (NA) picks the last entry
    return s.array[rows].to_numpy(dtype=object, na_value=pd.NA)


def _codes(s: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes (-1 = NA) and distinct values of a column; categoricals by their codes."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        return s.cat.codes.to_numpy(np.int64), np.asarray(s.cat.categories.astype(str), object)
    c, u = pd.factorize(s)
    return c.astype(np.int64), np.asarray(u, dtype=object)


def _headcounts_in_force(
    h: pd.DataFrame,
    d: pd.Timestamp,
    notes: list[str],
    groups: Iterable[str],
    countries: Iterable[str],
) -> dict[str, np.ndarray]:
    """Headcounts per faculty × group × country in force at ``d`` (sum; NaN if any NA).

    Returns columns ``faculty, group, country`` (object), ``headcount`` (float, NaN = unknown)
    and ``basis_used`` as arrays.

    Only ``groups`` × ``countries`` are returned; the period in force is chosen per group over
    the whole table, on integer codes (distinct periods are parsed once, the choice runs over
    the distinct group × period pairs, and only the rows kept are turned into objects).
    """
    required = ("period", "faculty", "group", "country", "headcount")
    missing = [c for c in required if c not in h.columns]
    if missing:
        raise SchemaError(
            f"headcounts: missing column(s) {', '.join(missing)}; "
            "build the table with kvanalytics.read_headcounts()."
        )
    pcodes, puniq = _codes(h["period"])
    gcodes, guniq = _codes(h["group"])
    n_p = max(len(puniq), 1)
    ref_u = np.array([_period_reference(str(u)) for u in puniq], dtype="datetime64[ns]")
    valid = (pcodes >= 0) & (gcodes >= 0)
    valid[valid] &= ~np.isnat(ref_u[pcodes[valid]])
    n_bad = int((~valid).sum())
    if n_bad:
        notes.append(f"headcounts: {n_bad} row(s) with an unreadable period or group ignored.")
    n_pairs = max(len(guniq), 1) * n_p
    pair = np.where(valid, gcodes * n_p + pcodes, n_pairs)  # n_pairs: not valid
    pairs = np.flatnonzero(np.bincount(pair, minlength=n_pairs + 1)[:n_pairs])
    if len(pairs) == 0:
        return _no_headcounts()
    # Per group: the latest period on or before d, else the earliest after (a few dozen pairs).
    g_of, p_of = (pairs // n_p).tolist(), (pairs % n_p).tolist()
    ref = ref_u[pairs % n_p].astype(np.int64).tolist()
    d_ns = d.value
    chosen: dict[int, int] = {}  # group -> reference date (ns) of the period in force
    for g, r in zip(g_of, ref, strict=True):
        b = chosen.get(g)
        if b is None or (r <= d_ns and (b > d_ns or r > b)) or (r > d_ns < b and r < b):
            chosen[g] = r
    used = [(g, p) for g, p, r in zip(g_of, p_of, ref, strict=True) if chosen[g] == r]
    late = [f"{guniq[g]} (used {puniq[p]})" for g, p in used if chosen[g] > d_ns]
    if late:
        notes.append(
            "headcounts: no period on or before the effective date for " + ", ".join(late) + "."
        )
    periods = sorted({str(puniq[p]) for _, p in used})
    notes.append(f"headcounts in force at {d.date()}: period {', '.join(periods)}.")
    wanted = set(groups)
    lut = np.zeros(n_pairs + 1, bool)  # pair code -> kept (used period, wanted group)
    lut[[g * n_p + p for g, p in used if guniq[g] in wanted]] = True
    keep = lut[pair]
    keep &= h["country"].isin(list(countries)).to_numpy(bool)
    rows = np.flatnonzero(keep)
    fac, grp, cty = (_objects(h[c], rows) for c in ("faculty", "group", "country"))
    basis = (
        _objects(h["basis"], rows) if "basis" in h.columns else np.full(len(rows), pd.NA, object)
    )
    count = pd.to_numeric(pd.Series(h["headcount"].array[rows]), errors="coerce")
    headcount = count.to_numpy(np.float64, na_value=np.nan)
    if len(rows) == 0:
        return _no_headcounts()
    # One basis per faculty × group × country: never add nationality and prior-diploma counts
    # (destination first for exchange_out, nationality first otherwise).
    rank = np.select(
        [basis == "nationality", basis == "prior_diploma", basis == "destination"],
        [0.0, 1.0, 2.0],
        3.0,
    )
    rank = np.where((grp == "exchange_out") & (rank == 2.0), -1.0, rank)
    inv, first = _group_arrays([fac, grp, cty])
    best = np.full(len(first), np.inf)
    np.minimum.at(best, inv, rank)
    use = rank == best[inv]
    hc = np.where(use, headcount, 0.0)
    total = np.bincount(inv, weights=np.nan_to_num(hc, nan=0.0), minlength=len(first))
    unknown = np.bincount(inv, weights=np.isnan(hc), minlength=len(first))
    pick = np.full(len(first), len(rows))
    used_rows = np.flatnonzero(use)
    np.minimum.at(pick, inv[used_rows], used_rows)  # the first row of each group that is used
    return {
        "faculty": fac[first],
        "group": grp[first],
        "country": cty[first],
        "headcount": np.where(unknown > 0, np.nan, total),
        "basis_used": basis[pick],
    }


def _no_headcounts() -> dict[str, np.ndarray]:
    cols = ("faculty", "group", "country", "headcount", "basis_used")
    return {c: np.zeros(0, dtype=float if c == "headcount" else object) for c in cols}


def _people_terms(
    hc: Mapping[str, np.ndarray],
    metric: str,
    groups: Sequence[str],
    full: set[str],
    share: Mapping[str, float],
) -> _Terms:
    """People terms: whole countries in ``full``; elsewhere allocated by ``share`` (a range)."""
    wanted = set(groups)
    rows = np.flatnonzero([g in wanted for g in hc["group"]])
    c = hc["country"][rows]
    s = np.array([1.0 if x in full else share.get(x, 0.0) for x in c], dtype=float)
    keep = s > 0
    h = hc["headcount"][rows]
    point = s >= 1.0
    return _terms(
        metric,
        faculty=hc["faculty"][rows][keep],
        country=c[keep],
        mask=0,
        c_low=np.where(point, h, np.where(np.isnan(h), np.nan, 0.0))[keep],
        c_central=(h * s)[keep],
        c_high=h[keep],
    )


def _terms(
    metric: str | np.ndarray,
    *,
    faculty: np.ndarray,
    country: np.ndarray,
    mask: int,
    c_low: np.ndarray,
    c_central: np.ndarray,
    c_high: np.ndarray,
) -> _Terms:
    """Terms of one metric (or per-row metric names), one headcount cell each."""
    k = len(country)
    return {
        "metric": np.full(k, metric, dtype=object) if isinstance(metric, str) else metric,
        "faculty": np.asarray(faculty, dtype=object),
        "country": np.asarray(country, dtype=object),
        "mask": np.full(k, mask, dtype=np.int64),
        "c_low": np.asarray(c_low, dtype=float),
        "c_central": np.asarray(c_central, dtype=float),
        "c_high": np.asarray(c_high, dtype=float),
        "n": np.ones(k),
    }


def _concat_terms(parts: Sequence[_Terms]) -> _Terms:
    cols = ("metric", "faculty", "country", "mask", *_COEFS, "n")
    if not parts:
        empty = {"metric": object, "faculty": object, "country": object, "mask": np.int64}
        return {c: np.zeros(0, dtype=empty.get(c, float)) for c in cols}
    return {c: np.concatenate([t[c] for t in parts]) for c in cols}


def _unit_of(metric: str) -> str:
    if metric in METRICS:
        return METRICS[metric]
    base = metric.rsplit("_", 1)[0]
    return METRICS.get(base, "")


@dataclass(frozen=True)
class _Model:
    """Everything :func:`impact` derives from the data before evaluating the assumptions."""

    p: pd.DataFrame
    d: pd.Timestamp
    terms: _Terms
    ranges: dict[int, Range]
    observed_value: Range
    notes: list[str]
    targeted: np.ndarray
    bears: dict[str, np.ndarray]
    exempt: np.ndarray
    level_unc: np.ndarray
    frozen: np.ndarray
    cancelled: np.ndarray
    money: np.ndarray
    labels: list[pd.Series]
    tier: np.ndarray
    has_risk: bool
    people_notes: dict[str, str]
    stop_date: dict[str, pd.Timestamp]
    have_headcounts: bool


def _model(
    scenario: Scenario,
    partnerships: pd.DataFrame,
    headcounts: pd.DataFrame | None,
    watchlists: Mapping[str, pd.DataFrame] | None,
    risk_profile: pd.DataFrame | str | None,
) -> _Model:
    d = pd.Timestamp(scenario.effective)
    notes: list[str] = []
    t, meas, ex = scenario.targets, scenario.measures.on(), scenario.exemptions
    p = _prepare_partnerships(partnerships)
    n = len(p)

    # -- when: active at d, not yet running, ended -------------------------------------------
    status = p["status"]
    planned = (status == "planned").fillna(False).to_numpy(bool)
    ended_status = (status == "ended").fillna(False).to_numpy(bool)
    start = p["start"].to_numpy("datetime64[us]")
    end = p["end"].to_numpy("datetime64[us]")
    dd = np.datetime64(d.value // 1000, "us")
    end_before = ~np.isnat(end) & (end < dd)
    active = is_active(p, d).to_numpy(bool) & ~planned & ~end_before
    upcoming = ~active & ~end_before & ~ended_status & (planned | (start > dd))

    # -- targets ---------------------------------------------------------------------------
    risk_df = _load_risk(risk_profile, t.risk_profile)
    tier = np.full(n, np.nan)
    tier_by_country = pd.Series(dtype=float)
    if risk_df is not None:
        rp = pd.DataFrame(
            {
                "country": _str(risk_df["country"]),
                "tier": pd.to_numeric(risk_df["tier"], errors="coerce"),
            }
        )
        tier_by_country = rp.groupby("country")["tier"].max().astype(float)
        tier = p["country"].map(tier_by_country).astype(float).to_numpy()
    labels: list[pd.Series] = []
    base = np.zeros(n, bool)
    if t.countries:
        hit = p["country"].isin(t.countries).to_numpy(bool)
        base |= hit
        labels.append(("country:" + p["country"]).where(hit, ""))
    if t.risk_profile is not None:
        hit = np.nan_to_num(tier, nan=-1) >= t.risk_profile.min_tier
        base |= hit
        name = risk_profile if isinstance(risk_profile, str) else t.risk_profile.name
        tier_txt = pd.Series(np.nan_to_num(tier, nan=0).astype(int)).astype("string")
        labels.append((f"risk:{name} tier " + tier_txt).where(hit, ""))
        unknown = p.loc[np.isnan(tier), "country"].dropna().unique()
        if len(unknown):
            notes.append(
                f"risk profile {name}: no tier for partner countries {', '.join(sorted(unknown))} "
                "(not targeted by the risk target)."
            )
    for wt in t.watchlists:
        frame = (watchlists or {}).get(wt.name)
        if frame is None:
            from .reference import load_watchlist

            frame = load_watchlist(wt.name)
        hit, lab = _watchlist_hits(wt, frame, p, d, notes)
        base |= hit
        labels.append(lab)
    field_hit = np.zeros(n, bool)
    for tag in t.fields:
        hit = _tag_mask(p["fields"], [tag])
        field_hit |= hit
        labels.append(pd.Series(np.where(hit, f"field:{tag}", ""), dtype="string"))
    targeted = base & field_hit if t.fields_mode == "intersect" else base | field_hit

    # -- measures and exemptions -----------------------------------------------------------
    level = p["level"]
    individual = (level == "individual").fillna(False).to_numpy(bool)
    level_na = level.isna().to_numpy(bool)
    exempt = individual & ex.individual_ties
    level_unc = level_na & ex.individual_ties
    is_exchange = (p["kind"] == "exchange").fillna(False).to_numpy(bool)
    temporal = {
        "freeze_institutional": active,
        "cancel_planned": upcoming,
        "review": active | upcoming,
        "condition": active | upcoming,
        "stop_financial_flows": active,
        "stop_data_exchange": active,
        "recall_exchange_out": active & is_exchange,
        "stop_exchange_in": active & is_exchange,
    }
    bears = {m: targeted & temporal[m] & _scope_mask(scope, p, tier) for m, scope in meas.items()}
    none = np.zeros(n, bool)

    def hit_by(*ms: str) -> np.ndarray:
        out = none.copy()
        for m in ms:
            out |= bears.get(m, none)
        return out & ~exempt

    frozen = hit_by("freeze_institutional")
    cancelled = hit_by("cancel_planned")
    money = hit_by("freeze_institutional", "stop_financial_flows")
    data = hit_by("freeze_institutional", "stop_data_exchange")

    # -- agreement terms -------------------------------------------------------------------
    parts = [
        _agreement_terms(
            p,
            level_unc,
            [
                ("agreements_frozen", frozen, None, False),
                ("agreements_cancelled", cancelled, None, False),
                ("agreements_reviewed", hit_by("review"), None, False),
                ("agreements_conditioned", hit_by("condition"), None, False),
                ("value_eur_stopped", money, "financial_flows", True),
                ("data_exchange_stopped", data, "data_exchange", False),
            ],
        )
    ]

    # Observed value of an agreement with unknown value_eur: [0, median, p90] of known values.
    v = p["value_eur"].to_numpy(np.float64, na_value=np.nan)
    known_v = v[active & ~np.isnan(v) & (v > 0)]
    observed_value = (
        Range(0.0, float(np.median(known_v)), float(np.percentile(known_v, 90)))
        if known_v.size
        else Range(0.0, math.nan, math.nan)
    )

    # -- people terms ----------------------------------------------------------------------
    a = scenario.assumptions
    people_notes: dict[str, str] = {}
    stop_date = {
        g: (_end_of_academic_year(d) if g in ex.current_mobility_until_end_of_academic_year else d)
        for g in _MOBILITY_GROUPS
    }
    if headcounts is not None:
        people_specs = []
        for m, groups, metric in (
            ("recall_exchange_out", ["exchange_out"], "exchange_out_recalled"),
            ("stop_exchange_in", ["exchange_in"], "exchange_in_stopped"),
            ("stop_exchange_in", ["degree_student"], "degree_students_lost"),
        ):
            if m not in meas or (metric == "degree_students_lost" and ex.degree_students):
                continue
            scope = meas[m]
            full: set[str] = set()
            if t.fields_mode == "union" and not scope.fields:
                whole = set(t.countries)
                if t.risk_profile is not None:
                    whole |= set(tier_by_country.index[tier_by_country >= t.risk_profile.min_tier])
                if scope.min_tier is not None:
                    whole &= set(tier_by_country.index[tier_by_country >= scope.min_tier])
                if scope.countries:
                    whole &= set(scope.countries)
                full = whole
            share = _exchange_share(p, active, is_exchange, bears.get(m, none) & ~exempt)
            people_specs.append((metric, groups, full, share))
        need_groups = {g for _, gs, _, _ in people_specs for g in gs} | set(a.support_groups)
        need_countries = set(a.support_nationalities)
        for _, _, full, share in people_specs:
            need_countries |= full | {c for c, x in share.items() if x > 0}
        hc = _headcounts_in_force(headcounts, d, notes, need_groups, need_countries)
        for metric, groups, full, share in people_specs:
            parts.append(_people_terms(hc, metric, groups, full, share))
        nats = a.support_nationalities
        wanted = set(a.support_groups)
        rows = [
            i
            for i, (g, c) in enumerate(zip(hc["group"], hc["country"], strict=True))
            if g in wanted and c in nats
        ]
        sup = {k: v[rows] for k, v in hc.items()}
        missing = [c for c in nats if c not in set(sup["country"])]
        if missing:
            notes.append(
                "support population: no headcounts for " + ", ".join(missing) + " (unknown, NA)."
            )
            pad = {"faculty": None, "group": None, "basis_used": pd.NA, "headcount": np.nan}
            sup = {
                k: np.concatenate([v, np.array(missing, dtype=object)])
                if k == "country"
                else np.concatenate([v, np.full(len(missing), pad[k], dtype=v.dtype)])
                for k, v in sup.items()
            }
        h = sup["headcount"]
        country = sup["country"]
        for metric, mask in (
            ("support_population", 0),
            ("support_cost_eur", _F_TAKEUP | _F_MONTHLY | _F_MONTHS),
        ):
            per_nat = np.array([f"{metric}_{c}" for c in country], dtype=object)
            for names in (metric, per_nat):  # the total, then per nationality
                parts.append(
                    _terms(
                        names,
                        faculty=sup["faculty"],
                        country=country,
                        mask=mask,
                        c_low=h,
                        c_central=h,
                        c_high=h,
                    )
                )
        unknown_nat = sorted(set(country[np.isnan(h)]))
        bases = sorted(set(sup["basis_used"][~pd.isna(sup["basis_used"])]))
        people_notes["support"] = (
            f"groups {', '.join(a.support_groups)}; by {', '.join(bases) or 'basis unknown'}"
        )
        people_notes["support_unknown"] = ", ".join(unknown_nat)
    terms = _aggregate_terms(
        _concat_terms([t_ for t_ in parts if len(t_["mask"])]), ["metric", "faculty", "country"]
    )

    return _Model(
        p=p,
        d=d,
        terms=terms,
        ranges=_factor_ranges(scenario, observed_value),
        observed_value=observed_value,
        notes=notes,
        targeted=targeted,
        bears=bears,
        exempt=exempt,
        level_unc=level_unc,
        frozen=frozen,
        cancelled=cancelled,
        money=money,
        labels=labels,
        tier=tier,
        has_risk=risk_df is not None,
        people_notes=people_notes,
        stop_date=stop_date,
        have_headcounts=headcounts is not None,
    )


def _bench_terms(
    scenario: Scenario, partnerships: pd.DataFrame, headcounts: pd.DataFrame | None
) -> tuple[_Terms, dict[int, Range]]:
    """The model terms and factor ranges (for the benchmark's per-draw reference loop)."""
    m = _model(scenario, partnerships, headcounts, None, None)
    return m.terms, m.ranges


def impact(
    scenario: Scenario | str | Path,
    partnerships: pd.DataFrame,
    headcounts: pd.DataFrame | None = None,
    *,
    watchlists: Mapping[str, pd.DataFrame] | None = None,
    risk_profile: pd.DataFrame | str | None = None,
    draws: int = 0,
    seed: int = 0,
    quarters: int = 8,
) -> Impact:
    """Apply a scenario to the canonical tables: what stops, for whom, where, with ranges.

    Parameters
    ----------
    scenario : Scenario, or a bundled name / YAML path
        The policy (see the module docs for the semantics).
    partnerships : DataFrame
        Canonical partnerships table (``kvanalytics.read_partnerships``). Not modified.
    headcounts : DataFrame, optional
        Canonical headcounts; without it the people metrics are NA. Not modified.
    watchlists : mapping of name -> DataFrame, optional
        Watchlists (tidy, as from :func:`kvanalytics.reference.load_watchlist`) for the names the
        scenario targets; names not given are loaded (bundled name or path).
    risk_profile : DataFrame or str, optional
        Replaces the scenario's risk profile (columns ``country, tier``) or names another one.
    draws : int
        0: deterministic low/central/high. > 0: Monte Carlo over the assumption ranges
        (triangular), summary low/central/high = 5th percentile / median / 95th percentile.
    seed : int
        Seed of the Monte Carlo draws (same seed, same result).
    quarters : int
        Length of the timeline, in quarters from the effective date's quarter.

    Returns
    -------
    Impact

    Examples
    --------
    >>> imp = impact("nl-2022-freeze", partnerships, headcounts)  # doctest: +SKIP
    >>> imp.summary[["metric", "low", "central", "high"]]  # doctest: +SKIP
    """
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    if draws < 0 or quarters < 1:
        raise ValueError(
            f"draws must be >= 0 and quarters >= 1; got draws={draws}, quarters={quarters}."
        )
    m = _model(scenario, partnerships, headcounts, watchlists, risk_profile)
    terms, a = m.terms, scenario.assumptions
    det = _factor_values_det(m.ranges)
    mc = draws > 0
    fine, fine_vals = _evaluate(terms, ["metric", "faculty", "country"], det)
    if mc:
        fac = _factor_values_mc(scenario, m.ranges, draws, seed)
        groups, vals = _evaluate(terms, ["metric"], fac)
    else:  # the deterministic summary is the fine evaluation rolled up
        inv, first = _group_arrays([fine["metric"]])
        groups = {"metric": fine["metric"][first]}
        vals = _nan_group_sum(inv, len(first), fine_vals)
    summary = _to_frame(groups, vals, mc)
    samples = None
    if mc:
        samples = pd.DataFrame(vals[:, 1, :].T, columns=groups["metric"].tolist())

    metric_order = list(METRICS)
    if a.support_nationalities:
        metric_order += [f"support_population_{c}" for c in a.support_nationalities]
        metric_order += [f"support_cost_eur_{c}" for c in a.support_nationalities]
    else:
        metric_order = [x for x in metric_order if not x.startswith("support_")]
    # A metric without terms is 0 (a point), unless its input (headcounts) is missing: then NA.
    # A people metric whose measure is off (or exempt) is 0 with or without headcounts.
    meas = scenario.measures.on()
    off = {
        "exchange_out_recalled": "recall_exchange_out" not in meas,
        "exchange_in_stopped": "stop_exchange_in" not in meas,
        "degree_students_lost": "stop_exchange_in" not in meas
        or scenario.exemptions.degree_students,
    }
    got = {
        str(name): (lo, ce, hi)
        for name, lo, ce, hi in zip(
            summary["metric"], summary["low"], summary["central"], summary["high"], strict=True
        )
    }
    rows = []
    for name in metric_order:  # a dozen metrics, not agreements
        unknown = (_unit_of(name) == "people" or name.startswith("support_")) and not off.get(
            name, False
        )
        missing = (pd.NA,) * 3 if unknown and not m.have_headcounts else (0.0,) * 3
        rows.append((name, _unit_of(name), *got.get(name, missing)))
    summary = pd.DataFrame(rows, columns=["metric", "unit", "low", "central", "high"])
    for c in ("low", "central", "high"):
        summary[c] = summary[c].astype("Float64")
    summary["note"] = _summary_notes(summary["metric"], scenario, m)
    summary = summary[["metric", "unit", "low", "central", "high", "note"]]
    return Impact(
        scenario=scenario,
        summary=summary.reset_index(drop=True),
        by_faculty=_unit_table(fine, fine_vals, "faculty"),
        by_country=_unit_table(fine, fine_vals, "country"),
        affected=_affected_table(m),
        timeline=_timeline(m, quarters, det),
        assumptions=_assumption_table(scenario, m.observed_value),
        notes=tuple(m.notes),
        draws=int(draws),
        samples=samples,
    )


def _exchange_share(
    p: pd.DataFrame, active: np.ndarray, is_exchange: np.ndarray, hit: np.ndarray
) -> dict[str, float]:
    """Per country: share of active exchange agreements hit (all kinds when none is exchange)."""
    codes, uniq = pd.factorize(p["country"])
    ok = codes >= 0
    k = len(uniq)

    def count(mask: np.ndarray) -> np.ndarray:
        return np.bincount(codes[ok & mask], minlength=k).astype(float)

    ex, ex_hit = count(active & is_exchange), count(active & is_exchange & hit)
    any_, any_hit = count(active), count(active & hit)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(ex > 0, ex_hit / ex, np.where(any_ > 0, any_hit / any_, 0.0))
    return dict(zip(np.asarray(uniq, dtype=object).tolist(), share.tolist(), strict=True))


def _summary_notes(metrics: pd.Series, scenario: Scenario, model: _Model) -> list[str]:
    terms, d, stop_date = model.terms, model.d, model.stop_date
    have_headcounts, people_notes = model.have_headcounts, model.people_notes
    observed_value = model.observed_value
    meas = scenario.measures.on()
    ex = scenario.exemptions
    a = scenario.assumptions
    measure_of = {
        "agreements_frozen": ("freeze_institutional",),
        "agreements_cancelled": ("cancel_planned",),
        "agreements_reviewed": ("review",),
        "agreements_conditioned": ("condition",),
        "value_eur_stopped": ("freeze_institutional", "stop_financial_flows"),
        "data_exchange_stopped": ("freeze_institutional", "stop_data_exchange"),
        "exchange_out_recalled": ("recall_exchange_out",),
        "exchange_in_stopped": ("stop_exchange_in",),
        "degree_students_lost": ("stop_exchange_in",),
    }
    # how many agreements (headcount cells) each note is about: sums of n, not term rows
    codes, names = pd.factorize(terms["metric"])
    mask, n = terms["mask"], terms["n"]
    flags = {
        "lvl": (mask & _F_LEVEL) > 0,
        "flow": (mask & _F_FLOW) > 0,
        "dat": (mask & _F_DATA) > 0,
        "val": (mask & _F_VALUE) > 0,
        "part": terms["c_low"] != terms["c_high"],
    }
    where = {str(x): i for i, x in enumerate(names)}
    sums = {k: np.bincount(codes, weights=n * f, minlength=len(names)) for k, f in flags.items()}

    def c(metric: str, col: str) -> int:
        i = where.get(metric)
        return int(sums[col][i] + 0.5) if i is not None else 0

    out = []
    for m in metrics:
        base = m if m in METRICS else m.rsplit("_", 1)[0]
        bits: list[str] = []
        if base in measure_of and not any(x in meas for x in measure_of[base]):
            out.append("measure not in scenario")
            continue
        if base == "degree_students_lost" and ex.degree_students:
            out.append("exempt: degree_students")
            continue
        if not have_headcounts and (_unit_of(m) == "people" or base.startswith("support_")):
            out.append("no headcounts given")
            continue
        if base in ("agreements_frozen", "value_eur_stopped", "data_exchange_stopped"):
            bits.append(f"active at {d.date()}")
        if base == "agreements_cancelled":
            bits.append(f"planned or starting after {d.date()}")
        if base in ("agreements_reviewed", "agreements_conditioned"):
            bits.append(f"active or planned at {d.date()}")
        if c(m, "lvl"):
            r = a.share_unknown_level_individual
            bits.append(f"{c(m, 'lvl')} of unknown level (share individual {r.low:g}–{r.high:g})")
        if c(m, "flow"):
            r = a.share_unknown_financial_flows_true
            bits.append(
                f"{c(m, 'flow')} with unknown financial_flows (share true {r.low:g}–{r.high:g})"
            )
        if c(m, "dat"):
            r = a.share_unknown_data_exchange_true
            bits.append(
                f"{c(m, 'dat')} with unknown data_exchange (share true {r.low:g}–{r.high:g})"
            )
        if c(m, "val"):
            r = a.unknown_value_eur or observed_value
            src = "assumed" if a.unknown_value_eur else "observed"
            bits.append(
                f"{c(m, 'val')} with unknown value_eur ({src} {r.low:,.0f}–{r.high:,.0f} EUR/year)"
            )
        if base == "exchange_out_recalled":
            bits.append(f"stop date {stop_date['exchange_out'].date()}")
        if base == "exchange_in_stopped":
            bits.append(f"stop date {stop_date['exchange_in'].date()}")
        if base in ("exchange_out_recalled", "exchange_in_stopped", "degree_students_lost") and c(
            m, "part"
        ):
            bits.append("partly targeted countries allocated by share of exchange agreements hit")
        if base.startswith("support_"):
            nat = m[len(base) + 1 :] if m != base else ""
            unknown = people_notes.get("support_unknown", "")
            if nat and nat in unknown.split(", "):
                out.append("headcount unknown (NA): never counted as 0")
                continue
            if base == "support_population":
                bits.append(people_notes.get("support", ""))
            else:
                bits.append("population × take-up × monthly EUR × months")
            if not nat and unknown:
                bits.append(f"unknown: {unknown} (low is a lower bound; central/high NA)")
        out.append("; ".join(bits))
    return out


def _unit_table(fine: Mapping[str, np.ndarray], vals: np.ndarray, unit: str) -> pd.DataFrame:
    """Roll the metric × faculty × country evaluation up to one unit; zero rows left out."""
    if len(fine["metric"]) == 0:
        inv, first = np.zeros(0, np.int64), np.zeros(0, np.int64)
    else:
        inv, first = _group_arrays([fine[unit], fine["metric"]])
    v = _nan_group_sum(inv, len(first), vals)[:, :, 0]
    keep = np.isnan(v).any(axis=1) | (np.nan_to_num(v) != 0).any(axis=1)
    units = fine[unit][first][keep]
    metric = fine["metric"][first][keep]
    base = [_PER_NATIONALITY.sub("", x) for x in metric]  # a few dozen rows
    order = np.array([_METRIC_ORDER.get(b, 99) for b in base], dtype=float)
    unit_txt = np.array(["" if pd.isna(u) else str(u) for u in units])
    idx = np.lexsort((metric.astype(str), order, unit_txt))
    v = np.round(v[keep][idx], 6)
    return pd.DataFrame(
        {
            unit: pd.array(units[idx], dtype="string"),
            "metric": pd.array(metric[idx], dtype="string"),
            "unit": pd.array(np.array([METRICS.get(b) for b in base], object)[idx], dtype="string"),
            "low": pd.array(v[:, 0], dtype="Float64"),
            "central": pd.array(v[:, 1], dtype="Float64"),
            "high": pd.array(v[:, 2], dtype="Float64"),
        }
    )


def _affected_table(m: _Model) -> pd.DataFrame:
    """Every targeted agreement a measure bears on, with targets, measures, exemption, outcome."""
    p, n = m.p, len(m.p)
    z = np.zeros(n, bool)
    any_bear = z.copy()
    for b in m.bears.values():
        any_bear |= b
    rows = np.flatnonzero(m.targeted & any_bear)
    k = len(rows)

    def sub(x: np.ndarray) -> np.ndarray:
        return x[rows]

    def words(pairs: Sequence[tuple[str, np.ndarray]]) -> np.ndarray:
        """'; '-joined names of the flags set (NA: none), once per distinct combination."""
        code = np.zeros(k, np.int64)
        for j, (_, b) in enumerate(pairs):
            code |= sub(b).astype(np.int64) << j
        uniq, inv = np.unique(code, return_inverse=True)
        texts = ["; ".join(w for j, (w, _) in enumerate(pairs) if u >> j & 1) for u in uniq]
        return np.array([t or pd.NA for t in texts], dtype=object)[inv.reshape(-1)]

    bears = m.bears
    money_b = bears.get("freeze_institutional", z) | bears.get("stop_financial_flows", z)
    data_b = bears.get("freeze_institutional", z) | bears.get("stop_data_exchange", z)
    targets = _join([lab.iloc[rows] for lab in m.labels], k)
    measures = words(list(bears.items()))
    uncertain = words(
        [
            ("level", m.level_unc),
            ("financial_flows", money_b & p["financial_flows"].isna().to_numpy(bool)),
            ("value_eur", money_b & p["value_eur"].isna().to_numpy(bool)),
            ("data_exchange", data_b & p["data_exchange"].isna().to_numpy(bool)),
        ]
    )
    outcome = np.select(
        [
            sub(m.exempt),
            sub(bears.get("freeze_institutional", z)),
            sub(bears.get("cancel_planned", z)),
            sub(bears.get("condition", z)),
            sub(bears.get("review", z)),
        ],
        ["exempt", "frozen", "cancelled", "conditioned", "reviewed"],
        default="restricted",
    )
    exemption = np.full(k, None, dtype=object)
    exemption[sub(m.level_unc)] = "individual_ties if individual (level unknown)"
    exemption[sub(m.exempt)] = "individual_ties"
    cols = ["agreement_id", "partner", "country", "faculty", "level", "kind", "status"]
    cols += ["start", "end", "value_eur", "financial_flows", "data_exchange", "fields"]
    out: dict[str, Any] = {c: p[c].array.take(rows) for c in cols}
    if m.has_risk:
        out["tier"] = pd.array(sub(m.tier), dtype="Float64").astype("Int64")
    out["targets"] = targets.array
    out["measures"] = pd.array(np.where(pd.isna(measures), "", measures), dtype="string")
    out["exemption"] = pd.array(exemption, dtype="string")
    out["outcome"] = pd.array(outcome, dtype="string")
    out["uncertain"] = pd.array(uncertain, dtype="string")
    return pd.DataFrame(out, copy=False)


def _timeline(m: _Model, quarters: int, det: Mapping[int, np.ndarray]) -> pd.DataFrame:
    """Quarterly ties and money stopped from the effective date; a tie stops at its natural end."""
    d, p = m.d, m.p
    qp = pd.period_range(d.to_period("Q"), periods=quarters, freq="Q")
    q_start = np.maximum(qp.start_time.to_numpy("datetime64[D]"), np.datetime64(d.date(), "D"))
    q_end = qp.end_time.normalize().to_numpy("datetime64[D]")
    start = p["start"].to_numpy("datetime64[D]")
    end = p["end"].to_numpy("datetime64[D]")
    open_end = np.isnat(end)
    end_f = np.where(open_end, np.datetime64("2262-01-01", "D"), end)
    value = p["value_eur"].to_numpy(np.float64, na_value=np.nan)
    flow_na = p["financial_flows"].isna().to_numpy(bool)
    flow_true = p["financial_flows"].fillna(False).to_numpy(bool)
    lvl = np.where(m.level_unc, _F_LEVEL, 0)

    def series(sel: np.ndarray, weight: np.ndarray, masks: np.ndarray) -> np.ndarray:
        """(Q, 3): sum over the selected agreements of weight × factors, per setting."""
        out = np.zeros((quarters, 3))
        for mask in np.unique(masks[sel]):  # a handful of factor classes, not agreements
            coef = weight[sel & (masks == mask)].sum(axis=0)  # (Q,)
            prod = np.ones(3)
            for bit, vals in det.items():
                if mask & bit:
                    prod = prod * vals[:, 0]
            contrib = coef[:, None] * prod[None, :]
            out += np.where(coef[:, None] == 0, 0.0, contrib)  # nothing × unknown = nothing
        return out

    idx_f, idx_c = np.flatnonzero(m.frozen), np.flatnonzero(m.cancelled)
    runs = open_end[:, None] | (end_f[:, None] >= q_end[None, :])
    frozen = series(np.ones(len(idx_f), bool), runs[idx_f].astype(float), lvl[idx_f])
    started = start[idx_c, None] <= q_end[None, :]
    cancelled = series(np.ones(len(idx_c), bool), (started & runs[idx_c]).astype(float), lvl[idx_c])
    idx_m = np.flatnonzero(m.money & (flow_true | flow_na))
    stop = np.minimum(end_f[idx_m, None], q_end[None, :])
    days = (stop - q_start[None, :]).astype("timedelta64[D]").astype(float) + 1.0
    frac = np.clip(days, 0.0, None) / 365.25
    v = value[idx_m]
    weight = frac * np.where(np.isnan(v), 1.0, v)[:, None]
    masks = lvl[idx_m] | np.where(flow_na[idx_m], _F_FLOW, 0) | np.where(np.isnan(v), _F_VALUE, 0)
    money = series(np.ones(len(idx_m), bool), weight, masks)
    vals = np.stack([frozen, cancelled, money], axis=1).reshape(-1, 3)  # (Q*3, 3)
    metrics = list(_TIMELINE_UNITS)
    out = pd.DataFrame(
        {
            "quarter": pd.array(np.repeat(qp.astype(str), 3), dtype="string"),
            "quarter_start": np.repeat(q_start.astype("datetime64[us]"), 3),
            "quarter_end": np.repeat(q_end.astype("datetime64[us]"), 3),
            "metric": metrics * quarters,
            "unit": [_TIMELINE_UNITS[x] for x in metrics] * quarters,
        }
    )
    for j, c in enumerate(("low", "central", "high")):
        out[c] = pd.array(np.round(vals[:, j], 6), dtype="Float64")
    return out


def _assumption_table(scenario: Scenario, observed_value: Range) -> pd.DataFrame:
    a = scenario.assumptions
    given = _given_assumptions(scenario)
    rows = []
    for name in ASSUMPTIONS:
        v = getattr(a, name)
        if name == "unknown_value_eur" and v is None:
            rows.append((name, *observed_value.as_list(), "", "observed"))
        elif isinstance(v, Range):
            rows.append((name, *v.as_list(), "", "scenario" if name in given else "default"))
        elif v is None:
            continue
        else:
            rows.append(
                (
                    name,
                    math.nan,
                    math.nan,
                    math.nan,
                    ", ".join(v),
                    "scenario" if name in given else "default",
                )
            )
    out = pd.DataFrame(rows, columns=["name", "low", "central", "high", "value", "source"])
    for c in ("low", "central", "high"):
        out[c] = out[c].astype("Float64")
    return out


def _given_assumptions(scenario: Scenario) -> set[str]:
    default = Assumptions()
    return {
        f.name
        for f in dataclasses.fields(Assumptions)
        if getattr(scenario.assumptions, f.name) != getattr(default, f.name)
    }


# --------------------------------------------------------------------------------------------
# Comparing and exporting
# --------------------------------------------------------------------------------------------
def compare(impacts: Sequence[Impact]) -> pd.DataFrame:
    """Scenarios side by side, tidy: ``scenario, metric, unit, low, central, high``.

    Scenario names are made unique (``name (2)``) so the frame has one row per
    scenario × metric.

    Examples
    --------
    >>> compare([impact_nl, impact_be]).pivot(index="metric", columns="scenario",
    ...                                      values="central")  # doctest: +SKIP
    """
    frames = []
    seen: dict[str, int] = {}
    for imp in impacts:
        name = imp.scenario.name
        seen[name] = seen.get(name, 0) + 1
        label = name if seen[name] == 1 else f"{name} ({seen[name]})"
        s = imp.summary
        frames.append(
            pd.DataFrame(
                {
                    "scenario": pd.Series([label] * len(s), dtype="string"),
                    "metric": s["metric"].astype("string").to_numpy(),
                    "unit": s["unit"].astype("string").to_numpy(),
                    "low": s["low"].to_numpy(),
                    "central": s["central"].to_numpy(),
                    "high": s["high"].to_numpy(),
                }
            )
        )
    if not frames:
        return pd.DataFrame(columns=["scenario", "metric", "unit", "low", "central", "high"])
    out = pd.concat(frames, ignore_index=True)
    for c in ("low", "central", "high"):
        out[c] = out[c].astype("Float64")
    return out


_HEADLINE = (
    "agreements_frozen",
    "agreements_cancelled",
    "agreements_reviewed",
    "value_eur_stopped",
    "exchange_in_stopped",
    "exchange_out_recalled",
    "support_population",
)


def plot_compare(
    impacts: Sequence[Impact],
    ax: Any = None,
    lang: str = "en",
    *,
    metrics: Sequence[str] | None = None,
    **kwargs: Any,
) -> Any:
    """Chart scenarios side by side (delegates to :func:`kvanalytics.plots.plot_impact_comparison`).

    People metrics are passed as such, so small counts are suppressed in the chart.

    Parameters
    ----------
    impacts : sequence of Impact
    ax : Axes, optional
        Draw everything on one Axes (only sensible for metrics with one unit).
    lang : {"en", "nl"}
    metrics : sequence of str, optional
        Default: the headline metrics present in the impacts.
    **kwargs
        Passed on to ``plot_impact_comparison``.

    Returns
    -------
    numpy.ndarray of Axes

    Examples
    --------
    >>> axes = plot_compare([impact_nl, impact_be, impact_no])  # doctest: +SKIP
    """
    from .plots import plot_impact_comparison

    df = compare(impacts)
    if metrics is None:
        present = set(df["metric"])
        metrics = [m for m in _HEADLINE if m in present]
    people = sorted({m for m in df["metric"] if _unit_of(str(m)) == "people"})
    return plot_impact_comparison(
        df[df["metric"].isin(list(metrics))],
        metrics=list(metrics),
        ax=ax,
        lang=lang,
        people_metrics=people,
        **kwargs,
    )


def _text_or_none(x: Any) -> str | None:
    return None if x is None or pd.isna(x) else str(x)


def published(df: pd.DataFrame, threshold: int = config.SUPPRESSION_THRESHOLD) -> pd.DataFrame:
    """A display copy of a summary-like frame with small people counts suppressed.

    Rows whose ``unit`` is ``people`` get ``low, central, high`` rounded to whole people (a
    central allocated by share is an expectation) and passed through
    :func:`kvanalytics.privacy.suppress_counts` (1..threshold-1 -> ``"<5"``); other rows keep
    their numbers. For a faculty × nationality table with totals use
    :meth:`Impact.support_table` and :func:`kvanalytics.privacy.suppress` instead.

    Parameters
    ----------
    df : DataFrame
        ``summary``, ``by_faculty``, ``by_country`` or :func:`compare` output (has ``unit``).
    threshold : int
        Smallest count shown as a number.

    Returns
    -------
    DataFrame
        A copy; ``low, central, high`` become object columns.

    Examples
    --------
    >>> published(compare([imp_nl, imp_be]))  # doctest: +SKIP
    """
    from .privacy import suppress_counts

    cols = [c for c in ("low", "central", "high") if c in df.columns]
    out = df.copy()
    people = (df["unit"].astype("string") == "people").fillna(False).to_numpy(bool)
    if people.any() and cols:
        values = df.loc[people, cols].astype("Float64").round(0)
        shown = suppress_counts(values, cols, threshold)
        out[cols] = out[cols].astype(object)
        out.loc[people, cols] = shown.to_numpy()
        _hide_costs_of_hidden_people(out, cols)
    return out


def _hide_costs_of_hidden_people(out: pd.DataFrame, cols: list[str]) -> None:
    """Support cost is population × fixed rates: where a population is hidden, hide its cost
    (``"x"``), or the cost would give the count back; and hide the totals over nationalities
    (``support_population``, ``support_cost_eur``), or total minus the shown ones would."""
    if "metric" not in out.columns:
        return
    metric = out["metric"].astype("string")
    keys = [c for c in out.columns if c not in {*cols, "metric", "unit", "note"}]
    pop = out[metric.str.startswith("support_population").fillna(False).to_numpy(bool)]
    if pop.empty:
        return
    hidden_pop = {
        (str(m).replace("support_population", "support_cost_eur", 1), *k): [
            isinstance(v, str) for v in vals
        ]
        for m, k, vals in zip(
            pop["metric"],
            pop[keys].itertuples(index=False, name=None),
            pop[cols].itertuples(index=False, name=None),
            strict=True,
        )
    }
    # the totals over nationalities, less the shown nationalities, would give a hidden one back
    groups_hiding = {
        tuple(k) for (m, *k), flags in hidden_pop.items() if m != "support_cost_eur" and any(flags)
    }
    for i, (m, k) in enumerate(
        zip(out["metric"], out[keys].itertuples(index=False, name=None), strict=True)
    ):
        if str(m) in ("support_population", "support_cost_eur") and tuple(k) in groups_hiding:
            for c in cols:
                out.iat[i, list(out.columns).index(c)] = "x"
            continue
        flags = hidden_pop.get((str(m), *k))
        if flags and any(flags):
            for c, hide in zip(cols, flags, strict=True):
                if hide:
                    out.iat[i, list(out.columns).index(c)] = "x"


def _num(x: Any) -> float | str | None:
    if isinstance(x, str):  # a suppressed people count, "<5"
        return x
    return None if pd.isna(x) else float(x)


def impact_to_dict(impact: Impact, *, suppress: bool = True) -> dict[str, Any]:
    """A JSON-ready dict (for the CLI): ``scenario, effective, metrics, by_faculty``.

    ``metrics`` maps each summary metric to ``{"low", "central", "high"}`` (None where unknown);
    ``by_faculty`` is a list of ``{"faculty", "metric", "low", "central", "high"}``. People counts
    are published (see :func:`published`: whole people, 1..4 as ``"<5"``) unless
    ``suppress=False`` (internal use).

    Examples
    --------
    >>> sorted(impact_to_dict(imp))  # doctest: +SKIP
    ['by_faculty', 'effective', 'metrics', 'scenario']
    """
    s = published(impact.summary) if suppress else impact.summary
    by_fac = published(impact.by_faculty) if suppress else impact.by_faculty
    metrics = {
        str(r.metric): {"low": _num(r.low), "central": _num(r.central), "high": _num(r.high)}
        for r in s.itertuples(index=False)
    }
    by_faculty = [
        {
            "faculty": _text_or_none(r.faculty),
            "metric": str(r.metric),
            "low": _num(r.low),
            "central": _num(r.central),
            "high": _num(r.high),
        }
        for r in by_fac.itertuples(index=False)
    ]
    return {
        "scenario": impact.scenario.name,
        "effective": impact.scenario.effective.isoformat(),
        "metrics": metrics,
        "by_faculty": by_faculty,
    }
