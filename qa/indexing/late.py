"""Late-chunked sentence vectors: one encoder pass per chunk, each sentence pooled from its chunk's tokens.

Günther et al. (2024), "Late Chunking": run the model once over a chunk (its heading in front, as the
chunk is embedded anyway), then mean-pool the token states that fall inside each sentence. A sentence's
vector then knows its neighbours ("the result" after the sentence that names the battle), and a build
runs one pass per chunk instead of one per chunk and one per sentence. A sentence no chunk holds whole
(one cut into several units) is embedded alone. ``mixed`` adds the sentence's own vector to the pooled
one. Measured against sentences embedded alone in docs/performance.md ("Sentence vectors").
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..ingest.chunk import in_context
from ..records import Chunk, Document
from .embed import Embedder
from .embed_context import embed_heading

MODES = ("alone", "late", "mixed")


def chunk_and_sentence_vectors(embedder: Embedder, document: Document, chunks: Sequence[Chunk], mode: str,
                               alone: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Chunk vectors (mean of all tokens, as when embedded alone) and sentence vectors pooled from them.

    ``alone`` holds the sentences' own vectors where already embedded (``mixed``, and sentences no
    chunk holds whole).
    """
    texts = [in_context(c.text, embed_heading(document, c.section)) for c in chunks]
    states = embedder.token_states(texts)
    chunk_vectors = np.stack([_unit(h.mean(axis=0)) for h, _ in states]) if states else np.zeros((0, embedder.dim))
    sentences = list(document.sentences)
    out = np.zeros((len(sentences), embedder.dim), dtype=np.float32)
    missing = []
    for i, (s, e) in enumerate(sentences):
        pooled = _pool(chunks, texts, states, s, e)
        if pooled is None:
            missing.append(i)
        else:
            out[i] = pooled
    if mode == "mixed" or missing:
        own = alone if alone is not None else _alone(embedder, document, range(len(sentences)) if mode == "mixed"
                                                     else missing)
        for i in (range(len(sentences)) if mode == "mixed" else missing):
            out[i] = _unit(out[i] + own[i]) if mode == "mixed" and i not in missing else own[i]
    return np.ascontiguousarray(chunk_vectors, dtype=np.float32), out


def _pool(chunks: Sequence[Chunk], texts: list[str], states: list[tuple[np.ndarray, np.ndarray]],
          start: int, end: int) -> np.ndarray | None:
    for c, text, (hidden, offsets) in zip(chunks, texts, states):
        if c.start <= start and end <= c.end:
            shift = len(text) - len(c.text) - c.start  # document offset -> offset in the embedded text
            lo, hi = start + shift, end + shift
            inside = (offsets[:, 1] > lo) & (offsets[:, 0] < hi) & (offsets[:, 1] > offsets[:, 0])
            if inside.any():
                return _unit(hidden[inside].mean(axis=0))
    return None


def _alone(embedder: Embedder, document: Document, rows: Sequence[int] | range) -> np.ndarray:
    sentences = list(document.sentences)
    texts = [in_context(document.text[s:e], embed_heading(document, document.section_at(s)))
             for s, e in (sentences[i] for i in rows)]
    out = np.zeros((len(sentences), embedder.dim), dtype=np.float32)
    if texts:
        out[list(rows)] = embedder.encode(texts, batch_size=32)
    return out


def _unit(v: np.ndarray) -> np.ndarray:
    return (v / max(float(np.linalg.norm(v)), 1e-12)).astype(np.float32)
