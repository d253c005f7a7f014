"""Header row detection and the header -> field mapping.

:func:`map_headers` is the one place that decides which header cell fills which canonical field,
and says by which rule (:class:`HeaderDecision`):

1. ``explicit``: the user's ``columns=`` mapping (checked by :func:`check_column_map`); it wins,
   and a column inference would have put on the same field is ignored with a note;
2. ``synonym``: the header's folded text is a synonym in ``header_synonyms.csv`` (or a field's
   own name);
3. ``words``: the words that carry the header's meaning (``header_words.csv``, compounds split,
   see ``_words``) make a field by a rule of ``header_rules.csv``: every concept the rule requires
   is there and no word points elsewhere (``Contactpersoon partner`` is not the partner,
   ``Startjaar`` is not a start date); the rule scores by how much of the header it explains;
4. ``ignored``: none of these, a field the table does not have, or displaced by a stronger one.

Ambiguity is never guessed: two headers claiming one field with equal evidence, or one header
equally good for two fields, fail the file with the candidates and the ``columns=`` line that
settles it. A stronger claim (explicit > synonym > words; or words with clearly more evidence)
wins, and the decision says so. Where a code column and a name column could both fill a field of
:data:`AUX_FIELDS` (``country_code`` and ``country``; ``Country Cd`` and ``Land``), the code
fills the field and the name the auxiliary field, for the pipeline to cross-check.

The header row itself is the row of the first :data:`HEADER_SCAN_ROWS` that maps the most fields
(:func:`find_header_row`); the probe per row is cheap (cached per cell text). The header language
is voted by the synonyms and words matched.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

import pandas as pd

from .. import schemas
from ..errors import IngestError
from ._fields import Table
from ._grid import HEADER_SCAN_ROWS, HeaderProbe
from ._vocab import header_lookup, header_rules, header_stop_words, header_words, key
from ._words import cached_splitter, header_tokens, stem

EXPLICIT = "explicit"
SYNONYM = "synonym"
WORDS = "words"
IGNORED = "ignored"

#: Auxiliary fields: name -> the field it stands beside. Where a code column and a name column
#: could both fill the field, the code fills it and the name fills the auxiliary field (the
#: pipeline cross-checks them). The one list of them.
AUX_FIELDS: dict[str, str] = {"country_name": "country"}
#: The concepts that mark a header as a code column or a name column (``header_words.csv``).
CODE_CONCEPT, NAME_CONCEPT = "CODE", "NAME"
#: Longest header text whose words are analysed (a longer cell is data, not a header).
MAX_HEADER_CHARS = 80
#: A claim by words beats another by words on one field only with this much more score.
WORDS_MARGIN = 2
_STRENGTH = {EXPLICIT: 3, SYNONYM: 2, WORDS: 1}


@dataclass(frozen=True)
class HeaderDecision:
    """What became of one non-empty header cell: the field it fills (None: ignored) and why.

    ``words``: the vocabulary words that decided a ``words`` decision; ``note``: why a column was
    ignored or moved (displaced by an explicit mapping, weaker than another, a name column).
    """

    position: int
    header: str
    field: str | None
    rule: str
    words: tuple[str, ...] = ()
    note: str = ""

    def describe(self) -> str:
        """One line for the report: ``'Soort overeenkomst' -> kind (words: soort+overeenkomst)``."""
        target = self.field or "ignored"
        how = self.rule if self.rule != WORDS else f"words: {'+'.join(self.words)}"
        text = f"{self.header!r} -> {target} ({how})"
        return f"{text}; {self.note}" if self.note else text


@dataclass(frozen=True)
class HeaderMapping:
    """The header row's cells (``""`` where empty), position -> field, language, the rest."""

    cells: list[str]
    mapping: dict[int, str]
    language: str
    unmapped: list[str]
    decisions: tuple[HeaderDecision, ...]

    @property
    def notes(self) -> list[str]:
        """Each decision not made by an exact synonym, as a line (see :meth:`HeaderDecision.describe`)."""
        return [d.describe() for d in self.decisions if d.rule != SYNONYM or d.note]


