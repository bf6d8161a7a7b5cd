"""Load and validate firmware profiles (``firmware_profiles/*.yaml``).

Errors are :class:`~gait.errors.ProfileError` with one line ``FILE:LINE:COL: FIELD.PATH: problem`` so a
profile author can jump straight to the mistake.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from gait.errors import ProfileError
from gait.profiles import build
from gait.profiles.model import Profile
from gait.profiles.schema import HEX_BYTES, NAME, PROFILE_SCHEMA, UUID128

#: Where bundled profiles live (repository root); ``GAIT_PROFILE_PATH`` (os.pathsep-separated) adds folders.
BUNDLED_DIR = Path(__file__).resolve().parents[2] / "firmware_profiles"
_VALIDATOR = jsonschema.Draft202012Validator(PROFILE_SCHEMA)
_PATTERN_WORDS = {  # what each schema pattern means, for error messages
    UUID128: "a full 128-bit lower-case UUID like 0000ffe5-0000-1000-8000-00805f9a34fb",
    HEX_BYTES: 'hex bytes like "FF AA 03 09 00"',
    NAME: "a lower-case name like left_foot (a-z, 0-9, _; starting with a letter)",
}
_cache: dict[Path, tuple[float, Profile]] = {}


def profile_dirs() -> list[Path]:
    """Folders searched for ``<id>.yaml``: ``$GAIT_PROFILE_PATH`` entries, then the bundled folder."""
    extra = [Path(p) for p in os.environ.get("GAIT_PROFILE_PATH", "").split(os.pathsep) if p]
    return [*extra, BUNDLED_DIR]


def available_profile_ids() -> list[str]:
    """Ids of every profile file found (not validated)."""
    ids = {p.stem for d in profile_dirs() if d.is_dir() for p in d.glob("*.yaml")}
    return sorted(ids)


def load_profile(id_or_path: str | os.PathLike) -> Profile:
    """Load a profile by id (searched in :func:`profile_dirs`) or by path to a YAML file."""
    text = os.fspath(id_or_path)
    if text.endswith((".yaml", ".yml")) or os.sep in text or "/" in text:
        path = Path(text)
        if not path.is_file():
            raise ProfileError(f"{path}: firmware profile file not found")
        return _load_file(path)
    for folder in profile_dirs():
        path = folder / f"{text}.yaml"
        if path.is_file():
            return _load_file(path)
    known = ", ".join(available_profile_ids()) or "none"
    raise ProfileError(
        f"unknown firmware profile {text!r}: known profiles are {known} (or give the path of a .yaml file)"
    )


def load_profiles() -> dict[str, Profile]:
    """Every available profile by id; the first folder of :func:`profile_dirs` wins on duplicate ids."""
    out: dict[str, Profile] = {}
    for folder in profile_dirs():
        if folder.is_dir():
            for path in sorted(folder.glob("*.yaml")):
                out.setdefault(path.stem, _load_file(path))
    return out


def _load_file(path: Path) -> Profile:
    path = path.resolve()
    mtime = path.stat().st_mtime
    hit = _cache.get(path)
    if hit is not None and hit[0] == mtime:
        return hit[1]
    profile = parse_profile(_read_text(path), str(path), expected_id=path.stem)
    _cache[path] = (mtime, profile)
    return profile


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        why = f"not UTF-8 text (byte offset {exc.start})"
        raise ProfileError(f"{path}: {why}; save the profile as UTF-8") from None
    except OSError as exc:
        raise ProfileError(f"{path}: cannot read the firmware profile ({exc.strerror or exc})") from None


def parse_profile(text: str, source: str = "<profile>", expected_id: str | None = None) -> Profile:
    """Validate YAML text and build a :class:`Profile`; ``source`` names the file in error messages.

    ``expected_id`` (the file name) must equal the profile's ``id``: recordings store the id, so a
    session decodes with the file of that name.
    """
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{source}:{mark.line + 1}:{mark.column + 1}" if mark else source
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ProfileError(f"{where}: YAML syntax error: {problem}") from None
    if not isinstance(doc, dict):
        raise ProfileError(f"{source}: a firmware profile must be a YAML mapping (key: value lines)")
    doc = _normalise(doc)
    errors = sorted(_VALIDATOR.iter_errors(doc), key=lambda e: (len(e.absolute_path), list(map(str, e.path))))
    if errors:
        err = jsonschema.exceptions.best_match(errors)
        more = f" (and {len(errors) - 1} more problem(s))" if len(errors) > 1 else ""
        raise ProfileError(f"{_where(source, node, list(err.absolute_path))}: {_explain(err)}{more}")
    if expected_id is not None and doc["id"] != expected_id:
        problem = f"{doc['id']!r} must equal the file name {expected_id!r}"
        raise ProfileError(f"{_where(source, node, ['id'])}: {problem}")
    try:
        return build.build_profile(doc, source)
    except build.FieldProblem as exc:
        raise ProfileError(f"{_where(source, node, exc.path)}: {exc.problem}") from None


def _normalise(doc: dict[str, Any]) -> dict[str, Any]:
    """YAML reads ``100:`` as an int key; JSON Schema wants strings."""
    rates = doc.get("session", {}).get("rates") if isinstance(doc.get("session"), dict) else None
    if isinstance(rates, dict):
        doc["session"]["rates"] = {str(k): v for k, v in rates.items()}
    return doc


def _where(source: str, node: yaml.Node | None, path: list) -> str:
    """``file:line:col: a.b[2].c`` for a field path, using the YAML node tree for the position."""
    dotted = ""
    for part in path:
        dotted += f"[{part}]" if isinstance(part, int) else (f".{part}" if dotted else str(part))
    target = node
    for part in path:
        nxt = None
        if isinstance(target, yaml.MappingNode):
            nxt = next((v for k, v in target.value if str(k.value) == str(part)), None)
        elif isinstance(target, yaml.SequenceNode) and isinstance(part, int) and part < len(target.value):
            nxt = target.value[part]
        if nxt is None:
            break
        target = nxt
    pos = f"{source}:{target.start_mark.line + 1}:{target.start_mark.column + 1}" if target else source
    return f"{pos}: {dotted or '(top level)'}"


def _explain(err: jsonschema.ValidationError) -> str:
    """A shorter, friendlier text than jsonschema's default for the common cases."""
    v = err.validator
    if v == "additionalProperties":
        extra = re.findall(r"'([^']+)' w", err.message)
        allowed = ", ".join(sorted(err.schema.get("properties", {})))
        return f"unknown key {', '.join(extra) or err.message}; allowed keys: {allowed}"
    if v == "required":
        return err.message.replace("is a required property", "is required")
    if v == "pattern":
        what = _PATTERN_WORDS.get(err.validator_value, f"text matching {err.validator_value}")
        return f"{err.instance!r} is not {what}"
    if v == "enum":
        return f"{err.instance!r} is not one of {', '.join(map(str, err.validator_value))}"
    if v == "oneOf" and isinstance(err.instance, dict):
        keys = [k for alt in err.validator_value for k in alt.get("required", ())]
        given = [k for k in keys if k in err.instance]
        return f"give exactly one of {', '.join(keys)} (got {', '.join(given) or 'none'})"
    if v == "type":
        hint = " (quote hex bytes, e.g. \"01\")" if err.validator_value == "string" else ""
        return f"{err.instance!r} is not of type {err.validator_value}{hint}"
    return err.message
