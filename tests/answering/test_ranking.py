"""Ranking and answering logic with a deterministic fake embedder, through the real build, index and ask.

The fake embeds a text as the normalised sum of fixed random vectors of its lower-cased words, so
texts that share words are close. It is given through ``Config.embedder``, so no model is loaded for
embedding; the scoring is the shipped one.
"""
from __future__ import annotations

from contextlib import contextmanager

import numpy as np
import pytest

from qa import ask
from qa.answering.quotes import rank
from qa.records import Unit

from ..conftest import index_of
from ..fakes import FakeEmbedder

DOCS = {
    "harbour.txt": (
        "The harbour was dredged in 1910 by the port authority. "
        "Its main pier is 300 metres long. "
        "Fishing boats land their catch there every morning."
    ),
    "mill.txt": (
        "The old mill stands beside the river. "
        "It was powered by a water wheel until 1950. "
        "Today the mill is a museum of flour making."
    ),
}


@contextmanager
def _fake_index_of(base, docs: dict[str, str]):
    """A real index of ``docs`` built and loaded with the fake embedder, given through ``Config.embedder``."""
    yield index_of(base, docs, embedder=FakeEmbedder())


@pytest.fixture(scope="module")
def fake_index(tmp_path_factory):
    with _fake_index_of(tmp_path_factory.mktemp("fake"), DOCS) as index:
        yield index


def test_the_fake_embedder_is_used_and_deterministic(fake_index):
    assert fake_index.manifest["model_id"] == "fake-hash-64"
    a, b = fake_index.embed(["the pier"]), fake_index.embed(["the pier"])
    assert np.array_equal(a, b) and a.shape == (1, 64)


def test_ranking_is_deterministic_and_spans_are_sentences(fake_index):
    first = rank(fake_index, "How long is the main pier?")
    again = rank(fake_index, "How long is the main pier?")
    assert first.units == again.units and first.spans == again.spans
    for span in first.spans:
        doc = fake_index.documents[span.source]
        assert (span.start, span.end) in {(s, e) for s, e in doc.sentences} or any(
            s == span.start for s, _ in doc.sentences)


def test_without_verifier_the_ranker_order_stands(fake_index):
    config = fake_index.config.with_(verifier_pairs=0, fitted_confidence=False)
    ranking = rank(fake_index, "When was the harbour dredged?", config=config)
    assert list(ranking.scores) == sorted(ranking.scores, reverse=True)
    assert ranking.confidence == 0.0  # neither a verifier nor a fitted confidence (qa.answering.doubt)


def test_reranking_only_reorders_the_verified_units(fake_index):
    question = "When was the harbour dredged?"
    plain = rank(fake_index, question, config=fake_index.config.with_(verifier_pairs=0))
    pairs = 3
    verified = rank(fake_index, question, config=fake_index.config.with_(verifier_pairs=pairs))
    assert set(verified.units) == set(plain.units)
    assert set(verified.units[:pairs]) == set(plain.units[:pairs])
    assert verified.units[pairs:] == plain.units[pairs:]


def test_ask_honours_its_config_and_quotes_verbatim(fake_index):
    question = "When was the harbour dredged?"
    answer = ask(question, index=fake_index)
    for q in answer.quotes:
        assert fake_index.documents[q.source].text[q.start:q.end] == q.text
    assert ask(question, index=fake_index, config=fake_index.config.with_(abstain_threshold=1.01)).abstained
    assert len(ask(question, index=fake_index, k=1).quotes + ask(question, index=fake_index, k=1).related) <= 2
    with pytest.raises(Exception, match="between 1 and 2"):
        ask(question, index=fake_index, k=3, config=fake_index.config.with_(max_quotes=2))


def test_sources_restrict_every_quote(fake_index):
    answer = ask("When was the harbour dredged?", index=fake_index, sources=["mill.txt"], k=3)
    assert {q.source for q in answer.quotes + answer.related} <= {"mill.txt"}


SECTIONED = (
    "Harbour history\n\n"
    "The harbour was dredged in 1910 by the port authority. Its main pier is 300 metres long.\n\n"
    "Storm of 1953\n\n"
    "A great storm struck the coast in February. Waves broke over the sea wall. Eleven boats were lost in it."
)


@pytest.fixture(scope="module")
def sectioned_index(tmp_path_factory):
    with _fake_index_of(tmp_path_factory.mktemp("sections"), {"coast.txt": SECTIONED}) as index:
        yield index


def _sentence_id(index, text: str) -> int:
    doc = index.documents["coast.txt"]
    return next(i for i, (_, s, e) in enumerate(index.sentences) if doc.text[s:e] == text)


