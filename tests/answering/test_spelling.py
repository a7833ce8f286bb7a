"""Typing slips: a question word that is no English word and that the documents never use is searched as the
nearest word they use, the answer says so, and everything else is taken as typed. Real index, real model."""
from __future__ import annotations

import dataclasses

import pytest

from qa import ask
from qa.answering import spelling
from qa.answering.paraphrase import wordnet
from qa.app.export import conversation_markdown
from qa.app.ui import answer_html
from qa.cli_text import render_text

from ..conftest import index_of

pytestmark = pytest.mark.skipif(wordnet() is None, reason="WordNet (Debian's wordnet-base) is not installed")

MANUAL = """# notes manual

## Branches

Every branch holds its own notes. To rename a branch, run notes branch --move with the old and the new name.
Deleting a branch keeps its notes in the trash for a week.

## Sorting

The list command shows notes by date. Sorting by title needs the --by-title option; a string of words in
quotes sorts as one title. Each string is compared as a whole string, and every string ignores case.

## Sync

The sync command copies the notes to the remote server every hour.

## Limits

A sync stops after a time-out of ten minutes. Its state-of-the-art engine keeps going.
"""


@pytest.fixture(scope="module")
def manual(tmp_path_factory):
    return index_of(tmp_path_factory.mktemp("spelling"), {"notes.md": MANUAL})


def test_a_slip_is_searched_as_the_word_the_documents_use(manual) -> None:
    typed = ask("How do I rename a brnach?", index=manual)
    right = ask("How do I rename a branch?", index=manual)
    assert typed.corrections == (("brnach", "branch"),)
    assert typed.question == "How do I rename a brnach?"  # the question stays as it was asked
    assert [(q.source, q.start, q.end) for q in typed.quotes] == [(q.source, q.start, q.end) for q in right.quotes]
    assert typed.confidence == right.confidence
    assert right.corrections == ()
    assert typed.to_dict()["corrections"] == [{"typed": "brnach", "read": "branch"}]


def test_a_word_the_documents_write_with_a_hyphen_is_read_as_they_write_it(manual) -> None:
    # "timeout" is an English word, and the documents never use it: they write "time-out"
    answer = ask("How long is the sync timeout?", index=manual)
    assert answer.corrections == (("timeout", "time-out"),)
    assert "time-out of ten minutes" in answer.quotes[0].text
    # only two words joined: a longer chain is no compound of two
    assert spelling.corrections("Is the stateoftheart engine fast?", manual) == ()


def test_two_letters_swapped_read_as_the_word_with_the_same_letters(manual) -> None:
    # "sotring" is one edit from "string" (far more frequent here) and from "sorting" (two letters swapped)
    assert spelling.corrections("How does sotring by title work?", manual) == (("sotring", "sorting"),)


@pytest.mark.parametrize("question", [
    "Who is the duke of the notes?",  # an English word the documents do not use: they do not answer it
    "Does notes sync with Dropbx?",  # typed with a capital: a name, taken as meant
    "Does notes export to XSLX?",  # an acronym
    "How do I sync the xlsx files?",  # no word of the documents is that near
    "What does the lst command show?",  # three letters or fewer
    "Why wasn't the list sorted?",  # a contraction ("wasn" alone is no word)
])
def test_words_taken_as_typed(manual, question) -> None:
    assert spelling.corrections(question, manual) == ()


def test_nothing_is_corrected_when_asked_not_to_or_without_wordnet(manual, monkeypatch) -> None:
    off = dataclasses.replace(manual.config, correct_spelling=False)
    assert ask("How do I rename a brnach?", index=manual, config=off).corrections == ()
    monkeypatch.setattr(spelling, "wordnet", lambda: None)
    assert spelling.corrections("How do I rename a brnach?", manual) == ()


def test_every_view_says_what_was_read(manual) -> None:
    answer = ask("How often does the snyc command copy the notes?", index=manual).to_dict()
    assert answer["corrections"] == [{"typed": "snyc", "read": "sync"}]
    said = "Read “snyc” as “sync”: the documents never use the word as typed."
    assert said in answer_html(answer)
    assert said in render_text(answer)
    assert said in conversation_markdown([{"question": answer["question"], "answer": answer}])
    quiet = ask("How often does the sync command copy the notes?", index=manual).to_dict()
    assert "Read “" not in answer_html(quiet) + render_text(quiet)
