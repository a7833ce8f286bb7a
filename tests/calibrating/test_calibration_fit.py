"""The own calibration's choice of inputs, on labelled answers made up for the purpose (pure logic: the fit
reads only each answer's named inputs and its label)."""
from __future__ import annotations

import math
import random
from typing import Any

import pytest

from qa.calibrating import calibration_fit
from qa.calibrating.calibration_data import Example


def example(right: bool, confidence: float, kind_missing: float = 0.0, unknown_terms: float = 0.0,
            coverage: float = 0.5) -> Example:
    values = {"confidence_logit": math.log(confidence / (1 - confidence)), "support": 0.5,
              "kind_missing": kind_missing, "unknown_terms": unknown_terms, "coverage": coverage}
    ranking: Any = None  # the fit never reads the ranking
    return Example("q", values, confidence, confidence < 0.2, right, right, ranking)


def answers(doubt_on: str, n: int = 120, seed: int = 7) -> list[Example]:
    """``n`` answers whose shipped confidence tells right from wrong only a little; a doubt set on a third of
    the ``doubt_on`` ones ("wrong" or "right") and on no other."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        right = i % 2 == 0
        confidence = min(0.9, max(0.1, rng.gauss(0.45 if right else 0.40, 0.12)))
        marked = (not right if doubt_on == "wrong" else right) and rng.random() < 1 / 3
        out.append(example(right, confidence, kind_missing=float(marked)))
    return out


def fitted(examples: list[Example]) -> calibration_fit.calibration.OwnFit:
    return calibration_fit.fit(examples, documents_sha256="d", base_sha256="b")


def test_the_doubts_are_tried_beside_the_shipped_inputs_smallest_first():
    sets = calibration_fit.input_sets(["confidence_logit", "support", "kind_missing", "unknown_terms"])
    assert sets[0] == ("confidence_logit",)
    assert ("confidence_logit", "kind_missing") in sets and ("confidence_logit", "support") in sets
    assert ("confidence_logit", "support", "kind_missing", "unknown_terms") in sets
    assert [len(s) for s in sets] == sorted(len(s) for s in sets) and len(set(sets)) == len(sets) == 8
    assert calibration_fit.input_sets(["confidence_logit"]) == [("confidence_logit",)]
    with_coverage = calibration_fit.input_sets(["confidence_logit", "support", "kind_missing", "unknown_terms",
                                                "coverage"])
    assert len(set(with_coverage)) == 16 and set(sets) < set(with_coverage)
    assert ("confidence_logit", "coverage") in with_coverage


def covered(evidence_on: str, n: int = 120, seed: int = 5) -> list[Example]:
    """``n`` answers whose shipped confidence tells right from wrong only a little, and whose coverage is high
    for the ``evidence_on`` ones ("right" or "wrong") and low for the others."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        right = i % 2 == 0
        confidence = min(0.9, max(0.1, rng.gauss(0.45 if right else 0.40, 0.12)))
        high = right if evidence_on == "right" else not right
        out.append(example(right, confidence, coverage=rng.uniform(0.6, 1.0) if high else rng.uniform(0.0, 0.5)))
    return out


def test_coverage_that_marks_right_answers_is_learnt_and_raises_the_confidence():
    fit = fitted(covered("right"))
    assert "coverage" in fit.inputs and fit.weights[fit.inputs.index("coverage")] > 1.0


def test_coverage_never_lowers_the_confidence():
    # High only on wrong answers, coverage would fit a negative weight: the fit leaves it out.
    fit = fitted(covered("wrong"))
    assert all(w >= 0 for name, w in zip(fit.inputs, fit.weights) if name == "coverage")


def test_a_doubt_that_marks_wrong_answers_is_learnt_and_lowers_the_confidence():
    fit = fitted(answers("wrong"))
    assert "kind_missing" in fit.inputs
    weight = fit.weights[fit.inputs.index("kind_missing")]
    assert weight < -1.0
    plain = {"confidence_logit": 0.0, "support": 0.5, "kind_missing": 0.0, "unknown_terms": 0.0, "coverage": 0.5}
    assert fit.probability({**plain, "kind_missing": 1.0}) < fit.probability(plain) - 0.2


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_doubt_never_raises_the_confidence(seed):
    # Set only on right answers, the doubt would fit a positive weight: the fit leaves it out.
    fit = fitted(answers("right", seed=seed))
    assert all(w <= 0 for name, w in zip(fit.inputs, fit.weights) if name in ("kind_missing", "unknown_terms"))
