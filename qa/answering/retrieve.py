"""Hybrid passage retrieval: dense (FAISS inner product) and BM25 lists fused by reciprocal rank."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..config import Config
from ..indexing.index import Index
from ..indexing.vectors import top_k
from .question_scores import QuestionScores


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk with its fused score and both underlying scores."""

    chunk_id: int
    score: float  # reciprocal-rank fusion of the dense and BM25 ranks
    dense: float  # cosine similarity with the question
    bm25: float  # BM25 score


def retrieve(index: Index, scores: QuestionScores, *, k: int | None = None,
             sources: frozenset[str] | None = None, config: Config | None = None) -> list[Passage]:
    """The ``k`` best chunks (default ``config.candidates``) for the scored question, best first,
    optionally within ``sources``.

    Each of the dense and BM25 rankings contributes ``1 / (rrf_k + rank)``, rank counted from 1, for
    the chunks in its top ``config.candidates``. ``config`` (default: the index's) sets the depths.
    """
    config = config or index.config
    depth = max(config.candidates, k or 0)
    dense = index.dense_search(scores.vector, depth, sources)
    lexical_ranking = _lexical_ranking(index, scores.bm25, depth, sources)
    fused: dict[int, float] = {}
    for ranking in (dense, lexical_ranking):
        for rank, (cid, _) in enumerate(ranking, start=1):
            fused[cid] = fused.get(cid, 0.0) + 1.0 / (config.rrf_k + rank)
    dense_of = dict(dense)
    order = sorted(fused, key=lambda c: (-fused[c], c))[: (k or config.candidates)]
    return [Passage(c, fused[c], dense_of[c] if c in dense_of else chunk_dense(index, scores.vector, c),
                    float(scores.bm25[c])) for c in order]


def chunk_dense(index: Index, qvec: np.ndarray, chunk_id: int) -> float:
    """Cosine of the question with one chunk (its stored vector)."""
    return index.chunk_dense(qvec, chunk_id)


def _lexical_ranking(index: Index, scores: np.ndarray, depth: int, sources: frozenset[str] | None
                     ) -> list[tuple[int, float]]:
    """Top ``depth`` chunks by BM25 (argpartition, not a full sort), only those of ``sources`` when given."""
    if sources is None:
        ids = top_k(scores, depth)
    else:
        allowed = np.concatenate([index.source_chunks[s] for s in sorted(sources) if s in index.source_chunks]
                                 or [np.zeros(0, dtype=np.int64)])
        allowed.sort()
        ids = allowed[top_k(scores[allowed], depth)]
    return [(int(c), float(scores[c])) for c in ids if scores[c] > 0]
