"""``gait demo``: virtual sensors → the real BLE code path (bleak, acquisition, decoder) → the live page.

The synthetic walker stands still for its first 10 s, then taps and walks; the demo plays the therapist:
it starts a recording for subject ``DEMO-001`` and runs the guided standing calibration at once, then lets
the virtual person walk. At the end the recording is closed, so the session appears on the sessions page
and can be reviewed. The progress lines show the live stride count and cadence, which are provisional
(steps detected, full metrics pending) for the first half-minute of walking.
"""

from __future__ import annotations

import sys
import time
import webbrowser
from dataclasses import dataclass
from pathlib import Path

from dashboard.app import DashboardServer, create_app
from dashboard.live_buffer import LiveHub
from dashboard.live_runner import AcquisitionRunner
from gait.errors import GaitError

DEMO_SUBJECT = "DEMO-001"
STANDING_S = 8.0  # inside the walker's 10 s of quiet standing
MIN_DURATION_S = 20.0


@dataclass
class DemoResult:
    session_dir: Path | None
    session_id: str | None
    url: str


def _say(text: str) -> None:
    print(f"gait demo: {text}", file=sys.stderr, flush=True)


def run_demo(
    duration_s: float = 60.0,
    recordings_dir: Path = Path("recordings"),
    open_browser: bool = True,
    port: int = 8050,
    scenario: str = "normal",
    keep_serving: bool | None = None,
) -> DemoResult:
    """Stream, record and serve for ``duration_s``; with a browser, keep serving until Ctrl-C afterwards."""
    if duration_s < MIN_DURATION_S:
        raise GaitError(
            f"--duration {duration_s:g}: the demo needs at least {MIN_DURATION_S:g} s "
            "(10 s standing, taps, then a few strides)"
        )
    from gait.virtual import simulated_rig  # noqa: PLC0415 - heavy

    _say(f"simulating {duration_s:g} s of '{scenario}' walking for four virtual sensors …")
    rig = simulated_rig(scenario, duration_s=duration_s + 5.0, seed=0)
    hub = LiveHub()
    app = create_app(recordings_dir, live_hub=hub)
    server = _server(app, port).start()
    runner = AcquisitionRunner(
        hub,
        rig.specs,
        rig.backend,
        recordings_dir,
        source="virtual",
        description=f"gait demo: four virtual sensors, scenario '{scenario}'",
        calibration_s=STANDING_S,
    )
    session_dir = None
    try:
        runner.start()
        _say(runner.start_recording(DEMO_SUBJECT, f"demo {scenario}"))
        session_dir = runner.recording_dir
        _say(runner.calibrate())
        _say(f"live page: {server.url}/live")
        if open_browser:
            webbrowser.open(f"{server.url}/live")
        _stream_for(duration_s, runner)
        _say(runner.stop_recording())
    finally:
        runner.stop()
    session_id = _session_id(app, session_dir)
    if session_id:
        _say(f"review: {server.url}/review/{session_id}")
    if keep_serving if keep_serving is not None else open_browser:
        _say("still serving the dashboard; Ctrl-C to stop")
        try:
            while True:
                time.sleep(1.0)
        except KeyboardInterrupt:
            pass
    server.stop()
    return DemoResult(session_dir, session_id, server.url)


def _server(app, port: int) -> DashboardServer:
    try:
        return DashboardServer(app, "127.0.0.1", port)
    except OSError:
        _say(f"port {port} is busy; using a free port")
        return DashboardServer(app, "127.0.0.1", 0)


def _stream_for(duration_s: float, runner: AcquisitionRunner) -> None:
    end = time.monotonic() + duration_s
    next_line = 0.0
    while (left := end - time.monotonic()) > 0:
        if time.monotonic() >= next_line:
            _status(runner)
            next_line = time.monotonic() + 5.0
        time.sleep(min(0.5, left))
    _status(runner)


def _status(runner: AcquisitionRunner) -> None:
    """Progress line: plot mode, live strides and cadence (provisional until metrics arrive), calibration."""
    hub = runner.hub
    _say(f"{runner.now_s:5.1f} s  plots: {hub.mode}  {hub.gait_line()}  calib. {hub.calibration.state}")


def _session_id(app, session_dir: Path | None) -> str | None:
    if session_dir is None:
        return None
    rows = app.gait_context.index.scan()
    return next((r.session_id for r in rows if r.path.resolve() == session_dir.resolve()), None)