def test_sentences_and_chunks_are_embedded_with_their_heading(sectioned_index):
    from qa.ingest.chunk import in_context

    doc = sectioned_index.documents["coast.txt"]
    i = _sentence_id(sectioned_index, "Eleven boats were lost in it.")
    assert doc.section_at(sectioned_index.sentences[i].start) == "Storm of 1953"
    wanted = FakeEmbedder().encode([in_context("Eleven boats were lost in it.", "Storm of 1953")])[0]
    assert np.allclose(sectioned_index.sentence_vectors[i], wanted, atol=1e-6)
    plain = FakeEmbedder().encode(["Eleven boats were lost in it."])[0]
    assert not np.allclose(sectioned_index.sentence_vectors[i], plain, atol=1e-3)


def test_a_unit_is_scored_in_the_scope_of_its_heading_and_the_sentences_before_it(sectioned_index):
    from qa.answering.features import unit_info
    from qa.answering.sentence_stats import stats

    st = stats(sectioned_index)
    last = unit_info(st, sectioned_index, Unit.of(_sentence_id(sectioned_index, "Eleven boats were lost in it.")))
    assert {"storm", "1953"} <= last.heading and not last.heading & last.terms
    assert {"storm", "wave", "coast"} <= last.scope  # the two sentences before it, in its section
    opening = _sentence_id(sectioned_index, "A great storm struck the coast in February.")
    first = unit_info(st, sectioned_index, Unit.of(opening))
    assert not first.scope & {"harbour", "pier"}  # never across a section boundary
    ranking = rank(sectioned_index, "How many boats did the storm of 1953 sink?")
    row = ranking.features[ranking.units.index(
        Unit.of(_sentence_id(sectioned_index, "Eleven boats were lost in it.")))]
    assert row["coverage_scope"] >= row["coverage_heading"] > row["coverage"]


def test_each_coverage_is_the_idf_share_of_the_question_its_term_set_holds(sectioned_index):
    from qa.answering.features import analyse_question, unit_info
    from qa.answering.sentence_stats import stats

    st = stats(sectioned_index)
    question = "How many boats did the storm of 1953 sink at the harbour?"
    q = analyse_question(question, st)
    ranking = rank(sectioned_index, question)
    assert len(ranking.units) > 3
    columns = {"coverage": "terms", "coverage_near": "near", "coverage_heading": "titled", "coverage_scope": "scope"}
    seen = set()
    for unit, row in zip(ranking.units, ranking.features):
        info = unit_info(st, sectioned_index, unit)
        for column, terms in columns.items():
            held = sum(w for t, w in q.weights.items() if t in getattr(info, terms))
            assert row[column] == pytest.approx(held / sum(q.weights.values()), abs=1e-12), (unit, column)
            seen.add((column, row[column] > 0))
        assert row["type_match"] == float("number" in info.cues)  # "How many" asks for a number
        assert row["type_scope"] == row["type_match"] * row["coverage_scope"]
    assert {(c, True) for c in columns} <= seen  # every column was read from units that hold question terms


def test_the_top_quote_takes_in_a_neighbour_the_ranker_cannot_tell_apart(sectioned_index):
    question = "How many boats did the storm of 1953 sink?"
    config = sectioned_index.config.with_(follow_sentence=False)  # a pair of its own would hide the widening
    alone = rank(sectioned_index, question, config=config.with_(neighbour_margin=0.0))
    wide = rank(sectioned_index, question, config=config.with_(neighbour_margin=100.0))
    doc = sectioned_index.documents["coast.txt"]
    top, widened = alone.spans[0], wide.spans[0]
    assert widened.start <= top.start and widened.end >= top.end and (widened.start, widened.end) != (top.start,
                                                                                                       top.end)
    starts = [s for s, _ in doc.sentences]
    assert widened.start in starts and widened.end in [e for _, e in doc.sentences]
    # two adjacent sentences of one section, never across its heading
    inside = [(s, e) for s, e in doc.sentences if widened.start <= s and e <= widened.end]
    assert len(inside) == 2 and doc.section_at(widened.start) == doc.section_at(widened.end - 1)
    # the other quotes never repeat what the widened one shows
    assert all(s.end <= widened.start or s.start >= widened.end for s in wide.spans[1:])
    answer = ask(question, index=sectioned_index, config=config.with_(neighbour_margin=100.0))
    for q in answer.quotes + answer.related:
        assert doc.text[q.start:q.end] == q.text


