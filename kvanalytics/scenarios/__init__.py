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
      partner_types: [education, research]   # only partners of these types (NA type: a range)
      watchlists:                        # name or path, score 0-100
        - {name: rur-2022-signatories, min_score: 90, of_about: 300,
           if_partial: {countries: [RU], partner_types: [education]}}  # partial list: a range
      risk_profile: {name: freedom-house-2024, min_tier: 2}       # tier 1 watch .. 3 restricted
      # or several lenses, combined by the highest tier, each hitting at its own min_tier:
      # risk_profile: [{name: freedom-house-2024, min_tier: 2, lens: academic freedom},
      #                {name: countries-of-concern, min_tier: 1, supplied_by_user: true}]
      fields: [quantum, dual_use_9]      # tags or field-vocabulary codes; any listed tag hits
      fields_mode: union                 # union (default) | intersect
    measures:                            # true = every targeted agreement; false = off; or a
      freeze_institutional: true         # scope {fields, min_tier, countries, levels}
      stop_data_exchange: {fields: [dual_use], min_tier: 2}
      review: {levels: [individual]}     # individual ties judged case by case
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
:func:`kvanalytics.normalise.match_institutions`; a hit is a score >= ``min_score`` with a
``match`` or ``review`` decision; designations listed after the effective date are ignored) and
``risk_profile`` (partner country's tier >= ``min_tier``) are unioned. ``fields`` is unioned with
them too (``fields_mode: union``), or, with ``fields_mode: intersect``, *restricts* them: an
agreement is targeted when a country/watchlist/risk target hits it **and** one of its field tags
is listed ("designated institutions, dual-use fields only").

*Partner types* (``partner_types``) then keep only partners of the listed types: the data's
``partner_type`` (export, Horizon organisation type), else the name rule of
``data/knowledge_institution_words.csv`` over the canonical organisation-type tokens of
:func:`kvanalytics.normalise.normalise_names` ("university" -> education, "institute",
"academy" -> research). A partner whose type stays unknown is *maybe* targeted: a range (low
without it, high with it; ``share_unknown_target_true``).

*Partial watchlists*: a watchlist target with ``if_partial: {countries, partner_types}`` and a
list not flagged complete (``complete: true`` in the target, ``frame.attrs["complete"]``, or
the watchlist index) counts its hits as the low end and the partners of that population it does
not hit (status unknown) as the high end; the notes give the list's size (``of_about``).

*Risk lenses*: ``risk_profile`` may be a list; a country's combined tier is its highest; a
lens ``supplied_by_user`` is passed as ``impact(..., risk_profile={name: profile})`` and, when
absent, adds nothing (the notes say the counts are lower bounds and by how much at most).

*Field vocabulary*: every tie's tags are kept and the codes of ``data/critical_technologies.csv``
(the EU critical technology areas of C(2023) 6689 and the dual-use Annex I categories 0-9) they
map onto through ``data/field_tags.csv`` (en/nl/no synonyms) are added; a scenario naming a
code gets a note listing the data's tags that map onto none.

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
(``share_unknown_level_individual``). A measure scoped by ``levels`` bears only on those levels
(an unknown level passes: a range where ``individual`` is left out, a point where it is in);
``review: {levels: [individual]}`` lists individual ties "to be judged case by case". ``degree_students``: degree students of targeted countries
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
share_unknown_target_true           share of maybe-targeted ties (partner type   [0, .5, 1]
                                    unknown, not on a partial list) that are
                                    targeted
unknown_value_eur                   EUR/year of an agreement with NA value_eur;  observed
                                    ``observed`` = [0, median, 90th percentile]
                                    of known values of active agreements
support_nationalities               ISO2 list                                    []
support_groups                      headcount groups                             see above
support_take_up_rate                share of the population taking support       required
monthly_support_eur                 EUR per person per month                     with
support_months                      months of support                            nationalities
tuition_eur_per_year,               EUR per student per year (each may be        none
public_funding_eur_per_year,        ``{value: ..., source: "..."}``, or a
cost_eur_per_year                   ``sources: {name: text}`` mapping)
benefit_cost_ratio                  direct benefits / costs                      seed 002:
                                                                                 [2.6, 2.95, 3.3]
study_years, years_remaining,       years                                        none
horizon_years
==================================  ===========================================  ===========

A metric's *low* uses every assumption at its impact-minimising end, *high* at the other end,
*central* at the central values. With ``draws > 0`` the assumptions are drawn independently from
triangular(low, central, high) distributions (numpy, vectorised); *low/high* become the 5th/95th
percentiles and *central* the median of the draws (ranges that come from the data, such as
unknown headcounts, stay bounds: the low percentile is taken with the data's low bound).
``by_faculty``, ``by_country`` and ``timeline`` always use the deterministic low/central/high.

Layout of the package (each module imports only from those above it)::

    _spec         the scenario objects (frozen dataclasses) and YAML validation
    _catalogue    bundled scenarios: load_scenario, list_scenarios, make_scenario
    _metrics      the summary metrics and their units
    _targets      which ties a scenario targets (countries, risk tiers, watchlists, fields)
    _terms        the term algebra: factor ranges and values, group sums, evaluation
    _headcounts   headcounts in force at a date (moves to kvanalytics.people)
    _model        the model of an impact, in named steps
    _economics    the economic value of degree students lost or not admitted (seed 002)
    _compare      compare: scenarios side by side
    _tables       by unit, affected agreements, timeline, assumptions
    _impact       Impact, impact(), the summary and its notes, Impact.to_dict
"""

from __future__ import annotations

from ._catalogue import ALIASES, SCENARIO_DIR, list_scenarios, load_scenario, make_scenario
from ._compare import compare
from ._economics import ECONOMIC_METRICS
from ._impact import Impact, impact, impact_to_dict
from ._metrics import METRICS

# the benchmark's per-draw reference loop uses these three private names
from ._model import _bench_terms as _bench_terms
from ._spec import (
    ASSUMPTIONS,
    EXEMPTIONS,
    LEVELS,
    MEASURES,
    Assumptions,
    Exemptions,
    Measures,
    Range,
    RiskTarget,
    Scenario,
    Scope,
    Targets,
    WatchlistTarget,
)
from ._spec import FIELDS_MODES as FIELDS_MODES
from ._terms import _evaluate as _evaluate
from ._terms import _factor_values_mc as _factor_values_mc

__all__ = [
    "ALIASES",
    "ASSUMPTIONS",
    "ECONOMIC_METRICS",
    "EXEMPTIONS",
    "LEVELS",
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
]
