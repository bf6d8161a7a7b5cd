"""Xsens MT Manager text exports (``*.txt``, tab separated), as in ``shared/data/``.

Handles the two layouts seen in practice:

* Voisard/IPOL: first line ``Acquisition frequency: 100 Hz``, then
  ``PacketCounter Acc_X .. Gyr_X .. Mag_X ..``.
* OpenSense example: ``//`` header lines (``// Update Rate: 100.0Hz``), then ``PacketCounter SampleTimeFine
  ... Acc_X .. Mat[1][1] ..``: no gyroscope, but the on-board orientation matrix; the angular rate is then
  derived from consecutive orientations (stated in the session metadata).

Time comes from the packet counter (uint16, unwrapped) divided by the rate, so missing packets stay gaps
(never interpolated) and files of unequal length from one recording line up on the counter. Magnetometer
values in these exports are normalised to the local field (a.u., not µT) and are not imported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy.spatial.transform import Rotation

from gait.errors import GaitError
from gait.io.session_out import write_import_session
from gait.io.table import Table, read_table
from gait.types import SampleBlock

COUNTER_MODULO = 65536
_RATE_RE = re.compile(r"(?:frequency|rate)\s*:\s*([0-9]+(?:\.[0-9]*)?)\s*Hz", re.IGNORECASE)
_AXES = ("X", "Y", "Z")


@dataclass
class XsensRecording:
    """One Xsens MT text export, in SI units; ``counter`` (int64, unwrapped) is per kept sample.

    ``row_counter`` maps a data-row index of the file (as other tools count samples, e.g. annotations) to
    its packet counter.
    """

    path: Path
    rate_hz: float
    counter: np.ndarray
    acc_mps2: np.ndarray
    gyr_rps: np.ndarray
    gyr_source: str  # "Gyr columns" or "derived from orientation matrix"
    row_counter: np.ndarray  # unwrapped counter of every data row in file order (incl. dropped repeats)
    notes: list[str] = field(default_factory=list)

    @property
    def lost_samples(self) -> int:
        return int(self.counter[-1] - self.counter[0] + 1 - len(self.counter))


def read_xsens_mt(path: Path, rate_hz: float | None = None) -> XsensRecording:
    """Parse one export. ``rate_hz`` overrides (or supplies) the rate from the header lines."""
    table = read_table(Path(path), delimiter="\t", header_starts=("PacketCounter",), comment_prefix="//")
    rate = rate_hz or _rate_from_preamble(table)
    row_counter, keep = _unwrapped_counter(table)
    counter = row_counter[keep]
    acc = np.column_stack([table.numeric(f"Acc_{a}") for a in _AXES])[keep]
    notes = []
    if not keep.all():
        notes.append(f"{int((~keep).sum())} repeated packet counter(s): later copies dropped")
    if table.has("Gyr_X"):
        gyr = np.column_stack([table.numeric(f"Gyr_{a}") for a in _AXES])[keep]
        source = "Gyr columns"
    elif table.has("Mat[1][1]"):
        gyr = rate_from_orientation(_orientation_matrices(table)[keep], counter / rate)
        source = "derived from orientation matrix"
        notes.append("no Gyr columns: angular rate derived from the on-board orientation (Mat)")
    else:
        raise GaitError(
            f"{table.path}:{table.header_line}: no gyroscope columns (Gyr_X..Z) and no orientation matrix "
            f"(Mat[i][j]); export them from MT Manager"
        )
    if table.has("Mag_X"):
        notes.append("Mag columns not imported (Xsens exports normalised a.u., not µT)")
    return XsensRecording(table.path, rate, counter, acc, gyr, source, row_counter, notes)


def rate_from_orientation(rot_sg: np.ndarray, t_s: np.ndarray) -> np.ndarray:
    """Angular rate in the sensor frame (rad/s) from sensor→global rotation matrices (N,3,3).

    Uses the relative rotation between neighbours (R_kᵀ·R_k+1 as a rotation vector over its time step),
    averaged onto the samples; exact for constant rate, and it respects gaps in ``t_s``.
    """
    rots = Rotation.from_matrix(rot_sg)
    if len(rots) < 2:
        return np.zeros((len(rots), 3))
    step = (rots[:-1].inv() * rots[1:]).as_rotvec() / np.diff(t_s)[:, None]
    out = np.empty((len(rots), 3))
    out[0], out[-1] = step[0], step[-1]
    out[1:-1] = 0.5 * (step[:-1] + step[1:])
    return out


def to_blocks(recordings: dict[str, XsensRecording], trim: bool = True) -> dict[str, SampleBlock]:
    """Put recordings of one session on a common clock: time 0 = the first shared packet counter.

    Awinda sensors share the station's counter, so equal counters are equal times. With ``trim`` only the
    counter range covered by every file is kept (files of one recording often stop at different times).
    """
    first = max(r.counter[0] for r in recordings.values())
    last = min(r.counter[-1] for r in recordings.values())
    if trim and last < first:
        raise GaitError(
            "the files do not overlap in packet counter ("
            + ", ".join(f"{r.path.name}: {r.counter[0]}..{r.counter[-1]}" for r in recordings.values())
            + "); are they from the same recording?"
        )
    origin = first if trim else min(r.counter[0] for r in recordings.values())
    blocks = {}
    for name, rec in recordings.items():
        keep = (rec.counter >= first) & (rec.counter <= last) if trim else slice(None)
        blocks[name] = SampleBlock(
            sensor=name,
            t_s=(rec.counter[keep] - origin) / rec.rate_hz,
            acc_mps2=rec.acc_mps2[keep],
            gyr_rps=rec.gyr_rps[keep],
            mag_uT=None,
            clock="session",
        )
    return blocks


def import_xsens_mt(
    files: dict[str, Path],
    out_dir: Path,
    *,
    rate_hz: float | None = None,
    trim: bool = True,
    subject: str | None = None,
    condition: str | None = None,
) -> Path:
    """Import one Xsens export per placement into a session folder; returns the ``session.json`` path."""
    recordings = {name: read_xsens_mt(path, rate_hz) for name, path in files.items()}
    rates = {r.rate_hz for r in recordings.values()}
    if len(rates) > 1:
        raise GaitError(f"files have different rates ({sorted(rates)} Hz); import them as separate sessions")
    blocks = to_blocks(recordings, trim=trim)
    info = {
        name: {
            "source_file": str(rec.path),
            "first_packet_counter": int(rec.counter[0]),
            "lost_samples": rec.lost_samples,
            "gyr_source": rec.gyr_source,
            "import_notes": rec.notes,
        }
        for name, rec in recordings.items()
    }
    return write_import_session(out_dir, blocks, "xsens-mt", info, subject=subject, condition=condition)


def _rate_from_preamble(table: Table) -> float:
    for line in table.preamble:
        match = _RATE_RE.search(line)
        if match and float(match.group(1)) > 0:
            return float(match.group(1))
    raise GaitError(
        f"{table.path}: no sample rate in the header lines (e.g. 'Update Rate: 100.0Hz'); "
        "give it with --rate-hz"
    )


def _unwrapped_counter(table: Table) -> tuple[np.ndarray, np.ndarray]:
    """Unwrapped counter per data row and the mask of rows to keep (first of each repeated counter).

    Real exports occasionally repeat a counter (one in the Voisard set: the same packet written twice with
    slightly different values); the repeat is dropped and counted. A counter going backwards is an error.
    """
    raw = table.numeric("PacketCounter")
    step = np.diff(raw)
    step[step < -COUNTER_MODULO // 2] += COUNTER_MODULO
    bad = np.nonzero(step < 0)[0]
    if bad.size:
        k = int(bad[0]) + 1
        raise table.error(
            k,
            "PacketCounter",
            f"counter {raw[k]:g} goes back (previous {raw[k - 1]:g}); the file is out of order or two "
            "exports were joined",
        )
    counter = np.concatenate([[0], np.cumsum(step)]).astype(np.int64) + int(raw[0])
    keep = np.concatenate([[True], step > 0])
    return counter, keep


def _orientation_matrices(table: Table) -> np.ndarray:
    mats = np.empty((len(table.rows), 3, 3))
    for i in range(3):
        for j in range(3):
            mats[:, i, j] = table.numeric(f"Mat[{i + 1}][{j + 1}]")
    return mats
