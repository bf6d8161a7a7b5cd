"""Sessions page: lists the recordings folder with facts read from disk, and search filters it."""

import pytest
from playwright.sync_api import expect

from dashboard.app import create_app
from tests.dashboard.dashboard_testutil import make_samples_session, screenshot


@pytest.fixture()
def recordings(tmp_path):
    make_samples_session(tmp_path / "sess-a", "S014", "barefoot", duration_s=65.0, session_id="a1b2c3d4")
    make_samples_session(tmp_path / "sess-b", "S014", "shoe A", created_utc="2026-11-20T11:00:00Z")
    make_samples_session(tmp_path / "sess-c", "S022", "shoe B", created_utc="2026-11-19T09:00:00Z")
    (tmp_path / "junk").mkdir()
    (tmp_path / "junk" / "session.json").write_text("{not json")
    return tmp_path


@pytest.mark.browser
def test_sessions_list_and_search(page, serve, recordings):
    url = serve(create_app(recordings))
    page.goto(url + "/sessions")
    rows = page.locator("#sessions-table tbody tr")
    expect(rows).to_have_count(3)
    expect(page.locator("#sessions-count")).to_contain_text("could not be read")
    first = rows.first
    expect(first).to_contain_text("S014")
    expect(page.locator("tr[data-session='a1b2c3d4']")).to_contain_text("1:05")
    page.locator("#sessions-search").fill("S022")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("shoe B")
    page.locator("#sessions-search").fill("")
    expect(rows).to_have_count(3)
    compare = page.locator("tr[data-session='a1b2c3d4']").get_by_text("Compare 2")
    expect(compare).to_have_attribute("href", "/compare?sessions=a1b2c3d4,sess-b")
    screenshot(page, "sessions")
