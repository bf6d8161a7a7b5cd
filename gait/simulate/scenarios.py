"""Named walker scenarios: documented parameter changes relative to ``normal`` (biomech.md §6.2, §4).

Each scenario states what it changes and why in ``changes``; ``docs/walker.md`` lists the same table.
The effect sizes for footwear follow the meta-analyses quoted in biomech.md §0/§4 (motion-control shoes
reduce rearfoot eversion by ≈2.5°, Cheung 2011; posted orthoses reduce tibial IR by ≈1.3°, Mills 2010).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from gait.errors import GaitError
from gait.simulate.curves import RUN, WALK, CycleShape, dip_depth, scale_dip, scale_positive, set_values

STANCE_WINDOW = (0.0, 50.0)  # % GC key points treated as "the stance dip" of β and γ


@dataclass(frozen=True)
class Scenario:
    """Everything that makes one walking condition different from another."""

    name: str
    condition: str
    right: CycleShape
    left: CycleShape
    cadence_steps_per_min: float = 110.0
    stride_length_m: float = 1.42
    stance_pct: dict = field(default_factory=lambda: {"right": 61.0, "left": 61.0})
    coupling_k: float | None = None  # γ = γ_swing + k·(β − β_IC) when set (biomech.md §6.2)
    turns: bool = False
    swing_height_m: float = 0.07  # extra foot lift at mid-swing on top of the rocker path
    impact_g: dict = field(default_factory=lambda: {"foot": 3.0, "shank": 1.5})
    changes: tuple[str, ...] = ()

    def shape(self, side: str) -> CycleShape:
        return self.right if side == "right" else self.left

    @property
    def stride_time_s(self) -> float:
        return 120.0 / self.cadence_steps_per_min


def _both(shape: CycleShape) -> dict:
    return {"right": shape, "left": shape}


def _normal() -> Scenario:
    return Scenario("normal", "normal walking", **_both(WALK),
                    changes=("biomech.md §6.2 key points; 110 steps/min, 1.42 m strides (1.3 m/s), "
                             "stance 61 %",))


def _high_eversion() -> Scenario:
    shape = scale_dip(WALK, "beta", 2.0, STANCE_WINDOW)
    return Scenario("high_eversion", "high eversion", **_both(shape),
                    changes=("β stance dip ×2: eversion excursion 10° (normal 5°), "
                             "peak eversion velocity ×2",))


def _asymmetric() -> Scenario:
    left = scale_dip(WALK, "beta", 0.4, STANCE_WINDOW)  # excursion 5° → 2°
    left = scale_dip(left, "gamma", 0.25, STANCE_WINDOW)  # tibial IR excursion 4° → 1°
    left = scale_positive(left, "alpha", 0.6, (25.0, 60.0))  # peak stance DF 10° → 6°
    return Scenario("asymmetric", "asymmetric (left side changed)", right=WALK, left=left,
                    stance_pct={"right": 61.0, "left": 64.0},
                    changes=("left side only: eversion excursion −3° (5→2°), tibial IR excursion −3° (4→1°), "
                             "peak dorsiflexion −4° (10→6°), stance +3 pp (61→64 %)",))


def _coupling(k: float, name: str) -> Scenario:
    shape = set_values(WALK, "gamma", (0.0, 45.0), 0.0)  # no independent stance γ: all of it comes from k
    return Scenario(name, f"rearfoot-tibia coupling k={k:g}", **_both(shape), coupling_k=k,
                    changes=(f"γ stance dip removed, γ = γ_swing + {k:g}·(β − β_IC): tibial IR excursion "
                             f"= {k:g} × eversion excursion (Fischer 2018 in-vitro coupling 0.68)",))


def _running() -> Scenario:
    return Scenario("running", "running", **_both(RUN), cadence_steps_per_min=170.0, stride_length_m=2.12,
                    stance_pct={"right": 38.0, "left": 38.0}, swing_height_m=0.15,
                    impact_g={"foot": 12.0, "shank": 6.0},
                    changes=("≈3 m/s, 170 steps/min, stance 38 % (flight phase), eversion excursion 12°, "
                             "tibial IR rel. foot 7°, peak DF 20°, impacts 12 g foot / 6 g shank",))


def _turns() -> Scenario:
    return Scenario("turns", "walking with turns", **_both(WALK), turns=True,
                    changes=("normal curves; after every 6 straight strides a 90° left turn over 3 strides "
                             "(foot heading steps during each swing), strides 15 % shorter while turning",))


def _barefoot() -> Scenario:
    rows = [list(r) for r in WALK.keypoints]
    rows[0][1] = 15.0  # flatter foot at initial contact without a heel
    rows[-1][1] = 18.0  # and a lower late-swing peak (97.5 % GC), 22° shod
    shape = WALK.modified(keypoints=tuple(tuple(r) for r in rows))
    return Scenario("barefoot", "barefoot", **_both(shape), cadence_steps_per_min=114.0, stride_length_m=1.36,
                    changes=("reference condition for the footwear set: eversion excursion 5°, "
                             "foot pitch at IC "
                             "15° (20° shod), 114 steps/min, 1.36 m strides (shorter, quicker steps)",))


def _shoe_a() -> Scenario:
    shape = scale_dip(WALK, "beta", 1.2, STANCE_WINDOW)
    return Scenario("shoe_a", "shoe A (neutral cushioned)", **_both(shape),
                    changes=("neutral shoe: eversion excursion +1° vs barefoot (5→6°, flared heel lever); "
                             "tibial IR excursion unchanged 4°",))


def _shoe_b() -> Scenario:
    shape = scale_dip(WALK, "beta", 0.7, STANCE_WINDOW)  # 6° (shoe A) − 2.5° = 3.5°
    shape = scale_dip(shape, "gamma", 0.675, STANCE_WINDOW)  # 4° − 1.3° = 2.7°
    return Scenario("shoe_b", "shoe B (motion control)", **_both(shape),
                    changes=("motion-control shoe: eversion excursion 2.5° less than shoe A "
                             "(6→3.5°, Cheung 2011), "
                             "tibial IR excursion −1.3° (4→2.7°, Mills 2010)",))


_FACTORIES = {
    "normal": _normal,
    "high_eversion": _high_eversion,
    "asymmetric": _asymmetric,
    "coupling_k0": lambda: _coupling(0.0, "coupling_k0"),
    "coupling_k068": lambda: _coupling(0.68, "coupling_k068"),
    "running": _running,
    "turns": _turns,
    "barefoot": _barefoot,
    "shoe_a": _shoe_a,
    "shoe_b": _shoe_b,
}

SCENARIOS = tuple(_FACTORIES)


def footwear_variant(name: str, eversion_change_deg: float, base: str = "shoe_a") -> Scenario:
    """``base`` with the stance eversion excursion changed by ``eversion_change_deg`` (both sides).

    For tests of condition comparisons with an exact true change (e.g. −3° or −0.5° against shoe A); the
    eversion dip is rescaled, every other parameter stays as in ``base``.
    """
    ref = get_scenario(base)
    excursion_deg = dip_depth(ref.right, "beta", STANCE_WINDOW)
    factor = (excursion_deg + eversion_change_deg) / excursion_deg
    shape = scale_dip(ref.right, "beta", factor, STANCE_WINDOW)
    change = f"eversion excursion {eversion_change_deg:+g}° vs {base} ({excursion_deg:g}→" \
             f"{excursion_deg + eversion_change_deg:g}°)"
    return replace(ref, name=name, condition=f"{ref.condition}, {change}", **_both(shape),
                   changes=(*ref.changes, change))


def get_scenario(name: str | Scenario) -> Scenario:
    """The scenario called ``name`` (a :class:`Scenario` passes through); a GaitError otherwise."""
    if isinstance(name, Scenario):
        return name
    try:
        return _FACTORIES[name]()
    except KeyError:
        raise GaitError(f"unknown scenario {name!r}; choose one of: {', '.join(SCENARIOS)}") from None
