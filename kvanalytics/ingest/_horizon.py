"""Horizon participation tables (one row per project × participant) -> the home organisation's ties.

:func:`read_horizon` reads the CORDIS open-data layout (``projectID, organisationID, name, ...``
or ``frameworkProgramme, projectID, projectAcronym, title, startDate, endDate, country, PIC,
Organisation, activityType, role, ecContribution, ...``) and the Horizon Dashboard export
(``project_id, pic, legal_name, legal_entity_type, country_code, eu_contribution,
project_start_date, project_end_date, ...``) and a grants office's own sheet (``Project,
Partner, Land, Rol, EU-bijdrage (€), Start, Eind`` and the like in nl, no, de, fr, es, it), CSV
or XLSX (the sheet holding the layout is found), and returns one partnerships row per
co-participant of each project of the home organisation. CORDIS ``organization.csv`` has no
dates: its ``project.csv`` (``id, acronym, ..., startDate, endDate, ...``), read with it, is
recognised by its header (a project id and dates, no organisation) and joined on the project
id. Column aliases are data (``horizon_columns.csv``: field, rank, the files an alias applies
to, its languages), organisation types too (``horizon_org_types.csv``).

Rules, each written once here:

- **agreement_id** is the project id. Where it is missing (blank or ``0``, as in the real
  NZ/CA/Pacific workbook) it is ``<framework>:<acronym>`` (``FP7:HAIC``); two distinct projects
  (framework, acronym, title, start, end) sharing that get ``:<start date>`` added, and a title
  hash if still equal: distinct projects are never merged.
- **The home organisation** (``home=``: PICs and names, one or several): rows with one of its
  PICs, rows without a PIC under one of its names (given, on its rows, their short names),
  then rows without a PIC whose organisation :func:`~kvanalytics.normalise.match_institutions`
  matches to those names on the same name (``exact alias``: ``Univ. of Oslo``); weaker
  evidence (``contained alias``, ``fuzzy``, ``review``) stays a partner, named in a note.
  A row with another PIC is another organisation, whatever its name.
- **The PIC in ``id``**: CORDIS ``organization.csv`` before 2021 (``projectID;...;role;id;
  name``) holds the PIC in ``id``; read so only in a participation file whose project id is
  in another column (``id`` of a project file is the project).
- **One tie per organisation per project**: an organisation is its PIC, else its folded name;
  a repeat (same PIC or same folded name in one project) is rejected as ``duplicate_tie``, the
  first row kept.
- **value_eur** is the home organisation's EC contribution to the project per year of the
  project: ``contribution / ((end - start + 1 day) / 365.25 days)``, the same on every tie of
  the project (exposure and impact count it once per agreement). NA when the home row has no
  contribution or the project no end.
- **Row accounting**: every row of a participation file is a tie, a home row, a row of a
  project the home organisation is not in (``other``), or a reject: ``read = ties + home +
  other + rejected`` (a project file's rows are not counted: they describe projects). Only
  rows without a project or an organisation, and totals rows, are rejected outside the home's
  projects; values (dates, countries, money) are checked on the home's projects only.
- **Totals rows** are ``summary_row``: a row without a project or an organisation whose first
  label is a summary word (``summary_words.csv``: ``Total``, ``Totaal``, ``Totalt``) or that
  holds only numbers, and a row whose organisation is a summary word with no PIC and no
  country (``Subtotaal`` under a project; ``TOTAL RAFFINAGE CHIMIE``, FR, stays a partner).
- **Dates from a project file**: a participation file without ``startDate``/``endDate`` and no
  project file given is an error naming the project file (one beside it, if any), never a
  reject per row; a row's own value wins over the project file's (counted in a note); a
  project missing from the project file is rejected ``missing_value`` naming the file.
"""

from __future__ import annotations

import difflib
import hashlib
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, overload

import numpy as np
import pandas as pd
from python_calamine import CalamineWorkbook

from .. import schemas
from ..config import PACKAGE_DATA
from ..errors import IngestError
from ..normalise import fold, match_institutions, normalise_pic
from ._fields import Errors, PathLike
from ._grid import HEADER_SCAN_ROWS, Grid, read_grid
from ._headers import HeaderDecision, HeaderMapping, vote_language
from ._report import Failures, Ingested, IngestReport, file_entry, rejects_from, rejects_message
from ._values import (
    is_summary_label,
    parse_country,
    parse_dates,
    parse_numbers,
    parse_text,
    trim_column,
)

__all__ = ["HorizonReport", "read_horizon"]

#: ``partner_type`` values (DESIGN.md); the schema's own dtype wins once it has the column.
PARTNER_TYPES = ("education", "research", "company", "public", "hospital", "other")
#: Identifier columns of the partnerships table added after the schema's when it lacks them.
EXTRA_COLUMNS = ("partner_type", "erasmus_code", "pic", "ror")
#: Fields read over their distinct values (dictionary-encoded by Arrow in a large CSV).
_REPEATING = frozenset(
    {"framework", "acronym", "title", "pic", "organisation", "short_name", "country"}
    | {"country_name", "org_type", "role", "start", "end"}
)
_DAYS_PER_YEAR = 365.25
_ONE_DAY = pd.Timedelta(days=1)
_PIC = re.compile(r"^\s*\d{9}\s*$")


@dataclass(frozen=True)
class HorizonReport(IngestReport):
    """What :func:`read_horizon` read: ``read = accepted (ties) + home_rows + other_rows + rejected``.

    Attributes
    ----------
    home : dict
        The home organisation as found: ``query``, ``pic`` (list), ``names`` (list), ``projects``.
    home_rows : int
        The home organisation's own rows (one per project; they give the money, not a tie).
    other_rows : int
        Rows of projects the home organisation is not in.
    notes : tuple of str
        Decisions over all files (ids built, PICs filled from a directory sheet, types unknown).
    """

    home: dict[str, Any] = field(default_factory=dict)
    home_rows: int = 0
    other_rows: int = 0
    agreements: int = 0
    notes: tuple[str, ...] = ()

    @property
    def ties(self) -> int:
        """Rows accepted as ties (``accepted``)."""
        return self.accepted

    def to_dict(self) -> dict[str, Any]:
        """The summary as plain JSON-able data (the CLI's ``--json`` output)."""
        return {
            "read": self.read,
            "ties": self.accepted,
            "agreements": self.agreements,
            "home_rows": self.home_rows,
            "other_rows": self.other_rows,
            "rejected": self.rejected,
            "by_reason": dict(self.by_reason),
            "home": dict(self.home),
            "notes": list(self.notes),
        }

    def __str__(self) -> str:
        h = self.home
        lines = [
            f"horizon: read {self.read:,} = {_count(self.accepted, 'tie')} + "
            f"{_count(self.home_rows, 'home row')} + {_count(self.other_rows, 'row')} of other "
            f"projects + {self.rejected:,} rejected",
            f"  home: {', '.join(h.get('names', []))} (PIC {', '.join(h.get('pic', [])) or 'none'})"
            f"; {_count(h.get('projects', 0), 'project')}, {self.agreements:,} with ties",
        ]
        lines += [f"  rejected {n:,} × {r}" for r, n in self.by_reason.items()]
        lines += [f"  - {n}" for n in self.notes]
        for f in self.files:
            where = f["file"] + (f" [{f['sheet']}]" if f.get("sheet") else "")
            lines.append(f"  {where}: header on row {f['header_row']}")
            lines += [f"    - {n}" for n in f["notes"]]
            if f["unmapped"]:
                lines.append(f"    - ignored columns: {', '.join(f['unmapped'])}")
        return "\n".join(lines)


