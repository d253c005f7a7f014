"""The board-ready report: executive summary, sections, charts, Excel, PDF and a manifest.

``render_report`` is what ``make report`` and ``kvanalytics report`` run: it reads the project's
inputs (:mod:`kvanalytics.project`, ingest reused from the cache), computes the summary
(:mod:`._summary`) and the quarterly dashboard (:mod:`._dashboard`) once, draws each chart once,
renders one self-contained ``report.html`` from a template (``kvanalytics/templates/``), prints
it to ``report.pdf`` with Chromium when there is one, and writes ``manifest.json`` beside them so
that a board number can be traced to its inputs, parameters and package versions.
"""

from __future__ import annotations

from ..project import file_sha256
from ._dashboard import Dashboard, latest_complete_quarter, quarterly_dashboard
from ._manifest import write_manifest
from ._render import render_report
from ._summary import HEADLINE_METRICS, key_figures, risk_tie_changes, scenario_headline

__all__ = [
    "HEADLINE_METRICS",
    "Dashboard",
    "file_sha256",
    "key_figures",
    "latest_complete_quarter",
    "quarterly_dashboard",
    "render_report",
    "risk_tie_changes",
    "scenario_headline",
    "write_manifest",
]
