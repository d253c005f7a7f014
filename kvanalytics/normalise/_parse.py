"""Parsing one institution name or affiliation string: segments, their kinds, the organisation part.

An affiliation ("Dept. of Physics, Lomonosov Moscow State University, Moscow 119991, Russia") is
split into segments on commas, brackets, slashes and runs of spaces; each segment is read into
canonical words (:mod:`._lexicon`) and classed as an organisation, a unit or other text; places and
street addresses are dropped. The *organisation part* is what matching compares.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from ._lexicon import _canon_cached, _Lexicon, _lexicon, _Word, _words
from ._text import fold

__all__ = ["normalise_name", "normalise_names"]

_NOISE_RE = re.compile(r"\S+@\S+|https?://\S+|www\.\S+", re.IGNORECASE)
_SEGMENT_RE = re.compile(r"\s*(?:[,;|()\[\]{}/\\]|\s[-–—]\s|\t|\n)\s*")
_GAP_RE = re.compile(r"\s{2,}")
#: What :func:`_split` acts on besides trimming: camel case, separators, runs of spaces.
_SPLIT_WORK_RE = re.compile(r"[a-z][A-Z]|[,;|()\[\]{}/\\\t\n\-–—]|\s\s")
_CAMEL_RE = re.compile(r"(?<=[a-z]{3})(?=[A-Z][a-z]{2}|[A-Z]{2,}\b)")  # "InstituteUniversity"
_DIGIT_RE = re.compile(r"\d")
_CAPS_RE = re.compile(r"[A-Z\u0391-\u03a9\u0400-\u042f]{2}")
_LETTERS_RE = re.compile(r"[^\W\d_]+")
_LOWER_RUN_RE = re.compile(r"[^\W\d_A-Z]{3,}")
_PAREN_ACRONYM_RE = r"\(\s*([^\W\d_][\w&.-]{1,11}?)\s*\)"
_ORG_ROLES = frozenset({"org", "org_weak"})
_NAME_ROLES = frozenset({"org", "org_weak", "unit"})
_DISTINCT_ROLES = frozenset({"word", "number"})
#: Shared by the segments without acronyms (most of them): one object instead of one each.
_NO_ACRONYMS: frozenset[str] = frozenset()


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
    """Which tokens belong to a place name (longest place first, left to right)."""
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


def _segment_acronyms(raw: str) -> frozenset[str]:
    """Folded words written in capitals ("HSE", "МГУ"); none in an all-capitals segment."""
    if not _CAPS_RE.search(raw):  # cheap test first: acronyms have two capitals in a row
        return _NO_ACRONYMS
    letters = _LETTERS_RE.findall(raw)
    if len(letters) < 3 or not raw.isupper():
        return frozenset(fold(w) for w in letters if _is_acronym(w))
    return _NO_ACRONYMS


def _is_street(raw: str, words: Sequence[_Word], raw_tokens: Sequence[str], lex: _Lexicon) -> bool:
    """ "1101 University Ave.": a street address, unless an organisation-type word stands
    elsewhere than in the street's name ("... Universität Gießen, Otto-Behaghel-Str. 10c")."""
    if lex.address.isdisjoint(raw_tokens) or not _DIGIT_RE.search(raw):
        return False
    named = [t for t in raw_tokens if t not in lex.stop]
    streets = {
        _canon_cached(named[k - 1])[0] for k, t in enumerate(named) if k and t in lex.address
    }
    return all(w.text in streets for w in words if w.role == "org")


@lru_cache(maxsize=200_000)
def _segment(raw: str, lex: _Lexicon) -> _Segment | None:
    """One segment of a name read and classed; None for places, addresses and empty text."""
    acronyms = _segment_acronyms(raw)
    words, raw_tokens = _words(fold(raw), lex)
    if not words or _is_street(raw, words, raw_tokens, lex):
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


def _is_plain(text: str, lex: _Lexicon) -> bool:
    """One segment with nothing to rewrite, as most reference names ("University of X") are."""
    return (
        "@" not in text
        and "http" not in text
        and "www." not in text
        and (text.isascii() or lex.cjk_re.search(text) is None)
        and _SPLIT_WORK_RE.search(text) is None
    )


def _split_gaps(piece: str) -> list[str]:
    """Runs of spaces separate an address in some exports ("Stockholm University  Kräftriket
    2B"), but a single word on either side is a typo inside a name ("Jinan  University")."""
    merged: list[str] = []
    for sub in _GAP_RE.split(piece.strip()):
        if merged and sub and (" " not in sub or " " not in merged[-1]):
            merged[-1] += " " + sub
        elif sub:
            merged.append(sub)
    return merged


def _split(text: str, lex: _Lexicon) -> list[str]:
    """The segments of a name: split on separators, with e-mail addresses and URLs removed, CJK
    organisation words spaced, and bracketed acronyms made segments of their own."""
    if "&" in text:
        text = html.unescape(text)
    text = text.replace("+", " ").replace("_", " ")
    if _is_plain(text, lex):  # one scan tells, instead of the regex passes below
        text = text.strip()
        return [text] if text else []
    text = _CAMEL_RE.sub(" ", text)
    if "@" in text or "http" in text or "www." in text:
        text = _NOISE_RE.sub(" , ", text)
    if not text.isascii():
        text = lex.cjk_re.sub(lambda m: lex.cjk[m.group(0)], text)
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
        parts.extend(_split_gaps(piece))
    return parts + acronyms


def _is_generic(words: Sequence[_Word]) -> bool:
    """Only organisation-type, unit and stop words plus at most one subject word."""
    content = [w for w in words if w.role not in _NAME_ROLES]
    if not words:
        return False
    return len(content) == 0 or (len(content) == 1 and content[0].role == "generic")


def _org_parts(segs: Sequence[_Segment]) -> list[tuple[_Word, ...]]:
    """The organisation segments of an affiliation, each with the short qualifier that follows an
    open name ("University of California, Davis"); a closed name ("Gunma University, Maebashi")
    does not take one: that is its city. Without an organisation segment, the first text."""
    parts: list[tuple[_Word, ...]] = []
    for i, seg in enumerate(segs):
        if seg.kind != "org":
            continue
        words = seg.words
        if words[-1].role not in _ORG_ROLES and i + 1 < len(segs):
            nxt = segs[i + 1]
            is_acronym = len(nxt.words) == 1 and nxt.words[0].text in nxt.acronyms
            repeat = {w.text for w in nxt.words} <= {w.text for w in words}  # "X-Madison, Madison"
            if nxt.kind == "other" and 1 <= len(nxt.words) <= 3 and not (is_acronym or repeat):
                words = (*words, *nxt.words)
        parts.append(words)
    if not parts:
        # No organisation-type word: the organisation usually comes first, then its city.
        first = next((s for s in segs if s.kind == "other" and s.words), None)
        first = first or next((s for s in segs if s.words), None)
        if first is not None:
            parts.append(first.words)
    return parts


@lru_cache(maxsize=500_000)
def _parse(text: str, affiliation: bool = True) -> _Parsed:
    """A name parsed: its segments and organisation part (see :func:`normalise_name`)."""
    lex = _lexicon()
    segs = tuple([s for r in _split(text, lex) if (s := _segment(r, lex)) is not None])
    if affiliation:
        parts = _org_parts(segs)
    else:  # a reference name: every segment but places and addresses counts
        whole = segs[0].words if len(segs) == 1 else tuple(w for s in segs for w in s.words)
        parts = [whole] if whole else []
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
