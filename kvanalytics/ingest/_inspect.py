"""A dry run of ingest on one file: what it finds, decides, would accept and would reject.

:func:`inspect_export` reads a file as :func:`~._pipeline.read_partnerships`,
:func:`~._pipeline.read_headcounts` or :func:`~._horizon.read_horizon` would, writes nothing and
returns an :class:`Inspection`: the header row found, each header's decision with its rule, the
per-column decisions of the report (dates, decimals, defaults, derived ids), the fields still
missing with the ``--set`` / ``--columns`` line that gives each, the first rows as accepted and
the rejects by reason. A file ingest cannot use at all (binary, empty, ambiguous headers) raises
the error ingest raises; a missing field does not: it is in :attr:`Inspection.missing`.

Where fields are missing, the rows are still read, each missing field filled by a placeholder
(:data:`PLACEHOLDERS`) that is then blanked in the preview: the counts are those ingest gives once
the fields are supplied, except for rejects that depend on their values. Without the partner (or
the country, or a headcount), nothing is parsed.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from .. import schemas
from ..errors import IngestError, OptionError
from ._fields import REPEATING, PathLike, Table, missing_fields
from ._grid import Grid, read_grid
from ._headers import (
    WORDS,
    analyse_header,
    check_column_map,
    find_header_row,
    header_probe,
    map_headers,
    row_cells,
)
from ._horizon import HorizonReport, read_horizon
from ._horizon import _read_file as _read_horizon_file
from ._parse import parse_defaults
from ._pipeline import _SET_EXAMPLE, _set_aside, _split_columns, read_headcounts, read_partnerships
from ._report import Ingested, column_letters, header_entries
from ._vocab import key, value_from_words, value_lookup, value_word_notes

__all__ = ["Inspection", "inspect_export"]

InspectTable = Literal["partnerships", "headcounts", "horizon"]
TABLES: tuple[str, ...] = ("partnerships", "headcounts", "horizon")
#: Rows shown in :attr:`Inspection.preview`.
PREVIEW_ROWS = 5
#: The value a missing field gets while the file is read (blanked in the preview): a valid value
#: that triggers no cross-check (a start before any end).
PLACEHOLDERS = {
    "faculty": "(missing)",
    "kind": "other",
    "start": "1900-01-01",
    "period": "2024/25",
    "group": "degree_student",
    "country": "NL",
}
#: The note of an ignored header no rule spoke for.
NO_RULE = "no synonym, and its words fit no rule"
_HORIZON_NO_RULE = "not a Horizon column (horizon_columns.csv)"


# --------------------------------------------------------------------------------------------
# The result
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Inspection:
    """What ingest would make of one file, written nothing. Render it in a notebook, print it in
    a terminal, or read its tables (each a copy).

    Attributes
    ----------
    file, table : str
        The file and the table it was read as (``partnerships``, ``headcounts``, ``horizon``).
    format, encoding, separator, sheet : str or None
        As sniffed (``separator`` ``tab`` for a tab).
    header_row : int
        The header's row number as a spreadsheet user counts it.
    language : str
        The header language voted by the headers recognised.
    read, accepted, rejected : int or None
        Row accounting as ingest would give it; None when the file could not be parsed for want
        of a field (see :attr:`missing`).
    notes : tuple of str
        What concerns the whole run (the row accounting of Horizon, why nothing was parsed).
    defaults, columns : dict
        The ``--set`` defaults and ``--columns`` mapping given.
    """

    file: str
    table: str
    format: str
    encoding: str | None
    separator: str | None
    sheet: str | None
    header_row: int
    language: str
    read: int | None
    accepted: int | None
    rejected: int | None
    notes: tuple[str, ...]
    defaults: dict[str, str]
    columns: dict[str, str]
    _headers: pd.DataFrame = field(repr=False)
    _decisions: pd.DataFrame = field(repr=False)
    _preview: pd.DataFrame = field(repr=False)
    _rejects: pd.DataFrame = field(repr=False)
    _missing: pd.DataFrame = field(repr=False)

    @property
    def headers(self) -> pd.DataFrame:
        """One row per non-empty header cell: column letter, header, field (NA: ignored), rule
        (explicit, synonym, words, ignored, horizon alias), words, note (why ignored or moved)."""
        return self._headers.copy()

    @property
    def decisions(self) -> pd.DataFrame:
        """The report's per-column decisions: field (NA for the file) and decision."""
        return self._decisions.copy()

    @property
    def preview(self) -> pd.DataFrame:
        """The first rows as ingest would accept them (canonical columns; missing fields NA)."""
        return self._preview.copy()

    @property
    def rejects_by_reason(self) -> pd.DataFrame:
        """Per reason: rows, and one example (row, column, value, detail)."""
        return self._rejects.copy()

    @property
    def missing(self) -> pd.DataFrame:
        """Fields no column, default or derivation gives: field, the ``--set`` to add (NA where
        a default cannot stand in), the ``--columns`` line that maps a column, and why."""
        return self._missing.copy()

    @property
    def ready(self) -> bool:
        """Whether ingest with these options would read the file (no field missing)."""
        return self._missing.empty

    def mapping(self) -> dict[str, str]:
        """Header -> field for every mapped header: the ``columns=`` that pins these decisions."""
        mapped = self._headers[self._headers["field"].notna()]
        return dict(zip(mapped["header"], mapped["field"], strict=True))

    def mapping_yaml(self) -> str:
        """The decisions as an editable YAML mapping for ``--columns`` (see :func:`mapping_yaml`)."""
        return mapping_yaml(self)

    def write_mapping(self, path: PathLike) -> Path:
        """Write :meth:`mapping_yaml` to ``path`` (UTF-8); returns the path."""
        if self.table == "horizon":
            raise OptionError(
                "a Horizon table has no column mapping to write (its columns are fixed aliases)"
            )
        out = Path(path)
        out.write_text(self.mapping_yaml(), encoding="utf-8")
        return out

    def to_dict(self) -> dict[str, Any]:
        """Everything as plain JSON-able data (the CLI's ``inspect --json``)."""
        out = {k: getattr(self, k) for k in _SCALARS}
        out["notes"] = list(self.notes)
        out["ready"] = self.ready
        out["set"] = [f"--set {k}={v}" for k, v in self.defaults.items()]
        for name in _FRAMES:
            out[name] = _records(getattr(self, name))
        out["mapping"] = self.mapping() if self.table != "horizon" else {}
        return out

    def __str__(self) -> str:
        return _text(self)

    def _repr_html_(self) -> str:
        return _html(self)


