"""A question encoder: the bundled all-MiniLM-L6-v2 fine-tuned to put a question near the sentence that answers it.

    python -m qa train-encoder --out DIR [--seed 13] [--epochs 1] [--lr 2e-5]

The bundled model was trained to put sentences that mean alike near each other; a question and its answer
often do not. Fine-tuning on (question, answer sentence) pairs teaches the asymmetry, and the ranker then
reads better cosines (qa.answering.features: ``dense`` and the features built on it).

Data: SelQA's answer-sentence selection sets (each question's first answer sentence, and one of its other
candidate sentences as a hard negative), and the SQuAD training articles that hold no unanswerable
question (the sentence holding the first answer, and one other sentence of its paragraph). The articles
with unanswerable questions, among them the three held out for calibration, are left out, so that the
confidence (fitted on those articles, qa.training.doubt_train) reads cosines of questions this encoder
never saw. Loss: each question against every answer sentence and hard negative of its batch (softmax over
scaled cosines), one epoch, seeded.

The result is a sentence-transformers folder that ``Config.model`` (or ``$QA_MODEL``) names; ``--half``
stores its weights in float16 (half the size; they are read back into float32).
"""
from __future__ import annotations

import json
import random
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from ..errors import QAError
from ..ingest.chunk import split_sentences
from .card import sha256
from .evaluate import load_squad
from .selqa import read_selqa


@dataclass(frozen=True)
class EncoderSettings:
    epochs: int = 1
    batch_size: int = 32
    lr: float = 2e-5
    scale: float = 20.0  # cosines are multiplied by this before the softmax
    max_length: int = 128
    seed: int = 13
    threads: int = 2


@dataclass(frozen=True)
class Pair:
    question: str
    answer: str
    negative: str  # another sentence of the same paragraph or candidate list (the answer itself when none)
    origin: str  # "selqa" or the SQuAD article


def squad_pairs(path: Path, rng: random.Random) -> list[Pair]:
    """(question, answer sentence, other sentence of its paragraph) for the answerable questions of the
    articles of ``path`` that hold no unanswerable question."""
    docs, items = load_squad(path)
    with_unanswerable = {i.article for i in items if not i.answerable}
    pairs = []
    for item in items:
        if item.article in with_unanswerable or not item.answers:
            continue
        text = docs[item.source]
        spans = split_sentences(text)
        at = text.find(item.answers[0])
        hit = next((n for n, (s, e) in enumerate(spans) if s <= at < e), None) if at >= 0 else None
        if hit is None:
            continue
        others = [text[s:e] for n, (s, e) in enumerate(spans) if n != hit]
        answer = text[spans[hit][0]:spans[hit][1]]
        pairs.append(Pair(item.question, answer, rng.choice(others) if others else answer, item.article))
    return pairs


def selqa_pairs(path: Path, rng: random.Random) -> list[Pair]:
    """(question, first answer sentence, another candidate sentence) for SelQA's answered questions."""
    pairs = []
    for q in read_selqa(path):
        if not q.answers:
            continue
        others = [c for n, c in enumerate(q.candidates) if n not in q.answers]
        answer = q.candidates[q.answers[0]]
        pairs.append(Pair(q.question, answer, rng.choice(others) if others else answer, "selqa"))
    return pairs


def training_pairs(squad: list[Path], selqa: list[Path], seed: int) -> list[Pair]:
    """Every pair, shuffled with ``seed``."""
    rng = random.Random(seed)
    pairs = [p for path in squad for p in squad_pairs(path, rng)]
    pairs += [p for path in selqa for p in selqa_pairs(path, rng)]
    if not pairs:
        raise QAError("No training pairs: pass SQuAD-2.0-format files with --data and SelQA files with --selqa.")
    rng.shuffle(pairs)
    return pairs


def batches(pairs: list[Pair], size: int) -> Iterator[list[Pair]]:
    """Batches of ``size``; the rest makes a last, smaller one when it holds two or more (a question needs
    another question's sentences to learn from)."""
    for start in range(0, len(pairs), size):
        if len(pairs) - start >= 2:
            yield pairs[start:start + size]


def train_encoder(base: str, pairs: list[Pair], out: Path, settings: EncoderSettings, *, half: bool = False,
                  log=print) -> dict:
    """Fine-tune the sentence-transformers model in ``base`` on ``pairs``; save it to ``out`` with its card."""
    import torch
    from sentence_transformers import SentenceTransformer

    torch.manual_seed(settings.seed)
    torch.set_num_threads(settings.threads)
    model = SentenceTransformer(base, device="cpu")
    model.max_seq_length = settings.max_length
    model.train()
    optimizer = torch.optim.AdamW(model.parameters(), lr=settings.lr)

    def encode(texts: list[str]) -> torch.Tensor:
        return torch.nn.functional.normalize(model(model.preprocess(texts))["sentence_embedding"], dim=-1)

    started, steps, losses = time.monotonic(), 0, []
    for _ in range(settings.epochs):
        for batch in batches(pairs, settings.batch_size):
            questions = encode([p.question for p in batch])
            sentences = encode([p.answer for p in batch] + [p.negative for p in batch])
            logits = questions @ sentences.T * settings.scale
            loss = torch.nn.functional.cross_entropy(logits, torch.arange(len(batch)))
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()
            losses.append(float(loss.detach()))
            steps += 1
            if steps % 50 == 0:
                log(f"step {steps}: loss {sum(losses[-50:]) / 50:.3f} ({time.monotonic() - started:.0f} s)")
    model.eval()
    if half:
        model.half()
    out.mkdir(parents=True, exist_ok=True)
    model.save(str(out))
    if half:  # read back in float32, whatever the saved tensors' type
        config = json.loads((out / "config.json").read_text(encoding="utf-8"))
        config.update({k: "float32" for k in ("torch_dtype", "dtype") if k in config})
        (out / "config.json").write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    card = {
        "base": base, "settings": asdict(settings), "half": half, "pairs": len(pairs), "steps": steps,
        "origins": dict(Counter(p.origin if p.origin == "selqa" else "squad" for p in pairs)),
        "squad_articles": sorted({p.origin for p in pairs if p.origin != "selqa"}),
        "seconds": round(time.monotonic() - started), "first_loss": losses[0] if losses else None,
        "last_loss": sum(losses[-50:]) / max(1, len(losses[-50:])),
        "files": {f.name: sha256(f) for f in sorted(out.glob("*")) if f.is_file()},
    }
    (out / "training.json").write_text(json.dumps(card, indent=1) + "\n", encoding="utf-8")
    return card

