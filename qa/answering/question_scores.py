"""One question's scores against one index, computed once and read by every later step.

:func:`score_question` embeds the question once and scores it with BM25 once. Retrieval
(:mod:`qa.answering.retrieve`), the choice of candidate quotes (:mod:`qa.answering.quotes`) and the
features (:mod:`qa.answering.features`) then read the :class:`QuestionScores` instead of asking the index
again.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType

import numpy as np

from ..indexing.index import Index, SentenceScores


@dataclass(frozen=True)
class QuestionScores:
    """A question's embedding and its scores with every chunk and sentence of an index.

    ``chunks`` holds the cosines of the chunks that matter to the quotes: the retrieved ones, as
    retrieval found them, and those the candidate quotes lie in (:meth:`with_chunks`). A chunk missing
    from it was not retrieved. ``sentences`` computes a sentence's cosine when it is first read and keeps
    it (a memo of values that never change: an index may hold millions of sentences, and a question reads
    a few hundred); nothing else here changes after it is made.
    """

    text: str
    vector: np.ndarray  # the question's embedding
    bm25: np.ndarray  # chunk id -> BM25 score
    bm25_best: float  # the best chunk's BM25 score (0.0 when no chunk holds a question term)
    sentences: SentenceScores  # sentence id -> cosine with the question (computed for the ids read)
    chunks: Mapping[int, float] = field(default_factory=lambda: MappingProxyType({}))  # chunk id -> cosine

    def bm25_share(self, chunk: int) -> float:
        """The chunk's BM25 score as a share of the best chunk's."""
        return float(self.bm25[chunk] / self.bm25_best) if self.bm25_best > 0 else float(self.bm25[chunk])

    def with_chunks(self, cosines: Mapping[int, float]) -> QuestionScores:
        """These scores with ``cosines`` (chunk id -> cosine) as their :attr:`chunks`."""
        return replace(self, chunks=MappingProxyType(dict(cosines)))


def score_question(index: Index, question: str, vector: np.ndarray | None = None) -> QuestionScores:
    """Embed ``question`` (unless its ``vector`` is given, from a batch) and score it with BM25: the one
    place a question is scored against ``index``."""
    vector = index.embed([question])[0] if vector is None else vector
    bm25 = np.asarray(index.bm25_scores(question), dtype=np.float64)
    best = float(bm25.max()) if len(bm25) else 0.0
    return QuestionScores(question, vector, bm25, best, index.sentence_scores(vector))
