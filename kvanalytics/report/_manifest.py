"""``manifest.json``: what a report was made from, so that every board number can be traced.

The manifest holds the published headline figures, every input actually read with its sha256,
size and row counts, the parameters, the outputs and the package versions. Every path in it is
relative (inputs to the project folder, outputs to the report folder): no absolute path of the
machine that rendered it.
"""

from __future__ import annotations

import datetime as dt
import json
import platform
from collections.abc import Mapping, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd

__all__ = ["write_manifest"]

_PACKAGES = (
    "kvanalytics",
    "pandas",
    "numpy",
    "pyarrow",
    "matplotlib",
    "seaborn",
    "openpyxl",
    "python-calamine",
    "pycountry",
    "rapidfuzz",
    "jinja2",
)


def _versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in _PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return out


def _plain(value: Any) -> Any:
    """JSON-able: numpy and pandas scalars as Python numbers, NA as null."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, str | bool):
        return value
    if pd.isna(value):
        return None
    if hasattr(value, "item"):
        return value.item()
    return value


def write_manifest(
    out_dir: str | Path,
    *,
    inputs: pd.DataFrame | Sequence[Mapping[str, Any]] = (),
    parameters: Mapping[str, Any],
    headline: Mapping[str, Any] | None = None,
    outputs: Sequence[str | Path] = (),
    warnings: Sequence[str] = (),
    pdf: Mapping[str, Any] | None = None,
) -> Path:
    """Write ``manifest.json`` into ``out_dir``.

    Parameters
    ----------
    out_dir : path
        The report folder; ``outputs`` are written relative to it.
    inputs : DataFrame or sequence of mapping
        One row per input file read: ``path`` (relative to the project folder), ``sha256``,
        ``bytes`` and row counts (:attr:`kvanalytics.project.Inputs.files`).
    parameters : mapping
        The project's parameters (relative paths), quarter and counting day.
    headline : mapping, optional
        The published headline figures (``agreements_active``, ``ties_active``,
        ``value_eur``, ``countries`` and more).
    outputs : sequence of path
        Files written, inside ``out_dir``.
    warnings : sequence of str
        What the reader of the manifest should know.
    pdf : mapping, optional
        Whether ``report.pdf`` was written, and if not why and how to get it.

    Returns
    -------
    pathlib.Path

    Examples
    --------
    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> write_manifest(d, parameters={"quarter": "2026Q3"}).name
    'manifest.json'
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rows = inputs.to_dict("records") if isinstance(inputs, pd.DataFrame) else list(inputs)
    manifest = {
        "generated": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "headline": _plain(dict(headline or {})),
        "inputs": _plain(rows),
        "parameters": _plain(dict(parameters)),
        "outputs": [_inside(Path(p), out) for p in outputs],
        "pdf": _plain(dict(pdf or {})),
        "versions": _versions(),
        "warnings": list(warnings),
    }
    path = out / "manifest.json"
    path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
    return path


def _inside(path: Path, out: Path) -> str:
    try:
        return path.resolve().relative_to(out.resolve()).as_posix()
    except ValueError:
        return path.name
