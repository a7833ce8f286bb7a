"""Cleaning: turn a captured document into the canonical text that quotes cite.

The cleaned text is made only of substrings of the raw text, single joining spaces and paragraph breaks
(``"\\n\\n"``), so it reads as the author wrote it and every quote can be traced back to the file through
``Cleaned.segments``. What is removed (see ``qa.ingest.clean_rules`` and ``qa.ingest.clean_mirror``): site headers,
blog chrome (related-post lists, the comment area, copyright footers), wiki-mirror link previews,
references glued to sentences, spliced bibliographic lines, wiki markup and its category tail, control
characters and surplus whitespace. Those rules are for plain-text captures (``.txt``) only; every text they
remove is recorded as a ``Removal`` (what, where, which rule). Structured formats (web pages, Markdown,
Word, EPUB, PDF) are cleaned by ``qa.ingest.clean_blocks``: whitespace only, nothing removed.

Sections: a heading is a paragraph of one short line with no closing punctuation (or a Markdown ``#``
line). A section's span starts at its heading line and ends where the next section's heading starts
(or at the end of the text), so the heading is part of its own section and sections tile the text from
the first heading on; the lead before it is in no section. A heading followed directly by another is
its parent: their section is titled ``"Parent › Child"`` and starts at the parent. Headings left at the
end of the text with nothing under them (``See also``, ``Citations``) are dropped.
"""
from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from itertools import accumulate
from typing import NamedTuple

from ..records import SECTION_SEP, Cleaned, Removal, Section
from . import clean_rules as rules
from .clean_mirror import find_previews
from .formats import AFTER_INNER_TERMS, AFTER_TERMS, INNER_TERM, NEXT_HEADING

__all__ = ["CLEANER_VERSION", "clean_text"]

#: Bump when the cleaned text of some input changes: indexes built with another version are stale.
CLEANER_VERSION = "4"

_MD_HEADING = re.compile(r"^ {0,3}#{1,6}(?=\s|$)")
_MD_HEADING_MARKS = re.compile(r"^\s*#+\s*|\s+#+\s*$")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_CLOSES = re.compile(r"^(?:[)\]}.,;:!?%…”’]|['\"](?!\w)|['’]s\b|-\w)")
_OPENS = re.compile(r"(?:[(\[{“‘]|(?:^|\s)['\"])$")
_SUFFIX = re.compile(r"^[a-z]{1,3}\b")
_MID_LINE_SHORT_WORD = re.compile(r"(?<=[ \t(\"])[a-z]{1,3}(?=[ \t,.;:!?)])")
# Short words that may follow a link on the next line. Any other 1-3 lowercase letters there (that the
# document never uses as a word mid-line) are the rest of the linked word: "[[airplane]]s" -> "airplanes".
_SHORT_WORDS = frozenset((
    "a", "i", "an", "as", "at", "be", "by", "do", "go", "he", "if", "in", "is", "it", "me", "my", "no",
    "of", "on", "or", "so", "to", "up", "us", "we", "and", "are", "but", "can", "did", "for", "had", "has",
    "her", "him", "his", "how", "its", "may", "nor", "not", "now", "off", "one", "our", "out", "own",
    "per", "see", "she", "the", "too", "two", "via", "was", "who", "why", "yet", "you", "all", "any",
    "few", "get", "got", "let", "new", "old", "put", "say", "set", "use", "way",
))


