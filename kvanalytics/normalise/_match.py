"""Matching institution names against a reference: evidence per key, the best key, a decision.

:func:`match_institutions` works on the distinct (name, country) pairs of its input, in steps:
collect the evidence of each (:mod:`._evidence`), rank it per key, decide (match, review,
no_match), apply the analyst's overrides (:mod:`._overrides`), and map back to the input rows.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from os import PathLike
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from ..errors import SchemaError
from ._evidence import _alias_candidates, _fuzzy_candidates, _fuzzy_strings
from ._identifiers import IDENTIFIER_COLUMNS, identify_partners
from ._index import _prepare_reference, _Reference, _Shape, partner_id_keys
from ._lexicon import _lexicon
from ._overrides import _override_table
from ._parse import _parse

__all__ = ["DECISIONS", "METHODS", "match_institutions"]

#: Values of the ``method`` column, strongest evidence first.
METHODS = ("override", "identifier", "exact alias", "acronym", "contained alias", "fuzzy")
#: Values of the ``decision`` column.
DECISIONS = ("match", "review", "no_match")

_RESULT_COLUMNS = ["input", "key", "name", "score", "method", "runner_up", "margin", "decision"]
_METHOD_RANK = {m: i for i, m in enumerate(METHODS)}  # lower is stronger
#: Above this many names (and with a terminal on stderr) ``progress=None`` shows a bar.
_PROGRESS_MIN = 5_000


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector (if it runs) for the duration of the block.

    Parsing and indexing a reference of 100k names makes millions of small tuples that live on
    (in the reference and the parse caches) and form no reference cycles. CPython's collector
    still walks all of them at each full collection, about ten times while they accumulate,
    which took a third of the matching time; reference counting frees everything as before.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _show_progress(progress: bool | None, n: int) -> bool:
    if progress is None:
        return n > _PROGRESS_MIN and sys.stderr is not None and sys.stderr.isatty()
    return bool(progress)


def _aligned_inputs(
    names: Iterable[Any], country: Sequence[Any] | pd.Series | None
) -> tuple[pd.Series, pd.Series]:
    """The names as ``string`` (index 0..n-1) and their countries (upper case, "" unknown)."""
    values = pd.Series(list(names) if not isinstance(names, pd.Series) else names.to_list())
    inputs = values.astype("string").reset_index(drop=True)
    n = len(inputs)
    if country is None:
        return inputs, pd.Series("", index=range(n), dtype="string")
    countries = pd.Series(list(country), dtype="string")
    if len(countries) != n:
        raise ValueError(f"country has {len(countries)} values for {n} names; align them.")
    return inputs, countries.str.strip().str.upper().fillna("")


def _aligned_ids(identifiers: pd.DataFrame | None, n: int) -> list[str]:
    """Per input, its partner identifiers as one string (``"kind:id|..."``; "" for none)."""
    if identifiers is None:
        return [""] * n
    if not isinstance(identifiers, pd.DataFrame) or len(identifiers) != n:
        got = len(identifiers) if isinstance(identifiers, pd.DataFrame) else "no DataFrame"
        raise ValueError(f"identifiers has {got} rows for {n} names; align them.")
    if not any(c in identifiers.columns for c in IDENTIFIER_COLUMNS):
        raise SchemaError(
            f"identifiers has none of the columns {list(IDENTIFIER_COLUMNS)}; pass the "
            "partners' erasmus_code, pic or ror columns (e.g. df[['erasmus_code', 'pic']])."
        )
    ids = identify_partners(identifiers.reset_index(drop=True))
    return ["|".join(k) for k in partner_id_keys(ids)]


class _Evidence(NamedTuple):
    """The evidence of every distinct query (``qid``), with what the decision needs of each."""

    candidates: pd.DataFrame  # qid, key, score, method, span (alias length; 0 for fuzzy), pos
    norm: np.ndarray  # normalised query (object)
    generic: np.ndarray  # bool per query


def _collect_evidence(
    q_text: np.ndarray,
    q_country: np.ndarray,
    q_ids: Sequence[Sequence[str]],
    ref: _Reference,
    *,
    score_cutoff: float,
    workers: int,
    progress: bool,
) -> _Evidence:
    """Alias evidence per distinct query; fuzzy evidence in bulk for the queries it leaves open."""
    lex = _lexicon()
    nq = len(q_text)
    review_max = score_cutoff - 1  # capped evidence goes to review at most
    cand_q: list[int] = []
    found_all: list[tuple[int, float, str, int, int]] = []
    fuzzy_rows: list[tuple[int, str, str]] = []
    shapes: dict[str, _Shape] = {}
    generic = np.zeros(nq, dtype=bool)
    norm = np.empty(nq, dtype=object)
    for i in range(nq):
        text = q_text[i]
        parsed = _parse(text)
        norm[i] = parsed.norm
        generic[i] = parsed.generic
        found, settled = _alias_candidates(text, q_country[i], ref, lex, review_max, q_ids[i])
        cand_q.extend([i] * len(found))
        found_all.extend(found)
        if not settled:
            for string, shape in _fuzzy_strings(parsed, ref, lex):
                shapes.setdefault(string, shape)
                fuzzy_rows.append((i, string, q_country[i]))
    fq = pd.DataFrame(fuzzy_rows, columns=["qid", "string", "country"])
    fuzzy = _fuzzy_candidates(
        fq, shapes, ref, score_cutoff=score_cutoff, workers=workers, progress=progress
    )
    k, s, m, span, pos = zip(*found_all, strict=True) if found_all else ((), (), (), (), ())
    alias = pd.DataFrame(
        {
            "qid": np.asarray(cand_q, dtype=np.int64),
            "key": np.asarray(k, dtype=np.int64),
            "score": np.asarray(s, dtype=np.float64),
            "method": pd.Series(list(m), dtype=object),
            "span": np.asarray(span, dtype=np.int64),
            "pos": np.asarray(pos, dtype=np.int64),
        }
    )
    fuzzy = fuzzy.assign(method="fuzzy", span=0, pos=0).astype(
        {"qid": np.int64, "key": np.int64, "score": np.float64}
    )
    return _Evidence(pd.concat([alias, fuzzy], ignore_index=True), norm, generic)


class _Ranked(NamedTuple):
    """Per distinct query: the best key and the runner-up key (NaN where there is none)."""

    key: np.ndarray  # float key index
    score: np.ndarray
    method: np.ndarray  # object
    runner_key: np.ndarray  # float key index
    runner_score: np.ndarray  # 0 where there is no runner-up
    several: np.ndarray  # bool: the input names both keys in full, apart (rule 4)


def _names_apart(best: pd.DataFrame, second: pd.DataFrame, q_index: pd.RangeIndex) -> np.ndarray:
    """Per query, whether its best and runner-up keys are both names found whole inside the
    input (contained alias, 100) at different places: "Emory University and Georgia
    Institute of Technology" names two organisations; neither is a part of the other."""
    cols = ["score", "method", "pos", "span"]
    b = best[cols].reindex(q_index)
    r = second[cols].reindex(q_index)
    whole = (
        (b["method"] == "contained alias")
        & (r["method"] == "contained alias")
        & (b["score"] >= 100)
        & (r["score"] >= 100)
    )
    apart = (b["pos"] + b["span"] <= r["pos"]) | (r["pos"] + r["span"] <= b["pos"])
    return (whole & apart).fillna(False).to_numpy(dtype=bool)


