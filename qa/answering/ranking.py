"""A question's ranked result: every candidate quote best first, the quotes to show, and the confidence.

:func:`qa.answering.quotes.rank` makes it, :func:`qa.answering.verifier.rerank` gives the verifier its
say on it, and :func:`qa.calibrating.calibration.applied` applies an index's own calibration to it; each
returns a new :class:`Ranking`.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..config import Config
from ..records import Unit
from .features import Question
from .question_scores import QuestionScores
from .retrieve import Passage
from .scoring import scoring_for

NO_LOGIT = -100.0  # the verifier's logit for a ranking it was not asked about


@dataclass(frozen=True)
class Span:
    """A ranked quote: ``documents[source].text[start:end]``, one or two whole sentences."""

    source: str
    start: int
    end: int
    score: float
    chunk_id: int


@dataclass(frozen=True)
class Ranking:
    """Every candidate unit of a question, best first, with what answering and evaluation need."""

    question: Question
    units: tuple[Unit, ...]  # best first
    scores: np.ndarray
    features: tuple[dict[str, float], ...]  # rows follow ``units``, keyed by qa.answering.features.UNIT_FEATURES
    passages: tuple[Passage, ...]
    support: float  # how well the ranker's best unit is grounded (the far-from-corpus guard)
    support_row: dict[str, float]
    spans: tuple[Span, ...]  # non-overlapping units as spans, best first
    confidence: float = 0.0  # calibrated probability that the top unit answers the question
    verifier_logit: float = NO_LOGIT  # the verifier's logit for the top unit
    question_scores: QuestionScores | None = None  # the scores the features were computed from
    threshold: float | None = None  # the index's own abstention threshold (qa.calibration); None: the config's
    ranker_scores: np.ndarray | None = None  # the ranker's own scores of ``units`` where the verifier re-scored them
    # the question's words the documents never use and the words read for them (qa.answering.spelling): the
    # question was searched as ``question.text``, with these read in
    corrections: tuple[tuple[str, str], ...] = ()

    def abstains(self, config: Config) -> bool:
        """No candidate, a question far from the corpus, or a top quote the verifier doubts."""
        scoring = scoring_for(config)
        threshold = scoring.threshold if self.threshold is None else self.threshold
        return not self.spans or self.support < scoring.support_floor or self.confidence < threshold
