"""Build a :class:`~gait.profiles.model.Profile` from a schema-valid document, checking cross-references.

Raises :class:`FieldProblem` (field path + problem); the loader turns it into a one-line ProfileError.
"""

from __future__ import annotations

import re
from typing import Any

from gait.profiles.model import (
    TIME_UNIT_S,
    TYPE_SIZE,
    Framing,
    Gatt,
    HeaderField,
    Match,
    Profile,
    SampleField,
    Samples,
    Session,
    Step,
    Timing,
)

MAX_SAMPLES_PER_PACKET = 512


class FieldProblem(Exception):
    def __init__(self, path: list, problem: str):
        super().__init__(problem)
        self.path = path
        self.problem = problem


def hex_bytes(text: str) -> bytes:
    return bytes.fromhex("".join(text.split()))


def build_profile(doc: dict[str, Any], source: str) -> Profile:
    gatt = _gatt(doc["gatt"])
    header = tuple(_header_field(h) for h in doc.get("header", []))
    names = [h.name for h in header]
    for i, name in enumerate(names):
        if names.index(name) != i:
            raise FieldProblem(["header", i, "name"], f"duplicate header field {name!r}")
    samples = _samples(doc["samples"], header)
    framing = _framing(doc["framing"], samples)
    _check_header_fits(header, samples)
    if doc.get("decoder") is not None:
        problem = f"plug-in decoders are not implemented yet ({doc['decoder']} is planned); use null"
        raise FieldProblem(["decoder"], problem)
    seq = doc.get("sequence")
    if seq is not None:
        _need_field(names, seq["field"], ["sequence", "field"])
    timing = _timing(doc["timing"], names, header)
    session = _session(doc["session"], gatt, timing.nominal_rate_hz)
    match = doc.get("match", {})
    name_re = None
    if "name_regex" in match:
        try:
            name_re = re.compile(match["name_regex"])
        except re.error as exc:
            raise FieldProblem(["match", "name_regex"], f"invalid regular expression: {exc}") from None
    return Profile(
        id=doc["id"],
        label=doc["label"],
        path=source,
        trust=doc.get("trust", "community"),
        sources=tuple(doc.get("sources", ())),
        match=Match(
            mode=match.get("mode", "any"),
            name_regex=match.get("name_regex"),
            service_uuids=tuple(match.get("service_uuids", ())),
            manufacturer_id=match.get("manufacturer_id"),
            manufacturer_data_prefix=hex_bytes(match.get("manufacturer_data_prefix", "")),
        ),
        gatt=gatt,
        session=session,
        framing=framing,
        header=header,
        sequence_field=seq["field"] if seq else None,
        sequence_wrap=_counter_wrap(seq.get("wrap"), seq["field"], header) if seq else 0,
        samples=samples,
        timing=timing,
        decoder=doc.get("decoder"),
        notes=doc.get("notes", ""),
        _name_re=name_re,
    )


def _gatt(g: dict) -> Gatt:
    chars = g["characteristics"]
    for i, name in enumerate(g["data"]):
        if name not in chars:
            raise FieldProblem(["gatt", "data", i], f"{name!r} is not a key of gatt.characteristics")
    control = g.get("control")
    if control is not None and control not in chars:
        raise FieldProblem(["gatt", "control"], f"{control!r} is not a key of gatt.characteristics")
    return Gatt(
        service=g["service"],
        characteristics=dict(chars),
        data=tuple(chars[n] for n in g["data"]),
        control=chars[control] if control else None,
        mtu_min=g.get("mtu_min", 23),
    )


def _steps(items: list, gatt: Gatt, path: list) -> tuple[Step, ...]:
    out = []
    for i, s in enumerate(items):
        delay_s = s.get("delay_ms", 0) / 1000.0
        if "sleep_ms" in s:
            out.append(Step("sleep", None, b"", False, s["sleep_ms"] / 1000.0 + delay_s))
            continue
        kind = next(k for k in ("write", "subscribe", "unsubscribe", "read") if k in s)
        name = s[kind]
        if name not in gatt.characteristics:
            raise FieldProblem([*path, i, kind], f"{name!r} is not a key of gatt.characteristics")
        payload = hex_bytes(s.get("hex", "")) + s.get("ascii", "").encode("ascii", "strict")
        if kind == "write" and not payload:
            raise FieldProblem([*path, i], "a write step needs hex and/or ascii bytes")
        if kind != "write" and ("hex" in s or "ascii" in s):
            raise FieldProblem([*path, i], f"a {kind} step takes no payload")
        out.append(Step(kind, gatt.characteristics[name], payload, bool(s.get("response", False)), delay_s))
    return tuple(out)


def _session(s: dict, gatt: Gatt, nominal_rate_hz: float) -> Session:
    rates = {
        float(k): _steps(v, gatt, ["session", "rates", k]) for k, v in s.get("rates", {}).items()
    }
    if rates and nominal_rate_hz not in rates:
        raise FieldProblem(
            ["timing", "nominal_rate_hz"], f"{nominal_rate_hz:g} Hz has no entry in session.rates"
        )
    return Session(
        setup=_steps(s.get("setup", []), gatt, ["session", "setup"]),
        start=_steps(s["start"], gatt, ["session", "start"]),
        stop=_steps(s["stop"], gatt, ["session", "stop"]),
        rates=rates,
    )