@overload
def read_horizon(
    paths: PathLike | Sequence[PathLike],
    *,
    home: str | Sequence[str],
    errors: Literal["raise"] = ...,
    sheet: str | None = ...,
    faculty: str = ...,
    dayfirst: bool | None = ...,
) -> pd.DataFrame: ...
@overload
def read_horizon(
    paths: PathLike | Sequence[PathLike],
    *,
    home: str | Sequence[str],
    errors: Literal["collect"],
    sheet: str | None = ...,
    faculty: str = ...,
    dayfirst: bool | None = ...,
) -> Ingested: ...
def read_horizon(
    paths: PathLike | Sequence[PathLike],
    *,
    home: str | Sequence[str],
    errors: Errors = "raise",
    sheet: str | None = None,
    faculty: str = "Central",
    dayfirst: bool | None = None,
) -> pd.DataFrame | Ingested:
    """Read Horizon participation tables into the home organisation's partnerships (ties).

    Parameters
    ----------
    paths : path or sequence of paths
        CSV or XLSX files of one row per project × participant (CORDIS open data, a Horizon
        Dashboard export, a sheet of one's own). Several files are read as one table (a project
        in two files is one project). A project file among them (CORDIS ``project.csv`` or
        ``.xlsx``: a project id and dates, no organisation column) gives the participation
        rows their dates, acronym, title and framework by project id, in any order:
        ``read_horizon(["organization.csv", "project.csv"], home=...)``.
    home : str or sequence of str
        The home organisation: a PIC (9 digits) or its name, compared folded (case, accents,
        punctuation and spacing ignored); or several, each a PIC or a name it is also written
        by: ``["NTNU", "Norges teknisk-naturvitenskapelige universitet"]``, ``["999912345",
        "UvH"]``. Its rows are those with one of its PICs, and rows without a PIC under one
        of its names (given, or on its PIC's rows, with their short names). Then every other
        organisation without a PIC is compared with all those names by the project's name
        matcher (:func:`kvanalytics.normalise.match_institutions`): a ``match`` (``Univ. of
        Oslo`` for ``Universitetet i Oslo``) is the home, named in a note; a ``review``
        (``University of Humanistic Studies``) stays a partner, named in a note so that you
        can check it and add the name to ``home``. An abbreviation (``UvH``) is found only
        when given. Names without PICs held by organisations with different PICs, or none
        found, raise an :class:`IngestError` listing the candidates with their PICs.
    errors : {"raise", "collect"}
        ``"raise"``: the ties, or one error listing the rejects. ``"collect"``: an
        :class:`Ingested` (ties, rejects, :class:`HorizonReport`).
    sheet : str, optional
        Workbook sheet; by default the one sheet holding a project and an organisation column.
    faculty : str
        The ``faculty`` of every tie (the owning unit), ``Central`` by default.
    dayfirst : bool, optional
        Force the date order; by default read from the data (``31/08/2023`` is day-first), and
        day-first where nothing tells (CORDIS and the Dashboard write dates day-first).

    Returns
    -------
    pandas.DataFrame or Ingested
        The canonical partnerships columns (kind ``research``, level ``institutional``, status
        NA, ``value_eur`` the home's EC contribution per year of the project), then
        ``partner_type`` (from the organisation type: HES education, REC research, PRC company,
        PUB public, OTH other), ``erasmus_code``, ``pic`` and ``ror`` where the schema lacks them.

    Examples
    --------
    >>> import kvanalytics as kv
    >>> ties = kv.read_horizon("cordis_participations.xlsx", home="998082180")  # doctest: +SKIP
    >>> ties = kv.read_horizon(["organization.csv", "project.csv"], home="999912345")  # doctest: +SKIP
    >>> ties = kv.read_horizon("eu_prosjekter.xlsx", home=["NTNU", "Norges teknisk-naturvitenskapelige universitet"])  # doctest: +SKIP
    >>> ties.groupby("country")["agreement_id"].nunique()  # doctest: +SKIP
    """
    if errors not in ("raise", "collect"):
        raise ValueError(f"errors={errors!r}: use 'raise' or 'collect'")
    path_list = [paths] if isinstance(paths, str | Path) else list(paths)
    if not path_list:
        raise IngestError("no input files given")
    _home_queries(home)  # an empty home fails before any file is read
    files = [_read_file(Path(p), sheet) for p in path_list]
    parts = [f for f in files if f.kind == "participations"]
    projects = [f for f in files if f.kind == "projects"]
    if not parts:
        raise IngestError(
            f"{', '.join(str(f.grid.path) for f in projects)}: project files only (one row per "
            "project, no organisation column); give the participation file too (CORDIS "
            "organization.csv): read_horizon([organization.csv, project.csv], home=...)"
        )
    _need_dates(parts, projects)
    rows = _Rows.concat(parts)
    notes = _join_projects(rows, projects)
    for f in parts if projects else ():  # the dates came with them
        f.notes[:] = [n for n in f.notes if not n.startswith(_NO_DATES)]
    result = _ties(rows, parts, home, faculty, dayfirst, projects, notes)
    if errors == "collect":
        return result
    if len(result.rejects):
        raise IngestError(rejects_message(result.report, result.rejects), rejects=result.rejects)
    return result.table


# --------------------------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------------------------


_UNIT = re.compile(r"\(.*?\)|\[.*?\]")


def _hkey(text: str) -> str:
    """A header's comparison key: a bracketed unit dropped, folded, letters and digits only
    (``projectID`` = ``project_id``, ``EU-bijdrage (€)`` = ``EU-bijdrage``)."""
    return re.sub(r"[^a-z0-9]+", "", fold(_UNIT.sub("", str(text))))


def _name_key(text: str) -> str:
    """An organisation name's comparison key: folded, punctuation as one space."""
    return re.sub(r"[^a-z0-9]+", " ", fold(text)).strip()


#: Which files an alias of ``horizon_columns.csv`` applies to (its ``files`` column).
AliasFiles = Literal["any", "projects", "organisations"]


@lru_cache(maxsize=3)
def _aliases(files: AliasFiles = "any") -> dict[str, tuple[str, int, frozenset[str]]]:
    """Header key -> (field, rank, languages) from ``horizon_columns.csv``; a key in two fields
    fails. The languages vote for the file's language (its decimal mark where cells say none).

    ``files``: also the aliases only a project file (``projects``: CORDIS ``project.csv``'s
    ``id``) or only an organisation file (``organisations``: the PIC in the ``id`` column of
    the CORDIS ``organization.csv`` before 2021) has."""
    df = pd.read_csv(PACKAGE_DATA / "horizon_columns.csv", dtype=str, keep_default_na=False)
    bad = set(df["files"]) - {"any", "projects", "organisations"}
    if bad:
        raise IngestError(
            f"horizon_columns.csv: files {sorted(bad)} not 'any', 'projects' or 'organisations'"
        )
    df = df[df["files"].isin({"any", files})]
    out: dict[str, tuple[str, int, frozenset[str]]] = {}
    for f, h, r, lang in df[["field", "header", "rank", "language"]].itertuples(index=False):
        k = _hkey(h)
        if k in out and out[k][0] != f:
            raise IngestError(f"horizon_columns.csv: {h!r} maps to {out[k][0]} and {f}")
        out[k] = (f, int(r), frozenset(lang.split()))
    return out


@lru_cache(maxsize=1)
def _org_types() -> dict[str, str]:
    """Organisation type key (code or name) -> partner_type, from ``horizon_org_types.csv``."""
    df = pd.read_csv(PACKAGE_DATA / "horizon_org_types.csv", dtype=str, keep_default_na=False)
    bad = set(df["partner_type"]) - set(PARTNER_TYPES)
    if bad:
        raise IngestError(
            f"horizon_org_types.csv: partner types {sorted(bad)} not in {PARTNER_TYPES}"
        )
    return {_name_key(v): t for v, t in zip(df["value"], df["partner_type"], strict=True)}


def _partner_type_dtype() -> pd.CategoricalDtype:
    dtype = schemas.PARTNERSHIPS.get("partner_type")
    if isinstance(dtype, pd.CategoricalDtype):
        return dtype
    return pd.CategoricalDtype(list(PARTNER_TYPES))


# --------------------------------------------------------------------------------------------
# One file: the sheet, the header row, the fields
# --------------------------------------------------------------------------------------------


def _probe(row: Sequence[Any], files: AliasFiles = "any") -> dict[int, str]:
    """Header cells of a row recognised as Horizon fields (position -> field, every rank);
    ``files``: with the aliases of a project file or of an organisation file too."""
    aliases = _aliases(files)
    out = {}
    for i, cell in enumerate(row):
        hit = aliases.get(_hkey(cell)) if str(cell).strip() else None
        if hit:
            out[i] = hit[0]
    return out


Kind = Literal["participations", "projects"]


