"""Format readers: each turns a file's bytes into plain text plus what the file says about itself.

One home for the supported file types (the loader and uploads ask :func:`format_of`). Every reader
returns an :class:`Extracted`; text is built from the file's own words only (paragraphs joined by blank
lines), so cleaning and citing work the same for every format. What a citation points to in the
original file depends on the format (:data:`CITES`): a line of a text file, a page of a PDF, a paragraph
of a Word file, an EPUB, a manual page or a web page's main text (where "line in the file" means nothing).
"""
from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Literal, TypeVar

from qa.errors import Unreadable

__all__ = ["AFTER_INNER_TERMS", "AFTER_TERMS", "BLOCK_KINDS", "CITES", "COMPRESSED", "FORMATS", "HEADS", "INNER_TERM",
           "NEXT_HEADING", "SUPERSCRIPT_MARK", "SUPPORTED", "SUPPORTED_SHOWN", "Extracted", "Unreadable", "capped",
           "check_zip", "extract", "format_of", "format_suffix", "from_blocks", "from_paragraphs",
           "marks_superscript", "names_its_note", "superscript_shown"]

_T = TypeVar("_T")
#: Font names of monospaced faces (a PDF's or a Word file's code): the usual families, and TeX's (cmtt10).
MONOSPACED_FONT = re.compile(r"mono|nimbusmon|courier|consol|menlo|typewriter|fixed|sourcecode|inconsolata|"
                             r"^[a-z]*tt\d*$", re.IGNORECASE)
#: Style names of code in word processors' files (a Word or OpenDocument paragraph style).
CODE_STYLE = re.compile(r"code|preformatted|source|verbatim|listing|plain text|macro|console|terminal", re.I)
#: The mark written before a raised text set right after a word ("2<sup>31</sup>" reads "2^31", not "231").
SUPERSCRIPT_MARK = "^"
_ORDINAL = frozenset(("st", "nd", "rd", "th", "er", "re", "e"))


def marks_superscript(before: str, raised: str) -> bool:
    """Whether a superscript ``raised`` shown right after ``before`` is written with :data:`SUPERSCRIPT_MARK`: glued
    to it, it would read as one word with it ("2" and "31" as "231", "BETWEEN" and a footnote's "5" as
    "BETWEEN5"). Not where a space parts them, nor a footnote in brackets ("[7]"), nor an ordinal's letters after
    a number ("1st"), nor a sign that is no letter or number ("®").

    >>> [marks_superscript(b, r) for b, r in (("2", "31"), ("BETWEEN", "5"), ("x ", "2"), ("text", "[7]"),
    ...                                       ("1", "st"), ("Java", "®"), ("e", "-x"))]
    [True, True, False, False, False, False, True]
    """
    raised = raised.strip()
    if not before or before[-1].isspace() or not raised or not (raised[0].isalnum() or raised[0] in "+-−"):
        return False
    return not (before[-1].isdigit() and raised.lower() in _ORDINAL)


def superscript_shown(before: str, raised: str) -> str:
    """The text of a superscript ``raised`` shown right after ``before``: after :data:`SUPERSCRIPT_MARK` where
    :func:`marks_superscript` says so, else as it is.

    >>> superscript_shown("2", "31"), superscript_shown("1", "st")
    ('^31', 'st')
    """
    return SUPERSCRIPT_MARK + raised if marks_superscript(before, raised) else raised


#: File suffix (lower case) -> format name. Manual pages are named by their section instead (see format_of).
FORMATS = {".txt": "txt", ".md": "md", ".markdown": "md", ".rst": "rst", ".rest": "rst", ".html": "html",
           ".htm": "html", ".pdf": "pdf", ".docx": "docx", ".epub": "epub", ".info": "info", ".ipynb": "ipynb",
           ".odt": "odt"}
