"""Live cadence and stride count appear a few seconds into walking (provisional, events only), long before
the full per-stride metrics (which wait for the heading reference, ~45 s into a session)."""

import numpy as np
import pytest

from gait.pipeline.live import LiveAnalyzer
from gait.types import SampleBlock
from gait.validate import _truth_clock

CHUNK_S = 0.25
DURATION_S = 32.0
EARLY_S = 10.0  # walking time by which live strides and cadence must be in the snapshot


@pytest.fixture(scope="module")
def fed():
    """A simulated session fed in 0.25 s blocks; snapshots kept every block, then flushed."""
    from gait.simulate import simulate

    sim = simulate("normal", duration_s=DURATION_S, seed=3)
    blocks = _truth_clock(sim.blocks, sim.truth.clock)
    meta = {"id": "early", "subject": "S", "condition": "c", "calibration": sim.truth.windows}
    live = LiveAnalyzer(meta, rate_hz=200.0)
    snaps = []
    for k in range(int(DURATION_S / CHUNK_S)):
        for name, b in blocks.items():
            sel = (b.t_s >= k * CHUNK_S) & (b.t_s < (k + 1) * CHUNK_S)
            if sel.any():
                live.on_block(SampleBlock(name, b.t_s[sel], b.acc_mps2[sel], b.gyr_rps[sel], None, "session"))
        snaps.append(((k + 1) * CHUNK_S, live.snapshot()))
    walk_s = next(w for w in sim.truth.windows if w["kind"] == "walking")["t0_s"]
    return sim.truth, walk_s, snaps, live


def _at(snaps, t_s):
    return next(snap for t, snap in snaps if t >= t_s)


def test_strides_and_cadence_within_seconds_of_walking(fed):
    truth, walk_s, snaps, _ = fed
    first = {side: next(t for t, s in snaps if s["live_strides"][side] > 0) for side in ("left", "right")}
    assert max(first.values()) <= walk_s + 6.0, first
    t_check = walk_s + EARLY_S
    snap = _at(snaps, t_check)
    assert snap["status"] != "running" and snap["strides"] == {"left": 0, "right": 0}  # before calibration
    for side in ("left", "right"):
        done = [s for s in truth.strides if s["side"] == side and s["next_ic_s"] <= t_check]
        pending = snap["provisional_strides"][side]
        assert len(done) - 2 <= snap["live_strides"][side] == len(pending) <= len(done), (side, pending)
        true_ic, true_next = (np.array([s[k] for s in done]) for k in ("ic_s", "next_ic_s"))
        for ic, next_ic in pending:  # each provisional stride is a real one
            assert np.min(np.abs(true_ic - ic)) < 0.05 and np.min(np.abs(true_next - next_ic)) < 0.05
        true_cadence = 120.0 / np.median([s["stride_time_s"] for s in done if s["steady"]])
        cadence = snap["live_cadence_steps_per_min"][side]
        assert cadence is not None and abs(cadence - true_cadence) < 2.0, (side, cadence, true_cadence)


def test_counts_never_drop_and_end_as_final(fed):
    _, _, snaps, live = fed
    for side in ("left", "right"):
        counts = [s["live_strides"][side] for _, s in snaps]
        assert all(b >= a - 1 for a, b in zip(counts, counts[1:], strict=False)), counts
    live.flush()
    snap = live.snapshot()
    assert snap["provisional_strides"] == {"left": [], "right": []}
    assert snap["live_strides"] == snap["strides"]
    assert sum(snap["strides"].values()) == len(live.strides()) > 10


def test_hub_labels_provisional_counts(fed):
    from dashboard.live_buffer import LiveController, LiveHub
    from dashboard.pages.live import gait_note

    _, walk_s, snaps, _ = fed
    snap = _at(snaps, walk_s + EARLY_S)
    hub = LiveHub()
    hub.attach("test", LiveController())
    hub.set_gait(snap["live_cadence_steps_per_min"]["left"], snap["live_strides"], snap["strides"])
    assert hub.gait_provisional and "provisional" in gait_note(hub)
    assert "live; 0 with full metrics" in hub.gait_line()
    hub.set_gait(110.0, {"left": 3, "right": 3})
    assert not hub.gait_provisional and "all 6 strides have full metrics" in gait_note(hub)
