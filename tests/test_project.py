"""The project file and input reading: keys checked, paths relative, ingest reused by hash."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

import kvanalytics as kv
from kvanalytics.errors import InputFileError, KvError, OptionError
from kvanalytics.project import (
    PROJECT_KEYS,
    file_sha256,
    load_project,
    project_from_options,
    read_inputs,
)

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
DUTCH = ROOT / "tests" / "data" / "dutch_export_cp1252.csv"


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    """A project folder with the sample's partnerships and headcounts under exports/."""
    (tmp_path / "exports").mkdir()
    shutil.copy(RAW / "sample_partnerships.csv", tmp_path / "exports" / "agreements 2026.csv")
    shutil.copy(RAW / "sample_headcounts.xlsx", tmp_path / "exports" / "people.xlsx")
    return tmp_path


def _write(folder: Path, text: str) -> Path:
    path = folder / "kvanalytics.yaml"
    path.write_text(text, encoding="utf-8")
    return path


BASIC = """
institution: Test University
language: nl
inputs:
  partnerships:
    - file: exports/agreements 2026.csv
  headcounts:
    - file: exports/people.xlsx
scenarios: [nl-2022-freeze]
suppression_threshold: 10
"""


def test_the_bundled_example_project_loads():
    project = load_project(ROOT / "kvanalytics.yaml")
    assert project.root == ROOT
    assert [project.relative(p) for s in project.inputs for p in s.paths] == [
        "data/raw/sample_partnerships.csv",
        "data/raw/sample_headcounts.xlsx",
    ]
    assert project.institution and project.lang == "en"
    assert len(project.scenarios) == 3


def test_a_project_file_is_read_relative_to_its_folder(folder, monkeypatch):
    monkeypatch.chdir(ROOT)  # not the project folder: paths are still found
    project = load_project(_write(folder, BASIC))
    assert project.lang == "nl" and project.suppression_threshold == 10
    assert project.scenarios == ("nl-2022-freeze",)
    params = project.parameters()
    assert params["project_file"] == "kvanalytics.yaml"
    assert params["inputs"][0]["files"] == ["exports/agreements 2026.csv"]
    assert str(folder) not in repr(params)


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("institution: X\ninputs: {partnerships: [a.csv]}\ncolour: red\n", "unknown key 'colour'"),
        ("inputs: {partnerships: [{file: nope.csv}]}\n", "nope.csv: no such file"),
        ("inputs: {people: [{file: a.csv}]}\n", "unknown table 'people'"),
        ("inputs: {partnerships: [{file: exports/people.xlsx, colums: {}}]}\n", "'colums'"),
        ("inputs: {headcounts: [{file: exports/people.xlsx}]}\n", "no partnerships"),
        ("inputs: {horizon: [{file: exports/people.xlsx}]}\n", "needs home"),
        ("language: de\ninputs: {partnerships: [exports/people.xlsx]}\n", "language 'de'"),
        ("quarter: 2026-09\ninputs: {partnerships: [exports/people.xlsx]}\n", "not a quarter"),
        ("suppression_threshold: 0\ninputs: {partnerships: [exports/people.xlsx]}\n", "≥ 2"),
        ("scenarios: [nope]\ninputs: {partnerships: [exports/people.xlsx]}\n", "scenarios"),
        ("risk_profiles: [nope]\ninputs: {partnerships: [exports/people.xlsx]}\n", "risk_profiles"),
        ("[1, 2]\n", "expected a mapping"),
        ("inputs: {partnerships: [\n", "not valid YAML"),
    ],
)
def test_bad_project_files_name_the_key_and_the_fix(folder, text, match):
    with pytest.raises(KvError, match=re.escape(match)):
        load_project(_write(folder, text))


def test_an_unknown_key_lists_every_allowed_key(folder):
    with pytest.raises(OptionError) as err:
        load_project(_write(folder, "inputs: {partnerships: [a.csv]}\ncolour: red\n"))
    assert all(k in str(err.value) for k in PROJECT_KEYS)


def test_a_missing_project_file():
    with pytest.raises(InputFileError, match="no such file"):
        load_project("nope/kvanalytics.yaml")


