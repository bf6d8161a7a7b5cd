"""A virtual IMU: serves a firmware profile's GATT and control commands, streams byte-exact packets.

The packets are built once (by the codec's :class:`gait.decode.PacketEncoder` from a simulated
:class:`SampleBlock`) together with the stream time at which the firmware would send each one. The
sensor then behaves like firmware: the stream clock starts at the first start command; packets due
while the link is down or streaming is stopped are lost (sequence numbers keep counting), and after a
reconnect streaming resumes only when the central re-runs the start steps. Faults from a
:class:`FaultPlan` are applied on the way and counted in :attr:`VirtualSensor.injected`.
"""

from __future__ import annotations

import asyncio
import re

import numpy as np

from gait.acquisition.supervisor import BATTERY_LEVEL_UUID
from gait.virtual.diy_firmware import command_reply, info_block, speaks_diy_open_v1
from gait.virtual.faults import (
    FaultPlan,
    InjectedCounts,
    burst_release_s,
    packet_indices_at,
    skipped_indices,
)
from gait.virtual.peripheral import VirtualCharacteristic, VirtualPeripheral, VirtualService

BATTERY_SERVICE_UUID = "0000180f-0000-1000-8000-00805f9b34fb"


class WorldClock:
    """When the simulated subject started walking (loop time, s): set by the first sensor started.

    Sensors of one rig share it, so a sensor connected later joins the walk in progress instead of
    replaying it from its own beginning (which would misalign left and right by the connection stagger).
    """

    def __init__(self) -> None:
        self.t0_s: float | None = None

    def start(self, now_s: float) -> float:
        if self.t0_s is None:
            self.t0_s = now_s
        return self.t0_s


