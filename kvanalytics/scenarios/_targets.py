"""Which ties a scenario targets: partnerships prepared for the model, tag masks, country,
risk-tier, watchlist and field targets, and the scope masks of measures.

The shared rules are called, never rewritten: risk tiers come from
:func:`kvanalytics.reference.risk_tiers`, and whether a partner is on a watchlist from
:func:`kvanalytics.screening.match_watchlist`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..errors import SchemaError
from ..reference import load_watchlist, risk_tiers
from ..screening import match_watchlist
from ._spec import RiskTarget, Scope, Targets, WatchlistTarget

#: Columns impact needs; the others of the canonical table are NA when absent.
_REQUIRED_PARTNERSHIPS = ("agreement_id", "partner", "country", "faculty", "start")


def _str(s: pd.Series) -> pd.Series:
    return s if isinstance(s.dtype, pd.StringDtype) else s.astype("string")


def _prepare_partnerships(df: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in _REQUIRED_PARTNERSHIPS if c not in df.columns]
    if missing:
        raise SchemaError(
            f"partnerships: missing column(s) {', '.join(missing)}; "
            "build the table with kvanalytics.read_partnerships()."
        )
    n = len(df)
    idx = df.index

    def col(name: str, dtype: Any) -> pd.Series:
        if name in df.columns:
            return df[name] if df[name].dtype == dtype else df[name].astype(dtype)
        return pd.Series(pd.array([pd.NA] * n, dtype=dtype), index=idx)

    out = pd.DataFrame(
        {
            "agreement_id": _str(df["agreement_id"]),
            "partner": _str(df["partner"]),
            "partner_key": _str(df["partner_key"])
            if "partner_key" in df.columns
            else col("partner_key", "string"),
            "country": _str(df["country"]),
            "faculty": _str(df["faculty"]),
            # categorical (canonical) or text: compared with ==, never converted
            "kind": df["kind"] if "kind" in df.columns else col("kind", "string"),
            "level": df["level"] if "level" in df.columns else col("level", "string"),
            "status": df["status"] if "status" in df.columns else col("status", "string"),
            "start": pd.to_datetime(df["start"]),
            "end": (
                pd.to_datetime(df["end"])
                if "end" in df.columns
                else pd.Series(pd.NaT, index=idx, dtype="datetime64[us]")
            ),
            "value_eur": col("value_eur", "Float64"),
            "financial_flows": col("financial_flows", "boolean"),
            "data_exchange": col("data_exchange", "boolean"),
            "fields": _str(df["fields"]) if "fields" in df.columns else col("fields", "string"),
        },
        index=idx,
    )
    return out.reset_index(drop=True)


def _tag_mask(fields: pd.Series, tags: Sequence[str]) -> np.ndarray:
    if not tags:
        return np.zeros(len(fields), bool)
    alt = "|".join(re.escape(t) for t in tags)
    pat = rf"(?:^|;)\s*(?:{alt})\s*(?:;|$)"
    return fields.str.lower().str.contains(pat, regex=True).fillna(False).to_numpy(bool)


def _empty_labels(n: int) -> pd.Series:
    return pd.Series([""] * n, dtype="string")


def _join(parts: Sequence[pd.Series], n: int, sep: str = "; ") -> pd.Series:
    """Join label columns ("" = none) with ``sep``: each distinct combination is built once."""
    if not parts or n == 0:
        return _empty_labels(n)
    codes, uniques = [], []
    for part in parts:
        c, u = pd.factorize(pd.Series(part).to_numpy(dtype=object, na_value=""))
        codes.append(c)
        uniques.append(np.asarray(u, dtype=object))
    combos, inv = np.unique(np.stack(codes, axis=1), axis=0, return_inverse=True)
    texts = np.array(
        [sep.join(x for x in (uniques[j][c] for j, c in enumerate(row)) if x) for row in combos],
        dtype=object,
    )
    return pd.Series(texts[inv.reshape(-1)], dtype="string")


def _risk_tiers(risk_profile: Any, target: RiskTarget | None, at: Any = None) -> pd.Series | None:
    """Tier per partner country (float) of the profile(s) in use at ``at``; None without one.

    ``risk_profile`` (a frame with ``country, tier``, a profile name or path, or a list/mapping
    of them: several lenses) replaces the target's profile; the target's ``name`` may be one
    profile name or a list of names (lenses), and a spec may also give them as ``names``. The
    tiers follow :func:`kvanalytics.reference.risk_tiers`, the one rule for every caller: a
    country listed twice in a lens is an error, a country not listed has no tier, several
    lenses combine by the highest tier, and a dated profile gives its edition in force at
    ``at`` (the scenario's effective date).
    """
    given = risk_profile
    if given is None and target is not None:
        names = getattr(target, "names", None) or target.name
        given = list(names) if isinstance(names, list | tuple) else names
    if given is None:
        return None
    tiers = risk_tiers(given, at=at)
    return tiers.set_index("country")["tier"].astype(float).sort_index()


def _watchlist_frame(
    target: WatchlistTarget, given: Mapping[str, pd.DataFrame] | None
) -> pd.DataFrame:
    """The watchlist a target names: the frame passed to ``impact``, else loaded by name/path."""
    frame = (given or {}).get(target.name)
    return load_watchlist(target.name) if frame is None else frame


def _watchlist_hits(
    target: WatchlistTarget,
    wl: pd.DataFrame,
    p: pd.DataFrame,
    d: pd.Timestamp,
    notes: list[str],
) -> tuple[np.ndarray, pd.Series]:
    """Agreements whose partner is on the list with score >= ``min_score``, and their labels.

    "Is this partner on that list" is decided by :func:`kvanalytics.screening.match_watchlist`,
    the matcher :func:`~kvanalytics.screening.screen` uses too, so a scenario and a screening
    never disagree about a partner. Designations listed after ``d`` are left out (with a note);
    an identifier hit wins over a name hit.
    """
    n = len(p)
    e = wl.rename(columns={"key": "entry_id"}) if "entry_id" not in wl.columns else wl
    e = e.assign(
        list=e["list"] if "list" in e.columns else target.name,
        kind=e["kind"] if "kind" in e.columns else pd.Series(pd.NA, index=e.index, dtype="string"),
    )
    if n == 0 or e.empty:
        return np.zeros(n, bool), _empty_labels(n)
    min_score = max(min(float(target.min_score), 100.0), 0.0)
    hits = match_watchlist(
        p[["partner", "country", "partner_key"]], e, review_cutoff=min(80.0, min_score), as_of=d
    )
    late = (hits["kind"] == "designation").fillna(False) & hits["listed_after_as_of"].fillna(False)
    if late.any():
        notes.append(
            f"watchlist {target.name}: {int(late.sum())} designation hit(s) listed after "
            f"{d.date()} ignored."
        )
    hits = hits[~late & (hits["score"] >= min_score).fillna(False)]
    return _hit_labels(target, hits, p)


def _hit_labels(
    target: WatchlistTarget, hits: pd.DataFrame, p: pd.DataFrame
) -> tuple[np.ndarray, pd.Series]:
    """The best hit of each partner x country (identifier first, then score) as a label."""
    hits = hits.assign(_by_name=hits["method"] != "identifier").sort_values(
        ["partner", "country", "_by_name", "score", "entry_id"],
        ascending=[True, True, True, False, True],
        kind="stable",
    )
    best = hits.drop_duplicates(["partner", "country"])
    how = np.where(
        best["method"] == "identifier",
        " (identifier)",
        " (score "
        + best["score"].round().astype("Int64").astype("string")
        + np.where(best["decision"] == "review", ", review", "")
        + ")",
    )
    text: pd.Series = f"watchlist:{target.name}:" + best["entry_id"].astype("string") + how
    key = best["partner"].astype("string") + "\x1f" + best["country"].astype("string").fillna("")
    lookup = pd.Series(text.to_numpy(dtype=object), index=key.to_numpy(dtype=object))
    partner_key = p["partner"].astype("string") + "\x1f" + p["country"].astype("string").fillna("")
    lab = partner_key.map(lookup).astype("string")
    return lab.notna().to_numpy(bool), lab.fillna("").reset_index(drop=True)


def _scope_mask(scope: Scope, p: pd.DataFrame, tier: np.ndarray) -> np.ndarray:
    m = np.ones(len(p), bool)
    if scope.fields:
        m &= _tag_mask(p["fields"], scope.fields)
    if scope.min_tier is not None:
        m &= np.nan_to_num(tier, nan=-1) >= scope.min_tier
    if scope.countries:
        m &= p["country"].isin(scope.countries).to_numpy(bool)
    return m


@dataclass(frozen=True)
class _Targeting:
    """Which agreements the scenario's targets hit, and why."""

    targeted: np.ndarray  # bool per agreement
    labels: list[pd.Series]  # per target: what hit each agreement ("" = not hit)
    tier: np.ndarray  # tier of the partner country (NaN = none, or no profile)
    tier_by_country: pd.Series  # country -> tier (empty without a profile)
    has_risk: bool  # a risk profile is in use


def _target(
    t: Targets,
    p: pd.DataFrame,
    d: pd.Timestamp,
    watchlists: Mapping[str, pd.DataFrame] | None,
    risk_profile: pd.DataFrame | str | None,
    notes: list[str],
) -> _Targeting:
    """Countries, risk tiers and watchlists unioned; fields unioned or intersected with them."""
    n = len(p)
    tiers = _risk_tiers(risk_profile, t.risk_profile, d)
    tier = np.full(n, np.nan)
    tier_by_country = pd.Series(dtype=float) if tiers is None else tiers
    if tiers is not None:
        tier = p["country"].map(tier_by_country).astype(float).to_numpy()
    labels: list[pd.Series] = []
    base = np.zeros(n, bool)
    if t.countries:
        hit = p["country"].isin(t.countries).to_numpy(bool)
        base |= hit
        labels.append(("country:" + p["country"]).where(hit, ""))
    if t.risk_profile is not None:
        hit = np.nan_to_num(tier, nan=-1) >= t.risk_profile.min_tier
        base |= hit
        name = risk_profile if isinstance(risk_profile, str) else t.risk_profile.name
        tier_txt = pd.Series(np.nan_to_num(tier, nan=0).astype(int)).astype("string")
        labels.append((f"risk:{name} tier " + tier_txt).where(hit, ""))
        unknown = p.loc[np.isnan(tier), "country"].dropna().unique()
        if len(unknown):
            notes.append(
                f"risk profile {name}: no tier for partner countries {', '.join(sorted(unknown))} "
                "(not targeted by the risk target)."
            )
    for wt in t.watchlists:
        hit, lab = _watchlist_hits(wt, _watchlist_frame(wt, watchlists), p, d, notes)
        base |= hit
        labels.append(lab)
    field_hit = np.zeros(n, bool)
    for tag in t.fields:
        hit = _tag_mask(p["fields"], [tag])
        field_hit |= hit
        labels.append(pd.Series(np.where(hit, f"field:{tag}", ""), dtype="string"))
    targeted = base & field_hit if t.fields_mode == "intersect" else base | field_hit
    return _Targeting(targeted, labels, tier, tier_by_country, tiers is not None)