# ------------------------------------------------------------------------------------------------
# One header's words and the fields they could make
# ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Token:
    word: str
    concepts: frozenset[str]
    languages: frozenset[str]


@dataclass(frozen=True)
class Analysis:
    """A header's meaning words (compounds split, inflections removed) and its unknown words."""

    tokens: tuple[_Token, ...]
    unknown: tuple[str, ...]

    @property
    def concepts(self) -> frozenset[str]:
        return frozenset().union(*(t.concepts for t in self.tokens))

    @property
    def languages(self) -> frozenset[str]:
        """The languages all its words share (else any of them)."""
        sets = [t.languages for t in self.tokens]
        common = frozenset.intersection(*sets) if sets else frozenset()
        return common or frozenset().union(*sets)


@lru_cache(maxsize=1)
def _known() -> frozenset[str]:
    return frozenset(header_words())


@lru_cache(maxsize=1)
def _splitter() -> Callable[[str], tuple[str, ...] | None]:
    return cached_splitter(_known())


@lru_cache(maxsize=65_536)
def analyse_header(text: str) -> Analysis:
    """The words of a header cell that the vocabulary knows, and the ones it does not.

    Examples
    --------
    >>> a = analyse_header("Samenwerkingsovereenkomstnummer")
    >>> [t.word for t in a.tokens], a.unknown
    (['samenwerking', 'overeenkomst', 'nummer'], ())
    """
    words, stops = header_words(), header_stop_words()
    tokens: list[_Token] = []
    unknown: list[str] = []
    # a stop word of one language that means something in another (pt "do" = of, pl "do" =
    # until): a word only where every other word of the header can be of that language
    torn: list[tuple[int, str]] = []
    for tok in header_tokens(text):
        if tok in stops and tok in words:
            torn.append((len(tokens), tok))
            continue
        if tok.isdigit() or tok in stops:
            continue
        parts = [tok] if tok in words else _splitter()(tok)
        if parts is None:
            base = stem(tok, _known()) if len(tok) > 3 else None
            parts = [base] if base else None
        if not parts:
            unknown.append(tok)
            continue
        tokens.extend(_Token(p, words[p].concepts, words[p].languages) for p in parts)
    if torn and tokens and not unknown:
        shared = frozenset.intersection(*(t.languages for t in tokens))
        for at, tok in reversed(torn):
            if words[tok].languages & shared:
                tokens.insert(at, _Token(tok, words[tok].concepts, words[tok].languages))
    return Analysis(tuple(tokens), tuple(unknown))


@dataclass(frozen=True)
class Candidate:
    """A field a header's words could make, its score, and whether the table has the field."""

    field: str
    score: int
    present: bool


def _rule_score(requires: tuple[frozenset[str], ...], allows: frozenset[str], a: Analysis) -> int:
    """How well a rule explains a header (-1: not at all). Every required concept present, every
    meaning word explained by the rule, at most one unknown word per two known ones.
    """
    if not a.tokens or len(a.unknown) > len(a.tokens) // 2:
        return -1
    if not all(any(t.concepts & item for t in a.tokens) for item in requires):
        return -1
    vocab = allows.union(*requires)
    if any(not (t.concepts & vocab) for t in a.tokens):
        return -1  # a word that points elsewhere (contact, year, total...)
    return 2 * len(requires) + max(0, len(a.tokens) - len(requires)) - len(a.unknown)


