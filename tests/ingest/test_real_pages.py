"""Integrity on real documentation pages from Debian packages (python3-doc, postgresql-doc, git-doc, MkDocs
sites: mkdocs-doc in MkDocs's own theme, mkdocs-literate-nav-doc in Material for MkDocs, a Doxygen API
reference: libjsoncpp-doc, a Sphinx API reference in the Read the Docs theme: python-cookiecutter-doc, and SQLite's
hand-written pages: sqlite3-doc).

Each page is read and cleaned as the build does it, then measured against the page's main element as an
independent extractor (lxml) sees it (tests/integrity.py): every heading kept, every API signature whole,
every code line kept as a line, no block repeated, at least 99% of the body's words present. The pages
are installed by ``scripts/setup.sh --test``; outside CI a missing package skips its pages.
"""
from __future__ import annotations

import glob
import os
from pathlib import Path

import pytest

from qa.indexing.build import prepare_document
from qa.ingest.load import load_document
from qa.records import Document

from ..integrity import measure, page_text, reference

PAGES = {
    "python3-doc/html/faq/programming.html": "python3-doc",
    "python3-doc/html/library/csv.html": "python3-doc",
    "python3-doc/html/library/shutil.html": "python3-doc",
    "python3-doc/html/tutorial/controlflow.html": "python3-doc",
    "python3-doc/html/howto/logging.html": "python3-doc",
    "postgresql-doc-*/html/sql-select.html": "postgresql-doc",
    "postgresql-doc-*/html/functions-string.html": "postgresql-doc",
    "postgresql-doc-*/html/functions-aggregate.html": "postgresql-doc",  # a function table of two columns
    "postgresql-doc-*/html/app-pg-ctl.html": "postgresql-doc",  # a DocBook command synopsis
    "postgresql-doc-*/html/sql-createrole.html": "postgresql-doc",  # entries of two terms each
    "git-doc/git-commit.html": "git-doc",
    "git-doc/gittutorial.html": "git-doc",
    "mkdocs/html/user-guide/configuration.html": "mkdocs-doc",  # a heading whose id is "nav"
    "mkdocs/html/dev-guide/plugins.html": "mkdocs-doc",  # permalink icons from an icon font; a diagram
    "mkdocs/html/getting-started.html": "mkdocs-doc",
    "mkdocs-literate-nav-doc/html/index.html": "mkdocs-literate-nav-doc",
    "libjsoncpp-doc/class_json_1_1_value.html": "libjsoncpp-doc",  # Doxygen: members' signatures and notes
    # Sphinx in the Read the Docs theme, with autodoc's signatures and their "[source]" links
    "python-cookiecutter-doc/html/cookiecutter.html": "python-cookiecutter-doc",
    # hand-written pages (SQLite's): a title in a styled div, a table of contents of its own, list items titled
    "sqlite3/lang_select.html": "sqlite3-doc",
    "sqlite3/limits.html": "sqlite3-doc",
    "sqlite3/faq.html": "sqlite3-doc",  # each question a bold paragraph over its answer
    "sqlite3/pragma.html": "sqlite3-doc",  # each pragma's forms in bold over its description
    "sqlite3/tempfiles.html": "sqlite3-doc",  # its contents link to another page too
}


def page(pattern: str) -> Path:
    found = sorted(glob.glob(f"/usr/share/doc/{pattern}"))
    if not found:
        package = PAGES[pattern]
        if os.environ.get("CI") == "true":
            pytest.fail(f"/usr/share/doc/{pattern} is missing: `scripts/setup.sh --test` installs {package}")
        pytest.skip(f"{package} is not installed (apt-get install {package}, or run scripts/setup.sh --test)")
    return Path(found[-1])


def read(path: Path) -> Document:
    return prepare_document(load_document(path, path.parent, max_bytes=50_000_000))


@pytest.mark.parametrize("pattern", list(PAGES))
def test_real_page_keeps_what_the_page_says(pattern: str) -> None:
    path = page(pattern)
    data = path.read_bytes()
    doc = read(path)
    f = measure(doc.text, [s.title for s in doc.sections], reference(data), page_text(data))
    assert f.headings and f.headings_kept == f.headings, f
    assert f.signatures_whole == f.signatures, f
    assert f.code_lines_kept == f.code_lines, f
    assert f.words_kept >= 0.99 * f.words, f
    assert f.extra_words <= 0.01 * f.words and f.repeated_blocks == 0, f
    assert doc.removals == ()  # the capture rules never touch a web page
    assert "¶" not in doc.text and "¶" not in doc.title and not any("¶" in s.title for s in doc.sections)
    assert doc.date is None  # these pages declare no date; dates in their examples are not theirs


