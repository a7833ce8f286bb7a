"""Fitting an index's own calibration on a few dozen labelled answers, without overfitting them.

The mapping is a logistic regression (Platt scaling) from named inputs (:func:`qa.calibration.inputs`)
to "the first quote answers", fitted by maximum a posteriori with a Gaussian prior centred on the
shipped mapping: weight 1 on the shipped confidence's logit, 0 on every other input, bias 0. With no
evidence the fit *is* the shipped calibration; each answer pulls it away only as far as the data
outweighs the prior. Which inputs to use (the shipped confidence alone or with the support, each with or
without the doubts of :mod:`qa.answering.doubt`, and with or without how much of the question the first
quote covers) and how strong the prior is are chosen together by cross-validated log loss over stratified
folds, with the one-standard-error rule: the smallest model, then the strongest prior, whose loss is within
one standard error of the best one's. On a few dozen answers a richer model that wins by less than that has
learnt the folds, not the documents. A doubt may only lower the confidence, and coverage only raise it: a
choice whose fit gives either a weight of the other sign is not taken.

The threshold is where the fitted mapping says an answer is as likely right as a labelled answer is on
average: the share of right answers among the labelled ones. For a calibrated mapping that is where the
share of right answers kept minus the share of other answers (wrong first quote, or no answer in the
documents) let through (Youden's J) peaks, since there the odds of an answer are the base odds. Read off
the fitted curve, it moves little with a few answers more or less; read off the order of a few dozen
out-of-fold probabilities, J can jump between two optima of nearly equal height (docs/experiments.md).
"""
from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..answering.doubt import DOUBTS
from ..errors import QAError
from . import calibration
from .calibration_data import Example

#: Least data a fit is made from: labelled answers in all, and of each kind (right / not right).
MIN_EXAMPLES = 20
MIN_EACH = 5
FOLDS = 5
#: Prior strengths tried (the L2 pull towards the shipped mapping, in units of one answer's log loss).
STRENGTHS = (32.0, 8.0, 2.0, 0.5)
BIAS_SHARE = 0.1  # the bias is pulled towards 0 this much less than the weights: a corpus's base rate moves it
#: Inputs that may only raise the confidence: a quote that covers more of the question is no worse an answer.
EVIDENCE = ("coverage",)


@dataclass(frozen=True)
class Choice:
    inputs: tuple[str, ...]
    strength: float
    log_loss: float  # cross-validated, per answer
    standard_error: float  # of that mean over the answers


def input_sets(names: Sequence[str]) -> list[tuple[str, ...]]:
    """The input sets tried, smallest first: the shipped confidence alone or with the support beside it (the
    inputs of the shipped Platt mapping), each with none, one or both of the doubts among ``names``, and each of
    those with and without the evidence among them."""
    bases = [("confidence_logit",), ("confidence_logit", "support")] if "support" in names else [("confidence_logit",)]
    doubts = [d for d in DOUBTS if d in names]
    extra = [()] + [(d,) for d in doubts] + ([tuple(doubts)] if len(doubts) > 1 else [])
    evidence = [()] + [(e,) for e in EVIDENCE if e in names]
    return sorted((b + e + v for b in bases for e in extra for v in evidence), key=len)


def check_enough(examples: Sequence[Example]) -> None:
    """QAError saying how much more is needed when ``examples`` are too few to fit on."""
    right = sum(e.right is True for e in examples)
    wrong = sum(e.right is False for e in examples)
    if right + wrong < MIN_EXAMPLES or right < MIN_EACH or wrong < MIN_EACH:
        raise QAError(
            f"Too little to calibrate on: {right + wrong} labelled answers ({right} right, {wrong} wrong or "
            f"unanswerable). A fit needs at least {MIN_EXAMPLES}, with at least {MIN_EACH} of each kind. Add "
            "questions to the question file (about a third of them unanswerable but on topic) or collect more "
            "feedback; the calibration in use is kept meanwhile.")


