"""Agents benchmark: what MCP and the HTTP API add to qa.ask, and verify_text's accuracy and speed. Not a test.

    nice -n 19 .venv/bin/python benchmarks/bench_agents.py [--parts overhead verify scale] [--rounds 3]
        [--per-category 200] [--chunks 100000] [--data ../shared/data] [--scale-index DIR]
        [--out docs/bench_agents.json]

- ``overhead``: the same questions about the default corpus asked, interleaved, of ``qa.ask`` in this
  process, the MCP server through the SDK's in-memory client (same process, same loaded index), the MCP
  server as a stdio subprocess (``python -m qa mcp``), and ``GET /api/ask`` of a running ``app.py``,
  through an HTTP keep-alive connection. p50 of each and its difference from the direct call.
- ``verify``: per category (exact, whitespace, curly quotes, ellipsis, case, invented), ``--per-category``
  quotes made from random word-aligned spans of two real corpora (the default corpus, indexed with the
  real model, and 40 pages of the Python documentation from the python3-doc package, cleaned, chunked and
  BM25-indexed for real but with seeded random document vectors); how many get the expected status (and,
  when repaired, exactly the original span), and the p50 latency.
- ``scale``: an index of ``--chunks`` chunks (10^5 by default) written directly with write_index: real
  English (SQuAD sentences recombined, one unique token a chunk so that the vocabulary grows), BM25 over
  all of it, and seeded random vectors (embedding 10^5 chunks takes hours on two cores); questions and
  quotes are embedded by the real model. verify_text's p50 for exact, case-changed and invented quotes.
Figures are medians; the overhead comparison is taken within one run, interleaved.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data"
PYDOCS = Path("/usr/share/doc/python3-doc/html/library")
QUESTIONS = [
    "When was the Battle of Lake Khasan?",
    "How long did the Soviet–Japanese Neutrality Pact remain in effect?",
    "Who commanded the Soviet forces at Khalkhin Gol?",
    "What did the Japanese attack on Pearl Harbor trigger?",
    "Where is Khalkhin Gol?",
    "How many soldiers died in the border conflicts?",
    "Why did Japan sign the neutrality pact?",
    "When did the Soviet Union declare war on Japan?",
    "Who painted the Mona Lisa?",
    "What was the result of the Battle of Khalkhin Gol?",
    "What is the capital of Mongolia?",
    "Which river marks the border at Khalkhin Gol?",
]
CATEGORIES = {"exact": "verified", "whitespace": "repaired", "curly quotes": "repaired", "ellipsis": "repaired",
              "case": "repaired", "invented": "unverified"}


def pct(values: list[float], p: float = 50) -> float:
    return float(np.percentile(np.asarray(values), p)) if values else 0.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------- overhead

def start_app(corpus: Path, index: Path) -> tuple[subprocess.Popen, str]:
    import httpx

    port = free_port()
    env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_OFFLINE": "1"}
    process = subprocess.Popen([sys.executable, str(ROOT / "app.py"), "--port", str(port), "--corpus", str(corpus),
                                "--index", str(index)], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            if httpx.get(url + "/api/health", timeout=5).status_code == 200:
                return process, url
        except httpx.HTTPError:
            time.sleep(0.5)
    process.kill()
    raise RuntimeError("app.py did not start")


def overhead_part(work: Path, rounds: int) -> dict[str, Any]:
    import anyio
    import httpx
    from mcp import Client
    from mcp.client.stdio import StdioServerParameters

    from qa import Config, ask, build_index, load_index
    from qa.mcp_server import make_server

    config = Config(corpus_dir=work / "corpus", index_dir=work / "index")
    shutil.copytree(ROOT / "corpus", config.corpus_dir)
    build_index(config)
    idx = load_index(config.index_dir, config)
    process, url = start_app(config.corpus_dir, config.index_dir)
    times: dict[str, list[float]] = {"direct": [], "mcp_memory": [], "mcp_stdio": [], "http": []}
    params = StdioServerParameters(command=sys.executable, args=["-m", "qa", "mcp", "--read-only", "--index",
                                                                 str(config.index_dir)], cwd=str(ROOT))

    async def run() -> None:
        async with Client(make_server(config)) as memory, Client(params, read_timeout_seconds=300) as stdio:
            with httpx.Client(base_url=url, timeout=120) as http:
                async def direct(q: str) -> None:
                    ask(q, index=idx).to_dict()

                async def via_memory(q: str) -> None:
                    assert not (await memory.call_tool("ask", {"question": q})).is_error

                async def via_stdio(q: str) -> None:
                    assert not (await stdio.call_tool("ask", {"question": q})).is_error

                async def via_http(q: str) -> None:
                    assert http.get("/api/ask", params={"q": q}).status_code == 200

                paths = [("direct", direct), ("mcp_memory", via_memory), ("mcp_stdio", via_stdio), ("http", via_http)]
                for q in QUESTIONS:  # warm every path (and each process's caches of the model)
                    for _, fn in paths:
                        await fn(q)
                for r in range(rounds):
                    for i, q in enumerate(QUESTIONS):
                        k = (i + r) % len(paths)
                        for name, fn in paths[k:] + paths[:k]:  # rotate who goes first
                            t = time.perf_counter()
                            await fn(q)
                            times[name].append((time.perf_counter() - t) * 1000)

    try:
        anyio.run(run)
    finally:
        process.terminate()
        process.wait(timeout=60)
    direct = pct(times["direct"])
    out: dict[str, Any] = {"questions": len(QUESTIONS), "rounds": rounds, "calls_per_path": len(times["direct"])}
    for name, ms in times.items():
        out[name] = {"p50_ms": round(pct(ms), 2), "p95_ms": round(pct(ms, 95), 2),
                     "overhead_p50_ms": round(pct(ms) - direct, 2), "ratio_p50": round(pct(ms) / direct, 3)}
    return out


# ---------------------------------------------------------------- verify: generated quotes

def word_span(text: str, rng: random.Random, lo: int = 8, hi: int = 40, around: int | None = None
              ) -> tuple[int, int] | None:
    words = [m.span() for m in re.finditer(r"\S+", text)]
    n = rng.randint(lo, hi)
    if len(words) <= n:
        return None
    if around is None:
        first = rng.randrange(len(words) - n)
    else:
        at = next((i for i, (s, e) in enumerate(words) if e > around), len(words) - 1)
        first = max(0, min(len(words) - n, at - rng.randrange(n)))
    return words[first][0], words[first + n - 1][1]


def make_quote(category: str, text: str, rng: random.Random, vocab: list[str]) -> tuple[str, tuple[int, int]] | None:
    """A claimed quote of ``category`` from ``text`` and the span it should be found at."""
    around = None
    if category == "curly quotes":
        marks = [m.start() for m in re.finditer(r"['\"‘’“”]", text)]
        if not marks:
            return None
        around = rng.choice(marks)
    lo = 16 if category == "ellipsis" else 8
    span = word_span(text, rng, lo, 40, around)
    if span is None:
        return None
    s, e = span
    exact = text[s:e]
    words = exact.split()
    if category == "exact":
        claimed = exact
    elif category == "whitespace":
        claimed = " ".join(words)
        if claimed == exact:
            i = rng.randrange(1, len(words))
            claimed = " ".join(words[:i]) + rng.choice(["  ", "\n", " \n\n "]) + " ".join(words[i:])
    elif category == "curly quotes":
        swap = {"'": "’", '"': "”", "’": "'", "‘": "'", "“": '"', "”": '"'}
        claimed = "".join(swap.get(c, c) for c in exact)
    elif category == "ellipsis":
        cut = rng.randint(2, len(words) - 12)
        claimed = " ".join(words[:6]) + rng.choice([" … ", " ... ", " [...] "]) + " ".join(words[6 + cut:])
    elif category == "case":
        claimed = rng.choice([exact.upper(), exact.lower(), exact.swapcase()])
    else:  # invented: a real passage with one word replaced, or real words in an order of their own
        if rng.random() < 0.5:
            i = rng.randrange(len(words))
            claimed = " ".join([*words[:i], rng.choice(vocab), *words[i + 1:]])
        else:
            claimed = " ".join(rng.sample(vocab, len(words)))
    if claimed.strip() != claimed or (claimed == exact and category != "exact"):
        return None
    return claimed, (s, e)


def verify_categories(idx: Any, per_category: int, seed: int = 0) -> dict[str, Any]:
    from qa import QuoteTooShortError, verify_text

    rng = random.Random(seed)
    sources = sorted(idx.documents)
    vocab = sorted({w for d in idx.documents.values() for w in re.findall(r"[A-Za-z]{4,}", d.text)})
    out: dict[str, Any] = {}
    for category, expected in CATEGORIES.items():
        ok = right_span = too_short = made = 0
        got: dict[str, int] = {}
        ms: list[float] = []
        while made < per_category:
            source = rng.choice(sources)
            quote = make_quote(category, idx.documents[source].text, rng, vocab)
            if quote is None:
                continue
            claimed, (s, e) = quote
            made += 1
            t = time.perf_counter()
            try:
                result = verify_text(claimed, index=idx)
            except QuoteTooShortError:
                too_short += 1
                continue
            finally:
                ms.append((time.perf_counter() - t) * 1000)
            got[result.status] = got.get(result.status, 0) + 1
            ok += result.status == expected
            # the original span, or the same text elsewhere (documents repeat themselves)
            right_span += expected != "unverified" and any(
                (p.source, p.start, p.end) == (source, s, e) or p.text == idx.documents[source].text[s:e]
                for p in result.spans)
        out[category] = {"quotes": made, "expected": expected, "correct_status": ok, "statuses": got,
                         "too_short": too_short, "p50_ms": round(pct(ms), 2), "p95_ms": round(pct(ms, 95), 2)}
        if expected != "unverified":
            out[category]["right_span"] = right_span
    return out


def verify_part(work: Path, per_category: int) -> dict[str, Any]:
    from qa import Config, build_index, load_index

    results = {}
    corpora = {"default": ROOT / "corpus"}
    if PYDOCS.is_dir():
        pydocs = work / "pydocs"
        pydocs.mkdir()
        for page in sorted(PYDOCS.glob("*.html"))[::8][:40]:
            shutil.copy(page, pydocs / page.name)
        corpora["python-docs"] = pydocs
    for name, corpus in corpora.items():
        config = Config(corpus_dir=corpus, index_dir=work / f"index-{name}")
        t = time.perf_counter()
        if name == "default":
            build_index(config)
        else:
            with fake_document_vectors():
                build_index(config)
        build_s = time.perf_counter() - t
        idx = load_index(config.index_dir, config)
        results[name] = {"documents": len(idx.documents), "chunks": len(idx.chunks), "build_s": round(build_s, 1),
                         "fake_document_vectors": name != "default",
                         "categories": verify_categories(idx, per_category)}
    return results


@contextmanager
def fake_document_vectors() -> Iterator[None]:
    """Seeded random vectors for the documents' chunks and sentences (a build of the Python pages with the real
    model takes tens of minutes on two shared cores); verify_text looks by BM25 first, the vectors only when
    BM25 finds nothing. Questions and quotes are still embedded by the real model."""
    import qa.indexing.build as build_module

    def fake(embedder: Any, texts: list[str], **_: Any) -> np.ndarray:
        rows = [np.random.default_rng(int(hashlib.sha256(t.encode()).hexdigest()[:8], 16)).normal(size=embedder.dim)
                for t in texts]
        x = np.asarray(rows, dtype=np.float32).reshape(len(texts), embedder.dim)
        return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-9)

    real = build_module.embed_texts
    build_module.embed_texts = fake
    try:
        yield
    finally:
        build_module.embed_texts = real


# ---------------------------------------------------------------- scale: a synthetic 10^5-chunk index

def squad_sentences(data: Path) -> list[str]:
    from qa.ingest.chunk import split_sentences

    out = []
    for name in ("squad-v2-dev-5articles.json", "squad-v2-train-10articles.json"):
        path = data / name
        if path.is_file():
            articles = json.loads(path.read_text(encoding="utf-8"))["data"]
            out += [p["context"][s:e] for a in articles for p in a["paragraphs"]
                    for s, e in split_sentences(p["context"])]
    if not out:
        raise SystemExit(f"No SQuAD files in {data}; pass --data DIR (the shared data folder).")
    return out


def synthetic_index(folder: Path, n_chunks: int, data: Path, per_doc: int = 10, seed: int = 0) -> Any:
    from qa import Config, load_index
    from qa.indexing.embed import embedder_for, vector_family
    from qa.indexing.manifest import chunking_params
    from qa.indexing.write import write_index
    from qa.records import Chunk, Document

    rng = np.random.default_rng(seed)
    sentences = squad_sentences(data)
    config = Config(index_dir=folder)
    embedder = embedder_for(config)
    documents, chunks = [], []
    for d in range(n_chunks // per_doc):
        parts, spans, pos = [], [], 0
        for _ in range(per_doc):
            picks = rng.integers(0, len(sentences), rng.integers(3, 7))
            words = " ".join(sentences[i] for i in picks).split()
            words.insert(int(rng.integers(0, len(words))), f"w{len(chunks) + len(spans)}x{rng.integers(10**6)}")
            text = " ".join(words)
            parts.append(text)
            spans.append((pos, pos + len(text)))
            pos += len(text) + 2
        body = "\n\n".join(parts)
        source = f"doc{d:06d}.txt"
        sha = hashlib.sha256(body.encode()).hexdigest()
        documents.append(Document(source=source, title=f"Document {d}", kind="document", format="txt", text=body,
                                  sha256=sha, raw_sha256=sha, sentences=tuple(spans)))
        chunks += [Chunk(len(chunks) + i, source, s, e, body[s:e], None, 160) for i, (s, e) in enumerate(spans)]
    vectors = rng.normal(size=(len(chunks), embedder.dim)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    manifest = {"model_id": embedder.model_id, "model_path": embedder.path, "chunking": chunking_params(config),
                "embedding": {"backend": embedder.backend, "family": vector_family(embedder.backend)},
                "skipped": {}, "documents": {d.source: {"sha256": d.sha256, "raw_sha256": d.raw_sha256,
                                                        "title": d.title, "kind": d.kind, "chunks": per_doc}
                                               for d in documents}}
    write_index(folder, manifest, documents, chunks, vectors, vectors)
    return load_index(folder, config)


def scale_part(folder: Path, n_chunks: int, quotes: int, data: Path) -> dict[str, Any]:
    from qa import Config, load_index, verify_text

    t = time.perf_counter()
    if (folder / "CURRENT").is_file():  # --scale-index kept from an earlier run
        idx = load_index(folder, Config(index_dir=folder))
    else:
        idx = synthetic_index(folder, n_chunks, data)
    build_s = time.perf_counter() - t
    rng = random.Random(1)
    vocab = sorted({w for c in idx.chunks[:2000] for w in re.findall(r"[A-Za-z]{4,}", c.text)})
    verify_text(idx.chunks[0].text[:80], index=idx)  # load the model
    out: dict[str, Any] = {"chunks": len(idx.chunks), "documents": len(idx.documents), "write_and_load_s":
                           round(build_s, 1), "fake_vectors": True}
    for category in ("exact", "case", "invented"):
        ms, statuses = [], {}
        made = 0
        while made < quotes:
            chunk = idx.chunks[rng.randrange(len(idx.chunks))]
            quote = make_quote(category, chunk.text, rng, vocab)
            if quote is None:
                continue
            made += 1
            t = time.perf_counter()
            result = verify_text(quote[0], index=idx)
            ms.append((time.perf_counter() - t) * 1000)
            statuses[result.status] = statuses.get(result.status, 0) + 1
        out[category] = {"quotes": made, "statuses": statuses, "p50_ms": round(pct(ms), 2),
                         "p95_ms": round(pct(ms, 95), 2)}
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--parts", nargs="+", default=["overhead", "verify", "scale"])
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--per-category", type=int, default=200)
    p.add_argument("--chunks", type=int, default=100_000)
    p.add_argument("--scale-quotes", type=int, default=100)
    p.add_argument("--data", type=Path, default=DATA, help="folder of the SQuAD files (default: ../shared/data)")
    p.add_argument("--scale-index", type=Path, help="keep the synthetic index here (reused when present)")
    p.add_argument("--out", type=Path)
    args = p.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="qa-bench-agents-") as tmp:
        work = Path(tmp)
        if "overhead" in args.parts:
            results["overhead"] = overhead_part(work / "overhead", args.rounds)
            print(json.dumps({"overhead": results["overhead"]}, indent=2), flush=True)
        if "verify" in args.parts:
            (work / "verify").mkdir()
            results["verify"] = verify_part(work / "verify", args.per_category)
            print(json.dumps({"verify": results["verify"]}, indent=2), flush=True)
        if "scale" in args.parts:
            results["scale"] = scale_part(args.scale_index or work / "scale", args.chunks,
                                          args.scale_quotes, args.data)
            print(json.dumps({"scale": results["scale"]}, indent=2), flush=True)
    if args.out:
        args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