#: A manual page's suffix: its section, a digit and maybe letters (git-stash.1, perlre.1p, printf.3pm), or .man.
MAN_SUFFIX = re.compile(r"\.(?:[1-9][a-z]{0,5}|man)$", re.IGNORECASE)
#: A part of an Info manual split into files (coreutils.info-1, coreutils.info-2, ...).
INFO_PART = re.compile(r"\.info-\d{1,3}$", re.IGNORECASE)
#: A file compressed with gzip (man1/git-stash.1.gz, README.md.gz) is read as the file it holds.
COMPRESSED = ".gz"
#: The suffixes to name to a person (the manual sections as .1 to .9).
SUPPORTED = (*FORMATS, *(f".{n}" for n in range(1, 10)), ".man", COMPRESSED)
#: The same, as a person reads it.
SUPPORTED_SHOWN = ".txt .md .rst .html .pdf .docx .odt .epub .info .ipynb, manual pages (.1 to .9), any of them as .gz"
#: What a quote's location names in the original file, per format.
CITES: dict[str, Literal["line", "page", "paragraph"]] = {
    "txt": "line", "md": "line", "rst": "paragraph", "html": "paragraph", "pdf": "page", "docx": "paragraph",
    "epub": "paragraph", "man": "paragraph", "info": "paragraph", "ipynb": "paragraph",
    "odt": "paragraph",
}


def format_suffix(name: str) -> str:
    """The end of a file name that says its format: its suffix, with the one before it when compressed.

    >>> format_suffix("git-stash.1.gz"), format_suffix("notes.TXT"), format_suffix("..txt"), format_suffix("README")
    ('.1.gz', '.TXT', '.txt', '')
    """
    suffix = name[name.rfind("."):] if "." in name else ""  # of a hidden file too (".notes.txt")
    if suffix.lower() == COMPRESSED:
        stem = name[:-len(suffix)]
        suffix = (stem[stem.rfind("."):] if "." in stem else "") + suffix
    return suffix


def format_of(name: str) -> str | None:
    """The format a file of this name is read as (None: not one qa reads). A compressed file is read as
    the file it holds.

    >>> [format_of(n) for n in ("a.md", "git-stash.1.gz", "find.info-2.gz", "README.gz", "x.tar.gz", "log.2024")]
    ['md', 'man', 'info', None, None, None]
    """
    suffix = format_suffix(name).lower().removesuffix(COMPRESSED)
    if suffix.endswith(COMPRESSED):
        return None
    if INFO_PART.fullmatch(suffix):
        return "info"
    return FORMATS.get(suffix) or ("man" if MAN_SUFFIX.fullmatch(suffix) else None)
#: What a block of a structured document is. A "term" is a definition term or an API signature: like a
#: heading, it opens the section of the description under it.
BlockKind = Literal["heading", "term", "text", "code", "list item", "table row"]
BLOCK_KINDS: tuple[BlockKind, ...] = ("heading", "term", "text", "code", "list item", "table row")
#: A reader's kind for a term inside another term's description (a class's method, a command's option): cleaning
#: makes it a "term" whose section is read under the enclosing term's ("set › -e", not "-e" alone).
INNER_TERM = "inner term"
#: A reader's kind for a paragraph right after a list of terms (a description list, an API's members) has ended:
#: the terms reach no further, and the section that held the list goes on there. Cleaning makes it "text".
AFTER_TERMS = "text after terms"
#: The same after a list of terms inside another term's description (a class's methods): the enclosing term's
#: section goes on there.
AFTER_INNER_TERMS = "text after inner terms"
#: A reader's kind for a heading right after another heading of its level or a deeper one (a section with nothing
#: in it, such as one whose content is generated elsewhere): this one is not read under that one, but opens a
#: section of its own. Cleaning makes it a "heading".
NEXT_HEADING = "next heading"
#: The kinds of block that open a section.
HEADS = ("heading", NEXT_HEADING, "term", INNER_TERM)
#: The titles a note of a kind gets (Sphinx's, docutils', DocBook's) that are more than one word
NOTE_KINDS = frozenset({"see also", "to do"})
#: A note's title that says in which version something came or changed: a kind of note too
_VERSION_NOTE = re.compile(r"\b(?:new|added|changed|deprecated|removed|since)\b.*\d", re.IGNORECASE)


