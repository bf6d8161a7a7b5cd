"""Virtual BLE sensors for testing and demos without hardware, through bleak's ``backend=`` hook.

- :mod:`gait.virtual.peripheral`: radio-side model (advertisement, GATT, link, notifications) and the air.
- :mod:`gait.virtual.backend`: bleak scanner/client backend classes bound to an air.
- :mod:`gait.virtual.sensor`: firmware behaviour from a profile, streaming byte-exact packets; faults.
- :mod:`gait.virtual.rig`: one sensor per placement from simulated signals.
- :mod:`gait.virtual.clock`: a fast-forward event loop for tests (simulated seconds, no waiting).
- :mod:`gait.virtual.bumble_link`: the same sensors over Bumble's in-process Bluetooth stack (test tier 2).
"""

from gait.virtual.faults import FaultPlan, LinkDrop
from gait.virtual.peripheral import VirtualAir, VirtualPeripheral
from gait.virtual.rig import VirtualRig, build_rig, simulated_rig
from gait.virtual.sensor import VirtualSensor

__all__ = [
    "FaultPlan",
    "LinkDrop",
    "VirtualAir",
    "VirtualPeripheral",
    "VirtualRig",
    "VirtualSensor",
    "build_rig",
    "simulated_rig",
]