@dataclass(frozen=True)
class Mapped:
    """Text made of ``(raw_start, text)`` pieces: copied from the raw text, or inserted (``raw_start`` -1)."""

    pieces: tuple[tuple[int, str], ...] = ()

    @staticmethod
    def copy(raw: str, start: int, end: int) -> Mapped:
        return Mapped(((start, raw[start:end]),)) if end > start else Mapped()

    @cached_property
    def text(self) -> str:
        return "".join(text for _, text in self.pieces)

    def slice(self, start: int, end: int) -> Mapped:
        return Mapped(tuple(self._take([(start, end)])))

    def removed(self, edits: Iterable[rules.Edit], rule: str) -> list[Removal]:
        """What deleting each ``(start, end)`` range of the text removes from the raw text."""
        cut = [self.slice(start, end).strip() for start, end, new in edits if not new and end > start]
        return [Removal(part.raw_start(), part.text, rule) for part in cut if part.text]

    def raw_start(self) -> int:
        return next((raw for raw, _ in self.pieces if raw >= 0), -1)

    def strip(self) -> Mapped:
        text = self.text
        return self.slice(len(text) - len(text.lstrip()), len(text.rstrip()))

    def edit(self, edits: Iterable[rules.Edit]) -> Mapped:
        """Replace each ``(start, end)`` range by its replacement (inserted text); overlaps are skipped."""
        ops: list[tuple[int, int] | str] = []
        cursor = 0
        for start, end, new in sorted(edits):
            if start >= cursor:
                ops += [(cursor, start), new]
                cursor = max(start, end)
        return Mapped(tuple(self._take([*ops, (cursor, len(self.text))])))

    def _take(self, ops: list[tuple[int, int] | str]) -> Iterator[tuple[int, str]]:
        """The pieces covering each ``(start, end)`` op in turn; a string op is inserted as it is."""
        ends = list(accumulate(len(text) for _, text in self.pieces))
        for op in ops:
            if isinstance(op, str):
                yield from [(-1, op)] if op else []
                continue
            i = bisect.bisect_right(ends, op[0])
            while i < len(ends) and ends[i] - len(self.pieces[i][1]) < op[1]:
                raw, text = self.pieces[i]
                offset = ends[i] - len(text)
                lo, hi = max(op[0] - offset, 0), min(op[1] - offset, len(text))
                if lo < hi:
                    yield (raw + lo if raw >= 0 else -1, text[lo:hi])
                i += 1


class _Block(NamedTuple):
    lines: list[tuple[int, int]]  # raw (start, end) of each line, without its line break
    md_heading: bool = False
    heading: bool = False  # the file marks it as a heading (a Word heading style, an HTML <h2>)


# A term that labels a part of a description: a few capitalised words and a colon ("Returns:", "Type Parameters:",
# "For Unicode (str) patterns:"), not a name or a command ("git push origin :").
_LABEL = re.compile(r"[A-Z][A-Za-z]*(?:[ -]\(?[A-Za-z]+\)?){0,4}:")
# A heading that can name a part of many sections: a few words, the first capitalised ("Examples", "Note",
# "Time complexity"), not a name written as code ("parseInt", "ArrayList", "--force").
_PART = re.compile(r"[A-Z][a-z]+(?:[ -][A-Za-z][a-z]*){0,3}")


class _Para(NamedTuple):
    text: Mapped
    heading: bool
    kind: str = "text"  # the block's kind (structured formats)


def clean_text(raw: str, *, fmt: str = "txt", headings: Collection[int] | None = None,
               blocks: Iterable[tuple[int, int, str]] | None = None) -> Cleaned:
    """Clean one document's extracted text: capture rules for ``txt``, whitespace only for other formats.

    ``headings`` are the raw offsets of paragraphs that the file itself marks as headings (Word styles,
    HTML ``<h1>``-``<h6>``): then those, and only those, are headings, and they are never dropped as chrome.
    Without it (plain text, PDF), headings are found by their shape. ``blocks`` are the reader's
    ``(start, end, kind)`` blocks of ``raw`` (HTML, Markdown): code keeps its lines.

    >>> c = clean_text("HOME\\n\\nIntro\\n\\nIt  rained.\\nThen it stopped.\\n\\nCopyright 2024, Some Site")
    >>> c.text
    'Intro\\n\\nIt rained. Then it stopped.'
    >>> c.sections
    (Section(title='Intro', start=0, end=34),)
    >>> [(r.rule, r.text) for r in c.removals]
    [('site header', 'HOME'), ('page chrome', 'Copyright 2024, Some Site')]
    """
    if fmt != "txt":
        from .clean_blocks import clean_blocks

        if blocks is None and fmt == "md":
            from .formats.text import markdown_blocks

            blocks = markdown_blocks(raw)
        return clean_blocks(raw, blocks, headings, fmt=fmt)
    removed: list[Removal] = []
    return _clean_capture(raw, headings, removed)


