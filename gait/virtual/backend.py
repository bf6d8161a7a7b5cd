"""bleak backend classes for the virtual air: ``BleakScanner(backend=...)`` / ``BleakClient(backend=...)``.

bleak 3.1 lets callers swap the OS backend (``research/ble.md`` §1). These classes implement the
scanner's two and the client's twelve abstract members against :class:`VirtualPeripheral` objects, so the
acquisition code under test is the same code that talks to real sensors. Each :class:`VirtualAir` gets
its own subclasses (``bind_backends``) because bleak instantiates the backend class itself and gives it
no other way to find the air.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from bleak.backends.characteristic import BleakGATTCharacteristic
from bleak.backends.client import BaseBleakClient
from bleak.backends.descriptor import BleakGATTDescriptor
from bleak.backends.device import BLEDevice
from bleak.backends.scanner import BaseBleakScanner
from bleak.backends.service import BleakGATTService, BleakGATTServiceCollection
from bleak.exc import BleakDeviceNotFoundError, BleakError
from bleak.uuids import normalize_uuid_16

if TYPE_CHECKING:
    from gait.virtual.peripheral import VirtualAir, VirtualPeripheral

CCCD_UUID = normalize_uuid_16(0x2902)
ADVERTISING_INTERVAL_S = 0.1


class VirtualScanner(BaseBleakScanner):
    """Reports every advertising peripheral of the air every ``ADVERTISING_INTERVAL_S``."""

    air: VirtualAir

    def __init__(self, detection_callback, service_uuids, scanning_mode="active", **kwargs: Any) -> None:
        super().__init__(detection_callback, service_uuids)
        self._task: asyncio.Task | None = None

    async def start(self) -> None:
        self.seen_devices = {}
        self._task = asyncio.get_running_loop().create_task(self._advertise())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    async def _advertise(self) -> None:
        while True:
            for peripheral in self.air:
                if not peripheral.advertising:
                    continue
                adv = peripheral.advertisement()
                if self.is_allowed_uuid(adv.service_uuids):
                    device = self.create_or_update_device(
                        peripheral.address, peripheral.address, peripheral.name, peripheral, adv
                    )
                    self.call_detection_callbacks(device, adv)
            await asyncio.sleep(ADVERTISING_INTERVAL_S)


class VirtualClient(BaseBleakClient):
    """A central's link to one :class:`VirtualPeripheral`."""

    air: VirtualAir

    def __init__(self, address_or_ble_device: BLEDevice | str, **kwargs: Any) -> None:
        # bleak passes services=, bluez=, winrt=; bleak-retry-connector adds pair= and _is_retry_client=.
        super().__init__(
            address_or_ble_device,
            disconnected_callback=kwargs.get("disconnected_callback"),
            timeout=kwargs.get("timeout", 10.0),
        )
        self._peripheral: VirtualPeripheral | None = None

    @property
    def name(self) -> str:
        peripheral = self.air.get(self.address)
        return peripheral.name if peripheral else self.address.replace(":", "-")

    @property
    def mtu_size(self) -> int:
        return self._peripheral.mtu if self.is_connected else 23

    @property
    def is_connected(self) -> bool:
        return self._peripheral is not None and self._peripheral.is_linked_to(self)

    async def connect(self, pair: bool, **kwargs: Any) -> None:
        peripheral = self.air.get(self.address)
        if peripheral is None or not peripheral.in_range:
            raise BleakDeviceNotFoundError(self.address, f"Device with address {self.address} was not found.")
        await peripheral.accept(self, self._lost, float(kwargs.get("timeout", self._timeout)))
        self._peripheral = peripheral
        self.services = _service_collection(peripheral)

    def _lost(self) -> None:
        if self._disconnected_callback is not None:
            self._disconnected_callback()

    async def disconnect(self) -> None:
        if self._peripheral is not None:
            self._peripheral.release(self)
            await asyncio.sleep(0)  # let the disconnected callback run, as real backends do before returning

    async def pair(self, *args: Any, **kwargs: Any) -> None:
        return None

    async def unpair(self) -> None:
        return None

    def _linked(self) -> VirtualPeripheral:
        if not self.is_connected:
            raise BleakError("Not connected")
        return self._peripheral

    async def read_gatt_char(self, characteristic: BleakGATTCharacteristic, **kwargs: Any) -> bytearray:
        return bytearray(self._linked().read(self, characteristic.uuid))

    async def read_gatt_descriptor(self, descriptor: BleakGATTDescriptor, **kwargs: Any) -> bytearray:
        peripheral = self._linked()
        on = peripheral.subscribed(descriptor.characteristic_uuid)
        return bytearray(b"\x01\x00" if on else b"\x00\x00")

    async def write_gatt_char(self, characteristic: BleakGATTCharacteristic, data, response: bool) -> None:
        self._linked().write(self, characteristic.uuid, bytes(data))

    async def write_gatt_descriptor(self, descriptor: BleakGATTDescriptor, data) -> None:
        raise BleakError("virtual peripherals only accept CCCD changes through start_notify/stop_notify")

    async def start_notify(self, characteristic: BleakGATTCharacteristic, callback, **kwargs: Any) -> None:
        self._linked().subscribe(self, characteristic.uuid, callback)

    async def stop_notify(self, characteristic: BleakGATTCharacteristic) -> None:
        self._linked().subscribe(self, characteristic.uuid, None)


def _service_collection(peripheral: VirtualPeripheral) -> BleakGATTServiceCollection:
    """Build bleak's service objects with unique handles (``research/ble.md`` §1.3)."""
    collection, handle = BleakGATTServiceCollection(), 1
    for service in peripheral.services:
        bleak_service = BleakGATTService(service, handle, service.uuid)
        collection.add_service(bleak_service)
        handle += 1
        for char in service.characteristics:
            handle += 1  # the declaration attribute precedes the value handle
            bleak_char = BleakGATTCharacteristic(
                char, handle, char.uuid, list(char.properties), lambda: peripheral.mtu - 3, bleak_service
            )
            collection.add_characteristic(bleak_char)
            handle += 1
            if {"notify", "indicate"} & set(char.properties):
                collection.add_descriptor(BleakGATTDescriptor(None, handle, CCCD_UUID, bleak_char))
                handle += 1
    return collection


def bind_backends(air: VirtualAir) -> tuple[type[VirtualScanner], type[VirtualClient]]:
    """Scanner and client subclasses that see ``air`` (bleak instantiates them itself)."""
    scanner = type("VirtualScanner", (VirtualScanner,), {"air": air})
    client = type("VirtualClient", (VirtualClient,), {"air": air})
    return scanner, client
