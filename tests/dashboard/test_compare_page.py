"""Compare page: two simulated sessions of one subject (normal walking, then shoe B), analysed for real."""

import pytest
from playwright.sync_api import expect

from tests.dashboard.dashboard_testutil import screenshot

pytest.importorskip("gait.pipeline", reason="the analysis pipeline is not installed")


@pytest.mark.browser
def test_compare_two_conditions_shows_differences_with_ci_and_mdc(page, serve, sim_app):
    app = sim_app
    ids = ",".join(r.session_id for r in app.gait_context.index.scan())
    page.goto(f"{serve(app)}/compare?sessions={ids}")
    table = page.locator("#compare-table")
    expect(table).to_be_visible(timeout=90_000)
    row = table.locator("tr[data-metric='eversion_excursion_deg'][data-side='left']")
    expect(row).to_contain_text("vs")
    expect(row).to_contain_text("°")
    expect(page.locator("#compare-figure")).to_be_visible()
    expect(page.locator(".finding[data-claim='K5']").first).to_be_visible()
    expect(page.locator("#disclaimer")).to_contain_text("not a medical device")
    screenshot(page, "compare")
    page.get_by_text("Sensors stayed on between sessions").click()
    expect(page.locator("#compare-body")).to_contain_text("Sensors stayed on")


def test_comparison_rows_use_gait_compare_and_say_when_not_available():
    from dashboard.pages.compare import comparison_rows

    a = {
        "session": {"condition": "a"},
        "strides": [{"side": "left", "valid": True, "cadence_steps_per_min": 100.0}],
    }
    b = {
        "session": {"condition": "b"},
        "strides": [{"side": "left", "valid": True, "cadence_steps_per_min": 104.0}],
    }
    rows = comparison_rows([a, b], "remounted", metrics=("cadence_steps_per_min",))
    left = next(r for r in rows if r["side"] == "left")
    assert left["difference"] == pytest.approx(4.0) and left["verdict"] == "not enough strides"
    right = next(r for r in rows if r["side"] == "right")
    assert right["difference"] is None