@lru_cache(maxsize=65_536)
def word_candidates(text: str, table: str, fields: frozenset[str]) -> tuple[Candidate, ...]:
    """The fields the words of ``text`` could make in a table of ``fields``, best first.

    A rule naming fallbacks (``ror|partner_key``) gives the first the table has; a rule whose
    field the table lacks gives a candidate with ``present=False``.
    """
    if len(text) > MAX_HEADER_CHARS:
        return ()
    a = analyse_header(text)
    best: dict[str, Candidate] = {}
    for rule in header_rules(table):
        score = _rule_score(rule.requires, rule.allows, a)
        if score < 0:
            continue
        field = next((f for f in rule.fields if f in fields), None)
        cand = Candidate(field or rule.fields[0], score, field is not None)
        if cand.field not in best or best[cand.field].score < score:
            best[cand.field] = cand
    return tuple(sorted(best.values(), key=lambda c: (-c.score, c.field)))


def table_fields(table: Table) -> frozenset[str]:
    """The fields a header may fill: the table's columns (not provenance) and their aux fields."""
    cols = set(schemas.TABLES[table]) - set(schemas.PROVENANCE)
    return frozenset(cols | {aux for aux, base in AUX_FIELDS.items() if base in cols})


def check_column_map(table: Table, columns: Mapping[str, str] | None) -> dict[str, str]:
    """The user's ``columns=`` mapping checked against the table's fields, keyed by folded header.

    Raises :class:`IngestError` naming the unknown fields and the allowed ones (provenance
    columns are ingest's own, never mapped; the auxiliary fields of :data:`AUX_FIELDS` may be).
    """
    if not columns:
        return {}
    allowed = table_fields(table)
    bad = {k: v for k, v in columns.items() if v not in allowed}
    if bad:
        raise IngestError(
            f"columns mapping {bad} names unknown {table} columns; allowed: "
            + ", ".join(sorted(allowed))
        )
    return {key(k): v for k, v in columns.items()}


# ------------------------------------------------------------------------------------------------
# The per-row probe (cheap: cached per cell text)
# ------------------------------------------------------------------------------------------------


def _match_cell(
    cell: Any, table: Table, extra: Mapping[str, str], fields: frozenset[str]
) -> tuple[str, str, frozenset[str] | None] | None:
    """(field, rule, languages) for a header cell on its own; None when blank or unknown."""
    if cell is None or pd.isna(cell) or not str(cell).strip():
        return None
    k = key(str(cell))
    if k in extra:
        return extra[k], EXPLICIT, None
    lookup = header_lookup(table)
    if k in lookup:
        return lookup[k][0], SYNONYM, lookup[k][1]
    cands = word_candidates(str(cell), table, fields)
    if cands and cands[0].present and (len(cands) == 1 or cands[1].score < cands[0].score):
        return cands[0].field, WORDS, analyse_header(str(cell)).languages
    return None


def match_header(
    row: Iterable[Any], table: Table, extra: Mapping[str, str]
) -> tuple[dict[int, str], list[frozenset[str]]]:
    """Position -> field for the cells of ``row`` that are headers, each judged on its own, and
    the matched synonyms' and words' languages. ``extra`` is a :func:`check_column_map` result.
    """
    fields = table_fields(table)
    mapping: dict[int, str] = {}
    langs: list[frozenset[str]] = []
    for i, cell in enumerate(row):
        hit = _match_cell(cell, table, extra, fields)
        if hit is None:
            continue
        mapping[i] = hit[0]
        if hit[2]:
            langs.append(hit[2])
    return mapping, langs


def header_probe(table: Table, extra: Mapping[str, str]) -> HeaderProbe:
    """:func:`match_header` as the grid reader's probe (which separator, which sheet)."""

    def probe(row: Sequence[Any]) -> dict[int, str]:
        return match_header(row, table, extra)[0]

    return probe


def find_header_row(cells: pd.DataFrame, table: Table, extra: Mapping[str, str]) -> int:
    """The first of the top :data:`HEADER_SCAN_ROWS` rows that maps the most fields (0 if none)."""
    best_i, best_n = 0, 0
    for i in range(min(HEADER_SCAN_ROWS, len(cells))):
        n = len(match_header(cells.iloc[i].tolist(), table, extra)[0])
        if n > best_n:
            best_i, best_n = i, n
    return best_i


