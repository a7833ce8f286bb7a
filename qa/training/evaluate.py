"""Evaluation on SQuAD-format data: every paragraph becomes a document of a temporary corpus and index.

Measures, over the answerable questions: which document the quotes come from (``recall@1``,
``recall@5``, ``mrr``; documents ranked in the order of their best quote, then of their passages),
whether a gold answer lies inside the top quote (``quote_hit@1``) or one of the top three
(``quote_hit@3``), whatever the abstention decides; and, over all questions, how well ``confidence``
separates answerable from unanswerable ones (``abstain_auc``), what the shipped threshold does
(``answered_rate``, ``abstain_accuracy``), and how well ``confidence`` is calibrated as the probability
that the top quote answers the question (``brier``, ``ece`` and the ``reliability`` table). Run it with ::

    python -m qa eval ../shared/data/squad-v2-dev-5articles.json --json --report /tmp/report.jsonl \
        --train ../shared/data/squad-v2-train-10articles.json ../shared/data/squad-v2-dev-8articles-train.json

``--train`` names the files the verifier was trained on; an evaluation that shares a question or a
paragraph with them is refused. The shipped verifier, its calibration and its threshold were fitted on
training articles only (see ``qa/answering/verifier_model/README.md``), so the figures on the evaluation file
measure questions no fitted part has seen.

How the ranker's weights were chosen: ``quote_weights`` in the scoring file is a pairwise logistic regression
(answer-bearing unit minus other unit of the same question, L2, C=0.1) over the features of
:mod:`qa.answering.features`; ``support_weights`` a logistic regression of answerable vs unanswerable on
the support features. Both are fitted by ``python -m qa train-verifier`` on the training articles; the
verifier's re-ranking mix, the calibration and the threshold on held-out training articles.

Recalibrating the abstention threshold for another corpus: run ::

    python -m qa eval QUESTIONS.json --calibrate 0.92

on SQuAD-format questions about that corpus (answerable ones, plus unanswerable ones written against the
same text). It prints the highest confidence threshold under which 92% of the answerable questions are
still answered, and what it does to the unanswerable ones; put it in ``Config.abstain_threshold``.
"""
from __future__ import annotations

import json
import re
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..answering.quotes import Ranking, rank
from ..answering.scoring import scoring_for
from ..config import Config
from ..errors import QAError
from ..indexing.build import build_index
from ..indexing.index import Index, load_index

#: Questions no document of a SQuAD-like corpus answers; abstaining on them is the easy case.
OFF_TOPIC = (
    "What is the boiling point of water at sea level?",
    "Who wrote the novel Pride and Prejudice?",
    "How many legs does a spider have?",
    "What is the recipe for a good chocolate cake?",
    "Which football club won the 2010 World Cup final?",
)


@dataclass(frozen=True)
class Item:
    """One question of the evaluation data, with the document its paragraph became."""

    question: str
    answers: tuple[str, ...]
    source: str
    article: str
    answerable: bool


#: What a SQuAD 2.0 file holds, for the message that refuses another file.
SQUAD_SHAPE = ('{"data": [{"title": ..., "paragraphs": [{"context": ..., "qas": [{"question": ..., "answers": '
               '[{"text": ...}], "is_impossible": ...}]}]}]}')


