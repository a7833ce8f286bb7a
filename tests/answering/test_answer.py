"""Answers on the default corpus: verbatim quotes, abstention, conflicts, bad input — real model and index."""
from __future__ import annotations

import dataclasses
import json
import subprocess
import sys

import pytest

from qa import QuestionError, VerificationError, ask, verify

from ..conftest import BLOG, ROOT, WIKI, index_of

NOISE = (" ...", "Coox", "{{", "DEFAULTSORT", "TheInfoList", "Pingback", "Leave a Reply", "Copyright",
         "email address will not be published", "Most Recent Stories")

ANSWERABLE = [
    ("When did the Battle of Lake Khasan take place?", "July 29, 1938"),
    ("How many Soviet soldiers were killed in the Kanchazu Island incident?", "37 Soviet soldiers"),
    ("Which river passes through the Khalkhin Gol battlefield?", "Halha River"),
    ("When did the Soviet Union and Japan agree to a cease-fire after Khalkhin Gol?", "15 September"),
    ("How many tanks did the Soviets supply to the Chinese?", "82"),
]


def _check(answer, index):
    for q in answer.quotes + answer.related:
        doc = index.documents[q.source]
        assert doc.text[q.start:q.end] == q.text
        assert q.context[q.start - q.context_start:][: len(q.text)] == q.text
        assert not any(marker in q.text for marker in NOISE), q.text
    for q in answer.quotes:
        verify(q, index)
    spots = [(q.source, q.start) for q in answer.quotes]
    assert len(spots) == len(set(spots)), "the same place quoted twice"


@pytest.mark.parametrize(("question", "expected"), ANSWERABLE)
def test_answerable_questions_are_answered_with_the_right_quote(default_index, question, expected):
    answer = ask(question, index=default_index)
    _check(answer, default_index)
    assert not answer.abstained
    assert any(expected in q.text for q in answer.quotes), [q.text for q in answer.quotes]
    for q in answer.quotes:
        assert q.title and q.kind and q.line and q.line >= 1


@pytest.mark.parametrize("question", [
    "Who painted the Mona Lisa?",
    "How do I bake sourdough bread?",
    "What is the boiling point of water at sea level?",
    "Wer hat die Mona Lisa gemalt?",
    "モナ・リザを描いたのは誰ですか？",
])
def test_far_questions_abstain(default_index, question):
    answer = ask(question, index=default_index)
    _check(answer, default_index)
    assert answer.abstained and answer.quotes == ()
    assert answer.to_dict()["quotes"] == []


def test_conflicting_sources_are_both_shown(default_index):
    answer = ask("How long did the Soviet–Japanese Neutrality Pact remain in effect?", index=default_index)
    _check(answer, default_index)
    assert answer.conflict and not answer.abstained
    assert {q.source for q in answer.quotes} == {BLOG, WIKI}
    assert {q.kind for q in answer.quotes} == {"blog", "encyclopedia mirror"}
    assert "decade" in answer.conflict_note and "1946" in answer.conflict_note


@pytest.mark.parametrize("question", ["When was the Battle of Lake Khasan?", "When was the Battle of Khalkhin Gol?"])
def test_agreeing_answer_is_not_a_conflict(default_index, question):
    answer = ask(question, index=default_index)
    assert not answer.abstained
    assert not answer.conflict and answer.conflict_note is None


def test_sources_filter(default_index):
    answer = ask("What happened at Khalkhin Gol?", index=default_index, sources=[BLOG], k=5)
    assert answer.quotes and {q.source for q in answer.quotes} == {BLOG}
    with pytest.raises(Exception, match="python -m qa docs"):
        ask("What happened at Khalkhin Gol?", index=default_index, sources=["missing.txt"])


@pytest.mark.parametrize(("question", "message"), [
    ("", "empty"),
    ("   \n\t ", "empty"),
    ("\x00\x01\x02", "empty"),
    ("why " * 25_000, "limit is"),
])
def test_bad_questions_get_clear_errors(default_index, question, message):
    with pytest.raises(QuestionError, match=message):
        ask(question, index=default_index)


