"""The index on disk: FAISS vectors, BM25, the chunk table, the cleaned documents and a manifest.

Layout of an index folder::

    index/CURRENT            name of the live build folder (replaced atomically)
    index/build-<id>/        manifest.json, vectors.npy [+ vectors.faiss] (chunks), sentences.npy
                             [+ sentences.faiss], chunks.jsonl, documents.jsonl, bm25/ (bm25s's own files
                             and each chunk's terms, terms.jsonl)

The ``.npy`` files hold the raw vectors (memory-mapped on load). :mod:`qa.indexing.vectors` chooses a
search structure for their number: an IVF one with measured recall is written as a ``.faiss`` file; an exact
flat one is made from the ``.npy`` file on load rather than written, since it would hold the same vectors
again (format version 2 wrote it too, and such an index is still read).

A build writes a new ``build-<id>`` beside the live one and then swaps ``CURRENT`` (:mod:`qa.indexing.write`),
so a build that fails to write, crashes or is killed leaves the previous index intact and loadable.
"""
from __future__ import annotations

import hashlib
import json
import re
import threading
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import orjson

from ..config import Config
from ..errors import DocumentNotFoundError, IndexMismatchError, IndexMissingError
from ..records import Chunk, Document, Section, SentenceSpan
from . import checksums
from . import vectors as search
from .embed import Embedder, embedder_for
from .manifest import REBUILD, check_compatible, check_format, check_schema
from .store import Store
from .store import faiss as faiss_store

POINTER = "CURRENT"


class Index:
    """A loaded index: documents, chunks, their vectors, the store that searches them, and the embedder."""

    def __init__(self, folder: Path, manifest: dict[str, Any], documents: dict[str, Document],
                 chunks: list[Chunk], chunk_vectors: np.ndarray, sentence_vectors: np.ndarray,
                 embedder: Embedder, config: Config, store: Store | None = None):
        self.folder = folder
        self.manifest = manifest
        self.documents = documents
        self.chunks = chunks
        self.chunk_vectors = chunk_vectors
        self.sentence_vectors = sentence_vectors
        self.embedder = embedder
        self.config = config
        self.sentences: list[SentenceSpan] = [
            SentenceSpan(d.source, s, e) for d in documents.values() for s, e in d.sentences
        ]
        self.source_chunks = _id_ranges(c.source for c in chunks)
        self.source_sentences = _id_ranges(source for source, _, _ in self.sentences)
        self.store: Store = store or faiss_store.open_store(folder, manifest, self.source_chunks,
                                                            self.source_sentences, chunk_vectors, sentence_vectors)
        self._lock = threading.Lock()  # inference and faiss search from several UI threads
        self._bm25_recent: dict[str, np.ndarray] = {}

    @property
    def lexical(self) -> Any:
        """The bm25s index (embedded store only)."""
        return getattr(self.store, "lexical", None)

    @property
    def vectors(self) -> Any:
        """The FAISS structure over the chunk vectors (embedded store only)."""
        return getattr(self.store, "chunk_index", None)

    def embed(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            return self.embedder.encode(texts, batch_size=self.config.embed_batch_size)

    def dense_search(self, qvec: np.ndarray, k: int, sources: frozenset[str] | None = None
                     ) -> list[tuple[int, float]]:
        """Best ``k`` chunks by cosine, searched only among ``sources`` when given (inside the search)."""
        return self.store.dense_search(qvec, k, sources)

    def chunk_dense(self, qvec: np.ndarray, chunk_id: int) -> float:
        return float(self.chunk_vectors[int(chunk_id)] @ np.asarray(qvec, dtype=np.float32).ravel())

    def nearest_sentences(self, qvec: np.ndarray, k: int, sources: frozenset[str] | None = None) -> list[int]:
        """Ids of the ``k`` sentences nearest the question (an ANN search, never a scan of all sentences)."""
        return self.store.sentence_search(qvec, k, sources) if self.sentences else []

    def sentence_scores(self, qvec: np.ndarray) -> SentenceScores:
        """Cosines of the question with sentences, computed for the sentences asked for only."""
        return SentenceScores(self.sentence_vectors, np.asarray(qvec, dtype=np.float32).ravel())

    def bm25_scores(self, query: str) -> np.ndarray:
        """BM25 score per chunk; the last few queries are remembered, so one question scores BM25 once."""
        scores = self._bm25_recent.get(query)
        if scores is None:
            scores = self.store.bm25_scores(query)
            self._bm25_recent = {**dict(list(self._bm25_recent.items())[-3:]), query: scores}
        return scores

    def bm25_search(self, query: str, k: int) -> list[tuple[int, float]]:
        scores = self.bm25_scores(query)
        return [(int(i), float(scores[i])) for i in search.top_k(scores, k) if scores[i] > 0]

    def document(self, source: str) -> Document:
        try:
            return self.documents[source]
        except KeyError:
            raise DocumentNotFoundError(
                f"No document {source!r} in the index. List the indexed documents with `python -m qa docs`."
            ) from None


class SentenceScores:
    """``scores[i]`` is sentence ``i``'s cosine with the question; an int array of ids gives an array."""

    def __init__(self, sentence_vectors: np.ndarray, qvec: np.ndarray):
        # a plain view of a memory map reads the same pages without np.memmap's per-item overhead
        self._vectors = sentence_vectors.view(np.ndarray) if isinstance(sentence_vectors, np.memmap) \
            else sentence_vectors
        self.query = qvec
        self._cache: dict[int, float] = {}

    def __len__(self) -> int:
        return len(self._vectors)

    def prefetch(self, ids: Iterable[int]) -> Mapping[int, float]:
        """Compute the cosines of ``ids`` not known yet in one matrix product, far cheaper than one at a time (the
        features read a few hundred a question); every cosine known so far, by sentence id."""
        todo = [i for i in ids if i not in self._cache]
        if todo:
            self._cache.update(zip(todo, (self._vectors[todo] @ self.query).tolist()))
        return self._cache

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, (int, np.integer)):
            i = int(key)
            if i not in self._cache:
                # a Python float of the float32 dot product: read many times over, and Python's own arithmetic
                # on it is several times faster than numpy's on a numpy scalar
                self._cache[i] = float(self._vectors[i] @ self.query)
            return self._cache[i]
        ids = np.asarray(key, dtype=np.int64)
        return np.asarray(self._vectors[ids] @ self.query, dtype=np.float32)


