"""A set of virtual sensors (one per placement) built from simulated signals, ready for acquisition.

``simulated_rig("normal", duration_s=60)`` runs the synthetic walker and puts one virtual sensor per
placement into a :class:`VirtualAir`; ``rig.specs`` are the :class:`SensorSpec` to record them and
``rig.backend`` the bleak backends to pass to :class:`gait.acquisition.AcquisitionSession`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from gait.acquisition.session import SensorSpec
from gait.types import SampleBlock
from gait.virtual.faults import FaultPlan, InjectedCounts
from gait.virtual.peripheral import VirtualAir, VirtualPeripheral
from gait.virtual.sensor import VirtualSensor, WorldClock

#: Profiles of the default virtual rig, per placement; ids the installation lacks fall back to the DIY one.
DEFAULT_PROFILES = {
    "left_shank": "diy_open_v1",
    "right_shank": "movesense",
    "left_foot": "witmotion_bwt901blecl",
    "right_foot": "diy_open_v1",
}
FALLBACK_PROFILE = "diy_open_v1"


def virtual_address(index: int) -> str:
    return f"C0:FF:EE:00:00:{index + 1:02X}"


def packets_from_block(profile, block: SampleBlock, samples_per_packet: int | None = None,
                       ) -> tuple[list[bytes], np.ndarray]:
    """Byte-exact packets of ``block`` (through the codec's encoder) and each packet's send time.

    Firmware sends a packet when its last sample is taken, so the send time is that sample's device time.
    Samples that do not fill a fixed-size packet at the end are left out.
    """
    from gait.decode import PacketEncoder

    encoder = PacketEncoder(profile, samples_per_packet)
    n = encoder.per_packet
    total = len(block) - len(block) % n if profile.samples.count_mode == "fixed" else len(block)
    mag = block.mag_uT[:total] if (profile.has_mag and block.mag_uT is not None) else None
    packets = encoder.encode(block.t_s[:total], block.acc_mps2[:total], block.gyr_rps[:total], mag)
    last = np.minimum(np.arange(len(packets)) * n + n - 1, total - 1)
    return packets, block.t_s[:total][last]


@dataclass
class VirtualRig:
    """Virtual sensors by placement, in one virtual air."""

    air: VirtualAir
    sensors: dict[str, VirtualSensor]
    world: WorldClock
    #: Protocol windows of the simulated walk (standing, taps, walking) in stream seconds (0 = walk start).
    windows: list[dict] = field(default_factory=list)

    def windows_on(self, clock_zero_s: float) -> list[dict]:
        """:attr:`windows` on a clock whose zero is loop time ``clock_zero_s`` (e.g. a session clock)."""
        shift = (self.world.t0_s if self.world.t0_s is not None else clock_zero_s) - clock_zero_s
        moved = []
        for w in self.windows:
            w = {**w, "t0_s": round(w["t0_s"] + shift, 4), "t1_s": round(w["t1_s"] + shift, 4)}
            if "tap_times_s" in w:
                w["tap_times_s"] = [round(t + shift, 4) for t in w["tap_times_s"]]
            moved.append(w)
        return moved

    @property
    def backend(self):
        return self.air.backend

    @property
    def specs(self) -> list[SensorSpec]:
        return [SensorSpec(p, s.address, s.profile, s.rate_hz) for p, s in self.sensors.items()]

    def injected(self) -> dict[str, InjectedCounts]:
        return {p: s.injected for p, s in self.sensors.items()}


def motion_block(placement: str, duration_s: float, rate_hz: float, t0_s: float = 0.0) -> SampleBlock:
    """A cheap stand-in for the walker's signals when only the transport matters (transport tests,
    benchmarks): gravity plus ~1 Hz swinging, with a magnetometer, on a device clock starting at ``t0_s``."""
    t = t0_s + np.arange(int(round(duration_s * rate_hz))) / rate_hz
    phase = 2 * np.pi * 0.9 * t
    acc = np.column_stack([3 * np.sin(phase), 9.80665 + 2 * np.cos(2 * phase), 0.5 * np.sin(3 * phase)])
    gyr = np.column_stack([0.3 * np.cos(phase), 0.2 * np.sin(phase), 4 * np.sin(phase + 0.4)])
    mag = np.column_stack([20 + 0 * t, -40 + 2 * np.sin(phase), 5 * np.cos(phase)])
    return SampleBlock(placement, t, acc, gyr, mag, clock="device")


def supported_rate_hz(profile, wanted_hz: float) -> float:
    """The profile's selectable rate closest to ``wanted_hz`` (Movesense offers 208, not 200)."""
    rates = np.asarray(profile.rates_hz, dtype=float)
    return float(rates[np.argmin(np.abs(rates - wanted_hz))])


