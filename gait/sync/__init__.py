"""Time synchronisation: every sensor's clock mapped to the one session clock (offset + drift per sensor).

Clock model (the walker's, ``gait.simulate.truth.CLOCK_MODEL``):
``t_device = offset_s + (1 + drift_ppm·1e-6) · t_session``. Evidence, in order of preference:

* **Sync taps** (the protocol's 3 taps that every sensor feels, biomech.md §2.1): the tap onsets in each
  device clock align all sensors with each other (left/right alignment) and, when the session metadata gives
  the tap times on the session clock (``tap_times_s`` of the ``taps`` window), with the session clock itself.
* **Host anchors**: pairs (device time, host arrival time) from the packets. BLE latency only adds delay, so
  the *lower envelope* of host − device is fitted (ble.md §2.6); gives offset and drift.
* **Host-arrival fallback** for sensors without a device clock (``clock="host"``): a uniform time base fitted
  to the lower envelope of the arrival times.

Drift is only observable with evidence spread over time (host anchors, or taps at start *and* end, ≥ 10 s
apart); otherwise it is reported as 0 and not estimated. Relative left/right errors then grow by at most
drift × elapsed time (50 ppm → 3 ms per minute).
"""

from gait.sync.clock import SensorSync, SyncReport, fit_host_clock
from gait.sync.core import synchronize
from gait.sync.events import detect_tap_onsets

__all__ = ["SensorSync", "SyncReport", "detect_tap_onsets", "fit_host_clock", "synchronize"]
