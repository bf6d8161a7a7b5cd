"""Integrity check and repair of a session (``gait check`` / ``gait repair``).

:func:`check_session` says what a session holds and where it is damaged: intact and damaged records with
byte offsets, a torn tail, whether the writer closed cleanly, receive-time gaps per sensor and the duration.
:func:`repair_session` writes a clean copy next to it (intact records only, a fresh end record and index,
metadata kept or rebuilt) and never modifies the original.
"""

from __future__ import annotations

import math
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from gait.errors import GaitError
from gait.recording import index as log_index
from gait.recording.metadata import METADATA_FILE, utc_now, write_metadata
from gait.recording.packetlog import (
    FILE_HEADER,
    FORMAT_NAME,
    KIND_DATA,
    KIND_END,
    KIND_SENSOR,
    Damage,
    Record,
    encode_record,
    torn_tail,
)
from gait.recording.reader import LogScan, SessionReader, decode_sensor_packets
from gait.recording.samples import SAMPLES_DIR, read_samples, sample_sensors
from gait.recording.writer import LOG_FILE

GAP_MIN_S = 0.25  # receive gaps shorter than this are BLE connection-event jitter, not loss
GAP_FACTOR = 5.0  # ... and so is anything under five median packet intervals


@dataclass(slots=True)
class SensorIntegrity:
    """Packets of one sensor by host receive time, and the receive gaps between them."""

    packets: int
    first_s: float
    last_s: float
    packet_rate_hz: float
    gaps: list[tuple[float, float]]  # (gap start s, gap length s)


@dataclass(slots=True)
class IntegrityReport:
    """What :func:`check_session` found; ``ok`` is true only for an undamaged, cleanly closed session."""

    session: str
    metadata_error: str | None
    has_log: bool
    log_size: int = 0
    records_good: int = 0
    data_records: int = 0
    damage: list[Damage] = field(default_factory=list)
    closed_cleanly: bool = False
    sensors: dict[str, SensorIntegrity] = field(default_factory=dict)
    sample_files: dict[str, str] = field(default_factory=dict)  # placement -> "ok" or the problem
    decoded: dict[str, dict] = field(default_factory=dict)  # placement -> decoder counts or {"problem"}
    duration_s: float = math.nan

    @property
    def torn_tail(self) -> Damage | None:
        return torn_tail(self.damage)

    @property
    def bytes_damaged(self) -> int:
        return sum(d.length for d in self.damage)

    @property
    def ok(self) -> bool:
        samples_ok = all(v == "ok" for v in self.sample_files.values())
        log_ok = not self.has_log or (not self.damage and self.closed_cleanly)
        return self.metadata_error is None and samples_ok and log_ok

    def to_dict(self) -> dict:
        return {
            "session": self.session,
            "ok": self.ok,
            "metadata_error": self.metadata_error,
            "packet_log": None if not self.has_log else {
                "bytes": self.log_size,
                "records_good": self.records_good,
                "data_records": self.data_records,
                "damaged_regions": [{"offset": d.offset, "length": d.length, "reason": d.reason,
                                     "at_end": d.at_end} for d in self.damage],
                "closed_cleanly": self.closed_cleanly,
            },
            "sensors": {k: {"packets": s.packets, "first_s": s.first_s, "last_s": s.last_s,
                            "packet_rate_hz": s.packet_rate_hz,
                            "gaps": [{"start_s": a, "length_s": b} for a, b in s.gaps]}
                        for k, s in self.sensors.items()},
            "sample_files": self.sample_files,
            "decoded": self.decoded,
            "duration_s": None if math.isnan(self.duration_s) else self.duration_s,
        }


def check_session(session_dir: Path, decode: bool = True) -> IntegrityReport:
    """Walk a session and report its integrity (never raises on damaged content).

    ``decode=False`` skips decoding the packets (bad/lost packet counts): a quick check for listings.
    """
    reader = SessionReader(session_dir)
    scan = reader.scan()
    report = IntegrityReport(str(reader.path), reader.metadata_error, reader.has_log, scan.log_size,
                             scan.records_good, scan.data_records, scan.damage, scan.closed_cleanly)
    report.sensors = {name: _sensor_integrity(np.frombuffer(t, dtype=np.float64))
                      for name, t in sorted(scan.host_times_s.items())}
    if decode and scan.data_records:
        report.decoded = _decode_counts(reader)
    for name in sample_sensors(reader.path):
        try:
            read_samples(reader.path, name)
            report.sample_files[name] = "ok"
        except GaitError as exc:
            report.sample_files[name] = str(exc)
    if report.sensors:
        first = min(s.first_s for s in report.sensors.values())
        report.duration_s = max(s.last_s for s in report.sensors.values()) - first
    return report


