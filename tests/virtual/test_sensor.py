"""Virtual sensors: byte-exact packets through bleak, firmware start/stop behaviour, counted faults."""

import asyncio

import numpy as np
import pytest
from bleak import BleakClient

from gait.acquisition.steps import run_steps
from gait.decode import PacketDecoder
from gait.types import Packet
from gait.virtual.clock import run_virtual
from gait.virtual.faults import FaultPlan
from gait.virtual.rig import build_rig, motion_block


def stream(profile_id, duration_s=6.0, faults=None, rate_hz=200.0, replies=None):
    """Connect to one virtual sensor, run the profile's start steps, collect (host time, bytes) of the
    data notifications (and the bytes of any other notification into ``replies``)."""
    rig = build_rig({"left_foot": motion_block("left_foot", duration_s, rate_hz, t0_s=5.0)},
                    {"left_foot": profile_id}, {"left_foot": faults or FaultPlan()})
    sensor = rig.sensors["left_foot"]
    got = []
    replies = [] if replies is None else replies

    async def main():
        loop = asyncio.get_running_loop()

        def on_notify(characteristic, data):
            if characteristic.uuid in sensor.profile.gatt.data:
                got.append((loop.time(), bytes(data)))
            else:
                replies.append(bytes(data))

        async with BleakClient(sensor.address, backend=rig.air.client_backend) as client:
            steps = sensor.profile.connect_steps(sensor.rate_hz)
            await run_steps(client, steps, on_notify, 1.0)
            t_start = loop.time()
            await sensor.finished.wait()
            await run_steps(client, sensor.profile.session.stop, None, 1.0)
            await asyncio.sleep(0.1)
        return t_start

    t_start = run_virtual(main())
    return sensor, got, t_start


@pytest.mark.parametrize("profile_id", ["diy_open_v1", "movesense", "witmotion_bwt901blecl",
                                        "nordic_thingy52", "movella_dot"])
def test_packets_are_byte_exact_and_decode_to_the_signal(profile_id):
    sensor, got, _ = stream(profile_id, duration_s=2.0)
    assert [data for _, data in got] == sensor.packets
    decoder = PacketDecoder(sensor.profile, "left_foot", sensor.rate_hz)
    block = decoder.feed_many([Packet("left_foot", t, d) for t, d in got])
    assert decoder.stats.bad == 0 and decoder.stats.lost_packets == 0
    truth = motion_block("left_foot", 2.0, sensor.rate_hz, t0_s=5.0)
    n = len(block)
    assert n >= len(truth) - sensor.profile.samples.per_packet
    gyr_lsb = max(f.si_scale for f in sensor.profile.samples.fields if f.name == "gyro")
    np.testing.assert_allclose(block.gyr_rps, truth.gyr_rps[:n], atol=gyr_lsb)


def test_streaming_waits_for_the_start_command():
    rig = build_rig({"left_foot": motion_block("left_foot", 2.0, 200.0)}, {"left_foot": "diy_open_v1"})
    sensor = rig.sensors["left_foot"]
    got = []

    async def main():
        async with BleakClient(sensor.address, backend=rig.air.client_backend) as client:
            await client.start_notify(sensor.profile.gatt.data[0], lambda _c, d: got.append(d))
            await asyncio.sleep(1.0)
            assert got == [] and not sensor.streaming
            await client.write_gatt_char(sensor.profile.gatt.control, b"\x01", response=True)
            await asyncio.sleep(0.5)

    run_virtual(main())
    assert 10 <= len(got) <= 13  # 25 packets/s at 200 Hz, 8 samples each


