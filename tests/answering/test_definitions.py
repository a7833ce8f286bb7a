"""A question asking what a thing is, read under the heading that names that thing alone ("Generators") before a
heading that names something beside it ("Passing values into a generator", "9.10. Generator Expressions"), on
real pages (Python's functional programming HOWTO and its tutorial's classes chapter, PostgreSQL's inheritance
chapter), the real model and index."""
from __future__ import annotations

import glob

import pytest

from qa import ask
from qa.answering.features import unit_text
from qa.answering.quotes import rank

from ..conftest import index_of
from ..ingest.installed import installed


@pytest.fixture(scope="module")
def python_pages(tmp_path_factory):
    texts = {page.replace("/", "_"): installed(f"/usr/share/doc/python3-doc/html/{page}", "python3-doc")
             .read_text(encoding="utf-8") for page in ("howto/functional.html", "tutorial/classes.html")}
    return index_of(tmp_path_factory.mktemp("definitions"), texts)


def _lead_definition(index, question: str, opening: str) -> float:
    ranking = rank(index, question)
    return next(f["lead_definition"] for u, f in zip(ranking.units, ranking.features)
                if unit_text(index, u).startswith(opening))


def test_a_section_named_by_the_asked_thing_alone_defines_it_more_than_one_naming_more(python_pages) -> None:
    question = "What is a generator?"
    assert _lead_definition(python_pages, question, "Generators are a special class of functions") == 1.0
    assert _lead_definition(python_pages, question, "In Python 2.4 and earlier, generators only") == 0.5
    assert _lead_definition(python_pages, question, "Some simple generators can be coded succinctly") == 0.5
    # the two first quotes come from the sections about generators alone; without the reading, the second came
    # from "Passing values into a generator"
    answer = ask(question, index=python_pages)
    assert all(q.section.rsplit(" › ", 1)[-1] in ("Generators", "9.9. Generators") for q in answer.quotes[:2])
    for quote in answer.quotes:
        assert quote.text == python_pages.documents[quote.source].text[quote.start:quote.end]


def test_a_section_number_is_no_name_beside_the_asked_thing(tmp_path) -> None:
    found = sorted(glob.glob("/usr/share/doc/postgresql-doc-*/html/ddl-inherit.html"))
    path = installed(found[-1] if found else "/usr/share/doc/postgresql-doc-15/html/ddl-inherit.html",
                     "postgresql-doc")
    index = index_of(tmp_path, {"ddl-inherit.html": path.read_text(encoding="utf-8")})
    # "5.10. Inheritance" names inheritance alone
    assert _lead_definition(index, "What is table inheritance?", "PostgreSQL implements table inheritance") == 1.0
