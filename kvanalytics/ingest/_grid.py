"""Bytes to a grid of strings: decoding, CSV (Arrow's fast path, else the csv module), XLSX.

A :class:`Grid` is the cells of one sheet as text, header row included, with each row's number
as a spreadsheet user counts it. The reader knows nothing of headers or fields: where it must
choose (the CSV separator, the workbook sheet) it asks a :data:`HeaderProbe` which cells of a
row it recognises as a header, and takes the choice that recognises the most.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime as dt
import io
import mmap
import re
import zipfile
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from python_calamine import CalamineWorkbook

from .. import schemas
from ..errors import IngestError

SEPARATORS = (",", ";", "\t", "|")
#: Rows at the top of a file or sheet in which the header row is looked for.
HEADER_SCAN_ROWS = 30
#: Arrow-backed strings for the raw cells: vectorised string kernels, ~10x the object path.
ARROW_STR = pd.StringDtype("pyarrow")
#: Bytes of a large CSV decoded up front (for sniffing); Arrow reads and validates the rest.
_HEAD_BYTES = 1 << 20
#: From this size a CSV is memory-mapped rather than read into a new bytes object (the page
#: cache's pages are mapped, not copied; Arrow parses from the mapping).
_MAP_BYTES = 1 << 24
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
#: Longest CSV cell ingest reads (the csv module's default limit). Ingest's own: other libraries
#: raise the process-wide ``csv.field_size_limit`` on import (followthemoney sets 30 MB), and a
#: file must be read the same whatever was imported before it.
FIELD_LIMIT = 131_072

#: A row's cells -> the positions recognised as header cells and their fields (empty: none).
HeaderProbe = Callable[[Sequence[Any]], Mapping[int, str]]
#: Cells, each row's line number, the line numbers of empty rows the reader dropped.
_Cells = tuple[pd.DataFrame, np.ndarray, np.ndarray]


@contextlib.contextmanager
def _field_limit() -> Iterator[None]:
    """The csv module with ingest's :data:`FIELD_LIMIT`, restored afterwards."""
    before = csv.field_size_limit(FIELD_LIMIT)
    try:
        yield
    finally:
        csv.field_size_limit(before)


@dataclass(frozen=True)
class Grid:
    """Cells of one sheet as strings; ``line`` is each row's number as a spreadsheet user counts."""

    path: Path
    cells: pd.DataFrame  # columns 0..n-1, string dtype, header row included
    line: np.ndarray
    fmt: str
    #: line numbers of empty rows the reader dropped (counted as blank rows after the header)
    empty: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    sheet: str | None = None
    encoding: str | None = None
    separator: str | None = None
    #: what reading the file did that the report must say (a workbook's merged cells read)
    notes: tuple[str, ...] = ()


def read_grid(
    path: Path,
    table: str,
    probe: HeaderProbe,
    *,
    sheet: str | None = None,
    repeating: Collection[str] = (),
    qualifies: Callable[[set[str]], bool] | None = None,
) -> Grid:
    """Read a CSV or XLSX file (told apart by content) into a :class:`Grid`.

    ``probe`` recognises header cells; ``repeating`` names the fields whose CSV columns are read
    dictionary-encoded (categoricals); ``qualifies`` says whether a sheet whose header holds
    these fields can be read (by default: the table's required columns). Raises
    :class:`IngestError` for a file that cannot be read, naming the file.
    """
    name = str(path)
    if not path.exists():
        raise IngestError(f"{name}: no such file", path=name)
    if path.is_dir():
        raise IngestError(f"{name}: is a directory, expected a CSV or XLSX file", path=name)
    with path.open("rb") as fh:
        head = fh.read(8)
    if not head:
        raise IngestError(f"{name}: the file is empty", path=name)
    if head.startswith(b"PK\x03\x04"):
        return _read_xlsx(path, table, probe, sheet, qualifies)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise IngestError(
            f"{name}: legacy Excel .xls (or another OLE file); save it as .xlsx or CSV", path=name
        )
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        raise IngestError(f"{name}: not a valid .xlsx workbook (no zip container)", path=name)
    return _read_csv(path, probe, repeating)


# --------------------------------------------------------------------------------------------
# Decoding
# --------------------------------------------------------------------------------------------