@pytest.mark.parametrize("pattern", list(PAGES))
def test_real_page_code_blocks_are_whole_units(pattern: str) -> None:
    doc = read(page(pattern))
    starts = {s for s, _ in doc.sentences}
    code = [(s, e) for s, e, kind in doc.blocks if kind == "code"]
    for s, e in code:
        inside = [span for span in doc.sentences if s <= span[0] < e]
        lead = len(doc.text[s:e]) - len(doc.text[s:e].lstrip())
        assert inside and inside[0][0] == s + lead and max(b for _, b in inside) == e
        assert len(inside) == 1 or e - s > 2000  # split only when long, and then by lines
        assert all(b == e or doc.text[b] == "\n" or doc.text[b:].lstrip() != doc.text[b:] for _, b in inside)
    assert all(s in starts for s, _, kind in doc.blocks if kind in ("heading", "term"))


def test_signature_is_the_section_of_its_description() -> None:
    doc = read(page("python3-doc/html/library/csv.html"))
    at = doc.text.index("Return the names of all registered dialects.")
    assert doc.section_at(at) == "csv.list_dialects()"
    assert "class csv.DictReader(f, fieldnames=None, restkey=None, restval=None, dialect='excel', *args, **kwds)" \
        in [s.title for s in doc.sections]
    assert doc.text.count("Create an object that operates like a regular reader") == 1


def test_a_superscript_reads_raised_not_as_part_of_the_number_before_it() -> None:
    """SQLite's limits page raises "31" in "2<sup>31</sup>-1": the text says 2^31-1 (2147483647), never 231-1."""
    doc = read(page("sqlite3/limits.html"))
    assert "a string or BLOB length up to 2^31-1 or 2147483647" in doc.text
    assert "231-1" not in doc.text and "is 2^64 (18446744073709551616" in doc.text


def test_faq_questions_are_headings_over_their_answers() -> None:
    doc = read(page("python3-doc/html/faq/programming.html"))
    question = "Why are default values shared between objects?"
    assert any(question in s.title for s in doc.sections)
    at = doc.text.index("Default values are created exactly once")
    assert question in (doc.section_at(at) or "")


def test_a_docbook_command_synopsis_is_code() -> None:
    doc = read(page("postgresql-doc-*/html/app-pg-ctl.html"))
    code = [doc.text[s:e] for s, e, kind in doc.blocks if kind == "code"]
    assert "pg_ctl start [-D datadir] [-l filename] [-W] [-t seconds] [-s] [-o options] [-p path] [-c]" in code
    assert "pg_ctl kill signal_name process_id" in code
    at = doc.text.index("pg_ctl status [-D datadir]")
    assert doc.section_at(at) == "Synopsis" and (at, at + len("pg_ctl status [-D datadir]")) in doc.sentences


def test_the_terms_of_a_docbook_entry_are_words_apart() -> None:
    doc = read(page("postgresql-doc-*/html/sql-createrole.html"))
    titles = [s.title for s in doc.sections]
    assert "SUPERUSER NOSUPERUSER" in titles and "LOGIN NOLOGIN" in titles
    assert "LOGINNOLOGIN" not in doc.text


def test_a_postgres_function_signature_is_the_section_of_its_description() -> None:
    """PostgreSQL's function tables hold a function per row: its signatures, its description, its examples."""
    doc = read(page("postgresql-doc-*/html/functions-string.html"))
    at = doc.text.index("Other NULL arguments are ignored.")
    assert doc.section_at(at) == 'concat_ws ( sep text, val1 "any" [, val2 "any" [, ...] ] ) → text'
    signature = doc.text.index("concat_ws ( sep text,")
    assert (signature, signature + len('concat_ws ( sep text, val1 "any" [, val2 "any" [, ...] ] ) → text'), "term") \
        in doc.blocks
    assert "concat_ws(',', 'abcde', 2, NULL, 22) → abcde,2,22" in doc.text.split("\n\n")
    doc = read(page("postgresql-doc-*/html/functions-aggregate.html"))  # a cell after the function's: a row's
    at = doc.text.index("Collects all the input values, including nulls, into an array.\n\nNo\n\n") + 64
    assert (at, at + 2, "table row") in doc.blocks and doc.section_at(at) == "array_agg ( anynonarray ) → anyarray"


