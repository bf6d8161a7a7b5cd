"""gaitmap's half of the side-by-side benchmark; runs in the benchmark venv ``.venv-bench``, never ``.venv``.

Usage: ``.venv-bench/bin/python benchmarks/gaitmap_side.py IN_DIR OUT_JSON``. ``IN_DIR`` holds one
``<trial>.npz`` per trial written by ``bench_gaitmap.py`` (``rate_hz``, and per foot ``left_acc_mps2``,
``left_gyr_rps``, ... on a uniform grid). This script imports gaitmap, numpy and pandas, never the project,
so the two environments exchange plain arrays and JSON.

For each alignment variant it runs gaitmap's stride segmentation + event detection as its documentation
shows (``BarthDtw`` with its default template, then ``RamppEventDetection``, on foot-body-frame data made by
``convert_to_fbf``). The variants differ only in how the Xsens sensor axes are brought into gaitmap's foot
sensor frame (FSF: x forward to the toes, y left, z up) before ``convert_to_fbf``:

* ``none``: the raw Xsens axes are taken as the FSF (what happens if the alignment step is skipped);
* ``gravity``: ``align_dataset_to_gravity`` (the step of gaitmap's full-pipeline example);
* ``auto``: ``align_dataset_to_gravity`` → ``PcaAlignment`` (y onto the main rotation axis) →
  ``ForwardDirectionSignAlignment`` (x forward), gaitmap's automatic alignment for unknown mountings;
* ``manual``: a fixed 180° turn about the sensor z axis (the Voisard MTw x axis points back up the dorsum, so
  x→forward, y→left) followed by ``align_dataset_to_gravity`` — what a user who looked at the data would do.

Writes, per variant, the wall and CPU time of alignment + segmentation + event detection for every trial in
one process (import and a warm-up run that triggers numba's compilation are excluded and reported), and per
trial and foot the detected IC and TC sample indices on the given grid.
"""

from __future__ import annotations

import json
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

IMPORT_START = time.perf_counter()
from gaitmap.event_detection import RamppEventDetection  # noqa: E402
from gaitmap.preprocessing import align_dataset_to_gravity  # noqa: E402
from gaitmap.preprocessing.sensor_alignment import (  # noqa: E402
    ForwardDirectionSignAlignment,
    PcaAlignment,
)
from gaitmap.stride_segmentation import BarthDtw  # noqa: E402
from gaitmap.utils.coordinate_conversion import convert_to_fbf  # noqa: E402
from gaitmap.utils.rotations import rotate_dataset  # noqa: E402
from scipy.spatial.transform import Rotation  # noqa: E402

IMPORT_S = time.perf_counter() - IMPORT_START
VARIANTS = ("none", "gravity", "auto", "manual")
SENSORS = {"left": "left_sensor", "right": "right_sensor"}
COLUMNS = ["acc_x", "acc_y", "acc_z", "gyr_x", "gyr_y", "gyr_z"]


def load_dataset(path: Path) -> tuple[dict[str, pd.DataFrame], float]:
    """A gaitmap multi-sensor dataset (acc m/s², gyr deg/s as gaitmap expects) from one exchange file."""
    arrays = np.load(path)
    data = {}
    for side, name in SENSORS.items():
        values = np.hstack([arrays[f"{side}_acc_mps2"], np.rad2deg(arrays[f"{side}_gyr_rps"])])
        data[name] = pd.DataFrame(values, columns=COLUMNS)
    return data, float(arrays["rate_hz"])


def align(data: dict[str, pd.DataFrame], rate_hz: float, variant: str) -> dict[str, pd.DataFrame]:
    """Bring the sensor axes into gaitmap's foot sensor frame (see the module docstring)."""
    if variant == "none":
        return data
    if variant == "manual":
        data = rotate_dataset(data, Rotation.from_euler("z", 180, degrees=True))
    data = align_dataset_to_gravity(data, rate_hz)
    if variant == "auto":
        data = PcaAlignment(target_axis="y", pca_plane_axis=("gyr_x", "gyr_y")).align(data).aligned_data_
        forward = ForwardDirectionSignAlignment(forward_direction="x", rotation_axis="z")
        data = forward.align(data, sampling_rate_hz=rate_hz).aligned_data_
    return data


def run_pipeline(data: dict[str, pd.DataFrame], rate_hz: float, variant: str) -> dict[str, dict[str, list]]:
    """IC/TC sample indices per foot from segmentation + event detection on the aligned data."""
    body = convert_to_fbf(align(data, rate_hz, variant), left_like="left_", right_like="right_")
    dtw = BarthDtw().segment(data=body, sampling_rate_hz=rate_hz)
    events = RamppEventDetection().detect(data=body, stride_list=dtw.stride_list_, sampling_rate_hz=rate_hz)
    out = {}
    for side, name in SENSORS.items():
        found = events.annotated_original_event_list_[name]
        out[side] = {
            "n_strides": int(len(dtw.stride_list_[name])),
            "ic": sorted({float(v) for v in found["ic"].dropna()}),
            "tc": sorted({float(v) for v in found["tc"].dropna()}),
        }
    return out


def warm_up(datasets: dict) -> float:
    """Run every variant once on the first trial so numba's just-in-time compilation is not timed."""
    start = time.perf_counter()
    data, rate_hz = next(iter(datasets.values()))
    for variant in VARIANTS:
        run_pipeline(data, rate_hz, variant)
    return time.perf_counter() - start


def main(in_dir: str, out_json: str) -> None:
    datasets = {p.stem: load_dataset(p) for p in sorted(Path(in_dir).glob("*.npz"))}
    result = {"import_s": IMPORT_S, "warm_up_s": warm_up(datasets), "variants": {}}
    for variant in VARIANTS:
        trials, errors = {}, {}
        start, start_cpu = time.perf_counter(), time.process_time()
        for code, (data, rate_hz) in datasets.items():
            try:
                trials[code] = run_pipeline(data, rate_hz, variant)
            except Exception as exc:  # one failing trial is reported, the others still count
                errors[code] = f"{type(exc).__name__}: {exc}"
        wall_s, cpu_s = time.perf_counter() - start, time.process_time() - start_cpu
        result["variants"][variant] = {"wall_s": wall_s, "cpu_s": cpu_s, "trials": trials, "errors": errors}
    Path(out_json).write_text(json.dumps(result), encoding="utf-8")


if __name__ == "__main__":
    warnings.simplefilter("ignore")  # gaitmap/pandas deprecation chatter would drown the table
    main(*sys.argv[1:3])
