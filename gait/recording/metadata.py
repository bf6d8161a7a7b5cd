"""Session metadata (``session.json``): human-readable, replaced atomically."""

from __future__ import annotations

import json
import os
import tempfile
import uuid
from datetime import datetime, timezone
from pathlib import Path

from gait import __version__
from gait.errors import GaitError

METADATA_FILE = "session.json"
SCHEMA = "gait.session/1"


def utc_now() -> str:
    """Current UTC time as ISO 8601 to the second (the form every time stamp in session.json uses)."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def new_metadata(source: str, **fields) -> dict:
    """The fields every new session starts with (random id, creation time, software version, empty
    subject/condition/notes/sensors/calibration), overridden by ``fields``."""
    return {"id": uuid.uuid4().hex, "subject": None, "condition": None, "notes": "", "created_utc": utc_now(),
            "software_version": __version__, "source": source, "sensors": [], "calibration": [], **fields}


def new_session_dir(root: Path) -> Path:
    """A fresh folder for a new recording under ``root``: UTC time plus a random suffix.

    Subject and condition stay out of the path on purpose (health data: paths end up in logs, backups and
    screenshots); they live in ``session.json``.
    """
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    return Path(root) / f"{stamp}-{uuid.uuid4().hex[:8]}"


def write_metadata(session_dir: Path, meta: dict) -> Path:
    """Write ``session.json`` atomically (temp file + ``os.replace``) so a crash never leaves half a file."""
    session_dir = Path(session_dir)
    session_dir.mkdir(parents=True, exist_ok=True)
    meta = {"schema": SCHEMA, **meta}
    target = session_dir / METADATA_FILE
    fd, tmp = tempfile.mkstemp(prefix=".session.", suffix=".tmp", dir=session_dir)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(meta, fh, indent=2, sort_keys=False, default=_json_default)
            fh.write("\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def read_metadata(session_dir: Path) -> dict:
    """Read ``session.json``; a missing or broken file is a :class:`GaitError` naming the file and problem."""
    path = Path(session_dir) / METADATA_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise GaitError(f"{path}: not a session folder (no {METADATA_FILE})") from None
    except UnicodeDecodeError as exc:
        why = f"not UTF-8 text at byte {exc.start}"
        raise GaitError(f"{path}: broken metadata ({why}); run `gait repair`") from None
    try:
        meta = json.loads(text)
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno} column {exc.colno}"
        raise GaitError(f"{path}: broken metadata at {where}: {exc.msg}; run `gait repair`") from None
    if not isinstance(meta, dict) or not str(meta.get("schema", "")).startswith("gait.session/"):
        raise GaitError(f"{path}: not a gait session metadata file (missing 'schema': '{SCHEMA}')")
    return meta


def _json_default(obj):
    try:
        import numpy as np

        if isinstance(obj, np.generic):
            return obj.item()
        if isinstance(obj, np.ndarray):
            return obj.tolist()
    except ImportError:  # pragma: no cover
        pass
    raise TypeError(f"not JSON serialisable: {type(obj).__name__}")
