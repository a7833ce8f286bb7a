"""Cleaning a structured document (web page, Markdown, Word, EPUB, PDF): whitespace only, nothing removed.

The reader has already found the page's content and its blocks; the capture rules of ``qa.ingest.clean`` (site
chrome, glued citations, wiki markup) are for plain-text captures and never run here. A code block is
copied as it is, every line break and indentation kept; any other block becomes one line with single
spaces. Headings and terms (definition terms, API signatures) open sections, so the description under
a signature is searched and cited under it.
"""
from __future__ import annotations

import html
import re
from collections.abc import Collection, Iterable

from ..records import Cleaned
from . import clean_rules as rules
from .clean import Mapped, _assemble, _join, _lines, _Para
from .formats import HEADS, SUPERSCRIPT_MARK, marks_superscript

_BLANK_LINES = re.compile(r"\n[ \t\f\v\r]*\n\s*")
_QUOTE_MARKS = re.compile(r"[ \t]*(?:>[ \t]?)*")
# Markdown link and image markup around the words a reader sees: "[text](url)", "![alt](src)", "[text][ref]",
# "[text][]". The text may hold brackets, balanced (not an image's) or in a code span ("[the `#[test]`
# attribute](url)", "[Warn about #[repr] hints][34623]"); the address may hold balanced parentheses
# ("(...#impl-From%3C(T,)%3E-for-(A,))").
_URL = r"(?:[^()\s]|\([^()\s]*\))*"
# (a backtick is a code span's or, with none after it on the line, a lone one: never either, which would take time
# exponential in a line's backticks to rule out)
_LINK_TEXT = r"((?:`[^`\n]*`|`(?![^`\n]*`)|(?<!!)\[[^\[\]`\n]*\]|[^\[\]`\n])*)"
_MD_LINK = re.compile(r"(!?\[)" + _LINK_TEXT + r"(\]\(" + _URL + r"(?:\s+\"[^\"]*\")?\)|\]\[[^\[\]\n]*\])")
# A link around an image: "[![Build](b.svg)](https://ci)".
_MD_IMAGE_LINK = re.compile(r"(\[)(!\[[^\[\]\n]*\]\(" + _URL + r"\))(\]\(" + _URL + r"(?:\s+\"[^\"]*\")?\))")
# A shortcut reference link, "[RFC 1358]", where the text defines that label; and such a definition.
_MD_SHORTCUT_LINK = re.compile(r"(?<![\]\\])(\[)((?:`[^`\n]*`|[^\[\]`\n])+)(\])(?![(\[:])")
_MD_LINK_DEFINITION = re.compile(r"^ {0,3}\[((?:[^\[\]\n]|\\[\[\]])+)\]:[ \t]*\S", re.MULTILINE)
# HTML in Markdown, which a site renders rather than shows: a comment, and the tags of HTML's own elements
# (an "<a id=...>" anchor, a table's "<td>"); "<package-spec>" is no element, and is the page's text.
_MD_HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_HTML_ELEMENTS = ("a abbr b big blockquote br caption center cite code col colgroup dd del details dfn div dl dt em "
                  "figcaption figure font h1 h2 h3 h4 h5 h6 hr i img ins kbd li mark ol p picture pre q s samp "
                  "section small source span strike strong sub summary sup table tbody td tfoot th thead tr tt u "
                  "ul var video").split()
_HTML_BREAKS = frozenset("blockquote br caption dd div dl dt figcaption figure h1 h2 h3 h4 h5 h6 hr li ol p pre "
                         "section summary table tbody td tfoot th thead tr ul".split())
_MD_HTML_TAG = re.compile(r"</?(" + "|".join(_HTML_ELEMENTS) + r")(?:\s+[A-Za-z_:][\w.:-]*(?:\s*=\s*(?:[^\s\"'=<>`]+"
                          r"|'[^']*'|\"[^\"]*\"))?)*\s*/?>", re.IGNORECASE)
# A mark escaped by a backslash ("\_") is the text's own.
_MD_BOLD = re.compile(r"(?<![^\W_]|\*|\\)(\*\*)(?=\S)([^*\n]*?[^\s\\])(\*\*)(?![^\W_]|\*)|"  # "_**bold**_" too
                      r"(?<![\w_\\])(__)(?=[^\s_])([^_\n]*?[^\s_\\])(__)(?![\w_])")
