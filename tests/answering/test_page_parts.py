"""Parts of a page that are not sentences of its text: a label over a diagram or a list, which says nothing a
quote can show, and a table's first row, which names its columns for every row below. Real pages (SQLite's
hand-written HTML, PostgreSQL's DocBook), the real model and index."""
from __future__ import annotations

import glob

import pytest

from qa import ask
from qa.answering.features import unit_text
from qa.answering.quotes import rank
from qa.answering.structure import quoted_text

from ..conftest import index_of
from ..ingest.installed import installed

SQLITE = "/usr/share/doc/sqlite3"


@pytest.fixture(scope="module")
def sqlite_pages(tmp_path_factory):
    pages = {name: installed(f"{SQLITE}/{name}", "sqlite3-doc").read_text(encoding="utf-8")
             for name in ("lang_returning.html", "wal.html", "lang_select.html")}
    return index_of(tmp_path_factory.mktemp("sqlite"), pages)


@pytest.mark.parametrize("question", ["What does the RETURNING clause do?", "What is write-ahead logging?",
                                      "What does a SELECT statement return?"])
def test_a_label_of_what_a_quote_cannot_show_is_never_quoted(sqlite_pages, question) -> None:
    # "returning-clause:" labels a syntax diagram (a drawing): alone, it says nothing, and it was once the best
    # match of all for the question it names. "Advantages include:" over a list of four is quoted with its list.
    units = rank(sqlite_pages, question).units
    labels = [u for u in units if unit_text(sqlite_pages, u).endswith(":")
              and len(unit_text(sqlite_pages, u).split()) <= 4]
    assert units and all(quoted_text(sqlite_pages, u) != unit_text(sqlite_pages, u) for u in labels)
    assert "returning-clause:" not in [unit_text(sqlite_pages, u) for u in units]
    answer = ask(question, index=sqlite_pages)
    assert not answer.abstained and not answer.quotes[0].text.endswith(":")


def test_a_sentence_ending_in_a_colon_is_quoted_with_the_short_list_it_introduces(sqlite_pages) -> None:
    # WAL's "Advantages include:" and its four items; "But there are also disadvantages:" and its five, a second
    # list, are not part of it. The quote is still the page's own text, at its offsets.
    doc = sqlite_pages.documents["wal.html"]
    start = doc.text.index("Advantages include:")
    end, code_start, _ = doc.with_code(start, start + len("Advantages include:"))
    assert code_start is None
    assert doc.text[start:end].endswith("the fsync() system call is broken.")
    assert doc.text[start:end].count("\n\n") == 4
    answer = ask("What are the advantages of WAL?", index=sqlite_pages)
    quotes = [q for q in answer.quotes if q.text.startswith("Advantages include:")]
    assert quotes and "WAL is significantly faster in most scenarios." in quotes[0].text
    assert all(q.text == sqlite_pages.documents[q.source].text[q.start:q.end] for q in answer.quotes)
    # its items are in that quote, so none of them is quoted again on its own
    assert not [q for q in answer.quotes if q is not quotes[0] and q.start > start and q.end <= quotes[0].end]


def test_a_table_row_is_read_under_the_names_of_its_columns(tmp_path) -> None:
    # PostgreSQL's table of numeric types: "integer | 4 bytes | typical choice for integer | -2147483648 to
    # +2147483647" says "range" only in the table's first row, "Name | Storage Size | Description | Range"
    found = sorted(glob.glob("/usr/share/doc/postgresql-doc-*/html/datatype-numeric.html"))
    path = installed(found[-1] if found else "/usr/share/doc/postgresql-doc-15/html/datatype-numeric.html",
                     "postgresql-doc")
    index = index_of(tmp_path, {"datatype-numeric.html": path.read_text(encoding="utf-8")})
    ranking = rank(index, "What is the range of the integer type?")
    rows = {unit_text(index, u): f for u, f in zip(ranking.units, ranking.features)}
    row = next(f for text, f in rows.items() if text.startswith("integer | 4 bytes"))
    assert row["coverage_heading"] == 1.0  # "range", "integer" and "type" all name it
    doc = index.documents["datatype-numeric.html"]
    first = doc.text.index("integer | 4 bytes")
    header = doc.table_header(first)
    assert header is not None and doc.text[header[0]:header[1]].startswith("Name | Storage Size")
    assert doc.table_header(header[0]) is None  # the first row heads no row of its own table


@pytest.fixture(scope="module")
def git_pages(tmp_path_factory):
    # Few candidates, so that a sentence is a candidate because of where it stands, not because retrieval found
    # it among a handful of pages
    pages = {name: installed(f"/usr/share/doc/git-doc/{name}", "git-doc").read_text(encoding="utf-8")
             for name in ("git-revert.html", "git-add.html", "git-reset.html", "git-gc.html")}
    return index_of(tmp_path_factory.mktemp("git"), pages, candidates=3, quote_chunks=3, quote_sentences=3)