def test_text_after_a_list_of_terms_is_the_section_that_held_the_list() -> None:
    doc = read(page("postgresql-doc-*/html/functions-string.html"))
    at = doc.text.index("Additional string manipulation functions and operators are available")
    assert doc.section_at(at) == "9.4. String Functions and Operators"  # after Table 9.9's last function
    doc = read(page("python3-doc/html/howto/logging.html"))
    at = doc.text.index("If there is no message format string, the default is to use the raw message.")
    assert doc.section_at(at) == "Formatters"  # after logging.Formatter.__init__'s description
    doc = read(page("python3-doc/html/library/csv.html"))
    at = doc.text.index("The csv module defines the following classes:")
    assert doc.section_at(at) == "Module Contents"  # after csv.field_size_limit()'s description
    # after the list of Sniffer's methods, inside the description of the class
    at = doc.text.index("Note: This method is a rough heuristic")
    assert doc.section_at(at) == "class csv.Sniffer"


def test_a_docbook_note_labels_its_text_and_heads_nothing_after_it() -> None:
    doc = read(page("postgresql-doc-*/html/functions-string.html"))
    at = doc.text.index("Note: The string concatenation operator (||) will accept non-string input")
    assert doc.section_at(at) == "9.4. String Functions and Operators"
    assert "Note" not in [s.title for s in doc.sections]


def test_asciidoc_note_reads_as_a_note() -> None:
    doc = read(page("git-doc/git-commit.html"))
    notes = [doc.text[s:e] for s, e, kind in doc.blocks if doc.text[s:e].startswith(("Note: ", "Warning: "))]
    assert notes and not any(doc.text[s:e].startswith("Note | ") for s, e, _ in doc.blocks)


def test_table_cells_are_kept_apart_and_code_keeps_its_lines() -> None:
    doc = read(page("python3-doc/html/library/shutil.html"))
    code = [doc.text[s:e] for s, e, kind in doc.blocks if kind == "code"]
    assert any("\n    " in block for block in code)  # indentation inside a code block
    assert doc.block_kind(doc.text.index(code[0]), doc.text.index(code[0]) + 1) == "code"
    rows = [doc.text[s:e] for s, e, kind in doc.blocks if kind == "table row"]
    assert all(" | " in row for row in rows if row.count(" ") > 3) or not rows


def test_doxygen_member_reads_as_its_signature_over_its_description_and_notes() -> None:
    """Doxygen lays a member out as a title with a "◆" permalink, a table holding its signature, its description,
    and notes whose labels ("Returns", "Note") sit above their text: the signature is the term over the
    description (so the member's section names it), a note reads with its label, and the mark is dropped."""
    doc = read(page("libjsoncpp-doc/class_json_1_1_value.html"))
    titles = [s.title for s in doc.sections]
    assert "isMember() [2/3] › bool Json::Value::isMember ( const char * key ) const" in titles
    assert not any("◆" in title for title in titles) and "◆" not in doc.text
    at = doc.text.index("Return true if the object has a member named key.\n\nNote: 'key' must be null-terminated.")
    assert doc.section_at(at).startswith("isMember() [2/3]")
    at = doc.text.index("Returns: non-zero, but JSON_ASSERT if this is neither object nor nullValue.")
    assert doc.section_at(at).startswith("demand() › Value * Json::Value::demand")
    # a group's heading heads an empty section: the first member after it is titled by itself, as the others are,
    # and a heading after a member with no description is not read under that member
    first = titles.index("Member Typedef Documentation")
    assert titles[first + 1] == "ArrayIndex › using Json::Value::ArrayIndex = Json::ArrayIndex"
    assert titles[titles.index("Member Function Documentation") - 1] == "~Value() › Json::Value::~Value ( )"


def test_a_sphinx_exception_is_a_signature_not_a_field_label() -> None:
    """Sphinx's exception is a list of class "py exception", Doxygen's list of exceptions one of class
    "exception": only Doxygen's is a label read into its text."""
    doc = read(page("python3-doc/html/library/csv.html"))
    assert "exception csv.Error" in [s.title for s in doc.sections]


