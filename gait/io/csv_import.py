"""Generic CSV import (DESIGN §4): one file per sensor, columns ``time_s, acc_x..z, gyr_x..z[, mag_x..z]``.

Units are given by the caller (``acc_unit`` ``m/s2`` or ``g``, ``gyr_unit`` ``rad/s`` or ``deg/s``) or by the
file itself in the header (``acc_x [g]``, ``gyr_x(deg/s)``, ``mag_x [uT]``); defaults m/s², rad/s, µT. Sensor
axes may be arbitrary, the calibration stage finds the segment frame. Every bad input, an unknown unit in the
header included, is reported with file, line and column.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from gait.conventions import GRAVITY_MPS2
from gait.errors import GaitError
from gait.io.session_out import write_import_session
from gait.io.table import Table, read_table
from gait.types import SampleBlock

ACC_UNITS = {"m/s2": 1.0, "g": GRAVITY_MPS2}
GYR_UNITS = {"rad/s": 1.0, "deg/s": np.pi / 180.0}
MAG_UNITS = {"uT": 1.0, "µT": 1.0, "nT": 1e-3, "G": 100.0}
DEFAULT_UNITS = {"acc": "m/s2", "gyr": "rad/s", "mag": "uT"}
_UNITS = {"acc": ACC_UNITS, "gyr": GYR_UNITS, "mag": MAG_UNITS}
_HEADER_RE = re.compile(r"^\s*([A-Za-z0-9_]+)\s*(?:[\[(]\s*([^\])]*?)\s*[\])])?\s*$")
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


def header_units(table: Table, given: dict[str, str | None]) -> dict[str, str]:
    """Strip ``[unit]``/``(unit)`` from header names and settle each group's unit (header, caller, default).

    Conflicts (two units in one group, a header unit different from the caller's, an unknown unit) are
    :class:`GaitError` naming the file, the header line and the column.
    """
    found: dict[str, tuple[str, int]] = {}
    for idx, cell in enumerate(table.header):
        match = _HEADER_RE.match(cell)
        if not match:
            continue
        base, unit = match.group(1), match.group(2)
        table.header[idx] = base
        group = base.split("_")[0]
        if unit is None or group not in _UNITS:
            continue
        where = f"{table.path}:{table.header_line}: column {cell.strip()!r} (column {idx + 1})"
        if unit not in _UNITS[group]:
            raise GaitError(f"{where}: unknown unit {unit!r}; use one of {', '.join(_UNITS[group])}")
        if group in found and found[group][0] != unit:
            raise GaitError(
                f"{where}: unit {unit!r} differs from {found[group][0]!r} in column {found[group][1]}"
            )
        if given.get(group) and given[group] != unit:
            raise GaitError(
                f"{where}: the header says {unit!r} but {given[group]!r} was given on the command line"
            )
        found[group] = (unit, idx + 1)
    return {g: found[g][0] if g in found else (given.get(g) or DEFAULT_UNITS[g]) for g in _UNITS}


def read_csv_sensor(
    path: Path, sensor: str, acc_unit: str | None = None, gyr_unit: str | None = None
) -> SampleBlock:
    """Read one generic CSV file into a :class:`SampleBlock` in SI units (``None`` unit = header/default)."""
    return read_csv_with_units(path, sensor, acc_unit, gyr_unit)[0]


def read_csv_with_units(
    path: Path, sensor: str, acc_unit: str | None = None, gyr_unit: str | None = None
) -> tuple[SampleBlock, dict[str, str]]:
    """:func:`read_csv_sensor` plus the units that were applied per group (acc, gyr, mag)."""
    unit_factor(acc_unit or DEFAULT_UNITS["acc"], ACC_UNITS, "accelerometer")
    unit_factor(gyr_unit or DEFAULT_UNITS["gyr"], GYR_UNITS, "gyroscope")
    table = read_table(Path(path), header_starts=(TIME_COLUMN,))
    units = header_units(table, {"acc": acc_unit, "gyr": gyr_unit})
    for column in (TIME_COLUMN, *ACC_COLUMNS, *GYR_COLUMNS):
        table.column_index(column)  # a missing column is the first thing to say (before any cell problem)
    t_s = table.numeric(TIME_COLUMN)
    check_time(table, t_s)
    acc = np.column_stack([table.numeric(c) for c in ACC_COLUMNS]) * ACC_UNITS[units["acc"]]
    gyr = np.column_stack([table.numeric(c) for c in GYR_COLUMNS]) * GYR_UNITS[units["gyr"]]
    mag = None
    if any(table.has(c) for c in MAG_COLUMNS):
        mag = np.column_stack([table.numeric(c) for c in MAG_COLUMNS]) * MAG_UNITS[units["mag"]]
    else:
        units.pop("mag")
    block = SampleBlock(sensor=sensor, t_s=t_s, acc_mps2=acc, gyr_rps=gyr, mag_uT=mag, clock="session")
    return block, units


def import_csv(
    files: dict[str, Path],
    out_dir: Path,
    *,
    acc_unit: str | None = None,
    gyr_unit: str | None = None,
    subject: str | None = None,
    condition: str | None = None,
) -> Path:
    """Import one CSV per placement into a session folder; returns the ``session.json`` path.

    Files are assumed to share one time base (``time_s`` on a common clock), as the format specifies.
    """
    blocks, info = {}, {}
    for name, path in files.items():
        blocks[name], units = read_csv_with_units(path, name, acc_unit, gyr_unit)
        info[name] = {"source_file": str(path), **{f"{group}_unit": unit for group, unit in units.items()}}
    return write_import_session(out_dir, blocks, "csv", info, subject=subject, condition=condition)
