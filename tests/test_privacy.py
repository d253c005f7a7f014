"""Tests of kvanalytics.privacy: primary and secondary small-cell suppression, and attackers
that try to recompute suppressed cells from what is published."""

from __future__ import annotations

import dataclasses
import math
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kvanalytics import config, schemas
from kvanalytics.errors import SchemaError
from kvanalytics.privacy import (
    PEOPLE_SUMS,
    Suppressed,
    disclosure_bounds,
    publish_column,
    published,
    published_with_parts,
    read_published,
    suppress,
    suppress_counts,
    suppress_long,
    suppress_nested,
    total_disclosure,
)
from kvanalytics.schemas import GROUPS

# ------------------------------------------------------------------------------------------------
# Attackers. They see only the published table (numbers, labels, totals) and know the method.
# ------------------------------------------------------------------------------------------------


def _lines(pub: Suppressed) -> list[tuple[list[tuple[int, int]], tuple[int, int]]]:
    """Each published equation as (cells, total cell), in table positions."""
    n_r, n_c = pub.table.shape
    row_tot, col_tot = pub.totals in ("both", "row"), pub.totals in ("both", "column")
    r_in, c_in = n_r - int(col_tot), n_c - int(row_tot)
    lines = []
    if row_tot:
        lines += [([(i, j) for j in range(c_in)], (i, n_c - 1)) for i in range(n_r)]
    if col_tot:
        lines += [([(i, j) for i in range(r_in)], (n_r - 1, j)) for j in range(n_c)]
    return lines


def _known(pub: Suppressed) -> dict[tuple[int, int], float]:
    """What the reader reads: published numbers; NA cells add nothing to totals."""
    known = {}
    for (i, j), v in np.ndenumerate(pub.table.to_numpy()):
        if isinstance(v, str):
            continue
        known[(i, j)] = 0.0 if v is pd.NA or v is None else float(v)
    return known


def single_unknown_attack(pub: Suppressed) -> dict[tuple[int, int], float]:
    """Solve every row/column with exactly one unknown, repeatedly; return the cells recovered."""
    known = _known(pub)
    recovered: dict[tuple[int, int], float] = {}
    lines = _lines(pub)
    progress = True
    while progress:
        progress = False
        for cells, total in lines:
            if all(known.get(c) is not None and c in known for c in [*cells, total]):
                continue
            unknown = [c for c in [*cells, total] if c not in known]
            if total in known and known[total] is None:
                continue  # an NA total says nothing
            if len(unknown) != 1:
                continue
            (u,) = unknown
            if u == total:
                value = sum(known[c] for c in cells)
            else:
                value = known[total] - sum(known[c] for c in cells if c != u)
            known[u] = value
            recovered[u] = value
            progress = True
    return recovered


def _start_bounds(pub: Suppressed) -> dict[tuple[int, int], list[float]]:
    """'<t' is 1..t-1, the secondary label at least t."""
    t = pub.threshold
    primary_label, secondary_label = pub.labels
    bounds: dict[tuple[int, int], list[float]] = {}
    for (i, j), v in np.ndenumerate(pub.table.to_numpy()):
        if isinstance(v, str) and v == primary_label:
            bounds[(i, j)] = [1.0, t - 1.0]
        elif isinstance(v, str) and v == secondary_label:
            bounds[(i, j)] = [float(t), math.inf]
    return bounds


def _propagate(lines, known, bounds) -> bool:
    """Tighten ``bounds`` in place with every equation until stable; False if infeasible."""
    for _ in range(500):
        changed = False
        for cells, total in lines:
            if total in known and known[total] is None:
                continue
            terms = [(c, 1.0) for c in cells] + [(total, -1.0)]
            rest_known = sum(a * known[c] for c, a in terms if c in known)
            for u, a_u in terms:
                if u not in bounds:
                    continue
                lo_rest = hi_rest = -rest_known  # a_u * x_u = -(rest_known + others)
                for c, a in terms:
                    if c == u or c not in bounds:
                        continue
                    lo, hi = bounds[c]
                    lo_rest -= a * hi if a > 0 else a * lo
                    hi_rest -= a * lo if a > 0 else a * hi
                new = (lo_rest, hi_rest) if a_u > 0 else (-hi_rest, -lo_rest)
                b = bounds[u]
                if new[0] > b[0]:
                    b[0], changed = new[0], True
                if new[1] < b[1]:
                    b[1], changed = new[1], True
                if b[0] > b[1]:
                    return False
        if not changed:
            return True
    return True


def interval_attack(pub: Suppressed) -> dict[tuple[int, int], tuple[float, float]]:
    """Bounds of every suppressed cell, tightened with every row/column equation until nothing
    changes (written independently of privacy.py)."""
    bounds = _start_bounds(pub)
    _propagate(_lines(pub), _known(pub), bounds)
    return {c: (b[0], b[1]) for c, b in bounds.items()}