def decode(data: bytes, name: str) -> tuple[str, str]:
    """Decode bytes (see ``_decode_bytes``) and refuse content that is not text."""
    text, encoding = _decode_bytes(data, name)
    head = text[:65536]
    if head and len(_CONTROL.findall(head)) > 0.01 * len(head):
        raise IngestError(
            f"{name}: binary content (control characters), not a text CSV; expected a CSV or "
            "XLSX export",
            path=name,
        )
    return text, encoding


def _decode_bytes(data: bytes, name: str) -> tuple[str, str]:
    """Decode bytes by BOM, else UTF-8, else cp1252, else Latin-1; refuse binary content."""
    for bom, enc in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(enc), enc
            except UnicodeDecodeError as exc:
                raise IngestError(
                    f"{name}: starts with a {enc} byte-order mark but is not "
                    f"valid {enc} ({exc.reason} at byte {exc.start})",
                    path=name,
                ) from None
    sample = data[:65536]
    if b"\x00" in sample:
        # UTF-16 without BOM: every other byte NUL in ASCII text
        for enc, half in (("utf-16-le", sample[1::2]), ("utf-16-be", sample[0::2])):
            if half.count(0) > 0.4 * len(half):
                try:
                    return data.decode(enc, errors="strict"), enc
                except UnicodeDecodeError:
                    break
        raise IngestError(
            f"{name}: binary content (NUL bytes), not a text CSV; expected a CSV or XLSX export",
            path=name,
        )
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def _unify_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


# --------------------------------------------------------------------------------------------
# CSV
# --------------------------------------------------------------------------------------------


def _file_bytes(path: Path) -> bytes | mmap.mmap:
    """The file's bytes: a read-only memory map for a large file, else a bytes object."""
    with path.open("rb") as f:
        size = path.stat().st_size
        if size < _MAP_BYTES:
            return f.read()
        try:
            return mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        except (OSError, ValueError):  # a file system without mappings: read it
            return f.read()


def _read_csv(path: Path, probe: HeaderProbe, repeating: Collection[str]) -> Grid:
    name = str(path)
    raw = _file_bytes(path)
    # Decode the head only (up to a line end) when it is plain UTF-8: Arrow validates the rest
    # of a UTF-8 file itself, and the whole file is decoded only if the exact path is needed.
    cut = raw.rfind(b"\n", 0, _HEAD_BYTES) + 1 if len(raw) > _HEAD_BYTES else len(raw)
    text, encoding = decode(bytes(raw[:cut]) if cut else bytes(raw), name)
    whole = cut in (0, len(raw))
    if encoding != "utf-8" and not whole:
        text, encoding = decode(bytes(raw), name)
        whole = True
    if not re.search(r"\S", text) and (whole or not re.search(rb"\S", raw)):
        raise IngestError(f"{name}: the file holds no data (only white space)", path=name)
    head_lines = _unify_newlines(text[:200_000]).split("\n")[: HEADER_SCAN_ROWS + 20]
    best, best_map = _sniff_header(head_lines, probe)
    sep = best[2] if best else _guess_separator(head_lines)
    fast = None
    if best:
        data = _utf8_bytes(raw, text, encoding)
        wanted = {i for i, col in best_map.items() if col in repeating}
        fast = _arrow_grid(data, sep, -best[1], wanted)
    if fast is None:
        if not whole:
            text, encoding = decode(bytes(raw), name)
        fast = _split_text(_unify_newlines(text), sep, name)
    cells, lines, empty = fast
    return Grid(path, cells, lines, "csv", empty=empty, encoding=encoding, separator=sep)


def _sniff_header(
    head_lines: list[str], probe: HeaderProbe
) -> tuple[tuple[int, int, str] | None, Mapping[int, str]]:
    """The separator and header row recognising the most header cells: ((matched, -row, sep),
    the row's mapping), or (None, {}) when no row of any separator has a header cell.
    """
    best: tuple[int, int, str] | None = None  # (matched, -row, sep)
    best_map: Mapping[int, str] = {}
    for sep in SEPARATORS:
        rows: list[list[str]] = []
        try:
            with _field_limit():
                rows.extend(csv.reader(head_lines, delimiter=sep))
        except csv.Error:  # judged again, with the file's name, when the grid is split
            pass
        for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
            mapping = probe(row)
            cand = (len(mapping), -i, sep)
            if mapping and (best is None or cand[:2] > best[:2]):
                best, best_map = cand, mapping
    return best, best_map


