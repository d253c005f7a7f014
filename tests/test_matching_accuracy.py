"""Matching accuracy on real data: 1,500 Crossref affiliation strings with their true ROR ids,
against a 1,000-name ROR registry (``../shared/realdata/ror``, ror-community/ror-api test data,
CC0). Precision and recall of the ``match`` decisions, beside an in-run baseline: rapidfuzz
``extractOne`` with ``fuzz.ratio`` on the whole lower-cased string, cutoff 95.

A query whose true organisations are not in the registry (or that has none) counts only against
precision when it is matched; recall = correct matches / queries with a true id in the registry.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from rapidfuzz import fuzz, process

from kvanalytics.institutions import match_institutions, matching_accuracy

ROR = Path(__file__).resolve().parents[2] / "shared" / "realdata" / "ror"
NAMES = ROR / "dataset_names.json"
AFFILIATIONS = ROR / "affiliations_crossref_2024_dev.json"


@pytest.fixture(scope="module")
def benchmark() -> tuple[pd.DataFrame, list[str], list[list[str]]]:
    if not (NAMES.exists() and AFFILIATIONS.exists()):
        pytest.skip("real data not found in ../shared/realdata/ror")
    registry = json.loads(NAMES.read_text(encoding="utf-8"))
    reference = pd.DataFrame(
        {"key": [r["ror-id"] for r in registry], "name": [r["affiliation"] for r in registry]}
    )
    records = json.loads(AFFILIATIONS.read_text(encoding="utf-8"))
    keys = set(reference["key"])
    queries = [r["affiliation"] for r in records]
    truth = [[k for k in r["ror_ids"] if k in keys] for r in records]
    return reference, queries, truth


@pytest.fixture(scope="module")
def ours(benchmark) -> dict[str, float]:
    reference, queries, truth = benchmark
    return matching_accuracy(match_institutions(queries, reference, progress=False), truth)


@pytest.fixture(scope="module")
def baseline(benchmark) -> dict[str, float]:
    reference, queries, truth = benchmark
    choices = reference["name"].str.lower().tolist()
    found = [
        process.extractOne(q.lower(), choices, scorer=fuzz.ratio, score_cutoff=95) for q in queries
    ]
    result = pd.DataFrame(
        {
            "key": [reference["key"].iat[m[2]] if m else pd.NA for m in found],
            "decision": ["match" if m else "no_match" for m in found],
        }
    )
    return matching_accuracy(result, truth)


def test_benchmark_shape(benchmark):
    reference, queries, truth = benchmark
    assert len(queries) == 1500 and reference["key"].nunique() == 875
    assert sum(1 for t in truth if t) > 500


def test_precision_and_recall_on_crossref_affiliations(ours, baseline):
    print(
        f"\nkvanalytics: precision {ours['precision']:.3f}, recall {ours['recall']:.3f} "
        f"({int(ours['correct'])}/{int(ours['matches'])} matches correct, "
        f"{int(ours['review'])} to review); baseline extractOne(ratio>=95): precision "
        f"{baseline['precision']:.3f}, recall {baseline['recall']:.3f}"
    )
    assert ours["precision"] >= 0.92
    assert ours["recall"] >= 0.80


def test_better_than_the_baseline(ours, baseline):
    assert ours["recall"] > 2 * baseline["recall"]
    assert ours["precision"] >= baseline["precision"]