def exact_attack(pub: Suppressed) -> dict[tuple[int, int], set[float]]:
    """The strongest reader: every integer completion of the table consistent with what is
    published (depth-first search with interval pruning). Returns, per suppressed cell, the
    values it takes in some completion - two or more means it is protected."""
    lines, known0 = _lines(pub), _known(pub)

    def feasible(known, bounds) -> bool:
        if not _propagate(lines, known, bounds):
            return False
        free = [c for c in bounds if c not in known]
        if not free:
            return all(
                known[t] is None or sum(known[c] for c in cells) == known[t] for cells, t in lines
            )
        c = min(free, key=lambda x: bounds[x][1] - bounds[x][0])
        lo, hi = bounds[c]
        for v in range(int(lo), int(min(hi, lo + 400)) + 1):
            k2 = {**known, c: float(v)}
            b2 = {x: list(b) for x, b in bounds.items() if x != c}
            if feasible(k2, b2):
                return True
        return False

    start = _start_bounds(pub)
    _propagate(lines, known0, start)
    values = pub.values.to_numpy(dtype=float, na_value=np.nan)
    out = {}
    for c, (lo, hi) in start.items():
        seen = {values[c]}
        for v in range(int(lo), int(min(hi, lo + 400)) + 1):
            if v != values[c] and feasible(
                {**known0, c: float(v)}, {x: list(b) for x, b in start.items() if x != c}
            ):
                seen.add(float(v))
                break  # one other value is enough
        out[c] = seen
    return out


# ------------------------------------------------------------------------------------------------
# Random tables
# ------------------------------------------------------------------------------------------------


@st.composite
def tables(draw) -> tuple[pd.DataFrame, int, str]:
    threshold = draw(st.sampled_from([3, 5, 10]))
    n_r, n_c = draw(st.integers(1, 6)), draw(st.integers(1, 5))
    cell = st.one_of(
        st.just(0),
        st.integers(1, threshold - 1),
        st.integers(threshold, 60),
        st.integers(threshold, 60),
    )
    values = draw(st.lists(st.lists(cell, min_size=n_c, max_size=n_c), min_size=n_r, max_size=n_r))
    df = pd.DataFrame(values, columns=[f"c{j}" for j in range(n_c)]).astype("Int64")
    if draw(st.booleans()) and n_r * n_c > 1:  # an unknown count now and then
        df.iloc[draw(st.integers(0, n_r - 1)), draw(st.integers(0, n_c - 1))] = pd.NA
    totals = draw(st.sampled_from(["both", "both", "row", "column"]))
    return df, threshold, totals


SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(case=tables())
def test_single_unknown_attacker_recovers_nothing(case) -> None:
    df, threshold, totals = case
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pub = suppress(df, threshold=threshold, totals=totals)
    assert single_unknown_attack(pub) == {}


@SETTINGS
@given(case=tables())
def test_interval_attacker_pins_nothing(case) -> None:
    df, threshold, totals = case
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pub = suppress(df, threshold=threshold, totals=totals)
    exact = {c for c, (lo, hi) in interval_attack(pub).items() if lo == hi}
    values = pub.values.to_numpy(dtype=float, na_value=np.nan)
    for c, (lo, hi) in interval_attack(pub).items():
        assert lo <= values[c] <= hi  # the attacker's reasoning is sound
    if exact:  # only when nothing is left to hide around it, and then suppress() says so
        assert caught and "can still be derived" in str(caught[0].message)
        hidden = pub.mask.to_numpy()
        for cells, total in _lines(pub):
            line = [*cells, total]
            if exact.intersection(line):
                assert all(hidden[c] or not np.nan_to_num(values[c]) > 0 for c in line)
    # the package's own audit agrees with the independent attacker
    audit = disclosure_bounds(pub)
    assert set(zip(audit["row"], audit["column"], strict=True)) == {
        (pub.table.index[i], pub.table.columns[j]) for i, j in interval_attack(pub)
    }
    assert int(audit["exact"].sum()) == len(exact)


@SETTINGS
@given(case=tables())
def test_cells_zero_and_totals(case) -> None:
    df, threshold, totals = case
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pub = suppress(df, threshold=threshold, totals=totals)
    values = pub.values.to_numpy(dtype=float, na_value=np.nan)
    shown = pub.table.to_numpy()
    small = (values >= 1) & (values < threshold)
    assert (pub.primary.to_numpy() == small).all()
    assert not (pub.primary.to_numpy() & pub.secondary.to_numpy()).any()
    assert (values[pub.secondary.to_numpy()] >= threshold).all()
    for (i, j), v in np.ndenumerate(values):
        if np.isnan(v):
            assert shown[i, j] is pd.NA
        elif v == 0:
            assert shown[i, j] == 0  # zero stays zero
        elif small[i, j]:
            assert shown[i, j] == f"<{threshold}"
        elif pub.secondary.iat[i, j]:
            assert shown[i, j] == "x"
        else:
            assert shown[i, j] == int(v)  # published cells, totals included, are the real numbers
    interior = df.to_numpy(dtype=float, na_value=np.nan)
    if totals in ("both", "row"):
        expected = np.where(np.isnan(interior).all(axis=1), np.nan, np.nansum(interior, axis=1))
        assert np.array_equal(values[: len(df), -1], expected, equal_nan=True)
    if totals in ("both", "column"):
        expected = np.where(np.isnan(interior).all(axis=0), np.nan, np.nansum(interior, axis=0))
        assert np.array_equal(values[-1, : df.shape[1]], expected, equal_nan=True)


