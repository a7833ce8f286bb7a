"""``python -m qa calibrate`` and the question-file evaluation: the commands over qa.calibration*.

>>> from qa.calibrating.calibrate import calibrate  # doctest: +SKIP
>>> fit, path = calibrate(Config(index_dir=Path("index")), questions=Path("my-questions.jsonl"))  # doctest: +SKIP
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..config import Config
from ..errors import QAError
from ..indexing.index import load_index
from . import calibration, calibration_data, calibration_fit


def calibrate(config: Config, *, questions: Path | None = None, feedback: Path | None = None,
              write: bool = True, keep: float | None = None) -> tuple[calibration.OwnFit, Path | None]:
    """Fit the index's own calibration on a question file and/or its feedback file, and (``write``) save it
    beside the index. With neither given, the feedback file beside the index is used if there is one.

    Raises QAError when there is nothing to learn from or too little (the calibration in use is kept).
    """
    index = load_index(config.index_dir, config)
    command = again_command(config.index_dir, questions, feedback, keep)  # before the default feedback is filled in
    if questions is None and feedback is None:
        from ..app.feedback import feedback_path

        feedback = feedback_path(config)
        if not feedback.is_file():
            raise QAError(
                f"Nothing to calibrate on: no --questions file was given and there is no feedback at {feedback} yet. "
                "The calibration in use stays (see `python -m qa calibrate --status`). Give a question file "
                "(--questions), or collect thumbs up/down in the web app first.")
    examples: list[calibration_data.Example] = []
    sources, skipped = [], Counter[str]()
    if questions is not None:
        examples += calibration_data.from_questions(index, config, calibration_data.read_questions(questions))
        sources.append(f"questions {questions.name}")
    if feedback is not None:
        got, skipped = calibration_data.from_feedback(index, config, feedback)
        examples += got
        sources.append(f"feedback {feedback.name}")
        if not got and questions is None:
            raise QAError(f"No usable feedback in {feedback} ({_counts(skipped)}). The calibration in use is kept.")
    fit = calibration_fit.fit(examples, documents_sha256=calibration.documents_sha256(index),
                              base_sha256=calibration.base_sha256(config.with_(own_calibration=False)),
                              build=index.folder.name, source=" + ".join(sources), keep=keep)
    fit = replace(fit, data={**(fit.data or {}), "command": command,
                             **({"feedback_set_aside": dict(skipped)} if skipped else {})})
    return fit, calibration.save(fit, config.index_dir) if write else None


def again_command(index_dir: Path, questions: Path | None, feedback: Path | None, keep: float | None) -> str:
    """The command that fits a calibration on the same data again, its paths made absolute: what a stale fit's
    message tells the user to run (a question file's path as given would depend on where they stand)."""
    import shlex

    words = ["python", "-m", "qa", "calibrate", "--index", str(Path(index_dir).resolve())]
    if questions is not None:
        words += ["--questions", str(Path(questions).resolve())]
    if feedback is not None:
        words += ["--feedback", str(Path(feedback).resolve())]
    if keep is not None:
        words += ["--keep", f"{keep:g}"]
    return shlex.join(words)


def _counts(counter: Counter[str]) -> str:
    return ", ".join(f"{n} {why.replace('_', ' ')}" for why, n in counter.most_common()) or "no entries"


def evaluate_questions(config: Config, questions: Path) -> dict[str, Any]:
    """A question file scored against the index with the shipped calibration and with its own (when it has
    one that holds): hit@1 (first quote holds the expected text), abstentions, and per question."""
    index = load_index(config.index_dir, config)
    rows = calibration_data.read_questions(questions)
    examples = calibration_data.from_questions(index, config, rows)
    own = calibration.status(index, config.with_(own_calibration=True))
    after = [calibration.applied(index, e.ranking, config.with_(own_calibration=True)) for e in examples]
    return {
        "calibration": own.to_dict(),
        "before": _summary(examples, [e.abstained for e in examples], [e.confidence for e in examples]),
        "after": _summary(examples, [r.abstains(config) for r in after], [r.confidence for r in after]),
        "questions": [{"question": e.question, "answerable": e.answerable, "right": e.right,
                       "confidence_before": round(e.confidence, 4), "abstained_before": e.abstained,
                       "confidence_after": round(r.confidence, 4), "abstained_after": r.abstains(config)}
                      for e, r in zip(examples, after)],
    }


def _summary(examples: Sequence[calibration_data.Example], abstained: Sequence[bool],
             confidence: Sequence[float]) -> dict[str, Any]:
    """Abstention figures, and the Brier score of the confidence as the probability that the first quote
    answers (lower is better)."""
    f = calibration_fit.figures(examples, abstained)
    brier = sum((p - bool(e.right)) ** 2 for e, p in zip(examples, confidence)) / max(len(examples), 1)
    missed = [(e, a) for e, a in zip(examples, abstained) if e.answerable and not e.right]
    return {"hit@1": f"{f['right']}/{f['answerable']}",
            "hit@1 answered": f"{f['right_answered']}/{f['answerable']}",
            "unanswerable abstained": f"{f['unanswerable_abstained']}/{f['unanswerable']}",
            "answerable abstained": f"{f['answerable_abstained']}/{f['answerable']}",
            "right answers abstained": f"{f['right'] - f['right_answered']}/{f['right']}",
            "wrong first quotes answered": f"{sum(not a for _, a in missed)}/{len(missed)}",
            "Brier score": f"{brier:.3f}"}


def format_fit(fit: calibration.OwnFit, path: Path | None) -> str:
    """What a fit chose and what it does, for the terminal."""
    d = fit.data or {}
    before, after = d.get("before", {}), d.get("after_cross_validated", {})
    lines = [f"Calibrated on {d.get('examples')} labelled answers ({d.get('right')} right, {d.get('not_right')} not) "
             f"from {d.get('source')}" + (f"; {d.get('set_aside')} set aside" if d.get("set_aside") else ""),
             "Inputs: " + "; ".join(f"{calibration.INPUT_NAMES.get(n, n)} ({n}, weight {w:+.2f})"
                                    for n, w in zip(fit.inputs, fit.weights)) + f"; prior strength {d.get('strength')}",
             f"Cross-validated log loss: {d.get('cv_log_loss')} (shipped mapping: {d.get('cv_log_loss_shipped')})",
             f"Threshold: {fit.threshold:.4f} ({d.get('threshold_rule')})",
             "                     shipped   own (cross-validated)"]
    for key, label in (("right_answered", "right answers kept"), ("not_right_answered", "others let through"),
                       ("unanswerable_abstained", "unanswerable abstained"),
                       ("answerable_abstained", "answerable abstained")):
        total = {"right_answered": "right", "not_right_answered": "not_right",
                 "unanswerable_abstained": "unanswerable", "answerable_abstained": "answerable"}[key]
        lines.append(f"  {label:<24} {before.get(key)}/{before.get(total):<8} {after.get(key)}/{after.get(total)}")
    if d.get("feedback_set_aside"):
        lines.append(f"Feedback entries set aside: {d['feedback_set_aside']}")
    lines.append(f"Written to {path}" if path else "Not written (--dry-run).")
    return "\n".join(lines)