def _layout(fields: set[str]) -> Kind | None:
    """``participations``: a project (id, acronym or title) and an organisation (PIC or name);
    ``projects``: a project file (CORDIS ``project.csv``): a project id and its dates, no
    organisation."""
    if fields & {"project_id", "acronym", "title"} and fields & {"pic", "organisation"}:
        return "participations"
    if "project_id" in fields and fields & {"start", "end"}:
        return "projects"
    return None


def _holds_layout(fields: set[str]) -> bool:
    """A participation table: a project (id, acronym or title) and an organisation (PIC or name)."""
    return _layout(fields) == "participations"


def _header_map(row: Sequence[Any]) -> tuple[Kind | None, dict[int, str]]:
    """A row read as a header: the layout it opens and its fields (a project file's aliases
    only where the row holds no organisation column, an organisation file's only where it
    holds a project id column: ``projectID;...;id;name`` of CORDIS before 2021)."""
    m = _probe(row)
    kind = _layout(set(m.values()))
    if kind is None:
        m = _probe(row, "projects")
        kind = _layout(set(m.values()))
        if kind != "projects":
            return None, {}
    files = _alias_files(kind, m)
    return kind, m if files != "organisations" else _probe(row, files)


def _alias_files(kind: Kind, fields: dict[int, str]) -> AliasFiles:
    """The aliases a header of this layout is read with: a project file's (``id`` is the
    project), an organisation file's where a participation header has its project id in
    another column (``id`` is the PIC), else the common ones (``id`` is ignored)."""
    if kind == "projects":
        return "projects"
    return "organisations" if "project_id" in fields.values() else "any"


def _best_row(rows: Sequence[Sequence[Any]]) -> tuple[int, dict[int, str], Kind | None]:
    """The first of the top rows recognising the most fields, participation tables first
    (-1 when no row holds a layout)."""
    best, best_map, best_kind = -1, dict[int, str](), None
    for i, r in enumerate(rows[:HEADER_SCAN_ROWS]):
        kind, m = _header_map(r)
        if kind is None:
            continue
        better = (kind == "participations", len(set(m.values())))
        now = (best_kind == "participations", len(set(best_map.values())))
        if best < 0 or better > now:
            best, best_map, best_kind = i, m, kind
    return best, best_map, best_kind


def _workbook_sheets(path: Path, sheet: str | None) -> tuple[str | None, list[str]]:
    """For a workbook: the participation sheet (else the one project sheet), and the directory
    sheets (PIC + name, no project).

    Only the top rows of each sheet are read here; the chosen sheets are read by ``read_grid``.
    """
    with path.open("rb") as fh:
        if fh.read(4) != b"PK\x03\x04":
            return sheet, []
    try:
        wb = CalamineWorkbook.from_path(str(path))
        heads = {
            s: wb.get_sheet_by_name(s).to_python(nrows=HEADER_SCAN_ROWS) for s in wb.sheet_names
        }
    except Exception:  # not readable by calamine: read_grid says why (or falls back)
        return sheet, []
    kinds = {s: _best_row(rows)[2] for s, rows in heads.items()}
    holding = [s for s, k in kinds.items() if k == "participations"]
    if not holding:
        holding = [s for s, k in kinds.items() if k == "projects"]
    directory = []
    for s, rows in heads.items():
        fields = {f for r in rows[:HEADER_SCAN_ROWS] for f in _probe(r).values()}
        if {"pic", "organisation"} <= fields and not fields & {"project_id", "acronym", "title"}:
            directory.append(s)
    if sheet is not None:
        return sheet, [d for d in directory if d != sheet]
    if len(holding) > 1:
        raise IngestError(
            f"{path}: sheets {', '.join(map(repr, holding))} all hold a participation table "
            "(a project and an organisation column); choose one with sheet=... (--sheet)",
            path=str(path),
        )
    if not holding:
        raise IngestError(
            f"{path}: no sheet holds a participation table (a project column such as projectID "
            "or project_id and an organisation column such as PIC, Organisation or legal_name) "
            f"or a project file (id, startDate, endDate); sheets: {', '.join(map(repr, heads))}",
            path=str(path),
        )
    return holding[0], directory


@dataclass
class _File:
    """One file read: the grid, its header row, the text of each field, provenance, notes.

    ``kind``: ``participations`` (one row per project × participant) or ``projects`` (a
    project file such as CORDIS ``project.csv``: one row per project, giving the dates)."""

    grid: Grid
    header_row: int
    header: HeaderMapping
    text: dict[str, pd.Series]  # field -> text (NA where blank), one entry per record
    body: np.ndarray  # each record's row in grid.cells
    blank: int
    notes: list[str]
    directory: dict[str, str]  # folded organisation name -> PIC, from a directory sheet
    kind: Kind = "participations"

    @property
    def rows(self) -> int:
        return len(self.body)


def _read_file(path: Path, sheet: str | None) -> _File:
    """One file: sheet, header row, mapping (by rank), trimmed text of each mapped field."""
    chosen, directory_sheets = _workbook_sheets(path, sheet) if path.exists() else (sheet, [])

    def probe(row: Sequence[Any]) -> dict[int, str]:
        return _header_map(row)[1]

    grid = read_grid(path, "partnerships", probe, sheet=chosen, repeating=_REPEATING)
    top = [
        list(grid.cells.iloc[i].astype(object).fillna(""))
        for i in range(min(len(grid.cells), HEADER_SCAN_ROWS))
    ]
    row, _, kind = _best_row(top)
    if row < 0 or kind is None:
        raise IngestError(
            f"{grid.path}: no header row with a project column (projectID, project_id, "
            "projectAcronym) and an organisation column (PIC, organisationID, Organisation, "
            "name, legal_name) in the first rows, nor a project file's (id, startDate, endDate); "
            "is this a Horizon participation table? Of a CORDIS download give organization and "
            "project only (not euroSciVoc, legalBasis, topics, webLink ...).",
            path=str(grid.path),
        )
    files = _alias_files(kind, _probe(top[row]))
    header, notes = _map_header(top[row], files)
    if files == "organisations":
        only = set(_aliases(files)) - set(_aliases())
        notes += [
            f"{header.cells[i]!r} gives {f}: an organisation file (CORDIS before 2021), whose "
            f"project id is {header.cells[next(j for j, g in header.mapping.items() if g == 'project_id')]!r}"
            for i, f in header.mapping.items()
            if _hkey(header.cells[i]) in only
        ]
    cells = grid.cells.iloc[row + 1 :]
    trimmed = {int(i): trim_column(cells[i].reset_index(drop=True)) for i in cells.columns}
    filled = [t[1] for t in trimmed.values()]
    nonblank = np.logical_or.reduce(filled) if filled else np.zeros(len(cells), bool)
    body = np.flatnonzero(nonblank) + row + 1
    everything = bool(nonblank.all())
    text = {
        f: parse_text(
            trimmed[i][0] if everything else trimmed[i][0][nonblank].reset_index(drop=True)
        )
        for i, f in header.mapping.items()
    }
    directory = _directory(path, directory_sheets)
    if directory:
        notes.append(
            f"directory sheet(s) {', '.join(directory_sheets)}: {_count(len(directory), 'PIC')} by name"
        )
    fields = set(header.mapping.values())
    if kind == "projects":
        notes.append(
            "a project file (one row per project): gives start, end, acronym, title and "
            "framework to the participation rows of the files read with it, by project id"
        )
    elif not fields & {"start", "end"}:
        notes.append(
            f"{_NO_DATES} (no startDate or endDate column): read it with its project file, "
            f"read_horizon([{path.name!r}, 'project.csv'], ...)"
        )
    blank = int((~nonblank).sum())
    return _File(grid, row, header, text, body, blank, notes, directory, kind)


