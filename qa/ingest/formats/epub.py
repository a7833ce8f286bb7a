"""EPUB books through ebooklib: the chapters in reading (spine) order, each a section titled by its own
first heading or, failing that, its table-of-contents entry, read into blocks as web pages are
(qa.ingest.formats.html: headings, paragraphs, list items, table rows, code with its lines). Metadata from
the book's Dublin Core.

Before ebooklib reads the book (it loads every manifest entry), the zip is checked (qa.ingest.formats.check_zip)
and a manifest that lists one part twice is refused; a chapter the spine lists again is read once. XML
is parsed with entity resolution and network access off; the text stops at ``max_chars``."""
from __future__ import annotations

import io
import posixpath
import warnings
import zipfile

from . import Extracted, Unreadable, capped, check_zip, from_blocks
from .html import parse, visible_blocks


def read_epub(data: bytes, *, max_chars: int | None = None) -> Extracted:
    import ebooklib
    from ebooklib import epub

    _check_manifest(check_zip(data, "EPUB"))
    try:
        with warnings.catch_warnings():  # ebooklib warns about its own option defaults
            warnings.simplefilter("ignore")
            book = epub.read_epub(io.BytesIO(data), {"ignore_ncx": True})
        chapters = [book.get_item_with_id(idref) for idref in dict.fromkeys(i for i, _ in book.spine)]
        documents = [c for c in chapters if c is not None and c.get_type() == ebooklib.ITEM_DOCUMENT
                     and not isinstance(c, epub.EpubNav)]
        toc = _toc_titles(book.toc)
        blocks = list(capped((b for item in documents
                              for b in _chapter(item, toc.get(posixpath.normpath(item.file_name)))), max_chars))
    except (Unreadable, MemoryError):
        raise
    except Exception as e:  # a damaged zip or XML part raises many exception types
        raise Unreadable(f"corrupt EPUB: {e}") from e
    meta = {name: _dc(book, name) for name in ("title", "creator", "publisher", "date", "source", "identifier")}
    url = next((v for v in (meta["source"], meta["identifier"]) if v and v.startswith(("http://", "https://"))), None)
    return from_blocks(blocks, title=meta["title"], author=meta["creator"], publisher=meta["publisher"],
                       date=meta["date"][:10] if meta["date"] else None, url=url)


def _chapter(item, toc_title: str | None) -> list[tuple[str, str]]:
    """A chapter's blocks; its TOC title opens it as a heading when it does not open with one of its own."""
    blocks = visible_blocks(parse(item.get_content()))
    if toc_title and not (blocks and blocks[0][1] == "heading"):
        blocks.insert(0, (toc_title, "heading"))
    return blocks


def _toc_titles(toc, out: dict[str, str] | None = None) -> dict[str, str]:
    """Chapter file -> its table-of-contents title (the first entry that points into the file)."""
    out = {} if out is None else out
    for entry in toc:
        if isinstance(entry, tuple):  # (Section, [children])
            section, children = entry
            _toc_titles([section, *children], out)
        elif getattr(entry, "href", None) and getattr(entry, "title", None):
            out.setdefault(posixpath.normpath(entry.href.split("#")[0]), entry.title)
    return out


def _dc(book, name: str) -> str | None:
    """The first value of a Dublin Core field; None when absent or empty (``<dc:title/>``)."""
    values = book.get_metadata("DC", name)
    value = values[0][0] if values else None
    return value.strip() or None if isinstance(value, str) else None


_OPF = "{http://www.idpf.org/2007/opf}"


def _check_manifest(archive: zipfile.ZipFile) -> None:
    """Refuse a manifest that lists a part twice (each listing would be read, and kept, again)."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=True)
    try:
        container = etree.fromstring(archive.read("META-INF/container.xml"), parser)
        path = next(iter(container.iter("{*}rootfile"))).get("full-path") or ""
        opf = etree.fromstring(archive.read(path), parser)
    except (KeyError, StopIteration, ValueError, AttributeError, TypeError, etree.LxmlError) as e:
        raise Unreadable(f"corrupt EPUB: no readable package file ({e})") from e
    seen: set[str] = set()
    for item in opf.iter(f"{_OPF}item"):
        href = posixpath.normpath(posixpath.join(posixpath.dirname(path), item.get("href") or ""))
        if href in seen:
            raise Unreadable(f"the EPUB manifest lists {href[:80]!r} more than once; repair the book")
        seen.add(href)
