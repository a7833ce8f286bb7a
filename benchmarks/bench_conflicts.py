"""How many answers flag a conflict on SQuAD dev, with and without conflicts in meaning, and what it costs.

    .venv/bin/python benchmarks/bench_conflicts.py [--squad FILE] [--work DIR] [--limit N] [--json OUT]

SQuAD dev's paragraphs are indexed as separate documents, so each question is answered from one
paragraph of one article, and a conflict there is almost always a false flag: the figure should stay
near 0. Every question is asked twice on the same index, with ``meaning_conflicts`` off (dates, numbers,
durations only) and on, interleaved; the time each ``ask`` takes is recorded too (medians), and how
many questions needed spaCy's recogniser (those asking for a person, a side or a place, or yes or no).
``--work DIR`` keeps the built index there and reuses it on the next run.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SQUAD = ROOT.parent / "shared" / "data" / "squad-v2-dev-5articles.json"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--squad", default=str(SQUAD))
    parser.add_argument("--work", help="build (or reuse) the index in this folder")
    parser.add_argument("--limit", type=int, default=0, help="ask only the first N questions")
    parser.add_argument("--json", help="write the figures and the flagged questions here")
    args = parser.parse_args()

    import tempfile

    from qa import Config, ask, load_index
    from qa.answering import meaning
    from qa.answering.asked import asked_kind
    from qa.answering.entities import pipeline
    from qa.training.evaluate import build_squad_index, load_squad

    docs, items = load_squad(args.squad)
    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="qa-conflicts-"))
    if (work / "index").is_dir():
        index = load_index(work / "index", Config(corpus_dir=work / "corpus", index_dir=work / "index"))
    else:
        index = build_squad_index(docs, work, Config())
    items = items[: args.limit] if args.limit else items
    pipeline()  # loaded once before timing
    off, on = index.config.with_(meaning_conflicts=False), index.config.with_(meaning_conflicts=True)
    rows, times = [], {"off": [], "on": []}
    for item in items:
        answers = {}
        for name, config in (("off", off), ("on", on)):
            started = time.perf_counter()
            answers[name] = ask(item.question, index=index, config=config)
            times[name].append(time.perf_counter() - started)
        a_off, a_on = answers["off"], answers["on"]
        rows.append({"question": item.question, "answered": not a_on.abstained, "off": a_off.conflict,
                     "on": a_on.conflict, "note": a_on.conflict_note, "sources": len({q.source for q in a_on.quotes}),
                     "meaning": asked_kind(item.question) in meaning.NAMED
                     or meaning.asks_yes_no(item.question)})
    answered = [r for r in rows if r["answered"]]
    figures = {
        "questions": len(rows), "answered": len(answered),
        "conflicts_without_meaning": sum(r["off"] for r in answered),
        "conflicts_with_meaning": sum(r["on"] for r in answered),
        "answered_from_two_or_more_sources": sum(r["sources"] > 1 for r in answered),
        "questions_read_by_the_recogniser": sum(r["meaning"] for r in rows),
        "ask_ms_p50_without": round(1000 * statistics.median(times["off"]), 2),
        "ask_ms_p50_with": round(1000 * statistics.median(times["on"]), 2),
        "ask_ms_p95_with": round(1000 * sorted(times["on"])[int(0.95 * (len(rows) - 1))], 2),
        "read_ms_p50_without": _median_ms(times["off"], rows), "read_ms_p50_with": _median_ms(times["on"], rows),
    }
    print(json.dumps(figures, indent=2))
    if args.json:
        flagged = [r for r in rows if r["on"] or r["off"]]
        Path(args.json).write_text(json.dumps({**figures, "flagged": flagged}, indent=2) + "\n", encoding="utf-8")
    return 0


def _median_ms(times: list[float], rows: list[dict]) -> float | None:
    """The median time of the answered questions the recogniser reads."""
    read = [t for t, r in zip(times, rows) if r["meaning"] and r["answered"]]
    return round(1000 * statistics.median(read), 2) if read else None


if __name__ == "__main__":
    raise SystemExit(main())
