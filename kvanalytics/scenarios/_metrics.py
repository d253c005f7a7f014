"""The summary metrics of an impact, their display order and units."""

from __future__ import annotations

import re

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
_TIMELINE_UNITS = {
    "ties_frozen": "agreements",
    "ties_cancelled": "agreements",
    "value_eur_stopped": "eur_per_quarter",
}


def _unit_of(metric: str) -> str:
    if metric in METRICS:
        return METRICS[metric]
    base = metric.rsplit("_", 1)[0]
    return METRICS.get(base, "")
