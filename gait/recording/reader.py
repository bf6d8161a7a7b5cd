"""Reading sessions: :class:`SessionReader` (metadata, packets, damage) and :func:`load_samples`.

The reader never trusts the bytes: it walks the packet log record by record, keeps every record whose
checksum holds and reports every run of bytes that holds none (with its byte offset), so a torn tail after
a crash or a corrupted disk block costs only the damaged records. A broken ``session.json`` is reported
too and does not stop the packets from being read.
"""

from __future__ import annotations

import json
import math
import mmap
import os
from array import array
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from gait.errors import GaitError
from gait.recording import index as log_index
from gait.recording.metadata import METADATA_FILE, read_metadata
from gait.recording.packetlog import KIND_DATA, KIND_END, KIND_SENSOR, Damage, Record, iter_log, torn_tail
from gait.recording.samples import SAMPLES_DIR, read_samples, sample_sensors
from gait.recording.writer import LOG_FILE
from gait.types import Packet, SampleBlock


@dataclass(slots=True)
class LogScan:
    """Everything one full walk of ``packets.log`` found (see :meth:`SessionReader.scan`)."""

    log_size: int = 0
    records_good: int = 0
    data_records: int = 0
    unknown_records: int = 0
    damage: list[Damage] = field(default_factory=list)
    end_record: dict | None = None  # summary of the END record when the writer closed cleanly
    data_after_end: bool = False
    sensor_names: dict[int, str] = field(default_factory=dict)
    host_times_s: dict[str, array] = field(default_factory=dict)  # placement -> receive times

    @property
    def closed_cleanly(self) -> bool:
        return self.end_record is not None and not self.data_after_end

    @property
    def torn_tail(self) -> Damage | None:
        return torn_tail(self.damage)


