"""The reference index: a registry of institution names (e.g. ROR) parsed once and indexed for
every kind of evidence (exact names, names without descriptors, contained names, acronyms,
identifiers, and the blocked choice strings of the fuzzy scorer).

The index is cached by the reference's content (:func:`_prepare_reference`), so that re-running a
notebook against the same reference does not parse it again.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd

from ..errors import ReferenceDataError, SchemaError
from ._identifiers import IDENTIFIER_COLUMNS, identify_partners
from ._lexicon import _Lexicon, _lexicon, _Word
from ._parse import (
    _DISTINCT_ROLES,
    _ORG_ROLES,
    _PAREN_ACRONYM_RE,
    _is_acronym,
    _is_generic,
    _parse,
    _Parsed,
)

#: Scripts whose transliteration is ambiguous: Chinese characters (no tones: 暨南 and 济南 are both
#: "jinan"), kana, hangul, and Arabic script (no short vowels).
_LOSSY_RE = re.compile(r"[\u0600-\u06ff\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
#: Roles of the leading words that :func:`_cores` may drop ("National Research University ...").
_DESCRIPTOR_ROLES = frozenset({"generic", "org", "org_weak"})
#: Keys that may be an Erasmus code ("D  BERLIN01", "UK LONDON029") or a ROR id (URL or bare).
_KEY_ID_RE = r"^\s*[A-Za-z]{1,3}[\s\u00a0]*[A-Za-z-]{2,10}\s?[0-9]{1,3}\s*$|0[0-9a-z]{6}[0-9]{2}"
#: References kept in :data:`_REFERENCE_CACHE` (the oldest goes first).
_CACHE_SIZE = 4


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
    partner_ids: dict[
        str, tuple[int, ...]
    ]  # "kind:normalised id" -> key indexes (see _partner_ids)
    choice_strings: np.ndarray  # distinct sorted normalised names for the fuzzy scorer
    blocks: dict[str, np.ndarray]  # blocking key -> choice strings (see _block_keys)
    choice_ptr: np.ndarray  # CSR offsets into choice_flat, per choice string
    choice_flat: np.ndarray  # reference rows, grouped by choice string


def _derived_acronyms(parsed: _Parsed, lex: _Lexicon) -> set[str]:
    """Initials of a name's words, skipping "of", "and", "the" ("Harbin Institute of Technology"
    -> "hit", "University of California, Los Angeles" -> "ucla"), and of its canonical words;
    a Russian or Ukrainian name up to "imeni" (named after): "МГТУ им. Баумана" -> "mgtu"."""
    out = set()
    raw = [t for s in parsed.segments for t in s.raw_tokens if t not in lex.acronym_skip]
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
    "Higher School of Economics" (the input may be contained in the reference name). The run
    dropped must hold an organisation-type word: a run of modifiers alone ("Technische",
    "Medical", "State") makes another organisation ("Technische Universität Berlin" is not
    "Universität Berlin")."""
    words = parsed.parts[0] if parsed.parts else ()
    if len(words) < 3 or words[0].role not in _DESCRIPTOR_ROLES:
        return []  # most names: no leading descriptor
    out = []
    for m in range(1, len(words) - 1):
        if words[m - 1].role not in _DESCRIPTOR_ROLES:
            break
        rest = words[m:]
        typed = any(w.role in _ORG_ROLES for w in words[:m])
        if typed and any(w.role in _ORG_ROLES for w in rest) and not _is_generic(rest):
            out.append(" ".join(w.text for w in rest))
    return out


