"""Institution name matching: must-match / must-not-match data files and the matcher's promises.

The reference (``tests/data/institutions_reference.csv``) holds ~75 universities of the countries
our users ask about, with native-script and acronym rows. Its keys are local test slugs
(``nl-uva``), not ROR ids.
"""

from __future__ import annotations

import gc
from pathlib import Path

import pandas as pd
import pytest

from kvanalytics.config import PACKAGE_DATA
from kvanalytics.errors import ReferenceDataError, SchemaError
from kvanalytics.normalise import (
    DECISIONS,
    METHODS,
    match_institutions,
    match_summary,
    matching_accuracy,
    normalise_name,
    normalise_names,
    read_overrides,
)

DATA = Path(__file__).resolve().parent / "data"
COLUMNS = ["input", "key", "name", "score", "method", "runner_up", "margin", "decision"]


def _csv(name: str) -> pd.DataFrame:
    return pd.read_csv(DATA / name, dtype=str, keep_default_na=False, encoding="utf-8")


REFERENCE = _csv("institutions_reference.csv")
MUST_MATCH = _csv("institutions_must_match.csv")
MUST_NOT = _csv("institutions_must_not_match.csv")


@pytest.fixture(scope="module")
def matched() -> pd.DataFrame:
    """Both data files matched in one call (the matcher works on many names at once)."""
    names = pd.concat([MUST_MATCH["input"], MUST_NOT["input"]], ignore_index=True)
    return match_institutions(names, REFERENCE, progress=False)


@pytest.mark.parametrize(
    ("row", "text", "expected_key"),
    [(i, r.input, r.expected_key) for i, r in enumerate(MUST_MATCH.itertuples())],
    ids=list(MUST_MATCH["input"]),
)
def test_must_match(matched, row, text, expected_key):
    got = matched.iloc[row]
    assert got["input"] == text
    assert (got["decision"], got["key"]) == ("match", expected_key), got.to_dict()


@pytest.mark.parametrize(
    ("row", "text", "not_key", "expected"),
    [
        (len(MUST_MATCH) + i, r.input, r.not_key, r.expected_decision)
        for i, r in enumerate(MUST_NOT.itertuples())
    ],
    ids=list(MUST_NOT["input"]),
)
def test_must_not_match(matched, row, text, not_key, expected):
    got = matched.iloc[row]
    assert got["input"] == text
    assert got["key"] is pd.NA or got["key"] != not_key, got.to_dict()
    assert got["decision"] == expected, got.to_dict()


def test_data_files_are_consistent():
    keys = set(REFERENCE["key"])
    assert set(MUST_MATCH["expected_key"]) <= keys
    assert set(MUST_NOT["not_key"]) <= keys
    assert set(MUST_NOT["expected_decision"]) <= set(DECISIONS)
    assert REFERENCE["key"].nunique() >= 60


# --- normalisation -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Universiteit van Amsterdam", "university amsterdam"),
        ("University of Amsterdam", "university amsterdam"),
        ("Vrije Universiteit Amsterdam", "vrije university amsterdam"),
        ("Università degli Studi di Milano", "university milano"),
        ("Università degli Studi di Padova", "university padova"),
        ("Universität für Bodenkultur Wien", "university bodenkultur wien"),
        ("Universitetet i Oslo", "university oslo"),
        ("МГУ имени М. В. Ломоносова", "mgu lomonosova"),
        (
            "Department of Physics, Lomonosov Moscow State University, Moscow 119991, Russia",
            "lomonosov moscow state university",
        ),
        (
            "Dept. of Chemistry, Univ. of Wisconsin-Madison, 1101 University Ave., Madison, WI 53706",
            "university wisconsin madison",
        ),
        ("Gunma University, Maebashi, Japan", "gunma university"),
        ("University of California, Davis", "university california davis"),
        ("北京大学", "beijing university"),
        ("Texas A&M University", "texas am university"),
        ("jane.doe@uva.nl, Hogeschool Utrecht", "hogeschool utrecht"),
        ("", ""),
    ],
)
def test_normalise_name(text, expected):
    assert normalise_name(text) == expected


