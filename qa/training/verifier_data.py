"""Training examples for the answer verifier, mined by the pipeline itself.

Every paragraph of the training files becomes a document of one temporary index, built with the real
build. For each question the pipeline's ranker lists its candidate units; the examples are

- its top ``depth`` candidates, from any paragraph (the hard negatives it would quote by mistake);
- every sentence of the question's own paragraph (the near misses beside the answer);

each labelled 1 when it holds a gold answer. Every candidate of an unanswerable question is a negative.
A mined question keeps its pipeline order and scores, so that re-ranking and calibration can be fitted
on held-out articles without rebuilding an index.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
from tqdm import tqdm

from ..answering.features import SUPPORT_FEATURES, UNIT_FEATURES, unit_text
from ..answering.quotes import Ranking, rank, support_for
from ..answering.sentence_stats import stats
from ..answering.structure import quoted_text
from ..answering.verifier import unit_candidate
from ..config import Config
from ..errors import QAError
from ..indexing.index import Index
from ..records import Unit
from .evaluate import Item, contains_answer, load_squad


@dataclass(frozen=True)
class Candidate:
    text: str  # what the verifier reads beside the question (qa.answering.verifier.candidate_text)
    label: int  # 1 when the unit holds a gold answer
    score: float  # the ranker's score (NaN-free; -inf never occurs)
    position: int  # place in the ranker's order, -1 for a paragraph sentence outside its top ``depth``


@dataclass(frozen=True)
class MinedUnit:
    """A ranked unit with everything needed to re-rank offline with other weights."""

    text: str
    label: int
    features: tuple[float, ...]  # follows qa.answering.features.UNIT_FEATURES
    support: tuple[float, ...]  # qa.answering.features.SUPPORT_FEATURES were this unit the best one


@dataclass(frozen=True)
class Mined:
    question: str
    article: str
    answerable: bool
    support: float
    candidates: tuple[Candidate, ...]
    units: tuple[MinedUnit, ...] = ()  # every ranked unit, in the ranker's order
    withheld: bool = False  # an answerable question asked again without its paragraph (qa.training.withheld)


def load_training(paths: list[Path]) -> tuple[dict[str, str], list[Item]]:
    """Several SQuAD-format files as one corpus; document names are kept apart by a file prefix."""
    docs: dict[str, str] = {}
    items: list[Item] = []
    for n, path in enumerate(paths):
        file_docs, file_items = load_squad(path)
        docs.update({f"f{n}_{name}": text for name, text in file_docs.items()})
        items += [Item(i.question, i.answers, f"f{n}_{i.source}", i.article, i.answerable) for i in file_items]
    return docs, items


def mine_index(index: Index, items: list[Item], out: Path, depth: int) -> int:
    """Mine ``items`` against an index of their paragraphs (questions embedded in batches, then ranked)."""
    config = index.config.with_(verifier_pairs=0)  # the ranker's own order, before any verifier
    vectors = index.embedder.encode([i.question for i in items], batch_size=64, progress=True)
    with out.open("w", encoding="utf-8") as f:
        for item, qvec in tqdm(list(zip(items, vectors)), desc="mining", unit="question"):
            f.write(json.dumps(asdict(mine_question(index, item, depth, config, qvec)), ensure_ascii=False) + "\n")
    return len(items)


def mine_question(index: Index, item: Item, depth: int, config: Config, qvec: np.ndarray) -> Mined:
    ranking = rank(index, item.question, config=config, qvec=qvec)
    answers = item.answers if item.answerable else ()
    seen: set[Unit] = set()
    candidates = []
    for n, unit in enumerate(ranking.units[:depth]):
        seen.add(unit)
        candidates.append(_candidate(index, unit, answers, float(ranking.scores[n]), n))
    for i in stats(index).doc_sentences.get(item.source, ()):
        if Unit.of(i) not in seen and not index.documents[item.source].is_heading(*index.sentences[i][1:]):
            candidates.append(_candidate(index, Unit.of(i), answers, 0.0, -1))
    units = tuple(_unit(index, ranking, n, answers) for n in range(len(ranking.units)))
    return Mined(item.question, item.article, item.answerable, ranking.support, tuple(candidates), units)


def _unit(index: Index, ranking: Ranking, n: int, answers: tuple[str, ...]) -> MinedUnit:
    unit = ranking.units[n]
    row = ranking.features[n]
    support = support_for(index, ranking, unit, row)
    return MinedUnit(unit_candidate(index, unit), int(contains_answer(quoted_text(index, unit), answers)),
                tuple(round(row[f], 5) for f in UNIT_FEATURES), tuple(round(support[f], 5) for f in SUPPORT_FEATURES))


def _candidate(index: Index, unit: Unit, answers: tuple[str, ...], score: float, position: int) -> Candidate:
    text = unit_text(index, unit)
    return Candidate(unit_candidate(index, unit), int(contains_answer(text, answers)), score, position)


def read_mined(path: Path) -> list[Mined]:
    """The examples mined into ``path``; refused with a QAError when they were mined with another set of
    ranker or support features than this code's (a ``--work`` folder kept from before a feature changed)."""
    rows = []
    with path.open(encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            d["candidates"] = tuple(Candidate(**c) for c in d["candidates"])
            d["units"] = tuple(MinedUnit(u["text"], u["label"], tuple(u["features"]), tuple(u["support"]))
                               for u in d.get("units", ()))
            for unit in d["units"]:
                if len(unit.features) != len(UNIT_FEATURES) or len(unit.support) != len(SUPPORT_FEATURES):
                    raise QAError(
                        f"The examples in {path} were mined with {len(unit.features)} ranker and "
                        f"{len(unit.support)} support features; this code has {len(UNIT_FEATURES)} and "
                        f"{len(SUPPORT_FEATURES)}. Mine them again: pass a new --work folder, or delete {path}.")
            rows.append(Mined(**d))
    return rows
