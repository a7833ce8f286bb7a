"""How well the confidence separates, per set of a real-documentation results file.

    .venv/bin/python benchmarks/realdocs/separation.py RESULTS.json [RESULTS.json ...]

For each set of each ``--json`` file of ``benchmarks/bench_realdocs.py``, and for all sets together:

- **abstain AUC**: the probability that an answerable question's confidence is above an unanswerable one's;
- **P(right > wrong)**: the probability that an answer whose first quote holds the expected text has a higher
  confidence than one whose first quote does not, or than an unanswerable question's.

Neither depends on the threshold, which decides only where answering stops.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from qa.training.evaluate import roc_auc


def separation(questions: list[dict]) -> dict[str, float]:
    p = np.array([q["confidence"] for q in questions])
    answerable = np.array([q["answerable"] for q in questions], dtype=bool)
    right = np.array([q["answerable"] and q["rank"] == 1 for q in questions], dtype=bool)
    return {"abstain_auc": round(roc_auc(p[answerable], p[~answerable]), 3),
            "p_right_over_wrong": round(roc_auc(p[right], p[~right]), 3)}


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("results", type=Path, nargs="+", help="--json files of benchmarks/bench_realdocs.py")
    args = p.parse_args(argv)
    for path in args.results:
        sets = json.loads(path.read_text(encoding="utf-8"))["sets"]
        figures = {s["set"]: separation(s["questions"]) for s in sets}
        figures["all"] = separation([q for s in sets for q in s["questions"]])
        print(json.dumps({"results": path.name, **figures}))


if __name__ == "__main__":
    main()
