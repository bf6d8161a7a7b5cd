"""Sessions on disk: metadata, raw packet log, decoded-sample store; writing, reading, checking, replaying.

The format is documented in ``docs/recording-format.md``.
"""

from gait.recording.integrity import check_session, repair_session
from gait.recording.reader import SessionReader, load_samples
from gait.recording.replay import replay, replay_async
from gait.recording.writer import SessionWriter

__all__ = ["SessionReader", "SessionWriter", "check_session", "load_samples", "repair_session", "replay",
           "replay_async"]
