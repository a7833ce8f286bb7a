"""SHA-256 checksums of an index folder's files, each file read at most once per process.

A build checks the live index before it reuses its vectors, loads it, and then writes a new index of
about the same size; reading every file back to hash it took a sixth of a one-page update. So a
digest is remembered against the file's identity and stamps (device, inode, size, modification and
change times, in nanoseconds): a write to the file moves its change time, which cannot be set back (on a
file system whose clock ticks coarsely, a same-size rewrite within one tick would go unseen until the
process restarts). Files written here are hashed from the bytes in memory as they are
written (:func:`write_lines`, :func:`write_array`).
"""
from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterable
from pathlib import Path

import numpy as np

_Key = tuple[int, int, int, int, int]
_KNOWN: dict[str, tuple[_Key, str]] = {}
_LOCK = threading.Lock()
_MAX = 4096  # entries kept: a few index folders' files


def _key(path: Path) -> tuple[str, _Key]:
    st = path.stat()
    return str(path.resolve()), (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def _remember(path: Path, digest: str) -> None:
    name, key = _key(path)
    with _LOCK:
        while len(_KNOWN) >= _MAX:
            del _KNOWN[next(iter(_KNOWN))]
        _KNOWN[name] = (key, digest)


def sha256(path: Path) -> str:
    """The file's SHA-256, read only if it changed (or was never hashed) since this process last saw it."""
    name, key = _key(path)
    with _LOCK:
        known = _KNOWN.get(name)
    if known is not None and known[0] == key:
        return known[1]
    h = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(1 << 22):
            h.update(block)
    digest = h.hexdigest()
    _remember(path, digest)
    return digest


def checksums(folder: Path, skip: str = "manifest.json") -> dict[str, str]:
    """Relative POSIX path -> SHA-256 of every file under ``folder`` but ``skip``, in sorted order."""
    return {
        p.relative_to(folder).as_posix(): sha256(p)
        for p in sorted(folder.rglob("*")) if p.is_file() and p.name != skip
    }


def write_lines(path: Path, lines: Iterable[bytes]) -> None:
    """Write byte lines (each ending in a newline), hashing them on the way."""
    h = hashlib.sha256()
    with path.open("wb") as f:
        for line in lines:
            h.update(line)
            f.write(line)
    _remember(path, h.hexdigest())


def write_array(path: Path, array: np.ndarray) -> None:
    """``np.save`` of ``array`` (as a C-contiguous array); hashed from its header on disk and its data in memory."""
    array = np.ascontiguousarray(array)
    with path.open("wb") as f:
        np.lib.format.write_array(f, array, allow_pickle=False)
    header_bytes = path.stat().st_size - array.nbytes
    with path.open("rb") as f:
        header = f.read(header_bytes)
    h = hashlib.sha256(header)
    h.update(array.reshape(-1).view(np.uint8).data)
    _remember(path, h.hexdigest())
