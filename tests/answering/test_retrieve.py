"""qa.answering.retrieve: dense and BM25 rankings fused by reciprocal rank, over a real index built with the fake
embedder (tests/fakes.py): the fused score, the order, the depth, the sources filter, and that retrieval reads
the question's scores (qa.answering.question_scores) instead of scoring it again."""
from __future__ import annotations

import numpy as np
import pytest

from qa.answering.question_scores import score_question
from qa.answering.retrieve import retrieve

from ..conftest import index_of
from ..fakes import FakeEmbedder

DOCS = {
    f"town{n}.txt": f"Town {n} has a harbour. The harbour of town {n} was dredged in {1900 + n}. "
                    f"Its mill grinds flour number {n}. The river beside town {n} floods in spring."
    for n in range(12)
}


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    return index_of(tmp_path_factory.mktemp("retrieve"), DOCS, embedder=FakeEmbedder())


def _qvec(index, question: str) -> np.ndarray:
    return index.embed([question])[0]


def test_the_fused_score_is_the_sum_of_reciprocal_ranks(index):
    question = "When was the harbour of town 3 dredged?"
    config = index.config
    qvec = _qvec(index, question)
    dense = index.dense_search(qvec, config.candidates, None)
    bm25 = index.bm25_scores(question)
    lexical = [c for c in sorted(range(len(bm25)), key=lambda c: -bm25[c])[: config.candidates] if bm25[c] > 0]
    expected: dict[int, float] = {}
    for ranking in ([c for c, _ in dense], lexical):
        for rank, cid in enumerate(ranking, start=1):
            expected[cid] = expected.get(cid, 0.0) + 1.0 / (config.rrf_k + rank)
    passages = retrieve(index, score_question(index, question, qvec))
    assert passages, "a question sharing words with every document finds passages"
    for p in passages:
        assert p.score == pytest.approx(expected[p.chunk_id])
        assert p.bm25 == pytest.approx(float(bm25[p.chunk_id]))
        assert p.dense == pytest.approx(index.chunk_dense(qvec, p.chunk_id), abs=1e-5)


def test_passages_are_best_first_and_cut_at_k(index):
    question = "Which town has a mill that grinds flour?"
    passages = retrieve(index, score_question(index, question), k=5)
    assert len(passages) == 5
    scores = [p.score for p in passages]
    assert scores == sorted(scores, reverse=True)
    assert len({p.chunk_id for p in passages}) == 5


def test_sources_restrict_every_passage(index):
    question = "When was the harbour dredged?"
    wanted = frozenset({"town4.txt", "town7.txt"})
    passages = retrieve(index, score_question(index, question), sources=wanted)
    assert passages and {index.chunks[p.chunk_id].source for p in passages} <= wanted


def test_retrieval_reads_the_question_scores_and_scores_nothing_again(index, monkeypatch):
    question = "Does the river flood in spring?"
    scored = score_question(index, question)
    assert scored.bm25.tolist() == np.asarray(index.bm25_scores(question), dtype=np.float64).tolist()
    np.testing.assert_array_equal(scored.vector, _qvec(index, question))
    monkeypatch.setattr(index, "bm25_scores", lambda q: pytest.fail("BM25 was scored again"))
    monkeypatch.setattr(index, "embed", lambda texts: pytest.fail("the question was embedded again"))
    given = retrieve(index, scored)
    monkeypatch.undo()
    assert given and given == retrieve(index, score_question(index, question))


def test_a_question_with_no_known_word_ranks_by_the_vectors_alone(index):
    question = "Zyxwv qwertz?"
    qvec = _qvec(index, question)
    passages = retrieve(index, score_question(index, question, qvec))
    assert all(p.bm25 == 0 for p in passages)
    dense = [c for c, _ in index.dense_search(qvec, index.config.candidates, None)]
    assert [p.chunk_id for p in passages] == dense[: len(passages)]
