"""Plain text and Markdown: the decoded file, verbatim. Decoding is strict (UTF-8, or UTF-16 with a BOM):
guessing an encoding could silently corrupt the very text that quotes must reproduce."""
from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from . import AFTER_TERMS, HEADS, NEXT_HEADING, Extracted, Unreadable, names_its_note


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

    The title is the YAML front matter's ``title``, else the first ``#`` heading; the front matter's
    ``author`` and ``date`` (YYYY-MM-DD) are the page's too. Of the front matter, only the title (where the
    body has no ``#`` heading) and the description are text, as headings of the page.
    Headings are the ones the file marks, never a short line guessed to be one.
    """
    text = decode_text(data)
    front = front_matter(text)
    heading = re.search(r"^#[ \t]+(.+?)[ \t#]*$", text[front.end:], re.MULTILINE)
    title = front.value(text, "title") or (heading.group(1) if heading else None)
    date = re.match(r"\d{4}-\d{2}-\d{2}", front.value(text, "date") or "")
    blocks = markdown_blocks(text)
    return Extracted(text, title, author=front.value(text, "author"), date=date.group(0) if date else None,
                     headings=tuple(s for s, _, kind in blocks if kind in HEADS), blocks=blocks)


@dataclass(frozen=True)
class FrontMatter:
    """Where a Markdown file's YAML front matter ends (0: it has none), and the span of each one-line value."""

    end: int = 0
    values: tuple[tuple[str, int, int], ...] = ()

    def value(self, text: str, key: str) -> str | None:
        return next((text[s:e] for k, s, e in self.values if k == key), None)

    def span(self, key: str) -> tuple[int, int] | None:
        return next(((s, e) for k, s, e in self.values if k == key), None)


_FRONT_OPEN = re.compile(r"---[ \t]*\r?\n")
_FRONT_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)
_FRONT_VALUE = re.compile(r"^([A-Za-z_][\w-]*)[ \t]*:[ \t]+"
                          r"(?:\"([^\"\n]*)\"|'([^'\n]*)'|([^\s'\"|>#][^\n#]*?))[ \t]*\r?$", re.MULTILINE)
_FRONT_LINE = re.compile(r"[ \t]*(?:#.*)?$|[A-Za-z_][\w-]*[ \t]*:|[ \t]+\S|-[ \t]")  # YAML's shapes
_FRONT_MAX = 16_384  # a front matter is a few lines of metadata; a longer "---" run is the text's own


def front_matter(text: str) -> FrontMatter:
    """The YAML front matter that opens ``text`` (Jekyll, Hugo, Docusaurus, MkDocs): its end and plain values.

    >>> t = "---\\ntitle: npm-pack\\ndescription: \\"Create a tarball\\"\\ntags: [a]\\n---\\n\\n## Synopsis"
    >>> f = front_matter(t)
    >>> f.value(t, "title"), f.value(t, "description"), t[f.end:]
    ('npm-pack', 'Create a tarball', '\\n\\n## Synopsis')
    >>> front_matter("---\\n\\nA rule, then text.").end
    0
    """
    opening = _FRONT_OPEN.match(text)
    if not opening:
        return FrontMatter()
    closing = _FRONT_CLOSE.search(text, opening.end(), min(len(text), _FRONT_MAX))
    lines = text[opening.end():closing.start()].splitlines() if closing else []
    if not closing or not any(line.strip() for line in lines) or not all(_FRONT_LINE.match(ln) for ln in lines):
        return FrontMatter()
    values = []
    for m in _FRONT_VALUE.finditer(text, opening.end(), closing.start()):
        group = next(g for g in (2, 3, 4) if m.group(g) is not None)
        if m.group(group).strip():
            values.append((m.group(1).lower(), m.start(group), m.end(group)))
    return FrontMatter(closing.end(), tuple(values))


_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_ATX = re.compile(r"[ \t]*(?:>[ \t]?)*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+)?[ \t]{0,3}#{1,6}(?:[ \t]+|$)")
_ATX_CLOSE = re.compile(r"(?:[ \t]+#+)?[ \t]*$")
_MARKERS = re.compile(r"[ \t]*(?:>[ \t]?)*[ \t]*(?:(?:[-*+]|\d{1,9}[.)])(?:[ \t]+|$))?(?:\[[ xX]\][ \t]+)?")
_QUOTE_MARKS = re.compile(r"[ \t]*(?:>[ \t]?)*")
_PRE_OPEN = re.compile(r"<pre(?:\s[^<>]*)?>", re.IGNORECASE)