def row_cells(cells: pd.DataFrame, i: int) -> list[str]:
    """Row ``i`` of a grid as text, ``""`` where a cell is missing."""
    if not len(cells):
        return []
    return ["" if pd.isna(c) else str(c) for c in cells.iloc[i].tolist()]


# ------------------------------------------------------------------------------------------------
# The whole header row: claims, their resolution, the errors
# ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Claim:
    """One header's claim on one field."""

    position: int
    header: str
    field: str
    rule: str
    score: int = 0
    words: tuple[str, ...] = ()
    languages: frozenset[str] | None = None
    note: str = ""

    @property
    def strength(self) -> tuple[int, int]:
        return _STRENGTH[self.rule], self.score

    @property
    def codeness(self) -> int:
        """2 for a code column (``Landcode``, ``country_code``), 0 for a name column, else 1."""
        concepts = analyse_header(self.header).concepts
        return 2 if CODE_CONCEPT in concepts else 0 if NAME_CONCEPT in concepts else 1

    def decision(self) -> HeaderDecision:
        return HeaderDecision(
            self.position, self.header, self.field, self.rule, self.words, self.note
        )

    def ignored(self, note: str) -> HeaderDecision:
        return HeaderDecision(self.position, self.header, None, IGNORED, self.words, note)


@dataclass
class _Problems:
    """Ambiguities found in one header row, raised together."""

    lines: list[str]
    fix: dict[str, str]
    same_text: bool = False


def _claim(
    i: int, cell: str, table: Table, extra: Mapping[str, str], fields: frozenset[str]
) -> _Claim | HeaderDecision | tuple[str, list[Candidate]]:
    """One header cell's claim, its ignored decision, or (header, tied candidates)."""
    k = key(cell)
    lookup = header_lookup(table)
    if k in extra:  # the header's own language still votes (day-first dates, decimal comma)
        own = lookup[k][1] if k in lookup else analyse_header(cell).languages or None
        return _Claim(i, cell, extra[k], EXPLICIT, languages=own)
    if k in lookup:
        return _Claim(i, cell, lookup[k][0], SYNONYM, languages=lookup[k][1])
    cands = word_candidates(cell, table, fields)
    words = tuple(t.word for t in analyse_header(cell).tokens)
    if not cands:
        return HeaderDecision(i, cell, None, IGNORED)
    top = [c for c in cands if c.score == cands[0].score]
    if len(top) > 1:
        return cell, top
    best = top[0]
    if not best.present:
        note = f"its words say {best.field}, a field {table} tables do not have"
        return HeaderDecision(i, cell, None, IGNORED, words, note)
    return _Claim(i, cell, best.field, WORDS, best.score, words, analyse_header(cell).languages)


def _displace(claims: list[_Claim]) -> tuple[list[_Claim], list[HeaderDecision]]:
    """Explicit mappings win: an inferred claim on an explicitly mapped field is ignored, or,
    when it is a name column beside the explicit code column, moved to the auxiliary field.
    """
    explicit = {c.field: c for c in claims if c.rule == EXPLICIT}
    kept: list[_Claim] = []
    ignored: list[HeaderDecision] = []
    for c in claims:
        boss = explicit.get(c.field)
        if c.rule == EXPLICIT or boss is None:
            kept.append(c)
            continue
        aux = next((a for a, base in AUX_FIELDS.items() if base == c.field), None)
        if aux and aux not in explicit and c.codeness < boss.codeness:
            note = f"a name column beside the code column {boss.header!r} (explicit)"
            kept.append(replace(c, field=aux, note=note))
        else:
            ignored.append(
                c.ignored(f"displaced by explicit mapping: {boss.header!r} is {c.field}")
            )
    return kept, ignored


