"""Child process for the SIGKILL test: records paced synthetic packets until it is killed.

Usage: ``python recorder_child.py SESSION_DIR SEED``. Four sensors send one packet each every 10 ms
(host time = seconds since start, as acquisition stamps it). After handing each round to the writer it
prints ``<packets sent> <host time of the last one>`` and flushes stdout, so the parent knows what was
sent before the kill. Payloads are a pure function of (seed, sensor, n) so the parent can regenerate them.
"""

from __future__ import annotations

import hashlib
import sys
import time
from pathlib import Path

from gait.recording.writer import SessionWriter
from gait.types import Packet

SENSORS = ("left_shank", "right_shank", "left_foot", "right_foot")
PERIOD_S = 0.01


def payload(seed: int, sensor: int, n: int) -> bytes:
    digest = hashlib.blake2b(f"{seed}:{sensor}:{n}".encode(), digest_size=64).digest()
    return digest[: 16 + (n * 7 + sensor) % 48]


def main() -> None:
    session, seed = Path(sys.argv[1]), int(sys.argv[2])
    writer = SessionWriter(session, {"subject": "K01", "condition": "kill-test", "source": "simulated",
                                     "sensors": [{"placement": s, "profile": "test"} for s in SENSORS]})
    t_start = time.monotonic()
    print("ready", flush=True)
    sent, n = 0, 0
    while True:
        host_time_s = time.monotonic() - t_start
        for i, name in enumerate(SENSORS):
            writer.on_packet(Packet(name, host_time_s, payload(seed, i, n)))
            sent += 1
        sys.stdout.write(f"{sent} {host_time_s!r}\n")  # one write: a kill cannot split the line
        sys.stdout.flush()
        n += 1
        time.sleep(max(0.0, t_start + n * PERIOD_S - time.monotonic()))


if __name__ == "__main__":
    main()
