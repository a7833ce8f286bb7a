"""Speed at size: the ONNX backend, search inside the index (filters, top-k, sentences), ANN by size,
reuse of a loaded index, and builds that skip unchanged files."""
from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qa import Config, IndexMismatchError, ask, build_index, load_index
from qa.indexing import build as build_module
from qa.indexing import vectors
from qa.indexing.embed import embedder_for

from ..conftest import BLOG, CORPUS, WIKI

SMALL = {
    "alpha.txt": "Alpha Station\n\nThe alpha station was founded in 1911 by a group of surveyors. It stood on a hill.",
    "gamma.txt": "Gamma is a small village. Its bell tower is 40 metres tall. The tower fell in 1944.",
}


def _small_config(base: Path, **changes) -> Config:
    corpus = base / "corpus"
    corpus.mkdir(parents=True)
    for name, text in SMALL.items():
        (corpus / name).write_text(text, encoding="utf-8")
    return Config(corpus_dir=corpus, index_dir=base / "index", **changes)


def test_onnx_vectors_and_token_counts_match_torch(default_index):
    onnx = embedder_for(Config())
    torch = embedder_for(Config(embed_backend="torch"))
    assert onnx.backend == "onnx" and torch.backend == "torch"
    texts = [c.text for c in default_index.chunks] + ["x", "When did the battle end?"]
    cosines = (onnx.encode(texts) * torch.encode(texts)).sum(axis=1)
    assert cosines.min() >= 0.9999
    long = " ".join(texts)
    for text in (texts[0], "x", long):
        assert onnx.count_tokens(text) == torch.count_tokens(text)
    assert (onnx.window, onnx.dim) == (torch.window, torch.dim) == (256, 384)


def test_late_chunked_vectors_match_between_backends(default_index):
    from qa.indexing.late import chunk_texts, sentence_spans

    onnx = embedder_for(Config())
    torch = embedder_for(Config(embed_backend="torch"))
    document = next(iter(default_index.documents.values()))
    chunks = [c for c in default_index.chunks if c.source == document.source][:6]
    texts = chunk_texts(document, chunks)
    spans, carried = sentence_spans(document, chunks, texts)
    assert sum(map(len, carried)) > len(chunks)  # several sentences pooled from each chunk's pass
    by_onnx, pooled_onnx = onnx.encode_spans(texts, spans)
    by_torch, pooled_torch = torch.encode_spans(texts, spans)
    assert (by_onnx * by_torch).sum(axis=1).min() >= 0.9999
    assert np.abs(by_onnx - onnx.encode(texts)).max() < 1e-5  # a chunk's vector is its own, as when embedded alone
    a, b = np.concatenate(pooled_onnx), np.concatenate(pooled_torch)
    assert not np.isnan(a).any() and (a * b).sum(axis=1).min() >= 0.9999


def test_manifest_records_backend_and_int8_does_not_mix(tmp_path):
    config = _small_config(tmp_path, embed_backend="onnx-int8")
    build_index(config)
    manifest = load_index(config.index_dir, config).manifest
    assert manifest["embedding"] == {"backend": "onnx-int8", "family": "int8", "chunks": config.chunk_vectors,
                                     "documents": "onnx-int8", "sentences": "late"}
    with pytest.raises(IndexMismatchError, match="onnx-int8 embedding backend"):
        load_index(config.index_dir, config.with_(embed_backend="onnx"))


def test_torch_queries_an_onnx_index_with_the_same_quotes(default_config, default_index):
    question = "When did the Battle of Lake Khasan take place?"
    by_onnx = ask(question, index=default_index)
    by_torch = ask(question, index=load_index(default_config.index_dir, default_config.with_(embed_backend="torch")))
    assert [(q.source, q.start, q.end) for q in by_onnx.quotes] == [(q.source, q.start, q.end) for q in by_torch.quotes]
    assert by_onnx.quotes


def test_sources_filter_is_applied_inside_the_search(default_index):
    qvec = default_index.embed(["Who won the Battle of Khalkhin Gol?"])[0]
    for source in (BLOG, WIKI):
        hits = default_index.dense_search(qvec, 5, frozenset({source}))
        allowed = [c.id for c in default_index.chunks if c.source == source]
        exact = sorted(allowed, key=lambda c: -float(default_index.chunk_vectors[c] @ qvec))[:5]
        assert [c for c, _ in hits] == exact
        sentences = default_index.nearest_sentences(qvec, 4, frozenset({source}))
        assert sentences and all(default_index.sentences[i].source == source for i in sentences)
    assert default_index.dense_search(qvec, 5, frozenset()) == []


def test_nearest_sentences_equal_exact_ranking(default_index):
    qvec = default_index.embed(["How many Soviet soldiers were killed?"])[0]
    exact = np.argsort(-(np.asarray(default_index.sentence_vectors) @ qvec), kind="stable")[:10]
    assert default_index.nearest_sentences(qvec, 10) == [int(i) for i in exact]
    scores = default_index.sentence_scores(qvec)
    assert scores[int(exact[0])] == pytest.approx(float(default_index.sentence_vectors[exact[0]] @ qvec))
    np.testing.assert_allclose(scores[exact[:3]], np.asarray(default_index.sentence_vectors)[exact[:3]] @ qvec)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 5), min_size=0, max_size=60), st.integers(0, 70))
