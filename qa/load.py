"""Loading documents: find the corpus files, extract each one's text by format, attach sidecar metadata.

A file that cannot be read is skipped with a logged warning and reported as ``Skipped``; one bad file
never stops the load. Text is decoded strictly (UTF-8, or UTF-16 with a BOM): guessing an encoding
could silently corrupt the very text that quotes must reproduce verbatim.
"""
from __future__ import annotations

import codecs
import hashlib
import io
import json
import logging
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path
from typing import NamedTuple

from bs4 import BeautifulSoup, NavigableString, Tag
from pypdf import PdfReader

from qa.errors import CorpusError, Unreadable
from qa.terminal import is_safe_name, printable

log = logging.getLogger(__name__)

SUPPORTED = (".txt", ".md", ".markdown", ".html", ".htm", ".pdf")
_FORMATS = {".txt": "txt", ".md": "md", ".markdown": "md", ".html": "html", ".htm": "html", ".pdf": "pdf"}
_DEFAULT_KINDS = {"html": "web page", "pdf": "pdf document"}
_NO_TEXT = {"html": "no visible text", "pdf": "no extractable text (scanned PDF?)"}
_SIDECAR_KEYS = ("title", "publisher", "date", "kind")
# Titles that PDF writers put in by default: worse than the file name.
_PLACEHOLDER_TITLES = ("", "untitled", "untitled document", "(anonymous)", "anonymous")

# HTML: elements whose text is page chrome or not text at all, and elements that end a paragraph.
_DROP = ("script", "style", "noscript", "template", "head", "title", "nav", "footer", "aside", "form",
         "header", "svg", "iframe")
_BLOCKS = ("p", "div", "li", "ul", "ol", "dl", "dt", "dd", "br", "hr", "tr", "table", "section", "article",
           "main", "blockquote", "pre", "figure", "figcaption", "h1", "h2", "h3", "h4", "h5", "h6")
_CELLS = ("td", "th")
# NUL never survives decoding (it marks a file binary), so it is safe as a paragraph-break marker.
_BREAK, _NEWLINE = "\x00", "\x01"


@dataclass(frozen=True)
class RawDocument:
    """A corpus file's extracted text and metadata, before cleaning."""

    source: str  # path relative to the corpus folder, with forward slashes
    path: Path
    format: str  # txt, md, html, pdf
    text: str  # txt/md: the decoded file verbatim; html: visible text; pdf: page texts joined by blank lines
    raw_sha256: str  # of the file's bytes
    title: str
    kind: str
    publisher: str | None = None
    date: str | None = None
    page_starts: tuple[int, ...] = ()  # PDFs: offset in ``text`` where each page begins


@dataclass(frozen=True)
class Skipped:
    """A corpus file that was not loaded, and why."""

    source: str
    reason: str


class _Extracted(NamedTuple):
    text: str
    title: str | None = None
    page_starts: tuple[int, ...] = ()


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
    folders, links, seen = [Path(corpus_dir)], [], {str(root)}
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
            elif entry.name.lower().endswith(SUPPORTED) and not entry.is_dir():
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
    if hidden and (entry.is_dir(follow_symlinks=False) or entry.name.lower().endswith(SUPPORTED)):
        return "hidden (the name starts with '.'); rename it to index it", ""
    if hidden:
        return None, ""  # a hidden non-document (.DS_Store, .gitignore) is nothing to report
    real = os.path.realpath(path)
    if entry.is_symlink():
        if not os.path.exists(real):
            return "broken link (its target does not exist)", real
        if os.path.commonpath([real, str(root)]) != str(root):
            return "link points outside the corpus", real
    if entry.is_dir() or not entry.name.lower().endswith(SUPPORTED):
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


def load_corpus(corpus_dir: Path, *, max_bytes: int = 20_000_000, stop: Callable[[], None] | None = None
                ) -> tuple[list[RawDocument], list[Skipped]]:
    """Load every supported file under ``corpus_dir``; unreadable ones are warned about and skipped.

    An existing folder with nothing loadable gives two empty lists: the caller decides if that is an error.
    ``stop`` is called before each file; it raises to cancel the load.
    """
    corpus_dir = Path(corpus_dir)
    if not corpus_dir.is_dir():
        raise CorpusError(f"Corpus folder {corpus_dir} does not exist. Create it and add "
                          ".txt/.md/.html/.pdf files, or pass --corpus DIR.")
    paths, skipped = discover(corpus_dir)
    docs = []
    for path in paths:
        if stop:
            stop()
        try:
            docs.append(load_document(path, corpus_dir, max_bytes=max_bytes))
        except Unreadable as e:
            source = path.relative_to(corpus_dir).as_posix()
            log.warning("Skipping %s: %s", source, e)
            skipped.append(Skipped(source, str(e)))
    return docs, skipped


def load_document(path: Path, corpus_dir: Path, *, max_bytes: int) -> RawDocument:
    """Read one file; raise ``Unreadable`` with the reason when it cannot be loaded."""
    fmt = _FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise Unreadable(f"unsupported file type {path.suffix!r}; supported: {', '.join(SUPPORTED)}")
    data = _read_bytes(path, max_bytes)
    if not data.strip():
        raise Unreadable("empty file")
    found = _EXTRACTORS[fmt](data)
    if not found.text.strip():
        raise Unreadable(_NO_TEXT.get(fmt, "empty file"))
    meta = read_sidecar(path)
    return RawDocument(
        source=path.relative_to(corpus_dir).as_posix(), path=path, format=fmt, text=found.text,
        raw_sha256=hashlib.sha256(data).hexdigest(),
        title=meta.get("title") or found.title or readable_stem(path),
        kind=meta.get("kind") or _DEFAULT_KINDS.get(fmt, "document"),
        publisher=meta.get("publisher"), date=meta.get("date"), page_starts=found.page_starts,
    )


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise Unreadable(f"larger than {max_bytes} bytes ({size} bytes); raise the size limit to load it")
        return path.read_bytes()
    except OSError as e:
        raise Unreadable(f"cannot read file: {e.strerror or e}") from e


