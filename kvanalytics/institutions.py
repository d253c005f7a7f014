"""Explainable matching of free-text institution names against a reference registry (e.g. ROR).

The matcher reads a name the way an analyst would: it folds case, accents and scripts (via
:func:`kvanalytics.normalise.fold`), maps organisation-type words of many languages onto one token
("Universiteit", "Università", "университет" -> ``university``; they are never deleted, so
"Universiteit van Amsterdam" and "Vrije Universiteit Amsterdam" stay apart), drops stop words
("of", "van", "degli", "für"), and strips affiliation noise (departments, street addresses,
postcodes, e-mail addresses, country names). It then collects evidence, each kind with its own
``method`` label, so that every decision can be explained (details in
:func:`match_institutions`):

``identifier``
    the input contains a reference key (a ROR id or URL).
``exact alias``
    the normalised input equals a normalised reference name (same words, same order).
``acronym``
    the input is, or contains in capitals, an acronym of a reference name ("HIT", "МГУ").
``contained alias``
    a reference name occurs word for word inside a longer input ("Department of Genetics
    Stanford University Stanford California USA"), or the input is a reference name without its
    leading descriptors ("Higher School of Economics").
``fuzzy``
    similarity of the organisation part of the input with reference names
    (:func:`rapidfuzz.fuzz.token_sort_ratio`, computed in bulk with :func:`rapidfuzz.process.cdist`).
``override``
    an analyst's decision from an overrides file; it always wins.

Reference data (CSV, editable): ``data/org_type_words.csv`` (organisation-type and unit words of
many languages, with their canonical token), ``data/institution_words.csv`` (descriptors and
subject words, with a ``generic`` flag), ``data/institution_stop_words.csv`` (with a
``connector`` flag: "of", "de", "di") and ``data/institution_places.csv`` (places and street words,
beside the country names of pycountry).
"""

from __future__ import annotations

import gc
import hashlib
import html
import re
import sys
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from os import PathLike
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from .config import PACKAGE_DATA
from .errors import ReferenceDataError, SchemaError
from .normalise import fold

__all__ = [
    "DECISIONS",
    "METHODS",
    "OVERRIDE_COLUMNS",
    "match_institutions",
    "match_summary",
    "matching_accuracy",
    "normalise_name",
    "normalise_names",
    "read_overrides",
]

#: Values of the ``method`` column, strongest evidence first.
METHODS = ("override", "identifier", "exact alias", "acronym", "contained alias", "fuzzy")
#: Values of the ``decision`` column.
DECISIONS = ("match", "review", "no_match")
#: Columns of an overrides file (one analyst decision per row).
OVERRIDE_COLUMNS = ("input", "key", "decision", "analyst", "date", "note")


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


_RESULT_COLUMNS = ["input", "key", "name", "score", "method", "runner_up", "margin", "decision"]
_METHOD_RANK = {m: i for i, m in enumerate(METHODS)}  # lower is stronger
#: Fuzzy candidates below this score are not kept (they never decide anything).
_FUZZY_FLOOR = 60
#: Fuzzy candidates more than this many points below the query's best (in a block) are not kept.
_FUZZY_WINDOW = 15
#: Queries per ``cdist`` call: a few hundred keeps the score matrix at ~25 MB for 100k names.
_CHUNK = 256
#: Above this many names (and with a terminal on stderr) ``progress=None`` shows a bar.
_PROGRESS_MIN = 5_000
#: Words before an organisation name that make it a different, longer name ("North China ...").
_LEAD_WORDS = _word_set(
    "north south east west northern southern eastern western northeast northwest southeast "
    "southwest northeastern northwestern southeastern southwestern central new upper lower"
)
#: Words after a name that make the input a hospital or health system of its own
#: ("Peking University Third Hospital", "Yonsei University Health System").
_CARE_WORDS = frozenset({"hospital", "clinic", "health"})
#: Organisation-type words after a closed name that make a sub-organisation with a record of its
#: own ("Mayo Clinic College of Medicine"); not after a university, whose schools, colleges and
#: centres are mostly its faculties ("Pennsylvania State University College of Medicine").
_SUBORG_WORDS = frozenset(
    {"university", "institute", "academy", "college", "hogeschool", "polytechnic", "hospital"}
    | {"center", "laboratory", "clinic", "foundation", "company", "observatory"}
)
#: Chinese, Japanese and Korean organisation words, replaced before transliteration because
#: anyascii writes CJK text without spaces ("北京大学" -> "beijingdaxue").
_CJK_WORDS = {
    "科学院": " academy sciences ",
    "研究院": " institute ",
    "研究所": " institute ",
    "大学": " university ",
    "大學": " university ",
    "学院": " college ",
    "医院": " hospital ",
    "醫院": " hospital ",
    "中心": " center ",
    "대학교": " university ",
    "대학": " university ",
}
_CJK_RE = re.compile("|".join(sorted(map(re.escape, _CJK_WORDS), key=len, reverse=True)))
_NOISE_RE = re.compile(r"\S+@\S+|https?://\S+|www\.\S+", re.IGNORECASE)
_SEGMENT_RE = re.compile(r"\s*(?:[,;|()\[\]{}/\\]|\s[-–—]\s|\t|\n)\s*")
_GAP_RE = re.compile(r"\s{2,}")
#: What :func:`_split` acts on besides trimming: camel case, separators, runs of spaces.
_SPLIT_WORK_RE = re.compile(r"[a-z][A-Z]|[,;|()\[\]{}/\\\t\n\-–—]|\s\s")
_JOIN_RE = re.compile(r"(?<=[a-z])[&'`](?=[a-z])")
_AMP_RE = re.compile(r"\b([a-z])\s*&\s*([a-z])\b")  # "A & M", "A&amp M" -> "am"
_CAMEL_RE = re.compile(r"(?<=[a-z]{3})(?=[A-Z][a-z]{2}|[A-Z]{2,}\b)")  # "InstituteUniversity"
_WORD_RE = re.compile(r"[a-z]+|[0-9]+")
_DIGIT_RE = re.compile(r"\d")
_CAPS_RE = re.compile(r"[A-Z\u0391-\u03a9\u0400-\u042f]{2}")
_LETTERS_RE = re.compile(r"[^\W\d_]+")
_LOWER_RUN_RE = re.compile(r"[^\W\d_A-Z]{3,}")
#: Scripts whose transliteration is ambiguous: Chinese characters (no tones: 暨南 and 济南 are both
#: "jinan"), kana, hangul, and Arabic script (no short vowels).
_LOSSY_RE = re.compile(r"[\u0600-\u06ff\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
_PAREN_ACRONYM_RE = r"\(\s*([^\W\d_][\w&.-]{1,11}?)\s*\)"
_ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9:/._-]*[A-Za-z0-9]")
_ORG_ROLES = frozenset({"org", "org_weak"})
#: Words that acronyms skip: "University *of* California" -> UC.
_ACRONYM_SKIP = _word_set(
    "of the and for at in on to de di da do du des der den van voor fur und et og en y e i"
)
_NAME_ROLES = frozenset({"org", "org_weak", "unit"})
_DISTINCT_ROLES = frozenset({"word", "number"})
#: Shared by the segments without acronyms (most of them): one object instead of one each.
_NO_ACRONYMS: frozenset[str] = frozenset()
#: Roles of the leading words that :func:`_cores` may drop ("National Research University ...").
_DESCRIPTOR_ROLES = frozenset({"generic", "org", "org_weak"})