def _clean_capture(raw: str, headings: Collection[int] | None, removed: list[Removal]) -> Cleaned:
    """The plain-text capture rules, recording every removal in ``removed``."""
    blocks = _blocks(raw, "txt", removed)
    if headings is not None:
        marked = frozenset(headings)
        blocks = [block._replace(heading=block.lines[0][0] in marked) for block in blocks]
    blocks = _drop_chrome(raw, blocks, removed)
    lines = [line for block in blocks for line in block.lines]
    inner = [len(block.lines) > 1 for block in blocks for _ in block.lines]
    previews = find_previews([raw[s:e] for s, e in lines], inner)
    anchors = {lines[i]: end for i, end in previews.items()}
    # Only the text after a link's anchor consults the short words: a document without previews needs none.
    words = _short_words(raw[s:e] for i, (s, e) in enumerate(lines) if i not in previews) if anchors else frozenset()
    paras = [p for block in blocks
             if (p := _paragraph(raw, block, anchors, words, removed, by_shape=headings is None)) is not None]
    cleaned = _assemble(_drop_trailing_headings(paras, removed))
    return Cleaned(cleaned.text, cleaned.sections, cleaned.segments,
                   removals=tuple(sorted(removed, key=lambda r: r.start)))


def _blocks(raw: str, fmt: str, removed: list[Removal] | None = None) -> list[_Block]:
    """Paragraph blocks: runs of non-blank lines, cut at the wiki category tail; md headings stand alone."""
    tail = rules.WIKI_TAIL.search(raw)
    limit = tail.start() if tail else len(raw)
    if tail and removed is not None:
        removed.append(Removal(tail.start(), raw[tail.start():].rstrip(), "wiki category tail"))
    blocks: list[_Block] = []
    current: list[tuple[int, int]] = []
    for start, end in _lines(raw[:limit]):
        text = raw[start:end]
        if rules.is_blank(text) or (fmt == "md" and _MD_HEADING.match(text)):
            blocks += [_Block(current)] if current else []
            current = []
            if not rules.is_blank(text):
                blocks.append(_Block([(start, end)], md_heading=True))
        else:
            current.append((start, end))
    return blocks + ([_Block(current)] if current else [])


