"""PDFs: page texts through PDFium (pypdfium2), with pypdf as the fallback for files PDFium cannot open.

Every page, even a blank one, gets a start offset, so that each quote's page number is exact. The text
stops at ``max_chars``. What a page's streams expand to is bounded by the worker that runs the readers
(qa.ingest.sandbox): PDFium aborts the process when an allocation fails, which no Python code can catch.
"""
from __future__ import annotations

import io
import re
import threading
from itertools import accumulate
from typing import Any

from . import Extracted, Unreadable, too_much_text

# Titles that PDF writers put in by default: worse than the file name.
_PLACEHOLDER_TITLES = ("", "untitled", "untitled document", "(anonymous)", "anonymous")
_PDF_DATE = re.compile(r"^(?:D:)?(\d{4})(\d{2})?(\d{2})?")
_PDFIUM_LOCK = threading.Lock()  # PDFium is not thread-safe


def read_pdf(data: bytes, *, max_chars: int | None = None) -> Extracted:
    try:
        pages, info = _pdfium_pages(data, max_chars)
    except (Unreadable, MemoryError):
        raise
    except Exception as first:  # PDFium rejects some damaged files that pypdf still reads
        try:
            pages, info = _pypdf_pages(data, max_chars)
        except (Unreadable, MemoryError):
            raise
        except Exception as e:  # pypdf raises many exception types on malformed files
            raise Unreadable(f"corrupt PDF: {first}; {e}") from e
    starts = accumulate((len(p) + 2 for p in pages[:-1]), initial=0)
    title = (info.get("Title") or "").strip()
    return Extracted("\n\n".join(pages), None if title.lower() in _PLACEHOLDER_TITLES else title,
                     author=info.get("Author"), date=pdf_date(info.get("CreationDate")), page_starts=tuple(starts))


def _capped(pages, max_chars: int | None) -> list[str]:
    out, total = [], 0
    for text in pages:
        total += len(text) + 2
        if max_chars is not None and total > max_chars + 2:
            raise too_much_text(max_chars)
        out.append(text)
    return out


def _pdfium_pages(data: bytes, max_chars: int | None = None) -> tuple[list[str], dict[str, str]]:
    import pypdfium2 as pdfium

    with _PDFIUM_LOCK:
        try:
            pdf = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as e:
            if "password" in str(e).lower():
                raise Unreadable("encrypted PDF (needs a password)") from e
            raise
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
