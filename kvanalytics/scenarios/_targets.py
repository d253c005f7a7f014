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
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from .. import config
from ..errors import ReferenceDataError, SchemaError
from ..normalise import normalise_names
from ..reference import load_watchlist, risk_tiers
from ..screening import match_watchlist
from ._spec import RiskTarget, Scenario, Scope, Targets, WatchlistTarget

#: A risk profile given to :func:`impact`: one (frame, name or path) replacing the scenario's,
#: or a mapping lens name -> profile supplying (or replacing) lenses by name.
RiskProfileArg = pd.DataFrame | str | Mapping[str, pd.DataFrame | str] | None
_TAG_SPLIT = re.compile(r"\s*;\s*")
_TAG_JUNK = re.compile(r"[\W_]+")

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
            "partner_type": (
                df["partner_type"].astype("string")
                if "partner_type" in df.columns
                else col("partner_type", "string")
            ),
        },
        index=idx,
    )
    out["fields_match"] = _fields_with_codes(out["fields"])
    return out.reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# Field tags and the controlled vocabulary
# --------------------------------------------------------------------------------------------
def _tag_key(tag: str) -> str:
    """A free-text field tag as a key: lower case, runs of other characters as one ``_``."""
    return _TAG_JUNK.sub("_", tag.strip().lower()).strip("_")


@lru_cache(maxsize=1)
def _field_vocabulary() -> tuple[frozenset[str], dict[str, tuple[str, ...]]]:
    """The controlled field vocabulary (``critical_technologies.csv``: the EU critical
    technology areas of C(2023) 6689 and the dual-use Annex I categories) and its synonyms
    (``field_tags.csv``: tag -> codes; a code is its own synonym)."""
    vocab = pd.read_csv(
        config.PACKAGE_DATA / "critical_technologies.csv", dtype=str, keep_default_na=False
    )
    tags = pd.read_csv(config.PACKAGE_DATA / "field_tags.csv", dtype=str, keep_default_na=False)
    codes = frozenset(vocab["code"])
    bad = sorted(set(tags["code"]) - codes)
    if bad:
        raise ReferenceDataError(
            f"field_tags.csv: code(s) {', '.join(bad)} not in critical_technologies.csv; "
            "add them there or fix the synonym rows."
        )
    syn: dict[str, list[str]] = {c: [c] for c in sorted(codes)}
    for tag, code in zip(tags["tag"], tags["code"], strict=True):
        syn.setdefault(_tag_key(tag), [])
        if code not in syn[_tag_key(tag)]:
            syn[_tag_key(tag)].append(code)
    return codes, {k: tuple(v) for k, v in syn.items()}


def _split_tags(text: Any) -> list[str]:
    if text is None or text is pd.NA or (isinstance(text, float) and np.isnan(text)):
        return []
    return [k for k in (_tag_key(t) for t in _TAG_SPLIT.split(str(text))) if k]


def _fields_with_codes(fields: pd.Series) -> pd.Series:
    """Each tie's tags (as keys) plus the vocabulary codes they map to, ``;``-joined.

    Additive: a tag is kept as written (so scenarios naming free tags still match) and its
    codes are added; each distinct field text is mapped once.
    """
    _, syn = _field_vocabulary()
    codes, uniq = pd.factorize(fields, use_na_sentinel=True)
    texts = []
    for u in uniq:  # distinct field texts, not ties
        tags = _split_tags(u)
        mapped = [c for t in tags for c in syn.get(t, ())]
        texts.append(";".join(dict.fromkeys(tags + mapped)))
    arr = np.array([*texts, pd.NA], dtype=object)
    return pd.Series(arr[codes], dtype="string")


def _unmapped_tags(fields: pd.Series) -> pd.Series:
    """Ties per field tag that maps onto no vocabulary code (most frequent first)."""
    _, syn = _field_vocabulary()
    counts: dict[str, int] = {}
    for text, k in fields.value_counts(dropna=True).items():  # distinct texts
        for t in dict.fromkeys(_split_tags(text)):
            if t not in syn:
                counts[t] = counts.get(t, 0) + int(k)
    out = pd.Series(counts, dtype="int64")
    return out.sort_index().sort_values(ascending=False, kind="stable")


def _vocabulary_notes(scenario: Scenario, p: pd.DataFrame, notes: list[str]) -> None:
    """When a scenario's fields are all vocabulary codes: which data tags map onto none.

    (A scenario naming free tags, such as the what-ifs, matches tags as written: no note.)
    """
    codes, _ = _field_vocabulary()
    named = set(scenario.targets.fields)
    for scope in scenario.measures.on().values():
        named |= set(scope.fields)
    if not named or not named <= codes:
        return
    unmapped = _unmapped_tags(p["fields"])
    if unmapped.empty:
        notes.append("field tags: every tag in the data maps onto the field vocabulary.")
        return
    shown = ", ".join(f"{t} ({k})" for t, k in unmapped.items())
    notes.append(
        f"field tags: {len(unmapped)} tag(s) of the data map onto no code of the field "
        f"vocabulary (critical_technologies.csv via field_tags.csv) and count as not sensitive: "
        f"{shown} (ties per tag); add a synonym row to field_tags.csv if one is sensitive."
    )