def _map_header(cells: list[Any], files: AliasFiles = "any") -> tuple[HeaderMapping, list[str]]:
    """Header cells -> fields; of several headers for one field the lowest rank wins, the others
    are ignored with a note; two of the same rank fail with the ``sheet``/column remedy.
    ``files``: a project file's or an organisation file's header (their aliases too)."""
    aliases = _aliases(files)
    cells = [str(c) for c in cells]
    claims: dict[str, list[tuple[int, int, str]]] = {}
    langs: dict[int, frozenset[str]] = {}
    for i, c in enumerate(cells):
        hit = aliases.get(_hkey(c)) if c.strip() else None
        if hit:
            claims.setdefault(hit[0], []).append((hit[1], i, c))
            langs[i] = hit[2]
    mapping: dict[int, str] = {}
    notes = []
    why: dict[int, str] = {}
    for f, cl in claims.items():
        cl.sort()
        if len(cl) > 1 and cl[0][0] == cl[1][0]:
            raise IngestError(
                f"headers {cl[0][2]!r} and {cl[1][2]!r} both name the Horizon field {f}; "
                "rename or remove one of the columns"
            )
        mapping[cl[0][1]] = f
        notes += [f"{h!r} ignored: {cl[0][2]!r} gives {f}" for _, _, h in cl[1:]]
        why.update({i: f"{cl[0][2]!r} gives {f} (a weaker alias)" for _, i, _ in cl[1:]})
    decisions = tuple(
        HeaderDecision(
            i,
            c,
            mapping.get(i),
            "horizon alias" if i in mapping else "ignored",
            note=why.get(i, ""),
        )
        for i, c in enumerate(cells)
        if c.strip()
    )
    unmapped = [c for i, c in enumerate(cells) if c.strip() and i not in mapping]
    language = vote_language([langs[i] for i in mapping if langs[i]])
    return HeaderMapping(cells, mapping, language, unmapped, decisions), notes


def _directory(path: Path, sheets: list[str]) -> dict[str, str]:
    """Folded name -> PIC from directory sheets (``Orgs_summary``), names with one PIC only."""
    pairs = []
    for s in sheets:
        g = read_grid(path, "partnerships", _probe, sheet=s)
        top = [
            list(g.cells.iloc[i].astype(object).fillna(""))
            for i in range(min(len(g.cells), HEADER_SCAN_ROWS))
        ]
        best = max(range(len(top)), key=lambda i: len(_probe(top[i])), default=-1)
        if best < 0:
            continue
        m = {f: i for i, f in _probe(top[best]).items()}
        if "pic" not in m or "organisation" not in m:
            continue
        body = g.cells.iloc[best + 1 :]
        pic = normalise_pic(body[m["pic"]].astype(object))
        name = body[m["organisation"]].astype(object)
        pairs.append(
            pd.DataFrame({"key": [_name_key(str(n)) for n in name], "pic": pic.to_numpy()})
        )
    if not pairs:
        return {}
    df = pd.concat(pairs).dropna().drop_duplicates()
    df = df[df["key"] != ""]
    one = df.groupby("key")["pic"].transform("nunique") == 1
    return dict(zip(df.loc[one, "key"], df.loc[one, "pic"], strict=True))


# --------------------------------------------------------------------------------------------
# Project files: the dates a CORDIS organization.csv lacks
# --------------------------------------------------------------------------------------------

_NO_DATES = "no project dates"
_SHEETS = frozenset({".csv", ".xlsx", ".xls", ".xlsm", ".ods", ".txt"})
#: The project fields a project file gives the participation rows, joined on the project id.
_PROJECT_FIELDS = ("start", "end", "acronym", "title", "framework")


def _need_dates(parts: Sequence[_File], projects: Sequence[_File]) -> None:
    """A participation file without project dates (CORDIS ``organization.csv``) needs a
    project file: raise naming it (and any project file beside it) rather than reject every row."""
    if projects:
        return
    for f in parts:
        if {"start", "end"} & set(f.header.mapping.values()):
            continue
        path = Path(f.grid.path)
        near = sorted(
            (p for p in path.parent.glob("*project*") if p != path and p.suffix.lower() in _SHEETS),
            key=lambda p: (-len(os.path.commonprefix([p.name, path.name])), p.name),  # noqa: RUF071 (names, by character: fp7_ before h2020_)
        )
        beside = f"; beside it: {', '.join(p.name for p in near)}" if near else ""
        other = str(near[0]) if near else "project.csv"
        raise IngestError(
            f"{path}: no project dates (no startDate or endDate column). A CORDIS "
            "organization file lists the participants only; the dates are in the project file "
            f"of the same download (project.csv or project.xlsx{beside}). Give both: "
            f"kv.read_horizon([{str(path)!r}, {other!r}], home=...) or "
            f"kvanalytics ingest horizon {path} {other} --home ... . A sheet of your own: add "
            "a Start and an End column (the project's dates).",
            path=str(path),
        )


def _join_projects(rows: _Rows, projects: Sequence[_File]) -> list[str]:
    """Dates, acronym, title and framework from the project files, by project id, where the
    participation rows have none (a row's own value stays); notes of what was joined."""
    if not projects:
        return []
    na = pd.Series(dtype=schemas.TEXT)
    proj = pd.concat(
        [
            pd.DataFrame({c: f.text.get(c, na) for c in ("project_id", *_PROJECT_FIELDS)})
            for f in projects
        ],
        ignore_index=True,
    ).astype(schemas.TEXT)
    proj = proj[proj["project_id"].notna()].drop_duplicates()
    clash = proj["project_id"].duplicated(keep="first")
    proj = proj[~clash].set_index("project_id")
    t = rows.text
    key = t["project_id"]
    codes, uniq = pd.factorize(key)  # over the distinct ids: a project has ten rows or so
    upos = proj.index.get_indexer(pd.Index(uniq, dtype=object))
    pos = np.append(upos, -1)[codes]  # code -1 (no id): the -1 appended
    found = pos >= 0
    kept = 0
    for c in _PROJECT_FIELDS:
        own = _objects(t[c])
        have = pd.notna(own)
        if have.all():
            continue
        looked = np.append(_objects(proj[c]), np.array([None], dtype=object))[
            pos
        ]  # pos -1: the None appended
        both = have & found & pd.notna(looked)
        kept += int((own[both] != looked[both]).sum())
        t[c] = pd.Series(np.where(have, own, looked), index=t.index, dtype=schemas.TEXT)
    names = ", ".join(Path(f.grid.path).name for f in projects)
    notes = [
        f"project file(s) {names}: {_count(len(proj), 'project')}; start, end, acronym, title "
        f"and framework joined on the project id for {int(found.sum()):,} of "
        f"{_count(len(t), 'row')}"
    ]
    rows.unjoined = ~found & (codes >= 0)  # counted in a note once totals rows are known
    if clash.any():
        notes.append(
            f"project file(s) {names}: {_count(int(clash.sum()), 'project id')} listed twice with "
            "different values; the first is used"
        )
    if kept:
        notes.append(
            f"{_count(kept, 'value')} of the participation rows differ from the project file's; "
            "the rows' own are kept"
        )
    return notes


# --------------------------------------------------------------------------------------------
# All files' rows
# --------------------------------------------------------------------------------------------


@dataclass
class _Rows:
    """Every record of every file: field texts (NA where blank or absent) and provenance."""

    text: pd.DataFrame
    file_of: np.ndarray  # index into the files of each record
    provenance: pd.DataFrame  # source_file, source_sheet, source_row
    directory: dict[str, str]
    #: Rows whose project id a project file read with them lacks (set by ``_join_projects``).
    unjoined: np.ndarray | None = None

    @classmethod
    def concat(cls, files: Sequence[_File]) -> _Rows:
        fields = sorted({hit[0] for hit in _aliases().values()})
        parts, prov = [], []
        for f in files:
            n = f.rows
            na = pd.Series(pd.array([pd.NA] * n, dtype=schemas.TEXT))
            parts.append(pd.DataFrame({c: f.text.get(c, na) for c in fields}))
            prov.append(
                pd.DataFrame(
                    {
                        "source_file": pd.array([str(f.grid.path)] * n, dtype=schemas.TEXT),
                        "source_sheet": pd.array([f.grid.sheet] * n, dtype=schemas.TEXT),
                        "source_row": pd.array(f.grid.line[f.body], dtype="Int64"),
                    }
                )
            )
        text = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
        directory: dict[str, str] = {}
        for f in files:
            directory.update(f.directory)
        file_of = np.repeat(np.arange(len(files)), [f.rows for f in files])
        provenance = pd.concat(prov, ignore_index=True) if len(prov) > 1 else prov[0]
        return cls(text.astype(schemas.TEXT), file_of, provenance, directory)


