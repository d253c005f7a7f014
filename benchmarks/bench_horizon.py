"""Horizon participation tables: ``read_horizon`` on a 200,000-row CORDIS-layout CSV vs a DuckDB
SQL query computing the same ties from the same file (read, the home's projects, co-participants,
one per organisation and project, country codes, partner type, value per year), both measured in
the same run; then the same table as CORDIS ships it, ``organization.csv`` + ``project.csv``
(the dates joined on the project id), against DuckDB joining the two. The table is synthetic and deterministic (seeded): 20,000 projects of about ten
participants drawn from 8,000 organisations, the home organisation in 2% of the projects, 0.2%
repeated participations. Target: ratio ≤ 3.

Run: ``python -m benchmarks.bench_horizon [--rows 200000] [--repeat 3] [--quick]``
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks import best_of

WORK = Path(__file__).resolve().parent / "_work"
HOME_PIC = "999999999"
_COUNTRIES = ["DE", "FR", "UK", "EL", "NL", "NO", "CA", "NZ", "RU", "CN", "US", "XK", "NA"]
_TYPES = ["HES", "REC", "PRC", "PUB", "OTH"]


def make_participations(rows: int, seed: int = 10) -> pd.DataFrame:
    """A CORDIS-layout participation table of ``rows`` rows (deterministic for a seed)."""
    rng = np.random.default_rng(seed)
    n_proj = max(rows // 10, 1)
    n_org = max(rows // 25, 10)
    proj = rng.integers(0, n_proj, rows)
    proj.sort()
    org = rng.integers(1, n_org, rows)
    home_projects = rng.choice(n_proj, max(n_proj // 50, 1), replace=False)
    first = np.flatnonzero(np.r_[True, proj[1:] != proj[:-1]])
    is_home_first = np.isin(proj[first], home_projects)
    org[first[is_home_first]] = 0  # the home organisation: first participant of its projects
    dup = rng.random(rows) < 0.002
    org[1:][dup[1:]] = org[:-1][dup[1:]]  # a repeated participation now and then
    start = pd.Timestamp("2014-01-01") + pd.to_timedelta(rng.integers(0, 3650, n_proj), "D")
    months = rng.integers(12, 72, n_proj)
    end = start + pd.to_timedelta(months * 30, "D")
    pics = np.array([HOME_PIC] + [str(900_000_000 + i) for i in range(1, n_org)])
    country = np.array(_COUNTRIES)[rng.integers(0, len(_COUNTRIES), n_org)]
    kind = np.array(_TYPES)[rng.integers(0, len(_TYPES), n_org)]
    ec = np.round(rng.random(rows) * 500_000, 2)
    return pd.DataFrame(
        {
            "frameworkProgramme": "H2020",
            "projectID": (100_000 + proj).astype(str),
            "projectAcronym": np.char.add("P", proj.astype(str)),
            "title": np.char.add("Project ", proj.astype(str)),
            "startDate": start.strftime("%Y-%m-%d").to_numpy()[proj],
            "endDate": end.strftime("%Y-%m-%d").to_numpy()[proj],
            "country": country[org],
            "PIC": pics[org],
            "Organisation": np.char.add("Organisation ", org.astype(str)),
            "activityType": kind[org],
            "role": np.where(np.isin(np.arange(rows), first), "coordinator", "participant"),
            "ecContribution": ec,
            "netEcContribution": ec,
            "totalCost": ec * 1.2,
        }
    )


def _csv_file(rows: int) -> Path:
    path = WORK / f"horizon_{rows}.csv"
    if not path.exists():
        WORK.mkdir(parents=True, exist_ok=True)
        make_participations(rows).to_csv(path, index=False)
    return path


_SQL = """
WITH p AS (
    SELECT *, row_number() OVER () AS rn
    FROM read_csv(?, header = true, all_varchar = true)
),
home AS (
    SELECT projectID, min(rn) AS rn FROM p WHERE PIC = ? GROUP BY projectID
),
money AS (
    SELECT p.projectID,
           CAST(p.ecContribution AS DOUBLE)
             / ((CAST(p.endDate AS DATE) - CAST(p.startDate AS DATE) + 1) / 365.25) AS value_eur
    FROM p JOIN home USING (rn)
),
ties AS (
    SELECT p.*, row_number() OVER (PARTITION BY p.projectID, p.PIC ORDER BY p.rn) AS k
    FROM p JOIN home USING (projectID)
    WHERE p.PIC <> ?
)
SELECT projectID AS agreement_id, Organisation AS partner,
       CASE country WHEN 'UK' THEN 'GB' WHEN 'EL' THEN 'GR' ELSE country END AS country,
       CAST(startDate AS DATE) AS "start", CAST(endDate AS DATE) AS "end", value_eur,
       CASE activityType WHEN 'HES' THEN 'education' WHEN 'REC' THEN 'research'
            WHEN 'PRC' THEN 'company' WHEN 'PUB' THEN 'public' WHEN 'OTH' THEN 'other' END
         AS partner_type,
       PIC AS pic
