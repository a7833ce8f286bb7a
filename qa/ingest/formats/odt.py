"""OpenDocument text (.odt: LibreOffice, OpenOffice, Google Docs' export): its body in document order, as blocks.

``text:h`` is a heading; a list's items are list items; a table's rows are table rows (cells joined by " | ",
a repeated cell read once); a paragraph is text, or a line of code when its style (or a style it inherits) is
a code style or sets a monospaced font, and consecutive lines of code are one block that keeps its lines and
indentation; a definition list's term (pandoc's "Definition Term", LibreOffice's "List Heading") is a term,
and opens the section of its definition. A footnote's or endnote's text follows its paragraph; a frame's text
box is read where it stands; images and the deleted text that change tracking keeps are not text. A citation
names the paragraph's number.

The zip is checked before parsing (qa.ingest.formats.check_zip); the XML is parsed with entity resolution and
network access off; the text stops at ``max_chars``. Title, author and date come from ``meta.xml``.
"""
from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from dataclasses import replace
from typing import Any

from . import (
    CODE_STYLE,
    MONOSPACED_FONT,
    Extracted,
    Unreadable,
    capped,
    check_zip,
    code_lines_merged,
    from_blocks,
    paragraph_starts,
    superscript_shown,
)

_NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "fo": "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0",
    "svg": "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0",
    "draw": "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0",
    "meta": "urn:oasis:names:tc:opendocument:xmlns:meta:1.0",
    "dc": "http://purl.org/dc/elements/1.1/",
}
#: Paragraph styles of a definition list's terms (pandoc's "Definition Term", LibreOffice's "List Heading").
_TERM_STYLE = re.compile(r"definition[ _]*(?:20_)?term|list[ _]*(?:20_)?heading", re.I)
_MIMETYPES = ("application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.text-template")
#: Elements whose text is not the document's: deleted text kept by change tracking, a note's number, images.
_NOT_TEXT = {"tracked-changes", "note-citation", "image", "bookmark-ref", "sequence-decls", "variable-decls",
             "user-field-decls", "alphabetical-index-mark", "toc-mark", "reference-mark"}


def _q(prefix: str, name: str) -> str:
    return f"{{{_NS[prefix]}}}{name}"


def read_odt(data: bytes, *, max_chars: int | None = None) -> Extracted:
    archive = check_zip(data, "OpenDocument file")
    names = set(archive.namelist())
    mimetype = archive.read("mimetype").decode("ascii", "replace").strip() if "mimetype" in names else ""
    if mimetype and mimetype not in _MIMETYPES:
        raise Unreadable(f"an OpenDocument file of another kind ({mimetype}); only text documents (.odt) are read")
    if "content.xml" not in names:
        raise Unreadable("not an OpenDocument text file (no content.xml inside); re-save it as .odt")
    content = _parse(archive.read("content.xml"), "content.xml")
    styles = _Styles(content, _parse(archive.read("styles.xml"), "styles.xml") if "styles.xml" in names else None)
    body = content.find(f"{_q('office', 'body')}/{_q('office', 'text')}")
    if body is None:
        raise Unreadable("not an OpenDocument text file (its content has no text body)")
    blocks = code_lines_merged(capped(_blocks(body, styles), max_chars))
    meta = _metadata(_parse(archive.read("meta.xml"), "meta.xml")) if "meta.xml" in names else {}
    read = from_blocks(blocks, **meta)
    return replace(read, paragraph_starts=tuple(paragraph_starts(read)))


def _parse(xml: bytes, part: str) -> Any:
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        return etree.fromstring(xml, parser)
    except etree.XMLSyntaxError as e:
        raise Unreadable(f"corrupt OpenDocument file: {part} is not well-formed XML ({e})") from e


