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
