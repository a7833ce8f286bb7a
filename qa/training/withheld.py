"""Questions asked of a corpus that lacks their answer: training copies for the support and the confidence.

SQuAD 2.0's unanswerable questions were written against a paragraph, so the kind of answer they ask for is
usually in reach ("How many ...?" beside a number that counts something else). A user's on-topic question that
the documents do not answer is another case: the documents talk about its subject, and the sentence that would
answer it is simply not there. A *withheld copy* stands for that case: an answerable training question asked again
of the corpus without its own paragraph. Its candidate units are the mined ones that are not sentences of that
paragraph (nor hold a gold answer anywhere), so no index is rebuilt. The copies are unanswerable examples for the
support (qa.training.verifier_train.fit_support). The confidence's cross-validation (qa.training.doubt_train) reports
how many of them it abstains on but does not fit on them, and the ranker, fitted on answerable questions, never
sees them.

A seeded share of the answerable questions of the articles that also hold unanswerable ones is copied (the other
articles' unanswerable questions were taken out of the data, qa.training.doubt_train). How large a share was chosen
on documentation and natural training questions, never on scored ones (docs/confidence.md).
"""
from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

from ..answering.verifier import unit_of_candidate
from .settings import TrainSettings
from .verifier_data import Mined, load_training


def _own(candidate: str) -> str:
    """A mined unit's own text, whitespace collapsed as the paragraphs are."""
    return " ".join(unit_of_candidate(candidate).split())


def with_copies(mined: list[Mined], data: list[Path], s: TrainSettings) -> list[Mined]:
    """``mined`` followed by its withheld copies: what a support is fitted on."""
    return mined + withheld_copies(mined, data, s)


def withheld_copies(mined: list[Mined], data: list[Path], s: TrainSettings) -> list[Mined]:
    """Copies of a seeded ``s.withheld_share`` of the answerable questions of ``mined`` (from the training files
    ``data``), each left with the units that are not sentences of its own paragraph and hold no gold answer."""
    if not s.withheld_share:
        return []
    docs, items = load_training(data)
    paragraphs: dict[tuple[str, str], str] = {}
    for item in items:
        paragraphs.setdefault((item.article, item.question), " ".join(docs[item.source].split()))
    with_unanswerable = {m.article for m in mined if not m.answerable}
    rng = random.Random(s.seed)
    copies = []
    for m in mined:
        if not (m.answerable and m.units and m.article in with_unanswerable) or rng.random() >= s.withheld_share:
            continue
        paragraph = paragraphs.get((m.article, m.question))
        if paragraph is None:  # mined from other files than ``data``: its paragraph is unknown
            continue
        units = tuple(u for u in m.units if not u.label and _own(u.text) not in paragraph)
        if units:
            copies.append(replace(m, answerable=False, units=units, withheld=True))
    return copies
