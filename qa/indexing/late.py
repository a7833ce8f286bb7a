"""Late-chunked sentence vectors: one encoder pass per chunk, each sentence pooled from its chunk's tokens.

Günther et al. (2024), "Late Chunking": run the model once over a chunk (its heading in front, as the
chunk is embedded anyway), then mean-pool the token vectors that fall inside each sentence, together
with its heading's, as a sentence embedded alone is read under its heading. A sentence's vector then
knows its neighbours ("the result" after the sentence that names the battle), and a build runs one pass
per chunk instead of one per chunk and one per sentence. The chunk's own vector is the mean of all its
tokens, as when it is embedded alone, so chunk vectors are the same in either mode. A sentence that no
chunk's window holds whole (one cut into several units, or past the model's window) is embedded alone.
Measured against sentences embedded alone in docs/performance.md ("Sentence vectors").
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from ..ingest.chunk import CONTEXT_SEP
from ..records import Chunk, Document
from .embed import Embedder
from .embed_context import chunk_text, sentence_text
from .embed_many import BATCH_TOKENS, Progress, embed_many, embed_spans

MODES = ("alone", "late")


def chunk_texts(document: Document, chunks: Sequence[Chunk]) -> list[str]:
    """The chunks as the model reads them: each under its heading (qa.ingest.chunk.in_context)."""
    return [chunk_text(document, c) for c in chunks]


def sentence_spans(document: Document, chunks: Sequence[Chunk], texts: Sequence[str]
                   ) -> tuple[list[list[tuple[tuple[int, int], ...]]], list[list[int]]]:
    """Per chunk, the character ranges (in its embedded text) each sentence it carries is pooled from, and
    which sentences those are: every sentence is carried by the first chunk that holds it whole.

    >>> from qa.records import Chunk, Document
    >>> doc = Document("a.txt", "a", "document", "txt", "One. Two. Three.", "", "",
    ...                sentences=((0, 4), (5, 9), (10, 16)))
    >>> chunks = [Chunk(0, "a.txt", 0, 9, "One. Two.", None, 3), Chunk(1, "a.txt", 5, 16, "Two. Three.", None, 3)]
    >>> sentence_spans(doc, chunks, ["One. Two.", "Two. Three."])
    ([[((0, 4),), ((5, 9),)], [((5, 11),)]], [[0, 1], [2]])
    """
    spans: list[list[tuple[tuple[int, int], ...]]] = [[] for _ in chunks]
    carried: list[list[int]] = [[] for _ in chunks]
    k = 0
    for i, (s, e) in enumerate(document.sentences):
        while k < len(chunks) and chunks[k].end < e:
            k += 1
        holder = next((j for j in range(k, len(chunks)) if chunks[j].start <= s and e <= chunks[j].end), None)
        if holder is None:
            continue
        chunk, text = chunks[holder], texts[holder]
        shift = len(text) - len(chunk.text) - chunk.start  # document offset -> offset in the embedded text
        head = len(text) - len(chunk.text) - len(CONTEXT_SEP)  # the heading in front, without the separator
        ranges = (((0, head),) if head > 0 else ()) + ((s + shift, e + shift),)
        spans[holder].append(ranges)
        carried[holder].append(i)
    return spans, carried


def embed_late(embedder: Embedder, documents: Sequence[tuple[Document, Sequence[Chunk]]], *, workers: int = 1,
               threads: int = 1, batch_tokens: int = BATCH_TOKENS, progress: Progress | None = None,
               stop: Callable[[], None] | None = None) -> tuple[list[tuple[np.ndarray, np.ndarray]], int]:
    """Each document's chunk vectors and sentence vectors, and how many texts went through the model."""
    texts: list[str] = []
    spans: list[list[tuple[tuple[int, int], ...]]] = []
    owners: list[tuple[int, list[int]]] = []
    for n, (document, chunks) in enumerate(documents):
        embedded = chunk_texts(document, chunks)
        chunk_spans, carried = sentence_spans(document, chunks, embedded)
        texts += embedded
        spans += chunk_spans
        owners += [(n, rows) for rows in carried]
    told = [0, 0, 0, 0]  # the last figures the chunks' pass told: the pass for sentences alone goes on from them

    def chunks_told(*figures: int) -> None:
        told[:] = figures
        if progress:
            progress(*figures)

    vectors, pooled = embed_spans(embedder, texts, spans, workers=workers, threads=threads,
                                  batch_tokens=batch_tokens, progress=chunks_told, stop=stop)
    out = [(np.zeros((len(c), embedder.dim), dtype=np.float32),
            np.full((len(d.sentences), embedder.dim), np.nan, dtype=np.float32)) for d, c in documents]
    at = 0
    for (n, rows), sentence_vectors in zip(owners, pooled):
        if rows:
            out[n][1][rows] = sentence_vectors
    for n, (_, chunks) in enumerate(documents):
        out[n][0][:] = vectors[at:at + len(chunks)]
        at += len(chunks)
    alone = [(n, int(i)) for n, (_, sv) in enumerate(out) for i in np.flatnonzero(np.isnan(sv).any(axis=1))]
    alone_texts = [sentence_text(documents[n][0], i) for n, i in alone]
    if alone:
        def alone_told(tokens: int, total_tokens: int, done: int, total: int) -> None:
            # the tokens bar stays full (its total was the chunks'); the texts count takes these in
            if progress:
                progress(told[1], told[1], told[2] + done, told[3] + total)

        own = embed_many(embedder, alone_texts, workers=workers, threads=threads, batch_tokens=batch_tokens,
                         progress=alone_told, stop=stop)
        for (n, i), v in zip(alone, own):
            out[n][1][i] = v
    return out, len(set(texts)) + len(set(alone_texts))