# ------------------------------------------------------------------------------------------------
# Hand-made cases
# ------------------------------------------------------------------------------------------------


def test_exact_integer_attacker_on_small_tables() -> None:
    """Brute force: for seeded small tables, no suppressed cell has a single possible value."""
    rng = np.random.default_rng(20240630)
    checked = 0
    for _ in range(40):
        n_r, n_c = rng.integers(2, 4, size=2)
        threshold = int(rng.choice([3, 5]))
        df = pd.DataFrame(rng.choice([0, 0, 1, 2, 3, 4, 5, 6, 8, 12, 20], size=(n_r, n_c)))
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            pub = suppress(df, threshold=threshold, totals=str(rng.choice(["both", "row"])))
        if caught:  # too sparse to protect, and said so
            continue
        for cell, seen in exact_attack(pub).items():
            assert len(seen) > 1, (df.to_numpy().tolist(), cell)
            checked += 1
    assert checked > 50


def test_lonely_small_cell_gets_secondary_suppressions() -> None:
    counts = pd.DataFrame(
        {"phd": [1, 12, 30], "staff": [9, 14, 22]}, index=pd.Index(["BY", "RU", "UA"], name="c")
    )
    pub = suppress(counts)
    assert pub.table.loc["BY"].tolist() == ["<5", "x", 10]
    assert pub.table.loc["Total"].tolist() == [43, 45, 88]  # totals from the full data
    # BY/phd needs a partner in its row and in its column, and the new one in "staff" needs
    # one too: three is the minimum.
    assert int(pub.secondary.to_numpy().sum()) == 3
    assert single_unknown_attack(pub) == {}
    assert not disclosure_bounds(pub)["exact"].any()


def test_two_small_cells_in_each_line_need_no_secondary() -> None:
    counts = pd.DataFrame({"a": [2, 3, 20], "b": [3, 2, 25], "c": [20, 25, 30]})
    pub = suppress(counts)
    assert int(pub.primary.to_numpy().sum()) == 4
    assert int(pub.secondary.to_numpy().sum()) == 0


def test_a_pair_of_ones_is_protected() -> None:
    # 1 + 1 = 2 would pin both "<5" cells; a secondary suppression is needed
    counts = pd.DataFrame({"a": [1, 40, 30], "b": [1, 35, 20], "c": [30, 20, 12]})
    naive = suppress(counts)
    assert int(naive.secondary.to_numpy().sum()) >= 1
    assert not disclosure_bounds(naive)["exact"].any()


def test_the_audit_catches_primary_only_publication() -> None:
    counts = pd.DataFrame({"a": [1, 40], "b": [10, 35]})
    pub = suppress(counts)
    leaky = dataclasses.replace(
        pub,
        secondary=pub.secondary & False,
        table=pub.table.where(~pub.secondary, pub.values.astype(object)),
    )
    assert disclosure_bounds(leaky)["exact"].any()
    assert single_unknown_attack(leaky) != {}  # the attackers can fail


def test_threshold_is_configurable() -> None:
    counts = pd.DataFrame({"a": [7, 30, 40], "b": [8, 50, 60]})
    assert suppress(counts).primary.to_numpy().sum() == 0
    pub = suppress(counts, threshold=10)
    assert pub.table.loc[0, "a"] == "<10" and pub.threshold == 10
    assert "1 to 9 persons" in pub.legend
    assert config.SUPPRESSION_THRESHOLD == 5
    for bad in (0, 2, 2.5, True):
        with pytest.raises(ValueError, match="threshold"):
            suppress(counts, threshold=bad)


def test_totals_modes() -> None:
    counts = pd.DataFrame({"a": [1, 30], "b": [2, 40]}, index=["x", "y"])
    row = suppress(counts, totals="row")
    assert list(row.table.columns) == ["a", "b", "Total"] and list(row.table.index) == ["x", "y"]
    col = suppress(counts, totals="column")
    assert list(col.table.index) == ["x", "y", "Total"] and "Total" not in col.table.columns
    none = suppress(counts, totals=False)
    assert none.table.shape == (2, 2) and none.secondary.to_numpy().sum() == 0
    with pytest.raises(ValueError, match="totals"):
        suppress(counts, totals="diagonal")


def test_index_columns_and_multiindex() -> None:
    df = pd.DataFrame(
        {
            "faculty": ["Law", "Law", "Arts"],
            "country": ["RU", "UA", "RU"],
            "phd": [3, 40, 12],
            "staff": [20, 7, 9],
            "note": ["a", "b", "c"],
        }
    )
    pub = suppress(df, index=["faculty", "country"])
    assert list(pub.table.columns) == ["phd", "staff", "Total"]  # text column left out
    assert pub.table.index[-1] == ("Total", "")
    pub = suppress(df, index="country", columns=["phd"], totals="column")
    assert pub.table.loc["Total", "phd"] == 55