def _utf8_bytes(raw: bytes | mmap.mmap, text: str, encoding: str) -> bytes | mmap.mmap:
    """UTF-8 bytes for Arrow: the file's own when it is UTF-8 (no decode-encode round trip)."""
    data: bytes | mmap.mmap
    if encoding == "utf-8":
        data = raw
    elif encoding == "utf-8-sig":
        data = raw[len(codecs.BOM_UTF8) :]
    else:
        data = text.encode("utf-8")
    # (find, not `in`: an mmap has no __contains__, so `in` would iterate it byte by byte)
    if data.find(b"\r\n", 0, 1 << 16) < 0 and data.find(b"\r") >= 0:  # CR line ends (old Mac)
        data = bytes(data).replace(b"\r", b"\n")
    # (a lone CR inside a CRLF file splits a record in Arrow: a ragged row, the exact path)
    return data


def _guess_separator(lines: list[str]) -> str:
    counts = {s: sum(line.count(s) for line in lines) for s in SEPARATORS}
    return max(counts, key=lambda s: counts[s]) if any(counts.values()) else ","


#: Up to this many quoted values, :func:`_quoted_spans` looks for a newline between each pair of
#: quotes (a bounded ``bytes.find``); beyond, it finds every newline's position.
_FIND_PAIRS = 200_000
#: Bytes compared at a time by :func:`_positions` and :func:`_count` (one buffer, reused: a
#: whole-file boolean temporary costs more in fresh memory than the comparison itself).
_SCAN_CHUNK = 1 << 22


def _positions(raw: np.ndarray, byte: int) -> np.ndarray:
    """Positions of ``byte`` in ``raw`` (uint8), ascending, as int64."""
    buf = np.empty(min(len(raw), _SCAN_CHUNK), dtype=bool)
    found = []
    for lo in range(0, len(raw), _SCAN_CHUNK):
        part = raw[lo : lo + _SCAN_CHUNK]
        hit = np.equal(part, byte, out=buf[: len(part)])
        found.append(np.flatnonzero(hit) + lo)
    return np.concatenate(found) if found else np.zeros(0, dtype=np.int64)


def _count(raw: np.ndarray, byte: int) -> int:
    """How many times ``byte`` occurs in ``raw`` (uint8)."""
    buf = np.empty(min(len(raw), _SCAN_CHUNK), dtype=bool)
    n = 0
    for lo in range(0, len(raw), _SCAN_CHUNK):
        part = raw[lo : lo + _SCAN_CHUNK]
        n += int(np.count_nonzero(np.equal(part, byte, out=buf[: len(part)])))
    return n


