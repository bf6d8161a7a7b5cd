"""Safety rules for a dashboard that shows health data (``shared/research/dash.md`` §4).

- Listen on loopback unless told otherwise; any other address needs credentials (HTTP Basic auth checked
  in a Flask ``before_request`` hook, so every route is covered:
  pages, callbacks, assets, report downloads).
- Never debug mode: the Werkzeug debugger is a remote shell. Nothing here reads ``debug`` from anywhere.
- Request bodies are capped (``MAX_CONTENT_LENGTH``), responses other than the static code bundles are
  ``Cache-Control: no-store``, and no page may be framed by other sites.

Credentials come from the environment so they never appear in ``ps`` output or shell history:
``GAIT_DASHBOARD_USER`` plus either ``GAIT_DASHBOARD_PASSWORD_HASH`` (a Werkzeug hash, preferred; make one
with ``python -c "from werkzeug.security import generate_password_hash as g; print(g('secret'))"``) or
``GAIT_DASHBOARD_PASSWORD`` (plain text, hashed at start-up).
"""

from __future__ import annotations

import base64
import binascii
import hmac
import ipaddress
import os
from dataclasses import dataclass

from flask import Flask, Response, request
from werkzeug.security import check_password_hash, generate_password_hash

from gait.errors import GaitError

MAX_REQUEST_BYTES = 2 * 1024 * 1024
USER_ENV = "GAIT_DASHBOARD_USER"
PASSWORD_HASH_ENV = "GAIT_DASHBOARD_PASSWORD_HASH"
PASSWORD_ENV = "GAIT_DASHBOARD_PASSWORD"
REALM = "gait dashboard"
STATIC_PREFIXES = ("/_dash-component-suites/", "/assets/", "/_favicon.ico")
CREDENTIALS_KEY = "gait_dashboard_credentials"


@dataclass(frozen=True)
class Credentials:
    """One user name and a salted password hash (never the password itself)."""

    user: str
    password_hash: str

    @classmethod
    def from_password(cls, user: str, password: str) -> Credentials:
        return cls(user=user, password_hash=generate_password_hash(password))

    def check(self, user: str, password: str) -> bool:
        user_ok = hmac.compare_digest(user.encode(), self.user.encode())
        password_ok = check_password_hash(self.password_hash, password)
        return user_ok and password_ok


def credentials_from_env(environ: dict | None = None) -> Credentials | None:
    """Credentials from ``GAIT_DASHBOARD_*`` variables, ``None`` when none are set.

    A user without a password (or the reverse) is a configuration mistake and raises :class:`GaitError`.
    """
    env = os.environ if environ is None else environ
    user = env.get(USER_ENV, "")
    pw_hash, pw = env.get(PASSWORD_HASH_ENV, ""), env.get(PASSWORD_ENV, "")
    if not (user or pw_hash or pw):
        return None
    if not user or not (pw_hash or pw):
        raise GaitError(
            f"dashboard credentials are incomplete: set both {USER_ENV} and "
            f"{PASSWORD_HASH_ENV} (or {PASSWORD_ENV})"
        )
    return Credentials(user, pw_hash) if pw_hash else Credentials.from_password(user, pw)


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and loopback IP addresses (127.0.0.0/8, ::1)."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_bind(host: str, credentials: Credentials | None) -> None:
    """Refuse a non-loopback address without credentials, with a message that says what to do."""
    if not is_loopback(host) and credentials is None:
        raise GaitError(
            f"refusing to listen on {host}: the dashboard shows health data, so any address other than "
            f"127.0.0.1 needs credentials; set {USER_ENV} and {PASSWORD_HASH_ENV} (or {PASSWORD_ENV}) "
            "and put a TLS reverse proxy in front, or use --host 127.0.0.1"
        )


def enforced_credentials(server: Flask) -> Credentials | None:
    """The credentials ``harden`` installed on ``server`` (``None``: no auth gate, or never hardened)."""
    return server.extensions.get(CREDENTIALS_KEY)


def _basic_auth(header: str | None) -> tuple[str, str] | None:
    if not header or not header.startswith("Basic "):
        return None
    try:
        decoded = base64.b64decode(header[6:], validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    user, sep, password = decoded.partition(":")
    return (user, password) if sep else None


def harden(server: Flask, credentials: Credentials | None) -> None:
    """Install request-size cap, security headers and (when given) the Basic-auth gate on ``server``."""
    server.config["MAX_CONTENT_LENGTH"] = MAX_REQUEST_BYTES
    server.debug = False
    server.extensions[CREDENTIALS_KEY] = credentials  # what the bind check trusts (see enforced_credentials)

    if credentials is not None:

        @server.before_request
        def _require_credentials():
            pair = _basic_auth(request.headers.get("Authorization"))
            if pair is None or not credentials.check(*pair):
                return Response(
                    "credentials required",
                    401,
                    {"WWW-Authenticate": f'Basic realm="{REALM}", charset="UTF-8"'},
                )
            return None

    @server.after_request
    def _headers(response: Response) -> Response:
        # Code bundles and stylesheets hold no health data: keep Dash's caching for them (re-fetching the
        # 4.8 MB plotly.js on every page cost seconds); everything else must not be stored.
        if not request.path.startswith(STATIC_PREFIXES):
            response.headers["Cache-Control"] = "no-store"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        return response
