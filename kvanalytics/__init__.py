"""kvanalytics: exposure, freeze-impact and sanctions-scenario analytics for university partnerships.

The package reads as the data flow: ``ingest`` -> ``normalise`` -> ``exposure`` -> ``scenarios``
-> ``plots`` / ``report``.

Examples
--------
>>> import kvanalytics as kv
>>> table, rejects = kv.read_partnerships("data/raw/sample_partnerships.csv",
...                                       errors="collect")  # doctest: +SKIP
"""

from __future__ import annotations

from .errors import IngestError, KvError, ReferenceDataError, ScenarioError, SchemaError
from .exposure import exposure, exposure_over_time
from .ingest import (
    HorizonReport,
    Ingested,
    IngestReport,
    Inspection,
    inspect_export,
    read_headcounts,
    read_horizon,
    read_partnerships,
)
from .normalise import (
    country_name,
    country_table,
    identify_partners,
    match_institutions,
    read_overrides,
    to_iso2,
    unknown_countries,
)
from .people import headcounts_in_force
from .privacy import published, suppress, suppress_counts
from .reference import load_risk_profile, load_watchlist, read_erasmus_charter, risk_tiers
from .report import quarterly_dashboard, render_report
from .scenarios import Impact, Scenario, compare, impact, list_scenarios, load_scenario
from .schemas import validate_headcounts, validate_partnerships
from .screening import match_watchlist, screen
from .tables import for_people, format_table

__version__ = "0.1.0"

__all__ = [
    "HorizonReport",
    "Impact",
    "IngestError",
    "IngestReport",
    "Ingested",
    "Inspection",
    "KvError",
    "ReferenceDataError",
    "Scenario",
    "ScenarioError",
    "SchemaError",
    "__version__",
    "compare",
    "country_name",
    "country_table",
    "exposure",
    "exposure_over_time",
    "for_people",
    "format_table",
    "headcounts_in_force",
    "identify_partners",
    "impact",
    "inspect_export",
    "list_scenarios",
    "load_risk_profile",
    "load_scenario",
    "load_watchlist",
    "match_institutions",
    "match_watchlist",
    "published",
    "quarterly_dashboard",
    "read_erasmus_charter",
    "read_headcounts",
    "read_horizon",
    "read_overrides",
    "read_partnerships",
    "render_report",
    "risk_tiers",
    "screen",
    "suppress",
    "suppress_counts",
    "to_iso2",
    "unknown_countries",
    "validate_headcounts",
    "validate_partnerships",
]
