"""Screening of partner institutions against watchlists: name hits, their timing, and coverage.

A **hit** is an *unadjudicated name match* between a partner and a list entry, with its score,
until an analyst decides (DESIGN.md, Watchlists and screening). Government **designations**
(sanctions, export control) and **assessments** (statements, ratings) are kept apart in every
output (the ``kind`` column; :attr:`Screening.designations`, :attr:`Screening.assessments`).
A designation is placed in time against each agreement: listed before or while the agreement
ran, listed only after it ended (reported apart), or listed after the ``as_of`` date. The
**coverage** table says which lists (and editions) were checked, how many partners were
screened, how many had an identifier, and that no hit is not clearance.

How partners are matched, per distinct (partner name, country):

1. per list, :func:`kvanalytics.normalise.match_institutions` gives the best entry with its
   evidence (``exact alias``, ``acronym``, ``contained alias``, ``fuzzy``...);
2. because a partner can hit several entries of a list, every name variant is also scored
   with ``rapidfuzz.process.cdist`` (``token_sort_ratio`` of the names normalised by
   :func:`kvanalytics.normalise.normalise_name`); pairs at or above ``review_cutoff`` are hits
   (method ``fuzzy (all variants)``);
3. an entry whose ``identifiers`` contain the partner's ``partner_key`` is a hit (method
   ``identifier``), whatever the name says;
4. every name hit (not identifier hits) must also hold on the *distinctive* words, those that
   are not organisation types, generic descriptors or legal forms (university, state,
   technology, limited...): "University of Oslo" is no hit for "BOLSAK E.U." (an SDN entity
   read as "Bolsak University") although the whole names score 81; names shorter than 8
   characters hit only when equal ("EPFL" is no hit for the alias "EPL"); an acronym hits
   when it is a listed variant found in the partner name, or is the whole partner name;
5. ``decision`` is ``match`` when the score and the distinctive-word similarity are both at or
   above ``score_cutoff`` and every distinctive word of a variant of the entry has a close
   word (ratio >= 80) in the partner name ("Nanjing University of Aeronautics and
   Astronautics" is only a ``review`` for "Beijing University of Aeronautics and
   Astronautics"), or an identifier matched; otherwise ``review``.

Where both the partner and the entry know their country, only entries of that country are
candidates; entries with addresses in several countries are candidates for any of them, and
entries of unknown country (all of OFAC's legacy SDN file) for every partner. Institutions are
screened against entities only: individuals, vessels and aircraft are left out (and counted in
the coverage table).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from os import PathLike
from typing import Any

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from .config import PACKAGE_DATA
from .errors import SchemaError

# The one place screening imports institution-name matching (moving to kvanalytics.normalise).
from .normalise import (
    IDENTIFIER_COLUMNS,
    fold,
    match_institutions,
    normalise_name,
    normalise_names,
    to_iso2,
)
from .reference import eu_sanctions_regimes, load_watchlist
from .schemas import DATE, TEXT, check_partnerships

_DATE = np.dtype(DATE)  # datetime64[us], as a dtype object for astype

__all__ = [
    "MATCH_COLUMNS",
    "NO_HIT_NOTE",
    "STATUS",
    "TIMINGS",
    "Screening",
    "match_watchlist",
    "screen",
]

#: The status of every hit: a person decides what it means.
STATUS = "unadjudicated name match"
#: Values of the ``timing`` column (NA when the list gives no listing date).
TIMINGS = ("listed before/while active", "listed after agreement ended", "listed after as_of")
#: What a partner without a hit means.
NO_HIT_NOTE = "No hit is not clearance"

_HIT_COLUMNS: dict[str, object] = {
    "kind": TEXT,
    "list": TEXT,
    "partner": TEXT,
    "country": TEXT,
    "partner_key": TEXT,
    "agreement_ids": TEXT,
    "n_agreements": "Int64",
    "entry_id": TEXT,
    "entry_name": TEXT,
    "matched_name": TEXT,
    "score": "Float64",
    "method": TEXT,
    "decision": TEXT,
    "listed_on": DATE,
    "program": TEXT,
    "timing": TEXT,
    "status": TEXT,
}
_METHOD_RANK = {
    "identifier": 0,
    "override": 1,
    "exact alias": 2,
    "acronym": 3,
    "contained alias": 4,
    "fuzzy": 5,
    "fuzzy (all variants)": 6,
}
_FUZZY_METHODS = ("fuzzy", "fuzzy (all variants)")
#: Legal-form words of company names on sanctions lists: they do not tell names apart.
_LEGAL_FORMS = frozenset(
    [
        "private",
        "limited",
        "ltd",
        "inc",
        "incorporated",
        "llc",
        "llp",
        "plc",
        "gmbh",
        "corp",
        "co",
        "sa",
        "sarl",
        "srl",
        "spa",
        "bv",
        "nv",
        "jsc",
        "ojsc",
        "pjsc",
        "cjsc",
        "ooo",
        "zao",
        "oao",
        "fzc",
        "fze",
        "fzco",
        "pte",
        "pvt",
    ]
)
_WL_TEXT = (
    "list",
    "kind",
    "entry_id",
    "name",
    "country",
    "countries",
    "identifiers",
    "program",
    "entity_type",
)
_CHUNK = 256
#: Fuzzy evidence needs names of at least this many characters (normalised) on both sides;
#: shorter names (acronyms) hit only through the matcher's exact, acronym or alias evidence.
_FUZZY_MIN_CHARS = 8
#: A distinctive word of a list entry is found in a partner name at this ``fuzz.ratio``.
_WORD_CUTOFF = 80


# --------------------------------------------------------------------------------------------
# Result
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Screening:
    """The result of :func:`screen`.

    Attributes
    ----------
    hits : DataFrame
        One row per partner x list entry x timing: ``kind, list, partner, country,
        partner_key, agreement_ids, n_agreements, entry_id, entry_name, matched_name, score,
        method, decision, listed_on, program, timing, status``. ``decision`` is ``match``
        (score >= score_cutoff) or ``review``; ``status`` is always "unadjudicated name match";
        ``timing`` is one of :data:`TIMINGS` or NA (no listing date in the list).
    coverage : DataFrame
        One row per list checked: ``list, kind, list_date, edition_age_years`` (at ``as_of``),
        ``source`` (the citation), ``eu_regimes`` (the EU regimes, with their CELEX
        references, that the list's programmes name, e.g. OpenSanctions ``EU-UKR``), ``entries, entries_not_screened, name_variants,
        partners_screened, partners_with_identifier, partners_without_identifier,
        partners_not_identifiable`` (no identifier and no distinctive word in the name, such
        as "State University"), ``partners_with_hit, partners_no_hit, note``.
    as_of : Timestamp or None
        The date listings were checked against (None: every listing counts).
    score_cutoff, review_cutoff : float
        The cut-offs used.
    """

    hits: pd.DataFrame
    coverage: pd.DataFrame
    as_of: pd.Timestamp | None
    score_cutoff: float
    review_cutoff: float

    @property
    def designations(self) -> pd.DataFrame:
        """Hits on government designation lists (a copy)."""
        return self.hits[self.hits["kind"] == "designation"].reset_index(drop=True)

    @property
    def assessments(self) -> pd.DataFrame:
        """Hits on assessment lists (a copy)."""
        return self.hits[self.hits["kind"] == "assessment"].reset_index(drop=True)

    def summary(self) -> pd.DataFrame:
        """Hits counted by kind, list, decision and timing.

        Returns
        -------
        pandas.DataFrame
            ``kind, list, decision, timing, partners, entries, agreements``; designations
            first. ``partners`` counts distinct (partner, country) pairs.

        Examples
        --------
        >>> screen(partnerships, load_watchlist("rur-2022-signatories")).summary()  # doctest: +SKIP
        """
        keys = ["kind", "list", "decision", "timing"]
        if self.hits.empty:
            return pd.DataFrame(
                {
                    **{k: pd.Series([], dtype=TEXT) for k in keys},
                    **{
                        c: pd.Series([], dtype="Int64")
                        for c in ("partners", "entries", "agreements")
                    },
                }
            )
        h = self.hits.assign(
            _partner=self.hits["partner"] + "\x1f" + self.hits["country"].fillna("")
        )
        out = (
            h.groupby(keys, dropna=False, sort=True)
            .agg(
                partners=("_partner", "nunique"),
                entries=("entry_id", "nunique"),
                agreements=("n_agreements", "sum"),
            )
            .reset_index()
            .astype({"partners": "Int64", "entries": "Int64", "agreements": "Int64"})
        )
        return out.sort_values(keys, key=_kind_first, kind="stable").reset_index(drop=True)

    def _repr_html_(self) -> str:
        n_partners = self.hits[["partner", "country"]].drop_duplicates().shape[0]
        parts = [
            "<div><strong>kvanalytics Screening</strong>",
            f"<p>{len(self.hits)} hit(s) for {n_partners} partner(s): every hit is an "
            f"<em>{html.escape(STATUS)}</em> until an analyst decides. "
            f"{int((self.hits['kind'] == 'designation').sum())} on designation lists, "
            f"{int((self.hits['kind'] == 'assessment').sum())} on assessment lists. "
            f"Cut-offs: match {self.score_cutoff:g}, review {self.review_cutoff:g}; as of "
            f"{self.as_of.date() if self.as_of is not None else 'any date'}. "
            f"<strong>{html.escape(NO_HIT_NOTE)}.</strong></p>",
            "<p>Summary</p>",
            self.summary().to_html(index=False, na_rep="–"),
            "<p>Coverage</p>",
            self.coverage.to_html(index=False, na_rep="–"),
            "</div>",
        ]
        return "\n".join(parts)


def _kind_first(col: pd.Series) -> pd.Series:
    if col.name == "kind":
        return col.map({"designation": 0, "assessment": 1}).fillna(2)
    return col


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------
def _text(s: pd.Series) -> pd.Series:
    t = s.astype(TEXT).str.strip()
    return t.mask(t == "")


@lru_cache(maxsize=1)
def _generic_tokens() -> frozenset[str]:
    """Canonical tokens that do not tell institutions apart: organisation types (from
    ``data/org_type_words.csv``) and generic descriptors (``data/institution_words.csv``)."""
    tokens = {"university", "institute", "academy", "college", "school", "center", "state"}
    tokens |= _LEGAL_FORMS
    try:
        orgs = pd.read_csv(PACKAGE_DATA / "org_type_words.csv", dtype=str, keep_default_na=False)
        tokens |= set(orgs["canonical"].str.strip())
        words = pd.read_csv(
            PACKAGE_DATA / "institution_words.csv", dtype=str, keep_default_na=False
        )
        generic = words["generic"].str.strip().str.lower() == "true"
        tokens |= set(words.loc[generic, "canonical"].str.strip())
    except (OSError, KeyError):  # pragma: no cover - the word lists ship with the package
        pass
    return frozenset(t for t in tokens if t)


def _distinctive(norm: str, extra: Iterable[str] = ()) -> str:
    generic = _generic_tokens()
    return " ".join(sorted({t for t in norm.split() if t not in generic} | set(extra)))


@lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    try:
        stops = pd.read_csv(
            PACKAGE_DATA / "institution_stop_words.csv", dtype=str, keep_default_na=False
        )
        return frozenset(stops["word"].str.strip())
    except (OSError, KeyError):  # pragma: no cover
        return frozenset()


@lru_cache(maxsize=100_000)
def _place_word(token: str) -> bool:
    """A word the name normaliser drops as a place (a province such as "Hebei"), but not a
    country name: it tells listed names apart ("Hebei Semiconductor")."""
    if len(token) < 3 or not token.isalpha() or token in _stop_words():
        return False
    if token in _generic_tokens() or normalise_name(token, affiliation=False):
        return False
    return bool(pd.isna(to_iso2([token]).iloc[0]))


def _normalise(names: Iterable[Any], *, affiliation: bool) -> pd.Series:
    return normalise_names(list(names), affiliation=affiliation).fillna("")


def _as_watchlist(watchlists: Any) -> pd.DataFrame:
    if isinstance(watchlists, pd.DataFrame | str | PathLike):
        frames = [watchlists]
    elif isinstance(watchlists, Sequence | Iterable):
        frames = list(watchlists)
    else:
        raise TypeError(
            "watchlists must be a watchlist DataFrame, a name or path, or a list of them."
        )
    if not frames:
        raise ValueError("no watchlist given: pass at least one (see kvanalytics.reference).")
    loaded = []
    for f in frames:
        if not isinstance(f, pd.DataFrame):
            f = load_watchlist(f)
        missing = [c for c in ("list", "kind", "entry_id", "name") if c not in f.columns]
        if missing:
            raise SchemaError(
                f"watchlist without column(s) {missing}; read lists with kvanalytics.reference "
                "(read_csl, read_sdn, read_un_xml, read_watchlist, load_watchlist)."
            )
        loaded.append(f)
    wl = pd.concat(loaded, ignore_index=True)
    wl = wl.assign(
        **{
            c: (_text(wl[c]) if c in wl.columns else pd.Series(pd.NA, index=wl.index, dtype=TEXT))
            for c in _WL_TEXT
        }
    )
    for c in ("listed_on", "list_date"):
        wl[c] = (
            pd.to_datetime(wl[c], errors="coerce").astype(_DATE)
            if c in wl.columns
            else pd.Series(pd.NaT, index=wl.index, dtype=DATE)
        )
    if "is_alias" not in wl.columns:
        wl["is_alias"] = False
    wl["is_alias"] = wl["is_alias"].fillna(False).astype(bool)
    # per-list facts (source, description) of every list read, for the coverage table
    wl.attrs["watchlists"] = {
        k: dict(v) for f in loaded for k, v in f.attrs.get("watchlists", {}).items()
    }
    return wl


def _prepare_partners(partnerships: pd.DataFrame) -> pd.DataFrame:
    if "partner" not in partnerships.columns:
        raise SchemaError(
            "partnerships without a 'partner' column; build the table with "
            "kvanalytics.read_partnerships()."
        )
    n = len(partnerships)

    def text(c: str) -> pd.Series:
        if c not in partnerships.columns:
            return pd.Series([pd.NA] * n, dtype=TEXT)
        return _text(partnerships[c].reset_index(drop=True))

    def date(c: str) -> pd.Series:
        if c not in partnerships.columns:
            return pd.Series([pd.NaT] * n, dtype=_DATE)
        return pd.to_datetime(partnerships[c].reset_index(drop=True), errors="coerce").astype(_DATE)

    # Every identifier the export carries is a key: the matched partner_key and the ROR id, PIC
    # and Erasmus code kept by ingest, so a list entry with that identifier is a hit before any
    # name is compared (step 3).
    partner_key = text("partner_key")
    for c in IDENTIFIER_COLUMNS:
        more = text(c)
        joined = partner_key.where(more.isna() | (more == partner_key), partner_key + "; " + more)
        partner_key = joined.fillna(more)
    return pd.DataFrame(
        {
            "partner": text("partner"),
            "country": text("country").str.upper(),
            "partner_key": partner_key.astype(TEXT),
            "agreement_id": text("agreement_id"),
            "start": date("start"),
            "end": date("end"),
        }
    )


def _norm_id(s: pd.Series) -> pd.Series:
    """Compare identifiers without case or a ROR URL prefix."""
    return (
        s.astype(TEXT)
        .str.strip()
        .str.lower()
        .str.replace(r"^https?://(www\.)?ror\.org/", "", regex=True)
    )


def _country_ok(p_country: np.ndarray, e_countries: np.ndarray) -> np.ndarray:
    """Blocking by country: allowed when either side does not know it, or it is shared."""
    out = np.ones(len(p_country), dtype=bool)
    for i, (pc, ec) in enumerate(zip(p_country, e_countries, strict=True)):
        if isinstance(pc, str) and isinstance(ec, str):
            out[i] = pc in ec.split(";")
    return out


def _all_variant_hits(
    p_norm: np.ndarray, v_norm: np.ndarray, review_cutoff: float, workers: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(partner index, variant index, score) of every pair with token_sort_ratio >= cutoff."""
    pi: list[np.ndarray] = []
    vi: list[np.ndarray] = []
    sc: list[np.ndarray] = []
    ok_v = np.flatnonzero(np.array([bool(v) for v in v_norm], dtype=bool))
    ok_p = np.flatnonzero(np.array([bool(p) for p in p_norm], dtype=bool))
    if len(ok_v) == 0 or len(ok_p) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0)
    choices = [str(v) for v in v_norm[ok_v]]
    for start in range(0, len(ok_p), _CHUNK):
        rows = ok_p[start : start + _CHUNK]
        m = process.cdist(
            [str(p) for p in p_norm[rows]],
            choices,
            scorer=fuzz.token_sort_ratio,
            score_cutoff=review_cutoff,
            dtype=np.uint8,
            workers=workers,
        )
        q, c = np.nonzero(m >= max(review_cutoff, 1))
        pi.append(rows[q])
        vi.append(ok_v[c])
        sc.append(m[q, c].astype(float))
    return np.concatenate(pi), np.concatenate(vi), np.concatenate(sc)


