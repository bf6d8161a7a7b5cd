"""Ctrl-C on a real ``gait record`` process ends the recording cleanly: exit 0, every consumer closed."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT delivery to a child differs on Windows")
def test_sigint_ends_a_virtual_recording_cleanly(tmp_path):
    out = tmp_path / "session"
    proc = subprocess.Popen(
        [sys.executable, "-m", "gait", "record", "--virtual", "--subject", "S01", "--condition", "c",
         "--duration", "40", "--out", str(out)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"})
    seen = []
    for line in proc.stderr:  # wait until every sensor streams (the status printer says so)
        seen.append(line)
        if line.startswith("[recording"):
            break
    time.sleep(1.5)  # stream for a moment
    proc.send_signal(signal.SIGINT)
    _, rest = proc.communicate(timeout=60)
    err = "".join(seen) + rest
    assert proc.returncode == 0, err
    assert "stopped by Ctrl-C" in err and "Traceback" not in err
    meta = json.loads((out / "session.json").read_text())
    assert meta["status"] == "closed" and meta["packets"] > 100
    assert meta["calibration"] and all(w["t1_s"] <= meta["duration_s"] + 0.5 for w in meta["calibration"])
