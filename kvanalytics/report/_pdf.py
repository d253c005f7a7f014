"""``report.pdf`` beside ``report.html``: one headless Chromium call (its print CSS is A4).

Chromium is found through the environment variable ``KV_CHROMIUM`` (a path), else ``chromium``,
``chromium-browser`` or ``google-chrome`` on ``PATH``. Without one the PDF is skipped and the
caller says so and how to get it; the HTML is written either way.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

__all__ = ["HOW_TO_GET_CHROMIUM", "find_chromium", "print_pdf"]

HOW_TO_GET_CHROMIUM = (
    "install Chromium (Debian/Ubuntu: apt install chromium) or set KV_CHROMIUM to the path of "
    "a Chromium or Chrome binary, then render again"
)
_NAMES = ("chromium", "chromium-browser", "google-chrome")


def find_chromium() -> str | None:
    """The Chromium binary to print with, or None.

    Examples
    --------
    >>> find_chromium()  # doctest: +SKIP
    '/usr/bin/chromium'
    """
    given = os.environ.get("KV_CHROMIUM")
    if given:
        return given if Path(given).is_file() and os.access(given, os.X_OK) else None
    return next((p for p in map(shutil.which, _NAMES) if p), None)


def print_pdf(html_path: Path, pdf_path: Path, *, timeout: int = 120) -> dict[str, Any]:
    """Print ``html_path`` to ``pdf_path`` with headless Chromium; say what happened.

    Returns
    -------
    dict
        ``{"written": True, "file": "report.pdf"}``, or ``{"written": False, "reason": ...,
        "fix": ...}`` when Chromium is absent or failed.

    Examples
    --------
    >>> print_pdf(Path("report.html"), Path("report.pdf"))  # doctest: +SKIP
    {'written': True, 'file': 'report.pdf'}
    """
    exe = find_chromium()
    if exe is None:
        where = (
            "KV_CHROMIUM does not name a program"
            if os.environ.get("KV_CHROMIUM")
            else ("no Chromium found on PATH")
        )
        return {"written": False, "reason": where, "fix": HOW_TO_GET_CHROMIUM}
    pdf_path.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="kv-chromium-") as profile:
        cmd = [
            exe,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-pdf-header-footer",
            f"--user-data-dir={profile}",
            f"--print-to-pdf={pdf_path}",
            html_path.resolve().as_uri(),
        ]
        try:
            run = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return {
                "written": False,
                "reason": f"Chromium failed ({exc})",
                "fix": HOW_TO_GET_CHROMIUM,
            }
    if run.returncode != 0 or not pdf_path.is_file() or pdf_path.stat().st_size == 0:
        last = (run.stderr.strip().splitlines() or [""])[-1][:200]
        return {"written": False, "reason": f"Chromium failed ({last})", "fix": HOW_TO_GET_CHROMIUM}
    return {"written": True, "file": pdf_path.name}
