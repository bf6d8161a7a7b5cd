"""On-disk copies of analyses, so a dashboard restart does not re-analyse long sessions (minutes each).

Derived data are caches (DESIGN §2): each entry is keyed by the session folder, a signature of its files
and a fingerprint of the installed analysis code (every ``gait`` source and data file), so an edited
recording or changed pipeline is analysed again and never shown stale. Entries live beside the recordings
in ``.gait-cache/dashboard/`` (same protection as the recordings themselves) as the ``gait.analysis/1``
JSON plus an ``.npz`` of the per-stride cycle curves; writes are atomic, older entries of a session are
removed, and anything unreadable is ignored and recomputed.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from functools import cache
from pathlib import Path

import numpy as np

import gait

CACHE_DIR = Path(".gait-cache") / "dashboard"


@cache
def code_fingerprint() -> str:
    """Changes whenever any file of the installed ``gait`` package changes."""
    root = Path(gait.__file__).parent
    h = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.suffix in (".py", ".yaml", ".json") and p.is_file()):
        st = path.stat()
        h.update(f"{path.relative_to(root)}:{st.st_size}:{st.st_mtime_ns};".encode())
    return h.hexdigest()[:16]


class AnalysisStore:
    """Reads and writes analysis entries under ``recordings_dir/.gait-cache/dashboard``."""

    def __init__(self, recordings_dir: Path) -> None:
        self.folder = Path(recordings_dir) / CACHE_DIR

    def _stem(self, session_dir: Path, signature: tuple) -> tuple[str, str]:
        session_key = hashlib.sha256(str(Path(session_dir).resolve()).encode()).hexdigest()[:16]
        version = hashlib.sha256(repr((signature, code_fingerprint())).encode()).hexdigest()[:16]
        return session_key, f"{session_key}-{version}"

    def load(self, session_dir: Path, signature: tuple) -> tuple[dict, dict] | None:
        _, stem = self._stem(session_dir, signature)
        try:
            analysis = json.loads((self.folder / f"{stem}.json").read_text(encoding="utf-8"))
            with np.load(self.folder / f"{stem}.npz", allow_pickle=False) as npz:
                curves = {side: npz[side] for side in npz.files}
        except (OSError, ValueError):
            return None
        return analysis, curves

    def save(self, session_dir: Path, signature: tuple, analysis: dict, curves: dict) -> None:
        session_key, stem = self._stem(session_dir, signature)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            for old in self.folder.glob(f"{session_key}-*"):
                old.unlink(missing_ok=True)
            self._atomic(f"{stem}.npz", lambda fh: np.savez(fh, **curves))
            self._atomic(f"{stem}.json", lambda fh: fh.write(json.dumps(analysis, allow_nan=False).encode()))
        except (OSError, ValueError):
            return  # a cache that cannot be written only costs time

    def _atomic(self, name: str, write) -> None:
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=self.folder)
        try:
            with os.fdopen(fd, "wb") as fh:
                write(fh)
            os.replace(tmp, self.folder / name)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
