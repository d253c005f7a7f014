"""Snapshot every output of kvanalytics on fixed inputs, or compare with a saved snapshot.

A refactor must keep results identical: save a snapshot with the code before the change, then
compare with the code after it. The inputs always come from one checkout (``--inputs``, e.g. a
``git worktree`` of the commit before the change), so only the code differs; put the code under
test first on ``PYTHONPATH``.

Usage::

    git worktree add ../before HEAD
    PYTHONPATH=../before python benchmarks/snapshot.py save before.pkl --inputs ../before
    # ... change the code ...
    python benchmarks/snapshot.py compare before.pkl --inputs ../before [--only P] [--strip-new]

(Run it as a script, not with ``-m``: ``-m`` puts the current directory first on ``sys.path``, so
``PYTHONPATH`` would not choose the code.)

``--strip-new`` drops what the ties work added on purpose (``ties_active``, ``ties_*`` metrics)
before comparing. Outputs covered: ingest (sample, national file, every hostile file as both
tables, a 20,000-row generated file), exposure (4 dates x 4 groupings x 4 profiles), exposure
over time, impact of every bundled scenario (with and without headcounts, Monte Carlo, published,
``to_dict``), compare, suppression, the dashboard tables, screening and matching.
"""

from __future__ import annotations

import argparse
import pickle
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

import kvanalytics as kv

BASE = Path(".")


def _get(*names):
    """First attribute path that exists (names move during the refactor)."""
    import importlib

    for name in names:
        mod, _, attr = name.rpartition(".")
        try:
            return getattr(importlib.import_module(mod), attr)
        except (ImportError, AttributeError):
            continue
    raise AttributeError(names)


def _as_dict(res):
    """``Impact.to_dict()``, or the function it replaced in older code."""
    if hasattr(res, "to_dict"):
        return res.to_dict()
    return _get("kvanalytics.scenarios.impact_to_dict")(res)


def _ingested(res):
    out = {"table": res.table, "rejects": res.rejects}
    rep = res.report
    for a in ("by_reason", "notes", "rows_read", "rows_accepted", "rows_rejected"):
        if hasattr(rep, a):
            v = getattr(rep, a)
            out[a] = v() if callable(v) else v
    return out


def run(only: str | None = None) -> dict:
    raw, hostile = BASE / "data" / "raw", BASE / "tests" / "data" / "hostile"
    snap: dict = {}

    def rec(key, fn):
        if only and not key.startswith(only):
            return None
        try:
            val = fn()
        except Exception as exc:  # record the error itself
            val = ("ERROR", type(exc).__name__, str(exc))
        snap[key] = val
        return val

    P = kv.read_partnerships(raw / "sample_partnerships.csv", errors="collect")
    H = kv.read_headcounts(raw / "sample_headcounts.xlsx", errors="collect")
    snap["ingest/sample_partnerships"] = _ingested(P)
    snap["ingest/sample_headcounts"] = _ingested(H)
    rec(
        "ingest/national",
        lambda: _ingested(
            kv.read_headcounts(raw / "national_2022-03_students.csv", errors="collect")
        ),
    )
    for f in sorted(hostile.iterdir()):
        if f.name in ("expected.csv",):
            continue
        rec(
            f"ingest/hostile/{f.name}/partnerships",
            lambda f=f: _ingested(kv.read_partnerships(f, errors="collect")),
        )
        rec(
            f"ingest/hostile/{f.name}/headcounts",
            lambda f=f: _ingested(kv.read_headcounts(f, errors="collect")),
        )
    # benchmark-shaped data, smaller
    from kvanalytics import sample

    path = Path(tempfile.gettempdir()) / "kvanalytics_snapshot_20k.csv"
    if not path.exists():
        sample.write_partnerships_csv(sample.make_partnerships(20000, seed=7), path)
    rec("ingest/big", lambda: _ingested(kv.read_partnerships(path, errors="collect")))
    p, h = P.table, H.table
    for at in ("2022-03-31", "2024-10-01", "2026-09-30", "2019-06-30"):
        for by in (("country",), ("country", "faculty"), ("faculty",), ("region",)):
            for rp in (None, "freedom-house-2024", "eu-restrictive-measures", "nl-2022-freeze"):
                rec(
                    f"exposure/{at}/{'+'.join(by)}/{rp}",
                    lambda at=at, by=by, rp=rp: kv.exposure(p, h, by=by, at=at, risk_profile=rp),
                )
    rec("exposure/no_headcounts", lambda: kv.exposure(p, by=("country",), at="2026-09-30"))
    rec("exposure_over_time/q", lambda: kv.exposure_over_time(p, h, by=("country",)))
    rec(
        "exposure_over_time/ay",
        lambda: kv.exposure_over_time(p, h, by=("faculty",), academic_year=True),
    )
    published = _get("kvanalytics.privacy.published", "kvanalytics.scenarios.published")
    for name in kv.list_scenarios()["name"]:
        for hh_name, hh in (("sample", h), ("none", None)):

            def imp(name=name, hh=hh):
                res = kv.impact(name, p, hh)
                return {
                    a: getattr(res, a)
                    for a in ("summary", "by_faculty", "by_country", "affected", "timeline")
                    if hasattr(res, a)
                } | {"published": published(res.summary), "dict": _as_dict(res)}

            rec(f"impact/{name}/{hh_name}", imp)
        rec(f"impact_mc/{name}", lambda name=name: kv.impact(name, p, h, draws=300, seed=3).summary)
    nat = kv.read_headcounts(raw / "national_2022-03_students.csv")
    rec("impact/nl-national", lambda: kv.impact("nl-2022-freeze", p, nat).summary)
    rec(
        "compare",
        lambda: kv.compare(
            [kv.impact(n, p, h) for n in ("nl-2022-freeze", "be-2022-rur-signatories")]
        ),
    )
    rec(
        "suppress_counts",
        lambda: kv.suppress_counts(
            kv.exposure(p, h, by=("country",), at="2026-09-30"),
            ["degree_student", "students", "staff"],
        ),
    )

    def dash():
        d = kv.quarterly_dashboard(p, h, quarter="2026Q3")
        return {
            k: v
            for k, v in vars(d).items()
            if isinstance(v, (pd.DataFrame, pd.Series, dict, str, int, float))
        }

    rec("dashboard", dash)
    rec(
        "dashboard_nl",
        lambda: {
            k: v
            for k, v in vars(kv.quarterly_dashboard(p, h, quarter="2025Q4", lang="nl")).items()
            if isinstance(v, (pd.DataFrame, pd.Series, dict, str))
        },
    )

    def scr():
        s = kv.screen(p, ["rur-2022-signatories", "example-institutions"], as_of="2026-09-30")
        return {k: v for k, v in vars(s).items() if isinstance(v, (pd.DataFrame, dict, str))}

    rec("screen", scr)
    ref = pd.read_csv(
        BASE / "tests/data/institutions_reference.csv", keep_default_na=False, dtype=str
    )
    must = pd.read_csv(
        BASE / "tests/data/institutions_must_match.csv", keep_default_na=False, dtype=str
    )
    rec("match", lambda: kv.match_institutions(must.iloc[:, 0], ref))
    return snap