def _project_ids(t: pd.DataFrame) -> tuple[pd.Series, list[str]]:
    """The agreement id of each row: the project id, else built from framework and acronym."""
    pid = t["project_id"]
    missing = (pid.isna() | pid.str.fullmatch(r"0+").fillna(False)).to_numpy(bool)
    ids = pid.mask(missing)
    if not missing.any():
        return ids, []
    cols = ["framework", "acronym", "title", "start", "end"]
    sub = t.loc[missing, cols].fillna("")
    proj = sub.drop_duplicates().reset_index(drop=True)
    proj = proj[(proj["acronym"] != "") | (proj["title"] != "")].reset_index(drop=True)
    base = np.where(proj["acronym"] != "", proj["acronym"], "title-" + _digest(proj["title"]))
    base = np.where(proj["framework"] != "", proj["framework"] + ":" + base, base)
    pid_new = pd.Series(base, dtype=object)
    clash = pid_new.duplicated(keep=False)
    pid_new[clash] = pid_new[clash] + ":" + proj.loc[clash, "start"]
    clash = pid_new.duplicated(keep=False)
    pid_new[clash] = pid_new[clash] + ":" + _digest(proj.loc[clash, "title"])
    proj["_id"] = pid_new.to_numpy()
    built = sub.merge(proj, on=cols, how="left")["_id"].to_numpy(object)
    ids = ids.astype(object)
    ids[missing] = built
    ids = pd.Series(ids, dtype=schemas.TEXT)
    n_clash = int(pid_new.str.count(":").gt(1).sum())
    n_missing = int(missing.sum())
    note = (
        f"agreement_id: {_count(n_missing, 'row')} {'has' if n_missing == 1 else 'have'} no "
        f"project id (blank or 0); their {_count(len(proj), 'project')} (framework, acronym, title, start, end) are named "
        "<framework>:<acronym>"
        + (f", {n_clash} of them with their start date added (acronym shared)" if n_clash else "")
    )
    return ids, [note]


def _objects(s: pd.Series) -> np.ndarray:
    """A Series as an object array with None for NA (numpy comparisons, ``np.isin``)."""
    return s.to_numpy(dtype=object, na_value=None)  # type: ignore[call-overload]


def _digest(s: pd.Series) -> pd.Series:
    """8 hex digits of each text's SHA-1 (stable across runs and machines)."""
    return pd.Series(
        [hashlib.sha1(str(x).encode()).hexdigest()[:8] for x in s], index=s.index, dtype=object
    )


def _identities(rows: _Rows) -> tuple[pd.Series, pd.Series, list[str]]:
    """Each row's PIC (9 digits, NA for none or 0; from a directory sheet by name where the row
    has none) and folded name, over distinct values."""
    t = rows.text
    codes, uniq = pd.factorize(t["pic"], use_na_sentinel=True)
    pic_u = [*_objects(normalise_pic(pd.Series(uniq, dtype=object))), None]
    pic = pd.Series(np.array(pic_u, dtype=object)[codes], dtype=schemas.TEXT)
    codes, uniq = pd.factorize(t["organisation"], use_na_sentinel=True)
    key_u = np.array([_name_key(str(u)) or pd.NA for u in uniq] + [pd.NA], dtype=object)
    nkey = pd.Series(key_u[codes], dtype=schemas.TEXT)
    notes = []
    bad = t["pic"].notna() & pic.isna() & ~t["pic"].str.fullmatch(r"0+").fillna(False)
    if bad.any():
        notes.append(
            f"pic: {_count(int(bad.sum()), 'value')} "
            f"{'is not a 9-digit PIC' if int(bad.sum()) == 1 else 'are not 9-digit PICs'} "
            "(kept as NA), e.g. "
            f"{t.loc[bad, 'pic'].iloc[0]!r}"
        )
    if rows.directory and pic.isna().any():
        fill = nkey.map(rows.directory).astype(schemas.TEXT)
        take = pic.isna() & fill.notna()
        if take.any():
            pic = pic.mask(take, fill)
            notes.append(
                f"pic: {_count(int(take.sum()), 'row')} without a PIC got theirs from the "
                "directory sheet by name"
            )
    return pic, nkey, notes


# --------------------------------------------------------------------------------------------
# The home organisation
# --------------------------------------------------------------------------------------------


def _organisations(pic: pd.Series, name: pd.Series, rows: np.ndarray) -> pd.DataFrame:
    """Distinct (name, PIC) of the given rows with their row counts, most rows first."""
    df = pd.DataFrame({"name": name[rows].astype(object), "pic": pic[rows].astype(object)})
    out = df.fillna("").value_counts().rename("rows").reset_index()
    return out.sort_values(["rows", "name"], ascending=[False, True], kind="stable")


def _candidates(orgs: pd.DataFrame, n: int = 10) -> str:
    return "; ".join(
        f"{name or '(no name)'} (PIC {pic or 'none'}, {_count(int(rows), 'row')})"
        for name, pic, rows in orgs.head(n)[["name", "pic", "rows"]].itertuples(index=False)
    )


def _home_queries(home: str | Sequence[str]) -> tuple[list[str], list[str]]:
    """``home`` as (PICs, names): one text or several, each a PIC (9 digits) or a name."""
    items = [home] if isinstance(home, str) else list(home)
    texts = [str(h).strip() for h in items]
    if not texts or not all(texts):
        raise IngestError(
            f"home is empty ({home!r}): give the home organisation's PIC (9 digits) or name, or "
            "several: home=['999912345', 'NTNU', 'Norges teknisk-naturvitenskapelige universitet']"
        )
    pics = list(dict.fromkeys(h for h in texts if _PIC.match(h)))
    return pics, list(dict.fromkeys(h for h in texts if not _PIC.match(h)))


def _resolve_home(
    home: str | Sequence[str],
    pic: pd.Series,
    nkey: pd.Series,
    name: pd.Series,
    short: pd.Series,
    ids: pd.Series,
    valid: np.ndarray,
    directory: dict[str, str],
) -> tuple[np.ndarray, dict[str, Any], list[str]]:
    """Rows of the home organisation: by its PICs (then by the names a directory sheet gives
    them), else by its names folded; plus rows without a PIC under one of its names, then
    those the name matcher finds the home (:func:`_match_home`). Raises when not found or
    ambiguous, listing candidate organisations with their PICs."""
    notes: list[str] = []
    pic_np = _objects(pic)
    key_np = _objects(nkey)
    no_pic = pic.isna().to_numpy(bool)
    where = np.flatnonzero(valid)
    pics, given = _home_queries(home)
    given_keys = [k for k in (_name_key(g) for g in given) if k]
    if pics:
        mask = np.isin(pic_np, pics)
        if not mask.any():
            names = {k for k, p in directory.items() if p in pics}
            mask = np.isin(key_np, list(names)) & no_pic
            if mask.any():
                notes.append(
                    f"home PIC {', '.join(pics)}: no row carries it; matched by name via the "
                    "directory sheet"
                )
        if not (mask & valid).any():
            raise IngestError(
                f"home={home!r}: no row has PIC {' or '.join(pics)}. Organisations with the most "
                f"rows: {_candidates(_organisations(pic, name, where))}. Give one of these PICs "
                "or names."
            )
    else:
        mask = np.isin(key_np, given_keys)
        if not (mask & valid).any():  # written another way (University of Oslo)?
            mask, same = _match_home(given, name, valid, _objects(ids), mask)
            notes += [n for n in same if "is the home organisation" in n]
        if not (mask & valid).any():
            raise IngestError(_not_found(home, given_keys, key_np, pic, name, where))
        pics = sorted({p for p in pic_np[mask & valid] if p is not None})
        if len(pics) > 1:
            raise IngestError(
                f"home={home!r} is ambiguous: organisations of that name have different PICs: "
                f"{_candidates(_organisations(pic, name, np.flatnonzero(mask & valid)))}. "
                "Give the PIC."
            )
    by_pic = np.isin(pic_np, pics) if pics else np.zeros(len(pic_np), bool)
    names = {k for k in key_np[mask | by_pic] if k is not None} | set(given_keys)
    by_name = np.isin(key_np, list(names)) & no_pic
    extra = int((by_name & ~mask & ~by_pic).sum())
    if extra:
        notes.append(f"home: {_count(extra, 'row')} without a PIC matched by the home's name")
    mask = mask | by_pic | by_name
    known = [
        *given,
        *(str(n) for n in name[mask].dropna().unique()),
        *(str(n) for n in short[mask].dropna().unique()),
    ]
    matched, match_notes = _match_home(known, name, valid & no_pic & ~mask, _objects(ids), mask)
    mask |= matched
    notes += match_notes
    shown = sorted({str(n) for n in name[mask & valid].dropna()})
    info = {"query": home if isinstance(home, str) else list(home), "pic": pics, "names": shown}
    return mask, info, notes


