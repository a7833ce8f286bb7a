"""Integrity on real Markdown: Node.js's API reference as Node.js's packages ship it (/usr/share/doc/nodejs/api;
Debian's nodejs-doc gzip-compresses it), written for a site generator, with YAML history in HTML comments, HTML
anchors and tables, reference links and code spans in headings.

Each page is read and cleaned as the build does it, then measured against the HTML that markdown-it renders from
it, as an independent extractor (lxml) sees it (tests/integrity.py): every heading kept, every code line kept as a
line, at least 99% of the body's words present, and no words the rendered page does not show (comments, tags,
link targets). ``scripts/setup.sh --test`` installs the package; outside CI a missing package skips the pages.
"""
from __future__ import annotations

import gzip
import os
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from ..integrity import measure, page_text, reference
from .test_real_pages import read

API = Path(os.environ.get("QA_NODE_API_DOCS", "/usr/share/doc/nodejs/api"))
PAGES = ["esm", "net", "test", "http2", "child_process"]


def page(name: str) -> Path:
    """The page as Markdown, or gzip-compressed Markdown as Debian's nodejs-doc ships it."""
    found = [path for path in (API / f"{name}.md", API / f"{name}.md.gz") if path.is_file()]
    if not found:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{API}/{name}.md is missing: `scripts/setup.sh --test` installs nodejs-doc")
        pytest.skip("Node.js's documentation is not installed (apt-get install nodejs-doc, or scripts/setup.sh --test)")
    return found[0]


def markdown_of(path: Path) -> str:
    data = path.read_bytes()
    return (gzip.decompress(data) if path.suffix == ".gz" else data).decode("utf-8")


@pytest.mark.parametrize("name", PAGES)
def test_real_markdown_keeps_what_the_rendered_page_shows(name: str) -> None:
    path = page(name)
    doc = read(path)
    html = MarkdownIt("commonmark").enable("table").render(markdown_of(path)).encode()
    page_html = b"<html><body>" + html + b"</body></html>"
    f = measure(doc.text, [s.title for s in doc.sections], reference(page_html), page_text(page_html))
    assert f.headings and f.headings_kept == f.headings, f
    assert f.code_lines_kept == f.code_lines, f
    assert f.words_kept >= 0.99 * f.words, f
    assert f.extra_words <= 0.002 * f.words and f.repeated_blocks == 0, f
    assert "<!--" not in doc.text and "pr-url:" not in doc.text and "](http" not in doc.text