NEW_COLUMNS = {"ties_active"}


def _strip_new(x):
    """Drop what the ties work adds on purpose (ties_active, ties_* metrics), to see the rest."""
    if isinstance(x, dict):
        return {k: _strip_new(v) for k, v in x.items() if not str(k).startswith("ties_")}
    if isinstance(x, pd.DataFrame):
        x = x.drop(columns=[c for c in x.columns if c in NEW_COLUMNS])
        if "metric" in x.columns:
            x = x[~x["metric"].astype(str).str.startswith("ties_")]
        return x.reset_index(drop=True) if "metric" in x.columns else x
    return x


def _diff(a, b, path=""):
    out = []
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b), key=str):
            if k not in a or k not in b:
                out.append(f"{path}/{k}: only in {'new' if k not in a else 'baseline'}")
            else:
                out += _diff(a[k], b[k], f"{path}/{k}")
        return out
    try:
        if isinstance(a, pd.DataFrame):
            pd.testing.assert_frame_equal(a, b)
        elif isinstance(a, pd.Series):
            pd.testing.assert_series_equal(a, b)
        elif isinstance(a, np.ndarray):
            np.testing.assert_array_equal(a, b)
        elif a != b:
            out.append(f"{path}: {str(a)[:300]!r} != {str(b)[:300]!r}")
    except AssertionError as exc:
        out.append(f"{path}: {str(exc)[:600]}")
    except Exception as exc:
        out.append(f"{path}: cannot compare ({exc})")
    return out


def _clean(v):
    if isinstance(v, dict):
        return {k: _clean(x) for k, x in v.items() if _picklable(x)}
    return v


def _picklable(x):
    try:
        pickle.dumps(x)
        return True
    except Exception:
        return isinstance(x, dict)


def main(argv: list[str] | None = None) -> int:
    global BASE
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("command", choices=("save", "compare"))
    ap.add_argument("snapshot", type=Path)
    ap.add_argument("--inputs", type=Path, default=Path("."), help="checkout holding the inputs")
    ap.add_argument("--only", help="only entries whose key starts with this")
    ap.add_argument("--strip-new", action="store_true")
    args = ap.parse_args(argv)
    BASE = args.inputs
    cmd, target, only = args.command, args.snapshot, args.only
    print("kvanalytics from", kv.__file__)
    snap = _clean(run(only))
    if cmd == "save":
        Path(target).write_bytes(pickle.dumps(snap))
        errs = [k for k, v in snap.items() if isinstance(v, tuple) and v and v[0] == "ERROR"]
        print(f"saved {len(snap)} entries ({len(errs)} recorded errors)")
    else:
        base = pickle.loads(Path(target).read_bytes())
        if only:
            base = {
                k: v for k, v in base.items() if k.startswith(only) or k.startswith("ingest/sample")
            }
        if args.strip_new:
            snap, base = _strip_new(snap), _strip_new(base)
        diffs = _diff(snap, base)
        for d in diffs:
            print("DIFF", d)
        print(f"{len(snap)} entries compared, {len(diffs)} differences")
        return 1 if diffs else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
