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
    """The file verbatim, with its blocks (see :func:`markdown_blocks`).

    A YAML front matter block (``---`` lines around ``key: value`` lines at the very top, as MkDocs,
    Docusaurus, Hugo and Jekyll write it) is the page's metadata, not its text: its ``title`` and
    ``date`` are the document's, and none of its lines becomes a block. Otherwise the title is the
    first ``#`` heading.

    >>> e = read_markdown(b"---\\ntitle: npm-install\\ndate: 2024-05-01\\n---\\n\\n# Synopsis\\n\\nRun it.")
    >>> e.title, e.date, [e.text[s:t] for s, t, _ in e.blocks]
    ('npm-install', '2024-05-01', ['Synopsis', 'Run it.'])
    """
    text = decode_text(data)
    meta, body = front_matter(text)
    heading = re.search(r"^#[ \t]+(.+?)[ \t#]*$", text[body:], re.MULTILINE)
    return Extracted(text, meta.get("title") or (heading.group(1) if heading else None),
                     date=meta.get("date"), blocks=markdown_blocks(text))


_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)^(?:---|\.\.\.)[ \t]*$", re.DOTALL | re.MULTILINE)
_META_LINE = re.compile(r"^([A-Za-z_][\w-]*)[ \t]*:[ \t]*(.*?)[ \t]*$", re.MULTILINE)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def front_matter(text: str) -> tuple[dict[str, str], int]:
    """The title and date a YAML front matter block gives, and where the page's own text begins.

    Only plain ``key: value`` lines are read (no YAML library, no anchors or tags to expand); a date
    counts only when it starts with an ISO date. Without front matter: ``({}, 0)``.

    >>> front_matter("---\\ntitle: 'Install'\\ndate: 2024-05-01T10:00\\n---\\nBody")
    ({'title': 'Install', 'date': '2024-05-01'}, 47)
    >>> front_matter("No front matter")
    ({}, 0)
    """
    found = _FRONT_MATTER.match(text)
    if found is None:
        return {}, 0
    meta: dict[str, str] = {}
    for key, value in _META_LINE.findall(found.group(1)):
        value = value.strip("'\"").strip()
        if key.lower() == "title" and value:
            meta["title"] = value
        elif key.lower() == "date" and (date := _ISO_DATE.match(value)):
            meta["date"] = date.group(0)
    return meta, found.end()


_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_ATX = re.compile(r"[ \t]*(?:>[ \t]?)*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+)?[ \t]{0,3}#{1,6}(?:[ \t]+|$)")
_ATX_CLOSE = re.compile(r"(?:[ \t]+#+)?[ \t]*$")
_MARKERS = re.compile(r"[ \t]*(?:>[ \t]?)*(?:(?:[-*+]|\d{1,9}[.)])(?:[ \t]+|$))?(?:\[[ xX]\][ \t]+)?")
_QUOTE_MARKS = re.compile(r"[ \t]*(?:>[ \t]?)*")


def markdown_blocks(text: str) -> tuple[tuple[int, int, str], ...]:
    """``(start, end, kind)`` spans of a Markdown text's blocks, parsed by markdown-it (CommonMark and tables).

    A span holds the block's own text: heading marks, list bullets and fences stay outside it, so the
    cleaned text cites the file's lines without its markup. YAML front matter yields no block.

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
    body = front_matter(text)[1]  # front matter is the page's metadata (see read_markdown), never a block
    return tuple(b for b in blocks if b[0] >= body)
