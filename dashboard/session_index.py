"""The recordings folder as the dashboard sees it: opaque session ids mapped to folders server-side.

URLs carry only the opaque ``id`` from ``session.json`` (or a hash of the folder when that id is missing,
unsafe or duplicated); a request can only name a session the index already found by scanning, so no user
input is ever joined to a filesystem path.
"""

from __future__ import annotations

import hashlib
import math
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from gait.conventions import PLACEMENTS
from gait.errors import GaitError
from gait.recording.metadata import METADATA_FILE, read_metadata
from gait.recording.samples import SAMPLES_DIR, sample_sensors

SAFE_ID = re.compile(r"^[A-Za-z0-9_-]{4,64}$")


@dataclass(frozen=True)
class SessionSummary:
    """One row of the sessions page (everything shown is read from the session folder)."""

    session_id: str
    path: Path
    subject: str
    condition: str
    created_utc: str
    duration_s: float | None
    sensors: tuple[str, ...]
    source: str
    integrity: str
    notes: str = ""
    meta: dict = field(default_factory=dict, compare=False, repr=False)

    def matches(self, query: str) -> bool:
        """Case-insensitive search over subject, condition, date, source, sensors and notes."""
        hay = " ".join(
            [self.subject, self.condition, self.created_utc, self.source, self.notes, *self.sensors]
        )
        return all(word in hay.lower() for word in query.lower().split())


def _duration_from_samples(session_dir: Path, sensors: list[str]) -> float | None:
    spans = []
    for sensor in sensors:
        with np.load(session_dir / SAMPLES_DIR / f"{sensor}.npz", allow_pickle=False) as npz:
            t_s = npz["t_s"]
        if t_s.size > 1:
            spans.append(float(t_s[-1] - t_s[0]))
    return max(spans) if spans else None


def _integrity(session_dir: Path) -> tuple[float | None, str]:
    """Duration and a one-line integrity verdict from the recording stage's quick check (a log walk without
    decoding: the verdict is about bytes, and decoding every session made the listing ~10× slower)."""
    try:
        from gait.recording.integrity import check_session  # noqa: PLC0415 - optional stage
    except ImportError:
        return None, "not checked (integrity check not installed)"
    report = check_session(session_dir, decode=False)
    duration_s = None if math.isnan(report.duration_s) else report.duration_s
    if report.ok:
        return duration_s, "ok"
    problems = []
    if report.metadata_error:
        problems.append("metadata damaged")
    if report.damage:
        problems.append(f"{len(report.damage)} damaged region(s), {report.bytes_damaged} B")
    if report.has_log and not report.closed_cleanly:
        problems.append("not closed cleanly")
    problems += [f"{name}: {why}" for name, why in report.sample_files.items() if why != "ok"]
    return duration_s, "damaged: " + "; ".join(problems)


def summarize(session_dir: Path, session_id: str, meta: dict) -> SessionSummary:
    """Read the facts of one session folder (cheap: metadata, sample time stamps, integrity summary)."""
    sensors = [s.get("placement", "?") for s in meta.get("sensors", []) if isinstance(s, dict)]
    stored = sample_sensors(session_dir)
    sensors = sorted(set(sensors) | set(stored), key=lambda p: PLACEMENTS.index(p) if p in PLACEMENTS else 99)
    duration_s, integrity = _integrity(session_dir)
    if duration_s is None and isinstance(meta.get("duration_s"), (int, float)):
        duration_s = float(meta["duration_s"])
    if duration_s is None and stored:
        duration_s = _duration_from_samples(session_dir, stored)
    return SessionSummary(
        session_id=session_id,
        path=session_dir,
        subject=str(meta.get("subject", "") or "—"),
        condition=str(meta.get("condition", "") or "—"),
        created_utc=str(meta.get("created_utc", "") or "—"),
        duration_s=duration_s,
        sensors=tuple(sensors),
        source=str(meta.get("source", "") or "—"),
        integrity=integrity,
        notes=str(meta.get("notes", "") or ""),
        meta=meta,
    )


def _stamp(folder: Path) -> tuple:
    """Changes whenever the metadata or the packet log changes (so a finished recording is re-read)."""
    out = []
    for name in (METADATA_FILE, "packets.log"):
        path = folder / name
        if path.exists():
            st = path.stat()
            out.append((name, st.st_size, st.st_mtime_ns))
    return tuple(out)


class SessionIndex:
    """Scans ``recordings_dir`` (two levels deep) and keeps an id → folder map; rescans are cheap."""

    def __init__(self, recordings_dir: Path):
        self.recordings_dir = Path(recordings_dir)
        self._lock = threading.Lock()
        self._cache: dict[Path, tuple[tuple, SessionSummary]] = {}
        self._by_id: dict[str, SessionSummary] = {}
        self.problems: list[str] = []

    def _folders(self) -> list[Path]:
        root = self.recordings_dir
        if not root.is_dir():
            return []
        found = [p.parent for p in root.glob(f"*/{METADATA_FILE}")]
        found += [p.parent for p in root.glob(f"*/*/{METADATA_FILE}")]
        return sorted(set(found))

    @staticmethod
    def _fallback_id(folder: Path) -> str:
        return "s" + hashlib.sha256(str(folder.resolve()).encode()).hexdigest()[:15]

    def scan(self) -> list[SessionSummary]:
        """Rescan the folder; returns the sessions newest first. Unreadable folders go to ``problems``."""
        rows, problems, seen = [], [], set()
        for folder in self._folders():
            try:
                stamp = _stamp(folder)
                cached = self._cache.get(folder)
                if cached and cached[0] == stamp:
                    summary = cached[1]
                else:
                    meta = read_metadata(folder)
                    sid = str(meta.get("id", ""))
                    sid = sid if SAFE_ID.match(sid) else self._fallback_id(folder)
                    summary = summarize(folder, sid, meta)
            except (GaitError, OSError, ValueError, KeyError) as exc:
                problems.append(f"{folder.name}: {str(exc).replace(str(folder), '').lstrip('/: ')}")
                continue
            if summary.session_id in seen:
                summary = summarize(folder, self._fallback_id(folder), summary.meta)
            seen.add(summary.session_id)
            self._cache[folder] = (stamp, summary)
            rows.append(summary)
        rows.sort(key=lambda r: r.created_utc, reverse=True)
        with self._lock:
            self._by_id = {r.session_id: r for r in rows}
            self.problems = problems
        return rows

    def get(self, session_id: str | None) -> SessionSummary | None:
        """The session with this opaque id, or ``None`` (rescans once when the id is unknown)."""
        if not session_id or not SAFE_ID.match(session_id):
            return None
        with self._lock:
            hit = self._by_id.get(session_id)
        if hit is None:
            self.scan()
            with self._lock:
                hit = self._by_id.get(session_id)
        return hit
