"""User-facing errors.

Anything raised as a :class:`GaitError` reaches the user as one clear line (the CLI prints it and exits
with status 2), so its message must say what was wrong, where (file, sensor, byte offset, field) and,
when possible, what to do. Programming errors stay ordinary exceptions.
"""


class GaitError(Exception):
    """An error caused by input, configuration or environment, explained for a person."""


class ProfileError(GaitError):
    """A firmware profile is unknown or invalid; the message names the file, field path and problem."""
