"""Live (incremental) analysis reproduces the offline analysis of the same data (causal estimator)."""

import numpy as np

from gait.pipeline.live import LiveAnalyzer
from gait.pipeline.offline import analyze_plan
from gait.pipeline.session import plan_blocks
from gait.types import SampleBlock
from gait.validate import _truth_clock


def test_replay_in_blocks_matches_offline():
    from gait.simulate import simulate

    sim = simulate("normal", duration_s=55.0, seed=2)
    blocks = _truth_clock(sim.blocks, sim.truth.clock)
    meta = {"id": "live", "subject": "S", "condition": "c", "calibration": sim.truth.windows}
    offline = analyze_plan(plan_blocks(blocks, meta), estimator="vqf-online")
    live = LiveAnalyzer(meta, rate_hz=200.0)
    chunk_s = 0.25
    for k in range(int(55.0 / chunk_s) + 1):
        for name, b in blocks.items():
            sel = (b.t_s >= k * chunk_s) & (b.t_s < (k + 1) * chunk_s)
            if sel.any():
                live.on_block(SampleBlock(name, b.t_s[sel], b.acc_mps2[sel], b.gyr_rps[sel], None, "session"))
        if k == int(40.0 / chunk_s):
            snap = live.snapshot()
            assert snap["status"] == "running" and len(snap["angles"]["left"]["t_s"]) > 100
    live.flush()
    got = live.strides()
    assert len(got) == len(offline.strides) > 40
    for s, o in zip(got, offline.strides, strict=True):
        assert s.side == o.side and s.valid == o.valid
        assert max(abs(s.ic_s - o.ic_s), abs(s.tc_s - o.tc_s), abs(s.next_ic_s - o.next_ic_s)) < 1e-3, (s, o)
        for name, value in s.metrics.items():
            if value is None or o.metrics[name] is None:
                assert value is None and o.metrics[name] is None
            else:
                assert abs(value - o.metrics[name]) < 0.1, name
    cadence = live.snapshot()["cadence_steps_per_min"]["right"]
    assert np.isfinite(cadence) and abs(cadence - 110.0) < 6.0
