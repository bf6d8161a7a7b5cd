"""Live page: four virtual sensors through bleak + acquisition into the page; plot update rate measured."""

import os
import time

import pytest
from playwright.sync_api import expect

from dashboard.app import create_app
from dashboard.live_buffer import LiveHub
from tests.dashboard.dashboard_testutil import ARTIFACTS, screenshot

PLACEMENTS = ("left_shank", "right_shank", "left_foot", "right_foot")
MEASURE_S = 5.0
#: Above this 1-minute load per core (other jobs starving the browser) a rate below target is not a
#: meaningful measurement of this code: the test then skips and says what it measured.
OVERLOADED_LOAD_PER_CORE = 3.0
HAS_DATA_JS = "() => document.querySelector('#live-angles .js-plotly-plot')?.data?.[0]?.x?.length > 50"
COUNT_FRAMES_JS = """() => {
  const gd = document.querySelector('#live-angles .js-plotly-plot');
  window.__frames = [];
  gd.on('plotly_afterplot', () => window.__frames.push(performance.now()));
  return true;
}"""


@pytest.fixture()
def streaming(tmp_path):
    """Four virtual sensors (transport stand-in signals) streaming in real time into a live hub."""
    virtual = pytest.importorskip("gait.virtual.rig", reason="virtual sensors are not installed")
    from dashboard.live_runner import AcquisitionRunner

    blocks = {p: virtual.motion_block(p, 60.0, 200.0, t0_s=2.0 + i) for i, p in enumerate(PLACEMENTS)}
    rig = virtual.build_rig(blocks)
    hub = LiveHub()
    runner = AcquisitionRunner(hub, rig.specs, rig.backend, tmp_path, source="virtual").start()
    yield hub, runner, tmp_path
    runner.stop()


@pytest.mark.browser
def test_live_plots_update_at_least_5_per_second_with_four_sensors(page, serve, streaming):
    hub, runner, recordings = streaming
    page.goto(serve(create_app(recordings, live_hub=hub)) + "/live")
    expect(page.locator("#live-status .gd-card")).to_have_count(4)
    expect(page.locator("#live-status")).to_contain_text("streaming")
    page.wait_for_function(HAS_DATA_JS)
    page.evaluate(COUNT_FRAMES_JS)
    time.sleep(MEASURE_S)
    frames = page.evaluate("() => window.__frames")
    rate_hz = (len(frames) - 1) / ((frames[-1] - frames[0]) / 1000.0) if len(frames) > 1 else 0.0
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    load_per_core = os.getloadavg()[0] / (os.cpu_count() or 1)
    line = f"{rate_hz:.1f} updates/s, {MEASURE_S:.0f} s ({len(frames)} fr.); load/core {load_per_core:.1f}"
    (ARTIFACTS / "live_update_rate.txt").write_text(line + "\n")
    print("live plot update rate:", line)
    page.locator("#live-subject").fill("S014")
    page.locator("#live-condition").fill("shoe A")
    page.locator("#live-record-start").click()
    expect(page.locator("#live-action-message")).to_contain_text("Recording S014")
    expect(page.locator("#live-recording")).to_contain_text("● recording", timeout=5_000)
    screenshot(page, "live")
    page.locator("#live-record-stop").click()
    expect(page.locator("#live-action-message")).to_contain_text("Recording saved")
    assert len(list(recordings.glob("*/packets.log"))) == 1
    if rate_hz < 5.0 and load_per_core > OVERLOADED_LOAD_PER_CORE:
        pytest.skip(f"machine overloaded: {line}")
    assert rate_hz >= 5.0


@pytest.mark.browser
def test_live_page_without_sensors_says_so(page, serve, tmp_path):
    page.goto(serve(create_app(tmp_path)) + "/live")
    expect(page.locator(".gd-page-title")).to_contain_text("No sensors are streaming")
    page.locator("#live-record-start").click()
    expect(page.locator("#live-action-message")).to_contain_text("Not done: nothing is streaming")


def test_subject_ids_must_be_pseudonyms():
    from dashboard.live_runner import check_subject

    check_subject("S014", "shoe A")
    bad = (("Jane Doe", "x"), ("", "x"), ("S1", ""), ("S1", "../../etc"), ("a" * 40, "x"))
    for subject, condition in bad:
        with pytest.raises(ValueError):
            check_subject(subject, condition)


@pytest.mark.browser
def test_scan_assign_and_connect_virtual_sensors_from_the_page(page, serve, tmp_path):
    virtual = pytest.importorskip("gait.virtual.rig", reason="virtual sensors are not installed")
    blocks = {p: virtual.motion_block(p, 30.0, 200.0) for p in PLACEMENTS}
    rig = virtual.build_rig(blocks)
    app = create_app(tmp_path, ble_backend=rig.backend)
    page.goto(serve(app) + "/live")
    page.locator("#live-scan").click()
    rows = page.locator("#live-scan-table tbody tr")
    expect(rows).to_have_count(4, timeout=20_000)
    for i, placement in enumerate(("left shank", "right shank", "left foot", "right foot")):
        address = virtual.virtual_address(i)
        row = page.locator("#live-scan-table tbody tr", has_text=address)
        row.locator(".dash-dropdown").click()
        page.get_by_role("option", name=placement, exact=True).click()
    page.locator("#live-connect").click()
    expect(page.locator("#live-sources-message")).to_contain_text("Connected: ", timeout=20_000)
    expect(page.locator("#live-status .gd-card")).to_have_count(4)
    expect(page.locator("#live-status")).to_contain_text("streaming")
    screenshot(page, "live-connect")
    page.locator("#live-disconnect").click()
    expect(page.locator("#live-sources-message")).to_contain_text("Sensors disconnected")


def test_virtual_sensors_button_starts_and_stops_a_stream(tmp_path):
    pytest.importorskip("gait.virtual", reason="virtual sensors are not installed")
    from dashboard.live_runner import wait_until

    ctx = create_app(tmp_path).gait_context
    assert "Preparing" in ctx.sources.start_virtual()
    assert wait_until(lambda: ctx.live.source and len(ctx.live.sensors()) == 4, 60.0), ctx.sources.status
    assert wait_until(lambda: all(s.state == "streaming" for s in ctx.live.sensors()), 10.0)
    assert ctx.sources.stop() == "Sensors disconnected." and not ctx.live.source


def test_a_failing_live_analysis_is_reported_not_frozen():
    from dashboard.live_feed import HubFeeder  # noqa: PLC0415

    hub = LiveHub()
    hub.set_gait(104.0, {"left": 3, "right": 3})
    feeder = HubFeeder(hub, {}, {}, {}, analyzer_factory=lambda meta: object())

    def broken():
        raise RuntimeError("boom")

    feeder._drain = broken
    deadline = time.monotonic() + 5.0
    while not feeder.problems and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.2)  # a few more failing drains: still one message
    feeder._stop.set()
    assert hub.cadence_steps_per_min is None and hub.stride_count == {"left": 3, "right": 3}
    assert hub.calibration.warnings == ["live analysis stopped (boom); the recording continues"]
