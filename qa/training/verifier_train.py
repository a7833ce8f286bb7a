"""Fitting the product's scoring, and the whole training recipe: ``python -m qa train-verifier [--out DIR]``.

This module fits what answering reads (the ranker's weights, the support, its floor, the calibration and
threshold) and runs the recipe; the cross-encoder is :mod:`qa.training.crossencoder`, what is written
:mod:`qa.training.card`, cross-validation :mod:`qa.training.crossval`. Steps, all seeded and logged:

1. mine examples with the pipeline over a temporary index of every training paragraph
   (:mod:`qa.training.verifier_data`);
2. hold out the last ``holdout`` articles (in file order) for fitting the re-ranking mix, the Platt
   calibration and the abstention threshold; train on the others;
3. fine-tune a cross-encoder from the bundled all-MiniLM-L6-v2 (its first ``layers`` layers, a fresh
   one-logit head) with weighted binary cross-entropy, unanswerable questions weighted ``×unanswerable_weight``;
4. export to ONNX, quantise it to int8 and write ``verifier.json`` and a model card.

Everything goes to ``--out`` (default ``models/verifier/``, outside the package). The package ships only
the scoring file, ``qa/answering/verifier_model/verifier.json``: copy a new one there to ship it; point
``Config.verifier_dir`` at the whole folder to use a model whose calibration gives it a say.
"""
from __future__ import annotations

import logging
import random
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .card import previous_training, write_card, write_meta
from .crossencoder import export_onnx, selqa_pairs, train_model, training_pairs
from .settings import TrainSettings, article_order, seed_everything, seeded_share
from .withheld import with_copies, withheld_copies

log = logging.getLogger(__name__)


def split_articles(mined: list, holdout: int, articles: list[str]) -> tuple[list, list]:
    """Train on all but the last ``holdout`` of ``articles`` (in file order); those are for calibration."""
    held = set(articles[len(articles) - holdout:]) if holdout else set()
    return [m for m in mined if m.article not in held], [m for m in mined if m.article in held]


@dataclass(frozen=True)
class Ranked:
    """A mined question re-ranked offline: its units in the ranker's order, and its support."""

    question: str
    answerable: bool
    texts: tuple[str, ...]
    labels: tuple[int, ...]
    scores: np.ndarray
    support: float


def logistic_regression() -> Any:
    """scikit-learn's LogisticRegression, which only training uses: a plain install leaves it out."""
    from ..errors import QAError

    try:
        from sklearn.linear_model import LogisticRegression
    except ImportError as e:
        raise QAError("Training needs scikit-learn, which a plain install leaves out. "
                      "Run `pip install -e .[train]` and train again.") from e
    return LogisticRegression


def fit_ranker(mined: list, *, c: float = 0.1, negatives: int = 40) -> np.ndarray:
    """Pairwise logistic regression: features of an answer-bearing unit minus those of another unit of the
    same question (the ranker's hardest ``negatives``), L2 with strength ``1/c``, no intercept."""
    regression = logistic_regression()
    diffs = []
    for m in mined:
        pos = [np.array(u.features) for u in m.units if u.label][:2]
        neg = [np.array(u.features) for u in m.units if not u.label][:negatives]
        diffs += [p - n for p in pos for n in neg]
    x = np.array(diffs)
    y = np.r_[np.ones(len(x)), np.zeros(len(x))]
    model = regression(C=c, fit_intercept=False, max_iter=2000).fit(np.vstack([x, -x]), y)
    return model.coef_[0]


def rerank_offline(m, weights: np.ndarray, support_weights: np.ndarray | None = None,
                   support_bias: float = 0.0) -> Ranked:
    """``m``'s units ordered by ``weights``; support from the new best unit's support features."""
    features = np.array([u.features for u in m.units]).reshape(len(m.units), len(weights))
    scores = features @ weights
    order = np.argsort(-scores, kind="stable")
    support = 0.0
    if support_weights is not None and len(order):
        support = float(support_row(m.units[order[0]], scores[order[0]]) @ support_weights + support_bias)
    return Ranked(m.question, m.answerable, tuple(m.units[i].text for i in order),
                  tuple(m.units[i].label for i in order), scores[order], support)


