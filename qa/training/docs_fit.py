"""Ranker weights SQuAD cannot teach, fitted on questions over documentation:
``python -m qa train-verifier --fit-docs-weights --docs QUESTIONS=INDEX ...``.

Some ranker features are 0 on every SQuAD question: ``code_procedure`` (a code block offered to a how-to
question; SQuAD's paragraphs hold no code), ``lead_definition`` (the first sentence under a heading, for a
question asking what a thing is or does; they have no headings), ``option_procedure`` (the description of a
command-line option, for a how-to question) and ``api_procedure`` (what an API entry does, for a how-to
question). Fitted on SQuAD, their weights stay 0. Each
feature of :data:`DOCS_ONLY` in turn gets the value of :data:`GRID` that puts a right unit first for the most
answerable documentation questions, every other weight as the scoring file has it or as the features before
it were just fitted (the smallest such value on a tie); nothing else in the scoring file changes. The
documentation questions' expected texts should name every answer the documentation gives (a question file's
``also``), or the fit learns that whatever the expected sentence is not is wrong.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from ..answering.features import DOCS_ONLY, UNIT_FEATURES
from ..errors import QAError

GRID = tuple(float(v) for v in np.round(np.arange(0.0, 4.01, 0.25), 2))


def hits_at_1(mined: list, weights: np.ndarray) -> int:
    """Answerable mined questions whose best unit under ``weights`` holds an answer."""
    from .verifier_train import rerank_offline

    return sum(rerank_offline(m, weights).labels[0] for m in mined if m.answerable and m.units)


def fit_docs_only(mined: list, weights: dict[str, float]) -> dict:
    """The fitted value of each :data:`DOCS_ONLY` weight, with hit@1 on ``mined`` along the grid."""
    if not any(m.answerable for m in mined):
        raise QAError("No answerable documentation question to fit on: pass --docs QUESTIONS=INDEX.")
    current = {**dict.fromkeys(DOCS_ONLY, 0.0), **weights}  # a scoring file older than a feature lacks it
    curves = {}
    for name in DOCS_ONLY:
        curve = []
        for value in GRID:
            current[name] = value
            curve.append(hits_at_1(mined, np.array([current[n] for n in UNIT_FEATURES])))
        current[name] = GRID[int(np.argmax(curve))]  # the first best: the smallest value on a tie
        curves[name] = dict(zip(GRID, curve))
    questions = sum(m.answerable for m in mined)
    return {"weights": {n: current[n] for n in DOCS_ONLY}, "questions": questions,
            "hit@1_by_value": {n: {str(v): h for v, h in c.items()} for n, c in curves.items()}}


def write_docs_fit(fit: dict, out: Path, docs: list[str]) -> Path:
    """Put the fitted weights into ``out``'s scoring file, and what they were fitted on beside them."""
    from ..answering.scoring import SCORING_FILE

    path = out / SCORING_FILE
    if not path.is_file():
        raise QAError(f"No scoring file at {path}: train one first with `python -m qa train-verifier --out {out}`.")
    meta = json.loads(path.read_text(encoding="utf-8"))
    meta["quote_weights"].update(fit["weights"])
    meta["docs_fit"] = {"docs": [Path(d.split("=", 1)[0]).name for d in docs], **fit}
    path.write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return path
