"""Run a firmware profile's session steps (write / subscribe / unsubscribe / read / sleep) on a client.

The steps come resolved from :class:`gait.profiles.Profile` (UUIDs, payload bytes, delays), so this is
the only place that turns a profile into GATT traffic, for real and virtual sensors alike.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable

from bleak import BleakClient
from bleak.exc import BleakError

NotifyHandler = Callable[[object, bytearray], None]
ReadHandler = Callable[[str, bytes], None]


async def run_step(client: BleakClient, step, on_notify: NotifyHandler | None, timeout_s: float,
                   on_read: ReadHandler | None = None) -> None:
    """Run one step; subscribe steps are skipped when there is no handler (e.g. in a stop sequence);
    a read value goes to ``on_read(char, value)``, which may raise to refuse the sensor."""
    kind = step.kind
    if kind == "write":
        write = client.write_gatt_char(step.char, step.payload, response=step.response)
        await asyncio.wait_for(write, timeout_s)
    elif kind == "subscribe":
        if on_notify is not None:
            await asyncio.wait_for(client.start_notify(step.char, on_notify), timeout_s)
    elif kind == "unsubscribe":
        await asyncio.wait_for(client.stop_notify(step.char), timeout_s)
    elif kind == "read":
        value = await asyncio.wait_for(client.read_gatt_char(step.char), timeout_s)
        if on_read is not None:
            on_read(step.char, bytes(value))
    elif kind != "sleep":
        raise BleakError(f"unknown profile step kind {kind!r}")
    if step.delay_s > 0:
        await asyncio.sleep(step.delay_s)


async def run_steps(
    client: BleakClient, steps: Iterable, on_notify: NotifyHandler | None, timeout_s: float,
    on_read: ReadHandler | None = None,
) -> None:
    """Run steps in order; a missing characteristic becomes a :class:`BleakError` naming it."""
    for step in steps:
        if step.char is not None and client.services.get_characteristic(step.char) is None:
            raise BleakError(
                f"{client.address}: the sensor has no characteristic {step.char} "
                f"(needed by a {step.kind} step): is this the right profile for it?"
            )
        await run_step(client, step, on_notify, timeout_s, on_read)
