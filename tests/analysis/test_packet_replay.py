"""Live and offline agree through the packet path (issue 5): a recorded session's raw packets, replayed one by
one through the per-packet decoder into the live analyser, give the strides of the offline analysis.

The sample session streams its right shank as a 208 Hz Movesense (nominal 104 Hz), so this also checks that
the live decoders get each sensor's configured rate the way the offline reader does. Both paths use the
causal ``vqf-online`` estimator: the default offline ``vqf`` is acausal and cannot run live
(docs/validation.md).
"""

from pathlib import Path

import pytest

from gait.pipeline import analyze_session
from gait.recording.reader import SessionReader
from gait.recording.replay import replay
from gait.recording.status import SensorStatus, replay_analyzer

SESSION = Path(__file__).resolve().parents[2] / "recordings" / "SYN01-barefoot"
EVENT_TOL_S = 1e-3
METRIC_TOL = 0.1  # degrees (and the metric's own unit for the non-angle metrics)


def _largest_differences(live, offline) -> tuple[float, float, str | None]:
    """Largest event-time difference (s) and metric difference over paired strides, and that metric."""
    worst_event_s, worst_metric, worst_name = 0.0, 0.0, None
    for s, o in zip(live, offline, strict=True):
        assert (s.side, s.valid) == (o.side, o.valid), (s, o)
        worst_event_s = max(worst_event_s, abs(s.ic_s - o.ic_s), abs(s.tc_s - o.tc_s),
                            abs(s.next_ic_s - o.next_ic_s))
        assert s.metrics.keys() == o.metrics.keys()
        for name, value in s.metrics.items():
            other = o.metrics[name]
            if value is None or other is None:
                assert value is None and other is None, (name, s.ic_s)
            elif abs(value - other) > worst_metric:
                worst_metric, worst_name = abs(value - other), name
    return worst_event_s, worst_metric, worst_name


def test_packet_replay_matches_offline_analysis():
    if not (SESSION / "packets.log").is_file():
        pytest.skip(f"{SESSION} not present")
    reader = SessionReader(SESSION)
    rates = reader.sensor_rates()
    assert reader.sensor_profiles()["right_shank"] == "movesense" and rates["right_shank"] == 208.0

    offline = analyze_session(SESSION, estimator="vqf-online")
    analyzer, sink = replay_analyzer(reader)  # what `gait replay` feeds: sync model applied block by block
    status = SensorStatus(reader.sensor_profiles(), rates, on_block=sink)
    replay(reader, [status], speed=None)
    analyzer.flush()

    assert analyzer.estimator == "vqf-online" and analyzer.rate_hz == offline.settings["rate_hz"]
    assert dict(status.samples) == {name: len(b) for name, b in reader.load_samples().items()}
    live = analyzer.strides()
    assert len(live) == len(offline.strides) > 40
    assert {s.side for s in live} == {"left", "right"}
    worst_event_s, worst_metric, name = _largest_differences(live, offline.strides)
    assert worst_event_s < EVENT_TOL_S
    assert worst_metric < METRIC_TOL, name
