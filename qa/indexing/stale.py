"""Has the corpus changed since the live index was built? Cheap enough to ask on every question.

The manifest records each indexed file's size and modification time; a file whose size and time are
the same is not read again, and only the others are hashed (and compared with the indexed hash).
"""
from __future__ import annotations

import hashlib
import time
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..config import Config
from .index import POINTER, read_manifest


def corpus_changes(config: Config, *, max_age: float = 10.0) -> list[str]:
    """Corpus files added, changed or removed since the live index was built (empty when up to date).

    Cheap enough to run per question: sizes and modification times are compared with the manifest's,
    only files whose size or time differ are hashed, and the answer is reused for ``max_age`` seconds.
    """
    try:  # CURRENT names the build and its manifest's checksum: the identity of the live index
        key = (str(config.index_dir.resolve()), (config.index_dir / POINTER).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        key = (str(config.index_dir.resolve()), "")
    cached = _CHANGES.get(key)
    if cached and time.monotonic() - cached[0] < max_age:
        return cached[1]
    manifest = read_manifest(config.index_dir)
    corpus = Path(manifest.get("corpus_dir") or config.corpus_dir)
    changes = _changes(manifest, corpus) if corpus.is_dir() else []
    _CHANGES.clear()
    _CHANGES[key] = (time.monotonic(), changes)
    return changes


_CHANGES: dict[tuple[str, str], tuple[float, list[str]]] = {}


def _changes(manifest: dict[str, Any], corpus: Path) -> list[str]:
    from ..ingest.load import iter_corpus_files

    indexed = manifest["documents"]
    skipped = set(manifest.get("skipped", {}))
    current = {p.relative_to(corpus).as_posix(): p for p in iter_corpus_files(corpus)}
    current = {s: p for s, p in current.items() if s not in skipped}
    changes = [f"added {s}" for s in sorted(set(current) - set(indexed))]
    changes += [f"removed {s}" for s in sorted(set(indexed) - set(current))]
    changes += [f"changed {s}" for s in sorted(set(current) & set(indexed)) if _changed(current[s], indexed[s])]
    return changes


def _changed(path: Path, entry: dict[str, Any]) -> bool:
    try:
        stat = path.stat()
    except OSError:
        return True
    if (stat.st_size, stat.st_mtime_ns) == (entry.get("size"), entry.get("mtime_ns")):
        return False
    return _sha256(path, stat.st_size, stat.st_mtime_ns) != entry["raw_sha256"]


@lru_cache(maxsize=256)
def _sha256(path: Path, size: int, mtime_ns: int) -> str:
    """A file's hash, remembered while its size and time stay the same (a touched, unchanged file)."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def file_stamp(path: Path, raw_sha256: str) -> dict[str, int]:
    """Size and modification time of a corpus file, so that the stale-corpus check can skip hashing it.

    None when the file changed since it was read: then the check hashes it and reports the change.
    """
    try:
        stat = path.stat()
        same = hashlib.sha256(path.read_bytes()).hexdigest() == raw_sha256
    except OSError:
        return {}
    return {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns} if same else {}
