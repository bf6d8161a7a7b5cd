"""``gait demo``: virtual sensors through the real BLE code path into the live dashboard, recorded."""

from __future__ import annotations

from pathlib import Path


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "demo",
        help="virtual sensors → BLE code path → live dashboard, recorded (no hardware needed)",
        description=(
            "Stream four virtual IMUs (synthetic walker) through bleak, acquisition and the decoder into the "
            "live dashboard on 127.0.0.1, recording the session into --recordings. Without --no-browser a "
            "browser opens and the dashboard keeps serving after the recording until Ctrl-C."
        ),
    )
    p.add_argument("--duration", type=float, default=60.0, help="seconds to stream and record (default 60)")
    p.add_argument("--no-browser", action="store_true", help="do not open a browser; exit when done")
    p.add_argument("--port", type=int, default=8050, help="dashboard port (default 8050)")
    p.add_argument("--recordings", type=Path, default=Path("recordings"), help="where to save the session")
    p.add_argument("--scenario", default="normal", help="synthetic walker scenario (default normal)")
    p.set_defaults(run=_run)


def _run(args) -> int:
    from dashboard.demo import run_demo

    result = run_demo(args.duration, args.recordings, open_browser=not args.no_browser, port=args.port,
                      scenario=args.scenario)
    print(result.session_dir if result.session_dir else "")
    return 0
