"""Headcounts in force at a date: the one rule that exposure and scenarios both ask.

The rule (DESIGN.md, *headcounts*), in three steps:

1. **Period -> reference date** (:func:`period_reference`). An academic year is a first year, a
   separator (``/``, ``-`` or an en dash ``–``, spaces allowed) and the *next* year in two or
   four digits: ``2021/22``, ``2021/2022``, ``2021-22``, ``2021 - 2022``, ``1999/00``. Its
   reference date is :data:`kvanalytics.config.ACADEMIC_YEAR_REFERENCE` (1 October) of the first
   year. Anything else is read as an ISO 8601 date (``2022-03-04``, ``2022-03-04T12:00``,
   ``20220304``, ``2022-03`` -> 1 March, ``2022`` -> 1 January; a time of day or a time zone is
   dropped, the calendar day kept). ``2011-12`` is the academic year 2011/12, not December 2011:
   a pair of consecutive years is always an academic year. A period that is neither (``2021/25``,
   ``autumn``, NA) is an error: :class:`~kvanalytics.errors.SchemaError` listing examples.
   (Canonical tables from :func:`kvanalytics.read_headcounts` hold only ``2021/22`` and
   ``YYYY-MM-DD``, so this matters for tables built by hand.)
2. **Basis** (:func:`choose_basis`): each group is counted on one basis, never two added up. With
   ``basis=`` given, that basis for every group. Otherwise, when the table has a single basis
   (or no ``basis`` column), every row counts; with several, per group the first basis the group
   has rows of, in the order nationality, prior diploma, destination — destination first for
   ``exchange_out``. The choice is made once over the whole table, so a group is on the same
   basis at every date and in every unit.
3. **Period in force** (:func:`in_force`): per group, the latest reference date on or before
   the day asked, among the periods with rows of the group's basis. **No period on or before
   the day: nothing is in force, the group's people are unknown (NA)** and a note names the
   group's earliest period. A later period is never used for an earlier date: a count from the
   future would be a guess presented as data, and a report would show two people counts for one
   date depending on the table it came from.

:func:`in_force` answers on integer codes per row (for the vectorised exposure tables);
:func:`headcounts_in_force` returns the rows in force per faculty x group x country (for scenario
impact). Both leave the input unchanged.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from . import config
from .errors import SchemaError
from .schemas import BASES, GROUPS, TEXT

__all__ = [
    "BASIS_ORDER",
    "BASIS_ORDER_EXCHANGE_OUT",
    "InForce",
    "choose_basis",
    "code_dtype",
    "factorize",
    "headcounts_in_force",
    "in_force",
    "period_reference",
]

#: Preferred counting basis per group when ``basis=None`` and the table has several: a person's
#: nationality (then prior diploma, then destination) ...
BASIS_ORDER = ("nationality", "prior_diploma", "destination")
#: ... except outgoing exchange, counted by destination first.
BASIS_ORDER_EXCHANGE_OUT = ("destination", "nationality", "prior_diploma")

_ACADEMIC_YEAR = re.compile(r"^\s*(\d{4})\s*[/\-–]\s*(\d{2}|\d{4})\s*$")
_NAT = np.datetime64("NaT", "D")


# ------------------------------------------------------------------------------------------------
# Periods
# ------------------------------------------------------------------------------------------------


def _academic_year(label: str) -> int | None:
    """First year of an academic-year label (``2021/22`` -> 2021), None when it is not one."""
    m = _ACADEMIC_YEAR.match(label)
    if not m:
        return None
    first, second = int(m.group(1)), int(m.group(2))
    nxt = first + 1
    if (second == nxt) if len(m.group(2)) == 4 else (second == nxt % 100):
        return first
    return None


def _iso_day(label: str) -> np.datetime64:
    """The calendar day of an ISO 8601 date or date-time label; NaT when it is not one."""
    ts: Any
    try:
        ts = pd.to_datetime(label.strip(), format="ISO8601")
    except (ValueError, TypeError, OverflowError):
        ts = pd.NaT
    if ts is pd.NaT or pd.isna(ts):
        try:  # "2021-10-01 (census)" and other ISO dates with a trailing remark
            return np.datetime64(dt.date.fromisoformat(label.strip()[:10]), "D")
        except ValueError:
            return _NAT
    if ts.tzinfo is not None:
        ts = ts.tz_localize(None)
    return np.datetime64(ts.date(), "D")


def _reference_of(label: Any) -> np.datetime64:
    if label is None or label is pd.NA or (isinstance(label, float) and np.isnan(label)):
        return _NAT
    text = str(label)
    year = _academic_year(text)
    if year is not None:
        month, day = config.ACADEMIC_YEAR_REFERENCE
        return np.datetime64(dt.date(year, month, day), "D")
    if _ACADEMIC_YEAR.match(text) and "-" not in text:
        return _NAT  # "2021/25": a slash pair that is not an academic year is no date either
    return _iso_day(text)


def period_reference(periods: Iterable[Any] | str) -> np.ndarray:
    """Reference day of each period label (module docs, step 1).

    Parameters
    ----------
    periods : str or iterable
        Period labels: academic years (``2021/22``, ``2021-2022``...) or ISO dates. Meant for
        the *distinct* labels of a column (each is parsed on its own).

    Returns
    -------
    numpy.ndarray of datetime64[D]
        One day per label.

    Raises
    ------
    SchemaError
        Some label is neither an academic year nor an ISO date (NA included); the message
        gives how many and a few examples.

    Examples
    --------
    >>> period_reference(["2021/22", "2021-2022", "2022-03-04"]).astype(str).tolist()
    ['2021-10-01', '2021-10-01', '2022-03-04']
    """
    labels = [periods] if isinstance(periods, str) else list(periods)
    refs = np.array([_reference_of(x) for x in labels], dtype="datetime64[D]")
    bad = np.isnat(refs)
    if bad.any():
        examples = [str(x) for x in np.asarray(labels, dtype=object)[bad][:3]]
        raise SchemaError(
            f"headcounts: {int(bad.sum())} period value(s) are neither an academic year like "
            f"'2021/22' nor an ISO date, e.g. {examples}. Fix the period column (read files "
            "with kvanalytics.read_headcounts(), which reports such rows as rejects)."
        )
    return refs


# ------------------------------------------------------------------------------------------------
# Codes
# ------------------------------------------------------------------------------------------------


def code_dtype(n_codes: int) -> type[np.signedinteger]:
    """The smallest signed integer type holding codes 0..n_codes (keeps 10^7-row codes small)."""
    for t in (np.int8, np.int16, np.int32):
        if n_codes < np.iinfo(t).max:
            return t
    return np.int64


def factorize(values: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """Integer codes of a column (NA a code of its own, a small integer dtype) and their labels.

    Categoricals use their codes and text columns Arrow's hash kernel (2-3x faster than
    ``pd.factorize`` on 10^7 strings), so a sector's table is coded in about a second.

    Examples
    --------
    >>> codes, labels = factorize(pd.Series(["NA", "BE", "NA"], dtype="string[pyarrow]"))
    >>> codes.tolist(), labels.tolist()
    ([0, 1, 0], ['NA', 'BE'])
    """
    dtype = values.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        k = len(dtype.categories)
        # codes are -1 for NA: index a lookup whose last entry is NA's own code, k
        lookup = np.r_[np.arange(k), k].astype(code_dtype(k))
        codes = lookup[values.cat.codes.to_numpy()]
        cats = pd.Categorical.from_codes(np.r_[np.arange(k), -1], dtype=dtype)
        return codes, pd.Series(cats)
    if isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow":
        arr = pa.array(values.array)
        if isinstance(arr, pa.ChunkedArray):  # a frame built by pd.concat holds several chunks
            arr = arr.combine_chunks()
        enc = pc.dictionary_encode(arr, null_encoding="encode")
        codes = np.asarray(enc.indices.to_numpy(zero_copy_only=False))
        return codes, pd.Series(enc.dictionary.to_pylist(), dtype=TEXT)
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    return np.asarray(codes, np.int64), pd.Series(uniques).astype(TEXT)


def _codes_in(values: pd.Series, categories: Sequence[str]) -> np.ndarray:
    """Code of each value in ``categories`` (-1 for NA or any other value), without converting
    10^7 categorical values to text."""
    codes, labels = factorize(values)
    lookup = pd.Series(range(len(categories)), index=list(categories), dtype="int64")
    code_of_label = labels.astype(TEXT).map(lookup).fillna(-1).to_numpy(np.int64)
    return code_of_label.astype(np.int8)[codes] if len(codes) else np.zeros(0, np.int8)


def _require(headcounts: Any, columns: Sequence[str], where: str) -> None:
    if not isinstance(headcounts, pd.DataFrame):
        raise TypeError(
            f"{where} takes the headcounts table as a DataFrame, got {type(headcounts)}."
        )
    missing = [c for c in columns if c not in headcounts.columns]
    if missing:
        raise SchemaError(
            f"{where}: headcounts has no column(s) {missing}; it has {list(headcounts.columns)}. "
            "Build the table with kvanalytics.read_headcounts() (see kvanalytics.schemas)."
        )


def _group_codes(headcounts: pd.DataFrame) -> np.ndarray:
    gcodes = _codes_in(headcounts["group"], GROUPS)
    if (gcodes < 0).any():
        bad = headcounts["group"][gcodes < 0].drop_duplicates().head(3).tolist()
        raise SchemaError(
            f"headcounts: {int((gcodes < 0).sum())} row(s) with an unknown or missing group, "
            f"e.g. {bad}; groups are {list(GROUPS)}."
        )
    return gcodes


# ------------------------------------------------------------------------------------------------
# Basis
# ------------------------------------------------------------------------------------------------


def _basis_codes(headcounts: pd.DataFrame, basis: str | None) -> np.ndarray | None:
    """Code of each row's basis in :data:`~kvanalytics.schemas.BASES` (-1 NA or other); None
    without a basis column."""
    if basis is not None and basis not in BASES:
        raise ValueError(f"basis must be one of {list(BASES)} or None; got {basis!r}.")
    if "basis" not in headcounts.columns:
        if basis is not None:
            raise SchemaError(f"headcounts has no basis column, so basis={basis!r} can't be used.")
        return None
    return _codes_in(headcounts["basis"], BASES)


def _chosen_basis(have: np.ndarray, basis: str | None) -> tuple[np.ndarray | None, dict[str, str]]:
    """From ``have`` (groups x bases: any rows), the basis code wanted per group (None: every
    row counts) and group -> basis used."""
    present = [BASES[i] for i in np.flatnonzero(have.any(axis=0))]
    if basis is not None:
        if basis not in present:
            raise SchemaError(f"headcounts have no rows of basis {basis!r}; they have {present}.")
        return np.full(len(GROUPS), BASES.index(basis), np.int64), {g: basis for g in GROUPS}
    if len(present) <= 1:
        return None, {g: present[0] for g in GROUPS} if present else {}
    chosen: dict[str, str] = {}
    want = np.full(len(GROUPS), -2, np.int64)
    for gi, group in enumerate(GROUPS):  # six groups, not rows
        order = BASIS_ORDER_EXCHANGE_OUT if group == "exchange_out" else BASIS_ORDER
        found = [x for x in order if have[gi, BASES.index(x)]]
        if found:
            chosen[group] = found[0]
            want[gi] = BASES.index(found[0])
    return want, chosen


def _basis_rows(
    headcounts: pd.DataFrame, gcodes: np.ndarray, basis: str | None
) -> tuple[np.ndarray | None, dict[str, str]]:
    """Row mask of the basis used per group (None: every row counts), and group -> basis."""
    bcodes = _basis_codes(headcounts, basis)
    if bcodes is None:
        return None, {}
    nb = len(BASES)
    pair = gcodes.astype(np.int16) * (nb + 1) + bcodes + 1
    counts = np.bincount(pair, minlength=len(GROUPS) * (nb + 1))
    have = counts.reshape(len(GROUPS), nb + 1)[:, 1:] > 0  # groups x bases with rows
    want, used = _chosen_basis(have, basis)
    return (None if want is None else want[gcodes] == bcodes), used


def choose_basis(headcounts: pd.DataFrame, basis: str | None = None) -> dict[str, str]:
    """The counting basis of each group (module docs, step 2).

    Parameters
    ----------
    headcounts : DataFrame
        Canonical headcounts (``group``, optional ``basis``).
    basis : str, optional
        Force one basis (``nationality``, ``prior_diploma``, ``destination``) for every group.

    Returns
    -------
    dict
        Group -> basis used; empty when the table has no basis column (or no rows).

    Examples
    --------
    >>> h = pd.DataFrame({"group": ["exchange_out", "exchange_out", "phd", "phd"],
    ...                   "basis": ["nationality", "destination", "prior_diploma", "nationality"]})
    >>> b = choose_basis(h)
    >>> b["exchange_out"], b["phd"]
    ('destination', 'nationality')
    """
    _require(headcounts, ("group",), "choose_basis")
    return _basis_rows(headcounts, _group_codes(headcounts), basis)[1]


# ------------------------------------------------------------------------------------------------
# In force
# ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InForce:
    """Which headcount rows are in force at each of some days, on integer codes.

    Attributes
    ----------
    days : ndarray of datetime64[D]
        The days asked (T of them).
    references : ndarray of datetime64[D]
        The distinct reference days of the table's periods, sorted (R of them).
    labels : tuple of tuple of str
        Per reference day, the period labels that have it (``2021/22`` and ``2021-10-01``
        share a day).
    row_group : ndarray of int8
        Per row, its group's position in :data:`kvanalytics.schemas.GROUPS`.
    row_reference : ndarray of int
        Per row, the position of its period's reference day in ``references``.
    row_counted : ndarray of bool or None
        Per row, whether it is of its group's basis (None: every row counts).
    period_of : ndarray of int, T x groups
        Position in ``references`` of the period in force per day and group; -1 when no
        period is on or before the day (the group's people are then unknown, NA).
    basis : dict
        Group -> basis used (see :func:`choose_basis`).
    notes : tuple of str
        Per day, which periods are in force, and every group without one (with its earliest
        period).
    """

    days: np.ndarray
    references: np.ndarray
    labels: tuple[tuple[str, ...], ...]
    row_group: np.ndarray
    row_reference: np.ndarray
    row_counted: np.ndarray | None
    period_of: np.ndarray
    basis: dict[str, str]
    notes: tuple[str, ...]

    @property
    def available(self) -> np.ndarray:
        """T x groups: whether the group has a period in force at the day."""
        return self.period_of >= 0

    def rows(self, t: int = 0) -> np.ndarray:
        """Boolean mask of the rows in force at ``days[t]`` (of the basis used)."""
        lut = self.period_of[t]  # group -> reference in force (-1 none)
        mask = lut[self.row_group] == self.row_reference
        if self.row_counted is not None:
            mask &= self.row_counted
        return mask

    def periods(self, t: int, group: str) -> tuple[str, ...]:
        """Period label(s) in force at ``days[t]`` for ``group`` (empty when none)."""
        r = int(self.period_of[t, GROUPS.index(group)])
        return self.labels[r] if r >= 0 else ()


def _as_days(at: Any) -> np.ndarray:
    """One or several days as ``datetime64[D]`` (a time of day is dropped)."""
    if isinstance(at, np.ndarray) and np.issubdtype(at.dtype, np.datetime64):
        return at.astype("datetime64[D]").reshape(-1)
    many = isinstance(at, Sequence | pd.Series | pd.Index) and not isinstance(at, str)
    values = list(at) if many else [at]
    out = []
    for v in values:
        ts = pd.Timestamp(v)
        if ts is pd.NaT or pd.isna(ts):
            raise ValueError(f"Not a date: {v!r}.")
        if ts.tzinfo is not None:
            ts = ts.tz_localize(None)
        out.append(np.datetime64(ts.date(), "D"))
    return np.array(out, dtype="datetime64[D]")


def _fmt_day(day: np.datetime64) -> str:
    return str(day.astype("datetime64[D]"))


def in_force(headcounts: pd.DataFrame, at: Any, *, basis: str | None = None) -> InForce:
    """Which rows of a headcounts table are in force at one or several days (module docs).

    Parameters
    ----------
    headcounts : DataFrame
        Canonical headcounts (``period``, ``group``, optional ``basis``). Not modified.
    at : date-like or sequence of date-likes
        The day(s).
    basis : str, optional
        Count every group on this basis (see :func:`choose_basis`).

    Returns
    -------
    InForce
        Per-row codes and, per day and group, the period in force (-1: none, people NA).

    Raises
    ------
    SchemaError
        A period that is not a period, an unknown group, a missing column, or ``basis``
        without rows.

    Examples
    --------
    >>> h = pd.DataFrame({"period": ["2020/21", "2021/22"], "group": ["phd", "phd"]})
    >>> f = in_force(h, ["2020-09-30", "2021-06-30", "2022-01-01"])
    >>> f.period_of[:, 3].tolist()  # phd: nothing in force, then 2020/21, then 2021/22
    [-1, 0, 1]
    >>> f.notes[0]
    'headcounts: no period on or before 2020-09-30 for phd (earliest 2020/21): people unknown (NA).'
    """
    _require(headcounts, ("period", "group"), "in_force")
    days = _as_days(at)
    gcodes = _group_codes(headcounts)
    bcodes = _basis_codes(headcounts, basis)
    pcodes, plabels = factorize(headcounts["period"])
    n_p, n_g, nb1 = len(plabels), len(GROUPS), len(BASES) + 1
    lab_ref = period_reference(plabels.astype(object).tolist())
    refs, ref_of_label = np.unique(lab_ref, return_inverse=True)
    ref_of_label = ref_of_label.reshape(-1)
    # Rows per (group, period label, basis) in one pass: a few hundred cells decide the basis
    # of each group and which periods it has.
    code = gcodes.astype(np.int32) * n_p
    code += pcodes
    code *= nb1
    if bcodes is not None:
        code += bcodes
        code += 1
    cells: np.ndarray = np.bincount(code, minlength=n_g * n_p * nb1).reshape(n_g, n_p, nb1) > 0
    del code
    counted: np.ndarray | None = None
    used: dict[str, str] = {}
    has_label = np.asarray(cells.any(axis=2))  # groups x period labels
    if bcodes is not None:
        want, used = _chosen_basis(np.asarray(cells.any(axis=1))[:, 1:], basis)
        if want is not None:
            counted = want[gcodes] == bcodes
            has_label = cells[np.arange(n_g), :, np.maximum(want, -1) + 1] & (want >= 0)[:, None]
    has = np.zeros((n_g, len(refs)), bool)
    for g in range(n_g):  # six groups, not rows
        has[g, ref_of_label[has_label[g]]] = True
    period_of = np.full((len(days), n_g), -1, np.int64)
    for g in range(n_g):
        avail = np.flatnonzero(has[g])
        if len(avail):
            pos = np.searchsorted(refs[avail], days, side="right") - 1
            period_of[:, g] = np.where(pos >= 0, avail[np.maximum(pos, 0)], -1)
    text = plabels.astype(object).tolist()
    labels = tuple(
        tuple(sorted(str(text[i]) for i in np.flatnonzero(ref_of_label == r)))
        for r in range(len(refs))
    )
    row_ref = ref_of_label.astype(code_dtype(len(refs)))[pcodes] if len(pcodes) else pcodes
    return InForce(
        days=days,
        references=refs,
        labels=labels,
        row_group=gcodes,
        row_reference=row_ref,
        row_counted=counted,
        period_of=period_of,
        basis=used,
        notes=_notes(days, refs, labels, has, period_of),
    )


def _notes(
    days: np.ndarray,
    refs: np.ndarray,
    labels: tuple[tuple[str, ...], ...],
    has: np.ndarray,
    period_of: np.ndarray,
) -> tuple[str, ...]:
    notes: list[str] = []
    for t, day in enumerate(days):  # the days asked (one, or a few dozen quarter ends)
        missing = [
            f"{g} (earliest {', '.join(labels[int(np.flatnonzero(has[gi])[0])])})"
            for gi, g in enumerate(GROUPS)
            if has[gi].any() and period_of[t, gi] < 0
        ]
        if missing:
            notes.append(
                f"headcounts: no period on or before {_fmt_day(day)} for {', '.join(missing)}: "
                "people unknown (NA)."
            )
        used = sorted({x for r in set(period_of[t][period_of[t] >= 0].tolist()) for x in labels[r]})
        if used:
            notes.append(f"headcounts in force at {_fmt_day(day)}: period {', '.join(used)}.")
    return tuple(notes)


def headcounts_in_force(
    headcounts: pd.DataFrame,
    at: Any,
    *,
    basis: str | None = None,
    groups: Iterable[str] | None = None,
    countries: Iterable[str] | None = None,
    fill_unavailable: bool = False,
) -> pd.DataFrame:
    """Headcounts in force at day ``at``, one row per faculty x group x country.

    Parameters
    ----------
    headcounts : DataFrame
        Canonical headcounts. Not modified.
    at : date-like
        The day.
    basis : str, optional
        As in :func:`in_force`.
    groups, countries : iterable of str, optional
        Keep only these groups / countries (ISO2; ``"NA"`` is Namibia). None: all.
    fill_unavailable : bool
        Add, for every group asked that has rows but no period on or before ``at``, and every
        country asked, a row with faculty, period and headcount NA (its people are unknown),
        so that a caller who sums never reads "no period yet" as 0. A group the table does not
        count at all gets no row (nothing says it was counted). Needs ``groups`` and
        ``countries``.

    Returns
    -------
    DataFrame
        ``faculty, group, country`` (text), ``basis`` (the basis used for the group),
        ``period`` (the label(s) in force), ``headcount`` (Int64: sum of the known cells) and
        ``headcount_unknown`` (Int64: cells in force that are NA; NA on filled rows), sorted by
        faculty, group, country. ``attrs["notes"]``: the notes of :func:`in_force`;
        ``attrs["people_basis"]``: group -> basis; ``attrs["unavailable"]``: the groups asked
        that have rows but no period on or before ``at``.

    Examples
    --------
    >>> h = pd.DataFrame({"period": ["2021/22", "2022/23", "2021/22"],
    ...                   "faculty": ["Law", "Law", "Law"],
    ...                   "group": ["phd", "phd", "degree_student"],
    ...                   "country": ["NA", "NA", "RU"], "headcount": [3, 4, 9]})
    >>> t = headcounts_in_force(h, "2022-06-30")
    >>> t[["group", "country", "period", "headcount"]].values.tolist()
    [['degree_student', 'RU', '2021/22', 9], ['phd', 'NA', '2021/22', 3]]
    """
    _require(
        headcounts, ("period", "faculty", "group", "country", "headcount"), "headcounts_in_force"
    )
    f = in_force(headcounts, at, basis=basis)
    mask = f.rows(0)
    wanted_groups = list(GROUPS) if groups is None else [g for g in GROUPS if g in set(groups)]
    if groups is not None:
        mask &= np.isin(f.row_group, [GROUPS.index(g) for g in wanted_groups])
    wanted_countries = None if countries is None else sorted({str(c) for c in countries})
    if wanted_countries is not None:
        mask &= headcounts["country"].isin(wanted_countries).to_numpy(bool)
    rows = np.flatnonzero(mask)
    sub = pd.DataFrame(
        {
            "faculty": headcounts["faculty"].iloc[rows].astype(TEXT).to_numpy(),
            "group": pd.array([GROUPS[i] for i in f.row_group[rows]], dtype=TEXT),
            "country": headcounts["country"].iloc[rows].astype(TEXT).to_numpy(),
            "headcount": pd.to_numeric(
                pd.Series(headcounts["headcount"].iloc[rows].to_numpy()), errors="coerce"
            ).astype("Float64"),
        }
    )
    keys = ["faculty", "group", "country"]
    out = (
        sub.assign(_na=sub["headcount"].isna().astype("int64"))
        .groupby(keys, dropna=False, sort=True)
        .agg(headcount=("headcount", "sum"), headcount_unknown=("_na", "sum"))
        .reset_index()
    )
    out["headcount"] = out["headcount"].round().astype("Int64")
    out["headcount_unknown"] = out["headcount_unknown"].astype("Int64")
    counted = _groups_with_rows(f)
    unavailable = [g for g in wanted_groups if g in counted and not f.available[0, GROUPS.index(g)]]
    if fill_unavailable:
        if groups is None or countries is None:
            raise ValueError("fill_unavailable=True needs groups= and countries=.")
        out = _fill(out, unavailable, wanted_countries or [])
    out.insert(3, "basis", out["group"].map(pd.Series(f.basis, dtype=TEXT)).astype(TEXT))
    periods = {g: ", ".join(f.periods(0, g)) or None for g in wanted_groups}
    out.insert(4, "period", out["group"].map(pd.Series(periods, dtype=TEXT)).astype(TEXT))
    for c in ("faculty", "group", "country"):
        out[c] = out[c].astype(TEXT)
    out.attrs = {
        "notes": list(f.notes),
        "people_basis": dict(f.basis),
        "unavailable": unavailable,
    }
    return out


def _groups_with_rows(f: InForce) -> set[str]:
    """Groups with rows (of their basis) in the table, whatever their periods."""
    rows = f.row_group if f.row_counted is None else f.row_group[f.row_counted]
    return {GROUPS[i] for i in np.flatnonzero(np.bincount(rows, minlength=len(GROUPS)))}


def _fill(out: pd.DataFrame, groups: Sequence[str], countries: Sequence[str]) -> pd.DataFrame:
    """Rows of unknown people for ``groups`` x ``countries`` (no period in force)."""
    if not groups or not countries:
        return out
    g = [x for x in groups for _ in countries]
    c = [x for _ in groups for x in countries]
    fill = pd.DataFrame(
        {
            "faculty": pd.Series([pd.NA] * len(g), dtype=TEXT),
            "group": pd.Series(g, dtype=TEXT),
            "country": pd.Series(c, dtype=TEXT),
            "headcount": pd.Series([pd.NA] * len(g), dtype="Int64"),
            "headcount_unknown": pd.Series([pd.NA] * len(g), dtype="Int64"),
        }
    )
    both = pd.concat([out, fill], ignore_index=True)
    return both.sort_values(["faculty", "group", "country"], na_position="last").reset_index(
        drop=True
    )
