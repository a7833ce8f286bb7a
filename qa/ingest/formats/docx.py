"""Word files (.docx) through python-docx: body paragraphs and table rows in document order; paragraphs
styled as headings (Heading 1-9, Title) become sections. A citation names the paragraph's number.

The zip is checked before parsing (qa.ingest.formats.check_zip), table cells are read as stored (python-docx's
``row.cells`` repeats a cell once per column it spans, and ``gridSpan`` can claim two billion), and the
text stops at ``max_chars``. python-docx parses XML with entity resolution off."""
from __future__ import annotations

import io
from collections.abc import Iterator

from . import Extracted, Unreadable, capped, check_zip, from_paragraphs


def read_docx(data: bytes, *, max_chars: int | None = None) -> Extracted:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    check_zip(data, "Word file")
    try:
        document = docx.Document(io.BytesIO(data))
        paragraphs = list(capped(_paragraphs(document), max_chars))
    except (Unreadable, MemoryError):
        raise
    except PackageNotFoundError as e:
        raise Unreadable("not a Word .docx file (no Word document inside); re-save it as .docx") from e
    except Exception as e:  # a damaged zip or XML part raises many exception types
        raise Unreadable(f"corrupt Word file: {e}") from e
    props = document.core_properties
    identifier = props.identifier or ""
    return from_paragraphs(paragraphs, title=props.title, author=props.author,
                           date=props.created.date().isoformat() if props.created else None,
                           url=identifier if identifier.startswith(("http://", "https://")) else None)


def _paragraphs(document) -> Iterator[tuple[str, bool]]:
    from docx.table import _Cell

    # Style names looked up once: ``paragraph.style`` searches the style part on every call.
    headings = {style.style_id for style in document.styles if _is_heading(style.name or "")}
    for block in document.iter_inner_content():
        if hasattr(block, "rows"):  # a table: one paragraph per row, its cells' text in order
            for tr in block._tbl.tr_lst:
                cells = dict.fromkeys(_Cell(tc, block).text.strip() for tc in tr.tc_lst)  # merged rows repeat
                yield " ".join(c for c in cells if c), False
        else:
            yield block.text, block._p.style in headings  # the paragraph's style id, None for Normal


def _is_heading(style: str) -> bool:
    return style == "Title" or style.startswith("Heading")
