"""Quote selection on a real index of small made-up documents, built once with the real model."""
from __future__ import annotations

import numpy as np
import pytest

from qa import Config
from qa.answering.quotes import rank, select

from ..conftest import index_of

DOCS = {
    "lighthouse.txt": (
        "The Harbour Lighthouse was built in 1874 by the engineer Margaret Olsen. "
        "It stands 42 metres tall on the northern cliff. "
        "Its lamp was converted to electricity in 1921. "
        "Visitors can climb the 210 steps to the gallery every summer."
    ),
    "bakery.txt": (
        "The village bakery opens at six in the morning. "
        "Its sourdough bread is baked in a wood-fired oven. "
        "The baker, Tomas Reyes, learned the trade in Lyon. "
        "This training explains the French pastries on sale at weekends."
    ),
    "river.txt": (
        "The Avon river floods most winters after heavy rain. "
        "A new embankment was finished in 2009 to protect the lower town. "
        "Since then the town centre has stayed dry."
    ),
}


@pytest.fixture(scope="session")
def small_index(tmp_path_factory):
    return index_of(tmp_path_factory.mktemp("quotes"), DOCS)


QUESTIONS = [
    ("When was the Harbour Lighthouse built?", "1874"),
    ("Who was the engineer of the lighthouse?", "Margaret Olsen"),
    ("How tall is the lighthouse?", "42 metres"),
    ("Where did the baker learn his trade?", "Lyon"),
    ("When was the embankment finished?", "2009"),
]


@pytest.mark.parametrize("question,answer", QUESTIONS)
def test_top_quote_answers(small_index, question, answer):
    sel = select(small_index, question)
    assert not sel.abstains(small_index.config)
    top = sel.spans[0]
    assert answer in small_index.documents[top.source].text[top.start:top.end]


@pytest.mark.parametrize("question,_", QUESTIONS)
def test_spans_are_one_or_two_whole_sentences(small_index, question, _):
    ranking = rank(small_index, question)
    assert ranking.spans
    for span in ranking.spans:
        doc = small_index.documents[span.source]
        starts = [s for s, _ in doc.sentences]
        ends = [e for _, e in doc.sentences]
        first, last = starts.index(span.start), ends.index(span.end)
        assert last - first in (0, 1)
        assert doc.text[span.start:span.end] == doc.text[starts[first]:ends[last]]
        assert small_index.chunks[span.chunk_id].source == span.source


@pytest.mark.parametrize("question,_", QUESTIONS)
def test_spans_never_overlap_and_are_ranked(small_index, question, _):
    config = small_index.config.with_(quote_candidates=5)
    spans = select(small_index, question, config=config).spans
    for i, a in enumerate(spans):
        for b in spans[i + 1:]:
            assert a.source != b.source or a.end <= b.start or b.end <= a.start
    assert [s.score for s in spans] == sorted((s.score for s in spans), reverse=True)
    assert len(spans) <= 5 and len(select(small_index, question, k=12, config=config).spans) <= 12


def test_sources_filter(small_index):
    sel = select(small_index, "When was the Harbour Lighthouse built?", sources=frozenset({"river.txt"}))
    assert sel.spans and {s.source for s in sel.spans} == {"river.txt"}


def test_anaphoric_sentence_comes_with_its_antecedent(small_index):
    doc = small_index.documents["bakery.txt"]
    for span in rank(small_index, "What explains the French pastries on sale at weekends?").spans:
        text = doc.text[span.start:span.end] if span.source == "bakery.txt" else ""
        if "This training" in text:
            assert text.startswith("The baker, Tomas Reyes")


def test_far_off_question_abstains(small_index):
    sel = select(small_index, "What is the chemical formula of table salt?")
    assert sel.abstains(small_index.config)
    assert sel.spans  # the related passages


def test_deterministic(small_index):
    q = "How many steps lead to the gallery?"
    first, again = select(small_index, q), select(small_index, q)
    assert (first.units, first.spans, first.confidence) == (again.units, again.spans, again.confidence)


