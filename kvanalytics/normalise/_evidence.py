"""Evidence that an input names a reference key, each kind with its ``method`` label.

``identifier``, ``exact alias``, ``acronym`` and ``contained alias`` come from
:func:`_alias_candidates` (one distinct input at a time, by dictionary look-ups in the reference
index); ``fuzzy`` from :func:`_fuzzy_candidates` (all inputs at once, scored in bulk with
:func:`rapidfuzz.process.cdist`). The rules themselves are documented in
:func:`kvanalytics.normalise.match_institutions`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein
from tqdm.auto import tqdm

from ._identifiers import canonical_erasmus_code, normalise_pic, normalise_ror
from ._index import _block_keys, _raw_key, _Reference, _Shape, _shape
from ._lexicon import _Lexicon, _Word
from ._parse import (
    _DISTINCT_ROLES,
    _NAME_ROLES,
    _ORG_ROLES,
    _parse,
    _Parsed,
    _place_mask,
    _Segment,
)

#: Fuzzy candidates below this score are not kept (they never decide anything).
_FUZZY_FLOOR = 60
#: Fuzzy candidates more than this many points below the query's best (in a block) are not kept.
_FUZZY_WINDOW = 15
#: Queries per ``cdist`` call: a few hundred keeps the score matrix at ~25 MB for 100k names.
_CHUNK = 256
_ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9:/._-]*[A-Za-z0-9]")
#: Partner identifiers written in a name: an Erasmus code in capitals ("UK LONDON029"), a PIC
#: after the word PIC ("PIC 999 977 948"), a ROR id ("ror.org/04dkp9463" or bare).
_TEXT_ERASMUS_RE = re.compile(
    r"(?<![\w-])[A-Z]{1,3}[ \u00a0]{1,2}[A-Z][A-Z-]{1,8}[A-Z] ?[0-9]{1,3}(?![\w-])"
)
_TEXT_PIC_RE = re.compile(r"\bPIC\W{0,3}([0-9]{3} ?[0-9]{3} ?[0-9]{3})(?![0-9])", re.IGNORECASE)
_TEXT_ROR_RE = re.compile(r"(?<![0-9a-z])0[0-9a-hjkmnp-tv-z]{6}[0-9]{2}(?![0-9a-z])")

#: A candidate: key index, score, method, length of the alias found (longer wins ties), and
#: the word where a contained alias starts (0 for other evidence: which one is named first).
_Cand = tuple[int, float, str, int, int]


def _rows_ok(ref: _Reference, rows: Sequence[int] | np.ndarray, country: str) -> np.ndarray:
    """Rows allowed for a query of this country: same country, or either side unknown."""
    rows = np.asarray(rows, dtype=np.int64)
    if not country:
        return rows
    rc = ref.row_country[rows]
    return rows[(rc == "") | (rc == country)]


# --------------------------------------------------------------------------------------------
# Alias evidence: identifier, exact alias, acronym, contained alias
# --------------------------------------------------------------------------------------------


def _text_ids(text: str) -> list[str]:
    """Partner identifiers written in a name, as ``"kind:normalised id"`` (see _index)."""
    out: list[str] = []
    found = {
        "erasmus_code": (_TEXT_ERASMUS_RE.findall(text), canonical_erasmus_code),
        "pic": (_TEXT_PIC_RE.findall(text), normalise_pic),
        "ror": (_TEXT_ROR_RE.findall(text.lower()), normalise_ror),
    }
    for kind, (raw, read) in found.items():
        if raw:
            out.extend(f"{kind}:{v}" for v in read(raw).dropna())
    return out


def _identifier_candidates(
    text: str, ref: _Reference, ids: Sequence[str], review_max: float
) -> list[_Cand]:
    """Reference keys whose partner identifiers (Erasmus code, PIC, ROR id) the input carries
    in its identifier columns or in its text, and reference keys (ROR ids or URLs, or their
    last part) written in the input. An identifier several keys share gives each of them
    ``review_max`` (it decides nothing alone); identifiers pointing at different keys tie."""
    out: list[_Cand] = []
    if ref.partner_ids:
        for ident in dict.fromkeys([*ids, *_text_ids(text)]):
            keys = ref.partner_ids.get(ident, ())
            score = 100.0 if len(keys) == 1 else review_max
            out.extend((k, score, "identifier", 99, 0) for k in keys)
    if ref.identifiers:
        for tok in _ID_RE.findall(text):
            low = tok.lower()
            for cand in (low, low.rstrip("/").rsplit("/", 1)[-1]):
                k = ref.identifiers.get(cand)
                if k is not None:
                    out.append((k, 100.0, "identifier", 99, 0))
    return out


def _alias_candidates(
    text: str,
    country: str,
    ref: _Reference,
    lex: _Lexicon,
    review_max: float,
    ids: Sequence[str] = (),
) -> tuple[list[_Cand], bool]:
    """Identifier, exact-alias, acronym and contained-alias candidates of one distinct input.

    Returns the candidates and whether the input is settled (by an identifier, an exact alias
    or a whole-input acronym: no fuzzy scoring needed).
    """
    out = _identifier_candidates(text, ref, ids, review_max)
    if any(c[1] >= 100 for c in out):  # identifiers first: no name evidence needed
        return out, True
    parsed = _parse(text)
    if not parsed.norm:
        return out, True
    settled = False
    raw = _raw_key(text) if ref.lossy else ""
    for norm in _norm_variants(parsed, ref):
        span = len(norm.split())
        found = ref.exact.get(norm)
        if found is not None:
            rows = _rows_ok(ref, found, country)
            out.extend((k, s, "exact alias", span, 0) for k, s in _alias_scores(ref, rows, raw))
            settled = settled or len(rows) > 0
        found = ref.cores.get(norm)
        if found is not None:  # the input is a reference name without its descriptors
            rows = _rows_ok(ref, found, country)
            out.extend(
                (k, min(s, 95.0), "contained alias", span, 0)
                for k, s in _alias_scores(ref, rows, raw)
            )
    if " " not in parsed.norm and parsed.norm not in ref.explicit_acronyms:
        whole = ref.acronyms.get(parsed.norm)  # the whole input is an acronym: "HIT"
        if whole is not None:
            rows = _rows_ok(ref, whole, country)
            for k in np.unique(ref.row_key[rows]):
                out.append((int(k), 100.0, "acronym", 1, 0))
            settled = settled or len(rows) > 0
    if settled:
        return out, True
    out.extend(_acronyms_in_text(parsed, country, ref, lex, review_max))
    out.extend(_contained(parsed, country, ref, lex, review_max))
    return out, False


def _norm_variants(parsed: _Parsed, ref: _Reference) -> list[str]:
    """The normalised input, and the same without an unknown acronym at either end (a legal
    form or descriptor such as "НИУ", "ФГБОУ ВО")."""
    words = parsed.norm.split()
    caps = set().union(*(s.acronyms for s in parsed.segments))
    out = [parsed.norm]
    while len(words) > 1 and words[0] in caps and words[0] not in ref.acronyms:
        words = words[1:]
    while len(words) > 1 and words[-1] in caps and words[-1] not in ref.acronyms:
        words = words[:-1]
    if len(words) < len(out[0].split()):
        out.append(" ".join(words))
    return out


def _alias_scores(ref: _Reference, rows: np.ndarray, raw: str) -> list[tuple[int, float]]:
    """Best alias score per key among ``rows``: 100, or 95 for a name in a script that
    transliterates ambiguously (Chinese, Arabic ...) unless the input has the same characters."""
    best: dict[int, float] = {}
    for r in rows.tolist():
        lossy = ref.lossy.get(r)
        score = 95.0 if lossy is not None and lossy != raw else 100.0
        k = int(ref.row_key[r])
        best[k] = max(best.get(k, 0.0), score)
    return list(best.items())


def _key_words(ref: _Reference, key: int) -> set[str]:
    """Every word of every name of a key, canonical and as written (for acronym coverage)."""
    out: set[str] = set()
    for r in np.flatnonzero(ref.row_key == key):
        p = ref.parsed[r]
        out.update(p.norm.split())
        for seg in p.segments:
            out.update(seg.raw_tokens)
    return out


def _acronyms_in_text(
    parsed: _Parsed, country: str, ref: _Reference, lex: _Lexicon, review_max: float
) -> list[_Cand]:
    """Acronyms written in capitals inside a longer input ("HSE University", "UCSF").

    The score is the share of the segment's other distinctive words that the key's names explain
    (the acronym counts as one). An acronym derived from initials (not a name row of the
    reference) is capped below ``score_cutoff``: it can only go to review.
    """
    out: list[_Cand] = []
    for seg in parsed.segments:
        for acr in seg.acronyms:
            rows = ref.acronyms.get(acr)
            explicit = acr in ref.explicit_acronyms
            if rows is None or (len(acr) < 3 and not explicit):
                continue
            rows = _rows_ok(ref, rows, country)
            rest = {w.text for w in seg.words if w.role in _DISTINCT_ROLES}
            rest -= lex.places | seg.acronyms
            for k in np.unique(ref.row_key[rows]):
                vocab = _key_words(ref, int(k))
                covered = sum(
                    1
                    for t in rest
                    if t in vocab or any(fuzz.ratio(t, v, score_cutoff=85) for v in vocab)
                )
                score = 100.0 * (1 + covered) / (1 + len(rest))
                if not explicit:
                    score = min(score, review_max)
                out.append((int(k), score, "acronym", 1, 0))
    return out


def _contained_hits(
    tokens: Sequence[str], seg_id: Sequence[int], country: str, ref: _Reference
) -> list[tuple[int, int, np.ndarray]]:
    """Spans ``tokens[i:j]`` that are a contained reference name, with their allowed rows; a
    span across segments only for a name written with a comma itself."""
    n = len(tokens)
    hits: list[tuple[int, int, np.ndarray]] = []
    for i in range(n):
        for j in range(i + 1, min(n, i + ref.max_len) + 1):
            if tokens[j - 1] not in ref.vocab:
                break
            name = " ".join(tokens[i:j])
            found = ref.contained.get(name)
            if found is None or (seg_id[i] != seg_id[j - 1] and name not in ref.multi_segment):
                continue
            rows = _rows_ok(ref, found, country)
            if len(rows):
                hits.append((i, j, rows))
    return hits


def _contained(
    parsed: _Parsed, country: str, ref: _Reference, lex: _Lexicon, review_max: float
) -> list[_Cand]:
    """Reference names found word for word, in order, inside a longer input.

    A name found is no evidence when it is part of a longer name found for another key, or when
    it runs across a comma that the reference name does not have. When the words around it make
    it a different, longer name (see :func:`_extended`), its score is capped at ``review_max``.
    """
    segs = parsed.segments
    words = [w for s in segs for w in s.words]
    seg_id = [i for i, s in enumerate(segs) for _ in s.words]
    tokens = [w.text for w in words]
    places = _place_mask(tokens, lex)
    hits = _contained_hits(tokens, seg_id, country, ref)
    out: list[_Cand] = []
    for i, j, rows in hits:
        keys = set(ref.row_key[rows].tolist())
        if any(
            i2 <= i
            and j <= j2
            and (j2 - i2) > (j - i)
            and not keys <= set(ref.row_key[r2].tolist())
            for i2, j2, r2 in hits
        ):
            continue  # "University of California" inside "University of California San Diego"
        exact = " ".join(tokens[i:j]) == parsed.norm
        # A name inside a longer, different name is worth a look, not a match.
        longer = _extended(words, seg_id, places, segs, ref, lex, i, j)
        score = review_max if longer else 100.0
        for k in keys:
            out.append((k, score, "exact alias" if exact else "contained alias", j - i, i))
    return out


def _extended_before(
    words: Sequence[_Word], seg_id: Sequence[int], segs: Sequence[_Segment], lex: _Lexicon, i: int
) -> bool:
    """Whether the word before ``words[i]`` (in the same segment) starts a longer name."""
    if i > 0 and seg_id[i - 1] == seg_id[i] and words[i].linked:
        # "The First Affiliated Hospital of Anhui Medical University"
        return words[i - 1].text in lex.care
    if i > 0 and seg_id[i - 1] == seg_id[i] and not words[i].article:
        before = words[i - 1]
        if before.text in lex.lead or before.article:
            return True  # "North China ...", "... The Chinese University of Hong Kong"
        # "Purdue University" after a subject word ends a department's name ("Family Studies
        # Purdue University"); "University of Warsaw" after one is another name ("Medical ...").
        proper = words[i].role in _DISTINCT_ROLES
        if (
            before.role not in _NAME_ROLES
            and not (proper and before.role == "generic")
            and before.text not in segs[seg_id[i]].acronyms
        ):
            earlier = [w for k, w in enumerate(words[: i - 1]) if seg_id[k] == seg_id[i]]
            if not any(w.role in _NAME_ROLES for w in earlier):
                return True
    return False


def _extended_after(
    words: Sequence[_Word],
    seg_id: Sequence[int],
    places: Sequence[bool],
    ref: _Reference,
    lex: _Lexicon,
    i: int,
    j: int,
) -> bool:
    """Whether the words after ``words[i:j]`` (in the same segment) make it a longer name."""
    if not (j < len(words) and seg_id[j] == seg_id[j - 1]):
        return False
    name = words[i:j]
    after = words[j]
    nxt = [w for k, w in enumerate(words[j : j + 2], j) if seg_id[k] == seg_id[j]]
    if any(w.text in lex.care for w in nxt):
        return True  # "Peking University Third Hospital"
    closed = name[-1].role in _ORG_ROLES
    if closed and name[-1].text != "university" and any(w.text in lex.suborg for w in nxt):
        return True  # "Mayo Clinic College of Medicine"
    if closed and after.linked and after.role == "generic":
        return True  # "Warsaw University of Technology"
    return (
        (after.linked or not closed)
        and after.role in ("generic", "word", "number")
        and not places[j]
        and after.text not in {w.text for w in name}
        and " ".join(w.text for w in name) in ref.extended
    )  # "University of California San Diego"


def _extended(
    words: Sequence[_Word],
    seg_id: Sequence[int],
    places: Sequence[bool],
    segs: Sequence[_Segment],
    ref: _Reference,
    lex: _Lexicon,
    i: int,
    j: int,
) -> bool:
    """Whether the words around ``words[i:j]`` (a reference name) make it a longer, different name.

    Before the name, in the same segment: North/South/East/West/Central/New ("North China
    University of ..."), a word after "the" ("The Chinese University of Hong Kong"), or any word
    that is not a department's subject, i.e. with no unit or organisation-type word before it,
    unless it is an acronym or the name follows "of/at/in" or "the" ("Medical University of
    Warsaw", "George Washington University" are other names; "Department of Genetics Stanford
    University", "Professor at King's College" are not); a hospital tied by "of" ("Affiliated
    Hospital of Anhui Medical University" is the hospital).

    After the name, in the same segment: a hospital, clinic or health word ("Peking University
    Third Hospital") within two words; after a name ending in an organisation-type word other
    than university, another organisation-type word within two words ("Mayo Clinic College of
    Medicine"); a subject word tied by "of" ("Warsaw University of Technology"). Another word
    after an open name ("University of California San Diego"), or tied by "of" to a closed one
    ("Sapienza University of Rome"), extends it only when the reference holds longer names that
    start with it: then the words that follow tell its campuses apart; otherwise they are a city.

    The word lists (North ..., hospital ..., the sub-organisation words) are the ``lead``,
    ``care`` and ``suborg`` rows of ``data/institution_context_words.csv``.
    """
    return _extended_before(words, seg_id, segs, lex, i) or _extended_after(
        words, seg_id, places, ref, lex, i, j
    )


# --------------------------------------------------------------------------------------------
# Fuzzy evidence
# --------------------------------------------------------------------------------------------


def _typo(a: str, b: str) -> bool:
    """Equal, or one edit apart in words of six letters or more ("Kyusyu", "Kyushu")."""
    if a == b:
        return True
    return min(len(a), len(b)) >= 6 and Levenshtein.distance(a, b, score_cutoff=1) <= 1


def _same_name(a: _Shape, b: _Shape) -> bool:
    """Distinctive words agree up to a typo each, and the organisation-type word sits on the same
    side of them ("Washington University" is not "University of Washington")."""
    if a.org_first is not None and b.org_first is not None and a.org_first != b.org_first:
        return False
    if len(a.distinct) == len(b.distinct):
        return all(_typo(x, y) for x, y in zip(a.distinct, b.distinct, strict=True))
    return _typo("".join(a.distinct), "".join(b.distinct))  # "Jiaotong" / "Jiao Tong"


def _fuzzy_strings(parsed: _Parsed, ref: _Reference, lex: _Lexicon) -> list[tuple[str, _Shape]]:
    """What the fuzzy scorer compares: each organisation part and, in long organisation segments,
    the windows of up to three words ending at an organisation-type word ("... Xi'an Jiaotong
    University") or starting the segment ("University of X Y ..."), when they hold a
    distinctive word and the words around them do not make them part of a longer name."""
    spans: list[Sequence[_Word]] = list(parsed.parts)
    segs = parsed.segments
    words = [w for s in segs for w in s.words]
    seg_id = [i for i, s in enumerate(segs) for _ in s.words]
    places: list[bool] | None = None
    start = 0
    for seg in segs:
        end = start + len(seg.words)
        if seg.kind == "org" and len(seg.words) > 3:
            if places is None:
                places = _place_mask([w.text for w in words], lex)
            for g in range(start, end):
                if words[g].role not in _ORG_ROLES:
                    continue
                for k in (1, 2, 3):
                    for lo, hi in ((g - k, g + 1), (g, g + k + 1)):
                        if lo < start or hi > end or (lo == g and g != start):
                            continue
                        if not _extended(words, seg_id, places, segs, ref, lex, lo, hi):
                            spans.append(words[lo:hi])
        start = end
    out: dict[str, _Shape] = {}
    for span in spans:
        if not any(w.role in _DISTINCT_ROLES for w in span):
            continue
        key = " ".join(sorted(w.text for w in span))
        out.setdefault(key, _shape(span))
    return list(out.items())


def _expand(ptr: np.ndarray, groups: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For CSR offsets ``ptr``: the positions of every member of ``groups``, and the index into
    ``groups`` each came from (a vectorised one-to-many join)."""
    starts = ptr[groups]
    counts = ptr[groups + 1] - starts
    owner = np.repeat(np.arange(len(groups)), counts)
    pos = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
    return starts[owner] + pos, owner


class _Block(NamedTuple):
    """The fuzzy queries of one country (``""``: unknown), grouped by blocking key."""

    country: str
    qids: np.ndarray  # input id per query row of the block
    strings: np.ndarray  # distinct query strings (object)
    shapes: list[_Shape]  # per distinct string
    inverse: np.ndarray  # distinct string per query row
    allowed: np.ndarray | None  # choice strings allowed for this country (None: all)
    members: dict[str, list[int]]  # blocking key -> distinct strings


def _blocks(queries: pd.DataFrame, shapes: dict[str, _Shape], ref: _Reference) -> list[_Block]:
    """The queries by country, each distinct string listed under its blocking keys."""
    out = []
    for block, group in queries.groupby("country", sort=True):
        strings, inverse = np.unique(group["string"].to_numpy(dtype=object), return_inverse=True)
        q_shapes = [shapes[x] for x in strings.tolist()]
        allowed = None
        if block:
            ok_row = (ref.row_country == "") | (ref.row_country == block)
            allowed = np.logical_or.reduceat(ok_row[ref.choice_flat], ref.choice_ptr[:-1])
        members: dict[str, list[int]] = {}
        for i, shape in enumerate(q_shapes):
            for bk in _block_keys(shape.distinct):
                if bk in ref.blocks:
                    members.setdefault(bk, []).append(i)
        qids = group["qid"].to_numpy()
        out.append(_Block(str(block), qids, strings, q_shapes, inverse, allowed, members))
    return out


def _score_block(
    block: _Block, ref: _Reference, workers: int, bar: Any
) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """``ratio`` of sorted words (= ``token_sort_ratio``) of every query string of a block with
    the choice strings of its blocking keys, in chunks; per query and blocking key the scores
    within ``_FUZZY_WINDOW`` of its best. Returns (string, choice, score) arrays, or None."""
    found = []
    for bk, idx in block.members.items():
        cols = ref.blocks[bk]
        if block.allowed is not None:
            cols = cols[block.allowed[cols]]
        if not len(cols):
            continue
        choices = list(ref.choice_strings[cols])
        for start in range(0, len(idx), _CHUNK):
            sel = np.asarray(idx[start : start + _CHUNK])
            m = process.cdist(
                list(block.strings[sel]),
                choices,
                scorer=fuzz.ratio,
                score_cutoff=_FUZZY_FLOOR,
                dtype=np.uint8,
                workers=workers if len(sel) * len(cols) > 50_000 else 1,
            )
            best = m.max(axis=1).astype(np.int16)
            thresh = np.maximum(best - _FUZZY_WINDOW, _FUZZY_FLOOR).astype(np.uint8)
            qi, ci = np.nonzero(m >= thresh[:, None])
            found.append((sel[qi], cols[ci], m[qi, ci]))
        if bar is not None:
            bar.update(len(idx))
    if not found:
        return None
    sq = np.concatenate([f[0] for f in found])
    sc = np.concatenate([f[1] for f in found])
    ss = np.concatenate([f[2] for f in found]).astype(np.float64)
    return sq, sc, ss


def _block_candidates(
    block: _Block,
    scored: tuple[np.ndarray, np.ndarray, np.ndarray],
    ref: _Reference,
    score_cutoff: float,
    workers: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The scores of a block as (input id, key, score): choice strings become reference rows of
    the block's country, near scores are compared again without spaces, high scores of a
    different name are capped (:func:`_same_name`), query strings become their inputs."""
    sq, sc, ss = scored
    row_country = ref.row_country
    # choice string -> reference rows (a string can be a name of several keys)
    pos, owner = _expand(ref.choice_ptr, sc)
    rows = ref.choice_flat[pos]
    sq, ss = sq[owner], ss[owner]
    if block.country:
        keep = (row_country[rows] == "") | (row_country[rows] == block.country)
        sq, ss, rows = sq[keep], ss[keep], rows[keep]
    # Words split or joined differently ("Jiaotong" / "Jiao Tong"): also compare the
    # names in order without spaces, and keep the better score.
    near = np.flatnonzero(ss >= _FUZZY_FLOOR + 10)
    if len(near):
        q_joined = np.asarray([sh.joined for sh in block.shapes], dtype=object)
        again = process.cpdist(
            q_joined[sq[near]].tolist(),
            ref.row_joined[rows[near]].tolist(),
            scorer=fuzz.ratio,
            workers=workers,
        )
        ss[near] = np.maximum(ss[near], np.round(again))
    high = np.flatnonzero(ss >= score_cutoff)
    for t, x, r in zip(high.tolist(), sq[high].tolist(), rows[high].tolist(), strict=True):
        if not _same_name(block.shapes[x], ref.row_shape[r]):
            ss[t] = min(ss[t], score_cutoff - 1)
    # query string -> the inputs that produced it
    by_s = np.argsort(sq, kind="stable")
    s_ptr = np.searchsorted(sq[by_s], np.arange(len(block.strings) + 1))
    pos, owner = _expand(s_ptr, block.inverse)
    return block.qids[owner], ref.row_key[rows[by_s[pos]]], ss[by_s[pos]]


def _best_per_pair(
    found: list[tuple[np.ndarray, np.ndarray, np.ndarray]], n_keys: int
) -> pd.DataFrame:
    """The best score per (input id, key), as columns qid, key, score."""
    if not found:
        return pd.DataFrame({"qid": [], "key": [], "score": []})
    q = np.concatenate([f[0] for f in found]).astype(np.int64)
    k = np.concatenate([f[1] for f in found]).astype(np.int64)
    sc_all = np.concatenate([f[2] for f in found])
    code = q * (n_keys + 1) + k
    o = np.lexsort((-sc_all, code))
    first = np.ones(len(o), dtype=bool)
    first[1:] = code[o][1:] != code[o][:-1]
    o = o[first]
    return pd.DataFrame({"qid": q[o], "key": k[o], "score": sc_all[o]})


def _fuzzy_candidates(
    queries: pd.DataFrame,
    shapes: dict[str, _Shape],
    ref: _Reference,
    *,
    score_cutoff: float,
    workers: int,
    progress: bool,
) -> pd.DataFrame:
    """Best fuzzy score per (query, key); ``queries`` has columns qid, string, country.

    ``token_sort_ratio`` is ``ratio`` of sorted words: the words are sorted once here, then
    ``cdist`` scores the pairs in bulk, in chunks of a few hundred queries. Blocking: a query
    is compared with the reference names that share the first or the last three letters of one
    of its distinctive words (and its country, when both sides know it); a name with a typo in
    both ends of every distinctive word is not found. Per query and block, only candidates
    within ``_FUZZY_WINDOW`` points of its best are kept. A score at or above ``score_cutoff``
    is capped at ``score_cutoff - 1`` when the distinctive words differ by more than a typo or
    the organisation-type word sits on the other side (:func:`_same_name`).
    """
    blocks = _blocks(queries, shapes, ref)
    total = sum(len(v) for b in blocks for v in b.members.values())
    bar = None
    if progress and total:
        bar = tqdm(total=total, desc="matching institutions", unit="name")
    found = []
    try:
        for block in blocks:
            scored = _score_block(block, ref, workers, bar)
            if scored is not None:
                found.append(_block_candidates(block, scored, ref, score_cutoff, workers))
    finally:
        if bar is not None:
            bar.close()
    return _best_per_pair(found, len(ref.keys))