def test_a_page_the_question_names_is_read_where_it_introduces_itself(git_pages) -> None:
    # "What does git revert do?" names git-revert(1) whole: its NAME line and its Description's first sentence
    # are candidates, though "revert" is said on other pages too (git-add's interactive "revert" command)
    ranking = rank(git_pages, "What does git revert do?")
    texts = [unit_text(git_pages, unit) for unit in ranking.units]
    assert "git-revert - Revert some existing commits" in texts
    assert any(t.startswith("Given one or more existing commits, revert the changes") for t in texts), texts
    # and the sentences after it in its section, a few of them
    assert any(t.startswith("Note: git revert is used to record some new commits") for t in texts), texts
    assert unit_text(git_pages, ranking.units[0]).startswith(("git-revert - ", "Given one or more existing"))
    # git(1) names no page here, and git-gc(1) is named only with both its words: "gc" alone is no page's name
    for other in ("What does git do with a commit?", "What does gc mean?"):
        found = [unit_text(git_pages, unit) for unit in rank(git_pages, other).units]
        assert not [t for t in found if t.startswith(("git-gc - ", "git-revert - "))], (other, found)


@pytest.fixture(scope="module")
def node_path(tmp_path_factory):
    # Node.js's reference for its path module, as the nodejs and nodejs-doc packages ship it (Debian's compressed)
    from ..ingest.test_real_markdown import markdown_of, page

    return index_of(tmp_path_factory.mktemp("node"), {"path.md": markdown_of(page("path"))})


def test_a_section_opens_with_its_first_sentence_after_the_entrys_particulars(node_path) -> None:
    # Under `path.join([...paths])` come its parameter ("`...paths` {string} ...") and "Returns: {string}", then
    # what it does: that sentence opens the section, so "What does path.join do?" is answered by it, not by a
    # parameter's line. A section with nothing but particulars under its heading still opens with the first.
    from qa.answering.sentence_stats import stats
    from qa.answering.structure import opens_section
    from qa.records import Unit

    doc, st = node_path.documents["path.md"], stats(node_path)

    def opens(words: str) -> bool:
        at = doc.text.index(words)
        i = next(i for i in st.doc_sentences["path.md"] if node_path.sentences[i].start <= at
                 < node_path.sentences[i].end)
        return opens_section(st, node_path, Unit.of(i))

    joined = doc.text.index("path.join([...paths])", doc.text.index("path.isAbsolute"))
    assert not opens(doc.text[doc.text.index("...paths", joined):][:8])
    assert not opens(doc.text[doc.text.index("Returns:", joined):][:8])
    assert opens("method joins all given")
    answer = ask("What does path.join do?", index=node_path)
    assert "method joins all given path segments together" in answer.quotes[0].text
    assert answer.quotes[0].text == doc.text[answer.quotes[0].start:answer.quotes[0].end]


@pytest.mark.parametrize(("question", "entry", "says"), [
    ("How do I get the directory name of a path?", "path.dirname(path)", "returns the directory name of a path"),
    ("How do I check whether a path is absolute?", "path.isAbsolute(path)", "determines if the literal path is"),
])
def test_a_how_to_question_is_answered_where_an_api_entry_says_what_it_does(node_path, question, entry, says):
    # The sentence that opens an API entry's section (after its particulars) says what the call does; for a
    # question asking how to do that, it is the answer (api_procedure, fitted on documentation questions). Without
    # it, the module's introduction and an example's edge case came first.
    ranking = rank(node_path, question)
    top = unit_text(node_path, ranking.units[0])
    assert says in top and ranking.features[0]["api_procedure"] == 1.0
    answer = ask(question, index=node_path)
    assert answer.quotes[0].section == entry and says in answer.quotes[0].text
    # the same entry, asked what it returns rather than how to do something: no how-to question, no such weight
    assert not any(row["api_procedure"] for row in rank(node_path, f"What does {entry.split('(')[0]} return?").features)


def test_a_label_with_its_value_is_one_of_the_entrys_particulars(tmp_path) -> None:
    # Python's module pages open with "Source code: Lib/tomllib" under their title: a label and its value, not
    # what the module is. The sentence after it opens the section, so "What is tomllib?" is answered by it.
    page = installed("/usr/share/doc/python3-doc/html/library/tomllib.html", "python3-doc")
    index = index_of(tmp_path, {"tomllib.html": page.read_text(encoding="utf-8")})
    answer = ask("What is tomllib?", index=index)
    assert answer.quotes[0].text.startswith("This module provides an interface for parsing TOML")


