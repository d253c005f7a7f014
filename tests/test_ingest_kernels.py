"""The column kernels of ingest agree with the plain Arrow computation they shortcut.

``trim_column`` trims only the cells whose first or last byte may be white space, and
``blank_markers`` looks up only the cells shaped like a missing marker; both must give exactly
what trimming and looking up every cell gives, whatever the cells (Unicode white space, empty
cells, NA, several Arrow chunks, sliced chunks, categoricals).
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kvanalytics.ingest._grid import ARROW_STR, _crlf_only
from kvanalytics.ingest._values import (
    blank_markers,
    first_seen_codes,
    missing_markers,
    trim_column,
)

SPACES = [" ", "\t", "\r", "\n", "\u00a0", "\u2007", "\u3000", "\u0085", "\x0b"]
WORDS = ["Gent", "Università", "東京大学", "0,00", "x", "", "São", "N", "-5", ".5"]

cells = st.builds(
    lambda a, w, b: a + w + b,
    st.text(st.sampled_from(SPACES), max_size=2),
    st.sampled_from(WORDS + list(missing_markers())),
    st.text(st.sampled_from(SPACES), max_size=2),
)
columns = st.lists(st.one_of(cells, st.none()), min_size=0, max_size=60)


def _series(values: list[str | None], chunks: int, large: bool) -> pd.Series:
    """A text column of Arrow strings in ``chunks`` pieces (the first one sliced)."""
    kind = pa.large_string() if large else pa.string()
    padded = ["pad", *values]
    arr = pa.array(padded, type=kind)[1:]  # a sliced chunk: offsets not from 0
    bounds = np.linspace(0, len(values), chunks + 1).astype(int)
    parts = [arr[a:b] for a, b in itertools.pairwise(bounds)] or [arr]
    return pd.Series(pd.array(pa.chunked_array(parts, type=kind), dtype=ARROW_STR))


def _reference_trim(values: list[str | None]) -> list[str]:
    arr = pc.fill_null(pa.array(values, type=pa.string()), "")
    return pc.utf8_trim_whitespace(arr).to_pylist()


@settings(max_examples=150, deadline=None)
@given(columns, st.integers(1, 4), st.booleans())
def test_trim_column_equals_trimming_every_cell(values, chunks, large):
    out, filled, longest = trim_column(_series(values, chunks, large))
    expected = _reference_trim(values)
    assert out.tolist() == expected
    assert filled.tolist() == [v != "" for v in expected]
    assert longest >= max((len(v.encode()) for v in expected), default=0)


@settings(max_examples=100, deadline=None)
@given(columns)
def test_trim_column_of_a_categorical(values):
    s = pd.Series(pd.Categorical(values))
    out, filled, _ = trim_column(s)
    expected = _reference_trim(values)
    got = ["" if pd.isna(v) else v for v in out.astype(object)]
    assert got == expected
    assert filled.tolist() == [v != "" for v in expected]


@settings(max_examples=150, deadline=None)
@given(columns, st.integers(1, 3))
def test_blank_markers_equals_looking_up_every_cell(values, chunks):
    trimmed = trim_column(_series(values, chunks, large=True))[0]
    out, n, found = blank_markers(trimmed)
    markers = set(missing_markers())
    expected = ["" if v in markers else v for v in trimmed.tolist()]
    assert out.tolist() == expected
    assert n == sum(v in markers for v in trimmed.tolist())
    assert found == sorted({v for v in trimmed.tolist() if v in markers})


def test_namibia_is_not_a_marker_but_na_is():
    s = pd.Series(pd.array(["NA", "Namibia", "NAM", "na", "#N/A"], dtype=ARROW_STR))
    out, n, found = blank_markers(s)
    assert out.tolist() == ["", "Namibia", "NAM", "na", ""]
    assert (n, found) == (2, ["#N/A", "NA"])


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.sampled_from(["A-1", "A-2", "A-10", "B", "", "b", "Å"]), max_size=40), st.booleans()
)
def test_first_seen_codes_number_values_in_order_of_first_appearance(values, ascending):
    if ascending:
        values = sorted(values)  # equal neighbours stay: a sorted column may still repeat
    s = _series(values, 2, large=True)
    expected = pd.factorize(pd.Series(values, dtype=object))[0]
    assert first_seen_codes(s).tolist() == expected.tolist()


def test_a_sorted_export_with_one_repeated_id_is_caught(tmp_path):
    import kvanalytics as kv

    rows = [f"P-{i:06d};Universität Wien;AT;Law;research;2024-01-01" for i in range(2000)]
    rows.insert(1000, rows[999])  # sorted, one id twice
    path = tmp_path / "sorted.csv"
    path.write_text("id;partner;country;faculty;kind;start\n" + "\n".join(rows), encoding="utf-8")
    r = kv.read_partnerships(path, errors="collect")
    assert (r.report.read, r.report.accepted) == (2001, 2000)
    assert r.rejects["reason"].tolist() == ["duplicate_id"]
    assert r.rejects["source_row"].tolist() == [1002]


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=50).map(lambda b: bytes(b"a\r\n"[x % 3] for x in b)), st.booleans())
def test_crlf_only_is_every_cr_followed_by_lf(data, odd):
    raw = np.frombuffer(b"z" + data, dtype=np.uint8)[1:] if odd else np.frombuffer(data, np.uint8)
    expected = all(data[i + 1 : i + 2] == b"\n" for i in range(len(data)) if data[i] == 13)
    assert _crlf_only(raw) == expected


# --- ragged rows on the fast path: placed in their lines, judged as the exact path judges them --

HEAD = "Kenmerk;Partnerinstelling;Land;Faculteit;Soort;Startdatum;Bedrag (EUR)"
GOOD = "SO-{i};Universiteit Gent;België;Recht;onderzoek;01-02-2021;1.234,50"
RAGGED = [
    "SO-{i};Universiteit Gent;België;Recht",  # short
    "SO-{i};Universiteit Gent;België;Recht;onderzoek;01-02-2021;1.234,50;extra;x",  # spills
    'SO-{i};"Gent; campus";België;Recht;onderzoek;01-02-2021;9,00;"a;b"',  # quoted + spill
    'SO-{i};"Uni ""G""";België',  # doubled quotes, short
    "SO-{i};Gent;België;Recht;onderzoek;01-02-2021;1,00;",  # an empty cell beyond the header
]