def test_normalise_keeps_organisation_words_apart():
    # organisation-type words become one token; they are never deleted
    assert normalise_name("Universiteit van Amsterdam") != normalise_name(
        "Vrije Universiteit Amsterdam"
    )
    assert normalise_name("Università di Milano") != normalise_name("Università di Padova")
    assert normalise_name("Universität Wien") == normalise_name("University of Wien")
    assert normalise_name("Instituut voor X") == normalise_name("Institute for X")


def test_normalise_reference_names_keep_all_segments():
    assert normalise_name("California State University, Long Beach", affiliation=False) == (
        "california state university long beach"
    )
    assert (
        normalise_name("California State University, Long Beach") == "california state university"
    )


def test_normalise_names_vectorised_and_na():
    s = pd.Series(["Universiteit Gent", None, "Universiteit Gent"], index=[5, 6, 7])
    out = normalise_names(s)
    assert out.index.tolist() == [5, 6, 7]
    assert out.dtype == "string"
    assert out.tolist() == ["university gent", pd.NA, "university gent"]
    assert normalise_name(None) == "" and normalise_name(pd.NA) == ""


# --- the result frame --------------------------------------------------------------------------


def test_result_shape_order_and_types():
    names = ["Universiteit Gent", "Peking University", None, "  ", "Nowhere Institute of Nothing"]
    res = match_institutions(names, REFERENCE, progress=False)
    assert list(res.columns) == COLUMNS
    assert len(res) == len(names)
    assert res["input"].tolist()[:2] == names[:2]
    assert res["key"].tolist()[:2] == ["be-ugent", "cn-pku"]
    assert res["decision"].isin(DECISIONS).all()
    assert res["method"].dropna().isin(METHODS).all()
    assert res["score"].dtype == "Float64" and res["margin"].dtype == "Float64"
    # NA and blank input: no_match, no crash, nothing invented
    for i in (2, 3):
        assert res.loc[i, "decision"] == "no_match"
        assert res.loc[i, "key"] is pd.NA and res.loc[i, "name"] is pd.NA
    assert res.loc[4, "decision"] == "no_match"
    # key only for matches; runner-up and margin explain the lead
    assert res.loc[res["decision"] != "match", "key"].isna().all()
    assert (res["score"].dropna() <= 100).all()


def test_input_order_preserved_with_duplicates():
    names = ["KU Leuven", "Tsinghua University", "KU Leuven", "University of Oslo"] * 3
    res = match_institutions(pd.Series(names, index=range(100, 112)), REFERENCE, progress=False)
    assert res.index.tolist() == list(range(12))
    assert res["input"].tolist() == names
    assert res["key"].tolist() == ["be-kul", "cn-thu", "be-kul", "no-uio"] * 3


def test_inputs_not_mutated():
    names = pd.Series(["Ghent University", None, "NTNU"], name="partner")
    ref = REFERENCE.copy()
    names_before, ref_before = names.copy(), ref.copy()
    match_institutions(names, ref, country=["BE", None, "NO"], progress=False)
    pd.testing.assert_series_equal(names, names_before)
    pd.testing.assert_frame_equal(ref, ref_before)


def test_runner_up_and_margin():
    res = match_institutions(["Jinan University"], REFERENCE, progress=False).iloc[0]
    # 暨南大学 and 济南大学 both transliterate to "jinan university": the Latin name decides
    assert res["key"] == "cn-jnu" and res["runner_up"] == "University of Jinan"
    assert res["margin"] == res["score"] - 95


def test_identifier_in_input():
    ref = pd.DataFrame(
        {
            "key": ["https://ror.org/04dkp9463", "https://ror.org/008xxew50"],
            "name": ["University of Amsterdam", "Vrije Universiteit Amsterdam"],
        }
    )
    res = match_institutions(
        ["VU (https://ror.org/008xxew50)", "ror: 04dkp9463", "Vrije Universiteit Amsterdam"],
        ref,
        progress=False,
    )
    assert res["method"].tolist() == ["identifier", "identifier", "exact alias"]
    assert res["key"].tolist() == [*ref["key"].tolist()[::-1], "https://ror.org/008xxew50"]


def test_generic_name_goes_to_review_even_when_it_is_an_exact_alias():
    res = match_institutions(["Institute of Physics", "institute physics"], REFERENCE)
    assert res["method"].tolist() == ["exact alias"] * 2
    assert res["decision"].tolist() == ["review"] * 2
    assert res["key"].isna().all()


