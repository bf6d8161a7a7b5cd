"""The virtual air through bleak's unmodified front end (BleakScanner / BleakClient with backend=)."""

import asyncio

import pytest
from bleak import BleakClient, BleakScanner
from bleak.exc import BleakError

from gait.virtual.clock import run_virtual
from gait.virtual.peripheral import VirtualAir, VirtualCharacteristic, VirtualPeripheral, VirtualService

SVC = "0d130001-eb08-4423-811b-271892c7592d"
DATA = "0d130002-eb08-4423-811b-271892c7592d"
CTRL = "0d130003-eb08-4423-811b-271892c7592d"
ADDRESS = "C0:FF:EE:00:00:01"


def make_air(**kwargs):
    chars = [VirtualCharacteristic(DATA, ("notify",)), VirtualCharacteristic(CTRL, ("write", "notify")),
             VirtualCharacteristic("2a29", ("read",), b"GaitLab")]
    peripheral = VirtualPeripheral(ADDRESS, "GAIT-test", [VirtualService(SVC, chars)], advertised_uuids=[SVC],
                                   manufacturer_data={0xFFFF: b"\x01"}, mtu=50, **kwargs)
    return VirtualAir([peripheral]), peripheral


def test_scan_reports_advertisement_and_honours_service_filter():
    air, _ = make_air()

    async def main():
        found = await BleakScanner.discover(timeout=0.3, return_adv=True, backend=air.scanner_backend)
        filtered = await BleakScanner.discover(timeout=0.3, backend=air.scanner_backend,
                                               service_uuids=["0000180d-0000-1000-8000-00805f9b34fb"])
        return found, filtered

    found, filtered = run_virtual(main())
    device, adv = found[ADDRESS]
    assert adv.local_name == "GAIT-test" and adv.service_uuids == [SVC]
    assert adv.manufacturer_data == {0xFFFF: b"\x01"}
    assert filtered == []


def test_client_gatt_notify_truncation_and_link_loss():
    air, peripheral = make_air()
    got, lost = [], []

    async def main():
        client = BleakClient(ADDRESS, disconnected_callback=lost.append, backend=air.client_backend)
        await client.connect()
        assert client.backend_id == "VirtualClient" and client.mtu_size == 50
        assert await client.read_gatt_char("2a29") == b"GaitLab"
        char = client.services.get_characteristic(DATA)
        assert char.properties == ["notify"] and char.max_write_without_response_size == 47
        assert char.get_descriptor("2902") is not None
        assert not peripheral.notify(DATA, b"before subscribe")
        await client.start_notify(DATA, lambda _c, data: got.append(bytes(data)))
        assert peripheral.notify(DATA, b"abc") and peripheral.notify(DATA, bytes(60))
        await asyncio.sleep(0)
        peripheral.drop_link()
        await asyncio.sleep(0.01)
        assert not client.is_connected
        with pytest.raises(BleakError):
            await client.read_gatt_char("2a29")

    run_virtual(main())
    assert got == [b"abc", bytes(47)]  # a value longer than MTU - 3 is cut, and the cut is counted
    assert peripheral.truncated_notifications == 1
    assert len(lost) == 1


def test_refused_and_unanswered_connections():
    air, peripheral = make_air()
    peripheral.refuse_connects = 1

    async def main():
        with pytest.raises(BleakError, match="refused"):
            await BleakClient(ADDRESS, backend=air.client_backend).connect()
        client = BleakClient(ADDRESS, backend=air.client_backend)
        await client.connect()
        await client.disconnect()
        peripheral.answers = False
        loop = asyncio.get_running_loop()
        t0 = loop.time()
        with pytest.raises(TimeoutError):
            await BleakClient(ADDRESS, backend=air.client_backend, timeout=4.0).connect()
        return loop.time() - t0

    assert run_virtual(main()) == pytest.approx(4.0)


def test_unknown_address_is_not_found():
    air, _ = make_air()

    async def main():
        with pytest.raises(BleakError, match="not found"):
            await BleakClient("AA:BB:CC:DD:EE:FF", backend=air.client_backend).connect()

    run_virtual(main())
