"""How many withheld copies the support should learn from, measured on training questions that are not SQuAD's.

    .venv/bin/python benchmarks/bench_withheld.py --work W --docs-work V --index IDX [--shares 0 0.05 0.1 0.15 0.25]

A withheld copy (qa.training.withheld) is an answerable SQuAD training question asked again without its own
paragraph. For each share of copies, the support is refitted around the shipped ranker weights (as
``python -m qa train-verifier --fit-support`` does) and the confidence fitted on top of it (as ``--fit-confidence
6``), from the examples mined into ``W`` (``train-verifier --work``). Each fit is then read on questions no fit
has seen, ranked once by the shipped ranker:

- ``natural``: ``benchmarks/natural-calibration.jsonl`` on an index of the default corpus (``IDX``);
- ``docs``: the documentation training questions ``benchmarks/realdocs/<set>-train.jsonl`` of python, postgres,
  git and npm on the indexes of ``V`` (a ``benchmarks/bench_realdocs.py --work`` folder);
- ``calibration``: ``benchmarks/realdocs/{python,postgres}-calibration.jsonl`` on the same indexes.

For each group: P(a right first quote scores above a wrong one or an unanswerable question's), the AUC of
answerable against unanswerable questions, and, at the fit's threshold, the unanswerable and the answerable
questions abstained on. Beside them, the fit's own article cross-validation on SQuAD's training questions.
None of these questions is scored anywhere: the scored sets (``tests/data/natural2.jsonl``, the real sets'
``<set>.jsonl``) are left for the evaluation.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from qa.answering import doubt
from qa.answering.features import SUPPORT_FEATURES, unit_text
from qa.answering.quotes import rank
from qa.answering.scoring import MODEL_DIR, SCORING_FILE
from qa.answering.sentence_stats import stats
from qa.commands import training
from qa.config import Config
from qa.indexing.index import load_index
from qa.training import doubt_train as dt
from qa.training.evaluate import roc_auc
from qa.training.settings import article_order
from qa.training.verifier_train import mine, refit_support
from qa.training.withheld import with_copies

ROOT = Path(__file__).resolve().parent
SETS = ("python", "postgres", "git", "npm")


def _plain(text: str) -> str:
    return " ".join(text.split()).lower()


def question_inputs(path: Path, index_dir: Path) -> list[dict]:
    """Each question of ``path`` ranked by the shipped ranker: the top unit's support features and the other
    confidence inputs, and whether that unit holds an expected text (``expect``, ``expected`` or ``also``)."""
    index = load_index(index_dir)
    st = stats(index)
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        ranking = rank(index, row["question"], config=index.config)
        if not ranking.units:
            continue
        text = unit_text(index, ranking.units[0])
        expected = [] if row.get("unanswerable") else (row.get("expected") or [row["expect"]])
        out.append({"support_row": [ranking.support_row[n] for n in SUPPORT_FEATURES],
                    "inputs": _doubt_inputs(index, st, ranking, text), "answerable": not row.get("unanswerable"),
                    "right": any(_plain(e) in _plain(text) for e in [*expected, *row.get("also", [])])})
    return out


def _doubt_inputs(index, st, ranking, text: str) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """The confidence inputs of ``ranking``'s top unit (``text``), as answering computes them."""
    top, units = ranking.units[0], ranking.units
    scores = ranking.scores if ranking.ranker_scores is None else ranking.ranker_scores

    def no_rival(n: int) -> bool:
        return top.overlaps(units[n]) or doubt.echoes(text, unit_text(index, units[n]))

    return doubt.inputs_of(ranking.question.text, [text], scores.tolist(), no_rival, ranking.support,
                           st.df.__contains__)


def read_fit(questions: list[dict], support: dict, confidence: dict) -> dict:
    """The figures of one fit on ``questions``: their support recomputed with the refitted weights."""
    weights = np.array([support["support_weights"][n] for n in SUPPORT_FEATURES])
    names = dt.CONFIDENCE_INPUTS
    w = np.array([confidence["weights"][n] for n in names])
    x = np.array([[float(np.dot(weights, q["support_row"]) + support["support_bias"]) if n == "support"
                   else q["inputs"][n] for n in names] for q in questions])
    p = 1.0 / (1.0 + np.exp(-(x @ w + confidence["bias"])))
    right = np.array([q["right"] and q["answerable"] for q in questions])
    answerable = np.array([q["answerable"] for q in questions])
    below = p < confidence["threshold"]
    return {"p_right_over_wrong": round(roc_auc(p[right], p[~right]), 3),
            "abstain_auc": round(roc_auc(p[answerable], p[~answerable]), 3),
            "unanswerable_abstained": f"{int(below[~answerable].sum())}/{int((~answerable).sum())}",
            "answerable_abstained": f"{int(below[answerable].sum())}/{int(answerable.sum())}"}


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--work", type=Path, required=True, help="folder of the mined training questions")
    p.add_argument("--docs-work", type=Path, required=True, help="a benchmarks/bench_realdocs.py --work folder")
    p.add_argument("--index", type=Path, required=True, help="an index of the default corpus")
    p.add_argument("--shares", type=float, nargs="+", default=[0.0, 0.05, 0.1, 0.15, 0.25])
    p.add_argument("--json", type=Path, help="write the figures here")
    args = p.parse_args(argv)

    groups = {
        "natural": question_inputs(ROOT / "natural-calibration.jsonl", args.index),
        "docs": [q for s in SETS for q in question_inputs(ROOT / "realdocs" / f"{s}-train.jsonl",
                                                            args.docs_work / s / "index")],
        "calibration": [q for s in ("python", "postgres")
                        for q in question_inputs(ROOT / "realdocs" / f"{s}-calibration.jsonl",
                                                 args.docs_work / s / "index")],
    }
    data = training.default_data()
    quote_weights = json.loads((MODEL_DIR / SCORING_FILE).read_text(encoding="utf-8"))["quote_weights"]
    articles = article_order(data)
    results = []
    for share in args.shares:
        s = training.settings(layers=3, epochs=1, max_pairs=4000, lr=4e-5, seed=13, withheld_share=share)
        squad = mine(data, args.work, s, Config())
        support = refit_support(squad, data, s, quote_weights)
        confidence = dt.fit_confidence(with_copies(squad, data, s), articles, 6, dt.vocabulary_of(data))
        cv = confidence["cross_validated"]
        row = {"share": share, "withheld_copies": support["withheld_copies"],
               "squad_cv": {k: cv[k] for k in ("p_right_over_wrong", "abstain_auc", "ece", "unanswerable_abstained",
                                               "withheld_abstained")},
               **{name: read_fit(qs, support, confidence) for name, qs in groups.items()}}
        results.append(row)
        print(json.dumps(row), flush=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
