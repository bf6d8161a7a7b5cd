"""A fast-forward asyncio event loop: simulated time runs as fast as the CPU allows.

Tests of acquisition must cover a minute of streaming with link drops and reconnect backoffs in a few
seconds of wall time, deterministically on a busy machine. Scaling every timer by a factor would still
race the real clock; instead this loop keeps its own clock (:meth:`VirtualTimeLoop.time`) and, whenever
it would sleep waiting for the next timer with no I/O ready, jumps the clock to that timer. Everything
that uses the loop's clock (``asyncio.sleep``, ``wait_for``, ``call_at``, bleak's scan timeouts, the
acquisition's host receive times and backoffs) then runs in simulated seconds unchanged.

Real I/O still works (a zero-timeout poll runs first), so thread-safe callbacks are not lost; the loop
only blocks for real when no timer is pending at all.
"""

from __future__ import annotations

import asyncio
import selectors
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


class _FastForwardSelector(selectors.BaseSelector):
    """Wraps the platform selector; an idle wait advances the owning loop's clock instead of sleeping."""

    def __init__(self) -> None:
        self._real = selectors.DefaultSelector()
        self.loop: VirtualTimeLoop | None = None

    def register(self, fileobj, events, data=None):  # noqa: D102 - selector API
        return self._real.register(fileobj, events, data)

    def unregister(self, fileobj):  # noqa: D102
        return self._real.unregister(fileobj)

    def modify(self, fileobj, events, data=None):  # noqa: D102
        return self._real.modify(fileobj, events, data)

    def get_map(self):  # noqa: D102
        return self._real.get_map()

    def close(self) -> None:  # noqa: D102
        self._real.close()

    def select(self, timeout: float | None = None):  # noqa: D102
        ready = self._real.select(0)
        if ready or timeout is None or timeout <= 0 or self.loop is None:
            return ready if ready or timeout is not None else self._real.select(None)
        self.loop.advance(timeout)
        return []


class VirtualTimeLoop(asyncio.SelectorEventLoop):
    """Event loop whose ``time()`` is simulated seconds starting at ``start_s`` (default 0)."""

    def __init__(self, start_s: float = 0.0) -> None:
        selector = _FastForwardSelector()
        self._virtual_now_s = float(start_s)
        super().__init__(selector)
        selector.loop = self

    def time(self) -> float:
        return self._virtual_now_s

    def advance(self, seconds: float) -> None:
        """Move the clock forward (never backward)."""
        if seconds > 0:
            self._virtual_now_s += seconds


def run_virtual(coro: Coroutine[Any, Any, T], start_s: float = 0.0) -> T:
    """Run ``coro`` to completion on a fresh :class:`VirtualTimeLoop` (like ``asyncio.run``; Ctrl-C cancels
    the coroutine, which may catch the cancellation to finish cleanly)."""
    loop = VirtualTimeLoop(start_s)
    task = loop.create_task(coro)
    try:
        try:
            return loop.run_until_complete(task)
        except KeyboardInterrupt:  # like asyncio.run: cancel the main task and let it clean up
            task.cancel()
            return loop.run_until_complete(task)
    finally:
        pending = asyncio.all_tasks(loop)
        for task in pending:
            task.cancel()
        if pending:
            loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()
