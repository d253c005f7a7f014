"""Normalisation of free text to canonical values: text folding, countries, institution names.

Everything here works on *distinct* values and maps back, so that a million-row column costs as
much as its few hundred distinct spellings (DESIGN.md, Scale). Modules, lowest first:

========================  =====================================================================
``_text``                 :func:`fold`, :func:`fold_series`: the comparison form of any text
``_countries``            names and codes -> ISO2 (:func:`to_iso2`), display names, the table
``_identifiers``          partner identifiers: Erasmus codes (and the country they give), PIC, ROR
``_lexicon``              word lists of institution names (``data/*.csv``), token -> word
``_parse``                one name -> segments and organisation part (:func:`normalise_name`)
``_index``                a reference registry parsed and indexed once
``_evidence``             identifier, alias, acronym, contained and fuzzy evidence
``_overrides``            analyst decisions (:func:`read_overrides`)
``_match``                :func:`match_institutions`: evidence -> ranking -> decision
``_evaluate``             :func:`match_summary`, :func:`matching_accuracy`
========================  =====================================================================

Explainable matching of free-text institution names against a reference registry (e.g. ROR):
the matcher folds case, accents and scripts, maps organisation-type words of many languages onto
one token ("Universiteit", "Università", "университет" -> ``university``; they are never deleted,
so "Universiteit van Amsterdam" and "Vrije Universiteit Amsterdam" stay apart), drops stop words
and strips affiliation noise (departments, street addresses, postcodes, e-mail addresses, country
names). It then collects evidence, each kind with its own ``method`` label (``identifier``,
``exact alias``, ``acronym``, ``contained alias``, ``fuzzy``, ``override``), so that every
decision can be explained; the rules are documented in :func:`match_institutions`.
"""

from __future__ import annotations

from ._countries import (
    COUNTRY_LANGUAGES,
    REGIONS,
    country_name,
    country_table,
    to_iso2,
    unknown_countries,
)
from ._evaluate import match_summary, matching_accuracy
from ._identifiers import (
    IDENTIFIER_COLUMNS,
    canonical_erasmus_code,
    erasmus_country,
    erasmus_prefixes,
    identify_partners,
    normalise_pic,
    normalise_ror,
    parse_erasmus_code,
    ror_checksum,
)
from ._match import DECISIONS, METHODS, match_institutions
from ._overrides import OVERRIDE_COLUMNS, read_overrides
from ._parse import normalise_name, normalise_names
from ._text import fold, fold_series

__all__ = [
    "COUNTRY_LANGUAGES",
    "DECISIONS",
    "IDENTIFIER_COLUMNS",
    "METHODS",
    "OVERRIDE_COLUMNS",
    "REGIONS",
    "canonical_erasmus_code",
    "country_name",
    "country_table",
    "erasmus_country",
    "erasmus_prefixes",
    "fold",
    "fold_series",
    "identify_partners",
    "match_institutions",
    "match_summary",
    "matching_accuracy",
    "normalise_name",
    "normalise_names",
    "normalise_pic",
    "normalise_ror",
    "parse_erasmus_code",
    "read_overrides",
    "ror_checksum",
    "to_iso2",
    "unknown_countries",
]