def support_row(unit, score: float) -> np.ndarray:
    from ..answering.features import SUPPORT_FEATURES

    row = np.array(unit.support, dtype=float)
    row[SUPPORT_FEATURES.index("score")] = score
    return row


def fit_scoring(mined: list) -> tuple[np.ndarray, np.ndarray, float]:
    """The ranker's weights (on the answerable questions) and the support's weights and bias (on all but the
    documentation questions; withheld copies among them count as unanswerable), as training ships them and
    cross-validation measures them.

    Documentation questions (qa.training.docs_data) teach the ranker only: their few unanswerable ones are
    off-topic, so the support would learn a base rate of answerable questions no user asks."""
    weights = fit_ranker([m for m in mined if m.answerable])
    support_weights, support_bias = fit_support([m for m in mined if not is_docs(m)], weights)
    return weights, support_weights, support_bias


def is_docs(m) -> bool:
    """Whether a mined question is a documentation question (``train-verifier --docs``)."""
    return m.article.startswith("docs:")


def support_floor(mined: list, weights: np.ndarray, support_weights: np.ndarray, support_bias: float,
                  share: float = 0.01) -> float:
    """The support below which lie ``share`` of the answerable questions of ``mined``: a question whose
    support is lower is far from every document (``Config.support_floor``)."""
    supports = [rerank_offline(m, weights, support_weights, support_bias).support for m in mined
                if m.answerable and m.units]
    return float(np.quantile(supports, share))


def refit_support(mined: list, data: list[Path], s: TrainSettings, quote_weights: dict[str, float]) -> dict:
    """The support (weights, bias, floor) refitted around ``quote_weights`` as :func:`train` fits it: on the mined
    questions of all but the calibration articles, with their withheld copies (qa.training.withheld)."""
    from ..answering.features import SUPPORT_FEATURES, UNIT_FEATURES

    weights = np.array([quote_weights.get(n, 0.0) for n in UNIT_FEATURES])
    trainset, _ = split_articles([m for m in mined if not is_docs(m)], s.holdout, article_order(data))
    copies = withheld_copies(trainset, data, s)
    support_weights, support_bias = fit_support(trainset + copies, weights)
    return {"support_weights": {n: round(float(w), 4) for n, w in zip(SUPPORT_FEATURES, support_weights)},
            "support_bias": round(support_bias, 4),
            "support_floor": round(support_floor(trainset, weights, support_weights, support_bias), 4),
            "questions": len(trainset), "withheld_copies": len(copies), "withheld_share": s.withheld_share}


def fit_support(mined: list, weights: np.ndarray, *, c: float = 0.1) -> tuple[np.ndarray, float]:
    """Logistic regression of answerable vs unanswerable on the new best unit's support features
    (L2, strength ``1/c``, on standardised features), folded back into weights on the raw features."""
    regression = logistic_regression()
    rows, labels = [], []
    for m in mined:
        if m.units:
            scores = np.array([u.features for u in m.units]) @ weights
            best = int(np.argmax(scores))
            rows.append(support_row(m.units[best], scores[best]))
            labels.append(int(m.answerable))
    x = np.array(rows)
    mean, std = x.mean(axis=0), x.std(axis=0) + 1e-9
    model = regression(C=c, max_iter=2000).fit((x - mean) / std, labels)
    w = model.coef_[0] / std
    return w, float(model.intercept_[0] - (w * mean).sum())


def held_out_logits(verifier, held: list[Ranked], pairs: int) -> list[np.ndarray]:
    """The verifier's logits for the ranker's best ``pairs`` units of each held-out question."""
    from tqdm import tqdm

    return [verifier.logits(r.question, list(r.texts[:pairs])) for r in tqdm(held, desc="scoring held-out",
                                                                                unit="question")]


def _top(r: Ranked, logits: np.ndarray, weight: float) -> tuple[int, float]:
    """(label, logit) of the unit re-ranking puts first, as qa.answering.verifier.rerank does it."""
    if not r.texts:
        return 0, 0.0
    full = np.concatenate([logits, np.full(len(r.texts) - len(logits), logits.min() if len(logits) else 0.0)])
    best = int(np.argmax(r.scores + weight * full))
    return r.labels[best], float(full[best])