# --------------------------------------------------------------------------------------------
# screen
# --------------------------------------------------------------------------------------------
def screen(
    partnerships: pd.DataFrame,
    watchlists: pd.DataFrame | str | PathLike[str] | Sequence[pd.DataFrame | str],
    *,
    as_of: Any = None,
    score_cutoff: float = 90,
    review_cutoff: float = 80,
    entity_types: Sequence[str] = ("entity",),
    workers: int = -1,
) -> Screening:
    """Screen the partners of a partnerships table against one or more watchlists.

    Distinct partner names (with their country) are matched against every name variant of
    every list (see the module docstring for the evidence used and the country blocking).
    Each hit is then placed in time for each agreement with that partner, using the entry's
    ``listed_on``: ``listed before/while active`` (listed on or before the agreement's end, or
    the agreement is open-ended), ``listed after agreement ended`` (reported apart: the tie had
    ended before the listing; this label wins over the next), ``listed after as_of`` (not yet
    listed at ``as_of``; flagged, not dropped). Lists without listing dates (OFAC's legacy SDN file) give timing NA.

    Parameters
    ----------
    partnerships : DataFrame
        The canonical partnerships table; ``partner`` is required, ``country``,
        ``partner_key``, ``agreement_id``, ``start`` and ``end`` are used when present.
        Not modified.
    watchlists : DataFrame, name/path, or a list of them
        Canonical watchlists (:mod:`kvanalytics.reference`); names and paths are loaded with
        :func:`kvanalytics.reference.load_watchlist`. Several are concatenated.
    as_of : date-like, optional
        Date the listings are checked against; None counts every listing.
    score_cutoff, review_cutoff : float
        Score (0-100) from which a hit is a ``match``, and below which a name is no hit;
        hits in between are ``review``.
    entity_types : sequence of str
        Entries whose ``entity_type`` is in this list, or unknown, are screened (default:
        entities; individuals, vessels and aircraft are counted as not screened).
    workers : int
        Threads for rapidfuzz (-1: all cores).

    Returns
    -------
    Screening
        ``hits``, ``coverage``, ``summary()``; renders in a notebook.

    Raises
    ------
    SchemaError
        No ``partner`` column, or a watchlist without ``list, kind, entry_id, name``.
    ValueError
        Cut-offs outside ``0 <= review_cutoff <= score_cutoff <= 100``.

    Examples
    --------
    >>> p = pd.DataFrame({"agreement_id": ["A1"], "partner": ["Lomonosov Moscow State University"],
    ...                   "country": ["RU"], "end": [pd.NaT]})
    >>> from kvanalytics.reference import load_watchlist
    >>> result = screen(p, load_watchlist("rur-2022-signatories"))
    >>> result.hits[["entry_id", "decision", "status"]].values.tolist()
    [['rur2022-msu', 'match', 'unadjudicated name match']]
    """
    m = _match(
        partnerships, watchlists, score_cutoff, review_cutoff, entity_types, workers, "screen"
    )
    asof = _as_of(as_of)
    hits = _empty_hits() if m.pairs.empty else _placed_in_time(m, asof)
    return Screening(
        hits=hits,
        coverage=_coverage(m, hits, asof),
        as_of=asof,
        score_cutoff=float(score_cutoff),
        review_cutoff=float(review_cutoff),
    )