# An attribute list (Python-Markdown's attr_list, as MkDocs sources write them) right after a link or at the end of
# a heading or a paragraph: "[Typer CLI](cli.md){.internal-link target=_blank}", "# Notes {: #notes }". A site
# shows neither.
_ATTRS = r"(?:[ \t]*(?:[#.][^\s{}]+|[\w-]+=(?:\"[^\"\n]*\"|'[^'\n]*'|[^\s{}]+)))+[ \t]*\}"
_MD_LINK_ATTRS = re.compile(r"\{:?" + _ATTRS)  # matched where a link ends
_MD_ATTR_LIST = re.compile(r"[ \t]+\{(?::|(?=#))" + _ATTRS + r"[ \t]*$")  # "{: ...}" or "{#id ...}" ending a line
# Bold and emphasis at once: "***CLI argument***", "___both___"
_MD_STRONG_EMPHASIS = re.compile(r"(?<![^\W_]|\*|\\)(\*\*\*)(?=\S)([^*\n]*?[^\s\\])(\*\*\*)(?![^\W_]|\*)|"
                                 r"(?<![\w_\\])(___)(?=[^\s_])([^_\n]*?[^\s_\\])(___)(?![\w_])")
_MD_EMPHASIS = re.compile(r"(?<![^\W_]|\*|\\)(\*)(?=[^\s*])([^*\n]*?[^\s*\\])(\*)(?![^\W_]|\*)|"
                          r"(?<![\w_\\])(_)(?=[^\s_])((?:[^_\n]|\\_)*?[^\s_\\])(_)(?![\w_])")
_MD_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)([^\n]+?)(?<!`)(\1)(?!`)")  # CommonMark: closed by as many backticks
# An autolink, "<https://example.com>", shown without its brackets; a backslash escaping punctuation ("\*").
_MD_AUTOLINK = re.compile(r"(<)((?:https?|ftp|mailto):[^<>\s]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+)(>)", re.IGNORECASE)
_MD_ESCAPE = re.compile(r"\\(?=[!-/:-@\[-`{-~])")
# An entity or a numeric character reference, which a rendered page shows as its character ("&lt;main&gt;").
_MD_ENTITY = re.compile(r"&(?:[A-Za-z][A-Za-z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});")


def clean_blocks(raw: str, blocks: Iterable[tuple[int, int, str]] | None,
                 headings: Collection[int] | None, *, fmt: str = "html") -> Cleaned:
    """Clean ``raw`` block by block; without ``blocks``, paragraphs (split at blank lines) are the blocks.

    In Markdown, the ``>`` marks that open a quoted block's lines are markup, not text.

    >>> c = clean_blocks("Intro\\n\\nRun  it:\\n\\n  x = 1\\n\\n  y = 2", [(0, 5, "heading"), (7, 15, "text"),
    ...                  (17, 33, "code")], None)
    >>> c.text, c.blocks
    ('Intro\\n\\nRun it:\\n\\n  x = 1\\n\\n  y = 2', ((0, 5, 'heading'), (7, 14, 'text'), (16, 32, 'code')))
    """
    if blocks is None:
        marked = frozenset(headings or ())
        blocks = [(s, e, "heading" if s in marked else "text") for s, e in _paragraphs(raw)]
    by_shape = headings is None
    lead = _QUOTE_MARKS if fmt in ("md", "ipynb") else None  # Markdown, and a notebook's markdown cells
    labels = _link_labels(raw) if lead is not None else frozenset()
    paras = [p for start, end, kind in blocks
             if (p := _block(raw, start, end, kind, by_shape, lead, labels)) is not None]
    return _assemble(paras)


def _link_labels(raw: str) -> frozenset[str]:
    """The labels a Markdown text defines links for ("[RFC 1358]: https://..."), as CommonMark matches them."""
    return frozenset(_label(m.group(1)) for m in _MD_LINK_DEFINITION.finditer(raw))


def _label(text: str) -> str:
    return " ".join(text.split()).casefold()


def _paragraphs(raw: str) -> list[tuple[int, int]]:
    """Spans of the runs of non-blank lines."""
    spans, start = [], 0
    for gap in _BLANK_LINES.finditer(raw):
        spans.append((start, gap.start()))
        start = gap.end()
    spans.append((start, len(raw)))
    return [(s, e) for s, e in spans if raw[s:e].strip()]


def _block(raw: str, start: int, end: int, kind: str, by_shape: bool, lead: re.Pattern[str] | None,
           labels: frozenset[str] = frozenset()) -> _Para | None:
    if kind == "code":
        text = _code(raw, start, end)
    else:
        lines = [(s + start, e + start) for s, e in _lines(raw[start:end])]
        if lead is not None:
            lines = [(lead.match(raw, s, e).end(), e) for s, e in lines]  # type: ignore[union-attr]
        parts = [(Mapped.copy(raw, s, e), False) for s, e in lines]
        parts = [(p.edit(rules.whitespace_edits(p.text)).strip(), False) for p, _ in parts]
        text = _join([part for part in parts if part[0].text], frozenset(), glue=lead is None)
        if lead is not None:  # Markdown: a link or code span may go on over a line break
            text = text.edit(_markup_edits(text.text, labels))
            text = text.edit(rules.whitespace_edits(text.text)).strip()
    if not text.text.strip():
        return None
    shaped = by_shape and kind == "text" and "\n" not in raw[start:end].strip() and rules.is_heading(text.text)
    return _Para(text, kind in HEADS or shaped, kind)