def resample_block(block: SampleBlock, rate_hz: float) -> SampleBlock:
    """Linear resampling onto a uniform grid at ``rate_hz`` on the block's own clock."""
    if abs(block.rate_hz - rate_hz) < 1e-6 * rate_hz:
        return block
    t = block.t_s[0] + np.arange(int((block.t_s[-1] - block.t_s[0]) * rate_hz) + 1) / rate_hz

    def interp(x):
        return None if x is None else np.column_stack([np.interp(t, block.t_s, x[:, i]) for i in range(3)])

    return SampleBlock(block.sensor, t, interp(block.acc_mps2), interp(block.gyr_rps), interp(block.mag_uT),
                       clock=block.clock)


def resolve_profile(profile_or_id):
    """Load a profile id (falling back to the DIY layout when this installation lacks it)."""
    from gait.profiles import available_profile_ids, load_profile

    if not isinstance(profile_or_id, str):
        return profile_or_id
    pid = profile_or_id if profile_or_id in available_profile_ids() else FALLBACK_PROFILE
    return load_profile(pid)


def build_rig(
    blocks: Mapping[str, SampleBlock],
    profiles: Mapping[str, object] | None = None,
    faults: Mapping[str, FaultPlan] | None = None,
    *,
    speed: float = 1.0,
    mtu: int = 247,
    peripheral_factory=VirtualPeripheral,
) -> VirtualRig:
    """One virtual sensor per block; ``profiles`` and ``faults`` by placement (defaults: mixed, none)."""
    profiles = profiles or {}
    faults = faults or {}
    air = VirtualAir()
    world = WorldClock()
    sensors = {}
    for index, (placement, block) in enumerate(blocks.items()):
        profile = resolve_profile(profiles.get(placement, DEFAULT_PROFILES.get(placement, FALLBACK_PROFILE)))
        rate_hz = supported_rate_hz(profile, block.rate_hz)
        packets, emit_s = packets_from_block(profile, resample_block(block, rate_hz))
        sensor = VirtualSensor(profile, packets, emit_s, virtual_address(index), faults=faults.get(placement),
                               speed=speed, mtu=mtu, peripheral_factory=peripheral_factory, rate_hz=rate_hz,
                               world=world)
        air.add(sensor.peripheral)
        sensors[placement] = sensor
    return VirtualRig(air, sensors, world)


def simulated_rig(scenario: str = "normal", duration_s: float = 60.0, rate_hz: float = 200.0, seed: int = 0,
                  profiles: Mapping[str, object] | None = None, faults: Mapping[str, FaultPlan] | None = None,
                  placements=None, **kwargs) -> VirtualRig:
    """Run the synthetic walker and serve its signals from virtual sensors (see :func:`build_rig`)."""
    from gait.conventions import PLACEMENTS
    from gait.simulate import simulate

    result = simulate(scenario, duration_s=duration_s, seed=seed, rate_hz=rate_hz,
                      placements=tuple(placements or PLACEMENTS))
    rig = build_rig(result.blocks, profiles, faults, **kwargs)
    rig.windows = list(result.truth.windows)
    return rig


def add_bystander(air: VirtualAir, address: str = "C0:FF:EE:00:00:99") -> VirtualPeripheral:
    """A non-IMU device (a heart-rate belt) in the air, so scans show how unknown devices are reported."""
    from gait.virtual.peripheral import VirtualCharacteristic, VirtualService

    hr = VirtualService("180d", [VirtualCharacteristic("2a37", ("notify",))])
    return air.add(VirtualPeripheral(address, "HR-Belt 42", [hr], advertised_uuids=["180d"], rssi_dbm=-75))
