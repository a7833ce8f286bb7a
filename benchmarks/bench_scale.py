"""Scale benchmark: vector search, BM25, builds and ask at 10^4 … 10^6 chunks. Not a test.

    nice -n 19 .venv/bin/python benchmarks/bench_scale.py [--sizes 10000 100000 1000000]
        [--parts vectors bm25 build ask app] [--base ../base486] [--out docs/bench_scale.json]

The plot needs matplotlib (`.venv/bin/pip install matplotlib`; not a dependency of qa). The 10^6 parts
need ~6 GiB of memory and ~3 GiB of temporary disk.

What is real and what is synthetic:
- ``vectors``: synthetic clustered 384-d unit vectors (50 Gaussian clusters), because embedding 10^6
  real chunks takes hours on this machine. Recall@10 of the structure qa.indexing.vectors chooses is measured
  against exact search on a sample of the set's own vectors; the same is also measured on real
  MiniLM vectors of SQuAD sentences (``real_recall``). Queries are set vectors plus noise. RSS is that
  of a fresh process that loads the files (memory-mapped where FAISS allows) and answers 200 queries
  (VmRSS and VmHWM, which count the mapped file pages the searches touched).
- ``bm25``: real text: SQuAD dev sentences recombined into chunks of 3-6 sentences, one word per chunk
  replaced by a random token so that the vocabulary grows with size; real SQuAD questions.
- ``build``: the real pipeline on the SQuAD paragraphs (real model), cold build, nothing changed,
  one document changed; against a checkout of the previous pipeline (``--base``) in the same run.
- ``app``: ``python app.py`` from start to its first ``/ask`` answer (index already built), and its
  RSS after 100 questions, against ``--base`` in the same run.
- ``ask``: warm ``ask`` on the default corpus, and on SQuAD paragraphs varied (sentence order
  rotated) up to ~36.8k chunks, built with a fake document encoder (seeded random vectors; the
  questions are embedded by the real model), so the timing is real and the answers are not.
Figures are medians; ratios are taken within the same run.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SQUAD = ROOT.parent / "shared" / "data" / "squad-v2-dev-5articles.json"


def pct(values: list[float], p: float) -> float:
    return float(np.percentile(np.asarray(values), p)) if values else 0.0


def clustered(n: int, dim: int = 384, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(50, dim)).astype(np.float32)
    out = np.empty((n, dim), dtype=np.float32)
    for start in range(0, n, 100_000):
        m = min(100_000, n - start)
        x = centres[rng.integers(0, 50, m)] + 0.9 * rng.normal(size=(m, dim)).astype(np.float32)
        out[start:start + m] = x / np.linalg.norm(x, axis=1, keepdims=True)
    return out


def squad_sentences() -> list[str]:
    from qa.ingest.chunk import split_sentences

    data = json.loads(SQUAD.read_text(encoding="utf-8"))["data"]
    return [p["context"][s:e] for a in data for p in a["paragraphs"] for s, e in split_sentences(p["context"])]


def squad_questions() -> list[str]:
    data = json.loads(SQUAD.read_text(encoding="utf-8"))["data"]
    return [q["question"] for a in data for p in a["paragraphs"] for q in p["qas"]]


# ---------------------------------------------------------------- vectors

_PROBE = r"""
import json, sys, time
import numpy as np
sys.path.insert(0, sys.argv[1])
from qa.indexing import vectors
from qa.indexing.vectors import Ann
folder = sys.argv[2]
spec = Ann(**json.load(open(folder + "/ann.json")))
t = time.perf_counter()
index = vectors.load(__import__("pathlib").Path(folder + "/v.faiss"))
raw = np.load(folder + "/v.npy", mmap_mode="r")
load_s = time.perf_counter() - t
rng = np.random.default_rng(1)
n = index.ntotal
picks = np.sort(rng.choice(n, 200, replace=False))
queries = np.asarray(raw[picks]) + 0.05 * rng.normal(size=(200, raw.shape[1])).astype(np.float32)
queries /= np.linalg.norm(queries, axis=1, keepdims=True)
plain, filtered = [], []
lo = n // 2
ids = np.arange(lo, lo + max(n // 100, 20), dtype=np.int64)
for q in queries:
    t = time.perf_counter(); vectors.search(index, spec, q, 20); plain.append((time.perf_counter() - t) * 1000)
    t = time.perf_counter(); vectors.search(index, spec, q, 20, ids); filtered.append((time.perf_counter() - t) * 1000)
status = dict(line.split(":", 1) for line in open("/proc/self/status"))
print(json.dumps({"load_s": load_s, "search_ms": plain, "filtered_ms": filtered,
                  "rss_mib": int(status["VmRSS"].split()[0]) / 1024,
                  "hwm_mib": int(status["VmHWM"].split()[0]) / 1024}))
"""


def vector_part(n: int, work: Path) -> dict:
    import faiss

    from qa.indexing import vectors

    x = clustered(n)
    t = time.perf_counter()
    index, spec = vectors.build(x)
    build_s = time.perf_counter() - t
    folder = work / f"vec{n}"
    folder.mkdir()
    vectors.save(folder / "v.faiss", index)
    np.save(folder / "v.npy", x)
    (folder / "ann.json").write_text(json.dumps(spec.to_dict()))
    disk = sum(p.stat().st_size for p in folder.iterdir())
    out = subprocess.run([sys.executable, "-c", _PROBE, str(ROOT), str(folder)], capture_output=True, text=True,
                         check=True).stdout
    probe = json.loads(out.strip().splitlines()[-1])
    flat = faiss.IndexFlatIP(x.shape[1])
    flat.add(x)
    flat_ms = []
    for q in x[:: max(1, n // 20)][:20]:
        t = time.perf_counter()
        flat.search(q.reshape(1, -1), 20)
        flat_ms.append((time.perf_counter() - t) * 1000)
    del flat, index
    shutil.rmtree(folder)
    return {"n": n, "synthetic": True, "ann": spec.to_dict(), "build_s": build_s, "disk_mib": disk / 2**20,
            "search_p50_ms": pct(probe["search_ms"], 50), "search_p95_ms": pct(probe["search_ms"], 95),
            "filtered_p50_ms": pct(probe["filtered_ms"], 50), "flat_p50_ms": pct(flat_ms, 50),
            "load_s": probe["load_s"], "rss_mib": probe["rss_mib"], "peak_rss_mib": probe["hwm_mib"]}


def real_recall() -> dict:
    """Recall@10 of IVF (forced below its threshold) on real MiniLM vectors of SQuAD sentences."""
    from qa import Config
    from qa.indexing import vectors
    from qa.indexing.embed import embedder_for

    sentences = squad_sentences()
    x = embedder_for(Config()).encode(sentences, batch_size=64)
    _, spec = vectors.build(x, flat_below=0)
    return {"vectors": len(x), "real": True, "ann": spec.to_dict()}


# ---------------------------------------------------------------- bm25

_BM25_PROBE = r"""
import json, sys, time
sys.path.insert(0, sys.argv[1])
from pathlib import Path
from qa.indexing.lexical import Lexical
from qa.indexing.vectors import top_k
t = time.perf_counter(); lex = Lexical.load(Path(sys.argv[2])); load_s = time.perf_counter() - t
qs = json.load(open(sys.argv[3]))
ms = []
for q in qs:
    t = time.perf_counter(); top_k(lex.scores(q), 20); ms.append((time.perf_counter() - t) * 1000)
status = dict(line.split(":", 1) for line in open("/proc/self/status"))
print(json.dumps({"load_s": load_s, "ms": ms, "rss_mib": int(status["VmRSS"].split()[0]) / 1024,
                  "hwm_mib": int(status["VmHWM"].split()[0]) / 1024}))
"""


def bm25_part(n: int, work: Path, sentences: list[str], questions: list[str]) -> dict:
    from qa.indexing.lexical import Lexical

    rng = np.random.default_rng(n)
    texts = []
    for _ in range(n):
        picks = rng.integers(0, len(sentences), rng.integers(3, 7))
        words = " ".join(sentences[i] for i in picks).split()
        words[rng.integers(0, len(words))] = f"w{rng.integers(0, n)}"
        texts.append(" ".join(words))
    t = time.perf_counter()
    lex = Lexical.fit(texts)
    fit_s = time.perf_counter() - t
    folder = work / f"bm25_{n}"
    lex.save(folder)
    del lex, texts
    disk = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    qfile = work / "questions.json"
    qfile.write_text(json.dumps(questions[:200]))
    out = subprocess.run([sys.executable, "-c", _BM25_PROBE, str(ROOT), str(folder), str(qfile)],
                         capture_output=True, text=True, check=True).stdout
    probe = json.loads(out.strip().splitlines()[-1])
    shutil.rmtree(folder)
    return {"n": n, "fit_s": fit_s, "chunks_per_s_fit": n / fit_s, "disk_mib": disk / 2**20,
            "query_p50_ms": pct(probe["ms"], 50), "query_p95_ms": pct(probe["ms"], 95),
            "load_s": probe["load_s"], "rss_mib": probe["rss_mib"], "peak_rss_mib": probe["hwm_mib"]}


# ---------------------------------------------------------------- build

def squad_corpus(folder: Path, copies: int = 1) -> int:
    """SQuAD paragraphs as documents; copy i rotates each paragraph's sentences by i."""
    from qa.ingest.chunk import split_sentences

    folder.mkdir(parents=True, exist_ok=True)
    data = json.loads(SQUAD.read_text(encoding="utf-8"))["data"]
    n = 0
    for a in data:
        for j, p in enumerate(a["paragraphs"]):
            parts = [p["context"][s:e] for s, e in split_sentences(p["context"])]
            for i in range(copies):
                r = i % max(len(parts), 1)
                (folder / f"{a['title']}_{j:03d}_{i:03d}.txt").write_text(" ".join(parts[r:] + parts[:r]),
                                                                         encoding="utf-8")
                n += 1
    return n


def timed_build(pythonpath: Path, corpus: Path, index: Path) -> tuple[float, int]:
    code = ("import sys, time; from qa import Config, build_index; t = time.perf_counter(); "
            f"r = build_index(Config(corpus_dir=__import__('pathlib').Path({str(corpus)!r}), "
            f"index_dir=__import__('pathlib').Path({str(index)!r}))); "
            "print('RESULT', time.perf_counter() - t, r.chunks)")
    env = {**os.environ, "PYTHONPATH": str(pythonpath)}
    out = subprocess.run([sys.executable, "-c", code], cwd=pythonpath, env=env, capture_output=True, text=True,
                         check=True).stdout
    _, seconds, chunks = next(line for line in out.splitlines() if line.startswith("RESULT")).split()
    return float(seconds), int(chunks)


def build_part(work: Path, base: Path | None, runs: int) -> dict:
    corpus = work / "squad-corpus"
    docs = squad_corpus(corpus)
    ours, theirs, nothing, one = [], [], [], []
    chunks = 0
    for i in range(runs):
        seconds, chunks = timed_build(ROOT, corpus, work / f"ours{i}")
        ours.append(seconds)
        if base is not None:
            theirs.append(timed_build(base, corpus, work / f"base{i}")[0])
        nothing.append(timed_build(ROOT, corpus, work / f"ours{i}")[0])
        victim = sorted(corpus.iterdir())[i]
        victim.write_text(victim.read_text(encoding="utf-8") + " It was changed once.", encoding="utf-8")
        one.append(timed_build(ROOT, corpus, work / f"ours{i}")[0])
    med = statistics.median
    out = {"documents": docs, "chunks": chunks, "cold_build_s": med(ours), "chunks_per_s": chunks / med(ours),
           "nothing_changed_s": med(nothing), "nothing_changed_share": med(nothing) / med(ours),
           "one_changed_s": med(one), "one_changed_share": med(one) / med(ours)}
    if theirs:
        out |= {"base_cold_build_s": med(theirs), "base_chunks_per_s": chunks / med(theirs),
                "throughput_ratio": med(theirs) / med(ours)}
    return out


# ---------------------------------------------------------------- ask

def fake_embed_texts(embedder, texts, **options):
    rng_rows = [np.random.default_rng(abs(hash(t)) % 2**32).normal(size=384) for t in texts]
    x = np.asarray(rng_rows, dtype=np.float32).reshape(len(texts), 384)
    return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-9)


def ask_times(index, questions: list[str], stages: bool = False) -> dict:
    from qa import ask

    ask(questions[0], index=index)
    ms = []
    for q in questions:
        t = time.perf_counter()
        ask(q, index=index)
        ms.append((time.perf_counter() - t) * 1000)
    out = {"p50_ms": pct(ms, 50), "p95_ms": pct(ms, 95)}
    if stages:
        out["stages_p50_ms"] = stage_times(index, questions)
    return out


def stage_times(index, questions: list[str]) -> dict:
    from qa.answering.question_scores import score_question
    from qa.answering.retrieve import retrieve
    from qa.answering.sentence_stats import stats

    st = stats(index)
    embed, dense, bm25, sentences = [], [], [], []
    for q in questions:
        t0 = time.perf_counter()
        qvec = index.embed([q])[0]
        t1 = time.perf_counter()
        index.dense_search(qvec, 20)
        t2 = time.perf_counter()
        index.store.bm25_scores(q)
        t3 = time.perf_counter()
        index.nearest_sentences(qvec, 10)
        t4 = time.perf_counter()
        embed.append(t1 - t0)
        dense.append(t2 - t1)
        bm25.append(t3 - t2)
        sentences.append(t4 - t3)
    retrieve(index, score_question(index, questions[0]))
    del st
    return {k: 1000 * statistics.median(v) for k, v in
            (("embed", embed), ("dense", dense), ("bm25", bm25), ("sentences", sentences))}


def ask_part(work: Path, questions: list[str], target_chunks: int) -> dict:
    import qa.indexing.build as build_module
    from qa import Config, build_index, load_index

    default = Config(corpus_dir=work / "dcorpus", index_dir=work / "dindex")
    shutil.copytree(ROOT / "corpus", default.corpus_dir)
    build_index(default)
    small = load_index(default.index_dir, default)
    big_cfg = Config(corpus_dir=work / "bigcorpus", index_dir=work / "bigindex")
    copies = max(1, round(target_chunks / 183))
    squad_corpus(big_cfg.corpus_dir, copies)
    real = build_module.embed_many
    build_module.embed_many = fake_embed_texts
    try:
        t = time.perf_counter()
        build_index(big_cfg)
        big_build_s = time.perf_counter() - t
    finally:
        build_module.embed_many = real
    big = load_index(big_cfg.index_dir, big_cfg)
    from qa.answering.sentence_stats import stats

    t = time.perf_counter()
    stats(big)
    stats_s = time.perf_counter() - t
    rounds: dict[str, list[dict]] = {"default": [], "big": []}
    for _ in range(3):  # interleaved
        rounds["default"].append(ask_times(small, questions))
        rounds["big"].append(ask_times(big, questions))
    med = {k: statistics.median(r["p50_ms"] for r in v) for k, v in rounds.items()}
    return {"default_chunks": len(small.chunks), "big_chunks": len(big.chunks), "big_sentences": len(big.sentences),
            "big_documents": len(big.documents), "fake_document_vectors": True, "big_build_s": big_build_s,
            "big_first_question_stats_s": stats_s, "default_p50_ms": med["default"], "big_p50_ms": med["big"],
            "default_p95_ms": statistics.median(r["p95_ms"] for r in rounds["default"]),
            "big_p95_ms": statistics.median(r["p95_ms"] for r in rounds["big"]),
            "ratio_big_to_default": med["big"] / med["default"],
            "stages_default": stage_times(small, questions), "stages_big": stage_times(big, questions),
            "ann_big": big.manifest.get("ann")}


# ---------------------------------------------------------------- app

def app_once(checkout: Path, corpus: Path, index: Path, questions: list[str]) -> dict:
    """Seconds from starting ``python app.py`` to its first answer, and its RSS after the questions."""
    import socket

    import gradio_client

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False", "PYTHONPATH": str(checkout)}
    t = time.perf_counter()
    process = subprocess.Popen([sys.executable, str(checkout / "app.py"), "--port", str(port), "--corpus", str(corpus),
                                "--index", str(index)], cwd=checkout, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        while True:
            try:
                client = gradio_client.Client(f"http://127.0.0.1:{port}/", verbose=False)
                client.predict(questions[0], api_name="/ask")
                break
            except Exception:
                if process.poll() is not None or time.perf_counter() - t > 600:
                    raise RuntimeError("app.py did not answer") from None
                time.sleep(0.2)
        first = time.perf_counter() - t
        for q in questions[:100]:
            client.predict(q, api_name="/ask")
        status = Path(f"/proc/{process.pid}/status").read_text()
        rss = int(next(line for line in status.splitlines() if line.startswith("VmRSS")).split()[1]) / 1024
    finally:
        process.terminate()
        process.wait(timeout=60)
    return {"first_answer_s": first, "rss_after_100_mib": rss}


def app_part(work: Path, base: Path | None, runs: int, questions: list[str]) -> dict:
    corpus = work / "appcorpus"
    shutil.copytree(ROOT / "corpus", corpus)
    ours, theirs = [], []
    for _ in range(runs):  # interleaved; each app builds its own index on first start, timed from the 2nd
        ours.append(app_once(ROOT, corpus, work / "app-ours", questions))
        if base is not None:
            theirs.append(app_once(base, corpus, work / "app-base", questions))
    med = statistics.median
    out = {"first_answer_s": med(r["first_answer_s"] for r in ours[1:] or ours),
           "rss_after_100_mib": med(r["rss_after_100_mib"] for r in ours)}
    if theirs:
        out |= {"base_first_answer_s": med(r["first_answer_s"] for r in theirs[1:] or theirs),
                "base_rss_after_100_mib": med(r["rss_after_100_mib"] for r in theirs)}
    return out


# ---------------------------------------------------------------- plot

def plot(results: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (a, b) = plt.subplots(1, 2, figsize=(10, 4))
    vec = results.get("vectors", [])
    bm = results.get("bm25", [])
    if vec:
        ns = [r["n"] for r in vec]
        a.plot(ns, [r["search_p50_ms"] for r in vec], "o-", label="vector search p50 (chosen ANN)")
        a.plot(ns, [r["flat_p50_ms"] for r in vec], "s--", label="exact flat p50")
        b.plot(ns, [r["rss_mib"] for r in vec], "o-", label="vector process RSS")
        b.plot(ns, [r["disk_mib"] for r in vec], "s--", label="vector files on disk")
    if bm:
        ns = [r["n"] for r in bm]
        a.plot(ns, [r["query_p50_ms"] for r in bm], "^-", label="BM25 p50")
        b.plot(ns, [r["rss_mib"] for r in bm], "^-", label="BM25 process RSS")
    for ax, label in ((a, "ms"), (b, "MiB")):
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("chunks")
        ax.set_ylabel(label)
        ax.legend(fontsize=8)
        ax.grid(True, which="both", alpha=0.3)
    a.set_title("latency against size")
    b.set_title("memory and disk against size")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    p.add_argument("--parts", nargs="+", default=["vectors", "bm25", "build", "ask", "app"])
    p.add_argument("--base", type=Path, default=None, help="checkout of the previous pipeline, for build ratios")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--ask-chunks", type=int, default=36_800)
    p.add_argument("--out", type=Path, default=ROOT / "docs" / "bench_scale.json")
    args = p.parse_args()
    results: dict = json.loads(args.out.read_text()) if args.out.is_file() else {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if "vectors" in args.parts:
            results["vectors"] = []
            for n in args.sizes:
                results["vectors"].append(vector_part(n, work))
                print(json.dumps(results["vectors"][-1]), flush=True)
            results["real_recall"] = real_recall()
            print(json.dumps(results["real_recall"]), flush=True)
        if "bm25" in args.parts:
            sentences, questions = squad_sentences(), squad_questions()
            results["bm25"] = []
            for n in args.sizes:
                results["bm25"].append(bm25_part(n, work, sentences, questions))
                print(json.dumps(results["bm25"][-1]), flush=True)
        if "build" in args.parts:
            results["build"] = build_part(work, args.base, args.runs)
            print(json.dumps(results["build"]), flush=True)
        if "app" in args.parts:
            results["app"] = app_part(work, args.base, args.runs + 1, squad_questions()[:100])
            print(json.dumps(results["app"]), flush=True)
        if "ask" in args.parts:
            results["ask"] = ask_part(work, squad_questions()[:150], args.ask_chunks)
            print(json.dumps(results["ask"]), flush=True)
    results["peak_rss_mib_this_process"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    args.out.write_text(json.dumps(results, indent=1))
    plot(results, args.out.with_suffix(".png"))
    print(f"wrote {args.out} and {args.out.with_suffix('.png')}")


if __name__ == "__main__":
    main()
