"""Safety rules: loopback by default, credentials for anything else, 401 without them, no path traversal."""

import base64
import re

import pytest

from dashboard.app import DashboardServer, create_app, route
from dashboard.security import Credentials, check_bind, credentials_from_env, is_loopback
from gait.errors import GaitError


def _auth(user, password):
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def test_loopback_detection():
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.10") and not is_loopback("example.org")


def test_non_loopback_without_credentials_is_refused(tmp_path):
    with pytest.raises(GaitError, match="refusing to listen on 0.0.0.0.*credentials"):
        check_bind("0.0.0.0", None)
    with pytest.raises(GaitError, match="refusing"):
        DashboardServer(create_app(tmp_path), host="0.0.0.0", port=0)
    check_bind("0.0.0.0", Credentials.from_password("therapist", "pw"))  # allowed with credentials


def test_credentials_from_env_rules():
    assert credentials_from_env({}) is None
    with pytest.raises(GaitError, match="incomplete"):
        credentials_from_env({"GAIT_DASHBOARD_USER": "t"})
    creds = credentials_from_env({"GAIT_DASHBOARD_USER": "t", "GAIT_DASHBOARD_PASSWORD": "pw"})
    assert creds.check("t", "pw") and not creds.check("t", "wrong") and "pw" not in creds.password_hash


def test_401_without_credentials_when_set(tmp_path):
    app = create_app(tmp_path, credentials=Credentials.from_password("therapist", "s3cret"))
    client = app.server.test_client()
    for path in ("/", "/_dash-layout", "/_dash-dependencies", "/sessions", "/review/abcd1234"):
        assert client.get(path).status_code == 401, path
    assert client.post("/_dash-update-component", json={}).status_code == 401
    assert client.get("/", headers=_auth("therapist", "wrong")).status_code == 401
    assert client.get("/", headers={"Authorization": "Basic !!notbase64"}).status_code == 401
    ok = client.get("/_dash-layout", headers=_auth("therapist", "s3cret"))
    assert ok.status_code == 200 and ok.headers["Cache-Control"] == "no-store"
    page = client.get("/", headers=_auth("therapist", "s3cret"))
    assert page.headers["Cache-Control"] == "no-store"
    bundle = re.search(r'src="(/_dash-component-suites/[^"]+)"', page.get_data(as_text=True)).group(1)
    assert client.get(bundle).status_code == 401  # code bundles too need credentials
    cached = client.get(bundle, headers=_auth("therapist", "s3cret"))
    assert cached.status_code == 200 and "no-store" not in cached.headers.get("Cache-Control", "")


def test_no_debug_and_request_size_capped(tmp_path):
    app = create_app(tmp_path)
    assert app.server.debug is False
    assert app.server.config["MAX_CONTENT_LENGTH"] <= 4 * 1024 * 1024
    big = app.server.test_client().post(
        "/_dash-update-component", data=b"x" * (5 * 1024 * 1024), content_type="application/json"
    )
    assert big.status_code == 413


@pytest.mark.parametrize(
    "path",
    [
        "/review/..%2F..%2Fetc",
        "/review/../../etc/passwd",
        "/replay/%2e%2e",
        "/review/" + "a" * 500,
        "/review/ghost123",
    ],
)
def test_no_path_traversal_through_urls(tmp_path, path):
    app = create_app(tmp_path)
    assert app.gait_context.index.get(path.rsplit("/", 1)[-1]) is None
    text = str(route(app.gait_context, path, ""))
    assert "etc" not in text.replace("etc.", "") and "passwd" not in text


def test_index_ignores_unsafe_ids(tmp_path):
    ctx = create_app(tmp_path).gait_context
    for sid in ("../x", "a/b", "..", "", None, "x" * 65):
        assert ctx.index.get(sid) is None


def test_bind_check_trusts_only_the_apps_own_auth_gate(tmp_path):
    from dashboard.security import enforced_credentials

    creds = Credentials.from_password("therapist", "pw")
    assert enforced_credentials(create_app(tmp_path, credentials=creds).server) is creds
    assert enforced_credentials(create_app(tmp_path).server) is None


def test_out_of_range_port_is_refused_not_wrapped(tmp_path):
    with pytest.raises(GaitError, match="port 70000: not a TCP port"):
        DashboardServer(create_app(tmp_path), port=70000)