def _decode_counts(reader: SessionReader) -> dict[str, dict]:
    """Per sensor: what its firmware profile's decoder makes of the packets (bad ones, sequence gaps)."""
    profiles, rates = reader.sensor_profiles(), reader.sensor_rates()
    missing = "no firmware profile in session.json" + (" (unreadable)" if reader.metadata_error else "")
    out: dict[str, dict] = {}
    for name, packets in reader.packets_by_sensor().items():
        if name not in profiles:
            out[name] = {"problem": missing}
            continue
        try:
            stats = decode_sensor_packets(profiles[name], packets, name, rates.get(name)).stats
        except GaitError as exc:
            out[name] = {"problem": f"not decoded: {exc}"}
            continue
        out[name] = {"samples": stats.samples, "bad_packets": stats.bad, "lost_packets": stats.lost_packets,
                     "reasons": dict(stats.reasons)}
    return out


def _sensor_integrity(t_s: np.ndarray) -> SensorIntegrity:
    dt = np.diff(t_s)
    median_dt = float(np.median(dt)) if dt.size else math.nan
    limit = max(GAP_MIN_S, GAP_FACTOR * median_dt) if dt.size else math.inf
    where = np.flatnonzero(dt > limit)
    gaps = [(float(t_s[i]), float(dt[i])) for i in where]
    rate = 1.0 / median_dt if median_dt and median_dt > 0 else math.nan
    return SensorIntegrity(int(t_s.size), float(t_s[0]), float(t_s[-1]), rate, gaps)


def format_report(report: IntegrityReport, max_items: int = 10) -> list[str]:
    """Human-readable lines for ``gait check``."""
    lines = [f"session {report.session}"]
    meta = "ok" if report.metadata_error is None else f"DAMAGED: {report.metadata_error}"
    lines.append(f"  metadata: {meta}")
    if report.has_log:
        damage = (f"{len(report.damage)} damaged region(s) ({report.bytes_damaged} bytes, at least "
                  f"{len(report.damage)} record(s) lost)") if report.damage else "no damage"
        lines.append(f"  {LOG_FILE}: {report.log_size} bytes, {report.records_good} records intact "
                     f"({report.data_records} packets), {damage}")
        for d in report.damage[:max_items]:
            kind = "torn tail" if d.at_end else "damaged"
            lines.append(f"    {kind}: bytes {d.offset}..{d.end} ({d.length} B): {d.reason}")
        if len(report.damage) > max_items:
            lines.append(f"    ... and {len(report.damage) - max_items} more (use --json for all)")
        lines.append("  end: " + ("closed cleanly" if report.closed_cleanly else
                                  "NOT closed cleanly (no end record): the recording was cut off "
                                  "(crash, kill, power loss) or is still running"))
    for name, problem in report.sample_files.items():
        lines.append(f"  {SAMPLES_DIR}/{name}.npz: {problem}")
    for name, s in report.sensors.items():
        gaps = "none" if not s.gaps else (f"{len(s.gaps)} (longest {max(g[1] for g in s.gaps):.2f} s at "
                                          f"{max(s.gaps, key=lambda g: g[1])[0]:.2f} s)")
        lines.append(f"  {name:<12} {s.packets:>8} packets  {s.first_s:9.3f}..{s.last_s:9.3f} s  "
                     f"{s.packet_rate_hz:7.1f} packets/s  receive gaps: {gaps}")
        lines.append(f"  {'':<12} {_decoded_text(report.decoded.get(name))}")
    if not math.isnan(report.duration_s):
        lines.append(f"  duration: {report.duration_s:.2f} s")
    lines.append("result: OK" if report.ok else
                 f"result: DAMAGED: run `gait repair {report.session}` to write a clean copy")
    return lines


def _decoded_text(counts: dict | None) -> str:
    if not counts:
        return "not decoded"
    if "problem" in counts:
        return counts["problem"]
    reasons = ", ".join(f"{k}: {v}" for k, v in counts["reasons"].items())
    return (f"decoded {counts['samples']} samples, {counts['bad_packets']} bad packets"
            + (f" ({reasons})" if reasons else "") + f", {counts['lost_packets']} lost (sequence gaps)")


@dataclass(slots=True)
class RepairResult:
    source: Path
    target: Path
    records_kept: int
    damaged_regions: int
    bytes_dropped: int
    metadata_rebuilt: bool
    sample_files_dropped: list[str]