def logit_bounds(logits: list[np.ndarray]) -> dict[str, float]:
    """The smallest and largest held-out logit: how far re-ranking can move a unit (qa.answering.verifier.reachable)."""
    seen = np.concatenate([lg for lg in logits if len(lg)]) if any(len(lg) for lg in logits) else np.zeros(1)
    return {"logit_low": round(float(seen.min()), 6), "logit_high": round(float(seen.max()), 6)}


#: Held-out hit@1 a re-ranking mix must gain over the ranker alone to give the verifier a say: a rerun
#: of the refit moves hit@1 by about a point, and a say costs a model in the package and its time per question.
MIN_GAIN = 0.01


def fit_calibration(held: list[Ranked], logits: list[np.ndarray], *, answered: float = 0.9,
                    weights: tuple[float, ...] = (0.0, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 1000.0),
                    min_gain: float = MIN_GAIN) -> tuple[dict, dict]:
    """Choose the re-ranking mix by held-out hit@1 (none unless one gains ``min_gain``), then fit Platt
    scaling and the abstention threshold.

    Returns the calibration (qa.answering.verifier.Calibration's fields) and the held-out figures behind it.
    """
    from .evaluate import roc_auc

    regression = logistic_regression()

    answerable = [i for i, r in enumerate(held) if r.answerable]
    hit = {w: float(np.mean([_top(held[i], logits[i], w)[0] for i in answerable])) for w in weights}
    weight = max(weights, key=lambda w: (hit[w], -w))
    if hit[weight] < hit.get(0.0, -1.0) + min_gain:
        weight = 0.0
    tops = [_top(r, lg, weight) for r, lg in zip(held, logits)]
    x = np.array([[t[1], r.support] for r, t in zip(held, tops)])
    y = np.array([r.answerable and t[0] == 1 for r, t in zip(held, tops)], dtype=int)
    platt = regression(C=100.0).fit(x, y)
    a, b, c = float(platt.coef_[0][0]), float(platt.coef_[0][1]), float(platt.intercept_[0])
    if a < 0:
        # The verifier's doubt may only lower the confidence: a logit that rises with the chance of a wrong
        # quote is not trusted, and the confidence rests on the support alone.
        alone = regression(C=100.0).fit(x[:, 1:], y)
        a, b, c = 0.0, float(alone.coef_[0][0]), float(alone.intercept_[0])
    p = 1.0 / (1.0 + np.exp(-(a * x[:, 0] + b * x[:, 1] + c)))
    keep = np.sort(p[answerable])
    threshold = float(keep[len(keep) - int(np.ceil(answered * len(keep)))])
    una = np.array([not r.answerable for r in held])
    figures = {
        "held_out_questions": len(held), "held_out_unanswerable": int(una.sum()),
        "hit@1_by_rank_weight": {str(w): round(h, 4) for w, h in hit.items()},
        "abstain_auc": roc_auc(p[~una], p[una]),
        "abstain_auc_support_only": roc_auc(x[~una, 1], x[una, 1]),
        "abstain_auc_logit_only": roc_auc(x[~una, 0], x[una, 0]),
        "abstain_accuracy": float(np.mean(p[una] < threshold)),
    }
    cal = {"rank_weight": float(weight), "a": a, "b": b, "c": c, "threshold": threshold, **logit_bounds(logits)}
    return cal, figures


DEFAULT_DATA = ("squad-v2-train-10articles.json", "squad-v2-dev-8articles-train.json")
DEFAULT_OUT = Path("models") / "verifier"  # outside the package: only the scoring file ships