def test_bad_counts_raise() -> None:
    for bad in ([-1, 5], [1.5, 5]):
        with pytest.raises(SchemaError, match="whole numbers"):
            suppress(pd.DataFrame({"a": bad}))
    with pytest.raises(SchemaError, match="no column"):
        suppress(pd.DataFrame({"a": [1]}), columns=["b"])


def test_repr_html_shows_the_legend() -> None:
    html = suppress(pd.DataFrame({"a": [1, 30], "b": [2, 40]}))._repr_html_()
    assert "&lt;5" in html or "<5" in html
    assert "1 to 4 persons" in html and "secondary" in html


# ------------------------------------------------------------------------------------------------
# Long tables and independent cells
# ------------------------------------------------------------------------------------------------


def test_suppress_long_roundtrip() -> None:
    long = pd.DataFrame(
        {
            "period": ["2023/24"] * 5 + ["2024/25"] * 2,
            "country": ["RU", "RU", "UA", "UA", "BY", "RU", "UA"],
            "group": ["phd", "staff", "phd", "staff", "phd", "phd", "phd"],
            "headcount": pd.array([3, 20, 41, 30, 25, 12, None], dtype="Int64"),
        }
    )
    out = suppress_long(long, row="country", col="group", by="period")
    assert list(out.columns) == ["period", "country", "group", "headcount", "suppression"]
    a = out.loc[out["period"] == "2023/24"].set_index(["country", "group"])
    assert a.loc[("RU", "phd"), "headcount"] == "<5"
    assert a.loc[("RU", "phd"), "suppression"] == "primary"
    assert a.loc[("Total", "Total"), "headcount"] == 119
    assert ("BY", "staff") not in a.index  # absent combinations are not invented
    b = out.loc[out["period"] == "2024/25"].set_index(["country", "group"])
    assert b.loc[("UA", "phd"), "headcount"] is pd.NA  # unknown stays unknown
    assert b.loc[("Total", "phd"), "headcount"] == 12  # totals skip unknown cells
    # the long result publishes exactly what the wide one does
    wide = suppress(
        pd.DataFrame({"phd": [25, 3, 41], "staff": [0, 20, 30]}, index=["BY", "RU", "UA"])
    )
    for (r, c), row in a.iterrows():
        assert row["headcount"] == wide.table.loc[r, c]


def test_suppress_long_rejects_duplicates() -> None:
    long = pd.DataFrame({"country": ["RU", "RU"], "group": ["phd", "phd"], "headcount": [3, 4]})
    with pytest.raises(SchemaError, match="Aggregate"):
        suppress_long(long, row="country", col="group")


def test_suppress_counts() -> None:
    df = pd.DataFrame(
        {"country": ["BY", "RU", "UA", "XK"], "phd": pd.array([0, 3, 12, None], dtype="Int64")}
    )
    before = df.copy(deep=True)
    out = suppress_counts(df, ["phd"])
    assert out["phd"].tolist()[:3] == [0, "<5", 12] and out["phd"].iloc[3] is pd.NA
    assert out["phd"].dtype == object
    assert suppress_counts(df, "phd", threshold=20)["phd"].tolist()[2] == "<20"
    pd.testing.assert_frame_equal(df, before)
    with pytest.raises(SchemaError):
        suppress_counts(df, ["students"])


@st.composite
def exposure_people(draw) -> pd.DataFrame:
    n = draw(st.integers(1, 8))
    cell = st.one_of(st.just(0), st.integers(1, 4), st.integers(5, 80), st.none())
    data = {g: draw(st.lists(cell, min_size=n, max_size=n)) for g in GROUPS}
    df = pd.DataFrame(data).astype("Int64")
    for total, members in PEOPLE_SUMS.items():  # as kvanalytics.exposure computes them
        part = df[list(members)]
        df[total] = part.sum(axis=1, min_count=1).astype("Int64")
    return df.assign(country=[f"C{i}" for i in range(n)])


def row_sum_attack(out: pd.DataFrame) -> dict[tuple[int, str], tuple[float, float]]:
    """Interval attacker on each row's sums (students, staff), knowing the labels."""
    found = {}
    for i, row in out.iterrows():
        for total, members in PEOPLE_SUMS.items():
            cells = [*members, total]
            if row[total] is pd.NA:
                continue
            bounds, known = {}, {}
            for c in cells:
                v = row[c]
                if isinstance(v, str):
                    # a total shown as "x" may be a widened small total: only positive
                    x_low = 1.0 if c == total else 5.0
                    bounds[c] = [1.0, 4.0] if v == "<5" else [x_low, math.inf]
                else:
                    known[c] = 0.0 if v is pd.NA else float(v)
            for _ in range(20):
                for u in bounds:
                    rest = [(c, 1.0 if c != total else -1.0) for c in cells if c != u]
                    k = -sum(a * known[c] for c, a in rest if c in known)
                    lo = k - sum(a * bounds[c][1] if a > 0 else a * bounds[c][0]
                                 for c, a in rest if c in bounds)  # fmt: skip
                    hi = k - sum(a * bounds[c][0] if a > 0 else a * bounds[c][1]
                                 for c, a in rest if c in bounds)  # fmt: skip
                    a_u = 1.0 if u != total else -1.0
                    lo, hi = (lo, hi) if a_u > 0 else (-hi, -lo)
                    bounds[u] = [max(bounds[u][0], lo), min(bounds[u][1], hi)]
            found.update({(i, c): tuple(b) for c, b in bounds.items()})
    return found


