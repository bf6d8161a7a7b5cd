"""Scan for BLE devices and tell which firmware profile each one matches."""

from __future__ import annotations

from dataclasses import dataclass, replace

from bleak import BleakScanner
from bleak.exc import BleakError

from gait.acquisition.backend import PLATFORM, BleBackend, stack_unavailable
from gait.errors import GaitError


@dataclass(frozen=True)
class ScanResult:
    """One device seen while scanning; ``profiles`` lists the ids of every profile that matches it."""

    address: str
    name: str | None
    rssi_dbm: int | None
    profiles: tuple[str, ...]

    @property
    def known(self) -> bool:
        return bool(self.profiles)


def match_profiles(profiles: dict, name: str | None, service_uuids, manufacturer_data) -> tuple[str, ...]:
    """Ids of the profiles whose ``match`` section accepts this advertisement."""
    return tuple(
        pid for pid, p in sorted(profiles.items()) if p.matches(name, service_uuids, manufacturer_data)
    )


async def scan(timeout_s: float = 5.0, backend: BleBackend | None = None, profiles: dict | None = None,
               include_unknown: bool = False) -> list[ScanResult]:
    """Scan for ``timeout_s`` and return devices (strongest first) matched against ``profiles``.

    Raises :class:`GaitError` when the Bluetooth stack is unavailable, with what to check.
    """
    if profiles is None:
        from gait.profiles import load_profiles

        profiles = load_profiles()
    backend = backend or PLATFORM
    try:
        found = await BleakScanner.discover(timeout=timeout_s, return_adv=True, **backend.scanner_kwargs())
    except (BleakError, OSError) as exc:
        raise GaitError(f"cannot scan: {stack_unavailable(exc)}") from exc
    results = []
    for device, adv in found.values():
        name = adv.local_name or device.name
        ids = match_profiles(profiles, name, adv.service_uuids, adv.manufacturer_data)
        if ids or include_unknown:
            results.append(ScanResult(device.address, name, adv.rssi, ids))
    return sorted(results, key=lambda r: -(r.rssi_dbm if r.rssi_dbm is not None else -999))


async def fill_in_profiles(specs: list, backend: BleBackend | None = None, timeout_s: float = 10.0,
                           profiles: dict | None = None) -> list:
    """Give every spec without a profile the one its advertisement matches (clear errors otherwise)."""
    from gait.profiles import load_profiles

    missing = [s for s in specs if s.profile is None]
    if not missing:
        return list(specs)
    profiles = profiles if profiles is not None else load_profiles()
    found = {r.address.upper(): r for r in await scan(timeout_s, backend, profiles, include_unknown=True)}
    out = []
    for spec in specs:
        if spec.profile is None:
            result = found.get(spec.address.upper())
            spec = replace(spec, profile=_only_profile(spec, result, profiles, timeout_s))
        out.append(spec)
    return out


def _only_profile(spec, result: ScanResult | None, profiles: dict, timeout_s: float) -> str:
    where = f"{spec.placement}={spec.address}"
    if result is None:
        raise GaitError(f"{where}: no such device seen in {timeout_s:g} s of scanning; is it on and in "
                        "range? (gait scan lists what is around)")
    if not result.profiles:
        raise GaitError(f"{where}: device {result.name or '(no name)'} matches no firmware profile; name one "
                        f"as {where}:PROFILE (available: {', '.join(sorted(profiles))}) or add a profile "
                        "file")
    if len(result.profiles) > 1:
        raise GaitError(f"{where}: device {result.name!r} matches several profiles "
                        f"({', '.join(result.profiles)}); choose one as {where}:PROFILE")
    return result.profiles[0]