def match_watchlist(
    partners: pd.DataFrame,
    watchlist: pd.DataFrame | str | PathLike[str] | Sequence[pd.DataFrame | str],
    *,
    score_cutoff: float = 90,
    review_cutoff: float = 80,
    as_of: Any = None,
    entity_types: Sequence[str] = ("entity",),
    workers: int = -1,
) -> pd.DataFrame:
    """Which partners are on which list: one row per partner x list entry hit, with evidence.

    The one matcher of "is this partner on that list" (module docstring, steps 1-5):
    :func:`screen` places its hits in time per agreement, and scenario watchlist targeting
    takes the hits at or above its ``min_score``.

    Parameters
    ----------
    partners : DataFrame
        ``partner`` (required), ``country`` and ``partner_key`` when known; a partnerships
        table will do (distinct partner x country pairs are matched once). Not modified.
    watchlist : DataFrame, name/path, or a list of them
        As in :func:`screen`.
    score_cutoff, review_cutoff : float
        A hit is ``match`` when its score and its distinctive words reach ``score_cutoff``
        (or an identifier matched), else ``review``; below ``review_cutoff`` no hit.
    as_of : date-like, optional
        Flags entries listed after this date (``listed_after_as_of``); None flags none.
    entity_types, workers
        As in :func:`screen`.

    Returns
    -------
    DataFrame
        Columns :data:`MATCH_COLUMNS`: ``partner, country, partner_key, list, kind, entry_id,
        entry_name, matched_name, score, method`` (the evidence: ``identifier``, ``exact
        alias``, ``acronym``, ``contained alias``, ``fuzzy``, ``fuzzy (all variants)``),
        ``decision`` (``match``/``review``), ``listed_on, program, listed_after_as_of``; sorted
        by kind (designations first), list, partner, score (descending), entry.

    Examples
    --------
    >>> p = pd.DataFrame({"partner": ["Lomonosov Moscow State University"], "country": ["RU"]})
    >>> hits = match_watchlist(p, "rur-2022-signatories")
    >>> hits[["entry_id", "score", "method", "decision"]].values.tolist()
    [['rur2022-msu', 100.0, 'exact alias', 'match']]
    """
    m = _match(
        partners, watchlist, score_cutoff, review_cutoff, entity_types, workers, "match_watchlist"
    )
    asof = _as_of(as_of)
    if m.pairs.empty:
        return pd.DataFrame({c: pd.Series([], dtype=d) for c, d in MATCH_COLUMNS.items()})  # type: ignore[call-overload]
    c = m.pairs
    e = m.entries.loc[c["_e"].to_numpy()]
    d = m.distinct.loc[c["_p"].to_numpy()]
    listed = e["listed_on"].to_numpy(dtype="datetime64[us]")
    late = ~np.isnat(listed) & (
        (listed > asof.to_datetime64()) if asof is not None else np.zeros(len(c), bool)
    )
    out = pd.DataFrame(
        {
            "partner": d["partner"].to_numpy(),
            "country": d["country"].to_numpy(),
            "partner_key": d["partner_key"].to_numpy(),
            "list": e["list"].to_numpy(),
            "kind": e["kind"].to_numpy(),
            "entry_id": e["entry_id"].to_numpy(),
            "entry_name": e["name"].to_numpy(),
            "matched_name": m.wl["name"].to_numpy()[c["_v"].to_numpy(np.int64)],
            "score": c["score"].to_numpy(),
            "method": c["method"].to_numpy(dtype=object),
            "decision": c["decision"].to_numpy(dtype=object),
            "listed_on": e["listed_on"].to_numpy(),
            "program": e["program"].to_numpy(),
            "listed_after_as_of": late,
        }
    ).astype(MATCH_COLUMNS)  # type: ignore[arg-type]
    return _sorted_hits(out)


