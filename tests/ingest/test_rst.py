"""reStructuredText: docutils renders the page, Sphinx's markup reads as Sphinx shows it, nothing but the file is
read, and real pages from installed packages keep what they say (measured against docutils' own rendering)."""
from __future__ import annotations

import re
import sysconfig
from pathlib import Path

import pytest

from qa.indexing.build import prepare_document
from qa.ingest.clean import clean_text
from qa.ingest.formats import Unreadable, extract
from qa.ingest.load import load_document

from ..integrity import measure, page_text, reference
from .test_clean_blocks import check_blocks

SPHINX_PAGE = """\
.. _guide:

User guide
==========

.. toctree::

   install

Call :func:`mylib.open` with a path, see :ref:`the install notes <install>` and :class:`~mylib.io.Reader`.

.. code-block:: python
   :linenos:

   import mylib
   with mylib.open("data.csv") as f:
       print(f.read())

.. versionadded:: 2.1
   The *strict* mode.

.. function:: open(path, mode="r")

   Open *path* and return a :class:`Reader`.

.. seealso:: :mod:`csv` for the standard library's reader.

.. note:: It never writes.

.. plot:: ellipses.py

.. autofunction:: mylib.close
"""


def read(data: str) -> tuple[list[tuple[str, str]], str | None]:
    found = extract("rst", data.encode())
    cleaned = clean_text(found.text, fmt="rst", headings=found.headings, blocks=found.blocks)
    check_blocks(found.text, cleaned)
    return [(cleaned.text[s:e], kind) for s, e, kind in cleaned.blocks], found.title


def test_sphinx_markup_reads_as_sphinx_shows_it() -> None:
    blocks, title = read(SPHINX_PAGE)
    assert title == "User guide"
    assert blocks == [
        ("User guide", "heading"),
        ("Call mylib.open with a path, see the install notes and Reader.", "text"),
        ('import mylib\nwith mylib.open("data.csv") as f:\n    print(f.read())', "code"),
        ("Added in version 2.1: The strict mode.", "text"),
        ('open(path, mode="r")', "term"),  # a signature opens the section of its description
        ("Open path and return a Reader.", "text"),
        ("See also: csv for the standard library's reader.", "text"),
        ("Note: It never writes.", "text"),
        (".. plot:: ellipses.py", "code"),  # a directive docutils does not know: shown as written
    ]


def test_version_notes_program_and_bracketed_targets_read_as_sphinx_shows_them() -> None:
    """A version note's label opens its first paragraph and the rest of it (a list, more paragraphs) stays as
    written; ``program`` shows nothing; a role's target after a space may hold angle brackets (CMake's)."""
    page = ("Title\n=====\n\n.. program:: tool\n\n.. versionadded:: 3.4\n  If set, these are passed:\n\n"
            "  * ``ONE``\n  * ``TWO``\n\n  Then more.\n\n.. versionchanged:: 3.5\n\n   Para one.\n\n   Para two.\n\n"
            ".. deprecated:: 3.6\n\nSee :variable:`CMAKE_ASM<DIALECT>_COMPILER <CMAKE_<LANG>_COMPILER>` and "
            ":variable:`CMAKE_<LANG>_FLAGS`.\n")
    blocks, _ = read(page)
    assert blocks == [
        ("Title", "heading"),
        ("Added in version 3.4: If set, these are passed:", "text"), ("ONE", "list item"), ("TWO", "list item"),
        ("Then more.", "text"),
        ("Changed in version 3.5: Para one.", "text"), ("Para two.", "text"),
        ("Deprecated since version 3.6.", "text"),
        ("See CMAKE_ASM<DIALECT>_COMPILER and CMAKE_<LANG>_FLAGS.", "text"),
    ]


