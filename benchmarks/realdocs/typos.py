"""Typing slips: each answerable question of the real sets asked with one slip in its longest word, with and
without spelling correction (``Config.correct_spelling``, qa.answering.spelling).

    .venv/bin/python benchmarks/realdocs/typos.py --work DIR [--sets python,postgres,git,npm,flask,pdf] [--show]

The slip is seeded, so every run asks the same questions: in the question's longest word of five letters or
more (not a stopword), one of two adjacent letters swapped, one letter dropped, or one letter replaced, never
the first letter. Reads the indexes ``benchmarks/bench_realdocs.py --work DIR`` built (it builds nothing) and
prints, per set and in all, hit@1 by the expected substring for the questions as written, with the slip, and
with the slip corrected; how many slips were read back to the word as written; and, for the unanswerable
questions as written, how many are abstained on with and without correction (a correction must not make a
question the documents cannot answer look answerable).
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

from qa import Index, ask, load_index  # noqa: E402
from qa.indexing.lexical import tokenize  # noqa: E402
from realdocs.integrity import collapse  # noqa: E402

SEED = 7


def slipped(question: str, rnd: random.Random) -> str | None:
    """``question`` with one slip in its longest word of five letters or more, or None where it has none."""
    words = [w for w in re.findall(r"[A-Za-z]+", question) if len(w) >= 5 and tokenize([w.lower()])[0][0]]
    if not words:
        return None
    word = max(words, key=len)
    i = rnd.randrange(1, len(word) - 2)
    kind = rnd.choice(("swap", "drop", "replace"))
    typed = (word[:i] + word[i + 1] + word[i] + word[i + 2:] if kind == "swap" else
             word[:i] + word[i + 1:] if kind == "drop" else word[:i] + rnd.choice("aeiourstln") + word[i + 1:])
    return None if typed == word else question.replace(word, typed, 1)


def first_holds(index: Index, question: str, expect: str, correct: bool) -> tuple[bool, str]:
    config = dataclasses.replace(index.config, correct_spelling=correct)
    answer = ask(question, index=index, config=config)
    read = " ".join(f"{t}->{r}" for t, r in answer.corrections)
    return bool(answer.quotes) and collapse(expect) in collapse(answer.quotes[0].text), read


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--work", type=Path, required=True, help="the --work folder of bench_realdocs.py")
    p.add_argument("--sets", default="python,postgres,git,npm,flask,pdf")
    p.add_argument("--show", action="store_true", help="print each slipped question and what it was read as")
    args = p.parse_args(argv)
    total: dict[str, int] = {}
    for name in args.sets.split(","):
        index = load_index(args.work / name / "index")
        rows = [json.loads(line) for line in (ROOT / "benchmarks" / "realdocs" / f"{name}.jsonl").read_text(
            encoding="utf-8").splitlines() if line.strip()]
        rnd = random.Random(SEED)
        figures = dict.fromkeys(("slipped", "as_written", "with_slip", "corrected", "read_back",
                                 "unanswerable", "abstained_uncorrected", "abstained_corrected"), 0)
        for row in rows:
            question = row["question"]
            if row.get("unanswerable"):
                figures["unanswerable"] += 1
                for correct, key in ((False, "abstained_uncorrected"), (True, "abstained_corrected")):
                    config = dataclasses.replace(index.config, correct_spelling=correct)
                    figures[key] += ask(question, index=index, config=config).abstained
                continue
            typed = slipped(question, rnd)
            if typed is None:
                continue
            figures["slipped"] += 1
            figures["as_written"] += first_holds(index, question, row["expect"], False)[0]
            figures["with_slip"] += first_holds(index, typed, row["expect"], False)[0]
            hit, read = first_holds(index, typed, row["expect"], True)
            figures["corrected"] += hit
            back = bool(read) and re.sub(r"\S+->", "", read).lower() in question.lower()
            figures["read_back"] += back
            if args.show:
                print(f"{name:8} {'+' if hit else '-'} {typed}  [{read or 'not corrected'}]")
        print(name, json.dumps(figures))
        for key, value in figures.items():
            total[key] = total.get(key, 0) + value
    print("all", json.dumps(total))


if __name__ == "__main__":
    main()