#: Columns of :func:`match_watchlist`.
MATCH_COLUMNS: dict[str, object] = {
    **{c: _HIT_COLUMNS[c] for c in ("partner", "country", "partner_key", "list", "kind")},
    **{c: _HIT_COLUMNS[c] for c in ("entry_id", "entry_name", "matched_name", "score")},
    **{c: _HIT_COLUMNS[c] for c in ("method", "decision", "listed_on", "program")},
    "listed_after_as_of": "boolean",
}


@dataclass(frozen=True)
class _Matched:
    """Partners, entries and their checked hits (``pairs``: ``_p, _e, _v, score, method,
    _d, decision``), shared by :func:`screen` and :func:`match_watchlist`."""

    p: pd.DataFrame  # prepared partnerships, ``_p`` = distinct partner (-1: no name)
    distinct: pd.DataFrame  # distinct partner x country
    wl_all: pd.DataFrame  # every list entry read
    screened_mask: pd.Series  # entries of the types screened
    wl: pd.DataFrame  # the name variants screened, ``_e`` = entry
    entries: pd.DataFrame  # one row per entry (its listed name)
    pairs: pd.DataFrame
    not_identifiable: int  # distinct partners with no identifier and no distinctive name word


def _as_of(as_of: Any) -> pd.Timestamp | None:
    return pd.Timestamp(as_of) if as_of is not None else None