# --------------------------------------------------------------------------------------------
# Word lists
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class _Lexicon:
    exact: dict[str, tuple[str, str]]  # word -> (canonical token, role)
    prefixes: tuple[tuple[str, str, str], ...]  # (prefix, canonical, role), longest first
    suffixes: tuple[tuple[str, str, str], ...]  # compounds: "rijksuniversiteit", "klinikum"
    stop: frozenset[str]
    connectors: frozenset[str]  # stop words that tie a name to what follows: of, de, di, van
    places: frozenset[str]  # place names as space-joined canonical tokens
    place_len: int
    address: frozenset[str]  # street and building words: a segment with one is an address
    place_words: frozenset[str] = frozenset()  # every word of a place name
    typo_index: dict[str, tuple[str, ...]] = field(default_factory=dict)  # first letter -> words
    prefix_re: re.Pattern[str] = re.compile("(?!)")
    suffix_re: re.Pattern[str] = re.compile("(?!)")
    affix: dict[str, tuple[str, str]] = field(default_factory=dict)  # affix -> canonical, role


def _read_words(name: str) -> pd.DataFrame:
    return pd.read_csv(PACKAGE_DATA / name, dtype=str, keep_default_na=False)


@lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    exact: dict[str, tuple[str, str]] = {}
    prefixes: list[tuple[str, str, str]] = []
    suffixes: list[tuple[str, str, str]] = []
    words = _read_words("institution_words.csv")
    words = words.assign(role=np.where(words["generic"].str.lower() == "true", "generic", "word"))
    orgs = _read_words("org_type_words.csv")
    for table in (words, orgs):  # organisation-type words last: they win over descriptors
        cols = table[["word", "canonical", "match", "role"]]
        for word, canonical, how, role in cols.itertuples(index=False):
            if how == "prefix":
                prefixes.append((word, canonical, role))
            elif how == "suffix":
                suffixes.append((word, canonical, role))
            else:
                exact[word] = (canonical, role)
    prefixes.sort(key=lambda p: -len(p[0]))
    suffixes.sort(key=lambda p: -len(p[0]))
    stops = _read_words("institution_stop_words.csv")
    stop = frozenset(stops["word"])
    connectors = frozenset(stops.loc[stops["connector"].str.lower() == "true", "word"])
    table = _read_words("institution_places.csv")
    is_address = table["kind"] == "address"
    address = frozenset(table.loc[is_address, "name"].str.lower())
    names = list(table.loc[~is_address, "name"])
    try:  # pycountry is a dependency; its English names cover every country
        import pycountry

        for c in pycountry.countries:
            for attr in ("name", "common_name", "official_name"):
                value = getattr(c, attr, None)
                if value:
                    names.append(value.split(",")[0])
    except ImportError:  # pragma: no cover - the bundled list still covers the usual aliases
        pass
    bare = _Lexicon(
        exact, tuple(prefixes), tuple(suffixes), stop, connectors, frozenset(), 1, address
    )
    places = set()
    for n in names:
        toks = [t.text for t in _words(fold(n), bare)[0]]
        if toks:
            places.add(" ".join(toks))
    place_len = max(len(p.split()) for p in places)
    by_letter: dict[str, list[str]] = {}
    for word, (_, role) in exact.items():
        if len(word) >= 7 and role != "word":
            by_letter.setdefault(word[0], []).append(word)
    typo_index = {k: tuple(v) for k, v in by_letter.items()}
    return _Lexicon(
        exact,
        tuple(prefixes),
        tuple(suffixes),
        stop,
        connectors,
        frozenset(places),
        place_len,
        address,
        frozenset(w for p in places for w in p.split()),
        typo_index,
        re.compile("|".join(re.escape(p) for p, _, _ in prefixes)),
        re.compile("(?:" + "|".join(re.escape(x) for x, _, _ in suffixes) + ")$"),
        {a: (c, r) for a, c, r in (*prefixes, *suffixes)},
    )


def _canon(token: str, lex: _Lexicon) -> tuple[str, str]:
    hit = lex.exact.get(token)
    if hit is not None:
        return hit
    m = lex.suffix_re.search(token)
    if m and m.start() >= 3:
        return lex.affix[m.group(0)]
    m = lex.prefix_re.match(token)
    if m:
        return lex.affix[m.group(0)]
    if len(token) >= 7:  # "Univcrsity", "Polytecnic", "Engienering": a typo in a listed word
        near = lex.typo_index.get(token[0])
        if near:
            best = process.extractOne(token, near, scorer=fuzz.ratio, score_cutoff=90)
            if best is not None:
                return lex.exact[best[0]]
    return token, "word"


@lru_cache(maxsize=200_000)
def _canon_cached(token: str) -> tuple[str, str]:
    return _canon(token, _lexicon())


class _Word(NamedTuple):
    text: str  # canonical token
    role: str  # org, org_weak, unit, generic, word, number
    linked: bool  # follows a connector ("of", "de", "di"): "University *of Technology*"
    article: bool = False  # follows "the": a name starts here ("... Plants *The Chinese* ...")


@lru_cache(maxsize=400_000)
def _word(token: str, linked: bool, article: bool) -> _Word:
    """The word of a token, made once: the names of a reference share most of their words, and
    sharing the tuples also spares the garbage collector."""
    canonical, role = _canon_cached(token)
    return _Word(canonical, role, linked, article)


@lru_cache(maxsize=200_000)
def _words(folded: str, lex: _Lexicon) -> tuple[tuple[_Word, ...], tuple[str, ...]]:
    """Canonical words of folded text, and its words before canonical mapping (for acronyms);
    drops stop words, initials, postcodes and house numbers. Cached: names that differ only in
    case ("KAZAN STATE UNIVERSITY", "kazan state university") fold to the same text."""
    text = folded
    if "&" in text or "'" in text or "`" in text:  # most names have none: skip two regex passes
        text = _JOIN_RE.sub("", text)
        if "&" in text:
            text = _AMP_RE.sub(r"\1\2", text).replace("&", " and ")
    out: list[_Word] = []
    raw: list[str] = []
    linked = article = False
    stop = lex.stop
    complete = bool(lex.places)  # the lexicon is complete: use the cache
    toks = _WORD_RE.findall(text)
    last = len(toks) - 1
    for n, tok in enumerate(toks):
        if tok in stop:
            if len(tok) > 1:
                raw.append(tok)
            linked = linked or tok in lex.connectors
            article = tok == "the"
            continue
        if tok.isdigit():
            # "Paris 7", "Bordeaux 1" keep their number; footnote marks, postcodes and street
            # numbers are noise
            if len(tok) <= 2 and out and out[-1].role == "word":
                out.append(_Word(tok, "number", linked))
            linked = article = False
            continue
        if tok == "u" and (n == last or toks[n + 1] == "of"):
            tok = "university"  # "Hong Kong Polytechnic U.", "U. of Illinois"
        elif len(tok) == 1:  # initials ("M. V. Lomonosov"), "P. R. China"
            continue
        else:
            raw.append(tok)
        if complete:
            out.append(_word(tok, linked, article))
        else:
            canonical, role = _canon(tok, lex)
            out.append(_Word(canonical, role, linked, article))
        linked = article = False
    return tuple(out), tuple(raw)


