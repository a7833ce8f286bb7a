"""Loading documents: find the corpus files, extract each one's text by format, attach sidecar metadata.

A file that cannot be read is skipped with a logged warning and reported as ``Skipped``; one bad file
never stops the load. The corpus is read in a worker process with limits on memory and time
(qa.ingest.sandbox), so a file that expands to gigabytes, runs for hours or crashes a native reader is a
skip naming the limit, never a dead build. The format readers live in ``qa.ingest.formats``. Metadata comes
from the file itself (a page's canonical URL, a Word file's core properties, EPUB or PDF metadata); a
sidecar ``NAME.meta.json`` overrides any of it.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import zlib
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path

from qa.config import Config
from qa.errors import CorpusError, Unreadable
from qa.ingest.formats import (
    COMPRESSED,
    DEFAULT_KINDS,
    SUPPORTED,
    SUPPORTED_SHOWN,
    Extracted,
    extract,
    format_of,
    format_suffix,
)
from qa.ingest.formats.text import decode_text
from qa.ingest.sandbox import Limits, Worker, shared_worker
from qa.terminal import is_safe_name, printable

__all__ = ["SUPPORTED", "RawDocument", "Skipped", "Unreadable", "decode_text", "discover", "load_corpus",
           "load_document"]

log = logging.getLogger(__name__)

_NO_TEXT = {"html": "no visible text", "pdf": "no extractable text (scanned PDF?)", "docx": "no text in the document",
            "epub": "no text in the book"}
_SIDECAR_KEYS = ("title", "author", "publisher", "date", "url", "kind")
#: Titles longer than this are cut (with an ellipsis): a title is a label, shown in rows and pickers.
MAX_TITLE_CHARS = 200


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
    blocks: tuple[tuple[int, int, str], ...] | None = None  # the reader's (start, end, kind) blocks (HTML, md)
    left_out: tuple[tuple[int, str, str], ...] = ()  # (offset, text, why) the reader left out (PDF navigation)


@dataclass(frozen=True)
class Skipped:
    """A corpus file that was not loaded, and why."""

    source: str
    reason: str


def iter_corpus_files(corpus_dir: Path) -> list[Path]:
    """Supported files under ``corpus_dir``, recursively, sorted by relative path (see :func:`discover`)."""
    return discover(corpus_dir)[0]


def discover(corpus_dir: Path) -> tuple[list[Path], list[Skipped]]:
    """Supported files under ``corpus_dir``, sorted by relative path, and those passed over, with why.

    Every file returned resolves to a path inside the corpus folder: a link whose target leaves it is
    skipped, and links inside it are followed at most once to each folder and file (no loops, no file
    read twice). Hidden files and folders (names starting with ".") are not indexed but listed as
    skipped, as are names holding control characters or bytes that are not UTF-8.
    """
    root = Path(os.path.realpath(corpus_dir))
    found: dict[str, tuple[str, Path, bool]] = {}  # real path -> (source, path, reached through a link)
    skipped: list[Skipped] = []
    # Plain folders are walked first and linked ones after, so that a folder is read under its own name.
    folders: list[Path] = [Path(corpus_dir)]
    links: list[tuple[Path, str, str]] = []
    seen = {str(root)}
    while folders or links:
        folder = folders.pop() if folders else _linked_folder(links, seen, skipped)
        for entry in _entries(folder, corpus_dir, skipped) if folder else ():
            path = Path(entry.path)
            source = path.relative_to(corpus_dir).as_posix()
            reason, real = _passed_over(entry, path, root)
            if reason:
                skipped.append(Skipped(printable(source), reason))
            elif entry.is_dir() and entry.is_symlink():
                links.append((path, real, source))
            elif entry.is_dir() and real not in seen:
                seen.add(real)
                folders.append(path)
            elif format_of(entry.name) and not entry.is_dir():
                _add_file(found, skipped, source, path, real, entry.is_symlink())
    paths = sorted(((s, p) for s, p, _ in found.values()), key=lambda sp: sp[0])
    return [p for _, p in paths], sorted(skipped, key=lambda s: s.source)


def _linked_folder(links: list[tuple[Path, str, str]], seen: set[str], skipped: list[Skipped]) -> Path | None:
    """The next linked folder to walk, or None (skipped) when its target was read already."""
    path, real, source = links.pop(0)
    if real in seen:
        skipped.append(Skipped(source, "link to a folder already read (a loop or a second way in)"))
        return None
    seen.add(real)
    return path


def _entries(folder: Path, corpus_dir: Path, skipped: list[Skipped]) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(folder) as it:
            return sorted(it, key=lambda e: e.name)
    except OSError as e:
        skipped.append(Skipped(printable(folder.relative_to(corpus_dir).as_posix()),
                               f"cannot read folder: {e.strerror or e}"))
        return []


def _passed_over(entry: os.DirEntry[str], path: Path, root: Path) -> tuple[str | None, str]:
    """Why a folder entry is not read (None when it is read), and its real path."""
    hidden = entry.name.startswith(".")
    if hidden and (entry.is_dir(follow_symlinks=False) or format_of(entry.name)):
        return "hidden (the name starts with '.'); rename it to index it", ""
    if hidden:
        return None, ""  # a hidden non-document (.DS_Store, .gitignore) is nothing to report
    real = os.path.realpath(path)
    if entry.is_symlink():
        if not os.path.exists(real):
            return "broken link (its target does not exist)", real
        if os.path.commonpath([real, str(root)]) != str(root):
            return "link points outside the corpus", real
    if entry.is_dir() or not format_of(entry.name):
        return None, real
    if not is_safe_name(path.name):
        return "the file name holds control characters or bytes that are not UTF-8; rename the file", real
    if not entry.is_file():
        return "not a regular file", real
    return None, real


def _add_file(found: dict[str, tuple[str, Path, bool]], skipped: list[Skipped], source: str, path: Path,
              real: str, via_link: bool) -> None:
    """Record a file once: a second name for the same file (a link) is skipped, the plain name kept."""
    other = found.get(real)
    if other is None:
        found[real] = (source, path, via_link)
        return
    if other[2] and not via_link:
        found[real] = (source, path, via_link)
        source, other = other[0], (source, path, via_link)
    skipped.append(Skipped(source, f"same file as {other[0]} (a link)"))


def load_corpus(corpus_dir: Path, *, max_bytes: int = Config.max_file_bytes, stop: Callable[[], None] | None = None,
                limits: Limits | None = None, unread: Collection[str] = ()) -> tuple[list[RawDocument], list[Skipped]]:
    """Load every supported file under ``corpus_dir``; unreadable ones are warned about and skipped.

    An existing folder with nothing loadable gives two empty lists: the caller decides if that is an error.
    ``stop`` is called before each file; it raises to cancel the load. Files are read in the worker
    process for ``limits`` (default: those of ``Config()``), each refused past ``max_bytes`` (default:
    ``Config.max_file_bytes``). Files whose source is in ``unread`` (what the
    caller already holds) are neither read nor returned.
    """
    corpus_dir = Path(corpus_dir)
    if corpus_dir.exists() and not corpus_dir.is_dir():
        raise CorpusError(f"Corpus folder {corpus_dir} is a file, not a folder. Pass the folder that holds the "
                          "documents with --corpus DIR.")
    if not corpus_dir.is_dir():
        raise CorpusError(f"Corpus folder {corpus_dir} does not exist. Create it and add "
                          f"{SUPPORTED_SHOWN} files, or pass --corpus DIR.")
    paths, skipped = discover(corpus_dir)
    docs = []
    worker = shared_worker(limits or Limits())
    for path in paths:
        if stop:
            stop()
        if unread and path.relative_to(corpus_dir).as_posix() in unread:
            continue
        try:
            docs.append(load_document(path, corpus_dir, max_bytes=max_bytes, worker=worker, stop=stop))
        except Unreadable as e:
            source = path.relative_to(corpus_dir).as_posix()
            log.warning("Skipping %s: %s", source, e)
            skipped.append(Skipped(source, str(e)))
    return docs, skipped


def load_document(path: Path, corpus_dir: Path, *, max_bytes: int, worker: Worker | None = None,
                  stop: Callable[[], None] | None = None) -> RawDocument:
    """Read one file; raise ``Unreadable`` with the reason when it cannot be loaded.

    With a ``worker`` the format reader runs there, under its limits (``stop`` is called while it
    works, and raises to cancel); without one it runs here, uncapped: for files already trusted.
    """
    fmt = format_of(path.name)
    if fmt is None:
        raise Unreadable(f"unsupported file type {path.suffix!r}; supported: {SUPPORTED_SHOWN}")
    data = _read_bytes(path, max_bytes)
    if path.name.lower().endswith(COMPRESSED):
        data = gunzip(data, max_bytes)
    if not data.strip():
        raise Unreadable("empty file")
    found = worker.read(fmt, data, stop=stop) if worker else extract(fmt, data)
    if not found.text.strip():
        raise Unreadable(_NO_TEXT.get(fmt, "empty file"))
    meta = {**_own_metadata(found), **read_sidecar(path)}
    return RawDocument(
        source=path.relative_to(corpus_dir).as_posix(), path=path, format=fmt, text=found.text,
        raw_sha256=hashlib.sha256(data).hexdigest(),
        title=clamp_title(meta.get("title") or readable_stem(path)),
        kind=meta.get("kind") or DEFAULT_KINDS.get(fmt, "document"),
        publisher=meta.get("publisher"), date=meta.get("date"), page_starts=found.page_starts,
        author=meta.get("author"), url=web_url(meta.get("url")), paragraph_starts=found.paragraph_starts,
        headings=found.headings, blocks=found.blocks, left_out=found.left_out,
    )


def web_url(url: str | None) -> str | None:
    """``url`` when it is an http(s) address without spaces, else None (never a ``javascript:`` link).

    >>> web_url("https://example.org/a"), web_url("javascript:alert(1)"), web_url("HTTP://x.org")
    ('https://example.org/a', None, 'HTTP://x.org')
    """
    text = (url or "").strip()
    ok = text.lower().startswith(("http://", "https://")) and not any(c.isspace() for c in text)
    return text if ok else None


def clamp_title(title: str) -> str:
    """A title cut to :data:`MAX_TITLE_CHARS` characters, an ellipsis marking the cut."""
    return title if len(title) <= MAX_TITLE_CHARS else title[: MAX_TITLE_CHARS - 1].rstrip() + "…"


def _own_metadata(found: Extracted) -> dict[str, str]:
    """What the file says about itself; a sidecar's values replace these key by key."""
    own = {"title": found.title, "author": found.author, "publisher": found.publisher, "date": found.date,
           "url": found.url}
    return {key: value for key, value in own.items() if value}