@pytest.mark.parametrize(("heading", "entry"), [
    ("str.find(sub[, start[, end]])", True), ("class csv.DictReader(f, fieldnames=None)", True),
    ("Static method: Buffer.alloc(size[, fill[, encoding]])", True), ("os.tmpdir()", True), ("os.EOL", True),
    ("credential.helper", True), ("pop [--index] [-q|--quiet] [<stash>]", True), ("trim(X,Y)", True),
    (":type ⟨expression⟩", True), (":type +v ⟨expression⟩", True), (":all-types", False),
    ("Function: xsltApplyStylesheet", True), ("Macro: LIBXSLT_VERSION", True), ("Function: what it does", False),
    ("branch", False), ("8.1.2", False), ("Installation [optional]", False), ("Event: 'close'", False),
    ("Description", False),
])
def test_an_api_entry_is_named_by_its_heading(heading, entry) -> None:
    from qa.answering.structure import API_HEADING

    assert bool(API_HEADING.fullmatch(heading)) is entry


def test_a_subcommand_with_its_arguments_is_an_api_entry(tmp_path) -> None:
    # git stash's "pop [--index] [-q|--quiet] [<stash>]" documents a subcommand as a reference documents a call: the
    # sentence that opens it says what it does, which a how-to question asks for
    page = installed("/usr/share/doc/git-doc/git-stash.html", "git-doc")
    index = index_of(tmp_path, {"git-stash.html": page.read_text(encoding="utf-8")})
    ranking = rank(index, "How do I take the changes of a stash back and drop it?")
    rows = {unit_text(index, u): row for u, row in zip(ranking.units, ranking.features)}
    pop = next(t for t in rows if t.startswith("Remove a single stashed state from the stash list and apply it"))
    assert rows[pop]["api_procedure"] == 1.0


@pytest.mark.parametrize(("line", "stamp"), [
    ("Added in: v0.1.16", True), ("New in version 3.8.", True), ("Since: 6.8.1", True),
    ("New in Cookiecutter 1.1", True), ("Changed in version 3.7: The level parameter was defaulted.", False),
    ("New in this release, three bugs were fixed.", False),
])
def test_a_version_stamp_is_told_from_a_note_on_a_version(line, stamp) -> None:
    from qa.answering.structure import VERSION_STAMP

    assert bool(VERSION_STAMP.fullmatch(line)) is stamp


def test_a_question_comparing_two_entries_is_answered_about_each(tmp_path) -> None:
    # Node.js's path module: "path.join vs path.resolve" finds path.resolve's section first and most, and a user
    # asking for a comparison must also read what path.join does
    page = installed("/usr/share/doc/nodejs/api/path.html", "nodejs-doc")
    index = index_of(tmp_path, {"path.html": page.read_text(encoding="utf-8")})
    answer = ask("path.join vs path.resolve", index=index)
    sections = [q.section or "" for q in answer.quotes]
    assert any("path.join(" in s for s in sections) and any("path.resolve(" in s for s in sections), sections
    assert answer.quotes[0].score == max(q.score for q in answer.quotes)  # still best first


@pytest.mark.parametrize(("page", "question", "alone"), [
    # "There's also a Random class ..." follows the FAQ's list of random functions and leans on the list as a whole;
    # quoted with the list's last item ("shuffle(L) shuffles a list in-place ...") it read as one claim of the two
    ("faq/library.html", "How do I generate random numbers in Python?", "There’s also a Random class"),
    # "The latter two functions ..." follows heapq's list of entries, not nsmallest()'s description alone: it is read
    # under the page's own section again
    ("library/heapq.html", "Which heapq functions perform best for smaller values of n?",
     "The latter two functions perform best for smaller values of n."),
])
def test_prose_after_a_list_a_table_or_another_section_is_not_joined_to_its_last_part(tmp_path, page, question,
                                                                                       alone) -> None:
    html = installed(f"/usr/share/doc/python3-doc/html/{page}", "python3-doc")
    index = index_of(tmp_path, {"page.html": html.read_text(encoding="utf-8")})
    ranking = rank(index, question)
    doc = index.documents["page.html"]
    assert any(unit_text(index, u).startswith(alone) for u in ranking.units)
    for unit in ranking.units:
        if unit.is_pair:
            first, second = index.sentences[unit.first], index.sentences[unit.last]
            assert doc.section_at(first.start) == doc.section_at(second.start), unit_text(index, unit)
            assert not (doc.block_kind(first.start, first.end) in ("table row", "list item")
                        and doc.block_kind(second.start, second.end) == "text"), unit_text(index, unit)