def _match(
    partnerships: pd.DataFrame,
    watchlists: Any,
    score_cutoff: float,
    review_cutoff: float,
    entity_types: Sequence[str],
    workers: int,
    where: str,
) -> _Matched:
    """Steps 1-5 of the module docstring: candidates, country blocking, evidence, decision."""
    if not 0 <= review_cutoff <= score_cutoff <= 100:
        raise ValueError(
            f"need 0 <= review_cutoff <= score_cutoff <= 100, got {review_cutoff}, {score_cutoff}."
        )
    if isinstance(partnerships, pd.DataFrame):
        check_partnerships(partnerships, where=where)
    p = _prepare_partners(partnerships)
    wl_all = _as_watchlist(watchlists)
    screened_mask, wl, entries = _screened_entries(wl_all, entity_types)
    p, distinct = _distinct_partners(p)
    p_norm = _normalise(distinct["partner"], affiliation=True).to_numpy(dtype=object)
    v_norm = _normalise(wl["name"], affiliation=False).to_numpy(dtype=object)
    cand = _candidates(distinct, wl, entries, p_norm, v_norm, score_cutoff, review_cutoff, workers)
    pairs = pd.DataFrame()
    if cand is not None and len(cand):
        pairs = _decided(cand, distinct, p_norm, wl, v_norm, score_cutoff, review_cutoff)
    no_word = np.array([not _distinctive(str(x)) for x in p_norm], dtype=bool)
    not_identifiable = int((no_word & distinct["partner_key"].isna().to_numpy(bool)).sum())
    return _Matched(p, distinct, wl_all, screened_mask, wl, entries, pairs, not_identifiable)


def _screened_entries(
    wl_all: pd.DataFrame, entity_types: Sequence[str]
) -> tuple[pd.Series, pd.DataFrame, pd.DataFrame]:
    """The name variants screened (entity types asked, with a name and id), each entry's code
    ``_e``, and one row per entry (its first variant, the listed name)."""
    types = {t.lower() for t in entity_types}
    screened_mask = (
        wl_all["entity_type"].isna() | wl_all["entity_type"].str.lower().isin(types)
    ).fillna(True)
    wl = wl_all[screened_mask.to_numpy(bool)].reset_index(drop=True)
    wl = wl[wl["name"].notna() & wl["entry_id"].notna()].reset_index(drop=True)
    wl = wl.sort_values(["list", "entry_id", "is_alias"], kind="stable").reset_index(drop=True)
    ekey = wl["list"] + "\x1f" + wl["entry_id"]
    ecode, _ = pd.factorize(ekey)
    wl = wl.assign(_e=ecode)
    entries = wl.drop_duplicates("_e").set_index("_e").sort_index()
    return screened_mask, wl, entries


