"""Kill a recording process with SIGKILL at random moments (24 trials): every session opens, loses at most
one second of what the child reported having sent, keeps exactly a prefix of the sent packets, and
``gait check`` reports that the recording was cut off (and the torn tail where the last write was torn).

A SIGKILL between two writes leaves whole records: the kernel keeps every completed write() of a killed
process. A torn record needs a power cut or OS crash in the middle of a write; half of the trials emulate
that by appending the first bytes of one more record after the kill.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from recorder_child import SENSORS, payload

from gait.cli import main as gait_main
from gait.recording.integrity import check_session
from gait.recording.packetlog import KIND_DATA, encode_record
from gait.recording.reader import SessionReader

TRIALS = 24
PARALLEL = 8
MAX_LOSS_S = 1.0
CHILD = Path(__file__).with_name("recorder_child.py")


def _expected(seed: int, count: int) -> list[tuple[str, bytes]]:
    return [(SENSORS[i % 4], payload(seed, i % 4, i // 4)) for i in range(count)]


class _Trial:
    """One child recorder and what it reported on stdout."""

    def __init__(self, number: int, session: Path, kill_after_s: float) -> None:
        self.number, self.session, self.seed, self.kill_after_s = number, session, 1000 + number, kill_after_s
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
        self.proc = subprocess.Popen([sys.executable, str(CHILD), str(session), str(self.seed)],
                                     stdout=subprocess.PIPE, text=True, env=env)
        self.lines: list[str] = []
        self.ready = threading.Event()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            if line.startswith("ready"):
                self.ready.set()
            else:
                self.lines.append(line)
        self.ready.set()

    def kill(self) -> tuple[int, float]:
        """SIGKILL, then (packets sent, host time of the last) as last reported by the child."""
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)
        self._reader.join(timeout=30)
        complete = [ln for ln in self.lines if ln.endswith("\n")]  # a line cut by the kill is ignored
        sent, t = complete[-1].split() if complete else ("0", "0.0")
        return int(sent), float(t)


def _run_batch(tmp: Path, rng: random.Random, first: int) -> list[tuple[_Trial, int, float]]:
    trials = [_Trial(n, tmp / f"kill{n}", rng.uniform(0.2, 1.6)) for n in range(first, first + PARALLEL)]
    out = []
    try:
        for trial in trials:
            assert trial.ready.wait(60), "child recorder did not start"
        t_ready = time.monotonic()
        for trial in sorted(trials, key=lambda tr: tr.kill_after_s):
            time.sleep(max(0.0, t_ready + trial.kill_after_s - time.monotonic()))
            out.append((trial, *trial.kill()))
    finally:
        for trial in trials:
            if trial.proc.poll() is None:
                trial.proc.kill()
                trial.proc.wait()
    return out


def _verify(trial: _Trial, sent: int, t_sent: float, tear: bool) -> float:
    log = trial.session / "packets.log"
    reader = SessionReader(trial.session)  # opens: metadata was written before the first packet
    got = [(p.sensor, p.data, p.host_time_s) for p in reader.iter_packets()]
    expected = _expected(trial.seed, len(got))
    assert [(s, d) for s, d, _ in got] == expected, "recovered packets are not a prefix of what was sent"
    assert len(got) <= sent + 4  # at most the round in flight when the kill came
    t_kept = got[-1][2] if got else 0.0
    assert t_sent - t_kept <= MAX_LOSS_S, f"lost {t_sent - t_kept:.3f} s > {MAX_LOSS_S} s"
    size = log.stat().st_size
    if tear:  # emulate a write torn by a power cut: the first bytes of one more record
        record = encode_record(KIND_DATA, 0, t_kept + 0.01, b"x" * 40)
        with open(log, "ab") as fh:
            fh.write(record[: len(record) // 2])
    report = check_session(trial.session)
    assert not report.ok and not report.closed_cleanly
    assert report.records_good == reader.scan().records_good
    if tear:
        assert report.torn_tail is not None and report.torn_tail.offset == size
    return t_sent - t_kept


@pytest.mark.slow
def test_sigkill_loses_at_most_one_second(tmp_path, capsys):
    rng = random.Random(4)
    losses = []
    for first in range(0, TRIALS, PARALLEL):
        for trial, sent, t_sent in _run_batch(tmp_path, rng, first):
            losses.append(_verify(trial, sent, t_sent, tear=trial.number % 2 == 0))
    assert len(losses) == TRIALS
    # the command line says it too, with the torn tail's byte offset
    assert gait_main(["check", str(tmp_path / "kill0")]) == 1
    out = capsys.readouterr().out
    assert "torn tail: bytes" in out and "NOT closed cleanly" in out
    print(f"max loss {max(losses):.3f} s, mean {sum(losses) / len(losses):.3f} s over {TRIALS} kills")
