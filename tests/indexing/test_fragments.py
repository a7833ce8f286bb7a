"""Fragments of a few words take the vector of the nearest longer sentence instead of being embedded
(``Config(fragment_vectors="neighbour")``, an option); quotes and offsets stay the document's own."""
from __future__ import annotations

import numpy as np
import pytest

from qa import Config, build_index, load_index
from qa.indexing.fragments import FRAGMENT_WORDS, embedded_sentences
from qa.records import Document

from ..fakes import FakeEmbedder

PAGE = """# npm-access

## Configuration

### registry

Default: https://registry.npmjs.org/

Type: URL

The base URL of the npm registry that every request of the command is sent to.

### otp

Default: null

This is a one-time password from a two-factor authenticator, asked for when you publish.

Tags.
"""


def document(text: str, spans: tuple[tuple[int, int], ...]) -> Document:
    return Document("a.md", "a", "document", "md", text, "", "", sentences=spans)


@pytest.mark.parametrize("words, want", [
    ([2, 9, 1], [1, 1, 1]),  # a fragment takes the next longer sentence; the last one the one before
    ([1, 2, 3], [0, 1, 2]),  # fragments only: each keeps its own
    ([5, 1, 1, 6], [0, 3, 3, 3]),
])
def test_each_fragment_takes_the_nearest_longer_sentence_after_it(words, want):
    texts = [" ".join(["w"] * n) for n in words]
    spans, at = [], 0
    for t in texts:
        spans.append((at, at + len(t)))
        at += len(t) + 1
    doc = document(" ".join(texts), tuple(spans))
    assert embedded_sentences(doc, "neighbour") == want
    assert embedded_sentences(doc, "own") == list(range(len(words)))


def test_a_build_sends_no_fragment_and_gives_it_its_neighbours_vector(tmp_path):
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "npm-access.md").write_text(PAGE, encoding="utf-8")
    own = Config(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "own", embedder=FakeEmbedder(),
                 sentence_vectors="alone")  # fragments borrow a vector where sentences are embedded alone
    mine = own.with_(index_dir=tmp_path / "mine", fragment_vectors="neighbour")
    a, b = build_index(own), build_index(mine)
    assert b.embedded < a.embedded
    one, other = load_index(own.index_dir, own), load_index(mine.index_dir, mine)
    assert other.manifest["embedding"]["fragments"] == "neighbour" and "fragments" not in one.manifest["embedding"]
    assert [c.text for c in one.chunks] == [c.text for c in other.chunks] and one.sentences == other.sentences
    assert np.array_equal(np.asarray(one.chunk_vectors), np.asarray(other.chunk_vectors))
    doc = other.documents["npm-access.md"]
    donors = embedded_sentences(doc, "neighbour")
    fragments = [i for i, (s, e) in enumerate(doc.sentences) if len(doc.text[s:e].split()) <= FRAGMENT_WORDS]
    assert fragments and all(donors[i] != i for i in fragments)
    mine_vectors, own_vectors = np.asarray(other.sentence_vectors), np.asarray(one.sentence_vectors)
    for i, d in enumerate(donors):
        assert np.array_equal(mine_vectors[i], own_vectors[d])  # the donor's own vector, as embedded alone
    # Another choice is another kind of index: everything is embedded again.
    again = build_index(mine.with_(fragment_vectors="own"))
    assert again.written and again.reembedded == ("npm-access.md",)