class VirtualSensor:
    """Firmware behaviour on top of a :class:`VirtualPeripheral`.

    Parameters
    ----------
    profile : gait.profiles.Profile
    packets : list of bytes
        Byte-exact notifications in send order.
    emit_s : array
        Stream time (s, device clock) at which each packet is sent.
    address, name : advertised identity (``name`` defaults to one the profile's ``match`` accepts).
    faults : FaultPlan
    speed : float
        Stream this many times faster than real time (1 = real time).
    world : WorldClock
        Shared by the sensors of one subject, so that all sample the same moment of the walk.
    peripheral_factory
        Builds the radio side: :class:`VirtualPeripheral` (pure-Python air) or a Bumble peripheral.
    """

    def __init__(
        self,
        profile,
        packets: list[bytes],
        emit_s: np.ndarray,
        address: str,
        *,
        name: str | None = None,
        faults: FaultPlan | None = None,
        speed: float = 1.0,
        mtu: int = 247,
        battery_pct: int = 87,
        peripheral_factory=VirtualPeripheral,
        rate_hz: float | None = None,
        world: WorldClock | None = None,
    ) -> None:
        if len(packets) != len(emit_s):
            raise ValueError("packets and emit_s differ in length")
        self.profile = profile
        self.world = world or WorldClock()
        self.rate_hz = rate_hz or profile.nominal_rate_hz
        self.faults = faults or FaultPlan()
        self.speed = float(speed)
        self.packets = packets
        self.emit_s = np.asarray(emit_s, dtype=float)
        self.injected = InjectedCounts()
        self._diy = speaks_diy_open_v1(profile)
        values = {}
        if self._diy:
            values[profile.gatt.characteristics["info"]] = info_block(self.rate_hz, packets, mtu)
        self.peripheral = peripheral_factory(
            address,
            name or advertised_name(profile, address),
            _gatt_services(profile, battery_pct, values),
            advertised_uuids=list(profile.match.service_uuids),
            manufacturer_data=_manufacturer_data(profile),
            mtu=mtu,
        )
        self.peripheral.refuse_connects = self.faults.refuse_connects
        self.peripheral.answers = not self.faults.never_answers
        self.peripheral.on_write = self._on_write
        self.peripheral.on_subscribe = self._on_subscribe
        self.peripheral.on_link = self._on_link
        self._start_commands, self._stop_command = _command_payloads(profile)
        self.streaming = False
        self.finished = asyncio.Event()  # set when the stream has run out (binds to a loop on first use)
        self._task: asyncio.Task | None = None
        self._t0_s: float | None = None
        self._ended = False

    @property
    def address(self) -> str:
        return self.peripheral.address

    # -- firmware reactions ---------------------------------------------------------------------------
    def _on_write(self, uuid: str, data: bytes) -> None:
        if (uuid, data) in self._start_commands:
            self._start()
        elif (uuid, data) == self._stop_command:
            self._end()
        if self._diy and uuid == self.profile.gatt.control:
            reply = command_reply(data, self.rate_hz, self._device_time_us())
            if reply is not None:  # delivered after the write returns, as over the air
                asyncio.get_running_loop().call_soon(self.peripheral.notify, uuid, reply)

    def _on_subscribe(self, uuid: str, on: bool) -> None:
        if uuid not in self.profile.gatt.data:
            return
        if not on:
            self._end()
        elif not self._start_commands and all(self.peripheral.subscribed(u) for u in self.profile.gatt.data):
            self._start()

    def _on_link(self, up: bool) -> None:
        if not up:
            self.streaming = False  # firmware stops on disconnect; the central must start it again

    def _start(self) -> None:
        self.streaming = True
        if self._task is None:
            loop = asyncio.get_running_loop()
            self._t0_s = self.world.start(loop.time())
            self._schedule_drops(loop)
            self._task = loop.create_task(self._stream(), name=f"virtual:{self.address}")

    def _end(self) -> None:
        """Stopped by the central on purpose: the firmware stops sampling (nothing is lost from here)."""
        self.streaming = False
        self._ended = True

    # -- the stream ----------------------------------------------------------------------------------
    def _host_time(self, stream_s: float) -> float:
        return self._t0_s + stream_s * (1.0 + self.faults.clock_drift_ppm * 1e-6) / self.speed

    def _device_time_us(self) -> int:
        """The device clock now, on the packets' time base (it starts with the stream: the first start)."""
        stream_s = 0.0
        if self._t0_s is not None:
            elapsed_s = asyncio.get_running_loop().time() - self._t0_s
            stream_s = max(0.0, elapsed_s * self.speed / (1.0 + self.faults.clock_drift_ppm * 1e-6))
        return int(round((self.emit_s[0] + stream_s) * 1e6)) if len(self.emit_s) else 0

    def _schedule_drops(self, loop: asyncio.AbstractEventLoop) -> None:
        for drop in self.faults.drops:
            if self._host_time(drop.at_s) >= loop.time():
                loop.call_at(self._host_time(drop.at_s), self._drop, drop.down_s)

    def _drop(self, down_s: float) -> None:
        self.injected.drops.append(asyncio.get_running_loop().time())
        self.peripheral.in_range = False
        self.peripheral.drop_link()
        asyncio.get_running_loop().call_later(down_s / self.speed, setattr, self.peripheral, "in_range", True)

    async def _stream(self) -> None:
        loop = asyncio.get_running_loop()
        send_s = burst_release_s(self.emit_s - self.emit_s[0], self.faults.bursts)
        skip = skipped_indices(send_s, self.faults.seq_gaps)
        corrupt = packet_indices_at(send_s, self.faults.corrupt_at_s)
        data_uuid = self.profile.gatt.data[0]
        # The walking world started with the first sensor; what this one would have sent before it was
        # started was never sampled (not lost).
        first = int(np.searchsorted(send_s, (loop.time() - self._t0_s) * self.speed - 1e-9))
        self.injected.not_started = first
        for i in range(first, len(self.packets)):
            packet = self.packets[i]
            delay = self._host_time(send_s[i]) - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            if self._ended:
                break
            if i in skip:
                self.injected.lost_seq_gap += 1
                continue
            if i in corrupt:
                packet = packet[: len(packet) // 2]
            if self.streaming and self.peripheral.notify(data_uuid, packet):
                self.injected.packets_sent += 1
                self.injected.corrupted += int(i in corrupt)
                self.injected.burst_held += bool(send_s[i] != self.emit_s[i] - self.emit_s[0])
            else:
                self.injected.lost_link += 1
        self.streaming = False
        self.finished.set()


def _command_payloads(profile) -> tuple[set[tuple[str, bytes]], tuple[str, bytes] | None]:
    """What starts and stops the firmware's stream.

    Start: for every selectable rate, the final write of the connect steps when they end with a write
    (e.g. DIY ``01``, Movesense ``01 63 /Meas/IMU6/104``); an empty set means enabling the data CCCD is
    the start (Thingy, WitMotion). Stop: the first write of the stop steps, else unsubscribing.
    """
    starts: set[tuple[str, bytes]] = set()
    for rate in profile.rates_hz:
        steps = [s for s in profile.connect_steps(rate) if s.kind != "sleep"]
        if steps and steps[-1].kind == "write":
            starts.add((steps[-1].char, steps[-1].payload))
    stops = [(s.char, s.payload) for s in profile.session.stop if s.kind == "write"]
    return starts, (stops[0] if stops else None)


def _gatt_services(profile, battery_pct: int, values: dict[str, bytes]) -> list[VirtualService]:
    """The profile's service with its named characteristics (initial ``values`` by UUID, else empty),
    plus a standard battery service."""
    gatt = profile.gatt
    read_chars = {s.char for s in profile.session.setup + profile.session.start if s.kind == "read"}
    chars = []
    for uuid in dict.fromkeys(list(gatt.characteristics.values()) + list(gatt.data)):
        props: list[str] = []
        if uuid in gatt.data:
            props.append("notify")
        if uuid == gatt.control:
            props += ["write", "write-without-response", "notify"]
        if uuid in read_chars or not props:
            props.append("read")
        chars.append(VirtualCharacteristic(uuid, tuple(dict.fromkeys(props)), values.get(uuid, b"")))
    battery = VirtualService(BATTERY_SERVICE_UUID, [VirtualCharacteristic(BATTERY_LEVEL_UUID, ("read",),
                                                                          bytes([battery_pct]))])
    return [VirtualService(gatt.service, chars), battery]


def _manufacturer_data(profile) -> dict[int, bytes]:
    m = profile.match
    return {} if m.manufacturer_id is None else {m.manufacturer_id: m.manufacturer_data_prefix + b"\x00"}


def advertised_name(profile, address: str) -> str:
    """A local name the profile's ``name_regex`` accepts: its literal start (first alternative of a
    leading group, e.g. ``^(Xsens|Movella) DOT`` -> ``Xsens DOT``) plus the address tail."""
    regex = (profile.match.name_regex or "").lstrip("^")
    regex = re.sub(r"\(\??:?([^|()]*)(\|[^()]*)?\)", r"\1", regex)
    literal = re.match(r"((?:[A-Za-z0-9 _:-]|\\.)*)", regex).group(1).replace("\\", "")
    return f"{literal or 'IMU-'}{address.replace(':', '')[-4:]}"
