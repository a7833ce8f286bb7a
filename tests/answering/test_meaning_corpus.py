"""Conflicts in meaning through ``ask`` on real indexes (real model, real FAISS, spaCy's recogniser): the
default corpus's sources agree on who fought, who won and where, and are never flagged for it; two made-up
sources that name different sides or places, or where one denies what the other affirms, are."""
from __future__ import annotations

import pytest

from qa import ask

from ..conftest import index_of


@pytest.mark.parametrize("question", [
    "Who won the Battle of Khalkhin Gol?",
    "Which side won at Khalkhin Gol?",
    "Who fought in the Battle of Khalkhin Gol?",
    "Who fought the Japanese at Khalkhin Gol?",
    "Where was the Battle of Khalkhin Gol fought?",
    "Where did the Soviet Union and Japan sign the neutrality pact?",
    "Who signed the neutrality pact?",
    "Who attacked Pearl Harbor?",
    "Did Japan join Germany against the Soviet Union?",
])
def test_the_default_corpus_sources_agreeing_in_other_words_are_not_a_conflict(default_index, question):
    answer = ask(question, index=default_index)
    assert not answer.conflict, answer.conflict_note


# Each source names only its own winner: a source that names the other's answer anywhere agrees with it.
ARCHIVE = ("The Battle of the Fords was fought in 1802 at the river crossing. "
           "The Duchy of Vesk won the Battle of the Fords after a long siege.\n\n"
           "The Treaty of the Fords was signed in Tarnow.\n\nThe treaty kept the peace for a generation.")
CHRONICLE = ("Travellers still visit the old river crossing. The Kingdom of Arland won the Battle of the Fords "
             "in a single afternoon.\n\nThe Treaty of the Fords was signed in Ostrava.\n\nThe treaty did not keep "
             "the peace.")


@pytest.fixture(scope="module")
def two_chronicles(tmp_path_factory):
    return index_of(tmp_path_factory.mktemp("chronicles"), {"archive.txt": ARCHIVE, "chronicle.txt": CHRONICLE})


@pytest.mark.parametrize(("question", "sides"), [
    ("Which side won the Battle of the Fords?", ("Vesk", "Arland")),
    ("Where was the Treaty of the Fords signed?", ("Tarnow", "Ostrava")),
    ("Did the treaty keep the peace?", ("kept the peace", "did not keep the peace")),
])
def test_sources_that_differ_in_meaning_are_flagged_with_both_sides(two_chronicles, question, sides):
    answer = ask(question, index=two_chronicles)
    assert answer.conflict and not answer.abstained, answer
    assert all(s in answer.conflict_note for s in sides), answer.conflict_note
    assert {q.source for q in answer.quotes} == {"archive.txt", "chronicle.txt"}
    for q in answer.quotes:
        assert two_chronicles.documents[q.source].text[q.start:q.end] == q.text
    assert not ask(question, index=two_chronicles, config=two_chronicles.config.with_(meaning_conflicts=False)).conflict


def test_each_sources_column_says_the_name_it_gives(two_chronicles):
    from qa.app import ui

    answer = ask("Which side won the Battle of the Fords?", index=two_chronicles)
    html = ui.answer_html(answer.to_dict())
    assert html.count('<h3 class="qa-side-head">') == 2
    assert "says The Duchy of Vesk" in html and "says The Kingdom of Arland" in html
    assert '<mark class="qa-diff">The Duchy of Vesk</mark>' in html
