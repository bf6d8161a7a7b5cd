"""Acquisition through bleak's front end against virtual sensors, on a fast-forward (virtual-time) loop."""

import asyncio
import gc
import logging

import pytest

from gait.acquisition import AcquisitionSession, LinkState, ReconnectPolicy, SensorSpec
from gait.decode import decode_packets
from gait.errors import GaitError
from gait.virtual.clock import run_virtual
from gait.virtual.faults import FaultPlan, LinkDrop
from gait.virtual.rig import build_rig, motion_block, simulated_rig

PLACEMENTS = ("left_shank", "right_shank", "left_foot", "right_foot")
MIXED = {"left_shank": "diy_open_v1", "right_shank": "movesense", "left_foot": "witmotion_bwt901blecl",
         "right_foot": "diy_open_v1"}


class Recorder:
    """A PacketConsumer that remembers what it was given."""

    def __init__(self):
        self.packets, self.flushes, self.closed = [], 0, 0

    def on_packet(self, packet):
        self.packets.append(packet)

    def flush(self):
        self.flushes += 1

    def close(self):
        self.closed += 1


def rig_for(duration_s, faults=None, profiles=MIXED, placements=PLACEMENTS):
    blocks = {p: motion_block(p, duration_s, 200.0, t0_s=3.0 + i) for i, p in enumerate(placements)}
    return build_rig(blocks, profiles, faults)