def test_a_term_inside_another_terms_description_is_read_under_it() -> None:
    """A class's method (Sphinx) and an option's value (AsciiDoc) are terms nested in another term's description:
    their sections name the enclosing term, as the page nests them, so that "has_header" is cited as the
    Sniffer's and "strip" as the value of git commit's --cleanup."""
    doc = read(page("python3-doc/html/library/csv.html"))
    at = doc.text.index("Analyze the sample text (presumed to be in CSV format)")
    assert doc.section_at(at) == "class csv.Sniffer › has_header(sample)"
    doc = read(page("git-doc/git-commit.html"))
    at = doc.text.index("Strip leading and trailing empty lines")
    assert doc.section_at(at) == "--cleanup=<mode> › strip"
    assert "-p › --patch" in [s.title for s in doc.sections]  # a term of the page's own list stays as it is


def test_a_sphinx_source_link_is_not_part_of_its_signature() -> None:
    """Sphinx's viewcode extension puts a "[source]" link after each signature, which goes to the highlighted
    module (as "Show Source" goes to the page's source): navigation, not the signature's text."""
    doc = read(page("python-cookiecutter-doc/html/cookiecutter.html"))
    titles = [s.title for s in doc.sections]
    assert "class cookiecutter.environment.StrictEnvironment(**kwargs)" in titles
    assert "[source]" not in doc.text


def test_a_hand_written_pages_title_heads_it_and_its_own_contents_are_not_read() -> None:
    # SQLite's pages title themselves in a styled <div> and list their sections in a folding "Table Of Contents"
    doc = read(page("sqlite3/lang_select.html"))
    assert doc.sections[0].title.startswith("SELECT")
    assert doc.is_heading(doc.text.index("SELECT"), doc.text.index("SELECT") + len("SELECT"))
    assert doc.text.count("Special handling of CROSS JOIN") == 1  # its heading, not its line in the contents too
    assert "Table Of Contents" not in doc.text
    # an entry of the contents may link to another page as well ("2.9. Transient Database Used By VACUUM")
    assert "Table Of Contents" not in read(page("sqlite3/tempfiles.html")).text


def test_a_list_items_bold_title_is_the_section_of_its_paragraphs() -> None:
    doc = read(page("sqlite3/limits.html"))
    assert doc.section_at(doc.text.index("The default value of this macro is 1 billion")) \
        == "Maximum length of a string or BLOB"
    # the list's end ends the last item's section
    assert doc.section_at(doc.text.index("This page last modified")) == "Limits In SQLite"


def test_an_faqs_bold_question_is_the_section_of_its_answer() -> None:
    doc = read(page("sqlite3/faq.html"))
    assert doc.section_at(doc.text.index("Short answer: A column declared INTEGER PRIMARY KEY")) \
        == "(1) How do I create an AUTOINCREMENT field?"
    # an exclamation is no title: it stays a sentence of the text
    exclaimed = "(3) SQLite lets me insert a string into a database column of type integer!"
    at = doc.text.index(exclaimed)
    assert not doc.is_heading(at, at + len(exclaimed))
    assert not (doc.section_at(doc.text.index("This is a feature, not a bug.")) or "").startswith("(3)")


def test_a_statements_forms_in_bold_with_italic_placeholders_title_its_description() -> None:
    # "<p><b>PRAGMA optimize;<br>PRAGMA optimize(</b><i>MASK</i><b>);</b></p>": the pragma's forms over what it does;
    # read as text, its description fell under the pragma before it
    doc = read(page("sqlite3/pragma.html"))
    assert (doc.section_at(doc.text.index("To achieve the best long-term query performance")) or "") \
        .startswith("PRAGMA optimize;")
    assert doc.section_at(doc.text.index("This pragma returns a list of virtual table")) == "PRAGMA module_list;"


def test_the_two_flavours_of_a_node_example_are_two_code_blocks() -> None:
    # Node.js's pages hold each example twice in one <pre>, as ES modules and as CommonJS, and show one at a time:
    # read as one block, "// => undefined" and "const { env } = ..." ran together into a line the page never shows
    from .installed import installed

    doc = read(installed("/usr/share/doc/nodejs/api/process.html", "nodejs"))
    code = [doc.text[s:e] for s, e, kind in doc.blocks if kind == "code"]
    assert "undefinedconst" not in doc.text
    first = next(n for n, c in enumerate(code) if "delete env.TEST;" in c)
    assert code[first].startswith("import { env } from 'node:process';") and code[first].endswith("// => undefined")
    assert code[first + 1].startswith("const { env } = require('node:process');")
