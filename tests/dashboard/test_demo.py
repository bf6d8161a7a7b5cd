"""`gait demo --duration 30 --no-browser` exits cleanly, leaving a session the dashboard lists and reviews."""

import json
import subprocess
import sys

import pytest

from dashboard.app import create_app

pytest.importorskip("gait.virtual", reason="virtual sensors are not installed")


@pytest.mark.slow
def test_demo_records_a_session_that_sessions_and_review_pages_show(tmp_path):
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "gait",
            "demo",
            "--duration",
            "30",
            "--no-browser",
            "--port",
            "0",
            "--recordings",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr
    session_dir = proc.stdout.strip().splitlines()[-1]
    assert (tmp_path / session_dir.rsplit("/", 1)[-1] / "packets.log").is_file()

    app = create_app(tmp_path)
    rows = app.gait_context.index.scan()
    assert len(rows) == 1 and rows[0].subject == "DEMO-001" and rows[0].integrity == "ok"
    assert 25.0 < rows[0].duration_s < 40.0 and len(rows[0].sensors) == 4

    client = app.server.test_client()
    body = {
        "output": "review-body.children",
        "outputs": {"id": "review-body", "property": "children"},
        "inputs": [{"id": "review-session", "property": "data", "value": rows[0].session_id}],
        "changedPropIds": ["review-session.data"],
        "state": [],
    }
    resp = client.post("/_dash-update-component", data=json.dumps(body), content_type="application/json")
    assert resp.status_code == 200
    text = json.dumps(resp.get_json())
    assert "review-metrics" in text and "Analysis not available" not in text
    assert "valid of" in text
