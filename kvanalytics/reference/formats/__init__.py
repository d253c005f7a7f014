"""Readers of the real watchlist formats, and which reader a file needs.

Each reader takes a path and returns a *canonical watchlist* (one row per name variant, the
columns of :data:`kvanalytics.reference.WATCHLIST_COLUMNS`, per-list facts in
``attrs["watchlists"]``), built with ``_canonical._variants`` and ``_canonical._finish_watchlist``
and checked with the helpers of ``_validate`` (every problem collected, one
:class:`~kvanalytics.errors.ReferenceDataError`).

==========  ==================================================  ====================
module      format                                              reader
==========  ==================================================  ====================
``_csl``    US Consolidated Screening List CSV (both layouts)   :func:`read_csl`
``_sdn``    OFAC legacy ``sdn.csv`` (no header, 12 columns)      :func:`read_sdn`
``_un``     UN Security Council consolidated list XML           :func:`read_un_xml`
``_ftm``    OpenSanctions FollowTheMoney entities (JSON lines)  :func:`read_ftm`
==========  ==================================================  ====================

**To add a format**: write
``read_<format>(path) -> DataFrame`` in its own module, add it to :data:`READERS` under a short
key, teach :func:`sniff_format` to recognise its files (by suffix, or by the first line), and
re-export the reader here and in ``kvanalytics/reference/__init__.py``.
:func:`kvanalytics.reference.load_watchlist` then reads such files by path with no other change.
The simple kvanalytics watchlist CSV (:func:`kvanalytics.reference.read_watchlist`) is the
fallback for any file no reader here claims.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd

from .._validate import _check_file
from ._csl import read_csl
from ._ftm import read_ftm
from ._sdn import read_sdn
from ._un import read_un_xml

__all__ = ["READERS", "read_csl", "read_ftm", "read_sdn", "read_un_xml", "sniff_format"]

#: The reader of each format :func:`sniff_format` recognises.
READERS: dict[str, Callable[[Path], pd.DataFrame]] = {
    "un": read_un_xml,
    "csl": read_csl,
    "sdn": read_sdn,
    "ftm": read_ftm,
}


def sniff_format(path: Path) -> str | None:
    """Which reader of :data:`READERS` a watchlist file needs, or None for none of them.

    ``.xml`` is the UN list; a CSV whose header has ``source`` and ``alt_names`` is the CSL;
    a headerless CSV starting with an entry number and holding ``-0-`` is the SDN list; a file
    whose first line is a JSON object with ``"schema"`` is OpenSanctions FollowTheMoney.

    Examples
    --------
    >>> from kvanalytics.config import PACKAGE_DATA
    >>> sniff_format(PACKAGE_DATA / "watchlists" / "example-institutions.csv") is None
    True
    """
    _check_file(path)
    if path.suffix.lower() == ".xml":
        return "un"
    with path.open(encoding="utf-8-sig", errors="replace") as f:
        head = f.readline()
    if head.lstrip().startswith("{") and '"schema"' in head:
        return "ftm"
    cols = [c.strip().strip('"') for c in head.split(",")]
    if "source" in cols and "alt_names" in cols:
        return "csl"
    if cols and cols[0].isdigit() and "-0-" in head:
        return "sdn"
    return None
