"""A PDF's pages read back into blocks from their layout: headings, paragraphs, list items and code.

The lines of each page (qa.ingest.formats.pdf_lines: text, place, size and font, in reading order) become
blocks the way a reader sees them:

- a line set clearly larger than the body text (the most common size, as printed) is a heading, and so are
  a short line set a little larger and a short bold line after a gap, unless they end as a statement does
  (a question may be a heading: a FAQ's are);
- a line set mostly in a monospaced font is code: consecutive code lines are one block that keeps its
  line breaks, and each line's indentation is rebuilt from where it starts (a space a character width);
  where most of the document is set in such a font (a typed text), it is the body text, not code;
- a line that opens with a bullet or a number ("2." or "2)") starts a list item, and the lines indented
  under it go on with it;
- other lines join into a paragraph until a wider gap than the line spacing, an indented first line or
  a short line that ends a sentence;
- a line or two that end no sentence, right above a block whose lines are all set in by an em or more,
  are the term of a description (an API signature, a definition list's term): like a heading, it opens a
  section;
- a paragraph cut by a page break goes on across it when its last line ends without a sentence end and
  the next page's text starts with a lower-case letter; a code block goes on when the next page starts
  with code.

Running heads and feet are page furniture, like a web page's navigation, and are not read as text: a page's
top or bottom line that repeats, digits aside, on at least a quarter of the pages, or one that starts or ends
with a page number where such lines sit on at least a quarter of the pages. So are the lines of a table of
contents or an index (text, dot leaders and a page number), and lines that repeat a heading of the document in
the size of its text (a contents list without dots, a web page's sidebar saved with it): they point to the
text and would otherwise be quoted as answers ("threads . . . . . 1"). A hyphen that PDFium marks as a
line-end break is dropped or kept as the document's own words say (:class:`Hyphenation`).
"""
from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace

from .pdf_lines import SOFT_HYPHEN, Line

#: A line this much larger than the body text is a heading; a short one that ends no sentence already at
#: SUBHEADING_SCALE (a web page's h3 is 1.14 times its text).
HEADING_SCALE = 1.15
SUBHEADING_SCALE = 1.08
#: Baselines further apart than the document's line spacing plus this many times the font size start a new
#: paragraph (a paragraph's first line sits lower than the next line of one does).
PARAGRAPH_GAP = 0.15
#: Line spacing, as a multiple of the font size, where a document has too few lines to measure its own.
LINE_SPACING = 1.2
_BULLET = re.compile(r"^[•◦▪▫‣∙·●○■□–]\s+\S")  # glyphs typesetters draw ("*" or "-" may start code or prose)
_WORDS = re.compile(r"\w+(?:-\w+)*")
_BROKEN = re.compile(r"(\w+)\ufffe\s*(\w+)")
_SENTENCE_INSIDE = re.compile(r"[a-z][.!?]\s+[A-Z]")
_NUMBERED = re.compile(r"^\d{1,3}[.)]\s+\S")
_HEADING_END = re.compile(r"[.,;:]$")  # a heading may ask ("What is Python?"), not state
_SENTENCE_END = re.compile(r"[.!?:;]['\"’”)\]]*$")
_LEADER = re.compile(r"(?:\s?\.){4,}\s*\S{1,8}$")  # a table of contents line: dot leaders, a page
_PAGE_NUMBER = re.compile(r"^(?:\d+|[ivxlcdm]+)\b|\b(?:\d+|[ivxlcdm]+)$", re.IGNORECASE)


@dataclass(frozen=True)
class Block:
    """A block of a page: ``(text, kind)`` as :func:`qa.ingest.formats.from_blocks` takes it, and its page."""

    text: str
    kind: str
    page: int
    #: (offset in ``text``, page) where each later page's part of a paragraph begins
    page_breaks: tuple[tuple[int, int], ...] = ()
    #: a code block's lines, to lay it out again when it goes on on the next page
    lines: tuple[Line, ...] = ()


