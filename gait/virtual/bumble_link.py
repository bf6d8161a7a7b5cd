"""Second test tier: virtual sensors over a real in-process Bluetooth stack (Bumble on a LocalLink).

The pure-Python air (:mod:`gait.virtual.peripheral`) models the ATT rules acquisition relies on; this tier
checks them against a real host stack without any OS Bluetooth (``research/ble.md`` §1.7): two Bumble
controllers on one ``LocalLink``, a peripheral ``Device`` whose GATT server is generated from a firmware
profile, and a central ``Device`` behind bleak scanner/client backends. MTU exchange, CCCD writes,
notification truncation to ``ATT_MTU - 3`` and disconnection events are Bumble's, not ours.

Bumble is an optional test dependency (``pip install -e '.[test]'``); importing this module without it
raises ``ImportError``. It is not a transport for real sensors.
"""

from __future__ import annotations

import asyncio
from typing import Any

from bleak.backends.characteristic import BleakGATTCharacteristic
from bleak.backends.client import BaseBleakClient
from bleak.backends.descriptor import BleakGATTDescriptor
from bleak.backends.scanner import AdvertisementData, BaseBleakScanner
from bleak.backends.service import BleakGATTService, BleakGATTServiceCollection
from bleak.exc import BleakDeviceNotFoundError, BleakError
from bleak.uuids import normalize_uuid_str
from bumble import gatt
from bumble.controller import Controller
from bumble.core import UUID, AdvertisingData
from bumble.device import Device, Peer
from bumble.hci import Address
from bumble.host import Host
from bumble.link import LocalLink
from bumble.transport.common import AsyncPipeSink

from gait.acquisition.backend import BleBackend
from gait.virtual.peripheral import ATT_HEADER_BYTES, VirtualService

ADVERTISING_INTERVAL_MS = 100

_PROPS = {
    "read": gatt.Characteristic.Properties.READ,
    "write": gatt.Characteristic.Properties.WRITE,
    "write-without-response": gatt.Characteristic.Properties.WRITE_WITHOUT_RESPONSE,
    "notify": gatt.Characteristic.Properties.NOTIFY,
    "indicate": gatt.Characteristic.Properties.INDICATE,
}


def _uuid(text: str) -> UUID:
    return UUID(normalize_uuid_str(text))


def _bleak_uuid(uuid: UUID) -> str:
    """Bumble prints 16-bit UUIDs as ``UUID-16:2902``: go through the 128-bit bytes instead."""
    raw = uuid.to_bytes(force_128=True)[::-1].hex()
    return normalize_uuid_str(f"{raw[:8]}-{raw[8:12]}-{raw[12:16]}-{raw[16:20]}-{raw[20:]}")


class BumbleWorld:
    """One LocalLink with a central (used by the bleak backends) and any number of peripherals.

    Create it inside the running event loop (Bumble's controllers bind to it), add sensors with
    ``VirtualSensor(..., peripheral_factory=world.peripheral_factory())``, then ``await world.power_on()``.
    It also runs on :func:`gait.virtual.clock.run_virtual` (Bumble's timers are plain asyncio timers).
    """

    CENTRAL_ADDRESS = "F0:F0:F0:F0:F0:F0"

    def __init__(self, requested_mtu: int = 247) -> None:
        self.link = LocalLink()
        self.requested_mtu = requested_mtu
        self.central = self._device("central", self.CENTRAL_ADDRESS)
        self.peripherals: dict[str, BumblePeripheral] = {}
        self.scanner_backend = type("BumbleScanner", (BumbleScanner,), {"world": self})
        self.client_backend = type("BumbleClient", (BumbleClient,), {"world": self})

    def _device(self, name: str, address: str) -> Device:
        controller = Controller(name, link=self.link, public_address=address)
        return Device(name=name, address=Address(address), host=Host(controller, AsyncPipeSink(controller)))

    @property
    def backend(self) -> BleBackend:
        return BleBackend(scanner=self.scanner_backend, client=self.client_backend)

    async def power_on(self) -> None:
        """Power the central and every peripheral, and start advertising."""
        await self.central.power_on()
        for peripheral in self.peripherals.values():
            await peripheral.power_on()

    def peripheral_factory(self):
        """A factory with :class:`gait.virtual.peripheral.VirtualPeripheral`'s signature for VirtualSensor."""

        def make(address: str, name: str, services: list[VirtualService], **kwargs: Any) -> BumblePeripheral:
            peripheral = BumblePeripheral(self, address, name, services, **kwargs)
            self.peripherals[peripheral.address] = peripheral
            return peripheral

        return make


