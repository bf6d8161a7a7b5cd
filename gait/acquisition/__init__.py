"""Acquisition: scan, connect and supervise BLE IMUs through bleak, and hand raw packets to consumers.

``AcquisitionSession(specs, consumers, backend=None)`` streams any number of sensors on one asyncio loop;
``backend`` selects bleak backend classes (``None``: the OS stack; the virtual air's for tests and demos).
See ``docs/acquisition.md``.
"""

from gait.acquisition.backend import BleBackend
from gait.acquisition.health import LinkState, SensorHealth
from gait.acquisition.scan import ScanResult, scan
from gait.acquisition.session import AcquisitionSession, SensorSpec
from gait.acquisition.supervisor import ReconnectPolicy

__all__ = [
    "AcquisitionSession",
    "BleBackend",
    "LinkState",
    "ReconnectPolicy",
    "ScanResult",
    "SensorHealth",
    "SensorSpec",
    "scan",
]
