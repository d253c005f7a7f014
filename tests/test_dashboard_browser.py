"""The dashboard in a real browser: ``kvanalytics dashboard`` serves notebook 05 with Voilà,
Chromium (Playwright) reads the headline, changes a control and sees the number change; the server this
test started is always stopped (process-group signal in the fixture's finaliser).

``KV_WRITE_SCREENSHOTS=1`` also writes ``docs/dashboard.png`` (the 1280×900 first screen).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kvanalytics.widgets import _scenario_name

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
START_TIMEOUT_S = 60

pytestmark = pytest.mark.browser
sync_api = pytest.importorskip("playwright.sync_api")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _listening(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


class Server:
    def __init__(self, proc: subprocess.Popen[str], port: int) -> None:
        self.proc, self.port = proc, port
        self.url = f"http://127.0.0.1:{port}/"

    def stop(self) -> tuple[int, str]:
        """Ctrl-C to the whole process group (as a terminal sends it); kill if it hangs."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGINT)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        err = self.proc.stderr.read() if self.proc.stderr else ""
        return self.proc.returncode, err


@pytest.fixture
def server(sample_dir) -> Iterator[Server]:
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM}")
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    cmd = [sys.executable, "-m", "kvanalytics.cli", "dashboard", "--no-browser"]
    proc = subprocess.Popen(
        [*cmd, "--port", str(port), "--data", str(sample_dir)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group: the finaliser signals all of it
    )
    srv = Server(proc, port)
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not _listening(port):
            assert proc.poll() is None, f"dashboard exited: {proc.communicate()[1]}"
            assert time.monotonic() < deadline, "dashboard did not listen within a minute"
            time.sleep(0.2)
        yield srv
    finally:
        srv.stop()
        assert not _listening(port), "the server still listens after it was stopped"


def _wait_for_change(page, before: str) -> None:
    page.wait_for_function(
        "(before) => { const e = document.querySelector("
        "\"[data-metric='agreements_frozen'] .kv-headline-value\");"
        " return e && e.textContent !== before; }",
        arg=before,
        timeout=20_000,
    )


def test_the_dashboard_answers_in_the_browser(server, tmp_path):
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(server.url, timeout=60_000)
            value = page.locator("[data-metric='agreements_frozen'] .kv-headline-value")
            value.wait_for(timeout=60_000)
            text = page.inner_text("body")
            for code in ("import ", "kvw.", "whatif_app(", "dashboard_inputs(", "Traceback"):
                assert code not in text, f"code shown on the page: {code!r}"
            assert page.locator(".jp-InputArea-editor:visible, .CodeMirror:visible").count() == 0
            custom = value.inner_text()
            assert custom not in ("", "0"), "the custom what-if freezes agreements"
            nl_freeze = _scenario_name("nl-2022-freeze", "en")  # as the picker shows it
            page.locator("select").first.select_option(label=nl_freeze)
            _wait_for_change(page, custom)
            page.wait_for_timeout(300)
            shot = page.screenshot(path=str(tmp_path / "dashboard.png"))
            if os.environ.get("KV_WRITE_SCREENSHOTS"):
                (ROOT / "docs" / "dashboard.png").write_bytes(shot)
            assert "<5" in page.inner_text("body")  # small people counts suppressed
            before = value.inner_text()
            page.get_by_role("checkbox", name="Freeze institutional ties").uncheck()
            _wait_for_change(page, before)
            assert value.inner_text() == "0"
        finally:
            browser.close()
    code, err = server.stop()
    assert code == 0, err
    assert "Traceback" not in err and "stopped" in err