_SCALARS = (
    "file",
    "table",
    "format",
    "encoding",
    "separator",
    "sheet",
    "header_row",
    "language",
    "read",
    "accepted",
    "rejected",
    "defaults",
    "columns",
)
_FRAMES = ("headers", "decisions", "missing", "preview", "rejects_by_reason")


def _records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """A frame as JSON records: NA as null, dates ISO."""
    return json.loads(df.to_json(orient="records", date_format="iso", force_ascii=False))


# --------------------------------------------------------------------------------------------
# inspect_export
# --------------------------------------------------------------------------------------------


def inspect_export(
    path: PathLike | Sequence[PathLike],
    *,
    table: InspectTable = "partnerships",
    columns: Mapping[str, str] | None = None,
    defaults: Mapping[str, str] | None = None,
    sheet: str | None = None,
    home: str | Sequence[str] | None = None,
) -> Inspection:
    """A dry run of ingest on one file: the header found, each decision and its rule, what is
    missing and how to give it, the first rows as accepted, the rejects by reason.

    Parameters
    ----------
    path : path, or a list of paths for ``horizon``
        A CSV or XLSX export; for ``horizon`` also its CORDIS project file (``[organization.csv,
        project.csv]``), as :func:`read_horizon` takes them.
    table : {"partnerships", "headcounts", "horizon"}
        What to read it as (``horizon``: a participation table, :func:`read_horizon`).
    columns, defaults, sheet
        As for :func:`read_partnerships` (``columns=``/``--columns``, ``defaults=``/``--set``).
    home : str or list of str, optional
        ``horizon``: the home organisation (PIC or name, or several: its other names). Without
        it only the header is read, and ``home`` is reported missing.

    Returns
    -------
    Inspection

    Raises
    ------
    IngestError
        The file cannot be used at all (missing, empty, binary, ambiguous headers), with the
        message ingest gives. A missing field is not an error here: see ``Inspection.missing``.
    OptionError
        An option that does not fit the table (``home`` for partnerships, ``columns`` for horizon).

    Examples
    --------
    >>> import kvanalytics as kv
    >>> kv.inspect_export("socios.csv", defaults={"faculty": "ETSIT"}).missing  # doctest: +SKIP
    >>> print(kv.inspect_export("export.csv"))  # doctest: +SKIP
    """
    if table not in TABLES:
        raise OptionError(f"table={table!r}: use one of {', '.join(TABLES)}")
    if table == "horizon":
        if columns or defaults:
            raise OptionError(
                "a Horizon participation table is read by its fixed column aliases: "
                "columns= (--columns) and defaults= (--set) do not apply"
            )
        return _inspect_horizon(_paths(path), sheet, home)
    if home is not None:
        raise OptionError(f"home= (--home) is for table='horizon', not {table}")
    paths = _paths(path)
    if len(paths) != 1:
        raise OptionError(
            f"inspect one {table} file at a time ({len(paths)} given); several files go "
            "together only for table='horizon' (a participation table and its project file)"
        )
    return _inspect_table(table, paths[0], dict(columns or {}), dict(defaults or {}), sheet)


