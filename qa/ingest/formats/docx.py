"""Word files (.docx) through python-docx: body paragraphs and table rows in document order, as blocks.
Paragraphs styled as headings (Heading 1-9, Title) open sections; a list style or a numbered paragraph is a
list item; a code style (Code, HTML Preformatted, Macro Text, Plain Text, ..., or one set in a monospaced
font) or a paragraph set wholly in a monospaced font is a line of code, and consecutive ones are one code
block that keeps its lines and indentation; a table row's cells are joined by " | ". A citation names the
paragraph's number (each line of a code block counts as the paragraph it is in the file).

The zip is checked before parsing (qa.ingest.formats.check_zip), table cells are read as stored (python-docx's
``row.cells`` repeats a cell once per column it spans, and ``gridSpan`` can claim two billion), and the
text stops at ``max_chars``. python-docx parses XML with entity resolution off."""
from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import replace

from . import (
    CODE_STYLE,
    MONOSPACED_FONT,
    Extracted,
    Unreadable,
    capped,
    check_zip,
    code_lines_merged,
    from_blocks,
    paragraph_starts,
    superscript_shown,
)


def read_docx(data: bytes, *, max_chars: int | None = None) -> Extracted:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    check_zip(data, "Word file")
    try:
        document = docx.Document(io.BytesIO(data))
        blocks = code_lines_merged(capped(_blocks(document), max_chars))
    except (Unreadable, MemoryError):
        raise
    except PackageNotFoundError as e:
        raise Unreadable("not a Word .docx file (no Word document inside); re-save it as .docx") from e
    except Exception as e:  # a damaged zip or XML part raises many exception types
        raise Unreadable(f"corrupt Word file: {e}") from e
    props = document.core_properties
    identifier = props.identifier or ""
    read = from_blocks(blocks, title=props.title, author=props.author,
                       date=props.created.date().isoformat() if props.created else None,
                       url=identifier if identifier.startswith(("http://", "https://")) else None)
    return replace(read, paragraph_starts=tuple(paragraph_starts(read)))


def _blocks(document) -> Iterator[tuple[str, str]]:
    """Each paragraph and table row as ``(text, kind)``."""
    from docx.table import _Cell

    # Kinds by style id, looked up once: ``paragraph.style`` searches the style part on every call.
    kinds = {style.style_id: _style_kind(style) for style in document.styles}
    for block in document.iter_inner_content():
        if hasattr(block, "rows"):  # a table: one block per row, its cells' text in order
            for tr in block._tbl.tr_lst:
                cells = dict.fromkeys(_Cell(tc, block).text.strip() for tc in tr.tc_lst)  # merged rows repeat
                yield " | ".join(c for c in cells if c), "table row"
            continue
        kind = kinds.get(block._p.style)  # the paragraph's style id, None for Normal
        if kind is None:
            numbered = block._p.pPr is not None and block._p.pPr.numPr is not None
            runs = [run for run in block.runs if run.text.strip()]
            mono = bool(runs) and all(MONOSPACED_FONT.search(run.font.name or "") for run in runs)
            kind = "list item" if numbered else "code" if mono else "text"
        yield _text(block), kind


def _text(paragraph) -> str:
    """A paragraph's text as ``paragraph.text`` reads it (its runs' and links' text), a superscript raised right off
    a word written after a "^" (:func:`qa.ingest.formats.superscript_shown`): "2" and a raised "31" read "2^31"."""
    parts: list[str] = []
    for element in paragraph._p.xpath("w:r | w:hyperlink"):
        text = element.text
        raised = getattr(element, "rPr", None)
        if text and raised is not None and raised.superscript:
            text = superscript_shown(parts[-1] if parts else "", text)
        if text:
            parts.append(text)
    return "".join(parts)


def _style_kind(style) -> str | None:
    name = style.name or ""
    if _is_heading(name):
        return "heading"
    font = getattr(getattr(style, "font", None), "name", None) or ""
    if CODE_STYLE.search(name) or MONOSPACED_FONT.search(font):
        return "code"
    return "list item" if name.startswith("List") else None


def _is_heading(style: str) -> bool:
    return style == "Title" or style.startswith("Heading")
