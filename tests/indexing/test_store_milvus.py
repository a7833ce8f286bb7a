"""The Milvus store against a real local milvus-lite server on 127.0.0.1, started and stopped here."""
from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time

import pytest

from qa import Config, QAError, ask, build_index, load_index
from qa.indexing.store import parse_target
from qa.training.evaluate import evaluate

from ..conftest import BLOG, CORPUS, WIKI, squad_path, stop_app

QUESTIONS = [
    "How long did the Soviet–Japanese Neutrality Pact remain in effect?",
    "When did the Battle of Lake Khasan take place?",
    "Who won the Battle of Khalkhin Gol?",
    "How many Soviet soldiers were killed in the Kanchazu Island incident?",
    "When did the Soviet Union declare war on Japan?",
    "What was the Changkufeng Incident?",
    "Who painted the Mona Lisa?",
]


@pytest.fixture(scope="module")
def milvus_server(tmp_path_factory):
    """``milvus-lite server`` on a free 127.0.0.1 port; yields its milvus:// address."""
    from pymilvus import MilvusClient

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    data = tmp_path_factory.mktemp("milvus")
    log = (data / "server.log").open("w")
    process = subprocess.Popen([sys.executable, "-m", "milvus_lite", "server", "--data-dir", str(data / "db"),
                                "--host", "127.0.0.1", "--port", str(port)], stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while True:
        if process.poll() is not None:
            pytest.fail(f"milvus-lite exited with {process.returncode}: {(data / 'server.log').read_text()[-2000:]}")
        try:
            MilvusClient(uri=f"http://127.0.0.1:{port}", timeout=2).list_collections()
            break
        except Exception:
            if time.monotonic() > deadline:
                process.kill()
                pytest.fail("milvus-lite did not serve within 120 s")
            time.sleep(0.3)
    yield f"milvus://127.0.0.1:{port}"
    stop_app(process)
    log.close()


def _spans(answer):
    return [(q.source, q.start, q.end) for q in answer.quotes], answer.abstained


@pytest.fixture(scope="module")
def milvus_config(milvus_server, tmp_path_factory):
    base = tmp_path_factory.mktemp("mdefault")
    shutil.copytree(CORPUS, base / "corpus")
    config = Config(corpus_dir=base / "corpus", index_dir=base / "index", store=milvus_server)
    build_index(config)
    return config


def test_milvus_index_answers_with_the_same_quotes_as_faiss(milvus_config, default_index):
    plain = Config(corpus_dir=milvus_config.corpus_dir, index_dir=milvus_config.index_dir)  # follows the manifest
    idx = load_index(plain.index_dir, plain)
    assert idx.store.kind == "milvus" and idx.manifest["store"]["uri"].startswith("http://127.0.0.1:")
    for question in QUESTIONS:
        answer = ask(question, index=idx)
        assert _spans(answer) == _spans(ask(question, index=default_index)), question
        for q in answer.quotes:
            assert idx.documents[q.source].text[q.start:q.end] == q.text
    qvec = idx.embed(["Who won the Battle of Khalkhin Gol?"])[0]
    assert [c for c, _ in idx.dense_search(qvec, 5)] == [c for c, _ in default_index.dense_search(qvec, 5)]
    for source in (BLOG, WIKI):
        hits = idx.dense_search(qvec, 5, frozenset({source}))
        assert hits and all(idx.chunks[c].source == source for c, _ in hits)
        assert all(idx.sentences[i].source == source for i in idx.nearest_sentences(qvec, 5, frozenset({source})))
    answer = ask("Who won the Battle of Khalkhin Gol?", index=idx, sources=[WIKI])
    assert all(q.source == WIKI for q in answer.quotes + answer.related)


def _rows(config: Config, part: str) -> set[int]:
    from pymilvus import MilvusClient

    store = load_index(config.index_dir, config).manifest["store"]
    client = MilvusClient(uri=store["uri"])
    return {int(r["pk"]) for r in client.query(f"{store['collection']}_{part}", filter="pk >= 0", output_fields=["pk"])}


def test_incremental_builds_touch_only_changed_documents(milvus_config):
    config = milvus_config
    before = _rows(config, "chunks")
    idx = load_index(config.index_dir, config)
    assert len(before) == len(idx.chunks) and len(_rows(config, "sentences")) == len(idx.sentences)
    wiki_keys = set(idx.store.chunk_of) - {k for k, i in idx.store.chunk_of.items() if idx.chunks[i].source == WIKI}
    path = config.corpus_dir / BLOG
    text = path.read_text(encoding="utf-8")
    at = text.index("Japan", len(text) // 3)
    path.write_text(text[:at] + "Nippon" + text[at + len("Japan"):], encoding="utf-8")
    report = build_index(config)
    store = load_index(config.index_dir, config).manifest["store"]
    assert report.reembedded == (BLOG,)
    assert (store["inserted_documents"], store["deleted_documents"]) == (1, 1)
    after = _rows(config, "chunks")
    assert before - wiki_keys <= after  # the unchanged document's rows are the same rows
    assert len(after) == len(load_index(config.index_dir, config).chunks)
    path.unlink()
    build_index(config)
    idx = load_index(config.index_dir, config)
    assert (idx.manifest["store"]["inserted_documents"], idx.manifest["store"]["deleted_documents"]) == (0, 1)
    assert len(_rows(config, "chunks")) == len(idx.chunks) and set(idx.documents) == {WIKI}


def test_dev_quote_hit_matches_the_faiss_store(milvus_server, tmp_path):
    data = json.loads(squad_path().read_text(encoding="utf-8"))
    data["data"] = [a for a in data["data"] if a["title"] == "Normans"]  # one article: CI time
    subset = tmp_path / "normans.json"
    subset.write_text(json.dumps(data), encoding="utf-8")
    faiss = evaluate(subset, config=Config())
    milvus = evaluate(subset, config=Config(store=milvus_server))
    assert faiss["answerable"] > 50
    assert abs(faiss["quote_hit@1"] - milvus["quote_hit@1"]) <= 0.01


def test_store_addresses_and_unreachable_server(tmp_path):
    assert parse_target(None) == {"kind": "faiss"} == parse_target("faiss")
    assert parse_target(str(tmp_path / "x.db"))["uri"] == str(tmp_path / "x.db")
    with pytest.raises(QAError, match="milvus://HOST:PORT"):
        parse_target("milvus://nohost")
    with pytest.raises(QAError, match="Unknown store"):
        parse_target("redis://x")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    shutil.copytree(CORPUS, tmp_path / "corpus")
    config = Config(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index", store=f"milvus://127.0.0.1:{port}")
    with pytest.raises(QAError, match="Could not reach Milvus"):
        build_index(config)
    assert not (tmp_path / "index" / "CURRENT").exists()


def test_embedded_milvus_file_is_followed_by_a_new_process(tmp_path, default_index):
    shutil.copytree(CORPUS, tmp_path / "corpus")
    index = tmp_path / "index"
    built = subprocess.run([sys.executable, "-m", "qa", "build", "--corpus", str(tmp_path / "corpus"), "--index",
                            str(index), "--store", str(tmp_path / "qa.db")], capture_output=True, text=True)
    assert built.returncode == 0, built.stderr[-2000:]
    question = QUESTIONS[1]  # its answer compares no names: the new process loads neither spaCy nor WordNet
    out = subprocess.run([sys.executable, "-m", "qa", "ask", question, "--index", str(index), "--json"],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-2000:]
    answer = json.loads(out.stdout)
    expected = ask(question, index=default_index)
    assert expected.quotes
    assert [(q["source"], q["start"], q["end"]) for q in answer["quotes"]] == _spans(expected)[0]
    docs = subprocess.run([sys.executable, "-m", "qa", "docs", "--index", str(index)], capture_output=True, text=True)
    assert "Milvus at " + str(tmp_path / "qa.db") in docs.stdout
