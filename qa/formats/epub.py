"""EPUB books through ebooklib: the chapters in reading (spine) order, each a section titled by its own
first heading or, failing that, its table-of-contents entry. Metadata from the book's Dublin Core."""
from __future__ import annotations

import io
import posixpath
import warnings

from . import Extracted, Unreadable, from_paragraphs
from .html import parse, visible_blocks


def read_epub(data: bytes) -> Extracted:
    import ebooklib
    from ebooklib import epub

    try:
        with warnings.catch_warnings():  # ebooklib warns about its own option defaults
            warnings.simplefilter("ignore")
            book = epub.read_epub(io.BytesIO(data), {"ignore_ncx": True})
        chapters = [book.get_item_with_id(idref) for idref, _ in book.spine]
        documents = [c for c in chapters if c is not None and c.get_type() == ebooklib.ITEM_DOCUMENT
                     and not isinstance(c, epub.EpubNav)]
        toc = _toc_titles(book.toc)
        paragraphs = [p for item in documents for p in _chapter(item, toc.get(posixpath.normpath(item.file_name)))]
    except Exception as e:  # a damaged zip or XML part raises many exception types
        raise Unreadable(f"corrupt EPUB: {e}") from e
    meta = {name: _dc(book, name) for name in ("title", "creator", "publisher", "date", "source", "identifier")}
    url = next((v for v in (meta["source"], meta["identifier"]) if v and v.startswith(("http://", "https://"))), None)
    return from_paragraphs(paragraphs, title=meta["title"], author=meta["creator"], publisher=meta["publisher"],
                           date=meta["date"][:10] if meta["date"] else None, url=url)


def _chapter(item, toc_title: str | None) -> list[tuple[str, bool]]:
    """A chapter's paragraphs; its TOC title opens it as a heading when its text has none of its own."""
    blocks = visible_blocks(parse(item.get_content()))
    if toc_title and not (blocks and blocks[0][1]):
        blocks.insert(0, (toc_title, True))
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
    values = book.get_metadata("DC", name)
    return str(values[0][0]).strip() or None if values else None