class SessionReader:
    """Read one session folder written by :class:`gait.recording.writer.SessionWriter` or an importer.

    ``meta`` is the parsed ``session.json`` (``{}`` when it is unreadable; ``metadata_error`` then says
    why). Raises :class:`GaitError` only when the folder holds no session at all.
    """

    def __init__(self, session_dir: Path) -> None:
        self.path = Path(session_dir)
        self.log_path = self.path / LOG_FILE
        if not self.path.is_dir():
            raise GaitError(f"{self.path}: no such session folder")
        self.metadata_error: str | None = None
        try:
            self.meta = read_metadata(self.path)
        except GaitError as exc:
            self.meta, self.metadata_error = {}, str(exc)
        self.has_log = self.log_path.is_file()
        if not (self.has_log or sample_sensors(self.path) or (self.path / METADATA_FILE).exists()):
            raise GaitError(f"{self.path}: not a session folder (no {METADATA_FILE}, {LOG_FILE} or "
                            f"{SAMPLES_DIR}/); pass the folder that contains them")
        self._index: log_index.LogIndex | None = None

    # -- raw records ----------------------------------------------------------------------------------
    def records(self, start: int = 0, end: int | None = None) -> Iterator[Record | Damage]:
        """Every intact record and every damaged run between ``start`` and ``end`` (bytes), in order."""
        if not self.has_log:
            return
        with self._mapped() as buf:
            yield from iter_log(buf, start, end)

    @contextmanager
    def _mapped(self):
        try:
            fh = open(self.log_path, "rb")  # noqa: SIM115 - closed by the with below
        except OSError as exc:
            raise GaitError(f"{self.log_path}: cannot read ({exc.strerror or exc})") from None
        with fh:
            if os.fstat(fh.fileno()).st_size == 0:
                yield b""
                return
            with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as buf:
                yield buf

    def initial_sensor_names(self) -> dict[int, str]:
        """Index → placement from ``session.json`` (a fallback for damaged SENSOR records)."""
        listed = (self.meta.get("packet_log") or {}).get("sensor_index") or []
        return {i: str(name) for i, name in enumerate(listed)}

    # -- packets --------------------------------------------------------------------------------------
    def iter_packets(self, t0_s: float | None = None, t1_s: float | None = None,
                     sensors: Iterable[str] | None = None) -> Iterator[Packet]:
        """Stream recorded packets in the order they were received.

        With ``t0_s``/``t1_s`` only packets with ``t0_s <= host_time_s < t1_s`` are yielded, read through
        the time index (cached in ``packets.index.json`` or built once per reader). Damaged bytes are
        skipped silently here; :meth:`scan` and ``gait check`` report them.
        """
        wanted = None if sensors is None else set(sensors)
        lo = -math.inf if t0_s is None else t0_s
        hi = math.inf if t1_s is None else t1_s
        if t0_s is None and t1_s is None:
            spans = [(0, None)]
            names = self.initial_sensor_names()
        else:
            idx = self.index()
            spans = [(b.offset, b.end) for b in idx.blocks_for(lo, hi)]
            names = {**self.initial_sensor_names(), **idx.sensor_names}
        for start, end in spans:
            for rec in self.records(start, end):
                if isinstance(rec, Damage):
                    continue
                if rec.kind == KIND_SENSOR:
                    names[rec.sensor_index] = _sensor_name(rec)
                elif rec.kind == KIND_DATA and lo <= rec.host_time_s < hi:
                    name = names.get(rec.sensor_index, f"sensor{rec.sensor_index}")
                    if wanted is None or name in wanted:
                        yield Packet(name, rec.host_time_s, rec.payload)

    def index(self) -> log_index.LogIndex:
        """The time index: the cached file if it matches the log, else built by one walk (kept in memory)."""
        if self._index is None:
            size, crc = log_index.file_tail_crc32(self.log_path) if self.has_log else (0, 0)
            self._index = log_index.load_index(self.path, size, crc) or self._build_index(size, crc)
        return self._index

    def _build_index(self, size: int, crc: int) -> log_index.LogIndex:
        builder = log_index.IndexBuilder()
        names = self.initial_sensor_names()
        for rec in self.records():
            if isinstance(rec, Record) and rec.kind == KIND_DATA:
                builder.add(rec.offset, rec.end, rec.host_time_s)
            else:
                builder.add(rec.offset, rec.end)
                if isinstance(rec, Record) and rec.kind == KIND_SENSOR:
                    names[rec.sensor_index] = _sensor_name(rec)
        return builder.finish(size, crc, names)

    # -- whole-log walk -------------------------------------------------------------------------------
    def scan(self) -> LogScan:
        """Walk the whole log once: counts, damaged byte runs, clean close, per-sensor receive times."""
        out = LogScan(sensor_names=self.initial_sensor_names())
        if not self.has_log:
            return out
        out.log_size = self.log_path.stat().st_size
        for rec in self.records():
            if isinstance(rec, Damage):
                out.damage.append(rec)
                continue
            out.records_good += 1
            if rec.kind == KIND_DATA:
                out.data_records += 1
                out.data_after_end = out.end_record is not None
                name = out.sensor_names.get(rec.sensor_index, f"sensor{rec.sensor_index}")
                out.host_times_s.setdefault(name, array("d")).append(rec.host_time_s)
            elif rec.kind == KIND_SENSOR:
                out.sensor_names[rec.sensor_index] = _sensor_name(rec)
            elif rec.kind == KIND_END:
                out.end_record = _end_summary(rec)
            else:
                out.unknown_records += 1
        return out

    # -- decoded samples ------------------------------------------------------------------------------
    def sensor_profiles(self) -> dict[str, str]:
        """Placement → firmware profile id, from ``session.json`` ``sensors``."""
        out = {}
        for spec in self.meta.get("sensors") or []:
            if isinstance(spec, dict) and spec.get("placement") and spec.get("profile"):
                out[str(spec["placement"])] = str(spec["profile"])
        return out

    def sensor_rates(self) -> dict[str, float]:
        """Placement → configured output rate (Hz) from ``session.json`` ``sensors[].rate_hz`` when given.

        The decoder needs it to time the samples of sensors whose rate is set at start-up (not in packets).
        """
        out = {}
        for spec in self.meta.get("sensors") or []:
            rate = spec.get("rate_hz") if isinstance(spec, dict) else None
            if isinstance(rate, int | float) and rate > 0 and spec.get("placement"):
                out[str(spec["placement"])] = float(rate)
        return out

    def packets_by_sensor(self) -> dict[str, list[Packet]]:
        """All packets grouped per placement, each list in receive order."""
        out: dict[str, list[Packet]] = {}
        for pkt in self.iter_packets():
            out.setdefault(pkt.sensor, []).append(pkt)
        return out

    def load_samples(self) -> dict[str, SampleBlock]:
        """Decoded samples per placement (see :func:`load_samples`)."""
        blocks = {}
        packets = self.packets_by_sensor()
        profiles, rates = self.sensor_profiles(), self.sensor_rates()
        for name, pkts in packets.items():
            if name not in profiles and self.metadata_error is not None:
                raise GaitError(self.metadata_error)  # the real cause: the profiles are in session.json
            if name not in profiles:
                raise GaitError(f"{self.path / METADATA_FILE}: sensor {name!r} has packets but no firmware "
                                "profile in 'sensors'; add {placement, profile} for it to decode the log")
            try:
                blocks[name] = decode_sensor_packets(profiles[name], pkts, name, rates.get(name)).block
            except GaitError as exc:  # e.g. an unknown profile: say which sensor of which session
                raise GaitError(f"{self.path / METADATA_FILE}: sensor {name!r}: {exc}") from None
        for name in sample_sensors(self.path):
            blocks.setdefault(name, read_samples(self.path, name))
        return blocks


def decode_sensor_packets(profile_id: str, packets: list[Packet], sensor: str, rate_hz: float | None = None):
    """Decode one sensor's packets with its firmware profile (the same decoder live analysis uses).

    Returns :class:`gait.decode.BatchResult` ``(block, stats)``; stats count bad and lost packets.
    """
    from gait.decode import decode_packets  # late: the codec (yaml, jsonschema) only when decoding
    from gait.profiles import load_profile

    return decode_packets(load_profile(profile_id), packets, sensor, rate_hz)


def load_samples(session: Path | SessionReader) -> dict[str, SampleBlock]:
    """Decoded samples of every sensor of a session, keyed by placement.

    Raw packets are the primary record: a sensor with packets in ``packets.log`` is decoded through its
    firmware profile (``gait.decode``); a sensor without packets is read from ``samples/<placement>.npz``
    (imports, simulations). Times are on the clock the source gives (device clock for decoded packets).
    """
    reader = session if isinstance(session, SessionReader) else SessionReader(Path(session))
    return reader.load_samples()


def _sensor_name(rec: Record) -> str:
    return rec.payload.decode("utf-8", errors="replace") or f"sensor{rec.sensor_index}"


def _end_summary(rec: Record) -> dict:
    try:
        summary = json.loads(rec.payload.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        summary = {}
    return summary if isinstance(summary, dict) else {}
