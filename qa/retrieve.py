"""Hybrid passage retrieval: dense (FAISS inner product) and BM25 lists fused by reciprocal rank."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .config import Config
from .index import Index


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk with its fused score and both underlying scores."""

    chunk_id: int
    score: float  # reciprocal-rank fusion of the dense and BM25 ranks
    dense: float  # cosine similarity with the question
    bm25: float  # BM25 score


def retrieve(index: Index, question: str, qvec: np.ndarray, *, k: int | None = None,
             sources: frozenset[str] | None = None, lexical: np.ndarray | None = None,
             config: Config | None = None) -> list[Passage]:
    """The ``k`` best chunks (default ``config.candidates``), best first, optionally within ``sources``.

    Each of the dense and BM25 rankings contributes ``1 / (rrf_k + rank)``, rank counted from 1, for
    the chunks in its top ``config.candidates``.
    """
    config = index.config
    depth = max(config.candidates, k or 0)
    allowed = _allowed(index, sources)
    dense = _dense_ranking(index, qvec, depth, allowed)
    lexical_scores = index.bm25_scores(question) if lexical is None else lexical
    lexical = _lexical_ranking(lexical_scores, depth, allowed)
    fused: dict[int, float] = {}
    for ranking in (dense, lexical):
        for rank, (cid, _) in enumerate(ranking, start=1):
            fused[cid] = fused.get(cid, 0.0) + 1.0 / (config.rrf_k + rank)
    dense_of = dict(dense)
    order = sorted(fused, key=lambda c: (-fused[c], c))[: (k or config.candidates)]
    return [Passage(c, fused[c], dense_of[c] if c in dense_of else chunk_dense(index, qvec, c),
                    float(lexical_scores[c])) for c in order]


def chunk_dense(index: Index, qvec: np.ndarray, chunk_id: int) -> float:
    """Cosine of the question with one chunk (its stored vector)."""
    return float(index.vectors.reconstruct(int(chunk_id)) @ np.asarray(qvec, dtype=np.float32).ravel())


def _allowed(index: Index, sources: frozenset[str] | None) -> np.ndarray | None:
    if sources is None:
        return None
    return np.array([c.source in sources for c in index.chunks], dtype=bool)


def _dense_ranking(index: Index, qvec: np.ndarray, depth: int, allowed: np.ndarray | None
                   ) -> list[tuple[int, float]]:
    if allowed is None:
        return index.dense_search(qvec, depth)
    # A flat index cannot filter, so rank everything and keep the allowed chunks.
    hits = index.dense_search(qvec, index.vectors.ntotal)
    return [(c, s) for c, s in hits if allowed[c]][:depth]


def _lexical_ranking(scores: np.ndarray, depth: int, allowed: np.ndarray | None) -> list[tuple[int, float]]:
    if allowed is not None:
        scores = np.where(allowed, scores, 0.0)
    order = np.argsort(-scores, kind="stable")[:depth]
    return [(int(c), float(scores[c])) for c in order if scores[c] > 0]
