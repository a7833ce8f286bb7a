"""The heading a chunk or sentence is embedded under: where it sits in its document.

Only the embedded text changes; quotes, sections and citations stay the document's own text.
"""
from __future__ import annotations

from ..ingest.chunk import in_context
from ..records import SECTION_SEP, Chunk, Document

#: Words of a page's title kept in front of a section's heading.
TITLE_WORDS = 8


def embed_heading(doc: Document, section: str | None) -> str | None:
    """The heading path ``qa.chunk.in_context`` puts in front of a chunk or sentence of ``doc``.

    In a structured page (HTML, Markdown: a document read into blocks) a section's heading is often
    local: an API signature, an option ("-k"), "Description", "Examples". What the page is about (the
    command, the module) is only in its title, so the title leads the heading path there. Plain text keeps
    its section heading alone: its headings are written to stand alone, and text outside any section is
    embedded alone (see ``qa.chunk.in_context``).

    >>> from qa.records import Document
    >>> page = Document("git-mv.html", "git-mv(1)", "document", "html", "x", "", "", blocks=((0, 1, "text"),))
    >>> embed_heading(page, "DESCRIPTION")
    'git-mv(1) › DESCRIPTION'
    >>> embed_heading(page, "git-mv(1) Manual Page › NAME")
    'git-mv(1) Manual Page › NAME'
    >>> embed_heading(page, None) is None
    True
    """
    title = embed_title(doc)
    if not section or not title or section.startswith(title):
        return section
    return f"{title}{SECTION_SEP}{section}"


def embed_title(doc: Document) -> str:
    """The words of ``doc``'s title that lead its heading paths when embedded ("" for plain text)."""
    return " ".join(doc.title.split()[:TITLE_WORDS]) if doc.blocks else ""


def chunk_text(doc: Document, chunk: Chunk) -> str:
    """What the model reads for ``chunk`` of ``doc``: the chunk under its heading path."""
    return in_context(chunk.text, embed_heading(doc, chunk.section))


def sentence_text(doc: Document, i: int) -> str:
    """What the model reads for sentence ``i`` of ``doc`` embedded alone: the sentence under its heading path."""
    s, e = doc.sentences[i]
    return in_context(doc.text[s:e], embed_heading(doc, doc.section_at(s)))
