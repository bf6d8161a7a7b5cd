import asyncio
import contextlib
import time

from gait.virtual.clock import run_virtual


def test_virtual_loop_fast_forwards_sleeps_and_timeouts():
    async def main():
        loop = asyncio.get_running_loop()
        t0 = loop.time()
        await asyncio.sleep(3600)
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(asyncio.sleep(10), 2.5)
        return loop.time() - t0

    wall = time.perf_counter()
    assert run_virtual(main()) == 3602.5
    assert time.perf_counter() - wall < 1.0


def test_virtual_loop_keeps_timer_order():
    order = []

    async def main():
        loop = asyncio.get_running_loop()
        for delay in (0.3, 0.1, 0.2):
            loop.call_later(delay, order.append, delay)
        await asyncio.sleep(1)

    run_virtual(main())
    assert order == [0.1, 0.2, 0.3]
