"""App factory: one Dash app per call, its own state, its own callbacks, hardened before any route runs.

Pages are routed here (a small table of URL patterns) rather than with ``use_pages``, because Dash's page
registry and ``dash.callback`` list are process globals: two apps in one process (tests, the benchmark)
would share or steal each other's pages. Every page module exposes ``layout(ctx, **params)`` and
``register(app, ctx)``.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path
from urllib.parse import parse_qs

from dash import Dash, Input, Output, html
from werkzeug.serving import make_server

from dashboard import report
from dashboard.components.shell import app_shell, not_available
from dashboard.context import DashboardContext
from dashboard.live_buffer import LiveHub
from dashboard.pages import compare, live, replay, review, sessions
from dashboard.security import Credentials, check_bind, enforced_credentials, harden
from gait.errors import GaitError

ASSETS = Path(__file__).with_name("assets")
PAGES = (live, sessions, replay, review, compare)
ROUTES = (
    (re.compile(r"^/(live)?$"), live, ()),
    (re.compile(r"^/sessions$"), sessions, ()),
    (re.compile(r"^/replay/([A-Za-z0-9_-]+)$"), replay, ("session_id",)),
    (re.compile(r"^/review/([A-Za-z0-9_-]+)$"), review, ("session_id",)),
    (re.compile(r"^/compare$"), compare, ()),
)


def route(ctx: DashboardContext, pathname: str | None, search: str | None):
    """The layout for a URL; unknown URLs get a plain "not found" (no echo of the path)."""
    query = {k: v[-1] for k, v in parse_qs((search or "").lstrip("?")).items()}
    for pattern, page, names in ROUTES:
        m = pattern.match(pathname or "/")
        if m:
            params = dict(zip(names, m.groups(), strict=False)) if names else {}
            return page.layout(ctx, **params, query=query)
    return not_available("Page not found", "This address does not exist. Use the navigation above.")


def create_app(
    recordings_dir: Path | str = "recordings",
    credentials: Credentials | None = None,
    live_hub: LiveHub | None = None,
    ble_backend=None,
) -> Dash:
    """Build the dashboard. ``live_hub`` is fed by an acquisition runner (see ``gait demo``);
    ``ble_backend`` (a ``gait.acquisition.BleBackend``) replaces the OS Bluetooth stack for scans."""
    ctx = DashboardContext(Path(recordings_dir), live=live_hub or LiveHub(), ble_backend=ble_backend)
    app = Dash(
        __name__,
        title="gait-imu",
        assets_folder=str(ASSETS),
        serve_locally=True,
        update_title=None,
        suppress_callback_exceptions=False,
    )
    harden(app.server, credentials)
    app.layout = app_shell()
    app.validation_layout = html.Div([app_shell(), *(p.layout(ctx, query={}) for p in PAGES)])
    app.callback(Output("page", "children"), Input("url", "pathname"), Input("url", "search"))(
        lambda pathname, search: route(ctx, pathname, search)
    )
    for page in PAGES:
        page.register(app, ctx)
    report.register_routes(app.server, ctx)
    app.gait_context = ctx
    return app


class DashboardServer:
    """A threaded WSGI server for one app (one process: the live buffers must be shared by all requests).

    The bind check uses the credentials the app itself enforces (given to :func:`create_app`), so a
    non-loopback address is refused for an app built without its Basic-auth gate.
    """

    def __init__(self, app: Dash, host: str = "127.0.0.1", port: int = 8050):
        if not 0 <= port <= 65535:  # the socket layer would silently wrap it (70000 -> 4464)
            raise GaitError(f"port {port}: not a TCP port (use 1–65535, or 0 for any free port)")
        check_bind(host, enforced_credentials(app.server))
        self._server = make_server(host, port, app.server, threaded=True)
        self.host, self.port = host, self._server.server_port
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def start(self) -> DashboardServer:
        """Serve in a daemon thread (returns at once)."""
        self._thread = threading.Thread(target=self._server.serve_forever, name="dashboard-http", daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self._server.serve_forever()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(5)
