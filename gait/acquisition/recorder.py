"""Record a session from live (or virtual) sensors: connect, standing calibration window, walk, stop.

This is what ``gait record`` runs. Raw packets go to a :class:`gait.recording.SessionWriter` (crash-safe,
flushed at least every 0.5 s); the standing window is stored in ``session.json`` so calibration knows
where the subject stood still. Cancelling (Ctrl-C) ends the recording cleanly, not as an error.
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from gait.acquisition.backend import BleBackend
from gait.acquisition.health import SensorHealth
from gait.acquisition.session import AcquisitionSession, SensorSpec
from gait.acquisition.supervisor import ReconnectPolicy
from gait.errors import GaitError

StatusCallback = Callable[[str, dict[str, SensorHealth]], None]


@dataclass
class RecordPlan:
    """What to record and how long; times in seconds on the session clock."""

    specs: Sequence[SensorSpec]
    out_dir: Path
    metadata: dict
    duration_s: float | None = None  # None: until stopped (Ctrl-C)
    standing_s: float = 5.0
    #: Calibration windows known in advance (virtual sensors: the walker's protocol), computed once all
    #: sensors stream, from the running session; replaces the standing prompt.
    known_windows: Callable[[AcquisitionSession], list[dict]] | None = None
    status_interval_s: float = 0.5


@dataclass
class RecordResult:
    out_dir: Path
    health: dict[str, SensorHealth]
    duration_s: float
    interrupted: bool
    errors: list[str]


def sensors_metadata(session: AcquisitionSession) -> list[dict]:
    """The ``sensors`` list of session.json: placement, profile id, address, configured rate."""
    return [
        {"placement": spec.placement, "profile": profile.id, "address": spec.address,
         "rate_hz": spec.rate_hz or profile.nominal_rate_hz}
        for spec, profile in session.resolved
    ]


async def record(plan: RecordPlan, backend: BleBackend | None = None, on_status: StatusCallback | None = None,
                 policy: ReconnectPolicy | None = None) -> RecordResult:
    """Run one recording; a sensor that cannot start raises :class:`GaitError` (empty folder removed)."""
    from gait.recording.writer import SessionWriter

    existed = plan.out_dir.exists()
    session = AcquisitionSession(plan.specs, [], backend, policy=policy)
    writer = SessionWriter(plan.out_dir, {**plan.metadata, "sensors": sensors_metadata(session)})
    session.consumers.append(writer)
    say = on_status or (lambda _message, _health: None)
    interrupted = False
    windows: list[dict] = []
    try:
        say("connecting", session.health())
        await session.start()
        windows = await _calibration_window(session, writer, plan, say)
        say("recording: walk now (Ctrl-C stops)", session.health())
        await _stream(session, plan, say)
    except asyncio.CancelledError:
        interrupted = True
    except GaitError:
        await session.stop()
        if not existed and writer.stats.packets == 0:
            shutil.rmtree(plan.out_dir, ignore_errors=True)
        raise
    finally:
        await asyncio.shield(session.stop())
    if clip_windows(windows, session.now_s()) != windows:  # stopped early: windows past the end
        writer.update_metadata(calibration=clip_windows(windows, session.now_s()))
    return RecordResult(plan.out_dir, session.health(), session.now_s(), interrupted, list(session.errors))


def clip_windows(windows: list[dict], end_s: float | None) -> list[dict]:
    """Calibration windows cut to the recorded span ``[0, end_s]`` (``None``: no end yet).

    A walker protocol runs on past a short recording; a window that ends after the last sample would send
    calibration looking for data that is not there. Windows wholly outside are dropped, taps outside cut.
    """
    out = []
    for w in windows:
        t0_s, t1_s = max(0.0, w["t0_s"]), w["t1_s"] if end_s is None else min(end_s, w["t1_s"])
        if t1_s <= t0_s:
            continue
        w = {**w, "t0_s": round(t0_s, 4), "t1_s": round(t1_s, 4)}
        if "tap_times_s" in w:
            w["tap_times_s"] = [t for t in w["tap_times_s"] if t0_s <= t <= t1_s]
        out.append(w)
    return out


async def _calibration_window(session, writer, plan: RecordPlan, say: StatusCallback) -> list[dict]:
    """Ask for quiet standing and store the window (or the known windows of virtual sensors, cut to the
    planned duration); returns what was stored."""
    if plan.known_windows is not None:
        windows = clip_windows(plan.known_windows(session), plan.duration_s)
    elif plan.standing_s > 0:
        say(f"stand still for {plan.standing_s:g} s (calibration)", session.health())
        t0 = session.now_s()
        await asyncio.sleep(plan.standing_s)
        windows = [{"kind": "standing", "t0_s": round(t0, 3), "t1_s": round(session.now_s(), 3)}]
    else:
        return []
    writer.update_metadata(calibration=windows)
    return windows


async def _stream(session: AcquisitionSession, plan: RecordPlan, say: StatusCallback) -> None:
    """Report status every ``status_interval_s`` until ``duration_s`` (session clock) or cancellation."""
    end_s = plan.duration_s
    while end_s is None or session.now_s() < end_s:
        left_s = plan.status_interval_s if end_s is None else end_s - session.now_s()
        await asyncio.sleep(max(0.0, min(plan.status_interval_s, left_s)))
        say("recording", session.health())
