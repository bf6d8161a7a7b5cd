"""Generic CSV import (DESIGN §4): one file per sensor, columns ``time_s, acc_x..z, gyr_x..z[, mag_x..z]``.

Units are given by the caller (``acc_unit`` ``m/s2`` or ``g``, ``gyr_unit`` ``rad/s`` or ``deg/s``);
sensor axes may be arbitrary, the calibration stage finds the segment frame. Magnetometer columns, if
present, are taken as µT. Every bad input is reported with file, line and column.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from gait.conventions import GRAVITY_MPS2
from gait.errors import GaitError
from gait.io.session_out import write_import_session
from gait.io.table import Table, read_table
from gait.types import SampleBlock

ACC_UNITS = {"m/s2": 1.0, "g": GRAVITY_MPS2}
GYR_UNITS = {"rad/s": 1.0, "deg/s": np.pi / 180.0}
TIME_COLUMN = "time_s"
ACC_COLUMNS = ("acc_x", "acc_y", "acc_z")
GYR_COLUMNS = ("gyr_x", "gyr_y", "gyr_z")
MAG_COLUMNS = ("mag_x", "mag_y", "mag_z")


def unit_factor(unit: str, table: dict[str, float], what: str) -> float:
    """SI factor for a unit name; an unknown name is a :class:`GaitError` listing the accepted ones."""
    try:
        return table[unit]
    except KeyError:
        raise GaitError(f"unknown {what} unit {unit!r}; use one of {', '.join(table)}") from None


def check_time(table: Table, t_s: np.ndarray, column: str = TIME_COLUMN) -> None:
    """Time must increase strictly; the first offending row is named by file line and column."""
    bad = np.nonzero(np.diff(t_s) <= 0)[0]
    if bad.size:
        k = int(bad[0]) + 1
        raise table.error(
            k,
            column,
            f"time {t_s[k]:g} is not after the previous {t_s[k - 1]:g} (time must increase strictly)",
        )


def read_csv_sensor(path: Path, sensor: str, acc_unit: str = "m/s2", gyr_unit: str = "rad/s") -> SampleBlock:
    """Read one generic CSV file into a :class:`SampleBlock` in SI units."""
    acc_scale = unit_factor(acc_unit, ACC_UNITS, "accelerometer")
    gyr_scale = unit_factor(gyr_unit, GYR_UNITS, "gyroscope")
    table = read_table(Path(path), header_starts=(TIME_COLUMN,))
    t_s = table.numeric(TIME_COLUMN)
    check_time(table, t_s)
    acc = np.column_stack([table.numeric(c) for c in ACC_COLUMNS]) * acc_scale
    gyr = np.column_stack([table.numeric(c) for c in GYR_COLUMNS]) * gyr_scale
    mag = None
    if any(table.has(c) for c in MAG_COLUMNS):
        mag = np.column_stack([table.numeric(c) for c in MAG_COLUMNS])
    return SampleBlock(sensor=sensor, t_s=t_s, acc_mps2=acc, gyr_rps=gyr, mag_uT=mag, clock="session")


def import_csv(
    files: dict[str, Path],
    out_dir: Path,
    *,
    acc_unit: str = "m/s2",
    gyr_unit: str = "rad/s",
    subject: str | None = None,
    condition: str | None = None,
) -> Path:
    """Import one CSV per placement into a session folder; returns the ``session.json`` path.

    Files are assumed to share one time base (``time_s`` on a common clock), as the format specifies.
    """
    blocks = {name: read_csv_sensor(path, name, acc_unit, gyr_unit) for name, path in files.items()}
    info = {
        name: {"source_file": str(path), "acc_unit": acc_unit, "gyr_unit": gyr_unit}
        for name, path in files.items()
    }
    return write_import_session(out_dir, blocks, "csv", info, subject=subject, condition=condition)
