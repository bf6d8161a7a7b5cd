"""Review page and report export, on sessions written by the synthetic walker and analysed for real."""

import pytest
from playwright.sync_api import expect

from dashboard.report import chromium_executable
from tests.dashboard.dashboard_testutil import screenshot

pytest.importorskip("gait.pipeline", reason="the analysis pipeline is not installed")


@pytest.fixture(scope="module")
def app(sim_app):
    return sim_app


def _session(app, condition_word: str):
    return next(r for r in app.gait_context.index.scan() if condition_word in r.condition)


@pytest.mark.browser
def test_review_page_shows_analysis_disclaimer_and_findings(page, serve, app):
    summary = _session(app, "normal")
    url = serve(app)
    page.goto(f"{url}/review/{summary.session_id}")
    expect(page.locator("#disclaimer")).to_contain_text("not a medical device")
    expect(page.locator("#review-red-flags")).to_contain_text("Get medical help the same day")
    expect(page.locator("#review-metrics")).to_be_visible(timeout=60_000)
    expect(page.locator(".review-card[data-metric='eversion_excursion_deg']")).to_contain_text("L")
    expect(page.locator("#review-calibration")).to_contain_text("left foot")
    expect(page.locator("#review-references")).to_contain_text("Wahmkow")
    k2 = page.locator(".finding[data-claim='K2']")
    expect(k2.first).to_be_visible()
    screenshot(page, "review")
    page.locator("#review-redflags-urgent input").first.check()
    expect(k2.first).to_contain_text("Withheld")
    pdf_href = f"/report/{summary.session_id}.pdf?rf=0"
    expect(page.locator("#review-report-pdf")).to_have_attribute("href", pdf_href)


def test_report_html_and_unknown_ids(app):
    client = app.server.test_client()
    summary = _session(app, "normal")
    resp = client.get(f"/report/{summary.session_id}.html?rf=0")
    assert resp.status_code == 200
    text = resp.get_data(as_text=True)
    assert "not a medical device" in text and "☒ reported" in text and "Plotly.newPlot" in text
    assert 'src="http' not in text and "<link" not in text  # offline: nothing loaded from elsewhere
    assert "SIM-007" in resp.headers["Content-Disposition"]
    assert client.get("/report/nope1234.html").status_code == 404
    assert client.get(f"/report/{summary.session_id}.exe").status_code == 404


@pytest.mark.browser
@pytest.mark.skipif(chromium_executable() is None, reason="chromium is not installed")
def test_report_pdf(app):
    summary = _session(app, "normal")
    resp = app.server.test_client().get(f"/report/{summary.session_id}.pdf")
    assert resp.status_code == 200 and resp.data.startswith(b"%PDF") and len(resp.data) > 20_000