def test_inputs_with_a_mapping_and_defaults_inline(folder):
    text = """
inputs:
  partnerships:
    - file: exports/agreements 2026.csv
      columns: {Kenmerk: agreement_id}
      defaults: {kind: exchange}
"""
    spec = load_project(_write(folder, text)).inputs[0]
    assert dict(spec.columns or {}) == {"Kenmerk": "agreement_id"}
    assert dict(spec.defaults) == {"kind": "exchange"}


def test_read_inputs_accounts_for_every_row_with_relative_paths(folder):
    inputs = read_inputs(load_project(_write(folder, BASIC)))
    files = inputs.files.set_index("path")
    assert list(files.index) == ["exports/agreements 2026.csv", "exports/people.xlsx"]
    assert (files["rows_read"] == files["rows_accepted"] + files["rows_rejected"]).all()
    assert files.loc["exports/agreements 2026.csv", "sha256"] == file_sha256(
        folder / "exports" / "agreements 2026.csv"
    )
    assert set(inputs.partnerships["source_file"]) == {"exports/agreements 2026.csv"}
    assert set(inputs.rejects["source_file"]) <= {"exports/agreements 2026.csv"}
    assert files.loc["exports/agreements 2026.csv", "rows_rejected"] == len(inputs.rejects) > 0
    reference = kv.read_partnerships(RAW / "sample_partnerships.csv", errors="collect").table
    pd.testing.assert_frame_equal(
        inputs.partnerships.drop(columns="source_file"), reference.drop(columns="source_file")
    )


def test_unchanged_inputs_are_reused_and_changed_ones_never(folder):
    path = _write(folder, BASIC)
    first = read_inputs(load_project(path))
    assert not first.files["reused"].any()
    again = read_inputs(load_project(path))
    assert again.files["reused"].all()
    pd.testing.assert_frame_equal(first.partnerships, again.partnerships)
    pd.testing.assert_frame_equal(first.headcounts, again.headcounts)
    pd.testing.assert_frame_equal(first.rejects, again.rejects)
    # a changed file is ingested afresh, and its table reflects the change
    csv = folder / "exports" / "agreements 2026.csv"
    lines = csv.read_bytes().splitlines(keepends=True)
    csv.write_bytes(b"".join(lines[:-5]))
    changed = read_inputs(load_project(path)).files.set_index("path")
    assert not changed.loc["exports/agreements 2026.csv", "reused"]
    assert changed.loc["exports/people.xlsx", "reused"]
    assert changed.loc["exports/agreements 2026.csv", "rows_read"] < first.files["rows_read"][0]
    # a changed mapping or default is a new key too
    _write(
        folder,
        BASIC.replace(
            "- file: exports/agreements 2026.csv",
            "- file: exports/agreements 2026.csv\n      defaults: {partner_type: other}",
        ),
    )
    remapped = read_inputs(load_project(folder / "kvanalytics.yaml")).files.set_index("path")
    assert not remapped.loc["exports/agreements 2026.csv", "reused"]


def test_no_cache_reads_afresh(folder):
    project = load_project(_write(folder, BASIC))
    read_inputs(project)
    assert not read_inputs(project, cache=False).files["reused"].any()


def test_options_an_export_under_its_own_name_without_headcounts():
    project = project_from_options(partnerships=[DUTCH], root=ROOT)
    inputs = read_inputs(project)
    assert inputs.headcounts is None
    assert any("headcounts" in n.lower() for n in inputs.notes)
    assert list(inputs.files["path"]) == ["tests/data/dutch_export_cp1252.csv"]
    assert len(inputs.partnerships) > 0


def test_options_default_to_the_bundled_sample_and_check_conflicts(tmp_path):
    sample = project_from_options(root=ROOT)
    assert [s.table for s in sample.inputs] == ["partnerships", "headcounts"]
    with pytest.raises(OptionError, match="conflicts"):
        project_from_options(partnerships=[DUTCH], data_dir=RAW)
    with pytest.raises(OptionError, match="--headcounts needs"):
        project_from_options(headcounts=[RAW / "sample_headcounts.xlsx"])
    with pytest.raises(OptionError, match="--home"):
        project_from_options(horizon=[DUTCH])
    with pytest.raises(InputFileError, match=r"no sample_partnerships\.csv"):
        project_from_options(data_dir=tmp_path)


