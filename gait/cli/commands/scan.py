"""``gait scan [--virtual] [--timeout S] [--all]``: list sensors in range that match a firmware profile."""

from __future__ import annotations

import asyncio
import sys


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "scan", help="list BLE sensors in range that match a firmware profile",
        description="Scan for Bluetooth LE devices and show, for each, its address, name, signal strength "
                    "and the firmware profile(s) it matches (use the address with gait record --sensor).")
    p.add_argument("--timeout", type=float, default=5.0, metavar="S", help="seconds to scan (default 5)")
    p.add_argument("--virtual", action="store_true",
                   help="scan virtual sensors instead of the radio (no Bluetooth needed)")
    p.add_argument("--all", action="store_true", help="also list devices that match no profile")
    p.set_defaults(run=_run)


def _run(args) -> int:
    from gait.acquisition.scan import scan
    from gait.errors import GaitError

    if not args.timeout > 0:
        raise GaitError(f"--timeout {args.timeout:g}: expected a positive number of seconds")
    backend = _virtual_backend() if args.virtual else None
    print(f"scanning for {args.timeout:g} s...", file=sys.stderr, flush=True)
    results = _run_scan(scan(args.timeout, backend, include_unknown=args.all), args.virtual)
    if not results:
        hint = "" if args.all else " (--all lists every device)"
        print("no sensor matching a firmware profile found" + hint)
        return 1
    print(f"{'address':<20} {'rssi':>5}  {'name':<22} profile")
    for r in results:
        rssi = "" if r.rssi_dbm is None else f"{r.rssi_dbm:d}"
        profile = ", ".join(r.profiles) if r.profiles else "(unknown device: no matching profile)"
        print(f"{r.address:<20} {rssi:>5}  {(r.name or '-'):<22} {profile}")
    return 0


def _virtual_backend():
    from gait.conventions import PLACEMENTS
    from gait.virtual.rig import add_bystander, build_rig, motion_block

    rig = build_rig({p: motion_block(p, 1.0, 200.0) for p in PLACEMENTS})
    add_bystander(rig.air)
    return rig.backend


def _run_scan(coro, virtual: bool):
    if virtual:
        from gait.virtual.clock import run_virtual

        return run_virtual(coro)  # virtual advertisements need no waiting
    return asyncio.run(coro)