def test_feature_rows_are_named_and_match_the_weights(small_index):
    from qa.answering.features import SUPPORT_FEATURES, UNIT_FEATURES
    from qa.answering.scoring import scoring_for

    scoring = scoring_for(Config())
    assert len(scoring.quote_weights) == len(UNIT_FEATURES)
    assert len(scoring.support_weights) == len(SUPPORT_FEATURES)
    ranking = rank(small_index, "When was the Harbour Lighthouse built?")
    assert all(list(row) == list(UNIT_FEATURES) or set(row) == set(UNIT_FEATURES) for row in ranking.features)
    assert set(ranking.support_row) == set(SUPPORT_FEATURES)
    assert len(ranking.features) == len(ranking.units)


def test_a_question_is_embedded_and_bm25_scored_once(small_index, monkeypatch):
    calls = []
    bm25, embed = small_index.bm25_scores, small_index.embed
    monkeypatch.setattr(small_index, "bm25_scores", lambda q: calls.append(("bm25", q)) or bm25(q))
    monkeypatch.setattr(small_index, "embed", lambda texts: calls.append(("embed", *texts)) or embed(texts))
    ranking = rank(small_index, "How tall is the lighthouse?")
    assert calls == [("embed", "How tall is the lighthouse?"), ("bm25", "How tall is the lighthouse?")]
    assert ranking.question_scores is not None and ranking.question_scores.text == "How tall is the lighthouse?"


def test_config_passed_to_select_is_used(small_index):
    q = "When was the Harbour Lighthouse built?"
    assert not select(small_index, q).abstains(small_index.config)
    high = small_index.config.with_(abstain_threshold=1.01)
    assert select(small_index, q, config=high).abstains(high)
    few = select(small_index, q, k=1, config=small_index.config.with_(quote_candidates=1))
    assert len(rank(small_index, q, config=small_index.config.with_(quote_candidates=1), k=1).spans) == 1
    assert len(few.spans) == 1


def test_confidence_is_a_probability_and_reranking_keeps_scores_sorted(small_index):
    for question, _ in QUESTIONS:
        ranking = rank(small_index, question)
        assert 0.0 <= ranking.confidence <= 1.0
        assert list(ranking.scores) == sorted(ranking.scores, reverse=True)
    off = rank(small_index, "How tall is the lighthouse?", config=small_index.config.with_(verifier_pairs=0))
    on = rank(small_index, "How tall is the lighthouse?")
    assert off.confidence == pytest.approx(on.confidence)  # a verifier with no say changes nothing
    bare = small_index.config.with_(verifier_pairs=0, fitted_confidence=False)
    assert rank(small_index, "How tall is the lighthouse?", config=bare).confidence == 0.0  # no verifier, no fit


def test_unit_facts_are_kept_in_a_bounded_cache_that_changes_no_ranking(default_index):
    from qa import load_index
    from qa.answering import features

    question = "When did the Battle of Lake Khasan take place?"
    warm = rank(default_index, question)
    small = load_index(default_index.config.index_dir, default_index.config.with_(unit_cache=5))
    cold = rank(small, question)
    assert 0 < len(features.unit_infos(small)) <= 5
    assert cold.units == warm.units
    np.testing.assert_array_equal(cold.scores, warm.scores)
    assert cold.features == warm.features


def test_words_two_pages_share_are_quoted_once(tmp_path):
    """A paragraph included in two pages (a shared option description) fills one quote, not two."""
    shared = ("The remote repository is the source of a fetch or pull operation. It can be a URL or the name "
              "of a remote.")
    index = index_of(tmp_path, {
        "fetch.md": f"# fetch\n\n## Options\n\n{shared}\n\nFetch downloads objects and refs from the remote.",
        "pull.md": f"# pull\n\n## Options\n\n{shared}\n\nPull fetches from the remote and merges the result.",
    })
    ranking = select(index, "What is the source of a fetch or pull operation?")
    texts = [" ".join(index.documents[s.source].text[s.start:s.end].split()) for s in ranking.spans]
    assert len(texts) > 2 and any(t.startswith("The remote repository") for t in texts)
    assert len(set(texts)) == len(texts)