class BumblePeripheral:
    """The :class:`VirtualPeripheral` interface on a Bumble device with a real GATT server."""

    def __init__(self, world: BumbleWorld, address: str, name: str, services: list[VirtualService], *,
                 advertised_uuids=(), manufacturer_data=None, mtu: int = 247, **_: Any) -> None:
        self.address, self.name = address.upper(), name
        self.device = world._device(name, self.address)
        self.device.gatt_server.max_mtu = mtu
        self.advertised_uuids = [normalize_uuid_str(u) for u in advertised_uuids]
        self.in_range, self.answers, self.refuse_connects = True, True, 0
        self.on_write = self.on_subscribe = self.on_link = None
        #: Notifications longer than ATT_MTU - 3 (Bumble's server cuts them): the firmware's mistake.
        self.truncated_notifications = 0
        self._connection = None
        self._subscribed: set[str] = set()
        self._chars: dict[str, gatt.Characteristic] = {}
        for service in services:
            chars = [self._char(c) for c in service.characteristics]
            self.device.add_service(gatt.Service(_uuid(service.uuid), chars))
        self.device.on(self.device.EVENT_CONNECTION, self._on_connection)

    def _char(self, spec) -> gatt.Characteristic:
        props = gatt.Characteristic.Properties(0)
        for p in spec.properties:
            props |= _PROPS[p]
        value = gatt.CharacteristicValue(
            read=lambda _conn, v=spec.value: v,
            write=lambda _conn, data, uuid=spec.uuid: self.on_write and self.on_write(uuid, bytes(data)),
        )
        char = gatt.Characteristic(
            _uuid(spec.uuid), props, gatt.Characteristic.READABLE | gatt.Characteristic.WRITEABLE, value
        )
        char.on(char.EVENT_SUBSCRIPTION,
                lambda _b, notify, _ind, uuid=spec.uuid: self._subscription(uuid, notify))
        self._chars[spec.uuid] = char
        return char

    async def power_on(self) -> None:
        await self.device.power_on()
        ad = [(AdvertisingData.COMPLETE_LOCAL_NAME, self.name.encode())]
        ad += [(AdvertisingData.COMPLETE_LIST_OF_128_BIT_SERVICE_CLASS_UUIDS, bytes(_uuid(u)))
               for u in self.advertised_uuids]
        self.device.advertising_data = bytes(AdvertisingData(ad))
        self.device.advertising_interval_min = self.device.advertising_interval_max = ADVERTISING_INTERVAL_MS
        await self.device.start_advertising(auto_restart=True)

    def _on_connection(self, connection) -> None:
        self._connection = connection
        connection.on(connection.EVENT_DISCONNECTION, lambda *_: self._on_disconnection(connection))
        if self.on_link:
            self.on_link(True)

    def _on_disconnection(self, connection) -> None:
        if self._connection is not connection:
            return  # already handled (drop_link), or an old link ending after a new one began
        self._connection = None
        self._subscribed.clear()
        if self.on_link:
            self.on_link(False)

    def _subscription(self, uuid: str, on: bool) -> None:
        (self._subscribed.add if on else self._subscribed.discard)(uuid)
        if self.on_subscribe:
            self.on_subscribe(uuid, on)

    def subscribed(self, uuid: str) -> bool:
        return normalize_uuid_str(uuid) in self._subscribed

    @property
    def att_mtu(self) -> int:
        return self._connection.att_mtu if self._connection is not None else 23

    def notify(self, uuid: str, data: bytes) -> bool:
        """Queue a real ATT notification; an oversize value is counted here and cut by Bumble."""
        if self._connection is None or uuid not in self._subscribed:
            return False
        if len(data) > self.att_mtu - ATT_HEADER_BYTES:
            self.truncated_notifications += 1
        asyncio.get_running_loop().create_task(self.device.notify_subscribers(self._chars[uuid], bytes(data)))
        return True

    def drop_link(self) -> None:
        """Lose the link now: nothing more is sent on it (the firmware sees it at once), then tear it down."""
        connection = self._connection
        if connection is not None:
            self._on_disconnection(connection)
            asyncio.get_running_loop().create_task(connection.disconnect())