# --------------------------------------------------------------------------------------------
# Parsing one name
# --------------------------------------------------------------------------------------------


class _Segment(NamedTuple):
    words: tuple[_Word, ...]  # places stripped from "other" segments
    raw_tokens: tuple[str, ...]  # folded tokens before canonical mapping (for acronyms)
    kind: str  # org, unit, other
    strong: bool  # names an organisation with a strong organisation-type word
    acronyms: frozenset[str]  # folded words written in capitals in the input ("HSE", "МГУ")


class _Parsed(NamedTuple):
    norm: str  # the organisation part, canonical tokens in input order
    segments: tuple[_Segment, ...]
    parts: tuple[tuple[_Word, ...], ...]  # organisation parts, compared by the fuzzy scorer
    generic: bool


def _is_acronym(word: str) -> bool:
    """ "HSE", "МГУ", "UFSCar": two capitals or more, no run of three lower-case letters."""
    if not 2 <= len(word) <= 10 or word[1:].islower():
        return False
    return word.isupper() or (
        sum(ch.isupper() for ch in word) >= 2 and not _LOWER_RUN_RE.search(word)
    )


def _place_mask(tokens: Sequence[str], lex: _Lexicon) -> list[bool]:
    mask = [False] * len(tokens)
    if lex.place_words.isdisjoint(tokens):
        return mask
    i = 0
    while i < len(tokens):
        for n in range(min(lex.place_len, len(tokens) - i), 0, -1):
            if " ".join(tokens[i : i + n]) in lex.places:
                mask[i : i + n] = [True] * n
                i += n
                break
        else:
            i += 1
    return mask


@lru_cache(maxsize=200_000)
def _segment(raw: str, lex: _Lexicon) -> _Segment | None:
    acronyms = _NO_ACRONYMS
    if _CAPS_RE.search(raw):  # cheap test first: acronyms have two capitals in a row
        letters = _LETTERS_RE.findall(raw)
        if len(letters) < 3 or not raw.isupper():  # an all-capitals segment has no acronyms
            acronyms = frozenset(fold(w) for w in letters if _is_acronym(w))
    words, raw_tokens = _words(fold(raw), lex)
    if not words:
        return None
    if not lex.address.isdisjoint(raw_tokens) and _DIGIT_RE.search(raw):
        # "1101 University Ave.": a street address, unless an organisation-type word stands
        # elsewhere than in the street's name ("... Universität Gießen, Otto-Behaghel-Str. 10c")
        named = [t for t in raw_tokens if t not in lex.stop]
        streets = {
            _canon_cached(named[k - 1])[0] for k, t in enumerate(named) if k and t in lex.address
        }
        if all(w.text in streets for w in words if w.role == "org"):
            return None
    roles = {w.role for w in words}
    places = _place_mask([w.text for w in words], lex)
    if all(places):
        return None  # "Russia", "New York NY", "P. R. China"
    strong = "org" in roles
    if strong or ("org_weak" in roles and words[0].role != "unit"):
        kind = "org"
    elif "unit" in roles:
        kind = "unit"
    elif not lex.address.isdisjoint(raw_tokens):
        return None  # "1500 Highland Ave.", "Piazza Rinascimento 6"
    else:
        kind = "other"
        # "Beijing 100190 P. R. China" -> "beijing": a city, kept only as a qualifier
        words = tuple([w for w, p in zip(words, places, strict=True) if not p])
    if acronyms:
        acronyms = frozenset(a for a in acronyms if a not in lex.places)
    return _Segment(words, raw_tokens, kind, strong, acronyms)


def _split(text: str) -> list[str]:
    if "&" in text:
        text = html.unescape(text)
    text = text.replace("+", " ").replace("_", " ")
    if (
        "@" not in text
        and "http" not in text
        and "www." not in text
        and (text.isascii() or _CJK_RE.search(text) is None)
        and _SPLIT_WORK_RE.search(text) is None
    ):
        # Most reference names ("University of X") are one segment with nothing to rewrite: one
        # scan tells, instead of the four regex passes below.
        text = text.strip()
        return [text] if text else []
    text = _CAMEL_RE.sub(" ", text)
    if "@" in text or "http" in text or "www." in text:
        text = _NOISE_RE.sub(" , ", text)
    if not text.isascii():
        text = _CJK_RE.sub(lambda m: _CJK_WORDS[m.group(0)], text)
    # "Eidgenössische Technische Hochschule (ETH) Zürich": the acronym becomes a segment of its
    # own, so that the name around it stays in one piece
    acronyms = []
    if "(" in text:
        acronyms = [a for a in re.findall(_PAREN_ACRONYM_RE, text) if _is_acronym(a)]
    if acronyms:
        text = re.sub(
            _PAREN_ACRONYM_RE, lambda m: " " if _is_acronym(m.group(1)) else m.group(0), text
        )
    parts: list[str] = []
    for piece in _SEGMENT_RE.split(text):
        # Runs of spaces separate an address in some exports ("Stockholm University  Kräftriket
        # 2B"), but a single word on either side is a typo inside a name ("Jinan  University").
        merged: list[str] = []
        for sub in _GAP_RE.split(piece.strip()):
            if merged and sub and (" " not in sub or " " not in merged[-1]):
                merged[-1] += " " + sub
            elif sub:
                merged.append(sub)
        parts.extend(merged)
    return parts + acronyms


def _is_generic(words: Sequence[_Word]) -> bool:
    """Only organisation-type, unit and stop words plus at most one subject word."""
    content = [w for w in words if w.role not in _NAME_ROLES]
    if not words:
        return False
    return len(content) == 0 or (len(content) == 1 and content[0].role == "generic")


