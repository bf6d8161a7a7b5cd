"""Export a session: samples and per-stride results to CSV or Parquet, orientations to OpenSim ``.sto``.

* CSV: ``samples_<placement>.csv`` in the generic import layout (``time_s, acc_x..z [m/s²], gyr_x..z
  [rad/s][, mag_x..z [µT]]``, so ``gait import csv`` reads them back unchanged) and ``strides.csv`` (the same
  table as ``gait analyze --csv``).
* Parquet: ``samples.parquet`` (one row per sample, a ``placement`` column) and ``strides.parquet`` (typed
  columns, null = not available), via pyarrow.
* STO: ``orientations.sto``, OpenSense's quaternion table: one column per sensor named after the OpenSim body
  (``tibia_r_imu``, ``calcn_l_imu``, ...), cells ``w,x,y,z``, sensor→ground with ground = ISB/OpenSim
  (X forward, Y up), so OpenSense needs no ``sensor_to_opensim_rotations`` (use 0, 0, 0).

Samples are on the session clock (device clocks synchronised by the analysis plan).
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import numpy as np

from gait.errors import GaitError
from gait.io.csv_import import ACC_COLUMNS, GYR_COLUMNS, MAG_COLUMNS, TIME_COLUMN
from gait.types import SampleBlock

FORMATS = ("csv", "parquet", "sto")
OPENSIM_BODIES = {
    "left_shank": "tibia_l_imu",
    "right_shank": "tibia_r_imu",
    "left_foot": "calcn_l_imu",
    "right_foot": "calcn_r_imu",
}


def write_samples_csv(block: SampleBlock, path: Path) -> Path:
    """One sensor in the generic CSV import layout (full float precision)."""
    header = [TIME_COLUMN, *ACC_COLUMNS, *GYR_COLUMNS]
    columns = [block.t_s[:, None], block.acc_mps2, block.gyr_rps]
    if block.mag_uT is not None:
        header += list(MAG_COLUMNS)
        columns.append(block.mag_uT)
    np.savetxt(path, np.hstack(columns), delimiter=",", header=",".join(header), comments="", fmt="%.17g")
    return path


def samples_table(blocks: dict[str, SampleBlock]):
    """All sensors as one pyarrow table (placement, time_s, acc_*, gyr_*, mag_* with nulls when absent)."""
    import pyarrow as pa

    parts = []
    for name, block in blocks.items():
        n = len(block)
        cols = {"placement": pa.array([name] * n, pa.string()), TIME_COLUMN: block.t_s}
        for k, col in enumerate(ACC_COLUMNS):
            cols[col] = block.acc_mps2[:, k]
        for k, col in enumerate(GYR_COLUMNS):
            cols[col] = block.gyr_rps[:, k]
        for k, col in enumerate(MAG_COLUMNS):
            cols[col] = pa.nulls(n, pa.float64()) if block.mag_uT is None else pa.array(block.mag_uT[:, k])
        parts.append(pa.table(cols))
    return pa.concat_tables(parts)


def stride_records(result) -> list[dict]:
    """Typed per-stride rows (the ``gait analyze --csv`` columns; None = not available)."""
    from gait.pipeline.result import stride_rows

    return [{k: _plain(v) for k, v in row.items()} for row in stride_rows(result)]


def _plain(value):
    if isinstance(value, (float, np.floating)) and not np.isfinite(value):
        return None
    return value.item() if isinstance(value, np.generic) else value


_TEXT_FIELDS = ("session_id", "subject", "condition", "side", "exclusion_reason")


def write_strides_parquet(result, path: Path) -> Path:
    """Per-stride table with an explicit schema (metrics float64 even when every value is null)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from gait.pipeline.result import CSV_FIELDS

    def kind(name: str):
        if name in _TEXT_FIELDS:
            return pa.string()
        return {"stride_index": pa.int64(), "valid": pa.bool_()}.get(name, pa.float64())

    schema = pa.schema([(name, kind(name)) for name in CSV_FIELDS])
    pq.write_table(pa.Table.from_pylist(stride_records(result), schema=schema), path)
    return path


def write_sto(path: Path, t_s: np.ndarray, quats_wxyz: dict[str, np.ndarray], rate_hz: float) -> Path:
    """OpenSim quaternion table (``DataType=Quaternion``, cells ``w,x,y,z``) as OpenSense reads it."""
    names = [n for n in OPENSIM_BODIES if n in quats_wxyz]
    with open(path, "w", encoding="ascii", newline="\n") as fh:
        fh.write(f"DataRate={rate_hz:.6f}\nDataType=Quaternion\nversion=3\nOpenSimVersion=4.5\nendheader\n")
        fh.write("\t".join(["time", *(OPENSIM_BODIES[n] for n in names)]) + "\n")
        writer = csv.writer(fh, delimiter="\t", lineterminator="\n")
        for i, t in enumerate(t_s):
            cells = [",".join(f"{v:.8f}" for v in quats_wxyz[n][i]) for n in names]
            writer.writerow([f"{t:.6f}", *cells])
    return path


def sensor_orientations(plan, estimator: str) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Sensor→ISB-global quaternions (wxyz) of every sensor on the analysis grid of the session plan."""
    from gait.orientation import ImuSeries, enu_to_isb, get_estimator
    from gait.pipeline.stages import grid_indices, resample

    t_s = grid_indices(plan.t_start_s, plan.t_end_s, plan.rate_hz) / plan.rate_hz
    est = get_estimator(estimator)
    quats = {}
    for name, block in plan.blocks.items():
        acc, gyr = resample(block, t_s)
        quats[name] = enu_to_isb(est.estimate(ImuSeries(gyr, acc, None, plan.rate_hz, name)).quat)
    return t_s, quats


def export_session(
    session: Path, out: Path, fmt: str, *, estimator: str = "vqf", strides: bool = True
) -> list[Path]:
    """Export ``session`` into the folder ``out``; returns the files written."""
    from gait.pipeline.session import plan_session

    if fmt not in FORMATS:
        raise GaitError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    session, out = Path(session), Path(out)
    if out.exists() and not out.is_dir():
        raise GaitError(f"{out}: exists and is not a folder; --out names a folder for the exported files")
    plan = plan_session(session)
    out.mkdir(parents=True, exist_ok=True)
    if fmt == "sto":
        t_s, quats = sensor_orientations(plan, estimator)
        return [write_sto(out / "orientations.sto", t_s - t_s[0], quats, plan.rate_hz)]
    written = _write_samples(plan.blocks, out, fmt)
    if strides:
        written += _write_strides(plan, out, fmt, estimator)
    return written


def _write_samples(blocks: dict[str, SampleBlock], out: Path, fmt: str) -> list[Path]:
    if fmt == "csv":
        return [write_samples_csv(block, out / f"samples_{name}.csv") for name, block in blocks.items()]
    import pyarrow.parquet as pq

    pq.write_table(samples_table(blocks), out / "samples.parquet")
    return [out / "samples.parquet"]


def _write_strides(plan, out: Path, fmt: str, estimator: str) -> list[Path]:
    from gait.pipeline.offline import analyze_plan
    from gait.pipeline.result import write_csv

    result = analyze_plan(plan, estimator=estimator)
    if not result.strides:
        print(
            f"no strides found; strides file has a header only ({'; '.join(result.warnings)})",
            file=sys.stderr,
        )
    if fmt == "csv":
        write_csv([result], out / "strides.csv")
        return [out / "strides.csv"]
    return [write_strides_parquet(result, out / "strides.parquet")]