def _distinct_partners(p: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Code ``_p`` of each row's (partner name, country) and one row per distinct pair, with
    the partner keys (identifiers) known for it."""
    named = p[p["partner"].notna()]
    pair = named["partner"] + "\x1f" + named["country"].fillna("")
    pcode, uniq = pd.factorize(pair)
    p = p.assign(_p=pd.Series(-1, index=p.index))
    p.loc[named.index, "_p"] = pcode
    distinct = pd.DataFrame({"pair": pd.Series(uniq, dtype=TEXT)})
    split = distinct["pair"].str.split("\x1f", n=1, expand=True)
    distinct["partner"] = split[0]
    distinct["country"] = split[1].mask(split[1] == "")
    keys_by_p = (
        p[p["_p"] >= 0]
        .dropna(subset=["partner_key"])
        .groupby("_p")["partner_key"]
        .agg(lambda s: "; ".join(sorted(set(s))))
    )
    distinct["partner_key"] = keys_by_p.reindex(distinct.index).astype(TEXT)
    return p, distinct


def _candidates(
    distinct: pd.DataFrame,
    wl: pd.DataFrame,
    entries: pd.DataFrame,
    p_norm: np.ndarray,
    v_norm: np.ndarray,
    score_cutoff: float,
    review_cutoff: float,
    workers: int,
) -> pd.DataFrame | None:
    """Candidate (partner, entry) pairs of steps 1-3, country-blocked, best evidence each."""
    cands = [
        *_matcher_candidates(distinct, wl, score_cutoff, review_cutoff, workers),
        _variant_candidates(p_norm, v_norm, wl, review_cutoff, workers),
        _identifier_candidates(distinct, wl, entries),
    ]
    if not any(len(c) for c in cands):
        return None
    cand = pd.concat([c for c in cands if len(c)], ignore_index=True)
    cand = cand.dropna(subset=["_e"]).astype({"_p": np.int64, "_e": np.int64, "score": float})
    # country blocking (the matcher blocks on its own; the variant scan and ids here)
    p_country = (
        distinct["country"].astype(object).where(distinct["country"].notna(), None).to_numpy()
    )
    e_countries = entries["countries"].fillna(entries["country"]).to_numpy(dtype=object)
    ok = _country_ok(p_country[cand["_p"].to_numpy()], e_countries[cand["_e"].to_numpy()])
    cand = cand[ok | (cand["method"] == "identifier").to_numpy()]
    cand = cand.assign(_rank=cand["method"].map(_METHOD_RANK).fillna(9))
    cand = cand.sort_values(["_p", "_e", "score", "_rank"], ascending=[True, True, False, True])
    return cand.drop_duplicates(["_p", "_e"], keep="first").drop(columns="_rank")


def _matcher_candidates(
    distinct: pd.DataFrame,
    wl: pd.DataFrame,
    score_cutoff: float,
    review_cutoff: float,
    workers: int,
) -> list[pd.DataFrame]:
    """Step 1: per list, the matcher's best entry for each partner, with its evidence."""
    cands: list[pd.DataFrame] = []
    if not len(distinct):
        return cands
    for _lst, g in wl.groupby("list", sort=True):
        ref = pd.DataFrame(
            {
                "key": g["_e"].astype(str).to_numpy(),
                "name": g["name"].to_numpy(dtype=object),
                "country": g["country"].to_numpy(dtype=object),
            }
        )
        res = match_institutions(
            distinct["partner"],
            ref,
            country=distinct["country"],
            score_cutoff=score_cutoff,
            review_cutoff=review_cutoff,
            workers=workers,
            progress=False,
        )
        hit = res["decision"].isin(["match", "review"]).to_numpy(bool)
        if not hit.any():
            continue
        res = res[hit]
        # "key" is given for matches only; a review names the best key's canonical name,
        # which may belong to several entries: all of them are candidates.
        canon = g[~g["is_alias"]]
        by_name = canon.groupby("name")["_e"].agg(list)
        ks = [
            [int(k)] if isinstance(k, str) else by_name.get(n, [])
            for k, n in zip(res["key"].astype(object), res["name"].astype(object), strict=True)
        ]
        cands.append(
            pd.DataFrame(
                {
                    "_p": res.index.to_numpy(),
                    "_e": ks,
                    "score": res["score"].astype(float).to_numpy(),
                    "method": res["method"].astype(object).to_numpy(),
                }
            ).explode("_e")
        )
    return cands


def _variant_candidates(
    p_norm: np.ndarray, v_norm: np.ndarray, wl: pd.DataFrame, review_cutoff: float, workers: int
) -> pd.DataFrame:
    """Step 2: every name variant at or above the review cut-off."""
    qi, vi, sc = _all_variant_hits(p_norm, v_norm, review_cutoff, workers)
    return pd.DataFrame(
        {"_p": qi, "_e": wl["_e"].to_numpy()[vi], "score": sc, "method": "fuzzy (all variants)"}
    )


def _identifier_candidates(
    distinct: pd.DataFrame, wl: pd.DataFrame, entries: pd.DataFrame
) -> pd.DataFrame:
    """Step 3: entries whose identifiers contain a partner key of the partner."""
    if not (distinct["partner_key"].notna().any() and wl["identifiers"].notna().any()):
        return pd.DataFrame(columns=["_p", "_e", "score", "method"])
    ids = (
        entries[["identifiers"]]
        .assign(identifiers=lambda f: f["identifiers"].str.split(";"))
        .explode("identifiers")
        .assign(id=lambda f: _norm_id(f["identifiers"]))
        .dropna(subset=["id"])
        .reset_index()[["_e", "id"]]
    )
    pk = (
        distinct[["partner_key"]]
        .assign(id=lambda f: f["partner_key"].str.split("; "))
        .explode("id")
        .assign(id=lambda f: _norm_id(f["id"]))
        .dropna(subset=["id"])
        .reset_index(names="_p")[["_p", "id"]]
    )
    both = pk.merge(ids, on="id")
    return both.assign(score=100.0, method="identifier")[["_p", "_e", "score", "method"]]


def _empty_hits() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series([], dtype=d) for c, d in _HIT_COLUMNS.items()})  # type: ignore[call-overload]


def _tokens(text: Any) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", fold(str(text)))) if isinstance(text, str) else set()


def _compact(text: Any) -> str:
    return re.sub(r"[^a-z0-9]", "", fold(str(text))) if isinstance(text, str) else ""


