"""Headcounts in force at the effective date, as arrays for the impact model.

Which headcounts are in force is decided in one place, :func:`kvanalytics.people.headcounts_in_force`
(period reference dates, basis choice, nothing in force before the first period); this module
only turns its rows into the arrays the model's people terms work on.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from ..people import headcounts_in_force


def _headcounts_in_force(
    h: pd.DataFrame,
    d: pd.Timestamp,
    notes: list[str],
    groups: Iterable[str],
    countries: Iterable[str],
    unavailable: set[str] | None = None,
) -> dict[str, np.ndarray]:
    """Headcounts per faculty × group × country in force at ``d`` (sum; NaN if any NA).

    The rows come from :func:`kvanalytics.people.headcounts_in_force`; its notes (for example
    "nothing in force before the first period") are appended to ``notes``, and the groups
    asked that have no period in force at ``d`` are added to ``unavailable``.
    """
    t = headcounts_in_force(
        h, d, groups=set(groups), countries=set(countries), fill_unavailable=True
    )
    notes.extend(t.attrs["notes"])
    if unavailable is not None:
        unavailable.update(t.attrs.get("unavailable", ()))
    unknown = t["headcount_unknown"].fillna(1).to_numpy(np.int64) > 0
    total = t["headcount"].to_numpy(np.float64, na_value=np.nan)
    return {
        "faculty": t["faculty"].to_numpy(dtype=object, na_value=None),  # type: ignore[call-overload]
        "group": t["group"].to_numpy(object),
        "country": t["country"].to_numpy(object),
        "headcount": np.where(unknown, np.nan, total),
        "basis_used": t["basis"].to_numpy(dtype=object, na_value=pd.NA),  # type: ignore[call-overload]
    }
