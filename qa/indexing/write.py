"""Writing an index: every file of a build into a fresh folder beside the live one, then ``CURRENT`` swapped to it
(:mod:`qa.indexing.index` has the layout and reads it back). A build that fails to write, crashes or is killed
leaves the live index as it was; :func:`prune` clears what such a build left.
"""
from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import orjson

from ..errors import IndexMismatchError, IndexWriteError
from ..records import Chunk, Document
from . import checksums
from .index import POINTER, Index, live_folder
from .lexical import saved_terms
from .manifest import FORMAT, FORMAT_VERSION
from .store import faiss as faiss_store
from .vectors import FLAT_BELOW


def write_index(root: Path, manifest: dict[str, Any], documents: list[Document], chunks: list[Chunk],
                vectors: np.ndarray, sentence_vectors: np.ndarray, *, flat_below: int = FLAT_BELOW,
                store: dict[str, Any] | None = None, previous: dict[str, Any] | None = None,
                terms: Mapping[str, list[str]] | None = None) -> Path:
    """Write a complete index into a fresh folder under ``root`` and make it the live one.

    ``store`` (from :func:`qa.indexing.store.parse_target`) says where the vectors and BM25 are searched; a
    Milvus store is updated in place, only for documents that differ from ``previous`` (the live
    manifest). ``terms``: chunk text -> BM25 terms already known (the live index's, :func:`previous_terms`).
    """
    name = f"build-{os.getpid()}-{os.urandom(4).hex()}"
    tmp = root / f".tmp-{name}"
    try:
        root.mkdir(parents=True, exist_ok=True)
        tmp.mkdir()
        data = _write_build(tmp, manifest, documents, chunks, vectors, sentence_vectors, flat_below=flat_below,
                            store=store, previous=previous, terms=terms, root=root)
        os.rename(tmp, root / name)
    except OSError as e:
        message = _write_failed(root, e)  # the space free as it failed, before the partial build goes
        shutil.rmtree(tmp, ignore_errors=True)
        raise IndexWriteError(message) from e
    try:
        _swap_pointer(root, name, hashlib.sha256(data).hexdigest())
    except OSError as e:
        message = _write_failed(root, e)
        if _live_name(root) != name:
            shutil.rmtree(root / name, ignore_errors=True)
        raise IndexWriteError(message) from e
    return root / name


def _write_build(tmp: Path, manifest: dict[str, Any], documents: list[Document], chunks: list[Chunk],
                 vectors: np.ndarray, sentence_vectors: np.ndarray, *, flat_below: int, store: dict[str, Any] | None,
                 previous: dict[str, Any] | None, terms: Mapping[str, list[str]] | None, root: Path) -> bytes:
    """Every file of a build into ``tmp``, the manifest last (its bytes are returned for the pointer)."""
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    sentence_vectors = np.ascontiguousarray(sentence_vectors, dtype=np.float32)

    def tables() -> None:
        _write_jsonl(tmp / "documents.jsonl", documents)
        _write_jsonl(tmp / "chunks.jsonl", chunks)
        checksums.write_array(tmp / "vectors.npy", vectors)
        checksums.write_array(tmp / "sentences.npy", sentence_vectors)

    store = store or {"kind": "faiss"}
    if store["kind"] == "milvus":
        from .store import milvus

        tables()
        by_source = {d.source: d for d in documents}
        entry = milvus.write(store, _collection_name(root), by_source, chunks, vectors, sentence_vectors, previous)
        manifest = {**manifest, "store": entry}
    else:
        ann = faiss_store.write(tmp, [c.text for c in chunks], vectors, sentence_vectors, flat_below=flat_below,
                                terms=terms, beside=tables)
        manifest = {**manifest, "store": {"kind": "faiss"}, "ann": ann}
    manifest = {**manifest, "format": FORMAT, "format_version": FORMAT_VERSION, "files": checksums.checksums(tmp)}
    data = json.dumps(manifest, indent=2, ensure_ascii=False).encode("utf-8")
    (tmp / "manifest.json").write_bytes(data)
    _fsync_tree(tmp)
    return data


