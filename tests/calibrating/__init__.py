"""Tests of qa.calibrating: fitting, saving and applying the confidence calibration (`qa calibrate`)."""
