"""Per-app state shared by the pages: the session index, the live hub and the analysis cache.

Everything lives on one object created by :func:`dashboard.app.create_app`, so two apps in one process
(tests, benchmarks) never share state and nothing is kept in module globals.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from dashboard.analysis_cache import AnalysisCache
from dashboard.analysis_store import AnalysisStore
from dashboard.live_buffer import LiveHub
from dashboard.session_index import SessionIndex


@dataclass
class DashboardContext:
    """What the page callbacks may touch. ``live`` is fed by the acquisition/replay runner."""

    recordings_dir: Path
    index: SessionIndex = field(init=False)
    analyses: AnalysisCache = field(init=False)
    live: LiveHub = field(default_factory=LiveHub)
    replays: object = None  # dashboard.pages.replay.ReplayRunners, set when the replay page registers
    ble_backend: object = None  # gait.acquisition.BleBackend for scans/connections (None: the OS stack)
    sources: object = field(init=False)

    def __post_init__(self) -> None:
        self.recordings_dir = Path(self.recordings_dir)
        self.index = SessionIndex(self.recordings_dir)
        self.analyses = AnalysisCache(store=AnalysisStore(self.recordings_dir))
        from dashboard.live_sources import LiveSources  # noqa: PLC0415 - avoids an import cycle

        self.sources = LiveSources(self, self.ble_backend)
