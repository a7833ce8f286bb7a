"""A question that names a reference's entry by its name ("What does the HAVING clause do?", "What is the default
value of Timeout?") gets the entry's first sentences as candidates, wherever retrieval ranks its passage: a page of
many entries alike (Apache's core directives, each saying "timeout") need not put it among the best. An API
entry is one too ("What does prefetch_related do?"). On real pages (PostgreSQL's SELECT, Python's csv module), the
real index."""
from __future__ import annotations

import glob

import pytest

from qa.answering.quotes import entry_units, rank
from qa.answering.sentence_stats import ENTRY_SENTENCES, asked_entries, entry_name, stats

from ..conftest import index_of
from ..ingest.installed import installed


@pytest.fixture(scope="module")
def select_page(tmp_path_factory):
    found = sorted(glob.glob("/usr/share/doc/postgresql-doc-*/html/sql-select.html"))
    path = installed(found[-1] if found else "/usr/share/doc/postgresql-doc-15/html/sql-select.html",
                     "postgresql-doc")
    return index_of(tmp_path_factory.mktemp("entries"), {"sql-select.html": path.read_text(encoding="utf-8")})


def _texts(index, ids) -> list[str]:
    return [index.documents[index.sentences[i].source].text[index.sentences[i].start:index.sentences[i].end]
            for i in ids]


def test_the_sections_a_page_heads_with_a_name_and_its_kind_are_entries(select_page) -> None:
    st = stats(select_page)
    assert {"union", "where", "having", "group by", "order by", "limit"} <= set(st.entries)
    assert all(len(ids) <= ENTRY_SENTENCES for ids in st.entries.values())
    # a heading of prose is no entry, nor is a section of a plain text (its headings are guessed)
    assert entry_name("Description") is None and entry_name("Writing custom commands") is None


@pytest.mark.parametrize(("question", "names"), [
    ("What does the HAVING clause do?", ("having",)), ("What does GROUP BY do?", ("group by",)),
    ("When is the WHERE clause applied?", ("where",)),
    # a word of the question's own, not written as a name nor beside its kind
    ("How do I group rows and order them?", ()), ("What does union mean?", ()),
])
def test_a_question_names_an_entry_as_a_name_or_beside_its_kind(select_page, question, names) -> None:
    assert asked_entries(question, stats(select_page)) == names


def test_an_entry_the_question_names_brings_its_first_sentences_as_candidates(select_page) -> None:
    question = "What does the HAVING clause do?"
    found = entry_units(select_page, stats(select_page), question, None)
    texts = _texts(select_page, found)
    assert texts[0] == "The optional HAVING clause has the general form"
    assert all(select_page.documents["sql-select.html"].section_at(select_page.sentences[i].start).endswith(
        "HAVING Clause") for i in found)
    ranking = rank(select_page, question)
    assert set(found) <= {i for unit in ranking.units for i in unit.ids}
    assert entry_units(select_page, stats(select_page), question, frozenset({"other.html"})) == []


@pytest.fixture(scope="module")
def csv_page(tmp_path_factory):
    path = installed("/usr/share/doc/python3-doc/html/library/csv.html", "python3-doc")
    return index_of(tmp_path_factory.mktemp("csv"), {"csv.html": path.read_text(encoding="utf-8")})


@pytest.mark.parametrize(("question", "names", "opening"), [
    # an API entry, named as written in code or by its own name beside its kind
    ("What does csv.DictReader do?", ("csv.dictreader",), "Create an object that operates like a regular reader"),
    ("What does the writerow method do?", ("writerow",), "Write the row parameter to the writer"),
    ("How do I read a csv file?", (), None),
])
def test_an_api_entry_the_question_names_brings_its_first_sentences(csv_page, question, names, opening) -> None:
    st = stats(csv_page)
    assert asked_entries(question, st) == names
    texts = _texts(csv_page, entry_units(csv_page, st, question, None))
    assert (texts[0].startswith(opening) if opening else texts == [])
