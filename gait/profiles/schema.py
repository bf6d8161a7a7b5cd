"""JSON Schema of a firmware profile file (``firmware_profiles/<id>.yaml``, schema_version 1).

The schema checks shape and vocabulary; cross-references (a step naming a characteristic, a count naming a
header field, ...) are checked by :mod:`gait.profiles.loader` because JSON Schema cannot express them.
``docs/firmware-profiles.md`` is the human reference for the same rules.
"""

from __future__ import annotations

UUID128 = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
HEX_BYTES = r"^\s*([0-9A-Fa-f]{2}\s*)*$"
NAME = r"^[a-z][a-z0-9_]*$"

INT_TYPES = ("u8", "i8", "u16", "i16", "u32", "i32")  # 64-bit counters (Polar) need a plug-in
FLOAT_TYPES = ("f32", "f64")
FIELD_TYPES = INT_TYPES + FLOAT_TYPES
QUANTITIES = ("acc", "gyro", "mag", "skip")
UNITS = ("g", "mg", "m/s2", "deg/s", "rad/s", "uT", "mG", "gauss", "au")
TIME_UNITS = ("s", "ms", "us", "ns")
DECODERS = ("builtin:polar_pmd",)

_hex = {"type": "string", "pattern": HEX_BYTES}
_name = {"type": "string", "pattern": NAME}
_uuid = {"type": "string", "pattern": UUID128}
_pos_int = {"type": "integer", "minimum": 1}
_nonneg_int = {"type": "integer", "minimum": 0}

_step = {
    "type": "object",
    "additionalProperties": False,
    "minProperties": 1,
    "properties": {
        "write": _name,
        "subscribe": _name,
        "unsubscribe": _name,
        "read": _name,
        "sleep_ms": {"type": "number", "minimum": 0},
        "hex": _hex,
        "ascii": {"type": "string"},
        "response": {"type": "boolean"},
        "delay_ms": {"type": "number", "minimum": 0},
    },
    "oneOf": [
        {"required": ["write"]},
        {"required": ["subscribe"]},
        {"required": ["unsubscribe"]},
        {"required": ["read"]},
        {"required": ["sleep_ms"]},
    ],
}

_steps = {"type": "array", "items": _step}

_header_field = {
    "type": "object",
    "additionalProperties": False,
    "required": ["name", "type", "offset"],
    "properties": {
        "name": _name,
        "type": {"enum": list(INT_TYPES)},
        "offset": _nonneg_int,
        "expect": {
            "type": "object",
            "additionalProperties": False,
            "required": ["mask", "value"],
            "properties": {"mask": _nonneg_int, "value": _nonneg_int},
        },
    },
}

_sample_field = {
    "type": "object",
    "additionalProperties": False,
    "required": ["name", "type", "count"],
    "properties": {
        "name": {"enum": list(QUANTITIES)},
        "type": {"enum": list(FIELD_TYPES)},
        "count": _pos_int,
        "scale": {"type": "number", "exclusiveMinimum": 0},
        "unit": {"enum": list(UNITS)},
        "present_if": {
            "type": "object",
            "additionalProperties": False,
            "required": ["field", "bit"],
            "properties": {"field": _name, "bit": {"type": "integer", "minimum": 0, "maximum": 63}},
        },
    },
}

PROFILE_SCHEMA: dict = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "gait firmware profile",
    "type": "object",
    "additionalProperties": False,
    "required": ["schema_version", "id", "label", "gatt", "session", "framing", "samples", "timing"],
    "properties": {
        "schema_version": {"const": 1},
        "id": _name,
        "label": {"type": "string", "minLength": 1},
        "trust": {"enum": ["project", "vendor", "community", "reverse-engineered"]},
        "sources": {"type": "array", "items": {"type": "string"}},
        "notes": {"type": "string"},
        "match": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "mode": {"enum": ["any", "all"]},
                "name_regex": {"type": "string"},
                "service_uuids": {"type": "array", "items": _uuid},
                "manufacturer_id": {"type": "integer", "minimum": 0, "maximum": 65535},
                "manufacturer_data_prefix": _hex,
            },
        },
        "gatt": {
            "type": "object",
            "additionalProperties": False,
            "required": ["service", "characteristics", "data"],
            "properties": {
                "service": _uuid,
                "characteristics": {
                    "type": "object",
                    "minProperties": 1,
                    "propertyNames": {"pattern": NAME},
                    "additionalProperties": _uuid,
                },
                "data": {"type": "array", "items": _name, "minItems": 1},
                "control": {"anyOf": [_name, {"type": "null"}]},
                "mtu_min": {"type": "integer", "minimum": 23, "maximum": 517},
            },
        },
        "session": {
            "type": "object",
            "additionalProperties": False,
            "required": ["start", "stop"],
            "properties": {
                "setup": _steps,
                "start": _steps,
                "stop": _steps,
                "rates": {
                    "type": "object",
                    "propertyNames": {"pattern": r"^[0-9]+(\.[0-9]+)?$"},
                    "additionalProperties": _steps,
                },
            },
        },
        "framing": {
            "type": "object",
            "additionalProperties": False,
            "required": ["mode"],
            "properties": {
                "mode": {"enum": ["notification", "stream"]},
                "sync": _hex,
                "frame_len": _pos_int,
                "match_prefix": _hex,
                "pad_to": _pos_int,
            },
        },
        "header": {"type": "array", "items": _header_field},
        "sequence": {
            "type": "object",
            "additionalProperties": False,
            "required": ["field"],
            "properties": {"field": _name, "wrap": {"type": "integer", "minimum": 2}},
        },
        "samples": {
            "type": "object",
            "additionalProperties": False,
            "required": ["offset", "count", "layout", "fields"],
            "properties": {
                "offset": _nonneg_int,
                "count": {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {
                        "fixed": _pos_int,
                        "from_field": _name,
                        "from_length": {"const": True},
                        "max": _pos_int,
                    },
                    "oneOf": [
                        {"required": ["fixed"]},
                        {"required": ["from_field"]},
                        {"required": ["from_length"]},
                    ],
                },
                "per_packet": _pos_int,
                "layout": {"enum": ["interleaved", "planar"]},
                "fields": {"type": "array", "items": _sample_field, "minItems": 1},
            },
        },
        "timing": {
            "type": "object",
            "additionalProperties": False,
            "required": ["nominal_rate_hz", "source"],
            "properties": {
                "nominal_rate_hz": {"type": "number", "exclusiveMinimum": 0},
                "source": {"enum": ["device", "host_arrival"]},
                "field": _name,
                "unit": {"enum": list(TIME_UNITS)},
                "wrap": {"type": "integer", "minimum": 2},
                "anchor": {"enum": ["first", "last"]},
            },
        },
        "decoder": {"anyOf": [{"enum": list(DECODERS)}, {"type": "null"}]},
    },
}
