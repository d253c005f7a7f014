"""How good the matching is: counts of decisions and methods, precision and recall against
known answers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..errors import SchemaError
from ._match import _METHOD_RANK, DECISIONS, METHODS

__all__ = ["match_summary", "matching_accuracy"]


def match_summary(result: pd.DataFrame) -> pd.DataFrame:
    """Count match results by decision and method, with each count's share of all inputs.

    Parameters
    ----------
    result : pandas.DataFrame
        The output of :func:`match_institutions`.

    Returns
    -------
    pandas.DataFrame
        Columns ``decision``, ``method`` (NA where nothing was found), ``count``, ``share``;
        decisions in the order match, review, no_match.

    Examples
    --------
    >>> res = pd.DataFrame({"decision": ["match", "review", "match"],
    ...                     "method": ["exact alias", "fuzzy", "exact alias"]})
    >>> match_summary(res)[["decision", "method", "count"]].to_dict("records")[0]
    {'decision': 'match', 'method': 'exact alias', 'count': 2}
    """
    missing = [c for c in ("decision", "method") if c not in result.columns]
    if missing:
        raise SchemaError(
            f"result lacks column(s) {missing}; pass the output of match_institutions."
        )
    counts = (
        result[["decision", "method"]]
        .astype("string")
        .value_counts(dropna=False)
        .rename("count")
        .reset_index()
    )
    order = {d: i for i, d in enumerate(DECISIONS)}
    counts = counts.assign(
        _d=counts["decision"].map(order).astype("Float64").fillna(len(order)),
        _m=counts["method"].map(_METHOD_RANK).astype("Float64").fillna(len(METHODS)),
    ).sort_values(["_d", "_m"], kind="stable")
    total = max(len(result), 1)
    counts = counts.assign(count=counts["count"].astype(np.int64))
    counts["share"] = counts["count"] / total
    return counts[["decision", "method", "count", "share"]].reset_index(drop=True)


def matching_accuracy(result: pd.DataFrame, truth: Sequence[Any] | pd.Series) -> dict[str, float]:
    """Precision and recall of the ``match`` decisions against known answers.

    Parameters
    ----------
    result : pandas.DataFrame
        The output of :func:`match_institutions` (its ``key`` and ``decision`` columns).
    truth : sequence
        Per input, the reference keys that are right (a collection; empty or NA when the input
        names no organisation of the reference). A match is correct when its key is among them.

    Returns
    -------
    dict
        ``precision`` (correct matches / matches), ``recall`` (correct matches / inputs with a
        right key in the reference), ``matches``, ``correct``, ``answerable``, ``review``.

    Examples
    --------
    >>> res = pd.DataFrame({"key": ["a", pd.NA, "c"], "decision": ["match", "review", "match"]})
    >>> matching_accuracy(res, [["a"], ["b"], []])["precision"]
    0.5
    """
    sets = [_as_set(t) for t in (truth.tolist() if isinstance(truth, pd.Series) else truth)]
    if len(sets) != len(result):
        raise ValueError(f"truth has {len(sets)} entries for {len(result)} results; align them.")
    matched = (result["decision"] == "match").fillna(False).to_numpy()
    keys = result["key"].astype("string").to_numpy(dtype=object)
    correct = sum(
        1
        for m, k, t in zip(matched, keys, sets, strict=True)
        if m and isinstance(k, str) and k in t
    )
    answerable = sum(1 for t in sets if t)
    n_match = int(matched.sum())
    return {
        "precision": correct / n_match if n_match else float("nan"),
        "recall": correct / answerable if answerable else float("nan"),
        "matches": float(n_match),
        "correct": float(correct),
        "answerable": float(answerable),
        "review": float((result["decision"] == "review").fillna(False).sum()),
    }


def _as_set(value: Any) -> frozenset[str]:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return frozenset()
    if isinstance(value, str):
        return frozenset([value]) if value else frozenset()
    if isinstance(value, Mapping):
        return frozenset(str(k) for k in value)
    return frozenset(str(v) for v in value)