def _paths(path: PathLike | Sequence[PathLike]) -> list[Path]:
    return [Path(path)] if isinstance(path, str | Path) else [Path(p) for p in path]


def _inspect_table(
    table: Table, path: Path, columns: dict[str, str], defaults: dict[str, str], sheet: str | None
) -> Inspection:
    """Partnerships or headcounts: the header as ingest maps it, then ingest itself (the missing
    fields given placeholders)."""
    fields, aux = _split_columns(table, columns)
    extra = check_column_map(table, fields)
    parse_defaults(table, defaults)  # an unusable default fails as in ingest
    given = {k: str(v).strip() for k, v in defaults.items()}
    grid = _grid(table, path, extra, sheet, given)
    row = find_header_row(grid.cells, table, extra)
    where = f"{grid.path}" + (f" [sheet {grid.sheet!r}]" if grid.sheet else "")
    cells = row_cells(grid.cells, row)
    rest, aux_at, _own, _notes = _set_aside(cells, aux, table)
    header = map_headers(rest, table, extra, where=where, path=str(grid.path), required=())
    present = set(header.mapping.values()) | set(aux_at.values())
    missing = missing_fields(table, present, given)
    base = {
        "file": str(grid.path),
        "table": table,
        "format": grid.fmt,
        "encoding": grid.encoding,
        "separator": {"\t": "tab"}.get(grid.separator or "", grid.separator),
        "sheet": grid.sheet,
        "header_row": int(grid.line[row]) if len(grid.line) else 1,
        "defaults": given,
        "columns": columns,
        "_missing": _missing_frame(table, missing),
    }
    blocked = [c for c in missing if c not in schemas.DEFAULTABLE[table]]
    if blocked:
        from_header = header_entries(
            replace(header, cells=cells, mapping={**header.mapping, **aux_at})
        )
        why = f"nothing parsed: no column for {', '.join(blocked)} (see the missing fields)"
        wide = _wide_decisions(table, header.cells, header.mapping, columns)
        return _unparsed(base, from_header, header.language, (why,), wide)
    filled = {c: PLACEHOLDERS[c] for c in missing}
    reader = read_partnerships if table == "partnerships" else read_headcounts
    result = reader(
        path, columns=columns or None, sheet=grid.sheet, defaults={**given, **filled},
        errors="collect",
    )  # fmt: skip
    decisions = _wide_decisions(table, header.cells, header.mapping, columns)
    decisions += _value_decisions(grid, row, header.mapping)
    decisions += _fill_down_decisions(grid, row, header.mapping, result.rejects)
    return _parsed(base, result, filled, (), decisions)