def _rank(cands: pd.DataFrame, nq: int) -> _Ranked:
    """Per key the strongest evidence (highest score, then longest alias, then method); per
    query the best key and the next one -- where the input names both in full, apart, the one
    named first is the best (:func:`_names_apart`)."""
    cands = cands.assign(rank=cands["method"].map(_METHOD_RANK).astype(np.int64))
    cands = cands.sort_values(
        ["qid", "score", "span", "rank", "pos"],
        ascending=[True, False, False, True, True],
        kind="stable",
    )
    per_key = cands.drop_duplicates(["qid", "key"], keep="first")
    best = per_key.drop_duplicates("qid", keep="first").set_index("qid")
    second = (
        per_key[per_key.duplicated("qid", keep="first")].drop_duplicates("qid").set_index("qid")
    )
    q_index = pd.RangeIndex(nq)
    several = _names_apart(best, second, q_index)
    b, r = best.reindex(q_index), second.reindex(q_index)
    swap = several & (r["pos"] < b["pos"]).fillna(False).to_numpy(dtype=bool)
    keep = pd.Series(~swap, index=q_index)
    first = b.where(keep, r, axis=0)  # the organisation named first leads
    other = r.where(keep, b, axis=0)
    return _Ranked(
        key=first["key"].to_numpy(dtype=np.float64),  # NaN: no candidate
        score=first["score"].to_numpy(dtype=np.float64),
        method=first["method"].to_numpy(dtype=object),
        runner_key=other["key"].to_numpy(dtype=np.float64),
        runner_score=other["score"].fillna(0.0).to_numpy(dtype=np.float64),
        several=several,
    )


