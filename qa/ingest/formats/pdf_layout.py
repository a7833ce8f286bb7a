"""A PDF's pages read back into blocks from their layout: headings, paragraphs, list items and code.

PDFium gives each character's box, baseline, font and size, and breaks the text into lines. The lines
become blocks the way a reader sees them:

- a line set clearly larger than the body text (the most common size) is a heading;
- a line set mostly in a monospaced font is code: consecutive code lines are one block that keeps its
  line breaks, and each line's indentation is rebuilt from where it starts (a space a character width);
  where most of the document is set in such a font (a typed text), it is the body text, not code;
- a line that opens with a bullet starts a list item, and the lines indented under it go on with it;
- other lines join into a paragraph until a wider gap than the line spacing, an indented first line or
  a short line that ends a sentence;
- a paragraph cut by a page break goes on across it when its last line ends without a sentence end and
  the next page's text starts with a lower-case letter.

Running heads and feet are page furniture, like a web page's navigation, and are not read as text: a
page's top or bottom line that repeats, digits aside, on at least a quarter of the pages, or one that
starts or ends with a page number where such lines sit on at least a quarter of the pages. A hyphen that
PDFium marks as a line-end break joins the halves of the word: dropped between letters, kept elsewhere.
"""
from __future__ import annotations

import ctypes
import re
import statistics
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace

#: A line this much larger than the body text is a heading.
HEADING_SCALE = 1.15
#: Baselines further apart than this many times the font size start a new paragraph.
PARAGRAPH_GAP = 1.35
_MONO_FONT = re.compile(r"mono|nimbusmon|courier|consol|menlo|typewriter|fixed|sourcecode|inconsolata|"
                        r"^[a-z]*tt\d*$", re.IGNORECASE)
_BULLET = re.compile(r"^[•◦▪▫‣∙·●○■□–—*-]\s+\S")
_SENTENCE_END = re.compile(r"[.!?:;]['\"’”)\]]*$")
_LEADER = re.compile(r"(?:\s?\.){4,}\s*\S{1,8}$")  # a table of contents line: dot leaders, a page
_PAGE_NUMBER = re.compile(r"^(?:\d+|[ivxlcdm]+)\b|\b(?:\d+|[ivxlcdm]+)$", re.IGNORECASE)
_FIXED_PITCH = 1  # PDF font descriptor flag
_SOFT_HYPHEN = "\ufffe"  # PDFium's mark for a hyphen that breaks a word at a line end
#: a character: (text, left, right, bottom, top, baseline, font size, monospaced); size 0 for a space
_Char = tuple[str, float, float, float, float, float, float, bool]


@dataclass(frozen=True)
class Line:
    """One line of a page: its text and where and how it is set."""

    text: str
    page: int
    left: float
    right: float
    top: float
    bottom: float
    baseline: float  # of its first character (PDFium may join a word broken at a line end into one line)
    end_baseline: float  # of its last character
    size: float
    mono: bool
    #: whether its first character is set in a monospaced font (a bullet is not)
    mono_start: bool = False
    #: (left, character) of each character (a space's left is -1), for rebuilding a code line's spacing
    chars: tuple[tuple[float, str], ...] = ()


@dataclass(frozen=True)
class Block:
    """A block of a page: ``(text, kind)`` as :func:`qa.ingest.formats.from_blocks` takes it, and its page."""

    text: str
    kind: str
    page: int
    #: (offset in ``text``, page) where each later page's part of a paragraph begins
    page_breaks: tuple[tuple[int, int], ...] = ()