@SETTINGS
@given(df=exposure_people())
def test_suppress_counts_protects_students_and_staff(df: pd.DataFrame) -> None:
    cols = [*GROUPS, "students", "staff"]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = suppress_counts(df, cols)
    exact = [k for k, (lo, hi) in row_sum_attack(out).items() if lo == hi]
    if exact:
        assert caught  # only when nothing is left to hide in that row
    for c in cols:
        small = df[c].fillna(0).between(1, 4).to_numpy()
        if c in PEOPLE_SUMS:  # a small total may be widened to "x" when all its parts are hidden
            shown = out.loc[small, c]
            assert shown.isin(["<5", "x"]).all()
            parts = out.loc[small & (out[c] == "x").to_numpy(), list(PEOPLE_SUMS[c])]
            assert parts.map(lambda v: isinstance(v, str) or v == 0).all().all()
        else:
            assert (out.loc[small, c] == "<5").all()
    independent = suppress_counts(df, cols, sums=None)
    assert not (independent[cols] == "x").any().any()


def test_suppress_counts_widens_a_small_total_whose_parts_are_all_small() -> None:
    # four groups of 1 adding up to 4: "<5" everywhere would tell a reader each group is exactly 1
    df = pd.DataFrame(
        {"country": ["HU"], **{g: [0] for g in GROUPS}, "students": [4], "staff": [0]}
    )
    df.loc[0, ["degree_student", "exchange_in", "exchange_out", "phd"]] = [1, 1, 1, 1]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing is left derivable, so no warning either
        out = suppress_counts(df, [*GROUPS, "students", "staff"])
    assert out.loc[0, "students"] == "x"
    assert (out.loc[0, ["degree_student", "exchange_in", "exchange_out", "phd"]] == "<5").all()
    # without the widening the same table would pin every group
    with pytest.warns(UserWarning, match="can still be derived"):
        _secondary_without_widening(df)


def _secondary_without_widening(df: pd.DataFrame) -> None:
    from kvanalytics import privacy

    cols = [*GROUPS, "students", "staff"]
    values = privacy._counts(df[cols], "test")
    n_r, n_c = values.shape
    idx = np.arange(n_r * n_c).reshape(n_r, n_c)
    pos = {c: i for i, c in enumerate(cols)}
    lines = [(idx[:, [pos[m] for m in ms]], idx[:, pos[t]]) for t, ms in PEOPLE_SUMS.items()]
    margin = np.zeros(values.shape, bool)
    margin[:, [pos[t] for t in PEOPLE_SUMS]] = True
    system = privacy._System(values, 5, lines, margin)
    privacy._secondary(system, privacy._primary(values, 5), "test")


def test_suppress_counts_secondary_for_a_lonely_group() -> None:
    df = pd.DataFrame(
        {
            "country": ["BY"],
            **{g: [0] for g in GROUPS},
            "students": [0],
            "staff": [0],
        }
    )
    df.loc[0, ["phd", "degree_student", "students"]] = [2, 30, 32]
    out = suppress_counts(df, [*GROUPS, "students", "staff"])
    assert out.loc[0, "phd"] == "<5"
    assert out.loc[0, "degree_student"] == "x" and out.loc[0, "students"] == 32


def test_inputs_not_mutated() -> None:
    df = pd.DataFrame({"a": pd.array([1, 30, None], dtype="Int64"), "b": [2.0, 40.0, 5.0]})
    long = pd.DataFrame({"r": ["x", "y"], "c": ["p", "p"], "headcount": [1, 9]})
    d0, l0 = df.copy(deep=True), long.copy(deep=True)
    suppress(df)
    suppress_long(long, row="r", col="c")
    suppress_counts(df, ["a", "b"])
    pd.testing.assert_frame_equal(df, d0)
    pd.testing.assert_frame_equal(long, l0)


# ------------------------------------------------------------------------------------------------
# suppress_nested: a detail table and its totals, read side by side
# ------------------------------------------------------------------------------------------------