FROM ties LEFT JOIN money USING (projectID)
WHERE k = 1
ORDER BY rn
"""


def _split_files(rows: int) -> tuple[Path, Path]:
    """The same table as CORDIS open data ships it: ``organization.csv`` (no dates; the PIC in
    ``organisationID``, the name in ``name``) and ``project.csv`` (``id``, dates, framework)."""
    org, proj = WORK / f"horizon_{rows}_organization.csv", WORK / f"horizon_{rows}_project.csv"
    if not (org.exists() and proj.exists()):
        WORK.mkdir(parents=True, exist_ok=True)
        d = make_participations(rows)
        o = d.drop(columns=["frameworkProgramme", "title", "startDate", "endDate"])
        o.rename(columns={"PIC": "organisationID", "Organisation": "name"}).to_csv(org, index=False)
        cols = [
            "projectID",
            "projectAcronym",
            "title",
            "startDate",
            "endDate",
            "frameworkProgramme",
        ]
        p = d.drop_duplicates("projectID")[cols]
        p.rename(columns={"projectID": "id", "projectAcronym": "acronym"}).to_csv(proj, index=False)
    return org, proj


#: The first CTE of ``_SQL`` for the two files: the organisation rows with their project's dates.
_SPLIT_P = """p AS (
    SELECT o.projectID, o.organisationID AS PIC, o.name AS Organisation, o.country,
           o.activityType, o.ecContribution, pr.startDate, pr.endDate, o.rn
    FROM (SELECT *, row_number() OVER () AS rn
          FROM read_csv(?, header = true, all_varchar = true)) AS o
    JOIN read_csv(?, header = true, all_varchar = true) AS pr ON o.projectID = pr.id
),"""


def run_duckdb(path: Path) -> pd.DataFrame:
    """The same ties by DuckDB (one connection per run, as a user would)."""
    import duckdb  # imported here: the reference, not a dependency of the package

    con = duckdb.connect()
    try:
        return con.sql(_SQL, params=[str(path), HOME_PIC, HOME_PIC]).to_arrow_table().to_pandas()
    finally:
        con.close()


def run_duckdb_split(org: Path, proj: Path) -> pd.DataFrame:
    """The same ties by DuckDB from the two files, joined on the project id."""
    import duckdb  # imported here: the reference, not a dependency of the package

    head, rest = _SQL.split("),\n", 1)
    assert head.lstrip().startswith("WITH p AS")
    sql = "WITH " + _SPLIT_P + "\n" + rest
    con = duckdb.connect()
    try:
        params = [str(org), str(proj), HOME_PIC, HOME_PIC]
        return con.sql(sql, params=params).to_arrow_table().to_pandas()
    finally:
        con.close()


def _same(got: pd.DataFrame, ref: pd.DataFrame) -> None:
    assert len(got) == len(ref), (len(got), len(ref))
    assert got["pic"].astype(str).tolist() == ref["pic"].tolist()
    assert got["country"].astype(str).tolist() == ref["country"].tolist()
    assert np.allclose(got["value_eur"].to_numpy(float), ref["value_eur"].to_numpy(float))


def main(argv: list[str] | None = None) -> dict[str, float]:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=200_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args(argv)
    if args.quick:
        args.rows, args.repeat = 20_000, 1
    from kvanalytics import read_horizon

    path = _csv_file(args.rows)

    def ours() -> pd.DataFrame:
        return read_horizon(path, home=HOME_PIC, errors="collect").table

    got, ref = ours(), run_duckdb(path)  # warm both (imports, file cache) and compare
    _same(got, ref)
    t_ours = best_of(ours, args.repeat)
    t_duck = best_of(lambda: run_duckdb(path), args.repeat)
    ratio = t_ours / t_duck
    org, proj = _split_files(args.rows)

    def ours_split() -> pd.DataFrame:
        return read_horizon([org, proj], home=HOME_PIC, errors="collect").table

    split = ours_split()
    _same(split, run_duckdb_split(org, proj))
    assert split["agreement_id"].tolist() == got["agreement_id"].tolist()
    s_ours = best_of(ours_split, args.repeat)
    s_duck = best_of(lambda: run_duckdb_split(org, proj), args.repeat)
    print("## Horizon participation tables\n")
    print(
        f"{args.rows:,}-row CORDIS-layout CSV, home organisation in "
        f"{got['agreement_id'].nunique():,} projects with {len(got):,} ties; best of "
        f"{args.repeat}. Ties asserted equal to DuckDB's.\n"
    )
    print("| step | kvanalytics | DuckDB SQL | ratio |")
    print("|---|---:|---:|---:|")
    print(f"| read_horizon | {t_ours:.3f} s | {t_duck:.3f} s | {ratio:.2f}× |")
    print(
        f"| read_horizon, organization.csv + project.csv | {s_ours:.3f} s | {s_duck:.3f} s | "
        f"{s_ours / s_duck:.2f}× |"
    )
    print("\nTarget: ratio ≤ 3.\n")
    return {
        "ours_s": t_ours,
        "duckdb_s": t_duck,
        "ratio": ratio,
        "split_ours_s": s_ours,
        "split_duckdb_s": s_duck,
        "split_ratio": s_ours / s_duck,
    }


if __name__ == "__main__":
    main()