def names_its_note(title: str) -> bool:
    """Whether an admonition's title says what its note is about ("How to generate good secret keys",
    "Externally Visible Server", as a generic admonition is titled) rather than what kind of note it is ("Note",
    "Warning", "See also", "New in version 1.4"): such a title heads its note as a term heads its description, so
    the note is read under it, not as a sentence opening with it, and the text after the note under the section
    around it.

    >>> names_its_note("How to generate good secret keys"), names_its_note("Note"), names_its_note("See also")
    (True, False, False)
    >>> names_its_note("New in version 1.4"), names_its_note("Deprecated since 3.1")
    (False, False)
    """
    return len(title.split()) > 1 and title.rstrip(":").casefold() not in NOTE_KINDS \
        and not _VERSION_NOTE.search(title)


DEFAULT_KINDS = {"html": "web page", "pdf": "pdf document", "docx": "word document", "epub": "ebook",
                 "man": "manual page", "info": "info manual", "ipynb": "notebook",
                 "odt": "text document"}
#: Zip containers (.docx, .epub) are checked against these before any part is parsed: a real Word file
#: or book has tens to a few thousand entries, parts of a few MB, and XML compresses about 5-20 times.
ZIP_MAX_ENTRIES = 10_000
ZIP_MAX_ENTRY_BYTES = 100_000_000
ZIP_MAX_TOTAL_BYTES = 300_000_000
ZIP_MAX_RATIO = 200  # for entries over ZIP_RATIO_FROM bytes: small ones compress as they like
ZIP_RATIO_FROM = 1_000_000
#: Cells in one HTML table row: the main-text extractor's work grows with the square of it (20,000 cells
#: take 1.6 s, 200,000 would take minutes); real tables have tens.
HTML_MAX_ROW_CELLS = 10_000


@dataclass(frozen=True)
class Extracted:
    """A file's text and the metadata it carries about itself (None where it has none)."""

    text: str
    title: str | None = None
    author: str | None = None
    publisher: str | None = None
    date: str | None = None  # ISO 8601 (YYYY-MM-DD) where the file gives one
    url: str | None = None
    page_starts: tuple[int, ...] = ()  # PDFs: offset in ``text`` where each page begins
    paragraph_starts: tuple[int, ...] = ()  # offset where each paragraph of the original begins
    headings: tuple[int, ...] | None = None  # offsets of heading paragraphs; None: the cleaner finds them
    # ``(start, end, kind)`` of each block, for readers that know the page's structure (HTML, Markdown);
    # code blocks keep their line breaks, indentation and blank lines.
    blocks: tuple[tuple[int, int, str], ...] | None = None
    # ``(offset, text, why)`` of what the reader read and left out of ``text`` as navigation (a PDF's running
    # heads, page numbers, contents lines), at the offset where it stood
    left_out: tuple[tuple[int, str, str], ...] = ()


def from_paragraphs(paragraphs: Iterable[tuple[str, bool]], *, max_chars: int | None = None,
                    **meta: str | None) -> Extracted:
    """Join ``(text, is_heading)`` paragraphs with blank lines, recording where each one starts.

    >>> e = from_paragraphs([("Title", True), ("Body  text.", False), ("  ", False)])
    >>> e.text, e.paragraph_starts, e.headings
    ('Title\\n\\nBody text.', (0, 7), (0,))
    """
    parts, starts, headings, at = [], [], [], 0
    for text, heading in capped(paragraphs, max_chars):
        text = "\n".join(" ".join(line.split()) for line in text.splitlines() if line.strip())
        if not text:
            continue
        starts.append(at)
        if heading:
            headings.append(at)
        parts.append(text)
        at += len(text) + 2
    return Extracted("\n\n".join(parts), paragraph_starts=tuple(starts), headings=tuple(headings),
                     **{k: clean_meta(v) for k, v in meta.items()})  # type: ignore[arg-type]


