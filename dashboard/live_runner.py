"""Run an acquisition session for the live page: BLE (or virtual) sensors → recording + live display.

:class:`AcquisitionRunner` owns one :class:`gait.acquisition.AcquisitionSession` on its own asyncio loop in
a daemon thread (a slow web request can never delay BLE notifications). Its consumers are a recording
switch (a :class:`gait.recording.SessionWriter` while the therapist records) and the
:class:`~dashboard.live_feed.HubFeeder`. It is also the page's :class:`~dashboard.live_buffer.LiveController`:
start/stop recording and the guided standing calibration.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import threading
import time
from pathlib import Path

from dashboard.live_buffer import LiveController, LiveHub, SensorStatus
from dashboard.live_feed import HubFeeder
from gait.errors import GaitError
from gait.types import Packet

SUBJECT_ID = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
STATUS_INTERVAL_S = 0.5


class RecordingSwitch:
    """PacketConsumer that forwards to the current session writer, if any (thread-safe swap)."""

    def __init__(self) -> None:
        self._writer = None
        self._lock = threading.Lock()

    def set(self, writer) -> object:
        with self._lock:
            old, self._writer = self._writer, writer
        return old

    @property
    def writer(self):
        return self._writer

    def on_packet(self, packet: Packet) -> None:
        with self._lock:
            if self._writer is not None:
                self._writer.on_packet(packet)

    def flush(self) -> None:
        """The writer flushes itself on its own thread (at most every 0.5 s)."""

    def close(self) -> None:
        old = self.set(None)
        if old is not None:
            old.close()


def check_subject(subject: str, condition: str) -> None:
    """Pseudonymous subject ids only (letters, digits, - and _), and a short condition label."""
    if not SUBJECT_ID.match(subject or ""):
        raise ValueError("subject id must be a pseudonym of 1–32 letters, digits, '-' or '_' (no names)")
    if not condition or len(condition) > 60 or any(c in condition for c in "/\\\0\n"):
        raise ValueError("condition must be 1–60 characters without slashes or line breaks")


class AcquisitionRunner(LiveController):
    """Streams ``specs`` into the hub (and, on request, into a recording under ``recordings_dir``)."""

    def __init__(
        self,
        hub: LiveHub,
        specs,
        backend,
        recordings_dir: Path,
        source: str = "ble",
        description: str = "",
        calibration_s: float = 5.0,
    ) -> None:
        from gait.acquisition import AcquisitionSession  # noqa: PLC0415 - bleak only when streaming

        self.hub, self.recordings_dir, self.source = hub, Path(recordings_dir), source
        self.description = description or f"{len(specs)} {source} sensors"
        self.calibration_s = calibration_s
        self.meta: dict = {"calibration": []}
        self._specs = list(specs)
        self._switch = RecordingSwitch()
        self._session = AcquisitionSession(self._specs, [self._switch], backend)
        profiles = {spec.placement: profile for spec, profile in self._session.resolved}
        self._feeder = HubFeeder(hub, profiles, {s.placement: s.rate_hz for s in self._specs}, self.meta)
        self._session.consumers.append(self._feeder)
        self._sensor_meta = [
            {
                "placement": s.placement,
                "address": s.address,
                "profile": profiles[s.placement].id,
                **({"rate_hz": s.rate_hz} if s.rate_hz else {}),
            }
            for s in self._specs
        ]
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._thread: threading.Thread | None = None
        self._started = threading.Event()
        self._cal_timer: threading.Timer | None = None
        self.error: str | None = None
        self.last_saved_dir: Path | None = None

    # -- lifecycle -------------------------------------------------------------------------------------
    def start(self, timeout_s: float = 30.0) -> AcquisitionRunner:
        """Connect every sensor and start streaming (returns once all stream; raises GaitError if not)."""
        self.hub.attach(self.description, self)
        self._thread = threading.Thread(target=self._thread_main, name="acquisition", daemon=True)
        self._thread.start()
        if not self._started.wait(timeout_s) or self.error:
            self.stop()
            raise GaitError(self.error or f"sensors did not start streaming within {timeout_s:.0f} s")
        return self

    def _thread_main(self) -> None:
        try:
            asyncio.run(self._main())
        except Exception as exc:  # noqa: BLE001 - reported on the page and by start()
            self.error = str(exc)
            self._started.set()

    async def _main(self) -> None:
        self._loop, self._stop = asyncio.get_running_loop(), asyncio.Event()
        await self._session.start()
        self._started.set()
        try:
            while not self._stop.is_set():
                self._publish_status()
                with contextlib.suppress(TimeoutError, asyncio.TimeoutError):
                    await asyncio.wait_for(self._stop.wait(), STATUS_INTERVAL_S)
        finally:
            await self._session.stop()
            self._publish_status()

    def stop(self) -> None:
        """Stop streaming; a running recording is closed cleanly first."""
        if self._cal_timer is not None:
            self._cal_timer.cancel()
        if self._switch.writer is not None:
            self.stop_recording()
        if self._loop is not None and self._stop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._stop.set)
        if self._thread is not None:
            self._thread.join(15)
        self.hub.detach()

    def _publish_status(self) -> None:
        statuses = []
        for p, h in self._session.health().items():
            detail = h.last_error or ""
            statuses.append(
                SensorStatus(
                    placement=p,
                    state=h.state.value,
                    rate_hz=h.sample_rate_hz or None,
                    loss_pct=h.loss_pct if h.loss_known else None,
                    reconnects=h.reconnects,
                    battery_pct=h.battery_pct,
                    detail=detail,
                )
            )
        self.hub.set_sensors(statuses)

    # -- LiveController ----------------------------------------------------------------------------------
    @property
    def now_s(self) -> float:
        """Session clock (host receive time of the newest packet)."""
        return self._feeder.latest_host_s

    @property
    def recording(self) -> str | None:
        writer = self._switch.writer
        return None if writer is None else f"into {writer.session_dir.name} ({writer.stats.packets} packets)"

    @property
    def recording_dir(self) -> Path | None:
        """Folder of the recording in progress (``None`` when not recording)."""
        writer = self._switch.writer
        return None if writer is None else writer.session_dir

    def start_recording(self, subject: str, condition: str) -> str:
        check_subject(subject, condition)
        if self._switch.writer is not None:
            raise ValueError("a recording is already running; stop it first")
        from gait.recording.metadata import new_session_dir  # noqa: PLC0415
        from gait.recording.writer import SessionWriter  # noqa: PLC0415

        folder = new_session_dir(self.recordings_dir)
        meta = {
            "subject": subject,
            "condition": condition,
            "source": self.source,
            "sensors": self._sensor_meta,
            "calibration": list(self.meta["calibration"]),
            "notes": self.description,
        }
        self._switch.set(SessionWriter(folder, meta))
        return f"Recording {subject} · {condition} into {folder.name}."

    def stop_recording(self) -> str:
        writer = self._switch.set(None)
        if writer is None:
            raise ValueError("no recording is running")
        writer.close()
        self.last_saved_dir = writer.session_dir
        return f"Recording saved: {writer.session_dir.name} ({writer.stats.packets} packets)."

    def calibrate(self) -> str:
        """Guided standing calibration: the person stands still for ``calibration_s`` from now."""
        if self.hub.calibration.state == "standing":
            raise ValueError("calibration is already running: keep standing still")
        t0 = self.now_s
        cal = self.hub.calibration
        cal.state, cal.quality, cal.warnings = "standing", None, []
        cal.message = f"stand still until {t0 + self.calibration_s:.0f} s (session clock)"
        self._cal_timer = threading.Timer(self.calibration_s, self._finish_standing, args=(t0,))
        self._cal_timer.daemon = True
        self._cal_timer.start()
        return f"Calibration from {t0:.1f} s: stand still, feet apart, for {self.calibration_s:.0f} s."

    def _finish_standing(self, t0_s: float) -> None:
        window = {"kind": "standing", "t0_s": round(t0_s, 3), "t1_s": round(t0_s + self.calibration_s, 3)}
        self.meta["calibration"] = [w for w in self.meta["calibration"] if w.get("kind") != "standing"] + [
            window
        ]
        writer = self._switch.writer
        if writer is not None:
            writer.update_metadata(calibration=list(self.meta["calibration"]))
        cal = self.hub.calibration
        cal.state = "recorded"
        cal.message = (
            "standing window recorded; now walk: the quality per sensor and the ankle angles "
            "appear after about 15 s of walking"
        )


def wait_until(predicate, timeout_s: float, interval_s: float = 0.1) -> bool:
    """Poll ``predicate`` until true or ``timeout_s`` passes (for the demo's scripted steps)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval_s)
    return bool(predicate())