def train(data: list[Path], out: Path, s: TrainSettings, *, work: Path | None = None, config=None,
          recalibrate: bool = False, docs: tuple[str, ...] = (), docs_weight: int = 1,
          selqa: tuple[Path, ...] = ()) -> dict:
    """The whole recipe, writing the shipped files to ``out``. ``work`` (default: a temporary folder)
    keeps the mined examples (reused when present), the torch checkpoint and the fp32 ONNX export.

    With ``recalibrate``, the model already in ``out`` is kept (with the settings it was trained with)
    and only what surrounds it is refitted: the ranker's weights, the support and the calibration, for
    when the ranker's features change. ``docs`` (``QUESTIONS=INDEX``, :mod:`qa.training.docs_data`) adds
    questions over documentation, each counted ``docs_weight`` times, to what the ranker is fitted on.
    ``selqa`` (SelQA answer-sentence files) adds their pairs to what the cross-encoder is trained on.
    Returns the model card's data."""
    import tempfile

    from ..answering.features import SUPPORT_FEATURES, UNIT_FEATURES
    from ..answering.verifier import Verifier
    from ..config import Config, bundled_model_path

    config = config or Config()
    trained = previous_training(out) if recalibrate else None
    if trained is not None:
        s = TrainSettings(**{**trained["settings"], "share": tuple(trained["settings"]["share"])})
    seed_everything(s.seed)
    out.mkdir(parents=True, exist_ok=True)
    work = work or Path(tempfile.mkdtemp(prefix="qa-verifier-"))
    work.mkdir(parents=True, exist_ok=True)
    started = time.time()
    mined = mine(data, work, s, config)
    trainset, held = split_articles(mined, s.holdout, article_order(data))
    fitted = with_copies(trainset, data, s) + docs_mined(docs, work, s, docs_weight)
    weights, support_weights, support_bias = fit_scoring(fitted)
    floor = support_floor(trainset, weights, support_weights, support_bias)
    ranked = [rerank_offline(m, weights, support_weights, support_bias) for m in held]
    rng = random.Random(s.seed)
    rows = training_pairs(trainset, s, rng)
    if selqa and trained is None:
        rows += selqa_pairs(list(selqa), s, rng)
        rng.shuffle(rows)
    log.info("%d training questions -> %d pairs (%d positive); %d held-out questions", len(trainset), len(rows),
             sum(r[2] == 1.0 for r in rows), len(held))
    if trained is None:
        train_model(rows, s, bundled_model_path(), work)
        export_onnx(work, out)
        write_meta(out, s, {"rank_weight": 1.0, "a": 1.0, "b": 0.0, "c": 0.0, "threshold": 0.0}, {})
    cal, figures = fit_calibration(ranked, held_out_logits(Verifier(out), ranked, config.verifier_pairs))
    seconds = round(time.time() - started)
    card = {"data": [p.name for p in data], **docs_card(docs, docs_weight),
            **({"selqa": [p.name for p in selqa]} if selqa and trained is None else {}),
            "held_out_articles": sorted({m.article for m in held}),
            "training_pairs": trained["training_pairs"] if trained else len(rows), "held_out": figures,
            "seconds": trained["seconds"] if trained else seconds,
            "recalibrated_seconds": seconds if trained else None,
            "quote_weights": {n: round(float(w), 4) for n, w in zip(UNIT_FEATURES, weights)},
            "support_weights": {n: round(float(w), 4) for n, w in zip(SUPPORT_FEATURES, support_weights)},
            "support_bias": round(support_bias, 4),
            "support_floor": round(floor, 4)}
    write_meta(out, s, cal, card)
    write_card(out, s, card, cal)
    log.info("calibration %s; held-out figures %s", cal, figures)
    return card


def docs_mined(docs: tuple[str, ...], work: Path, s: TrainSettings, weight: int) -> list:
    """The documentation questions of ``docs`` mined (in ``work``), each ``weight`` times; none without ``docs``."""
    from .docs_data import mine_docs, weighted

    return weighted(mine_docs(list(docs), work, s.depth), weight) if docs else []


def docs_card(docs: tuple[str, ...], weight: int) -> dict:
    """What the card says of the documentation questions (nothing when there are none)."""
    from .docs_data import parse_spec

    return {"docs": [parse_spec(d)[0].name for d in docs], "docs_weight": weight} if docs else {}


def mine(data: list[Path], work: Path, s: TrainSettings, config) -> list:
    """The mined examples of ``data`` (``work``/mined.jsonl, mined there first unless already present)."""
    import tempfile

    from .evaluate import build_squad_index
    from .verifier_data import load_training, mine_index, read_mined

    mined_file = work / "mined.jsonl"
    if not mined_file.is_file():
        log.info("mining %s", ", ".join(map(str, data)))
        docs, items = load_training(data)
        with tempfile.TemporaryDirectory(dir=work, prefix="qa-mine-") as tmp:
            index = build_squad_index(docs, Path(tmp), config)
            mine_index(index, seeded_share(items, s), mined_file, s.depth)
    return read_mined(mined_file)
