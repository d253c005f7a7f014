"""Screening partners against real designation lists and a bundled assessment list."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from kvanalytics import reference as ref
from kvanalytics.errors import SchemaError
from kvanalytics.screening import (
    MATCH_COLUMNS,
    NO_HIT_NOTE,
    STATUS,
    TIMINGS,
    Screening,
    match_watchlist,
    screen,
)

REALDATA = Path(__file__).parents[2] / "shared" / "realdata"
WS = REALDATA / "watchman_sanctions"


def _need(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"{path} not available")
    return path


def _partnerships() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "agreement_id": ["A1", "A2", "A3", "A4", "A5", "A6", "A7"],
            "partner": [
                "Malek Ashtar University of Technology",
                "Guangdong University of Technology",
                "University of Oslo",
                "54th Research Institute of China",
                "54th Research Institute of China",
                "Universiteit van Amsterdam",
                "Lomonosov Moscow State University",
            ],
            "partner_key": [None, None, "https://ror.org/01xtthb56", None, None, None, None],
            "country": ["IR", "CN", "NO", "CN", "CN", "NL", "RU"],
            "start": pd.to_datetime(
                [
                    "2015-01-01",
                    "2016-01-01",
                    "2010-01-01",
                    "1995-01-01",
                    "2000-06-01",
                    "2018-01-01",
                    "2019-01-01",
                ]
            ),
            "end": pd.to_datetime(
                [None, "2020-12-31", None, "1999-12-31", None, None, "2021-12-31"]
            ),
        }
    ).astype(
        {
            "agreement_id": "string",
            "partner": "string",
            "partner_key": "string",
            "country": "string",
        }
    )


@pytest.fixture(scope="module")
def lists() -> list[pd.DataFrame]:
    return [
        ref.read_sdn(_need(WS / "ofac_sdn.csv")),
        ref.read_csl(_need(WS / "csl_2019_subset.csv")),
        ref.load_watchlist("rur-2022-signatories"),
    ]


@pytest.fixture(scope="module")
def result(lists) -> Screening:
    return screen(_partnerships(), lists)


def _hits(result: Screening, partner: str) -> pd.DataFrame:
    return result.hits[result.hits["partner"] == partner]


def test_malek_ashtar_hits_the_sdn(result):
    h = _hits(result, "Malek Ashtar University of Technology")
    assert h["list"].tolist() == ["OFAC SDN"]
    row = h.iloc[0]
    assert (row["entry_id"], row["decision"], row["kind"]) == ("13152", "match", "designation")
    assert row["status"] == STATUS == "unadjudicated name match"
    assert row["agreement_ids"] == "A1" and row["score"] == 100
    assert pd.isna(row["timing"])  # the legacy SDN file has no listing dates


def test_guangdong_hits_the_unverified_list(result):
    h = _hits(result, "Guangdong University of Technology")
    assert h["list"].tolist() == ["US CSL: Unverified List (UVL)"]
    assert h["entry_name"].iloc[0] == "Guangdong University of Technology"
    assert h["decision"].iloc[0] == "match"


def test_oslo_and_amsterdam_get_no_hit(result):
    # "University of Oslo" scores 81 against the SDN entity "BOLSAK E.U." ("Bolsak
    # University"): the distinctive words (oslo / bolsak) must agree for a hit.
    assert _hits(result, "University of Oslo").empty
    assert _hits(result, "Universiteit van Amsterdam").empty


def test_designation_after_the_agreement_ended_is_reported_apart(result):
    h = _hits(result, "54th Research Institute of China").set_index("timing")
    assert set(h.index) == {TIMINGS[0], TIMINGS[1]}
    assert h.loc["listed after agreement ended", "agreement_ids"] == "A4"
    assert h.loc["listed before/while active", "agreement_ids"] == "A5"
    assert (h["listed_on"] == pd.Timestamp("2001-05-14")).all()
    assert (h["list"] == "US CSL: Entity List (EL)").all()


def test_as_of_flags_later_listings(lists):
    later = screen(_partnerships(), lists, as_of="2000-12-31")
    h = _hits(later, "54th Research Institute of China").set_index("agreement_ids")
    assert h.loc["A5", "timing"] == "listed after as_of"
    assert h.loc["A4", "timing"] == "listed after agreement ended"
    rur = _hits(later, "Lomonosov Moscow State University")  # ended 2021, listed 2022
    assert rur["timing"].tolist() == ["listed after agreement ended"]
    assert later.as_of == pd.Timestamp("2000-12-31")


def test_designations_and_assessments_are_kept_apart(result):
    assert set(result.designations["kind"]) == {"designation"}
    assessments = result.assessments
    assert assessments["list"].tolist() == ["rur-2022-signatories"]
    assert assessments["entry_id"].tolist() == ["rur2022-msu"]
    # MSU's agreement ended before the statement of 4 March 2022
    assert assessments["timing"].tolist() == ["listed after agreement ended"]
    summary = result.summary()
    assert summary["kind"].tolist()[-1] == "assessment" and summary["kind"].iloc[0] == "designation"
    assert summary["agreements"].sum() == result.hits["n_agreements"].sum()


def test_coverage_counts(result):
    cov = result.coverage.set_index("list")
    sdn = cov.loc["OFAC SDN"]
    assert (sdn["entries"], sdn["entries_not_screened"]) == (2994, 7379 - 2994)
    assert pd.isna(sdn["list_date"])
    assert (cov["partners_screened"] == 6).all()  # distinct (name, country) pairs
    assert (cov["partners_with_identifier"] == 1).all()
    assert (cov["partners_without_identifier"] == 5).all()
    assert sdn["partners_with_hit"] == 1
    assert cov.loc["US CSL: Unverified List (UVL)", "partners_with_hit"] == 1
    assert cov.loc["US CSL: Entity List (EL)", "partners_with_hit"] == 1
    assert cov.loc["US CSL: Denied Persons List (DPL)", "partners_with_hit"] == 0
    assert (cov["partners_with_hit"] + cov["partners_no_hit"] == 6).all()
    assert cov["note"].str.startswith(NO_HIT_NOTE).all()
    assert cov.loc["rur-2022-signatories", "list_date"] == pd.Timestamp("2022-03-04")
    assert cov.loc["rur-2022-signatories", "kind"] == "assessment"
    # 9 CSL source lists + SDN + RUR; designations first
    assert len(cov) == 11 and cov["kind"].iloc[-1] == "assessment"


def test_inputs_are_not_mutated(lists):
    p = _partnerships()
    p_before = p.copy(deep=True)
    lists_before = [w.copy(deep=True) for w in lists]
    screen(p, lists, as_of="2021-01-01")
    pd.testing.assert_frame_equal(p, p_before)
    for w, b in zip(lists, lists_before, strict=True):
        pd.testing.assert_frame_equal(w, b)


def test_short_names_are_no_fuzzy_hit(lists):
    # "EPFL" scores 86 against the SDN alias "EPL": acronyms hit only exactly.
    p = pd.DataFrame({"agreement_id": ["X"], "partner": ["EPFL"], "country": ["CH"]})
    assert screen(p, lists[0]).hits.empty


def test_individuals_are_not_screened_unless_asked(lists):
    p = pd.DataFrame({"agreement_id": ["X"], "partner": ["Malek Ashtar University of Technology"]})
    default = screen(p, lists[0])
    assert default.coverage["entries"].tolist() == [2994]  # entities only
    people = screen(p, lists[0], entity_types=("individual",))
    assert people.hits.empty  # the university is an entity
    assert people.coverage[["entries", "entries_not_screened"]].values.tolist() == [[3845, 3534]]


def _tiny_list(tmp_path: Path) -> pd.DataFrame:
    path = tmp_path / "tiny.csv"
    path.write_text(
        "name,country,identifiers,listed_on,source,kind\n"
        "Guangdong University of Technology,CN,,2019-05-01,test,designation\n"
        "Totally Different Name Institute,,https://ror.org/00abc1234,2018-01-01,test,assessment\n",
        encoding="utf-8",
    )
    return ref.read_watchlist(path)


def test_country_blocking(tmp_path):
    wl = _tiny_list(tmp_path)
    p = pd.DataFrame(
        {
            "agreement_id": ["1", "2", "3"],
            "partner": ["Guangdong University of Technology"] * 3,
            "country": ["CN", "NL", None],
        }
    )
    hits = screen(p, wl).hits
    assert sorted(hits["agreement_ids"]) == ["1", "3"]  # NL is blocked; unknown is not


def test_identifier_hit_whatever_the_name(tmp_path):
    wl = _tiny_list(tmp_path)
    p = pd.DataFrame(
        {
            "agreement_id": ["1"],
            "partner": ["Some Partner"],
            "country": ["BE"],
            "partner_key": ["00ABC1234"],
        }
    )
    hits = screen(p, wl).hits
    assert hits[["entry_id", "method", "decision", "kind"]].values.tolist() == [
        ["3", "identifier", "match", "assessment"]
    ]


def test_bundled_name_and_cutoffs(tmp_path):
    p = _partnerships()
    result = screen(p, "rur-2022-signatories")
    assert result.hits["entry_id"].tolist() == ["rur2022-msu"]
    assert result.coverage["entries"].tolist() == [14]
    with pytest.raises(ValueError, match="review_cutoff"):
        screen(p, "rur-2022-signatories", score_cutoff=70, review_cutoff=80)


def test_no_hits_and_html(tmp_path):
    p = pd.DataFrame(
        {"agreement_id": ["1"], "partner": ["Universiteit Utrecht"], "country": ["NL"]}
    )
    result = screen(p, _tiny_list(tmp_path))
    assert result.hits.empty and list(result.hits.columns)[:3] == ["kind", "list", "partner"]
    assert result.summary().empty
    assert (result.coverage["partners_no_hit"] == 1).all()
    page = result._repr_html_()
    assert "unadjudicated name match" in page and NO_HIT_NOTE in page


# --------------------------------------------------------------------------------------------
# match_watchlist: the one matcher of screen() and scenario watchlist targeting
# --------------------------------------------------------------------------------------------
def _pairs(frame: pd.DataFrame) -> set[tuple]:
    cols = ["partner", "country", "list", "entry_id", "score", "method", "decision"]
    return set(frame[cols].astype(object).itertuples(index=False, name=None))


def test_match_watchlist_is_what_screen_reports(lists):
    hits = match_watchlist(_partnerships(), lists)
    assert list(hits.columns) == list(MATCH_COLUMNS)
    assert _pairs(hits) == _pairs(screen(_partnerships(), lists).hits)
    assert not hits.duplicated(["partner", "country", "list", "entry_id"]).any()


def test_match_watchlist_evidence_and_as_of(tmp_path):
    wl = _tiny_list(tmp_path)
    p = pd.DataFrame(
        {
            "partner": ["Guangdong University of Technology", "Some Partner", "Utrecht University"],
            "country": ["CN", "BE", "NL"],
            "partner_key": [None, "https://ror.org/00abc1234", None],
        }
    )
    hits = match_watchlist(p, wl, as_of="2018-06-30")
    got = hits[["partner", "method", "decision", "listed_after_as_of"]].values.tolist()
    assert got == [
        ["Guangdong University of Technology", "exact alias", "match", True],  # listed 2019
        ["Some Partner", "identifier", "match", False],
    ]
    assert match_watchlist(p.iloc[2:], wl).empty


def test_match_watchlist_cutoffs_follow_screen(lists):
    p = _partnerships()
    strict = match_watchlist(p, lists, score_cutoff=100, review_cutoff=95)
    loose = match_watchlist(p, lists)
    # every strict hit is a loose hit of the same partner and entry, with the same score
    assert {t[:5] for t in _pairs(strict)} <= {t[:5] for t in _pairs(loose)}
    assert (strict["score"] >= 95).all() and len(strict) <= len(loose)
    assert set(strict.loc[strict["decision"] == "match", "score"]) <= {100.0}


def test_screen_rejects_wrong_partnerships_naming_every_column():
    bad = pd.DataFrame(
        {
            "agreement_id": ["A1"],
            "partner": ["Lomonosov Moscow State University"],
            "country": [7],
            "end": ["2021-12-31"],
        }
    )
    with pytest.raises(SchemaError) as err:
        screen(bad, "rur-2022-signatories")
    assert "2 bad column(s)" in str(err.value)
    assert "'country'" in str(err.value) and "'end'" in str(err.value)


def test_identifiers_kept_by_ingest_are_matched_before_any_name():
    """A PIC, ROR id or Erasmus code in the export finds the list entry whatever the names say."""
    partners = pd.DataFrame(
        {
            "partner": ["Some Obscure Name", "Other", "Third"],
            "country": ["RU", "DE", "NL"],
            "partner_key": [pd.NA, "k1", pd.NA],
            "pic": ["999999999", pd.NA, pd.NA],
            "ror": [pd.NA, pd.NA, pd.NA],
            "erasmus_code": [pd.NA, pd.NA, "NL DELFT01"],
        }
    )
    entries = pd.DataFrame(
        {
            "list": ["t", "t"],
            "kind": ["designation", "assessment"],
            "entry_id": ["e1", "e2"],
            "name": ["Totally Different Institute", "Yet Another Name"],
            "is_alias": [False, False],
            "country": ["RU", "NL"],
            "identifiers": ["999999999", "NL DELFT01"],
            "listed_on": [pd.NaT, pd.NaT],
        }
    )
    hits = match_watchlist(partners, entries)
    got = hits.set_index("partner")[["entry_id", "method", "score"]]
    assert got.loc["Some Obscure Name"].tolist() == ["e1", "identifier", 100.0]
    assert got.loc["Third"].tolist() == ["e2", "identifier", 100.0]
    assert "Other" not in got.index
