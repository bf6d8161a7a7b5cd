"""Write imported, already-decoded samples as a session folder (``session.json`` + ``samples/``).

Every importer ends here so imported sessions look the same whatever their source format.
"""

from __future__ import annotations

from pathlib import Path

from gait.conventions import PLACEMENTS
from gait.errors import GaitError
from gait.recording.metadata import METADATA_FILE, new_metadata, write_metadata
from gait.recording.samples import SAMPLES_DIR, sample_sensors, write_samples
from gait.recording.writer import LOG_FILE
from gait.types import SampleBlock


def parse_sensor_args(items: list[str]) -> dict[str, Path]:
    """``["left_foot=a.txt", ...]`` → ``{"left_foot": Path("a.txt")}``, checking placements and duplicates."""
    out: dict[str, Path] = {}
    for item in items:
        name, sep, file = item.partition("=")
        name = name.strip()
        if not sep or not file:
            raise GaitError(f"--sensor {item!r}: expected PLACEMENT=FILE, e.g. left_foot=walk_lf.csv")
        if name not in PLACEMENTS:
            raise GaitError(
                f"--sensor {item!r}: unknown placement {name!r}; use one of {', '.join(PLACEMENTS)}"
            )
        if name in out:
            raise GaitError(f"--sensor {name} given twice")
        out[name] = Path(file)
    if not out:
        raise GaitError("no --sensor PLACEMENT=FILE given")
    return out


def check_out_dir(out_dir: Path, overwrite: bool = False) -> Path:
    """Refuse to mix an import into an existing session (unless ``overwrite``), and never replace a raw
    recording (its packet log is the primary record)."""
    out_dir = Path(out_dir)
    if (out_dir / LOG_FILE).exists():
        raise GaitError(f"{out_dir}: holds a raw recording ({LOG_FILE}), which is never overwritten; "
                        "choose another --out")
    if (out_dir / METADATA_FILE).exists() and not overwrite:
        raise GaitError(f"{out_dir}: a session already exists there; choose another --out or pass --force")
    if out_dir.exists() and not out_dir.is_dir():
        raise GaitError(f"{out_dir}: exists and is not a folder")
    return out_dir


def write_import_session(
    out_dir: Path,
    blocks: dict[str, SampleBlock],
    fmt: str,
    sensor_info: dict[str, dict],
    *,
    subject: str | None = None,
    condition: str | None = None,
    notes: str = "",
    extra: dict | None = None,
) -> Path:
    """Write samples first, metadata last (atomically), so a folder with ``session.json`` is complete;
    sample files of placements not in ``blocks`` (from a session replaced with ``--force``) are removed.

    ``sensor_info`` adds per-placement facts (source file, rate, lost samples, unit notes) to the sensor list.
    """
    out_dir = Path(out_dir)
    for block in blocks.values():
        write_samples(out_dir, block)
    for stale in set(sample_sensors(out_dir)) - set(blocks):  # left by a replaced (--force) session
        (out_dir / SAMPLES_DIR / f"{stale}.npz").unlink()
    sensors = []
    for name, block in blocks.items():
        sensors.append(
            {
                "placement": name,
                "profile": f"import:{fmt}",
                "address": None,
                "n_samples": len(block),
                "rate_hz": round(block.rate_hz, 6) if len(block) > 1 else None,  # JSON has no NaN
                **sensor_info.get(name, {}),
            }
        )
    meta = new_metadata(f"import:{fmt}", subject=subject or "unknown", condition=condition or "unknown",
                        notes=notes, sensors=sensors, **(extra or {}))
    return write_metadata(out_dir, meta)