def fit(examples: Sequence[Example], *, documents_sha256: str, base_sha256: str, build: str = "",
        source: str = "", keep: float | None = None) -> calibration.OwnFit:
    """The own calibration for ``examples`` (those with a known ``right``), with its cross-validated report.

    ``keep`` (a share such as 0.9) sets the threshold instead to the highest that still answers that share
    of the right answers (out of fold): fewer lost answers, more wrong ones let through.
    """
    labelled = [e for e in examples if e.right is not None]
    check_enough(labelled)
    y = np.array([e.right for e in labelled], dtype=float)
    folds = _folds(y)
    choices = [_score(labelled, y, folds, names, s) for names in input_sets(list(labelled[0].values))
               for s in STRENGTHS]
    best = one_standard_error([c for c in choices if _signs_hold(labelled, y, c)])
    oof = _out_of_fold(labelled, y, folds, best.inputs, best.strength)
    threshold = base_rate_threshold(y) if keep is None else keeping_threshold(oof, y, keep)
    weights, bias = logistic_map(_matrix(labelled, best.inputs), y, _prior(best.inputs), best.strength)
    shipped = np.array([e.confidence for e in labelled])
    report = {
        "source": source, "examples": len(labelled), "right": int(y.sum()), "not_right": int(len(y) - y.sum()),
        "set_aside": len(examples) - len(labelled),
        "inputs_tried": [list(s) for s in input_sets(list(labelled[0].values))],
        "strength": best.strength, "cv_log_loss": round(best.log_loss, 4),
        "threshold_rule": "base rate" if keep is None else f"keep {keep:g} of right answers",
        "cv_log_loss_shipped": round(_log_loss(shipped, y), 4),
        "before": figures(labelled, [e.abstained for e in labelled]),
        "after_cross_validated": figures(labelled, list(oof < threshold)),
    }
    return calibration.OwnFit(best.inputs, tuple(float(w) for w in weights), float(bias), float(threshold),
                              documents_sha256, base_sha256, build,
                              time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), report)


def figures(examples: Sequence[Example], abstained: Sequence[bool]) -> dict[str, Any]:
    """What an abstention rule does to ``examples``: right answers kept, other answers let through, and,
    where answerability is known, unanswerable questions abstained and answerable ones abstained."""
    pairs = [(e, bool(a)) for e, a in zip(examples, abstained)]
    return {
        "right_answered": sum(e.right is True and not a for e, a in pairs),
        "right": sum(e.right is True for e in examples),
        "not_right_answered": sum(e.right is False and not a for e, a in pairs),
        "not_right": sum(e.right is False for e in examples),
        "unanswerable_abstained": sum(e.answerable is False and a for e, a in pairs),
        "unanswerable": sum(e.answerable is False for e in examples),
        "answerable_abstained": sum(e.answerable is True and a for e, a in pairs),
        "answerable": sum(e.answerable is True for e in examples),
    }


def logistic_map(x: np.ndarray, y: np.ndarray, prior: np.ndarray, strength: float) -> tuple[np.ndarray, float]:
    """MAP logistic regression: weights and bias near ``prior`` (its last entry is the bias), by Newton steps.

    >>> w, b = logistic_map(np.array([[-2.0], [-1.0], [1.0], [2.0]]), np.array([0.0, 0.0, 1.0, 1.0]),
    ...                     np.array([1.0, 0.0]), 1000.0)
    >>> round(float(w[0]), 2), round(b, 2)
    (1.0, 0.0)
    """
    a = np.hstack([x, np.ones((len(x), 1))])
    pull = np.full(a.shape[1], strength)
    pull[-1] *= BIAS_SHARE
    theta = prior.astype(float).copy()
    for _ in range(50):
        p = _sigmoid(a @ theta)
        grad = a.T @ (p - y) + pull * (theta - prior)
        hess = (a.T * (p * (1 - p))) @ a + np.diag(pull)
        step = np.linalg.solve(hess, grad)
        theta -= step
        if np.max(np.abs(step)) < 1e-9:
            break
    return theta[:-1], float(theta[-1])


