"""Store a simulation as a session folder and read its ground truth back.

Layout (documented in ``docs/walker.md``)::

    session.json          source "simulated", subject, condition, sensors, calibration windows, simulation
    samples/<p>.npz       samples on the session (= true) clock (gait.recording.samples contract)
    truth/truth.npz       t_s, quat_<placement> (N,4 wxyz segment→global), angles_<side> (N,3 α β γ deg),
                          foot_pos_<side> (N,3 m), ic_<side>_s, tc_<side>_s, mount_<placement> (4,)
    truth/truth.json      schema gait.truth/1: rate, events, per-stride metrics, mounting, clocks, windows
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import replace
from pathlib import Path

import numpy as np

from gait.errors import GaitError
from gait.io.session_out import check_out_dir as check_import_out_dir
from gait.recording.metadata import new_metadata, write_metadata
from gait.recording.samples import write_samples
from gait.simulate.truth import Truth
from gait.types import SampleBlock

TRUTH_DIR = "truth"
TRUTH_SCHEMA = "gait.truth/1"


def check_out_dir(out_dir: Path, overwrite: bool = False) -> Path:
    """Fail early (GaitError) if ``out_dir`` is not a folder we may write a new session into.

    The importers' check (not a file, no session there unless ``overwrite``) plus a real write probe.
    """
    out_dir = check_import_out_dir(out_dir, overwrite)
    try:
        (out_dir / TRUTH_DIR).mkdir(parents=True, exist_ok=True)
        probe = out_dir / ".write-test"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise GaitError(f"{out_dir}: cannot write there ({exc.strerror}); choose a writable folder") from None
    return out_dir


def on_session_clock(block: SampleBlock, truth: Truth) -> SampleBlock:
    """The block with its device times mapped exactly to the true (= session) clock.

    ``samples/`` holds session-clock times by contract (gait.recording.samples), so a stored simulation is
    read like an import; the in-memory :class:`SimResult` keeps device clocks for testing synchronisation.
    """
    if block.clock == "session":
        return block
    clock = truth.clock[block.sensor]
    t_true = (block.t_s - clock["offset_s"]) / (1.0 + clock["drift_ppm"] * 1e-6)
    return replace(block, t_s=t_true, clock="session")


def _truth_arrays(truth: Truth) -> dict[str, np.ndarray]:
    arrays = {"t_s": truth.t_s}
    for p, q in truth.quat_wxyz.items():
        arrays[f"quat_{p}"] = q
    for p, q in truth.mounting_wxyz.items():
        arrays[f"mount_{p}"] = np.asarray(q)
    for side in truth.angles_deg:
        arrays[f"angles_{side}"] = truth.angles_deg[side]
        arrays[f"foot_pos_{side}"] = truth.foot_pos_m[side]
        arrays[f"ic_{side}_s"] = truth.events[side]["ic_s"]
        arrays[f"tc_{side}_s"] = truth.events[side]["tc_s"]
    return arrays


def _truth_json(truth: Truth) -> dict:
    return {
        "schema": TRUTH_SCHEMA,
        "rate_hz": truth.rate_hz,
        "frames": "ISB: X forward, Y up, Z right; quaternions wxyz segment→global; mounting sensor→segment",
        "angles": "alpha dorsiflexion+, beta inversion+ (eversion −), gamma foot internal rotation+; "
                  "left side mirrored (β, γ negated) so + is the same anatomical motion; "
                  "tibial IR rel. foot = −gamma",
        "clock_model": truth.extra.get("clock_model"),
        "sensor_errors": truth.extra.get("sensor_errors", {}),
        "events": {s: {k: [float(x) for x in v] for k, v in ev.items()} for s, ev in truth.events.items()},
        "strides": truth.strides,
        "mounting_wxyz": {p: [float(x) for x in q] for p, q in truth.mounting_wxyz.items()},
        "clock": truth.clock,
        "windows": truth.windows,
    }


def write_session(result, out_dir, *, subject: str = "SIM-001", overwrite: bool = False,
                  notes: str = "") -> Path:
    """Write ``result`` (a SimResult) as a session folder, ``session.json`` last (then it is complete)."""
    out_dir = check_out_dir(Path(out_dir), overwrite)
    try:
        for block in result.blocks.values():
            write_samples(out_dir, on_session_clock(block, result.truth))
        np.savez(out_dir / TRUTH_DIR / "truth.npz", **_truth_arrays(result.truth))
        text = json.dumps(_truth_json(result.truth), indent=1) + "\n"
        (out_dir / TRUTH_DIR / "truth.json").write_text(text, encoding="utf-8")
        sensors = [{"placement": p, "profile": "simulated", "address": None, "n_samples": len(b),
                    "rate_hz": result.rate_hz, "magnetometer": b.mag_uT is not None,
                    "device_clock": result.truth.clock[p]} for p, b in result.blocks.items()]
        meta = new_metadata(
            "simulated", subject=subject, sensors=sensors, calibration=result.truth.windows,
            condition=result.parameters.get("condition", result.scenario),
            notes=notes or f"synthetic walker, scenario {result.scenario}, seed {result.seed}",
            simulation=result.parameters)
        return write_metadata(out_dir, meta)
    except OSError as exc:
        raise GaitError(f"{out_dir}: writing the session failed ({exc.strerror or exc})") from None


def load_truth(session_dir) -> Truth:
    """Read ``truth/`` of a simulated session back into a :class:`Truth`."""
    folder = Path(session_dir) / TRUTH_DIR
    try:
        meta = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
        with np.load(folder / "truth.npz", allow_pickle=False) as npz:
            arrays = {k: npz[k] for k in npz.files}
    except FileNotFoundError:
        raise GaitError(f"{session_dir}: no ground truth (truth/truth.json, truth.npz); "
                        "only sessions written by `gait simulate` have one") from None
    except (json.JSONDecodeError, zipfile.BadZipFile, ValueError, OSError) as exc:
        raise GaitError(f"{folder}: damaged ground truth ({exc})") from None
    if meta.get("schema") != TRUTH_SCHEMA:
        raise GaitError(f"{folder / 'truth.json'}: unknown truth schema {meta.get('schema')!r}")
    pick = lambda prefix: {k[len(prefix):]: v for k, v in arrays.items() if k.startswith(prefix)}  # noqa: E731
    sides = list(pick("angles_"))
    events = {s: {"ic_s": arrays[f"ic_{s}_s"], "tc_s": arrays[f"tc_{s}_s"]} for s in sides}
    return Truth(arrays["t_s"], pick("quat_"), pick("angles_"), pick("foot_pos_"), events, meta["strides"],
                 pick("mount_"), meta["clock"], meta["windows"], float(meta["rate_hz"]),
                 extra={"clock_model": meta.get("clock_model"),
                        "sensor_errors": meta.get("sensor_errors", {})})
