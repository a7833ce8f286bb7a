"""Chunk vectors pooled from sentence vectors: every token of a build goes through the model once.

A build needs a vector for every sentence (quotes are ranked by them) and for every chunk (passages
are recalled by them). Embedding both sends each token twice, once in its sentence and once in its
chunk, and chunks, being long, cost the most per token. Here only the sentences are embedded; a
chunk made of whole sentences gets the token-weighted mean of their vectors, renormalised, which is
what mean pooling over the chunk would give if each sentence's tokens saw only their own sentence.
A chunk that starts or ends inside a sentence (a sentence longer than a chunk, cut in pieces) is
embedded itself. The texts the model reads are the same as before (:func:`qa.ingest.chunk.in_context`
under :func:`qa.indexing.embed_context.embed_heading`); only which of them are sent changes. Measured
against chunks embedded themselves in docs/performance.md ("Chunk vectors").
"""
from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from ..records import Chunk, Document
from .embed import Embedder
from .embed_context import chunk_text, sentence_text
from .embed_many import embed_many

#: How chunk vectors are made: "pooled" from the chunk's sentences (one pass over every token), or
#: "own" (each chunk embedded by itself as well, the way indexes were built before).
MODES = ("pooled", "own")



def sentence_rows(document: Document, chunk: Chunk) -> range | None:
    """The rows of ``document.sentences`` that make up ``chunk`` exactly, or None if it cuts one.

    A chunk is whole sentences when it starts where a sentence starts, ends where one ends, and no
    sentence crosses either of its ends.
    """
    sentences = document.sentences
    first = bisect_left(sentences, (chunk.start, -1))
    if first >= len(sentences) or sentences[first][0] != chunk.start:
        return None
    last = bisect_left(sentences, (chunk.end, -1), lo=first) - 1
    if last < first or sentences[last][1] != chunk.end:
        return None
    if first > 0 and sentences[first - 1][1] > chunk.start:
        return None
    return range(first, last + 1)


def pool(vectors: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """The weighted mean of unit ``vectors``, normalised to unit length (float32).

    >>> [round(float(x), 4) for x in pool(np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([3.0, 1.0]))]
    [0.9487, 0.3162]
    """
    mean = (vectors * weights[:, None]).sum(axis=0) / max(float(weights.sum()), 1e-12)
    return (mean / max(float(np.linalg.norm(mean)), 1e-12)).astype(np.float32)


def sentence_texts(document: Document) -> list[str]:
    """What the model reads for each sentence of ``document`` (its heading in front)."""
    return [sentence_text(document, i) for i in range(len(document.sentences))]


def embed_pooled(prepared: Sequence[Any], embedder: Embedder, *, workers: int = 1, threads: int = 1,
                 batch_tokens: int = 1024,
                 progress: Callable[[int, int, int, int], None] | None = None,
                 stop: Callable[[], None] | None = None) -> tuple[list[Any], int]:
    """Fill in the chunk and sentence vectors of every prepared document that has none.

    ``prepared`` holds dataclasses with ``document``, ``chunks``, ``vectors`` and ``sentence_vectors``
    (None until embedded). One :func:`embed_many` call embeds every sentence, and the chunks that cut a
    sentence; the others are pooled. Returns the filled list and how many distinct texts were embedded.
    """
    todo = [p for p in prepared if p.vectors is None]
    rows = [[sentence_rows(p.document, c) for c in p.chunks] for p in todo]
    sentences = [sentence_texts(p.document) for p in todo]
    cut = [chunk_text(p.document, c) for p, r in zip(todo, rows) for c, s in zip(p.chunks, r) if s is None]
    texts = [t for ts in sentences for t in ts]
    vectors = embed_many(embedder, texts + cut, workers=workers, threads=threads, batch_tokens=batch_tokens,
                         progress=progress, stop=stop)
    weights = np.asarray(embedder.token_lengths(texts), dtype=np.float32) if texts else np.zeros(0, np.float32)
    filled, at, own = {}, 0, iter(vectors[len(texts):])
    for p, r, ts in zip(todo, rows, sentences):
        mine, w = vectors[at:at + len(ts)], weights[at:at + len(ts)]
        chunk_vectors = [pool(mine[s], w[s]) if s is not None else next(own) for s in r]
        filled[id(p)] = replace(p, vectors=_stack(chunk_vectors, embedder.dim),
                                sentence_vectors=np.ascontiguousarray(mine))
        at += len(ts)
    return [filled.get(id(p), p) for p in prepared], len(set(texts + cut))


def _stack(rows: list[np.ndarray], dim: int) -> np.ndarray:
    return np.ascontiguousarray(np.stack(rows), dtype=np.float32) if rows else np.zeros((0, dim), np.float32)