def _nested_attack(detail_raw, totals_raw, d_pub, t_pub, key, cols):
    """Interval attacker over both published tables (written independently of privacy.py): row
    sums (students, staff) in each table and, per key and column, total = sum of its details.
    Only equations that hold in the data are used (the others a reader cannot rely on).
    Returns the hidden cells whose interval collapses to one value."""
    cells, known, eqs = {}, {}, []

    def add(table, i, c, shown, true):
        cell = (table, i, c)
        if isinstance(shown, str):
            cells[cell] = [1.0, 4.0] if shown == "<5" else [1.0, math.inf]
        else:
            known[cell] = 0.0 if shown is pd.NA or pd.isna(shown) else float(shown)
        return cell

    for name, raw, pub in (("d", detail_raw, d_pub), ("t", totals_raw, t_pub)):
        for i in range(len(raw)):
            for c in cols:
                add(name, i, c, pub[c].iloc[i], raw[c].iloc[i])
            for total, members in PEOPLE_SUMS.items():
                if total in cols and set(members) <= set(cols):
                    eqs.append(([(name, i, m) for m in members], (name, i, total)))
    for ti, k in enumerate(totals_raw[key]):
        rows = np.flatnonzero((detail_raw[key] == k).to_numpy())
        for c in cols:
            if detail_raw[c].iloc[rows].sum() == totals_raw[c].iloc[ti]:
                eqs.append(([("d", r, c) for r in rows], ("t", ti, c)))
    for _ in range(50):
        changed = False
        for members, total in eqs:
            terms = [(m, 1.0) for m in members] + [(total, -1.0)]
            for u, a_u in terms:
                if u not in cells:
                    continue
                lo = hi = 0.0
                for v, a in terms:
                    if v == u:
                        continue
                    if v in known:
                        lo -= a * known[v]
                        hi -= a * known[v]
                    else:
                        b = cells[v]
                        lo -= a * (b[1] if a > 0 else b[0])
                        hi -= a * (b[0] if a > 0 else b[1])
                lo, hi = (lo, hi) if a_u > 0 else (-hi, -lo)
                b = cells[u]
                new = [max(b[0], lo), min(b[1], hi)]
                if new != b:
                    cells[u] = new
                    changed = True
        if not changed:
            break
    return [c for c, (lo, hi) in cells.items() if lo == hi]


def test_suppress_nested_protects_a_cell_behind_its_total():
    detail = pd.DataFrame({"country": ["BY", "BY", "CN"], "faculty": ["Law", "Arts", "Law"],
                           "phd": [3, 40, 12]})  # fmt: skip
    totals = pd.DataFrame({"country": ["BY", "CN"], "phd": [43, 12]})
    d, t = suppress_nested(detail, totals, "country", ["phd"])
    assert d["phd"].tolist() == ["<5", "x", 12]
    assert t["phd"].tolist() == [43, 12]
    # suppressed one by one, the two tables would give the 3 back: 43 - 40
    alone = suppress_counts(detail, ["phd"])
    assert alone["phd"].tolist() == ["<5", 40, 12]


def test_suppress_nested_checks_its_inputs():
    detail = pd.DataFrame({"country": ["BY"], "phd": [3]})
    with pytest.raises(SchemaError, match="one row per"):
        suppress_nested(detail, pd.DataFrame({"country": ["BY", "BY"], "phd": [3, 3]}),
                        "country", ["phd"])  # fmt: skip
    with pytest.raises(SchemaError, match="no column"):
        suppress_nested(detail, pd.DataFrame({"country": ["BY"]}), "country", ["phd"])


def test_dashboard_tables_together_pin_no_hidden_cell():
    """The sample's country x faculty and country tables, published as the report does."""
    from kvanalytics import exposure, read_headcounts, read_partnerships

    raw = Path(__file__).resolve().parents[1] / "data" / "raw"
    p = read_partnerships(raw / "sample_partnerships.csv", errors="collect").table
    h = read_headcounts(raw / "sample_headcounts.xlsx", errors="collect").table
    at = pd.Timestamp("2026-09-30")
    by_cf = exposure(p, h, by=("country", "faculty"), at=at)
    by_c = exposure(p, h, by=("country",), at=at)
    cols = [c for c in (*GROUPS, "students", "staff") if c in by_c.columns]
    d_pub, t_pub = suppress_nested(by_cf, by_c, "country", cols)
    assert _nested_attack(by_cf, by_c, d_pub, t_pub, "country", cols) == []
    # the same tables suppressed one by one leak through the country totals
    d_one, t_one = suppress_counts(by_cf, cols), suppress_counts(by_c, cols)
    assert _nested_attack(by_cf, by_c, d_one, t_one, "country", cols) != []


# ------------------------------------------------------------------------------------------------
# published(): scenario summaries; publish_column / read_published: what charts draw
# ------------------------------------------------------------------------------------------------


def test_people_sums_are_the_one_list_in_schemas():
    assert PEOPLE_SUMS is schemas.PEOPLE_SUMS


