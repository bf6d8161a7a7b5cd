"""``gait profiles [FILE ...]``: list the firmware profiles, or validate profile files being written."""

from __future__ import annotations

from gait.profiles import load_profile, load_profiles


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "profiles", help="list firmware profiles or validate profile files",
        description="Without arguments, list every firmware profile found (bundled and $GAIT_PROFILE_PATH). "
                    "With files, validate each one and report the first problem by file, line and field.")
    p.add_argument("files", nargs="*", metavar="FILE", help="profile YAML file(s) to validate")
    p.set_defaults(run=_run)


def _run(args) -> int:
    if args.files:
        for path in args.files:
            profile = load_profile(path)  # a ProfileError names the file, line and field
            print(f"{path}: ok ({profile.id}, {profile.label})")
        return 0
    profiles = load_profiles()
    print(f"{'id':<24} {'rates (Hz)':<18} {'timing':<13} {'trust':<20} label")
    for pid, profile in sorted(profiles.items()):
        rates = ", ".join(f"{r:g}" for r in profile.rates_hz)
        print(f"{pid:<24} {rates:<18} {profile.timing_source:<13} {profile.trust:<20} {profile.label}")
    return 0