#: The category fields whose values may be read by their words (``value_words.csv``).
_WORD_FIELDS = ("kind", "level", "status", "group", "basis")


def _value_decisions(grid: Grid, row: int, mapping: Mapping[int, str]) -> list[str]:
    """One decision per category value read by its words rather than an exact synonym:
    ``kind: 'Forschungskooperation' read as research (words: forschung)``."""
    out: list[str] = []
    for i, col in mapping.items():
        if col in _WORD_FIELDS and i < grid.cells.shape[1]:
            values = grid.cells.iloc[row + 1 :, i].dropna().astype(str).unique()
            out += value_word_notes(col, values)
    return out


def _wide_decisions(
    table: Table, cells: list[str], mapping: Mapping[int, str], columns: Mapping[str, str]
) -> list[str]:
    """Headcounts laid out wide (a column per group: ``Inresande``, ``Utresande``): how to read
    each group column, once per group (ingest reads one count column per file)."""
    if table != "headcounts":
        return []
    exact = value_lookup().get("group", {})
    out = []
    for i, text in enumerate(cells):
        if i in mapping or not text.strip() or text in columns:
            continue
        hit = exact.get(key(text)) or (value_from_words("group", text) or (None,))[0]
        if hit:
            out.append(
                f"group: the header {text!r} reads as the group {hit} (a table with a column "
                f'per group?): read it with the line "{text}": headcount in --columns MAP.yaml '
                f"and --set group={hit}, once per group column"
            )
    return out


#: Blank cells under a filled one, in one column, from which inspect says "fill them down".
FILL_DOWN_HINT = 2


def _fill_down_decisions(
    grid: Grid, row: int, mapping: Mapping[int, str], rejects: pd.DataFrame
) -> list[str]:
    """A hint per column whose ``missing_value`` rejects are blank cells right under a filled
    one (merged cells, a pivot table's compact layout): ingest never fills them down itself."""
    if rejects.empty:
        return []
    missing = rejects[rejects["reason"] == "missing_value"]
    at = {int(n): i for i, n in enumerate(grid.line)}
    out: list[str] = []
    for i, col in mapping.items():
        rows = sorted(int(r) for r in missing.loc[missing["column"] == col, "source_row"])
        under: list[int] = []
        for r in rows:
            g = at.get(r)
            if g is None or g <= row + 1 or i >= grid.cells.shape[1]:
                continue
            cell = grid.cells.iat[g - 1, i]
            above = cell if isinstance(cell, str) else ""
            if above.strip() or (under and under[-1] == grid.line[g - 1]):
                under.append(r)
        if len(under) >= FILL_DOWN_HINT:
            shown = ", ".join(str(r) for r in under[:5]) + (", ..." if len(under) > 5 else "")
            out.append(
                f"{col}: {len(under)} blank cells right under a filled one (rows {shown}): a "
                "pivot table's compact layout, or a label written once for several rows? ingest "
                "does not fill blank cells down (they are missing_value rejects; only cells "
                "merged in the workbook read as their merged value); repeat the value on each "
                "row (in a pivot table: Repeat All Item Labels) and read the file again"
            )
    return out


