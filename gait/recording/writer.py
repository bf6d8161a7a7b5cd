"""Crash-safe session recording: :class:`SessionWriter`, a :class:`gait.types.PacketConsumer`.

``on_packet`` only appends to a queue and ``flush()`` only wakes the writer thread, so the acquisition loop
never waits for the disk. The background thread drains the queue when woken and at least every
``flush_interval_s`` (0.5 s by default, at most 1 s): it encodes the packets as log records, writes them
in one piece and ``fsync``s the file. A crash, a power cut or a ``SIGKILL``
therefore loses at most the packets of the last interval; whatever reached the disk stays readable because
every record checks itself (:mod:`gait.recording.packetlog`).
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import threading
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from pathlib import Path

from gait.errors import GaitError
from gait.recording import index as log_index
from gait.recording.metadata import new_metadata, read_metadata, utc_now, write_metadata
from gait.recording.packetlog import (
    FILE_HEADER,
    FORMAT_NAME,
    KIND_DATA,
    KIND_END,
    KIND_SENSOR,
    MAX_SENSORS,
    encode_record,
)
from gait.types import Packet

LOG_FILE = "packets.log"


@dataclass(slots=True)
class WriterStats:
    """What the writer has made durable so far (read it from any thread; values only grow)."""

    packets: int = 0
    bytes_written: int = 0
    flushes: int = 0
    max_flush_s: float = 0.0
    last_host_time_s: float = math.nan
    dropped: Counter = field(default_factory=Counter)  # reason -> count (packets the format cannot hold)


class SessionWriter:
    """Record raw packets into a new session folder.

    Parameters
    ----------
    session_dir
        Folder to create (or an empty/metadata-only one); an existing ``packets.log`` is never touched.
    metadata
        Initial ``session.json`` content (subject, condition, notes, source, sensors, calibration, ...);
        ``id``, ``created_utc``, ``software_version`` and ``packet_log`` are filled in.
    flush_interval_s
        How often the background thread writes and fsyncs; the bound on what a crash can lose.
    fsync
        ``False`` only for throwaway sessions in tests (then an OS crash, not a process kill, can lose more).
    """

    def __init__(self, session_dir: Path, metadata: dict | None = None, *, flush_interval_s: float = 0.5,
                 fsync: bool = True) -> None:
        if not 0.0 < flush_interval_s <= 1.0:
            raise ValueError("flush_interval_s must be in (0, 1] s: a crash may lose at most one second")
        self.session_dir = Path(session_dir)
        self.log_path = self.session_dir / LOG_FILE
        if self.log_path.exists():
            raise GaitError(f"{self.log_path}: a recording already exists here; choose a new session folder")
        self.stats = WriterStats()
        self._interval_s = flush_interval_s
        self._fsync = fsync
        self._queue: deque[Packet] = deque()
        self._lock = threading.Lock()  # one drain at a time (background thread, flush(), close())
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._error: OSError | None = None
        self._closed = False
        self._names: dict[str, int] = {}
        self._index = log_index.IndexBuilder()
        self._meta = self._initial_metadata(metadata or {})
        first = [FILE_HEADER, *self._declare_all(s["placement"] for s in self._meta.get("sensors", []))]
        try:
            write_metadata(self.session_dir, self._meta)  # creates the folder; metadata exists before data
            self._fh = open(self.log_path, "xb")  # noqa: SIM115 - lives as long as the writer
        except OSError as exc:
            raise GaitError(f"{self.session_dir}: cannot create the session ({exc.strerror or exc}); "
                            "choose a writable folder with --out") from None
        self._offset = 0
        self._write(first)
        self._thread = threading.Thread(target=self._run, name=f"gait-writer-{self.session_dir.name}",
                                        daemon=True)
        self._thread.start()

    # -- PacketConsumer -------------------------------------------------------------------------------
    def on_packet(self, packet: Packet) -> None:
        """Queue one packet (never blocks; the background thread makes it durable within the interval)."""
        if self._closed:
            self.stats.dropped["arrived after close"] += 1
            return
        self._queue.append(packet)

    def flush(self, wait: bool = False) -> None:
        """Ask the writer thread to write and fsync what is queued now (returns at once).

        With ``wait=True`` the caller does the disk write itself and it is durable on return (not for the
        acquisition loop: it blocks for one fsync).
        """
        if wait:
            self._drain()
            self._raise_if_failed()
        else:
            self._wake.set()

    def close(self) -> None:
        """Stop the thread, write the remaining packets and the end record, finish the metadata."""
        if self._closed:
            return
        self._closed = True
        self._stop.set()
        self._wake.set()
        self._thread.join()
        self._drain()
        try:
            self._write_end()
        finally:
            self._fh.close()
        self._raise_if_failed()
        self._finish_metadata()

    def __enter__(self) -> SessionWriter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- metadata -------------------------------------------------------------------------------------
    def update_metadata(self, **fields) -> None:
        """Merge fields (e.g. ``calibration=[...]``) into ``session.json`` atomically (small file write)."""
        with self._lock:
            self._meta.update(fields)
            write_metadata(self.session_dir, self._meta)

    def _initial_metadata(self, given: dict) -> dict:
        given = {k: v for k, v in given.items() if k != "schema"}
        meta = new_metadata(given.pop("source", "ble"), **given)
        meta["status"] = "recording"
        meta["packet_log"] = {"file": LOG_FILE, "format": FORMAT_NAME, "sensor_index": []}
        return meta

    def _finish_metadata(self) -> None:
        try:  # keep edits other code made to session.json while recording
            meta = {**self._meta, **read_metadata(self.session_dir)}
        except GaitError:
            meta = self._meta
        meta.update(status="closed", ended_utc=utc_now(), packet_log=self._meta["packet_log"],
                    packets=self.stats.packets, duration_s=self._duration_s())
        if self.stats.dropped:
            meta["dropped_packets"] = dict(self.stats.dropped)
        self._meta = meta
        write_metadata(self.session_dir, meta)

    def _duration_s(self) -> float | None:
        t_last = self.stats.last_host_time_s
        return None if math.isnan(t_last) else round(max(0.0, t_last), 6)

    # -- background work ------------------------------------------------------------------------------
    def _run(self) -> None:
        while not self._stop.is_set() and self._error is None:
            self._wake.wait(self._interval_s)
            self._wake.clear()
            self._drain()

    def _drain(self) -> None:
        """Encode and write everything queued now; called by the thread, flush() and close()."""
        with self._lock:
            if self._error is not None or self._fh.closed:
                return
            new_names = len(self._names)
            chunks = self._encode(self._queue)
            t0 = time.perf_counter()
            try:
                self._write(chunks)
            except OSError as exc:
                self._error = exc
                return
            self.stats.flushes += 1
            self.stats.max_flush_s = max(self.stats.max_flush_s, time.perf_counter() - t0)
            if len(self._names) != new_names:
                with contextlib.suppress(OSError):  # a fallback copy of SENSOR records: never stop for it
                    write_metadata(self.session_dir, self._meta)

    def _encode(self, queue: deque[Packet]) -> list[bytes]:
        chunks: list[bytes] = []
        offset = self._offset
        for _ in range(len(queue)):  # popleft is safe against concurrent appends from the loop
            pkt = queue.popleft()
            idx = self._names.get(pkt.sensor)
            if idx is None:
                declared = self._declare_all([pkt.sensor])
                if not declared:
                    self.stats.dropped["more than 256 sensors"] += 1
                    continue
                chunks.extend(declared)
                offset += sum(map(len, declared))
                idx = self._names[pkt.sensor]
            try:
                rec = encode_record(KIND_DATA, idx, float(pkt.host_time_s), bytes(pkt.data))
            except ValueError:
                self.stats.dropped["payload over 65535 bytes"] += 1
                continue
            chunks.append(rec)
            self._index.add(offset, offset + len(rec), float(pkt.host_time_s))
            offset += len(rec)
            self.stats.packets += 1
            self.stats.last_host_time_s = float(pkt.host_time_s)
        return chunks

    def _declare_all(self, names) -> list[bytes]:
        """SENSOR records for names not yet declared (index = order of first appearance)."""
        out = []
        for name in names:
            if name in self._names or len(self._names) >= MAX_SENSORS:
                continue
            idx = len(self._names)
            self._names[name] = idx
            self._meta["packet_log"]["sensor_index"].append(name)
            out.append(encode_record(KIND_SENSOR, idx, 0.0, name.encode("utf-8")))
        return out

    def _write(self, chunks: list[bytes]) -> None:
        data = b"".join(chunks)
        if data:
            self._fh.write(data)
            self._fh.flush()
            if self._fsync:
                os.fsync(self._fh.fileno())
            self._offset += len(data)
            self.stats.bytes_written += len(data)

    def _write_end(self) -> None:
        if self._error is not None:
            return
        summary = {"packets": self.stats.packets, "closed_utc": utc_now()}
        t_end = self.stats.last_host_time_s
        self._write([encode_record(KIND_END, 0, 0.0 if math.isnan(t_end) else t_end,
                                   json.dumps(summary).encode("utf-8"))])
        names = {i: n for n, i in self._names.items()}
        size, crc = log_index.file_tail_crc32(self.log_path)
        log_index.save_index(self.session_dir, self._index.finish(size, crc, names))

    def _raise_if_failed(self) -> None:
        if self._error is not None:
            why = self._error.strerror or self._error
            raise GaitError(f"{self.log_path}: recording stopped, cannot write ({why}); free disk space or "
                            "choose another folder; what was written so far is readable")
