"""Decoded-sample store: ``samples/<placement>.npz`` inside a session folder.

Used for data that arrives already decoded (imports, the synthetic walker). Each file is a plain NumPy
``.npz`` archive with arrays ``t_s`` (N,), ``acc_mps2`` (N,3), ``gyr_rps`` (N,3) and optionally
``mag_uT`` (N,3), all float64 on the session clock, so any NumPy user can read it without this project.
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import numpy as np

from gait.errors import GaitError
from gait.types import SampleBlock

SAMPLES_DIR = "samples"


def write_samples(session_dir: Path, block: SampleBlock) -> Path:
    """Store one sensor's samples (atomically: temp file then rename)."""
    folder = Path(session_dir) / SAMPLES_DIR
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{block.sensor}.npz"
    tmp = folder / f".{block.sensor}.npz.tmp"
    arrays = {"t_s": block.t_s, "acc_mps2": block.acc_mps2, "gyr_rps": block.gyr_rps}
    if block.mag_uT is not None:
        arrays["mag_uT"] = block.mag_uT
    with open(tmp, "wb") as fh:
        np.savez(fh, **{k: np.ascontiguousarray(v, dtype=np.float64) for k, v in arrays.items()})
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, target)
    return target


def sample_sensors(session_dir: Path) -> list[str]:
    """Placements that have a decoded-sample file in this session."""
    folder = Path(session_dir) / SAMPLES_DIR
    return sorted(p.stem for p in folder.glob("*.npz")) if folder.is_dir() else []


def read_samples(session_dir: Path, sensor: str) -> SampleBlock:
    """Load one sensor's samples; a damaged file is a :class:`GaitError` naming it and why."""
    path = Path(session_dir) / SAMPLES_DIR / f"{sensor}.npz"
    try:
        with np.load(path, allow_pickle=False) as npz:
            arrays = {k: npz[k] for k in npz.files}
    except FileNotFoundError:
        raise GaitError(f"{path}: no samples for sensor {sensor!r}") from None
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        raise GaitError(f"{path}: damaged sample file ({exc})") from None
    missing = {"t_s", "acc_mps2", "gyr_rps"} - set(arrays)
    if missing:
        raise GaitError(f"{path}: damaged sample file (missing arrays: {', '.join(sorted(missing))})")
    n = arrays["t_s"].shape[0]
    for key in ("acc_mps2", "gyr_rps", "mag_uT"):
        if key in arrays and arrays[key].shape != (n, 3):
            raise GaitError(f"{path}: array {key} has shape {arrays[key].shape}, expected ({n}, 3)")
    return SampleBlock(
        sensor=sensor,
        t_s=arrays["t_s"],
        acc_mps2=arrays["acc_mps2"],
        gyr_rps=arrays["gyr_rps"],
        mag_uT=arrays.get("mag_uT"),
        clock="session",
    )
