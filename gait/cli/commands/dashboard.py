"""``gait dashboard``: serve the Dash dashboard (live, sessions, replay, review, compare)."""

from __future__ import annotations

import sys
from pathlib import Path


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "dashboard",
        help="serve the dashboard (127.0.0.1 by default)",
        description=(
            "Serve the dashboard: live walking test, recorded sessions, replay, review, compare and report "
            "export. It listens on 127.0.0.1 unless --host says otherwise; any other address needs "
            "credentials in GAIT_DASHBOARD_USER and GAIT_DASHBOARD_PASSWORD_HASH (or ..._PASSWORD) "
            "and should sit behind a TLS reverse proxy. Debug mode is never enabled."
        ),
    )
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8050, help="TCP port (default 8050; 0 = any free port)")
    p.add_argument("--recordings", type=Path, default=Path("recordings"),
                   help="folder of session folders (default recordings/)")
    p.set_defaults(run=_run)


def _run(args) -> int:
    from dashboard.app import DashboardServer, create_app
    from dashboard.security import credentials_from_env
    from gait.errors import GaitError

    app = create_app(args.recordings, credentials=credentials_from_env())
    try:
        server = DashboardServer(app, args.host, args.port)
    except OSError as exc:
        raise GaitError(f"cannot listen on {args.host}:{args.port} ({exc.strerror or exc}); "
                        "choose another --port") from None
    print(f"gait dashboard: serving {args.recordings}/ on {server.url} (Ctrl-C to stop)", file=sys.stderr)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0