def test_ambiguous_acronym_goes_to_review():
    ref = pd.DataFrame(
        {
            "key": ["cn-hit", "de-hit"],
            "name": ["Harbin Institute of Technology", "Hamburg Institute of Textiles"],
        }
    )
    res = match_institutions(["HIT", "Harbin Inst. of Technology"], ref, progress=False)
    assert res["decision"].tolist() == ["review", "match"]
    assert res.loc[0, "method"] == "acronym" and res.loc[0, "margin"] == 0


# --- country blocking --------------------------------------------------------------------------


def test_blocking_by_country_prevents_cross_country_match():
    names = ["Belarusian State University"] * 3
    res = match_institutions(names, REFERENCE, country=["BY", "RU", None], progress=False)
    assert res["key"].fillna("-").tolist() == ["by-bsu", "-", "by-bsu"]
    assert res.loc[1, "decision"] == "no_match"


def test_blocking_keeps_reference_rows_of_unknown_country():
    ref = pd.concat(
        [REFERENCE, pd.DataFrame({"key": ["xx-cern"], "name": ["CERN"], "country": [""]})]
    )
    res = match_institutions(["CERN"], ref, country=["CH"], progress=False)
    assert res.loc[0, "key"] == "xx-cern"


def test_country_length_checked():
    with pytest.raises(ValueError, match="align"):
        match_institutions(["KU Leuven"], REFERENCE, country=["BE", "NL"])


# --- overrides ---------------------------------------------------------------------------------

OVERRIDES = (
    "input,key,decision,analyst,date,note\n"
    "Institute of Physics,gb-iop,match,ab,2024-03-01,our partner is the UK learned society\n"
    "Moscow State Pedagogical University,,no_match,cd,2024-03-02,not in our reference\n"
    "Jinan University,cn-ujn,match,ef,2023-01-01,superseded below\n"
    "Jinan  University,cn-jnu,match,ef,2024-05-01,the Guangzhou one\n"
)


def test_overrides_win_and_survive_a_rerun(tmp_path):
    path = tmp_path / "overrides.csv"
    path.write_text(OVERRIDES, encoding="utf-8")
    names = [
        "INSTITUTE OF PHYSICS",
        "Universiteit Gent",
        "Moscow State Pedagogical Univ.",
        "Jinan University",
        "NTNU",
    ]
    first = match_institutions(names, REFERENCE, overrides=path, progress=False)
    again = match_institutions(names, REFERENCE, overrides=read_overrides(path), progress=False)
    pd.testing.assert_frame_equal(first, again)
    # overrides apply to every spelling with the same normalised name; the latest date wins
    assert first["method"].tolist() == [
        "override",
        "exact alias",
        "override",
        "override",
        "exact alias",
    ]
    assert first["decision"].tolist() == ["match", "match", "no_match", "match", "match"]
    assert first["key"].fillna("-").tolist() == ["gb-iop", "be-ugent", "-", "cn-jnu", "no-ntnu"]
    assert first.loc[0, "name"] == "Institute of Physics"
    # without the overrides the matcher decides by itself
    plain = match_institutions(names, REFERENCE, progress=False)
    assert plain["decision"].tolist()[:3] == ["review", "match", "review"]


