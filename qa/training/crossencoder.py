"""The cross-encoder: training pairs, the torch model and its training loop, and the ONNX export.

Only training imports this module (and torch and transformers through it); answering reads the exported
model through :class:`qa.answering.verifier.Verifier`, and only when the scoring gives it a say.
"""
from __future__ import annotations

import logging
import random
import time
from pathlib import Path

from .selqa import SelqaQuestion, read_selqa
from .settings import TrainSettings

log = logging.getLogger(__name__)


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


def selqa_pairs(paths: list[Path], s: TrainSettings, rng: random.Random) -> list[tuple[str, str, float, float]]:
    """(question, candidate, label, weight) rows from SelQA's answer-sentence files (qa.training.selqa): each
    answered question's answer sentences (two at most) and ``s.negatives - 1`` of its other sentences, each
    read as the verifier reads a unit (the sentence, then its section and the sentence before it)."""
    rows = []
    for path in paths:
        for q in read_selqa(path):
            if not q.answers:
                continue
            others = [i for i in range(len(q.candidates)) if i not in q.answers]
            rng.shuffle(others)
            rows += [(q.question, _in_section(q, i), 1.0, 1.0) for i in q.answers[:2]]
            rows += [(q.question, _in_section(q, i), 0.0, 1.0) for i in others[: s.negatives - 1]]
    return rows


def _in_section(q: SelqaQuestion, i: int) -> str:
    """SelQA candidate ``i`` of ``q`` as the verifier reads a unit: with its section and the sentence before."""
    from ..answering.verifier import candidate_text

    return candidate_text(q.candidates[i], q.section, q.candidates[i - 1] if i > 0 else None)


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
