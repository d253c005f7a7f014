"""The synthetic sample: determinism, canonical schemas, the story it tells, and the committed files."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pycountry
import pytest
from openpyxl import load_workbook

from kvanalytics import sample, schemas

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
POOL = ROOT / "kvanalytics" / "data" / "sample_institutions.csv"
HEADER = (
    "Kenmerk;Partnerinstelling;Land;Faculteit;Soort;Niveau;Startdatum;Einddatum;Status;"
    "Bedrag per jaar (EUR);Financiële stromen;Data-uitwisseling;Vakgebied"
)
MONEY = re.compile(r"^-?\d{1,3}(?:\.\d{3})*,\d{2}$")
DATE = re.compile(r"^\d{2}-\d{2}-\d{4}$")


@pytest.fixture(scope="module")
def partnerships() -> pd.DataFrame:
    return sample.make_partnerships(600, seed=2022)


@pytest.fixture(scope="module")
def headcounts(partnerships: pd.DataFrame) -> pd.DataFrame:
    return sample.make_headcounts(seed=2022, partnerships=partnerships)


@pytest.fixture(scope="module")
def committed() -> pd.DataFrame:
    return pd.read_csv(
        RAW / "sample_partnerships.csv",
        sep=";",
        encoding="cp1252",
        dtype=str,
        keep_default_na=False,
    )


def bad_rows_in_readme() -> list[tuple[str, str]]:
    text = (RAW / "README.md").read_text(encoding="utf-8")
    return re.findall(r"^\| `(SO-\d{4}-\d{4})` \| `(\w+)` \|", text, flags=re.MULTILINE)


# --------------------------------------------------------------------------------------------
# partnerships
# --------------------------------------------------------------------------------------------


def test_partnerships_are_deterministic(partnerships: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(partnerships, sample.make_partnerships(600, seed=2022))
    other = sample.make_partnerships(600, seed=2023)
    assert not partnerships["start"].equals(other["start"])


def test_partnerships_are_canonical(partnerships: pd.DataFrame) -> None:
    schemas.validate_partnerships(partnerships)
    assert list(partnerships.columns) == list(schemas.PARTNERSHIPS)
    for col, dtype in schemas.PARTNERSHIPS.items():
        assert partnerships[col].dtype == dtype, col
    assert partnerships["partner_key"].isna().all()
    assert (partnerships["source_file"] == "kvanalytics.sample").all()
    assert partnerships["source_row"].isna().all()


@pytest.mark.parametrize("n", [0, 1, 10, 75])
def test_small_sizes_are_canonical(n: int) -> None:
    df = sample.make_partnerships(n, seed=1)
    assert len(df) == n
    schemas.validate_partnerships(df)


def test_partnerships_span_the_portfolio(partnerships: pd.DataFrame) -> None:
    df = partnerships
    assert len(df) == 600
    assert 60 <= df["country"].nunique() <= 90
    assert set(df["faculty"]) == {*sample.FACULTIES, sample.CENTRAL}
    share = df["country"].value_counts(normalize=True)
    assert 0.04 <= share["RU"] <= 0.05
    assert 0.07 <= share["CN"] <= 0.09
    assert 0.02 <= share["UA"] <= 0.03
    assert 0.005 <= share["BY"] <= 0.015
    assert 0.003 <= share["IR"] <= 0.01
    assert share["DE"] > share["PL"]
    partners = set(df["partner"].str.replace("Univ.", "University", regex=False).str.upper())
    for name in (
        "Lomonosov Moscow State University",
        "Belarusian State University",
        "Taras Shevchenko National University of Kyiv",
        "Tsinghua University",
        "National University of Defense Technology",
        "University of Tehran",
        "Malek Ashtar University of Technology",
        "University of York",
        "Worldwide Universities Network (WUN)",
        "Young European Research Universities Network (YERUN)",
        "Young Universities for the Future of Europe (YUFE)",
    ):
        assert name.upper() in partners, name
    assert df.loc[df["country"] == "IN", "partner"].nunique() >= 8
    assert set(df["kind"]) == set(schemas.KINDS)
    networks = df[df["kind"] == "network"]
    assert (networks["faculty"] == sample.CENTRAL).all()
    assert (networks["level"] == "institutional").all()


def test_partnerships_distributions(partnerships: pd.DataFrame) -> None:
    df = partnerships
    assert 0.10 <= (df["level"] == "individual").mean() <= 0.20
    assert 0.15 <= df["end"].isna().mean() <= 0.25
    assert 0.10 <= df["value_eur"].isna().mean() <= 0.20
    for col in ("financial_flows", "data_exchange"):
        assert 0.15 <= df[col].isna().mean() <= 0.25
    research = df[df["kind"] == "research"]
    assert 0.15 <= research["fields"].notna().mean() <= 0.35
    assert df.loc[df["kind"] != "research", "fields"].isna().all()
    assert 20_000 <= research["value_eur"].median() <= 60_000
    assert df["value_eur"].max() <= 2_000_000
    exchange = df.loc[df["kind"] == "exchange", "value_eur"].dropna()
    assert (exchange == 0).mean() > 0.8
    tags = set(";".join(df["fields"].dropna()).split(";"))
    assert tags <= set(sample.FIELD_TAGS)
    assert df["start"].between("2015-01-01", "2026-12-31").all()
    dur = (df["end"] - df["start"]).dt.days.dropna()
    assert dur.between(3 * 365 - 1, 6 * 366).all()


def test_sensitive_tags_lean_to_countries_of_concern() -> None:
    df = sample.make_partnerships(50_000, seed=5)
    tagged = df[df["fields"].notna()]
    sensitive = tagged["fields"].str.contains("quantum|semiconductors|aerospace|nuclear|dual_use")
    concern = tagged["country"].isin(["CN", "IR", "RU", "BY"])
    assert sensitive[concern].mean() > 1.5 * sensitive[~concern].mean()


def test_statuses_follow_dates_and_the_freeze() -> None:
    df = sample.make_partnerships(20_000, seed=11)
    as_of, freeze = pd.Timestamp(sample.AS_OF), pd.Timestamp(sample.FREEZE_DATE)
    planned = df["status"] == "planned"
    assert planned.any()
    assert (planned == (df["start"] > as_of)).all()
    assert (df.loc[df["status"] == "ended", "end"] < as_of).all()
    active = df[df["status"] == "active"]
    assert (active["end"].isna() | (active["end"] >= as_of)).all()
    frozen = df["country"].isin(["RU", "BY"]) & (df["level"] != "individual")
    suspended = df["status"] == "suspended"
    assert suspended.any() and not (suspended & ~frozen).any()
    assert not (frozen & (df["start"] > freeze)).any()
    at_freeze = frozen & (df["start"] <= freeze) & (df["end"].isna() | (df["end"] >= freeze))
    assert not (suspended & ~at_freeze).any()
    assert 0.72 <= suspended[at_freeze].mean() <= 0.88
    individual_ru = df["country"].isin(["RU", "BY"]) & (df["level"] == "individual")
    assert (df.loc[individual_ru, "start"] > freeze).any()  # personal ties go on


def test_ids_unique_at_100k() -> None:
    df = sample.make_partnerships(100_000, seed=3)
    assert df["agreement_id"].is_unique
    assert df["agreement_id"].str.fullmatch(r"SO-\d{4}-\d{6}").all()
    schemas.validate_partnerships(df)


# --------------------------------------------------------------------------------------------
# headcounts
# --------------------------------------------------------------------------------------------


def test_headcounts_are_canonical_and_deterministic(headcounts: pd.DataFrame) -> None:
    schemas.validate_headcounts(headcounts)
    assert list(headcounts.columns) == list(schemas.HEADCOUNTS)
    for col, dtype in schemas.HEADCOUNTS.items():
        assert headcounts[col].dtype == dtype, col
    again = sample.make_headcounts(seed=2022, partnerships=sample.make_partnerships(600))
    pd.testing.assert_frame_equal(headcounts, again)
    assert not headcounts.duplicated(["period", "faculty", "group", "country"]).any()


def test_headcounts_tell_the_story(headcounts: pd.DataFrame) -> None:
    hc = headcounts
    assert (hc["headcount"] > 0).all()
    assert hc["headcount"].between(1, 4).mean() > 0.3  # suppression matters
    assert ((hc["basis"] == "destination") == (hc["group"] == "exchange_out")).all()
    assert "NA" in set(hc["country"])  # Namibia, not missing

    def total(group: str, country: str | None = None) -> pd.Series:
        rows = hc[(hc["group"] == group) & ((hc["country"] == country) if country else True)]
        return rows.groupby("period")["headcount"].sum().reindex(list(sample._YEARS), fill_value=0)

    degree = total("degree_student")
    assert degree.between(27_000, 33_000).all()
    intl = 1 - total("degree_student", "NL") / degree
    assert intl.between(0.2, 0.3).all()
    assert total("degree_student", "RU").between(40, 60).all()
    ua = total("degree_student", "UA")
    assert ua["2025/26"] > 2 * ua["2021/22"]
    assert total("degree_student", "BY").between(1, 10).all()
    for c in ("RU", "BY"):
        for g in ("exchange_out", "exchange_in"):
            after = total(g, c)[["2022/23", "2023/24", "2024/25", "2025/26"]]
            assert (after == 0).all(), (c, g)
    assert total("exchange_out", "RU")[["2019/20", "2021/22"]].gt(0).all()
    assert set(hc.loc[hc["faculty"] == sample.CENTRAL, "group"]) == {"support_staff"}


def test_headcounts_scale_and_n_rows() -> None:
    small = sample.make_headcounts(seed=1, scale=0.5)
    full = sample.make_headcounts(seed=1)
    assert small["headcount"].sum() < 0.6 * full["headcount"].sum()
    big = sample.make_headcounts(seed=1, n_rows=200_000)
    assert 150_000 <= len(big) <= 250_000
    assert big["faculty"].str.fullmatch(r"U\d{4} .+").all()
    schemas.validate_headcounts(big)


def test_headcounts_do_not_mutate_partnerships(partnerships: pd.DataFrame) -> None:
    before = partnerships.copy()
    sample.make_headcounts(partnerships=partnerships)
    sample.to_export(partnerships, "partnerships")
    pd.testing.assert_frame_equal(partnerships, before)


# --------------------------------------------------------------------------------------------
# exports
# --------------------------------------------------------------------------------------------


def test_partnerships_export_is_dutch_text(partnerships: pd.DataFrame) -> None:
    out = sample.to_export(partnerships, "partnerships")
    assert ";".join(out.columns) == HEADER
    assert all(out[c].dtype == "str" for c in out.columns)
    assert not out.isna().any().any()
    assert set(out["Soort"]) == {
        "uitwisseling",
        "onderzoek",
        "onderwijs",
        "netwerk",
        "raamovereenkomst",
        "capaciteitsopbouw",
        "overig",
    }
    assert set(out["Niveau"]) == {"instellingsbreed", "facultair", "individueel"}
    assert set(out["Status"]) == {"actief", "opgeschort", "beëindigd", "gepland"}
    assert set(out["Faculteit"]) == set(sample.FACULTY_NL.values())
    assert set(out["Financiële stromen"]) == {"ja", "nee", ""}
    assert out["Startdatum"].str.fullmatch(DATE.pattern).all()
    end = out["Einddatum"]
    assert end[end != ""].str.fullmatch(DATE.pattern).all()
    money = out["Bedrag per jaar (EUR)"]
    assert money[money != ""].str.fullmatch(MONEY.pattern).all()
    assert (money == "").sum() == partnerships["value_eur"].isna().sum()
    lands = set(out["Land"])
    assert {"Rusland", "Russische Federatie", "Wit-Rusland", "Belarus"} <= lands
    assert {"China", "Volksrepubliek China", "Duitsland", "België", "Verenigde Staten"} <= lands
    assert "Iran" in lands and "Oekraïne" in lands


def test_money_and_dates_format() -> None:
    df = sample.make_partnerships(5, seed=1)
    df["value_eur"] = pd.array([0.0, 1234.5, 2_000_000.0, None, 999.995], dtype="Float64")
    df["start"] = pd.to_datetime(
        ["2020-02-29", "2021-12-01", "2015-01-09", "2026-11-02", "2019-07-31"]
    )
    out = sample.to_export(df, "partnerships")
    assert out["Bedrag per jaar (EUR)"].tolist() == [
        "0,00",
        "1.234,50",
        "2.000.000,00",
        "",
        "1.000,00",
    ]
    assert out["Startdatum"].tolist() == [
        "29-02-2020",
        "01-12-2021",
        "09-01-2015",
        "02-11-2026",
        "31-07-2019",
    ]
    en = sample.to_export(df, "partnerships", lang="en")
    assert en["value_eur"].tolist()[:3] == ["0.00", "1234.50", "2000000.00"]
    assert en["start"].tolist()[0] == "2020-02-29"


def test_headcounts_export(headcounts: pd.DataFrame) -> None:
    out = sample.to_export(headcounts, "headcounts")
    assert list(out.columns) == [
        "Studiejaar",
        "Faculteit",
        "Groep",
        "Nationaliteit",
        "Grondslag",
        "Aantal",
    ]
    assert set(out["Groep"]) == {
        "diplomastudenten",
        "inkomende uitwisseling",
        "uitgaande uitwisseling",
        "promovendi",
        "wetenschappelijk personeel",
        "ondersteunend personeel",
    }
    assert set(out["Grondslag"]) == {"nationaliteit", "bestemming"}
    assert {"Nederland", "Namibië", "Oekraïne"} <= set(out["Nationaliteit"])
    assert out["Aantal"].str.fullmatch(r"[1-9]\d*").all()


# --------------------------------------------------------------------------------------------
# files
# --------------------------------------------------------------------------------------------


def test_write_sample_is_reproducible(tmp_path: Path) -> None:
    a = sample.write_sample(tmp_path / "a", n=200, seed=9)
    b = sample.write_sample(tmp_path / "b", n=200, seed=9)
    for key in ("partnerships", "headcounts"):
        assert a[key].read_bytes() == b[key].read_bytes(), key
    c = sample.write_sample(tmp_path / "c", n=200, seed=10)
    assert c["partnerships"].read_bytes() != a["partnerships"].read_bytes()


def test_committed_sample_is_up_to_date(tmp_path: Path) -> None:
    fresh = sample.write_sample(tmp_path)
    for key, name in (
        ("partnerships", "sample_partnerships.csv"),
        ("headcounts", "sample_headcounts.xlsx"),
    ):
        assert fresh[key].read_bytes() == (RAW / name).read_bytes(), f"run `make sample` ({name})"


def test_committed_csv_is_an_excel_export(committed: pd.DataFrame) -> None:
    data = (RAW / "sample_partnerships.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # it is cp1252, as Excel writes on Dutch Windows
    text = data.decode("cp1252")
    assert not text.startswith("\ufeff")
    lines = text.split("\r\n")
    assert lines[0] == HEADER
    assert lines[-1] == "" and "\n" not in "".join(lines)  # CRLF only
    assert len(lines) - 2 == len(committed) == 608
    money = committed["Bedrag per jaar (EUR)"]
    assert money.str.contains(",").sum() > 400
    assert money.str.fullmatch(r"-?\d{1,3}(?:\.\d{3})+,\d{2}").any()  # with thousands points
    assert not money.str.contains(r"\.\d{2}$").any()  # never a decimal point
    assert committed["Vakgebied"].str.contains(";").any()  # quoted fields hold the separator


def test_committed_bad_rows_match_readme(committed: pd.DataFrame) -> None:
    listed = bad_rows_in_readme()
    assert [r for _, r in listed] == [r for r, _ in sample.BAD_ROWS]
    assert listed == [(k, r) for k, r, _ in sample.bad_row_listing()]
    by_reason = {r: k for k, r in listed}
    ids = committed["Kenmerk"]
    counts = ids.value_counts()
    for kenmerk, reason in listed:
        assert counts.get(kenmerk, 0) == (2 if reason == "duplicate_id" else 1), kenmerk
    assert counts.max() == 2 and (counts == 2).sum() == 1

    def row(reason: str) -> pd.Series:
        return committed[ids == by_reason[reason]].iloc[0]

    assert row("unknown_country")["Land"] == "Onbekend"
    assert row("missing_value")["Land"] == ""
    assert row("impossible_date")["Startdatum"] == "31-02-2020"
    r = row("end_before_start")
    assert pd.to_datetime(r["Einddatum"], dayfirst=True) < pd.to_datetime(
        r["Startdatum"], dayfirst=True
    )
    assert row("negative_value")["Bedrag per jaar (EUR)"].startswith("-")
    assert row("invalid_date")["Startdatum"] == "binnenkort"
    assert row("invalid_boolean")["Data-uitwisseling"] == "misschien"
    dup = committed[ids == by_reason["duplicate_id"]]
    assert dup.index[1] == dup.index[0] + 1  # the repeat follows its original
    good = committed.drop(committed[ids.isin(by_reason.values())].index)
    assert len(good) == 600 - 1  # the duplicate's original is among the 600 valid rows


def test_committed_workbook_layout() -> None:
    wb = load_workbook(RAW / "sample_headcounts.xlsx", read_only=True)
    assert wb.sheetnames == ["Studenten en medewerkers", "Toelichting"]
    rows = list(wb["Studenten en medewerkers"].iter_rows(values_only=True))
    assert rows[0][0] and "synthetisch" in rows[0][0]
    assert all(v is None for v in rows[1])
    assert list(rows[2]) == [
        "Studiejaar",
        "Faculteit",
        "Groep",
        "Nationaliteit",
        "Grondslag",
        "Aantal",
    ]
    counts = [r[5] for r in rows[3:]]
    assert all(isinstance(k, int) and k > 0 for k in counts)
    assert sum(1 for k in counts if k < 5) > 0.3 * len(counts)
    with zipfile.ZipFile(RAW / "sample_headcounts.xlsx") as z:
        assert {i.date_time for i in z.infolist()} == {(2026, 11, 1, 0, 0, 0)}
        assert b"2026-11-01T00:00:00Z" in z.read("docProps/core.xml")


def test_national_file_is_the_real_release() -> None:
    df = pd.read_csv(RAW / "national_2022-03_students.csv", dtype=str, keep_default_na=False)
    assert list(df.columns) == [
        "period",
        "faculty",
        "group",
        "country",
        "basis",
        "headcount",
        "source",
    ]
    assert dict(zip(df["country"], df["headcount"], strict=True)) == {
        "UA": "917",
        "RU": "1653",
        "BY": "",
    }
    assert set(df["period"]) == {"2022-03-04"}
    assert set(df["faculty"]) == {"All Dutch higher education"}
    assert set(df["group"]) == {"degree_student"} and set(df["basis"]) == {"nationality"}
    assert df["source"].str.contains("4 March 2022").all()
    assert df["source"].str.contains("Universiteiten van Nederland").all()


def test_institution_pool() -> None:
    pool = pd.read_csv(POOL, dtype=str, keep_default_na=False)
    assert list(pool.columns) == ["name", "country", "ror_id", "kind_hint", "note"]
    assert pool["name"].is_unique and 180 <= len(pool) <= 300
    assert set(pool["country"]) <= {c.alpha_2 for c in pycountry.countries}
    assert set(pool["kind_hint"]) <= {"", "network", "framework", "capacity_building", "research"}
    ror = pool["ror_id"][pool["ror_id"] != ""]
    assert ror.str.fullmatch(r"https://ror\.org/0[a-z0-9]{6}\d{2}").all()
    for name in pool["name"]:
        name.encode("cp1252")  # the export is cp1252: every name must survive it
    per_country = pool.groupby("country").size()
    assert per_country["RU"] >= 10 and per_country["CN"] >= 10 and per_country["IN"] >= 8
    assert per_country["BY"] >= 3 and per_country["UA"] >= 5 and per_country["IR"] >= 4


def test_cli_writes_benchmark_tables(tmp_path: Path) -> None:
    assert sample.main(["--table", "partnerships", "--n", "500", "--format", "csv",
                        "--encoding", "utf-8", "--clean", "--out", str(tmp_path)]) == 0  # fmt: skip
    path = tmp_path / "partnerships_500.csv"
    text = path.read_bytes().decode("utf-8")
    assert text.count("\r\n") == 501
    df = pd.read_csv(path, sep=";", dtype=str, keep_default_na=False)
    assert df["Kenmerk"].is_unique and len(df) == 500
    assert sample.main(["--table", "headcounts", "--n", "20000", "--format", "csv",
                        "--out", str(tmp_path)]) == 0  # fmt: skip
    hc = pd.read_csv(tmp_path / "headcounts_20000.csv", sep=";", encoding="cp1252", dtype=str)
    assert 12_000 <= len(hc) <= 28_000
    with pytest.raises(SystemExit):
        sample.main(["--table", "nope"])


def test_headcounts_xlsx_refuses_too_many_rows(tmp_path: Path) -> None:
    big = pd.DataFrame({h: np.array(["x"] * 1_048_574) for h in sample.HEADCOUNTS_NL.values()})
    with pytest.raises(ValueError, match="do not fit"):
        sample.write_headcounts_xlsx(big, tmp_path / "big.xlsx")
