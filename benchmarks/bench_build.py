"""Build benchmarks: cold and warm build of the default corpus, embedding throughput, peak memory; and a
peer run against a LlamaIndex ingestion and an older qa on real documentation.

    .venv/bin/python benchmarks/bench_build.py [--runs 3] [--squad ../shared/data/squad-v2-dev-5articles.json]
    .venv/bin/python benchmarks/bench_build.py --peer [--rounds 3] [--baseline c2dea78] [--write-docs]
    .venv/bin/python benchmarks/bench_build.py --incremental [--rounds 3] [--against 6e53fc6] [--python-set all]

Each build runs in a fresh process (model load included), so figures are what a user waits for.
Throughput is compared with a bare ``SentenceTransformer.encode`` over the same texts in the same run.
The peer run lives in benchmarks/bench_peer.py.
"""
from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def timed_build(corpus: Path, index: Path, *extra: str) -> tuple[float, float, float]:
    """Build seconds, whole-process seconds (start-up and imports too) and peak RSS (MiB) of a build."""
    code = ("import resource, sys, time; from qa.cli import main; t = time.perf_counter(); "
            f"main(['build', '--corpus', {str(corpus)!r}, '--index', {str(index)!r}, *{list(extra)!r}]); "
            "print('WALL', time.perf_counter() - t); "
            "print('RSS', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)")
    started = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    process = time.perf_counter() - started
    values = dict(line.split() for line in out.splitlines() if line.startswith(("WALL", "RSS")))
    return float(values["WALL"]), process, float(values["RSS"])


def squad_corpus(path: Path, folder: Path) -> int:
    data = json.loads(path.read_text(encoding="utf-8"))["data"]
    n = 0
    for article in data:
        for i, para in enumerate(article["paragraphs"]):
            (folder / f"{article['title']}_{i:03d}.txt").write_text(para["context"], encoding="utf-8")
            n += 1
    return n


def throughput(corpus: Path, runs: int) -> dict[str, float]:
    from qa import Config
    from qa.indexing.build import prepare_document
    from qa.indexing.embed import load_embedder
    from qa.indexing.embed_many import embed_many
    from qa.ingest.chunk import chunk_document
    from qa.ingest.load import load_corpus

    config = Config()
    embedder = load_embedder(config.model_path())
    raws, _ = load_corpus(corpus)
    texts = []
    for raw in raws:
        doc = prepare_document(raw)
        texts += [c.text for c in chunk_document(doc.source, doc.text, list(doc.sentences), doc.sections,
                                                 max_tokens=config.chunk_tokens, overlap_tokens=config.overlap_tokens)]
    embedder.encode(texts[:8])  # warm the model up
    ours, bare = [], []
    for _ in range(runs):
        t = time.perf_counter()
        embed_many(embedder, texts, batch_tokens=config.embed_batch_tokens)
        ours.append(len(texts) / (time.perf_counter() - t))
        t = time.perf_counter()
        embedder.model.encode(texts, batch_size=config.embed_batch_size, normalize_embeddings=True)
        bare.append(len(texts) / (time.perf_counter() - t))
    return {"chunks": len(texts), "pipeline_chunks_per_s": statistics.median(ours),
            "bare_encode_chunks_per_s": statistics.median(bare),
            "ratio": statistics.median(ours) / statistics.median(bare)}


def _field(item: str) -> tuple[str, object]:
    """``FIELD=VALUE`` with the value as a Python literal, or else as the string it is."""
    import ast

    name, _, value = item.partition("=")
    try:
        return name, ast.literal_eval(value)
    except (ValueError, SyntaxError):
        return name, value


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--squad", default=str(ROOT.parent / "shared" / "data" / "squad-v2-dev-5articles.json"))
    p.add_argument("--peer", action="store_true", help="only the peer run (see benchmarks/bench_peer.py)")
    p.add_argument("--incremental", action="store_true",
                   help="only qa's builds of the peer run's pages: full, nothing changed, one page changed")
    p.add_argument("--against", help="with --incremental: also time the tree of this commit's incremental builds")
    p.add_argument("--python-set", choices=("default", "all"),
                   help="with --incremental: build bench_realdocs.py's python3-doc set (69 or 106 pages) instead")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--baseline", default="c2dea78")
    p.add_argument("--write-docs", action="store_true", help="write the peer figures into docs/performance.md")
    p.add_argument("--also", action="append", default=[], metavar="FIELD=VALUE",
                   help="also build qa with this Config field changed (a Python literal; peer run), "
                        "e.g. document_encoder='int8' or build_threads=1")
    args = p.parse_args()
    if args.incremental:
        from bench_peer import run_incremental

        run_incremental(rounds=args.rounds, against=args.against, python_set=args.python_set)
        return
    if args.peer:
        from bench_peer import run

        run(rounds=args.rounds, baseline=args.baseline, write_docs=args.write_docs,
            also=dict(_field(item) for item in args.also))
        return
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        cold, cold_p, warm, warm_p, rss = [], [], [], [], []
        for i in range(args.runs):
            index = base / f"index{i}"
            wall, process, peak = timed_build(ROOT / "corpus", index)
            cold.append(wall)
            cold_p.append(process)
            rss.append(peak)
            wall, process, _ = timed_build(ROOT / "corpus", index)
            warm.append(wall)
            warm_p.append(process)
            shutil.rmtree(index)
        med = statistics.median
        print(f"default corpus, {args.runs} runs (medians; build / whole process incl. Python start-up):")
        print(f"  cold build  {med(cold):6.2f} s / {med(cold_p):6.2f} s   peak RSS {med(rss):.0f} MiB")
        print(f"  warm build  {med(warm):6.2f} s / {med(warm_p):6.2f} s   (nothing changed; warm/cold "
              f"{med(warm_p) / med(cold_p):.2f})")
        squad = Path(args.squad)
        if squad.is_file():
            corpus = base / "squad"
            corpus.mkdir()
            n = squad_corpus(squad, corpus)
            t = throughput(corpus, args.runs)
            print(f"SQuAD paragraphs ({n} documents, {t['chunks']} chunks):")
            print(f"  embedding   {t['pipeline_chunks_per_s']:.1f} chunks/s through the pipeline, "
                  f"{t['bare_encode_chunks_per_s']:.1f} chunks/s bare encode (ratio {t['ratio']:.2f})")
            wall, process, peak = timed_build(corpus, base / "squad-index")
            print(f"  cold build  {wall:.2f} s ({process:.2f} s whole process), peak RSS {peak:.0f} MiB (one run)")


if __name__ == "__main__":
    main()