def test_a_note_titled_with_what_it_is_about_heads_it_and_the_text_after_goes_back() -> None:
    """A generic admonition's title says what the note is about: it heads the note as a term heads its
    description (no "Title: " glued onto the note's first sentence), and the paragraph after the note is read
    under the section around it again; a note titled with its kind ("Note") still labels its sentence."""
    page = ("Sessions\n========\n\nSessions keep state.\n\n.. admonition:: How to generate good secret keys\n\n"
            "    A key should be random. Use this::\n\n        $ python -c 'import secrets'\n\n"
            "A note on cookies follows.\n\n.. note:: It never writes.\n")
    found = extract("rst", page.encode())
    cleaned = clean_text(found.text, fmt="rst", headings=found.headings, blocks=found.blocks)
    check_blocks(found.text, cleaned)
    blocks = [(cleaned.text[s:e], kind) for s, e, kind in cleaned.blocks]
    assert blocks == [("Sessions", "heading"), ("Sessions keep state.", "text"),
                      ("How to generate good secret keys", "term"), ("A key should be random. Use this:", "text"),
                      ("$ python -c 'import secrets'", "code"), ("A note on cookies follows.", "text"),
                      ("Note: It never writes.", "text")]
    section_of = {text: next(s.title for s in cleaned.sections if s.start <= cleaned.text.index(text) < s.end)
                  for text, _ in blocks[1:]}
    assert section_of["A key should be random. Use this:"] == "How to generate good secret keys"
    assert section_of["A note on cookies follows."] == section_of["Note: It never writes."] == "Sessions"


def test_docutils_reports_are_not_the_page() -> None:
    blocks, _ = read("Title\n=====\n\nSee `the guide <https://example.com>`__ and `that`__ for more.\n")
    assert blocks == [("Title", "heading"), ("See the guide and `that`__ for more.", "text")]  # no report section


def test_nothing_but_the_file_is_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("the secret words", encoding="utf-8")
    page = (f".. include:: {secret}\n\n.. raw:: html\n   :file: {secret}\n\n.. csv-table::\n   :file: {secret}\n\n"
            f".. literalinclude:: {secret}\n\nText.\n")
    blocks, _ = read(page)
    assert "secret" not in " ".join(text for text, _ in blocks) and ("Text.", "text") in blocks


def test_a_page_nested_past_what_docutils_reads_is_refused_with_the_reason() -> None:
    deep = "".join(" " * i + "- item\n\n" for i in range(0, 800, 2))
    with pytest.raises(Unreadable, match="the rst reader failed"):
        extract("rst", deep.encode())


SITE = Path(sysconfig.get_paths()["purelib"])
REAL_PAGES = ["numpy/ma/README.rst", "pip/_vendor/README.rst", "sklearn/datasets/descr/iris.rst",
              "sklearn/datasets/descr/california_housing.rst", "sklearn/datasets/descr/twenty_newsgroups.rst"]


def docutils_html(data: bytes) -> bytes:
    """The page as docutils alone renders it (no files), the independent reading; a Sphinx role docutils does
    not know, which it shows as written (":func:`fetch`"), reads as Sphinx documents it: "fetch", or the
    title of "title <target>"."""
    from docutils.core import publish_parts

    parts = publish_parts(data.decode("utf-8"), writer="html5", settings_overrides={
        "report_level": 5, "file_insertion_enabled": False, "raw_enabled": False, "_disable_config": True})
    body = re.sub(r":[\w:.-]+:`([^`<]*?)\s*(?:<[^`>]*>)?`", lambda m: m.group(1), parts["html_body"])
    return f"<html><body><main>{body}</main></body></html>".encode()


@pytest.mark.parametrize("name", REAL_PAGES)
def test_real_rst_page_keeps_what_the_page_says(name: str) -> None:
    path = SITE / name
    if not path.is_file():
        pytest.skip(f"{name} is not installed")
    doc = prepare_document(load_document(path, path.parent, max_bytes=50_000_000))
    html = docutils_html(path.read_bytes())
    f = measure(doc.text, [s.title for s in doc.sections], reference(html), page_text(html))
    assert doc.format == "rst" and doc.title and f.headings_kept == f.headings, f
    assert f.code_lines_kept == f.code_lines, f
    assert f.words_kept >= 0.99 * f.words, f
    assert f.extra_words <= 0.01 * f.words and f.repeated_blocks == 0, f
    assert doc.removals == ()


def test_an_rst_page_is_built_asked_and_quoted_verbatim(tmp_path: Path) -> None:
    from qa import ask
    from qa.answering.answer import verify

    from ..conftest import index_of

    index = index_of(tmp_path, {"guide.rst": SPHINX_PAGE})
    doc = index.documents["guide.rst"]
    assert (doc.format, doc.title) == ("rst", "User guide")
    answer = ask("What does open return?", index=index)
    assert answer.quotes and "Open path and return a Reader." in [q.text for q in answer.quotes]
    for quote in answer.quotes:
        assert doc.text[quote.start:quote.end] == quote.text
        verify(quote, index=index)  # raises if the stored text or the span disagree
    code = ask("How do I read a file with mylib?", index=index)
    assert any(q.block == "code" and "mylib.open" in q.text for q in code.quotes + code.related)
