"""``gait replay SESSION [--speed X|max]``: feed a recording through the live path, with status lines."""

from __future__ import annotations

import sys
from pathlib import Path

from gait.errors import GaitError
from gait.recording.reader import SessionReader
from gait.recording.replay import ReplayStats, replay
from gait.recording.status import SensorStatus, analysis_line, replay_analyzer


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "replay", help="feed a recording through the live path (same consumers as a live session)",
        description="Replay SESSION's raw packets with their recorded pacing into the same consumers a live "
                    "session feeds, printing one status line per sensor (packets, decoded samples, bad and "
                    "lost packets, and live cadence/strides when the live analyser is available).")
    p.add_argument("session", type=Path, help="session folder")
    p.add_argument("--speed", default="1", help="playback speed factor, or 'max' for as fast as possible "
                                                "(default 1 = real time)")
    p.add_argument("--no-analysis", action="store_true",
                   help="only decode and count (skip the live analyser, which needs a standing window)")
    p.set_defaults(run=_run)


def _speed(text: str) -> float | None:
    if text.lower() == "max":
        return None
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not value > 0:
        raise GaitError(f"--speed {text!r}: expected a positive number or 'max'")
    return value


def _run(args) -> int:
    speed = _speed(args.speed)
    reader = SessionReader(args.session)
    if not reader.has_log:
        raise GaitError(f"{reader.path}: no packets.log to replay (this session holds decoded samples only, "
                        "e.g. an import or a simulation); analyse it with `gait analyze`")
    live = None
    if reader.metadata_error is not None:
        print(f"gait replay: {reader.metadata_error}; replaying without decoding or analysis",
              file=sys.stderr)
    elif not args.no_analysis:
        try:
            live = replay_analyzer(reader)
        except GaitError as exc:  # e.g. too little data to sync: still replay, without analysis
            print(f"gait replay: live analysis not available: {exc}", file=sys.stderr)
    analyzer, sink = live if live is not None else (None, None)
    status = SensorStatus(reader.sensor_profiles(), reader.sensor_rates(), on_block=sink)
    interactive = sys.stderr.isatty()

    def progress(stats: ReplayStats) -> None:
        if interactive:
            extra = f"  {analysis_line(analyzer.snapshot())}" if analyzer is not None else ""
            print(f"\r{stats.recorded_s:7.1f} s replayed, {stats.packets} packets{extra}", end="",
                  file=sys.stderr)

    stats = replay(reader, [status], speed, progress=progress)
    if interactive:
        print(file=sys.stderr)
    print(f"replayed {stats.packets} packets, {stats.recorded_s:.2f} s of recording in {stats.wall_s:.2f} s")
    for line in status.lines():
        print(line)
    if analyzer is not None:
        analyzer.flush()
        print(analysis_line(analyzer.snapshot()))
    return 0