def page_lines(textpage, page: int) -> list[Line]:
    """The lines of one page (a pypdfium2 ``PdfTextPage``), in PDFium's reading order."""
    import pypdfium2.raw as raw

    handle = textpage.raw
    count = textpage.count_chars()
    if count <= 0:
        return []
    text = textpage.get_text_range(0, count)
    if len(text) != count:  # characters beyond the basic plane: read them one by one
        text = "".join(chr(raw.FPDFText_GetUnicode(handle, i)) for i in range(count))
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    x, y = ctypes.c_double(), ctypes.c_double()
    name = ctypes.create_string_buffer(128)
    flags = ctypes.c_int()
    lines: list[Line] = []
    current: list[_Char] = []
    for i, ch in enumerate(text):
        if ch in "\r\n":
            _add_line(lines, current, page)
            current = []
            continue
        if ch.isspace() or ch == _SOFT_HYPHEN:
            current.append((ch, 0, 0, 0, 0, 0, 0, False))
            continue
        raw.FPDFText_GetCharBox(handle, i, left, right, bottom, top)
        raw.FPDFText_GetCharOrigin(handle, i, x, y)
        size = raw.FPDFText_GetFontSize(handle, i)
        raw.FPDFText_GetFontInfo(handle, i, name, len(name), flags)
        font = name.value.decode("latin-1").split("+")[-1]
        mono = bool(flags.value & _FIXED_PITCH) or bool(_MONO_FONT.search(font))
        current.append((ch, left.value, right.value, bottom.value, top.value, y.value, size, mono))
    _add_line(lines, current, page)
    return lines


def _add_line(lines: list[Line], chars: list[_Char], page: int) -> None:
    seen = [c for c in chars if c[6] > 0]
    text = "".join(c[0] for c in chars).strip()
    if not seen or not text:
        return
    sizes = Counter(round(c[6] * 2) / 2 for c in seen if c[6] >= 2) or Counter({1.0: 1})
    mono = sum(c[7] for c in seen) >= 0.8 * len(seen)
    lines.append(Line(
        text=text, page=page, left=min(c[1] for c in seen), right=max(c[2] for c in seen),
        top=max(c[4] for c in seen), bottom=min(c[3] for c in seen),
        baseline=seen[0][5], end_baseline=seen[-1][5], size=sizes.most_common(1)[0][0],
        mono=mono, mono_start=seen[0][7],
        chars=tuple((c[1] if c[6] > 0 else -1.0, c[0]) for c in chars) if mono else ()))


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
            ends.append((page, max(range(len(lines)), key=lambda i: lines[i].top), lines[max(
                range(len(lines)), key=lambda i: lines[i].top)], "top"))
            low = min(range(len(lines)), key=lambda i: lines[i].bottom)
            ends.append((page, low, lines[low], "bottom"))
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


def _shape(text: str) -> str:
    return " ".join(re.sub(r"\d+|\b[ivxlcdm]+\b", "#", text.lower()).split())


def blocks(pages: list[list[Line]]) -> list[Block]:
    """The blocks of a document's pages, a paragraph cut by a page break joined across it."""
    typed = typewritten(pages)
    body = body_size(pages, typed)
    chrome = furniture(pages, body)
    out: list[Block] = []
    for page, lines in enumerate(pages):
        kept = [line for i, line in enumerate(lines) if (page, i) not in chrome]
        if typed:
            kept = [replace(line, mono=False, mono_start=False, chars=()) for line in kept]
        found = list(_page_blocks(kept, body))
        if found and out and _goes_on(out[-1], found[0]):
            last, first = out.pop(), found.pop(0)
            text = _joined(last.text, first.text)
            out.append(Block(text, "text", last.page,
                             (*last.page_breaks, (len(text) - len(first.text), first.page), *(
                                 (at + len(text) - len(first.text), p) for at, p in first.page_breaks))))
        out.extend(found)
    return out


def _goes_on(last: Block, first: Block) -> bool:
    return (last.kind == first.kind == "text" and not _SENTENCE_END.search(last.text)
            and first.text[:1].islower())


