"""``synchronize``: coarse clock per sensor, then sync taps, then the shank–foot drift of each leg."""

from __future__ import annotations

import numpy as np

from gait.sync.clock import SensorSync, SyncReport, fit_host_clock, host_time_base
from gait.sync.events import MIN_DRIFT_SPAN_S, detect_tap_onsets, leg_drift_ppm, side_drift_ppm
from gait.types import SampleBlock


def _coarse(block: SampleBlock, anchors: tuple[np.ndarray, np.ndarray] | None) -> SensorSync:
    """First clock map of one sensor, before taps: session, host anchors, host arrival or first sample."""
    if block.clock == "session":
        return SensorSync(block.sensor, "session")
    if block.clock == "host":
        _, latency_ms = host_time_base(block.t_s)
        return SensorSync(
            block.sensor, "host-arrival", offset_s=latency_ms * 1e-3, jitter_ms=round(latency_ms, 2)
        )
    if anchors is not None and len(anchors[0]) >= 2:
        offset, drift_ppm, jitter = fit_host_clock(*anchors)
        return SensorSync(block.sensor, "host-anchors", offset, drift_ppm, jitter_ms=round(jitter, 2))
    return SensorSync(
        block.sensor,
        "first-sample",
        float(block.t_s[0]) if len(block) else 0.0,
        warnings=[f"{block.sensor}: no host anchors; the device clock is assumed to start at session time 0"],
    )


def _taps_windows(windows: list[dict] | None) -> list[dict]:
    return [w for w in windows or [] if w.get("kind") == "taps"]


def _fit_taps(sync: SensorSync, onsets_device: np.ndarray, taps_session: np.ndarray) -> None:
    """Refine offset (and drift when the taps span ≥ MIN_DRIFT_SPAN_S) from matched tap events, in place."""
    span = float(np.ptp(taps_session)) if len(taps_session) > 1 else 0.0
    if span >= MIN_DRIFT_SPAN_S:
        slope, offset = np.polyfit(taps_session, onsets_device, 1)
        sync.offset_s, sync.drift_ppm = float(offset), float((slope - 1.0) * 1e6)
    else:
        sync.offset_s = float(np.mean(onsets_device - (1.0 + sync.drift_ppm * 1e-6) * taps_session))
    resid = onsets_device - sync.to_device(taps_session)
    sync.tap_residual_ms = round(float(np.sqrt(np.mean(resid**2)) * 1e3), 3)
    sync.tap_onsets_session_s = [round(float(x), 6) for x in sync.to_session(onsets_device)]
    if not sync.method.startswith("taps"):
        sync.method = "taps+host" if sync.method == "host-anchors" else "taps"


def _detect_all(blocks, syncs, windows, margin_s):
    """Tap onsets per sensor (device clock) for every taps window; sensors missing any tap are left out."""
    found: dict[str, list[np.ndarray]] = {}
    for name, block in blocks.items():
        if block.clock != "device" or len(block) < 3:
            continue
        per_window = []
        for w in windows:
            n_taps = len(w.get("tap_times_s") or []) or 3
            lo = syncs[name].to_device(w["t0_s"] - margin_s)
            hi = syncs[name].to_device(w["t1_s"] + margin_s)
            onsets = detect_tap_onsets(block.t_s, block.acc_mps2, (lo, hi), n_taps)
            if len(onsets) != n_taps:
                syncs[name].warnings.append(
                    f"{name}: found {len(onsets)} of {n_taps} sync taps near {w['t0_s']:.1f} s; "
                    "not tap-aligned"
                )
                break
            per_window.append(onsets)
        else:
            found[name] = per_window
    return found


def _on_session(blocks, syncs, names) -> dict[str, SampleBlock]:
    """The named blocks mapped with their current clock fits (acc and gyr only)."""
    return {n: SampleBlock(n, syncs[n].to_session(blocks[n].t_s), blocks[n].acc_mps2, blocks[n].gyr_rps)
            for n in names}


def _refine_leg_drift(blocks, syncs, found, taps_session: np.ndarray) -> None:
    """Split each leg's measured shank−foot drift between its two tap-aligned sensors, in place."""
    for side in ("left", "right"):
        shank, foot = f"{side}_shank", f"{side}_foot"
        if shank not in found or foot not in found:
            continue
        on_session = _on_session(blocks, syncs, (shank, foot))
        relative_ppm = leg_drift_ppm(on_session[shank], on_session[foot], float(taps_session.max()) + 1.0)
        if relative_ppm is None:
            syncs[shank].warnings.append(f"{side} leg: shank-foot drift not measurable from impacts")
            continue
        for name, sign in ((shank, 1.0), (foot, -1.0)):
            syncs[name].drift_ppm += sign * relative_ppm / 2.0
            _fit_taps(syncs[name], np.concatenate(found[name]), taps_session)
            syncs[name].method += "+impacts"
            syncs[name].leg_drift_ppm = round(relative_ppm, 2)


