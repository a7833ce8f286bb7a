"""Names typed alone, as into a search box ("str.find", "git gc", "VACUUM"): does the first quote say what the
named thing is or does?

    .venv/bin/python benchmarks/realdocs/names.py --work DIR [--show]

Asks the queries of ``names.jsonl`` beside this file (each with its set and the substring a right quote holds)
on the indexes ``benchmarks/bench_realdocs.py --work DIR`` built (it builds nothing), and prints hit@1, hit@3
and abstentions by the expected substring. A quote that answers in other words (the manual page's NAME line,
"git-gc - Cleanup unnecessary files and optimize the local repository") counts as a miss here.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

from qa import Index, ask, load_index  # noqa: E402
from realdocs.integrity import collapse  # noqa: E402

QUERIES = Path(__file__).with_name("names.jsonl")


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--work", type=Path, required=True, help="the --work folder of bench_realdocs.py")
    p.add_argument("--show", action="store_true", help="print each query and its first quote")
    args = p.parse_args(argv)
    rows = [json.loads(line) for line in QUERIES.read_text(encoding="utf-8").splitlines() if line.strip()]
    indexes: dict[str, Index] = {}
    hit1 = hit3 = abstained = 0
    for row in rows:
        if row["set"] not in indexes:
            indexes[row["set"]] = load_index(args.work / row["set"] / "index")
        answer = ask(row["question"], k=3, index=indexes[row["set"]])
        holds = [collapse(row["expect"]) in collapse(q.text) for q in answer.quotes]
        hit1 += bool(holds[:1] and holds[0])
        hit3 += any(holds)
        abstained += answer.abstained
        if args.show:
            first = collapse(answer.quotes[0].text)[:100] if answer.quotes else "(abstained)"
            print(f"{'1' if holds[:1] and holds[0] else '3' if any(holds) else '-'} {row['set']:8} "
                  f"{row['question']:22} {first}")
    print(json.dumps({"queries": len(rows), "hit@1": hit1, "hit@3": hit3, "abstained": abstained}))


if __name__ == "__main__":
    main()