def test_injected_gaps_corruption_and_bursts_are_counted():
    faults = FaultPlan(seq_gaps=((1.0, 3),), corrupt_at_s=(2.0, 3.0), bursts=((3.98, 0.4),))
    sensor, got, t_start = stream("diy_open_v1", faults=faults)
    decoder = PacketDecoder(sensor.profile, "left_foot")
    decoder.feed_many([Packet("left_foot", t, d) for t, d in got])
    assert sensor.injected.lost_seq_gap == 3 and sensor.injected.corrupted == 2
    assert decoder.stats.bad == 2  # truncated packets are rejected with a reason, not decoded
    assert decoder.stats.lost_packets == 3 + 2  # a rejected packet also leaves a hole in the sequence
    arrivals = np.array([t for t, _ in got]) - t_start
    held = np.count_nonzero(np.isclose(arrivals, 4.38, atol=1e-6))
    assert held == sensor.injected.burst_held == 10


def test_clock_drift_stretches_send_times():
    sensor, got, t_start = stream("diy_open_v1", duration_s=4.0, faults=FaultPlan(clock_drift_ppm=2000.0))
    last_host_s = got[-1][0] - t_start
    device_span_s = sensor.emit_s[-1] - sensor.emit_s[0]
    assert last_host_s == pytest.approx(device_span_s * 1.002, abs=0.002)


def test_diy_sensor_serves_its_info_block_and_answers_commands():
    from gait.decode.diy_info import check_info, parse_info

    replies = []
    sensor, got, _ = stream("diy_open_v1", duration_s=1.0, replies=replies)
    assert replies == [bytes.fromhex("82 00"), bytes.fromhex("81 00"), bytes.fromhex("80 00")]
    info = parse_info(sensor.peripheral.characteristic(sensor.profile.gatt.characteristics["info"]).value)
    check_info(info, sensor.profile, "left_foot")  # the v1 scales of the profile
    assert info.odr_hz == 200 and info.has_mag and info.sample_stride == 18
    assert info.max_samples_per_packet == (247 - 3 - 8) // 18


def test_diy_command_replies_follow_the_documented_table():
    from gait.virtual.diy_firmware import command_reply

    host_us = (123456789).to_bytes(8, "little")
    assert command_reply(b"\x04" + host_us, 200.0, 2**32 + 5) == b"\x84" + host_us + (5).to_bytes(4, "little")
    assert command_reply(bytes.fromhex("02 90 01"), 200.0, 0) == bytes.fromhex("82 02")  # 400 Hz: not built
    assert command_reply(bytes.fromhex("02 c8"), 200.0, 0) == bytes.fromhex("82 01")  # wrong length
    assert command_reply(bytes.fromhex("05 07 00"), 200.0, 0) == bytes.fromhex("85 02")  # no ring buffer
    assert command_reply(bytes.fromhex("7e"), 200.0, 0) == bytes.fromhex("fe 02")  # unknown command
    assert command_reply(b"", 200.0, 0) is None


def test_diy_time_ping_answers_on_the_packets_clock():
    rig = build_rig({"left_foot": motion_block("left_foot", 3.0, 200.0, t0_s=7.0)},
                    {"left_foot": "diy_open_v1"})
    sensor = rig.sensors["left_foot"]
    data, replies = [], []

    async def main():
        async with BleakClient(sensor.address, backend=rig.air.client_backend) as client:
            await client.start_notify(sensor.profile.gatt.control, lambda _c, d: replies.append(bytes(d)))
            await client.start_notify(sensor.profile.gatt.data[0], lambda _c, d: data.append(bytes(d)))
            await client.write_gatt_char(sensor.profile.gatt.control, b"\x01", response=True)
            await asyncio.sleep(1.5)
            await client.write_gatt_char(sensor.profile.gatt.control, b"\x04" + bytes(8), response=True)
            await asyncio.sleep(0.01)

    run_virtual(main())
    ping = replies[-1]
    assert ping[:9] == b"\x84" + bytes(8) and len(ping) == 13
    last = data[-1]
    last_sample_us = int.from_bytes(last[2:6], "little") + (last[6] - 1) * 5000
    assert 0 <= int.from_bytes(ping[9:13], "little") - last_sample_us < 40_000  # within one packet period
    assert 8.4e6 < last_sample_us < 8.6e6  # device clock started at 7 s, 1.5 s of streaming
