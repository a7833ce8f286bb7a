"""Cross-validation of the ranker and the support by article (``train-verifier --cross-validate``)."""
from __future__ import annotations

import numpy as np

from .verifier_train import fit_scoring, rerank_offline


def check_folds(folds: int, articles: list[str]) -> None:
    from ..errors import QAError

    if not 2 <= folds <= len(articles):
        raise QAError(f"--cross-validate needs 2 to {len(articles)} folds (at most one per training article); "
                      f"got {folds}.")


def cross_validate(mined: list, articles: list[str], folds: int) -> dict:
    """The ranker and the support refitted ``folds`` times, each time scored on the questions of every
    ``folds``-th article (in file order) and fitted on the others: a choice measured on all the training
    articles rather than on the few held out for calibration.

    Returns hit@1 and hit@3 of the re-ranked units over every answerable question that has a unit, and
    the support's AUC (answerable against unanswerable) per fold and on average. Withheld copies
    (qa.training.withheld) are fitted on, never scored."""
    from .evaluate import roc_auc

    check_folds(folds, articles)
    hits, hits3, aucs = [], [], []
    for k in range(folds):
        held = set(articles[k::folds])
        train_part = [m for m in mined if m.article not in held]
        weights, support_weights, support_bias = fit_scoring(train_part)
        ranked = [rerank_offline(m, weights, support_weights, support_bias) for m in mined
                  if m.article in held and not m.withheld]
        hits += [r.labels[0] for r in ranked if r.answerable and r.labels]
        hits3 += [any(r.labels[:3]) for r in ranked if r.answerable and r.labels]
        supports = np.array([r.support for r in ranked])
        answerable = np.array([r.answerable for r in ranked], dtype=bool)
        if answerable.any() and not answerable.all():
            aucs.append(round(roc_auc(supports[answerable], supports[~answerable]), 4))
    return {"folds": folds, "answerable_questions": len(hits), "hit@1": round(float(np.mean(hits)), 4),
            "hit@3": round(float(np.mean(hits3)), 4),
            "support_auc": round(float(np.mean(aucs)), 4) if aucs else None, "support_auc_by_fold": aucs}