def _id_ranges(sources: Any) -> dict[str, np.ndarray]:
    """Source -> its sorted ids (rows are written document by document, so each is one range)."""
    out: dict[str, list[int]] = {}
    for i, source in enumerate(sources):
        out.setdefault(source, []).append(i)
    return {s: np.asarray(ids, dtype=np.int64) for s, ids in out.items()}


# ---------------------------------------------------------------- reading

# What CURRENT may name: a build folder directly inside the index folder, nothing else.
_BUILD_NAME = re.compile(r"build-[A-Za-z0-9_-]+")


def _live(root: Path) -> tuple[Path, str | None] | None:
    """The live build folder and the manifest checksum that CURRENT records, read once; None when absent.

    Raises IndexMismatchError when CURRENT names anything but a build folder directly inside ``root``.
    """
    pointer = root / POINTER
    try:
        parts = pointer.read_bytes().decode("utf-8").split()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as e:
        raise IndexMismatchError(f"The index pointer {pointer} cannot be read ({e}). {REBUILD}") from e
    if not parts or len(parts) > 2 or not _BUILD_NAME.fullmatch(parts[0]):
        named = parts[0] if parts else ""
        raise IndexMismatchError(
            f"The index pointer {pointer} names {named!r}, which is not a build folder directly inside {root}. "
            + REBUILD
        )
    folder = root / parts[0]
    if folder.is_symlink():
        raise IndexMismatchError(f"The live index {folder} is a link, not a build folder inside {root}. {REBUILD}")
    if not folder.is_dir():
        return None
    return folder, parts[1] if len(parts) == 2 else None


def live_folder(root: Path) -> Path | None:
    live = _live(root)
    return live[0] if live else None


def read_manifest(root: Path) -> dict[str, Any]:
    """The live manifest, checked against its checksum and its schema.

    Raises IndexMissingError saying how to build one, or IndexMismatchError saying how to rebuild it.
    """
    return _read_manifest(root, _live(root))


def _read_manifest(root: Path, live: tuple[Path, str | None] | None) -> dict[str, Any]:
    if live is None or not (live[0] / "manifest.json").is_file():
        raise IndexMissingError(
            f"No index in {root}. Run `python -m qa build` (add --index {root} for another folder) first."
        )
    folder, digest = live
    data = (folder / "manifest.json").read_bytes()
    if digest is None:
        raise IndexMismatchError(f"The index in {folder} has no manifest checksum (an older format). {REBUILD}")
    if hashlib.sha256(data).hexdigest() != digest:
        raise IndexMismatchError(
            f"Damaged manifest: {folder / 'manifest.json'} does not match its checksum in {root / POINTER}. "
            + REBUILD
        )
    try:
        manifest = json.loads(data.decode("utf-8"))
    except ValueError as e:
        raise IndexMismatchError(f"Damaged manifest in {folder} ({e}). {REBUILD}") from e
    check_format(manifest, folder)
    check_schema(manifest, folder)
    return manifest


