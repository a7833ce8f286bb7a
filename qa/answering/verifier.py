"""The answer verifier: a cross-encoder that reads a question together with a candidate quote.

It scores a candidate unit (one sentence, or two adjacent ones) in its context: the section title (the
document title where there is none) and the sentence before it are given beside the unit, marked as
context, so that a sentence saying what happened "in this incident" can be judged against a question
that names the incident. The quote shown is still only the unit.

The model is a MiniLM cross-encoder trained by :mod:`qa.training.verifier_train` on SQuAD 2.0 articles that
the evaluation file does not contain. How much it counts is decided on held-out articles by its
calibration, which may give it no say at all. The shipped one gives it none (see :func:`rerank`), so the
package ships only the scoring file, ``qa/answering/verifier_model/verifier.json`` (see that folder's
README.md): its calibration is read on its own (:func:`load_calibration`), and the model and its
tokenizer are loaded only from a folder whose calibration gives them a say (``Config.verifier_dir``).
"""
from __future__ import annotations

import json
import threading
from dataclasses import replace
from functools import cached_property, lru_cache
from pathlib import Path

import numpy as np

from ..config import Config
from ..errors import QAError
from ..indexing.index import Index
from ..records import Unit
from .ranking import NO_LOGIT, Ranking
from .scoring import MODEL_DIR, SCORING_FILE, Calibration, scoring_for

ONNX_FILE = "model.onnx"
META_FILE = SCORING_FILE
_CONTEXT = " [context: "  # where a candidate's context starts (candidate_text)


def candidate_text(unit: str, where: str | None, previous: str | None) -> str:
    """The second segment the cross-encoder reads: the unit, then its marked context.

    The unit comes first so that truncation only ever cuts context.

    >>> candidate_text("They won.", "Battle", "The battle began.")
    'They won. [context: Battle | The battle began.]'
    """
    parts = [p for p in (where, previous) if p]
    return f"{unit}{_CONTEXT}{' | '.join(parts)}]" if parts else unit


def unit_of_candidate(candidate: str) -> str:
    """The unit's own text in a :func:`candidate_text`, its context left out.

    >>> unit_of_candidate(candidate_text("They won.", "Battle", None))
    'They won.'
    """
    return candidate.split(_CONTEXT)[0]


def unit_candidate(index: Index, unit: Unit) -> str:
    """:func:`candidate_text` for a unit of ``index``."""
    source, start, _ = index.sentences[unit.first]
    doc = index.documents[source]
    end = index.sentences[unit.last].end
    before = [(s, e) for s, e in doc.sentences if e <= start]
    section = doc.section_at(start)
    previous = None
    if before:
        s, e = before[-1]
        inside = section is None or doc.section_at(s) == section
        previous = doc.text[s:e] if inside and not doc.is_heading(s, e) else None
    return candidate_text(doc.text[start:end], section or doc.title, previous)


class Verifier:
    """The exported cross-encoder: ``logits(question, candidates)``, thread-safe."""

    def __init__(self, folder: Path):
        from tokenizers import Tokenizer

        meta = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
        self.max_length = int(meta["max_length"])
        self.calibration = Calibration(**meta["calibration"])
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(self.max_length, strategy="only_second")
        self.tokenizer.enable_padding()
        self._model = folder / ONNX_FILE
        self._lock = threading.Lock()

    @cached_property
    def session(self):
        """The ONNX session, made on the first question that asks the verifier (a model whose calibration
        gives it no say is never loaded)."""
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        return ort.InferenceSession(str(self._model), options, providers=["CPUExecutionProvider"])

    @cached_property
    def _inputs(self) -> set[str]:
        return {i.name for i in self.session.get_inputs()}

    def logits(self, question: str, candidates: list[str]) -> np.ndarray:
        if not candidates:
            return np.zeros(0)
        encoded = self.tokenizer.encode_batch([(question, c) for c in candidates])
        feed = {
            "input_ids": np.array([e.ids for e in encoded], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in encoded], dtype=np.int64),
            "token_type_ids": np.array([e.type_ids for e in encoded], dtype=np.int64),
        }
        with self._lock:  # the first call also makes the session
            out = self.session.run(None, {k: v for k, v in feed.items() if k in self._inputs})[0]
        return np.asarray(out, dtype=np.float64).reshape(len(candidates))


