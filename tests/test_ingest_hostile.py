"""The hostile corpus: every file in tests/data/hostile/ against its hand-reasoned outcome.

``hostile/expected.csv`` holds one row per file: the table to read it as, the reader's options
(JSON: ``columns``, ``defaults``, ``ties``; empty for none), the row accounting
(``read, accepted, rejected, blank_rows``), the rejects per reason (``reason:n;...``), the
rejected rows as a spreadsheet user counts them, and for files that must fail as a whole a
substring (or several, separated by `` | ``) of the IngestError message. One parametrised test
runs them all, as country_converter runs its must-match files. The files themselves are written
by ``tests/data/make_hostile.py``; ``test_corpus_is_generated`` keeps the two in step.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pandas as pd
import pytest

import kvanalytics as kv

DATA = Path(__file__).parent / "data"
HOSTILE = DATA / "hostile"
EXPECTED = pd.read_csv(HOSTILE / "expected.csv", dtype=str, keep_default_na=False)
#: Every reject reason code ingest may give (the hostile corpus covers each).
REASONS = (
    "missing_value", "unknown_country", "unknown_category", "invalid_boolean", "invalid_date",
    "impossible_date", "invalid_number", "negative_value", "invalid_period", "end_before_start",
    "duplicate_id", "duplicate_key", "value_too_long", "malformed_row", "summary_row",
    "inconsistent_country", "invalid_identifier",
)  # fmt: skip
READERS = {"partnerships": kv.read_partnerships, "headcounts": kv.read_headcounts}


def _make_hostile():
    spec = importlib.util.spec_from_file_location("make_hostile", DATA / "make_hostile.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _reasons(text: str) -> dict[str, int]:
    return {r: int(n) for r, n in (p.split(":") for p in text.split(";") if p)}


def test_corpus_is_generated_and_complete():
    corpus = _make_hostile().corpus()
    assert len(corpus) >= 25
    assert sorted(corpus) == sorted(EXPECTED["file"]), "every file needs a row in expected.csv"
    assert not EXPECTED["file"].duplicated().any()
    for name, data in corpus.items():
        assert (HOSTILE / name).read_bytes() == data, (
            f"{name} differs from make_hostile.py: run python tests/data/make_hostile.py"
        )


def test_corpus_covers_every_reject_reason():
    seen = set().union(*(_reasons(r) for r in EXPECTED["reasons"]))
    assert seen == set(REASONS)
    assert (EXPECTED["error"] != "").sum() >= 10  # and the file-level failures


@pytest.mark.parametrize("case", EXPECTED.to_dict("records"), ids=list(EXPECTED["file"]))
def test_hostile_file(case):
    path = HOSTILE / case["file"]
    options = json.loads(case["options"]) if case["options"] else {}

    def read(p, **kw):
        return READERS[case["table"]](p, **options, **kw)

    if case["error"]:
        with pytest.raises(kv.IngestError) as info:
            read(path, errors="collect")
        message = str(info.value)
        assert path.name in message, "a file-level error names the file"
        for part in case["error"].split(" | "):
            assert part in message
        # the same with errors="raise": file-level problems never depend on the mode
        with pytest.raises(kv.IngestError):
            read(path)
        return

    table, rejects, report = (r := read(path, errors="collect")).table, r.rejects, r.report
    assert (report.read, report.accepted, report.rejected) == (
        int(case["read"]),
        int(case["accepted"]),
        int(case["rejected"]),
    )
    assert report.read == report.accepted + report.rejected == len(table) + len(rejects)
    assert report.files[0]["blank_rows"] == int(case["blank_rows"])
    assert report.by_reason == _reasons(case["reasons"])
    assert rejects["reason"].value_counts().to_dict() == _reasons(case["reasons"])
    expected_rows = [int(x) for x in case["rejected_rows"].split(";") if x]
    assert rejects["source_row"].tolist() == expected_rows
    # no row is both accepted and rejected, and every row keeps its provenance
    assert not set(table["source_row"]) & set(rejects["source_row"])
    assert (table["source_file"] == str(path)).all()
    assert (rejects["source_file"] == str(path)).all()
    assert table["source_row"].notna().all()
    if case["table"] == "partnerships":
        assert table["agreement_id"].is_unique
        kv.validate_partnerships(table)
    else:
        kv.validate_headcounts(table)
    # errors="raise" agrees: the table when nothing was rejected, else one error with totals
    if report.rejected:
        with pytest.raises(kv.IngestError) as info:
            read(path)
        for reason, n in report.by_reason.items():
            assert f"{n} {reason}" in str(info.value)
        assert len(info.value.rejects) == report.rejected
    else:
        pd.testing.assert_frame_equal(read(path), table)
