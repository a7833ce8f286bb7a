"""The small frozen records that travel between pipeline stages.

Offsets are character offsets into a document's cleaned text, the canonical text that quotes cite:
``doc.text[chunk.start:chunk.end] == chunk.text`` and ``doc.text[quote.start:quote.end] == quote.text``.
"""
from __future__ import annotations

import bisect
from dataclasses import asdict, dataclass
from operator import attrgetter, itemgetter
from typing import Any, NamedTuple

#: Between the parts of a section's heading path: a heading under its parent is titled "Parent › Child".
SECTION_SEP = " › "


@dataclass(frozen=True)
class Section:
    """A heading and the span of cleaned text it governs (up to the next heading). ``title`` is the run of
    headings that opens the span, joined by :data:`SECTION_SEP`; a term that only labels a part of a section
    ("Returns:"), or a heading the page gives to many such parts ("Examples"), has that section's title before its
    own ("strip › Returns:") (qa.ingest.clean)."""

    title: str
    start: int
    end: int


@dataclass(frozen=True)
class Removal:
    """Text the cleaner removed from a document: where it was in the raw text, what it was and why."""

    start: int  # raw offset
    text: str
    rule: str  # e.g. "glued citation", "page chrome", "wiki markup"


#: A block of cleaned text: ``(start, end, kind)``, kind one of qa.ingest.formats.BLOCK_KINDS.
Block = tuple[int, int, str]


def block_at(blocks: tuple[Block, ...], offset: int) -> Block | None:
    """The block holding cleaned ``offset``, or None (plain text has no blocks)."""
    i = block_index(blocks, offset)
    return None if i is None else blocks[i]


def block_index(blocks: tuple[Block, ...], offset: int) -> int | None:
    """The position in ``blocks`` of the block holding cleaned ``offset``, or None."""
    i = bisect.bisect_right(blocks, (offset, float("inf"), "")) - 1
    return i if i >= 0 and blocks[i][0] <= offset < blocks[i][1] else None


@dataclass(frozen=True)
class Cleaned:
    """Cleaner output: the canonical text, its sections, and a map back to the raw text.

    ``segments`` are ``(clean_start, raw_start, length)`` runs: cleaned text
    ``[clean_start, clean_start + length)`` was copied from raw ``[raw_start, raw_start + length)``.
    Characters the cleaner inserted (a joining space) belong to no run.
    """

    text: str
    sections: tuple[Section, ...] = ()
    segments: tuple[tuple[int, int, int], ...] = ()
    blocks: tuple[Block, ...] = ()  # structured formats only (see qa.ingest.formats.Extracted.blocks)
    removals: tuple[Removal, ...] = ()

    def to_raw(self, offset: int) -> int:
        """Raw-text offset of cleaned ``offset`` (an inserted character maps to the next copied one)."""
        return raw_offset(self.segments, offset)


def section_title(sections: tuple[Section, ...], offset: int) -> str | None:
    """Title of the section holding ``offset``, or None before the first heading.

    >>> sections = (Section("Intro", 0, 10), Section("Usage", 10, 25))
    >>> section_title(sections, 0), section_title(sections, 10), section_title(sections, 25)
    ('Intro', 'Usage', None)
    """
    i = section_index(sections, offset)
    return sections[i].title if i >= 0 else None


def section_index(sections: tuple[Section, ...], offset: int) -> int:
    """The index of the section holding ``offset``, or -1: sections are in order and do not overlap (cleaning
    makes each end where the next starts), so the search is a bisection."""
    i = bisect.bisect_right(sections, offset, key=attrgetter("start")) - 1
    return i if i >= 0 and offset < sections[i].end else -1


def raw_offset(segments: tuple[tuple[int, int, int], ...] | list, offset: int) -> int:
    if not segments:
        return offset
    i = bisect.bisect_right(segments, offset, key=itemgetter(0)) - 1
    if i < 0:
        return segments[0][1]
    c0, r0, n = segments[i]
    if offset < c0 + n:
        return r0 + (offset - c0)
    if i + 1 < len(segments):
        return segments[i + 1][1]
    return r0 + n


#: The longest list a sentence ending in ":" takes into its quote (Document.list_end): at most this many items,
#: and this many characters from the first item's start to the last one's end
LIST_ITEMS, LIST_CHARS = 12, 1200