def _ragged_file(tmp_path, eol: str, blank: bool, final: bool, kinds: list[int]) -> Path:
    rows = [GOOD.format(i=i) for i in range(40)]
    for k, kind in enumerate(kinds):
        rows.insert(3 + 7 * k, RAGGED[kind].format(i=f"R{k}"))
    if blank:
        rows.insert(10, "")
    path = tmp_path / "ragged.csv"
    path.write_bytes((eol.join([HEAD, *rows]) + (eol if final else "")).encode("utf-8"))
    return path


def _both_paths(path: Path, monkeypatch) -> tuple[Any, Any]:
    import kvanalytics as kv
    from kvanalytics.ingest import _grid

    fast = kv.read_partnerships(path, errors="collect")
    with monkeypatch.context() as m:
        m.setattr(_grid, "_arrow_grid", lambda *a, **k: None)  # the exact path (csv module)
        exact = kv.read_partnerships(path, errors="collect")
    return fast, exact


@pytest.mark.parametrize("eol", ["\n", "\r\n"])
@pytest.mark.parametrize("blank", [False, True])
@pytest.mark.parametrize("final", [False, True])
@pytest.mark.parametrize("kinds", [[0], [1], [2, 3], [0, 1, 2, 3, 4]])
@pytest.mark.parametrize("sliced", [256, 0])  # put in by slices, or by one take
def test_ragged_rows_on_the_fast_path_read_as_on_the_exact_path(
    tmp_path, monkeypatch, eol, blank, final, kinds, sliced
):
    from kvanalytics.ingest import _grid

    monkeypatch.setattr(_grid, "_SLICED_ROWS", sliced)
    path = _ragged_file(tmp_path, eol, blank, final, kinds)
    placed = []
    original = _grid._place_ragged
    monkeypatch.setattr(_grid, "_place_ragged", lambda *a: placed.append(1) or original(*a))
    fast, exact = _both_paths(path, monkeypatch)
    assert placed, "the fast path was not taken"
    pd.testing.assert_frame_equal(fast.table, exact.table)
    pd.testing.assert_frame_equal(fast.rejects, exact.rejects)
    assert fast.report.to_dict() == exact.report.to_dict()
    assert fast.report.rejected >= len(kinds) - kinds.count(4)  # every ragged row is judged


