"""Former home of institution-name matching, now :mod:`kvanalytics.normalise`.

Kept so that ``from kvanalytics.institutions import match_institutions`` (in notebooks and in
modules not yet updated) goes on working; new code imports from :mod:`kvanalytics.normalise`.
Nothing is defined here.
"""

from __future__ import annotations

from .normalise import (
    DECISIONS,
    METHODS,
    OVERRIDE_COLUMNS,
    match_institutions,
    match_summary,
    matching_accuracy,
    normalise_name,
    normalise_names,
    read_overrides,
)

__all__ = [
    "DECISIONS",
    "METHODS",
    "OVERRIDE_COLUMNS",
    "match_institutions",
    "match_summary",
    "matching_accuracy",
    "normalise_name",
    "normalise_names",
    "read_overrides",
]