def repair_session(session_dir: Path, out_dir: Path | None = None) -> RepairResult:
    """Write a clean copy of a session to ``out_dir`` (default ``<session>-repaired``); source untouched."""
    reader = SessionReader(session_dir)
    target = Path(out_dir) if out_dir is not None else reader.path.with_name(reader.path.name + "-repaired")
    if target.exists():
        raise GaitError(f"{target}: already exists; choose another --out folder (repair never overwrites)")
    scan = reader.scan()
    target.mkdir(parents=True)
    _copy_extras(reader.path, target)
    dropped = _copy_sample_files(reader.path, target)
    kept = _write_clean_log(reader, scan, target) if reader.has_log else 0
    meta = dict(reader.meta) if reader.metadata_error is None else _rebuilt_metadata(scan)
    meta["status"] = "closed"  # the copy ends with an END record; 'repair' says what happened
    meta["repair"] = {
        "from": str(reader.path), "utc": utc_now(),
        "records_kept": kept, "metadata_rebuilt": reader.metadata_error is not None,
        "damaged_regions": [{"offset": d.offset, "length": d.length, "reason": d.reason}
                            for d in scan.damage],
        "sample_files_dropped": dropped,
    }
    if reader.has_log:
        n_index = max(scan.sensor_names, default=-1) + 1
        names = [scan.sensor_names.get(i, f"sensor{i}") for i in range(n_index)]
        meta["packet_log"] = {"file": LOG_FILE, "format": FORMAT_NAME, "sensor_index": names}
    write_metadata(target, {k: v for k, v in meta.items() if k != "schema"})
    return RepairResult(reader.path, target, kept, len(scan.damage), sum(d.length for d in scan.damage),
                        reader.metadata_error is not None, dropped)


def _write_clean_log(reader: SessionReader, scan: LogScan, target: Path) -> int:
    """Intact records of the source, in order, after a full set of SENSOR records; then END and index."""
    builder = log_index.IndexBuilder()
    chunks = [FILE_HEADER] + [encode_record(KIND_SENSOR, i, 0.0, n.encode("utf-8"))
                              for i, n in sorted(scan.sensor_names.items())]
    offset = sum(map(len, chunks))
    builder.add(0, offset)
    kept, t_last = 0, 0.0
    for rec in reader.records():
        if not isinstance(rec, Record) or rec.kind in (KIND_SENSOR, KIND_END):
            continue
        raw = encode_record(rec.kind, rec.sensor_index, rec.host_time_s, rec.payload)
        chunks.append(raw)
        builder.add(offset, offset + len(raw), rec.host_time_s if rec.kind == KIND_DATA else None)
        offset += len(raw)
        kept += 1
        t_last = rec.host_time_s if rec.kind == KIND_DATA else t_last
    summary = f'{{"packets": {scan.data_records}, "repaired": true}}'.encode()
    chunks.append(encode_record(KIND_END, 0, t_last, summary))
    path = target / LOG_FILE
    path.write_bytes(b"".join(chunks))
    size, crc = log_index.file_tail_crc32(path)
    log_index.save_index(target, builder.finish(size, crc, scan.sensor_names))
    return kept


def _rebuilt_metadata(scan: LogScan) -> dict:
    return {"subject": None, "condition": None, "source": "unknown",
            "notes": "session.json was unreadable; rebuilt by gait repair (add subject, condition, profiles)",
            "sensors": [{"placement": n} for _, n in sorted(scan.sensor_names.items())], "calibration": []}


def _copy_extras(src: Path, dst: Path) -> None:
    """Everything the repair does not rewrite (truth/, notes, exports) is copied as it is."""
    handled = {METADATA_FILE, LOG_FILE, log_index.INDEX_FILE, SAMPLES_DIR}
    for entry in src.iterdir():
        if entry.name in handled or entry.name.startswith("."):
            continue
        if entry.is_dir():
            shutil.copytree(entry, dst / entry.name)
        else:
            shutil.copy2(entry, dst / entry.name)


def _copy_sample_files(src: Path, dst: Path) -> list[str]:
    dropped = []
    for name in sample_sensors(src):
        try:
            read_samples(src, name)
        except GaitError:
            dropped.append(name)
            continue
        (dst / SAMPLES_DIR).mkdir(exist_ok=True)
        shutil.copy2(src / SAMPLES_DIR / f"{name}.npz", dst / SAMPLES_DIR / f"{name}.npz")
    return dropped
