"""A simulated BLE peripheral: advertisement, GATT table, link state and notifications.

This is the radio-side model the virtual bleak backends (:mod:`gait.virtual.backend`) talk to. It knows
nothing about IMUs: a :class:`gait.virtual.sensor.VirtualSensor` builds one from a firmware profile and
drives it. The model keeps the ATT rules that matter to acquisition code: one central at a time, a
notification reaches the central only while connected and subscribed, a value longer than ``MTU - 3``
is cut (and the cut is counted, as a sniffer would see it), link loss fires the central's
disconnected callback on the next loop iteration, and a peripheral can refuse or ignore connections.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field

from bleak.backends.scanner import AdvertisementData
from bleak.exc import BleakError
from bleak.uuids import normalize_uuid_str

ATT_HEADER_BYTES = 3  # opcode + handle in a Handle Value Notification

NotifyCallback = Callable[[bytearray], None]


@dataclass
class VirtualCharacteristic:
    """One characteristic: normalised UUID, bleak property names, current value."""

    uuid: str
    properties: tuple[str, ...]
    value: bytes = b""

    def __post_init__(self) -> None:
        self.uuid = normalize_uuid_str(self.uuid)


@dataclass
class VirtualService:
    uuid: str
    characteristics: list[VirtualCharacteristic] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.uuid = normalize_uuid_str(self.uuid)


class VirtualPeripheral:
    """A peripheral in the virtual air.

    Parameters
    ----------
    address, name : str
        Advertised address and local name.
    services : list of VirtualService
        The GATT table (handles are assigned by the client backend in order).
    advertised_uuids, manufacturer_data, rssi_dbm
        Advertisement content.
    mtu : int
        ATT MTU the link negotiates (the notification payload limit is ``mtu - 3``).
    """

    def __init__(
        self,
        address: str,
        name: str,
        services: list[VirtualService],
        *,
        advertised_uuids: list[str] | None = None,
        manufacturer_data: dict[int, bytes] | None = None,
        rssi_dbm: int = -60,
        mtu: int = 247,
        connect_latency_s: float = 0.05,
    ) -> None:
        self.address = address.upper()
        self.name = name
        self.services = services
        self.advertised_uuids = [normalize_uuid_str(u) for u in (advertised_uuids or [])]
        self.manufacturer_data = dict(manufacturer_data or {})
        self.rssi_dbm = rssi_dbm
        self.mtu = mtu
        self.connect_latency_s = connect_latency_s
        #: Out of range: neither advertises nor accepts connections (models a link drop's aftermath).
        self.in_range = True
        #: Never answers a connection request (a sensor that is off or busy): connect times out.
        self.answers = True
        #: Number of upcoming connection attempts to refuse with an error.
        self.refuse_connects = 0
        self.truncated_notifications = 0
        self.connections = 0
        self._central: object | None = None
        self._on_lost: Callable[[], None] | None = None
        self._subscriptions: dict[str, NotifyCallback] = {}
        self._chars = {c.uuid: c for s in services for c in s.characteristics}
        #: Hooks for the behaviour layer: (uuid, data) on write, (uuid, on) on (un)subscribe, link events.
        self.on_write: Callable[[str, bytes], None] | None = None
        self.on_subscribe: Callable[[str, bool], None] | None = None
        self.on_link: Callable[[bool], None] | None = None

    # -- advertisement -------------------------------------------------------------------------------
    @property
    def advertising(self) -> bool:
        return self.in_range and self._central is None

    def advertisement(self) -> AdvertisementData:
        return AdvertisementData(
            local_name=self.name,
            manufacturer_data=dict(self.manufacturer_data),
            service_data={},
            service_uuids=list(self.advertised_uuids),
            tx_power=None,
            rssi=self.rssi_dbm,
            platform_data=(self,),
        )

    # -- link ------------------------------------------------------------------------------------------
    @property
    def connected(self) -> bool:
        return self._central is not None

    def is_linked_to(self, central: object) -> bool:
        return self._central is central

    async def accept(self, central: object, on_lost: Callable[[], None], timeout_s: float) -> None:
        """Connection request from ``central``; raises like a real stack when it cannot be served."""
        if not self.answers or not self.in_range:
            await asyncio.sleep(timeout_s)
            raise TimeoutError(f"{self.address}: no answer to the connection request within {timeout_s:g} s")
        await asyncio.sleep(self.connect_latency_s)
        if self.refuse_connects > 0:
            self.refuse_connects -= 1
            raise BleakError(f"{self.address}: connection refused by peripheral (le-connection-abort)")
        if self._central is not None:
            raise BleakError(f"{self.address}: already connected to another central")
        self._central, self._on_lost = central, on_lost
        self.connections += 1
        if self.on_link:
            self.on_link(True)

    def release(self, central: object) -> None:
        """The central disconnects on purpose (its callback still fires, as bleak's backends do)."""
        if self._central is central:
            self._end_link()

    def drop_link(self) -> None:
        """Lose the link (supervision timeout): the central learns of it on the next loop iteration."""
        if self._central is not None:
            self._end_link()

    def _end_link(self) -> None:
        on_lost = self._on_lost
        self._central, self._on_lost = None, None
        self._subscriptions.clear()
        if self.on_link:
            self.on_link(False)
        if on_lost is not None:
            asyncio.get_running_loop().call_soon(on_lost)

    # -- GATT ------------------------------------------------------------------------------------------
    def characteristic(self, uuid: str) -> VirtualCharacteristic:
        try:
            return self._chars[normalize_uuid_str(uuid)]
        except KeyError:
            raise BleakError(f"{self.address}: no characteristic {uuid}") from None

    def _check(self, central: object) -> None:
        if self._central is not central:
            raise BleakError("Not connected")

    def read(self, central: object, uuid: str) -> bytes:
        self._check(central)
        return self.characteristic(uuid).value

    def write(self, central: object, uuid: str, data: bytes) -> None:
        self._check(central)
        char = self.characteristic(uuid)
        if not {"write", "write-without-response"} & set(char.properties):
            raise BleakError(f"{self.address}: characteristic {uuid} is not writable")
        char.value = bytes(data)
        if self.on_write:
            self.on_write(char.uuid, bytes(data))

    def subscribe(self, central: object, uuid: str, callback: NotifyCallback | None) -> None:
        self._check(central)
        char = self.characteristic(uuid)
        if not {"notify", "indicate"} & set(char.properties):
            raise BleakError(f"{self.address}: characteristic {uuid} does not notify")
        if callback is None:
            self._subscriptions.pop(char.uuid, None)
        else:
            self._subscriptions[char.uuid] = callback
        if self.on_subscribe:
            self.on_subscribe(char.uuid, callback is not None)

    def subscribed(self, uuid: str) -> bool:
        return normalize_uuid_str(uuid) in self._subscriptions

    def notify(self, uuid: str, data: bytes) -> bool:
        """Send a notification; ``False`` when nobody received it (not connected or not subscribed)."""
        callback = self._subscriptions.get(uuid) or self._subscriptions.get(normalize_uuid_str(uuid))
        if callback is None or self._central is None:
            return False
        limit = self.mtu - ATT_HEADER_BYTES
        if len(data) > limit:
            self.truncated_notifications += 1
            data = data[:limit]
        callback(bytearray(data))
        return True


class VirtualAir:
    """The set of virtual peripherals in range, and the bleak backend classes bound to it."""

    def __init__(self, peripherals: list[VirtualPeripheral] | None = None) -> None:
        self._peripherals: dict[str, VirtualPeripheral] = {}
        for p in peripherals or []:
            self.add(p)
        from gait.virtual.backend import bind_backends

        self.scanner_backend, self.client_backend = bind_backends(self)

    def add(self, peripheral: VirtualPeripheral) -> VirtualPeripheral:
        self._peripherals[peripheral.address] = peripheral
        return peripheral

    def get(self, address: str) -> VirtualPeripheral | None:
        return self._peripherals.get(address.upper())

    def __iter__(self):
        return iter(list(self._peripherals.values()))

    @property
    def backend(self):
        """The pair to pass as ``backend=`` to :class:`gait.acquisition.AcquisitionSession` or scan."""
        from gait.acquisition.backend import BleBackend

        return BleBackend(scanner=self.scanner_backend, client=self.client_backend)
