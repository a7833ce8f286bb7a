"""Document vectors in bfloat16 (OpenVINO): near the fp32 ones, each depending on its text alone, the default
where the CPU has it, and refused with the reason where it does not."""
from __future__ import annotations

import shutil
from dataclasses import replace

import numpy as np
import pytest

from qa import Config, QAError, ask, build_index, load_index
from qa.indexing import openvino
from qa.indexing.embed_many import document_embedder, embed_many
from qa.indexing.pooled import sentence_texts

from ..conftest import CORPUS

needs_bf16 = pytest.mark.skipif(bool(openvino.unavailable()), reason=openvino.unavailable() or "bf16 runs here")


@pytest.fixture
def corpus(tmp_path):
    shutil.copytree(CORPUS, tmp_path / "corpus")
    return tmp_path / "corpus"


@needs_bf16
def test_auto_embeds_documents_in_bf16_near_the_fp32_vectors(tmp_path, corpus, embedder):
    config = Config(corpus_dir=corpus, index_dir=tmp_path / "index", sentence_vectors="alone")
    build_index(config)
    index = load_index(config.index_dir, config)
    assert index.manifest["embedding"]["backend"] == "onnx"  # questions
    assert index.manifest["embedding"]["documents"] == "openvino-bf16"
    texts = sentence_texts(next(iter(index.documents.values())))[:60]
    bf16 = replace(embedder, backend="openvino-bf16")
    alone = np.concatenate([bf16.encode([t]) for t in texts])  # each text in a batch of its own
    stored = np.asarray(index.sentence_vectors[:len(texts)])
    assert np.abs(stored - alone).max() < 1e-5  # a vector does not depend on the texts batched with it
    cosines = (alone * embedder.encode(texts)).sum(axis=1)
    assert cosines.min() > 0.9999 and not np.array_equal(alone, embedder.encode(texts))  # bf16, near fp32
    answer = ask("When did the Battle of Lake Khasan take place?", index=index)
    assert answer.quotes and "1938" in " ".join(q.text for q in answer.quotes)
    again = build_index(config.with_(document_encoder="fp32"))
    assert again.written and len(again.reembedded) == len(index.documents)
    assert load_index(config.index_dir, config).manifest["embedding"]["documents"] == "onnx"


@needs_bf16
def test_vectors_are_the_same_in_any_batch_order_thread_count_and_process_count(embedder):
    bf16 = document_embedder(embedder, "bf16")
    texts = [f"Sentence {i} is about " + "the os module and its functions " * (i % 9) for i in range(120)]
    one = embed_many(bf16, texts, threads=1, batch_tokens=2048)
    assert np.array_equal(one, embed_many(bf16, texts[::-1], threads=2, batch_tokens=300)[::-1])
    assert np.array_equal(one, embed_many(bf16, texts, workers=2))


@needs_bf16
def test_an_incremental_bf16_build_equals_a_full_one(tmp_path, corpus):
    config = Config(corpus_dir=corpus, index_dir=tmp_path / "index", document_encoder="bf16")
    build_index(config)
    page = corpus / "soviet-japanese-border-conflicts-theinfolist.txt"
    text = page.read_text(encoding="utf-8")
    middle = text.index("\n\n", len(text) // 2)
    page.write_text(text[:middle] + "\n\nThe archive was moved to a new building in 1961." + text[middle:],
                    encoding="utf-8")
    report = build_index(config)
    assert report.reembedded == (page.name,)
    full = config.with_(index_dir=tmp_path / "full")
    build_index(full)
    a, b = load_index(config.index_dir, config), load_index(full.index_dir, full)
    assert "new building in 1961" in a.documents[page.name].text
    assert a.chunks == b.chunks and a.sentences == b.sentences
    assert np.abs(np.asarray(a.chunk_vectors) - np.asarray(b.chunk_vectors)).max() < 1e-5
    assert np.abs(np.asarray(a.sentence_vectors) - np.asarray(b.sentence_vectors)).max() < 1e-5


def test_without_bf16_auto_is_fp32_and_bf16_is_refused_with_the_reason(tmp_path, corpus, embedder, monkeypatch, capsys):
    from qa.cli import main

    monkeypatch.setattr(openvino, "unavailable", lambda: "this CPU does not compute in bfloat16 natively")
    assert document_embedder(embedder, "auto").backend == "onnx"
    with pytest.raises(QAError, match=r"bfloat16 natively.*--document-encoder fp32"):
        document_embedder(embedder, "bf16")
    args = ["build", "--corpus", str(corpus), "--index", str(tmp_path / "index"), "--document-encoder", "bf16"]
    assert main(args) != 0
    err = capsys.readouterr().err
    assert "bfloat16 natively" in err and "Traceback" not in err
    assert not (tmp_path / "index" / "manifest.json").exists() and "Reading" not in err  # refused before reading
    with pytest.raises(QAError, match="auto, fp32, bf16, int8"):
        document_embedder(embedder, "fp16")


@needs_bf16
def test_fresh_processes_embedding_on_two_threads_at_once_never_hang():
    """OpenVINO's Python binding sets itself up on a model's first run; two threads doing that at once could
    deadlock (about one fresh process in six did). Each process here embeds on two threads from the start."""
    import subprocess
    import sys

    script = (
        "from qa import Config\n"
        "from qa.indexing.embed import embedder_for\n"
        "from qa.indexing.embed_many import document_embedder, embed_many\n"
        "texts = [f'Sentence {i} is about ' + 'the os module ' * (i % 9) for i in range(40)]\n"
        "bf16 = document_embedder(embedder_for(Config()), 'bf16')\n"
        "print(embed_many(bf16, texts, threads=2, batch_tokens=128).shape)\n"
    )
    for _ in range(6):
        out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
        assert out.returncode == 0, out.stderr[-2000:]
        assert out.stdout.strip() == "(40, 384)"
