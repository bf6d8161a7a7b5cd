"""Which bleak backend classes to use: the OS default (``None``) or e.g. the virtual air's."""

from __future__ import annotations

from dataclasses import dataclass

from bleak.backends.client import BaseBleakClient
from bleak.backends.scanner import BaseBleakScanner


@dataclass(frozen=True)
class BleBackend:
    """A scanner and a client backend class passed to bleak's ``backend=`` (``None`` = platform default)."""

    scanner: type[BaseBleakScanner] | None = None
    client: type[BaseBleakClient] | None = None

    def scanner_kwargs(self) -> dict:
        return {} if self.scanner is None else {"backend": self.scanner}

    def client_kwargs(self) -> dict:
        return {} if self.client is None else {"backend": self.client}


PLATFORM = BleBackend()


def stack_unavailable(exc: BaseException) -> str:
    """What to tell a person when the Bluetooth stack itself fails (no adapter, service not running)."""
    return (f"Bluetooth is not available ({exc or type(exc).__name__}); is it switched on and an adapter "
            "present? Use --virtual to try the program without sensors")
