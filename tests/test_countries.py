"""Countries: names and codes in 13 languages to ISO 3166-1 alpha-2, display names, the table.

The must-match / must-not-match cases are data files (tests/data/countries_must_*.csv), run by one
parametrised test each, as in country_converter. Each must-match case names the language it was
written for (``code`` for ISO codes); each must-not-match case may say why it is not a country.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kvanalytics import config
from kvanalytics.errors import ReferenceDataError
from kvanalytics.normalise import (
    COUNTRY_LANGUAGES,
    REGIONS,
    _countries,
    country_name,
    country_table,
    fold,
    to_iso2,
    unknown_countries,
)

DATA = Path(__file__).parent / "data"


def _read(name: str) -> pd.DataFrame:
    # keep_default_na=False: "NA" (Namibia) and "" must reach the test as written
    return pd.read_csv(DATA / name, dtype=str, keep_default_na=False)


MUST_MATCH = _read("countries_must_match.csv")
MUST_NOT_MATCH = _read("countries_must_not_match.csv")


def test_case_files_are_large_and_distinct():
    assert len(MUST_MATCH) >= 150
    assert not MUST_MATCH["input"].duplicated().any()
    assert not MUST_NOT_MATCH["input"].duplicated().any()
    assert set(MUST_MATCH["iso2"]) <= set(country_table()["iso2"])
    assert set(MUST_MATCH["language"]) <= {*COUNTRY_LANGUAGES, "code"}
    per_language = MUST_MATCH["language"].value_counts()
    # the languages added with the header languages of issue #10: at least 15 cases each
    for lang in ("es", "it", "pt", "sv", "da", "fi", "pl"):
        assert per_language.get(lang, 0) >= 15, lang


@pytest.mark.parametrize(
    ("value", "iso2"), list(zip(MUST_MATCH["input"], MUST_MATCH["iso2"], strict=True))
)
def test_must_match(value, iso2):
    assert to_iso2([value]).tolist() == [iso2]


@pytest.mark.parametrize("value", MUST_NOT_MATCH["input"].tolist())
def test_must_not_match(value):
    assert to_iso2([value]).isna().all()


def test_namibia_is_a_country_and_missing_is_na():
    out = to_iso2(["NA", "na", "Namibia", None, np.nan, pd.NA, "", "   "])
    assert str(out.dtype) == "string"
    assert out.iloc[:3].tolist() == ["NA", "NA", "NA"]
    assert out.iloc[3:].isna().all()
    assert out.isna().sum() == 5  # pd.NA, not a sentinel string or None


def test_input_not_mutated_and_index_preserved():
    values = pd.Series(
        ["Rusland", None, "Wit-Rusland", "Atlantis"], index=[10, 7, 3, 99], name="land"
    )
    before = values.copy()
    out = to_iso2(values)
    pd.testing.assert_series_equal(values, before)
    assert out.index.tolist() == [10, 7, 3, 99]
    assert out.name == "land"
    assert out.tolist() == ["RU", pd.NA, "BY", pd.NA]
    # a categorical column (as read by ingest for repeated values) works the same
    pd.testing.assert_series_equal(to_iso2(values.astype("category")), out)


def test_sequence_input_gets_a_default_index():
    out = to_iso2(("Tsjechië", "Türkiye"))
    assert out.index.tolist() == [0, 1]
    assert out.tolist() == ["CZ", "TR"]


def test_country_name_in_english_and_dutch():
    codes = pd.Series(["RU", "NL", "XK", "BY", "US", "ZZ", None], index=list("abcdefg"))
    nl = country_name(codes, "nl")
    en = country_name(codes, "en")
    assert nl.tolist() == [
        "Rusland",
        "Nederland",
        "Kosovo",
        "Belarus",
        "Verenigde Staten",
        pd.NA,
        pd.NA,
    ]
    assert en.tolist() == [
        "Russia",
        "Netherlands",
        "Kosovo",
        "Belarus",
        "United States",
        pd.NA,
        pd.NA,
    ]
    assert nl.index.equals(codes.index)
    assert str(en.dtype) == "string"
    assert country_name(["na"], "de").tolist() == ["Namibia"]
    with pytest.raises(ValueError, match="lang='xx'"):
        country_name(["RU"], "xx")


@pytest.mark.parametrize(
    ("lang", "names"),
    [
        ("es", ["Rusia", "Países Bajos", "Reino Unido", "Estados Unidos", "Hong Kong"]),
        ("it", ["Russia", "Paesi Bassi", "Regno Unito", "Stati Uniti", "Hong Kong"]),
        ("pt", ["Rússia", "Países Baixos", "Reino Unido", "Estados Unidos", "Hong Kong"]),
        ("sv", ["Ryssland", "Nederländerna", "Storbritannien", "USA", "Hongkong"]),
        ("da", ["Rusland", "Nederlandene", "Storbritannien", "USA", "Hongkong"]),
        ("fi", ["Venäjä", "Alankomaat", "Iso-Britannia", "Yhdysvallat", "Hongkong"]),
        ("pl", ["Rosja", "Holandia", "Wielka Brytania", "Stany Zjednoczone", "Hongkong"]),
    ],
)
def test_country_name_in_the_other_header_languages(lang, names):
    # CLDR short names; Hong Kong shortened from CLDR's "RAE de Hong Kong (China)" and the like
    assert country_name(["RU", "NL", "GB", "US", "HK"], lang).tolist() == names


@pytest.mark.parametrize("lang", COUNTRY_LANGUAGES)
def test_every_country_has_a_display_name_that_reads_back(lang):
    codes = country_table()["iso2"]
    names = country_name(codes, lang)
    assert names.notna().all(), codes[names.isna()].tolist()
    # a display name is recognised as its country again (round trip)
    back = to_iso2(names)
    assert back.tolist() == codes.tolist()


def test_alias_file_has_no_ambiguous_alias():
    aliases = pd.read_csv(
        config.PACKAGE_DATA / "country_aliases.csv", dtype=str, keep_default_na=False
    )
    assert list(aliases.columns[:4]) == ["alias", "iso2", "language", "note"]
    folded = aliases.assign(key=aliases["alias"].map(fold))
    codes = folded.groupby("key")["iso2"].nunique()
    assert codes[codes > 1].empty, codes[codes > 1]
    # and nothing ambiguous is left between pycountry's languages or punctuation-free keys
    _, _, unresolved = _countries._lookups()
    assert unresolved == {}
    assert set(aliases["language"]) <= set(COUNTRY_LANGUAGES)
    assert aliases["iso2"].str.fullmatch("[A-Z]{2}").all()


def test_a_name_meaning_two_countries_across_languages_is_left_out(monkeypatch):
    # "Kongo" is CG in German and CD in Norwegian CLDR: without an alias row settling it, neither
    names = pd.DataFrame(
        {
            "name": ["Kongo", "Kongo", "Namibia", "Republik Kongo"],
            "iso2": ["CG", "CD", "NA", "CG"],
            "language": ["de", "nb", "en", "de"],
        }
    )
    no_aliases = _countries._aliases().iloc[:0]
    monkeypatch.setattr(_countries, "_pycountry_names", lambda: names)
    monkeypatch.setattr(_countries, "_aliases", lambda: no_aliases)
    exact, stripped, unresolved = _countries._lookups.__wrapped__()
    assert "kongo" not in exact and "kongo" not in stripped
    assert unresolved == {"kongo": {"CG", "CD"}}
    assert exact["namibia"] == "NA" and exact["republik kongo"] == "CG"


def test_aliases_overrule_pycountry_only_where_its_catalogue_is_wrong():
    # an alias whose pycountry name belongs to another country would hide an ambiguity; the one
    # such row settles a translation error (pt_BR gives Pakistan's official name to Afghanistan)
    aliases = _countries._aliases()
    names = _countries._pycountry_names()
    codes = names.assign(key=names["name"].map(fold)).groupby("key")["iso2"].agg(set)
    clash = {
        key
        for key, code in zip(aliases["key"], aliases["iso2"], strict=True)
        if key in codes.index and codes[key] != {code}
    }
    assert clash == {"republica islamica do paquistao"}
    assert to_iso2(["República Islâmica do Paquistão", "Afeganistão"]).tolist() == ["PK", "AF"]


def test_country_table():
    table = country_table()
    assert list(table.columns) == ["iso2", "iso3", "name_en", "region"]
    assert len(table) == 250  # 249 ISO 3166-1 countries + Kosovo
    assert table["iso2"].is_unique and table["iso3"].is_unique
    assert (table.dtypes == "string").all()
    by = table.set_index("iso2")
    assert by.loc["NA", "name_en"] == "Namibia" and by.loc["NA", "region"] == "Africa"
    assert by.loc["XK"].tolist() == ["XKX", "Kosovo", "Europe"]
    assert by.loc["RU", "region"] == "Europe" and by.loc["TW", "region"] == "Asia"
    assert set(table["region"].dropna()) == set(REGIONS)
    assert table.loc[table["region"].isna(), "iso2"].tolist() == ["AQ"]  # no M49 region
    table.loc[0, "name_en"] = "changed"  # a copy: the cached table is untouched
    assert country_table().loc[0, "name_en"] != "changed"


def test_unknown_countries_counts_distinct_unresolved_values():
    values = pd.Series(["NL", "Atlantis", "EU", "Atlantis", "", None, "Rusland", "EU", "Mars"])
    before = values.copy()
    out = unknown_countries(values)
    pd.testing.assert_series_equal(values, before)
    assert list(out.columns) == ["value", "count"]
    assert out.to_dict("records") == [
        {"value": "Atlantis", "count": 2},
        {"value": "EU", "count": 2},
        {"value": "Mars", "count": 1},
    ]
    assert unknown_countries(["NL", None]).empty


def test_large_column_equals_per_value_mapping():
    distinct = [*MUST_MATCH["input"], *MUST_NOT_MATCH["input"], None]
    rng = np.random.default_rng(0)
    picks = rng.integers(0, len(distinct), size=200_000)
    values = pd.Series(np.asarray(distinct, dtype=object)[picks], dtype="str")
    out = to_iso2(values)
    single = {v: to_iso2([v]).iloc[0] for v in distinct}
    expected = pd.Series([single[distinct[i]] for i in picks], dtype="string")
    pd.testing.assert_series_equal(out, expected)
    assert out.notna().sum() > 100_000  # most picks are real countries


def test_an_ambiguous_alias_file_is_refused(monkeypatch):
    bad = pd.DataFrame(
        {
            "alias": ["Kongo", "KONGO", "Rusland", "Russia", "Russie"],
            "iso2": ["CG", "CD", "RU", "RU", "RU"],
            "language": ["nb", "de", "nl", "en", "xx"],
            "note": "",
            "display": ["", "", "1", "", ""],
        }
    )
    monkeypatch.setattr(_countries, "_read_package_csv", lambda name: bad)
    with pytest.raises(
        ReferenceDataError, match=r"2 problem\(s\).*'xx'.*'kongo' -> (CG, CD|CD, CG)"
    ):
        _countries._aliases.__wrapped__()


def test_real_freedom_house_countries_all_resolve(realdata):
    # Freedom in the World 2013-2024: every row marked "c" (country) is an ISO country; the
    # territories ("t": Crimea, Tibet, Somaliland...) mostly are not and stay unknown
    path = realdata / "freedomhouse" / "All_data_FIW_2013-2024.xlsx"
    fiw = pd.read_excel(path, sheet_name="FIW13-24", header=1, engine="calamine")
    names = fiw.loc[fiw["C/T"] == "c", "Country/Territory"].drop_duplicates()
    assert len(names) == 195
    assert unknown_countries(names).empty, unknown_countries(names)
    assert to_iso2(names).is_unique