def test_ragged_rows_beyond_the_limit_or_a_lone_cr_take_the_exact_path(tmp_path, monkeypatch):
    from kvanalytics.ingest import _grid

    path = _ragged_file(tmp_path, "\n", False, True, [0, 1, 2])
    raw = np.frombuffer(path.read_bytes(), np.uint8)
    body_start = path.read_bytes().find(b"\n") + 1
    tbl, ragged = _grid._arrow_table(
        pa.py_buffer(path.read_bytes())[body_start:], ";", 7, True, set()
    )
    assert len(ragged) == 3
    assert _grid._place_ragged(raw[body_start:], tbl, ragged, ";", True) is not None
    monkeypatch.setattr(_grid, "_RAGGED_MAX", 2)
    assert _grid._place_ragged(raw[body_start:], tbl, ragged, ";", True) is None
    lone = np.frombuffer(path.read_bytes().replace(b"Recht;", b"Recht\r;", 1), np.uint8)
    assert _grid._place_ragged(lone[body_start:], tbl, ragged, ";", True) is None
    fast, exact = _both_paths(path, monkeypatch)
    pd.testing.assert_frame_equal(fast.rejects, exact.rejects)


def test_the_one_sheet_with_partner_and_country_names_the_fields_it_lacks(tmp_path):
    import openpyxl

    import kvanalytics as kv
    from kvanalytics.errors import IngestError

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Export"
    ws.append(["Partner", "Country", "Faculty", "Start"])
    ws.append(["Uni Wien", "Austria", "Law", "2021-01-01"])
    wb.create_sheet("Notes").append(["Exported by SAP"])
    path = tmp_path / "partners.xlsx"
    wb.save(path)
    with pytest.raises(IngestError, match=r"\[sheet 'Export'\]: missing required column\(s\) kind"):
        kv.read_partnerships(path)
    assert kv.read_partnerships(path, defaults={"kind": "exchange"})["kind"].tolist() == [
        "exchange"
    ]


# --- quoted values across lines on the fast path: each record numbered by its first line ------

SPANNING = [
    'SO-{i};"Universiteit Gent\nCampus Ufo";België;Recht;onderzoek;01-02-2021;1,00',
    'SO-{i};Gent;België;"Recht\n\nen Criminologie";onderzoek;01-02-2021;2,00',  # an empty line
    'SO-{i};"Uni ""G""\nbis";België;Recht;onderzoek;01-02-2021;"3,00"',  # doubled quotes
    'SO-{i};Gent;België;Recht;onderzoek;31-02-2021;"4\n,00"',  # a bad value across lines
]


@pytest.mark.parametrize("eol", ["\n", "\r\n"])
@pytest.mark.parametrize("blank", [False, True])
@pytest.mark.parametrize("final", [False, True])
@pytest.mark.parametrize("kinds", [[0], [1, 2], [0, 1, 2, 3]])
def test_records_across_lines_on_the_fast_path_read_as_on_the_exact_path(
    tmp_path, monkeypatch, eol, blank, final, kinds
):
    from kvanalytics.ingest import _grid

    rows = [GOOD.format(i=i) for i in range(40)]
    for k, kind in enumerate(kinds):
        rows.insert(3 + 7 * k, SPANNING[kind].format(i=f"M{k}").replace("\n", eol))
    if blank:
        rows.insert(12, "")
    path = tmp_path / "spanning.csv"
    path.write_bytes((eol.join([HEAD, *rows]) + (eol if final else "")).encode("utf-8"))
    placed = []
    original = _grid._place_spanning
    monkeypatch.setattr(_grid, "_place_spanning", lambda *a: placed.append(1) or original(*a))
    fast, exact = _both_paths(path, monkeypatch)
    assert placed, "the fast path was not taken"
    pd.testing.assert_frame_equal(fast.table, exact.table)
    pd.testing.assert_frame_equal(fast.rejects, exact.rejects)
    assert fast.report.to_dict() == exact.report.to_dict()
    assert fast.report.read == 40 + len(kinds)


@pytest.mark.parametrize(
    "odd",
    [
        'SO-x;5" disk;België;Recht;onderzoek;01-02-2021;1,00',  # a quote inside a field
        'SO-x;"Gent\rCampus";België;Recht;onderzoek;01-02-2021;1,00',  # a lone CR
    ],
)
def test_records_across_lines_that_cannot_be_placed_take_the_exact_path(tmp_path, monkeypatch, odd):
    rows = [GOOD.format(i=i) for i in range(10)]
    rows.insert(2, SPANNING[0].format(i="M0"))
    rows.insert(5, odd)
    path = tmp_path / "odd.csv"
    path.write_bytes("\n".join([HEAD, *rows]).encode("utf-8"))
    fast, exact = _both_paths(path, monkeypatch)
    pd.testing.assert_frame_equal(fast.table, exact.table)
    pd.testing.assert_frame_equal(fast.rejects, exact.rejects)


