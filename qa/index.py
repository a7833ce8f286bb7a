"""The index on disk: FAISS vectors, BM25, the chunk table, the cleaned documents and a manifest.

Layout of an index folder::

    index/CURRENT            name of the live build folder (replaced atomically)
    index/build-<id>/        manifest.json, vectors.faiss, sentences.npy, chunks.jsonl,
                             documents.jsonl, bm25/ (bm25s's own files)

A build writes a new ``build-<id>`` beside the live one and then swaps ``CURRENT``, so a build that
crashes or is killed leaves the previous index intact and loadable.
"""
from __future__ import annotations

import hashlib
import json
import os
import threading
from dataclasses import asdict
from functools import lru_cache
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from .config import Config
from .embed import Embedder, load_embedder
from .errors import DocumentNotFoundError, IndexMismatchError, IndexMissingError
from .lexical import Lexical
from .records import Chunk, Document, Section

FORMAT = "qa-index"
FORMAT_VERSION = 1
POINTER = "CURRENT"


class Index:
    """A loaded index: documents, chunks, both search structures and the embedder that made them."""

    def __init__(self, folder: Path, manifest: dict[str, Any], documents: dict[str, Document],
                 chunks: list[Chunk], vectors: faiss.Index, sentence_vectors: np.ndarray,
                 lexical: Lexical, embedder: Embedder, config: Config):
        self.folder = folder
        self.manifest = manifest
        self.documents = documents
        self.chunks = chunks
        self.vectors = vectors
        self.sentence_vectors = sentence_vectors
        self.lexical = lexical
        self.embedder = embedder
        self.config = config
        self.sentences: list[tuple[str, int, int]] = [
            (d.source, s, e) for d in documents.values() for s, e in d.sentences
        ]
        self._lock = threading.Lock()  # torch inference and faiss search from several UI threads

    def embed(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            return self.embedder.encode(texts, batch_size=self.config.embed_batch_size)

    def dense_search(self, qvec: np.ndarray, k: int) -> list[tuple[int, float]]:
        k = min(k, self.vectors.ntotal)
        if k <= 0:
            return []
        scores, ids = self.vectors.search(np.asarray(qvec, dtype=np.float32).reshape(1, -1), k)
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0]) if i >= 0]

    def bm25_scores(self, query: str) -> np.ndarray:
        return self.lexical.scores(query)

    def bm25_search(self, query: str, k: int) -> list[tuple[int, float]]:
        scores = self.bm25_scores(query)
        order = np.argsort(-scores, kind="stable")[:k]
        return [(int(i), float(scores[i])) for i in order if scores[i] > 0]

    def document(self, source: str) -> Document:
        try:
            return self.documents[source]
        except KeyError:
            raise DocumentNotFoundError(
                f"No document {source!r} in the index. List the indexed documents with `python -m qa docs`."
            ) from None


# ---------------------------------------------------------------- writing

