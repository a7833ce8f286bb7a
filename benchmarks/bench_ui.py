"""Benchmarks of the web app (not tests).

    python benchmarks/bench_ui.py latency [--url URL] [-n 100]
        Round-trip latency of /ask through gradio_client, p50/p95 over n questions, beside the
        in-process ``qa.ask`` time for the same questions. Without --url it starts ``app.py`` on a
        free port (on the default corpus and index, building the index if missing).

    python benchmarks/bench_ui.py browser [--url URL] [--baseline-url URL] [-n 10]
        Time in headless Chromium from pressing Enter in the question box to the answer rendered in
        the conversation, median over n questions, interleaved with the /ask round trip of the same
        question (and, with --baseline-url, the same in another running app, e.g. an older checkout).

    python benchmarks/bench_ui.py followups [--index DIR]
        Whether retrieving a follow-up question together with the question it follows helps: hit@1
        and hit@3 of hand-written follow-up pairs on the default corpus, for several strategies.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _serve import serve_app  # noqa: E402

from qa import ask, load_index  # noqa: E402
from qa.answering.followup import is_follow_up, known_to, retrieval_query, topic_words  # noqa: E402

QUESTIONS = [
    "When was the Battle of Khalkhin Gol?", "Who won the Battle of Khalkhin Gol?",
    "What was the Battle of Lake Khasan?", "When did the Battle of Lake Khasan end?",
    "What was the Kanchazu Island incident?", "How many Soviet soldiers were killed at Kanchazu Island?",
    "When was the Soviet–Japanese Neutrality Pact signed?", "When did the Soviet Union denounce the neutrality pact?",
    "Who led Japan during the border conflicts?", "Who led Mongolia?", "What happened at Pearl Harbor?",
    "How many tanks did the Soviets supply to China?", "What was the Tauran incident?",
    "How many border disputes occurred between 1932 and 1934?", "What is the Nomonhan Incident?",
    "Who painted the Mona Lisa?", "What is the capital of France?", "How does photosynthesis work?",
    "Why did Japan not join Germany against the Soviet Union?", "What film portrays the Soviet-Japanese war?",
]

# (first question, follow-up, strings of which one must appear in a quote that answers the follow-up,
# or None where the documents do not answer the follow-up and the app must abstain)
FOLLOW_UPS: list[tuple[str, str, list[str] | None]] = [
    ("Who won the Battle of Khalkhin Gol?", "And when did it end?", ["August 31", "15 September", "cease-fire"]),
    ("What was the Battle of Lake Khasan?", "When did it end?", ["August 11, 1938", "August 10", "next day"]),
    ("What was the Battle of Lake Khasan?", "Who had more casualties?", ["three times higher"]),
    ("What was the Kanchazu Island incident?", "When did it happen?", ["June 1937"]),
    ("What was the Kanchazu Island incident?", "How many Soviet soldiers were killed in it?", ["37 Soviet soldiers"]),
    ("When was the Soviet–Japanese Neutrality Pact signed?", "When did the Soviet Union denounce it?",
     ["April 5, 1945"]),
    ("When was the Soviet–Japanese Neutrality Pact signed?", "How long was it meant to last?",
     ["full decade", "entire decade", "April 13, 1946"]),
    ("Who led the Soviet Union during the border conflicts?", "And who led Japan?", ["Hirohito"]),
    ("What happened at Pearl Harbor?", "When was that?", ["December 7, 1941"]),
    ("How much military aid did the Soviets give China?", "How many advisors did they send?", ["3,665"]),
    ("What was the Tauran incident?", "When did it occur?", ["March 1936"]),
    ("What was the Battle of Khalkhin Gol also known as?", "Where was it fought?",
     ["Outer Mongolia and Manchuria", "Halha River", "between Mongolia and Manchuria"]),
    # Controls: the second question stands alone, so the first can only get in the way.
    ("What happened in the first armed clash in 1935?", "How many casualties did the Manchukuo Army suffer?",
     ["6 wounded"]),
    ("Who won the Battle of Khalkhin Gol?", "What was the Kanchazu Island incident?", ["gunboats", "Amur River"]),
    ("What was the Battle of Lake Khasan?", "Who led Mongolia during the border conflicts?", ["Choibalsan"]),
    # Controls the documents do not answer: the earlier topic must not turn them into answers.
    ("Who won the Battle of Khalkhin Gol?", "Who painted the Mona Lisa?", None),
    ("What was the Battle of Lake Khasan?", "And what is photosynthesis?", None),
    ("When was the Soviet–Japanese Neutrality Pact signed?", "Who designed its flag?", None),
    ("What happened at Pearl Harbor?", "What is the capital of France?", None),
    ("What was the Kanchazu Island incident?", "And how do vaccines work?", None),
]


def _detected(combine: Callable[[str, str], str]) -> Callable[[str, str], str]:
    return lambda prev, q: combine(prev, q) if is_follow_up(q) else q


STRATEGIES: dict[str, Callable[[str, str], str] | None] = {
    "follow-up alone": lambda prev, q: q,
    "previous + follow-up, always": lambda prev, q: f"{prev} {q}",
    "previous + follow-up, when detected": _detected(lambda prev, q: f"{prev} {q}"),
    "follow-up + previous, when detected": _detected(lambda prev, q: f"{q} {prev}"),
    "follow-up + previous's topic words, when detected": _detected(lambda prev, q: f"{q} {topic_words(prev)}"),
    "same, unless the follow-up's words are unknown (app)": None,  # qa.answering.followup.retrieval_query
}


def followups(index_dir: Path | None) -> None:
    idx = load_index(index_dir)
    known = known_to(idx)
    answerable = [p for p in FOLLOW_UPS if p[2] is not None]
    print(f"{len(answerable)} answerable follow-up pairs (the last 3 are standalone controls), "
          f"{len(FOLLOW_UPS) - len(answerable)} unanswerable; "
          f"{sum(is_follow_up(f) for _, f, _ in FOLLOW_UPS)} of {len(FOLLOW_UPS)} detected as follow-ups")
    print(f"| {'strategy':<52} | hit@1 | hit@3 | abstained (answerable) | answered (unanswerable) |")
    print(f"|{'-' * 54}|-------|-------|-----------------------|-------------------------|")
    for name, strategy in STRATEGIES.items():
        top1 = top3 = abstained = wrong = 0
        for previous, question, gold in FOLLOW_UPS:
            if strategy is None:
                query = retrieval_query(question, previous, known=known)
            else:
                query = strategy(previous, question)
            answer = ask(query, k=3, index=idx)
            if gold is None:
                wrong += not answer.abstained
                continue
            hits = [any(g.lower() in q.text.lower() for g in gold) for q in answer.quotes]
            top1 += bool(hits and hits[0])
            top3 += any(hits)
            abstained += answer.abstained
        print(f"| {name:<52} | {top1:>2}/{len(answerable)} | {top3:>2}/{len(answerable)} | {abstained:>21} | "
              f"{wrong:>23} |")


def latency(url: str | None, n: int, index_dir: Path | None) -> None:
    from gradio_client import Client

    process = None
    if url is None:
        url, process = start_app(index_dir)
    try:
        client = Client(url, verbose=False)
        questions = [QUESTIONS[i % len(QUESTIONS)] for i in range(n)]
        client.predict(questions[0], api_name="/ask")  # warm-up
        remote = _timed(lambda q: client.predict(q, api_name="/ask"), questions)
        idx = load_index(index_dir)
        ask(questions[0], index=idx)  # warm-up
        local = _timed(lambda q: ask(q, index=idx), questions)
    finally:
        if process:
            process.terminate()
            process.wait(timeout=30)
    print(f"{n} questions ({len(QUESTIONS)} distinct), k=3, against {url}")
    print("| path                          |   n | p50 ms | p95 ms | mean ms |")
    print("|-------------------------------|-----|--------|--------|---------|")
    for name, times in (("gradio_client → /ask", remote), ("qa.ask in process", local)):
        print(f"| {name:<29} | {len(times):>3} | {_pct(times, 50):>6.0f} | {_pct(times, 95):>6.0f} | "
              f"{statistics.mean(times) * 1000:>7.0f} |")


def browser(url: str | None, baseline: str | None, n: int, index_dir: Path | None) -> None:
    """Enter → rendered answer in Chromium, interleaved with /ask and an optional baseline app."""
    from gradio_client import Client
    from playwright.sync_api import sync_playwright

    process = None
    if url is None:
        url, process = start_app(index_dir)
    questions = [QUESTIONS[i % len(QUESTIONS)] for i in range(n)]
    times: dict[str, list[float]] = {"browser: Enter → answer rendered": [], "gradio_client → /ask": []}
    try:
        client = Client(url, verbose=False)
        with sync_playwright() as p:
            chromium = p.chromium.launch(executable_path="/usr/bin/chromium", args=[
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--no-first-run"])
            pages = {"browser: Enter → answer rendered": _chat_page(chromium, url)}
            if baseline:
                times["baseline browser: Enter → answer rendered"] = []
                pages["baseline browser: Enter → answer rendered"] = _chat_page(chromium, baseline)
            for page in pages.values():
                _time_enter(page, questions[0])  # warm-up
            client.predict(questions[0], api_name="/ask")
            for q in questions:
                for name, page in pages.items():
                    times[name].append(_time_enter(page, q))
                times["gradio_client → /ask"].append(_timed(lambda q: client.predict(q, api_name="/ask"), [q])[0])
            chromium.close()
    finally:
        if process:
            process.terminate()
            process.wait(timeout=30)
    print(f"{n} questions, interleaved, against {url}" + (f" and {baseline}" if baseline else ""))
    print("| path                                      |   n | median ms | p95 ms |")
    print("|-------------------------------------------|-----|-----------|--------|")
    for name, ts in times.items():
        print(f"| {name:<41} | {len(ts):>3} | {_pct(ts, 50):>9.0f} | {_pct(ts, 95):>6.0f} |")


def _chat_page(chromium, url: str):
    page = chromium.new_context(viewport={"width": 1366, "height": 768}).new_page()
    page.goto(url)
    page.wait_for_selector("#qa-question textarea")
    return page


def _time_enter(page, question: str) -> float:
    """Seconds from Enter in the question box to one more turn in the conversation."""
    turns = page.locator("#qa-conversation .qa-turn")
    before = turns.count()
    box = page.locator("#qa-question textarea")
    box.fill(question)
    start = time.perf_counter()
    box.press("Enter")
    page.wait_for_function(f"document.querySelectorAll('#qa-conversation .qa-turn').length > {before}",
                           polling="raf", timeout=60_000)
    return time.perf_counter() - start


def _timed(fn: Callable[[str], object], questions: list[str]) -> list[float]:
    times = []
    for q in questions:
        t = time.perf_counter()
        fn(q)
        times.append(time.perf_counter() - t)
    return times


def _pct(times: list[float], p: int) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] * 1000


def start_app(index_dir: Path | None) -> tuple[str, subprocess.Popen]:
    process, url = serve_app(*(["--index", str(index_dir)] if index_dir else []))
    return url, process


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("what", choices=("latency", "browser", "followups"), nargs="?", default="latency")
    p.add_argument("--url", help="a running app (default: start one)")
    p.add_argument("--baseline-url", help="browser: a second running app to time the same way")
    p.add_argument("--index", type=Path, help="index folder (default: index/)")
    p.add_argument("-n", type=int, default=100, help="questions to time (default 100)")
    args = p.parse_args()
    if args.what == "followups":
        followups(args.index)
    elif args.what == "browser":
        browser(args.url, args.baseline_url, args.n, args.index)
    else:
        latency(args.url, args.n, args.index)


if __name__ == "__main__":
    main()
