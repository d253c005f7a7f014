"""Bundled scenarios (package data): :func:`load_scenario`, :func:`list_scenarios`, and
:func:`make_scenario` to build one from plain values."""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from .. import config
from ..errors import UnknownNameError
from ._spec import Scenario

#: Bundled scenarios (package data), one YAML file per scenario, named by file stem.
SCENARIO_DIR = config.PACKAGE_DATA / "scenarios"
#: Former names of bundled scenarios -> the current name (they load it with a warning).
ALIASES = {"no-2024-risk-based": "no-2023-risk-based"}


def _bundled() -> dict[str, Path]:
    return {p.stem: p for p in sorted(SCENARIO_DIR.glob("*.yaml"))}


def load_scenario(name_or_path: str | Path) -> Scenario:
    """Load a bundled scenario by name (``"nl-2022-freeze"``) or a YAML file by path.

    Parameters
    ----------
    name_or_path : str or Path
        A name from :func:`list_scenarios`, or a path to a ``.yaml`` file.

    Returns
    -------
    Scenario

    Warns
    -----
    DeprecationWarning
        For a former name (:data:`ALIASES`, e.g. ``"no-2024-risk-based"``); its scenario loads.

    Raises
    ------
    UnknownNameError
        Neither a bundled name nor an existing file (the message lists the bundled names).
    ScenarioError
        The file is invalid.

    Examples
    --------
    >>> load_scenario("be-2022-rur-signatories").effective
    datetime.date(2022, 3, 10)
    """
    if isinstance(name_or_path, Scenario):
        return name_or_path
    bundled = _bundled()
    key = str(name_or_path)
    if key in ALIASES:
        warnings.warn(
            f"scenario {key!r} is now {ALIASES[key]!r} (the guidelines were published on "
            f"14 August 2023); load it by that name, the old one goes in a later release.",
            DeprecationWarning,
            stacklevel=2,
        )
        key = ALIASES[key]
    if key in bundled:
        return Scenario.from_yaml(bundled[key])
    path = Path(name_or_path)
    if path.suffix.lower() in (".yaml", ".yml") or path.exists():
        return Scenario.from_yaml(path)
    raise UnknownNameError(
        f"{key!r} is not a bundled scenario ({', '.join(bundled)}) nor a YAML file path."
    )


def list_scenarios() -> pd.DataFrame:
    """The bundled scenarios: ``name, description, source, effective``.

    Examples
    --------
    >>> "nl-2022-freeze" in set(list_scenarios()["name"])
    True
    """
    rows = []
    for p in _bundled().values():
        s = Scenario.from_yaml(p)
        rows.append(
            {
                "name": s.name,
                "description": s.description,
                "source": s.source,
                "effective": pd.Timestamp(s.effective),
            }
        )
    return pd.DataFrame(rows, columns=["name", "description", "source", "effective"])


def make_scenario(
    name: str = "what-if",
    *,
    effective: dt.date | str,
    countries: Iterable[str] = (),
    watchlists: Iterable[str | tuple[str, float] | Mapping[str, Any]] = (),
    risk_profile: str | Sequence[Mapping[str, Any]] | None = None,
    min_tier: int = 2,
    fields: Iterable[str] = (),
    fields_mode: str = "union",
    partner_types: Iterable[str] = (),
    measures: Iterable[str] | Mapping[str, Any] = ("freeze_institutional",),
    exemptions: Iterable[str] | Mapping[str, Any] = (),
    assumptions: Mapping[str, Any] | None = None,
    description: str = "",
    source: str = "what-if",
) -> Scenario:
    """Build (and validate) a scenario from plain values, e.g. from notebook widgets.

    Parameters
    ----------
    name, description, source : str
        Labels.
    effective : date or ISO str
        Effective date.
    countries, fields : iterable of str
        ISO2 codes; field tags.
    watchlists : iterable
        Names, ``(name, min_score)`` pairs or ``{name, min_score}`` mappings.
    risk_profile : str or list of mappings, optional
        Profile name (targets tier >= ``min_tier``), or a list of lenses as in YAML
        (``[{name, min_tier, lens, supplied_by_user}, ...]``, combined by the highest tier).
    fields_mode : {"union", "intersect"}
    partner_types : iterable of str
        Keep only partners of these types (education, research, ...); unknown type: a range.
    measures, exemptions : iterable of names, or mapping as in YAML
    assumptions : mapping, optional
        As in YAML; tuples are accepted for ranges.

    Returns
    -------
    Scenario

    Examples
    --------
    >>> make_scenario(effective="2025-01-01", countries=["IR"]).measures.on()
    {'freeze_institutional': Scope(fields=(), min_tier=None, countries=())}
    """
    targets: dict[str, Any] = {"fields_mode": fields_mode}
    if countries:
        targets["countries"] = list(countries)
    wl: list[dict[str, Any]] = []
    for w in watchlists:
        if isinstance(w, str):
            wl.append({"name": w})
        elif isinstance(w, Mapping):
            wl.append(dict(w))
        else:
            wl.append({"name": w[0], "min_score": w[1]})
    if wl:
        targets["watchlists"] = wl
    if isinstance(risk_profile, str) and risk_profile:
        targets["risk_profile"] = {"name": risk_profile, "min_tier": min_tier}
    elif risk_profile:  # several lenses, as a YAML file gives them
        targets["risk_profile"] = [dict(lens) for lens in risk_profile]
    if fields:
        targets["fields"] = list(fields)
    if partner_types:
        targets["partner_types"] = list(partner_types)
    m = dict(measures) if isinstance(measures, Mapping) else {k: True for k in measures}
    e = dict(exemptions) if isinstance(exemptions, Mapping) else {k: True for k in exemptions}
    a = {k: list(v) if isinstance(v, tuple) else v for k, v in (assumptions or {}).items()}
    return Scenario.from_dict(
        {
            "name": name,
            "description": description,
            "source": source,
            "effective": effective,
            "targets": targets,
            "measures": m,
            "exemptions": e,
            "assumptions": a,
        },
        origin=f"make_scenario({name!r})",
    )
