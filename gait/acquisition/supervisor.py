"""One supervisor per sensor: find → connect → profile setup/start steps → stream → reconnect.

bleak-retry-connector only retries the *first* connection (``research/ble.md`` §2.1), and real
sensors stop streaming when the link drops, so this loop owns recovery: after a lost link it re-scans,
reconnects (capped exponential backoff with jitter on failures) and re-runs the profile's setup and
start steps. bleak fires the disconnected callback for requested disconnects too (§1.5), so a stop
sets ``_stopping`` first and the callback tells an intentional disconnect from a lost link.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass

from bleak import BleakClient, BleakScanner
from bleak.backends.device import BLEDevice
from bleak.exc import BleakError
from bleak.uuids import normalize_uuid_str

from gait.acquisition.backend import BleBackend, stack_unavailable
from gait.acquisition.device_info import check_read, reply_problem
from gait.acquisition.health import HealthTracker, LinkState
from gait.acquisition.steps import run_steps
from gait.errors import GaitError

log = logging.getLogger(__name__)

BATTERY_LEVEL_UUID = "00002a19-0000-1000-8000-00805f9b34fb"
LINK_ERRORS = (BleakError, TimeoutError, asyncio.TimeoutError, OSError, EOFError)


class _NotSeen(TimeoutError):
    """The address did not advertise during a scan."""


class _StackUnavailable(BleakError):
    """Scanning itself failed: no adapter, Bluetooth off, no BlueZ/D-Bus."""


@dataclass(frozen=True)
class ReconnectPolicy:
    """Timing of connection attempts (seconds on the loop clock).

    ``first_delay_s`` follows a lost link (the sensor usually re-advertises at once); failed attempts
    back off ``backoff_s`` doubling up to ``max_backoff_s`` with ±``jitter`` so that four sensors do not
    retry in lockstep. A sensor that was never reached is given up after ``initial_give_up_s``; once it
    has streamed it is retried for as long as the session runs.

    Connection requests start one at a time (a shared lock, bleak's ``two_devices`` example), but the
    lock is held for at most ``connect_lock_s``: a sensor that advertises yet never completes its
    connection then waits out ``connect_timeout_s`` on its own instead of delaying the others' reconnects.
    """

    scan_timeout_s: float = 5.0
    connect_timeout_s: float = 10.0
    connect_lock_s: float = 3.0
    step_timeout_s: float = 5.0
    first_delay_s: float = 0.1
    backoff_s: float = 0.25
    max_backoff_s: float = 8.0
    jitter: float = 0.2
    initial_give_up_s: float = 30.0

    def delay_s(self, failures: int, rng: random.Random) -> float:
        if failures <= 0:
            return self.first_delay_s
        base = min(self.max_backoff_s, self.backoff_s * 2 ** (failures - 1))
        return base * (1.0 + self.jitter * (2.0 * rng.random() - 1.0))


class SensorSupervisor:
    """Keeps one sensor streaming into ``deliver(placement, data)`` until :meth:`stop`."""

    def __init__(
        self,
        placement: str,
        address: str,
        profile,
        deliver: Callable[[str, bytearray], None],
        health: HealthTracker,
        *,
        backend: BleBackend,
        policy: ReconnectPolicy,
        connect_lock: asyncio.Lock,
        clock: Callable[[], float],
        rate_hz: float | None = None,
    ) -> None:
        self.placement, self.address, self.profile = placement, address, profile
        self._deliver, self._health, self._backend = deliver, health, backend
        self._policy, self._lock, self._clock = policy, connect_lock, clock
        self.rate_hz = rate_hz
        self._rng = random.Random(address)
        self._stopping = asyncio.Event()
        self._lost = asyncio.Event()
        self._client: BleakClient | None = None
        self._data_uuids = {normalize_uuid_str(u) for u in profile.gatt.data}

    # -- public --------------------------------------------------------------------------------------
    async def run(self) -> None:
        """Supervise until stopped; returns normally (state FAILED) when the sensor was never reached."""
        failures, first_try_s = 0, self._clock()
        try:
            while not self._stopping.is_set():
                try:
                    await self._connect_and_stream()
                    failures = 0
                except Exception as exc:  # noqa: BLE001 - any failure is this sensor's, never the session's
                    if not isinstance(exc, (*LINK_ERRORS, GaitError)):
                        log.exception("%s: unexpected error while connecting", self.placement)
                    failures += 1
                    message = self._explain(exc)
                    self._health.set_state(LinkState.RECONNECTING, message)
                    if self._gave_up(first_try_s) or isinstance(exc, GaitError) or (
                        isinstance(exc, _StackUnavailable) and not self._health.ever_connected
                    ):
                        self._health.set_state(LinkState.FAILED, message)
                        return
                    await self._disconnect_quietly()
                if self._stopping.is_set():
                    break
                await self._sleep(self._policy.delay_s(failures, self._rng))
        finally:
            await self._shutdown()

    async def stop(self) -> None:
        """Ask for an intentional stop; :meth:`run` runs the stop steps and disconnects."""
        self._stopping.set()

    # -- one connection ------------------------------------------------------------------------------
    async def _connect_and_stream(self) -> None:
        device = await self._find()
        self._health.set_state(LinkState.CONNECTING)
        self._lost.clear()
        client = BleakClient(
            device,
            disconnected_callback=self._on_disconnected,
            timeout=self._policy.connect_timeout_s,
            **self._backend.client_kwargs(),
        )
        self._client = client
        await self._connect(client)
        self._health.set_state(LinkState.CONFIGURING)
        await self._read_battery(client)
        steps = self.profile.connect_steps(self.rate_hz)
        await run_steps(client, steps, self._on_notify, self._policy.step_timeout_s, self._check_read)
        if not client.is_connected:
            raise BleakError("link lost while starting the sensor")
        self._health.connected(self._clock())
        await self._wait_any(self._lost, self._stopping)
        if self._lost.is_set() and not self._stopping.is_set():
            self._health.dropped(self._clock())
            self._client = None

    async def _connect(self, client: BleakClient) -> None:
        """Connect within ``connect_timeout_s``, holding the shared lock for ``connect_lock_s`` at most."""
        attempt = None
        try:
            async with self._lock:
                attempt = asyncio.ensure_future(
                    asyncio.wait_for(client.connect(), self._policy.connect_timeout_s + 1.0))
                await asyncio.wait({attempt}, timeout=self._policy.connect_lock_s)
            await attempt
        finally:
            if attempt is not None and not attempt.done():
                attempt.cancel()  # stop() cancelled this supervisor mid-connection

    async def _find(self) -> BLEDevice:
        """Scan for the address (also refreshes RSSI from its advertisement)."""
        self._health.set_state(LinkState.SCANNING)

        def wanted(device, adv) -> bool:
            if device.address.lower() != self.address.lower():
                return False
            self._health.current.rssi_dbm = adv.rssi
            return True

        try:
            device = await BleakScanner.find_device_by_filter(
                wanted, timeout=self._policy.scan_timeout_s, **self._backend.scanner_kwargs()
            )
        except (BleakError, OSError) as exc:
            raise _StackUnavailable(stack_unavailable(exc)) from exc
        if device is None:
            raise _NotSeen(f"not seen while scanning for {self._policy.scan_timeout_s:g} s; is it switched "
                           "on, charged and within a few metres?")
        return device

    def _on_notify(self, characteristic, data: bytearray) -> None:
        """Sample packets go to the session; replies on a control characteristic are only checked."""
        if normalize_uuid_str(characteristic.uuid) in self._data_uuids:
            self._deliver(self.placement, data)
        else:
            problem = reply_problem(self.profile, bytes(data))
            if problem:
                log.warning("%s (%s): %s", self.placement, self.address, problem)

    def _check_read(self, char_uuid: str, data: bytes) -> None:
        check_read(self.profile, char_uuid, data, self.placement)

    def _on_disconnected(self, client: BleakClient) -> None:
        if client is self._client and not self._stopping.is_set():
            self._lost.set()

    async def _read_battery(self, client: BleakClient) -> None:
        if client.services.get_characteristic(BATTERY_LEVEL_UUID) is None:
            return
        value = await asyncio.wait_for(client.read_gatt_char(BATTERY_LEVEL_UUID), self._policy.step_timeout_s)
        if value:
            self._health.current.battery_pct = int(value[0])

    # -- helpers -------------------------------------------------------------------------------------
    def _gave_up(self, first_try_s: float) -> bool:
        if self._health.ever_connected:
            return False
        return self._clock() - first_try_s >= self._policy.initial_give_up_s

    def _explain(self, exc: BaseException) -> str:
        """The last failure in words a person can act on (the session prefixes placement and address)."""
        if isinstance(exc, _NotSeen):
            return str(exc)
        if isinstance(exc, (TimeoutError, asyncio.TimeoutError)):
            return (f"no answer to the connection request within {self._policy.connect_timeout_s:g} s; "
                    "is the sensor on, charged, in range and not connected to another app?")
        return str(exc) or type(exc).__name__

    async def _sleep(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError, asyncio.TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)

    @staticmethod
    async def _wait_any(*events: asyncio.Event) -> None:
        waiters = [asyncio.ensure_future(e.wait()) for e in events]
        try:
            await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for w in waiters:
                w.cancel()

    async def _disconnect_quietly(self) -> None:
        client, self._client = self._client, None
        if client is not None and client.is_connected:
            with contextlib.suppress(LINK_ERRORS):
                await asyncio.wait_for(client.disconnect(), self._policy.step_timeout_s)

    async def _shutdown(self) -> None:
        """Intentional end: stop steps (best effort), then disconnect."""
        self._stopping.set()
        client = self._client
        if client is not None and client.is_connected:
            with contextlib.suppress(LINK_ERRORS):
                await run_steps(client, self.profile.session.stop, None, self._policy.step_timeout_s)
        await self._disconnect_quietly()
        if self._health.current.state is not LinkState.FAILED:
            self._health.set_state(LinkState.STOPPED)