# --------------------------------------------------------------------------------------------
# Partner types: from the data, else the stated name rule
# --------------------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _name_rule() -> tuple[tuple[str, str], ...]:
    """(canonical org-type token, partner type) in file order (``knowledge_institution_words``)."""
    t = pd.read_csv(
        config.PACKAGE_DATA / "knowledge_institution_words.csv", dtype=str, keep_default_na=False
    )
    return tuple(zip(t["canonical"], t["partner_type"], strict=True))


def _partner_types(p: pd.DataFrame, rows: np.ndarray | None = None) -> tuple[pd.Series, pd.Series]:
    """Partner type of each tie and where it comes from (``data``, ``name rule``, NA).

    The data's ``partner_type`` (export, Horizon organisation type, ROR type as ingested) wins;
    where it is NA the name rule reads the canonical organisation-type tokens of
    :func:`kvanalytics.normalise.normalise_names` (first rule row whose token occurs). The rule
    runs on ``rows`` only (the ties a target reaches; others keep the data's type).
    """
    given = p["partner_type"].astype("string")
    na = given.isna().to_numpy(bool)
    if rows is not None:
        na = na & rows
    by_name = pd.Series(pd.NA, index=p.index, dtype="string")
    if na.any():
        names = normalise_names(p.loc[na, "partner"])
        rule = _name_rule()
        typed = {}
        for name in names.dropna().unique():  # distinct names
            words = set(str(name).split())
            typed[name] = next((pt for tok, pt in rule if tok in words), pd.NA)
        by_name.loc[na] = names.map(typed).astype("string")
    types = given.fillna(by_name)
    from_data = given.notna().to_numpy(bool)
    source = pd.Series(
        np.where(from_data, "data", np.where(by_name.notna().to_numpy(bool), "name rule", "")),
        dtype="string",
    ).replace("", pd.NA)
    return types.reset_index(drop=True), source


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
        m &= _tag_mask(p["fields_match"], scope.fields)
    if scope.levels:  # an unknown level passes (the unknown-level factor makes it a range)
        m &= (p["level"].isin(scope.levels) | p["level"].isna()).to_numpy(bool)
    if scope.min_tier is not None:
        m &= np.nan_to_num(tier, nan=-1) >= scope.min_tier
    if scope.countries:
        m &= p["country"].isin(scope.countries).to_numpy(bool)
    return m


@dataclass(frozen=True)
class _Targeting:
    """Which agreements the scenario's targets hit, and why."""

    targeted: np.ndarray  # bool per agreement (sure or maybe)
    labels: list[pd.Series]  # per target: what hit each agreement ("" = not hit)
    tier: np.ndarray  # tier of the partner country (NaN = none, or no profile)
    tier_by_country: pd.Series  # country -> tier (empty without a profile)
    has_risk: bool  # a risk profile is in use
    maybe: np.ndarray  # targeted, but whether a target applies is unknown: a range
    risk_countries: frozenset[str] = frozenset()  # countries a risk lens hits as a whole


@dataclass(frozen=True)
class _Lenses:
    """The risk lenses in use: combined tier per country and tie, and what each lens hit."""

    tier_by_country: pd.Series
    tier: np.ndarray
    hit: np.ndarray
    labels: list[pd.Series]
    countries: frozenset[str]
    used: bool