def test_control_characters_are_ignored(default_index):
    answer = ask("When did the Battle of\x00 Lake Khasan\x1b take place?\x7f", index=default_index)
    assert answer.question == "When did the Battle of Lake Khasan take place?"
    assert not answer.abstained


def test_verify_rejects_altered_quotes(default_index):
    quote = ask("When did the Battle of Lake Khasan take place?", index=default_index).quotes[0]
    with pytest.raises(VerificationError, match="does not match"):
        verify(dataclasses.replace(quote, text=quote.text.replace("1938", "1939")), default_index)
    with pytest.raises(VerificationError, match="changed"):
        verify(dataclasses.replace(quote, doc_sha256="0" * 64), default_index)
    with pytest.raises(VerificationError, match="does not match"):
        verify(dataclasses.replace(quote, start=quote.start + 1), default_index)


def test_each_quoted_document_is_hashed_once_per_answer(default_index, monkeypatch):
    import hashlib

    from qa.answering import answer as answer_module

    hashed: list[int] = []

    class Counting:
        @staticmethod
        def sha256(data: bytes):
            hashed.append(len(data))
            return hashlib.sha256(data)

    monkeypatch.setattr(answer_module, "hashlib", Counting)
    answer = ask("When did the Battle of Lake Khasan take place?", k=5, index=default_index)
    sources = {q.source for q in answer.quotes}
    assert len(answer.quotes) > len(sources)  # several quotes from one document
    assert len(hashed) == len(sources)


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "qa", *args], cwd=ROOT, capture_output=True, text=True)


def test_cli_ask_json_contract(default_config, capsys):
    from qa.cli import main

    index = str(default_config.index_dir)
    out = _cli("ask", "When did the Battle of Lake Khasan take place?", "--json", "--index", index, "-k", "2")
    assert out.returncode == 0, out.stderr
    answer = json.loads(out.stdout)
    assert isinstance(answer["question"], str) and answer["abstained"] is False
    assert isinstance(answer["conflict"], bool) and 1 <= len(answer["quotes"]) <= 2
    for q in answer["quotes"]:
        assert {"text": str, "source": str, "title": str, "start": int, "end": int, "score": float,
                "context": str}.items() <= {k: type(v) for k, v in q.items()}.items()
        assert q["section"] is None or isinstance(q["section"], str)
        assert main(["doc", q["source"], "--json", "--index", index]) == 0  # the CLI's doc, in-process
        doc = json.loads(capsys.readouterr().out)
        assert doc["text"][q["start"]:q["end"]] == q["text"]


def test_cli_ask_readable_and_errors(default_config, capsys):
    from qa.cli import main

    index = str(default_config.index_dir)
    out = _cli("ask", "Who painted the Mona Lisa?", "--index", index)
    assert out.returncode == 0 and "do not answer" in out.stdout
    assert main(["ask", "   ", "--index", index]) == 2  # the same CLI, in-process
    err = capsys.readouterr().err
    assert "empty" in err and "Traceback" not in err


def test_a_sentence_a_document_repeats_is_shown_once(tmp_path):
    """A manual that says the same sentence in two places: the answer and its related passages show it once."""
    repeated = "The gate must be closed with the brass key before the keeper leaves."
    text = "\n\n".join([
        "The Lighthouse Rules", repeated, "The lamp is lit at dusk and put out at dawn.",
        "The keeper writes the weather in the log every four hours.", "Leaving the island", repeated,
        "The boat leaves from the north pier.",
    ])
    index = index_of(tmp_path, {"rules.txt": text})
    for question in ("How must the gate be closed?", "What key closes the gate?"):
        answer = ask(question, index=index, k=3)
        shown = answer.related if answer.abstained else answer.quotes
        texts = [" ".join(q.text.split()) for q in shown]
        assert repeated in texts and len(texts) == len(set(texts)), texts
