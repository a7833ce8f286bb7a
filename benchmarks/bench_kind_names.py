"""Would spaCy's names make a better ``kind_missing``? The confidence refitted both ways, cross-validated.

    .venv/bin/python benchmarks/bench_kind_names.py --mined WORK/mined.jsonl [--folds 6] [--json OUT]

``WORK`` is the ``--work`` folder of ``python -m qa train-verifier`` (its mined examples). For a question
asking for a person, a side or a place, the variant says the top unit offers the kind when spaCy finds a
name of that kind in it that the question does not use (qa.answering.entities); other questions keep the
patterns of qa.answering.asked. Each variant is fitted exactly as ``--fit-confidence`` fits the shipped one
(qa.training.doubt_train.fit_confidence); nothing is written into the package.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mined", required=True, help="mined.jsonl of a train-verifier --work folder")
    parser.add_argument("--folds", type=int, default=6)
    parser.add_argument("--json", help="write the figures here")
    args = parser.parse_args()

    from qa.answering import meaning
    from qa.answering.asked import asked_kind
    from qa.answering.entities import of_kind
    from qa.commands.training import SHARED_DATA
    from qa.training import doubt_train
    from qa.training.settings import article_order
    from qa.training.verifier_data import read_mined
    from qa.training.verifier_train import DEFAULT_DATA

    data = [SHARED_DATA / name for name in DEFAULT_DATA]
    articles, vocabulary = article_order(data), doubt_train.vocabulary_of(data)
    mined = read_mined(Path(args.mined))
    patterns = doubt_train.kind_missing

    def from_names(question: str, text: str) -> float:
        kind = asked_kind(question)
        if kind not in meaning.NAMED:
            return patterns(question, text)
        asked = meaning._question_names(question)
        return 0.0 if any(not meaning._named_in(n, asked) for n in of_kind(text, kind)) else 1.0

    figures = {}
    for name, kind_missing in (("patterns", patterns), ("spacy_names", from_names)):
        started = time.perf_counter()
        doubt_train.kind_missing = kind_missing  # the one input that differs between the two fits
        fit = doubt_train.fit_confidence(mined, articles, args.folds, vocabulary)
        cv = fit["cross_validated"]
        figures[name] = {"weights": fit["weights"], **{k: cv[k] for k in (
            "questions", "p_right_over_wrong", "abstain_auc", "ece", "unanswerable_abstained")},
            "without_kind_missing": fit["ablation"]["without_kind_missing"],
            "seconds": round(time.perf_counter() - started)}
    doubt_train.kind_missing = patterns
    print(json.dumps(figures, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