@lru_cache(maxsize=500_000)
def _parse(text: str, affiliation: bool = True) -> _Parsed:
    lex = _lexicon()
    segs = tuple([s for r in _split(text) if (s := _segment(r, lex)) is not None])
    parts: list[tuple[_Word, ...]] = []
    if not affiliation:  # a reference name: every segment but places and addresses counts
        whole = segs[0].words if len(segs) == 1 else tuple(w for s in segs for w in s.words)
        if whole:
            parts.append(whole)
    for i, seg in enumerate(segs if affiliation else ()):
        if seg.kind != "org":
            continue
        words = seg.words
        # An open name ("University of California, Davis") takes a short qualifier that follows;
        # a closed one ("Gunma University, Maebashi") does not: that is its city.
        if words[-1].role not in _ORG_ROLES and i + 1 < len(segs):
            nxt = segs[i + 1]
            is_acronym = len(nxt.words) == 1 and nxt.words[0].text in nxt.acronyms
            repeat = {w.text for w in nxt.words} <= {w.text for w in words}  # "X-Madison, Madison"
            if nxt.kind == "other" and 1 <= len(nxt.words) <= 3 and not (is_acronym or repeat):
                words = (*words, *nxt.words)
        parts.append(words)
    if affiliation and not parts:
        # No organisation-type word: the organisation usually comes first, then its city.
        first = next((s for s in segs if s.kind == "other" and s.words), None)
        first = first or next((s for s in segs if s.words), None)
        if first is not None:
            parts.append(first.words)
    flat = parts[0] if len(parts) == 1 else [w for p in parts for w in p]
    return _Parsed(
        norm=" ".join([w.text for w in flat]),
        segments=segs,
        parts=tuple(parts),
        generic=_is_generic(flat),
    )


def normalise_name(name: str, *, affiliation: bool = True) -> str:
    """Normalise an institution name or affiliation string to its organisation part.

    Case, accents, punctuation and scripts are folded (NFKC, then anyascii transliteration);
    organisation-type words of many languages become one token (``universiteit``, ``università``,
    ``университет`` -> ``university``; ``instituut`` -> ``institute``; ``hochschule`` ->
    ``hogeschool``); stop words (of, the, van, de, degli, studi, für, imeni ...), initials and
    postcodes are dropped. An affiliation is split on commas, semicolons, brackets, slashes and
    runs of spaces, and only the segments that name an organisation (contain an organisation-type
    word) are kept; departments, addresses and country or city segments are dropped. A short
    segment right after an open name is kept as its qualifier ("University of California, Davis").

    Parameters
    ----------
    name : str
        A name in any script and language; NA or blank gives ``""``.
    affiliation : bool
        True (default) treats the text as an affiliation string and keeps its organisation
        part; False treats it as a clean name (a reference name): every segment is kept except
        countries and addresses ("California State University, Long Beach").

    Returns
    -------
    str
        Canonical tokens in input order, separated by single spaces.

    Examples
    --------
    >>> normalise_name("Department of Physics, Lomonosov Moscow State University, Moscow 119991")
    'lomonosov moscow state university'
    >>> normalise_name("Università degli Studi di Milano")
    'university milano'
    """
    if name is None or name is pd.NA or (isinstance(name, float) and np.isnan(name)):
        return ""
    return _parse(str(name), affiliation).norm


def normalise_names(names: Iterable[Any], *, affiliation: bool = True) -> pd.Series:
    """Normalise many names (see :func:`normalise_name`), each distinct value once.

    Parameters
    ----------
    names : iterable of str
        Names; NA stays NA. A Series keeps its index.
    affiliation : bool
        As in :func:`normalise_name`.

    Returns
    -------
    pandas.Series
        ``string`` dtype, aligned with ``names``.

    Examples
    --------
    >>> normalise_names(["Universiteit van Amsterdam", None]).tolist()
    ['university amsterdam', <NA>]
    """
    values = names if isinstance(names, pd.Series) else pd.Series(list(names), dtype=object)
    codes, uniques = pd.factorize(values.astype("string"), use_na_sentinel=True)
    done = [normalise_name(str(u), affiliation=affiliation) for u in uniques]
    out = np.array([*done, pd.NA], dtype=object)
    return pd.Series(out[codes], index=values.index, dtype="string")


# --------------------------------------------------------------------------------------------
# Reference
# --------------------------------------------------------------------------------------------


class _Shape(NamedTuple):
    """What the fuzzy check compares beyond the score: distinctive words and word order (a tuple:
    one is made per reference name, and a frozen dataclass costs several times as much)."""

    distinct: tuple[str, ...]  # words that are not organisation-type, subject or stop words
    org_first: bool | None  # "University of X" (True) or "X University" (False)
    joined: str = ""  # all words in order, without spaces ("jiaotong" = "jiao tong")


_NO_SHAPE = _Shape((), None)


def _shape(words: Sequence[_Word]) -> _Shape:
    roles = [w.role for w in words]
    distinct = tuple([w.text for w, r in zip(words, roles, strict=True) if r in _DISTINCT_ROLES])
    first = None
    if distinct and not _ORG_ROLES.isdisjoint(roles):
        # whether the first word that is organisation-type or distinctive is organisation-type
        first = next(r in _ORG_ROLES for r in roles if r in _ORG_ROLES or r in _DISTINCT_ROLES)
    return _Shape(distinct, first, "".join([w.text for w in words]))


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


@dataclass(frozen=True)
class _Reference:
    keys: np.ndarray  # distinct keys (object)
    canonical: np.ndarray  # canonical name per key (object)
    row_key: np.ndarray  # key index per reference row (int)
    row_country: np.ndarray  # ISO2 per row, "" when unknown (object)
    row_shape: list[_Shape]
    row_joined: np.ndarray  # row_shape[r].joined per row (object), for bulk lookups
    exact: dict[str, list[int]]  # normalised name -> rows
    cores: dict[str, list[int]]  # name without leading descriptors ("Higher School of ...")
    lossy: dict[int, str]  # rows in scripts that transliterate ambiguously -> raw, casefolded
    contained: dict[str, list[int]]  # the same, for names specific enough to find inside text
    multi_segment: frozenset[str]  # contained names written with a comma ("Univ. of X, Davis")
    extended: frozenset[str]  # word sequences that start a longer contained name
    vocab: frozenset[str]
    max_len: int
    acronyms: dict[str, np.ndarray]  # acronym -> rows
    explicit_acronyms: frozenset[str]
    parsed: list[_Parsed]  # per row
    identifiers: dict[str, int]  # lower-cased identifier -> key index
    choice_strings: np.ndarray  # distinct sorted normalised names for the fuzzy scorer
    blocks: dict[str, np.ndarray]  # blocking key -> choice strings (see _block_keys)
    choice_ptr: np.ndarray  # CSR offsets into choice_flat, per choice string
    choice_flat: np.ndarray  # reference rows, grouped by choice string


