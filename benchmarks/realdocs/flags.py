"""Disagreements flagged on real documentation: which answers say that two sources differ, and between what.

    .venv/bin/python benchmarks/realdocs/flags.py --work DIR [--sets python,postgres,...]

Asks every question of each set's scored and training files (``<set>.jsonl`` and ``<set>-train.jsonl`` beside
this file, answerable and unanswerable alike) on the indexes ``benchmarks/bench_realdocs.py --work DIR`` built (it
builds nothing), and prints each flagged answer: its note and its quotes with their sections. Whether a flag is
right is read by hand: the sets hold no expected disagreement.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

from qa import ask, load_index  # noqa: E402
from realdocs.integrity import collapse  # noqa: E402

HERE = Path(__file__).parent
SETS = ("python", "postgres", "git", "npm", "flask", "pdf")


def questions(name: str) -> list[str]:
    """The questions of a set's scored file and of its training file, where it has one."""
    files = [HERE / f"{name}.jsonl", HERE / f"{name}-train.jsonl"]
    return [json.loads(line)["question"] for f in files if f.exists()
            for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--work", type=Path, required=True, help="the --work folder of bench_realdocs.py")
    p.add_argument("--sets", default=",".join(SETS), help="comma-separated set names (default: all six)")
    args = p.parse_args(argv)
    asked = flagged = 0
    for name in args.sets.split(","):
        index = load_index(args.work / name / "index")
        for question in questions(name):
            answer = ask(question, index=index)
            asked += 1
            if not answer.conflict:
                continue
            flagged += 1
            print(f"[{name}] {question}\n    {answer.conflict_note}")
            for q in answer.quotes:
                print(f"    - {q.source} | {q.section or ''} | {collapse(q.text)[:100]}")
    print(json.dumps({"questions": asked, "flagged": flagged}))


if __name__ == "__main__":
    main()