def _crlf_only(raw: np.ndarray) -> bool:
    """Whether every CR in ``raw`` (uint8) is directly followed by an LF (CRLF line ends, no lone
    CR): the CRs counted, then the CR-LF pairs, as 16-bit words at both byte alignments."""
    n_cr = _count(raw, 13)
    pairs = 0
    crlf = int(np.frombuffer(b"\r\n", dtype=np.uint16)[0])  # the pair as one word, any endianness
    buf = np.empty(min(len(raw) // 2, _SCAN_CHUNK), dtype=bool)
    for shift in (0, 1):
        words = raw[shift : shift + (len(raw) - shift) // 2 * 2].view(np.uint16)
        for lo in range(0, len(words), _SCAN_CHUNK):
            part = words[lo : lo + _SCAN_CHUNK]
            pairs += int(np.count_nonzero(np.equal(part, crlf, out=buf[: len(part)])))
    return pairs == n_cr


def _quoted_spans(raw: np.ndarray, data: bytes | mmap.mmap, start: int) -> tuple[bool, int]:
    """Quoted values in ``raw`` (bytes as uint8, ``data[start:]``): (whether one may span lines,
    the longest's length).

    Quote characters pair up (opening, closing; a doubled quote inside is a pair too); an odd
    count, or a newline inside a pair, means a record is not a line, and only the csv module
    can say on which line each starts. A few quoted values (most files) are each searched for a
    newline between their quotes, without the positions of all newlines.
    """
    q = _positions(raw, 34)
    if len(q) % 2:
        return True, 0
    a, b = q[0::2], q[1::2]
    longest = int((b - a).max(initial=0))
    if len(a) <= _FIND_PAIRS:
        find = data.find
        pairs = zip((a + start).tolist(), (b + start).tolist(), strict=True)
        return any(find(b"\n", i, j) >= 0 for i, j in pairs), longest
    nl = _positions(raw, 10)
    return bool((np.searchsorted(nl, a) != np.searchsorted(nl, b)).any()), longest


def _arrow_grid(
    data: bytes | mmap.mmap, sep: str, header_line: int, repeating: Iterable[int] = ()
) -> _Cells | None:
    """Fast path where every record is one line: Arrow's multithreaded CSV parser from the header
    line on (quoted values with separators or doubled quotes included; ``\\n`` or ``\\r\\n``
    line ends, no lone ``\\r``).

    Rows whose width differs from the header's are put back in their lines and cut by the csv
    module (:func:`_place_ragged`), so that they are judged cell by cell rather than dropped.
    A quoted value may span lines (:func:`_place_spanning` numbers each record by its first
    line). Returns None (use the exact path) when the ragged rows or the records across lines
    cannot be placed with certainty, or both occur.
    The file's bytes are compared once with the newline and once with the quote (numpy,
    vectorised); newline positions are found only when a line may be empty or split.
    Columns at the ``repeating`` positions come back as categoricals (Arrow dictionaries).
    """
    start = 0
    for _ in range(header_line):
        start = data.find(b"\n", start) + 1
        if start == 0:  # fewer lines than the header's (not for a header found in the file)
            return None
    first_end = data.find(b"\n", start)
    width = data[start : first_end if first_end >= 0 else len(data)].count(sep.encode()) + 1
    body = pa.py_buffer(data)[start:]  # zero-copy
    raw = np.frombuffer(body, dtype=np.uint8)
    quoted = data.find(b'"', start) >= 0
    spans = False
    if quoted:
        spans, longest = _quoted_spans(raw, data, start)
        if longest > FIELD_LIMIT:
            return None  # the exact path: the csv module's field limit
    tbl, ragged = _arrow_table(body, sep, width, quoted, set(repeating), spans)
    if tbl is None:
        return None
    if spans:  # records across lines: each numbered by its first line
        spanned = None if ragged else _place_spanning(raw, tbl)
        if spanned is None:
            return None
        tbl, lines, empty = spanned
        cells = pd.DataFrame({i: _cell_column(tbl.column(i)) for i in range(width)}, copy=False)
        return cells, lines + header_line + 1, empty + header_line + 1
    if ragged:  # rows of another width: put in their lines, cut by the csv module
        placed = _place_ragged(raw, tbl, ragged, sep, quoted)
        if placed is None:
            return None
        tbl, lines, empty = placed
        cells = pd.DataFrame(
            {i: _cell_column(tbl.column(i)) for i in range(tbl.num_columns)}, copy=False
        )
        return cells, lines + header_line + 1, empty + header_line + 1
    cells = pd.DataFrame({i: _cell_column(tbl.column(i)) for i in range(width)}, copy=False)
    n_lines = _count(raw, 10) + int(len(raw) > 0 and raw[-1] != 10)
    if tbl.num_rows == n_lines and (data.find(b"\r", start) < 0 or _crlf_only(raw)):
        # one row per line, none empty (Arrow skips empty lines) and no lone CR that could
        # split one: the rows are the lines in order, without finding every newline's position
        lines = np.arange(n_lines, dtype=np.int64) + header_line + 1
        return cells, lines, np.zeros(0, dtype=np.int64)
    found = _arrow_line_numbers(raw, _positions(raw, 10), tbl.num_rows, header_line)
    return None if found is None else (cells, *found)


def _arrow_table(
    body: pa.Buffer, sep: str, width: int, quoted: bool, repeating: set[int], spans: bool = False
) -> tuple[pa.Table | None, list[str]]:
    """Arrow's CSV parse of the rows below the header, every cell text, and the text of each row
    whose width differs from the header's (left out of the table); (None, []) if Arrow fails."""
    ragged: list[Any] = []

    def on_invalid(row: Any) -> str:
        ragged.append(row)
        return "skip"

    names = [str(i) for i in range(width)]
    try:
        tbl = pacsv.read_csv(
            pa.BufferReader(body),
            read_options=pacsv.ReadOptions(column_names=names, block_size=1 << 24),
            parse_options=pacsv.ParseOptions(
                delimiter=sep,
                quote_char='"' if quoted else False,
                double_quote=True,
                newlines_in_values=spans,  # a quote-aware split into blocks, when needed
                invalid_row_handler=on_invalid,
            ),
            convert_options=pacsv.ConvertOptions(
                # large strings: what pandas' Arrow strings hold, so no offsets are converted
                column_types={
                    n: pa.dictionary(pa.int32(), pa.large_string())
                    if i in repeating
                    else pa.large_string()
                    for i, n in enumerate(names)
                },
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid:
        return None, []
    return tbl, [r.text for r in ragged]


def _place_spanning(
    raw: np.ndarray, tbl: pa.Table
) -> tuple[pa.Table, np.ndarray, np.ndarray] | None:
    """Arrow's rows where quoted values span lines: the table (line ends inside values written
    ``\n``, as the csv module gives them), each row's first line and the empty lines (counted
    from the first line of ``raw``). None unless every row is placed with certainty.

    A newline ends a record when an even number of quotes is before it; the pieces between
    those are the records (or empty lines). Each row's cells must hold exactly the newlines its
    piece holds inside quotes, row for row.
    """
    q = _positions(raw, 34)
    if len(q) % 2 or (_count(raw, 13) and not _crlf_only(raw)):
        return None  # quotes that do not pair up; a lone CR (the csv module reads it as a line)
    nl = _positions(raw, 10)
    inside = np.searchsorted(q, nl) % 2 == 1
    ends = np.concatenate([nl[~inside], [len(raw)]])
    starts = np.concatenate([[0], nl[~inside] + 1])
    stop = ends - ((ends > starts) & (raw[np.maximum(ends - 1, 0)] == 13))  # a CRLF's CR
    blank = stop == starts
    rows = np.flatnonzero(~blank)  # Arrow skips empty lines; the piece after a final newline
    if len(rows) != tbl.num_rows:
        return None
    held = nl[inside]
    expected = np.searchsorted(held, ends[rows]) - np.searchsorted(held, starts[rows])
    found = np.zeros(len(rows), dtype=np.int64)
    columns = []
    for col in tbl.columns:
        col = col.combine_chunks()
        text = col.dictionary if pa.types.is_dictionary(col.type) else col
        if pc.any(pc.match_substring(text, "\r")).as_py():  # CRLF inside a value: \n
            text = pc.replace_substring(text, "\r\n", "\n")
            if pa.types.is_dictionary(col.type) and len(pc.unique(text)) != len(text):
                return None  # "a\r\nb" beside "a\nb": one category after all (rare)
        per = pc.count_substring(text, "\n").to_numpy(zero_copy_only=False).astype(np.int64)
        if pa.types.is_dictionary(col.type):
            found += per[col.indices.to_numpy(zero_copy_only=False)]
            col = pa.DictionaryArray.from_arrays(col.indices, text)
        else:
            found += per
            col = text
        columns.append(col)
    if not np.array_equal(found, expected):
        return None
    first = np.searchsorted(nl, starts)  # newlines before a piece: its first line
    return pa.table(columns, names=tbl.column_names), first[rows], first[:-1][blank[:-1]]


#: Up to this many ragged rows are placed into Arrow's table; more (a wrong separator, a broken
#: export) go through the exact path, which judges every row.
_RAGGED_MAX = 10_000


def _place_ragged(
    raw: np.ndarray, tbl: pa.Table, ragged: list[str], sep: str, quoted: bool
) -> tuple[pa.Table, np.ndarray, np.ndarray] | None:
    """Arrow's regular rows with its ragged ones (texts) put back in their lines: the table (as
    wide as the widest row, short rows padded with ""), each row's line and the empty lines (both
    counted from the first line of ``raw``). None unless every line is placed with certainty.

    Every record is one line here (no quoted value spans lines). A line's width is its
    separators outside quotes plus one (quotes pair up within each line); the lines whose width
    is not the header's must be exactly the rows Arrow set aside, text for text.
    """
    if len(ragged) > _RAGGED_MAX or (_count(raw, 13) and not _crlf_only(raw)):
        return None  # a lone CR ends a row in Arrow: the lines are not the newlines' pieces
    nl = _positions(raw, 10)
    starts = np.concatenate([[0], nl + 1])
    ends = np.concatenate([nl, [len(raw)]])
    ends[(ends > starts) & (raw[np.maximum(ends - 1, 0)] == 13)] -= 1  # CRLF: the CR is no cell
    blank = ends == starts
    lines = np.flatnonzero(~blank)  # Arrow skips empty lines; the piece after a final newline
    seps = _positions(raw, ord(sep))
    width = np.searchsorted(seps, ends[lines]) - np.searchsorted(seps, starts[lines]) + 1
    if quoted:  # less the separators between each pair of quotes, on the pair's line
        q = _positions(raw, 34)
        inside = np.searchsorted(seps, q[1::2]) - np.searchsorted(seps, q[0::2])
        line_of = np.searchsorted(starts[lines], q[0::2], side="right") - 1
        width -= np.bincount(line_of, weights=inside, minlength=len(lines)).astype(np.int64)
    odd = width != tbl.num_columns
    if int(odd.sum()) != len(ragged) or int((~odd).sum()) != tbl.num_rows:
        return None
    at = lines[odd]
    texts = [bytes(raw[starts[i] : ends[i]]).decode("utf-8") for i in at]
    if sorted(texts) != sorted(ragged):
        return None
    with _field_limit():
        records = [next(csv.reader([t], delimiter=sep), []) for t in texts]
    wide = max(tbl.num_columns, *(len(r) for r in records))
    for j in range(tbl.num_columns, wide):  # cells beyond the header's: empty on regular rows
        tbl = tbl.append_column(str(j), pa.repeat(pa.scalar("", pa.large_string()), tbl.num_rows))
    cols = []
    for j, f in enumerate(tbl.schema):
        col = pa.array([r[j] if j < len(r) else "" for r in records], type=pa.large_string())
        cols.append(col.dictionary_encode() if pa.types.is_dictionary(f.type) else col)
    return (
        _interleave(tbl, pa.table(cols, schema=tbl.schema), np.flatnonzero(odd)),
        lines,
        (np.flatnonzero(blank[:-1])),
    )


#: Up to this many odd rows are put in by slicing (each adds two chunks); more by one take.
_SLICED_ROWS = 256


def _interleave(regular: pa.Table, odd: pa.Table, at: np.ndarray) -> pa.Table:
    """``regular``'s rows with ``odd``'s put at the row positions ``at`` (ascending) of the
    result: slices of both joined, nothing copied (a take for many, to keep few chunks)."""
    if len(at) > _SLICED_ROWS:
        order = np.argsort(
            np.concatenate([np.delete(np.arange(len(at) + regular.num_rows), at), at]),
            kind="stable",
        )
        return pa.concat_tables([regular, odd]).take(pa.array(order))
    pieces, done = [], 0
    for k, pos in enumerate(at.tolist()):
        upto = pos - k  # regular rows before this odd one
        pieces += [regular.slice(done, upto - done), odd.slice(k, 1)]
        done = upto
    pieces.append(regular.slice(done))
    return pa.concat_tables(pieces)


def _arrow_line_numbers(
    raw: np.ndarray, nl: np.ndarray, num_rows: int, header_line: int
) -> tuple[np.ndarray, np.ndarray] | None:
    """Line numbers of the non-empty lines (Arrow skips empty ones) and of the empty ones,
    counted from the file's top; None when they do not account for Arrow's rows.
    """
    starts = np.concatenate([[0], nl + 1])
    ends = np.concatenate([nl, [len(raw)]])
    length = ends - starts
    blank = length == 0
    one = np.flatnonzero(length == 1)
    blank[one] = raw[starts[one]] == 13  # a CR alone: an empty CRLF line
    if not blank[:-1].any():  # the piece after a final newline is no line
        if num_rows != len(blank) - int(blank[-1]):
            return None
        lines = np.arange(num_rows, dtype=np.int64) + header_line + 1
        return lines, np.zeros(0, dtype=np.int64)
    nonempty = np.flatnonzero(~blank)
    if len(nonempty) != num_rows:
        return None
    empty = np.flatnonzero(blank[:-1])
    return nonempty + header_line + 1, empty + header_line + 1


def _cell_column(col: pa.ChunkedArray) -> pd.Series:
    """A column of cells from Arrow: strings, or a categorical for a dictionary-encoded one."""
    if not pa.types.is_dictionary(col.type):
        return pd.Series(pd.array(col, dtype=ARROW_STR))
    col = col.unify_dictionaries()  # one dictionary for all chunks: codes comparable
    values = col.chunk(0).dictionary if col.num_chunks else pa.array([], pa.string())
    codes = pa.chunked_array([c.indices for c in col.chunks], type=pa.int32())
    categories = pd.Index(values.to_numpy(zero_copy_only=False), dtype="str")
    codes_np = codes.to_numpy() if len(codes) else np.zeros(0, np.int32)
    return pd.Series(pd.Categorical.from_codes(codes_np, categories=categories, validate=False))


def _split_text(text: str, sep: str, name: str) -> _Cells:
    """Split CSV text into a string grid, each row's line number and the empty lines' numbers.

    Quote-free text (most exports) is split with Arrow compute, vectorised; text with quotes goes
    through the csv module, which tracks the line of each record even across quoted newlines.
    """
    if '"' not in text:
        return _split_plain(text, sep)
    rows: list[list[str]] = []
    line_no: list[int] = []
    empty_no: list[int] = []
    reader = csv.reader(io.StringIO(text), delimiter=sep)
    start = 1
    try:
        with _field_limit():
            for row in reader:
                if row:
                    rows.append(row)
                    line_no.append(start)
                else:
                    empty_no.append(start)
                start = reader.line_num + 1
    except csv.Error as exc:
        raise IngestError(
            f"{name}: CSV structure error near line {reader.line_num}: {exc}", path=name
        ) from None
    width = max((len(r) for r in rows), default=0)
    cells = pd.DataFrame(
        [r + [""] * (width - len(r)) for r in rows], columns=range(width), dtype="string"
    )
    lengths = np.array([len(r) for r in rows])
    cells.attrs["lengths"] = lengths
    return cells, np.asarray(line_no, dtype=np.int64), np.asarray(empty_no, dtype=np.int64)


def _split_plain(text: str, sep: str) -> _Cells:
    """Quote-free CSV text split with Arrow compute: one list of cells per non-empty line."""
    lines = text.split("\n")
    arr = pa.array(lines, type=pa.large_string())
    nonempty = pc.greater(pc.utf8_length(arr), 0)
    filled = nonempty.to_numpy(zero_copy_only=False)
    idx = np.flatnonzero(filled)
    empty = np.flatnonzero(~filled[:-1])  # the piece after a final newline is no line
    arr = arr.take(pa.array(idx))
    parts = pc.split_pattern(arr, sep)
    width = int(pc.max(pc.list_value_length(parts)).as_py() or 0)
    lengths = pc.list_value_length(parts).to_numpy()
    cells = pd.DataFrame({j: _list_column(parts, lengths, j) for j in range(width)})
    return cells, idx + 1, empty + 1


def _list_column(parts: pa.Array, lengths: np.ndarray, j: int) -> pd.Series:
    sliced = pc.list_slice(parts, j, j + 1)
    flat = pc.list_flatten(sliced)
    out = np.full(len(lengths), "", dtype=object)
    has = lengths > j
    values = pd.Series(flat.to_pandas(types_mapper=pd.ArrowDtype), dtype="string")
    if has.all():
        return values.reset_index(drop=True)
    result = pd.Series(out, dtype="string")
    result[has] = values.to_numpy()
    return result


# --------------------------------------------------------------------------------------------
# XLSX
# --------------------------------------------------------------------------------------------

_Sheets = list[tuple[str, list[list[str]]]]


def _read_xlsx(
    path: Path,
    table: str,
    probe: HeaderProbe,
    sheet: str | None,
    qualifies: Callable[[set[str]], bool] | None,
) -> Grid:
    name = str(path)
    merged: dict[str, str] = {}
    try:
        sheets, merged = _calamine_sheets(path)
    except Exception as exc:
        try:
            sheets = _openpyxl_sheets(path)
        except Exception:
            raise IngestError(f"{name}: not a readable .xlsx workbook ({exc})", path=name) from None
    sname, rows = _choose_sheet(name, sheets, table, probe, sheet, qualifies)
    notes = (merged[sname],) if sname in merged else ()
    width = max((len(r) for r in rows), default=0)
    keep = [i for i, r in enumerate(rows) if any(c != "" for c in r)]
    cells = pd.DataFrame(
        [rows[i] + [""] * (width - len(rows[i])) for i in keep],
        columns=range(width),
        dtype="string",
    )
    empty = np.setdiff1d(np.arange(len(rows)), keep) + 1
    lines = np.asarray(keep, dtype=np.int64) + 1
    return Grid(path, cells, lines, "xlsx", empty=empty, sheet=sname, notes=notes)


def _choose_sheet(
    name: str,
    sheets: _Sheets,
    table: str,
    probe: HeaderProbe,
    sheet: str | None,
    qualifies: Callable[[set[str]], bool] | None = None,
) -> tuple[str, list[list[str]]]:
    """The sheet asked for, else the one sheet whose header holds the required columns."""
    names = [s for s, _ in sheets]
    if sheet is not None:
        if sheet not in names:
            raise IngestError(
                f"{name}: no sheet {sheet!r}; the workbook has {', '.join(map(repr, names))}",
                path=name,
            )
        return next((s, r) for s, r in sheets if s == sheet)
    required = set(schemas.REQUIRED[table])
    if qualifies is None:
        qualifies = required.issubset
    chosen = []
    found_by_sheet = {}
    for s, rows in sheets:
        best = max(
            (set(probe(r).values()) for r in rows[:HEADER_SCAN_ROWS]), key=len, default=set()
        )
        found_by_sheet[s] = best
        if qualifies(best):
            chosen.append((s, rows))
    if len(chosen) > 1:
        raise IngestError(
            f"{name}: sheets {', '.join(repr(s) for s, _ in chosen)} all hold the required "
            f"{table} columns; choose one with sheet=...",
            path=name,
        )
    # the one sheet holding what no default can give (the partner and its country): the fields
    # it lacks are named later, each with the --set that gives it
    recognised = [(s, rows) for s, rows in sheets if required <= found_by_sheet[s]]
    if not chosen and len(recognised) == 1:
        return recognised[0]
    if not chosen:
        detail = "; ".join(f"{s!r}: {sorted(f) or 'none'}" for s, f in found_by_sheet.items())
        raise IngestError(
            f"{name}: no sheet holds the required {table} columns "
            f"({', '.join(schemas.FILLED[table])}, unless given as defaults); recognised per "
            f"sheet: {detail}",
            path=name,
        )
    return chosen[0]


def _cell_str(v: Any) -> str:
    if v is None or v == "":
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time() else v.isoformat(sep=" ")
    if isinstance(v, dt.date):
        return v.isoformat()
    return str(v)


def _calamine_sheets(path: Path) -> tuple[_Sheets, dict[str, str]]:
    """Every sheet's cells as text, cells merged down a column read as the merged value; and a
    note per sheet where that happened."""
    wb = CalamineWorkbook.from_path(str(path))
    out, notes = [], {}
    for s in wb.sheet_names:
        sheet = wb.get_sheet_by_name(s)
        rows = [[_cell_str(v) for v in r] for r in sheet.to_python(skip_empty_area=False)]
        filled = _fill_merged_down(rows, sheet.merged_cell_ranges or [])
        if filled:
            shown = ", ".join(str(r + 1) for r in filled[:10]) + (
                " ..." if len(filled) > 10 else ""
            )
            notes[s] = (
                f"{len(filled)} cells inside cells merged down a column read as the merged "
                f"value, as the sheet shows them (rows {shown})"
            )
        out.append((s, rows))
    return out, notes


def _fill_merged_down(rows: list[list[str]], ranges: Iterable[Any]) -> list[int]:
    """Give each blank cell of a range merged down one column (``A3:A5``) the range's value, as
    the sheet shows it; the rows filled (0-based). Ranges across columns (a title over a
    table) are left as they are."""
    filled = []
    for (r0, c0), (r1, c1) in ranges:
        if c0 != c1 or r1 <= r0 or r0 >= len(rows) or c0 >= len(rows[r0]) or not rows[r0][c0]:
            continue
        for r in range(r0 + 1, min(r1, len(rows) - 1) + 1):
            row = rows[r]
            row.extend([""] * (c0 + 1 - len(row)))
            if row[c0] == "":
                row[c0] = rows[r0][c0]
                filled.append(r)
    return sorted(filled)


def _openpyxl_sheets(path: Path) -> _Sheets:
    # imported here: the fallback for workbooks python-calamine cannot read, rarely needed, and
    # openpyxl takes ~0.1 s to import
    import openpyxl

    with zipfile.ZipFile(path):  # raise early on a corrupt container
        pass
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        return [
            (ws.title, [[_cell_str(v) for v in r] for r in ws.iter_rows(values_only=True)])
            for ws in wb.worksheets
        ]
    finally:
        wb.close()
