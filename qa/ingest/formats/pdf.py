"""PDFs: blocks read from the page layout through PDFium (pypdfium2, qa.ingest.formats.pdf_layout), with
pypdf's page texts as the fallback for files PDFium cannot open.

Every page, even a blank one, gets a start offset, so that each quote's page number is exact. The text
stops at ``max_chars``. What a page's streams expand to is bounded by the worker that runs the readers
(qa.ingest.sandbox): PDFium aborts the process when an allocation fails, which no Python code can catch.
"""
from __future__ import annotations

import io
import re
import threading
from dataclasses import replace
from itertools import accumulate
from typing import Any

from . import Extracted, Unreadable, from_blocks, too_much_text
from .pdf_layout import Block, blocks, page_starts
from .pdf_lines import Line, page_lines

# Titles that PDF writers put in by default: worse than the file name.
_PLACEHOLDER_TITLES = ("", "untitled", "untitled document", "(anonymous)", "anonymous")
_PDF_DATE = re.compile(r"^(?:D:)?(\d{4})(\d{2})?(\d{2})?")
_PDFIUM_LOCK = threading.Lock()  # PDFium is not thread-safe


def read_pdf(data: bytes, *, max_chars: int | None = None) -> Extracted:
    """A PDF's blocks and metadata; the running heads, page numbers and contents lines its layout reader
    leaves out are recorded as ``left_out``, at the start of their page."""
    try:
        found, left_out, count, info = _pdfium_blocks(data, max_chars)
    except (Unreadable, MemoryError):
        raise
    except Exception as first:  # PDFium rejects some damaged files that pypdf still reads
        try:
            pages, info = _pypdf_pages(data, max_chars)
        except (Unreadable, MemoryError):
            raise
        except Exception as e:  # pypdf raises many exception types on malformed files
            raise Unreadable(f"corrupt PDF: {first}; {e}") from e
        return Extracted("\n\n".join(pages), _title(info), author=info.get("Author"),
                         date=pdf_date(info.get("CreationDate")),
                         page_starts=tuple(accumulate((len(p) + 2 for p in pages[:-1]), initial=0)))
    read = from_blocks(((b.text, b.kind) for b in found), title=_title(info), author=info.get("Author"),
                       date=pdf_date(info.get("CreationDate")))
    starts = page_starts(found, read.blocks or (), count, len(read.text))
    return replace(read, page_starts=starts, left_out=tuple((starts[page], text, why) for page, text, why in left_out))


def _title(info: dict[str, str]) -> str | None:
    title = (info.get("Title") or "").strip()
    return None if title.lower() in _PLACEHOLDER_TITLES else title


def _capped(pages, max_chars: int | None) -> list[str]:
    out, total = [], 0
    for text in pages:
        total += len(text) + 2
        if max_chars is not None and total > max_chars + 2:
            raise too_much_text(max_chars)
        out.append(text)
    return out


def _pdfium_blocks(data: bytes, max_chars: int | None = None
                   ) -> tuple[list[Block], list[tuple[int, str, str]], int, dict[str, str]]:
    """The document's blocks, what it left out (page, text, why), its page count and its metadata."""
    with _PDFIUM_LOCK:
        pdf = _open(data)
        try:
            pages = _lines(pdf, max_chars)
            found, left_out = blocks(pages)
            return found, left_out, len(pages), pdf.get_metadata_dict(skip_empty=True)
        finally:
            pdf.close()


def outline_and_lines(data: bytes) -> tuple[list[str], list[list[Line]]]:
    """The titles of the PDF's outline (its bookmarks) and each page's lines as the layout reader sees them:
    what the integrity checks compare the reader's blocks with."""
    with _PDFIUM_LOCK:
        pdf = _open(data)
        try:
            return [item.get_title() for item in pdf.get_toc()], _lines(pdf)
        finally:
            pdf.close()


def _lines(pdf, max_chars: int | None = None) -> list[list[Line]]:
    """Each page's lines. The text stops at ``max_chars`` characters (PDFium's count, spaces and line breaks
    included), checked before a page's characters are read."""
    pages: list[list[Line]] = []
    total = 0
    for number, page in enumerate(pdf):
        textpage = page.get_textpage()
        try:
            total += max(textpage.count_chars(), 0)
            if max_chars is not None and total > max_chars:
                raise too_much_text(max_chars)
            pages.append(page_lines(textpage, number))
        finally:
            textpage.close()
            page.close()
    return pages


def _open(data: bytes):
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        if e.err_code == pdfium_c.FPDF_ERR_PASSWORD:
            raise Unreadable("encrypted PDF (needs a password)") from e
        raise


def _pdfium_pages(data: bytes, max_chars: int | None = None) -> tuple[list[str], dict[str, str]]:
    """Each page's plain text as PDFium reads it, with no layout (compared with pypdf's in the tests)."""
    with _PDFIUM_LOCK:
        pdf = _open(data)
        try:
            pages = _capped((_page_text(page) for page in pdf), max_chars)
            return pages, pdf.get_metadata_dict(skip_empty=True)
        finally:
            pdf.close()


def _page_text(page) -> str:
    textpage = page.get_textpage()
    try:
        text = textpage.get_text_bounded()
    finally:
        textpage.close()
        page.close()
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def _pypdf_pages(data: bytes, max_chars: int | None = None) -> tuple[list[str], dict[str, str]]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        try:
            opened = reader.decrypt("")  # many PDFs are encrypted with an empty user password
        except Exception as e:
            raise Unreadable(f"encrypted PDF that cannot be decrypted ({e})") from e
        if not opened:
            raise Unreadable("encrypted PDF (needs a password)")
    pages = _capped(((page.extract_text() or "").strip() for page in reader.pages), max_chars)
    meta: dict[Any, Any] = reader.metadata or {}
    info = {key.lstrip("/"): str(value) for key, value in meta.items() if isinstance(value, str)}
    return pages, info


def pdf_date(value: str | None) -> str | None:
    """A PDF date string as ISO 8601, as precise as it is.

    >>> pdf_date("D:20240315093000+01'00'"), pdf_date("D:2023"), pdf_date("yesterday")
    ('2024-03-15', '2023', None)
    """
    m = _PDF_DATE.match(value or "")
    return "-".join(part for part in m.groups() if part) if m else None