def _grid(
    table: Table, path: Path, extra: dict[str, str], sheet: str | None, given: dict[str, str]
) -> Grid:
    """The grid ingest reads; a workbook none of whose sheets has every field ingest needs is
    read again for its sheet with the required columns only (its missing fields reported)."""
    probe = header_probe(table, extra)

    def qualifies(found: set[str]) -> bool:  # as in ingest
        return set(schemas.REQUIRED[table]) <= found and not missing_fields(table, found, given)

    # the sheet ingest reads; else the one with the required columns; else the one sheet with
    # any recognised column (a headcount file whose counts need --columns): its missing
    # fields are then reported, not an error
    looser: tuple[Callable[[set[str]], bool] | None, ...] = (None, bool)
    try:
        return read_grid(path, table, probe, sheet=sheet, repeating=REPEATING, qualifies=qualifies)
    except IngestError as strict:
        for test in looser:
            try:
                return read_grid(
                    path, table, probe, sheet=sheet, repeating=REPEATING, qualifies=test
                )
            except IngestError:
                continue
        raise strict from None


def _inspect_horizon(
    paths: list[Path], sheet: str | None, home: str | Sequence[str] | None
) -> Inspection:
    """A Horizon participation table (with its project file, if given): with ``home``,
    :func:`read_horizon` itself; without, the first file's header only, and ``home`` missing."""
    given = [home] if isinstance(home, str) else list(home or [])
    if home is not None and any(str(h).strip() for h in given):
        result = read_horizon(paths, home=home, sheet=sheet, errors="collect")
        r = result.report
        assert isinstance(r, HorizonReport)  # read_horizon's report
        # the accounting and the home lines of the report itself: one wording
        notes = (*str(r).splitlines()[:2], *r.notes)
        return _parsed(_horizon_base(r.files[0]), result, {}, tuple(n.strip() for n in notes))
    f = _read_horizon_file(paths[0], sheet)
    g = f.grid
    base: dict[str, Any] = {
        "file": str(g.path),
        "table": "horizon",
        "format": g.fmt,
        "encoding": g.encoding,
        "separator": {"\t": "tab"}.get(g.separator or "", g.separator),
        "sheet": g.sheet,
        "header_row": int(g.line[f.header_row]) if len(g.line) else 1,
        "defaults": {},
        "columns": {},
        "_missing": pd.DataFrame(
            {
                "field": ["home"],
                "set": ["--home PIC"],
                "columns_line": [pd.NA],
                "why": [
                    "the ties are those of the home organisation's projects: give its PIC "
                    "(9 digits) or name, --home 999999999 (home='...')"
                ],
            }
        ).astype("string"),
    }
    notes = (f"{f.rows:,} rows below the header; no ties counted without --home",)
    return _unparsed(base, header_entries(f.header), f.header.language, notes, f.notes)


def _horizon_base(entry: dict[str, Any]) -> dict[str, Any]:
    keys = ("file", "format", "encoding", "separator", "sheet", "header_row")
    return {
        **{k: entry.get(k) for k in keys},
        "table": "horizon",
        "defaults": {},
        "columns": {},
        "_missing": _missing_frame("partnerships", []),
    }


# --------------------------------------------------------------------------------------------
# The tables of an Inspection
# --------------------------------------------------------------------------------------------


def _parsed(
    base: dict[str, Any],
    result: Ingested,
    filled: Mapping[str, str],
    notes: tuple[str, ...],
    decisions: list[str] | None = None,
) -> Inspection:
    """An Inspection from an ingest run (``filled``: the placeholders given for missing fields;
    ``decisions``: ones inspect adds to the report's, such as values read by their words)."""
    report = result.report
    entry = report.files[0]
    preview = result.table.head(PREVIEW_ROWS).reset_index(drop=True)
    for c in filled:
        preview[c] = pd.Series(pd.NA, index=preview.index, dtype=preview[c].dtype)
    placeholder_notes = {f"{c}: {v!r} for every row" for c, v in filled.items()}
    kept = [n for n in entry["notes"] if not any(n.startswith(p) for p in placeholder_notes)]
    kept += [d for d in decisions or [] if d not in kept]  # once, if ingest says it too
    if filled:
        notes = (
            *notes,
            "counted as if the missing fields were given ("
            + ", ".join(filled)
            + "): rejects that depend on their values are not known yet",
        )
    return Inspection(
        **base,
        language=entry["language"],
        read=report.read,
        accepted=report.accepted,
        rejected=report.rejected,
        notes=notes,
        _headers=_header_frame(entry["headers"], base["table"]),
        _decisions=_decision_frame(kept),
        _preview=preview,
        _rejects=_rejects_frame(result.rejects),
    )


