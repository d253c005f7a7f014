"""The Erasmus Charter holders list read as a registry: real CSV and XLSX, layouts, dates, countries."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import kvanalytics as kv
from kvanalytics.errors import ReferenceDataError
from kvanalytics.normalise import match_institutions
from kvanalytics.reference import ERASMUS_CHARTER_COLUMNS, lookup_identifiers, read_erasmus_charter

HEADER = (
    "Proposal number;Erasmus Code;Pic;OID;Legal Name;Street;Post Cd;City;Country Cd;Website Url;"
    "Erasmus Eche Start;Erasmus Eche End"
)


@pytest.fixture(scope="module")
def erasmus_dir(realdata: Path) -> Path:
    return realdata / "erasmus"


@pytest.fixture(scope="module")
def eche_csv(erasmus_dir: Path) -> pd.DataFrame:
    return read_erasmus_charter(erasmus_dir / "eche_holders_2024-06.csv")


@pytest.fixture(scope="module")
def eche_xlsx(erasmus_dir: Path) -> pd.DataFrame:
    return read_erasmus_charter(erasmus_dir / "eche_holders_2024-06.xlsx")


def _write_csv(
    tmp_path: Path, rows: list[str], *, name: str = "eche.csv", top: str = ";;;"
) -> Path:
    path = tmp_path / name
    path.write_bytes("\r\n".join([top, HEADER, *rows]).encode("cp1252"))
    return path


# --- the real list --------------------------------------------------------------------------------


def test_real_csv_rows_in_equal_rows_out(eche_csv, erasmus_dir):
    path = erasmus_dir / "eche_holders_2024-06.csv"
    records = pd.read_csv(path, sep=";", encoding="cp1252", skiprows=1, dtype=str)
    assert len(eche_csv) == len(records) == 5912
    # each row points at the line its record starts on (two records hold a line break in a
    # quoted street, so the last of 5,912 records starts on line 5,916)
    lines = path.read_bytes().decode("cp1252").split("\n")
    rows = eche_csv["source_row"]
    assert rows.is_monotonic_increasing and rows.iloc[0] == 3 and rows.iloc[-1] == 5916
    written = [lines[r - 1].split(";")[1] for r in rows]
    assert written == eche_csv["erasmus_code"].tolist()
    assert eche_csv["erasmus_code"].iloc[0] == "A\u00a0 BADEN01"
    assert eche_csv.columns.tolist() == list(ERASMUS_CHARTER_COLUMNS)
    assert eche_csv["source_sheet"].isna().all()


def test_real_registry_columns(eche_csv):
    df = eche_csv
    assert df["key"].notna().all() and df["key"].is_unique
    assert df["name"].notna().all()
    assert df["pic"].str.fullmatch(r"\d{9}").all()
    assert df["oid"].isna().sum() == 927  # the #N/A OIDs
    assert df["oid"].dropna().str.fullmatch(r"E\d{8}").all()
    assert df["country_check"].value_counts().to_dict() == {
        "agrees": 5908,
        "differs": 3,
        "listed_only": 1,
    }
    differs = df[df["country_check"] == "differs"].set_index("key")
    assert differs[["country", "code_country"]].to_dict("index") == {
        "B  DIEPENB07": {"country": "NL", "code_country": "BE"},
        "F  ST-DENI19": {"country": "RE", "code_country": "FR"},
        "I  SAN-MAR01": {"country": "SM", "code_country": "IT"},
    }
    listed_only = df[df["country_check"] == "listed_only"]
    assert listed_only["key"].tolist() == ["BE BRUGGE11"] and listed_only["country"].tolist() == [
        "BE"
    ]
    greek = df[df["country_listed"] == "EL"]
    assert len(greek) == 32 and greek["country"].eq("GR").all()
    assert set(df["country"]) >= {"XK", "GR", "IE", "LU"}


def test_real_dates_all_read_and_csv_equals_xlsx(eche_csv, eche_xlsx):
    assert eche_csv["date_check"].eq("ok").all() and eche_xlsx["date_check"].eq("ok").all()
    for col in ("eche_start", "eche_end"):
        assert eche_csv[col].notna().all()
        pd.testing.assert_series_equal(eche_csv[col], eche_xlsx[col])
    # 11/1/2021 beside 12/31/2029 is 1 November 2021, as the workbook stores it
    starts = eche_csv["eche_start"].value_counts()
    assert starts[pd.Timestamp("2021-11-01")] == 373
    assert starts[pd.Timestamp("2024-02-01")] == 1 and starts[pd.Timestamp("2024-06-26")] == 289
    assert set(eche_csv["eche_end"]) == {pd.Timestamp("2029-12-31"), pd.Timestamp("2025-07-31")}


def test_real_csv_and_xlsx_agree(eche_csv, eche_xlsx):
    assert len(eche_xlsx) == 5912
    assert eche_xlsx["source_sheet"].eq("Report 2").all()
    assert eche_xlsx["source_row"].tolist() == list(range(3, 5915))
    for col in ("key", "country", "country_check", "erasmus_code", "pic", "oid", "website"):
        pd.testing.assert_series_equal(eche_csv[col], eche_xlsx[col])
    # the CSV is cp1252: characters it cannot hold are '?' there, right in the workbook
    differ = eche_csv["name"] != eche_xlsx["name"]
    assert differ.sum() == 1
    assert eche_csv["name"][differ].str.contains("?", regex=False).all()
    assert eche_xlsx["name"][differ].tolist() == ["Balıkesir University"]


def test_real_registry_serves_as_matching_reference(eche_csv):
    reference = eche_csv[["key", "name", "country"]]
    names = [
        "Freie Universität Berlin",
        "University of Graz",
        "Helsingin yliopisto",
        "Universidad Complutense de Madrid",
        "Katholieke Universiteit Leuven",
        "Uniwersytet Warszawski",
        "Middle East Technical University",
        "Dublin City University",
    ]
    result = match_institutions(names, reference)
    assert result["decision"].eq("match").all()
    assert result["key"].tolist() == [
        "D  BERLIN01",
        "A  GRAZ01",
        "SF HELSINK01",
        "E  MADRID03",
        "B  LEUVEN01",
        "PL WARSZAW01",
        "TR ANKARA04",
        "IRLDUBLIN04",
    ]


# --- synthetic files: layout variants, countries, dates -------------------------------------------


def test_namibia_greece_and_country_checks(tmp_path):
    rows = [
        "1;D  BERLIN01;999977948;E10000001;Freie Universität Berlin;;;Berlin;DE;www.fu-berlin.de;1/1/2021;12/31/2029",
        "2;;;#N/A;University of Namibia;;;Windhoek;NA;;1/1/2021;12/31/2029",
        "3;G  ATHINE01;999999999;#N/A;National and Kapodistrian University;;;Athens;EL;;1/1/2021;12/31/2029",
        "4;SF HELSINK01;;;Helsingin yliopisto;;;Helsinki;;;1/1/2021;12/31/2029",
        "5;B  DIEPENB07;;;Transnationale Universiteit Limburg;;;Maastricht;NL;;1/1/2021;12/31/2029",
        "6;XX NOWHERE01;;;Nowhere College;;;;ZZ;;1/1/2021;12/31/2029",
    ]
    df = read_erasmus_charter(_write_csv(tmp_path, rows))
    assert df["country"].tolist() == ["DE", "NA", "GR", "FI", "NL", pd.NA]
    assert df["country_check"].tolist() == [
        "agrees",
        "listed_only",
        "agrees",
        "from_code",
        "differs",
        "unknown",
    ]
    assert df["country_listed"].tolist() == ["DE", "NA", "EL", pd.NA, "NL", "ZZ"]
    assert df["key"].tolist() == [
        "D  BERLIN01",
        pd.NA,
        "G  ATHINE01",
        "SF HELSINK01",
        "B  DIEPENB07",
        "XX NOWHERE01",
    ]
    assert df["oid"].tolist()[:3] == ["E10000001", pd.NA, pd.NA]
    assert df["name"].iloc[0] == "Freie Universität Berlin"  # cp1252 decoded
    assert df["source_row"].tolist() == [3, 4, 5, 6, 7, 8]


def test_dates_in_either_order_and_never_guessed(tmp_path):
    rows = [
        "1;D  BERLIN01;;;A;;;;DE;;11/1/2021;12/31/2029",  # order shown by the end date
        "2;D  BERLIN02;;;B;;;;DE;;26/06/2024;31/12/2029",  # day first
        "3;D  BERLIN03;;;C;;;;DE;;3/4/2021;5/6/2029",  # neither shows the order
        "4;D  BERLIN04;;;D;;;;DE;;2021-01-01;2029-12-31 00:00:00",  # ISO
        "5;D  BERLIN05;;;E;;;;DE;;31/02/2024;soon",  # not dates
        "6;D  BERLIN06;;;F;;;;DE;;1.2.2024;",  # dotted: day first; end missing
        "7;D  BERLIN07;;;G;;;;DE;;13/12/2024;12/13/2029",  # the row contradicts itself
    ]
    df = read_erasmus_charter(_write_csv(tmp_path, rows))
    ts = pd.Timestamp
    assert df["eche_start"].tolist()[:4] == [
        ts("2021-11-01"),
        ts("2024-06-26"),
        pd.NaT,
        ts("2021-01-01"),
    ]
    assert df["eche_end"].tolist()[:4] == [
        ts("2029-12-31"),
        ts("2029-12-31"),
        pd.NaT,
        ts("2029-12-31"),
    ]
    assert df["eche_start"].iloc[5] == ts("2024-02-01") and pd.isna(df["eche_end"].iloc[5])
    assert df["eche_start"].iloc[6] == ts("2024-12-13") and df["eche_end"].iloc[6] == ts(
        "2029-12-13"
    )
    checks = df["date_check"].tolist()
    assert checks[0] == checks[1] == checks[3] == checks[5] == checks[6] == "ok"
    assert checks[2] == (
        "eche_start '3/4/2021' could be day/month or month/day and the row does not show which; "
        "eche_end '5/6/2029' could be day/month or month/day and the row does not show which"
    )
    assert checks[4] == "eche_start '31/02/2024' is not a date; eche_end 'soon' is not a date"
    assert pd.isna(df["eche_start"].iloc[4]) and pd.isna(df["eche_end"].iloc[4])
    assert str(df["eche_start"].dtype) == "datetime64[us]"


def test_blank_rows_skipped_other_rows_kept(tmp_path):
    rows = [
        "1;D  BERLIN01;;;A;;;;DE;;;",
        ";;;;;;;;;;;",
        "",
        "2;;;;;;;;;;;",
        "3;D  BERLIN03;;;C;;;;DE;;;",
    ]
    df = read_erasmus_charter(_write_csv(tmp_path, rows))
    assert df["source_row"].tolist() == [3, 6, 7]  # a row with only a proposal number is kept
    assert df["key"].tolist() == ["D  BERLIN01", pd.NA, "D  BERLIN03"]


def test_utf8_comma_csv_without_blank_line(tmp_path):
    path = tmp_path / "holders.csv"
    text = (
        HEADER.replace(";", ",")
        + "\n"
        + "1,TR ANKARA04,999862695,,ORTA DOĞU TEKNİK ÜNİVERSİTESİ,,,ANKARA,TR,,1/1/2021,12/31/2029\n"
    )
    path.write_text(text, encoding="utf-8")
    df = read_erasmus_charter(path)
    assert df[["key", "name", "country", "pic"]].iloc[0].tolist() == [
        "TR ANKARA04",
        "ORTA DOĞU TEKNİK ÜNİVERSİTESİ",
        "TR",
        "999862695",
    ]
    assert df["source_row"].tolist() == [2]


def test_only_required_columns(tmp_path):
    path = tmp_path / "minimal.csv"
    path.write_text(
        "Erasmus Code;Legal Name;Country Cd\nIRL DUBLIN01;Trinity College Dublin;IE\n", "utf-8"
    )
    df = read_erasmus_charter(path)
    assert df[["key", "name", "country", "country_check"]].iloc[0].tolist() == [
        "IRLDUBLIN01",
        "Trinity College Dublin",
        "IE",
        "agrees",
    ]
    assert df[["pic", "oid", "city", "website", "eche_start", "eche_end"]].isna().all(axis=None)


def test_workbook_with_other_sheets_and_numbers(tmp_path):
    path = tmp_path / "holders.xlsx"
    frame = pd.DataFrame(
        [[101012444, "A\u00a0 BADEN01", 948821603, "#N/A", "PH Niederösterreich", "Baden", "AT",
          pd.Timestamp("2021-01-01"), "31/12/2029"]],
        columns=["Proposal number", "Erasmus Code", "Pic", "OID", "Legal Name", "City", "Country Cd",
                 "Erasmus Eche Start", "Erasmus Eche End"],
    )  # fmt: skip
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        pd.DataFrame({"about": ["the holders list"]}).to_excel(
            writer, sheet_name="Info", index=False
        )
        frame.to_excel(writer, sheet_name="Holders", index=False, startrow=2)
    df = read_erasmus_charter(path)
    assert df[["key", "pic", "oid", "country", "eche_start", "eche_end"]].iloc[0].tolist() == [
        "A  BADEN01",
        "948821603",
        pd.NA,
        "AT",
        pd.Timestamp("2021-01-01"),
        pd.Timestamp("2029-12-31"),
    ]
    assert df["source_sheet"].tolist() == ["Holders"] and df["source_row"].tolist() == [4]


# --- files that are not the list ------------------------------------------------------------------


def test_not_this_layout_names_file_expectation_and_fix(tmp_path):
    path = tmp_path / "partners.csv"
    path.write_text("partner;country\nFU Berlin;DE\n", "utf-8")
    with pytest.raises(ReferenceDataError) as info:
        read_erasmus_charter(path)
    message = str(info.value)
    assert str(path) in message
    assert "'Erasmus Code', 'Legal Name', 'Country Cd'" in message
    assert "['partner', 'country']" in message and "Fix:" in message


@pytest.mark.parametrize(
    ("name", "content", "match"),
    [
        ("holders.json", b"{}", "unknown file type '.json'"),
        ("holders.xlsx", b"not a zip file", "cannot be read as a workbook"),
        ("empty.csv", b"", "it is empty"),
    ],
)
def test_unreadable_files(tmp_path, name, content, match):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ReferenceDataError, match=match):
        read_erasmus_charter(path)


def test_missing_file(tmp_path):
    with pytest.raises(ReferenceDataError, match="file not found"):
        read_erasmus_charter(tmp_path / "absent.csv")


# --- identifiers looked up in the registry --------------------------------------------------------


def test_every_real_code_finds_its_row_even_without_spaces(eche_csv):
    for codes in (
        eche_csv["erasmus_code"],
        eche_csv["erasmus_code"].str.replace(r"\s", "", regex=True),
    ):
        found = lookup_identifiers(pd.DataFrame({"erasmus_code": codes}), eche_csv)
        assert found["key"].tolist() == eche_csv["key"].tolist()
        assert found["method"].eq("erasmus_code").all()
    # DKARHUS01 alone could be D or DK; the registry has one code that reads so
    solid = lookup_identifiers(
        pd.DataFrame({"erasmus_code": ["DKARHUS01", "SFHELSINK01"]}), eche_csv
    )
    assert solid["key"].tolist() == ["DK ARHUS01", "SF HELSINK01"]
    assert solid["identifier_note"].iloc[0].endswith("the registry reads it as DK ARHUS01")


def test_every_real_pic_finds_its_row_unless_shared(eche_csv):
    found = lookup_identifiers(pd.DataFrame({"pic": eche_csv["pic"]}), eche_csv)
    shared = eche_csv["pic"].duplicated(keep=False)
    assert int(shared.sum()) == 2  # one legal entity with two Erasmus codes
    assert (found["key"] == eche_csv["key"])[~shared].all()
    assert found["key"][shared].isna().all()
    assert found["identifier_note"][shared].str.contains("held by several registry rows").all()


def test_lookup_never_settles_a_conflict():
    registry = pd.DataFrame(
        {"key": ["D  BERLIN01", "D  BERLIN02", "B  ERLIN99"], "pic": ["999977948", "999976787", ""]}
    )
    partners = pd.DataFrame(
        {
            "erasmus_code": ["D BERLIN01", "D BERLIN01", "BERLIN02", None, "DE BERLIN01"],
            "pic": ["999976787", "999977948", None, "999976787", "0"],
        },
        index=[4, 3, 2, 1, 0],
    )
    before = partners.copy()
    found = lookup_identifiers(partners, registry)
    pd.testing.assert_frame_equal(partners, before)
    assert found.index.tolist() == [4, 3, 2, 1, 0]
    assert found["key"].tolist() == [pd.NA, "D  BERLIN01", pd.NA, "D  BERLIN02", pd.NA]
    assert found["method"].tolist() == [pd.NA, "erasmus_code", pd.NA, "pic", pd.NA]
    assert found["identifier_note"].loc[4] == (
        "erasmus_code gives D  BERLIN01 and pic gives D  BERLIN02: no key"
    )
    assert found["identifier_note"].loc[2] == "erasmus_code: read without a gap as B + ERLIN02"
    with pytest.raises(ReferenceDataError, match="lacks column"):
        lookup_identifiers(partners, registry[["key"]])


# --- a partner list with the registry's codes, no country column -----------------------------

_DEFAULTS = {"faculty": "Rechten", "kind": "exchange", "start": "2024-09-01"}


def _one_code_per_prefix(eche_csv: pd.DataFrame) -> pd.DataFrame:
    """The first institution of each Erasmus country prefix whose code gives its listed country,
    with the code exactly as the list writes it (a no-break space after the prefix)."""
    agrees = eche_csv[eche_csv["country_check"] == "agrees"]
    prefix = agrees["key"].str.extract(r"^([A-Z]+)")[0]
    return agrees.groupby(prefix).head(1)[["name", "erasmus_code", "country"]]


def test_registry_codes_give_a_partner_list_its_countries(eche_csv, tmp_path):
    """Issue 10 item 5: a partner list without a country column, its Erasmus codes copied from
    the Charter list (no-break spaces kept), CSV in cp1252 and XLSX: every partner's country is
    the one the registry lists."""
    pick = _one_code_per_prefix(eche_csv)
    assert len(pick) >= 40 and pick["erasmus_code"].str.contains("\u00a0").any()
    prefixes = set(pick["erasmus_code"].str.extract(r"^([A-Z]+)")[0])
    assert {"D", "SF", "G", "N", "IRLDUBLIN"} <= prefixes  # Germany ... Ireland's long prefixes
    frame = pd.DataFrame(
        {
            "Partnerinstelling": pick["name"].to_numpy(),
            "Erasmus code": pick["erasmus_code"].to_numpy(),
            "Aantal plaatsen": 2,
        }
    )
    csv = tmp_path / "partners.csv"
    csv.write_bytes(frame.to_csv(sep=";", index=False, lineterminator="\r\n").encode("cp1252"))
    xlsx = tmp_path / "partners.xlsx"
    frame.to_excel(xlsx, index=False)
    want = dict(zip(pick["name"], pick["country"], strict=True))
    for path in (csv, xlsx):
        r = kv.read_partnerships(path, defaults=_DEFAULTS, errors="collect")
        assert (r.report.read, r.report.accepted, r.report.rejected) == (len(pick), len(pick), 0)
        got = dict(zip(r.table["partner"], r.table["country"], strict=True))
        assert got == want, path.suffix
        assert r.table["erasmus_code"].notna().all()


def test_registry_code_cross_checks_a_country_column(eche_csv, tmp_path):
    """Where the list has a country too, a code giving another country is rejected, not fixed."""
    row = eche_csv[eche_csv["key"].str.startswith("SF ")].iloc[0]
    lines = [
        "Partner;Erasmus code;Land",
        f"{row['name']};{row['erasmus_code']};Finland",
        f"{row['name']} (2);{row['erasmus_code']};Zweden",
    ]
    path = tmp_path / "p.csv"
    path.write_bytes("\r\n".join(lines).encode("cp1252"))
    r = kv.read_partnerships(path, defaults=_DEFAULTS, errors="collect")
    assert r.report.accepted == 1 and dict(r.report.by_reason) == {"inconsistent_country": 1}
    assert "gives FI" in r.rejects["detail"].iloc[0]
