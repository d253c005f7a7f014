"""Exports nobody here had seen: partner lists and headcounts in thirteen languages.

``tests/data/unseen/`` holds partner lists and headcounts laid out the way international-office
systems export them (Mobility-Online, MoveON, SAP, Osiris, FS, Ladok, hand-made Excel), written
by ``make_unseen.py``. ``expected.csv`` gives, per file, what a user must see, reasoned by hand:
the options (``defaults`` as ``--set``), the row accounting, the rejects by reason and row, the
accepted rows' countries and kinds (or groups), the headcount total, and every header that maps
(``Header=field``; all others are ignored). The ``check_*`` files and their outcomes were
committed before anything was tuned; the ``tune_*`` files are what the vocabulary was fixed on.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pandas as pd
import pytest

import kvanalytics as kv
from kvanalytics import cli
from kvanalytics.errors import IngestError

UNSEEN = Path(__file__).parent / "data" / "unseen"
EXPECTED = pd.read_csv(UNSEEN / "expected.csv", dtype=str, keep_default_na=False)
READERS = {"partnerships": kv.read_partnerships, "headcounts": kv.read_headcounts}
CASES = [pytest.param(dict(row), id=row["file"]) for _, row in EXPECTED.iterrows()]


def _options(case: dict[str, str]) -> dict[str, object]:
    return json.loads(case["options"]) if case["options"] else {}


def _split(text: str) -> list[str]:
    return [p for p in text.split(";") if p]


def _mapping(text: str) -> dict[str, str]:
    return dict(p.split("=", 1) for p in _split(text))


def _fails(case: dict[str, str], message: str) -> None:
    """The file must fail as a whole, its message holding each part of ``error``."""
    for part in case["error"].split(" | "):
        assert part in message, (part, message)


def test_corpus_is_generated_and_complete():
    spec = importlib.util.spec_from_file_location("make_unseen", UNSEEN / "make_unseen.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    corpus = module.corpus()
    assert sorted(corpus) == sorted(EXPECTED["file"]), "every file needs a row in expected.csv"
    assert len(corpus) >= 30 and set(EXPECTED["set"]) == {"tuning", "checking"}
    for name, data in corpus.items():
        assert (UNSEEN / name).read_bytes() == data, f"{name}: run make_unseen.py"


@pytest.mark.parametrize("case", CASES)
def test_unseen_export_reads_as_a_user_expects(case: dict[str, str]) -> None:
    if case["error"]:
        with pytest.raises(IngestError) as err:
            READERS[case["table"]](UNSEEN / case["file"], errors="collect", **_options(case))
        return _fails(case, str(err.value))
    res = READERS[case["table"]](UNSEEN / case["file"], errors="collect", **_options(case))
    table, rejects, report = res.table, res.rejects, res.report
    assert (report.read, report.accepted, report.rejected) == (
        int(case["read"]), int(case["accepted"]), int(case["rejected"])
    )  # fmt: skip
    by_reason = dict(p.split(":") for p in _split(case["reasons"]))
    assert report.by_reason == {k: int(v) for k, v in by_reason.items()}
    assert rejects["source_row"].tolist() == [int(r) for r in _split(case["rejected_rows"])]
    assert table["country"].tolist() == _split(case["countries"])
    column = "kind" if case["table"] == "partnerships" else "group"
    assert table[column].astype(str).tolist() == _split(case["values"])
    if case["headcount_sum"]:
        assert int(table["headcount"].sum()) == int(case["headcount_sum"])
    else:  # no totals row, no placeholder partner got through
        assert not table["partner"].str.contains(r"(?i)total|summ|razem|yhteens|gesamt").any()


@pytest.mark.parametrize("case", CASES)
def test_unseen_export_headers_map_with_their_rule(case: dict[str, str]) -> None:
    if case["error"]:  # inspect fails with ingest's own message
        with pytest.raises(IngestError) as err:
            kv.inspect_export(UNSEEN / case["file"], table=case["table"], **_options(case))  # type: ignore[arg-type]
        return _fails(case, str(err.value))
    ins = kv.inspect_export(UNSEEN / case["file"], table=case["table"], **_options(case))  # type: ignore[arg-type]
    h = ins.headers
    mapped = h[h["rule"] != "ignored"]
    assert dict(zip(mapped["header"], mapped["field"], strict=True)) == _mapping(case["mapping"])
    assert ins.missing.empty, ins.missing["why"].tolist()


def _sets(case: dict[str, str], tmp_path: Path) -> tuple[list[str], list[str]]:
    """The options as the command line takes them: ``--set`` each default, and ``--columns``
    with a YAML file of the mapping (empty when there is none)."""
    options = _options(case)
    defaults, columns = options.get("defaults", {}), options.get("columns", {})
    assert isinstance(defaults, dict) and isinstance(columns, dict)
    sets = [a for k, v in defaults.items() for a in ("--set", f"{k}={v}")]
    if not columns:
        return sets, []
    given = tmp_path / "given.yaml"
    given.write_text("".join(f'"{h}": {f}\n' for h, f in columns.items()), encoding="utf-8")
    return sets, ["--columns", str(given)]


@pytest.mark.parametrize("case", CASES)
def test_unseen_export_on_the_command_line(
    case: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``kvanalytics inspect`` then ``kvanalytics ingest ... --set``, as the README says; the
    mapping inspect writes, passed back with ``--columns``, gives the same table."""
    path, table = str(UNSEEN / case["file"]), case["table"]
    mapping = tmp_path / "map.yaml"
    sets, given = _sets(case, tmp_path)
    args = ["inspect", path, "--table", table, *sets, *given, "--write-mapping", str(mapping)]
    if case["error"]:  # exit 2, the whole message on stderr, for inspect and ingest alike
        for argv in (args, ["ingest", table, path, "--out", str(tmp_path), *sets, *given]):
            assert cli.main(argv) == 2
            _fails(case, " ".join(capsys.readouterr().err.split()))
        return
    assert cli.main(args) == 0
    out = capsys.readouterr().out
    rows = f"read {case['read']} = accepted {case['accepted']} + rejected {case['rejected']}"
    assert rows in out and "header on row" in out and "missing (" not in out
    for header, field in _mapping(case["mapping"]).items():
        assert f"{header} -> {field} (" in " ".join(out.split()), (header, field)
    runs = {"inferred": [*sets, *given], "mapped": [*sets, "--columns", str(mapping)]}
    tables = {}
    for name, extra in runs.items():
        dest = tmp_path / name
        argv = ["ingest", table, path, "--out", str(dest), *extra, "--json"]
        assert cli.main(argv) == 0
        summary = json.loads(capsys.readouterr().out)
        assert (summary["read"], summary["accepted"], summary["rejected"]) == (
            int(case["read"]), int(case["accepted"]), int(case["rejected"])
        )  # fmt: skip
        tables[name] = pd.read_parquet(dest / f"{table}.parquet")
        rejects = pd.read_csv(dest / f"{table}_rejects.csv", dtype=str, keep_default_na=False)
        assert rejects["source_row"].astype(int).tolist() == [
            int(r) for r in _split(case["rejected_rows"])
        ]
    pd.testing.assert_frame_equal(tables["inferred"], tables["mapped"])


