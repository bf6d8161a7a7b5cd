"""Sessions on disk: metadata, raw packet log, decoded-sample store.

The format is documented in ``docs/recording-format.md``.
"""
