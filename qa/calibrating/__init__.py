"""Calibration on the user's own documents: the per-index confidence fit (`python -m qa calibrate`)."""
