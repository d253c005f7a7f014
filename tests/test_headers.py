"""Header recognition: words, compounds, false friends, ambiguity, explicit precedence, code/name.

The must-map and must-not-map headers are data files (``tests/data/headers_must_map.csv``,
``headers_must_not_map.csv``: table, header, field or empty, language, note) run by one
parametrised test. ``headers_heldout.csv`` was written before the vocabulary was tuned (with the
real CORDIS, Erasmus Charter and Horizon Dashboard headers) and is scored apart.
"""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd
import pytest

import kvanalytics as kv
from kvanalytics import schemas
from kvanalytics.config import PACKAGE_DATA
from kvanalytics.ingest import _grid, _headers, _vocab, _words

DATA = Path(__file__).parent / "data"
#: The partnership fields another engineer adds to the schema (identifiers, organisation type).
NEW_FIELDS = ("partner_type", "erasmus_code", "pic", "ror")
LANGUAGES = {"en", "nl", "no", "fr", "de", "es", "it", "pt", "sv", "da", "fi", "pl"}


def _cases(*names: str) -> pd.DataFrame:
    return pd.concat(
        [pd.read_csv(DATA / n, dtype=str, keep_default_na=False) for n in names],
        ignore_index=True,
    )


CASES = _cases("headers_must_map.csv", "headers_must_not_map.csv")
HELDOUT = _cases("headers_heldout.csv")


@pytest.fixture
def with_new_fields(monkeypatch):
    """The partnerships schema with the identifier fields, whether or not it has them yet."""
    extra = {f: schemas.TEXT for f in NEW_FIELDS if f not in schemas.PARTNERSHIPS}
    monkeypatch.setitem(schemas.TABLES, "partnerships", {**schemas.PARTNERSHIPS, **extra})


@pytest.fixture(autouse=True)
def _fresh_lookup():
    """The synonym lookup holds the schema's field names: rebuilt around a patched schema."""
    _vocab.header_lookup.cache_clear()
    yield
    _vocab.header_lookup.cache_clear()


def infer(header: str, table: str) -> _headers.HeaderDecision:
    """The decision on one header alone (no required fields)."""
    return _headers.map_headers([header], table, required=()).decisions[0]


@pytest.mark.parametrize(
    "case", CASES.to_dict("records"), ids=[f"{r.language}:{r.header}" for r in CASES.itertuples()]
)
def test_header_maps_to_its_field_or_to_none(case, with_new_fields):
    d = infer(case["header"], case["table"])
    assert (d.field or "") == case["field"], (case["note"], d)


def test_case_files_cover_every_language_and_false_friends():
    assert len(CASES) >= 150
    assert set(CASES["language"]) >= LANGUAGES
    assert (CASES["field"] == "").sum() >= 40  # must-not-map cases
    assert CASES["note"].str.contains("false friend").sum() >= 5
    assert not CASES.duplicated(["table", "header", "language"]).any()


def test_heldout_headers_written_before_tuning(with_new_fields):
    got = [infer(r.header, r.table).field or "" for r in HELDOUT.itertuples()]
    accuracy = (pd.Series(got) == HELDOUT["field"]).mean()
    assert len(HELDOUT) >= 40
    assert accuracy >= 0.9, list(zip(HELDOUT["header"], got, HELDOUT["field"], strict=True))


# ------------------------------------------------------------------------------------------------
# Normalisation and compounds
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("projectID", ("project", "id")),
        ("project_start_date", ("project", "start", "date")),
        ("ecContribution", ("ec", "contribution")),
        ("Bedrag (EUR)", ("bedrag", "eur")),
        ("Value [€]", ("value", "eur")),
        ("DATE DE DÉBUT", ("date", "de", "debut")),
        ("Partner2", ("partner", "2")),
        ("E-mail", ("email",)),
        ("PICNumber", ("pic", "number")),
    ],
)
def test_header_tokens(text, tokens):
    assert _words.header_tokens(text) == tokens


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Gegevensuitwisseling", ["gegevens", "uitwisseling"]),
        ("Samenwerkingsovereenkomstnummer", ["samenwerking", "overeenkomst", "nummer"]),
        ("Kontrakt startdato", ["kontrakt", "start", "dato"]),
        ("Vertragsbeginn", ["vertrag", "beginn"]),
        ("Partnerinstitusjonens navn", ["partner", "institusjon", "navn"]),
        ("Startår", ["start", "ar"]),  # two words, not start + an ending
        ("Sopimustyyppi", ["sopimus", "tyyppi"]),
        ("Landekode", ["land", "kode"]),
    ],
)
def test_compounds_split_into_known_words(text, words):
    a = _headers.analyse_header(text)
    assert ([t.word for t in a.tokens], a.unknown) == (words, ())


