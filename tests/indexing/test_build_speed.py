"""What makes a build fast: chunk vectors pooled from sentence vectors (each token embedded once), and a
build with nothing to do told from file sizes and times without reading any file."""
from __future__ import annotations

import os
import shutil

import numpy as np
import pytest

import qa.indexing.build as build_module
import qa.ingest.load as load_module
from qa import Config, build_index, load_index
from qa.indexing.pooled import pool, sentence_rows, sentence_texts
from qa.ingest.chunk import in_context

from ..conftest import CORPUS


@pytest.fixture
def corpus(tmp_path):
    shutil.copytree(CORPUS, tmp_path / "corpus")
    return tmp_path / "corpus"


def test_chunk_vectors_are_the_token_weighted_mean_of_their_sentences(tmp_path, corpus, embedder):
    config = Config(corpus_dir=corpus, index_dir=tmp_path / "index", chunk_vectors="pooled", document_encoder="fp32",
                    sentence_vectors="alone")  # pooled chunks are an option of sentences embedded alone
    report = build_index(config)
    index = load_index(config.index_dir, config)
    assert index.manifest["embedding"]["chunks"] == "pooled"
    pooled = cut = 0
    for source, document in index.documents.items():
        texts = sentence_texts(document)
        alone = embedder.encode(texts)
        weights = np.array(embedder.token_lengths(texts), dtype=np.float32)
        for chunk in (c for c in index.chunks if c.source == source):
            rows = sentence_rows(document, chunk)
            if rows is None:  # a chunk that cuts a sentence is embedded itself
                want = embedder.encode([in_context(chunk.text, chunk.section)])[0]
                cut += 1
            else:
                spans = [document.sentences[i] for i in rows]
                assert spans[0][0] == chunk.start and spans[-1][1] == chunk.end
                want = pool(alone[rows.start:rows.stop], weights[rows.start:rows.stop])
                pooled += 1
            assert np.abs(index.chunk_vectors[chunk.id] - want).max() < 1e-5
    assert pooled > 10 * cut
    # Only sentences (and the chunks that cut one) went through the model: under one text per chunk more.
    assert report.embedded < len(index.sentences) + cut + 1


def test_pool_is_the_normalised_weighted_mean():
    vectors = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]], dtype=np.float32)
    out = pool(vectors, np.array([1.0, 1.0]))
    assert np.allclose(out, [2 ** -0.5, 2 ** -0.5, 0]) and out.dtype == np.float32
    assert np.allclose(pool(vectors[:1], np.array([5.0])), vectors[0])


def test_an_index_with_chunks_embedded_alone_is_embedded_again_with_a_note(tmp_path, corpus):
    own = Config(corpus_dir=corpus, index_dir=tmp_path / "index", chunk_vectors="own", sentence_vectors="alone")
    first = build_index(own)
    index = load_index(own.index_dir, own)
    assert index.manifest["embedding"]["chunks"] == "own" and first.embedded > len(index.sentences)
    again = build_index(own.with_(chunk_vectors="pooled"))
    assert again.written and len(again.reembedded) == first.documents
    assert any("chunk vectors, fragment vectors or document encoder differ" in n for n in again.notes)


def test_a_build_with_nothing_changed_reads_no_file(tmp_path, corpus, monkeypatch):
    config = Config(corpus_dir=corpus, index_dir=tmp_path / "index")
    first = build_index(config)

    def refuse(*args, **kwargs):
        raise AssertionError("a file was read")

    monkeypatch.setattr(build_module, "load_corpus", refuse)
    monkeypatch.setattr(load_module, "_read_bytes", refuse)
    report = build_index(config)
    assert not report.written and report.documents == first.documents and report.chunks == first.chunks
    assert set(report.reused) == set(first.reembedded)
    monkeypatch.undo()

    # A touched file (same bytes, new time) is read and hashed, and found unchanged: nothing re-embedded.
    path = next(p for p in sorted(corpus.iterdir()) if p.suffix == ".txt")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    touched = build_index(config)
    assert touched.reembedded == () and touched.embedded == 0