def from_blocks(blocks: Iterable[tuple[str, str]], **meta: str | None) -> Extracted:
    """Join ``(text, kind)`` blocks with blank lines, recording each block's span and kind.

    Code keeps its lines as they are (trailing spaces and the blank lines around it dropped); other
    blocks become one line with single spaces.

    >>> e = from_blocks([("Intro", "heading"), ("Run  it:", "text"), ("  x = 1\\n\\n  y = 2\\n", "code")])
    >>> e.text
    'Intro\\n\\nRun it:\\n\\n  x = 1\\n\\n  y = 2'
    >>> e.blocks
    ((0, 5, 'heading'), (7, 14, 'text'), (16, 32, 'code'))
    """
    parts, spans, at = [], [], 0
    for text, kind in blocks:
        text = _code_text(text) if kind == "code" else " ".join(text.split())
        if not text.strip():
            continue
        spans.append((at, at + len(text), kind))
        parts.append(text)
        at += len(text) + 2
    headings = tuple(s for s, _, kind in spans if kind in HEADS)
    return Extracted("\n\n".join(parts), paragraph_starts=tuple(s for s, _, _ in spans), headings=headings,
                     blocks=tuple(spans), **{k: clean_meta(v) for k, v in meta.items()})  # type: ignore[arg-type]


def code_lines_merged(blocks: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """Consecutive code paragraphs joined into one block (an empty paragraph between two of them is a blank
    line of it); other empty paragraphs left out."""
    out: list[tuple[str, str]] = []
    blank = 0
    for text, kind in blocks:
        if not text.strip():
            blank += 1
            continue
        if kind == "code" and out and out[-1][1] == "code":
            out[-1] = (out[-1][0] + "\n" * (blank + 1) + text, "code")
        else:
            out.append((text, kind))
        blank = 0
    return out


def paragraph_starts(read: Extracted) -> Iterator[int]:
    """Where each of the file's non-empty paragraphs begins: a block's start, and each line of code's."""
    for start, end, kind in read.blocks or ():
        if kind != "code":
            yield start
            continue
        at = start
        for line in read.text[start:end].split("\n"):
            if line.strip():
                yield at
            at += len(line) + 1


def _code_text(text: str) -> str:
    lines = [line.rstrip() for line in text.splitlines()]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines)


def clean_meta(value: object) -> str | None:
    """A metadata value as one line of text, or None when it is empty or not text."""
    text = " ".join(str(value).split()) if isinstance(value, str) else ""
    return text or None


def too_much_text(max_chars: int) -> Unreadable:
    return Unreadable(f"more than {max_chars:,} characters of text (raise Config.max_text_chars to read it)")


def capped(paragraphs: Iterable[tuple[str, _T]], max_chars: int | None) -> Iterator[tuple[str, _T]]:
    """The paragraphs as they come, raising once their text passes ``max_chars`` (None: no cap).

    >>> list(capped([("abc", False)], 3))
    [('abc', False)]
    >>> list(capped([("abc", False), ("d", False)], 3))
    Traceback (most recent call last):
    ...
    qa.errors.Unreadable: more than 3 characters of text (raise Config.max_text_chars to read it)
    """
    total = 0
    for text, what in paragraphs:
        total += len(text)
        if max_chars is not None and total > max_chars:
            raise too_much_text(max_chars)
        yield text, what


