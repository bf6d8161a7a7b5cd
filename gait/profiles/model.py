"""In-memory firmware profile: what the loader builds from a validated YAML file.

Everything here is immutable and already resolved (characteristic names → UUIDs, hex → bytes, units →
SI factors), so acquisition and decoding never look at raw YAML.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from gait.conventions import GRAVITY_MPS2
from gait.errors import ProfileError

StepKind = Literal["write", "subscribe", "unsubscribe", "read", "sleep"]

#: Factor from a profile unit to the SI unit the pipeline uses (m/s², rad/s, µT). ``au`` has no SI meaning.
UNIT_TO_SI: dict[str, float] = {
    "g": GRAVITY_MPS2,
    "mg": GRAVITY_MPS2 / 1000.0,
    "m/s2": 1.0,
    "deg/s": math.pi / 180.0,
    "rad/s": 1.0,
    "uT": 1.0,
    "mG": 0.1,
    "gauss": 100.0,
    "au": 1.0,
}
TIME_UNIT_S: dict[str, float] = {"s": 1.0, "ms": 1e-3, "us": 1e-6, "ns": 1e-9}
#: Byte size per field type (numpy dtype: see gait.decode.layout.numpy_dtype).
TYPE_SIZE: dict[str, int] = {"u8": 1, "i8": 1, "u16": 2, "i16": 2, "u32": 4, "i32": 4, "f32": 4, "f64": 8}


@dataclass(frozen=True, slots=True)
class Step:
    """One GATT action of a session sequence. ``char`` is a full 128-bit UUID (None for ``sleep``);
    ``delay_s`` is how long to wait *after* the action."""

    kind: StepKind
    char: str | None = None
    payload: bytes = b""
    response: bool = False
    delay_s: float = 0.0


@dataclass(frozen=True, slots=True)
class Gatt:
    """GATT layout: service UUID, named characteristics, notify characteristics, optional control point."""

    service: str
    characteristics: Mapping[str, str]
    data: tuple[str, ...]  # UUIDs of notify characteristics carrying samples
    control: str | None
    mtu_min: int = 23


@dataclass(frozen=True, slots=True)
class Session:
    """Ordered steps run after connecting (and again after each reconnect), per-rate commands, stop."""

    setup: tuple[Step, ...]
    start: tuple[Step, ...]
    stop: tuple[Step, ...]
    rates: Mapping[float, tuple[Step, ...]]


@dataclass(frozen=True, slots=True)
class Match:
    """How a scanned advertisement is recognised (``mode`` any: one criterion suffices; all: every one)."""

    mode: Literal["any", "all"] = "any"
    name_regex: str | None = None
    service_uuids: tuple[str, ...] = ()
    manufacturer_id: int | None = None
    manufacturer_data_prefix: bytes = b""


@dataclass(frozen=True, slots=True)
class HeaderField:
    """An integer field present once per frame, at a byte offset from the frame start."""

    name: str
    type: str
    offset: int
    expect_mask: int | None = None
    expect_value: int | None = None


@dataclass(frozen=True, slots=True)
class SampleField:
    """A per-sample quantity: ``count`` values of ``type``, times ``si_scale`` gives SI units."""

    name: str  # acc | gyro | mag | skip
    type: str
    count: int
    scale: float
    unit: str
    present_if: tuple[str, int] | None = None  # (header field, bit)

    @property
    def size(self) -> int:
        return TYPE_SIZE[self.type] * self.count

    @property
    def si_scale(self) -> float:
        return self.scale * UNIT_TO_SI[self.unit]


@dataclass(frozen=True, slots=True)
class Samples:
    """Where samples sit in a frame and how many there are."""

    offset: int
    count_mode: Literal["fixed", "from_field", "from_length"]
    count_fixed: int | None
    count_field: str | None
    count_max: int
    per_packet: int  # samples per packet the encoder writes (and virtual sensors send)
    layout: Literal["interleaved", "planar"]
    fields: tuple[SampleField, ...]


@dataclass(frozen=True, slots=True)
class Framing:
    """``notification``: one frame per notification; ``stream``: byte stream cut at ``sync`` into frames."""

    mode: Literal["notification", "stream"]
    sync: bytes = b""
    frame_len: int | None = None
    match_prefix: bytes = b""
    pad_to: int | None = None


@dataclass(frozen=True, slots=True)
class Timing:
    """Where sample times come from: a device counter (unwrapped) or the host arrival time."""

    nominal_rate_hz: float
    source: Literal["device", "host_arrival"]
    field: str | None = None
    tick_s: float = 1e-6
    wrap: int = 2**32
    anchor: Literal["first", "last"] = "first"


@dataclass(frozen=True, slots=True)
class Profile:
    """A validated firmware profile; build it with :func:`gait.profiles.load_profile`."""

    id: str
    label: str
    path: str
    trust: str
    sources: tuple[str, ...]
    match: Match
    gatt: Gatt
    session: Session
    framing: Framing
    header: tuple[HeaderField, ...]
    sequence_field: str | None
    sequence_wrap: int
    samples: Samples
    timing: Timing
    decoder: str | None = None
    notes: str = ""
    _name_re: re.Pattern | None = field(default=None, repr=False, compare=False)

    @property
    def nominal_rate_hz(self) -> float:
        return self.timing.nominal_rate_hz

    @property
    def rates_hz(self) -> tuple[float, ...]:
        """Selectable output rates (those with commands), or just the nominal rate."""
        return tuple(sorted(self.session.rates)) or (self.timing.nominal_rate_hz,)

    @property
    def timing_source(self) -> str:
        return self.timing.source

    @property
    def has_mag(self) -> bool:
        return any(f.name == "mag" for f in self.samples.fields)

    def header_field(self, name: str) -> HeaderField:
        return next(h for h in self.header if h.name == name)

    def connect_steps(self, rate_hz: float | None = None) -> tuple[Step, ...]:
        """Steps to run after (re)connecting: setup, the commands of ``rate_hz`` (default nominal), start."""
        rate = self.timing.nominal_rate_hz if rate_hz is None else float(rate_hz)
        if self.session.rates and rate not in self.session.rates:
            raise ProfileError(
                f"profile {self.id}: rate {rate:g} Hz is not supported; choose one of "
                + ", ".join(f"{r:g}" for r in self.rates_hz)
            )
        return self.session.setup + self.session.rates.get(rate, ()) + self.session.start

    def matches(
        self,
        name: str | None,
        service_uuids: Sequence[str] = (),
        manufacturer_data: Mapping[int, bytes] | None = None,
    ) -> bool:
        """Whether an advertisement (local name, service UUIDs, manufacturer data) is this sensor."""
        m = self.match
        checks: list[bool] = []
        if self._name_re is not None:
            checks.append(bool(name) and self._name_re.search(name) is not None)
        if m.service_uuids:
            advertised = {u.lower() for u in service_uuids}
            checks.append(any(u in advertised for u in m.service_uuids))
        if m.manufacturer_id is not None:
            data = (manufacturer_data or {}).get(m.manufacturer_id)
            checks.append(data is not None and bytes(data).startswith(m.manufacturer_data_prefix))
        if not checks:
            return False
        return all(checks) if m.mode == "all" else any(checks)
