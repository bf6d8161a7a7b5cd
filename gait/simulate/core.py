"""``simulate()``: scenario + protocol + error model → per-sensor sample blocks and the ground truth."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from gait.conventions import PLACEMENTS, split_placement
from gait.errors import GaitError
from gait.simulate import gaitcycle
from gait.simulate.errors import ErrorModel, OutputErrors, draw_sensor_errors, resolve_errors
from gait.simulate.kinematics import Leg
from gait.simulate.protocol import Protocol
from gait.simulate.scenarios import Scenario, get_scenario
from gait.simulate.sensors import (
    SensorSpec,
    decimate_chunk,
    decimation,
    ideal_signals,
    impact_amplitudes,
)
from gait.simulate.truth import Truth, build_truth
from gait.types import SampleBlock

CHUNK_S = 10.0
MAX_RATE_HZ = 2000.0


@dataclass
class SimResult:
    """What :func:`simulate` returns: device-clock sample blocks plus everything that is true."""

    blocks: dict[str, SampleBlock]
    truth: Truth
    scenario: str
    seed: int
    rate_hz: float
    errors: ErrorModel
    parameters: dict = field(default_factory=dict)


def _check_args(duration_s, rate_hz, placements, protocol):
    if not np.isfinite(duration_s) or duration_s <= 0:
        raise GaitError(f"duration must be a positive number of seconds, got {duration_s!r}")
    if not np.isfinite(rate_hz) or not 10.0 <= rate_hz <= MAX_RATE_HZ:
        raise GaitError(f"rate must be between 10 and {MAX_RATE_HZ:g} Hz, got {rate_hz!r}")
    for name in placements:
        try:
            split_placement(name)
        except ValueError as exc:
            raise GaitError(str(exc)) from None
    protocol.check(duration_s)


def _legs(scenario, protocol, duration_s, rng, variability):
    spread = 1.0 if variability else 0.0
    k0, ic_right = gaitcycle.right_ic_times(scenario.stride_time_s, protocol.walk_start_s, duration_s, rng,
                                            spread)
    ic = {"right": ic_right, "left": gaitcycle.left_ic_times(ic_right, rng, spread)}
    legs = {}
    for side in ("right", "left"):
        plan = gaitcycle.build_plan(side, scenario.shape(side), scenario.stance_pct[side],
                                    scenario.stride_length_m, k0, ic[side], scenario.turns, rng, spread)
        legs[side] = Leg(side, scenario, plan, protocol)
    return legs


def _sensor_block(leg, spec, model, rate_hz, duration_s, rng, with_mag, progress) -> SampleBlock:
    """Generate one sensor chunk by chunk (bounded memory), on its own device clock."""
    factor, fir = decimation(rate_hz)
    half = (fir.size - 1) // 2
    drift = spec.errors.clock_drift_ppm * 1e-6
    base_step = 1.0 / (rate_hz * factor * (1.0 + drift))  # true seconds between base samples
    n_total = int(np.floor(duration_s * rate_hz * (1.0 + drift))) + 1  # samples with true time ≤ duration
    errs = OutputErrors(model, spec.errors, rate_hz, rng)
    out_g, out_a = np.empty((n_total, 3)), np.empty((n_total, 3))
    out_m = np.empty((n_total, 3)) if with_mag else None
    chunk = int(CHUNK_S * rate_hz)
    for n0 in range(0, n_total, chunk):
        n1 = min(n_total, n0 + chunk)
        base = np.arange(n0 * factor - half - 1, (n1 - 1) * factor + half + 2)
        gyr, acc, mag = ideal_signals(leg, spec, model, base * base_step, base_step, with_mag)
        t_true = np.arange(n0, n1) * factor * base_step
        gyr, acc = (decimate_chunk(x, fir, factor, n1 - n0) for x in (gyr, acc))
        mag = decimate_chunk(mag, fir, factor, n1 - n0) if mag is not None else None
        out_g[n0:n1], out_a[n0:n1], mag = errs.apply(t_true, gyr, acc, mag)
        if with_mag:
            out_m[n0:n1] = mag
        if progress:
            print(f"\r  {spec.placement}: {100 * n1 / n_total:5.1f} %", end="", file=sys.stderr, flush=True)
    if progress:
        print(file=sys.stderr)
    t_device = spec.errors.clock_offset_s + np.arange(n_total) / rate_hz
    return SampleBlock(spec.placement, t_device, out_a, out_g, out_m, clock="device")


def simulate(scenario: str | Scenario = "normal", duration_s: float = 60.0, seed: int = 0,
             rate_hz: float = 200.0, placements: Sequence[str] = PLACEMENTS, errors="realistic", *,
             protocol: Protocol | None = None, magnetometer: bool = True, variability: bool = True,
             progress: bool = False) -> SimResult:
    """Simulate a recording of ``scenario`` with ground truth (biomech.md §6; details in docs/walker.md).

    Parameters
    ----------
    scenario : one of :data:`gait.simulate.SCENARIOS`, or a :class:`Scenario` (e.g. from
        :func:`gait.simulate.scenarios.footwear_variant`).
    duration_s : total length including the calibration protocol (standing ≥ 5 s, taps, walking).
    seed : everything random (stride variability, sensor errors, noise) derives from it.
    rate_hz : output sample rate; signals are generated at ≥ 1 kHz and decimated with an anti-alias FIR.
    errors : "realistic" (biomech.md §6.3 defaults), "none" (ideal sensors) or an :class:`ErrorModel`.
    variability : False gives identical strides (for checking the curve definitions exactly).
    """
    model = resolve_errors(errors)
    protocol = protocol or Protocol()
    scen = get_scenario(scenario)
    _check_args(float(duration_s), float(rate_hz), placements, protocol)
    seeds = np.random.SeedSequence(int(seed)).spawn(2 + len(PLACEMENTS))
    legs = _legs(scen, protocol, float(duration_s), np.random.default_rng(seeds[0]), variability)
    blocks, specs = {}, {}
    for i, name in enumerate(PLACEMENTS):  # draw for every placement so subsets keep the same errors
        rng = np.random.default_rng(seeds[2 + i])
        side, segment = split_placement(name)
        errs = draw_sensor_errors(segment, model, rng)
        amps = impact_amplitudes(legs[side].plan.stance_frac.size, scen.impact_g[segment], model, rng)
        specs[name] = (SensorSpec(name, side, segment, errs, amps), rng)
    for name in placements:
        spec, rng = specs[name]
        side = spec.side
        blocks[name] = _sensor_block(legs[side], spec, model, float(rate_hz), float(duration_s), rng,
                                     magnetometer, progress)
    sensor_specs = {n: specs[n][0] for n in placements}
    truth = build_truth(legs, sensor_specs, protocol, float(duration_s), float(rate_hz))
    params = {"scenario": scen.name, "condition": scen.condition, "changes": list(scen.changes),
              "duration_s": float(duration_s), "rate_hz": float(rate_hz), "seed": int(seed),
              "cadence_steps_per_min": scen.cadence_steps_per_min, "stride_length_m": scen.stride_length_m,
              "stance_pct": scen.stance_pct, "coupling_k": scen.coupling_k, "variability": variability,
              "magnetometer": magnetometer, "errors": model.to_dict(),
              "protocol": {"standing_s": protocol.standing_s, "functional_s": protocol.functional_s,
                           "walk_start_s": protocol.walk_start_s, "ramp_s": protocol.ramp_s}}
    return SimResult(blocks, truth, scen.name, int(seed), float(rate_hz), model, params)
