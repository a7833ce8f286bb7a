"""Where an index's vectors and lexical index live: a small interface and two implementations.

``faiss`` (the default) keeps everything in the index folder: FAISS structures chosen by size and a
bm25s index. ``milvus`` keeps the chunk and sentence vectors and a BM25 full-text index in a Milvus
server (a cluster, or a local ``milvus-lite``), for corpora larger than one machine. Either way the
chunk texts, offsets, cleaned documents and raw vectors stay in the index folder, so every quote is
still ``document.text[start:end]`` and ``verify`` holds.

Select the store with ``qa build --store milvus://HOST:PORT`` (or a milvus-lite ``.db`` file path);
the manifest records it and ``ask`` and the app follow the manifest.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

import numpy as np

from ...errors import QAError


class Store(Protocol):
    """Search over an index's chunks and sentences; ids are the index's own chunk and sentence ids."""

    kind: str

    def dense_search(self, qvec: np.ndarray, k: int, sources: frozenset[str] | None) -> list[tuple[int, float]]:
        """Best ``k`` chunks by inner product with ``qvec``, only within ``sources`` when given."""
        ...

    def sentence_search(self, qvec: np.ndarray, k: int, sources: frozenset[str] | None) -> list[int]:
        """Ids of the ``k`` sentences nearest ``qvec``, only within ``sources`` when given."""
        ...

    def bm25_scores(self, query: str) -> np.ndarray:
        """BM25 score per chunk id (zeros where the chunk does not match or was not among the best)."""
        ...


def parse_target(spec: str | None) -> dict[str, Any]:
    """``None``/``faiss`` -> the embedded store; ``milvus://HOST:PORT`` or a ``.db`` path -> Milvus.

    >>> parse_target("milvus://127.0.0.1:19530")["uri"]
    'http://127.0.0.1:19530'
    """
    if not spec or spec == "faiss":
        return {"kind": "faiss"}
    if spec.startswith("milvus://"):
        address = spec[len("milvus://"):].rstrip("/")
        if not address or ":" not in address:
            raise QAError(f"--store {spec}: give the Milvus server as milvus://HOST:PORT (e.g. milvus://127.0.0.1:19530).")
        return {"kind": "milvus", "uri": f"http://{address}"}
    if spec.endswith(".db"):
        return {"kind": "milvus", "uri": str(Path(spec).expanduser().resolve())}
    raise QAError(f"Unknown store {spec!r}: use faiss (the default), milvus://HOST:PORT, or a milvus-lite file "
                  "path ending in .db.")
