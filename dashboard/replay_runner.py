"""Replay a recorded session through the live path into a live hub, with play/pause, speed and seek.

Packets go through :func:`gait.recording.replay.replay` into the same :class:`~dashboard.live_feed.HubFeeder`
the live page uses, so the replay page shows exactly what the live page showed while recording. Live
analysis needs the data from the standing calibration on, so a seek restarts the feeder and first runs the
recording up to the seek point as fast as possible ("catching up"), then continues at the chosen speed.
Pausing stops the replay thread at its next progress tick (about twice a second).
"""

from __future__ import annotations

import threading
from pathlib import Path

from dashboard.live_buffer import LiveController, LiveHub, SensorStatus
from dashboard.live_feed import HubFeeder

SPEEDS = (0.5, 1.0, 2.0, 4.0)


class _Stopped(Exception):
    """Raised from the progress callback to end a replay early (pause or seek)."""


class ReplayRunner(LiveController):
    """One session replayed into its own hub; ``position_s`` is the recorded time reached."""

    can_record = False

    def __init__(self, session_dir: Path, hub: LiveHub | None = None) -> None:
        from gait.recording.reader import SessionReader  # noqa: PLC0415

        self.reader = SessionReader(Path(session_dir))
        self.hub = hub or LiveHub()
        self.description = f"replay of {self.reader.path.name}"
        scan = self.reader.index()
        spans = [b for b in scan.blocks if b.n_data]
        self.t_start_s = min((b.t_min_s for b in spans), default=0.0)
        self.t_end_s = max((b.t_max_s for b in spans), default=0.0)
        self.position_s = self.t_start_s
        self.speed = 1.0
        self.state = "paused"  # paused | catching up | playing | finished
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._feeder: HubFeeder | None = None
        self._lock = threading.Lock()

    @property
    def duration_s(self) -> float:
        return max(0.0, self.t_end_s - self.t_start_s)

    def _new_feeder(self) -> HubFeeder:
        from gait.profiles import load_profile  # noqa: PLC0415

        meta = dict(self.reader.meta)
        meta["calibration"] = list(meta.get("calibration") or [])
        specs = [s for s in meta.get("sensors") or [] if isinstance(s, dict) and s.get("profile")]
        profiles = {s["placement"]: load_profile(s["profile"]) for s in specs}
        rates = {s["placement"]: s.get("rate_hz") for s in specs}
        self.hub.attach(self.description, self)
        standing = next((w for w in meta["calibration"] if w.get("kind") == "standing"), None)
        cal = self.hub.calibration
        if standing is None:
            cal.state, cal.message = (
                "none recorded",
                "the recording has no standing window; angles may not appear",
            )
        else:
            cal.state = "recorded"
            cal.message = (
                f"standing window {standing['t0_s']:.1f}–{standing['t1_s']:.1f} s in the recording; "
                "ankle angles appear once the live analysis has calibrated (~15 s of walking later)"
            )
        return HubFeeder(self.hub, profiles, rates, meta)

    # -- controls --------------------------------------------------------------------------------------
    def play(self, from_s: float | None = None, speed: float | None = None) -> None:
        """(Re)start at ``from_s`` (default: where it is) at ``speed``; catches up from the start first."""
        self.pause()
        with self._lock:
            if speed is not None:
                self.speed = float(speed)
            if from_s is not None:
                self.position_s = min(max(float(from_s), self.t_start_s), self.t_end_s)
            if self.position_s >= self.t_end_s:
                self.position_s = self.t_start_s
            self._stop.clear()
            self._feeder = self._new_feeder()
            self._thread = threading.Thread(
                target=self._run, args=(self._feeder, self.position_s), name="replay", daemon=True
            )
            self._thread.start()

    def pause(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(10)
            self._thread = None
        if self._feeder is not None:
            self._feeder.close()
            self._feeder = None
        if self.state != "finished":
            self.state = "paused"

    def _progress(self, stats) -> None:
        if stats.last_s is not None and self.state == "playing":
            self.position_s = stats.last_s
        self._publish_status()
        if self._stop.is_set():
            raise _Stopped

    def _run(self, feeder: HubFeeder, from_s: float) -> None:
        from gait.recording.replay import replay  # noqa: PLC0415

        try:
            if from_s > self.t_start_s:
                self.state = "catching up"
                replay(self.reader, [feeder], None, t1_s=from_s, close=False, progress=self._progress)
            self.state = "playing"
            replay(self.reader, [feeder], self.speed, t0_s=from_s, close=False, progress=self._progress)
            feeder.finish()
            self.position_s, self.state = self.t_end_s, "finished"
        except _Stopped:
            return
        finally:
            self._publish_status()

    def _publish_status(self) -> None:
        feeder = self._feeder
        if feeder is None:
            return
        state = {"playing": "replaying", "catching up": "catching up"}.get(self.state, self.state)
        self.hub.set_sensors(
            [
                SensorStatus(
                    placement=p,
                    state=state,
                    rate_hz=None,
                    loss_pct=100.0 * s.lost_packets / (s.packets + s.lost_packets) if s.packets else None,
                    detail=f"{s.packets} packets, {s.samples} samples, {s.bad} bad",
                )
                for p, s in feeder.decode_stats().items()
            ]
        )
