"""Vector search chosen by size: exact flat search for small corpora, IVF above a measured threshold.

The raw vectors are kept beside the search structure as a ``.npy`` file that is memory-mapped on
load, so single dot products (a chunk's or a sentence's cosine with the question) never need the
whole array in memory. An IVF index gets its ``nlist`` from the corpus size (~sqrt(n), trained on 40
vectors per list) and its ``nprobe`` from a recall measurement at build time: queries are a sample of
the corpus's own vectors, the truth is exact search, and ``nprobe`` doubles until recall@10 reaches
the target. The figures go into the manifest (``qa docs`` shows them).
"""
from __future__ import annotations

import math
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, cast

import faiss
import numpy as np

from ..config import Config
from . import checksums

#: Below this many vectors exact flat search is used: it is exact, needs no training, and at this size
#: a query costs under ~1 ms here (benchmarks/bench_scale.py measures the crossing point).
FLAT_BELOW = Config.flat_below
RECALL_TARGET = Config.ann_recall_target
RECALL_SAMPLE = 200

# One question is one small search: FAISS's OpenMP threads only fight over the cores (0.24 ms with one
# thread against 0.7 ms with two on an idle 2-core machine, and 100+ ms with two when the cores are
# busy). Builds raise it for training and adding (see _threads).
faiss.omp_set_num_threads(1)


@contextmanager
def _threads(count: int | None) -> Iterator[None]:
    faiss.omp_set_num_threads(count or os.cpu_count() or 1)
    try:
        yield
    finally:
        faiss.omp_set_num_threads(1)


@dataclass(frozen=True)
class Ann:
    """How a set of vectors is searched, and the recall@10 measured for it at build time."""

    kind: str  # "flat" or "ivf"
    nlist: int = 0
    nprobe: int = 0
    recall_at_10: float = 1.0
    count: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def build(vectors: np.ndarray, *, flat_below: int = FLAT_BELOW, target: float = RECALL_TARGET,
          seed: int = 0, threads: int | None = None) -> tuple[faiss.Index, Ann]:
    """A search structure for ``vectors`` (L2-normalised rows) chosen by their number, trained on ``threads``
    OpenMP threads (None: all cores)."""
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    n, dim = vectors.shape
    if n < flat_below:
        return flat(vectors), Ann("flat", count=n)
    nlist = max(1, int(min(max(math.sqrt(n), 64), n // 39)))
    index = faiss.IndexIVFFlat(faiss.IndexFlatIP(dim), dim, nlist, faiss.METRIC_INNER_PRODUCT)
    rng = np.random.default_rng(seed)
    train = vectors[np.sort(rng.choice(n, size=min(n, 40 * nlist), replace=False))]
    sample = vectors[np.sort(rng.choice(n, size=min(n, RECALL_SAMPLE), replace=False))]
    with _threads(threads):
        index.train(train)
        index.add(vectors)
    truth = _exact(vectors, sample, 10)
    nprobe, recall = 4, 0.0
    while nprobe <= nlist:
        recall = recall_at(index, sample, truth, nprobe)
        if recall >= target:
            break
        nprobe *= 2
    index.nprobe = min(nprobe, nlist)
    return index, Ann("ivf", nlist, index.nprobe, round(recall, 4), n)


def flat(vectors: np.ndarray) -> faiss.Index:
    """Exact inner-product search over ``vectors`` (copied into the structure)."""
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    index = faiss.IndexFlatIP(vectors.shape[1])
    index.add(vectors)
    return index


def _exact(vectors: np.ndarray, queries: np.ndarray, k: int) -> np.ndarray:
    """Ids of each query's ``k`` best inner products (one matrix product: a third of a flat FAISS search's
    time for the 200 sample queries, which FAISS runs through its own BLAS threads)."""
    step = max(1, (1 << 24) // max(1, len(vectors)))  # scores of at most 16M pairs (64 MB) at a time
    return np.stack([top_k(row, k) for at in range(0, len(queries), step)
                     for row in queries[at:at + step] @ vectors.T])


def recall_at(index: faiss.Index, queries: np.ndarray, truth: np.ndarray, nprobe: int) -> float:
    """Share of the exact top-k found in the index's top-k, k = ``truth.shape[1]``."""
    k = truth.shape[1]
    params = faiss.SearchParametersIVF()
    params.nprobe = nprobe
    found = index.search(queries, k, params=params)[1]
    return float(np.mean([len(set(f) & set(t)) / k for f, t in zip(found, truth)]))


def save(path: Path, index: faiss.Index) -> None:
    """Write a search structure and take its checksum while its bytes are fresh in the page cache
    (``faiss.serialize_index`` would give the bytes to hash in memory, but takes 3-10 times as long)."""
    faiss.write_index(index, str(path))
    checksums.sha256(path)


def load(path: Path) -> faiss.Index:
    """Read a search structure, memory-mapped where FAISS supports it for that kind."""
    try:
        return faiss.read_index(str(path), faiss.IO_FLAG_MMAP | faiss.IO_FLAG_READ_ONLY)
    except RuntimeError:
        return faiss.read_index(str(path))


def search(index: faiss.Index, ann: Ann, qvec: np.ndarray, k: int,
           ids: np.ndarray | None = None) -> list[tuple[int, float]]:
    """Best ``k`` (id, inner product) pairs, optionally only among ``ids`` (sorted int64 ids)."""
    k = min(k, index.ntotal if ids is None else len(ids))
    if k <= 0:
        return []
    query = np.asarray(qvec, dtype=np.float32).reshape(1, -1)
    selector = _selector(ids) if ids is not None else None
    if ann.kind == "ivf":
        ivf = faiss.SearchParametersIVF()
        ivf.nprobe = ann.nprobe or cast(faiss.IndexIVF, index).nprobe  # an "ivf" structure is read as an IndexIVF
        params: faiss.SearchParameters = ivf
    else:
        params = faiss.SearchParameters()
    if selector is not None:
        params.sel = selector
    scores, found = index.search(query, k, params=params)
    return [(int(i), float(s)) for i, s in zip(found[0], scores[0]) if i >= 0]


def _selector(ids: np.ndarray) -> faiss.IDSelector:
    if len(ids) and ids[-1] - ids[0] + 1 == len(ids):
        return faiss.IDSelectorRange(int(ids[0]), int(ids[-1]) + 1)  # one source: a contiguous range
    return faiss.IDSelectorBatch(np.ascontiguousarray(ids, dtype=np.int64))


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the ``k`` largest scores, best first, ties by lower index (as a stable full sort would)."""
    n = len(scores)
    if k <= 0 or n == 0:
        return np.zeros(0, dtype=np.int64)
    if k >= n:
        picked = np.arange(n)
    else:
        kth = np.partition(scores, n - k)[n - k]
        above = np.flatnonzero(scores > kth)
        ties = np.flatnonzero(scores == kth)[: k - len(above)]
        picked = np.concatenate([above, ties])
    return picked[np.lexsort((picked, -scores[picked]))]
