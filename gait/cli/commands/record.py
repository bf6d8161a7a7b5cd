"""``gait record``: connect sensors (or virtual ones), take a standing window, record a session.

``gait record --sensor PLACEMENT=ADDRESS[:PROFILE] ... --subject ID --condition NAME [--duration S]
[--out DIR]``
``gait record --virtual [--scenario NAME] --subject ID --condition NAME [--duration S] [--out DIR]``
"""

from __future__ import annotations

import asyncio
import re
import sys
import time
from pathlib import Path

from gait.errors import GaitError
from gait.recording.metadata import new_session_dir

_OCTET = re.compile(r"^[0-9A-Fa-f]{2}$")
#: Virtual sensors hold this much more signal than recorded, for the time connecting takes.
VIRTUAL_SPARE_S = 2.0


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "record", help="record a walking session from BLE sensors (or virtual ones)",
        description="Connect every sensor, ask for a few seconds of quiet standing (calibration), then "
                    "record raw packets into a session folder while showing one status line per sensor "
                    "(state, sample rate, loss, reconnects). Lost links are reconnected automatically. "
                    "Ctrl-C ends the recording cleanly.")
    p.add_argument("--sensor", action="append", default=[], metavar="PLACEMENT=ADDRESS[:PROFILE]",
                   help="a sensor to record, e.g. left_foot=C0:FF:EE:00:00:01:diy_open_v1 (profile optional: "
                        "found by scanning); repeat per sensor")
    p.add_argument("--virtual", action="store_true", help="record four virtual sensors (no Bluetooth needed)")
    p.add_argument("--scenario", default="normal", metavar="NAME", help="walker scenario for --virtual")
    p.add_argument("--seed", type=int, default=0, metavar="N", help="walker seed for --virtual (default 0)")
    p.add_argument("--drops", type=int, default=0, metavar="N",
                   help="--virtual: inject N link drops per sensor (to see reconnection at work)")
    p.add_argument("--fast", action="store_true",
                   help="--virtual: run on simulated time (a minute takes seconds; host times are simulated)")
    p.add_argument("--subject", required=True, metavar="ID", help="pseudonymous subject id (never a name)")
    p.add_argument("--condition", required=True, metavar="NAME", help="e.g. barefoot, shoe_a")
    p.add_argument("--notes", default="", help="free-text notes stored in session.json")
    p.add_argument("--duration", type=float, default=None, metavar="S",
                   help="seconds to record (default: until Ctrl-C; --virtual: 60)")
    p.add_argument("--standing", type=float, default=5.0, metavar="S",
                   help="seconds of quiet standing asked for at the start (default 5)")
    p.add_argument("--out", type=Path, default=None, metavar="DIR",
                   help="session folder (default recordings/SUBJECT-CONDITION-TIME)")
    p.set_defaults(run=_run)


def parse_sensor(text: str):
    """``left_foot=C0:FF:EE:00:00:01[:diy_open_v1]`` → SensorSpec (profile None when not given)."""
    from gait.acquisition.session import SensorSpec

    placement, sep, rest = text.partition("=")
    if not sep or not rest:
        raise GaitError(f"--sensor {text!r}: expected PLACEMENT=ADDRESS[:PROFILE], "
                        "e.g. left_foot=C0:FF:EE:00:00:01")
    address, profile = rest, None
    head, colon, last = rest.rpartition(":")
    if colon and not _OCTET.match(last):
        address, profile = head, last
    if not address:
        raise GaitError(f"--sensor {text!r}: the address is missing")
    return SensorSpec(placement.strip(), address.strip(), profile)


