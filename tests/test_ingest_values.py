"""Category values in thirteen languages: an exact synonym, or words that name one category.

``tests/data/values_must_map.csv`` and ``values_must_not_map.csv`` (field, value, category or
empty, language, note) are run by one parametrised test through ``parse_category``, as ingest
reads a column: a value maps when it is a value synonym or when every word of it is known and
its meaning words agree on one category (``value_words.csv``); otherwise it stays unknown (a
reject), never a guess.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from kvanalytics.ingest import _values, _vocab

DATA = Path(__file__).parent / "data"
CASES = pd.concat(
    [
        pd.read_csv(DATA / n, dtype=str, keep_default_na=False)
        for n in ("values_must_map.csv", "values_must_not_map.csv")
    ],
    ignore_index=True,
)


@pytest.mark.parametrize(
    "case",
    CASES.to_dict("records"),
    ids=[f"{r.field}:{r.language}:{r.value}" for r in CASES.itertuples()],
)
def test_value_maps_to_its_category_or_stays_unknown(case):
    cat, unknown = _values.parse_category(pd.Series([case["value"]], dtype="str"), case["field"])
    got = "" if pd.isna(cat[0]) else str(cat[0])
    assert got == case["category"], case["note"]
    assert bool(unknown[0]) == (case["category"] == "")


def test_cases_cover_every_language_and_must_not_maps():
    langs = set(CASES["language"])
    assert {"en", "nl", "no", "nn", "fr", "de", "es", "it", "pt", "sv", "da", "fi", "pl"} <= langs
    assert (CASES["category"] == "").sum() >= 20 and len(CASES) >= 100


def test_words_name_the_category_and_the_words_that_did():
    assert _vocab.value_from_words("kind", "Forschungskooperation") == ("research", ("forschung",))
    assert _vocab.value_from_words("group", "Innreisende utvekslingsstudenter") == (
        "exchange_in",
        ("innreisende", "utveksling"),
    )
    assert _vocab.value_from_words("kind", "Kooperation") is None
    assert _vocab.value_from_words("boolean", "ja") is None  # booleans are exact only


def test_value_words_file_is_consistent():
    words = pd.read_csv(
        Path(_vocab.PACKAGE_DATA) / "value_words.csv", dtype=str, keep_default_na=False
    )
    for row in words.itertuples():
        dtype = _values.CATEGORY_COLUMNS[row.field]
        assert row.value == "*" or set(row.value.split("|")) <= set(dtype.categories), row
    words["key"] = [_vocab.key(w) for w in words["word"]]
    # a word in several languages means one thing per field
    assert (words.groupby(["field", "key"])["value"].nunique() == 1).all()


def test_the_ingest_report_names_each_value_read_by_its_words(tmp_path):
    import kvanalytics as kv

    path = tmp_path / "partner.csv"
    path.write_text(
        "Nummer;Partner;Land;Fakultät;Art;Beginn\n"
        "1;Uni Wien;Österreich;Jura;Forschungskooperation;2021-01-01\n"
        "2;Uni Graz;Österreich;Jura;Forschung;2021-01-01\n",
        encoding="utf-8",
    )
    r = kv.read_partnerships(path, errors="collect")
    assert r.table["kind"].tolist() == ["research", "research"]
    notes = r.report.files[0]["notes"]
    assert "kind: 'Forschungskooperation' read as research (words: forschung)" in notes
    assert not any("'Forschung'" in n for n in notes)  # an exact synonym needs no note