def _lines(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each line, for any of the three line-break conventions."""
    breaks = list(_LINE_BREAK.finditer(text))
    starts = [0] + [m.end() for m in breaks]
    ends = [m.start() for m in breaks] + [len(text)]
    return list(zip(starts, ends, strict=True))


def _drop_chrome(raw: str, blocks: list[_Block], removed: list[Removal]) -> list[_Block]:
    """Drop the site header, related-post lists, chrome blocks, and the comment area to the end."""
    texts = [" ".join(raw[s:e].strip() for s, e in block.lines) for block in blocks]
    first = 0
    while (first < len(blocks) and len(blocks[first].lines) == 1 and not blocks[first].heading
           and rules.is_site_header(texts[first])):
        removed.append(_block_removal(raw, blocks[first], "site header"))
        first += 1
    kept: list[_Block] = []
    seen_prose = in_related = False
    for n, (block, text) in enumerate(zip(blocks[first:], texts[first:], strict=True)):
        if seen_prose and rules.opens_comment_area(text):
            removed += [_block_removal(raw, b, "comment area") for b in blocks[first + n:]]
            break
        if block.heading:
            kept.append(block)
            in_related = False
            continue
        if rules.is_related_header(text) or (in_related and rules.is_title_like(text)):
            removed.append(_block_removal(raw, block, "related-posts list"))
            in_related = True
            continue
        in_related = False
        if not rules.is_chrome(text):
            kept.append(block)
            seen_prose = seen_prose or rules.is_prose(text)
        else:
            removed.append(_block_removal(raw, block, "page chrome"))
    return kept


def _block_removal(raw: str, block: _Block, rule: str) -> Removal:
    start, end = block.lines[0][0], block.lines[-1][1]
    return Removal(start, raw[start:end], rule)


def _paragraph(
    raw: str, block: _Block, anchors: dict[tuple[int, int], int], words: frozenset[str], removed: list[Removal],
    *, by_shape: bool = True,
) -> _Para | None:
    """One block's lines, cleaned and joined into a paragraph (None if nothing is left)."""
    parts = [(_clean_line(raw, line, anchors.get(line), block.md_heading, removed), line in anchors)
             for line in block.lines]
    bib = [rules.is_bibliographic(raw[s:e]) for s, e in block.lines]
    kept = []
    for i, part in enumerate(parts):
        if bib[i] or _cited_title(parts, bib, i):
            removed.append(Removal(block.lines[i][0], part[0].text, "bibliographic line" if bib[i] else "cited title"))
        else:
            kept.append(part)
    text = _join([part for part in kept if part[0].text], words)
    cut = rules.see_also_start(text.text)
    if cut is not None:
        removed += text.removed([(cut, len(text.text), "")], "see-also list")
        text = text.slice(0, cut).strip()
    if not any(c.isalnum() for c in text.text):
        if text.text.strip():
            removed.append(Removal(text.raw_start(), text.text, "no words"))
        return None
    shaped = by_shape and len(block.lines) == 1 and rules.is_heading(text.text)
    return _Para(text, block.md_heading or block.heading or shaped)


def _clean_line(raw: str, line: tuple[int, int], anchor: int | None, md_heading: bool,
                removed: list[Removal]) -> Mapped:
    start, end = line
    part = Mapped.copy(raw, start, start + anchor if anchor is not None else end)
    preview = raw[start + anchor:end] if anchor is not None else ""
    if preview.strip():
        lead = len(preview) - len(preview.lstrip())
        removed.append(Removal(start + anchor + lead, preview.strip(), "link preview"))  # type: ignore[operator]
    if md_heading:
        part = part.edit((m.start(), m.end(), "") for m in _MD_HEADING_MARKS.finditer(part.text))
    for find, rule in ((rules.markup_edits, "wiki markup"), (rules.residue_edits, "glued citation")):
        edits = find(part.text)
        if edits:
            removed += part.removed(edits, rule)
            part = part.edit(edits)
    return part.edit(rules.whitespace_edits(part.text)).strip()


def _cited_title(parts: list[tuple[Mapped, bool]], bib: list[bool], i: int) -> bool:
    """A cited work's title spliced in as a line of its own, beside its byline or publication line."""
    near = any(bib[max(i - 1, 0):i + 2])
    return len(parts) > 1 and near and not parts[i][1] and rules.is_cited_title(parts[i][0].text)


def _join(parts: list[tuple[Mapped, bool]], words: frozenset[str], *, glue: bool = True) -> Mapped:
    """Join a paragraph's lines with single spaces, gluing punctuation and the rest of a linked word (unless
    not ``glue``: in Markdown a line break is a space wherever it falls)."""
    pieces: list[tuple[int, str]] = []
    prev, after_anchor = "", False
    for part, is_anchor in parts:
        if pieces and not (glue and _glued(prev, part.text, after_anchor, words)):
            pieces.append((-1, " "))
        pieces.extend(part.pieces)
        prev, after_anchor = part.text, is_anchor
    return Mapped(tuple(pieces))


def _glued(prev: str, nxt: str, after_anchor: bool, words: frozenset[str]) -> bool:
    if _CLOSES.match(nxt) or _OPENS.search(prev):
        return True
    suffix = _SUFFIX.match(nxt)
    return after_anchor and suffix is not None and suffix.group() not in _SHORT_WORDS | words


def _short_words(lines: Iterable[str]) -> frozenset[str]:
    """Short lowercase words used mid-line in this document: after a link they start a new word."""
    return frozenset(word for line in lines for word in _MID_LINE_SHORT_WORD.findall(line))


def _drop_trailing_headings(paras: list[_Para], removed: list[Removal]) -> list[_Para]:
    """Headings with nothing under them at the end are empty sections (``See also``, ``Citations``)."""
    if not any(not p.heading for p in paras):
        return [p._replace(heading=False) for p in paras]
    while paras and paras[-1].heading:
        removed.append(Removal(paras[-1].text.raw_start(), paras[-1].text.text, "empty trailing heading"))
        paras = paras[:-1]
    return paras


def _assemble(paras: list[_Para]) -> Cleaned:
    """Join paragraphs with blank lines; map the result back to the raw text and find its sections."""
    pieces: list[tuple[int, str]] = []
    starts, length = [], 0
    for i, para in enumerate(paras):
        if i:
            pieces.append((-1, "\n\n"))
            length += 2
        starts.append(length)
        pieces.extend(para.text.pieces)
        length += len(para.text.text)
    text = "".join(t for _, t in pieces)
    blocks = tuple((start, start + len(p.text.text), _block_kind(p)) for start, p in zip(starts, paras, strict=True))
    return Cleaned(text, _sections(paras, starts, length), _segments(pieces), blocks)


def _block_kind(para: _Para) -> str:
    if para.kind == INNER_TERM:
        return "term"
    if para.kind in (AFTER_TERMS, AFTER_INNER_TERMS):
        return "text"
    if para.kind == NEXT_HEADING:
        return "heading"
    return "heading" if para.heading and para.kind == "text" else para.kind


def _sections(paras: list[_Para], starts: list[int], length: int) -> tuple[Section, ...]:
    """A section per run of consecutive headings, from the run's first heading to the next run.

    A term that only labels a part of what its section describes ("Returns:", "Parameters:", "See Also:" under
    an API's method), and a heading that the page gives to many of its parts ("Examples", "Panics" under each of
    rustdoc's methods; DocBook's "Note"), are read under that section's title ("strip › Returns:", "pub fn
    push(&mut self, value: T) › Examples"), as the page lays them out: alone, they would say neither whose return
    or example it is nor what the section is about. Such a heading is a few words, not a name written as code
    (Javadoc's overloads, "parseInt" three times, are each a method of their own), and one that repeats the heading
    before it names the next of several alike (a class's constructors, "Thread" nine times).

    A heading right after one of its level or a deeper one (:data:`~qa.ingest.formats.NEXT_HEADING`) opens a run
    of its own: the one before it heads an empty section, not this one.

    A term inside another term's description (:data:`~qa.ingest.formats.INNER_TERM`: a class's method, a
    command's option) is read under that term's title ("set › -e"), as the page nests it; a term right after
    the last inner one of a list opens a section of its own. A paragraph after a list of terms has ended
    (:data:`~qa.ingest.formats.AFTER_TERMS`) goes back to the section that held the list, and one after a list
    inside a term's description (:data:`~qa.ingest.formats.AFTER_INNER_TERMS`) to that term's section.
    """
    runs: list[tuple[int, str]] = []  # (start, title) of each run of consecutive headings
    base = ""  # the title of the last run that is no label
    outer = ""  # the title of the last run that a term (not an inner one) opened
    held = ""  # the title of the section the last heading (not a term) opened: what a list of terms sits in
    headings = Counter(p.text.text for p in paras if p.heading and p.kind not in ("term", INNER_TERM))
    for i, para in enumerate(paras):
        if not para.heading:
            if para.kind == AFTER_TERMS and held and runs[-1][1] != held:
                runs.append((starts[i], held))
                base, outer = held, ""
            elif para.kind == AFTER_INNER_TERMS and outer and runs[-1][1] != outer:
                runs.append((starts[i], outer))
                base = outer
            continue
        if i and paras[i - 1].heading and para.kind != NEXT_HEADING \
                and not (paras[i - 1].kind == INNER_TERM and para.kind == "term"):
            runs[-1] = (runs[-1][0], runs[-1][1] + SECTION_SEP + para.text.text)
        elif base and (_LABEL.fullmatch(para.text.text) if para.kind in ("term", INNER_TERM)
                       else _PART.fullmatch(para.text.text)
                       and headings[para.text.text] > 1 and base.split(SECTION_SEP)[-1] != para.text.text):
            runs.append((starts[i], base + SECTION_SEP + para.text.text))
            continue
        elif para.kind == INNER_TERM and outer:
            runs.append((starts[i], outer + SECTION_SEP + para.text.text))
        else:
            runs.append((starts[i], para.text.text))
        base = runs[-1][1]
        if para.kind != INNER_TERM:
            outer = runs[-1][1] if para.kind == "term" else ""
        if para.kind in ("heading", NEXT_HEADING):
            held = runs[-1][1]
    ends = [start for start, _ in runs[1:]] + [length] if runs else []
    return tuple(Section(title, start, end) for (start, title), end in zip(runs, ends, strict=True))


def _segments(pieces: list[tuple[int, str]]) -> tuple[tuple[int, int, int], ...]:
    """Merge copied pieces into ``(clean_start, raw_start, length)`` runs."""
    runs: list[list[int]] = []
    pos = 0
    for raw, text in pieces:
        if raw >= 0 and text:
            if runs and runs[-1][0] + runs[-1][2] == pos and runs[-1][1] + runs[-1][2] == raw:
                runs[-1][2] += len(text)
            else:
                runs.append([pos, raw, len(text)])
        pos += len(text)
    return tuple((c, r, n) for c, r, n in runs)
