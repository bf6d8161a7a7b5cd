"""Replay page: a session recorded from virtual sensors plays back through the live views."""

import pytest
from playwright.sync_api import expect

from dashboard.app import create_app
from dashboard.live_buffer import LiveHub
from tests.dashboard.dashboard_testutil import screenshot

PLACEMENTS = ("left_shank", "right_shank", "left_foot", "right_foot")


@pytest.fixture(scope="module")
def recorded(tmp_path_factory):
    """A 6-s recording of four virtual sensors (transport stand-in signals) made by the live runner."""
    virtual = pytest.importorskip("gait.virtual.rig", reason="virtual sensors are not installed")
    from dashboard.live_runner import AcquisitionRunner, wait_until

    root = tmp_path_factory.mktemp("replay")
    blocks = {p: virtual.motion_block(p, 30.0, 200.0, t0_s=1.0 + i) for i, p in enumerate(PLACEMENTS)}
    rig = virtual.build_rig(blocks)
    runner = AcquisitionRunner(LiveHub(), rig.specs, rig.backend, root, source="virtual").start()
    try:
        runner.start_recording("S021", "replay test")
        assert wait_until(lambda: runner.now_s > 6.0, 30.0)
        runner.stop_recording()
    finally:
        runner.stop()
    return root


@pytest.mark.browser
def test_replay_plays_recording_through_live_views(page, serve, recorded):
    app = create_app(recorded)
    summary = app.gait_context.index.scan()[0]
    page.goto(f"{serve(app)}/replay/{summary.session_id}")
    expect(page.locator(".gd-page-title")).to_contain_text("S021")
    page.locator("#replay-speed").get_by_text("0.5×").click()
    page.locator("#replay-play").click()
    expect(page.locator("#replay-position")).to_contain_text("playing", timeout=10_000)
    expect(page.locator("#replay-status .gd-card")).to_have_count(4)
    expect(page.locator("#replay-status")).to_contain_text("replaying")
    page.wait_for_function(
        "() => document.querySelector('#replay-angles .js-plotly-plot')?.data?.[0]?.x?.length > 20"
    )
    screenshot(page, "replay")
    page.locator("#replay-pause").click()
    expect(page.locator("#replay-position")).to_contain_text("paused", timeout=10_000)


def test_replay_of_a_samples_only_session_says_nothing_to_replay(tmp_path):
    from dashboard.app import route
    from tests.dashboard.dashboard_testutil import make_samples_session

    make_samples_session(tmp_path / "imp", "S030", "import", session_id="imp12345")
    app = create_app(tmp_path)
    text = str(route(app.gait_context, "/replay/imp12345", ""))
    assert "Nothing to replay" in text


def test_replay_controls_accept_only_offered_speeds_and_finite_positions():
    from dash.exceptions import PreventUpdate  # noqa: PLC0415

    from dashboard.pages.replay import _checked  # noqa: PLC0415

    assert _checked("2.0", 12.5) == (2.0, 12.5)
    for speed, seek_s in (("0", 1.0), ("-1", 1.0), ("1e300", 1.0), ("nan", 1.0), (None, 1.0), ("1.0", "nan")):
        with pytest.raises(PreventUpdate):
            _checked(speed, seek_s)