def typewritten(pages: list[list[Line]]) -> bool:
    """Whether most of the text is set in a monospaced font (a typed or printed-out text): then that font
    is the body text, not code."""
    chars = [(len(line.text), line.mono) for lines in pages for line in lines]
    return sum(n for n, mono in chars if mono) > 0.5 * sum(n for n, _ in chars)


def body_size(pages: list[list[Line]], typed: bool = False) -> float:
    """The size most of the text (not code, unless ``typed``) is set in."""
    sizes: Counter[float] = Counter()
    for line in (line for lines in pages for line in lines):
        sizes[line.size] += len(line.text) * (typed or not line.mono)
    return sizes.most_common(1)[0][0] if sizes and sizes.most_common(1)[0][1] else 10.0


def furniture(pages: list[list[Line]], body: float) -> set[tuple[int, int]]:
    """``(page, index)`` of the running heads and feet: see the module's docstring. A line set as large as
    a heading is never one (a title page repeats the running head in large type)."""
    if len(pages) < 3:
        return set()
    ends: list[tuple[int, int, Line, str]] = []  # (page, index, line, "top" or "bottom")
    for page, lines in enumerate(pages):
        if lines:
            high = max(range(len(lines)), key=lambda i: lines[i].top)
            low = min(range(len(lines)), key=lambda i: lines[i].bottom)
            ends += [(page, high, lines[high], "top"), (page, low, lines[low], "bottom")]
    floor = max(2, len(pages) // 4)
    shapes = Counter((where, _shape(line.text)) for _, _, line, where in ends)
    numbered = Counter((where, round(line.baseline)) for _, _, line, where in ends
                       if _PAGE_NUMBER.search(line.text))
    found = set()
    for page, index, line, where in ends:
        if line.size >= body * HEADING_SCALE:
            continue
        if shapes[where, _shape(line.text)] >= floor or (
                _PAGE_NUMBER.search(line.text) and numbered[where, round(line.baseline)] >= floor):
            found.add((page, index))
    return found


def contents(pages: list[list[Line]]) -> set[tuple[int, int]]:
    """``(page, index)`` of the lines of a table of contents or an index: text, dot leaders, a page number.
    They point into the document, like a web page's navigation, and say nothing themselves."""
    return {(page, i) for page, lines in enumerate(pages) for i, line in enumerate(lines)
            if not line.mono and _LEADER.search(line.text)}


def _shape(text: str) -> str:
    return " ".join(re.sub(r"\d+|\b[ivxlcdm]+\b", "#", text.lower()).split())


#: Why a line is left out of the text, as a removal records it.
RUNNING_HEAD, CONTENTS_LINE = "running head or foot", "contents line"


def blocks(pages: list[list[Line]]) -> tuple[list[Block], list[tuple[int, str, str]]]:
    """The blocks of a document's pages, a paragraph cut by a page break joined across it. Navigation is
    left out: running heads and feet, dotted contents lines, and lines that repeat a heading of the document
    in the size of its text (a table of contents without dots, a page's sidebar saved with it). Also returns
    what was left out: ``(page, text, why)`` of each such line."""
    typed = typewritten(pages)
    body = body_size(pages, typed)
    hyphens = Hyphenation.of(line.text for lines in pages for line in lines)
    gap = line_spacing(pages, body) + PARAGRAPH_GAP
    heads = furniture(pages, body)
    chrome = heads | contents(pages)
    found = _read(pages, chrome, typed, body, gap, hyphens)
    headings = {key for block in found if block.kind == "heading" and len(key := _letters(block.text)) >= 8}
    listed = {(page, i) for page, lines in enumerate(pages) for i, line in enumerate(lines)
              if _letters(line.text) in headings and not line.bold and line.size < body * SUBHEADING_SCALE}
    left_out = [(page, pages[page][i].text, RUNNING_HEAD if (page, i) in heads else CONTENTS_LINE)
                for page, i in sorted(chrome | listed)]
    return (_read(pages, chrome | listed, typed, body, gap, hyphens) if listed else found), left_out


def _read(pages: list[list[Line]], skip: set[tuple[int, int]], typed: bool, body: float, gap: float,
          hyphens: Hyphenation) -> list[Block]:
    out: list[Block] = []
    for page, lines in enumerate(pages):
        kept = [line for i, line in enumerate(lines) if (page, i) not in skip]
        if typed:
            kept = [replace(line, mono=False, mono_start=False, chars=()) for line in kept]
        found = list(_page_blocks(kept, body, gap, hyphens))
        if found and out and _goes_on(out[-1], found[0]):
            last, first = out.pop(), found.pop(0)
            if last.kind == "code":  # laid out as one block: its indentation is the whole block's
                out.append(_block([*last.lines, *first.lines], "code", hyphens))
            else:
                text = last.text + " " + first.text
                out.append(Block(text, last.kind, last.page,
                                 (*last.page_breaks, (len(text) - len(first.text), first.page), *(
                                     (at + len(text) - len(first.text), p) for at, p in first.page_breaks))))
        out.extend(found)
    return out


def _letters(text: str) -> str:
    return re.sub(r"[\W_]", "", text.lower())


def _goes_on(last: Block, first: Block) -> bool:
    """Whether the first block of a page continues the last one of the page before: code after code, or a
    paragraph that ended without a sentence end followed by one that starts in lower case."""
    if last.kind == first.kind == "code":
        return True
    return (last.kind == first.kind == "text" and not _SENTENCE_END.search(last.text)
            and first.text[:1].islower())


def line_spacing(pages: list[list[Line]], body: float) -> float:
    """The distance from one baseline to the next inside a paragraph of body text, in font sizes: the most
    common step between consecutive body lines (typesetters set 1.2, web pages 1.4 to 1.6)."""
    steps: Counter[float] = Counter()
    for lines in pages:
        for a, b in zip(lines, lines[1:], strict=False):
            step = a.end_baseline - b.baseline
            if a.size == b.size == body and not a.mono and not b.mono and 0 < step < 3 * body:
                steps[round(step / body, 2)] += 1
    return steps.most_common(1)[0][0] if sum(steps.values()) >= 10 else LINE_SPACING


def _page_blocks(lines: list[Line], body: float, gap: float, hyphens: Hyphenation) -> Iterator[Block]:
    if not lines:
        return
    right = statistics.quantiles([line.right for line in lines], n=10)[-1] if len(lines) > 1 else lines[0].right
    groups: list[tuple[str, list[Line]]] = []
    for line in lines:
        prev = groups[-1][1][-1] if groups else None
        this = _kind(line, body, right, gap, prev)
        if this == "code" and groups and groups[-1][0] == "text" and _goes_on_in_code(prev, line, gap):
            this = "text"
        if groups and _same_block(groups[-1][0], groups[-1][1], this, line, right, gap):
            groups[-1][1].append(line)
        else:
            groups.append((this, [line]))
    for n, (kind, group) in enumerate(groups):
        if n + 1 < len(groups) and _is_term(kind, group, *groups[n + 1]):
            kind = "term"
        yield _block(group, kind, hyphens)


def _is_term(kind: str, group: list[Line], next_kind: str, following: list[Line]) -> bool:
    """Whether a block is the term of a description set in under it (an API signature, a definition list's
    term): a line or two that end no sentence, right above a block whose every line is indented by one to six
    ems (a paragraph whose first line alone is set in is not a description)."""
    head, lead = group[-1], following[0]
    indent = min(line.left for line in following) - group[0].left
    return (kind in ("text", "code") and next_kind in ("text", "code", "list item") and len(group) <= 2
            and not _SENTENCE_END.search(head.text) and sum(len(line.text) for line in group) <= 200
            and not any(_SENTENCE_INSIDE.search(line.text) for line in group)
            and lead.page == head.page and 1.2 * head.size <= indent <= 6 * head.size
            and head.end_baseline - lead.baseline <= 2.5 * max(head.size, lead.size))


def _goes_on_in_code(prev: Line | None, line: Line, gap: float) -> bool:
    """Whether a monospaced line is the rest of the sentence above it set in code ("... instead of raising a
    / KeyError:"): the sentence has not ended, and the line sits right under it at its left edge."""
    return (prev is not None and not _SENTENCE_END.search(prev.text) and len(line.text) <= 40
            and abs(line.left - prev.left) < 0.5 * line.size
            and prev.end_baseline - line.baseline <= gap * max(prev.size, line.size))


def _kind(line: Line, body: float, right: float, gap: float, prev: Line | None) -> str:
    if _BULLET.match(line.text) and not line.mono_start:
        return "list item"
    if not any(c.isalpha() for c in line.text):
        return "code" if line.mono else "text"
    if not line.mono and ((line.size >= body * HEADING_SCALE and len(line.text) <= 200) or (
            line.size >= body * SUBHEADING_SCALE and len(line.text) <= 100 and not _HEADING_END.search(line.text))):
        return "heading"
    # a short bold line after a gap, that ends no sentence and stops well before the margin (a bold heading
    # set no larger than the text, in whatever font: some pages set headings in a bold monospaced font)
    if line.bold and len(line.text) <= 80 and not _HEADING_END.search(line.text) and (
            line.right < right - 4 * line.size) and (
            prev is None or prev.end_baseline - line.baseline > gap * max(prev.size, line.size)):
        return "heading"
    if line.mono:
        return "code"
    # a number opens a list item, unless the line goes on with a sentence ("... LEN != / 0. With ...")
    numbered = _NUMBERED.match(line.text) and (prev is None or bool(_SENTENCE_END.search(prev.text)))
    return "list item" if numbered else "text"


def _same_block(kind: str, group: list[Line], this: str, line: Line, right: float, gap: float) -> bool:
    prev = group[-1]
    step = prev.end_baseline - line.baseline  # PDF y grows upwards
    size = max(prev.size, line.size)
    if step < -size or line.page != prev.page:  # a new column, or a line above the last one
        return False
    if kind == "code":  # a blank line or two may part a block's lines; a change of size ends it
        return this == "code" and step <= 3 * size and line.size == prev.size
    if this != "text" and not (kind == "heading" == this):
        return False
    if step > gap * size:
        return False
    if kind == "heading":  # a title too long for one line, not two headings one above the other
        return line.size == prev.size and line.bold == prev.bold and prev.right >= right - 4 * prev.size
    if kind == "list item":
        return line.left > group[0].left + size / 2
    if line.left > prev.left + 0.8 * size:  # an indented first line
        return False
    if line.left < prev.left - 0.8 * size and len(group) > 1:
        return False
    return not (prev.right < right - 3 * size and _SENTENCE_END.search(prev.text))


def _block(group: list[Line], kind: str, hyphens: Hyphenation) -> Block:
    if kind == "code":
        rendered = _code(group, hyphens)
        text = "\n".join(rendered)
        starts, at = [], 0
        for row in rendered:
            starts.append(at)
            at += len(row) + 1
        firsts = [at for at, row in zip(starts, rendered, strict=True) if row]  # one per Line of the group
        breaks = tuple((at, line.page) for at, line, before in zip(firsts[1:], group[1:], group[:-1], strict=True)
                       if line.page != before.page)
        return Block(text, kind, group[0].page, breaks, tuple(group))
    text = group[0].text
    for line in group[1:]:
        text = _joined(text, line.text)
    return Block(" ".join(hyphens.resolve(text).split()), kind, group[0].page)


def _joined(text: str, more: str) -> str:
    if text.endswith(SOFT_HYPHEN):
        return text + more
    return text + " " + more


@dataclass(frozen=True)
class Hyphenation:
    """What a hyphen that PDFium marks as a line-end break (U+FFFE) stands for, in one document.

    A typesetter hyphenates words ("manip-ulation": the halves join), and a browser breaks lines only at a
    hyphen of the text ("git-add": it stays). The document itself says which: a broken word written whole
    elsewhere in it joins, one written with its hyphen elsewhere keeps it, and one written nowhere else
    follows what most of the others did (joining, when none says). A break with no word after it is a
    plain hyphen.

    >>> Hyphenation.of(["manip\ufffeulation of declara\ufffetions", "the declarations"]).resolve(
    ...     "manip\ufffeulation (see\ufffe)")
    'manipulation (see-)'
    >>> Hyphenation.of(["see git-add and git\ufffecommit, git\ufffeadd"]).resolve("git\ufffecommit")
    'git-commit'
    """

    whole: frozenset[str]
    keep: bool

    @classmethod
    def of(cls, texts: Iterable[str]) -> Hyphenation:
        texts = list(texts)
        words = frozenset(w.lower() for t in texts for w in _WORDS.findall(t.replace(SOFT_HYPHEN, " ")))
        joined = kept = 0
        for text in texts:
            for m in _BROKEN.finditer(text):
                a, b = m.group(1).lower(), m.group(2).lower()
                joined += a + b in words
                kept += f"{a}-{b}" in words
        return cls(words, kept > joined)

    def resolve(self, text: str) -> str:
        if SOFT_HYPHEN not in text:
            return text

        def one(m: re.Match[str]) -> str:
            a, b = m.group(1), m.group(2)
            if (a + b).lower() in self.whole:
                return a + b
            if f"{a}-{b}".lower() in self.whole or self.keep:
                return f"{a}-{b}"
            return a + b
        return re.sub(r"\ufffe\s*", "-", _BROKEN.sub(one, text))


def _code(group: list[Line], hyphens: Hyphenation) -> list[str]:
    """The code lines, and blank lines where a wider gap parts them, with their spacing rebuilt from where
    each character sits: a line's indentation from its left edge, and a run of spaces inside it from the gap
    to the character before (measured locally, so that a small error in the character width does not add
    up along a line)."""
    steps = [b[0] - a[0] for line in group for a, b in zip(line.chars, line.chars[1:], strict=False)
             if a[0] >= 0 and 0 < b[0] - a[0] < line.size]
    width = statistics.median(steps) if steps else group[0].size * 0.6
    left = min(line.left for line in group)
    out: list[str] = []
    for n, line in enumerate(group):
        if n and group[n - 1].end_baseline - line.baseline > 1.8 * line.size:
            out.append("")
        text: list[str] = []
        before, space = None, False
        for x, ch in line.chars:
            if x < 0:  # a space in PDFium's text: at least one, as many as the gap holds
                space = before is not None
                continue
            if before is None:
                text.append(" " * round((x - left) / width))
            else:
                gap = round((x - before) / width) - 1
                text.append(" " * (max(gap, 1) if space else gap if gap >= 2 else 0))
            text.append(ch)
            before, space = x, False
        out.append(hyphens.resolve("".join(text)))
    return out


def page_starts(found: Iterable[Block], spans: Iterable[tuple[int, int, str]], pages: int,
                end: int) -> tuple[int, ...]:
    """Where each page begins in the text joined from ``found`` (whose spans are ``spans``): a page with
    no text of its own begins where the next one does."""
    starts: dict[int, int] = {}
    for block, (start, _, _) in zip(found, spans, strict=True):
        starts.setdefault(block.page, start)
        for at, page in block.page_breaks:
            starts.setdefault(page, start + at)
    out, following = [0] * pages, end
    for page in range(pages - 1, -1, -1):
        following = starts.get(page, following)
        out[page] = following
    if out:
        out[0] = 0
    return tuple(out)