def _derived_acronyms(parsed: _Parsed, lex: _Lexicon) -> set[str]:
    """Initials of a name's words, skipping "of", "and", "the" ("Harbin Institute of Technology"
    -> "hit", "University of California, Los Angeles" -> "ucla"), and of its canonical words;
    a Russian or Ukrainian name up to "imeni" (named after): "МГТУ им. Баумана" -> "mgtu"."""
    out = set()
    raw = [t for s in parsed.segments for t in s.raw_tokens if t not in _ACRONYM_SKIP]
    for words in (raw, parsed.norm.split()):
        for cut in ("imeni", "im", "named"):
            if cut in words:
                words = words[: words.index(cut)]
        if len(words) >= 2:
            out.add("".join([w[0] for w in words]))
    return {a for a in out if len(a) >= 3 and a not in lex.places}


def _cores(parsed: _Parsed) -> list[str]:
    """A name without a leading run of descriptor words, when what is left still names an
    organisation specifically: "National Research University Higher School of Economics" ->
    "Higher School of Economics" (the input may be contained in the reference name)."""
    words = parsed.parts[0] if parsed.parts else ()
    if len(words) < 3 or words[0].role not in _DESCRIPTOR_ROLES:
        return []  # most names: no leading descriptor
    out = []
    for m in range(1, len(words) - 1):
        if words[m - 1].role not in _DESCRIPTOR_ROLES:
            break
        rest = words[m:]
        if any(w.role in _ORG_ROLES for w in rest) and not _is_generic(rest):
            out.append(" ".join(w.text for w in rest))
    return out


