"""A PDF page's lines as PDFium sets them: each line's text, place, size and font, in reading order.

PDFium gives each character's box, baseline, font and size, and breaks the text into lines. A line's font,
size and height are read from a sample of its characters (every third one of a long line: the calls into
PDFium are most of a PDF's reading time); every character's place is read only on a monospaced line, whose
spacing it rebuilds. qa.ingest.formats.pdf_layout turns the lines into blocks.
"""
from __future__ import annotations

import ctypes
import re
from collections import Counter
from dataclasses import dataclass

from . import MONOSPACED_FONT

_BOLD_FONT = re.compile(r"bold|black|heavy|semibold|demibold|^cmbx|^cmb\d", re.IGNORECASE)
_FIXED_PITCH, _FORCE_BOLD = 1, 1 << 18  # PDF font descriptor flags
SOFT_HYPHEN = "\ufffe"  # PDFium's mark for a hyphen that breaks a word at a line end


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
    bold: bool
    #: whether its first character is set in a monospaced font (a bullet is not)
    mono_start: bool = False
    #: (left, character) of each character (a space's left is -1), for rebuilding a code line's spacing
    chars: tuple[tuple[float, str], ...] = ()


def page_lines(textpage, page: int) -> list[Line]:
    """The lines of one page (a pypdfium2 ``PdfTextPage``), in reading order (:func:`in_reading_order`).

    A line's font, size and height are read from a sample of its characters (every third one of a long
    line: the calls into PDFium are most of a PDF's reading time); the positions of every character are
    read only for a monospaced line, whose spacing they rebuild.
    """
    import pypdfium2.raw as raw

    handle = textpage.raw
    count = textpage.count_chars()
    if count <= 0:
        return []
    text = textpage.get_text_range(0, count)
    if len(text) != count:  # characters beyond the basic plane: read them one by one
        text = "".join(chr(raw.FPDFText_GetUnicode(handle, i)) for i in range(count))
    reader = _CharReader(raw, handle)
    lines: list[Line] = []
    start = 0
    for end in [m.start() for m in re.finditer(r"[\r\n]", text)] + [count]:
        if end > start:
            line = reader.line(text, start, end, page)
            if line is not None:
                lines.append(line)
        start = end + 1
    return in_reading_order(lines)


class _CharReader:
    """PDFium's facts about the characters of one text page, read through its C interface."""

    def __init__(self, raw, handle) -> None:
        self.raw, self.handle = raw, handle
        self.edges = [ctypes.c_double() for _ in range(4)]  # left, right, bottom, top
        self.x, self.y = ctypes.c_double(), ctypes.c_double()
        self.name = ctypes.create_string_buffer(128)
        self.flags = ctypes.c_int()
        self.matrix = raw.FS_MATRIX()
        self.fonts: dict[tuple[bytes, int], tuple[bool, bool]] = {}

    def font(self, i: int) -> tuple[bool, bool]:
        """(monospaced, bold) for the font of character ``i``."""
        self.raw.FPDFText_GetFontInfo(self.handle, i, self.name, len(self.name), self.flags)
        key = (self.name.value, self.flags.value)
        if key not in self.fonts:
            font = key[0].decode("latin-1").split("+")[-1]
            self.fonts[key] = (bool(key[1] & _FIXED_PITCH) or bool(MONOSPACED_FONT.search(font)),
                               bool(key[1] & _FORCE_BOLD) or bool(_BOLD_FONT.search(font)))
        return self.fonts[key]

    def box(self, i: int) -> tuple[float, float, float, float]:
        """Character ``i``'s (left, right, bottom, top)."""
        left, right, bottom, top = self.edges
        self.raw.FPDFText_GetCharBox(self.handle, i, left, right, bottom, top)
        return left.value, right.value, bottom.value, top.value

    def baseline(self, i: int) -> float:
        self.raw.FPDFText_GetCharOrigin(self.handle, i, self.x, self.y)
        return self.y.value

    def scale(self, i: int) -> float:
        """Of the character's text matrix: a font size as set, times it, is the size as printed."""
        m = self.matrix
        return abs(m.a * m.d - m.b * m.c) ** 0.5 if self.raw.FPDFText_GetMatrix(self.handle, i, m) else 1.0

    def line(self, text: str, start: int, end: int, page: int) -> Line | None:
        seen = [i for i in range(start, end) if not text[i].isspace() and text[i] != SOFT_HYPHEN]
        if not seen:
            return None
        sample = seen if len(seen) <= 12 else sorted({*seen[::3], seen[-1]})
        boxes = [self.box(i) for i in sample]
        scale = self.scale(seen[0]) or 1.0
        sizes = Counter(round(self.raw.FPDFText_GetFontSize(self.handle, i) * scale * 2) / 2 for i in sample)
        sizes = Counter({k: n for k, n in sizes.items() if k >= 2}) or Counter({1.0: 1})
        fonts = [self.font(i) for i in sample]
        mono = sum(m for m, _ in fonts) >= 0.8 * len(fonts)
        chars: tuple[tuple[float, str], ...] = ()
        if mono:
            chars = tuple((self.box(i)[0] if not text[i].isspace() and text[i] != SOFT_HYPHEN else -1.0,
                           text[i]) for i in range(start, end))
        return Line(
            text=text[start:end].strip(), page=page, left=boxes[0][0], right=boxes[-1][1],
            top=max(b[3] for b in boxes), bottom=min(b[2] for b in boxes),
            baseline=self.baseline(seen[0]), end_baseline=self.baseline(seen[-1]), size=sizes.most_common(1)[0][0],
            mono=mono, bold=sum(b for _, b in fonts) >= 0.8 * len(fonts), mono_start=fonts[0][0], chars=chars)


def in_reading_order(lines: list[Line]) -> list[Line]:
    """A page's lines top to bottom, where it has one column of text; PDFium's order where it has more.

    PDFium gives text in the order it was drawn, and a browser's "Save as PDF" draws a shaded code box
    after the text around it. A page with lines side by side (columns, at least three such pairs) keeps
    PDFium's order, which follows the columns.
    """
    by_height = sorted(lines, key=lambda line: (-line.baseline, line.left))
    beside = sum(1 for a, b in zip(by_height, by_height[1:], strict=False)
                 if abs(a.baseline - b.baseline) < 0.5 * min(a.size, b.size) and b.left > a.right)
    return lines if beside >= 3 else by_height
