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

__all__ = ["HOW_TO_GET_CHROMIUM", "PdfJob", "find_chromium", "print_pdf", "start_pdf"]

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


class PdfJob:
    """A Chromium print started in the background: :meth:`wait` says what happened.

    Started by :func:`start_pdf`, so that the caller can write other files while Chromium
    prints (it is a separate process).
    """

    def __init__(self, pdf_path: Path, status: dict[str, Any] | None = None) -> None:
        self.pdf_path = pdf_path
        self._status = status
        self._proc: subprocess.Popen[str] | None = None
        self._profile: tempfile.TemporaryDirectory[str] | None = None

    def wait(self, timeout: int = 120) -> dict[str, Any]:
        """Wait for Chromium; ``{"written": True, "file": ...}`` or why not and the fix."""
        if self._status is not None:
            return self._status
        assert self._proc is not None
        try:
            _, stderr = self._proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.communicate()
            stderr = f"no PDF after {timeout} s"
        finally:
            if self._profile is not None:
                self._profile.cleanup()
        path = self.pdf_path
        if self._proc.returncode != 0 or not path.is_file() or path.stat().st_size == 0:
            last = (stderr.strip().splitlines() or [""])[-1][:200]
            self._status = {
                "written": False,
                "reason": f"Chromium failed ({last})",
                "fix": HOW_TO_GET_CHROMIUM,
            }
        else:
            self._status = {"written": True, "file": path.name}
        return self._status


def start_pdf(html_path: Path, pdf_path: Path) -> PdfJob:
    """Start printing ``html_path`` to ``pdf_path`` with headless Chromium (A4, print CSS).

    Examples
    --------
    >>> start_pdf(Path("report.html"), Path("report.pdf")).wait()  # doctest: +SKIP
    {'written': True, 'file': 'report.pdf'}
    """
    exe = find_chromium()
    if exe is None:
        where = (
            "KV_CHROMIUM does not name a program"
            if os.environ.get("KV_CHROMIUM")
            else "no Chromium found on PATH"
        )
        return PdfJob(pdf_path, {"written": False, "reason": where, "fix": HOW_TO_GET_CHROMIUM})
    pdf_path.unlink(missing_ok=True)
    job = PdfJob(pdf_path)
    job._profile = tempfile.TemporaryDirectory(prefix="kv-chromium-")
    cmd = [
        exe,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--disable-dev-shm-usage",
        "--mute-audio",
        "--no-default-browser-check",
        "--no-pdf-header-footer",
        f"--user-data-dir={job._profile.name}",
        f"--print-to-pdf={pdf_path}",
        html_path.resolve().as_uri(),
    ]
    try:
        job._proc = subprocess.Popen(
            cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        )
    except OSError as exc:
        job._profile.cleanup()
        return PdfJob(
            pdf_path,
            {"written": False, "reason": f"Chromium failed ({exc})", "fix": HOW_TO_GET_CHROMIUM},
        )
    return job


def print_pdf(html_path: Path, pdf_path: Path, *, timeout: int = 120) -> dict[str, Any]:
    """Print ``html_path`` to ``pdf_path`` and wait (see :func:`start_pdf`).

    Examples
    --------
    >>> print_pdf(Path("report.html"), Path("report.pdf"))  # doctest: +SKIP
    {'written': True, 'file': 'report.pdf'}
    """
    return start_pdf(html_path, pdf_path).wait(timeout)