def verified_manifest(root: Path) -> dict[str, Any]:
    """The live manifest after checking every index file against its checksum (IndexMismatchError if not)."""
    manifest = read_manifest(root)
    folder = live_folder(root)
    if folder is None or checksums.checksums(folder) != manifest.get("files"):
        raise IndexMismatchError(f"The index files in {folder} do not match their checksums. {REBUILD}")
    return manifest


def load_index(index_dir: Path | str | None = None, config: Config | None = None) -> Index:
    """Load the live index, verifying checksums, schema and compatibility; reused while it stays live.

    Only the live index of each folder is kept in memory: a rebuild's new index replaces the old one
    (which lives on only while a question still uses it). A build that swaps in a new index and prunes
    the old one while it is being read makes the read start again from ``CURRENT`` (a few times at
    most). Raises IndexMissingError or IndexMismatchError with the command that fixes it.
    """
    config = config or Config()
    root = Path(index_dir) if index_dir is not None else config.index_dir
    config = config.with_(index_dir=root)
    key = (root.resolve(), config)
    live = _live(root)
    cached = _LOADED.get(key)
    if cached is not None and live is not None and cached[0] == live:
        return cached[1]
    with _LOADING:  # one load at a time: many questions arriving after a swap load it once
        for attempt in range(_RETRIES):
            live = _live(root)
            try:
                return _load_live(root, key, config, live)
            except (IndexMismatchError, IndexMissingError, OSError) as e:
                if _live(root) == live:  # nothing was swapped: the problem is real
                    if isinstance(e, OSError):
                        raise IndexMismatchError(f"The index files in {root} cannot be read ({e}). {REBUILD}") from e
                    raise
                changed = e
            time.sleep(0.005 * 2**attempt)
    raise IndexMismatchError(
        f"The index in {root} changed {_RETRIES} times while it was being read (builds kept swapping in new "
        "ones). Try again once the build has finished."
    ) from changed


def _load_live(root: Path, key: tuple[Path, Config], config: Config, live: tuple[Path, str | None] | None) -> Index:
    cached = _LOADED.get(key)
    if cached is not None and live is not None and cached[0] == live:
        return cached[1]
    index = _load(live[0] if live else root, config, _read_manifest(root, live))
    for other in [k for k in _LOADED if k[0] == key[0]]:
        del _LOADED[other]  # the build this index replaces, or the same one under another config
    while len(_LOADED) >= _MAX_FOLDERS:
        del _LOADED[next(iter(_LOADED))]  # the folder loaded longest ago
    _LOADED[key] = (live, index)  # type: ignore[assignment]
    return index


_RETRIES = 6


# (index folder, config) -> ((live build folder, manifest checksum), index); one entry per index folder.
_LOADED: dict[tuple[Path, Config], tuple[tuple[Path, str | None], Index]] = {}
_LOADING = threading.Lock()
_MAX_FOLDERS = 4


def _load(folder: Path, config: Config, manifest: dict[str, Any]) -> Index:
    if checksums.checksums(folder) != manifest.get("files"):
        raise IndexMismatchError(f"The index files in {folder} do not match their checksums. {REBUILD}")
    embedder = embedder_for(config)
    check_compatible(manifest, config, embedder)
    try:
        documents = {d.source: d for d in map(_document, _read_jsonl(folder / "documents.jsonl"))}
        chunks = [Chunk(**row) for row in _read_jsonl(folder / "chunks.jsonl")]
        chunk_vectors = np.load(folder / "vectors.npy", mmap_mode="r", allow_pickle=False)
        sentence_vectors = np.load(folder / "sentences.npy", mmap_mode="r", allow_pickle=False)
        store = None
        if (manifest.get("store") or {}).get("kind") == "milvus":
            from .store import milvus

            store = milvus.open_store(manifest["store"], documents, chunks)
        index = Index(folder, manifest, documents, chunks, chunk_vectors, sentence_vectors, embedder, config, store)
    except (OSError, ValueError, TypeError, RuntimeError) as e:  # faiss raises RuntimeError
        raise IndexMismatchError(f"The index files in {folder} cannot be read ({e}). {REBUILD}") from e
    return index


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open("rb") as f:
        return [orjson.loads(line) for line in f if line.strip()]


def _document(row: dict[str, Any]) -> Document:
    row = dict(row)
    row["sections"] = tuple(Section(**s) for s in row.get("sections", ()))
    for key in ("sentences", "segments"):
        row[key] = tuple(tuple(x) for x in row.get(key, ()))
    for key in ("raw_line_starts", "raw_page_starts", "raw_paragraph_starts"):
        row[key] = tuple(row.get(key, ()))
    return Document(**row)
