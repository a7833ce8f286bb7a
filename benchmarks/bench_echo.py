"""The confidence's margin with and without skipping rivals that repeat the top unit (docs/experiments.md).

    .venv/bin/python benchmarks/bench_echo.py --work DIR

The margin is the top unit's score over the best unit that does not overlap it; a unit that
``qa.answering.doubt.echoes`` the top one (a share of the content words of the shorter of the two, at least
``ECHO``, in the other) is skipped as well. Mines the training questions into ``DIR`` (or reuses them, as
``python -m qa train-verifier --work DIR`` does), ranks every question with a ranker fitted without its
article, and measures by a second article cross-validation (``qa.training.doubt_train.measure``) the
confidence with the margin taken without the rule and at several shares.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_doubt_inputs import FOLDS, rows_with_features

from qa.answering import doubt
from qa.answering.doubt import CONFIDENCE_INPUTS
from qa.training import doubt_train as dt
from qa.training.verifier_train import rerank_offline

SHARES = (0.5, 0.6, 0.7, 0.8)


def margins(m, weights: np.ndarray) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """The margin of the unit ``weights`` put first: without the rule (``none``) and at each share."""
    ranked = rerank_offline(m, weights)
    texts = [t.split(" [context: ")[0] for t in ranked.texts]
    scores = ranked.scores.tolist()

    def margin(share: float | None) -> float:
        return doubt.margin(scores, lambda n: dt._overlap(texts[0], texts[n])
                            or (share is not None and doubt.echoes(texts[0], texts[n], share)))

    return {"margin_none": margin(None), **{f"margin_{share}": margin(share) for share in SHARES}}


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--work", type=Path, required=True, help="folder of the mined training questions")
    args = p.parse_args(argv)
    rows, articles = rows_with_features(args.work, extra=margins)
    print("margin | questions whose margin the rule changes | P(right > wrong) | abstain AUC | ECE | "
          "unanswerable abstained")
    for name in ("none", *map(str, SHARES)):
        changed = sum(abs(r.inputs[f"margin_{name}"] - r.inputs["margin_none"]) > 1e-9 for r in rows)
        names = tuple(f"margin_{name}" if n == "margin" else n for n in CONFIDENCE_INPUTS)
        f = dt.measure(rows, articles, min(FOLDS, len(articles)), names)
        print(f"{name} | {changed} of {len(rows)} | {f['p_right_over_wrong']:.4f} | {f['abstain_auc']:.4f} | "
              f"{f['ece']:.4f} | {f['unanswerable_abstained']:.4f}")


if __name__ == "__main__":
    main()
