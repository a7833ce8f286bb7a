"""Hostile questions, k and sources through qa.ask: a clear QuestionError or DocumentNotFoundError, or a
clean answer, never a traceback."""
from __future__ import annotations

import pytest

from qa import (
    DocumentNotFoundError,
    QuestionError,
    ask,
)


@pytest.mark.parametrize(("question", "message"), [
    ("", "The question is empty"),
    (" \t\n\x00\x1b ", "The question is empty"),
    ("x" * 100_000, "The question is 100,000 characters long; the limit is 2,000"),
    ("x \ud800", r"not valid Unicode text \(a lone surrogate U\+D800 at position 2\)"),
    ("x \udcff", r"bytes that are not valid UTF-8 \(byte 0xff at position 2\)"),
    (b"bytes?", "The question must be text"),
])
def test_bad_questions_are_clear_errors(hostile_index, question, message):
    """A lone surrogate (or undecodable byte) is a QuestionError, not a TypeError in the tokenizer."""
    with pytest.raises(QuestionError, match=message):
        ask(question, index=hostile_index)


@pytest.mark.parametrize(("question", "echo"), [
    ("When was the\x1b lighthouse\x07\x9b built?\r\n", "When was the lighthouse built?"),
    ("متى بُني المنار؟ When was the lighthouse built?", "متى بُني المنار؟ When was the lighthouse built?"),
    ("🏰 When was the lighthouse built? 🤔", "🏰 When was the lighthouse built? 🤔"),
    ("<script>alert(1)</script> When was the lighthouse built?",
     "<script>alert(1)</script> When was the lighthouse built?"),
])
def test_odd_questions_get_a_clean_answer(hostile_index, question, echo):
    answer = ask(question, index=hostile_index)
    assert answer.question == echo
    assert not answer.abstained and answer.quotes[0].text == "The Harbour Lighthouse was built in 1871."
    for q in answer.quotes:
        assert hostile_index.documents[q.source].text[q.start:q.end] == q.text


@pytest.mark.parametrize(("k", "message"), [
    (3.5, r"k must be a whole number between 1 and 20 \(got 3\.5\)"),
    ("3", r"k must be a whole number between 1 and 20 \(got '3'\)"),
    (None, r"k must be a whole number between 1 and 20 \(got None\)"),
    (True, r"k must be a whole number"),
    (0, r"k must be between 1 and 20 \(got 0\)"),
    (21, r"k must be between 1 and 20 \(got 21\)"),
])
def test_k_must_be_a_whole_number_in_range(hostile_index, k, message):
    """k=3.5, "3" and None are QuestionErrors, not TypeErrors."""
    with pytest.raises(QuestionError, match=message):
        ask("When was the lighthouse built?", index=hostile_index, k=k)


def test_empty_sources_means_all_documents(hostile_index):
    """Sources=[] means every document, in the Python API as in the web API."""
    everything = ask("When was the mill built?", index=hostile_index).to_dict()
    assert ask("When was the mill built?", index=hostile_index, sources=[]).to_dict() == everything
    assert not everything["abstained"]


def test_a_single_source_name_is_not_split_into_letters(hostile_index):
    """Sources="name" is that one document."""
    answer = ask("When was the mill built?", index=hostile_index, sources="mill.md", k=5)
    assert not answer.abstained and {q.source for q in answer.quotes} == {"mill.md"}


@pytest.mark.parametrize(("sources", "error", "message"), [
    (["nope.txt"], DocumentNotFoundError, "No document 'nope.txt'"),
    ([1], QuestionError, "sources must be document names as text"),
    (5, QuestionError, "sources must be a list of document names"),
])
def test_bad_sources_are_clear_errors(hostile_index, sources, error, message):
    with pytest.raises(error, match=message):
        ask("When was it built?", index=hostile_index, sources=sources)
