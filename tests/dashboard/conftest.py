"""Browser-test harness: Playwright driving Debian's /usr/bin/chromium (never a downloaded browser).

Tests marked ``browser`` skip with a message when chromium or playwright is missing. Helpers that tests
import live in ``dashboard_testutil.py``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dashboard.app import DashboardServer

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_path() -> str | None:
    return shutil.which("chromium") or (
        str(Path("/usr/bin/chromium")) if Path("/usr/bin/chromium").exists() else None
    )


@pytest.fixture(scope="package")
def browser():
    """One Chromium for the dashboard tests, closed when they end.

    Package scope, not session: Playwright's sync API keeps an event loop marked as running on the main
    thread while it is open, which would make every later ``asyncio.run`` in other test folders fail.
    """
    exe = chromium_path()
    if exe is None:
        pytest.skip("chromium is not installed (run `make browser`): browser tests skipped")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=exe, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture()
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    yield pg
    context.close()


@pytest.fixture()
def serve():
    """Start an app on a free loopback port; returns its base URL. Stopped after the test."""
    servers = []

    def _serve(app) -> str:
        server = DashboardServer(app, "127.0.0.1", 0).start()
        servers.append(server)
        return server.url

    yield _serve
    for server in servers:
        server.stop()


@pytest.fixture(scope="session")
def sim_recordings(tmp_path_factory):
    """Two simulated sessions of one subject (normal walking, then shoe B), written by the walker."""
    simulate = pytest.importorskip("gait.simulate", reason="the synthetic walker is not installed")
    root = tmp_path_factory.mktemp("recordings")
    for name, scenario, seed in (("s1-normal", "normal", 1), ("s2-shoe-b", "shoe_b", 2)):
        result = simulate.simulate(scenario, duration_s=30.0, seed=seed)
        simulate.write_session(result, root / name, subject="SIM-007")
    return root


@pytest.fixture(scope="session")
def sim_app(sim_recordings):
    """One app over the simulated sessions, shared so each session is analysed once per test run."""
    from dashboard.app import create_app

    return create_app(sim_recordings)