def _unparsed(
    base: dict[str, Any],
    headers: list[dict[str, Any]],
    language: str,
    notes: tuple[str, ...],
    decisions: list[str] | None = None,
) -> Inspection:
    empty = pd.DataFrame()
    return Inspection(
        **base,
        language=language,
        read=None,
        accepted=None,
        rejected=None,
        notes=notes,
        _headers=_header_frame(headers, base["table"]),
        _decisions=_decision_frame(decisions or []),
        _preview=empty,
        _rejects=_rejects_frame(schemas.empty_table("rejects")),
    )


def _header_frame(entries: list[dict[str, Any]], table: str) -> pd.DataFrame:
    """The report's header entries as a tidy frame; an ignored header no rule spoke for says so,
    with the words the vocabulary found in it."""
    rows = []
    for e in entries:
        words = list(e["words"])
        note = e["note"]
        if e["field"] is None and not note:
            if table == "horizon":
                note = _HORIZON_NO_RULE
            else:
                words = words or [t.word for t in analyse_header(e["header"]).tokens]
                note = NO_RULE + (f" ({'+'.join(words)})" if words else " (no known words)")
        rows.append(
            {
                "column": column_letters(int(e["position"])),
                "header": e["header"],
                "field": e["field"],
                "rule": e["rule"],
                "words": "+".join(words) if words else None,
                "note": note or None,
            }
        )
    cols = ["column", "header", "field", "rule", "words", "note"]
    return pd.DataFrame(rows, columns=cols).astype("string")


def _decision_frame(notes: list[str]) -> pd.DataFrame:
    """Report notes as (field, decision): a note ``"start: day-first dates"`` is start's."""
    known = (
        set(schemas.PARTNERSHIPS) | set(schemas.HEADCOUNTS) | {"country_name", "ec_contribution"}
    )
    rows: list[dict[str, str | None]] = []
    for n in notes:
        head, sep, rest = n.partition(": ")
        if sep and head in known:
            rows.append({"field": head, "decision": rest})
        else:
            rows.append({"field": None, "decision": n})
    return pd.DataFrame(rows, columns=["field", "decision"]).astype("string")


def _rejects_frame(rejects: pd.DataFrame) -> pd.DataFrame:
    """Rejected rows per reason (most first), with the first as the example."""
    cols = ["reason", "rows", "example_row", "example_column", "example_value", "example_detail"]
    if rejects.empty:
        return pd.DataFrame({c: pd.Series([], dtype="string") for c in cols}).astype(
            {"rows": "Int64", "example_row": "Int64"}
        )
    counts = rejects["reason"].value_counts(sort=True)
    first = rejects.drop_duplicates("reason").set_index("reason")
    out = pd.DataFrame(
        {
            "reason": counts.index.astype(str),
            "rows": counts.to_numpy(),
            "example_row": first.loc[counts.index, "source_row"].to_numpy(),
            "example_column": first.loc[counts.index, "column"].to_numpy(),
            "example_value": first.loc[counts.index, "value"].to_numpy(),
            "example_detail": first.loc[counts.index, "detail"].to_numpy(),
        }
    )
    return out.astype(
        {
            "reason": "string",
            "rows": "Int64",
            "example_row": "Int64",
            "example_column": "string",
            "example_value": "string",
            "example_detail": "string",
        }
    )