def _page_blocks(lines: list[Line], body: float) -> Iterator[Block]:
    if not lines:
        return
    right = statistics.quantiles([line.right for line in lines], n=10)[-1] if len(lines) > 1 else lines[0].right
    group: list[Line] = []
    kind = ""
    for line in lines:
        this = _kind(line, body)
        if group and _same_block(kind, group, this, line, right):
            group.append(line)
            continue
        if group:
            yield _block(group, kind)
        group, kind = [line], this
    yield _block(group, kind)


def _kind(line: Line, body: float) -> str:
    if _LEADER.search(line.text):
        return "contents"
    if _BULLET.match(line.text) and not line.mono_start:
        return "list item"
    if line.size >= body * HEADING_SCALE and not line.mono and len(line.text) <= 200 and any(
            c.isalpha() for c in line.text):
        return "heading"
    if line.mono:
        return "code"
    return "list item" if _BULLET.match(line.text) else "text"


def _same_block(kind: str, group: list[Line], this: str, line: Line, right: float) -> bool:
    prev = group[-1]
    step = prev.end_baseline - line.baseline  # PDF y grows upwards
    size = max(prev.size, line.size)
    if step < -size or line.page != prev.page:  # a new column, or a line above the last one
        return False
    if kind == "code":
        return this == "code" and step <= 3 * size
    if kind == "contents":
        return False
    if this != "text" and not (kind == "heading" == this):
        return False
    if step > PARAGRAPH_GAP * size:
        return False
    if kind == "heading":
        return line.size == prev.size
    if kind == "list item":
        return line.left > group[0].left + size / 2
    if line.left > prev.left + 0.8 * size:  # an indented first line
        return False
    if line.left < prev.left - 0.8 * size and len(group) > 1:
        return False
    return not (prev.right < right - 3 * size and _SENTENCE_END.search(prev.text))


def _block(group: list[Line], kind: str) -> Block:
    if kind == "contents":
        kind = "list item"
    if kind == "code":
        return Block(_code(group), kind, group[0].page)
    text = group[0].text
    for line in group[1:]:
        text = _joined(text, line.text)
    return Block(" ".join(_unhyphenated(text).split()), kind, group[0].page)


def _joined(text: str, more: str) -> str:
    if text.endswith(_SOFT_HYPHEN):
        return text + more
    return text + " " + more


def _unhyphenated(text: str) -> str:
    """PDFium's line-end hyphen marks: dropped between letters (a typesetter's hyphenation, "manip-ulation";
    the rarer word that breaks at a hyphen of its own loses it), a plain hyphen elsewhere.

    >>> _unhyphenated("manip\ufffeulation, OP\ufffeTIONAL and x\ufffe1")
    'manipulation, OPTIONAL and x-1'
    """
    if _SOFT_HYPHEN not in text:
        return text
    text = re.sub(r"(?<=[^\W\d_])\ufffe\s*(?=[^\W\d_])", "", text)
    return re.sub(r"\ufffe\s*", "-", text)


def _code(group: list[Line]) -> str:
    """The code lines with their spacing rebuilt from where each character sits."""
    steps = [b[0] - a[0] for line in group for a, b in zip(line.chars, line.chars[1:], strict=False)
             if a[0] >= 0 and 0 < b[0] - a[0] < line.size]
    width = statistics.median(steps) if steps else group[0].size * 0.6
    left = min(line.left for line in group)
    out: list[str] = []
    for n, line in enumerate(group):
        if n and group[n - 1].end_baseline - line.baseline > 1.8 * line.size:
            out.append("")
        column, text, space = 0, [], False
        for x, ch in line.chars:
            if x < 0:  # a space in PDFium's text: at least one, as many as the gap holds
                space = column > 0
                continue
            want = round((x - left) / width)
            pad = max(int(space), want - column) if column else want
            if pad > 0 and (space or not column or pad >= 2):
                text.append(" " * pad)
                column += pad
            text.append(ch)
            column += 1
            space = False
        out.append(_unhyphenated("".join(text)))
    return "\n".join(out)


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