def gunzip(data: bytes, max_bytes: int) -> bytes:
    """What a gzip file holds, refused (``Unreadable``) past ``max_bytes``: it never expands further than that."""
    out: list[bytes] = []
    size = 0
    while data:
        inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            part = inflate.decompress(data, max_bytes + 1 - size)
        except zlib.error as e:
            raise Unreadable(f"not a readable gzip file ({e})") from e
        size += len(part)
        if size > max_bytes:
            raise Unreadable(f"expands to more than {max_bytes} bytes; raise the size limit to load it")
        if not inflate.eof:
            raise Unreadable("a gzip file cut short (it ends before its data does)")
        out.append(part)
        data = inflate.unused_data  # a file of several gzip members reads as one
    return b"".join(out)


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
    if sidecar.is_symlink():  # it could point anywhere: metadata is read from plain files only
        log.warning("Ignoring sidecar %s: it is a link; loading %s with default metadata", sidecar, path.name)
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
    found = {key: value.strip() for key, value in values.items() if isinstance(value, str) and value.strip()}
    if "url" in found and web_url(found["url"]) is None:
        log.warning("Ignoring url in sidecar %s: only http(s) addresses are kept", sidecar)
        del found["url"]
    return found


def readable_stem(path: Path) -> str:
    """A title made from a file name.

    >>> readable_stem(Path("battle_of-khalkhin-gol.txt")), readable_stem(Path("release-notes.md.gz"))
    ('Battle of khalkhin gol', 'Release notes')
    """
    stem = path.name[:len(path.name) - len(format_suffix(path.name))]
    words = " ".join(re.split(r"[-_\s]+", stem)).strip() or path.name
    return words[:1].upper() + words[1:]
