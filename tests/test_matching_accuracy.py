"""Matching accuracy on real data: 1,500 Crossref affiliation strings with their true ROR ids,
against a 1,000-name ROR registry (``../shared/realdata/ror``, ror-community/ror-api test data,
CC0). Precision and recall of the ``match`` decisions, beside an in-run baseline: rapidfuzz
``extractOne`` with ``fuzz.ratio`` on the whole lower-cased string, cutoff 95.

A query whose true organisations are not in the registry (or that has none) counts only against
precision when it is matched; recall = correct matches / queries with a true id in the registry.

Tuning and checking parts
-------------------------
The strings are split by a stable hash of the string itself (so the split never depends on the
order of the file, and a string repeated in a later file falls in the same part): a string is in
the *checking* part when ``int(sha256(string as UTF-8).hexdigest(), 16) % 10 < 3``, else in the
*tuning* part. That gives 452 checking strings (159 with their organisation in the registry) and
1,048 tuning strings (373). Accuracy is tested on both parts and on the whole file.

The rules and word lists up to issue #9 were developed with the whole file at hand (no part was
set aside; the split was drawn afterwards), so today's checking figures (precision 0.960, recall
0.899; tuning 0.951 / 0.839; whole 0.954 / 0.857) are not yet an out-of-sample estimate. From here
on, look only at the failures of the tuning part (``part_of(string) == "tuning"``) when changing
a rule or a word list; the checking figures then tell whether a change generalises.

Issue #12 (item 7) sets targets on the checking part: precision >= 0.95 and recall >= 0.90
(:data:`TARGETS`). From then on only tuning failures were read. Rules tried on them:

- kept: an input naming two organisations of the registry in full, apart, is matched to the
  one named first (tuning: 11 more correct, 2 more counted wrong, both strings that do name the
  organisation matched while the truth lists another); a compound keeps its distinctive first
  part (Wirtschaftsuniversität Wien is not Universität Wien; neutral here, needed for the
  Erasmus Charter list);
- rejected, because they did not generalise on the tuning part itself: "University of X" =
  "X University" where no other key is named so (2 right, 2 wrong: University of Jinan is not
  Jinan University); a derived acronym corroborated by a place of its name (1 right, 1 wrong).

Before -> after: checking 0.960 / 0.899 -> 0.960 / 0.906; tuning 0.951 / 0.839 -> 0.947 /
0.869; whole 0.954 / 0.857 -> 0.951 / 0.880 (precision / recall).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
import pytest
from rapidfuzz import fuzz, process

from kvanalytics.normalise import match_institutions, matching_accuracy

#: Floors a few points under the figures measured when they were set (see the module docstring).
FLOORS = {
    "whole": {"precision": 0.93, "recall": 0.85},
    "tuning": {"precision": 0.92, "recall": 0.84},
    "checking": {"precision": 0.93, "recall": 0.87},
}


#: The targets of issue #12 on the checking part.
TARGETS = {"precision": 0.95, "recall": 0.90}


def part_of(affiliation: str) -> str:
    """``"checking"`` for about 30% of the strings, chosen by a stable hash; else ``"tuning"``."""
    digest = hashlib.sha256(affiliation.encode("utf-8")).hexdigest()
    return "checking" if int(digest, 16) % 10 < 3 else "tuning"


@pytest.fixture(scope="module")
def benchmark(realdata: Path) -> tuple[pd.DataFrame, list[str], list[list[str]]]:
    ror = realdata / "ror"
    registry = json.loads((ror / "dataset_names.json").read_text(encoding="utf-8"))
    reference = pd.DataFrame(
        {"key": [r["ror-id"] for r in registry], "name": [r["affiliation"] for r in registry]}
    )
    records = json.loads((ror / "affiliations_crossref_2024_dev.json").read_text(encoding="utf-8"))
    keys = set(reference["key"])
    queries = [r["affiliation"] for r in records]
    truth = [[k for k in r["ror_ids"] if k in keys] for r in records]
    return reference, queries, truth


@pytest.fixture(scope="module")
def matched(benchmark) -> pd.DataFrame:
    reference, queries, _ = benchmark
    return match_institutions(queries, reference, progress=False)


@pytest.fixture(scope="module")
def parts(benchmark) -> pd.Series:
    _, queries, _ = benchmark
    return pd.Series([part_of(q) for q in queries])


def _accuracy(matched, truth, mask) -> dict[str, float]:
    picked = [t for t, m in zip(truth, mask, strict=True) if m]
    return matching_accuracy(matched[mask].reset_index(drop=True), picked)


@pytest.fixture(scope="module")
def ours(benchmark, matched, parts) -> dict[str, dict[str, float]]:
    _, _, truth = benchmark
    everything = [True] * len(truth)
    return {
        "whole": _accuracy(matched, truth, everything),
        "tuning": _accuracy(matched, truth, (parts == "tuning").tolist()),
        "checking": _accuracy(matched, truth, (parts == "checking").tolist()),
    }


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
    assert len(set(queries)) == len(queries)  # no string can sit in both parts


def test_the_split_is_the_documented_one(benchmark, parts):
    _, _, truth = benchmark
    assert parts.value_counts().to_dict() == {"tuning": 1048, "checking": 452}
    answerable = pd.Series([bool(t) for t in truth])
    assert answerable[parts == "checking"].sum() == 159
    assert answerable[parts == "tuning"].sum() == 373


@pytest.mark.parametrize("part", list(FLOORS))
def test_precision_and_recall(ours, part):
    got = ours[part]
    print(
        f"\n{part}: precision {got['precision']:.3f}, recall {got['recall']:.3f} "
        f"({int(got['correct'])}/{int(got['matches'])} matches correct, "
        f"{int(got['answerable'])} answerable, {int(got['review'])} to review)"
    )
    assert got["precision"] >= FLOORS[part]["precision"]
    assert got["recall"] >= FLOORS[part]["recall"]


def test_better_than_the_baseline(ours, baseline):
    assert ours["whole"]["recall"] > 2 * baseline["recall"]
    assert ours["whole"]["precision"] >= baseline["precision"]


def test_checking_precision_target(ours):
    assert ours["checking"]["precision"] >= TARGETS["precision"]


def test_checking_recall_target(ours):
    assert ours["checking"]["recall"] >= TARGETS["recall"]
