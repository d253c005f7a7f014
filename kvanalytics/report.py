"""Reports: execute the parameterised notebooks, render one HTML without code, write a manifest.

``render_report`` is what ``make report`` and ``kvanalytics report`` run. The notebooks compute
nothing themselves: they call the library and display; this module runs them (papermill), merges
them into one document, hides the code, and writes ``manifest.json`` beside the outputs so that a
board number can be traced to its inputs, parameters and package versions.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import platform
import sys
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd

from . import config
from .errors import KvError

__all__ = [
    "REPORT_NOTEBOOKS",
    "file_sha256",
    "latest_complete_quarter",
    "render_report",
    "write_manifest",
]

#: Notebooks that make up the report, in reading order (missing ones are skipped).
REPORT_NOTEBOOKS = ("03-quarterly-dashboard.ipynb", "04-freeze-impact.ipynb", "01-ingest.ipynb")
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
    "papermill",
    "nbconvert",
)


def latest_complete_quarter(today: dt.date | pd.Timestamp | None = None) -> str:
    """The last calendar quarter that has ended before ``today``, as ``"2026Q3"``.

    Examples
    --------
    >>> latest_complete_quarter(dt.date(2026, 11, 24))
    '2026Q3'
    >>> latest_complete_quarter(dt.date(2026, 1, 1))
    '2025Q4'
    """
    day = pd.Timestamp(today or dt.date.today())
    return str(pd.Period(day, freq="Q") - 1)


def file_sha256(path: str | Path) -> str:
    """SHA-256 of a file's bytes, hex-encoded.

    Examples
    --------
    >>> import tempfile, os
    >>> p = Path(tempfile.mkdtemp()) / "x.txt"; _ = p.write_bytes(b"abc")
    >>> file_sha256(p)[:12]
    'ba7816bf8f01'
    """
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in _PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return out


def write_manifest(
    out_dir: str | Path,
    *,
    inputs: Sequence[str | Path],
    parameters: dict[str, Any],
    outputs: Sequence[str | Path] = (),
    warnings: Sequence[str] = (),
) -> Path:
    """Write ``manifest.json``: input files with sha256, parameters, outputs, package versions.

    Examples
    --------
    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> write_manifest(d, inputs=[], parameters={"quarter": "2026Q3"}).name
    'manifest.json'
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    manifest = {
        "generated": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "inputs": [
            {"path": str(p), "sha256": file_sha256(p), "bytes": Path(p).stat().st_size}
            for p in inputs
        ],
        "parameters": parameters,
        "outputs": [
            str(Path(p).relative_to(out)) if Path(p).is_relative_to(out) else str(p)
            for p in outputs
        ],
        "versions": _versions(),
        "warnings": list(warnings),
        "command": " ".join(sys.argv),
    }
    path = out / "manifest.json"
    path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
    return path


def _input_files(data_dir: Path) -> list[Path]:
    names = ("sample_partnerships.csv", "sample_headcounts.xlsx", "national_2022-03_students.csv")
    return [data_dir / n for n in names if (data_dir / n).exists()]


def render_report(
    *,
    quarter: str | None = None,
    data_dir: str | Path | None = None,
    lang: str = "en",
    risk_profile: str = "freedom-house-2024",
    out_dir: str | Path | None = None,
    notebooks: Sequence[str] = REPORT_NOTEBOOKS,
    timeout: int = 600,
) -> Path:
    """Execute the report notebooks and write ``report.html``, charts, tables and the manifest.

    Parameters
    ----------
    quarter : str, optional
        ``"2026Q3"``; default :func:`latest_complete_quarter`.
    data_dir : path, optional
        Directory with the raw inputs (default ``data/raw``).
    lang : {"en", "nl"}
        Language of labels and number formats.
    risk_profile : str
        Bundled risk profile name or CSV path.
    out_dir : path, optional
        Default ``reports/<quarter>``.
    notebooks : sequence of str
        Notebook file names under ``notebooks/``, in reading order.
    timeout : int
        Seconds a single cell may run.

    Returns
    -------
    pathlib.Path
        The output directory, holding ``report.html``, ``charts/``, ``tables.xlsx``,
        ``manifest.json`` and the executed notebooks under ``notebooks/``.

    Examples
    --------
    >>> render_report(quarter="2026Q3", out_dir="reports/2026Q3")  # doctest: +SKIP
    """
    import nbformat
    import papermill as pm

    quarter = quarter or latest_complete_quarter()
    try:
        pd.Period(quarter, freq="Q")
    except ValueError:
        raise KvError(f"quarter {quarter!r} is not a quarter like 2026Q3") from None
    if lang not in ("en", "nl"):
        raise KvError(f"lang {lang!r}: use 'en' or 'nl'")
    data = Path(data_dir or config.RAW_DIR).resolve()
    if not (data / "sample_partnerships.csv").exists():
        raise KvError(f"{data}: no sample_partnerships.csv to report on")
    out = Path(out_dir or config.REPORTS_DIR / quarter).resolve()
    (out / "charts").mkdir(parents=True, exist_ok=True)
    (out / "notebooks").mkdir(parents=True, exist_ok=True)
    params = {
        "quarter": quarter,
        "data_dir": str(data),
        "lang": lang,
        "risk_profile": risk_profile,
        "out_dir": str(out),
    }
    executed = []
    for name in notebooks:
        src = config.NOTEBOOK_DIR / name
        if not src.exists():
            continue
        dst = out / "notebooks" / name
        pm.execute_notebook(
            str(src),
            str(dst),
            parameters=params,
            cwd=str(config.NOTEBOOK_DIR),
            progress_bar=False,
            execution_timeout=timeout,
            kernel_name="python3",
            report_mode=True,
        )
        executed.append(dst)
    if not executed:
        raise KvError(f"no report notebooks found in {config.NOTEBOOK_DIR}")
    merged, warnings = _merge([nbformat.read(str(p), as_version=4) for p in executed])
    html_path = out / "report.html"
    html_path.write_text(_to_html(merged, title=f"kvanalytics — {quarter}"), encoding="utf-8")
    outputs = [html_path, *sorted((out / "charts").glob("*")), *sorted(out.glob("*.xlsx"))]
    write_manifest(
        out, inputs=_input_files(data), parameters=params, outputs=outputs, warnings=warnings
    )
    return out


def _merge(nbs: list[Any]) -> tuple[Any, list[str]]:
    """One notebook from several: code hidden later, stderr moved to the manifest's warnings."""
    import nbformat

    merged = nbformat.v4.new_notebook()
    merged.metadata = nbs[0].metadata
    warnings: list[str] = []
    for nb in nbs:
        for cell in nb.cells:
            tags = set(cell.get("metadata", {}).get("tags", []))
            if tags & {"parameters", "injected-parameters", "remove-cell"}:
                continue
            if cell.cell_type == "code":
                kept = []
                for o in cell.get("outputs", []):
                    if o.get("output_type") == "stream" and o.get("name") == "stderr":
                        warnings.append(str(o.get("text", "")).strip())
                    else:
                        kept.append(o)
                cell.outputs = kept
            merged.cells.append(cell)
    return merged, [w for w in warnings if w]


def _to_html(nb: Any, *, title: str) -> str:
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="lab")
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    nb.metadata["title"] = title
    body, _ = exporter.from_notebook_node(nb)
    return body