@pytest.mark.parametrize("change", ["text", "sidecar", "new file", "removed"])
def test_any_change_on_disk_is_seen(tmp_path, corpus, change):
    config = Config(corpus_dir=corpus, index_dir=tmp_path / "index")
    build_index(config)
    path = next(p for p in sorted(corpus.iterdir()) if p.suffix == ".txt")
    if change == "text":
        path.write_text(path.read_text(encoding="utf-8") + "\nThe border was quiet in 1940.\n", encoding="utf-8")
    elif change == "sidecar":
        sidecar = path.with_name(path.name + ".meta.json")
        sidecar.write_text('{"title": "A new title"}', encoding="utf-8")
    elif change == "new file":
        (corpus / "extra.txt").write_text("The armistice was signed in September 1939.\n", encoding="utf-8")
    else:
        path.unlink()
    report = build_index(config)
    assert report.written
    index = load_index(config.index_dir, config)
    if change == "sidecar":
        assert index.documents[path.name].title == "A new title"
    if change == "removed":
        assert report.removed == (path.name,)


def test_documents_are_embedded_by_the_per_channel_int8_model_and_searched_in_fp32(tmp_path, corpus, embedder):
    from dataclasses import replace

    from qa import ask

    config = Config(corpus_dir=corpus, index_dir=tmp_path / "index", document_encoder="int8", sentence_vectors="alone")
    build_index(config)
    index = load_index(config.index_dir, config)
    assert index.manifest["embedding"]["backend"] == "onnx"
    assert index.manifest["embedding"]["documents"] == "onnx-int8-channel"
    document = next(iter(index.documents.values()))
    texts = sentence_texts(document)[:40]
    int8 = np.concatenate([replace(embedder, backend="onnx-int8-channel").encode([t]) for t in texts])
    stored = np.asarray(index.sentence_vectors[:len(texts)])
    assert np.abs(stored - int8).max() < 1e-5
    cosines = (int8 * embedder.encode(texts)).sum(axis=1)
    assert cosines.min() > 0.9 and np.median(cosines) > 0.98  # near the fp32 vectors, not equal to them
    answer = ask("When did the Battle of Lake Khasan take place?", index=index)
    assert answer.quotes and "1938" in " ".join(q.text for q in answer.quotes)
    again = build_index(config.with_(document_encoder="fp32"))
    assert again.written and len(again.reembedded) == len(index.documents)


def test_the_per_channel_int8_model_keeps_the_first_feed_forward_projections_in_fp32(embedder):
    from pathlib import Path

    import onnx

    from qa.indexing.onnx import FP32_PROJECTIONS, default_cache_dir, export_path, kept_in_fp32

    cache = Path(embedder.cache_dir) if embedder.cache_dir else default_cache_dir()
    model = export_path(embedder.path, embedder.model_id, cache, int8=True, per_channel=True)
    kept = kept_in_fp32(model.with_name("model.onnx"))
    assert len(kept) == FP32_PROJECTIONS and all("/output/dense/" in name for name in kept)
    graph = onnx.load(str(model), load_external_data=False).graph
    assert set(kept) <= {node.name for node in graph.node if node.op_type == "MatMul"}  # left in fp32
    quantised = [node for node in graph.node if node.op_type in ("MatMulInteger", "DynamicQuantizeMatMul")]
    assert len(quantised) == 6 * 6 - FP32_PROJECTIONS  # every other weight matrix of the 6 layers is int8


def test_the_command_line_builds_with_the_int8_document_encoder(tmp_path, capsys):
    from qa.cli import main

    small = tmp_path / "small"
    small.mkdir()
    first = sorted(CORPUS.iterdir())[0]
    shutil.copy(first, small / first.name)
    args = ["build", "--corpus", str(small), "--index", str(tmp_path / "index"), "--document-encoder"]
    assert main([*args, "int8"]) == 0
    index = load_index(tmp_path / "index", Config(corpus_dir=small, index_dir=tmp_path / "index"))
    assert index.manifest["embedding"]["documents"] == "onnx-int8-channel"
    with pytest.raises(SystemExit) as refused:
        main([*args, "fp16"])
    assert refused.value.code == 2
    assert "invalid choice" in capsys.readouterr().err
