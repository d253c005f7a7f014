"""Read partnership and headcount exports (CSV, XLSX) into the canonical tables, losing nothing.

Every input row ends either in the canonical table or in the rejects table with its file, sheet,
row number (as a spreadsheet user counts it), column and reason. Files are sniffed, not configured:
encoding, separator, title rows above the header, header language, decimal convention and date
order are decided from the data and written to the ingest report.

The pipeline per file, one private module per step:

- ``_grid``: bytes -> grid of strings (decoding; CSV by Arrow or the csv module; XLSX by
  python-calamine, openpyxl as the fallback; the sheet);
- ``_headers``: the header row and the header -> field mapping, each decision with its rule;
- ``_values``: per-column parsing over distinct values (text, countries, categories, booleans,
  dates, numbers, periods, basis), with ``_fields`` saying which parser reads which field;
- ``_parse``: one file's columns parsed (on a thread pool when large), every failure collected;
- ``_pipeline``: the public readers, duplicates across files, the row accounting;
- ``_report``: :class:`IngestReport`, :class:`Ingested`, the rejects table and messages;
- ``_inspect``: :func:`inspect_export`, a dry run on one file (header decisions, missing fields
  with the ``--set`` to add, the first rows as accepted, rejects by reason) as an
  :class:`Inspection`; its mapping written back as the YAML ``--columns`` reads;
- ``_horizon``: :func:`read_horizon`, Horizon participation tables (project × participant) to
  the home organisation's ties, on the pieces above;
- ``_vocab``: the package data files (header and value synonyms, header languages, currency
  markers), read once.
"""

from ._horizon import HorizonReport, read_horizon
from ._inspect import Inspection, inspect_export
from ._parse import parse_defaults
from ._pipeline import read_headcounts, read_partnerships
from ._report import Ingested, IngestReport

__all__ = [
    "HorizonReport",
    "IngestReport",
    "Ingested",
    "Inspection",
    "inspect_export",
    "parse_defaults",
    "read_headcounts",
    "read_horizon",
    "read_partnerships",
]