def _not_found(
    home: str | Sequence[str],
    keys: list[str],
    key_np: np.ndarray,
    pic: pd.Series,
    name: pd.Series,
    where: np.ndarray,
) -> str:
    """The message of a home name not found: the names holding its words, else the closest."""
    words = [set(k.split()) for k in keys]
    names = pd.Series(key_np[where], dtype=object).fillna("")
    near = names.map(lambda k: any(w <= set(k.split()) for w in words)).to_numpy(bool, copy=True)
    if not near.any():  # no name holds every word: the closest spellings
        uniq = names.unique().tolist()
        close = {c for k in keys for c in difflib.get_close_matches(k, uniq, n=5, cutoff=0.6)}
        near = names.isin(close).to_numpy(bool)
    orgs = _organisations(pic, name, where[near] if near.any() else where)
    return (
        f"home={home!r}: no organisation of that name (compared folded). "
        f"{'Candidates' if near.any() else 'Organisations with the most rows'}: "
        f"{_candidates(orgs)}. Give the PIC or the exact name (several names: "
        "home=['NTNU', 'Norges teknisk-naturvitenskapelige universitet'])."
    )


#: Matcher evidence that makes an organisation the home: the same name once normalised
#: (``Univ. of Oslo`` = ``Universitetet i Oslo``). Against the home's names alone there is
#: no competing key to cap weaker evidence, so a ``contained alias`` (``University of Bath
#: Spa`` holds ``University of Bath``) or a ``fuzzy`` match (``Organisation 797`` for
#: ``Organisation 9``) is only named for review.
_HOME_EVIDENCE = frozenset({"identifier", "exact alias"})
#: Organisations named in the review notes, at most (the rest counted).
_REVIEW_NAMED = 10


def _match_home(
    known: Sequence[str], name: pd.Series, rows: np.ndarray, ids: np.ndarray, home: np.ndarray
) -> tuple[np.ndarray, list[str]]:
    """Rows (of ``rows``: no PIC, not yet the home) whose organisation the project's name
    matcher (:func:`~kvanalytics.normalise.match_institutions`) finds to be the home, compared
    with every name the home is known by: a ``match`` on the same name (``_HOME_EVIDENCE``)
    is the home, noted by name; any other ``match`` or ``review`` stays another organisation,
    named in a note for the analyst to check where it is in one of the home's projects
    (``ids`` of the ``home`` rows and of those matched), counted where not."""
    out = np.zeros(len(name), bool)
    idx = np.flatnonzero(rows & name.notna().to_numpy(bool))
    ref_names = list(dict.fromkeys(k for k in known if _name_key(k)))
    if not len(idx) or not ref_names:
        return out, []
    codes, uniq = pd.factorize(name.iloc[idx])
    ref = pd.DataFrame({"key": ["home"] * len(ref_names), "name": ref_names})
    res = match_institutions([str(u) for u in uniq], ref, progress=False)
    counts = np.bincount(codes, minlength=len(uniq))
    decided = res["decision"].to_numpy(object)
    is_home = (decided == "match") & res["method"].isin(_HOME_EVIDENCE).to_numpy(bool)
    out[idx] = is_home[codes]
    home_ids = {i for i in ids[home | out] if i is not None}
    in_ties = np.zeros(len(uniq), bool)
    in_ties[codes[np.isin(ids[idx], list(home_ids))]] = True
    notes, review, elsewhere = [], [], 0
    for u, (n, r) in enumerate(zip(counts, res.itertuples(index=False), strict=True)):
        how = f"{r.method}, score {r.score:.0f}"
        if is_home[u]:
            notes.append(
                f"home: {r.input!r} ({_count(int(n), 'row')}) is the home organisation "
                f"by the name matcher ({how})"
            )
        elif decided[u] in ("match", "review") and in_ties[u]:
            review.append(f"{r.input!r} ({_count(int(n), 'row')}, {how})")
        elif decided[u] in ("match", "review"):
            elsewhere += 1
    if review:
        more = len(review) - _REVIEW_NAMED
        notes.append(
            f"home: {_count(len(review), 'partner')} without a PIC in the home's projects "
            f"{'resembles' if len(review) == 1 else 'resemble'} the home and "
            f"{'is kept as a partner' if len(review) == 1 else 'are kept as partners'}: "
            + "; ".join(review[:_REVIEW_NAMED])
            + (f"; and {more:,} more" if more > 0 else "")
            + ". Check; a name that is the home goes in home=[..., 'name']"
        )
    if elsewhere:
        notes.append(
            f"home: {_count(elsewhere, 'organisation')} of other projects without a PIC "
            f"{'resembles' if elsewhere == 1 else 'resemble'} the home (not the same name); "
            "not counted as the home"
        )
    return out, notes


def _count(n: int, singular: str, plural: str | None = None) -> str:
    """``1 row``, ``2 rows``, ``1,000 rows``: a count with its noun in agreement."""
    return f"{n:,} {singular if n == 1 else plural or singular + 's'}"


# --------------------------------------------------------------------------------------------
# Ties: classification, checks, values
# --------------------------------------------------------------------------------------------


def _ties(
    rows: _Rows,
    files: Sequence[_File],
    home: str | Sequence[str],
    faculty: str,
    dayfirst: bool | None,
    projects: Sequence[_File] = (),
    notes: Sequence[str] = (),
) -> Ingested:
    """Classify every row, check the home's projects, build the ties, rejects and report."""
    if not str(faculty).strip():
        raise IngestError("faculty is empty: give the owning unit, e.g. faculty='Central'")
    t = rows.text
    ids, id_notes = _project_ids(t)
    notes = [*notes, *id_notes]
    pic, nkey, id_notes = _identities(rows)
    notes += id_notes
    t = t.assign(_agreement_id=ids, _kept="")
    fails = Failures(t)
    valid = _usable(t, files, rows, ids, pic, nkey, fails)
    if rows.unjoined is not None and (rows.unjoined & valid).any():
        gone = rows.unjoined & valid  # not the totals rows: they have no project
        n_proj = len(pd.unique(ids[gone]))
        notes.append(
            f"project file(s) {', '.join(Path(f.grid.path).name for f in projects)}: "
            f"{_count(int(gone.sum()), 'row')} of {_count(n_proj, 'project')} not in it"
        )
    home_mask, info, home_notes = _resolve_home(
        home, pic, nkey, t["organisation"], t["short_name"], ids, valid, rows.directory
    )
    notes += home_notes
    home_ids = pd.unique(ids[home_mask & valid])
    in_home = valid & ids.isin(home_ids).to_numpy(bool)
    dup = _duplicates(t, ids, pic, nkey, home_mask, in_home, rows.provenance)
    fails.add(
        dup,
        "organisation",
        "duplicate_tie",
        "{organisation!r} repeats in project {_agreement_id}: {_kept} is kept",
    )
    check = in_home & ~dup
    no_start = "no start date"
    if projects:
        names = ", ".join(Path(f.grid.path).name for f in projects)
        no_start += (
            f": project {{_agreement_id}} is not in {names.replace('{', '{{').replace('}', '}}')}"
        )
    v = _values(t, rows, files, check, home_mask, dayfirst, fails, notes, no_start)
    failures = fails.frame()
    rejects = rejects_from(failures, rows.provenance)
    rejected = np.zeros(len(t), bool)
    pos = rejects.attrs.pop("pos")
    rejected[pos] = True
    rejects = _whole_rows(rejects, pos, files)
    tie = in_home & ~home_mask & ~rejected
    value = _project_values(ids, home_mask & check & ~rejected, v, notes)
    table = _table(t, ids, pic, tie, v, value, rows.provenance, faculty.strip(), notes)
    n_home = int((home_mask & in_home & ~rejected).sum())
    n_other = int((valid & ~in_home).sum())
    by_reason = {str(k): int(n) for k, n in rejects["reason"].value_counts().items()}
    info["projects"] = len(home_ids)
    entries = [file_entry(f.grid, f.header_row, f.header, f.rows, f.blank, f.notes) for f in files]
    report = HorizonReport(
        "horizon",
        entries,
        len(t),
        len(table),
        len(rejects),
        by_reason,
        home=info,
        home_rows=n_home,
        other_rows=n_other,
        agreements=int(table["agreement_id"].nunique()),
        notes=tuple(notes),
    )
    if report.accepted + report.home_rows + report.other_rows + report.rejected != report.read:
        raise AssertionError(f"row accounting broken: {report}")  # the promise; never break it
    table.attrs["kv_ingest"] = report.to_dict()
    return Ingested(table, rejects, report)


