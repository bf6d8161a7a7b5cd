"""Fault injection for virtual sensors: what goes wrong on a real walking test, on purpose and counted.

Times are seconds of the sensor's stream (0 = the first start command), in simulated time. Every fault
that loses data is counted by the sensor itself (``VirtualSensor.injected``) so tests can demand that
acquisition accounts for exactly that many lost packets.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class LinkDrop:
    """The link is lost at ``at_s`` and the sensor stays out of range (silent) for ``down_s``."""

    at_s: float
    down_s: float = 0.0


@dataclass(frozen=True)
class FaultPlan:
    """Everything a virtual sensor does wrong.

    Parameters
    ----------
    drops : link losses (the sensor stops streaming, as firmware does, until started again).
    refuse_connects : the first N connection attempts are refused with an error.
    never_answers : connection requests are never answered (a sensor that is off or out of range).
    seq_gaps : ``(at_s, n)``: the firmware skips ``n`` packets (queue overflow): sequence numbers jump.
    corrupt_at_s : packets due at these times are sent truncated to half their length.
    bursts : ``(at_s, hold_s)``: packets due in ``[at_s, at_s + hold_s)`` arrive together at the end.
    clock_drift_ppm : the sensor's crystal runs fast (+) or slow (-) against the host clock.
    """

    drops: tuple[LinkDrop, ...] = ()
    refuse_connects: int = 0
    never_answers: bool = False
    seq_gaps: tuple[tuple[float, int], ...] = ()
    corrupt_at_s: tuple[float, ...] = ()
    bursts: tuple[tuple[float, float], ...] = ()
    clock_drift_ppm: float = 0.0

    @classmethod
    def periodic_drops(
        cls, n: int, duration_s: float, down_s: float = 0.5, margin_s: float = 3.0, phase: float = 0.0,
        **kw,
    ) -> FaultPlan:
        """``n`` drops spread over ``[margin_s, duration_s - margin_s]``; ``phase`` (0..1) shifts them."""
        span = duration_s - 2 * margin_s
        times = margin_s + span * (np.arange(n) + 0.5 + 0.4 * (phase - 0.5)) / n
        return cls(drops=tuple(LinkDrop(float(t), down_s) for t in times), **kw)


@dataclass
class InjectedCounts:
    """What the sensor did to its own stream (ground truth for loss accounting)."""

    packets_sent: int = 0
    lost_link: int = 0  # due while the link was down or streaming was stopped
    lost_seq_gap: int = 0  # skipped by the firmware
    corrupted: int = 0
    burst_held: int = 0
    not_started: int = 0  # due before this sensor was first started (the walk was already going)
    drops: list[float] = field(default_factory=list)  # host times of link drops

    @property
    def lost(self) -> int:
        return self.lost_link + self.lost_seq_gap


def packet_indices_at(emit_s: np.ndarray, times_s) -> set[int]:
    """Index of the first packet due at or after each time."""
    idx = np.searchsorted(emit_s, np.asarray(list(times_s), dtype=float), side="left")
    return {int(i) for i in idx if i < len(emit_s)}


def skipped_indices(emit_s: np.ndarray, seq_gaps) -> set[int]:
    """Packets the firmware never sends for each ``(at_s, n)`` gap."""
    out: set[int] = set()
    for at_s, n in seq_gaps:
        first = int(np.searchsorted(emit_s, at_s, side="left"))
        out.update(range(first, min(first + int(n), len(emit_s))))
    return out


def burst_release_s(emit_s: np.ndarray, bursts) -> np.ndarray:
    """Send time of every packet after holding bursts (same as ``emit_s`` outside them)."""
    send_s = emit_s.copy()
    for at_s, hold_s in bursts:
        held = (emit_s >= at_s) & (emit_s < at_s + hold_s)
        send_s[held] = at_s + hold_s
    return send_s
