"""Paths and settings: the one place where kvanalytics decides where things live."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
#: Reference data shipped with the package (synonyms, aliases, risk profiles, scenarios).
PACKAGE_DATA = PACKAGE_DIR / "data"
#: The repository root when running from a checkout (editable install); notebooks live there.
REPO_ROOT = PACKAGE_DIR.parent
NOTEBOOK_DIR = Path(os.environ.get("KV_NOTEBOOKS", REPO_ROOT / "notebooks"))
#: Immutable inputs (only the synthetic sample is committed) and derived outputs.
RAW_DIR = Path(os.environ.get("KV_RAW", REPO_ROOT / "data" / "raw"))
PROCESSED_DIR = Path(os.environ.get("KV_PROCESSED", REPO_ROOT / "data" / "processed"))
REPORTS_DIR = Path(os.environ.get("KV_REPORTS", REPO_ROOT / "reports"))

#: Published headcount cells 1..threshold-1 are suppressed (DESIGN.md, small-cell suppression).
SUPPRESSION_THRESHOLD = 5

#: Reference date of an academic year's headcount (1 October), as month and day.
ACADEMIC_YEAR_REFERENCE = (10, 1)
#: First month of the academic year (September) for academic-year quarters.
ACADEMIC_YEAR_START_MONTH = 9