def decode_text(data: bytes) -> str:
    """UTF-8 (BOM dropped) or UTF-16 with a BOM; anything else is ``Unreadable``.

    >>> decode_text(b"\\xef\\xbb\\xbfcaf\\xc3\\xa9")
    'café'
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as e:
            raise Unreadable("not valid UTF-16 text (it starts with a UTF-16 byte-order mark)") from e
    elif b"\x00" in data:
        raise Unreadable("binary file (NUL bytes)")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            raise Unreadable(f"not valid UTF-8 text (bad byte at offset {e.start}); re-save it as UTF-8") from e
    if "\x00" in text:
        raise Unreadable("binary file (NUL characters)")
    return text


def _extract_text(data: bytes) -> _Extracted:
    return _Extracted(decode_text(data))


def _extract_markdown(data: bytes) -> _Extracted:
    text = decode_text(data)
    heading = re.search(r"^#[ \t]+(.+?)[ \t#]*$", text, re.MULTILINE)
    return _Extracted(text, heading.group(1) if heading else None)


def _extract_html(data: bytes) -> _Extracted:
    try:
        html = decode_text(data)
    except Unreadable as e:
        declared = re.search(rb"<meta[^>]+charset=[\"']?([\w.:-]+)", data[:4096], re.IGNORECASE)
        if declared:
            raise Unreadable(f"{e} (the page declares charset {declared.group(1).decode()})") from e
        raise
    soup = BeautifulSoup(html, "html.parser")
    depth = _depth(soup)
    if depth > _MAX_HTML_DEPTH:  # marking blocks costs time quadratic in the depth
        raise Unreadable(f"HTML nested {depth} elements deep (the limit is {_MAX_HTML_DEPTH})")
    title = " ".join(soup.title.get_text().split()) if soup.title else None
    return _Extracted(_visible_text(soup), title or None)


_MAX_HTML_DEPTH = 1000


def _depth(soup: BeautifulSoup) -> int:
    deepest, stack = 0, [(soup, 0)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        stack += [(child, depth + 1) for child in node.children if isinstance(child, Tag)]
    return deepest


def _visible_text(soup: BeautifulSoup) -> str:
    """Visible text as blank-line-separated paragraphs; each heading is a paragraph of its own."""
    for tag in soup.find_all(_DROP):
        # A <header> inside an article holds its headline, not site chrome.
        if not tag.decomposed and not (tag.name == "header" and tag.find_parent(("article", "main"))):
            tag.decompose()
    for pre in soup.find_all("pre"):
        for string in pre.find_all(string=True):
            string.replace_with(NavigableString(string.replace("\n", _NEWLINE)))
    for tag in soup.find_all(_BLOCKS):
        tag.insert_before(_BREAK)
        tag.insert_after(_BREAK)
    for tag in soup.find_all(_CELLS):
        tag.insert_after(" ")
    paragraphs = (_collapse(part) for part in soup.get_text().split(_BREAK))
    return "\n\n".join(p for p in paragraphs if p)


def _collapse(part: str) -> str:
    lines = (" ".join(line.split()) for line in part.split(_NEWLINE))
    return "\n".join(line for line in lines if line)


def _extract_pdf(data: bytes) -> _Extracted:
    try:
        reader = PdfReader(io.BytesIO(data))
        _decrypt(reader)
        pages = [(page.extract_text() or "").strip() for page in reader.pages]
        title = reader.metadata.title if reader.metadata else None
    except Unreadable:
        raise
    except Exception as e:  # pypdf raises many exception types on malformed files
        raise Unreadable(f"corrupt PDF: {e}") from e
    # Every page, even a blank one, gets a start, so that page numbers stay right.
    starts = accumulate((len(p) + 2 for p in pages[:-1]), initial=0)
    title = (title or "").strip()
    return _Extracted("\n\n".join(pages), None if title.lower() in _PLACEHOLDER_TITLES else title, tuple(starts))


def _decrypt(reader: PdfReader) -> None:
    if not reader.is_encrypted:
        return
    try:
        opened = reader.decrypt("")  # many PDFs are encrypted with an empty user password
    except Exception as e:
        raise Unreadable(f"encrypted PDF that cannot be decrypted ({e})") from e
    if not opened:
        raise Unreadable("encrypted PDF (needs a password)")


_EXTRACTORS: dict[str, Callable[[bytes], _Extracted]] = {
    "txt": _extract_text, "md": _extract_markdown, "html": _extract_html, "pdf": _extract_pdf,
}


def read_sidecar(path: Path) -> dict[str, str]:
    """Metadata from ``<file>.meta.json`` (title, publisher, date, kind); {} when absent or unreadable."""
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
    return {key: value.strip() for key, value in values.items() if isinstance(value, str) and value.strip()}


def readable_stem(path: Path) -> str:
    """A title made from a file name.

    >>> readable_stem(Path("battle_of-khalkhin-gol.txt"))
    'Battle of khalkhin gol'
    """
    words = " ".join(re.split(r"[-_\s]+", path.stem)).strip() or path.name
    return words[:1].upper() + words[1:]
