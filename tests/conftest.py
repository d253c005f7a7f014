"""Shared fixtures: where the bundled sample and the real public data live (skip when absent)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def realdata() -> Path:
    """``../shared/realdata`` beside the repository (real public files the repo may not copy)."""
    path = ROOT.parent / "shared" / "realdata"
    if not path.is_dir():
        pytest.skip(f"real data not available at {path}")
    return path


@pytest.fixture(scope="session")
def sample_dir() -> Path:
    """``data/raw``: the bundled synthetic sample inputs."""
    path = ROOT / "data" / "raw"
    if not path.is_dir():
        pytest.skip(f"sample directory {path} is missing")
    return path