def check_zip(data: bytes, what: str) -> zipfile.ZipFile:
    """The zip archive in ``data``, once its entries are checked: count, sizes and compression ratios.

    The sizes are those the archive declares; reading an entry stops at its declared size, so a
    lying header cannot make an entry expand further.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as e:
        raise Unreadable(f"corrupt {what}: not a zip archive ({e})") from e
    if len(entries) > ZIP_MAX_ENTRIES:
        raise Unreadable(f"{what} holds {len(entries):,} parts (the limit is {ZIP_MAX_ENTRIES:,})")
    total = 0
    for entry in entries:
        total += entry.file_size
        if entry.file_size > ZIP_MAX_ENTRY_BYTES:
            raise Unreadable(f"{what} part {entry.filename[:80]!r} expands to {entry.file_size:,} bytes "
                             f"(the limit is {ZIP_MAX_ENTRY_BYTES:,})")
        if entry.file_size > ZIP_RATIO_FROM and entry.file_size > ZIP_MAX_RATIO * max(entry.compress_size, 1):
            ratio = entry.file_size // max(entry.compress_size, 1)
            raise Unreadable(f"{what} part {entry.filename[:80]!r} expands {ratio:,} times (a zip bomb? the limit "
                             f"is {ZIP_MAX_RATIO})")
    if total > ZIP_MAX_TOTAL_BYTES:
        raise Unreadable(f"{what} expands to {total:,} bytes (the limit is {ZIP_MAX_TOTAL_BYTES:,})")
    return archive


def check_html_rows(data: bytes) -> None:
    """Refuse a page with a table row of more than :data:`HTML_MAX_ROW_CELLS` cells (a linear scan).

    >>> check_html_rows(b"<table><tr>" + b"<td>x</td>" * 10_001 + b"</tr></table>")
    Traceback (most recent call last):
    ...
    qa.errors.Unreadable: an HTML table row with 10,001 cells (the limit is 10,000)
    """
    lowered = data.lower()
    if lowered.count(b"<td") + lowered.count(b"<th") <= HTML_MAX_ROW_CELLS:
        return
    widest = max(row.count(b"<td") + row.count(b"<th") for row in lowered.split(b"<tr"))
    if widest > HTML_MAX_ROW_CELLS:
        raise Unreadable(f"an HTML table row with {widest:,} cells (the limit is {HTML_MAX_ROW_CELLS:,})")


def extract(fmt: str, data: bytes, *, max_chars: int | None = None) -> Extracted:
    """Run the reader for ``fmt`` on a file's bytes; raises ``Unreadable`` with the reason.

    ``max_chars`` caps the text: the readers of zip formats and PDFs stop as soon as they pass it.
    """
    if fmt == "html":
        check_html_rows(data)
    reader = _readers()[fmt]
    try:
        found = reader(data, max_chars=max_chars) if fmt in _CAPPED else reader(data)
    except (Unreadable, MemoryError):
        raise
    except (ValueError, LookupError, TypeError, AttributeError, AssertionError, RecursionError) as e:
        # A reader library tripping on odd input: say which reader and why, never a bare traceback.
        raise Unreadable(f"the {fmt} reader failed ({type(e).__name__}: {e})") from e
    if max_chars is not None and len(found.text) > max_chars:
        raise too_much_text(max_chars)
    return replace(found, title=clean_meta(found.title))


_CAPPED = ("pdf", "docx", "odt", "epub", "man", "info", "ipynb")


def _readers() -> dict[str, Callable[..., Extracted]]:
    """Format -> reader: ``reader(data)``, and ``reader(data, max_chars=...)`` for the formats in ``_CAPPED``."""
    from . import docx, epub, html, info, man, notebook, odt, pdf, rst, text  # libraries load only when needed

    return {"txt": text.read_text, "md": text.read_markdown, "rst": rst.read_rst, "html": html.read_html,
            "pdf": pdf.read_pdf, "docx": docx.read_docx, "epub": epub.read_epub, "man": man.read_man,
            "info": info.read_info, "ipynb": notebook.read_notebook,
            "odt": odt.read_odt}