def base_rate_threshold(y: np.ndarray) -> float:
    """The share of right answers among the labelled ones: the probability, on a calibrated mapping, below
    which an answer is less likely right than the average one (where Youden's J peaks).

    >>> base_rate_threshold(np.array([0.0, 0.0, 1.0, 0.0]))
    0.25
    """
    return round(float(np.mean(y)), 6)


def one_standard_error(choices: Sequence[Choice]) -> Choice:
    """The smallest model, then the strongest prior, within one standard error of the lowest loss."""
    lowest = min(choices, key=lambda c: c.log_loss)
    near = [c for c in choices if c.log_loss <= lowest.log_loss + lowest.standard_error]
    return min(near, key=lambda c: (len(c.inputs), -c.strength))


def keeping_threshold(p: np.ndarray, y: np.ndarray, keep: float) -> float:
    """The highest cut that answers at least ``keep`` of the right answers, midway below the lowest one kept.

    >>> p, y = np.array([0.1, 0.2, 0.6, 0.7, 0.8]), np.array([0.0, 1.0, 0.0, 1.0, 1.0])
    >>> keeping_threshold(p, y, 0.6), keeping_threshold(p, y, 1.0)
    (0.65, 0.15)
    """
    if not 0 < keep <= 1:
        raise QAError(f"--keep takes a share above 0 and at most 1, such as 0.9 (got {keep}).")
    right = np.sort(p[y == 1])[::-1]
    lowest = right[max(0, int(np.ceil(keep * len(right))) - 1)]
    below = p[p < lowest]
    return round(float((lowest + below.max()) / 2 if len(below) else lowest - 1e-6), 6)


def _signs_hold(examples: Sequence[Example], y: np.ndarray, choice: Choice) -> bool:
    """Whether the doubts among ``choice``'s inputs, fitted on every example, only lower the confidence, and its
    evidence only raises it (a weight of the other sign has learnt an accident of these questions: such a
    choice is not taken)."""
    weights, _ = logistic_map(_matrix(examples, choice.inputs), y, _prior(choice.inputs), choice.strength)
    return all(w <= 0 if name in DOUBTS else w >= 0 for name, w in zip(choice.inputs, weights)
               if name in DOUBTS or name in EVIDENCE)


def _folds(y: np.ndarray) -> np.ndarray:
    """A fold number per example, stratified by label and fixed (no randomness: the same data, the same fit)."""
    fold = np.zeros(len(y), dtype=int)
    for label in (0.0, 1.0):
        idx = np.flatnonzero(y == label)
        fold[idx] = np.arange(len(idx)) % FOLDS
    return fold


def _score(examples: Sequence[Example], y: np.ndarray, folds: np.ndarray, names: tuple[str, ...],
           strength: float) -> Choice:
    losses = _log_losses(_out_of_fold(examples, y, folds, names, strength), y)
    return Choice(names, strength, float(losses.mean()), float(losses.std(ddof=1) / np.sqrt(len(losses))))


def _out_of_fold(examples: Sequence[Example], y: np.ndarray, folds: np.ndarray, names: tuple[str, ...],
                 strength: float) -> np.ndarray:
    x = _matrix(examples, names)
    out = np.zeros(len(y))
    for f in range(FOLDS):
        test = folds == f
        if test.any():
            w, b = logistic_map(x[~test], y[~test], _prior(names), strength)
            out[test] = _sigmoid(x[test] @ w + b)
    return out


def _matrix(examples: Sequence[Example], names: tuple[str, ...]) -> np.ndarray:
    return np.array([[e.values[n] for n in names] for e in examples], dtype=float)


def _prior(names: tuple[str, ...]) -> np.ndarray:
    """The shipped mapping: the shipped confidence is sigmoid(its own logit)."""
    return np.array([1.0 if n == "confidence_logit" else 0.0 for n in names] + [0.0])


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -50, 50)))


def _log_loss(p: np.ndarray, y: np.ndarray) -> float:
    return float(_log_losses(p, y).mean())


def _log_losses(p: np.ndarray, y: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return -(y * np.log(p) + (1 - y) * np.log(1 - p))