def test_cells_merged_down_a_column_read_as_the_merged_value(tmp_path):
    import openpyxl

    import kvanalytics as kv

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Partner agreements 2026 (title merged across)", None, None, None, None])
    ws.merge_cells("A1:E1")  # across columns: left as it is
    ws.append(["Faculty", "Partner", "Country", "Kind", "Start"])
    for fac, partner, country in [
        ("Law", "Universiteit Leiden", "NL"),
        (None, "KU Leuven", "BE"),
        (None, "Universität Wien", "AT"),
        ("Medicine", "Karolinska Institutet", "SE"),
        (None, "Charité", "DE"),
    ]:
        ws.append([fac, partner, country, "exchange", "2024-09-01"])
    ws.merge_cells("A3:A5")
    ws.merge_cells("A6:A7")
    path = tmp_path / "merged.xlsx"
    wb.save(path)
    r = kv.read_partnerships(path, errors="collect")
    assert r.report.rejected == 0
    assert r.table["faculty"].tolist() == ["Law"] * 3 + ["Medicine"] * 2
    notes = r.report.files[0]["notes"]
    assert any(
        "3 cells inside cells merged down a column" in n and "rows 4, 5, 7" in n for n in notes
    )


# --- any mix of the above: the fast path gives what the exact path gives, or steps aside -------

_CELLS = ["Gent", "", "1,00", "01-02-2021", "onderzoek", '"a;b"', '"x\ny"', '"q""r"', '"\n"']


@st.composite
def _csv_files(draw) -> bytes:
    eol = draw(st.sampled_from(["\n", "\r\n"]))
    # half the files without values across lines: their ragged rows are placed, not left aside
    pool = _CELLS if draw(st.booleans()) else [c for c in _CELLS if "\n" not in c]
    lines = [HEAD]
    for i in range(draw(st.integers(1, 25))):
        kind = draw(st.integers(0, 9))
        if kind == 0:
            lines.append("")  # an empty line
            continue
        width = 7 if kind > 2 else draw(st.integers(1, 9))  # some rows of another width
        cells = [
            f"SO-{i}",
            *draw(st.lists(st.sampled_from(pool), min_size=width - 1, max_size=width - 1)),
        ]
        lines.append(";".join(cells[:width]).replace("\n", eol))
    return (eol.join(lines) + draw(st.sampled_from(["", eol]))).encode("utf-8")


@settings(max_examples=120, deadline=None)
@given(_csv_files())
def test_any_mix_of_ragged_rows_and_records_across_lines_reads_as_on_the_exact_path(data):
    import tempfile

    import kvanalytics as kv
    from kvanalytics.errors import KvError
    from kvanalytics.ingest import _grid

    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "mix.csv"
        path.write_bytes(data)
        original = _grid._arrow_grid

        def read(exact: bool) -> Any:
            _grid._arrow_grid = (lambda *a, **k: None) if exact else original
            try:
                return kv.read_partnerships(path, errors="collect")
            except KvError as exc:
                return str(exc)
            finally:
                _grid._arrow_grid = original

        fast, exact = read(False), read(True)
        if isinstance(exact, str) or isinstance(fast, str):
            assert fast == exact
            return
        pd.testing.assert_frame_equal(fast.table, exact.table)
        pd.testing.assert_frame_equal(fast.rejects, exact.rejects)
        assert fast.report.to_dict() == exact.report.to_dict()


def test_a_crlf_and_a_bare_lf_inside_values_of_one_repeating_column(tmp_path, monkeypatch):
    rows = [GOOD.format(i=i) for i in range(20)]
    rows[3] = 'SO-x1;Gent;België;"Recht\r\nen X";onderzoek;01-02-2021;1,00'
    rows[6] = 'SO-x2;Gent;België;"Recht\nen X";onderzoek;01-02-2021;1,00'
    path = tmp_path / "mixed_newlines.csv"
    path.write_bytes(("\r\n".join([HEAD, *rows]) + "\r\n").encode("utf-8"))
    fast, exact = _both_paths(path, monkeypatch)
    pd.testing.assert_frame_equal(fast.table, exact.table)
    assert fast.table["faculty"].tolist().count("Recht\nen X") == 2