def write_index(root: Path, manifest: dict[str, Any], documents: list[Document], chunks: list[Chunk],
                vectors: np.ndarray, sentence_vectors: np.ndarray) -> Path:
    """Write a complete index into a fresh folder under ``root`` and make it the live one."""
    root.mkdir(parents=True, exist_ok=True)
    name = f"build-{os.getpid()}-{os.urandom(4).hex()}"
    tmp = root / f".tmp-{name}"
    tmp.mkdir()
    _write_jsonl(tmp / "documents.jsonl", (asdict(d) for d in documents))
    _write_jsonl(tmp / "chunks.jsonl", (asdict(c) for c in chunks))
    flat = faiss.IndexFlatIP(vectors.shape[1])
    flat.add(np.ascontiguousarray(vectors, dtype=np.float32))
    faiss.write_index(flat, str(tmp / "vectors.faiss"))
    np.save(tmp / "sentences.npy", np.ascontiguousarray(sentence_vectors, dtype=np.float32), allow_pickle=False)
    Lexical.fit([c.text for c in chunks]).save(tmp / "bm25")
    manifest = {**manifest, "format": FORMAT, "format_version": FORMAT_VERSION, "files": _checksums(tmp)}
    (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
    _fsync_tree(tmp)
    final = root / name
    os.rename(tmp, final)
    _swap_pointer(root, name)
    return final


def _write_jsonl(path: Path, rows: Any) -> None:
    with path.open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")


def _checksums(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*")) if p.is_file() and p.name != "manifest.json"
    }


def _fsync_tree(folder: Path) -> None:
    for p in folder.rglob("*"):
        if p.is_file():
            with p.open("rb") as f:
                os.fsync(f.fileno())


def _swap_pointer(root: Path, name: str) -> None:
    tmp = root / f".{POINTER}.{os.getpid()}"
    with tmp.open("w", encoding="utf-8") as f:
        f.write(name + "\n")
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, root / POINTER)
    fd = os.open(root, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def prune(root: Path) -> None:
    """Remove build folders other than the live one, and leftovers of interrupted builds."""
    import shutil

    live = live_folder(root)
    for p in root.iterdir():
        if p.is_dir() and (p.name.startswith("build-") or p.name.startswith(".tmp-build-")) and p != live:
            shutil.rmtree(p, ignore_errors=True)


# ---------------------------------------------------------------- reading

def live_folder(root: Path) -> Path | None:
    pointer = root / POINTER
    if not pointer.is_file():
        return None
    folder = root / pointer.read_text(encoding="utf-8").strip()
    return folder if folder.is_dir() else None


def read_manifest(root: Path) -> dict[str, Any]:
    """The live manifest, or IndexMissingError saying how to build one."""
    folder = live_folder(root)
    if folder is None or not (folder / "manifest.json").is_file():
        raise IndexMissingError(
            f"No index in {root}. Run `python -m qa build` (add --index {root} for another folder) first."
        )
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except ValueError as e:
        raise IndexMismatchError(f"The index manifest in {folder} is damaged ({e}). {_REBUILD}") from e
    _check_format(manifest, folder)
    return manifest


_REBUILD = "Run `python -m qa build --full` to rebuild it."


def _check_format(manifest: dict[str, Any], folder: Path) -> None:
    if manifest.get("format") != FORMAT:
        raise IndexMismatchError(f"{folder} does not hold a qa index. {_REBUILD}")
    version = manifest.get("format_version")
    if version != FORMAT_VERSION:
        raise IndexMismatchError(
            f"The index in {folder} has format version {version}; this qa reads version {FORMAT_VERSION}. "
            + _REBUILD
        )


def check_compatible(manifest: dict[str, Any], config: Config, embedder: Embedder) -> None:
    """Refuse an index built with another model or other chunking parameters than ``config``."""
    if manifest.get("model_id") != embedder.model_id:
        raise IndexMismatchError(
            f"The index was built with embedding model {manifest.get('model_id')}, but the configured model "
            f"is {embedder.model_id}. {_REBUILD} (or configure the model it was built with)."
        )
    wanted = chunking_params(config)
    if manifest.get("chunking") != wanted:
        raise IndexMismatchError(
            f"The index was built with chunking {manifest.get('chunking')}, but the configuration asks for "
            f"{wanted}. {_REBUILD}"
        )


def chunking_params(config: Config) -> dict[str, Any]:
    return {
        "encoding": config.encoding,
        "chunk_tokens": config.chunk_tokens,
        "overlap_tokens": config.overlap_tokens,
    }


def load_index(index_dir: Path | str | None = None, config: Config | None = None) -> Index:
    """Load (once per folder and build) the live index, verifying checksums and compatibility.

    Raises IndexMissingError or IndexMismatchError with the command that fixes it.
    """
    config = config or Config()
    root = Path(index_dir) if index_dir is not None else config.index_dir
    config = config.with_(index_dir=root)
    folder = live_folder(root)
    read_manifest(root)
    return _load(folder, config)  # type: ignore[arg-type]


@lru_cache(maxsize=8)
def _load(folder: Path, config: Config) -> Index:
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    if _checksums(folder) != manifest.get("files"):
        raise IndexMismatchError(f"The index files in {folder} do not match their checksums. {_REBUILD}")
    embedder = load_embedder(config.model_path())
    check_compatible(manifest, config, embedder)
    documents = {d.source: d for d in map(_document, _read_jsonl(folder / "documents.jsonl"))}
    chunks = [Chunk(**row) for row in _read_jsonl(folder / "chunks.jsonl")]
    vectors = faiss.read_index(str(folder / "vectors.faiss"))
    sentence_vectors = np.load(folder / "sentences.npy", allow_pickle=False)
    lexical = Lexical.load(folder / "bm25")
    return Index(folder, manifest, documents, chunks, vectors, sentence_vectors, lexical, embedder, config)


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _document(row: dict[str, Any]) -> Document:
    row = dict(row)
    row["sections"] = tuple(Section(**s) for s in row.get("sections", ()))
    for key in ("sentences", "segments"):
        row[key] = tuple(tuple(x) for x in row.get(key, ()))
    for key in ("raw_line_starts", "raw_page_starts", "raw_paragraph_starts"):
        row[key] = tuple(row.get(key, ()))
    return Document(**row)
