"""Import other devices' exports into sessions and export samples, strides and orientations."""
