"""Concurrent load through the web app's ``/ask``: errors, answer drift, throughput, p50/p95/p99.

    nice -n 19 .venv/bin/python benchmarks/bench_load.py [--clients 16] [--questions 25] [--rounds 3]

Starts ``app.py`` on 127.0.0.1 (a free port) over a copy of the default corpus, asks every question
once from a single client (the reference answers and the baseline), then has ``--clients`` clients ask
all ``--questions`` questions each at the same time, through the HTTP API (``/gradio_api/call/ask``).
Single-client and concurrent rounds alternate ``--rounds`` times. Drift: a concurrent answer whose
JSON differs from the single-client answer to the same question. All traffic stays on 127.0.0.1.
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
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _serve import serve_app  # noqa: E402
from bench_ask import CORPUS_QUESTIONS  # noqa: E402

# The corpus questions of bench_ask.py, and more that the corpus answers or not.
QUESTIONS = [
    *CORPUS_QUESTIONS,
    "When did the Kwantung Army attack?",
    "Who commanded the Soviet forces at Khalkhin Gol?",
    "What is Nomonhan?",
    "How many Japanese soldiers died at Khalkhin Gol?",
    "When did the war end?",
    "Which islands were disputed?",
    "What is the capital of France?",
]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def start_app(base: Path) -> tuple[subprocess.Popen, str]:
    log = (base / "app.log").open("w")
    return serve_app("--corpus", str(base / "corpus"), "--index", str(base / "index"), log=log,
                     env={"HF_HUB_OFFLINE": "1", "GRADIO_TEMP_DIR": str(base / "gradio-tmp")})


def ask(url: str, question: str) -> tuple[float, dict | None, str | None]:
    """One /ask call: (seconds, answer or None, error or None)."""
    started = time.perf_counter()
    try:
        body = json.dumps({"data": [question, 3, None]}).encode()
        request = urllib.request.Request(f"{url}gradio_api/call/ask", data=body, method="POST",
                                         headers={"Content-Type": "application/json"})
        event = json.loads(urllib.request.urlopen(request, timeout=120).read())["event_id"]
        stream = urllib.request.urlopen(f"{url}gradio_api/call/ask/{event}", timeout=300).read().decode()
    except OSError as e:
        return time.perf_counter() - started, None, f"{type(e).__name__}: {e}"
    seconds = time.perf_counter() - started
    kind = next((line[7:] for line in stream.splitlines() if line.startswith("event: ")), "")
    data = [line[6:] for line in stream.splitlines() if line.startswith("data: ")]
    if kind != "complete" or not data:
        return seconds, None, f"{kind}: {stream[-300:]}"
    return seconds, json.loads(data[-1])[0], None


def single_round(url: str, questions: list[str]) -> tuple[list[float], dict[str, dict], list[str], float]:
    times, answers, errors = [], {}, []
    started = time.perf_counter()
    for q in questions:
        seconds, answer, error = ask(url, q)
        times.append(seconds)
        if error:
            errors.append(error)
        else:
            answers[q] = answer
    return times, answers, errors, time.perf_counter() - started


def concurrent_round(url: str, questions: list[str], clients: int) -> tuple[list[float], list, float]:
    def client(n: int) -> list[tuple[str, float, dict | None, str | None]]:
        order = questions[n % len(questions):] + questions[: n % len(questions)]  # clients out of step
        return [(q, *ask(url, q)) for q in order]

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        results = [r for rows in pool.map(client, range(clients)) for r in rows]
    return [r[1] for r in results], results, time.perf_counter() - started


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--clients", type=int, default=16)
    p.add_argument("--questions", type=int, default=25)
    p.add_argument("--rounds", type=int, default=3)
    args = p.parse_args()
    questions = (QUESTIONS * (args.questions // len(QUESTIONS) + 1))[: args.questions]
    with tempfile.TemporaryDirectory(prefix="qa-bench-load-") as tmp:
        base = Path(tmp)
        shutil.copytree(ROOT / "corpus", base / "corpus")
        process, url = start_app(base)
        try:
            _, reference, errors, _ = single_round(url, questions)  # warm-up, and the reference answers
            rows = []
            for _ in range(args.rounds):
                single_times, _, single_errors, single_wall = single_round(url, questions)
                times, results, wall = concurrent_round(url, questions, args.clients)
                failed = [r for r in results if r[3]]
                drift = [r for r in results if not r[3] and r[2] != reference.get(r[0])]
                rows.append({
                    "requests": len(results), "errors": len(failed) + len(single_errors), "drift": len(drift),
                    "throughput_rps": len(results) / wall, "single_client_rps": len(questions) / single_wall,
                    "p50_s": percentile(times, 50), "p95_s": percentile(times, 95), "p99_s": percentile(times, 99),
                    "single_p50_s": percentile(single_times, 50),
                    "first_errors": [r[3] for r in failed[:3]],
                })
        finally:
            process.terminate()
            process.wait(timeout=60)
    summary = {key: statistics.median(r[key] for r in rows) for key in rows[0] if key != "first_errors"}
    summary.update(clients=args.clients, questions=args.questions, rounds=args.rounds,
                   total_errors=sum(r["errors"] for r in rows), total_drift=sum(r["drift"] for r in rows),
                   warmup_errors=len(errors),
                   throughput_ratio=summary["throughput_rps"] / summary["single_client_rps"])
    print(json.dumps({"rounds": rows, "median": summary}, indent=2))
    return 0 if summary["total_errors"] == 0 and summary["total_drift"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
