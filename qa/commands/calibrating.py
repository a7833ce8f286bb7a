"""The calibration stage's part in the CLI: ``qa calibrate`` (fit, report, status) and ``qa eval FILE.jsonl``."""
from __future__ import annotations

from ..calibrating.calibrate import calibrate, evaluate_questions, format_fit
from ..calibrating.calibration import status

__all__ = ["calibrate", "evaluate_questions", "format_fit", "status"]
