"""Embedding a build's texts: each distinct text once, sorted by length, in batches sized by tokens, on one
process or several; the vectors equal the model's own, text by text, and progress is told in tokens."""
from __future__ import annotations

import re
import shutil

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qa import Config, build_index, load_index
from qa.errors import BuildCancelled, QAError
from qa.indexing.embed_many import MAX_ROWS, MIN_FILL, embed_many, plan

from ..conftest import CORPUS


def _words(texts: list[str]) -> list[int]:
    return [len(t.split()) + 2 for t in texts]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet="ab ", max_size=30), max_size=60), st.integers(4, 200))
def test_plan_keeps_every_text_once_longest_first_within_budget(texts, budget):
    p = plan(texts, _words, batch_tokens=budget)
    assert sorted(set(p.distinct)) == sorted(set(texts)) and len(p.distinct) == len(set(texts))
    assert [p.distinct[i] for i in p.where] == texts  # the callers' order comes back
    assert list(p.lengths) == sorted(p.lengths, reverse=True)
    rows = [r for start, end in p.batches for r in range(start, end)]
    assert rows == list(range(len(p.distinct)))  # batches cover the rows once, in order
    for start, end in p.batches:
        assert end - start == 1 or p.padded((start, end)) <= budget
        assert end - start <= MAX_ROWS
        assert min(p.lengths[start:end]) >= int(p.lengths[start] * MIN_FILL) or end - start == 1


def test_vectors_equal_the_models_one_text_at_a_time(embedder):
    texts = ["Flags: re.", "The siege of the harbour lasted nine days, and the garrison held out.", "Flags: re.",
             "class logging.handlers.", "Khalkhin Gol " * 40, "Short."]
    seen = []
    vectors = embed_many(embedder, texts, batch_tokens=64, progress=lambda *a: seen.append(a))
    alone = np.concatenate([embedder.encode([t]) for t in texts])
    assert vectors.shape == (len(texts), embedder.dim)
    assert np.abs(vectors - alone).max() < 1e-5
    tokens, total, done, all_texts = seen[-1]
    assert tokens == total and done == all_texts == len(texts)
    assert [s[0] for s in seen] == sorted(s[0] for s in seen)  # progress only goes forward
    # batches run side by side on threads give the same vectors, in the same order
    assert np.array_equal(embed_many(embedder, texts, batch_tokens=64, threads=3), vectors)


def _copy_corpus(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    return corpus


@pytest.mark.parametrize("sentences", ["late", "alone"])
def test_a_multi_process_build_equals_a_single_process_one(tmp_path, sentences):
    corpus = _copy_corpus(tmp_path)
    one = Config(corpus_dir=corpus, index_dir=tmp_path / "one", embed_batch_tokens=512, sentence_vectors=sentences)
    two = one.with_(index_dir=tmp_path / "two", workers=2)
    notes: list[tuple[float, str]] = []
    build_index(one)
    report = build_index(two, on_progress=lambda f, m: notes.append((f, m)))
    a, b = load_index(one.index_dir, one), load_index(two.index_dir, two)
    assert a.chunks == b.chunks and a.sentences == b.sentences
    assert np.abs(np.asarray(a.chunk_vectors) - np.asarray(b.chunk_vectors)).max() < 1e-5
    assert np.abs(np.asarray(a.sentence_vectors) - np.asarray(b.sentence_vectors)).max() < 1e-5
    embedding = [(f, m) for f, m in notes if m.startswith("Embedding")]
    assert embedding and "tokens" in embedding[-1][1] and "texts" in embedding[-1][1]
    assert [f for f, _ in notes] == sorted(f for f, _ in notes)
    total, done = map(int, re.match(r"Embedding (\d+) texts: (\d+) done", embedding[-1][1]).groups())
    assert done == total == report.embedded


def test_progress_counts_the_sentences_embedded_after_the_chunks(tmp_path):
    """A sentence no chunk holds whole (longer than a chunk) is embedded alone after the chunks' pass; the
    texts the progress counts end where the build's summary does."""
    (tmp_path / "corpus").mkdir()
    long = "The survey recorded " + ", ".join(f"station {n} on the northern ridge" for n in range(60)) + "."
    (tmp_path / "corpus" / "survey.txt").write_text(f"The survey began in 1911. {long} It ended in 1913.\n")
    notes: list[str] = []
    report = build_index(Config(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index"),
                         on_progress=lambda f, m: notes.append(m))
    assert report.embedded > report.chunks  # the long sentence went through the model on its own
    total, done = map(int, re.match(r"Embedding (\d+) texts: (\d+) done",
                                    [m for m in notes if m.startswith("Embedding")][-1]).groups())
    assert done == total == report.embedded


def test_a_cancelled_multi_process_build_leaves_nothing(tmp_path):
    import threading

    corpus = _copy_corpus(tmp_path)
    config = Config(corpus_dir=corpus, index_dir=tmp_path / "index", workers=2, embed_batch_tokens=256)
    cancel = threading.Event()

    def progress(fraction: float, message: str) -> None:
        if message.startswith("Embedding"):
            cancel.set()

    with pytest.raises(BuildCancelled, match="unchanged"):
        build_index(config, on_progress=progress, cancel=cancel)
    assert not [p for p in config.index_dir.iterdir() if p.is_dir()]  # no build folder, no live index


def test_cli_refuses_a_worker_count_below_one(capsys):
    from qa.cli import main

    with pytest.raises(SystemExit):
        main(["build", "--workers", "0"])
    assert "at least 1" in capsys.readouterr().err


def test_late_chunked_sentence_vectors_come_from_one_pass_per_chunk(tmp_path):
    corpus = _copy_corpus(tmp_path)
    late = Config(corpus_dir=corpus, index_dir=tmp_path / "late")
    alone = late.with_(index_dir=tmp_path / "alone", sentence_vectors="alone")
    assert late.sentence_vectors == "late"  # the default
    l_report, a_report = build_index(late), build_index(alone)
    b, a = load_index(late.index_dir, late), load_index(alone.index_dir, alone)
    assert a.chunks == b.chunks and a.sentences == b.sentences
    # one pass per chunk; only a sentence that no chunk's window holds whole is embedded alone
    assert l_report.chunks <= l_report.embedded < l_report.chunks + len(b.sentences) / 10
    assert a_report.embedded > 3 * l_report.embedded
    assert np.abs(np.asarray(a.chunk_vectors) - np.asarray(b.chunk_vectors)).max() < 1e-5  # chunks as before
    sa, sb = np.asarray(a.sentence_vectors), np.asarray(b.sentence_vectors)
    assert np.allclose(np.linalg.norm(sb, axis=1), 1, atol=1e-4)
    cosines = (sa * sb).sum(axis=1)
    assert 0.6 < cosines.mean() < 0.99  # conditioned on the chunk: near the sentence's own, not equal to it
    again = build_index(late.with_(sentence_vectors="alone"))
    assert again.written and again.embedded == a_report.embedded  # another kind of vector: re-embedded


def test_an_unknown_sentence_vector_mode_is_refused_with_the_choices(tmp_path):
    corpus = _copy_corpus(tmp_path)
    with pytest.raises(QAError, match=r"choose one of alone, late"):
        build_index(Config(corpus_dir=corpus, index_dir=tmp_path / "index", sentence_vectors="pooled"))
