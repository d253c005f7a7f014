"""Number, money, share, date and quarter formats per language; column kinds; the label file."""

from __future__ import annotations

import csv
import re

import numpy as np
import pandas as pd
import pytest

from kvanalytics import config, i18n
from kvanalytics.i18n import (
    column_kind,
    format_cell,
    format_count,
    format_date,
    format_money,
    format_number,
    format_quarter,
    format_share,
)


@pytest.mark.parametrize(
    ("x", "en", "nl"),
    [
        (1653, "1,653", "1.653"),
        (0, "0", "0"),
        (-1653, "-1,653", "-1.653"),
        (999, "999", "999"),
        (1_000_000, "1,000,000", "1.000.000"),
        (np.int64(42), "42", "42"),
        (2.25, "2.3", "2,3"),  # an expected count: one decimal, half away from zero
        (-0.04, "0.0", "0,0"),  # never "-0.0"
        (pd.NA, "", ""),
        (None, "", ""),
        (float("nan"), "", ""),
        ("<5", "<5", "<5"),
    ],
)
def test_counts(x, en, nl):
    assert format_count(x, "en") == en
    assert format_count(x, "nl") == nl


@pytest.mark.parametrize(
    ("x", "en", "nl"),
    [
        (0, "€ 0", "€ 0"),
        (0.4, "€ 0", "€ 0"),
        (-0.4, "€ 0", "€ 0"),  # rounds to zero: no sign
        (0.5, "€ 1", "€ 1"),  # half away from zero, not to even
        (2.5, "€ 3", "€ 3"),
        (950_000, "€ 950,000", "€ 950.000"),
        (999_999.49, "€ 999,999", "€ 999.999"),
        (999_999.5, "€ 1.0 mln", "€ 1,0 mln"),  # rounds to a million
        (1_049_999, "€ 1.0 mln", "€ 1,0 mln"),
        (1_050_000, "€ 1.1 mln", "€ 1,1 mln"),
        (10_344_307.22, "€ 10.3 mln", "€ 10,3 mln"),
        (999_949_999, "€ 999.9 mln", "€ 999,9 mln"),
        (999_950_000, "€ 1.0 bn", "€ 1,0 mld"),
        (2_600_000_000, "€ 2.6 bn", "€ 2,6 mld"),
        (-2500, "-€ 2,500", "€ -2.500"),
        (-10_344_307, "-€ 10.3 mln", "€ -10,3 mln"),
        (pd.NA, "", ""),
        ("x", "x", "x"),
    ],
)
def test_money(x, en, nl):
    assert format_money(x, "en") == en
    assert format_money(x, "nl") == nl


@pytest.mark.parametrize(
    ("x", "en", "nl"),
    [
        (0.125, "12.5%", "12,5%"),
        (0, "0.0%", "0,0%"),
        (1, "100.0%", "100,0%"),
        (0.00049, "0.0%", "0,0%"),
        (0.0005, "0.1%", "0,1%"),  # half away from zero
        (-0.125, "-12.5%", "-12,5%"),
        (12.3456, "1,234.6%", "1.234,6%"),
        (np.nan, "", ""),
    ],
)
def test_shares(x, en, nl):
    assert format_share(x, "en") == en
    assert format_share(x, "nl") == nl


@pytest.mark.parametrize(
    ("x", "en", "nl"),
    [
        ("2026-09-30", "30 Sep 2026", "30 sep 2026"),
        (pd.Timestamp("2022-03-04"), "4 Mar 2022", "4 mrt 2022"),
        (np.datetime64("2024-05-01"), "1 May 2024", "1 mei 2024"),
        (pd.Timestamp("2026-10-01", tz="UTC"), "1 Oct 2026", "1 okt 2026"),
        (pd.NaT, "", ""),
        (None, "", ""),
    ],
)
def test_dates(x, en, nl):
    assert format_date(x, "en") == en
    assert format_date(x, "nl") == nl


@pytest.mark.parametrize(
    ("x", "en", "nl"),
    [
        ("2026Q3", "2026 Q3", "2026 K3"),
        ("2026-q1", "2026 Q1", "2026 K1"),
        (pd.Period("2022Q4", "Q"), "2022 Q4", "2022 K4"),
        (pd.Timestamp("2026-09-30"), "2026 Q3", "2026 K3"),
        (pd.NA, "", ""),
    ],
)
def test_quarters(x, en, nl):
    assert format_quarter(x, "en") == en
    assert format_quarter(x, "nl") == nl


def test_format_number_rounds_half_away_from_zero_as_the_others():
    assert format_number(0.5, "en") == "1" and format_number(2.5, "en") == "3"
    assert format_number(999_999.5, "nl") == "1.000.000"
    assert format_number(0.125, "nl", 1, percent=True) == "12,5%"
    assert format_number(-0.4, "en") == "0"