def _header_field(h: dict) -> HeaderField:
    exp = h.get("expect")
    return HeaderField(h["name"], h["type"], h["offset"], exp and exp["mask"], exp and exp["value"])


def _need_field(names: list[str], name: str, path: list) -> None:
    if name not in names:
        raise FieldProblem(path, f"{name!r} is not a header field (have: {', '.join(names) or 'none'})")


def _samples(s: dict, header: tuple[HeaderField, ...]) -> Samples:
    names = [h.name for h in header]
    fields = []
    for i, f in enumerate(s["fields"]):
        cond = f.get("present_if")
        if cond:
            _need_field(names, cond["field"], ["samples", "fields", i, "present_if", "field"])
        if f["name"] != "skip":
            if f["count"] != 3:
                raise FieldProblem(["samples", "fields", i, "count"], f"{f['name']} needs 3 axes (x y z)")
            for key in ("scale", "unit"):
                if key not in f:
                    raise FieldProblem(["samples", "fields", i], f"{f['name']} needs {key!r}")
        fields.append(
            SampleField(
                f["name"], f["type"], f["count"], float(f.get("scale", 1.0)), f.get("unit", "au"),
                (cond["field"], cond["bit"]) if cond else None,
            )
        )
    quantities = [f.name for f in fields if f.name != "skip"]
    for q in ("acc", "gyro"):
        if quantities.count(q) != 1:
            raise FieldProblem(["samples", "fields"], f"exactly one {q!r} field is required")
    if quantities.count("mag") > 1:
        raise FieldProblem(["samples", "fields"], "at most one 'mag' field")
    if s["layout"] == "planar" and any(f.present_if for f in fields):
        raise FieldProblem(["samples", "layout"], "present_if is only supported with layout: interleaved")
    c = s["count"]
    mode = "fixed" if "fixed" in c else "from_field" if "from_field" in c else "from_length"
    if mode == "from_field":
        _need_field(names, c["from_field"], ["samples", "count", "from_field"])
    cmax = c.get("fixed") or c.get("max", MAX_SAMPLES_PER_PACKET)
    per_packet = s.get("per_packet", c.get("fixed", 1))
    if per_packet > cmax or (mode == "fixed" and per_packet != c["fixed"]):
        raise FieldProblem(["samples", "per_packet"], f"{per_packet} does not fit the sample count rule")
    return Samples(
        offset=s["offset"],
        count_mode=mode,
        count_fixed=c.get("fixed"),
        count_field=c.get("from_field"),
        count_max=cmax,
        per_packet=per_packet,
        layout=s["layout"],
        fields=tuple(fields),
    )


def _framing(f: dict, samples: Samples) -> Framing:
    framing = Framing(
        mode=f["mode"],
        sync=hex_bytes(f.get("sync", "")),
        frame_len=f.get("frame_len"),
        match_prefix=hex_bytes(f.get("match_prefix", "")),
        pad_to=f.get("pad_to"),
    )
    if framing.mode == "stream":
        if not framing.sync or framing.frame_len is None:
            raise FieldProblem(["framing"], "stream framing needs sync and frame_len")
        if samples.count_mode != "fixed" or any(x.present_if for x in samples.fields):
            raise FieldProblem(["samples", "count"], "stream framing needs a fixed sample count")
        need = samples.offset + samples.count_fixed * sum(x.size for x in samples.fields)
        if need != framing.frame_len:
            problem = f"{framing.frame_len} but the samples end at byte {need}"
            raise FieldProblem(["framing", "frame_len"], problem)
    elif framing.sync or framing.frame_len is not None:
        raise FieldProblem(["framing"], "sync and frame_len are only for mode: stream")
    if framing.pad_to is not None and samples.count_mode != "fixed":
        raise FieldProblem(["framing", "pad_to"], "pad_to needs a fixed sample count")
    if len(framing.match_prefix) > samples.offset:
        raise FieldProblem(["framing", "match_prefix"], "the prefix overlaps the samples")
    return framing


def _check_header_fits(header: tuple[HeaderField, ...], samples: Samples) -> None:
    for i, h in enumerate(header):
        if h.offset + TYPE_SIZE[h.type] > samples.offset:
            raise FieldProblem(["header", i, "offset"], f"field {h.name!r} overlaps samples.offset")


def _counter_wrap(given: int | None, name: str, header: tuple[HeaderField, ...]) -> int:
    """A counter's wrap: the profile's value, else the full range of its header field's type."""
    h = next(x for x in header if x.name == name)
    return given if given is not None else 2 ** (8 * TYPE_SIZE[h.type])


def _timing(t: dict, names: list[str], header: tuple[HeaderField, ...]) -> Timing:
    source = t["source"]
    field = t.get("field")
    if source == "device":
        if field is None:
            raise FieldProblem(["timing"], "source: device needs field (the header time field)")
        _need_field(names, field, ["timing", "field"])
    elif field is not None:
        raise FieldProblem(["timing", "field"], "source: host_arrival takes no time field")
    return Timing(
        nominal_rate_hz=float(t["nominal_rate_hz"]),
        source=source,
        field=field,
        tick_s=TIME_UNIT_S[t.get("unit", "us")],
        wrap=_counter_wrap(t.get("wrap"), field, header) if field else t.get("wrap", 2**32),
        anchor=t.get("anchor", "first" if source == "device" else "last"),
    )
