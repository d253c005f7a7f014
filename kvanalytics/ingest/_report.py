"""What ingest says it did: the report, the result of ``errors="collect"``, the rejects table.

Parsers record failures as (row positions, column, reason, detail template) in a
:class:`Failures`; :func:`rejects_from` turns them into one rejects row per failing input row,
beside every original cell of the row under the file's own headers (:class:`RowSource`, only the
rejected rows' cells are copied);
:func:`rejects_message` is the message of ``errors="raise"``; :func:`file_entry` is the report's
entry for one file. Every message of the report is written here.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .. import schemas
from ._grid import Grid
from ._headers import EXPLICIT, IGNORED, SYNONYM, HeaderDecision, HeaderMapping


@dataclass(frozen=True)
class IngestReport:
    """What ingest read, decided and rejected. Render it in a notebook or call :meth:`to_frame`.

    Attributes
    ----------
    table : str
        ``"partnerships"`` or ``"headcounts"``.
    files : list of dict
        Per file: path, format, encoding, separator, sheet, header row, header language, column
        mapping, each header's decision with its rule (``headers``, see :func:`header_entries`),
        unmapped columns, blank rows skipped, decimal and date decisions with evidence.
    read, accepted, rejected : int
        Row accounting; ``read == accepted + rejected`` always.
    by_reason : dict
        Rejected rows per reason code.
    """

    table: str
    files: list[dict[str, Any]]
    read: int
    accepted: int
    rejected: int
    by_reason: dict[str, int]

    def to_dict(self) -> dict[str, Any]:
        """The summary as plain JSON-able data (the CLI's ``--json`` output)."""
        return {
            "read": self.read,
            "accepted": self.accepted,
            "rejected": self.rejected,
            "by_reason": dict(self.by_reason),
        }

    def to_frame(self) -> pd.DataFrame:
        """One row per file with its sniffed settings and decisions.

        Examples
        --------
        >>> import kvanalytics as kv  # doctest: +SKIP
        >>> kv.read_partnerships("export.csv", errors="collect").report.to_frame()  # doctest: +SKIP
        """
        rows = []
        for f in self.files:
            rows.append(
                {
                    "file": f["file"],
                    "format": f["format"],
                    "encoding": f.get("encoding"),
                    "separator": f.get("separator"),
                    "sheet": f.get("sheet"),
                    "header_row": f["header_row"],
                    "language": f["language"],
                    "rows": f["rows"],
                    "blank_rows_skipped": f["blank_rows"],
                    "unmapped_columns": ", ".join(f["unmapped"]) or "",
                    "decisions": "; ".join(f["notes"]),
                }
            )
        return pd.DataFrame(rows)

    def __str__(self) -> str:
        lines = [
            f"{self.table}: read {self.read:,}, accepted {self.accepted:,}, "
            f"rejected {self.rejected:,}"
        ]
        for reason, n in self.by_reason.items():
            lines.append(f"  rejected {n:,} × {reason}")
        for f in self.files:
            where = f["file"] + (f" [{f['sheet']}]" if f.get("sheet") else "")
            lines.append(f"  {where}: header on row {f['header_row']} ({f['language']})")
            for note in f["notes"]:
                lines.append(f"    - {note}")
            if f["unmapped"]:
                lines.append(f"    - ignored columns: {', '.join(f['unmapped'])}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        reasons = "".join(f"<li>{r}: {n:,}</li>" for r, n in self.by_reason.items())
        return (
            f"<p><b>{self.table}</b>: read {self.read:,} · accepted {self.accepted:,} · "
            f"rejected {self.rejected:,}</p><ul>{reasons}</ul>"
            + self.to_frame().to_html(index=False)
        )


@dataclass(frozen=True)
class Ingested:
    """The result of ``errors="collect"``: the accepted table, the rejects and the report.

    Unpacks as ``table, rejects = kv.read_partnerships(path, errors="collect")``.
    """

    table: pd.DataFrame
    rejects: pd.DataFrame
    report: IngestReport = field(repr=False)

    def __iter__(self) -> Iterator[pd.DataFrame]:
        yield self.table
        yield self.rejects

    def _repr_html_(self) -> str:
        return self.report._repr_html_()


class Failures:
    """Collects failures as (row positions, column, reason, detail); the first per row is primary.

    A detail is a template over the row's raw cells, ``"unknown country {country!r}"``, formatted
    only for the failing rows so a clean million-row file costs nothing here.
    """

    def __init__(self, values: pd.DataFrame) -> None:
        self.values = values
        self.parts: list[pd.DataFrame] = []

    def add(
        self, mask: np.ndarray | pd.Series, column: str, reason: str, template: str | list[str]
    ) -> None:
        """Record a failure of ``column`` for the rows of ``mask``; ``template`` is formatted
        over each row's cells, or is the list of the rows' details (in order)."""
        m = np.asarray(mask, dtype=bool)
        if not m.any():
            return
        pos = np.flatnonzero(m)
        sub = self.values.iloc[pos].astype(object).to_dict("records")
        if isinstance(template, str):
            details = [template.format_map(r) for r in sub]
        else:
            details = list(template)
        val = [r.get(column, pd.NA) for r in sub]
        self.parts.append(
            pd.DataFrame(
                {
                    "pos": pos,
                    "column": column,
                    "value": pd.array(val, dtype="string"),
                    "reason": reason,
                    "detail": pd.array(details, dtype="string"),
                }
            )
        )

    def frame(self) -> pd.DataFrame:
        """Every failure added, one row each: pos, column, value, reason, detail."""
        if not self.parts:
            return pd.DataFrame({"pos": pd.Series([], dtype=np.int64)})
        return pd.concat(self.parts, ignore_index=True)


@dataclass(frozen=True)
class RowSource:
    """Where the records of one file are in its grid, to copy a rejected row's original cells.

    ``rows`` holds each record's row in ``cells`` (blank rows are no records); ``names`` is the
    rejects column of each grid column: the file's own header, else ``(column C)``.
    """

    cells: pd.DataFrame
    rows: np.ndarray
    names: list[str]


def row_source(cells: pd.DataFrame, header: list[str], rows: np.ndarray) -> RowSource:
    """The :class:`RowSource` of a grid: each column named by its header cell (stripped); an
    empty header is ``(column C)``, a repeated one gets `` (2)``, and a header equal to a
    rejects column of ingest's own (``reason``) becomes ``original_reason``."""
    names: list[str] = []
    for j in range(cells.shape[1]):
        h = header[j].strip() if j < len(header) else ""
        name = h or f"(column {column_letters(j)})"
        if name in schemas.REJECTS:
            name = f"original_{name}"
        if name in names:
            k = 2
            while f"{name} ({k})" in names:
                k += 1
            name = f"{name} ({k})"
        names.append(name)
    return RowSource(cells, rows, names)


def column_letters(j: int) -> str:
    """Spreadsheet column letters of 0-based position ``j`` (0 -> A, 26 -> AA)."""
    name, j = "", j + 1
    while j:
        j, r = divmod(j - 1, 26)
        name = chr(65 + r) + name
    return name


def original_cells(sources: list[tuple[int, RowSource]], pos: np.ndarray) -> pd.DataFrame:
    """The original cells, as text exactly as read, of the records at ``pos`` (positions in the
    files read one after another; ``sources`` holds each file's first position). A column with
    no header and no content in these rows is left out; files' columns are united in order."""
    parts = []
    starts = np.array([start for start, _ in sources] + [np.iinfo(np.int64).max])
    for k, (start, src) in enumerate(sources):
        mine = pos[(pos >= start) & (pos < starts[k + 1])] - start
        if not len(mine):
            continue
        sub = src.cells.iloc[src.rows[mine]].astype("string").reset_index(drop=True)
        sub.columns = src.names
        keep = [
            name
            for name in src.names
            if not name.startswith("(column ") or (sub[name].fillna("").str.strip() != "").any()
        ]
        parts.append(sub[keep])
    if not parts:
        return pd.DataFrame(index=range(len(pos)))
    out = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    return out.astype(schemas.TEXT)


def rejects_from(
    failures: pd.DataFrame,
    frame: pd.DataFrame,
    sources: list[tuple[int, RowSource]] | None = None,
) -> pd.DataFrame:
    """One rejects row per failing input row: the first failure is the reason, all are the detail,
    then the row's original cells under the file's headers (with ``sources``).

    The rejected rows' positions in ``frame`` are in ``attrs["pos"]``.
    """
    if not len(failures):
        out = schemas.empty_table("rejects")
        out.attrs["pos"] = np.array([], dtype=np.int64)
        return out
    failures = failures.sort_values("pos", kind="stable")
    details = failures.groupby("pos", sort=True)["detail"].agg("; ".join)
    first = failures.drop_duplicates("pos", keep="first").set_index("pos").sort_index()
    pos = first.index.to_numpy()
    out = pd.DataFrame(
        {
            "source_file": frame["source_file"].iloc[pos].to_numpy(),
            "source_sheet": frame["source_sheet"].iloc[pos].to_numpy(),
            "source_row": frame["source_row"].iloc[pos].to_numpy(),
            "column": first["column"].to_numpy(),
            "value": first["value"].to_numpy(),
            "reason": first["reason"].to_numpy(),
            "detail": details.loc[pos].to_numpy(),
        }
    ).astype(schemas.REJECTS)  # type: ignore[arg-type]
    if sources:
        out = pd.concat([out, original_cells(sources, pos)], axis=1)
    out.attrs["pos"] = pos
    return out


def rejects_message(report: IngestReport, rejects: pd.DataFrame) -> str:
    """The ``errors="raise"`` message: totals per reason, three examples, the remedy."""
    reasons = ", ".join(f"{n} {r}" for r, n in report.by_reason.items())
    examples = "; ".join(
        f"{r.source_file}{f' [{r.source_sheet!s}]' if isinstance(r.source_sheet, str) else ''} "
        f"row {r.source_row}, column {r.column!r}: {r.detail}"
        for r in rejects.head(3).itertuples()
    )
    return (
        f"{report.rejected:,} of {report.read:,} {report.table} rows rejected ({reasons}). "
        f"E.g. {examples}. Fix the rows, or pass errors='collect' to get the accepted rows and "
        "a rejects table."
    )


def file_entry(
    grid: Grid, header_row: int, header: HeaderMapping, rows: int, blank: int, notes: list[str]
) -> dict[str, Any]:
    """The report's entry for one file: what was sniffed, mapped, skipped and decided.

    ``blank`` counts the rows of empty cells below the header; the empty lines or rows the
    reader dropped below it are added here.
    """
    top = grid.line[header_row] if len(grid.line) else 0
    return {
        "file": str(grid.path),
        "format": grid.fmt,
        "encoding": grid.encoding,
        "separator": {"\t": "tab"}.get(grid.separator or "", grid.separator),
        "sheet": grid.sheet,
        "header_row": int(grid.line[header_row]) if len(grid.line) else 1,
        "language": header.language,
        "mapping": {str(grid.cells.iloc[header_row, i]): c for i, c in header.mapping.items()},
        "headers": header_entries(header),
        "unmapped": header.unmapped,
        "blank_rows": blank + int((grid.empty > top).sum()),
        "rows": rows,
        "notes": [n for n in notes if n],
    }


#: Why a column of ingest's own rejects file, read again, is ignored.
REJECTS_OWN = "a column of a kvanalytics rejects file (its provenance), not data"


def header_entries(header: HeaderMapping) -> list[dict[str, Any]]:
    """Each non-empty header cell's decision as plain data: position, header, field (None:
    ignored), rule (``explicit``, ``synonym``, ``words``, ``ignored``; ``horizon alias``), the
    words of a ``words`` decision and a note.

    A column the pipeline mapped beside :func:`~._headers.map_headers` (an auxiliary column set
    aside, ``country_name``) is ``synonym`` when its header is the field's own name, else
    ``explicit`` (the user's ``columns=``); a rejects file's own column is ignored with a note.

    Examples
    --------
    >>> from kvanalytics.ingest._headers import map_headers
    >>> header_entries(map_headers(["Partner", "Soort overeenkomst"], "partnerships"))[1]
    {'position': 1, 'header': 'Soort overeenkomst', 'field': 'kind', 'rule': 'words', \
'words': ['soort', 'overeenkomst'], 'note': ''}
    """
    decided = {d.position: d for d in header.decisions}
    out = []
    for i, cell in enumerate(header.cells):
        if not cell.strip():
            continue
        d = decided.get(i)
        field = header.mapping.get(i)
        if d is None or (field is not None and d.field != field):
            rule = SYNONYM if cell.strip() == field else EXPLICIT
            d = (
                HeaderDecision(i, cell, field, rule)
                if field is not None
                else HeaderDecision(i, cell, None, IGNORED, note=REJECTS_OWN)
            )
        out.append(
            {
                "position": i,
                "header": d.header,
                "field": d.field,
                "rule": d.rule,
                "words": list(d.words),
                "note": d.note,
            }
        )
    return out