@dataclass(frozen=True)
class Document:
    """An indexed document: metadata, cleaned text and what is needed to cite into it."""

    source: str  # path relative to the corpus folder, with forward slashes
    title: str
    kind: str  # kind of source: "encyclopedia mirror", "blog", "document", ...
    format: str  # txt, md, html, pdf, docx, epub
    text: str
    sha256: str  # of the cleaned text: a quote is only valid against this exact text
    raw_sha256: str  # of the file's bytes
    publisher: str | None = None
    date: str | None = None
    sections: tuple[Section, ...] = ()
    sentences: tuple[tuple[int, int], ...] = ()
    segments: tuple[tuple[int, int, int], ...] = ()
    raw_line_starts: tuple[int, ...] = (0,)  # empty for formats that cite pages or paragraphs, not lines
    raw_page_starts: tuple[int, ...] = ()  # PDFs: raw offset where each page begins
    author: str | None = None
    url: str | None = None  # the original's address (a web page's canonical URL), when known
    raw_paragraph_starts: tuple[int, ...] = ()  # docx, epub, html: raw offset where each paragraph begins
    blocks: tuple[Block, ...] = ()  # what each block of the text is (structured formats); () for plain text
    removals: tuple[Removal, ...] = ()  # what cleaning removed from the file's text, and why

    def __post_init__(self) -> None:
        # Read back from JSON, blocks and removals arrive as lists and dicts.
        object.__setattr__(self, "blocks", tuple(tuple(b) for b in self.blocks))
        object.__setattr__(self, "removals", tuple(r if isinstance(r, Removal) else Removal(**r)
                                                   for r in self.removals))

    def block_kind(self, start: int, end: int) -> str:
        """What the text ``[start:end]`` is: "code", "table row", "list item", or "text" (also for plain text)."""
        found = block_at(self.blocks, start)
        kind = found[2] if found else "text"
        return kind if kind in ("code", "table row", "list item") else "text"

    def table_header(self, start: int) -> tuple[int, int] | None:
        """Where the first row of the table holding ``start`` is, when ``start`` is in a later row of it (a table's
        first row names its columns: "Name | Storage Size | Description | Range"); None elsewhere. A table is a
        run of table rows with nothing but white space between them."""
        i = block_index(self.blocks, start)
        if i is None or self.blocks[i][2] != "table row":
            return None
        first = i
        while (first > 0 and self.blocks[first - 1][2] == "table row"
               and not self.text[self.blocks[first - 1][1]:self.blocks[first][0]].strip()):
            first -= 1
        return None if first == i else (self.blocks[first][0], self.blocks[first][1])

    def with_code(self, start: int, end: int) -> tuple[int, int | None, int | None]:
        """The end of a quote ``[start:end]`` and where its code starts and ends (None, None: no code). A quote
        that starts in a code block is code up to that block's end (the sentence after it, which a pair can
        bring, is prose again); one ending in ":" right before a code block takes that block in ("On
        Windows, run:"), and one ending in ":" right before a list takes the list in ("... one of the
        following type affinities:" and its items), when the list is short (:meth:`list_end`) and the sentence
        is no list item itself (npm's "Default:" item stands before its sibling "Type: ...")."""
        here = block_at(self.blocks, start)
        if here is not None and here[2] == "code":
            last = block_at(self.blocks, end - 1)
            return end, start, end if last is not None and last[2] == "code" else min(end, here[1])
        if not self.text[start:end].endswith(":") or self.text[end:end + 2] != "\n\n":
            return end, None, None
        after = block_index(self.blocks, end + 2)
        if after is None or self.blocks[after][0] != end + 2:
            return end, None, None
        if self.blocks[after][2] == "code":
            return self.blocks[after][1], self.blocks[after][0], self.blocks[after][1]
        own = block_at(self.blocks, end - 1)
        if own is not None and own[2] == "list item":
            return end, None, None  # the items after an item may be its own list's or its siblings: no nesting is kept
        return self.list_end(after) or end, None, None

    def list_end(self, first: int) -> int | None:
        """Where the list whose first item is ``blocks[first]`` ends: its items are the list items that follow
        one another with nothing but white space between them. None when it is no list item, or when the list
        is longer than :data:`LIST_ITEMS` items or :data:`LIST_CHARS` characters: a quote would then be more
        list than answer."""
        blocks = self.blocks
        if blocks[first][2] != "list item":
            return None
        last = first
        while (last + 1 < len(blocks) and blocks[last + 1][2] == "list item"
               and not self.text[blocks[last][1]:blocks[last + 1][0]].strip()):
            last += 1
            if last - first >= LIST_ITEMS:
                return None
        end = blocks[last][1]
        return end if end - blocks[first][0] <= LIST_CHARS else None

    def section_at(self, offset: int) -> str | None:
        return section_title(self.sections, offset)

    def is_heading(self, start: int, end: int) -> bool:
        """Whether ``text[start:end]`` is a section heading line rather than prose."""
        i = section_index(self.sections, start)
        return i >= 0 and self.text[start:end] in self.sections[i].title.split(SECTION_SEP)

    def location(self, offset: int) -> dict[str, int | None]:
        """Where cleaned ``offset`` sits in the original: raw offset, and the 1-based line (text files),
        page (PDFs) or paragraph (Word, EPUB, web pages) that holds it; None where it does not apply."""
        raw = raw_offset(self.segments, offset)

        def number(starts: tuple[int, ...]) -> int | None:
            return bisect.bisect_right(starts, raw) if starts else None

        return {"raw_offset": raw, "line": number(self.raw_line_starts), "page": number(self.raw_page_starts),
                "paragraph": number(self.raw_paragraph_starts)}


