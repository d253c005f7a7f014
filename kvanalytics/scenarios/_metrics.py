"""The summary metrics of an impact, their display order and units."""

from __future__ import annotations

import re

#: Summary metrics in display order -> unit. Support metrics also come per nationality
#: (``support_population_UA``, ``support_cost_eur_UA``).
METRICS: dict[str, str] = {
    "agreements_frozen": "agreements",
    "ties_frozen": "ties",
    "agreements_cancelled": "agreements",
    "ties_cancelled": "ties",
    "agreements_reviewed": "agreements",
    "ties_reviewed": "ties",
    "agreements_conditioned": "agreements",
    "ties_conditioned": "ties",
    "value_eur_stopped": "eur_per_year",
    "data_exchange_stopped": "agreements",
    "exchange_out_recalled": "people",
    "exchange_in_stopped": "people",
    "degree_students_lost": "people",
    # economic value of the degree students lost or not admitted (see _economics)
    "degree_students_not_admitted": "people",
    "tuition_eur_lost": "eur",
    "tuition_eur_not_admitted": "eur",
    "public_funding_eur_lost": "eur",
    "public_funding_eur_not_admitted": "eur",
    "direct_contribution_eur_lost": "eur",
    "direct_contribution_eur_not_admitted": "eur",
    "support_population": "people",
    "support_cost_eur": "eur",
}
_METRIC_ORDER = {m: i for i, m in enumerate(METRICS)}
_PER_NATIONALITY = re.compile(r"_[A-Z]{2}$")  # support_population_UA -> support_population
_TIMELINE_UNITS = {
    "ties_frozen": "ties",
    "ties_cancelled": "ties",
    "value_eur_stopped": "eur_per_quarter",
    "agreements_frozen": "agreements",
    "agreements_cancelled": "agreements",
}
#: Each tie count and the agreement count it sits beside (DESIGN.md: agreements are distinct
#: ids, ties are rows; a Horizon project with three Russian partners is 1 agreement, 3 ties).
TIE_METRICS = {
    "ties_frozen": "agreements_frozen",
    "ties_cancelled": "agreements_cancelled",
    "ties_reviewed": "agreements_reviewed",
    "ties_conditioned": "agreements_conditioned",
}


def _unit_of(metric: str) -> str:
    if metric in METRICS:
        return METRICS[metric]
    base = metric.rsplit("_", 1)[0]
    return METRICS.get(base, "")