def test_four_mixed_sensors_survive_five_drops_each_with_exact_loss(caplog):
    duration_s = 60.0
    faults = {p: FaultPlan.periodic_drops(5, duration_s, down_s=0.3 + 0.4 * i, phase=i / 4)
              for i, p in enumerate(PLACEMENTS)}
    rig = simulated_rig("normal", duration_s=duration_s, profiles=MIXED, faults=faults)  # walker signals
    recorder = Recorder()

    async def main():
        session = AcquisitionSession(rig.specs, [recorder], rig.backend)
        await session.start()
        await asyncio.gather(*(s.finished.wait() for s in rig.sensors.values()))
        await session.stop()
        return session

    session = run_virtual(main())
    gc.collect()  # asyncio reports unretrieved task exceptions when the task is collected
    assert session.errors == [] and not [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert recorder.closed == 1 and recorder.flushes >= duration_s / session.flush_interval_s
    for placement, health in session.health().items():
        injected = rig.sensors[placement].injected
        assert health.state is LinkState.STOPPED
        assert health.drops == 5 and health.reconnects == 5
        assert len(health.reconnect_delays_s) == 5 and max(health.reconnect_delays_s) < 3.0
        assert health.packets == injected.packets_sent
        assert health.bad_packets == 0
        if placement == "left_foot":  # WitMotion numbers nothing and is host-timed: loss cannot be known
            assert not health.loss_known
        else:
            assert health.loss_known and injected.lost > 0
            assert health.lost_packets == injected.lost, placement
        assert sum(p.sensor == placement for p in recorder.packets) == health.packets
    # what arrived is the walker's signal, byte for byte through the profile's encoding
    sensor = rig.sensors["left_shank"]
    received = [p.data for p in recorder.packets if p.sensor == "left_shank"]
    assert set(received) <= set(sensor.packets)
    block = decode_packets(sensor.profile, [p for p in recorder.packets if p.sensor == "left_shank"],
                           "left_shank").block
    assert block.rate_hz == pytest.approx(200.0, rel=1e-3) and abs(block.gyr_rps).max() > 1.0


def test_gaps_corruption_bursts_and_drift_through_the_session_are_accounted():
    faults = FaultPlan(seq_gaps=((4.0, 3), (9.0, 2)), corrupt_at_s=(6.0, 12.0), bursts=((7.0, 0.5),),
                       clock_drift_ppm=80.0)
    rig = rig_for(15.0, {"left_shank": faults}, {"left_shank": "diy_open_v1"}, ("left_shank",))

    async def main():
        session = AcquisitionSession(rig.specs, [], rig.backend)
        await session.start()
        await rig.sensors["left_shank"].finished.wait()
        await session.stop()
        return session.health()["left_shank"]

    health = run_virtual(main())
    injected = rig.sensors["left_shank"].injected
    assert injected.lost_seq_gap == 5 and injected.corrupted == 2 and injected.burst_held > 0
    assert health.bad_packets == injected.corrupted  # rejected with a reason, not decoded
    assert health.lost_packets == injected.lost + injected.corrupted  # a rejected packet is a sequence hole
    assert health.packets == injected.packets_sent and health.drops == 0


def test_cancelling_run_stops_sensors_and_flushes_every_consumer():
    rig = rig_for(30.0, profiles={p: "diy_open_v1" for p in PLACEMENTS}, placements=PLACEMENTS[:2])
    consumers = [Recorder(), Recorder()]

    async def main():
        session = AcquisitionSession(rig.specs, consumers, rig.backend)
        task = asyncio.ensure_future(session.run())
        await asyncio.sleep(5.0)
        task.cancel()  # what Ctrl-C does to asyncio.run's main task
        await asyncio.gather(task, return_exceptions=True)
        return session

    session = run_virtual(main())
    assert all(c.flushes >= 1 and c.closed == 1 and len(c.packets) > 100 for c in consumers)
    assert all(not s.peripheral.connected for s in rig.sensors.values())
    assert all(h.state is LinkState.STOPPED and h.drops == 0 for h in session.health().values())


def test_a_failing_consumer_is_cut_off_and_reported_while_others_continue():
    class Broken(Recorder):
        def on_packet(self, packet):
            raise OSError("disk full")

    rig = rig_for(3.0, profiles={"left_shank": "diy_open_v1"}, placements=("left_shank",))
    good = Recorder()

    async def main():
        session = AcquisitionSession(rig.specs, [Broken(), good], rig.backend)
        await session.run(duration_s=2.0)
        return session

    session = run_virtual(main())
    assert len(session.errors) == 1 and "disk full" in session.errors[0]
    assert len(good.packets) >= 45


def test_refused_connections_back_off_and_then_stream():
    rig = rig_for(10.0, {"left_shank": FaultPlan(refuse_connects=3)}, {"left_shank": "diy_open_v1"},
                  ("left_shank",))

    async def main():
        session = AcquisitionSession(rig.specs, [], rig.backend)
        await session.run(duration_s=3.0)
        return session

    health = run_virtual(main()).health()["left_shank"]
    peripheral = rig.sensors["left_shank"].peripheral
    assert health.packets > 0 and health.reconnects == 0 and health.last_error is None
    assert peripheral.refuse_connects == 0 and peripheral.connections == 1  # 3 refused, then connected


def test_a_sensor_that_never_answers_gives_a_clear_error():
    rig = rig_for(5.0, {"left_shank": FaultPlan(never_answers=True)}, {"left_shank": "diy_open_v1"},
                  ("left_shank",))
    policy = ReconnectPolicy(connect_timeout_s=5.0, initial_give_up_s=20.0)

    async def main():
        session = AcquisitionSession(rig.specs, [], rig.backend, policy=policy)
        loop = asyncio.get_running_loop()
        t0 = loop.time()
        with pytest.raises(GaitError) as info:
            await session.start()
        return str(info.value), loop.time() - t0

    message, waited_s = run_virtual(main())
    assert "left_shank" in message and "C0:FF:EE:00:00:01" in message and "no answer" in message
    assert 20.0 <= waited_s < 40.0


def test_an_absent_sensor_and_bad_input_give_clear_errors():
    rig = rig_for(1.0, profiles={"left_shank": "diy_open_v1"}, placements=("left_shank",))
    policy = ReconnectPolicy(scan_timeout_s=2.0, initial_give_up_s=5.0)
    absent = [SensorSpec("left_shank", "AA:BB:CC:DD:EE:FF", "diy_open_v1")]

    async def main():
        with pytest.raises(GaitError, match=r"left_shank \(AA:BB:CC:DD:EE:FF\): not seen while scanning"):
            await AcquisitionSession(absent, [], rig.backend, policy=policy).start()

    run_virtual(main())
    with pytest.raises(GaitError, match="unknown placement 'left_knee'"):
        AcquisitionSession([SensorSpec("left_knee", "AA:BB:CC:DD:EE:FF", "diy_open_v1")])
    with pytest.raises(GaitError, match="no_such_sensor"):
        AcquisitionSession([SensorSpec("left_foot", "AA:BB:CC:DD:EE:FF", "no_such_sensor")])
    with pytest.raises(GaitError, match="given twice"):
        AcquisitionSession([SensorSpec("left_foot", "A", "diy_open_v1"),
                            SensorSpec("left_foot", "B", "diy_open_v1")])


def test_no_bluetooth_stack_fails_at_once_with_advice():
    from bleak.exc import BleakError

    from gait.acquisition import BleBackend
    from gait.virtual.backend import VirtualScanner

    class NoAdapter(VirtualScanner):
        async def start(self):
            raise BleakError("No Bluetooth adapters found.")

    rig = rig_for(1.0, profiles={"left_shank": "diy_open_v1"}, placements=("left_shank",))
    scanner = type("NoAdapter", (NoAdapter,), {"air": rig.air})
    backend = BleBackend(scanner=scanner, client=rig.air.client_backend)

    async def main():
        loop = asyncio.get_running_loop()
        with pytest.raises(GaitError, match="Bluetooth is not available.*No Bluetooth adapters.*--virtual"):
            await AcquisitionSession(rig.specs, [], backend).start()
        return loop.time()

    assert run_virtual(main()) < 1.0


def test_stop_does_not_wait_for_a_sensor_that_is_out_of_range():
    gone = FaultPlan(drops=(LinkDrop(2.0, 60.0),))
    rig = rig_for(30.0, {"left_shank": gone}, {"left_shank": "diy_open_v1"}, ("left_shank",))

    async def main():
        session = AcquisitionSession(rig.specs, [], rig.backend)
        await session.start()
        await asyncio.sleep(3.0)  # the sensor is gone: its supervisor is scanning for it
        loop = asyncio.get_running_loop()
        t0 = loop.time()
        await session.stop()
        return loop.time() - t0, session.health()["left_shank"]

    stop_s, health = run_virtual(main())
    assert stop_s <= 3.5 and health.state is LinkState.STOPPED and health.drops == 1


def test_a_sensor_stuck_connecting_does_not_hold_up_the_others():
    # left_shank advertises but never completes a connection; right_shank streams and drops twice.
    faults = {"left_shank": FaultPlan(never_answers=True),
              "right_shank": FaultPlan(drops=(LinkDrop(4.0, 0.2), LinkDrop(9.0, 0.2)))}
    profiles = {p: "diy_open_v1" for p in PLACEMENTS[:2]}
    rig = rig_for(20.0, faults, profiles, PLACEMENTS[:2])
    policy = ReconnectPolicy(initial_give_up_s=60.0)  # the stuck sensor keeps trying all along

    async def main():
        session = AcquisitionSession(rig.specs, [], rig.backend, policy=policy)
        loop = asyncio.get_running_loop()
        t0 = loop.time()
        await session.start(wait_connected=False)
        while session.health()["right_shank"].state is not LinkState.STREAMING:
            await asyncio.sleep(0.05)
        first_s = loop.time() - t0
        await asyncio.sleep(12.0)
        await session.stop()
        return first_s, session.health()

    first_s, health = run_virtual(main())
    stuck, good = health["left_shank"], health["right_shank"]
    assert stuck.packets == 0 and "no answer" in stuck.last_error
    assert rig.sensors["left_shank"].peripheral.connections == 0
    lock_s = policy.connect_lock_s
    assert first_s < lock_s + 1.0
    assert good.reconnects == 2 and max(good.reconnect_delays_s) < lock_s + 1.0, good.reconnect_delays_s


def test_firmware_with_other_scales_is_refused_at_once_with_the_field_named():
    import struct

    rig = rig_for(5.0, profiles={"left_shank": "diy_open_v1"}, placements=("left_shank",))
    sensor = rig.sensors["left_shank"]
    info = sensor.peripheral.characteristic(sensor.profile.gatt.characteristics["info"])
    info.value = info.value[:4] + struct.pack("<f", 2048.0) + info.value[8:]  # a ±16 g build

    async def main():
        loop = asyncio.get_running_loop()
        with pytest.raises(GaitError) as caught:
            await AcquisitionSession(rig.specs, [], rig.backend).start()
        return str(caught.value), loop.time()

    message, waited_s = run_virtual(main())
    assert "left_shank" in message and "acc_lsb_per_g = 2048" in message and "4096" in message
    assert waited_s < 1.0 and sensor.peripheral.connections == 1  # not retried: retrying cannot help
    assert not sensor.streaming and sensor.injected.packets_sent == 0