def _summary(rows: list[tuple[str, str, float, float, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["metric", "unit", "low", "central", "high"])


def test_published_rounds_people_and_suppresses_small_ones_only():
    df = _summary(
        [
            ("exchange_in_stopped", "people", 0.0, 2.67, 6.2),
            ("degree_students_lost", "people", 0.0, 0.0, 0.0),
            ("phd_affected", "people", 4.6, 5.4, np.nan),
            ("agreements_frozen", "agreements", 3.0, 3.0, 3.0),
            ("value_eur_stopped", "eur_per_year", 1.5, 2.5, 3.5),
        ]
    )
    before = df.copy()
    shown = published(df).set_index("metric")
    pd.testing.assert_frame_equal(df, before)  # input untouched
    assert shown.loc["exchange_in_stopped"].tolist() == ["people", 0, "<5", 6]
    assert shown.loc["degree_students_lost", "central"] == 0  # zero stays zero
    assert shown.loc["phd_affected", "low"] == 5 and shown.loc["phd_affected", "central"] == 5
    assert pd.isna(shown.loc["phd_affected", "high"])  # unknown stays unknown
    assert shown.loc["value_eur_stopped", "central"] == 2.5  # not people: untouched
    assert published(df, threshold=10).set_index("metric").loc["phd_affected", "low"] == "<10"


def test_published_hides_costs_and_totals_that_would_give_a_small_count_back():
    rows = [
        ("support_population", "people", 83.0),
        ("support_cost_eur", "eur", 1245.0),
        ("support_population_BY", "people", 3.0),
        ("support_cost_eur_BY", "eur", 45.0),
        ("support_population_RU", "people", 80.0),
        ("support_cost_eur_RU", "eur", 1200.0),
        ("agreements_frozen", "agreements", 2.0),
    ]
    df = pd.DataFrame(
        {
            "scenario": "s",
            "metric": [r[0] for r in rows],
            "unit": [r[1] for r in rows],
            **{c: [r[2] for r in rows] for c in ("low", "central", "high")},
        }
    )
    by = df["metric"] == "support_population_BY"
    other = df.assign(scenario="t")
    other.loc[by, ["low", "central", "high"]] = 30.0
    shown = published(pd.concat([df, other], ignore_index=True)).set_index(["scenario", "metric"])
    s = shown.loc["s", "central"]
    assert s["support_population_BY"] == "<5"
    # cost = population × fixed rates, and total − RU = BY: both would give the 3 back
    assert s["support_cost_eur_BY"] == "x"
    assert s["support_population"] == "x" and s["support_cost_eur"] == "x"
    assert s["support_population_RU"] == 80 and s["support_cost_eur_RU"] == 1200.0
    assert s["agreements_frozen"] == 2.0  # not people: untouched
    # another scenario, with no small group, keeps its totals: hiding is per scenario
    assert shown.loc[("t", "support_population"), "central"] == 83


def test_read_published_marks_primary_and_secondary_cells():
    cells = read_published(pd.Series([12, "<5", 0, "x", pd.NA, " < 10 ", "7"], dtype=object))
    assert cells.marks.tolist()[:4] == [pd.NA, "<5", pd.NA, "x"]
    assert cells.suppressed.tolist() == [False, True, False, True, False, True, False]
    assert cells.numbers.tolist() == [12, pd.NA, 0, pd.NA, pd.NA, pd.NA, 7]
    numeric = read_published(pd.Series([1, 2], dtype="Int64"))
    assert not numeric.suppressed.any() and numeric.numbers.tolist() == [1, 2]


@settings(max_examples=50, deadline=None)
@given(st.lists(st.one_of(st.integers(0, 12), st.none()), min_size=1, max_size=8))
def test_publish_column_shows_no_small_count_and_is_idempotent(values):
    column = pd.Series([pd.NA if v is None else v for v in values], dtype="Int64")
    shown = publish_column(column)
    for v, s in zip(values, shown, strict=True):
        if v is None:
            assert pd.isna(s)
        elif 0 < v < 5:
            assert s == "<5"
        else:
            assert s == v
    again = publish_column(shown)
    assert [None if pd.isna(v) else v for v in again] == [None if pd.isna(v) else v for v in shown]


def test_publish_column_refuses_what_is_not_a_count():
    with pytest.raises(SchemaError, match="whole numbers"):
        publish_column(pd.Series([2.5, 10.0]))


# ------------------------------------------------------------------------------------------------
# total_disclosure: a total published beside a flat table of its parts
# ------------------------------------------------------------------------------------------------


def _people_table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "country": ["BY", "CN", "RU", "TR", "UA"],
            "phd": [0, 10, 0, 0, 30],
            "degree_student": [3, 59, 11, 7, 2],
            "academic_staff": [0, 0, 6, 0, 12],
        }
    )


def _parts(table: pd.DataFrame, countries: set[str], cols: list[str]) -> pd.DataFrame:
    mask = pd.DataFrame(False, index=table.index, columns=cols)
    mask.loc[table["country"].isin(countries).to_numpy(), cols] = True
    return mask