def test_unknown_words_stay_whole():
    a = _headers.analyse_header("Wederpartij intern")
    assert a.tokens == () and a.unknown == ("wederpartij", "intern")
    assert _words.split_compound("startup", frozenset({"start"})) is None


# ------------------------------------------------------------------------------------------------
# Decisions, precedence, ambiguity
# ------------------------------------------------------------------------------------------------

NL = ["Kenmerk", "Partnerinstelling", "Land", "Faculteit", "Soort overeenkomst", "Startdatum"]


def test_each_decision_says_its_rule_and_words():
    cells = [*NL, "Gegevensuitwisseling", "", "Contactpersoon partner"]
    m = _headers.map_headers(cells, "partnerships", {"Kenmerk": "agreement_id"})
    got = [(d.header, d.field, d.rule, d.words) for d in m.decisions]
    assert got[0] == ("Kenmerk", "agreement_id", "explicit", ())
    assert got[1][1:3] == ("partner", "synonym")
    assert got[4] == ("Soort overeenkomst", "kind", "words", ("soort", "overeenkomst"))
    assert got[6] == (
        "Gegevensuitwisseling",
        "data_exchange",
        "words",
        ("gegevens", "uitwisseling"),
    )
    assert got[7][1:3] == (None, "ignored")  # a contact person is not the partner
    assert 7 not in m.mapping and m.unmapped == ["Contactpersoon partner"]
    assert m.language == "nl"
    assert "'Gegevensuitwisseling' -> data_exchange (words: gegevens+uitwisseling)" in m.notes


def test_two_headers_with_equal_evidence_fail_with_the_columns_fix():
    cells = [*NL[:5], "Kontrakt startdato", "Avtale startdato"]
    with pytest.raises(kv.IngestError) as info:
        _headers.map_headers(cells, "partnerships", where="x.csv", path="x.csv")
    msg = str(info.value)
    assert msg.startswith("x.csv: ambiguous header, ingest does not guess")
    assert "start <- 'Kontrakt startdato', 'Avtale startdato'" in msg
    assert "words kontrakt+start+dato" in msg
    assert "columns={'Kontrakt startdato': 'start'}" in msg
    assert '--columns MAP.yaml with the line "Kontrakt startdato": start' in msg
    # and the fix works: the other column is displaced, with a note
    m = _headers.map_headers(cells, "partnerships", {"Kontrakt startdato": "start"})
    avtale = m.decisions[-1]
    assert (avtale.field, avtale.rule) == (None, "ignored")
    assert avtale.note == "displaced by explicit mapping: 'Kontrakt startdato' is start"


def test_two_synonyms_for_one_field_fail_and_identical_headers_say_rename():
    with pytest.raises(kv.IngestError, match=r"country <- 'Land', 'Partnerland'.*columns=\{"):
        _headers.map_headers([*NL, "Partnerland"], "partnerships")
    with pytest.raises(kv.IngestError, match="same header: rename or drop one in the file"):
        _headers.map_headers([*NL, "Land"], "partnerships")


def test_one_header_equally_good_for_two_fields_fails(monkeypatch):
    rules = (
        _vocab.HeaderRule(("kind",), (frozenset({"TYPE"}),), frozenset()),
        _vocab.HeaderRule(("level",), (frozenset({"TYPE"}),), frozenset()),
    )
    monkeypatch.setattr(_headers, "header_rules", lambda table: rules)
    _headers.word_candidates.cache_clear()
    try:
        with pytest.raises(kv.IngestError, match=r"'Tipo' fits kind or level equally.*columns="):
            _headers.map_headers(["Tipo"], "partnerships", required=())
    finally:
        _headers.word_candidates.cache_clear()


