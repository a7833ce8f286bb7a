"""What each ranking feature of the top unit would add to the confidence, as one more input.

    .venv/bin/python benchmarks/bench_doubt_inputs.py --work DIR

Mines the training questions into ``DIR`` (or reuses them, as ``python -m qa train-verifier --work DIR``
does), ranks every question with a ranker fitted without its article, and measures by a second article
cross-validation (``qa.training.doubt_train.measure``) the confidence fitted on the shipped inputs, on the
shipped inputs plus each feature of the top unit (its ranker features, ``u_``, and support features,
``s_``), and on all of them together.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from qa.answering.doubt import CONFIDENCE_INPUTS
from qa.answering.features import SUPPORT_FEATURES, UNIT_FEATURES
from qa.commands import training
from qa.config import Config
from qa.training import doubt_train as dt
from qa.training.settings import article_order
from qa.training.verifier_train import mine

FOLDS = 6


def top_unit(m, weights: np.ndarray):  # type: ignore[no-untyped-def]
    """The mined unit of question ``m`` that the ranker ``weights`` put first."""
    scores = np.array([u.features for u in m.units]).reshape(len(m.units), len(weights)) @ weights
    return m.units[int(np.argsort(-scores, kind="stable")[0])]


def top_unit_features(m, weights: np.ndarray) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """The ranker and support features of the unit ``weights`` put first, named ``u_`` and ``s_``."""
    top = top_unit(m, weights)
    return {**{f"u_{n}": float(v) for n, v in zip(UNIT_FEATURES, top.features)},
            **{f"s_{n}": float(v) for n, v in zip(SUPPORT_FEATURES, top.support) if n != "score"}}


def rows_with_features(work: Path, extra=top_unit_features) -> tuple[list[dt.Row], list[str]]:  # type: ignore[no-untyped-def]
    """Out-of-fold confidence rows of the articles with both kinds of question, ``extra``'s inputs added."""
    data = training.default_data()
    settings = training.settings(layers=3, epochs=1, max_pairs=4000, lr=4e-5, seed=13)
    articles = article_order(data)
    rows = dt.out_of_fold_rows(mine(data, work, settings, Config()), articles, FOLDS, dt.vocabulary_of(data),
                               extra=extra)
    mixed = {r.article for r in rows if not r.answerable}  # as the shipped fit: articles with both kinds
    return [r for r in rows if r.article in mixed], [a for a in articles if a in mixed]


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--work", type=Path, required=True, help="folder of the mined training questions")
    args = p.parse_args(argv)
    rows, articles = rows_with_features(args.work)
    extra = [n for n in rows[0].inputs if n not in CONFIDENCE_INPUTS]
    print("inputs | P(right > wrong) | abstain AUC | ECE | unanswerable abstained")
    for label, names in [("shipped", CONFIDENCE_INPUTS), *((f"+{e}", (*CONFIDENCE_INPUTS, e)) for e in extra),
                         ("+all of them", (*CONFIDENCE_INPUTS, *extra))]:
        f = dt.measure(rows, articles, min(FOLDS, len(articles)), names)
        print(f"{label} | {f['p_right_over_wrong']:.3f} | {f['abstain_auc']:.3f} | {f['ece']:.3f} | "
              f"{f['unanswerable_abstained']:.3f}", flush=True)


if __name__ == "__main__":
    main()