def _code_and_name(field: str, group: list[_Claim], taken: Collection[str]) -> list[_Claim] | None:
    """Two claims on a field of :data:`AUX_FIELDS`' bases, one more a code column than the other:
    the code keeps the field, the name moves to the auxiliary field. None otherwise.
    """
    aux = next((a for a, base in AUX_FIELDS.items() if base == field), None)
    if aux is None or aux in taken or len(group) != 2 or EXPLICIT in {c.rule for c in group}:
        return None
    code, name = sorted(group, key=lambda c: -c.codeness)
    if code.codeness == name.codeness:
        return None
    note = f"a name column beside the code column {code.header!r}: read as {aux}, checked against {field}"
    return [code, replace(name, field=aux, note=note)]


def _settle(
    field: str, group: list[_Claim], taken: Collection[str], problems: _Problems
) -> tuple[list[_Claim], list[HeaderDecision]]:
    """The claims on one field: one wins, a code/name pair splits, or the tie is a problem."""
    if len(group) == 1:
        return group, []
    split = _code_and_name(field, group, taken)
    if split is not None:
        return split, []
    ranked = sorted(group, key=lambda c: c.strength, reverse=True)
    first, second = ranked[0], ranked[1]
    clear = first.strength[0] > second.strength[0] or (
        first.rule == second.rule == WORDS and first.score - second.score >= WORDS_MARGIN
    )
    if clear:
        how = "an exact synonym" if first.rule == SYNONYM else f"{first.rule} evidence"
        note = f"weaker than {first.header!r} ({how}) for {field}"
        return [first], [c.ignored(note) for c in ranked[1:]]
    tied = [c for c in ranked if c.strength == first.strength]
    evidence = ", ".join(f"{c.header!r} ({_how(c)})" for c in tied)
    problems.lines.append(
        f"{field} <- " + ", ".join(repr(c.header) for c in tied) + f": equal evidence, {evidence}"
    )
    problems.fix[first.header] = field
    problems.same_text |= len({key(c.header) for c in tied}) < len(tied)
    return [], [c.ignored(f"ambiguous: one of {len(tied)} columns for {field}") for c in tied]


def _how(c: _Claim) -> str:
    return f"words {'+'.join(c.words)}" if c.rule == WORDS else c.rule


def _resolve(
    claims: list[_Claim], problems: _Problems
) -> tuple[list[_Claim], list[HeaderDecision]]:
    """Every claim settled: explicit first, then per field (see :func:`_settle`)."""
    kept, ignored = _displace(claims)
    by_field: dict[str, list[_Claim]] = {}
    for c in kept:
        by_field.setdefault(c.field, []).append(c)
    won: list[_Claim] = []
    for field, group in by_field.items():
        w, ig = _settle(field, group, by_field.keys(), problems)
        won += w
        ignored += ig
    return won, ignored