def _usable(
    t: pd.DataFrame,
    files: Sequence[_File],
    rows: _Rows,
    ids: pd.Series,
    pic: pd.Series,
    nkey: pd.Series,
    fails: Failures,
) -> np.ndarray:
    """Rows with a project and an organisation that are no totals or subtotals row; the others
    recorded as failures (``summary_row``, ``missing_value``)."""
    no_project = ids.isna().to_numpy(bool)
    no_org = (pic.isna() & nkey.isna()).to_numpy(bool)
    summary, why = _summary_rows(files, rows, no_project | no_org)
    fails.add(summary, "project_id", "summary_row", why)
    subtotal = _subtotal_rows(t, pic) & ~summary
    fails.add(
        subtotal,
        "organisation",
        "summary_row",
        "a subtotal row ({organisation!r}, no PIC, no country), not a participation",
    )
    summary |= subtotal
    fails.add(
        no_project & ~summary, "project_id", "missing_value", "no project id, acronym or title"
    )
    fails.add(
        no_org & ~no_project & ~summary,
        "organisation",
        "missing_value",
        "no organisation name or PIC",
    )
    return ~(no_project | no_org | summary)


def _summary_rows(
    files: Sequence[_File], rows: _Rows, cand: np.ndarray
) -> tuple[np.ndarray, list[str]]:
    """Totals rows among the rows without a project or an organisation: the first cell with
    a letter is a summary word (``summary_words.csv``: ``Total``, ``Totaal``, ``Totalt``), or
    the row holds only numbers. Looked at one by one (none in a clean export)."""
    out = np.zeros(len(cand), bool)
    why: list[str] = []
    starts = np.concatenate([[0], np.cumsum([f.rows for f in files])])
    for fi, f in enumerate(files):
        pos = np.flatnonzero(cand[starts[fi] : starts[fi + 1]])
        if not len(pos):
            continue
        sub = f.grid.cells.iloc[f.body[pos]].astype(object).to_numpy()
        for k, row in zip(pos, sub, strict=True):
            cells = [str(v).strip() for v in row if not pd.isna(v) and str(v).strip()]
            labels = [c for c in cells if _LETTER.search(c)]
            if labels and is_summary_label(labels[0]):
                why.append(f"a totals row ({labels[0]!r}), not a participation")
            elif cells and not labels:
                why.append("a row of only numbers: a total, not a participation")
            else:
                continue
            out[starts[fi] + k] = True
    return out, why


_LETTER = re.compile(r"[^\W\d_]")


def _subtotal_rows(t: pd.DataFrame, pic: pd.Series) -> np.ndarray:
    """Rows whose organisation is a summary label (``Subtotaal``, ``Sum``) with no PIC and no
    country: a subtotal under a project (``TOTAL RAFFINAGE CHIMIE``, FR, is a company)."""
    bare = (pic.isna() & t["country"].isna() & t["country_name"].isna()).to_numpy(bool)
    out = np.zeros(len(t), bool)
    idx = np.flatnonzero(bare & t["organisation"].notna().to_numpy(bool))
    if len(idx):  # over the distinct names of those rows only (none in a clean export)
        codes, uniq = pd.factorize(t["organisation"].iloc[idx])
        out[idx] = np.array([is_summary_label(str(u)) for u in uniq], dtype=bool)[codes]
    return out


def _duplicates(
    t: pd.DataFrame,
    ids: pd.Series,
    pic: pd.Series,
    nkey: pd.Series,
    home: np.ndarray,
    rows: np.ndarray,
    prov: pd.DataFrame,
) -> np.ndarray:
    """Rows of the home's projects repeating an organisation of their project (same PIC, same
    folded name, or the home organisation again); the first stays. Writes ``t["_kept"]``."""
    idx = np.flatnonzero(rows)
    sub = pd.DataFrame(
        {
            "id": ids.to_numpy(object)[idx],
            "pic": pic.to_numpy(object)[idx],
            "key": nkey.to_numpy(object)[idx],
            "home": home[idx],
            "pos": idx,
        }
    )
    dup = np.zeros(len(sub), bool)
    first = np.arange(len(sub))
    for cols, ok in (
        (["id", "pic"], sub["pic"].notna()),
        (["id", "key"], sub["key"].notna()),
        (["id", "home"], sub["home"]),
    ):
        g = sub[ok.to_numpy(bool)]
        if not len(g):
            continue
        d = g.duplicated(cols, keep="first").to_numpy(bool)
        f = g.groupby(cols, sort=False)["pos"].transform("min").to_numpy()
        where = np.flatnonzero(ok.to_numpy(bool))
        new = d & ~dup[where]
        first[where[new]] = np.searchsorted(idx, f[new])
        dup[where] |= d
    out = np.zeros(len(t), bool)
    out[idx[dup]] = True
    if dup.any():
        fp = idx[first[dup]]
        kept = (
            "row "
            + prov["source_row"].iloc[fp].astype(str).to_numpy()
            + " of "
            + prov["source_file"].iloc[fp].astype(str).to_numpy()
        )
        t.loc[idx[dup], "_kept"] = kept
    return out


_DMY = r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$"


def _date_order(start: pd.Series, end: pd.Series, dayfirst: bool | None) -> tuple[bool | None, str]:
    """Day-first unless the data says month-first (CORDIS and the Dashboard write dd/mm/yyyy);
    conflicting evidence goes to ``parse_dates`` (majority wins, the rest rejected)."""
    u = pd.Series(pd.concat([start, end]).dropna().unique(), dtype="string")
    parts = u.str.extract(_DMY).astype("float64")
    if not len(parts) or parts[0].isna().all():
        return dayfirst, ""
    if dayfirst is not None:
        return dayfirst, f"start, end: {'day' if dayfirst else 'month'}-first dates as requested"
    day = int(((parts[0] > 12) & (parts[1] <= 12)).sum())
    month = int(((parts[1] > 12) & (parts[0] <= 12)).sum())
    if month and not day:
        return (
            False,
            f"start, end: month-first dates (evidence: {_count(month, 'value')} with month "
            "position > 12)",
        )
    if day and month:
        return None, ""
    why = (
        f"evidence: {_count(day, 'value')} with day > 12"
        if day
        else "no evidence; the exports' convention"
    )
    return True, f"start, end: day-first dates ({why})"