def test_a_bare_date_line_is_never_quoted(tmp_path):
    docs = {"news.txt": "Harbour news\n\nDecember 7, 2022\n\n"
                        "The harbour was dredged in December 1910 by the port authority. Its pier is 300 metres long."}
    with _fake_index_of(tmp_path, docs) as index:
        from qa.answering.sentence_stats import stats

        doc = index.documents["news.txt"]
        dateline = next(i for i, (_, s, e) in enumerate(index.sentences) if doc.text[s:e] == "December 7, 2022")
        assert stats(index).datelines == {dateline}
        ranking = rank(index, "When was it, December 7, 2022?")  # the date line is the nearest sentence
        assert ranking.units and all(dateline not in unit.ids for unit in ranking.units)
        assert "dredged" in doc.text[ranking.spans[0].start:ranking.spans[0].end]


@pytest.mark.parametrize("question, negated", [
    ("What was not powered by a water wheel?", True),
    ("When wasn't the mill a museum?", True),
    ("How was the mill powered without electricity?", False),  # a manner, not a negated claim
    ("What did the mill make when the wheel was not turning?", False),  # a condition
    ("What happens to the catch if the pier is None?", False),  # a value, not a negation
])
def test_the_support_reads_only_a_negated_main_clause_as_a_negated_question(fake_index, question, negated):
    ranking = rank(fake_index, question)
    assert ranking.support_row["question_negated"] == float(negated)


def test_a_question_asked_after_a_statement_of_the_problem_is_read_by_its_asking_sentence(sectioned_index):
    from qa.answering.features import analyse_question
    from qa.answering.sentence_stats import stats

    st = stats(sectioned_index)
    q = analyse_question("My boats don't seem to be counted at all. How many did the storm of 1953 sink?", st)
    assert not q.negated  # the statement is negated, the question is not
    assert q.names == ()  # "How" opens a sentence: no name
    asked = analyse_question("The harbour was not rebuilt. Why did Harold not rebuild it?", st)
    assert asked.negated and asked.names == ("Harold",)
    # the statement's words still say what the question is about
    assert {"boat", "count", "storm", "sink"} <= set(q.terms)


def test_a_when_question_reads_a_date_or_the_condition_it_asks_for(tmp_path):
    from qa.answering.features import analyse_question, unit_text
    from qa.answering.sentence_stats import stats

    docs = {"stash.txt": ("Stashes may also be named by their index.\n\n"
                          "Use a stash when you want a clean working tree.\n\n"
                          "The stash command was added in 2007.")}
    with _fake_index_of(tmp_path, docs) as index:
        rows = {}
        for question in ("When should I use a stash?", "When was the stash command added?"):
            ranking = rank(index, question)
            read = {unit_text(index, u): row["type_match"] for u, row in zip(ranking.units, ranking.features)}
            rows[question] = (analyse_question(question, stats(index)).kind, read)
    # "may" is no month; a "when" clause answers a question asked in the present, a year one asked in the past
    (kind_now, asked_now), (kind_then, asked_then) = rows["When should I use a stash?"], \
        rows["When was the stash command added?"]
    assert (kind_now, kind_then) == ("condition", "date")
    assert asked_now == {"Stashes may also be named by their index.": 0.0,
                         "Use a stash when you want a clean working tree.": 1.0,
                         "The stash command was added in 2007.": 1.0}
    assert asked_then == {"Stashes may also be named by their index.": 0.0,
                          "Use a stash when you want a clean working tree.": 0.0,
                          "The stash command was added in 2007.": 1.0}


def test_a_count_asked_by_default_is_a_number_stated_as_the_default(tmp_path):
    from qa.answering.features import analyse_question, unit_text
    from qa.answering.sentence_stats import stats

    docs = {"limits.txt": ("The default setting for MAX_COLUMN is 2000.\n\n"
                           "You can raise it at compile time to values as large as 32767.\n\n"
                           "Diffs show lines of context instead of the default of 3.\n\n"
                           "A column may have a default value.")}
    question = "How many columns can a table have by default?"
    with _fake_index_of(tmp_path, docs) as index:
        ranking = rank(index, question)
        read = {unit_text(index, u): row["type_match"] for u, row in zip(ranking.units, ranking.features)}
        kind = analyse_question(question, stats(index)).kind
    assert kind == "default number"
    assert read["The default setting for MAX_COLUMN is 2000."] == 1.0
    assert read["Diffs show lines of context instead of the default of 3."] == 1.0
    assert read["You can raise it at compile time to values as large as 32767."] == 0.0  # a number, no default
    assert read["A column may have a default value."] == 0.0  # a default, no number
