"""gaitmap's CSV layout: one file, per-sensor column groups, two header rows.

As written by ``pandas.DataFrame.to_csv`` for gaitmap's multi-sensor data (e.g. gaitmap's example
``imu_sample.csv``)::

    sensor,left_sensor,right_sensor,left_sensor,...
    axis,acc_x,acc_x,acc_y,...
    0,0.88,0.31,2.76,...

The first column is the sample index; accelerations are m/s², angular rates deg/s (gaitmap's units); the
rate is not in the file and must be given. An index with fractional values is taken as seconds.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from gait.errors import GaitError
from gait.io.csv_import import ACC_COLUMNS, GYR_COLUMNS, GYR_UNITS, check_time
from gait.io.session_out import write_import_session
from gait.io.table import Table, read_table
from gait.types import SampleBlock


def read_gaitmap_table(path: Path) -> Table:
    """Read the file and merge the two header rows into ``"<sensor>/<axis>"`` column names."""
    table = read_table(Path(path), delimiter=",", header_starts=("sensor",))
    axis_row = table.rows[0]
    if not axis_row or axis_row[0].strip() != "axis":
        raise GaitError(
            f"{table.path}:{int(table.line_numbers[0])}: expected the second header row to start with "
            f"'axis' (gaitmap layout: a 'sensor' row, then an 'axis' row)"
        )
    if len(axis_row) != len(table.header):
        raise GaitError(
            f"{table.path}:{int(table.line_numbers[0])}: the 'axis' row has {len(axis_row)} cells but the "
            f"'sensor' row has {len(table.header)}"
        )
    names = ["index"] + [f"{s}/{a.strip()}" for s, a in zip(table.header[1:], axis_row[1:], strict=True)]
    if len(table.rows) < 2:
        raise GaitError(f"{table.path}: no data rows after the two header rows")
    return Table(table.path, names, table.line_numbers[0], table.lines[1:], table.line_numbers[1:], [], ",")


def sensor_groups(table: Table) -> list[str]:
    """Sensor names present in the file, in column order."""
    return list(dict.fromkeys(name.split("/")[0] for name in table.header[1:]))


def read_gaitmap_sensor(table: Table, group: str, placement: str, rate_hz: float) -> SampleBlock:
    """One sensor's column group as a :class:`SampleBlock` (acc m/s², gyr converted from deg/s)."""
    if group not in sensor_groups(table):
        raise GaitError(
            f"{table.path}: no sensor {group!r} in the file (it has: {', '.join(sensor_groups(table))})"
        )
    index = table.numeric("index")
    is_samples = np.all(index == np.round(index))
    t_s = index / rate_hz if is_samples else index
    check_time(table, t_s, column="index")
    acc = np.column_stack([table.numeric(f"{group}/{c}") for c in ACC_COLUMNS])
    gyr = np.column_stack([table.numeric(f"{group}/{c}") for c in GYR_COLUMNS]) * GYR_UNITS["deg/s"]
    return SampleBlock(sensor=placement, t_s=t_s, acc_mps2=acc, gyr_rps=gyr, mag_uT=None, clock="session")


def split_file_group(spec: Path) -> tuple[Path, str | None]:
    """``file.csv:left_sensor`` → (file, group); a bare existing file → (file, None)."""
    text = str(spec)
    if Path(text).exists() or ":" not in text:
        return Path(text), None
    file, _, group = text.rpartition(":")
    return Path(file), group


def import_gaitmap(
    files: dict[str, Path],
    out_dir: Path,
    *,
    rate_hz: float,
    subject: str | None = None,
    condition: str | None = None,
) -> Path:
    """Import gaitmap CSV sensor groups; ``files`` maps placement → ``FILE[:SENSOR]``.

    ``SENSOR`` may be left out when the file holds one sensor only.
    """
    if not rate_hz or rate_hz <= 0:
        raise GaitError("gaitmap files do not store the sample rate: give it with --rate-hz (e.g. 204.8)")
    tables: dict[Path, Table] = {}
    blocks, info = {}, {}
    for placement, spec in files.items():
        path, group = split_file_group(spec)
        table = tables.get(path) or tables.setdefault(path, read_gaitmap_table(path))
        groups = sensor_groups(table)
        if group is None:
            if len(groups) != 1:
                raise GaitError(
                    f"{path}: holds several sensors ({', '.join(groups)}); "
                    f"choose one with --sensor {placement}={path}:SENSOR"
                )
            group = groups[0]
        blocks[placement] = read_gaitmap_sensor(table, group, placement, rate_hz)
        info[placement] = {"source_file": str(path), "source_sensor": group, "gyr_unit": "deg/s"}
    return write_import_session(out_dir, blocks, "gaitmap", info, subject=subject, condition=condition)
