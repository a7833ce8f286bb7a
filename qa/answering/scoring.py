"""The fitted numbers answering reads, all from one scoring file: ``verifier_model/verifier.json``.

``python -m qa train-verifier`` writes it: the ranker's weights and the support's weights keyed by feature
name (so a file never applies a weight to the wrong feature), the support's bias and floor, and the
calibration with its abstention threshold, and the confidence's weights keyed by input name with its own
threshold and "high" floor (qa.answering.doubt, fitted by ``--fit-confidence``). ``Config`` holds none of
them; ``Config.verifier_dir`` says
which file is read, and ``Config.abstain_threshold``, when set, overrides the threshold for a corpus
recalibrated with ``qa eval --calibrate``.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..config import Config
from ..errors import QAError
from .doubt import CONFIDENCE_INPUTS
from .features import DOCS_ONLY, SUPPORT_FEATURES, UNIT_FEATURES

MODEL_DIR = Path(__file__).resolve().parent / "verifier_model"
SCORING_FILE = "verifier.json"


@dataclass(frozen=True)
class Calibration:
    """How verifier logits become scores and probabilities (fitted on held-out articles).

    ``rank_weight`` mixes the verifier logit into the ranker's score of each re-ranked unit; the
    confidence is ``sigmoid(a * top_logit + b * support + c)`` (Platt scaling over two inputs).
    ``logit_low`` and ``logit_high`` bound the logits seen on the held-out articles: a unit the ranker
    puts ``rank_weight * logit_span`` or more below the top one cannot overtake it.
    """

    rank_weight: float
    a: float
    b: float
    c: float
    threshold: float  # abstain when the confidence is below it
    logit_low: float = -float("inf")  # unknown: every re-ranked unit is scored
    logit_high: float = float("inf")

    @property
    def has_say(self) -> bool:
        """Whether the verifier's logit moves either the order or the confidence (held-out data decides)."""
        return self.rank_weight != 0 or self.a != 0

    @property
    def logit_span(self) -> float:
        return self.logit_high - self.logit_low

    def probability(self, top_logit: float, support: float) -> float:
        return float(1.0 / (1.0 + np.exp(-(self.a * top_logit + self.b * support + self.c))))

    def highest(self, support: float) -> float:
        """The highest probability any logit within the held-out bounds gives with ``support``."""
        return max(self.probability(self.logit_low, support), self.probability(self.logit_high, support))


@dataclass(frozen=True)
class Confidence:
    """The fitted confidence: ``sigmoid(weights . inputs + bias)`` over qa.answering.doubt.CONFIDENCE_INPUTS,
    the abstention threshold fitted with it, and the lowest confidence called "high" (1.0: none is)."""

    weights: tuple[float, ...]  # follows CONFIDENCE_INPUTS
    bias: float
    threshold: float
    high: float


@dataclass(frozen=True)
class Scoring:
    """Everything fitted that answering reads; weights in the order of the feature names."""

    quote_weights: tuple[float, ...]  # follows qa.answering.features.UNIT_FEATURES
    support_weights: tuple[float, ...]  # follows qa.answering.features.SUPPORT_FEATURES
    support_bias: float
    support_floor: float  # below it a question is far from every document
    calibration: Calibration
    threshold: float  # abstain when the confidence is below it
    confidence: Confidence | None = None  # None: the calibration's confidence of the support alone
    high: float = 0.0  # the lowest confidence that may be called "high"

    def support(self, row: dict[str, float]) -> float:
        return float(np.dot(self.support_weights, [row[n] for n in SUPPORT_FEATURES]) + self.support_bias)


def scoring_for(config: Config) -> Scoring:
    """The scoring ``config`` answers with: its folder's file (without its fitted confidence when
    ``fitted_confidence`` is off), with ``abstain_threshold`` when set."""
    return _scoring(str(config.verifier_dir or ""), config.abstain_threshold, config.fitted_confidence)


def load_calibration(folder: Path | str | None = None) -> Calibration:
    """The calibration in ``folder``'s scoring file (default: the one shipped), read once; no model is loaded."""
    return _read(str(folder or "")).calibration


@lru_cache(maxsize=16)
def _scoring(folder: str, threshold: float | None, fitted_confidence: bool = True) -> Scoring:
    read = _read(folder)
    confidence = read.confidence if fitted_confidence else None
    if confidence is None:
        threshold = read.calibration.threshold if threshold is None else threshold
        return replace(read, threshold=threshold, confidence=None, high=0.0)
    return replace(read, threshold=confidence.threshold if threshold is None else threshold, high=confidence.high)


@lru_cache(maxsize=8)
def _read(folder: str) -> Scoring:
    path = (Path(folder) if folder else MODEL_DIR).resolve() / SCORING_FILE
    if not path.is_file():
        raise QAError(f"No scoring file at {path}. Train one with `python -m qa train-verifier --out {path.parent}`.")
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
        calibration = Calibration(**meta["calibration"])
        fit = meta.get("confidence")
        confidence = None if fit is None else Confidence(
            _by_name(fit["weights"], CONFIDENCE_INPUTS, path), float(fit["bias"]), float(fit["threshold"]),
            float(fit["high"]))
        # a file written before a documentation-only weight existed has what a fit on SQuAD gives it: 0
        quote_weights = {**dict.fromkeys(DOCS_ONLY, 0.0), **meta["quote_weights"]}
        return Scoring(_by_name(quote_weights, UNIT_FEATURES, path),
                       _by_name(meta["support_weights"], SUPPORT_FEATURES, path),
                       float(meta["support_bias"]), float(meta["support_floor"]), calibration,
                       calibration.threshold, confidence)
    except (ValueError, KeyError, TypeError) as e:
        raise QAError(f"The scoring file {path} is not one this version reads ({e}). Train it again with "
                      f"`python -m qa train-verifier --out {path.parent}`.") from e


def _by_name(weights: dict[str, float], names: tuple[str, ...], path: Path) -> tuple[float, ...]:
    """``weights`` in the order of ``names``; a file naming other features is refused."""
    if set(weights) != set(names):
        missing, extra = sorted(set(names) - set(weights)), sorted(set(weights) - set(names))
        raise ValueError(f"features missing {missing}, features unknown {extra} in {path.name}")
    return tuple(float(weights[n]) for n in names)