class _Styles:
    """What a paragraph's style makes it: a heading is marked by its element, code by its style or its font."""

    def __init__(self, content: Any, styles: Any) -> None:
        fonts: dict[str, str] = {}
        self.parent: dict[str, str] = {}
        self.code: dict[str, bool] = {}
        self.term: dict[str, bool] = {}
        self.raised: set[str] = set()  # text styles that set their text above the line (a superscript)
        for root in (styles, content):
            if root is None:
                continue
            for face in root.iter(_q("style", "font-face")):
                fonts[face.get(_q("style", "name"), "")] = face.get(_q("svg", "font-family"), "").strip("'\"")
            for style in root.iter(_q("style", "style")):
                name = style.get(_q("style", "name"), "")
                shown = style.get(_q("style", "display-name"), name)
                props = style.find(_q("style", "text-properties"))
                font = props.get(_q("style", "font-name"), "") if props is not None else ""
                family = fonts.get(font, font) or (props.get(_q("fo", "font-family"), "") if props is not None else "")
                self.code[name] = bool(CODE_STYLE.search(shown) or (family and MONOSPACED_FONT.search(family)))
                self.term[name] = bool(_TERM_STYLE.search(shown))
                if props is not None and _is_raised(props.get(_q("style", "text-position"), "")):
                    self.raised.add(name)
                if parent := style.get(_q("style", "parent-style-name")):
                    self.parent[name] = parent

    def kind(self, name: str | None) -> str:
        """A paragraph style's kind: "code", "term" or "text", by the style or one it inherits from."""
        seen = set()
        while name and name not in seen:
            if self.code.get(name):
                return "code"
            if self.term.get(name):
                return "term"
            seen.add(name)
            name = self.parent.get(name)
        return "text"


def _is_raised(position: str) -> bool:
    """Whether a style's ``style:text-position`` ("super 58%", "33% 58%"; "sub 58%", "-33% 58%") raises its text."""
    first = (position.split() or [""])[0]
    if first == "super":
        return True
    try:
        return first.endswith("%") and float(first[:-1]) > 0
    except ValueError:
        return False


def _blocks(container: Any, styles: _Styles) -> Iterator[tuple[str, str]]:
    """The container's paragraphs, headings, list items and table rows, in document order."""
    for child in container:
        tag = child.tag.rsplit("}", 1)[-1] if isinstance(child.tag, str) else ""
        if tag in _NOT_TEXT:
            continue
        if tag in ("h", "p"):
            kind = "heading" if tag == "h" else styles.kind(child.get(_q("text", "style-name")))
            notes: list[Any] = []
            yield _text(child, notes, styles.raised), kind
            for note in notes:
                yield from _blocks(note, styles)
        elif tag == "list":  # its items' paragraphs; a list inside an item gives its own items
            for item in child:
                if isinstance(item.tag, str) and item.tag in (_q("text", "list-item"), _q("text", "list-header")):
                    for text, kind in _blocks(item, styles):
                        yield text, "list item" if kind == "text" else kind
        elif tag == "table":
            for row in child.iter(_q("table", "table-row")):
                cells = dict.fromkeys(" ".join(text for text, _ in _blocks(cell, styles)).strip()
                                      for cell in row.findall(_q("table", "table-cell")))
                yield " | ".join(c for c in cells if c), "table row"
        else:  # a section, a frame, a text box, a change's kept text: read within
            yield from _blocks(child, styles)



def _text(element: Any, notes: list[Any], raised: Collection[str]) -> str:
    """A paragraph's text: its spans and links read through, ``text:s`` as spaces, tabs and line breaks kept;
    a note's body is put in ``notes`` (read after the paragraph). A span in one of the ``raised`` styles (a
    superscript) right off a word is written after a "^" (:func:`qa.ingest.formats.superscript_shown`)."""
    parts = [element.text or ""]
    for child in element:
        tag = child.tag.rsplit("}", 1)[-1] if isinstance(child.tag, str) else ""
        if tag == "s":
            parts.append(" " * max(1, min(int(child.get(_q("text", "c"), "1") or 1), 1000)))
        elif tag == "tab":
            parts.append("\t")
        elif tag == "line-break":
            parts.append("\n")
        elif tag == "note":
            body = child.find(_q("text", "note-body"))
            if body is not None:
                notes.append(body)
        elif tag not in _NOT_TEXT and tag not in ("frame",):
            text = _text(child, notes, raised)
            if tag == "span" and child.get(_q("text", "style-name")) in raised:
                text = superscript_shown(next((part for part in reversed(parts) if part), ""), text)
            parts.append(text)
        parts.append(child.tail or "")
    return "".join(parts)


def _metadata(meta: Any) -> dict[str, str | None]:
    def first(*paths: tuple[str, str]) -> str | None:
        for prefix, name in paths:
            found = meta.find(f".//{_q(prefix, name)}")
            if found is not None and (found.text or "").strip():
                return found.text.strip()
        return None

    created = first(("meta", "creation-date"), ("dc", "date")) or ""
    date = re.match(r"\d{4}-\d{2}-\d{2}", created)
    return {"title": first(("dc", "title")), "author": first(("meta", "initial-creator"), ("dc", "creator")),
            "date": date.group(0) if date else None}