def test_a_stronger_claim_wins_and_says_so():
    m = _headers.map_headers([*NL, "Naam partner instelling"], "partnerships")
    weak = m.decisions[-1]
    assert m.mapping[1] == "partner" and weak.field is None
    assert weak.note == "weaker than 'Partnerinstelling' (an exact synonym) for partner"


def test_explicit_mapping_wins_over_a_synonym_and_needs_no_conflict():
    cells = [*NL, "Begin"]
    m = _headers.map_headers(cells, "partnerships", {"Begin": "start"})
    assert m.mapping[6] == "start" and 5 not in m.mapping
    d = m.decisions[5]
    assert (d.header, d.rule, d.note) == (
        "Startdatum",
        "ignored",
        "displaced by explicit mapping: 'Begin' is start",
    )


# ------------------------------------------------------------------------------------------------
# Code and name of one field
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("country_code", "country"),
        ("country", "countryName"),
        ("Country Cd", "Land"),
        ("Landcode", "Land"),
        ("ISO country code", "Country name"),
    ],
)
def test_code_fills_country_and_name_fills_country_name(code, name):
    for cells in ([code, name], [name, code]):
        m = _headers.map_headers(cells, "partnerships", required=())
        by_header = {d.header: d for d in m.decisions}
        assert by_header[code].field == "country", cells
        assert by_header[name].field == "country_name", cells
        assert f"beside the code column {code!r}" in by_header[name].note


def test_aux_fields_are_defined_once_and_mappable():
    assert _headers.AUX_FIELDS == {"country_name": "country"}
    assert "country_name" in _headers.table_fields("partnerships")
    assert "country_name" in _headers.table_fields("headcounts")
    m = _headers.map_headers(
        ["Land", "Staat"], "partnerships", {"Staat": "country_name"}, required=()
    )
    assert m.mapping == {0: "country", 1: "country_name"}


def test_explicit_code_column_moves_the_name_column_beside_it():
    # the CORDIS case: an explicit mapping of the code column is no conflict
    m = _headers.map_headers(
        ["country_code", "country"], "partnerships", {"country_code": "country"}, required=()
    )
    assert m.mapping == {0: "country", 1: "country_name"}
    # the name mapped explicitly: the inferred code column is displaced, not a conflict
    m = _headers.map_headers(
        ["country_code", "country"], "partnerships", {"country": "country"}, required=()
    )
    assert m.mapping == {1: "country"}
    assert m.decisions[0].note == "displaced by explicit mapping: 'country' is country"


# ------------------------------------------------------------------------------------------------
# Fields the schema may not have yet
# ------------------------------------------------------------------------------------------------


def test_a_field_the_table_lacks_is_ignored_with_a_note(monkeypatch):
    without = {k: v for k, v in schemas.PARTNERSHIPS.items() if k not in NEW_FIELDS}
    monkeypatch.setitem(schemas.TABLES, "partnerships", without)
    m = _headers.map_headers(["PIC", "Erasmus Code", "ROR"], "partnerships", required=())
    pic, erasmus, ror = m.decisions
    assert (
        pic.field is None
        and pic.note == "its words say pic, a field partnerships tables do not have"
    )
    assert erasmus.field is None and "erasmus_code" in erasmus.note
    assert ror.field == "partner_key"  # ror|partner_key: the first the table has


def test_new_fields_map_when_the_schema_has_them(with_new_fields):
    m = _headers.map_headers(
        ["PIC", "Erasmus Code", "ROR id", "activityType"], "partnerships", required=()
    )
    assert list(m.mapping.values()) == ["pic", "erasmus_code", "ror", "partner_type"]


# ------------------------------------------------------------------------------------------------
# Real files
# ------------------------------------------------------------------------------------------------


def _header_of(path: Path, table: str = "partnerships", sheet: str | None = None) -> list[str]:
    grid = _grid.read_grid(path, table, _headers.header_probe(table, {}), sheet=sheet)
    return _headers.row_cells(grid.cells, _headers.find_header_row(grid.cells, table, {}))


