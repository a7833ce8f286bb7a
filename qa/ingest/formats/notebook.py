"""Jupyter notebooks (``.ipynb``, nbformat 4, and 3 and 2's worksheets): markdown cells read as Markdown, code
cells and their text output as code.

The document's text is the cells' text in order, one after another, so a quote cites what a cell says:

- a markdown cell is read as a Markdown file is (its headings, paragraphs, list items, tables and code blocks);
- a code cell is one code block, its lines kept; its text output (a stream, a result's ``text/plain``, an
  error's name and message) follows it as another code block;
- a raw cell is text.

What a notebook holds that is not text is left out and recorded with its reason, where it stood: an image, or
an output shown only as HTML or JavaScript. The title is the notebook's own (its metadata), else the first
heading; its authors come from its metadata. A file that is not a notebook's JSON is ``Unreadable``.
"""
from __future__ import annotations

import json
import re
from typing import Any

from . import HEADS, Extracted, Unreadable, clean_meta, too_much_text
from .text import decode_text, markdown_blocks

#: Terminal colour codes in an error's traceback: not text.
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_TEXT_OUTPUTS = ("text/plain", "text/markdown", "text/latex")


def read_notebook(data: bytes, *, max_chars: int | None = None) -> Extracted:
    """The notebook's cells as blocks, with its title and authors."""
    try:
        notebook = json.loads(decode_text(data))
    except json.JSONDecodeError as e:
        raise Unreadable(f"not a notebook: its JSON does not parse ({e.msg} at line {e.lineno})") from e
    cells = _cells(notebook)
    parts: list[str] = []
    blocks: list[tuple[int, int, str]] = []
    left_out: list[tuple[int, str, str]] = []
    at = 0

    def add(text: str, spans: list[tuple[int, int, str]]) -> None:
        nonlocal at
        if not text.strip():
            return
        if max_chars is not None and at + len(text) > max_chars:
            raise too_much_text(max_chars)
        parts.append(text)
        blocks.extend((at + s, at + e, kind) for s, e, kind in spans)
        at += len(text) + 2

    for cell in cells:
        kind = cell.get("cell_type")
        source = _source(cell.get("source", cell.get("input", "")))
        if kind == "markdown":
            add(source, list(markdown_blocks(source)))
        elif kind == "code":
            add(source.rstrip(), [(0, len(source.rstrip()), "code")])
            for output in cell.get("outputs", ()) if isinstance(cell.get("outputs"), list) else ():
                text, why = _output(output)
                if text:
                    add(text, [(0, len(text), "code")])
                elif why:
                    left_out.append((at, why, why))
        elif kind in ("raw", "heading"):  # nbformat 3 had heading cells
            add(source, [(0, len(source), "heading" if kind == "heading" else "text")])
    if not parts:
        raise Unreadable("an empty notebook: no cell holds text")
    text = "\n\n".join(parts)
    metadata = notebook.get("metadata") if isinstance(notebook.get("metadata"), dict) else {}
    first = next((text[s:e] for s, e, kind in blocks if kind in HEADS), None)
    return Extracted(text, title=clean_meta(metadata.get("title")) or first, author=_authors(metadata),
                     paragraph_starts=tuple(s for s, _, _ in blocks),
                     headings=tuple(s for s, _, kind in blocks if kind in HEADS), blocks=tuple(blocks),
                     left_out=tuple(left_out))


def _cells(notebook: Any) -> list[dict[str, Any]]:
    """The cells of nbformat 4 (``cells``) or 3 (``worksheets[].cells``)."""
    if not isinstance(notebook, dict):
        raise Unreadable("not a notebook: its JSON is not an object with cells")
    if isinstance(notebook.get("cells"), list):
        cells = notebook["cells"]
    elif isinstance(notebook.get("worksheets"), list):
        cells = [c for sheet in notebook["worksheets"] if isinstance(sheet, dict)
                 for c in sheet.get("cells", ()) if isinstance(sheet.get("cells"), list)]
    else:
        raise Unreadable("not a notebook: its JSON has no cells")
    return [c for c in cells if isinstance(c, dict)]


def _source(value: Any) -> str:
    """A cell's source or an output's text: a string, or a list of lines."""
    if isinstance(value, list):
        lines = [v for v in value if isinstance(v, str)]
        # nbformat 4 and 3 keep each line's "\n"; nbformat 2 wrote the lines without it
        bare = len(lines) > 1 and not any(line.endswith("\n") for line in lines[:-1])
        return ("\n" if bare else "").join(lines)
    return value if isinstance(value, str) else ""


def _output(output: Any) -> tuple[str, str]:
    """An output's text, or why it has none (an image, HTML only): ("", reason)."""
    if not isinstance(output, dict):
        return "", ""
    kind = output.get("output_type")
    if kind == "stream":
        return _source(output.get("text")).rstrip(), ""
    if kind == "error":
        return _ANSI.sub("", "\n".join(_source([line]) for line in output.get("traceback") or ())
                         or f"{output.get('ename', '')}: {output.get('evalue', '')}").rstrip(), ""
    data: dict[str, Any] = output["data"] if isinstance(output.get("data"), dict) else output  # v3: inline
    for mime in _TEXT_OUTPUTS:
        if mime in data:
            return _source(data[mime]).rstrip(), ""
    if "data" not in output and "text" in output:  # nbformat 3's result: its text under "text"
        return _source(output["text"]).rstrip(), ""
    if any(str(k).startswith("image/") or k in ("png", "jpeg", "svg") for k in data):
        return "", "image output"
    return ("", "html or script output") if data else ("", "")


def _authors(metadata: dict[str, Any]) -> str | None:
    authors = metadata.get("authors")
    if isinstance(authors, list):
        names = [str(a["name"]) for a in authors if isinstance(a, dict) and isinstance(a.get("name"), str)]
        return clean_meta(", ".join(names)) if names else None
    return clean_meta(metadata.get("author"))