def _raw_key(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


_REFERENCE_CACHE: dict[bytes, _Reference] = {}


def _prepare_reference(reference: pd.DataFrame) -> _Reference:
    """The reference, parsed and indexed; cached by content, so that re-running a notebook
    against the same reference does not parse it again."""
    if not isinstance(reference, pd.DataFrame):
        raise SchemaError("reference must be a DataFrame with columns 'key' and 'name'.")
    cols = [c for c in ("key", "name", "country") if c in reference.columns]
    digest = hashlib.blake2b(
        pd.util.hash_pandas_object(reference[cols].astype("string"), index=False)
        .to_numpy()
        .tobytes()
        + ",".join(cols).encode(),
        digest_size=16,
    ).digest()
    cached = _REFERENCE_CACHE.get(digest)
    if cached is None:
        cached = _build_reference(reference)
        if len(_REFERENCE_CACHE) >= 4:
            _REFERENCE_CACHE.pop(next(iter(_REFERENCE_CACHE)))
        _REFERENCE_CACHE[digest] = cached
    return cached


def _build_reference(reference: pd.DataFrame) -> _Reference:
    if not isinstance(reference, pd.DataFrame):
        raise SchemaError("reference must be a DataFrame with columns 'key' and 'name'.")
    missing = [c for c in ("key", "name") if c not in reference.columns]
    if missing:
        raise SchemaError(
            f"reference lacks column(s) {missing}; it needs 'key' and 'name' (one row per name "
            "variant) and may have 'country' (ISO2)."
        )
    key = reference["key"].astype("string").str.strip()
    name = reference["name"].astype("string").str.strip()
    bad = (key.isna() | (key == "") | name.isna() | (name == "")).to_numpy(dtype=bool)
    if bad.any():
        examples = list(reference.index[bad][:3])
        raise ReferenceDataError(
            f"reference has {int(bad.sum())} row(s) without a key or a name (e.g. rows {examples}); "
            "drop or complete them before matching."
        )
    if "country" in reference.columns:
        country = reference["country"].astype("string").str.strip().str.upper().fillna("")
    else:
        country = pd.Series("", index=reference.index, dtype="string")
    lex = _lexicon()
    key_codes, keys = pd.factorize(key)
    first_row = pd.Series(np.arange(len(key_codes))).groupby(key_codes).first().to_numpy()
    canonical = name.to_numpy(dtype=object)[first_row]
    # "Queensland University of Technology (QUT)": the name, and "QUT" as an acronym row. The
    # regex runs in Python: run it on the few names with a bracket only.
    names = name.to_numpy(dtype=object)
    bracketed = np.flatnonzero(name.str.contains("(", regex=False).to_numpy(dtype=bool))
    sub = name.iloc[bracketed]
    inner = sub.str.extract(_PAREN_ACRONYM_RE, expand=False)
    has = inner.map(lambda v: isinstance(v, str) and _is_acronym(v)).to_numpy(dtype=bool)
    stripped = sub.str.replace(_PAREN_ACRONYM_RE, " ", regex=True).str.strip()
    swap = has & (stripped != "").to_numpy(dtype=bool)
    names[bracketed[swap]] = stripped.to_numpy(dtype=object)[swap]
    extra = bracketed[has]
    names = np.concatenate([names, inner.to_numpy(dtype=object)[has]])
    key_codes = np.concatenate([np.asarray(key_codes), np.asarray(key_codes)[extra]])
    country = pd.concat([country, country.iloc[extra]], ignore_index=True)
    parsed = [_parse(n, False) for n in names]
    # One pass over the rows builds every index (rows in ascending order in each list).
    exact: dict[str, list[int]] = {}
    contained: dict[str, list[int]] = {}  # specific names: neither generic nor an acronym row
    cores: dict[str, list[int]] = {}
    acr_rows: dict[str, list[int]] = {}
    explicit: set[str] = set()
    multi_segment: set[str] = set()
    specific: list[str] = []  # the name where specific, else ""
    row_shape: list[_Shape] = []
    for r, (n, p) in enumerate(zip(names, parsed, strict=True)):
        norm = p.norm
        row_shape.append(_shape(p.parts[0]) if p.parts else _NO_SHAPE)
        if norm:
            exact.setdefault(norm, []).append(r)
        if " " not in n and _is_acronym(n):  # a name row that is an acronym ("HSE")
            specific.append("")
            if norm:
                acr_rows.setdefault(norm, []).append(r)
                explicit.add(norm)
            continue
        for acr in _derived_acronyms(p, lex):
            acr_rows.setdefault(acr, []).append(r)
        if p.generic or not norm:
            specific.append("")
            continue
        specific.append(norm)
        contained.setdefault(norm, []).append(r)
        for core in _cores(p):
            cores.setdefault(core, []).append(r)
        if len(p.segments) > 1:
            multi_segment.add(norm)
    lossy = {r: _raw_key(n) for r, n in enumerate(names) if not n.isascii() and _LOSSY_RE.search(n)}
    identifiers: dict[str, int] = {}
    for i, k in enumerate(map(str, keys)):
        if len(k) >= 6 and any(map(str.isdigit, k)):
            identifiers[k.lower()] = i
            identifiers[k.rstrip("/").rsplit("/", 1)[-1].lower()] = i
    sorted_names = [" ".join(sorted(s.split())) for s in specific]
    choice_codes, choice_strings = pd.factorize(pd.Series(sorted_names, dtype=object))
    keep = np.asarray([bool(c) for c in choice_strings], dtype=bool)
    new_code = np.cumsum(keep) - 1
    sel = keep[choice_codes]
    codes = new_code[choice_codes[sel]]
    rows_sel = np.flatnonzero(sel)
    order = np.argsort(codes, kind="stable")
    n_choices = int(keep.sum())
    choice_flat = rows_sel[order]
    choice_ptr = np.searchsorted(codes[order], np.arange(n_choices + 1))
    blocks: dict[str, list[int]] = {}
    for ci, r in enumerate(choice_flat[choice_ptr[:-1]].tolist()):
        for bk in _block_keys(row_shape[r].distinct):
            blocks.setdefault(bk, []).append(ci)
    # Every proper prefix, in words, of a contained name (the names have single spaces).
    extended = set()
    for c in contained:
        cut = c.find(" ")
        while cut >= 0:
            extended.add(c[:cut])
            cut = c.find(" ", cut + 1)
    return _Reference(
        keys=np.asarray(keys, dtype=object),
        canonical=canonical,
        row_key=key_codes,
        row_country=country.to_numpy(dtype=object),
        row_shape=row_shape,
        row_joined=np.asarray([sh.joined for sh in row_shape], dtype=object),
        exact=exact,
        cores=cores,
        lossy=lossy,
        contained=contained,
        multi_segment=frozenset(multi_segment),
        extended=frozenset(extended),
        vocab=frozenset(" ".join(contained).split()),
        max_len=max((c.count(" ") for c in contained), default=0) + 1,
        acronyms={a: np.unique(np.asarray(v, dtype=np.int64)) for a, v in acr_rows.items()},
        explicit_acronyms=frozenset(explicit),
        parsed=parsed,
        identifiers=identifiers,
        choice_strings=np.asarray(choice_strings, dtype=object)[keep],
        blocks={k: np.asarray(v, dtype=np.int64) for k, v in blocks.items()},
        choice_ptr=choice_ptr,
        choice_flat=choice_flat,
    )


# --------------------------------------------------------------------------------------------
# Candidates
# --------------------------------------------------------------------------------------------

#: A candidate: key index, score, method, length of the alias found (longer wins ties).
_Cand = tuple[int, float, str, int]


def _rows_ok(ref: _Reference, rows: Sequence[int] | np.ndarray, country: str) -> np.ndarray:
    """Rows allowed for a query of this country: same country, or either side unknown."""
    rows = np.asarray(rows, dtype=np.int64)
    if not country:
        return rows
    rc = ref.row_country[rows]
    return rows[(rc == "") | (rc == country)]


def _alias_candidates(
    text: str, country: str, ref: _Reference, lex: _Lexicon, review_max: float
) -> tuple[list[_Cand], bool]:
    """Identifier, exact-alias, acronym and contained-alias candidates of one distinct input.

    Returns the candidates and whether the input is settled (by an identifier, an exact alias
    or a whole-input acronym: no fuzzy scoring needed).
    """
    out: list[_Cand] = []
    if ref.identifiers:
        for tok in _ID_RE.findall(text):
            low = tok.lower()
            for cand in (low, low.rstrip("/").rsplit("/", 1)[-1]):
                k = ref.identifiers.get(cand)
                if k is not None:
                    out.append((k, 100.0, "identifier", 99))
    if out:
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
            out.extend((k, s, "exact alias", span) for k, s in _alias_scores(ref, rows, raw))
            settled = settled or len(rows) > 0
        found = ref.cores.get(norm)
        if found is not None:  # the input is a reference name without its descriptors
            rows = _rows_ok(ref, found, country)
            out.extend(
                (k, min(s, 95.0), "contained alias", span) for k, s in _alias_scores(ref, rows, raw)
            )
    if " " not in parsed.norm and parsed.norm not in ref.explicit_acronyms:
        whole = ref.acronyms.get(parsed.norm)  # the whole input is an acronym: "HIT"
        if whole is not None:
            rows = _rows_ok(ref, whole, country)
            for k in np.unique(ref.row_key[rows]):
                out.append((int(k), 100.0, "acronym", 1))
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
                out.append((int(k), score, "acronym", 1))
    return out


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
        score = review_max if _extended(words, seg_id, places, segs, ref, i, j) else 100.0
        for k in keys:
            out.append((k, score, "exact alias" if exact else "contained alias", j - i))
    return out


def _extended(
    words: Sequence[_Word],
    seg_id: Sequence[int],
    places: Sequence[bool],
    segs: Sequence[_Segment],
    ref: _Reference,
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
    """
    n = len(words)
    name = words[i:j]
    if i > 0 and seg_id[i - 1] == seg_id[i] and words[i].linked:
        if words[i - 1].text in _CARE_WORDS:
            return True  # "The First Affiliated Hospital of Anhui Medical University"
    elif i > 0 and seg_id[i - 1] == seg_id[i] and not words[i].article:
        before = words[i - 1]
        if before.text in _LEAD_WORDS or before.article:
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
    if j < n and seg_id[j] == seg_id[j - 1]:
        after = words[j]
        nxt = [w for k, w in enumerate(words[j : j + 2], j) if seg_id[k] == seg_id[j]]
        if any(w.text in _CARE_WORDS for w in nxt):
            return True  # "Peking University Third Hospital"
        closed = name[-1].role in _ORG_ROLES
        if closed and name[-1].text != "university" and any(w.text in _SUBORG_WORDS for w in nxt):
            return True  # "Mayo Clinic College of Medicine"
        if closed and after.linked and after.role == "generic":
            return True  # "Warsaw University of Technology"
        if (
            (after.linked or not closed)
            and after.role in ("generic", "word", "number")
            and not places[j]
            and after.text not in {w.text for w in name}
            and " ".join(w.text for w in name) in ref.extended
        ):
            return True  # "University of California San Diego"
    return False


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
                        if not _extended(words, seg_id, places, segs, ref, lo, hi):
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


def _block_keys(distinct: Sequence[str]) -> set[str]:
    """Blocking keys of a name: the first and the last three letters of each distinctive word."""
    out = set()
    for t in distinct:
        if len(t) <= 3:
            out.add(t)
        else:
            out.add("<" + t[:3])
            out.add(">" + t[-3:])
    return out


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
    out_q, out_k, out_s = [], [], []
    row_country = ref.row_country
    plans = []
    for block, group in queries.groupby("country", sort=True):
        strings, inverse = np.unique(group["string"].to_numpy(dtype=object), return_inverse=True)
        q_shapes = [shapes[x] for x in strings.tolist()]
        allowed = None
        if block:
            ok_row = (row_country == "") | (row_country == block)
            allowed = np.logical_or.reduceat(ok_row[ref.choice_flat], ref.choice_ptr[:-1])
        members: dict[str, list[int]] = {}
        for i, shape in enumerate(q_shapes):
            for bk in _block_keys(shape.distinct):
                if bk in ref.blocks:
                    members.setdefault(bk, []).append(i)
        plans.append((block, group, strings, q_shapes, inverse, allowed, members))
    total = sum(len(v) for plan in plans for v in plan[6].values())
    bar = None
    if progress and total:
        from tqdm.auto import tqdm

        bar = tqdm(total=total, desc="matching institutions", unit="name")
    try:
        for block, group, strings, q_shapes, inverse, allowed, members in plans:
            found = []
            for bk, idx in members.items():
                cols = ref.blocks[bk]
                if allowed is not None:
                    cols = cols[allowed[cols]]
                if not len(cols):
                    continue
                choices = list(ref.choice_strings[cols])
                for start in range(0, len(idx), _CHUNK):
                    sel = np.asarray(idx[start : start + _CHUNK])
                    m = process.cdist(
                        list(strings[sel]),
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
                continue
            sq = np.concatenate([f[0] for f in found])
            sc = np.concatenate([f[1] for f in found])
            ss = np.concatenate([f[2] for f in found]).astype(np.float64)
            # choice string -> reference rows (a string can be a name of several keys)
            pos, owner = _expand(ref.choice_ptr, sc)
            rows = ref.choice_flat[pos]
            sq, ss = sq[owner], ss[owner]
            if block:
                keep = (row_country[rows] == "") | (row_country[rows] == block)
                sq, ss, rows = sq[keep], ss[keep], rows[keep]
            # Words split or joined differently ("Jiaotong" / "Jiao Tong"): also compare the
            # names in order without spaces, and keep the better score.
            near = np.flatnonzero(ss >= _FUZZY_FLOOR + 10)
            if len(near):
                q_joined = np.asarray([sh.joined for sh in q_shapes], dtype=object)
                again = process.cpdist(
                    q_joined[sq[near]].tolist(),
                    ref.row_joined[rows[near]].tolist(),
                    scorer=fuzz.ratio,
                    workers=workers,
                )
                ss[near] = np.maximum(ss[near], np.round(again))
            high = np.flatnonzero(ss >= score_cutoff)
            for t, x, r in zip(high.tolist(), sq[high].tolist(), rows[high].tolist(), strict=True):
                if not _same_name(q_shapes[x], ref.row_shape[r]):
                    ss[t] = min(ss[t], score_cutoff - 1)
            # query string -> the inputs that produced it
            by_s = np.argsort(sq, kind="stable")
            s_ptr = np.searchsorted(sq[by_s], np.arange(len(strings) + 1))
            pos, owner = _expand(s_ptr, inverse)
            qids = group["qid"].to_numpy()
            out_q.append(qids[owner])
            out_k.append(ref.row_key[rows[by_s[pos]]])
            out_s.append(ss[by_s[pos]])
    finally:
        if bar is not None:
            bar.close()
    if not out_q:
        return pd.DataFrame({"qid": [], "key": [], "score": []})
    q = np.concatenate(out_q).astype(np.int64)
    k = np.concatenate(out_k).astype(np.int64)
    sc_all = np.concatenate(out_s)
    # best score per (query, key)
    code = q * (len(ref.keys) + 1) + k
    o = np.lexsort((-sc_all, code))
    first = np.ones(len(o), dtype=bool)
    first[1:] = code[o][1:] != code[o][:-1]
    o = o[first]
    return pd.DataFrame({"qid": q[o], "key": k[o], "score": sc_all[o]})


# --------------------------------------------------------------------------------------------
# Overrides
# --------------------------------------------------------------------------------------------


def read_overrides(path: str | PathLike[str]) -> pd.DataFrame:
    """Read a CSV of analyst decisions that :func:`match_institutions` applies before anything.

    Parameters
    ----------
    path : str or path-like
        CSV with columns ``input,key,decision,analyst,date,note``; ``decision`` is ``match``
        (``key`` required) or ``no_match``. Blank cells are NA; "NA" is read as text.

    Returns
    -------
    pandas.DataFrame
        The overrides, ``string`` dtype, ``date`` parsed (ISO dates).

    Raises
    ------
    ReferenceDataError
        Listing every bad row (missing column, unknown decision, match without key).

    Examples
    --------
    >>> read_overrides("overrides.csv")  # doctest: +SKIP
    """
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    return _check_overrides(raw, source=str(path))


def _check_overrides(frame: pd.DataFrame, source: str = "overrides") -> pd.DataFrame:
    missing = [c for c in ("input", "decision") if c not in frame.columns]
    if missing:
        raise ReferenceDataError(
            f"{source}: missing column(s) {missing}; expected {', '.join(OVERRIDE_COLUMNS)}."
        )
    out = frame.copy()
    for col in OVERRIDE_COLUMNS:
        if col not in out.columns:
            out[col] = pd.NA
    out = out[list(OVERRIDE_COLUMNS)].astype("string")
    for col in ("input", "key", "decision", "analyst", "note"):
        s = out[col].str.strip()
        out[col] = s.mask(s == "")
    out["decision"] = out["decision"].str.lower().str.replace(" ", "_").str.replace("-", "_")
    problems = []
    bad_decision = ~out["decision"].isin(["match", "no_match"]).fillna(False)
    no_key = (out["decision"] == "match").fillna(False) & out["key"].isna()
    no_input = out["input"].isna()
    empty = ~no_input & (normalise_names(out["input"].fillna("")) == "")
    for mask, what in (
        (bad_decision, "decision is not 'match' or 'no_match'"),
        (no_key, "decision 'match' without a key"),
        (no_input, "no input"),
        (empty, "input has no name in it"),
    ):
        if mask.any():
            rows = [int(i) + 2 for i in np.flatnonzero(mask.to_numpy())[:3]]  # file line numbers
            problems.append(f"{int(mask.sum())} row(s) with {what} (lines {rows})")
    if problems:
        raise ReferenceDataError(
            f"{source}: " + "; ".join(problems) + ". Fix those rows; each row is one decision."
        )
    out["date"] = pd.to_datetime(out["date"], errors="coerce", format="ISO8601")
    return out


def _override_table(overrides: Any, ref: _Reference) -> pd.DataFrame | None:
    if overrides is None:
        return None
    if isinstance(overrides, pd.DataFrame):
        table = _check_overrides(overrides)
    else:
        table = read_overrides(overrides)
    known = set(ref.keys.tolist())
    unknown = table["key"].notna() & ~table["key"].isin(known)
    if unknown.any():
        examples = table.loc[unknown, "key"].head(3).tolist()
        raise ReferenceDataError(
            f"{int(unknown.sum())} override(s) name a key not in the reference (e.g. {examples}); "
            "correct the key or add the institution to the reference."
        )
    table = table.assign(norm=normalise_names(table["input"]))
    # The latest decision wins; among equal dates, the later row.
    table = table.assign(_row=np.arange(len(table))).sort_values(
        ["date", "_row"], na_position="first", kind="stable"
    )
    return table.drop_duplicates("norm", keep="last").set_index("norm")


# --------------------------------------------------------------------------------------------
# Matching
# --------------------------------------------------------------------------------------------


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


def match_institutions(
    names: Iterable[Any],
    reference: pd.DataFrame,
    *,
    country: Sequence[Any] | pd.Series | None = None,
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

    - ``identifier`` (100): the input contains a reference key, e.g. a ROR id or URL.
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
    method); the runner-up is the next key; margin = score - runner-up score (the runner-up
    counts as 0 when there is none). Decisions, in order:

    1. an override for the normalised input decides (``match`` with its key, or ``no_match``);
    2. NA, blank or noise-only input, or no candidate: ``no_match``;
    3. a *generic* input (only organisation-type, unit and stop words plus at most one subject
       word: "Institute of Physics", "State University") is never matched automatically:
       ``review`` if its score >= ``review_cutoff``, else ``no_match``;
    4. ``match`` when score >= ``score_cutoff`` and margin >= ``min_margin``: alias evidence
       matches unless another key has (nearly) as strong evidence, e.g. an input naming two
       organisations of the reference;
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
        Cutoffs out of order, or ``country`` not aligned with ``names``.

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
    values = pd.Series(list(names) if not isinstance(names, pd.Series) else names.to_list())
    inputs = values.astype("string").reset_index(drop=True)
    n = len(inputs)
    if country is None:
        countries = pd.Series("", index=range(n), dtype="string")
    else:
        countries = pd.Series(list(country), dtype="string")
        if len(countries) != n:
            raise ValueError(f"country has {len(countries)} values for {n} names; align them.")
        countries = countries.str.strip().str.upper().fillna("")
    with _gc_paused():  # parsing makes millions of lasting objects and no cycles
        ref = _prepare_reference(reference)
        lex = _lexicon()

        # Work on distinct (name, country) pairs: a million rows cost their distinct spellings.
        pair = pd.DataFrame({"input": inputs.fillna(""), "country": countries})
        qid, distinct = pd.factorize(pd.MultiIndex.from_frame(pair))
        q_text = np.asarray(distinct.get_level_values(0), dtype=object)
        q_country = np.asarray(distinct.get_level_values(1), dtype=object)
        nq = len(q_text)

        review_max = score_cutoff - 1  # capped evidence goes to review at most
        cand_q: list[int] = []
        cand_k: list[int] = []
        cand_s: list[float] = []
        cand_m: list[str] = []
        cand_span: list[int] = []
        fuzzy_rows: list[tuple[int, str, str]] = []
        shapes: dict[str, _Shape] = {}
        generic = np.zeros(nq, dtype=bool)
        norm = np.empty(nq, dtype=object)
        for i in range(nq):
            text = q_text[i]
            parsed = _parse(text)
            norm[i] = parsed.norm
            generic[i] = parsed.generic
            found, settled = _alias_candidates(text, q_country[i], ref, lex, review_max)
            for k, s, m, span in found:
                cand_q.append(i)
                cand_k.append(k)
                cand_s.append(s)
                cand_m.append(m)
                cand_span.append(span)
            if not settled:
                for string, shape in _fuzzy_strings(parsed, ref, lex):
                    shapes.setdefault(string, shape)
                    fuzzy_rows.append((i, string, q_country[i]))

        fq = pd.DataFrame(fuzzy_rows, columns=["qid", "string", "country"])
        fuzzy = _fuzzy_candidates(
            fq,
            shapes,
            ref,
            score_cutoff=score_cutoff,
            workers=workers,
            progress=_show_progress(progress, n),
        )

    cands = pd.concat(
        [
            pd.DataFrame(
                {
                    "qid": np.asarray(cand_q, dtype=np.int64),
                    "key": np.asarray(cand_k, dtype=np.int64),
                    "score": np.asarray(cand_s, dtype=np.float64),
                    "method": pd.Series(cand_m, dtype=object),
                    "span": np.asarray(cand_span, dtype=np.int64),
                }
            ),
            fuzzy.assign(method="fuzzy", span=0).astype(
                {"qid": np.int64, "key": np.int64, "score": np.float64}
            ),
        ],
        ignore_index=True,
    )
    cands["rank"] = cands["method"].map(_METHOD_RANK).astype(np.int64)
    # Per key: the strongest evidence (highest score, then longest alias, then method).
    cands = cands.sort_values(
        ["qid", "score", "span", "rank"], ascending=[True, False, False, True], kind="stable"
    )
    per_key = cands.drop_duplicates(["qid", "key"], keep="first")
    best = per_key.drop_duplicates("qid", keep="first").set_index("qid")
    second = (
        per_key[per_key.duplicated("qid", keep="first")].drop_duplicates("qid").set_index("qid")
    )

    q_index = pd.RangeIndex(nq)
    b_key = best["key"].reindex(q_index).to_numpy(dtype=np.float64)  # NaN: no candidate
    score = best["score"].reindex(q_index).to_numpy(dtype=np.float64)
    method = best["method"].reindex(q_index).to_numpy(dtype=object)
    r_key = second["key"].reindex(q_index).to_numpy(dtype=np.float64)
    r_score = second["score"].reindex(q_index).fillna(0.0).to_numpy(dtype=np.float64)
    has = ~np.isnan(score)
    margin = np.where(has, score - r_score, np.nan)
    s = np.nan_to_num(score)
    mg = np.nan_to_num(margin)
    decision = np.select(
        [~has, generic & (s >= review_cutoff), generic, (s >= score_cutoff) & (mg >= min_margin)],
        ["no_match", "review", "no_match", "match"],
        default=np.where(s >= review_cutoff, "review", "no_match"),
    ).astype(object)
    out_name = _lookup(ref.canonical, b_key)
    out_key = _lookup(ref.keys, np.where(decision == "match", b_key, np.nan))
    runner = _lookup(ref.canonical, r_key)

    table = _override_table(overrides, ref)
    if table is not None and len(table):
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
        out_key = np.where(is_match, hit_key, np.where(on, np.full(nq, None), out_key))
        out_name = np.where(is_match, _lookup(ref.canonical, over_key), out_name)
        decision = np.where(on, hit, decision)
        method = np.where(on, "override", method)

    per_q = pd.DataFrame(
        {
            "key": pd.array(list(out_key), dtype="string"),
            "name": pd.array(list(out_name), dtype="string"),
            "score": pd.array(score, dtype="Float64"),
            "method": pd.array(list(method), dtype="string"),
            "runner_up": pd.array(list(runner), dtype="string"),
            "margin": pd.array(margin, dtype="Float64"),
            "decision": pd.array(list(decision), dtype="string"),
        }
    )
    result = per_q.iloc[qid].reset_index(drop=True)
    result.insert(0, "input", inputs)
    return result[_RESULT_COLUMNS]


def _lookup(values: np.ndarray, index: np.ndarray) -> np.ndarray:
    """``values[index]`` where ``index`` (float) is not NaN, else None."""
    ok = ~np.isnan(index)
    out = np.full(len(index), None, dtype=object)
    out[ok] = values[index[ok].astype(np.int64)]
    return out


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