def test_real_cordis_participation_headers(realdata, with_new_fields):
    path = realdata / "horizon" / "cordis_participations_NZ_CA_pacific_2024-05.xlsx"
    cells = _header_of(path, sheet="FP_participation")
    m = _headers.map_headers(cells, "partnerships", required=())
    assert {cells[i]: f for i, f in m.mapping.items()} == {
        "projectID": "agreement_id",
        "startDate": "start",
        "endDate": "end",
        "country": "country",
        "countryName": "country_name",
        "PIC": "pic",
        "Organisation": "partner",
        "activityType": "partner_type",
    }
    rules = {d.header: d.rule for d in m.decisions}
    assert rules["projectID"] == "words" and rules["ecContribution"] == "ignored"


def test_real_erasmus_charter_headers(realdata, with_new_fields):
    for name, sheet in (
        ("eche_holders_2024-06.csv", None),
        ("eche_holders_2024-06.xlsx", "Report 2"),
    ):
        cells = _header_of(realdata / "erasmus" / name, sheet=sheet)
        m = _headers.map_headers(cells, "partnerships", required=())
        assert {cells[i]: f for i, f in m.mapping.items()} == {
            "Erasmus Code": "erasmus_code",
            "Pic": "pic",
            "Legal Name": "partner",
            "Country Cd": "country",
        }, name


def test_dutch_cp1252_export_ingests_with_no_mapping():
    res = kv.read_partnerships(DATA / "dutch_export_cp1252.csv", errors="collect")
    info = res.report.files[0]
    assert (res.report.read, res.report.accepted, res.report.rejected) == (4, 4, 0)
    assert (info["encoding"], info["language"]) == ("cp1252", "nl")
    assert info["mapping"]["Soort overeenkomst"] == "kind"
    assert info["mapping"]["Gegevensuitwisseling"] == "data_exchange"
    assert info["unmapped"] == ["Contactpersoon partner", "Opmerkingen"]
    t = res.table
    assert t["kind"].tolist() == ["research", "exchange", "education", "network"]
    assert t["data_exchange"].tolist() == [True, False, False, True]
    assert t["country"].tolist() == ["BE", "ES", "PL", "DK"]
    assert t["start"].tolist()[0] == pd.Timestamp("2021-09-01")
    assert t["value_eur"].tolist()[:3] == [12500.0, 0.0, 1750.5]
    assert t["partner"].tolist()[0] == "Université de Liège"


# ------------------------------------------------------------------------------------------------
# Data files and speed
# ------------------------------------------------------------------------------------------------


def test_vocabulary_files_are_consistent():
    words = pd.read_csv(PACKAGE_DATA / "header_words.csv", dtype=str, keep_default_na=False)
    langs = set(pd.read_csv(PACKAGE_DATA / "header_languages.csv", dtype=str)["language"])
    values = pd.read_csv(PACKAGE_DATA / "value_synonyms.csv", dtype=str, keep_default_na=False)
    assert set(words["language"]) <= langs and set(values["language"]) <= langs
    assert langs >= LANGUAGES
    assert not words.duplicated().any()
    for table in ("partnerships", "headcounts"):
        rules = _vocab.header_rules(table)  # raises on a concept no word has
        fields = {f for r in rules for f in r.fields}
        known = set(schemas.TABLES[table]) | set(_headers.AUX_FIELDS) | set(NEW_FIELDS)
        assert fields <= known, fields - known
    # a value synonym never means two values of one field
    values["k"] = [_vocab.key(s) for s in values["synonym"]]
    assert (values.groupby(["field", "k"])["value"].nunique() == 1).all()


def test_header_inference_is_fast():
    path = DATA / "dutch_export_cp1252.csv"
    probe = _headers.header_probe("partnerships", {})
    grid = _grid.read_grid(path, "partnerships", probe)
    _headers.map_headers(_headers.row_cells(grid.cells, 0), "partnerships")  # vocabulary loaded
    _headers.analyse_header.cache_clear()
    _headers.word_candidates.cache_clear()
    _words.header_tokens.cache_clear()
    t0 = time.perf_counter()
    row = _headers.find_header_row(grid.cells, "partnerships", {})
    _headers.map_headers(_headers.row_cells(grid.cells, row), "partnerships")
    assert time.perf_counter() - t0 < 0.05
