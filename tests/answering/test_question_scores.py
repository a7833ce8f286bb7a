"""qa.answering.question_scores: a question embedded and BM25-scored once, over a real index built with the fake
embedder (tests/fakes.py); its scores are what the index gives, and nothing in them can be changed afterwards."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from qa.answering.question_scores import score_question

from ..conftest import index_of
from ..fakes import FakeEmbedder

DOCS = {
    "harbour.txt": "The harbour was dredged in 1910. Its pier is 300 metres long. Boats moor there in winter.",
    "mill.txt": "The mill grinds flour. It was built in 1820 beside the river.",
}


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    return index_of(tmp_path_factory.mktemp("question_scores"), DOCS, embedder=FakeEmbedder())


def test_the_scores_are_the_index_own(index):
    question = "When was the harbour dredged?"
    scored = score_question(index, question)
    vector = index.embed([question])[0]
    np.testing.assert_array_equal(scored.vector, vector)
    bm25 = np.asarray(index.bm25_scores(question), dtype=np.float64)
    assert scored.bm25.tolist() == bm25.tolist() and scored.bm25_best == bm25.max() > 0
    for i in range(len(index.sentences)):
        assert scored.sentences[i] == pytest.approx(float(index.sentence_vectors[i] @ vector), abs=1e-6)
    best = int(np.argmax(bm25))
    assert scored.bm25_share(best) == 1.0
    assert all(0.0 <= scored.bm25_share(c) <= 1.0 for c in range(len(index.chunks)))


def test_a_given_vector_is_not_embedded_again(index, monkeypatch):
    question = "Where does the mill stand?"
    vector = index.embed([question])[0]
    monkeypatch.setattr(index, "embed", lambda texts: pytest.fail("the question was embedded again"))
    assert score_question(index, question, vector).vector is vector


def test_no_question_term_in_any_chunk_leaves_bm25_shares_at_zero(index):
    scored = score_question(index, "Zyxwv qwertz?")
    assert scored.bm25_best == 0.0 and scored.bm25_share(0) == 0.0


def test_chunk_cosines_are_set_once_and_cannot_be_changed(index):
    scored = score_question(index, "How long is the pier?")
    assert dict(scored.chunks) == {}
    cosines = {0: 0.5}
    with_chunks = scored.with_chunks(cosines)
    cosines[1] = 0.25  # the caller's dict is copied, not kept
    assert dict(with_chunks.chunks) == {0: 0.5} and dict(scored.chunks) == {}
    with pytest.raises(TypeError):
        with_chunks.chunks[2] = 0.1  # type: ignore[index]
    with pytest.raises(dataclasses.FrozenInstanceError):
        with_chunks.bm25_best = 1.0  # type: ignore[misc]