def _raw_key(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


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


_REFERENCE_CACHE: dict[bytes, _Reference] = {}


def _prepare_reference(reference: pd.DataFrame) -> _Reference:
    """The reference, parsed and indexed; cached by content, so that re-running a notebook
    against the same reference does not parse it again."""
    if not isinstance(reference, pd.DataFrame):
        raise SchemaError("reference must be a DataFrame with columns 'key' and 'name'.")
    cols = [c for c in ("key", "name", "country", *IDENTIFIER_COLUMNS) if c in reference.columns]
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
        if len(_REFERENCE_CACHE) >= _CACHE_SIZE:
            _REFERENCE_CACHE.pop(next(iter(_REFERENCE_CACHE)))
        _REFERENCE_CACHE[digest] = cached
    return cached


def _checked_columns(reference: pd.DataFrame) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Key, name and country (ISO2, "" when unknown) of a reference, stripped; raises on a
    missing column or a row without key or name."""
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
    return key, name, country


def _with_acronym_rows(
    name: pd.Series, key_codes: np.ndarray, country: pd.Series
) -> tuple[np.ndarray, np.ndarray, pd.Series]:
    """Rows with their names, keys and countries, plus one row per bracketed acronym:
    "Queensland University of Technology (QUT)" is the name, and "QUT" an acronym row."""
    # The regex runs in Python: run it on the few names with a bracket only.
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
    return names, key_codes, country


class _NameIndexes(NamedTuple):
    """The per-name indexes of a reference, built in one pass over its rows (rows ascending)."""

    row_shape: list[_Shape]
    exact: dict[str, list[int]]
    contained: dict[str, list[int]]  # specific names: neither generic nor an acronym row
    cores: dict[str, list[int]]
    acronyms: dict[str, list[int]]
    explicit: set[str]  # name rows that are an acronym ("HSE")
    multi_segment: set[str]
    specific: list[str]  # per row: the name where specific, else ""


def _index_names(names: np.ndarray, parsed: list[_Parsed], lex: _Lexicon) -> _NameIndexes:
    idx = _NameIndexes([], {}, {}, {}, {}, set(), set(), [])
    for r, (n, p) in enumerate(zip(names, parsed, strict=True)):
        norm = p.norm
        idx.row_shape.append(_shape(p.parts[0]) if p.parts else _NO_SHAPE)
        if norm:
            idx.exact.setdefault(norm, []).append(r)
        if " " not in n and _is_acronym(n):  # a name row that is an acronym ("HSE")
            idx.specific.append("")
            if norm:
                idx.acronyms.setdefault(norm, []).append(r)
                idx.explicit.add(norm)
            continue
        for acr in _derived_acronyms(p, lex):
            idx.acronyms.setdefault(acr, []).append(r)
        if p.generic or not norm:
            idx.specific.append("")
            continue
        idx.specific.append(norm)
        idx.contained.setdefault(norm, []).append(r)
        for core in _cores(p):
            idx.cores.setdefault(core, []).append(r)
        if len(p.segments) > 1:
            idx.multi_segment.add(norm)
    return idx


def _identifiers(keys: Sequence[str]) -> dict[str, int]:
    """Keys that look like identifiers (six characters or more, with a digit), lower-cased, and
    their last path part ("https://ror.org/04dkp9463" -> "04dkp9463") -> key index."""
    identifiers: dict[str, int] = {}
    for i, k in enumerate(keys):
        if len(k) >= 6 and any(map(str.isdigit, k)):
            identifiers[k.lower()] = i
            identifiers[k.rstrip("/").rsplit("/", 1)[-1].lower()] = i
    return identifiers


class _Choices(NamedTuple):
    strings: np.ndarray  # distinct sorted-word names (object)
    ptr: np.ndarray  # CSR offsets into flat, per choice string
    flat: np.ndarray  # reference rows, grouped by choice string
    blocks: dict[str, np.ndarray]  # blocking key -> choice strings


def partner_id_keys(ids: pd.DataFrame) -> list[list[str]]:
    """Per row of :func:`identify_partners`' output, its identifiers as ``"kind:value"``."""
    out: list[list[str]] = [[] for _ in range(len(ids))]
    for col in IDENTIFIER_COLUMNS:
        values = ids[col].to_numpy(dtype=object)
        for i in np.flatnonzero(ids[col].notna().to_numpy(dtype=bool)):
            out[i].append(f"{col}:{values[i]}")
    return out


def _partner_ids(reference: pd.DataFrame, key_codes: np.ndarray) -> dict[str, tuple[int, ...]]:
    """The partner identifiers of a reference -> key indexes: its ``erasmus_code``, ``pic`` and
    ``ror`` columns where present (read by :func:`identify_partners`), and each key read as an
    Erasmus code and as a ROR id (the keys of :func:`~kvanalytics.reference.read_erasmus_charter`
    and of a ROR registry). One identifier may belong to several keys (one legal entity, one
    PIC, two Erasmus codes): all are kept and the decision sees the tie."""
    frame = pd.DataFrame(
        {c: reference[c].to_numpy(dtype=object) for c in IDENTIFIER_COLUMNS if c in reference}
    )
    # Keys are read one at a time: read only those shaped like an Erasmus code or a ROR id
    # (a 100k-name reference of other keys costs a vectorised test, not 200k reads).
    key = reference["key"].astype("string")
    shaped = (
        key.str.contains(_KEY_ID_RE, regex=True).fillna(False).to_numpy(dtype=bool)
        if len(key)
        else np.zeros(0, dtype=bool)
    )
    picked = key[shaped].to_numpy(dtype=object)
    from_keys = identify_partners(pd.DataFrame({"erasmus_code": picked, "ror": picked}))
    found: dict[str, set[int]] = {}
    tables = [(from_keys, np.flatnonzero(shaped))]
    if len(frame.columns):
        tables.append((identify_partners(frame), np.arange(len(frame))))
    for table, rows in tables:
        for r, ids in zip(rows.tolist(), partner_id_keys(table), strict=True):
            for ident in ids:
                found.setdefault(ident, set()).add(int(key_codes[r]))
    return {k: tuple(sorted(v)) for k, v in found.items()}


def _fuzzy_choices(specific: list[str], row_shape: list[_Shape]) -> _Choices:
    """The fuzzy scorer's choices: each specific name with its words sorted (``token_sort_ratio``
    is ``ratio`` of sorted words), once, with the rows it stands for and its blocking keys."""
    sorted_names = [" ".join(sorted(s.split())) for s in specific]
    choice_codes, choice_strings = pd.factorize(pd.Series(sorted_names, dtype=object))
    keep = np.asarray([bool(c) for c in choice_strings], dtype=bool)
    new_code = np.cumsum(keep) - 1
    sel = keep[choice_codes]
    codes = new_code[choice_codes[sel]]
    rows_sel = np.flatnonzero(sel)
    order = np.argsort(codes, kind="stable")
    n_choices = int(keep.sum())
    flat = rows_sel[order]
    ptr = np.searchsorted(codes[order], np.arange(n_choices + 1))
    blocks: dict[str, list[int]] = {}
    for ci, r in enumerate(flat[ptr[:-1]].tolist()):
        for bk in _block_keys(row_shape[r].distinct):
            blocks.setdefault(bk, []).append(ci)
    return _Choices(
        strings=np.asarray(choice_strings, dtype=object)[keep],
        ptr=ptr,
        flat=flat,
        blocks={k: np.asarray(v, dtype=np.int64) for k, v in blocks.items()},
    )


def _name_prefixes(contained: dict[str, list[int]]) -> frozenset[str]:
    """Every proper prefix, in words, of a contained name (the names have single spaces)."""
    extended = set()
    for c in contained:
        cut = c.find(" ")
        while cut >= 0:
            extended.add(c[:cut])
            cut = c.find(" ", cut + 1)
    return frozenset(extended)


def _build_reference(reference: pd.DataFrame) -> _Reference:
    """Parse and index a reference (columns ``key``, ``name``, optional ``country``)."""
    key, name, country = _checked_columns(reference)
    lex = _lexicon()
    key_codes, keys = pd.factorize(key)
    first_row = pd.Series(np.arange(len(key_codes))).groupby(key_codes).first().to_numpy()
    canonical = name.to_numpy(dtype=object)[first_row]
    partner_ids = _partner_ids(reference, key_codes)
    names, key_codes, country = _with_acronym_rows(name, key_codes, country)
    parsed = [_parse(n, False) for n in names]
    idx = _index_names(names, parsed, lex)
    lossy = {r: _raw_key(n) for r, n in enumerate(names) if not n.isascii() and _LOSSY_RE.search(n)}
    choices = _fuzzy_choices(idx.specific, idx.row_shape)
    return _Reference(
        keys=np.asarray(keys, dtype=object),
        canonical=canonical,
        row_key=key_codes,
        row_country=country.to_numpy(dtype=object),
        row_shape=idx.row_shape,
        row_joined=np.asarray([sh.joined for sh in idx.row_shape], dtype=object),
        exact=idx.exact,
        cores=idx.cores,
        lossy=lossy,
        contained=idx.contained,
        multi_segment=frozenset(idx.multi_segment),
        extended=_name_prefixes(idx.contained),
        vocab=frozenset(" ".join(idx.contained).split()),
        max_len=max((c.count(" ") for c in idx.contained), default=0) + 1,
        acronyms={a: np.unique(np.asarray(v, dtype=np.int64)) for a, v in idx.acronyms.items()},
        explicit_acronyms=frozenset(idx.explicit),
        parsed=parsed,
        identifiers=_identifiers(list(map(str, keys))),
        partner_ids=partner_ids,
        choice_strings=choices.strings,
        blocks=choices.blocks,
        choice_ptr=choices.ptr,
        choice_flat=choices.flat,
    )
