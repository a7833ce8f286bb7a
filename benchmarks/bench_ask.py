"""Warm ``ask`` latency on the default corpus: p50 and p95 over at least 200 questions.

    .venv/bin/python benchmarks/bench_ask.py [--repeat 3]

Questions: hand-written ones about the corpus plus SQuAD dev questions (most of which the corpus does
not answer, so both the answering and the abstaining paths are timed). The index is loaded and the
model warmed up before timing. Baselines in the same run, interleaved question by question: the bare
question embedding of the index's own backend, which every ``ask`` pays, and a bare torch query
embedding (sentence-transformers on torch, its default threads, as the previous pipeline embedded),
followed by an untimed pause (:data:`TORCH_SETTLE_S`) so that its threads do not slow the next timing.
Whatever is timed first after that pause runs a little slower (caches and clocks wake up: on 2 cores
``ask`` took 8.75 ms at p50 timed first and 8.12 ms timed second, the bare embedding 6.11 and 5.99 ms),
so ``ask`` and the bare embedding take turns at coming first, question by question.
Answered and abstained questions are also timed apart, since a question far from every document
abstains without asking the answer verifier.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CORPUS_QUESTIONS = [
    "How long did the Soviet–Japanese Neutrality Pact remain in effect?",
    "When did the Battle of Lake Khasan take place?",
    "Who won the Battle of Khalkhin Gol?",
    "How many Soviet soldiers were killed in the Kanchazu Island incident?",
    "Which river passes through the Khalkhin Gol battlefield?",
    "When was the neutrality pact signed?",
    "What did the Soviets supply to China?",
    "Who led Mongolia during the border conflicts?",
    "What was the Tauran incident?",
    "When did the Soviet Union declare war on Japan?",
    "What is the Battle of Khalkhin Gol known as in Japan?",
    "Why did Japan not join Germany against the Soviet Union?",
    "How many border disputes occurred between 1932 and 1934?",
    "What happened at Lake Khanka in June 1935?",
    "How did Khalkhin Gol lead to Pearl Harbor?",
    "What was the Changkufeng Incident?",
    "Who painted the Mona Lisa?",
    "How do I bake sourdough bread?",
]


def questions() -> list[str]:
    qs = list(CORPUS_QUESTIONS)
    squad = ROOT.parent / "shared" / "data" / "squad-v2-dev-5articles.json"
    if squad.is_file():
        for article in json.loads(squad.read_text(encoding="utf-8"))["data"]:
            qs += [qa["question"] for p in article["paragraphs"] for qa in p["qas"]]
    while len(qs) < 200:
        qs += CORPUS_QUESTIONS
    return qs[:300]


#: An untimed pause after each torch embedding. Torch's OpenMP threads keep spinning for a while after a
#: call; on a machine of few cores whatever is timed next runs against them (on 2 cores ``ask`` took about
#: 5 ms more, and the bare embedding about 3 ms more when it was timed first instead; with
#: OMP_WAIT_POLICY=PASSIVE or this pause neither is slowed, and the torch embedding itself gets faster).
TORCH_SETTLE_S = 0.02


def _timed(call, *args) -> float:
    """Milliseconds ``call(*args)`` took."""
    t = time.perf_counter()
    call(*args)
    return (time.perf_counter() - t) * 1000


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--pairs", type=int, nargs="*", default=[],
                   help="also time ask with these verifier_pairs settings, interleaved (e.g. 0 4 8)")
    args = p.parse_args()
    from qa import Config, ask, build_index, load_index

    with tempfile.TemporaryDirectory() as tmp:
        config = Config(index_dir=Path(tmp) / "index")
        build_index(config)
        index = load_index(config.index_dir, config)
        qs = questions()
        ask(qs[0], index=index)  # warm-up: model weights, caches
        from sentence_transformers import SentenceTransformer

        torch_model = SentenceTransformer(config.model_path(), device="cpu")
        torch_model.encode([qs[0]])
        full, embed, torch_embed = [], [], []
        by_path: dict[str, list[float]] = {"answered": [], "abstained": []}
        by_pairs: dict[int, list[float]] = {n: [] for n in args.pairs}
        for _ in range(args.repeat):
            for n, q in enumerate(qs):
                if n % 2:  # they take turns at coming first after the pause
                    embed.append(_timed(index.embed, [q]))
                t = time.perf_counter()
                answer = ask(q, index=index)
                full.append((time.perf_counter() - t) * 1000)
                by_path["abstained" if answer.abstained else "answered"].append(full[-1])
                if not n % 2:
                    embed.append(_timed(index.embed, [q]))
                t = time.perf_counter()
                torch_model.encode([q])
                torch_embed.append((time.perf_counter() - t) * 1000)
                time.sleep(TORCH_SETTLE_S)
                for n, times in by_pairs.items():
                    t = time.perf_counter()
                    ask(q, index=index, config=config.with_(verifier_pairs=n))
                    times.append((time.perf_counter() - t) * 1000)
        answered = sum(not ask(q, index=index).abstained for q in qs)
    print(f"{len(qs)} questions x {args.repeat} runs ({answered} answered, {len(qs) - answered} abstained)")
    print(f"  ask            p50 {percentile(full, 50):6.1f} ms   p95 {percentile(full, 95):6.1f} ms")
    print(f"  embed only     p50 {percentile(embed, 50):6.1f} ms   p95 {percentile(embed, 95):6.1f} ms")
    print(f"  torch embed    p50 {percentile(torch_embed, 50):6.1f} ms   p95 {percentile(torch_embed, 95):6.1f} ms")
    print(f"  ratio ask/embed at p50: {statistics.median(full) / statistics.median(embed):.2f}")
    print(f"  ratio ask/torch embed at p50: {statistics.median(full) / statistics.median(torch_embed):.2f}")
    for name, times in by_path.items():
        if times:
            print(f"  {name:<10} ({len(times):>3}) p50 {percentile(times, 50):6.1f} ms   "
                  f"p95 {percentile(times, 95):6.1f} ms")
    for n, times in by_pairs.items():
        print(f"  verifier_pairs={n:<2} p50 {percentile(times, 50):6.1f} ms   ratio to embed "
              f"{statistics.median(times) / statistics.median(embed):.2f}")


if __name__ == "__main__":
    main()