def _code(raw: str, start: int, end: int) -> Mapped:
    """A code block's lines as they are: only trailing spaces and the blank lines around it go."""
    lines = [(s + start, e + start) for s, e in _lines(raw[start:end])]
    # a block that starts inside its first line (Markdown code in a list item) is indented that far: the
    # same indentation is taken off its other lines, as far as they have it
    column = start - (raw.rfind("\n", 0, start) + 1)
    if column and not raw[start - column:start].strip(" "):
        lines = lines[:1] + [(s + len(raw[s:min(e, s + column)]) - len(raw[s:min(e, s + column)].lstrip(" ")), e)
                             for s, e in lines[1:]]
    lines = [(s, s + len(raw[s:e].rstrip())) for s, e in lines]
    while lines and lines[0][0] == lines[0][1]:
        lines.pop(0)
    while lines and lines[-1][0] == lines[-1][1]:
        lines.pop()
    pieces: list[tuple[int, str]] = []
    for n, (s, e) in enumerate(lines):
        if n:
            gap = lines[n - 1][1]
            pieces.append((gap, "\n") if raw[gap:gap + 1] == "\n" else (-1, "\n"))
        pieces.extend(Mapped.copy(raw, s, e).pieces)
    return Mapped(tuple(pieces))


def _character(reference: str) -> str:
    """What a page shows for an entity or character reference; the reference itself when it names none (or a
    control character)."""
    shown = html.unescape(reference)
    return shown if len(shown) == 1 and shown.isprintable() else reference


def _tag_shown(line: str, tag: re.Match[str]) -> str:
    """What an HTML tag in Markdown leaves in the text: a space where it ends a block (a cell's end parts words),
    the superscript mark where it raises what follows it off a word ("2<sup>31</sup>": "2^31"), else nothing."""
    name = tag.group(1).lower()
    if name in _HTML_BREAKS:
        return " "
    if name == "sup" and not tag.group().startswith("</"):
        end = line.lower().find("</sup>", tag.end())
        if end >= 0 and marks_superscript(line[:tag.start()], line[tag.end():end]):
            return SUPERSCRIPT_MARK
    return ""


def _markup_edits(line: str, labels: frozenset[str] = frozenset()) -> list[tuple[int, int, str]]:
    """Remove Markdown's link, bold, emphasis and code-span markup, keeping the words: ``[the docs](x.md)`` -> ``the
    docs``, ```npm link``` -> ``npm link`` (a site shows a code span in a monospace font, without its marks), and
    an autolink's brackets and a backslash escape's backslash (``<https://x.org>``, ``\\*``), HTML comments and
    the tags of HTML elements. Inside a code span, what looks like a link or bold is the code's own text."""
    edits = []
    spans = [m for m in _MD_CODE_SPAN.finditer(line) if m.group(2).strip()]
    for m in spans:
        edits += [(m.start(1), m.end(1), ""), (m.start(3), m.end(3), "")]

    def in_code(start: int, end: int) -> bool:  # inside a code span, or pairing a mark across its edge
        return any(c.start() < end and start < c.end() and not (start <= c.start() and c.end() <= end)
                   for c in spans)

    edits += [(m.start(), m.end(), "") for pattern in (_MD_ESCAPE, _MD_HTML_COMMENT, _MD_ATTR_LIST)
              for m in pattern.finditer(line) if not in_code(m.start(), m.end())]
    edits += [(m.start(), m.end(), shown) for m in _MD_ENTITY.finditer(line)
              if not in_code(m.start(), m.end()) and (shown := _character(m.group())) != m.group()]
    edits += [(m.start(), m.end(), _tag_shown(line, m))
              for m in _MD_HTML_TAG.finditer(line) if not in_code(m.start(), m.end())]
    for pattern in (_MD_LINK, _MD_IMAGE_LINK, _MD_SHORTCUT_LINK, _MD_AUTOLINK, _MD_STRONG_EMPHASIS, _MD_BOLD,
                    _MD_EMPHASIS):
        for m in pattern.finditer(line):
            if in_code(m.start(), m.end()) or (pattern is _MD_SHORTCUT_LINK and _label(m.group(2)) not in labels):
                continue
            if pattern is _MD_LINK and (attrs := _MD_LINK_ATTRS.match(line, m.end())):
                edits.append((attrs.start(), attrs.end(), ""))
            first = 1 if m.group(1) is not None else 4  # "*...*" or "_..._", "**...**" or "__...__"
            if m.group(first + 1).strip():
                edits += [(m.start(first), m.end(first), ""), (m.start(first + 2), m.end(first + 2), "")]
    return edits