def _write_failed(root: Path, e: OSError) -> str:
    """What went wrong writing an index into ``root``, and what to do about it."""
    try:
        free: int | None = shutil.disk_usage(root if root.exists() else root.parent).free
    except OSError:
        free = None
    # numpy reports a short write without an errno ("64896 requested and 62432 written")
    full = e.errno in (errno.ENOSPC, errno.EDQUOT) or (e.errno is None and " requested and " in str(e)) \
        or (free is not None and free < 1 << 20)
    kept = "The index in use is unchanged." if _live_name(root) else "No index was written."
    if full:
        return (f"Could not write the index in {root}: the disk is full ({(free or 0) / 1e6:.1f} MB free). {kept} "
                "Free some space (a new index is written beside the one in use, so both need room for a moment), "
                "or build into a folder on another disk (--index DIR).")
    if e.errno == errno.EFBIG:
        return (f"Could not write the index in {root}: a file is larger than this process may write (ulimit -f). "
                f"{kept} Raise the limit, or build a smaller collection.")
    return (f"Could not write the index in {root}: {e.strerror or e}. {kept} Check that the folder can be written "
            "to, or build into another folder (--index DIR).")


def _live_name(root: Path) -> str | None:
    """The name of the build the pointer names, if it names one (a failed swap may have failed before or after
    its rename)."""
    try:
        live = live_folder(root)
    except (IndexMismatchError, OSError):
        return None
    return live.name if live else None


def previous_terms(index: Index) -> dict[str, list[str]]:
    """Chunk text -> BM25 terms, as the loaded ``index`` saved them (empty for a Milvus store, or terms
    made by another tokeniser)."""
    if (index.manifest.get("store") or {}).get("kind", "faiss") != "faiss":
        return {}
    return saved_terms(index.folder / "bm25", [c.text for c in index.chunks])


def _collection_name(root: Path) -> str:
    """Milvus collection prefix of an index folder: stable per folder, so rebuilds update the same rows."""
    return "qa_" + hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:16]


def _write_jsonl(path: Path, records: list[Document] | list[Chunk]) -> None:
    """One JSON object per record (orjson writes a dataclass as its fields, in order, and tuples as lists)."""
    checksums.write_lines(path, (orjson.dumps(r, option=orjson.OPT_APPEND_NEWLINE) for r in records))


def _fsync_tree(folder: Path) -> None:
    for p in folder.rglob("*"):
        if p.is_file():
            with p.open("rb") as f:
                os.fsync(f.fileno())


def _swap_pointer(root: Path, name: str, manifest_sha256: str) -> None:
    """Point CURRENT at ``name``; the manifest's own checksum travels with it, swapped in the same rename."""
    tmp = root / f".{POINTER}.{os.getpid()}"
    with tmp.open("w", encoding="utf-8") as f:
        f.write(f"{name}\n{manifest_sha256}\n")
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, root / POINTER)
    fd = os.open(root, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def prune(root: Path) -> None:
    """Remove build folders other than the live one, and every leftover of an interrupted build."""
    try:
        keep: Path | None = live_folder(root)
    except IndexMismatchError:
        keep = _KEEP_ALL  # a damaged pointer: keep the builds until a new one is live
    for p in root.iterdir():
        if p.name.startswith(f".{POINTER}.") and not p.is_dir():
            p.unlink(missing_ok=True)  # the pointer's temp file, left by a build killed while swapping
        elif p.is_symlink():
            continue
        elif p.is_dir() and _leftover(p, keep):
            shutil.rmtree(p, ignore_errors=True)


_KEEP_ALL = Path("\0keep-all")


def _leftover(folder: Path, keep: Path | None) -> bool:
    if folder.name.startswith(".tmp-build-"):
        return True
    return folder.name.startswith("build-") and keep is not _KEEP_ALL and folder != keep
