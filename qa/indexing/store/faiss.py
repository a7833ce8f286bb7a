"""The embedded store: FAISS structures chosen by size (:mod:`qa.indexing.vectors`) and bm25s, in the index folder."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from .. import vectors as search
from ..lexical import Lexical
from ..vectors import FLAT_BELOW, Ann


class FaissStore:
    """Chunk and sentence search structures plus BM25, searched in this process."""

    kind = "faiss"

    def __init__(self, chunk_index: Any, sentence_index: Any, lexical: Lexical, ann: dict[str, Ann],
                 source_chunks: dict[str, np.ndarray], source_sentences: dict[str, np.ndarray]):
        self.chunk_index = chunk_index
        self.sentence_index = sentence_index
        self.lexical = lexical
        self.ann = ann
        self.source_chunks = source_chunks
        self.source_sentences = source_sentences

    def dense_search(self, qvec: np.ndarray, k: int, sources: frozenset[str] | None) -> list[tuple[int, float]]:
        return search.search(self.chunk_index, self.ann["chunks"], qvec, k, ids_of(self.source_chunks, sources))

    def sentence_search(self, qvec: np.ndarray, k: int, sources: frozenset[str] | None) -> list[int]:
        ids = ids_of(self.source_sentences, sources)
        return [i for i, _ in search.search(self.sentence_index, self.ann["sentences"], qvec, k, ids)]

    def bm25_scores(self, query: str) -> np.ndarray:
        return self.lexical.scores(query)


def write(folder: Path, texts: list[str], vectors: np.ndarray, sentence_vectors: np.ndarray, *,
          flat_below: int = FLAT_BELOW, terms: Mapping[str, list[str]] | None = None,
          beside: Callable[[], None] = lambda: None) -> dict[str, Any]:
    """Write the search structures and BM25 into ``folder``; returns the manifest's ``ann`` entry.
    ``terms``: the BM25 terms of texts tokenised before (:func:`qa.indexing.lexical.saved_terms`).

    An IVF structure is written as ``<stem>.faiss``; an exact flat one is not: it would hold the ``.npy``
    file's vectors a second time, so :func:`open_store` builds it from them.

    The vector structures are built on a second thread while this one calls ``beside`` (the index's other
    files) and fits BM25: FAISS, numpy and file writes let go of the interpreter's lock, the tokeniser holds
    it, and on a one-page update of a 6,000-chunk index each side takes about a quarter of a second.
    """
    def structures() -> dict[str, Any]:
        ann = {}
        for part, rows, stem in (("chunks", vectors, "vectors"), ("sentences", sentence_vectors, "sentences")):
            # One OpenMP thread: the other core is this thread's (OpenMP's threads spin at each barrier,
            # and one of two sharing a core with Python work made the structures three times as slow).
            structure, spec = search.build(rows, flat_below=flat_below, threads=1)
            if spec.kind != "flat":
                search.save(folder / f"{stem}.faiss", structure)
            ann[part] = spec.to_dict()
        return ann

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="qa-build-vectors") as pool:
        ann = pool.submit(structures)
        beside()
        Lexical.fit(texts, terms).save(folder / "bm25")
        return ann.result()


def open_store(folder: Path, manifest: dict[str, Any], source_chunks: dict[str, np.ndarray],
               source_sentences: dict[str, np.ndarray], chunk_vectors: np.ndarray,
               sentence_vectors: np.ndarray) -> FaissStore:
    """The store of an index folder: each ``<stem>.faiss`` file read, or (none written for an exact flat
    structure) the flat structure made from the vectors."""
    ann = manifest.get("ann") or {}
    specs = {part: Ann(**ann[part]) if part in ann else Ann("flat") for part in ("chunks", "sentences")}

    def structure(stem: str, rows: np.ndarray) -> Any:
        path = folder / f"{stem}.faiss"
        return search.load(path) if path.exists() else search.flat(rows)

    return FaissStore(structure("vectors", chunk_vectors), structure("sentences", sentence_vectors),
                      Lexical.load(folder / "bm25"), specs, source_chunks, source_sentences)


def ids_of(by_source: dict[str, np.ndarray], sources: frozenset[str] | None) -> np.ndarray | None:
    """Sorted ids of ``sources`` (None: no filter)."""
    if sources is None:
        return None
    parts = [by_source[s] for s in sorted(sources) if s in by_source]
    return np.sort(np.concatenate(parts)) if parts else np.zeros(0, dtype=np.int64)
