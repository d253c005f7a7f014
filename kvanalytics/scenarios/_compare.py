"""Scenarios side by side: :func:`compare`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:  # only for the annotation: _impact imports the publishing code that uses us
    from ._impact import Impact


def compare(impacts: Sequence[Impact]) -> pd.DataFrame:
    """Scenarios side by side, tidy: ``scenario, metric, unit, low, central, high``.

    Scenario names are made unique (``name (2)``) so the frame has one row per
    scenario × metric.

    Examples
    --------
    >>> compare([impact_nl, impact_be]).pivot(index="metric", columns="scenario",
    ...                                      values="central")  # doctest: +SKIP
    """
    frames = []
    seen: dict[str, int] = {}
    for imp in impacts:
        name = imp.scenario.name
        seen[name] = seen.get(name, 0) + 1
        label = name if seen[name] == 1 else f"{name} ({seen[name]})"
        s = imp.summary
        frames.append(
            pd.DataFrame(
                {
                    "scenario": pd.Series([label] * len(s), dtype="string"),
                    "metric": s["metric"].astype("string").to_numpy(),
                    "unit": s["unit"].astype("string").to_numpy(),
                    "low": s["low"].to_numpy(),
                    "central": s["central"].to_numpy(),
                    "high": s["high"].to_numpy(),
                }
            )
        )
    if not frames:
        return pd.DataFrame(columns=["scenario", "metric", "unit", "low", "central", "high"])
    out = pd.concat(frames, ignore_index=True)
    for c in ("low", "central", "high"):
        out[c] = out[c].astype("Float64")
    return out