def test_top_k_equals_a_stable_full_sort(values, k):
    scores = np.asarray(values, dtype=np.float32)
    expected = np.argsort(-scores, kind="stable")[:k]
    assert vectors.top_k(scores, k).tolist() == expected.tolist()


def _clustered(n: int, dim: int = 64, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(50, dim))
    x = centres[rng.integers(0, 50, n)] + 0.6 * rng.normal(size=(n, dim))
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def test_ann_is_chosen_by_size_with_measured_recall(tmp_path):
    x = _clustered(6000)
    small, small_ann = vectors.build(x[:500], flat_below=1000)
    assert small.ntotal == 500
    assert small_ann.kind == "flat" and small_ann.recall_at_10 == 1.0
    index, ann = vectors.build(x, flat_below=1000)
    assert ann.kind == "ivf" and ann.nlist >= 64 and 1 <= ann.nprobe <= ann.nlist
    assert ann.recall_at_10 >= 0.95
    vectors.save(tmp_path / "v.faiss", index)
    loaded = vectors.load(tmp_path / "v.faiss")
    queries = x[::97]
    truth = np.argsort(-(queries @ x.T), axis=1)[:, :10]
    assert vectors.recall_at(loaded, queries, truth, ann.nprobe) >= 0.9
    ids = np.arange(1000, 1300, dtype=np.int64)
    hits = vectors.search(loaded, ann, x[1100], 10, ids)
    assert hits[0][0] == 1100 and all(1000 <= i < 1300 for i, _ in hits)
    scattered = np.array([5, 77, 1100, 4000], dtype=np.int64)
    assert {i for i, _ in vectors.search(loaded, ann, x[77], 10, scattered)} <= set(scattered.tolist())


def test_index_above_the_threshold_uses_ivf_and_reports_it(tmp_path):
    from qa.indexing.write import write_index

    x = _clustered(3000)
    config = _small_config(tmp_path)
    build_index(config)
    idx = load_index(config.index_dir, config)
    # Same documents and chunks, but the chunk table padded to 3000 synthetic rows to cross the threshold.
    chunks = idx.chunks + [idx.chunks[-1]] * (3000 - len(idx.chunks))
    chunks = [c.__class__(**{**c.__dict__, "id": i}) for i, c in enumerate(chunks)]
    folder = write_index(tmp_path / "big", idx.manifest, list(idx.documents.values()), chunks,
                         np.pad(x, ((0, 0), (0, 384 - 64))), np.asarray(idx.sentence_vectors), flat_below=1000)
    ann = __import__("json").loads((folder / "manifest.json").read_text())["ann"]
    assert ann["chunks"]["kind"] == "ivf" and ann["chunks"]["recall_at_10"] >= 0.95
    assert ann["sentences"]["kind"] == "flat" and folder.parent == tmp_path / "big"
    big = load_index(tmp_path / "big", config)
    assert big.store.ann["chunks"].kind == "ivf" and big.dense_search(big.chunk_vectors[7], 1)[0][0] == 7


def test_loaded_index_is_reused_until_current_changes(tmp_path):
    config = _small_config(tmp_path)
    build_index(config)
    first = load_index(config.index_dir, config)
    assert load_index(config.index_dir, config) is first
    (config.corpus_dir / "delta.txt").write_text("Delta is a river town. Its bridge opened in 1931.", encoding="utf-8")
    build_index(config)
    second = load_index(config.index_dir, config)
    assert second is not first and "delta.txt" in second.documents
    assert ask("When did the bridge open?", index=config.index_dir, config=config).quotes[0].source == "delta.txt"


def test_unchanged_files_are_not_cleaned_again(tmp_path, monkeypatch):
    base = tmp_path / "default"
    shutil.copytree(CORPUS, base / "corpus")
    config = Config(corpus_dir=base / "corpus", index_dir=base / "index")
    build_index(config)
    cleaned: list[str] = []
    real = build_module.prepare_document

    def counting(raw):
        cleaned.append(raw.source)
        return real(raw)

    monkeypatch.setattr(build_module, "prepare_document", counting)
    report = build_index(config)
    assert not report.written and cleaned == []
    path = config.corpus_dir / BLOG
    text = path.read_text(encoding="utf-8")
    at = text.index("Japan", len(text) // 3)
    path.write_text(text[:at] + "Nippon" + text[at + len("Japan"):], encoding="utf-8")
    report = build_index(config)
    assert report.written and cleaned == [BLOG] and report.reembedded == (BLOG,)
    fresh = Config(corpus_dir=config.corpus_dir, index_dir=base / "fresh")
    build_index(fresh)
    a, b = load_index(config.index_dir, config), load_index(fresh.index_dir, fresh)
    assert a.documents == b.documents and a.chunks == b.chunks
    np.testing.assert_allclose(a.chunk_vectors, b.chunk_vectors, atol=1e-5)