def _missing_frame(table: Table, missing: list[str]) -> pd.DataFrame:
    """Each missing field with the ``--set`` that gives it (where a default may) and the
    ``--columns`` line that maps a column to it."""
    rows = []
    for c in missing:
        settable = c in schemas.DEFAULTABLE[table]
        example = _SET_EXAMPLE.get(c, "VALUE")
        if settable:
            why = (
                f"no column for {c} and no default: if every row has the same {c}, add "
                f"--set {c}={example} (defaults={{{c!r}: {example!r}}}); if a column holds it "
                f'under another header, add the line "Your header": {c} to --columns MAP.yaml'
            )
        elif c == "country":
            why = (
                "no column for country (nor an erasmus_code column, whose prefix gives it): map "
                'the column that holds it, the line "Your header": country in --columns MAP.yaml'
            )
        else:
            why = (
                f"no column for {c}, which every file must have (a default cannot stand in): "
                f'map the column that holds it, the line "Your header": {c} in --columns MAP.yaml'
            )
        rows.append(
            {
                "field": c,
                "set": f"--set {c}={example}" if settable else None,
                "columns_line": f'"Your header": {c}',
                "why": why,
            }
        )
    return pd.DataFrame(rows, columns=["field", "set", "columns_line", "why"]).astype("string")


# --------------------------------------------------------------------------------------------
# The mapping file
# --------------------------------------------------------------------------------------------


def mapping_yaml(ins: Inspection) -> str:
    """The header decisions as a YAML mapping ``"Header": field`` that ``--columns`` reads back.

    Every mapped header is a line (its rule in a comment), so ingest with the file maps exactly
    these; an ignored header is a comment (uncomment and give a field to read it). ``--columns``
    holds headers only: the defaults given (``--set``) and those still missing are comments,
    to give again on the command line.

    Examples
    --------
    >>> import kvanalytics as kv
    >>> print(kv.inspect_export("export.csv").mapping_yaml())  # doctest: +SKIP
    # kvanalytics column mapping for export.csv (partnerships), written by kvanalytics inspect.
    "Kenmerk": agreement_id  # synonym
    ...
    """
    lines = [
        f"# kvanalytics column mapping for {ins.file} ({ins.table}), written by kvanalytics "
        "inspect.",
        '# One line per header of the file, "Header in file": field. Change a field, delete a '
        "line to let ingest decide,",
        "# or uncomment an ignored header and give its field. Read back with:",
        f"#   kvanalytics ingest {ins.table} FILE --columns THIS.yaml"
        + "".join(f" --set {k}={v}" for k, v in ins.defaults.items()),
    ]
    width = max((len(json.dumps(h, ensure_ascii=False)) for h in ins._headers["header"]), default=0)
    for r in ins._headers.itertuples(index=False):
        key = json.dumps(r.header, ensure_ascii=False)
        if not isinstance(r.field, str):
            lines.append(f"# {key}: {_describe(r)}")
            continue
        how = _describe(r).removeprefix(f"{r.field} (").removesuffix(")")
        lines.append(f"{key + ':':<{width + 1}} {r.field}  # {how}")
    if ins.defaults:
        lines.append("# defaults given (not part of --columns; give them again as --set):")
        lines += [f"#   --set {k}={v}" for k, v in ins.defaults.items()]
    need = ins._missing[ins._missing["set"].notna()]
    if len(need):
        lines.append("# still missing (give a value for every row, or map a column above):")
        lines += [f"#   {s}" for s in need["set"]]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------------------
# Text and HTML
# --------------------------------------------------------------------------------------------


