"""Which ties a scenario targets: partnerships prepared for the model, tag masks, country,
risk-tier, watchlist and field targets, and the scope masks of measures.

Two rules here have one future home elsewhere and are each written in one function, so that
each can be swapped for the shared rule with a one-line change:

- :func:`_match_partner_names` (is this partner on that list) -> the matcher of
  ``kvanalytics.screening``.

(Headcounts in force, the third, live in :mod:`._headcounts`, -> ``kvanalytics.people``.)
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..errors import SchemaError
from ..institutions import match_institutions
from ..reference import load_watchlist, risk_tiers
from ._spec import RiskTarget, Scope, Targets, WatchlistTarget


def _str(s: pd.Series) -> pd.Series:
    return s if isinstance(s.dtype, pd.StringDtype) else s.astype("string")


def _prepare_partnerships(df: pd.DataFrame) -> pd.DataFrame:
    required = ("agreement_id", "partner", "country", "faculty", "start")
    missing = [c for c in required if c not in df.columns]
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


def _risk_tiers(
    risk_profile: pd.DataFrame | str | None, target: RiskTarget | None
) -> pd.Series | None:
    """Tier per partner country (float) of the profile in use; None without a profile.

    ``risk_profile`` (a frame with ``country, tier``, a profile name or path) replaces the
    target's profile. The tiers follow :func:`kvanalytics.reference.risk_tiers`, the one rule
    for every caller: a country listed twice is an error, a country not listed has no tier.
    """
    given = risk_profile if risk_profile is not None else (target.name if target else None)
    if given is None:
        return None
    tiers = risk_tiers(given)
    return tiers.set_index("country")["tier"].astype(float).sort_index()


def _watchlist_frame(
    target: WatchlistTarget, given: Mapping[str, pd.DataFrame] | None
) -> pd.DataFrame:
    """The watchlist a target names: the frame passed to ``impact``, else loaded by name/path."""
    frame = (given or {}).get(target.name)
    return load_watchlist(target.name) if frame is None else frame


def _entries_in_force(
    target: WatchlistTarget, wl: pd.DataFrame, d: pd.Timestamp, notes: list[str]
) -> pd.DataFrame:
    """The list's entries at ``d``: designations listed after ``d`` are left out (with a note)."""
    if "kind" not in wl.columns or "listed_on" not in wl.columns:
        return wl
    listed = pd.to_datetime(wl["listed_on"], errors="coerce")
    late = (wl["kind"].astype("string") == "designation").fillna(False) & (listed > d).fillna(False)
    if not late.any():
        return wl
    notes.append(
        f"watchlist {target.name}: {int(late.sum())} designation name(s) listed after "
        f"{d.date()} ignored."
    )
    return wl.loc[~late.to_numpy()]


def _reference_names(entries: pd.DataFrame, key_col: str) -> pd.DataFrame:
    """``key, name[, country]`` of the entries, canonical names before aliases, no NA key/name."""
    ref = pd.DataFrame(
        {
            "key": _str(entries[key_col]),
            "name": _str(entries["name"]),
            **({"country": _str(entries["country"])} if "country" in entries.columns else {}),
        }
    )
    if "is_alias" in entries.columns:  # the first row of a key gives its canonical name
        order = np.argsort(entries["is_alias"].fillna(True).to_numpy(bool), kind="stable")
        ref = ref.iloc[order].reset_index(drop=True)
    return ref.dropna(subset=["key", "name"])


def _match_partner_names(
    target: WatchlistTarget, ref: pd.DataFrame, p: pd.DataFrame
) -> tuple[np.ndarray, pd.Series]:
    """Partners (by name and country) on the list with a score >= ``min_score``, and labels.

    Each distinct partner × country is matched once. (Swap point: this is the matching that the
    public matcher of ``kvanalytics.screening`` replaces.)
    """
    combo = p["partner"].fillna("") + "\x1f" + p["country"].fillna("")
    codes, uniques = pd.factorize(combo)
    parts = pd.Series(uniques, dtype="string").str.split("\x1f", n=1, expand=True)
    names = parts[0].where(parts[0] != "")
    countries = parts[1].where(parts[1] != "") if 1 in parts.columns else None
    res = match_institutions(
        names,
        ref,
        country=countries,
        score_cutoff=max(target.min_score, 0.0),
        review_cutoff=max(min(target.min_score, 100.0), 0.0),
    )
    canonical = ref.drop_duplicates("key").set_index("name")["key"]
    keys = res["key"].astype("string").fillna(res["name"].astype("string").map(canonical))
    keys = keys.fillna(res["name"].astype("string"))
    u_score = pd.to_numeric(res["score"], errors="coerce").to_numpy(float)
    u_hit = (u_score >= target.min_score) & res["decision"].isin(["match", "review"]).to_numpy(bool)
    u_label = (
        f"watchlist:{target.name}:"
        + keys
        + " (score "
        + pd.Series(np.round(np.nan_to_num(u_score)).astype(int)).astype("string")
        + pd.Series(np.where(res["decision"].to_numpy() == "review", ", review", "")).astype(
            "string"
        )
        + ")"
    )
    return u_hit[codes], pd.Series(u_label.to_numpy(dtype=object)[codes], dtype="string")


def _identifier_keys(entries: pd.DataFrame, key_col: str) -> pd.Series:
    """Identifier (ROR id...) -> entry key, from the ``;``-separated ``identifiers`` column."""
    return (
        pd.DataFrame({"key": _str(entries[key_col]), "id": _str(entries["identifiers"])})
        .assign(id=lambda f: f["id"].str.split(";"))
        .explode("id")
        .assign(id=lambda f: f["id"].str.strip())
        .dropna()
        .drop_duplicates("id")
        .set_index("id")["key"]
    )


def _watchlist_hits(
    target: WatchlistTarget,
    wl: pd.DataFrame,
    p: pd.DataFrame,
    d: pd.Timestamp,
    notes: list[str],
) -> tuple[np.ndarray, pd.Series]:
    """Agreements whose partner is on the list with score >= min_score, and their labels."""
    n = len(p)
    entries = _entries_in_force(target, wl, d, notes)
    key_col = "entry_id" if "entry_id" in entries.columns else "key"
    ref = _reference_names(entries, key_col)
    if ref.empty or n == 0:
        return np.zeros(n, bool), _empty_labels(n)
    hit, lab = _match_partner_names(target, ref, p)
    # Identifiers (ROR ids...) in partner_key settle a hit whatever the name says.
    if "identifiers" in entries.columns and p["partner_key"].notna().any():
        by_id = p["partner_key"].map(_identifier_keys(entries, key_col))
        id_hit = by_id.notna().to_numpy(bool) & ~hit
        hit = hit | id_hit
        lab = lab.where(
            ~id_hit, f"watchlist:{target.name}:" + by_id.astype("string") + " (identifier)"
        )
    return hit, lab.where(hit, "")


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
    tiers = _risk_tiers(risk_profile, t.risk_profile)
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