def load_squad(path: Path | str) -> tuple[dict[str, str], list[Item]]:
    """SQuAD-format file → (document name → paragraph text, questions). A file that is not one is refused
    with a QAError that says what it should hold."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise QAError(f"{path} cannot be read as JSON ({e}). Pass a SQuAD 2.0 file: {SQUAD_SHAPE}.") from e
    docs: dict[str, str] = {}
    items: list[Item] = []
    try:
        for a, article in enumerate(data["data"]):
            title = re.sub(r"\W+", "_", str(article["title"])).strip("_")
            for p, para in enumerate(article["paragraphs"]):
                name = f"{a:02d}_{title}_{p:03d}.txt"
                docs[name] = str(para["context"])
                for qa in para["qas"]:
                    answers = tuple(str(x["text"]) for x in qa.get("answers", ()))
                    items.append(Item(str(qa["question"]), answers, name, str(article["title"]),
                                      not qa.get("is_impossible", False) and bool(answers)))
    except KeyError as e:
        raise QAError(f"{path} is not a SQuAD 2.0 file: an entry has no {e.args[0]!r} field. It should hold "
                      f"{SQUAD_SHAPE}.") from e
    except (TypeError, AttributeError) as e:
        raise QAError(f"{path} is not a SQuAD 2.0 file: an entry has the wrong type ({e}). It should hold "
                      f"{SQUAD_SHAPE}.") from e
    return docs, items


def evaluate(squad_path: Path | str, *, config: Config | None = None, report_path: Path | str | None = None,
             workdir: Path | str | None = None, calibrate_rate: float | None = None,
             train: list[Path] | None = None) -> dict[str, Any]:
    """Build a temporary index of the paragraphs of ``squad_path``, ask every question, return the figures.

    ``report_path`` receives one JSON line per question, for reading failures. ``calibrate_rate`` adds
    the threshold that answers that share of the answerable questions, and what it does. ``train`` names
    the files the verifier was trained on: an evaluation question among them is refused with a QAError.
    """
    check_disjoint(squad_path, train or [])
    records, config, off_topic = run(squad_path, config=config, workdir=workdir)
    figures = summarise(records, scoring_for(config).threshold)
    figures["off_topic_abstained"] = float(np.mean(off_topic))
    if calibrate_rate is not None:
        threshold = calibrate(records, answered=calibrate_rate)
        at = summarise(records, threshold)
        figures["calibrated"] = {"threshold": threshold, "answered_rate": at["answered_rate"],
                                 "abstain_accuracy": at["abstain_accuracy"]}
    if report_path is not None:
        write_report(records, Path(report_path))
    return figures


def run(squad_path: Path | str, *, config: Config | None = None, workdir: Path | str | None = None
        ) -> tuple[list[dict[str, Any]], Config, list[bool]]:
    """Per-question records, the configuration used, and whether each :data:`OFF_TOPIC` question abstains."""
    docs, items = load_squad(squad_path)
    with tempfile.TemporaryDirectory(dir=workdir, prefix="qa-eval-") as tmp:
        index = build_squad_index(docs, Path(tmp), config or Config())
        records = [ask_item(index, item) for item in items]
        off_topic = [rank(index, q).abstains(index.config) for q in OFF_TOPIC]
    return records, index.config, off_topic


def check_disjoint(squad_path: Path | str, train: list[Path]) -> None:
    """Refuse an evaluation whose questions (or paragraphs) are part of the training data."""
    docs, items = load_squad(squad_path)
    questions, paragraphs = {i.question for i in items}, set(docs.values())
    for path in train:
        t_docs, t_items = load_squad(path)
        shared = len(questions & {i.question for i in t_items}) + len(paragraphs & set(t_docs.values()))
        if shared:
            raise QAError(f"{path} shares {shared} questions or paragraphs with {squad_path}; figures on "
                          "questions the verifier was trained on mean nothing. Evaluate on other articles.")


def write_report(records: list[dict[str, Any]], path: Path) -> None:
    with path.open("w", encoding="utf-8") as f:
        f.writelines(json.dumps({k: v for k, v in r.items() if not k.startswith("_")}, ensure_ascii=False)
                     + "\n" for r in records)


def build_squad_index(docs: dict[str, str], folder: Path, config: Config) -> Index:
    """Write ``docs`` as text files under ``folder`` and index them with the real build."""
    corpus = folder / "corpus"
    corpus.mkdir(parents=True)
    for name, text in docs.items():
        (corpus / name).write_text(text + "\n", encoding="utf-8")
    config = config.with_(corpus_dir=corpus, index_dir=folder / "index")
    build_index(config)
    return load_index(config.index_dir, config)


def ask_item(index: Index, item: Item) -> dict[str, Any]:
    """Rank quotes for one question and judge them against its gold answers."""
    started = time.perf_counter()
    ranking = rank(index, item.question)
    seconds = time.perf_counter() - started
    quotes = [index.documents[s.source].text[s.start:s.end] for s in ranking.spans[:3]]
    hits = [contains_answer(q, item.answers) for q in quotes]
    return {
        "question": item.question, "answers": list(item.answers), "answerable": item.answerable,
        "article": item.article, "gold_source": item.source, "quotes": quotes,
        "sources": [s.source for s in ranking.spans[:3]], "support": ranking.support,
        "confidence": ranking.confidence, "verifier_logit": ranking.verifier_logit,
        "far": ranking.support < scoring_for(index.config).support_floor, "hit@1": bool(hits[:1] and hits[0]),
        "hit@3": any(hits), "document_rank": _document_rank(index, ranking, item.source),
        "abstained": ranking.abstains(index.config), "seconds": seconds,
        "quote_words": len(quotes[0].split()) if quotes else 0, "_ranking": ranking,
    }


def summarise(records: list[dict[str, Any]], threshold: float) -> dict[str, Any]:
    """The figures of :func:`evaluate` from per-question records."""
    ans = [r for r in records if r["answerable"]]
    una = [r for r in records if not r["answerable"]]
    ranks = np.array([r["document_rank"] or np.inf for r in ans], dtype=float)
    s_ans = np.array([r["confidence"] for r in ans])
    s_una = np.array([r["confidence"] for r in una])
    answered = [not _abstains(r, threshold) for r in records]
    figures: dict[str, Any] = {
        "questions": len(records), "answerable": len(ans),
        "recall@1": float(np.mean(ranks <= 1)), "recall@5": float(np.mean(ranks <= 5)),
        "mrr": float(np.mean(1.0 / ranks)),
        "quote_hit@1": float(np.mean([r["hit@1"] for r in ans])),
        "quote_hit@3": float(np.mean([r["hit@3"] for r in ans])),
        "mean_quote_words": float(np.mean([r["quote_words"] for r in ans])),
        "abstain_auc": roc_auc(s_ans, s_una) if len(una) else None,
        "answered_rate": float(np.mean([a for a, r in zip(answered, records) if r["answerable"]])),
        "abstain_accuracy": float(np.mean([not a for a, r in zip(answered, records) if not r["answerable"]]))
        if len(una) else None,
        "threshold": threshold,
        **calibration_figures(records),
        "median_ms": float(np.median([r["seconds"] for r in records]) * 1000),
    }
    figures["by_article"] = {
        a: {"quote_hit@1": float(np.mean([r["hit@1"] for r in ans if r["article"] == a])),
            "quote_hit@3": float(np.mean([r["hit@3"] for r in ans if r["article"] == a]))}
        for a in sorted({r["article"] for r in ans})
    }
    return figures


def _abstains(record: dict[str, Any], threshold: float) -> bool:
    return bool(record.get("far")) or not record["quotes"] or record["confidence"] < threshold


def calibration_figures(records: list[dict[str, Any]], bins: int = 10) -> dict[str, Any]:
    """Brier score and expected calibration error of ``confidence`` as the probability that the top quote
    answers the question (1 for an answerable question whose top quote holds a gold answer, else 0),
    and the reliability table behind the ECE: predicted probability per bin vs the observed rate."""
    p = np.array([r["confidence"] for r in records], dtype=float)
    y = np.array([r["answerable"] and r["hit@1"] for r in records], dtype=float)
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(p, edges[1:-1]), 0, bins - 1)
    table, ece = [], 0.0
    for b in range(bins):
        inside = which == b
        if inside.any():
            ece += inside.mean() * abs(p[inside].mean() - y[inside].mean())
            table.append({"bin": f"{edges[b]:.1f}-{edges[b + 1]:.1f}", "count": int(inside.sum()),
                          "predicted": round(float(p[inside].mean()), 3),
                          "observed": round(float(y[inside].mean()), 3)})
    return {"brier": float(np.mean((p - y) ** 2)), "ece": float(ece), "reliability": table}


def calibrate(records: list[dict[str, Any]], *, answered: float = 0.9) -> float:
    """The highest confidence threshold that still answers ``answered`` of the answerable questions.

    Every unanswerable question below it is abstained from, so this maximises abstain_accuracy under
    the answered-rate constraint. (Questions the far-from-corpus guard refuses stay refused.)
    """
    if not 0 < answered <= 1:
        raise QAError(f"The calibration rate must be above 0 and at most 1 (got {answered}), e.g. 0.92.")
    supports = np.sort([r["confidence"] for r in records if r["answerable"]])
    if not len(supports):
        raise QAError("Calibration needs answerable questions; the data has none. Pass a file that has some.")
    keep = int(np.ceil(answered * len(supports)))
    return float(supports[len(supports) - keep])


def roc_auc(positive: np.ndarray, negative: np.ndarray) -> float:
    """Probability that a random positive scores above a random negative (ties count half)."""
    pos, neg = np.asarray(positive, dtype=float), np.asarray(negative, dtype=float)
    greater = (pos[:, None] > neg[None, :]).sum()
    ties = (pos[:, None] == neg[None, :]).sum()
    return float((greater + 0.5 * ties) / (len(pos) * len(neg)))


def _document_rank(index: Index, ranking: Ranking, gold: str) -> int | None:
    """Rank of ``gold`` among distinct documents, in the order of the ranked quotes, then passages."""
    order: list[str] = []
    for unit in ranking.units:
        source = index.sentences[unit.first].source
        if source not in order:
            order.append(source)
    for p in ranking.passages:
        source = index.chunks[p.chunk_id].source
        if source not in order:
            order.append(source)
    return order.index(gold) + 1 if gold in order else None


def contains_answer(text: str, answers: tuple[str, ...]) -> bool:
    folded = " ".join(text.split())
    return any(" ".join(a.split()) in folded for a in answers if a.strip())
