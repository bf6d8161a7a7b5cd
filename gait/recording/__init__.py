"""Sessions on disk: metadata, raw packet log, decoded-sample store (format in ``docs/recording-format.md``)."""