def load_verifier(folder: Path | str | None = None) -> Verifier:
    """The verifier in ``folder`` (default: the one shipped in ``qa/answering/verifier_model``), loaded once."""
    return _verifier_at(str(folder) if folder else "")


@lru_cache(maxsize=8)
def _verifier_at(folder: str) -> Verifier:
    return _load_verifier((Path(folder) if folder else MODEL_DIR).resolve())  # one load per real folder


@lru_cache(maxsize=2)
def _load_verifier(path: Path) -> Verifier:
    if not (path / ONNX_FILE).is_file() or not (path / META_FILE).is_file():
        raise QAError(f"No answer verifier in {path}. Train one with `python -m qa train-verifier --out {path}`.")
    return Verifier(path)


def reachable(scores: np.ndarray, pairs: int, reach: float) -> int:
    """How many of the best ``pairs`` units (scores in descending order) lie within ``reach`` of the top.

    >>> reachable(np.array([5.0, 4.5, 1.0]), 3, 1.0)
    2
    >>> reachable(np.array([5.0, 4.5]), 2, float("inf"))
    2
    """
    if pairs <= 1:
        return pairs
    return max(1, int(np.sum(scores[:pairs] > scores[0] - reach)))


def rerank(index: Index, config: Config, ranking: Ranking) -> Ranking:
    """``ranking`` (in the ranker's order) with the verifier's say: its best ``config.verifier_pairs`` units
    re-scored, ``confidence`` the calibrated probability for the unit that ends up first, ``verifier_logit``
    that unit's logit.

    A verified unit scores ``ranker score + rank_weight * logit``; the others are given the lowest
    verified logit, so none of them outranks a verified unit.

    Units the ranker puts so far below the top one that no logit within the verifier's span could lift
    them past it are not scored: they cannot change the top quote or the confidence (with two pairs, the
    default, the order is exactly the one scoring them would give, while the units below the top keep
    the top's logit rather than a lower one). The top unit always is scored, since the confidence needs
    its logit.

    A question whose best unit is far from every document (``support`` below the scoring's ``support_floor``) abstains
    whatever the verifier would say, so it is not asked: its confidence is the highest that any logit
    within the held-out bounds would give.

    A verifier whose calibration gives it no say (``rank_weight`` and ``a`` both 0: on the held-out
    articles it helped neither the order nor the confidence) is not asked either; the confidence is then
    the calibrated probability of the support alone.
    """
    units, scores, support = ranking.units, ranking.scores, ranking.support
    pairs = min(config.verifier_pairs, len(units))
    if pairs <= 0:
        return replace(ranking, confidence=0.0, verifier_logit=0.0)
    scoring = scoring_for(config)
    cal = scoring.calibration
    if support < scoring.support_floor and np.isfinite(cal.logit_span):
        # far from every document: it abstains whatever the verifier says, so the verifier is not asked
        return replace(ranking, confidence=cal.highest(support), verifier_logit=NO_LOGIT)
    if not cal.has_say:
        # a model whose logit the calibration gave no weight (see fit_calibration) is not asked at all
        return replace(ranking, confidence=cal.probability(0.0, support), verifier_logit=NO_LOGIT)
    pairs = reachable(scores, pairs, cal.rank_weight * cal.logit_span)
    verifier = load_verifier(config.verifier_dir)  # only a model the calibration gives a say is loaded
    logits = verifier.logits(ranking.question.text, [unit_candidate(index, u) for u in units[:pairs]])
    floor = float(logits.min())
    full = np.concatenate([logits, np.full(len(units) - pairs, floor)])
    new = np.asarray(scores, dtype=np.float64) + cal.rank_weight * full
    order = np.argsort(-new, kind="stable")
    top = float(full[order[0]])
    return replace(ranking, units=tuple(units[i] for i in order), scores=new[order],
                   features=tuple(ranking.features[i] for i in order),
                   confidence=cal.probability(top, support), verifier_logit=top,
                   ranker_scores=np.asarray(scores, dtype=np.float64)[order])