class BumbleScanner(BaseBleakScanner):
    """Scans with the central's controller; advertisements are parsed by Bumble from real AD structures."""

    world: BumbleWorld

    def __init__(self, detection_callback, service_uuids, scanning_mode="active", **kwargs: Any) -> None:
        super().__init__(detection_callback, service_uuids)

    async def start(self) -> None:
        self.seen_devices = {}
        self.world.central.on(self.world.central.EVENT_ADVERTISEMENT, self._on_advertisement)
        await self.world.central.start_scanning(filter_duplicates=False)

    async def stop(self) -> None:
        self.world.central.remove_listener(self.world.central.EVENT_ADVERTISEMENT, self._on_advertisement)
        await self.world.central.stop_scanning()

    def _on_advertisement(self, advertisement) -> None:
        data = advertisement.data
        name = data.get(AdvertisingData.COMPLETE_LOCAL_NAME)
        uuids = [_bleak_uuid(u) for u in
                 (data.get(AdvertisingData.COMPLETE_LIST_OF_128_BIT_SERVICE_CLASS_UUIDS) or [])]
        address = str(advertisement.address).split("/")[0]
        adv = AdvertisementData(name, {}, {}, uuids, None, advertisement.rssi, (advertisement,))
        if self.is_allowed_uuid(uuids):
            device = self.create_or_update_device(address, address, name, advertisement.address, adv)
            self.call_detection_callbacks(device, adv)


class BumbleClient(BaseBleakClient):
    """bleak client backend driving the central Bumble device: MTU exchange, discovery, CCCD, ATT ops."""

    world: BumbleWorld

    def __init__(self, address_or_ble_device, **kwargs: Any) -> None:
        super().__init__(address_or_ble_device, disconnected_callback=kwargs.get("disconnected_callback"),
                         timeout=kwargs.get("timeout", 10.0))
        self._connection = None
        self._peer: Peer | None = None
        self._mtu = 23

    @property
    def name(self) -> str:
        peripheral = self.world.peripherals.get(self.address.upper())
        return peripheral.name if peripheral else self.address

    @property
    def mtu_size(self) -> int:
        return self._mtu

    @property
    def is_connected(self) -> bool:
        return self._connection is not None

    async def connect(self, pair: bool, **kwargs: Any) -> None:
        if self.address.upper() not in self.world.peripherals:
            raise BleakDeviceNotFoundError(self.address, f"Device with address {self.address} was not found.")
        timeout = float(kwargs.get("timeout", self._timeout))
        connection = await self.world.central.connect(Address(self.address), timeout=timeout)
        connection.on(connection.EVENT_DISCONNECTION, lambda *_: self._on_disconnection())
        self._connection, self._peer = connection, Peer(connection)
        self._mtu = await self._peer.request_mtu(self.world.requested_mtu)
        await self._peer.discover_all()
        self.services = self._collection()

    def _collection(self) -> BleakGATTServiceCollection:
        collection = BleakGATTServiceCollection()
        for service in self._peer.services:
            bleak_service = BleakGATTService(service, service.handle, _bleak_uuid(service.uuid))
            collection.add_service(bleak_service)
            for char in service.characteristics:
                props = [name for name, bit in _PROPS.items() if char.properties & bit]
                bleak_char = BleakGATTCharacteristic(char, char.handle, _bleak_uuid(char.uuid), props,
                                                     lambda: self._mtu - ATT_HEADER_BYTES, bleak_service)
                collection.add_characteristic(bleak_char)
                for desc in char.descriptors:
                    collection.add_descriptor(BleakGATTDescriptor(desc, desc.handle,
                                                                  _bleak_uuid(desc.type), bleak_char))
        return collection

    def _on_disconnection(self) -> None:
        self._connection, self._peer = None, None
        if self._disconnected_callback is not None:
            self._disconnected_callback()

    async def disconnect(self) -> None:
        if self._connection is not None:
            await self._connection.disconnect()

    async def pair(self, *args: Any, **kwargs: Any) -> None:
        raise BleakError("pairing is not modelled by the Bumble test tier")

    async def unpair(self) -> None:
        raise BleakError("pairing is not modelled by the Bumble test tier")

    def _proxy(self, characteristic: BleakGATTCharacteristic):
        if self._peer is None:
            raise BleakError("Not connected")
        return characteristic.obj

    async def read_gatt_char(self, characteristic, **kwargs: Any) -> bytearray:
        return bytearray(await self._peer.read_value(self._proxy(characteristic)))

    async def read_gatt_descriptor(self, descriptor, **kwargs: Any) -> bytearray:
        return bytearray(await self._peer.read_value(descriptor.obj))

    async def write_gatt_char(self, characteristic, data, response: bool) -> None:
        await self._peer.write_value(self._proxy(characteristic), bytes(data), with_response=response)

    async def write_gatt_descriptor(self, descriptor, data) -> None:
        await self._peer.write_value(descriptor.obj, bytes(data), with_response=True)

    async def start_notify(self, characteristic, callback, **kwargs: Any) -> None:
        await self._peer.subscribe(self._proxy(characteristic), lambda value: callback(bytearray(value)))

    async def stop_notify(self, characteristic) -> None:
        await self._peer.unsubscribe(self._proxy(characteristic))
