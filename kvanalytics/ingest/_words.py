"""Header text -> words: normalisation and compound splitting, independent of any field.

:func:`header_tokens` turns a header cell into folded tokens: camelCase and snake_case split
(``projectID`` -> ``project id``, ``project_start_date``), brackets opened (``Bedrag (EUR)`` ->
``bedrag eur``), accents and punctuation gone, letters and digits apart (``Partner2``).

:func:`split_compound` splits a token the vocabulary does not know into words it does, the way
Dutch, German, the Scandinavian languages and Finnish glue them: ``gegevensuitwisseling`` ->
``gegevens uitwisseling``, ``samenwerkingsovereenkomstnummer`` -> ``samenwerking overeenkomst
nummer`` (the linking ``-s-``, ``-e-``, ``-en-``, ``-er-`` dropped), with an inflection at the end
(``partnerinstitusjonens``). It is a search over known words, never a guess: every letter of the
token must be a known word or a linking element, or the token stays one unknown word.

Examples
--------
>>> header_tokens("projectID"), header_tokens("Value [€]"), header_tokens("project_start_date")
(('project', 'id'), ('value', 'eur'), ('project', 'start', 'date'))
>>> split_compound("gegevensuitwisseling", frozenset({"gegevens", "uitwisseling"}))
('gegevens', 'uitwisseling')
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from ..normalise import fold

#: Linking elements between the parts of a compound (nl, de, no, sv, da): ``overeenkomst-s-nummer``.
LINKERS = ("s", "e", "en", "er", "n", "es")
#: Endings a compound's last part may carry (plural, definite, genitive) beyond its known form.
SUFFIXES = ("s", "e", "n", "en", "er", "es", "et", "ene", "ens", "ets", "ts", "ar", "or", "a", "i", "t")  # fmt: skip
#: Shortest part of a compound, except the short words of :data:`SHORT_PARTS`.
MIN_PART = 3
#: Two-letter words that may be a part of a compound (``projectid``, ``studiear``).
SHORT_PARTS = frozenset({"id", "nr", "ar", "cd"})

_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z]{2})")
_LETTER_DIGIT = re.compile(r"(?<=[a-z])(?=[0-9])|(?<=[0-9])(?=[a-z])")
_NON_WORD = re.compile(r"[^a-z0-9]+")
#: "E-mail", "e mail" are one word.
_EMAIL = re.compile(r"\be (?=mail)")
#: The number signs "N°", "Nº", "N.º", "№" (fr, es, pt, it) are the word "nr".
_NUMERO = re.compile(r"\b[Nn]\.?\s?[°º]|№")


@lru_cache(maxsize=65_536)
def header_tokens(text: str) -> tuple[str, ...]:
    """The folded tokens of a header cell (see the module docstring).

    Examples
    --------
    >>> header_tokens("Kontrakt startdato"), header_tokens("E-mailadres contactpersoon")
    (('kontrakt', 'startdato'), ('emailadres', 'contactpersoon'))
    >>> header_tokens("N° convention"), header_tokens("N.º de acuerdo")
    (('nr', 'convention'), ('nr', 'de', 'acuerdo'))
    """
    spaced = _CAMEL.sub(" ", _NUMERO.sub(" nr ", text))
    folded = _NON_WORD.sub(" ", fold(spaced))
    folded = _EMAIL.sub("e", _LETTER_DIGIT.sub(" ", folded))
    return tuple(folded.split())


def split_compound(
    token: str, known: frozenset[str], longest: int | None = None
) -> tuple[str, ...] | None:
    """The known words a compound is made of, fewest parts first; None when it is not one.

    ``known`` holds the vocabulary's words (folded). A token that is itself known is not split.
    Parts are at least :data:`MIN_PART` letters (or one of :data:`SHORT_PARTS`), a linking
    element (:data:`LINKERS`) may sit between two parts and an ending (:data:`SUFFIXES`) after
    the last. ``longest``: the longest known word's length (computed when not given).

    Examples
    --------
    >>> words = frozenset({"samenwerking", "overeenkomst", "nummer", "start", "dato"})
    >>> split_compound("samenwerkingsovereenkomstnummer", words)
    ('samenwerking', 'overeenkomst', 'nummer')
    >>> split_compound("startdato", words), split_compound("startup", words)
    (('start', 'dato'), None)
    """
    if token in known or len(token) < 2 * MIN_PART - 1:
        return None
    if longest is None:
        longest = max((len(w) for w in known), default=0)
    best = _segment(token, known, longest)
    return best[1] if best and len(best[1]) > 1 else None


def stem(token: str, known: frozenset[str]) -> str | None:
    """The known word a token inflects (``studenten`` -> ``student``), or None.

    Examples
    --------
    >>> stem("studenten", frozenset({"student"})), stem("studenten", frozenset())
    ('student', None)
    """
    for suffix in sorted(SUFFIXES, key=len, reverse=True):
        base = token[: -len(suffix)]
        if token.endswith(suffix) and len(base) >= MIN_PART and base in known:
            return base
    return None


def _segment(
    token: str, known: frozenset[str], longest: int
) -> tuple[tuple[int, int, int], tuple[str, ...]] | None:
    """Best split of ``token``: ((endings, parts, linkers), parts), or None: whole words before
    an ending (``startår`` is ``start år``, not ``start`` inflected), then the fewest parts.

    A search from the left over the known prefixes of what is left, memoised per position, so a
    token that starts with no known word costs one pass over its prefixes.
    """
    n = len(token)
    memo: dict[int, tuple[tuple[int, int, int], tuple[str, ...]] | None] = {}

    def part_ok(word: str) -> bool:
        return word in known and (len(word) >= MIN_PART or word in SHORT_PARTS)

    def rest(i: int) -> tuple[tuple[int, int, int], tuple[str, ...]] | None:
        if i in memo:
            return memo[i]
        options: list[tuple[tuple[int, int, int], tuple[str, ...]]] = []
        for j in range(min(n, i + longest), i + 1, -1):
            word = token[i:j]
            if not part_ok(word):
                continue
            if j == n:
                options.append(((0, 1, 0), (word,)))
                continue
            tail = token[j:]
            if tail in SUFFIXES:
                options.append(((1, 1, 0), (word,)))
            for glue in ("", *LINKERS):
                if glue and not tail.startswith(glue):
                    continue
                sub = rest(j + len(glue)) if j + len(glue) < n else None
                if sub is not None:
                    cost = (sub[0][0], sub[0][1] + 1, sub[0][2] + bool(glue))
                    options.append((cost, (word, *sub[1])))
        memo[i] = min(options, default=None)
        return memo[i]

    return rest(0)


def cached_splitter(known: frozenset[str]) -> Callable[[str], tuple[str, ...] | None]:
    """:func:`split_compound` over one vocabulary, memoised per token."""
    longest = max((len(w) for w in known), default=0)

    @lru_cache(maxsize=65_536)
    def split(token: str) -> tuple[str, ...] | None:
        return split_compound(token, known, longest)

    return split