def test_a_horizon_table_and_an_export_read_as_one_partnerships_table():
    horizon = ROOT / "tests" / "data" / "horizon" / "cordis_dayfirst.csv"
    project = project_from_options(
        partnerships=[RAW / "sample_partnerships.csv"],
        horizon=[horizon],
        home="999000001",
        root=ROOT,
    )
    inputs = read_inputs(project)
    files = inputs.files.set_index("path")
    ties = kv.read_horizon(horizon, home="999000001", errors="collect")
    row = files.loc["tests/data/horizon/cordis_dayfirst.csv"]
    assert row["reader"] == "horizon" and row["table"] == "partnerships"
    assert row["rows_read"] == ties.report.read  # the home's own rows are read, not ties
    assert row["rows_accepted"] == len(ties.table)
    assert len(inputs.partnerships) == files["rows_accepted"].sum()
    # the joined table is usable by exposure (text columns in one piece)
    assert kv.exposure(inputs.partnerships, at="2024-12-31")["ties_active"].sum() > 0


@pytest.mark.parametrize(
    ("old", "new", "hint"),
    [
        ("suppression_threshold:", "supression_threshold:", "did you mean 'suppression_threshold'"),
        ("defaults: {basis", "default: {basis", "did you mean 'defaults'"),
        ("  headcounts:", "  headcount:", "did you mean 'headcounts'"),
    ],
)
def test_a_typo_in_a_project_key_names_the_key_meant(tmp_path, old, new, hint):
    """A new user's typos in their own kvanalytics.yaml (tests/data/newuser): the error named
    the unknown key and listed every key; it now says which one was meant."""
    data = Path(__file__).parent / "data" / "newuser"
    for f in data.iterdir():
        if f.is_file():
            shutil.copy(f, tmp_path / f.name)
    path = tmp_path / "kvanalytics.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    with pytest.raises(OptionError, match=re.escape(hint)):
        load_project(path)


def test_a_horizon_input_may_name_the_home_several_ways(tmp_path):
    """``home:`` in a project file may be a list (a PIC and the home's other names, a PIC
    written as a YAML number included); it reaches read_horizon as a list, not as its repr."""
    data = ROOT / "tests" / "data" / "horizon" / "tuning"
    for f in ("fp7_organization.csv", "fp7_project.csv"):
        shutil.copy(data / f, tmp_path / f)
    text = (
        "inputs:\n  horizon:\n    - files: [fp7_organization.csv, fp7_project.csv]\n"
        "      home: [999912345, Some Other Name]\n"
    )
    path = tmp_path / "kvanalytics.yaml"
    path.write_text(text, encoding="utf-8")
    project = load_project(path)
    assert project.inputs[0].home == ("999912345", "Some Other Name")
    inputs = read_inputs(project)
    once = kv.read_horizon(
        [data / "fp7_organization.csv", data / "fp7_project.csv"],
        home="999912345",
        errors="collect",
    )
    assert len(inputs.partnerships) == len(once.table) > 0


@pytest.mark.parametrize(
    ("kwargs", "named"),
    [
        ({"defaults": {"kind": "sabbatical"}}, "--set kind=sabbatical"),
        ({"headcount_defaults": {"basis": "xyz"}}, "--headcounts-set basis=xyz"),
    ],
)
def test_a_bad_default_is_named_by_the_option_it_was_given_with(kwargs, named):
    with pytest.raises(OptionError, match=re.escape(named)):
        project_from_options(
            partnerships=[RAW / "sample_partnerships.csv"],
            headcounts=[RAW / "sample_headcounts.xlsx"],
            **kwargs,
        )


def test_a_bad_default_in_a_project_file_is_named_where_it_stands(tmp_path):
    shutil.copy(RAW / "sample_partnerships.csv", tmp_path / "p.csv")
    text = "inputs:\n  partnerships:\n    - file: p.csv\n      defaults: {level: planetary}\n"
    with pytest.raises(OptionError, match=r"inputs\.partnerships\[0\]: defaults: .*planetary"):
        load_project(_write(tmp_path, text))