def _checked(
    cand: pd.DataFrame,
    distinct: pd.DataFrame,
    p_norm: np.ndarray,
    wl: pd.DataFrame,
    v_norm: np.ndarray,
    review_cutoff: float,
) -> pd.DataFrame:
    """Keep the candidates whose evidence holds on the distinctive words.

    Adds ``_v`` (the variant closest to the partner name) and ``_d`` (the best similarity of
    the distinctive words over the entry's variants; 100 for identifiers). Kept are:

    - ``identifier`` evidence;
    - ``acronym`` evidence when a variant of the entry is a word of the partner name ("MGIMO of
      the MFA of Russia") or the partner name is one word (an acronym from initials);
    - other evidence (exact or contained alias, fuzzy) when ``_d`` >= ``review_cutoff``, where
      ``_d`` is ``token_sort_ratio`` of the words left after dropping organisation-type and
      generic words ("university", "state", "technology"...), on names of at least 8
      characters unless the words are equal ("EPFL" is no fuzzy hit for "EPL");
    - a partner with no distinctive word ("Amgen, Inc." read as "company") only when its
      name equals a variant.
    """
    variants = pd.DataFrame({"_e": wl["_e"].to_numpy(), "_v": np.arange(len(wl))})
    pairs = cand[["_p", "_e", "method"]].merge(variants, on="_e")
    pi = pairs["_p"].to_numpy()
    vi = pairs["_v"].to_numpy()
    pn = p_norm[pi]
    vn = v_norm[vi]
    raw_p = distinct["partner"].to_numpy(dtype=object)[pi]
    raw_v = wl["name"].to_numpy(dtype=object)[vi]
    dp = [_distinctive(a) for a in pn]
    dv = [
        _distinctive(b, [t for t in _tokens(r) if _place_word(t)])
        for b, r in zip(vn, raw_v, strict=True)
    ]
    method = pairs["method"].to_numpy(dtype=object)
    generic = np.array([not x for x in dp], dtype=bool)
    d = np.array(
        [
            100.0
            if x and x == y
            else fuzz.token_sort_ratio(x, y)
            if x and y and min(len(a), len(b)) >= _FUZZY_MIN_CHARS
            else 0.0
            for a, b, x, y in zip(pn, vn, dp, dv, strict=True)
        ]
    )
    p_tokens = {i: _tokens(t) for i, t in zip(pi, raw_p, strict=True)}
    acr = np.array(
        [bool(_compact(v)) and _compact(v) in p_tokens[i] for i, v in zip(pi, raw_v, strict=True)]
    )
    one = np.array([len(p_tokens[i]) == 1 for i in pi], dtype=bool)
    eq = np.array([_compact(a) == _compact(b) != "" for a, b in zip(raw_p, raw_v, strict=True)])
    ok = np.select(
        [method == "identifier", generic, method == "acronym"],
        [True, eq, acr | one],
        default=d >= review_cutoff,
    )
    d = np.where(method == "identifier", 100.0, np.where(generic, 0.0, d))
    pairs = pairs.assign(
        _s=[fuzz.token_sort_ratio(a, b) for a, b in zip(pn, vn, strict=True)], _ok=ok, _d=d
    )
    pairs["_cov"] = [_covered(x, y) for x, y in zip(dp, dv, strict=True)]
    agg = (
        pairs.groupby(["_p", "_e"])
        .agg(_ok=("_ok", "any"), _d=("_d", "max"), _cov=("_cov", "any"))
        .reset_index()
    )
    best = pairs.sort_values(["_p", "_e", "_s", "_v"], ascending=[True, True, False, True])
    best = best.drop_duplicates(["_p", "_e"], keep="first")[["_p", "_e", "_v"]]
    c = cand.merge(agg, on=["_p", "_e"]).merge(best, on=["_p", "_e"])
    return c[c["_ok"].to_numpy(bool)].drop(columns="_ok")


def _covered(partner_words: str, entry_words: str) -> bool:
    """Every distinctive word of the entry's variant has a close word (ratio >= 80) among the
    partner's: "nanjing aeronautics astronautics" does not cover "beijing aeronautics
    astronautics", although the two score 93 as wholes."""
    mine = partner_words.split()
    return all(any(fuzz.ratio(t, u) >= _WORD_CUTOFF for u in mine) for t in entry_words.split())


def _decided(
    cand: pd.DataFrame,
    distinct: pd.DataFrame,
    p_norm: np.ndarray,
    wl: pd.DataFrame,
    v_norm: np.ndarray,
    score_cutoff: float,
    review_cutoff: float,
) -> pd.DataFrame:
    """Steps 4-5: the candidates whose evidence holds, with their decision."""
    c = _checked(cand, distinct, p_norm, wl, v_norm, review_cutoff)
    if c.empty:
        return pd.DataFrame()
    # a match needs the score and agreement of the distinctive words (or an identifier)
    strong = (c["score"] >= score_cutoff).to_numpy(bool) & (c["_d"] >= score_cutoff).to_numpy(bool)
    # ... and every distinctive word of a variant found in the partner name (or an identifier)
    strong &= c["_cov"].to_numpy(bool) | (c["method"] == "identifier").to_numpy(bool)
    return c.assign(decision=np.where(strong, "match", "review")).drop(columns="_cov")


def _placed_in_time(m: _Matched, asof: pd.Timestamp | None) -> pd.DataFrame:
    """The hits table of :func:`screen`: each hit per agreement with that partner, grouped by
    the timing of the listing."""
    c, p, entries, distinct, wl = m.pairs, m.p, m.entries, m.distinct, m.wl
    rows = p[p["_p"] >= 0][["_p", "agreement_id", "end"]]
    a = c.merge(rows, on="_p")
    listed = entries["listed_on"].to_numpy()[a["_e"].to_numpy()]
    end = a["end"].to_numpy(dtype="datetime64[us]")
    listed = listed.astype("datetime64[us]")
    no_date = np.isnat(listed)
    if asof is None:
        after_asof = np.zeros(len(a), dtype=bool)
    else:
        after_asof = ~no_date & (listed > asof.to_datetime64())
    after_end = ~no_date & ~np.isnat(end) & (listed > end)
    # a tie that ended before the listing never overlapped it, whatever the as_of date
    timing = np.where(after_end, TIMINGS[1], np.where(after_asof, TIMINGS[2], TIMINGS[0]))
    timing_s = pd.Series(timing, index=a.index, dtype=TEXT).mask(no_date)
    a = a.assign(timing=timing_s)
    grouped = (
        a.groupby(["_p", "_e", "timing"], dropna=False, sort=False)
        .agg(
            agreement_ids=(
                "agreement_id",
                lambda s: "; ".join(sorted(s.dropna().astype(str))) or pd.NA,
            ),
            n_agreements=("_p", "size"),
            score=("score", "first"),
            method=("method", "first"),
            decision=("decision", "first"),
            _v=("_v", "first"),
        )
        .reset_index()
    )
    e = entries.loc[grouped["_e"].to_numpy()]
    d = distinct.loc[grouped["_p"].to_numpy()]
    out = pd.DataFrame(
        {
            "kind": e["kind"].to_numpy(),
            "list": e["list"].to_numpy(),
            "partner": d["partner"].to_numpy(),
            "country": d["country"].to_numpy(),
            "partner_key": d["partner_key"].to_numpy(),
            "agreement_ids": grouped["agreement_ids"].to_numpy(dtype=object),
            "n_agreements": grouped["n_agreements"].to_numpy(),
            "entry_id": e["entry_id"].to_numpy(),
            "entry_name": e["name"].to_numpy(),
            "matched_name": wl["name"].to_numpy()[grouped["_v"].to_numpy(np.int64)],
            "score": grouped["score"].to_numpy(),
            "method": grouped["method"].to_numpy(dtype=object),
            "decision": grouped["decision"].to_numpy(dtype=object),
            "listed_on": e["listed_on"].to_numpy(),
            "program": e["program"].to_numpy(),
            "timing": grouped["timing"].to_numpy(dtype=object),
            "status": STATUS,
        }
    )
    return _sorted_hits(out.astype(_HIT_COLUMNS))  # type: ignore[arg-type]