@pytest.mark.parametrize(
    ("name", "values", "kind"),
    [
        ("agreements_active", None, None),
        ("agreements_active", [3, 4], "count"),
        ("risk_weighted", [2.5], "number"),
        ("value_eur", None, "money"),
        ("support_cost_eur", None, "money"),
        ("value_eur_unknown", [3], "count"),
        ("share_of_total", None, "share"),
        ("take_up_rate", None, "share"),
        ("agreement_id", None, "code"),
        ("year", None, "code"),
        ("quarter", None, "quarter"),
        ("quarter_end", None, "date"),
        ("listed_on", None, "date"),
        ("country", None, "country"),
        ("nationality", None, "country"),
        ("country_name", None, "text"),
        ("risk_tier", None, "tier"),
        ("faculty", ["Law"], "text"),
        ("financial_flows", pd.array([True, None], dtype="boolean"), "bool"),
        ("when", pd.to_datetime(["2026-01-01"]), "date"),
    ],
)
def test_column_kind(name, values, kind):
    series = None if values is None else pd.Series(values)
    assert column_kind(name, series) == kind


def test_format_cell_by_kind():
    assert format_cell(1653, "count", "nl") == "1.653"
    assert format_cell(10_344_307.22, "money", "nl") == "€ 10,3 mln"
    assert format_cell(0.125, "share", "en") == "12.5%"
    assert format_cell(2, "tier", "nl") == "hoog (2)"
    assert format_cell(False, "bool", "en") == "no"
    assert format_cell(2024.0, "code", "en") == "2024"
    assert format_cell(pd.NA, "money", "en") == ""
    assert format_cell("<5", "count", "en") == "<5"


def test_label_file_is_complete_and_unique():
    with (config.PACKAGE_DATA / "labels.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    keys = [r["key"] for r in rows]
    assert len(keys) == len(set(keys))
    missing = [r["key"] for r in rows if not (r["en"] and r["nl"])]
    assert not missing, f"labels without an English or Dutch text: {missing}"
    assert i18n.has_label("faculty") and not i18n.has_label("no_such_label")


def test_every_reject_reason_has_a_label_in_both_languages():
    """The report names rejects by reason (``reason_<r>``); a missing label printed
    "Reason summary row" (English, in the Dutch report too)."""
    readme = (config.PACKAGE_DIR.parent / "README.md").read_text(encoding="utf-8")
    listed = readme.split("Reasons:", 1)[1].split(".", 1)[0]
    reasons = set(re.findall(r"`([a-z_]+)`", listed)) - {"agreement_id"}
    reasons |= {"duplicate_tie", "value_too_long"}
    assert {"summary_row", "malformed_row", "unknown_country"} <= reasons
    rows = i18n._labels()
    missing = sorted(r for r in reasons if f"reason_{r}" not in rows)
    assert not missing, f"reject reasons without a label: {missing}"
    assert i18n.label("reason_summary_row", "nl") == "Totaalrij"


@pytest.mark.parametrize(
    ("note", "lang", "expected"),
    [
        (
            "headcounts: no period on or before 2022-03-04 for degree_student (earliest "
            "2024/25), phd (earliest 2024/25): people unknown (NA).",
            "nl",
            "Personen zijn onbekend: op 4 mrt 2022, de ingangsdatum van het scenario, is geen "
            "telling van kracht (de vroegste gelezen telling is van 2024/25).",
        ),
        (
            "headcounts in force at 2022-03-10: period 2021/22.",
            "en",
            "People: the headcounts of 2021/22, in force on 10 Mar 2022.",
        ),
        (
            "4 input rows rejected (listed with their reasons); the figures count the accepted "
            "rows only.",
            "nl",
            "4 invoerrijen afgewezen (met hun reden vermeld); de cijfers tellen alleen de "
            "geaccepteerde rijen.",
        ),
        ("an analyst's note nobody wrote a reader's text for", "nl", None),
    ],
)
def test_library_notes_get_their_reader_text_from_one_file(note, lang, expected):
    assert i18n.note_text(note, lang) == expected


def test_every_note_translation_has_both_languages_and_matching_placeholders():
    import string

    with (config.PACKAGE_DATA / "note_translations.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert rows
    for r in rows:
        groups = set(re.compile(r["pattern"]).groupindex)
        for lang in ("en", "nl"):
            used = {f for _, f, _, _ in string.Formatter().parse(r[lang]) if f}
            assert r[lang] and used <= groups, (r["key"], lang, used - groups)