@dataclass(frozen=True)
class Chunk:
    """A retrievable passage: a run of whole sentences within one section."""

    id: int
    source: str
    start: int
    end: int
    text: str
    section: str | None
    tokens: int


@dataclass(frozen=True)
class Quote:
    """A verbatim span of a document, with everything needed to cite and check it."""

    text: str
    source: str
    title: str
    section: str | None
    kind: str
    start: int
    end: int
    score: float
    context: str
    context_start: int
    doc_sha256: str
    line: int | None = None
    page: int | None = None
    url: str | None = None  # the original's address, to link the citation to; None when unknown
    date: str | None = None  # the document's date (ISO 8601), when known
    paragraph: int | None = None  # 1-based paragraph of the original (Word, EPUB, web pages)
    block: str = "text"  # what the quoted block is: "text", "code", "table row" or "list item"
    code_start: int | None = None  # where code begins in the quote (a document offset); None: no code
    code_end: int | None = None  # where that code ends (a document offset); None: at the quote's end

    def code(self) -> tuple[str, str, str]:
        """The quote as ``(text before its code, code, text after it)``; the code is "" for a quote without code."""
        return code_parts(self.text, self.start, self.code_start, self.code_end)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def code_parts(text: str, start: int, code_start: int | None, code_end: int | None) -> tuple[str, str, str]:
    """A quote's ``text`` (at document offset ``start``) as the prose before its code, the code, and the prose
    after it; the offsets are clamped to the text, so a quote read back from JSON cannot cut outside it.

    >>> code_parts("Run: make. It builds.", 10, 15, 20)
    ('Run:', 'make.', 'It builds.')
    >>> code_parts("Plain.", 0, None, None)
    ('Plain.', '', '')
    """
    if code_start is None:
        return text, "", ""
    cut = max(0, min(code_start - start, len(text)))
    stop = len(text) if code_end is None else max(cut, min(code_end - start, len(text)))
    return text[:cut].rstrip(), text[cut:stop].rstrip("\n"), text[stop:].lstrip()


@dataclass(frozen=True)
class Answer:
    """What ``ask`` returns: quotes that answer, or an abstention (with related passages)."""

    question: str
    abstained: bool
    quotes: tuple[Quote, ...] = ()
    conflict: bool = False
    conflict_note: str | None = None
    related: tuple[Quote, ...] = ()
    confidence: float = 0.0
    # words of the question the documents never use, and the words searched for instead: (typed, read)
    corrections: tuple[tuple[str, str], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "abstained": self.abstained,
            "conflict": self.conflict,
            "conflict_note": self.conflict_note,
            "confidence": self.confidence,
            "corrections": [{"typed": typed, "read": read} for typed, read in self.corrections],
            "quotes": [q.to_dict() for q in self.quotes],
            "related": [q.to_dict() for q in self.related],
        }


class SentenceSpan(NamedTuple):
    """One sentence of the index: its document and its offsets in that document's cleaned text. Sentence
    ids are positions in ``Index.sentences``; a quote :class:`Unit` is one or two adjacent ids."""

    source: str
    start: int
    end: int


@dataclass(frozen=True, order=True, slots=True)
class Unit:
    """A candidate quote: one sentence id of the index, or two adjacent ones, in document order.

    Units compare and sort as their tuples of ids do, so ``(3,) < (3, 4) < (4,)``.

    >>> Unit.of(3, 4).first, Unit.of(3, 4).last, Unit.of(3).is_pair
    (3, 4, False)
    """

    ids: tuple[int, ...]

    @classmethod
    def of(cls, *ids: int) -> Unit:
        return cls(ids)

    @property
    def first(self) -> int:
        return self.ids[0]

    @property
    def last(self) -> int:
        return self.ids[-1]

    @property
    def is_pair(self) -> bool:
        return len(self.ids) == 2

    def overlaps(self, other: Unit) -> bool:
        """Whether the two units share a sentence."""
        return not set(self.ids).isdisjoint(other.ids)
