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
from .ingest import Ingested, IngestReport, read_headcounts, read_partnerships
from .normalise import country_name, country_table, to_iso2
from .schemas import validate_headcounts, validate_partnerships

__version__ = "0.1.0"

__all__ = [
    "IngestError",
    "IngestReport",
    "Ingested",
    "KvError",
    "ReferenceDataError",
    "ScenarioError",
    "SchemaError",
    "__version__",
    "country_name",
    "country_table",
    "read_headcounts",
    "read_partnerships",
    "to_iso2",
    "validate_headcounts",
    "validate_partnerships",
]
