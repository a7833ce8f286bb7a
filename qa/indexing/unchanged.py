"""Is a rebuild needed at all? Answered from file sizes and times, without reading any file's contents.

A build records, for every corpus file it read, the file's size and modification time (and its
metadata sidecar's), taken before the file was read and checked again when the index is written,
plus a key of everything else that decides what reading gives: the reader, cleaner and splitter code
and the reading limits. A later build whose files all stat the same, with the same key and settings,
has nothing to do and reads no file. Otherwise a build reads only the files whose stamp changed and the
new ones (:func:`plan_reading`); the others keep their indexed documents unread. For a file it reads,
content hashes decide (a touched but unchanged file costs a read, never a re-embedding); another key
reads every file.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..config import Config
from ..ingest.load import Skipped, discover

Stamp = list[int]


def stamp(path: Path) -> Stamp | None:
    """Size and modification time (ns) of a file and of its ``.meta.json`` sidecar (-1s when absent)."""
    try:
        st = path.stat()
    except OSError:
        return None
    try:
        side = path.with_name(path.name + ".meta.json").stat()
        sidecar = [side.st_size, side.st_mtime_ns]
    except OSError:
        sidecar = [-1, -1]
    return [st.st_size, st.st_mtime_ns, *sidecar]


def stamps(corpus_dir: Path) -> tuple[dict[str, Stamp], list[Skipped]]:
    """The stamp of every file a build would read, by source, and the files it passes over unread."""
    paths, skipped = discover(corpus_dir)
    found = {p.relative_to(corpus_dir).as_posix(): stamp(p) for p in paths}
    return {s: v for s, v in found.items() if v is not None}, skipped


def steady(before: dict[str, Stamp], corpus_dir: Path) -> dict[str, Stamp]:
    """The stamps taken before reading that still hold now: files changed during the build are left out,
    so the next build reads them."""
    return {s: v for s, v in before.items() if stamp(corpus_dir / s) == v}


def read_key(config: Config) -> str:
    """What reading and cleaning a file depends on besides the file: the code, and the reading limits."""
    limits = [config.max_file_bytes, config.max_text_chars, config.reader_memory_bytes, config.reader_seconds,
              config.max_unit_chars]
    return hashlib.sha256(json.dumps([_code_digest(), limits]).encode()).hexdigest()[:16]


@lru_cache(maxsize=1)
def _code_digest() -> str:
    """A hash of the reading, cleaning and splitting code: every module of qa.ingest."""
    h = hashlib.sha256()
    ingest = Path(__file__).resolve().parent.parent / "ingest"
    for f in sorted(ingest.rglob("*.py")):
        h.update(str(f.relative_to(ingest)).encode() + f.read_bytes())
    return h.hexdigest()


def nothing_to_do(config: Config, manifest: dict[str, Any]) -> list[Skipped] | None:
    """The skipped files, as recorded, when every file stats as the live index recorded it; else None.

    ``manifest`` must already be checked against the configuration (model, chunking, vector modes).
    """
    recorded = manifest.get("read_stamps")
    if not isinstance(recorded, dict) or manifest.get("read_key") != read_key(config):
        return None
    corpus = Path(config.corpus_dir)
    if not corpus.is_dir():
        return None
    now, passed_over = stamps(corpus)
    if now != recorded:
        return None
    skipped: dict[str, str] = manifest.get("skipped", {})
    unread = {s for s in skipped if s not in now}
    if unread != {s.source for s in passed_over}:
        return None
    return [Skipped(s, r) for s, r in sorted(skipped.items())]


@dataclass(frozen=True)
class ReadPlan:
    """What a build must read, and what it takes unread from the live index."""

    #: Every file a build would read, with its stamp taken now (before any reading).
    stamps: dict[str, Stamp]
    #: Indexed sources whose file (and sidecar) stats as recorded: their clean keys, as recorded.
    kept: dict[str, str] = field(default_factory=dict)
    #: Files recorded as not indexable (unreadable, no text left) that stat as recorded: the recorded reasons.
    kept_skipped: tuple[Skipped, ...] = ()

    @property
    def unread(self) -> set[str]:
        return set(self.kept) | {s.source for s in self.kept_skipped}


def plan_reading(config: Config, manifest: dict[str, Any] | None) -> ReadPlan:
    """Which files a build can take from ``manifest`` (the live index's) without reading them.

    ``manifest`` must already be checked against the configuration, or be None (then every file is read).
    A file is kept when its stamp is the one the manifest recorded, under the same read key.
    """
    corpus = Path(config.corpus_dir)
    now = stamps(corpus)[0] if corpus.is_dir() else {}
    recorded = (manifest or {}).get("read_stamps")
    if not isinstance(recorded, dict) or manifest is None or manifest.get("read_key") != read_key(config):
        return ReadPlan(now)
    documents, skipped = manifest.get("documents", {}), manifest.get("skipped", {})
    same = [s for s, v in now.items() if recorded.get(s) == v]
    kept = {s: documents[s]["clean_key"] for s in same if s in documents and documents[s].get("clean_key")}
    gone = tuple(Skipped(s, skipped[s]) for s in same if s in skipped and s not in documents)
    return ReadPlan(now, kept, gone)


def carried_stamp(path: Path, raw_sha256: str, entry: dict[str, Any]) -> dict[str, int] | None:
    """The size and time an indexed file's manifest entry recorded, when the file still has them and the
    same hash: the stale-corpus check's stamp, carried over without reading the file (None: read it)."""
    try:
        st = path.stat()
    except OSError:
        return None
    size, mtime = entry.get("size"), entry.get("mtime_ns")
    if entry.get("raw_sha256") != raw_sha256 or (size, mtime) != (st.st_size, st.st_mtime_ns):
        return None
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns}
