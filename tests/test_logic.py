"""Ranking and answering logic with a deterministic fake embedder, through the real build, index and ask.

The fake embeds a text as the normalised sum of fixed random vectors of its lower-cased words, so
texts that share words are close. No model is loaded for embedding; the verifier is the shipped one.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

import numpy as np
import pytest

from qa import ask
from qa.quotes import rank

from .conftest import index_of

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


@dataclass(frozen=True)
class FakeEmbedder:
    path: str = "fake"
    model_id: str = "fake-hash-64"
    backend: str = "fake"
    dim: int = 64
    window: int = 256

    def encode(self, texts: list[str], *, batch_size: int = 32, progress: bool = False) -> np.ndarray:
        rows = np.zeros((len(texts), self.dim), dtype=np.float32)
        for n, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                seed = int.from_bytes(hashlib.sha256(word.encode()).digest()[:4], "little")
                rows[n] += np.random.default_rng(seed).standard_normal(self.dim).astype(np.float32)
            rows[n] /= np.linalg.norm(rows[n]) or 1.0
        return rows

    def count_tokens(self, text: str) -> int:
        return len(text.split()) + 2

    def fits(self, text: str) -> bool:
        return self.count_tokens(text) <= self.window


@pytest.fixture(scope="module")
def fake_index(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    fake = FakeEmbedder()
    mp.setattr("qa.build.embedder_for", lambda config: fake)
    mp.setattr("qa.index.embedder_for", lambda config: fake)
    yield index_of(tmp_path_factory.mktemp("fake"), DOCS)
    mp.undo()


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
    config = fake_index.config.with_(verifier_pairs=0)
    ranking = rank(fake_index, "When was the harbour dredged?", config=config)
    assert list(ranking.scores) == sorted(ranking.scores, reverse=True)
    assert ranking.confidence == 0.0


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
