"""What a training run is set to, and the seeded choices every part of it shares."""
from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

import numpy as np

#: Share of the answerable training questions also asked without their paragraph (qa.training.withheld).
WITHHELD_SHARE = 0.1


@dataclass(frozen=True)
class TrainSettings:
    layers: int = 3
    epochs: int = 1
    batch_size: int = 16
    lr: float = 4e-5
    max_length: int = 96
    seed: int = 13
    holdout: int = 3  # articles held out for calibration
    unanswerable_weight: float = 2.0
    depth: int = 8  # pipeline candidates mined per question
    max_pairs: int = 4_000  # training pairs per epoch at most (sampled, seeded)
    negatives: int = 4  # negatives per answerable question at most
    threads: int = 1
    share: tuple[int, int] = (2, 3)  # mine the first 2 of 3 seeded, interleaved parts of the questions
    withheld_share: float = WITHHELD_SHARE


def seeded_share(items: list, s: TrainSettings) -> list:
    """The questions mined: the first ``share[0]`` of ``share[1]`` seeded, interleaved parts, part by part."""
    order = list(range(len(items)))
    random.Random(s.seed).shuffle(order)
    use, parts = s.share
    return [items[i] for part in range(use) for i in order[part::parts]]


def article_order(data: list[Path]) -> list[str]:
    from .verifier_data import load_training

    return list(dict.fromkeys(i.article for i in load_training(data)[1]))


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
