"""What ingest knows about words: the package's data files, read once.

- ``header_synonyms.csv``: header text -> canonical column, per table and language (exact).
- ``header_words.csv``: the words that carry a header's meaning -> a concept (``soort``,
  ``type``, ``tipo`` -> TYPE), per language; ``header_stop_words.csv``: the words that carry none.
- ``header_rules.csv``: which concepts make which field (TYPE [+ AGREEMENT] -> kind), per table.
- ``value_synonyms.csv``: cell text -> canonical value, per field (kind, level, status, group,
  basis, faculty, boolean).
- ``value_words.csv``: the words a category value is made of when no synonym is exact
  (``Forschungskooperation`` = forschung + kooperation -> research), and the words that carry
  no category (``*``: kooperation, studenten, avtal).
- ``header_languages.csv``: the date order and decimal mark a header language implies when a
  column gives no evidence either way.
- ``currency_markers.csv``: currency signs and codes removed from number cells.

Every lookup compares :func:`key` forms, so case, accents, white space and punctuation never
matter.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from .. import schemas
from ..config import PACKAGE_DATA
from ..errors import IngestError
from ..normalise import fold
from ._fields import CATEGORY_COLUMNS
from ._words import cached_splitter, header_tokens, stem


def key(text: str) -> str:
    """Fold text and keep only letters and digits, so ``"Bedrag (EUR)"`` == ``"bedrag eur"``."""
    return re.sub(r"[^a-z0-9]+", " ", fold(text)).strip()


def _data(name: str) -> pd.DataFrame:
    return pd.read_csv(PACKAGE_DATA / name, dtype=str, keep_default_na=False)


@lru_cache(maxsize=1)
def header_synonyms() -> pd.DataFrame:
    """``header_synonyms.csv`` with each synonym's :func:`key` in a ``key`` column."""
    df = _data("header_synonyms.csv")
    df["key"] = [key(s) for s in df["synonym"]]
    return df


@lru_cache(maxsize=4)
def header_lookup(table: str) -> dict[str, tuple[str, frozenset[str]]]:
    """Folded header -> (canonical column, languages it is a word of)."""
    df = header_synonyms()
    df = df[df["table"] == table]
    out: dict[str, tuple[str, frozenset[str]]] = {}
    for k, grp in df.groupby("key", sort=False):
        cols = set(grp["column"])
        if len(cols) > 1:  # a data error in the synonym file: fail loudly in tests
            raise IngestError(f"header_synonyms.csv: {k!r} maps to several columns {sorted(cols)}")
        out[str(k)] = (cols.pop(), frozenset(grp["language"]))
    for col in schemas.TABLES[table]:
        out.setdefault(key(col), (col, frozenset({"en"})))
    return out


@dataclass(frozen=True)
class Word:
    """A vocabulary word: the concepts it may mean and the languages it is a word of."""

    concepts: frozenset[str]
    languages: frozenset[str]


@lru_cache(maxsize=1)
def header_words() -> dict[str, Word]:
    """Folded word -> :class:`Word` (``header_words.csv``; a word may mean several concepts,
    as ``data`` is DATE in Italian and DATA in English).
    """
    df = _data("header_words.csv")
    out: dict[str, tuple[set[str], set[str]]] = {}
    for word, concept, lang in zip(df["word"], df["concept"], df["language"], strict=True):
        concepts, langs = out.setdefault(key(word), (set(), set()))
        concepts.add(concept)
        langs.add(lang)
    return {w: Word(frozenset(c), frozenset(ls)) for w, (c, ls) in out.items()}


@lru_cache(maxsize=1)
def header_stop_words() -> frozenset[str]:
    """Words that carry no meaning in a header (``of``, ``van``, ``der``...)."""
    df = _data("header_stop_words.csv")
    return frozenset(w for words in df["words"] for w in key(str(words)).split())


@dataclass(frozen=True)
class HeaderRule:
    """One row of ``header_rules.csv``: a field and the concepts that make it.

    ``fields``: the field, or fallbacks in order (``ror|partner_key``: the first the table has);
    ``requires``: each item a set of alternative concepts, every item must be present;
    ``allows``: further concepts the header may carry without pointing elsewhere.
    """

    fields: tuple[str, ...]
    requires: tuple[frozenset[str], ...]
    allows: frozenset[str]


@lru_cache(maxsize=4)
def header_rules(table: str) -> tuple[HeaderRule, ...]:
    """The rules of ``header_rules.csv`` for ``table``; every concept named must be a word's.

    Raises :class:`IngestError` (a data error, caught by the tests) for an unknown concept.
    """
    df = _data("header_rules.csv")
    known = {c for w in header_words().values() for c in w.concepts}
    rules = []
    for row in df[df["table"] == table].itertuples(index=False):
        requires = tuple(frozenset(item.split("|")) for item in str(row.requires).split())
        allows = frozenset(str(row.allows).split())
        unknown = (set().union(*requires) | allows) - known
        if unknown:
            raise IngestError(f"header_rules.csv: unknown concepts {sorted(unknown)} in {row}")
        rules.append(HeaderRule(tuple(str(row.field).split("|")), requires, allows))
    return tuple(rules)


@lru_cache(maxsize=1)
def value_lookup() -> dict[str, dict[str, str]]:
    """field -> folded synonym -> canonical value (each category's own name included)."""
    out: dict[str, dict[str, str]] = {}
    for row in _data("value_synonyms.csv").itertuples(index=False):
        out.setdefault(str(row.field), {})[key(str(row.synonym))] = str(row.value)
    for name, dtype in CATEGORY_COLUMNS.items():
        for cat in dtype.categories:
            out.setdefault(name, {})[key(cat)] = cat
    return out