def _decide(
    ranked: _Ranked,
    generic: np.ndarray,
    score_cutoff: float,
    review_cutoff: float,
    min_margin: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Decision and margin per query (rules 2-6 of :func:`match_institutions`)."""
    has = ~np.isnan(ranked.score)
    margin = np.where(has, ranked.score - ranked.runner_score, np.nan)
    s = np.nan_to_num(ranked.score)
    mg = np.nan_to_num(margin)
    leads = (mg >= min_margin) | ranked.several
    decision = np.select(
        [~has, generic & (s >= review_cutoff), generic, (s >= score_cutoff) & leads],
        ["no_match", "review", "no_match", "match"],
        default=np.where(s >= review_cutoff, "review", "no_match"),
    ).astype(object)
    return decision, margin


class _Outcome(NamedTuple):
    """Per distinct query, what the result shows of the decision."""

    key: np.ndarray  # object: key or None
    name: np.ndarray  # object: canonical name of the best key or None
    method: np.ndarray
    decision: np.ndarray


def _apply_overrides(
    outcome: _Outcome, overrides: Any, norm: np.ndarray, ref: _Reference
) -> _Outcome:
    """Rule 1: an override for the normalised query decides, whatever the evidence."""
    table = _override_table(overrides, ref)
    if table is None or not len(table):
        return outcome
    decisions = {k: v for k, v in table["decision"].items() if isinstance(v, str)}
    keys_over = {k: v for k, v in table["key"].items() if isinstance(v, str)}
    hit = np.array([decisions.get(x) for x in norm], dtype=object)
    hit_key = np.array([keys_over.get(x) for x in norm], dtype=object)
    on = np.array([h is not None for h in hit], dtype=bool)
    is_match = np.array([h == "match" for h in hit], dtype=bool)
    key_index = {k: i for i, k in enumerate(ref.keys.tolist())}
    over_key = np.array(
        [key_index[k] if isinstance(k, str) else np.nan for k in hit_key], dtype=np.float64
    )
    return _Outcome(
        key=np.where(is_match, hit_key, np.where(on, np.full(len(norm), None), outcome.key)),
        name=np.where(is_match, _lookup(ref.canonical, over_key), outcome.name),
        method=np.where(on, "override", outcome.method),
        decision=np.where(on, hit, outcome.decision),
    )


def _lookup(values: np.ndarray, index: np.ndarray) -> np.ndarray:
    """``values[index]`` where ``index`` (float) is not NaN, else None."""
    ok = ~np.isnan(index)
    out = np.full(len(index), None, dtype=object)
    out[ok] = values[index[ok].astype(np.int64)]
    return out


def match_institutions(
    names: Iterable[Any],
    reference: pd.DataFrame,
    *,
    country: Sequence[Any] | pd.Series | None = None,
    identifiers: pd.DataFrame | None = None,
    score_cutoff: float = 90.0,
    review_cutoff: float = 80.0,
    min_margin: float = 5.0,
    overrides: str | PathLike[str] | pd.DataFrame | None = None,
    workers: int = -1,
    progress: bool | None = None,
) -> pd.DataFrame:
    """Match institution names to reference keys, with the evidence and a decision per name.

    Each distinct (name, country) is normalised once (see :func:`normalise_name`); its
    *organisation part* is what the rules below compare. Evidence (the ``method`` column) and its
    score, per reference key; name variants of a key count with their best score:

    - ``identifier`` (100), looked at first: the input's Erasmus code, PIC or ROR id (the
      ``identifiers`` columns, or written in the name: ``UK LONDON029``, ``PIC 999 977 948``,
      ``ror.org/02jx3x895``) is one the reference has (its ``erasmus_code``, ``pic``, ``ror``
      columns, and its keys read as Erasmus codes or ROR ids: ``read_erasmus_charter``
      output is a registry as it is), or the input contains a reference key. An identifier
      that one key has settles the input: names are not compared. One that several keys share
      (one PIC, two Erasmus codes) gives each ``score_cutoff - 1``, and the name may settle it;
      identifiers that point at different keys tie (margin 0: review).
    - ``exact alias`` (100): the organisation part equals a normalised reference name, same words
      in the same order ("Universiteit van Amsterdam" = "University of Amsterdam"; "Washington
      University" is not "University of Washington"); also after dropping an unknown acronym at
      either end (a legal form such as "НИУ"). 95 when the reference name is written in a script
      that transliterates ambiguously (Chinese, Japanese, Korean, Arabic: 暨南 and 济南 are both
      "Jinan") and the input does not have the same characters.
    - ``acronym``: the whole input is an acronym of a reference name: a name row that is itself
      an acronym ("МГУ", "HSE") counts as an exact alias; initials derived from a name ("HIT",
      "MIPT", "BMSTU") score 100. An acronym written in capitals inside a longer input scores the
      share of its segment's other distinctive words that the key's names explain (the acronym
      counts as one): "HSE University" 100; a derived one is capped at ``score_cutoff - 1``.
    - ``contained alias``: a specific (non-generic) reference name occurs word for word inside a
      longer input (100), not counting one inside a longer name of another key found there
      ("University of California" inside "University of California San Diego"). It is capped at
      ``score_cutoff - 1`` when the words around it make it a longer, different name: a word
      before it that is not a department's subject ("Medical University of Warsaw", "The Chinese
      University of Hong Kong", "North China ..."), a hospital or health word after it ("Peking
      University Third Hospital"), a subject tied by "of" ("Warsaw University of Technology"), or
      another word after it where the reference has longer names starting with it (campuses).
      Also (95): the input equals a reference name without its leading descriptor words
      ("Higher School of Economics" for "National Research University Higher School of
      Economics").
    - ``fuzzy``: ``token_sort_ratio`` between the organisation part (and, in long segments, short
      windows ending at an organisation-type word) and the reference names that share the first
      or last three letters of a distinctive word (blocking); the better of that and ``ratio`` of
      both names in order without spaces ("Jiaotong" / "Jiao Tong"). A score at or above
      ``score_cutoff`` is capped at ``score_cutoff - 1`` unless the distinctive words agree up to
      one typo per word of six letters or more and the organisation-type word sits on the same
      side ("University of X" vs "X University"). Not computed for inputs settled by an
      identifier, exact alias or whole-input acronym, nor for inputs without a distinctive word.

    The best key is the one with the highest score (ties: the longer alias, then the stronger
    method, then the one named first); the runner-up is the next key; margin = score - runner-up score (the runner-up
    counts as 0 when there is none). Decisions, in order:

    1. an override for the normalised input decides (``match`` with its key, or ``no_match``);
    2. NA, blank or noise-only input, or no candidate: ``no_match``;
    3. a *generic* input (only organisation-type, unit and stop words plus at most one subject
       word: "Institute of Physics", "State University") is never matched automatically:
       ``review`` if its score >= ``review_cutoff``, else ``no_match``;
    4. ``match`` when score >= ``score_cutoff`` and margin >= ``min_margin``: alias evidence
       matches unless another key has (nearly) as strong evidence. An input that names two
       organisations of the reference in full, at different places ("Emory University and
       Georgia Institute of Technology": both contained aliases scoring 100, neither part of
       the other) is matched to the one named first; the other is the runner-up (margin 0);
    5. ``review`` when score >= ``review_cutoff`` (a good score with a small margin, or capped
       evidence);
    6. ``no_match`` otherwise.

    Parameters
    ----------
    names : iterable of str
        Names or affiliation strings in any language or script; NA allowed.
    reference : pandas.DataFrame
        Columns ``key`` and ``name`` (one row per name variant; the first row of a key gives
        its canonical name; a row may be an acronym such as "HSE"), optional ``country`` (ISO2).
    country : sequence of str, optional
        ISO2 per name. Where both sides know the country, only reference rows of that country
        (and rows of unknown country) are candidates.
    identifiers : pandas.DataFrame, optional
        Aligned with ``names``: any of the columns ``erasmus_code``, ``pic``, ``ror`` raw as
        found (read by :func:`identify_partners`; an invalid value is no evidence).
    score_cutoff, review_cutoff : float
        Scores (0-100) from which a name is matched or goes to review.
    min_margin : float
        Minimum lead over the runner-up key for an automatic match.
    overrides : path or DataFrame, optional
        Analyst decisions (see :func:`read_overrides`), matched on the normalised input.
    workers : int
        Threads for ``rapidfuzz.process.cdist``; -1 uses all cores.
    progress : bool, optional
        Show a tqdm bar; None shows it for more than 5,000 names when stderr is a terminal.

    Returns
    -------
    pandas.DataFrame
        One row per input, in input order: ``input``, ``key`` (NA unless matched), ``name``
        (canonical name of the best key, NA when there is none), ``score`` (0-100), ``method``,
        ``runner_up`` (canonical name of the second-best key), ``margin``, ``decision`` (match,
        review, no_match). For overrides, ``score``, ``runner_up`` and ``margin`` are what the
        matcher found, kept for audit.

    Raises
    ------
    SchemaError
        ``reference`` lacks ``key`` or ``name``.
    ReferenceDataError
        Reference rows without key or name; overrides that are malformed or name unknown keys.
    ValueError
        Cutoffs out of order, or ``country`` or ``identifiers`` not aligned with ``names``.
    SchemaError
        ``identifiers`` has none of the identifier columns.

    Examples
    --------
    >>> ref = pd.DataFrame({"key": ["uva", "vu"],
    ...                     "name": ["Universiteit van Amsterdam", "Vrije Universiteit Amsterdam"]})
    >>> match_institutions(["University of Amsterdam"], ref)[["key", "method", "decision"]]
       key       method decision
    0  uva  exact alias    match
    """
    if not 0 <= review_cutoff <= score_cutoff <= 100:
        raise ValueError(
            f"need 0 <= review_cutoff <= score_cutoff <= 100, got {review_cutoff}, {score_cutoff}."
        )
    inputs, countries = _aligned_inputs(names, country)
    ids = _aligned_ids(identifiers, len(inputs))
    with _gc_paused():  # parsing makes millions of lasting objects and no cycles
        ref = _prepare_reference(reference)
        # Work on distinct (name, country, identifiers): a million rows cost their distinct
        # spellings.
        pair = pd.DataFrame({"input": inputs.fillna(""), "country": countries, "ids": ids})
        qid, distinct = pd.factorize(pd.MultiIndex.from_frame(pair))
        evidence = _collect_evidence(
            np.asarray(distinct.get_level_values(0), dtype=object),
            np.asarray(distinct.get_level_values(1), dtype=object),
            [v.split("|") if v else [] for v in distinct.get_level_values(2)],
            ref,
            score_cutoff=score_cutoff,
            workers=workers,
            progress=_show_progress(progress, len(inputs)),
        )
    ranked = _rank(evidence.candidates, len(distinct))
    decision, margin = _decide(ranked, evidence.generic, score_cutoff, review_cutoff, min_margin)
    outcome = _Outcome(
        key=_lookup(ref.keys, np.where(decision == "match", ranked.key, np.nan)),
        name=_lookup(ref.canonical, ranked.key),
        method=ranked.method,
        decision=decision,
    )
    outcome = _apply_overrides(outcome, overrides, evidence.norm, ref)
    per_q = pd.DataFrame(
        {
            "key": pd.array(list(outcome.key), dtype="string"),
            "name": pd.array(list(outcome.name), dtype="string"),
            "score": pd.array(ranked.score, dtype="Float64"),
            "method": pd.array(list(outcome.method), dtype="string"),
            "runner_up": pd.array(list(_lookup(ref.canonical, ranked.runner_key)), dtype="string"),
            "margin": pd.array(margin, dtype="Float64"),
            "decision": pd.array(list(outcome.decision), dtype="string"),
        }
    )
    result = per_q.iloc[qid].reset_index(drop=True)
    result.insert(0, "input", inputs)
    return result[_RESULT_COLUMNS]
