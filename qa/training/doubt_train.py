"""Fitting the confidence (qa.answering.doubt) on held-out articles:
``python -m qa train-verifier --fit-confidence FOLDS``.

1. The mined training questions (qa.verifier_data) are split by article into ``FOLDS`` folds; for each
   fold the ranker and the support are refitted on the other articles (qa.verifier_train.fit_scoring) and
   the fold's questions re-ranked with them, so every question's inputs come from a ranker that never
   saw its article.
2. Logistic regression of "the top unit holds a gold answer" on those inputs, over the articles that hold
   unanswerable questions (the others would teach a base rate no user's questions have): measured by a second
   article cross-validation (AUC of right against wrong, AUC of answerable against unanswerable, ECE and a
   reliability table), then fitted on all of them: the shipped weights. The withheld copies of their
   answerable questions (qa.training.withheld) teach each fold's support, not the regression: fitted on, they
   left SQuAD's own questions underconfident (docs/confidence.md); the share of them abstained on is reported.
3. On the same held-out confidences: the abstention threshold (answering ``answered`` of the answerable
   questions, as before) and the lowest confidence of the "high" band (held-out accuracy >= 0.9 above it).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..answering.doubt import CONFIDENCE_INPUTS, DOUBTS, MARGIN_CAP, echoes, kind_missing, unknown_terms
from ..answering.verifier import unit_of_candidate
from ..errors import QAError


@dataclass(frozen=True)
class Row:
    inputs: dict[str, float]
    right: bool  # the top unit holds a gold answer (never for an unanswerable question)
    answerable: bool
    article: str
    withheld: bool = False  # a withheld copy (qa.training.withheld): scored apart, never fitted on


def vocabulary_of(data: list[Path]) -> frozenset[str]:
    """Every stemmed term of the training paragraphs (what ``unknown_terms`` checks question words against)."""
    from ..indexing.lexical import tokenize
    from .verifier_data import load_training

    docs, _ = load_training(data)
    return frozenset(t for terms in tokenize(list(docs.values())) for t in terms)


def _overlap(a: str, b: str) -> bool:
    """Whether two units' texts share a sentence (one holds the other's start or end)."""
    return a in b or b in a or a[:40] in b or a[-40:] in b


def out_of_fold_rows(mined: list, articles: list[str], folds: int, vocabulary: frozenset[str],
                     extra: Callable[[Any, np.ndarray], dict[str, float]] | None = None) -> list[Row]:
    """Each question's confidence inputs, its top unit chosen by a ranker fitted without its article.
    ``extra(mined question, ranker weights)`` adds inputs to measure beside them (benchmarks)."""
    from .verifier_train import fit_scoring, rerank_offline

    known = vocabulary.__contains__
    rows = []
    for k in range(folds):
        held = set(articles[k::folds])
        weights, support_weights, support_bias = fit_scoring([m for m in mined if m.article not in held])
        for m in mined:
            if m.article not in held or not m.units:
                continue
            ranked = rerank_offline(m, weights, support_weights, support_bias)
            texts = [unit_of_candidate(t) for t in ranked.texts]
            inputs = {
                "support": ranked.support,
                "margin": _margin(ranked.scores, texts),
                "kind_missing": kind_missing(m.question, texts[0]),
                "unknown_terms": unknown_terms(m.question, known),
            }
            if extra is not None:
                inputs.update(extra(m, weights))
            rows.append(Row(inputs, bool(m.answerable and ranked.labels[0]), m.answerable, m.article, m.withheld))
    return rows


def _margin(scores: np.ndarray, texts: list[str]) -> float:
    rival = next((float(s) for n, s in enumerate(scores)
                  if n and not _overlap(texts[0], texts[n]) and not echoes(texts[0], texts[n])), None)
    return MARGIN_CAP if rival is None else min(MARGIN_CAP, float(scores[0]) - rival)


def fit_weights(rows: list[Row], names: tuple[str, ...] = CONFIDENCE_INPUTS, *, c: float = 1.0
                ) -> tuple[np.ndarray, float]:
    """Logistic regression of ``right`` on the named inputs (standardised, L2 strength ``1/c``), folded back
    into weights on the raw inputs, in the order of ``names``. An input of :data:`qa.answering.doubt.DOUBTS` that
    would raise the confidence is left out (weight 0) and the rest refitted."""
    w, b = _fit(rows, names, c)
    wrong = [n for n, v in zip(names, w) if n in DOUBTS and v > 0]
    if not wrong:
        return w, b
    kept = tuple(n for n in names if n not in wrong)
    w_kept, b = fit_weights(rows, kept, c=c)
    return np.array([w_kept[kept.index(n)] if n in kept else 0.0 for n in names]), b


def _fit(rows: list[Row], names: tuple[str, ...], c: float) -> tuple[np.ndarray, float]:
    from .verifier_train import logistic_regression

    x = np.array([[r.inputs[n] for n in names] for r in rows])
    y = np.array([r.right for r in rows], dtype=int)
    mean, std = x.mean(axis=0), x.std(axis=0) + 1e-9
    model = logistic_regression()(C=c, max_iter=2000).fit((x - mean) / std, y)
    w = model.coef_[0] / std
    return w, float(model.intercept_[0] - (w * mean).sum())


def predict(rows: list[Row], weights: np.ndarray, bias: float, names: tuple[str, ...] = CONFIDENCE_INPUTS
            ) -> np.ndarray:
    x = np.array([[r.inputs[n] for n in names] for r in rows])
    return 1.0 / (1.0 + np.exp(-(x @ weights + bias)))


def expected_calibration_error(p: np.ndarray, y: np.ndarray, bins: int = 10) -> float:
    edges = np.minimum((p * bins).astype(int), bins - 1)
    return float(sum(abs(p[edges == b].mean() - y[edges == b].mean()) * (edges == b).sum()
                     for b in range(bins) if (edges == b).any()) / len(p))


def reliability(p: np.ndarray, y: np.ndarray, edges: tuple[float, ...] = (0.0, 0.2, 0.4, 0.6, 0.8, 0.9, 1.01)
                ) -> list[dict]:
    """Accuracy by confidence band: it should rise with the confidence."""
    out = []
    for lo, hi in zip(edges, edges[1:]):
        inside = (p >= lo) & (p < hi)
        if inside.any():
            out.append({"band": f"{lo:.1f}-{min(hi, 1.0):.1f}", "questions": int(inside.sum()),
                        "accuracy": round(float(y[inside].mean()), 3),
                        "mean_confidence": round(float(p[inside].mean()), 3)})
    return out


def high_floor(p: np.ndarray, y: np.ndarray, *, accuracy: float = 0.9, least: int = 50) -> float:
    """The lowest confidence above which held-out accuracy is at least ``accuracy`` (over ``least`` or more
    questions); 1.0 when no such band exists."""
    for floor in np.round(np.arange(0.5, 1.0, 0.01), 2):
        above = p >= floor
        if above.sum() >= least and y[above].mean() >= accuracy:
            return float(floor)
    return 1.0


def measure(rows: list[Row], articles: list[str], folds: int, names: tuple[str, ...] = CONFIDENCE_INPUTS,
            *, answered: float = 0.9) -> dict:
    """Second-level article cross-validation of the confidence fitted on ``names``, on the training file's own
    questions; of the withheld copies (never fitted on), the share abstained on is reported."""
    from .evaluate import roc_auc

    p = np.zeros(len(rows))
    for k in range(folds):
        held = set(articles[k::folds])
        w, b = fit_weights([r for r in rows if r.article not in held and not r.withheld], names)
        idx = [i for i, r in enumerate(rows) if r.article in held]
        p[idx] = predict([rows[i] for i in idx], w, b, names)
    copies = np.array([r.withheld for r in rows], dtype=bool)
    withheld_p, p = p[copies], p[~copies]
    rows = [r for r in rows if not r.withheld]
    y = np.array([r.right for r in rows], dtype=float)
    ans = np.array([r.answerable for r in rows])
    keep = np.sort(p[ans])
    threshold = float(keep[len(keep) - int(np.ceil(answered * len(keep)))])
    return {
        "inputs": list(names), "questions": len(rows),
        "p_right_over_wrong": round(roc_auc(p[y == 1], p[y == 0]), 4),
        "abstain_auc": round(roc_auc(p[ans], p[~ans]), 4),
        "ece": round(expected_calibration_error(p, y), 4),
        "threshold": round(threshold, 4),
        "unanswerable_abstained": round(float(np.mean(p[~ans] < threshold)), 4),
        "withheld_copies": len(withheld_p),
        "withheld_abstained": round(float(np.mean(withheld_p < threshold)), 4) if len(withheld_p) else None,
        "high_floor": high_floor(p, y),
        "reliability": reliability(p, y),
    }


def fit_confidence(mined: list, articles: list[str], folds: int, vocabulary: frozenset[str]) -> dict:
    """The shipped fit (weights, bias, threshold, high floor) and its cross-validated figures, with the
    figures of the support alone and of each input left out beside them."""
    rows = out_of_fold_rows(mined, articles, folds, vocabulary)
    # Fitted where both kinds of question were asked: an article whose unanswerable questions were left out
    # of the data (8 of the 10 in the SQuAD train file) would teach a base rate no user's questions have.
    mixed = {r.article for r in rows if not r.answerable and not r.withheld}
    rows = [r for r in rows if r.article in mixed]
    articles = [a for a in articles if a in mixed]
    folds = min(folds, len(articles))
    figures = measure(rows, articles, folds)
    weights, bias = fit_weights([r for r in rows if not r.withheld])
    ablation = {"support_only": _short(measure(rows, articles, folds, ("support",)))}
    for name in CONFIDENCE_INPUTS[1:]:  # each input left out: what it earns
        ablation[f"without_{name}"] = _short(measure(rows, articles, folds,
                                                     tuple(n for n in CONFIDENCE_INPUTS if n != name)))
    return {"weights": {n: round(float(w), 4) for n, w in zip(CONFIDENCE_INPUTS, weights)},
            "bias": round(bias, 4), "threshold": figures["threshold"], "high": figures["high_floor"],
            "cross_validated": figures, "ablation": ablation}


def _short(f: dict) -> dict:
    return {k: f[k] for k in ("p_right_over_wrong", "abstain_auc", "ece", "unanswerable_abstained",
                              "withheld_abstained")}


def fit_confidence_of(data: list[Path], folds: int, settings, config, *, work: str | None = None,
                      docs: tuple[str, ...] = (), docs_weight: int = 1) -> dict:
    """:func:`fit_confidence` on the questions mined from ``data`` (in ``work``, reused when present), each
    fold's support fitted with their withheld copies (qa.training.withheld). The documentation questions of
    ``docs`` are fitted on by every fold's ranker, as by the shipped one; being no SQuAD article, they are
    never a fold's held-out questions."""
    import tempfile

    from .crossval import check_folds
    from .settings import article_order
    from .verifier_train import docs_mined, mine
    from .withheld import with_copies

    articles = article_order(data)
    check_folds(folds, articles)
    with tempfile.TemporaryDirectory(prefix="qa-confidence-") as tmp:
        folder = Path(work) if work else Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        squad = with_copies(mine(data, folder, settings, config), data, settings)
        mined = squad + docs_mined(docs, folder, settings, docs_weight)
        return fit_confidence(mined, articles, folds, vocabulary_of(data))


def write_fit(fit: dict, out: Path) -> Path:
    """Put ``fit`` into ``out``'s scoring file (verifier.json) as its "confidence"; the file's path."""
    import json

    from ..answering.scoring import SCORING_FILE

    path = out / SCORING_FILE
    if not path.is_file():
        raise QAError(f"No scoring file at {path} to add the confidence to: train one first with "
                      f"`python -m qa train-verifier --out {out}`.")
    meta = json.loads(path.read_text(encoding="utf-8"))
    meta["confidence"] = fit
    path.write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return path