@lru_cache(maxsize=1)
def value_words() -> dict[str, dict[str, frozenset[str]]]:
    """field -> folded word -> the categories it can mean (empty: it carries none).

    Every one-word value synonym is a word of its category; ``value_words.csv`` adds words and
    overrides those (``student`` is a degree student alone, but no group beside ``incoming``).
    """
    out: dict[str, dict[str, frozenset[str]]] = {}
    for field, synonyms in value_lookup().items():
        if field == "boolean":
            continue
        words = out.setdefault(field, {})
        for k, value in synonyms.items():
            if " " not in k:
                words[k] = words.get(k, frozenset()) | {value}
    extra: dict[str, dict[str, frozenset[str]]] = {}
    for row in _data("value_words.csv").itertuples(index=False):
        cats = frozenset() if row.value == "*" else frozenset(str(row.value).split("|"))
        field_words = extra.setdefault(str(row.field), {})
        k = key(str(row.word))
        field_words[k] = field_words.get(k, frozenset()) | cats
    for field, words in extra.items():
        out.setdefault(field, {}).update(words)
    return out


@lru_cache(maxsize=16)
def _value_splitter(field: str):  # type: ignore[no-untyped-def]
    return cached_splitter(frozenset(value_words().get(field, {})) | header_stop_words())


@lru_cache(maxsize=65_536)
def value_from_words(field: str, text: str) -> tuple[str, tuple[str, ...]] | None:
    """The category a cell's words name, with the words that named it; None unless every word
    is known and the meaning words agree on exactly one category (never a guess).

    Examples
    --------
    >>> value_from_words("kind", "Forschungskooperation")
    ('research', ('forschung',))
    >>> value_from_words("group", "Innreisende utvekslingsstudenter")
    ('exchange_in', ('innreisende', 'utveksling'))
    >>> value_from_words("kind", "Kooperation") is None  # no kind in it
    True
    """
    words = value_words().get(field)
    if not words:
        return None
    stops, split = header_stop_words(), _value_splitter(field)
    known = frozenset(words)
    found: frozenset[str] | None = None
    used: list[str] = []
    for token in header_tokens(text):
        if token in stops:
            continue
        base = token if token in words else stem(token, known)
        parts = (base,) if base else split(token)
        if parts is None:
            return None  # an unknown word may change the meaning: no guess
        for part in parts:
            cats = words.get(part)
            if cats is None:
                if part in stops:
                    continue
                return None
            if cats:
                found = cats if found is None else found & cats
                used.append(part)
    if found is not None and len(found) == 1:
        return next(iter(found)), tuple(used)
    return None


def value_word_notes(field: str, values: Iterable[object]) -> list[str]:
    """A report note per distinct value read by its words rather than an exact synonym.

    Examples
    --------
    >>> value_word_notes("kind", ["Forschungskooperation", "research", ""])
    ["kind: 'Forschungskooperation' read as research (words: forschung)"]
    """
    exact = value_lookup().get(field, {})
    out = []
    for v in values:
        text = str(v).strip() if isinstance(v, str) else ""
        hit = None if not text or key(text) in exact else value_from_words(field, text)
        if hit:
            out.append(f"{field}: {text!r} read as {hit[0]} (words: {'+'.join(hit[1])})")
    return out


@dataclass(frozen=True)
class Convention:
    """What a header language implies for a column without evidence of its own."""

    dayfirst: bool
    decimal_comma: bool


#: A language without a row in header_languages.csv: day-first dates, decimal comma (as most of
#: the languages ingest reads).
_DEFAULT_CONVENTION = Convention(dayfirst=True, decimal_comma=True)


@lru_cache(maxsize=1)
def _conventions() -> dict[str, Convention]:
    df = _data("header_languages.csv")
    return {
        str(r.language): Convention(str(r.dates) == "day-first", str(r.decimal) == "comma")
        for r in df.itertuples(index=False)
    }


def convention(language: str) -> Convention:
    """The date order and decimal mark of ``language`` (``header_languages.csv``)."""
    return _conventions().get(language, _DEFAULT_CONVENTION)


@lru_cache(maxsize=1)
def number_bytes() -> np.ndarray:
    """A 256-entry mask of the bytes a number cell may hold that no currency marker
    (``currency_markers.csv``, in either letter case) nor white space contains: digits, ``.``,
    ``,``, ``+`` and ``-``. A column of only these needs no marker removed."""
    allowed = np.zeros(256, dtype=bool)
    allowed[np.frombuffer(b"0123456789.,+-", dtype=np.uint8)] = True
    for marker in _data("currency_markers.csv")["marker"]:
        for form in (marker, marker.upper(), marker.lower()):
            allowed[np.frombuffer(form.encode("utf-8"), dtype=np.uint8)] = False
    return allowed


@lru_cache(maxsize=1)
def currency_pattern() -> str:
    """A regex (RE2 and Python) for the currency markers, white space and apostrophes (thousands
    separators that are never a decimal mark) in a number cell.

    Letters match in either case, one character class per letter (``[Ee][Uu][Rr]``).
    """
    markers = _data("currency_markers.csv")["marker"]
    alts = [
        "".join(f"[{c.upper()}{c.lower()}]" if c.isalpha() else re.escape(c) for c in m)
        for m in markers
    ]
    # white space of any script (RE2's \s is ASCII only: the no-break and narrow no-break spaces
    # of French and Norwegian thousands, 1 234,50) and apostrophes (Swiss thousands, 1'234.50)
    return "|".join([*alts, "[\\s\u00a0\u2007\u202f'\u2019]"])