def _lenses(
    t: Targets, p: pd.DataFrame, d: pd.Timestamp, risk_profile: RiskProfileArg, notes: list[str]
) -> _Lenses:
    """Tiers of every lens in force at ``d``, combined by the highest tier (each lens's hit and
    label kept).

    ``risk_profile`` replaces the scenario's profile(s) (one lens, as before; a list or a
    mapping whose keys name no lens of the scenario: several combined), or, a mapping whose
    keys name lenses of the scenario, supplies those lenses. A lens ``supplied_by_user`` that
    nobody supplied adds nothing, and a note says the counts that depend on it are lower bounds.
    """
    n = len(p)
    names = {lens.name for lens in t.risk_lenses}
    supplies = isinstance(risk_profile, Mapping) and bool(names & set(risk_profile))
    given: Mapping[str, Any] = risk_profile if supplies else {}  # type: ignore[assignment]
    override = None if supplies else risk_profile
    lenses: Sequence[RiskTarget | None] = t.risk_lenses or ([None] if override is not None else [])
    if override is not None:
        lenses = lenses[:1]  # the override is the one lens (a list or mapping: combined)
    combined: list[pd.Series] = []
    sources: list[Any] = []
    hit, labels, countries = np.zeros(n, bool), [], set()
    absent: list[RiskTarget] = []
    for lens in lenses:
        source = override if override is not None else given.get(lens.name) if lens else None
        if source is None and lens is not None and lens.supplied_by_user:
            absent.append(lens)
            continue
        tiers = _risk_tiers(source, lens, d)
        if tiers is None:
            continue
        combined.append(tiers)
        sources.append(source if source is not None else lens.name if lens else None)
        if lens is None:
            continue
        tier_l = p["country"].map(tiers).astype(float).to_numpy()
        hit_l = np.nan_to_num(tier_l, nan=-1) >= lens.min_tier
        hit |= hit_l
        countries |= set(tiers.index[tiers >= lens.min_tier])
        name = source if isinstance(source, str) else lens.name
        tier_txt = pd.Series(np.nan_to_num(tier_l, nan=0).astype(int)).astype("string")
        labels.append((f"risk:{name} tier " + tier_txt).where(hit_l, ""))
        unknown = p.loc[np.isnan(tier_l), "country"].dropna().unique()
        if len(unknown):
            notes.append(
                f"risk profile {name}: no tier for partner countries {', '.join(sorted(unknown))} "
                "(not targeted by the risk target)."
            )
    # several lenses: the one combination rule (reference.combine_profiles, highest tier)
    by_country = (
        _risk_tiers(sources, None, d)
        if len(combined) > 1
        else combined[0]
        if combined
        else pd.Series(dtype=float)
    )
    assert by_country is not None
    tier = p["country"].map(by_country).astype(float).to_numpy() if combined else np.full(n, np.nan)
    for lens in absent:
        _absent_lens_note(lens, p, hit, notes)
    return _Lenses(by_country, tier, hit, labels, frozenset(countries), bool(combined))


def _absent_lens_note(lens: RiskTarget, p: pd.DataFrame, hit: np.ndarray, notes: list[str]) -> None:
    """How the range behaves without a user-supplied lens: a lower bound, and by how much."""
    rest = p.loc[~hit, "country"].dropna()
    notes.append(
        f"risk lens {lens.lens or lens.name!r} ({lens.name}): no profile given and none is "
        f"bundled, so it adds nothing here and every count that depends on it is a lower bound; "
        f"a country it tiers >= {lens.min_tier} would add its ties: at most {len(rest):,} more "
        f"ties with {rest.nunique():,} partner countries that no other lens reaches. Pass "
        f"impact(..., risk_profile={{{lens.name!r}: <profile frame or path>}})."
    )


def _list_complete(target: WatchlistTarget, wl: pd.DataFrame) -> bool:
    """Is the list complete? The scenario's ``complete`` wins; else the list's own flag (frame
    ``attrs["complete"]``, its index entry, or a ``complete`` column); else a list with an
    ``if_partial`` population is partial and any other complete."""
    if target.complete is not None:
        return target.complete
    meta = wl.attrs.get("watchlists", {}).get(target.name, {})
    flag = wl.attrs.get("complete", meta.get("complete") if isinstance(meta, dict) else None)
    if flag is None and "complete" in wl.columns and len(wl):
        flag = bool(wl["complete"].astype(str).str.lower().isin(["true", "1", "yes"]).all())
    if isinstance(flag, str):
        flag = flag.strip().lower() in ("true", "1", "yes")
    if flag is None or pd.isna(flag):
        return not target.has_partial_scope
    return bool(flag)


def _partial_list(
    target: WatchlistTarget,
    wl: pd.DataFrame,
    p: pd.DataFrame,
    hit: np.ndarray,
    types: pd.Series,
    notes: list[str],
) -> tuple[np.ndarray, pd.Series]:
    """Ties a partial list leaves unknown: in its ``if_partial`` population and not hit."""
    n = len(p)
    if not target.has_partial_scope or _list_complete(target, wl):
        return np.zeros(n, bool), _empty_labels(n)
    scope = np.ones(n, bool)
    if target.partial_countries:
        scope &= p["country"].isin(target.partial_countries).to_numpy(bool)
    if target.partial_partner_types:
        scope &= types.isin(target.partial_partner_types).fillna(False).to_numpy(bool)
    unknown = scope & ~hit
    entries = wl["entry_id"].nunique() if "entry_id" in wl.columns else len(wl)
    of = f" of about {target.of_about:,}" if target.of_about else ""
    who = " ".join(
        x
        for x in (", ".join(target.partial_countries), "/".join(target.partial_partner_types))
        if x
    )
    notes.append(
        f"watchlist {target.name} is partial ({entries:,}{of} names): its {int(hit.sum()):,} "
        f"tie(s) hit are the low end; {int(unknown.sum()):,} further {who} tie(s) not on it have "
        "an unknown status and make the high end. A complete list closes the range: pass it "
        f"(impact(..., watchlists={{{target.name!r}: frame}})) with complete: true in the "
        "scenario, frame.attrs['complete'] = True or complete in the watchlist index."
    )
    label = f"watchlist:{target.name}:not on the partial list (status unknown)"
    return unknown, pd.Series(np.where(unknown, label, ""), dtype="string")