def test_a_total_with_one_hidden_part_gives_it_back():
    """BY 3 is the only hidden part of the total over BY, CN, RU, TR (96): 96 - 93 = 3."""
    table = _people_table()
    cols = ["phd", "degree_student", "academic_staff"]
    shown = suppress_counts(table, cols)
    assert shown.loc[0, "degree_student"] == "<5"  # the table hides it ...
    audit = total_disclosure(table, cols, _parts(table, {"BY", "CN", "RU", "TR"}, cols))
    row = audit[audit["in_total"]].iloc[0]
    assert (row["row"], row["column"], row["low"], row["high"]) == (0, "degree_student", 3, 3)
    assert audit["exact"].any()  # ... and the total gives it back
    # without BY among the parts the total holds no hidden cell
    assert not total_disclosure(table, cols, _parts(table, {"CN", "RU"}, cols))["exact"].any()


def test_two_hidden_parts_are_pinned_by_an_extreme_sum_only():
    """Two hidden cells of 1..4: a sum of 8 pins them (4 and 4); a sum of 7 leaves 3 or 4."""
    table = pd.DataFrame({"country": ["BY", "RU", "CN"], "phd": [4, 4, 40]})
    audit = total_disclosure(table, ["phd"], _parts(table, {"BY", "RU", "CN"}, ["phd"]))
    assert audit["exact"].all() and audit["low"].tolist() == [4, 4]
    table.loc[1, "phd"] = 3
    audit = total_disclosure(table, ["phd"], _parts(table, {"BY", "RU", "CN"}, ["phd"]))
    assert not audit["exact"].any()
    assert audit[["low", "high"]].values.tolist() == [[3, 4], [3, 4]]


def test_total_disclosure_uses_the_tables_own_sums_and_several_totals():
    """The table's students column is a sum of its groups (as published, with secondary
    suppression): a total is checked together with the table's own equations."""
    table = pd.DataFrame(
        {"phd": [3, 20], "degree_student": [40, 30], "students": [43, 50]}, index=["BY", "CN"]
    )
    cols, sums = ["phd", "degree_student", "students"], {"students": ["phd", "degree_student"]}
    assert suppress_counts(table, cols, sums=sums).loc["BY"].tolist() == ["<5", "x", 43]
    by_phd = pd.DataFrame({"phd": [True, True]}, index=table.index)
    assert total_disclosure(table, cols, by_phd, sums=sums)["exact"].any()  # 23 - 20 = 3
    by_students = pd.DataFrame({"students": [True, True]}, index=table.index)
    assert not total_disclosure(table, cols, by_students, sums=sums)[
        "exact"
    ].any()  # 93: nothing new
    # a total of the secondary cell alone (BY degree students, 'x') gives it back
    only_by = pd.DataFrame({"degree_student": [True, False]}, index=table.index)
    assert total_disclosure(table, cols, only_by, sums=sums)["exact"].any()
    with pytest.raises(SchemaError, match="parts must have the index"):
        total_disclosure(table, cols, pd.DataFrame({"phd": [True]}, index=["BY"]))


def test_totals_beside_the_same_table_are_checked_together():
    """Each total alone pins nothing (BY+RU = 5; BY+RU+UA = 7 over three cells of 1..4); the
    two together give UA = 2 back."""
    table = pd.DataFrame({"country": ["BY", "RU", "UA", "CN"], "phd": [2, 3, 2, 40]})
    two = _parts(table, {"BY", "RU", "CN"}, ["phd"])
    three = _parts(table, {"BY", "RU", "UA", "CN"}, ["phd"])
    assert not total_disclosure(table, ["phd"], two)["exact"].any()
    assert not total_disclosure(table, ["phd"], three)["exact"].any()
    both = total_disclosure(table, ["phd"], [two, three])
    assert both.loc[both["exact"], "row"].tolist() == [2]


def test_published_with_parts_hides_a_part_its_total_would_give_back():
    """A scenario's degree_students_lost total (43) beside its faculty cells (3, 40): published
    on their own, 43 - 40 gave the 3 back; together the 40 is hidden too, and so is the money
    computed from each hidden count."""
    totals = pd.DataFrame(
        {"scenario": ["s", "s"], "metric": ["degree_students_lost", "tuition_eur_lost"],
         "unit": ["people", "eur"], "low": [43.0, 86000.0], "central": [43.0, 86000.0],
         "high": [43.0, 86000.0]}
    )  # fmt: skip
    parts = pd.DataFrame(
        {"scenario": ["s"] * 4, "faculty": ["Law", "Arts", "Law", "Arts"],
         "metric": ["degree_students_lost"] * 2 + ["tuition_eur_lost"] * 2,
         "unit": ["people", "people", "eur", "eur"], "low": [3.0, 40.0, 6000.0, 80000.0],
         "central": [3.0, 40.0, 6000.0, 80000.0], "high": [3.0, 40.0, 6000.0, 80000.0]}
    )  # fmt: skip
    alone = published(parts)["central"].tolist()
    assert alone[:2] == ["<5", 40]  # the leak: 43 - 40
    t, p = published_with_parts(totals, parts)
    assert t["central"].tolist() == [43, 86000.0]
    assert p["central"].tolist() == ["<5", "x", "x", "x"]
