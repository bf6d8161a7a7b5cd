"""Analysis results for the review, compare and report views, computed once per session version.

``gait.pipeline.analyze_session`` is the only source of numbers; this module only caches its
``gait.analysis/1`` dictionary in memory (and, with a store, on disk: :mod:`dashboard.analysis_store`), keyed
by the session folder and a signature of its files (so an edited or re-recorded session is analysed again).
One lock per session stops two tabs from analysing the same recording at once.
"""

from __future__ import annotations

import contextlib
import threading
from collections import OrderedDict
from pathlib import Path

from dashboard.cycle_curves import result_cycle_curves
from gait.errors import GaitError


class AnalysisUnavailable(Exception):
    """The analysis stage cannot run here (not installed yet, or it failed); the message says why."""


def _signature(session_dir: Path) -> tuple:
    files = sorted(p for p in Path(session_dir).rglob("*") if p.is_file())
    return tuple((str(p.relative_to(session_dir)), p.stat().st_size, p.stat().st_mtime_ns) for p in files)


def _analyze(session_dir: Path) -> tuple[dict, dict]:
    """``(gait.analysis/1 dict, cycle curves per side)`` from the real pipeline."""
    try:
        from gait.pipeline import analyze_session  # noqa: PLC0415 - imported lazily: heavy
    except ImportError as exc:
        raise AnalysisUnavailable(f"the analysis pipeline is not installed ({exc})") from None
    try:
        result = analyze_session(session_dir)
    except GaitError as exc:
        raise AnalysisUnavailable(str(exc)) from None
    except ImportError as exc:  # a stage the pipeline needs for this session is not installed
        raise AnalysisUnavailable(f"a pipeline stage this session needs is not installed ({exc})") from None
    return result.to_dict(), result_cycle_curves(result)


class AnalysisCache:
    """LRU of analyses (``max_sessions`` entries): the JSON dictionary and the per-stride cycle curves."""

    def __init__(self, max_sessions: int = 8, analyze=_analyze, store=None):
        self.max_sessions = max_sessions
        self._analyze = analyze
        self._store = store  # dashboard.analysis_store.AnalysisStore, or None for memory only
        self._entries: OrderedDict[Path, tuple[tuple, tuple[dict, dict]]] = OrderedDict()
        self._locks: dict[Path, threading.Lock] = {}
        self._guard = threading.Lock()
        self._derived: dict[tuple[Path, str], tuple[tuple, object]] = {}

    def get(self, session_dir: Path) -> dict:
        """The analysis of ``session_dir`` (computed on first use; raises :class:`AnalysisUnavailable`)."""
        key = Path(session_dir).resolve()
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            sig = _signature(key)
            with self._guard:
                hit = self._entries.get(key)
                if hit and hit[0] == sig:
                    self._entries.move_to_end(key)
                    return hit[1][0]
            result = self._store.load(key, sig) if self._store is not None else None
            if result is None:
                result = self._analyze(key)
                if self._store is not None:
                    self._store.save(key, sig, *result)
            with self._guard:
                self._entries[key] = (sig, result)
                self._entries.move_to_end(key)
                while len(self._entries) > self.max_sessions:
                    evicted, _ = self._entries.popitem(last=False)
                    self._derived = {k: v for k, v in self._derived.items() if k[0] != evicted}
            return result[0]

    def prefetch(self, session_dir: Path) -> threading.Thread:
        """Analyse in the background (e.g. right after a recording is saved), so the review opens at once."""

        def work():
            with contextlib.suppress(AnalysisUnavailable):  # the review page says why when opened
                self.get(session_dir)

        thread = threading.Thread(target=work, name="analysis-prefetch", daemon=True)
        thread.start()
        return thread

    def derived(self, session_dir: Path, name: str, compute):
        """A value computed from the cached analysis (e.g. bootstrap tables), cached (and evicted) with it."""
        key = Path(session_dir).resolve()
        with self._guard:
            hit = self._derived.get((key, name))
            entry = self._entries.get(key)
        if hit is not None and entry is not None and hit[0] == entry[0]:
            return hit[1]
        value = compute()
        with self._guard:
            entry = self._entries.get(key)
            if entry is not None:
                self._derived[(key, name)] = (entry[0], value)
        return value

    def curves(self, session_dir: Path) -> dict:
        """Per-side ``(strides, 101, 3)`` α β γ cycle curves of the cached analysis (``{}`` if none)."""
        with self._guard:
            entry = self._entries.get(Path(session_dir).resolve())
        return {} if entry is None else entry[1][1]
