"""Tier 2: the DIY profile over Bumble's in-process Bluetooth stack (real ATT: MTU exchange, CCCD,
notification size limit), through the same acquisition code and bleak front end."""


import pytest

pytest.importorskip("bumble")

from gait.acquisition import AcquisitionSession, SensorSpec, scan  # noqa: E402
from gait.profiles import load_profile  # noqa: E402
from gait.virtual.bumble_link import BumbleWorld  # noqa: E402
from gait.virtual.clock import run_virtual  # noqa: E402
from gait.virtual.faults import FaultPlan, LinkDrop  # noqa: E402
from gait.virtual.rig import motion_block, packets_from_block  # noqa: E402
from gait.virtual.sensor import VirtualSensor  # noqa: E402

ADDRESS = "C0:FF:EE:00:00:09"


def record_over_bumble(requested_mtu, samples_per_packet=None, faults=None, duration_s=4.0):
    profile = load_profile("diy_open_v1")
    packets, emit_s = packets_from_block(profile, motion_block("left_foot", duration_s, 200.0, t0_s=2.0),
                                         samples_per_packet)
    seen = {}

    async def main():
        world = BumbleWorld(requested_mtu=requested_mtu)  # Bumble needs a running loop from the start
        sensor = seen["sensor"] = VirtualSensor(profile, packets, emit_s, ADDRESS, faults=faults,
                                                peripheral_factory=world.peripheral_factory())
        await world.power_on()
        found = await scan(2.0, backend=world.backend)
        session = AcquisitionSession([SensorSpec("left_foot", ADDRESS, profile)], [], world.backend)
        await session.start()
        seen["subscribed"] = sensor.peripheral.subscribed(profile.gatt.data[0])
        await sensor.finished.wait()
        await session.stop()
        seen["subscribed_after_stop"] = sensor.peripheral.subscribed(profile.gatt.data[0])
        return found, session

    found, session = run_virtual(main())
    channel = session._channels["left_foot"]
    sensor = seen.pop("sensor")
    return found, session.health()["left_foot"], channel.decoder.stats, sensor, seen


def test_diy_profile_streams_over_real_att_with_mtu_exchange_and_cccd():
    found, health, stats, sensor, seen = record_over_bumble(247)
    assert [(r.address, r.profiles) for r in found] == [(ADDRESS, ("diy_open_v1",))]
    # the CCCD is written by the start steps and cleared by the stop steps
    assert seen == {"subscribed": True, "subscribed_after_stop": False}
    assert health.packets == sensor.injected.packets_sent == len(sensor.packets)
    assert stats.bad == 0 and stats.lost_packets == 0 and stats.samples == 8 * len(sensor.packets)


def test_packet_larger_than_the_negotiated_mtu_is_detected_and_counted():
    # 8 samples of acc+gyro+mag -> 152-byte packets; MTU 100 allows 97 bytes: Bumble's server cuts them all.
    _, health, stats, sensor, _ = record_over_bumble(100)
    assert sensor.peripheral.truncated_notifications == len(sensor.packets) > 0
    assert health.bad_packets == stats.bad == len(sensor.packets)
    assert stats.reasons == {"length does not match the sample count": len(sensor.packets)}
    assert stats.samples == 0  # nothing is decoded from a cut packet


def test_firmware_that_fits_n_to_the_mtu_streams_cleanly_and_survives_a_drop():
    # (100 - 3 - 8) // 18 = 4 samples (acc+gyro+mag) per packet fit the negotiated MTU.
    faults = FaultPlan(drops=(LinkDrop(2.0, 0.2),))
    _, health, stats, sensor, _ = record_over_bumble(100, samples_per_packet=4, faults=faults, duration_s=5.0)
    assert max(map(len, sensor.packets)) == 80
    assert sensor.peripheral.truncated_notifications == 0 and stats.bad == 0
    assert health.drops == 1 and health.reconnects == 1 and health.reconnect_delays_s[0] < 3.0
    assert health.lost_packets == sensor.injected.lost > 0