def _restrict_types(
    t: Targets,
    p: pd.DataFrame,
    sure: np.ndarray,
    maybe: np.ndarray,
    types: pd.Series,
    source: pd.Series,
    notes: list[str],
) -> tuple[np.ndarray, np.ndarray, pd.Series]:
    """Keep partners of ``t.partner_types``; those of unknown type are maybe-targeted."""
    ok = types.isin(t.partner_types).fillna(False).to_numpy(bool)
    unknown = types.isna().to_numpy(bool)
    cand = sure | maybe
    new_maybe = (maybe & ok) | (cand & unknown)
    new_sure = sure & ok
    by = source[cand & ok].value_counts()
    notes.append(
        f"partner types ({', '.join(t.partner_types)} only): of {int(cand.sum()):,} tie(s) the "
        f"other targets reach, {int(by.get('data', 0)):,} are of such a type by the data "
        f"(partner_type) and {int(by.get('name rule', 0)):,} by the name rule "
        f"(knowledge_institution_words.csv), {int((cand & ~ok & ~unknown).sum()):,} are of "
        f"another type (not targeted) and {int((cand & unknown).sum()):,} of unknown type: a "
        "range (low: without them, high: with them; share_unknown_target_true)."
    )
    label = pd.Series(np.where(cand & unknown, "partner_type:unknown", ""), dtype="string")
    return new_sure, new_maybe, label


def _target(
    t: Targets,
    p: pd.DataFrame,
    d: pd.Timestamp,
    watchlists: Mapping[str, pd.DataFrame] | None,
    risk_profile: RiskProfileArg,
    notes: list[str],
) -> _Targeting:
    """Countries, risk lenses and watchlists unioned; fields unioned or intersected with them;
    then restricted to ``partner_types``. Ties a target may or may not hit (a partial list's
    population, an unknown partner type) are ``maybe``: targeted, and a range."""
    n = len(p)
    lz = _lenses(t, p, d, risk_profile, notes)
    labels: list[pd.Series] = []
    base, maybe = np.zeros(n, bool), np.zeros(n, bool)
    if t.countries:
        hit = p["country"].isin(t.countries).to_numpy(bool)
        base |= hit
        labels.append(("country:" + p["country"]).where(hit, ""))
    if t.risk_profile is not None:
        base |= lz.hit
        labels += lz.labels
    lists = []
    for wt in t.watchlists:
        wl = _watchlist_frame(wt, watchlists)
        hit, lab = _watchlist_hits(wt, wl, p, d, notes)
        base |= hit
        labels.append(lab)
        lists.append((wt, wl, hit, len(labels)))
    field_hit = np.zeros(n, bool)
    for tag in t.fields:
        hit = _tag_mask(p["fields_match"], [tag])
        field_hit |= hit
        labels.append(pd.Series(np.where(hit, f"field:{tag}", ""), dtype="string"))
    # the name rule runs only on the ties a partner-type rule can bear on
    need = np.zeros(n, bool)
    if t.partner_types:
        need |= base | field_hit
    for wt, _, _, _ in lists:
        if wt.has_partial_scope:
            need |= p["country"].isin(wt.partial_countries).to_numpy(bool) | (
                not wt.partial_countries
            )
    types, source = (
        _partner_types(p, need) if need.any() else (p["partner_type"], p["partner_type"])
    )
    for wt, wl, hit, at in reversed(lists):  # reversed: inserting keeps the earlier positions
        unknown, lab = _partial_list(wt, wl, p, hit, types, notes)
        maybe |= unknown
        labels.insert(at, lab)
    if t.fields_mode == "intersect":
        sure, maybe = base & field_hit, maybe & field_hit
    else:
        sure = base | field_hit
    if t.partner_types:
        sure, maybe, lab = _restrict_types(t, p, sure, maybe, types, source, notes)
        labels.append(lab)
    maybe &= ~sure
    return _Targeting(
        sure | maybe, labels, lz.tier, lz.tier_by_country, lz.used, maybe, lz.countries
    )
