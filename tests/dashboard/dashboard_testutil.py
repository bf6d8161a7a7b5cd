"""Helpers for the dashboard tests: screenshots under ``test-artifacts/dashboard/`` and small sessions."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from gait.recording.metadata import write_metadata
from gait.recording.samples import write_samples
from gait.types import SampleBlock

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts" / "dashboard"


def screenshot(page, name: str) -> Path:
    """Save the whole page (``name.png``) and what the first screen shows (``name-top.png``)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}-top.png"))
    return path


def make_samples_session(
    folder: Path,
    subject: str,
    condition: str,
    duration_s: float = 4.0,
    created_utc: str = "2026-11-20T10:00:00Z",
    session_id: str | None = None,
) -> Path:
    """A small session with decoded samples (standing still) — enough for listing, not for gait analysis."""
    rate_hz = 100.0
    t_s = np.arange(0, duration_s, 1 / rate_hz)
    acc = np.tile([0.0, 9.81, 0.0], (t_s.size, 1))
    for placement in ("left_foot", "right_foot"):
        write_samples(folder, SampleBlock(placement, t_s, acc, np.zeros((t_s.size, 3))))
    write_metadata(
        folder,
        {
            "id": session_id or folder.name,
            "subject": subject,
            "condition": condition,
            "created_utc": created_utc,
            "source": "import:csv",
            "sensors": [],
        },
    )
    return folder