def map_headers(
    header_cells: Sequence[str],
    table: Table,
    columns: Mapping[str, str] | None = None,
    *,
    where: str = "the header",
    path: str | None = None,
    required: Collection[str] | None = None,
) -> HeaderMapping:
    """Map a header row's cells to the table's fields, every decision with its rule.

    Parameters
    ----------
    header_cells : sequence of str
        The header row, one string per column (``""`` for an empty cell).
    table : {"partnerships", "headcounts"}
    columns : mapping, optional
        The user's explicit mapping ``{"Your header": "field"}``; it wins over inference.
    where, path : str
        How error messages name the file (and sheet).
    required : collection of str, optional
        The fields that must have a header (default: ``schemas.REQUIRED[table]``; the pipeline
        passes fewer when defaults fill some).

    Raises
    ------
    IngestError
        Two headers claim one field with equal evidence, one header fits two fields equally, or
        a required field has no header; the message gives the ``columns=`` line that fixes it.

    Examples
    --------
    >>> m = map_headers(
    ...     ["Kenmerk", "Partner", "Land", "Faculteit", "Soort overeenkomst", "Startdatum", "Notes"],
    ...     "partnerships",
    ... )
    >>> m.mapping[4], m.unmapped, m.language
    ('kind', ['Notes'], 'nl')
    >>> m.decisions[4].describe()
    "'Soort overeenkomst' -> kind (words: soort+overeenkomst)"
    """
    extra = check_column_map(table, columns)
    fields = table_fields(table)
    cells = list(header_cells)
    claims: list[_Claim] = []
    decisions: list[HeaderDecision] = []
    problems = _Problems([], {})
    for i, cell in enumerate(cells):
        if not cell.strip():
            continue
        got = _claim(i, cell, table, extra, fields)
        if isinstance(got, tuple):
            names = " or ".join(c.field for c in got[1])
            problems.lines.append(f"{cell!r} fits {names} equally")
            problems.fix[cell] = got[1][0].field
            decisions.append(HeaderDecision(i, cell, None, IGNORED, note=f"ambiguous: {names}"))
        elif isinstance(got, HeaderDecision):
            decisions.append(got)
        else:
            claims.append(got)
    won, ignored = _resolve(claims, problems)
    if problems.lines:
        _raise_ambiguous(problems, where, path)
    decisions += [c.decision() for c in won] + ignored
    decisions.sort(key=lambda d: d.position)
    mapping = {c.position: c.field for c in won}
    _check_required(cells, mapping, table, where, path, required)
    return HeaderMapping(
        cells=cells,
        mapping=mapping,
        language=vote_language([c.languages for c in won if c.languages]),
        unmapped=[d.header for d in decisions if d.field is None],
        decisions=tuple(decisions),
    )


def columns_fix(fix: Mapping[str, str]) -> str:
    """The ``columns=`` argument and the ``--columns`` YAML lines that map ``fix``.

    Examples
    --------
    >>> print(columns_fix({"Kontrakt startdato": "start"}))
    columns={'Kontrakt startdato': 'start'} (CLI: --columns MAP.yaml with the line "Kontrakt startdato": start)
    """
    yaml = "; ".join(f"{json.dumps(h, ensure_ascii=False)}: {f}" for h, f in fix.items())
    lines = "line" if len(fix) == 1 else "lines"
    return f"columns={dict(fix)!r} (CLI: --columns MAP.yaml with the {lines} {yaml})"


def _raise_ambiguous(problems: _Problems, where: str, path: str | None) -> None:
    remedy = (
        "two columns have the same header: rename or drop one in the file"
        if problems.same_text
        else f"say which with {columns_fix(problems.fix)}; a column it displaces is then ignored"
    )
    raise IngestError(
        f"{where}: ambiguous header, ingest does not guess ({'; '.join(problems.lines)}); "
        + remedy,
        path=path,
    )


def _check_required(
    header: list[str],
    mapping: dict[int, str],
    table: Table,
    where: str,
    path: str | None,
    required: Collection[str] | None,
) -> None:
    """Raise when a required field has no header."""
    need = schemas.REQUIRED[table] if required is None else tuple(required)
    missing = [c for c in need if c not in mapping.values()]
    if missing:
        found = [h for h in header if h.strip()]
        raise IngestError(
            f"{where}: missing required column(s) {', '.join(missing)}; found columns "
            f"{found or 'none'} (header looked for in the first {HEADER_SCAN_ROWS} rows); "
            f"expected {table} columns {', '.join(need)} under any known "
            "synonym, or map them with columns={'Your header': 'field'}",
            path=path,
        )


def vote_language(langs: list[frozenset[str]]) -> str:
    """The language most matched synonyms belong to (a synonym of k languages gives each 1/k)."""
    votes: dict[str, float] = {}
    for ls in langs:
        for lang in ls:
            votes[lang] = votes.get(lang, 0.0) + 1.0 / len(ls)
    return max(sorted(votes), key=lambda k: votes[k]) if votes else "en"