def test_inspect_says_which_values_it_read_by_their_words():
    ins = kv.inspect_export(UNSEEN / "tune_de_partner.csv")
    decisions = ins.decisions
    assert decisions[decisions["field"] == "kind"]["decision"].tolist() == [
        "'Forschungskooperation' read as research (words: forschung)"
    ]


def test_inspect_says_blank_cells_under_a_filled_one_are_not_filled_down():
    ins = kv.inspect_export(
        UNSEEN / "tune_de_pivot.xlsx",
        table="headcounts",
        defaults={"period": "2024/25", "group": "exchange_in"},
    )
    hint = [d for d in ins.decisions["decision"] if "blank cells right under a filled one" in d]
    assert hint == [
        "2 blank cells right under a filled one (rows 5, 8): a pivot table's compact layout, or "
        "a label written once for several rows? ingest does not fill blank cells down (they are "
        "missing_value rejects; only cells merged in the workbook read as their merged value); "
        "repeat the value on each row (in a pivot table: Repeat All Item Labels) and read the "
        "file again"
    ]
    # one blank cell alone is no pattern
    assert not any("right under" in d for d in kv.inspect_export(
        UNSEEN / "tune_sep_line_de.csv").decisions["decision"])  # fmt: skip


def test_inspect_reads_a_wide_headcount_table_as_one_read_per_group():
    """A column per group, no count column: inspect does not fail, it names each missing field
    and how to read each group column."""
    ins = kv.inspect_export(UNSEEN / "tune_sv_wide_headcounts.xlsx", table="headcounts")
    assert ins.missing["field"].tolist() == ["period", "group", "headcount"]
    assert [d for d in ins.decisions["decision"] if "reads as the group" in d] == [
        f"the header {h!r} reads as the group {g} (a table with a column per group?): read it "
        f'with the line "{h}": headcount in --columns MAP.yaml and --set group={g}, once per '
        "group column"
        for h, g in (("Inresande", "exchange_in"), ("Utresande", "exchange_out"))
    ]
