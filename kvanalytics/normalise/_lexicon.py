"""The lexicon of institution names: word lists, and how one token becomes a canonical word.

Every word list is a CSV file in ``kvanalytics/data/`` (with ``source`` and ``date`` columns):

``org_type_words.csv``
    organisation-type and unit words of many languages with their canonical token
    ("universiteit", "università", "университет" -> ``university``), matched exactly, as a
    prefix ("gosudarstvenn...") or as the suffix of a compound ("rijksuniversiteit").
``institution_words.csv``
    descriptors and subject words ("state", "technology"), with a ``generic`` flag.
``institution_stop_words.csv``
    stop words, with a ``connector`` flag for those that tie a name to what follows ("of", "de").
``institution_places.csv``
    places and street words, beside the country names of pycountry.
``institution_context_words.csv``
    words that change what the words around them mean: ``lead`` ("North" before "China
    University" makes another name), ``care`` and ``suborg`` (canonical tokens after a name that
    make a hospital or a sub-organisation of its own), ``acronym_skip`` (skipped by acronyms).
``institution_cjk_words.csv``
    Chinese, Japanese and Korean organisation words, replaced before transliteration because
    anyascii writes CJK text without spaces ("北京大学" -> "beijingdaxue").

A word is made once per distinct token (:func:`_word`) and a folded text is split into words once
(:func:`_words`): the names of a reference share most of their words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

import numpy as np
import pandas as pd
import pycountry
from rapidfuzz import fuzz, process

from ..config import PACKAGE_DATA
from ._text import fold

_JOIN_RE = re.compile(r"(?<=[a-z])[&'`](?=[a-z])")
_AMP_RE = re.compile(r"\b([a-z])\s*&\s*([a-z])\b")  # "A & M", "A&amp M" -> "am"
_WORD_RE = re.compile(r"[a-z]+|[0-9]+")
_NEVER = re.compile("(?!)")

#: The uses of ``institution_context_words.csv``.
_CONTEXT_USES = ("lead", "care", "suborg", "acronym_skip")


@dataclass(frozen=True, eq=False)
class _Lexicon:
    """The word lists, read once (see :func:`_lexicon`); hashed by identity for the caches."""

    exact: dict[str, tuple[str, str]]  # word -> (canonical token, role)
    stop: frozenset[str]
    connectors: frozenset[str]  # stop words that tie a name to what follows: of, de, di, van
    address: frozenset[str]  # street and building words: a segment with one is an address
    prefixes: tuple[tuple[str, str, str], ...] = ()  # (prefix, canonical, role), longest first
    suffixes: tuple[tuple[str, str, str], ...] = ()  # compounds: "rijksuniversiteit", "klinikum"
    places: frozenset[str] = frozenset()  # place names as space-joined canonical tokens
    place_len: int = 1
    place_words: frozenset[str] = frozenset()  # every word of a place name
    typo_index: dict[str, tuple[str, ...]] = field(default_factory=dict)  # first letter -> words
    prefix_re: re.Pattern[str] = _NEVER
    suffix_re: re.Pattern[str] = _NEVER
    affix: dict[str, tuple[str, str]] = field(default_factory=dict)  # affix -> canonical, role
    lead: frozenset[str] = frozenset()  # "North", "New": before a name, another name
    care: frozenset[str] = frozenset()  # "hospital": after a name, a hospital of its own
    suborg: frozenset[str] = frozenset()  # after a closed name, a sub-organisation
    acronym_skip: frozenset[str] = frozenset()  # "of", "the", "und": skipped by acronyms
    cjk: dict[str, str] = field(default_factory=dict)  # CJK word -> " canonical words "
    cjk_re: re.Pattern[str] = _NEVER


def _read_words(name: str) -> pd.DataFrame:
    return pd.read_csv(PACKAGE_DATA / name, dtype=str, keep_default_na=False)


def _read_type_words() -> tuple[
    dict[str, tuple[str, str]], tuple[tuple[str, str, str], ...], tuple[tuple[str, str, str], ...]
]:
    """Exact words, prefixes and suffixes (longest first) of the descriptor and org-type lists."""
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
    return exact, tuple(prefixes), tuple(suffixes)


def _read_place_names() -> tuple[list[str], frozenset[str]]:
    """Place names (the bundled list, then pycountry's English country names) and street words."""
    table = _read_words("institution_places.csv")
    is_address = table["kind"] == "address"
    address = frozenset(table.loc[is_address, "name"].str.lower())
    names = list(table.loc[~is_address, "name"])
    for c in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            value = getattr(c, attr, None)
            if value:
                names.append(value.split(",")[0])
    return names, address


def _place_keys(names: list[str], bare: _Lexicon) -> frozenset[str]:
    """Place names as space-joined canonical tokens. ``bare`` has exact words only, so that a
    place name is never read through a prefix, suffix or typo rule."""
    places = set()
    for n in names:
        toks = [t.text for t in _words(fold(n), bare)[0]]
        if toks:
            places.add(" ".join(toks))
    return frozenset(places)


def _typo_index(exact: dict[str, tuple[str, str]]) -> dict[str, tuple[str, ...]]:
    """Listed words of seven letters or more (not plain words), by first letter: typo targets."""
    by_letter: dict[str, list[str]] = {}
    for word, (_, role) in exact.items():
        if len(word) >= 7 and role != "word":
            by_letter.setdefault(word[0], []).append(word)
    return {k: tuple(v) for k, v in by_letter.items()}


def _read_context_words() -> dict[str, frozenset[str]]:
    table = _read_words("institution_context_words.csv")
    return {use: frozenset(table.loc[table["use"] == use, "word"]) for use in _CONTEXT_USES}


def _read_cjk_words() -> dict[str, str]:
    table = _read_words("institution_cjk_words.csv")
    return {w: f" {r} " for w, r in zip(table["word"], table["replacement"], strict=True)}


@lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    """Every word list, read and indexed once."""
    exact, prefixes, suffixes = _read_type_words()
    stops = _read_words("institution_stop_words.csv")
    stop = frozenset(stops["word"])
    connectors = frozenset(stops.loc[stops["connector"].str.lower() == "true", "word"])
    place_names, address = _read_place_names()
    bare = _Lexicon(exact=exact, stop=stop, connectors=connectors, address=address)
    places = _place_keys(place_names, bare)
    context = _read_context_words()
    cjk = _read_cjk_words()
    return _Lexicon(
        exact=exact,
        stop=stop,
        connectors=connectors,
        address=address,
        prefixes=prefixes,
        suffixes=suffixes,
        places=places,
        place_len=max(len(p.split()) for p in places),
        place_words=frozenset(w for p in places for w in p.split()),
        typo_index=_typo_index(exact),
        prefix_re=re.compile("|".join(re.escape(p) for p, _, _ in prefixes)),
        suffix_re=re.compile("(?:" + "|".join(re.escape(x) for x, _, _ in suffixes) + ")$"),
        affix={a: (c, r) for a, c, r in (*prefixes, *suffixes)},
        lead=context["lead"],
        care=context["care"],
        suborg=context["suborg"],
        acronym_skip=context["acronym_skip"],
        cjk=cjk,
        cjk_re=re.compile("|".join(sorted(map(re.escape, cjk), key=len, reverse=True))),
    )


def _canon(token: str, lex: _Lexicon) -> tuple[str, str]:
    """Canonical token and role of one folded token: exact word, compound suffix, prefix, or a
    typo in a long listed word; otherwise the token itself, a plain ``word``."""
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


def _compound_head(token: str, lex: _Lexicon) -> str:
    """The first part of a compound whose last part is an organisation-type word of the list,
    "" when there is none: "wirtschaftsuniversitat" -> "wirtschafts", so that
    "Wirtschaftsuniversität Wien" and "Universität Wien" stay two names; a listed word itself
    ("rijksuniversiteit", when listed) is not split."""
    if token in lex.exact:
        return ""
    m = lex.suffix_re.search(token)
    if m and m.start() >= 3:
        return token[: m.start()]
    return ""


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
        head = _compound_head(tok, lex)
        if head:  # the distinctive first part of a compound is a word of its own
            out.append(_word(head, linked, article) if complete else _Word(head, "word", linked))
            linked = article = False
        if complete:
            out.append(_word(tok, linked, article))
        else:
            canonical, role = _canon(tok, lex)
            out.append(_Word(canonical, role, linked, article))
        linked = article = False
    return tuple(out), tuple(raw)
