"""Integrity on real PDFs: libtasn1's manual (Texinfo, TeX) and the Shared MIME-info specification
(DocBook, FOP) from Debian packages, and real documentation pages a browser saved as PDF (Chromium).

Each is read and cleaned as the build does it, then checked against independent readings of it: every entry of
a manual's own outline (its bookmarks) is a heading; the words pypdf extracts are all there but for the
running heads, page numbers and lines of the table of contents and index; the specification's code, as its
HTML edition (same package) prints it, is kept line by line. A page saved as PDF is measured against the page
itself (tests/integrity.py). The files are installed by ``scripts/setup.sh --test``; outside CI a missing
package or browser skips its test.
"""
from __future__ import annotations

import glob
import os
import re
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from qa.ingest.formats.pdf import _pypdf_pages, outline_and_lines
from qa.ingest.formats.pdf_layout import CONTENTS_LINE, RUNNING_HEAD, body_size, contents, furniture

from ..integrity import measure, reference
from .installed import installed, read
from .test_real_pages import page

MANUALS = {
    "/usr/share/doc/libtasn1-doc/libtasn1.pdf": "libtasn1-doc",
    "/usr/share/doc/shared-mime-info/shared-mime-info-spec.pdf": "shared-mime-info",
}
_WORD = re.compile(r"\w+")


def manual(path: str) -> Path:
    return installed(path, MANUALS[path])


def letters(text: str) -> str:
    return re.sub(r"\W", "", text.lower())


def squash(text: str) -> str:
    return " ".join(text.replace("’", "'").replace("‘", "'").split())


@pytest.mark.parametrize("path", list(MANUALS))
def test_real_pdf_keeps_its_outline_and_its_words(path: str) -> None:
    pdf = manual(path)
    doc = read(pdf)
    outline, pages = outline_and_lines(pdf.read_bytes())
    # letters and digits only: an outline may spell a title its own way ("Nonregular" for "Non-regular")
    headings = [letters(doc.text[start:end]) for start, end, kind in doc.blocks if kind == "heading"]
    assert outline and all(any(letters(title) in h for h in headings) for title in outline), (outline, headings)

    heads = [pages[p][i] for p, i in furniture(pages, body_size(pages))]
    assert len(heads) <= 2 * len(pages) and all(len(line.text) <= 80 for line in heads)
    chrome = heads + [pages[p][i] for p, i in contents(pages)]
    independent = "\n".join(_pypdf_pages(pdf.read_bytes())[0])
    expected = Counter(w.lower() for w in _WORD.findall(independent))
    expected -= Counter(w.lower() for line in chrome for w in _WORD.findall(line.text))
    found = Counter(w.lower() for w in _WORD.findall(doc.text))
    missing = expected - found
    # pypdf keeps a word a typesetter hyphenated at a line end as two ("declara-", "tions"), which the
    # reader joins: those halves are all that may be missing, and at most 1% of the words.
    assert sum(missing.values()) <= 0.01 * sum(expected.values()), missing.most_common(20)
    assert sum((found - expected).values()) <= 0.01 * sum(expected.values())
    # no paragraph repeated more often than the manual repeats it (libtasn1 documents like functions alike)
    paragraphs = Counter(letters(p) for p in doc.text.split("\n\n") if len(p) >= 80)
    printed = letters(independent)
    assert not [p for p, n in paragraphs.items() if n > 1 and n > printed.count(p)]
    # what the reader left out is recorded, each line with its reason, at the start of its page
    assert sorted(r.text for r in doc.removals) == sorted(line.text for line in chrome)
    assert {r.rule for r in doc.removals} <= {RUNNING_HEAD, CONTENTS_LINE}


def test_real_pdf_keeps_the_code_its_html_edition_prints() -> None:
    pdf = manual("/usr/share/doc/shared-mime-info/shared-mime-info-spec.pdf")
    doc = read(pdf)
    lines = {squash(line) for line in doc.text.splitlines()}
    code = [line for page in sorted(glob.glob(str(pdf.parent / "shared-mime-info-spec.html" / "*.html")))
            for line in reference(Path(page).read_bytes()).code_lines]
    missing = [line for line in code if squash(line) not in lines]
    # The PDF's font prints two lines' "ê" as "a" (pypdf reads them so too): the only lines allowed to differ.
    assert len(code) > 100 and len(missing) <= 2, missing
    code_blocks = [doc.text[start:end] for start, end, kind in doc.blocks if kind == "code"]
    assert any("\n  <comment>Differences between files</comment>" in block for block in code_blocks)


SAVED = ["python3-doc/html/library/csv.html", "postgresql-doc-*/html/sql-select.html", "git-doc/git-commit.html"]


def saved_as_pdf(html: Path, folder: Path) -> Path:
    """The page as Chromium prints it to PDF ("Save as PDF" without the header and footer lines)."""
    chromium = os.environ.get("QA_CHROMIUM", "/usr/bin/chromium")
    if not Path(chromium).exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"no Chromium at {chromium}: `scripts/setup.sh --test` installs it")
        pytest.skip(f"no Chromium at {chromium} (set QA_CHROMIUM)")
    pdf = folder / (html.stem + ".pdf")
    subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--disable-component-update", "--no-first-run", "--no-pdf-header-footer",
                    f"--print-to-pdf={pdf}", html.as_uri()], check=True, capture_output=True, timeout=120)
    return pdf


@pytest.mark.parametrize("pattern", SAVED)
def test_a_page_saved_as_pdf_keeps_what_the_page_says(pattern: str, tmp_path: Path) -> None:
    """Headings, signatures, code and words of a documentation page survive its PDF: a browser draws a code
    box after the text around it, sets headings in bold as large as the text (in a monospaced font, on
    PostgreSQL's pages) and breaks lines at the hyphens of the text ("git-add" stays whole)."""
    html = page(pattern)
    doc = read(saved_as_pdf(html, tmp_path))
    ref = reference(html.read_bytes())
    f = measure(doc.text, [s.title for s in doc.sections], ref)
    assert f.headings and f.headings_kept == f.headings, f
    assert f.signatures_whole == f.signatures, f
    assert f.words_kept >= 0.99 * f.words, f
    # every code line with its indentation, but for spacing a few pixels off (a line in a table of output)
    # and a line too long for the paper, which the browser wraps: its words are still there in order
    assert f.code_lines_kept >= 0.75 * f.code_lines, f
    flat = squash(doc.text)
    assert all(squash(line) in flat for line in ref.code_lines if len(squash(line)) < 60), f
