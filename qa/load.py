"""Loading documents: find the corpus files, extract each one's text by format, attach sidecar metadata.

A file that cannot be read is skipped with a logged warning and reported as ``Skipped``; one bad file
never stops the load. The format readers live in ``qa.formats``. Metadata comes from the file itself
(a page's canonical URL, a Word file's core properties, EPUB or PDF metadata); a sidecar
``NAME.meta.json`` overrides any of it.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path

from qa.errors import CorpusError
from qa.formats import DEFAULT_KINDS, FORMATS, SUPPORTED, Unreadable, extract
from qa.formats.text import decode_text

__all__ = ["SUPPORTED", "RawDocument", "Skipped", "Unreadable", "decode_text", "load_corpus", "load_document"]

log = logging.getLogger(__name__)

_NO_TEXT = {"html": "no visible text", "pdf": "no extractable text (scanned PDF?)", "docx": "no text in the document",
            "epub": "no text in the book"}
_SIDECAR_KEYS = ("title", "author", "publisher", "date", "url", "kind")


@dataclass(frozen=True)
class RawDocument:
    """A corpus file's extracted text and metadata, before cleaning."""

    source: str  # path relative to the corpus folder, with forward slashes
    path: Path
    format: str  # txt, md, html, pdf, docx, epub
    text: str  # txt/md: the decoded file verbatim; others: their paragraphs (pdf: pages) joined by blank lines
    raw_sha256: str  # of the file's bytes
    title: str
    kind: str
    publisher: str | None = None
    date: str | None = None
    page_starts: tuple[int, ...] = ()  # PDFs: offset in ``text`` where each page begins
    author: str | None = None
    url: str | None = None
    paragraph_starts: tuple[int, ...] = ()  # docx, epub, html: offset where each paragraph begins
    headings: tuple[int, ...] | None = None  # offsets of paragraphs the file marks as headings


@dataclass(frozen=True)
class Skipped:
    """A corpus file that was not loaded, and why."""

    source: str
    reason: str


def iter_corpus_files(corpus_dir: Path) -> list[Path]:
    """Supported files under ``corpus_dir``, recursively, sorted by relative path; hidden ones skipped."""
    found = []
    for root, dirs, files in os.walk(corpus_dir):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        found += [Path(root, f) for f in files if not f.startswith(".") and f.lower().endswith(SUPPORTED)]
    return sorted(found, key=lambda p: p.relative_to(corpus_dir).as_posix())


def load_corpus(corpus_dir: Path, *, max_bytes: int = 20_000_000) -> tuple[list[RawDocument], list[Skipped]]:
    """Load every supported file under ``corpus_dir``; unreadable ones are warned about and skipped.

    An existing folder with nothing loadable gives two empty lists: the caller decides if that is an error.
    """
    corpus_dir = Path(corpus_dir)
    if not corpus_dir.is_dir():
        raise CorpusError(f"Corpus folder {corpus_dir} does not exist. Create it and add "
                          f"{'/'.join(SUPPORTED)} files, or pass --corpus DIR.")
    docs, skipped = [], []
    for path in iter_corpus_files(corpus_dir):
        try:
            docs.append(load_document(path, corpus_dir, max_bytes=max_bytes))
        except Unreadable as e:
            source = path.relative_to(corpus_dir).as_posix()
            log.warning("Skipping %s: %s", source, e)
            skipped.append(Skipped(source, str(e)))
    return docs, skipped


def load_document(path: Path, corpus_dir: Path, *, max_bytes: int) -> RawDocument:
    """Read one file; raise ``Unreadable`` with the reason when it cannot be loaded."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise Unreadable(f"unsupported file type {path.suffix!r}; supported: {', '.join(SUPPORTED)}")
    data = _read_bytes(path, max_bytes)
    if not data.strip():
        raise Unreadable("empty file")
    found = extract(fmt, data)
    if not found.text.strip():
        raise Unreadable(_NO_TEXT.get(fmt, "empty file"))
    meta = {**_own_metadata(found), **read_sidecar(path)}
    return RawDocument(
        source=path.relative_to(corpus_dir).as_posix(), path=path, format=fmt, text=found.text,
        raw_sha256=hashlib.sha256(data).hexdigest(),
        title=meta.get("title") or readable_stem(path),
        kind=meta.get("kind") or DEFAULT_KINDS.get(fmt, "document"),
        publisher=meta.get("publisher"), date=meta.get("date"), page_starts=found.page_starts,
        author=meta.get("author"), url=meta.get("url"), paragraph_starts=found.paragraph_starts,
        headings=found.headings,
    )


def _own_metadata(found) -> dict[str, str]:
    """What the file says about itself; a sidecar's values replace these key by key."""
    own = {"title": found.title, "author": found.author, "publisher": found.publisher, "date": found.date,
           "url": found.url}
    return {key: value for key, value in own.items() if value}


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise Unreadable(f"larger than {max_bytes} bytes ({size} bytes); raise the size limit to load it")
        return path.read_bytes()
    except OSError as e:
        raise Unreadable(f"cannot read file: {e.strerror or e}") from e


def read_sidecar(path: Path) -> dict[str, str]:
    """Metadata from ``<file>.meta.json`` (title, author, publisher, date, url, kind); {} when absent or unreadable.

    A key set to null in the sidecar is left to the file's own metadata.
    """
    sidecar = path.with_name(path.name + ".meta.json")
    if not sidecar.is_file():
        return {}
    try:
        meta = json.loads(sidecar.read_text(encoding="utf-8-sig"))
        problem = None if isinstance(meta, dict) else "not a JSON object"
    except (OSError, ValueError) as e:
        meta, problem = {}, f"{type(e).__name__}: {e}"
    if problem:
        log.warning("Unreadable sidecar %s (%s); loading %s with default metadata", sidecar, problem, path.name)
        return {}
    values = {key: meta[key] for key in _SIDECAR_KEYS if meta.get(key) is not None}
    bad = [key for key, value in values.items() if not isinstance(value, str)]
    if bad:
        log.warning("Ignoring non-text %s in sidecar %s", ", ".join(bad), sidecar)
    return {key: value.strip() for key, value in values.items() if isinstance(value, str) and value.strip()}


def readable_stem(path: Path) -> str:
    """A title made from a file name.

    >>> readable_stem(Path("battle_of-khalkhin-gol.txt"))
    'Battle of khalkhin gol'
    """
    words = " ".join(re.split(r"[-_\s]+", path.stem)).strip() or path.name
    return words[:1].upper() + words[1:]
