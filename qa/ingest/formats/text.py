"""Plain text and Markdown: the decoded file, verbatim. Decoding is strict (UTF-8, or UTF-16 with a BOM):
guessing an encoding could silently corrupt the very text that quotes must reproduce."""
from __future__ import annotations

import codecs
import re

from . import Extracted, Unreadable


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


def read_text(data: bytes) -> Extracted:
    return Extracted(decode_text(data))


def read_markdown(data: bytes) -> Extracted:
    """The file verbatim, with its blocks (see :func:`markdown_blocks`); the title is its first ``#`` heading."""
    text = decode_text(data)
    heading = re.search(r"^#[ \t]+(.+?)[ \t#]*$", text, re.MULTILINE)
    return Extracted(text, heading.group(1) if heading else None, blocks=markdown_blocks(text))


_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_ATX = re.compile(r"[ \t]*(?:>[ \t]?)*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+)?[ \t]{0,3}#{1,6}(?:[ \t]+|$)")
_ATX_CLOSE = re.compile(r"(?:[ \t]+#+)?[ \t]*$")
_MARKERS = re.compile(r"[ \t]*(?:>[ \t]?)*(?:(?:[-*+]|\d{1,9}[.)])(?:[ \t]+|$))?(?:\[[ xX]\][ \t]+)?")
_QUOTE_MARKS = re.compile(r"[ \t]*(?:>[ \t]?)*")


def markdown_blocks(text: str) -> tuple[tuple[int, int, str], ...]:
    """``(start, end, kind)`` spans of a Markdown text's blocks, parsed by markdown-it (CommonMark and tables).

    A span holds the block's own text: heading marks, list bullets and fences stay outside it, so the
    cleaned text cites the file's lines without its markup.

    >>> t = "# Use\\n\\nRun:\\n\\n```sh\\nmake  all\\n```\\n\\n- one\\n- two"
    >>> [(t[s:e], kind) for s, e, kind in markdown_blocks(t)]
    [('Use', 'heading'), ('Run:', 'text'), ('make  all', 'code'), ('one', 'list item'), ('two', 'list item')]
    """
    from markdown_it import MarkdownIt

    starts = [0] + [m.end() for m in _LINE_BREAK.finditer(text)]
    ends = [m.start() for m in _LINE_BREAK.finditer(text)] + [len(text)]

    def span(first: int, last: int, kind: str, lead: re.Pattern[str] | None = None) -> None:
        last = min(last, len(starts))
        if first >= last:
            return
        start, end = starts[first], ends[last - 1]
        if lead is not None:
            marks = lead.match(text, start, end)
            start = marks.end() if marks else start
        if kind == "heading":
            end = start + len(_ATX_CLOSE.sub("", text[start:end], count=1))
        if text[start:end].strip():
            blocks.append((start, end, kind))

    blocks: list[tuple[int, int, str]] = []
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    items = 0
    for n, token in enumerate(tokens):
        items += {"list_item_open": 1, "list_item_close": -1}.get(token.type, 0)
        if token.map is None:
            continue
        first, last = token.map
        if token.type == "heading_open":
            inline = tokens[n + 1].map or token.map
            span(inline[0], inline[1], "heading", _ATX if token.markup.startswith("#") else _MARKERS)
        elif token.type == "paragraph_open":
            span(first, last, "list item" if items else "text", _MARKERS)
        elif token.type == "fence":
            span(first + 1, first + 1 + token.content.count("\n"), "code")
        elif token.type == "code_block":
            span(first, last, "code")
        elif token.type == "tr_open":
            span(first, last, "table row", _QUOTE_MARKS)
        elif token.type == "html_block":
            span(first, last, "text")
    return tuple(blocks)