def _values(
    t: pd.DataFrame,
    rows: _Rows,
    files: Sequence[_File],
    check: np.ndarray,
    home: np.ndarray,
    dayfirst: bool | None,
    fails: Failures,
    notes: list[str],
    no_start: str = "no start date",
) -> dict[str, np.ndarray]:
    """Dates, countries, types and the home's contribution, parsed on the home's projects only
    (per file: its separator decides the decimal mark); failures recorded."""
    n = len(t)
    out = {
        "start": np.full(n, np.datetime64("NaT"), dtype=schemas.DATE),
        "end": np.full(n, np.datetime64("NaT"), dtype=schemas.DATE),
        "country": np.full(n, None, dtype=object),
        "ec": np.full(n, np.nan),
    }
    order, note = _date_order(t.loc[check, "start"], t.loc[check, "end"], dayfirst)
    notes += [note] if note else []
    for fi, f in enumerate(files):
        idx = np.flatnonzero(check & (rows.file_of == fi))
        if not len(idx):
            continue
        sub = t.iloc[idx].reset_index(drop=True)
        _parse_dates_into(sub, idx, order, out, fails, no_start)
        tie = ~home[idx]
        code, bad = parse_country(sub["country"].fillna(""))
        by_name, _ = parse_country(sub["country_name"].fillna(""))
        blank = sub["country"].isna().to_numpy(bool)
        iso = np.where(blank, _objects(by_name), _objects(code))
        out["country"][idx] = iso
        fails.add(
            _at(n, idx, tie & bad), "country", "unknown_country", "unknown country {country!r}"
        )
        fails.add(_at(n, idx, tie & pd.isna(iso) & ~bad), "country", "missing_value", "no country")
        fails.add(
            _at(n, idx, tie & sub["organisation"].isna().to_numpy(bool)),
            "organisation",
            "missing_value",
            "no organisation name (PIC {pic})",
        )
        hi = np.flatnonzero(home[idx])
        if len(hi):
            ec, invalid, ec_note = parse_numbers(
                sub["ec_contribution"].iloc[hi].reset_index(drop=True),
                "ec_contribution",
                f.grid.separator,
                f.header.language,
                integer=False,
            )
            ecv = ec.to_numpy(np.float64, na_value=np.nan)
            out["ec"][idx[hi]] = ecv
            fails.add(
                _at(n, idx[hi], invalid),
                "ec_contribution",
                "invalid_number",
                "EC contribution {ec_contribution!r} is not a number",
            )
            fails.add(
                _at(n, idx[hi], ecv < 0),
                "ec_contribution",
                "negative_value",
                "EC contribution {ec_contribution!r} is negative",
            )
            f.notes += [ec_note] if ec_note else []
    out["partner_type"], type_note = _partner_types(t["org_type"], check & ~home)
    notes += [type_note] if type_note else []
    return out


def _at(n: int, idx: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """A full-length mask from one over the rows ``idx``."""
    out = np.zeros(n, bool)
    out[idx[np.asarray(mask, bool)]] = True
    return out


def _parse_dates_into(
    sub: pd.DataFrame,
    idx: np.ndarray,
    order: bool | None,
    out: dict[str, np.ndarray],
    fails: Failures,
    no_start: str = "no start date",
) -> None:
    """Start and end of the rows ``idx``: missing start, not dates, end before start rejected."""
    n = len(out["start"])
    for col in ("start", "end"):
        vals, invalid, impossible, _ = parse_dates(sub[col], col, order, "en")
        out[col][idx] = vals.to_numpy(schemas.DATE)
        fails.add(
            _at(n, idx, invalid & sub[col].notna().to_numpy(bool)),
            col,
            "invalid_date",
            f"{col} {{{col}!r}} is not a date",
        )
        fails.add(
            _at(n, idx, impossible),
            col,
            "impossible_date",
            f"{col} {{{col}!r}} is not on the calendar",
        )
    fails.add(_at(n, idx, sub["start"].isna().to_numpy(bool)), "start", "missing_value", no_start)
    s, e = out["start"][idx], out["end"][idx]
    fails.add(
        _at(n, idx, ~np.isnat(s) & ~np.isnat(e) & (e < s)),
        "end",
        "end_before_start",
        "end {end!r} is before start {start!r}",
    )


def _partner_types(org_type: pd.Series, rows: np.ndarray) -> tuple[np.ndarray, str]:
    """partner_type of each row from its organisation type (``horizon_org_types.csv``); an
    unknown type is NA, counted in the note."""
    types = _org_types()
    codes, uniq = pd.factorize(org_type, use_na_sentinel=True)
    mapped = np.array([types.get(_name_key(str(u))) for u in uniq] + [None], dtype=object)
    out = mapped[codes]
    unknown = rows & org_type.notna().to_numpy(bool) & pd.isna(out)
    note = ""
    if unknown.any():
        seen = sorted({str(x) for x in org_type[unknown]})[:5]
        note = (
            f"partner_type: {_count(int(unknown.sum()), 'tie')} of an unknown organisation type "
            f"({', '.join(seen)}) are NA; add the type to horizon_org_types.csv"
        )
    return out, note


def _project_values(
    ids: pd.Series, home_ok: np.ndarray, v: dict[str, np.ndarray], notes: list[str]
) -> pd.Series:
    """Per agreement id: the home's EC contribution per year of the project (first home row)."""
    idx = np.flatnonzero(home_ok)
    start, end, ec = v["start"][idx], v["end"][idx], v["ec"][idx]
    days = (end - start).astype("timedelta64[D]").astype(np.float64) + 1.0
    per_year = ec / (days / _DAYS_PER_YEAR)
    per_year[np.isnat(end) | np.isnat(start)] = np.nan
    s = pd.Series(per_year, index=ids.to_numpy(object)[idx])
    s = s[~s.index.duplicated(keep="first")]
    no_ec = int(np.isnan(ec).sum())
    if len(idx):
        notes.append(
            "value_eur: the home organisation's EC contribution per year of the project "
            "(contribution / ((end - start + 1 day) / 365.25)), on every tie of the project"
            + (
                f"; NA for {_count(no_ec, 'project')} where the home row has no contribution"
                if no_ec
                else ""
            )
        )
    return s


# --------------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------------


def _table(
    t: pd.DataFrame,
    ids: pd.Series,
    pic: pd.Series,
    tie: np.ndarray,
    v: dict[str, np.ndarray],
    value: pd.Series,
    prov: pd.DataFrame,
    faculty: str,
    notes: list[str],
) -> pd.DataFrame:
    """The ties in the canonical partnerships columns, then the identifier columns the schema
    lacks (``partner_type``, ``erasmus_code``, ``pic``, ``ror``)."""
    idx = np.flatnonzero(tie)
    k = len(idx)
    agreement = ids.to_numpy(object)[idx]
    na = [pd.NA] * k
    cols: dict[str, Any] = {
        "agreement_id": agreement,
        "partner": t["organisation"].to_numpy(object)[idx],
        "partner_key": na,
        "country": v["country"][idx],
        "faculty": [faculty] * k,
        "kind": ["research"] * k,
        "level": ["institutional"] * k,
        "start": v["start"][idx],
        "end": v["end"][idx],
        "status": na,
        "value_eur": value.reindex(agreement).to_numpy(np.float64) if k else np.zeros(0),
        "financial_flows": na,
        "data_exchange": na,
        "fields": na,
        "partner_type": v["partner_type"][idx],
        "erasmus_code": na,
        "pic": pic.to_numpy(object)[idx],
        "ror": na,
    }
    for c in schemas.PROVENANCE:
        cols[c] = prov[c].to_numpy(object)[idx]
    spec = dict(schemas.PARTNERSHIPS)
    spec.update({c: schemas.TEXT for c in EXTRA_COLUMNS if c not in spec})
    spec["partner_type"] = _partner_type_dtype()
    out = pd.DataFrame({c: pd.Series(cols[c], dtype=object).astype(d) for c, d in spec.items()})  # type: ignore[call-overload]
    if k and out["value_eur"].isna().all():
        notes.append("value_eur: NA on every tie (no contribution or no end date on the home rows)")
    return out


def _whole_rows(rejects: pd.DataFrame, pos: np.ndarray, files: Sequence[_File]) -> pd.DataFrame:
    """The rejects with every original cell of their rows under the file's own headers."""
    if not len(rejects):
        return rejects
    parts = []
    starts = np.concatenate([[0], np.cumsum([f.rows for f in files])])
    for fi, f in enumerate(files):
        sel = (pos >= starts[fi]) & (pos < starts[fi + 1])
        if not sel.any():
            continue
        lines = f.body[pos[sel] - starts[fi]]
        names = _unique_headers(f.header.cells, set(rejects.columns))
        cells = f.grid.cells.iloc[lines, : len(names)]
        cells.columns = names[: cells.shape[1]]
        parts.append(cells.reset_index(drop=True).set_index(np.flatnonzero(sel)))
    original = pd.concat(parts).sort_index().astype("string")
    original = original.loc[:, original.columns != ""]
    return pd.concat([rejects.reset_index(drop=True), original.reset_index(drop=True)], axis=1)


def _unique_headers(cells: list[str], taken: set[str]) -> list[str]:
    """Header texts as column names: blank ones dropped (""), repeats and clashes numbered."""
    out: list[str] = []
    seen = set(taken)
    for c in cells:
        name = str(c).strip()
        if not name:
            out.append("")
            continue
        base, i = name, 2
        while name in seen:
            name, i = f"{base} ({i})", i + 1
        seen.add(name)
        out.append(name)
    return out