def _run(args) -> int:
    if args.virtual == bool(args.sensor):
        raise GaitError("give either --virtual or at least one --sensor PLACEMENT=ADDRESS[:PROFILE]")
    if args.duration is not None and not args.duration > 0:
        raise GaitError(f"--duration {args.duration:g}: expected a positive number of seconds")
    if (args.drops or args.fast) and not args.virtual:
        raise GaitError("--drops and --fast only apply to --virtual recordings")
    if not args.standing >= 0:
        raise GaitError(f"--standing {args.standing:g}: expected 0 (no standing window) or more seconds")
    out = args.out or new_session_dir(Path("recordings"))
    metadata = {"subject": args.subject, "condition": args.condition, "notes": args.notes}
    if args.virtual:
        coro_factory, runner = _virtual(args, out, metadata)
    else:
        coro_factory, runner = _live(args, out, metadata), asyncio.run
    printer = _StatusPrinter(sys.stderr)
    result = runner(coro_factory(printer))
    printer.final(result)
    return 0


def _live(args, out: Path, metadata: dict):
    from gait.acquisition.recorder import RecordPlan, record
    from gait.acquisition.scan import fill_in_profiles

    specs = [parse_sensor(s) for s in args.sensor]

    async def main(printer):
        full = await fill_in_profiles(specs)
        plan = RecordPlan(full, out, {**metadata, "source": "ble"}, args.duration, args.standing)
        return await record(plan, on_status=printer)

    return main


def _virtual(args, out: Path, metadata: dict):
    from gait.acquisition.recorder import RecordPlan, record
    from gait.conventions import PLACEMENTS
    from gait.simulate import SCENARIOS, Protocol
    from gait.virtual.clock import run_virtual
    from gait.virtual.faults import FaultPlan
    from gait.virtual.rig import simulated_rig

    if args.scenario not in SCENARIOS:
        raise GaitError(f"--scenario {args.scenario!r}: expected one of {', '.join(SCENARIOS)}")
    duration_s = args.duration or 60.0
    need_s = Protocol().min_duration_s() - VIRTUAL_SPARE_S
    if duration_s < need_s:
        raise GaitError(f"--duration {duration_s:g}: virtual sensors play the walker's protocol (standing, "
                        f"taps, then walking), which needs --duration {need_s:g} or more")
    faults = None
    if args.drops:
        faults = {p: FaultPlan.periodic_drops(args.drops, duration_s, phase=i / 4)
                  for i, p in enumerate(PLACEMENTS)}
    print(f"simulating {args.scenario} for the virtual sensors...", file=sys.stderr, flush=True)

    async def main(printer):
        # built inside the loop: virtual sensors bind to the loop that runs them
        rig = simulated_rig(args.scenario, duration_s=duration_s + VIRTUAL_SPARE_S, seed=args.seed,
                            faults=faults)
        meta = {**metadata, "source": "virtual", "virtual": {"scenario": args.scenario, "seed": args.seed,
                                                             "drops_per_sensor": args.drops}}
        plan = RecordPlan(rig.specs, out, meta, duration_s, 0.0,
                          known_windows=lambda session: rig.windows_on(session.t0_loop_s))
        return await record(plan, rig.backend, on_status=printer)

    return main, (run_virtual if args.fast else asyncio.run)


class _StatusPrinter:
    """One status line per sensor, rewritten in place on a terminal, every few seconds otherwise."""

    def __init__(self, stream) -> None:
        self.stream = stream
        self.tty = stream.isatty()
        self._lines = 0
        self._message = None
        self._last_plain_s = -1e9

    def __call__(self, message: str, health: dict) -> None:
        lines = [f"[{message}]"] + [h.status_line() for h in health.values()]
        if self.tty:
            if self._lines:
                self.stream.write(f"\x1b[{self._lines}F\x1b[J")
            self.stream.write("\n".join(lines) + "\n")
            self._lines = len(lines)
        else:
            now = time.monotonic()
            if message != self._message or now - self._last_plain_s >= 5.0:
                self.stream.write("\n".join(lines) + "\n")
                self._last_plain_s = now
        self._message = message
        self.stream.flush()

    def final(self, result) -> None:
        self._lines = 0
        end = "stopped by Ctrl-C" if result.interrupted else "done"
        print(f"{end}: {result.duration_s:.1f} s recorded into {result.out_dir}", file=self.stream)
        for h in result.health.values():
            print("  " + h.status_line(), file=self.stream)
        for error in result.errors:
            print(f"  warning: {error}", file=self.stream)