def test_read_overrides_collects_every_problem(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(
        "input,key,decision,analyst,date,note\n"
        "Foo University,,match,ab,2024-01-01,\n"
        "Bar University,x,maybe,ab,2024-01-01,\n"
        ",x,match,ab,2024-01-01,\n",
        encoding="utf-8",
    )
    with pytest.raises(ReferenceDataError) as err:
        read_overrides(path)
    message = str(err.value)
    assert "without a key" in message and "not 'match' or 'no_match'" in message
    assert "no input" in message


def test_override_with_unknown_key_is_an_error():
    bad = pd.DataFrame({"input": ["KU Leuven"], "key": ["be-nope"], "decision": ["match"]})
    with pytest.raises(ReferenceDataError, match="not in the reference"):
        match_institutions(["KU Leuven"], REFERENCE, overrides=bad)


def test_reference_is_checked():
    with pytest.raises(SchemaError, match="'name'"):
        match_institutions(["x"], pd.DataFrame({"key": ["a"]}))
    with pytest.raises(ReferenceDataError, match="without a key or a name"):
        match_institutions(["x"], pd.DataFrame({"key": ["a", None], "name": ["A", "B"]}))


# --- summary, accuracy, progress ---------------------------------------------------------------


def test_match_summary_counts_by_decision_and_method():
    names = ["KU Leuven", "Ghent University", "Institute of Physics", None, "Nowhere"]
    summary = match_summary(match_institutions(names, REFERENCE, progress=False))
    assert list(summary.columns) == ["decision", "method", "count", "share"]
    assert summary["count"].sum() == len(names)
    first = summary.iloc[0]
    assert (first["decision"], first["method"], first["count"]) == ("match", "exact alias", 2)
    assert summary["decision"].tolist()[-1] == "no_match"


def test_matching_accuracy():
    res = pd.DataFrame(
        {"key": ["a", "b", pd.NA, "d"], "decision": ["match", "match", "review", "match"]}
    )
    acc = matching_accuracy(res, [["a"], ["c"], ["x", "y"], []])
    assert acc["precision"] == pytest.approx(1 / 3)
    assert acc["recall"] == pytest.approx(1 / 3)
    assert acc["matches"] == 3 and acc["answerable"] == 3


def test_progress_bar_can_be_forced(capsys):
    match_institutions(["Shanghai Jiaotong University"], REFERENCE, progress=True)
    assert "matching institutions" in capsys.readouterr().err
    match_institutions(["Shanghai Jiaotong University"], REFERENCE, progress=False)
    assert capsys.readouterr().err == ""


def test_cutoffs_are_checked():
    with pytest.raises(ValueError, match="review_cutoff"):
        match_institutions(["x"], REFERENCE, score_cutoff=70, review_cutoff=80)


def test_word_lists_are_consistent():
    def read(name: str) -> pd.DataFrame:
        return pd.read_csv(PACKAGE_DATA / name, dtype=str, keep_default_na=False)

    orgs, words = read("org_type_words.csv"), read("institution_words.csv")
    stops, places = read("institution_stop_words.csv"), read("institution_places.csv")
    assert set(orgs["role"]) == {"org", "org_weak", "unit"}
    assert set(orgs["match"]) | set(words["match"]) <= {"exact", "prefix", "suffix"}
    assert set(words["generic"]) <= {"true", "false"}
    assert set(stops["connector"]) <= {"true", "false"}
    # every canonical token is itself listed, so that a canonical name reads the same twice
    exact = set(orgs.loc[orgs["match"] == "exact", "word"]) | set(words["word"])
    assert set(orgs["canonical"]) | set(words["canonical"]) <= exact
    # a stop word is never an organisation-type word, and nothing is listed twice
    assert not set(stops["word"]) & (set(orgs["word"]) | set(words["word"]))
    for table in (orgs, words, stops):
        dup = table.duplicated(["word", "match"] if "match" in table else ["word"])
        assert not dup.any(), table[dup]
    for table in (orgs, words, stops, places):
        assert {"source", "date"} <= set(table.columns)


def test_context_and_cjk_word_lists():
    def read(name: str) -> pd.DataFrame:
        return pd.read_csv(PACKAGE_DATA / name, dtype=str, keep_default_na=False)

    orgs, words = read("org_type_words.csv"), read("institution_words.csv")
    context, cjk = read("institution_context_words.csv"), read("institution_cjk_words.csv")
    assert set(context["use"]) == {"lead", "care", "suborg", "acronym_skip"}
    assert not context.duplicated(["word", "use"]).any()
    assert not cjk["word"].duplicated().any()
    # care and sub-organisation words are compared with canonical tokens: they must be ones
    canonical = set(orgs["canonical"]) | set(words["canonical"])
    tokens = context.loc[context["use"].isin(["care", "suborg"]), "word"]
    assert set(tokens) <= canonical, set(tokens) - canonical
    assert (cjk["replacement"].str.fullmatch("[a-z]+( [a-z]+)*")).all()
    for table in (context, cjk):
        assert {"source", "date"} <= set(table.columns)
        assert (table["word"] != "").all()


def test_matching_leaves_the_garbage_collector_as_it_was():
    # match_institutions pauses the collector while it parses (see _gc_paused), never longer
    assert gc.isenabled()
    match_institutions(["University of Amsterdam"], REFERENCE)
    assert gc.isenabled()
    gc.disable()
    try:
        match_institutions(["Universiteit Utrecht"], REFERENCE)
        assert not gc.isenabled()
    finally:
        gc.enable()
