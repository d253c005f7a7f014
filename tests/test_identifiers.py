"""Partner identifiers: Erasmus institution codes, PIC numbers, ROR ids.

The must-parse / must-not-parse cases are data files (tests/data/identifiers_*.csv), run by one
parametrised test each. The Erasmus prefix table is verified against the real Erasmus Charter
holders list and the ROR checksum against real ROR ids (``shared/realdata``; skipped when absent).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kvanalytics.errors import SchemaError
from kvanalytics.normalise import (
    canonical_erasmus_code,
    erasmus_country,
    erasmus_prefixes,
    identify_partners,
    normalise_pic,
    normalise_ror,
    parse_erasmus_code,
    ror_checksum,
)

DATA = Path(__file__).parent / "data"


def _read(name: str) -> pd.DataFrame:
    # keep_default_na=False: "NA" and "" must reach the test as written
    return pd.read_csv(DATA / name, dtype=str, keep_default_na=False)


def _find_realdata() -> Path | None:
    """``shared/realdata`` beside the repository or one of its parents (worktrees nest)."""
    for parent in Path(__file__).resolve().parents:
        candidate = parent / "shared" / "realdata"
        if candidate.is_dir():
            return candidate
    return None


@pytest.fixture(scope="module")
def shared_realdata() -> Path:
    path = _find_realdata()
    if path is None:
        pytest.skip("real data not available in shared/realdata")
    return path


@pytest.fixture(scope="module")
def eche_csv(shared_realdata: Path) -> pd.DataFrame:
    path = shared_realdata / "erasmus" / "eche_holders_2024-06.csv"
    # the raw file, read independently of kvanalytics: cp1252, ';', a blank ';;;' line on top
    return pd.read_csv(
        path, sep=";", encoding="cp1252", skiprows=1, dtype=str, keep_default_na=False
    )


ERASMUS_OK = _read("identifiers_erasmus_must_parse.csv")
ERASMUS_BAD = _read("identifiers_erasmus_must_not_parse.csv")
PIC_OK = _read("identifiers_pic_must_parse.csv")
PIC_BAD = _read("identifiers_pic_must_not_parse.csv")
ROR_OK = _read("identifiers_ror_must_parse.csv")
ROR_BAD = _read("identifiers_ror_must_not_parse.csv")
PARTS = ["code", "prefix", "city", "number", "country"]


def test_case_files_are_large_and_distinct():
    assert len(ERASMUS_OK) + len(ERASMUS_BAD) >= 40 and len(ERASMUS_OK) >= 40
    assert len(PIC_OK) + len(PIC_BAD) >= 10 and len(ROR_OK) + len(ROR_BAD) >= 10
    assert ROR_BAD["note"].str.contains("checksum").sum() >= 3
    for frame in (ERASMUS_OK, ERASMUS_BAD, PIC_OK, PIC_BAD, ROR_OK, ROR_BAD):
        assert not frame["input"].duplicated().any()
    assert set(ERASMUS_OK["prefix"]) <= set(erasmus_prefixes()["prefix"])


# --- Erasmus codes --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", *PARTS), list(ERASMUS_OK[["input", *PARTS]].itertuples(index=False, name=None))
)
def test_erasmus_must_parse(value, code, prefix, city, number, country):
    parsed = parse_erasmus_code([value])
    assert parsed.iloc[0].tolist() == [code, prefix, city, number, country]
    assert canonical_erasmus_code([value]).tolist() == [code]
    assert erasmus_country([value]).tolist() == [country]
    # the canonical spelling is a fixed point
    assert canonical_erasmus_code([code]).tolist() == [code]


@pytest.mark.parametrize("value", ERASMUS_BAD["input"].tolist())
def test_erasmus_must_not_parse(value):
    assert parse_erasmus_code([value]).isna().all(axis=None)
    assert erasmus_country([value]).isna().all()


def test_canonical_form_is_prefix_padded_to_three():
    codes = canonical_erasmus_code(ERASMUS_OK["input"])
    assert (codes.str.slice(0, 3).str.rstrip() == ERASMUS_OK["prefix"]).all()
    assert not codes.str.slice(3).str.contains(" ").any()


def test_prefix_table_is_valid():
    table = erasmus_prefixes()
    assert table["prefix"].is_unique
    assert table["source"].str.len().gt(0).all()
    codes = table.set_index("prefix")["iso2"]
    assert codes[["D", "UK", "SF", "A", "G", "IRL", "LUX", "N", "S", "E", "P"]].tolist() == [
        "DE", "GB", "FI", "AT", "GR", "IE", "LU", "NO", "SE", "ES", "PT",
    ]  # fmt: skip
    assert "L" not in codes.index  # Luxembourg is LUX in every real code
    assert erasmus_prefixes() is not erasmus_prefixes()  # a copy each time


def test_missing_values_and_markers_are_na_not_namibia():
    values = pd.Series([None, np.nan, pd.NA, "", "NA", "#N/A", "N/A", "D BERLIN02"])
    country = erasmus_country(values)
    assert str(country.dtype) == "string"
    assert country.isna().sum() == 7 and country.iloc[7] == "DE"
    assert "NA" not in set(country.dropna())


def test_index_kept_and_input_not_mutated():
    values = pd.Series(["d berlin02", None, "IRL DUBLIN01"], index=[10, 3, 7], name="code")
    before = values.copy()
    parsed = parse_erasmus_code(values)
    assert parsed.index.tolist() == [10, 3, 7]
    assert canonical_erasmus_code(values).index.tolist() == [10, 3, 7]
    pd.testing.assert_series_equal(values, before)


def test_repeated_values_are_parsed_alike():
    values = ["D BERLIN02", "DKARHUS01", None] * 1000
    parsed = parse_erasmus_code(values)
    assert len(parsed) == 3000
    assert parsed["code"].iloc[::3].eq("D  BERLIN02").all()
    assert parsed["code"].iloc[1::3].isna().all() and parsed["code"].iloc[2::3].isna().all()


def test_a_bare_string_is_one_value():
    assert erasmus_country("SF HELSINK01").tolist() == ["FI"]
    assert parse_erasmus_code([]).columns.tolist() == PARTS


# --- PIC ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "pic"), list(PIC_OK[["input", "pic"]].itertuples(index=False, name=None))
)
def test_pic_must_parse(value, pic):
    assert normalise_pic([value]).tolist() == [pic]


@pytest.mark.parametrize("value", PIC_BAD["input"].tolist())
def test_pic_must_not_parse(value):
    assert normalise_pic([value]).isna().all()


def test_pic_numbers_from_spreadsheets():
    values = [999977948, np.int64(948821603), 999977948.0, 0, 0.0, 1.5, True, np.nan, None]
    out = normalise_pic(values)
    assert out.tolist()[:3] == ["999977948", "948821603", "999977948"]
    assert out.iloc[3:].isna().all()
    assert str(out.dtype) == "string"


# --- ROR ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "ror"), list(ROR_OK[["input", "ror"]].itertuples(index=False, name=None))
)
def test_ror_must_parse(value, ror):
    assert normalise_ror([value]).tolist() == [ror]


@pytest.mark.parametrize("value", ROR_BAD["input"].tolist())
def test_ror_must_not_parse(value):
    assert normalise_ror([value]).isna().all()


def test_ror_checksum_rejects_bad_input():
    assert ror_checksum("3yrm5c") == "26"
    with pytest.raises(ValueError, match="base32"):
        ror_checksum("3yrm5l")
    with pytest.raises(ValueError, match="base32"):
        ror_checksum("3yrm5")


def test_every_real_ror_id_validates(shared_realdata):
    names = json.loads((shared_realdata / "ror" / "dataset_names.json").read_text("utf-8"))
    urls = pd.Series([n["ror-id"] for n in names]).drop_duplicates()
    assert len(urls) == 875
    ids = normalise_ror(urls)
    assert ids.notna().all()
    assert (("https://ror.org/" + ids) == urls.to_numpy()).all()
    # and every one of them with another checksum fails
    wrong = ids.str.slice(0, 7) + ((ids.str.slice(7).astype(int) + 1) % 100).map("{:02d}".format)
    assert normalise_ror(wrong).isna().all()


# --- identify_partners ----------------------------------------------------------------------------


def test_identify_partners():
    raw = pd.DataFrame(
        {
            "partner": ["FU Berlin", "Aarhus", "Helsinki", "NA"],
            "erasmus_code": ["D\u00a0 BERLIN01", "DKARHUS01", "sfhelsink01", "#N/A"],
            "pic": ["999 977 948", "12", None, "NA"],
            "ror": ["https://ror.org/03yrm5c26", "03yrm5c27", None, ""],
        },
        index=[5, 9, 2, 0],
    )
    before = raw.copy()
    out = identify_partners(raw)
    pd.testing.assert_frame_equal(raw, before)
    assert out.columns.tolist() == [
        "erasmus_code",
        "pic",
        "ror",
        "identifier_country",
        "identifier_note",
    ]
    assert out.index.tolist() == [5, 9, 2, 0]
    assert out["erasmus_code"].tolist() == ["D  BERLIN01", pd.NA, pd.NA, pd.NA]
    assert out["identifier_country"].tolist() == ["DE", pd.NA, pd.NA, pd.NA]
    assert out["pic"].tolist() == ["999977948", pd.NA, pd.NA, pd.NA]
    assert out["ror"].tolist() == ["03yrm5c26", pd.NA, pd.NA, pd.NA]
    notes = out["identifier_note"]
    assert pd.isna(notes.loc[5]) and pd.isna(notes.loc[0])  # missing markers say nothing
    assert notes.loc[9] == (
        "erasmus_code: ambiguous without a gap after the prefix: D or DK; "
        "pic: 2 digits, a PIC has 9; ror: '03yrm5c27' fails its checksum (expected 03yrm5c26)"
    )
    assert notes.loc[2] == "erasmus_code: ambiguous without a gap after the prefix: S or SF"


def test_identify_partners_notes_a_code_read_without_a_gap():
    out = identify_partners(pd.DataFrame({"erasmus_code": ["DBERLIN02", "IRLDUBLIN01"]}))
    assert out["identifier_country"].tolist() == ["DE", "IE"]
    assert out["identifier_note"].iloc[0] == "erasmus_code: read without a gap as D + BERLIN02"
    assert pd.isna(out["identifier_note"].iloc[1])  # IRL is written so by the programme


def test_identify_partners_with_missing_columns():
    out = identify_partners(pd.DataFrame({"pic": [948821603]}))
    assert out["pic"].tolist() == ["948821603"]
    assert (
        out[["erasmus_code", "ror", "identifier_country", "identifier_note"]].isna().all(axis=None)
    )
    assert len(identify_partners(pd.DataFrame({"erasmus_code": []}))) == 0


def test_identify_partners_refuses_repeated_columns():
    frame = pd.DataFrame([["D BERLIN02", "D BERLIN01"]], columns=["erasmus_code", "erasmus_code"])
    with pytest.raises(SchemaError, match="more than once"):
        identify_partners(frame)


# --- the prefix table against the real Erasmus Charter holders list ------------------------------

#: Codes of the June 2024 list whose prefix does not give the listed country, each examined.
KNOWN_DISAGREEMENTS = {
    "B  DIEPENB07": ("NL", "BE"),  # Transnationale Universiteit Limburg, Maastricht: Belgian code
    "F  ST-DENI19": ("RE", "FR"),  # Lycée Lislet Geoffroy, Réunion: French overseas department
    "I  SAN-MAR01": ("SM", "IT"),  # University of the Republic of San Marino: Italian code
    "BE BRUGGE11": ("BE", None),  # listed with a prefix the programme does not use (Belgium: B)
}


def test_prefixes_give_the_listed_country(eche_csv):
    listed = eche_csv["Country Cd"].replace({"EL": "GR"})
    country = erasmus_country(eche_csv["Erasmus Code"])
    agree = (country == listed).fillna(False).astype(bool)
    assert len(eche_csv) == 5912
    assert int(agree.sum()) == 5908  # 5,908 of 5,912 codes give the listed country
    found = {
        code.replace("\u00a0", " "): (c_listed, None if pd.isna(c_code) else c_code)
        for code, c_listed, c_code in zip(
            eche_csv["Erasmus Code"][~agree], listed[~agree], country[~agree], strict=True
        )
    }
    assert found == KNOWN_DISAGREEMENTS


def test_prefix_table_counts_match_the_real_list(eche_csv):
    parsed = parse_erasmus_code(eche_csv["Erasmus Code"])
    listed = eche_csv["Country Cd"].replace({"EL": "GR"})
    codes = parsed["prefix"].value_counts()
    agree = parsed["prefix"][parsed["country"] == listed].value_counts()
    table = erasmus_prefixes().set_index("prefix")
    verified = table[table["eche_2024_06_codes"] != ""]
    assert set(verified.index) == set(codes.index)  # every prefix of the list, no other
    assert verified["eche_2024_06_codes"].astype(int).to_dict() == codes.to_dict()
    assert verified["eche_2024_06_agree"].astype(int).to_dict() == agree.to_dict()
    unverified = table[table["eche_2024_06_codes"] == ""]
    assert sorted(unverified.index) == ["CH", "UK"]
    assert unverified["source"].str.contains("not verified").all()


def test_real_codes_canonical_and_unique(eche_csv):
    raw = eche_csv["Erasmus Code"]
    canonical = canonical_erasmus_code(raw)
    assert canonical.notna().sum() == 5911  # all but BE BRUGGE11
    assert canonical.dropna().is_unique
    # the canonical spelling is the list's own, with plain spaces, for all but two codes
    as_listed = raw.str.replace("\u00a0", " ")
    changed = sorted(as_listed[(canonical != as_listed).fillna(False).astype(bool)])
    assert changed == ["F  PARIS 063", "RSPROKUP01"]


# --- identifiers first in match_institutions ---------------------------------------------------

REGISTRY = pd.DataFrame(
    {
        "key": ["D  BERLIN01", "D  BERLIN02", "UK LONDON029", "NL AMSTERD01"],
        "name": [
            "Freie Universität Berlin",
            "Technische Universität Berlin",
            "University College London",
            "Universiteit van Amsterdam",
        ],
        "country": ["DE", "DE", "GB", "NL"],
        "pic": ["999977948", "999977948", "999975602", "999987163"],
        "ror": [None, None, "https://ror.org/02jx3x895", None],
    }
)


def _matched(names, identifiers=None):
    from kvanalytics.normalise import match_institutions

    return match_institutions(names, REGISTRY, identifiers=identifiers, progress=False)


def test_an_erasmus_code_decides_before_the_name():
    ids = pd.DataFrame({"erasmus_code": ["UKLONDON029", "D BERLIN02"]})
    got = _matched(["Universiteit van Amsterdam", "Freie Universität Berlin"], ids)
    assert got["key"].tolist() == ["UK LONDON029", "D  BERLIN02"]
    assert got["method"].tolist() == ["identifier", "identifier"]
    assert got["decision"].tolist() == ["match", "match"]


def test_a_shared_pic_decides_nothing_alone_and_the_name_settles_it():
    ids = pd.DataFrame({"pic": ["999 977 948", "999977948"]})
    got = _matched(["Berlin partner", "Technische Universität Berlin"], ids)
    assert got["decision"].tolist() == ["review", "match"]
    assert got["key"].iloc[1] == "D  BERLIN02"


def test_a_code_and_a_pic_that_disagree_go_to_review():
    ids = pd.DataFrame({"erasmus_code": ["UK LONDON029"], "pic": ["999987163"]})
    got = _matched(["x"], ids)
    assert got["decision"].tolist() == ["review"] and got["margin"].iloc[0] == 0


def test_identifiers_written_in_the_name():
    got = _matched(
        ["partner UK LONDON029", "PIC: 999 987 163", "see ror.org/02jx3x895", "UK LONDON99"]
    )
    assert got["key"].tolist()[:3] == ["UK LONDON029", "NL AMSTERD01", "UK LONDON029"]
    assert (got["method"].iloc[:3] == "identifier").all()
    assert got["decision"].iloc[3] == "no_match"  # a code the registry lacks is no evidence


def test_invalid_or_unknown_identifiers_fall_back_to_the_name():
    ids = pd.DataFrame({"pic": ["12345678", "#N/A", "999999999"]})
    got = _matched(["University College London"] * 3, ids)
    assert got["method"].tolist() == ["exact alias"] * 3
    assert (got["key"] == "UK LONDON029").all()


def test_identifiers_must_align_and_have_an_identifier_column():
    with pytest.raises(ValueError, match="align"):
        _matched(["a", "b"], pd.DataFrame({"pic": ["999977948"]}))
    with pytest.raises(SchemaError, match="erasmus_code"):
        _matched(["a"], pd.DataFrame({"code": ["x"]}))


@pytest.fixture(scope="module")
def eche(realdata: Path) -> pd.DataFrame:
    from kvanalytics.reference import read_erasmus_charter

    return read_erasmus_charter(realdata / "erasmus" / "eche_holders_2024-06.csv")


def test_every_erasmus_charter_holder_is_found_by_its_code_and_its_pic(eche):
    from kvanalytics.normalise import match_institutions

    ids = eche[["erasmus_code"]]
    by_code = match_institutions(["?"] * len(eche), eche, identifiers=ids, progress=False)
    assert (by_code["key"] == eche["key"]).all()
    by_pic = match_institutions(["?"] * len(eche), eche, identifiers=eche[["pic"]], progress=False)
    shared = eche["pic"].duplicated(keep=False)
    assert (by_pic["key"][~shared] == eche["key"][~shared]).all()
    assert (by_pic["decision"][shared] == "review").all()


ECHE_NAMES = [  # name as a partner list writes it, country, Erasmus code (None: no match)
    ("Freie Universität Berlin", "DE", "D  BERLIN01"),
    ("Freie Universitaet Berlin", "DE", "D  BERLIN01"),
    ("Universität Wien", "AT", "A  WIEN01"),  # not Wirtschaftsuniversität Wien (A  WIEN05)
    ("Wirtschaftsuniversität Wien", "AT", "A  WIEN05"),
    ("Universiteit van Amsterdam", "NL", "NL AMSTERD01"),
    ("Aarhus Universitet", "DK", "DK ARHUS01"),
    ("Uniwersytet Warszawski", "PL", "PL WARSZAW01"),
    ("Katholieke Universiteit Leuven", "BE", "B  LEUVEN01"),
    ("Technische Universität München", "DE", "D  MUNCHEN02"),
    ("Universität Berlin", "DE", None),  # several Berlin universities: none is picked
    ("Technische Universität Berlin", "DE", "D  BERLIN02"),
    ("Lomonosov Moscow State University", "RU", None),  # not a charter holder
]


@pytest.mark.parametrize(("name", "country", "code"), ECHE_NAMES)
def test_names_against_the_erasmus_charter_registry(eche, name, country, code):
    from kvanalytics.normalise import match_institutions

    got = match_institutions([name], eche, country=[country], progress=False).iloc[0]
    if code is None:
        assert got["decision"] != "match"
    else:
        assert (got["decision"], got["key"]) == ("match", code)