def _refine_side_drift(blocks, syncs, found, taps_session: np.ndarray) -> None:
    """Split the measured left − right drift between the two legs (long recordings only), in place."""
    if "left_foot" not in found or "right_foot" not in found:
        return
    on_session = _on_session(blocks, syncs, ("left_foot", "right_foot"))
    relative_ppm = side_drift_ppm(
        on_session["left_foot"], on_session["right_foot"], float(taps_session.max()) + 1.0
    )
    if relative_ppm is None:
        return
    for name in found:
        side = name.split("_")[0]
        syncs[name].drift_ppm += (relative_ppm if side == "left" else -relative_ppm) / 2.0
        _fit_taps(syncs[name], np.concatenate(found[name]), taps_session)
        syncs[name].method += "+steps"
        syncs[name].side_drift_ppm = round(relative_ppm, 2)


def synchronize(
    blocks: dict[str, SampleBlock],
    windows: list[dict] | None = None,
    anchors: dict[str, tuple[np.ndarray, np.ndarray]] | None = None,
    margin_s: float = 0.5,
    refine_leg_drift: bool = True,
) -> tuple[dict[str, SampleBlock], SyncReport]:
    """Map every block onto the session clock.

    Parameters
    ----------
    blocks
        Placement → block on its own clock (``device``, ``host`` or already ``session``).
    windows
        The session's calibration windows; ``taps`` entries (``t0_s``, ``t1_s`` on the session clock, optional
        exact ``tap_times_s``) enable tap alignment. Several ``taps`` windows (start and end) allow drift.
    anchors
        Placement → (device times, host arrival times) pairs, e.g. one per packet.
    margin_s
        Extra search time around each taps window (covers coarse clock errors).
    refine_leg_drift
        With start taps only, estimate the relative drift of shank and foot of each leg from the heel-strike
        impacts both feel (:func:`leg_drift_ppm`) and split it between them; ankle angles need the two
        sensors of a leg aligned, and this halves the expected absolute drift error too.

    Without ``tap_times_s`` the taps still align the sensors with each other: the reference is the mean tap
    time over sensors on their coarse (host or first-sample) clocks.
    """
    syncs = {name: _coarse(block, (anchors or {}).get(name)) for name, block in blocks.items()}
    report_warnings: list[str] = []
    tap_windows = _taps_windows(windows)
    tap_times: list[float] | None = None
    found = _detect_all(blocks, syncs, tap_windows, margin_s) if tap_windows else {}
    if found:
        given = [w.get("tap_times_s") for w in tap_windows]
        if all(given):
            taps_session = np.concatenate([np.asarray(g, float) for g in given])
        else:  # no exact times: the sensors' mean on their coarse clocks defines the session tap times
            taps_session = np.mean([syncs[n].to_session(np.concatenate(o)) for n, o in found.items()], axis=0)
            report_warnings.append(
                "tap times not given on the session clock; sensors aligned to each other only"
            )
        tap_times = [round(float(x), 6) for x in taps_session]
        for name, onsets in found.items():
            _fit_taps(syncs[name], np.concatenate(onsets), taps_session)
        if refine_leg_drift and np.ptp(taps_session) < MIN_DRIFT_SPAN_S:
            _refine_leg_drift(blocks, syncs, found, taps_session)
            _refine_side_drift(blocks, syncs, found, taps_session)
    elif tap_windows:
        report_warnings.append(
            "sync taps not found in any sensor; left/right alignment rests on the clocks alone"
        )
    else:
        report_warnings.append("no taps window in the session metadata; left/right alignment not verified")
    report = SyncReport(syncs, tap_times, report_warnings)
    synced = {}
    for name, block in blocks.items():
        if block.clock == "host":  # the whole recording is here: use the jitter-free time base
            base = host_time_base(block.t_s)[0]
            synced[name] = SampleBlock(
                name, base, block.acc_mps2, block.gyr_rps, block.mag_uT, clock="session"
            )
        else:
            synced[name] = report.apply(block)
    return synced, report