def _summary_lines(ins: Inspection) -> list[str]:
    sep = f", separator {ins.separator!r}" if ins.separator else ""
    enc = f", encoding {ins.encoding}" if ins.encoding else ""
    sheet = f", sheet {ins.sheet!r}" if ins.sheet else ""
    lines = [
        f"inspect {ins.file} as {ins.table} (a dry run: nothing written)",
        f"  {ins.format}{enc}{sep}{sheet}; header on row {ins.header_row} "
        f"(language {ins.language})",
    ]
    if ins.read is not None and ins.table != "horizon":  # Horizon's accounting is a note
        lines.append(
            f"  rows: read {ins.read:,} = accepted {ins.accepted:,} + rejected {ins.rejected:,}"
        )
    lines += [f"  - {n}" for n in ins.notes]
    return lines


def _text(ins: Inspection) -> str:
    lines = _summary_lines(ins)
    h = ins._headers
    width = max((len(x) for x in h["header"]), default=0)
    lines.append("\nheaders (column: header -> field, rule)")
    for r in h.itertuples(index=False):
        lines.append(f"  {r.column:>2}: {r.header:<{width}} -> {_describe(r)}")
    if len(ins._decisions):
        lines.append("\ndecisions")
        for d in ins._decisions.itertuples(index=False):
            lines.append(f"  {d.field + ': ' if isinstance(d.field, str) else ''}{d.decision}")
    if len(ins._missing):
        lines.append("\nmissing (ingest fails until each is given)")
        for m in ins._missing.itertuples(index=False):
            lines.append(f"  {m.field}: {m.why}")
        sets = [s for s in ins._missing["set"] if isinstance(s, str)]
        if sets:
            lines.append("  add: " + " ".join(sets))
    if len(ins._preview):
        lines.append(f"\nfirst {len(ins._preview)} rows as accepted")
        lines += ["  " + x for x in _shown(ins._preview).to_string(index=False).splitlines()]
    if len(ins._rejects):
        lines.append("\nrejects by reason")
        for r in ins._rejects.itertuples(index=False):
            lines.append(
                f"  {r.reason}: {r.rows:,} (e.g. row {r.example_row}, column "
                f"{r.example_column}: {r.example_detail})"
            )
    elif ins.read is not None:
        lines.append("\nno rejects")
    return "\n".join(lines)


def _describe(r: Any) -> str:
    """``kind (words: soort+overeenkomst)``, ``ignored (why)``: one header's decision."""
    if not isinstance(r.field, str):
        return f"ignored ({r.note})" if isinstance(r.note, str) else "ignored"
    how = f"words: {r.words}" if r.rule == WORDS else str(r.rule)
    note = f"; {r.note}" if isinstance(r.note, str) else ""
    return f"{r.field} ({how}{note})"


def _shown(preview: pd.DataFrame) -> pd.DataFrame:
    """The preview's columns worth showing: not all empty, no file name (it is above)."""
    keep = [
        c
        for c in preview.columns
        if c not in ("source_file", "source_sheet") and preview[c].notna().any()
    ]
    return preview[keep]


def _html(ins: Inspection) -> str:
    def table(df: pd.DataFrame) -> str:
        return df.to_html(index=False, na_rep="", escape=True)

    head = "<br>".join(html.escape(x.strip()) for x in _summary_lines(ins))
    parts = [f"<p>{head}</p>", "<h4>Headers</h4>", table(ins._headers)]
    if len(ins._decisions):
        parts += ["<h4>Decisions</h4>", table(ins._decisions)]
    if len(ins._missing):
        sets = " ".join(s for s in ins._missing["set"] if isinstance(s, str))
        add = f"<p>add: <code>{html.escape(sets)}</code></p>" if sets else ""
        parts += ["<h4>Missing</h4>", table(ins._missing), add]
    if len(ins._preview):
        parts += [
            f"<h4>First {len(ins._preview)} rows as accepted</h4>",
            table(_shown(ins._preview)),
        ]
    if len(ins._rejects):
        parts += ["<h4>Rejects by reason</h4>", table(ins._rejects)]
    return "\n".join(parts)