def _indent(text: str, line_start: int, content: str) -> re.Pattern[str] | None:
    """The indentation that is not the code's own on a code block's first line: a list item's, the four
    spaces of an indented block. ``qa.ingest.clean_blocks`` takes as many off each line of the block."""
    first = content.split("\n", 1)[0]
    end = _LINE_BREAK.search(text, line_start)
    line = text[line_start:end.start() if end else len(text)]
    cut = len(line) - len(first)
    if not first.strip() or cut <= 0 or not line.endswith(first) or line[:cut].strip(" "):
        return None
    return re.compile(" " * cut)


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
    levels: dict[int, int] = {}  # a heading's level (1 for "#"), by its start
    front = front_matter(text)
    body = text
    if front.end:  # its lines parse as nothing (line numbers kept); what a site shows of it is the title
        # (where the body has no "#" heading of its own) and the description as its subtitle: both head the page
        body = "\n" * len(_LINE_BREAK.findall(text, 0, front.end)) + text[front.end:]
        title, description = front.span("title"), front.span("description")
        if title and not re.search(r"^[ \t]{0,3}#[ \t]", text[front.end:], re.MULTILINE):
            blocks.append((*title, "heading"))
        if description:
            blocks.append((*description, "heading"))
    body, titles = _admonitions(body, starts)
    heads = [not tab and names_its_note(text[start:end]) for start, end, tab, _ in titles]
    blocks += [(start, end, "term" if head else "text") for (start, end, _, _), head in zip(titles, heads)]
    tokens = MarkdownIt("commonmark").enable("table").parse(body)
    items = 0
    for n, token in enumerate(tokens):
        items += {"list_item_open": 1, "list_item_close": -1}.get(token.type, 0)
        if token.map is None:
            continue
        first, last = token.map
        if token.type == "heading_open":
            inline = tokens[n + 1].map or token.map
            had = len(blocks)
            span(inline[0], inline[1], "heading", _ATX if token.markup.startswith("#") else _MARKERS)
            if len(blocks) > had:
                levels[blocks[-1][0]] = int(token.tag[1:])
        elif token.type == "paragraph_open":
            span(first, last, "list item" if items else "text", _MARKERS)
        elif token.type in ("fence", "code_block"):
            top = first + 1 if token.type == "fence" else first
            if top >= len(starts):  # a fence on the file's last line, opening nothing
                continue
            span(top, top + token.content.count("\n"), "code", _indent(text, starts[top], token.content))
        elif token.type == "tr_open":
            span(first, last, "table row", _QUOTE_MARKS)
        elif token.type == "html_block":
            lines = token.content.rstrip("\n").split("\n")
            if len(lines) > 2 and _PRE_OPEN.fullmatch(lines[0].strip()) and lines[-1].strip().lower() == "</pre>":
                span(first + 1, last - 1, "code")  # preformatted text between its tags' own lines: lines kept
            else:
                span(first, last, "text")
    blocks.sort()
    # the paragraph after a note that its title heads goes back to the section around the note
    for (_, _, _, after), head in zip(titles, heads):
        following = next((i for i, b in enumerate(blocks) if b[0] >= after), None) if head and after else None
        if following is not None and blocks[following][2] == "text":
            blocks[following] = (*blocks[following][:2], AFTER_TERMS)
    return tuple(_next_headings(blocks, levels))


def _next_headings(blocks: list[tuple[int, int, str]], levels: dict[int, int]) -> list[tuple[int, int, str]]:
    """A heading right after one of its level or a deeper one is :data:`NEXT_HEADING` (the front matter's title
    and description, which have no level, head what follows them)."""
    out: list[tuple[int, int, str]] = []
    for start, end, kind in blocks:
        if kind == "heading" and out and out[-1][2] in ("heading", NEXT_HEADING) \
                and levels.get(out[-1][0], 0) >= levels.get(start, 7):
            kind = NEXT_HEADING
        out.append((start, end, kind))
    return out


# Python-Markdown's admonitions and collapsible blocks ("!!! note", '??? tip "Title"', as MkDocs sites write them)
# and content tabs ('=== "Linux"'): a marker line, then the block's Markdown indented four spaces under it
_ADMONITION = re.compile(r'(?P<indent>[ \t]*)(?:(?:!!!|\?\?\?\+?)[ \t]+(?P<type>[\w-]+)(?:[ \t]+[\w-]+)*'
                         r'(?:[ \t]+"(?P<title>[^"\n]*)")?|===\+?[ \t]+"(?P<tab>[^"\n]*)")[ \t]*')


def _admonitions(body: str, starts: list[int]) -> tuple[str, list[tuple[int, int, bool, int]]]:
    """``body`` as markdown-it should parse it, and the spans of the admonitions' and tabs' titles, each with
    whether it is a tab's and the offset of the line after its block (0 at the end of the text).

    A site renders an admonition as a box with a title over its Markdown; CommonMark would read the indented
    Markdown as code. So each marker line is blanked (its title, or its type where it has none, is a block of
    its own) and the lines under it are set out four spaces, line for line, so that the parsed lines are the
    file's. A marker with nothing indented under it is the page's text, as written.

    >>> text = '!!! tip "Fast"\\n    Use **make**.\\n\\n        code\\nAfter.'
    >>> body, titles = _admonitions(text, [0, 15, 33, 34, 47])
    >>> body.splitlines()
    ['', 'Use **make**.', '', '    code', 'After.']
    >>> [(text[s:e], tab, text[after:]) for s, e, tab, after in titles]
    [('Fast', False, 'After.')]
    """
    lines = _LINE_BREAK.split(body)
    shifts = [0] * len(lines)  # how far each line has been set out
    titles: list[tuple[int, int, bool, int]] = []
    for i, line in enumerate(lines):  # a block inside a block comes later, already set out by the one holding it
        m = _ADMONITION.fullmatch(line)
        if m is None:
            continue
        inner = m.group("indent") + "    "
        n = i + 1
        while n < len(lines) and (lines[n].startswith(inner) or not lines[n].strip()):
            n += 1
        while n > i + 1 and not lines[n - 1].strip():
            n -= 1
        if n == i + 1:
            continue
        name = "tab" if m.group("tab") is not None else "title" if m.group("title") else "type"
        if m.group(name):
            titles.append((starts[i] + shifts[i] + m.start(name), starts[i] + shifts[i] + m.end(name), name == "tab",
                           starts[n] if n < len(starts) else 0))
        lines[i] = ""
        for j in range(i + 1, n):
            if lines[j].startswith(inner):
                lines[j], shifts[j] = lines[j][4:], shifts[j] + 4
    return "\n".join(lines), titles