def _sorted_hits(out: pd.DataFrame) -> pd.DataFrame:
    out = out.sort_values(
        ["kind", "list", "partner", "score", "entry_id"],
        ascending=[True, True, True, False, True],
        key=_kind_first,
        kind="stable",
    )
    return out.reset_index(drop=True)


def _list_facts(wl_all: pd.DataFrame, idx: pd.Index, asof: pd.Timestamp | None) -> dict:
    """Per list: its citation (the bundled index's source, else the reader's) and the age of
    its edition in years at ``asof`` (NA without ``asof`` or an edition date)."""
    meta = wl_all.attrs.get("watchlists", {})
    dates = wl_all.groupby("list", sort=True)["list_date"].max().reindex(idx)
    source = [
        (meta.get(k, {}).get("bundled_source") or meta.get(k, {}).get("source") or pd.NA)
        for k in idx
    ]
    age = [
        round((asof - d).days / 365.25, 1) if asof is not None and pd.notna(d) else pd.NA
        for d in dates
    ]
    return {
        "source": pd.array(source, dtype=TEXT),
        "edition_age_years": pd.array(age, dtype="Float64"),
        "eu_regimes": pd.array(_eu_regimes_named(wl_all, idx), dtype=TEXT),
    }


def _eu_regimes_named(wl_all: pd.DataFrame, idx: pd.Index) -> list[Any]:
    """Per list, the EU regimes its entries' programmes name (OpenSanctions ``EU-<key>``):
    ``"36 Restrictive measures in respect of ... [32014D0145;32014R0269]"``, or NA. A key
    several regimes share (``UKR``: regimes 35 and 36) names all of them."""
    progs = wl_all[["list", "program"]].dropna().drop_duplicates()
    keys = progs.assign(key=progs["program"].str.split(";")).explode("key")
    keys["key"] = keys["key"].str.strip()
    keys = keys[keys["key"].str.startswith("EU-")].assign(key=lambda f: f["key"].str[3:])
    if keys.empty:
        return [pd.NA] * len(idx)
    reg = eu_sanctions_regimes().dropna(subset=["program_keys"])
    reg = reg.assign(key=reg["program_keys"].str.split(";")).explode("key")
    named = keys.merge(reg, on="key")
    text = named.assign(
        t=named["regime_id"] + " " + named["name"] + " [" + named["celex"].fillna("") + "]"
    )
    by_list = text.groupby("list")["t"].agg(lambda t: "; ".join(sorted(set(t))))
    return [by_list.get(k, pd.NA) for k in idx]


def _coverage(m: _Matched, hits: pd.DataFrame, asof: pd.Timestamp | None) -> pd.DataFrame:
    """One row per list checked: edition, citation, entries, partners screened, with and
    without identifier, not identifiable, with and without hit, and the no-hit note."""
    wl_all, wl, distinct = m.wl_all, m.wl, m.distinct
    n = len(distinct)
    with_id = int(distinct["partner_key"].notna().sum())
    unnamed = int((m.p["_p"] < 0).sum())
    all_lists = wl_all.groupby("list", sort=True).agg(
        kind=("kind", lambda s: "; ".join(sorted(s.dropna().unique()))),
        list_date=("list_date", "max"),
    )
    total_entries = wl_all.groupby("list")["entry_id"].nunique()
    screened = wl.groupby("list")["entry_id"].nunique()
    variants = wl.groupby("list").size()
    hit_partners = (
        hits.assign(_pair=hits["partner"] + "\x1f" + hits["country"].fillna(""))
        .groupby("list")["_pair"]
        .nunique()
    )
    idx = all_lists.index
    entries = screened.reindex(idx).fillna(0).astype(int)
    with_hit = hit_partners.reindex(idx).fillna(0).astype(int)
    no_hit = n - with_hit
    notes = [
        f"{NO_HIT_NOTE}: {nh} of {n} partner(s) had no name match on this list; names can be "
        f"transliterated, renamed or missing from the list, and {n - with_id} partner(s) had no "
        "identifier to check."
        + (f" Edition of {ld.date()}." if pd.notna(ld) else " The list edition date is unknown.")
        + (f" {unnamed} tie(s) without a partner name were not screened." if unnamed else "")
        for nh, ld in zip(no_hit, all_lists["list_date"], strict=True)
    ]
    facts = _list_facts(wl_all, idx, asof)
    out = pd.DataFrame(
        {
            "list": pd.Series(idx, dtype=TEXT),
            "kind": all_lists["kind"].astype(TEXT).to_numpy(),
            "list_date": all_lists["list_date"].astype(_DATE).to_numpy(),
            "edition_age_years": facts["edition_age_years"],
            "source": facts["source"],
            "eu_regimes": facts["eu_regimes"],
            "entries": pd.array(entries.to_numpy(), dtype="Int64"),
            "entries_not_screened": pd.array(
                (total_entries.reindex(idx).fillna(0).astype(int) - entries).to_numpy(),
                dtype="Int64",
            ),
            "name_variants": pd.array(
                variants.reindex(idx).fillna(0).astype(int).to_numpy(), dtype="Int64"
            ),
            "partners_screened": pd.array([n] * len(idx), dtype="Int64"),
            "partners_with_identifier": pd.array([with_id] * len(idx), dtype="Int64"),
            "partners_without_identifier": pd.array([n - with_id] * len(idx), dtype="Int64"),
            "partners_not_identifiable": pd.array([m.not_identifiable] * len(idx), dtype="Int64"),
            "partners_with_hit": pd.array(with_hit.to_numpy(), dtype="Int64"),
            "partners_no_hit": pd.array(no_hit.to_numpy(), dtype="Int64"),
            "note": pd.Series(notes, dtype=TEXT).to_numpy(),
        }
    )
    out["note"] = out["note"].astype(TEXT)
    return out.sort_values(["kind", "list"], key=_kind_first, kind="stable").reset_index(drop=True)
