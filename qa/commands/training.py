"""The training stage's part in the CLI: ``qa train-verifier`` (train, recalibrate, cross-validate, fit the
confidence) and ``qa eval`` on a SQuAD-format file.

Each function imports the training code only when it runs, so the CLI starts, and answers, without the
``[train]`` extra.
"""
from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..config import Config
from ..errors import QAError

if TYPE_CHECKING:
    from ..training.settings import TrainSettings

SHARED_DATA = Path("../shared/data")  # where the default training files are looked for


def require_training() -> None:
    """Without scikit-learn, a QAError that says how to install it: before any file is read or mined."""
    from ..training.verifier_train import logistic_regression

    logistic_regression()


def default_data() -> list[Path]:
    """The two SQuAD files the shipped verifier was trained on."""
    from ..training.verifier_train import DEFAULT_DATA

    return [SHARED_DATA / name for name in DEFAULT_DATA]


def check_docs(specs: list[str]) -> None:
    """A QAError naming the first ``--docs QUESTIONS=INDEX`` whose file or index is missing, before any mining."""
    from ..training.docs_data import parse_spec

    for spec in specs:
        parse_spec(spec)


def settings(*, layers: int, epochs: int, max_pairs: int, lr: float, seed: int, withheld_share: float | None
             ) -> TrainSettings:
    """The training recipe's settings; the rest (and ``withheld_share`` when None) keep their defaults."""
    from ..training.settings import WITHHELD_SHARE, TrainSettings

    return TrainSettings(layers=layers, epochs=epochs, max_pairs=max_pairs, lr=lr, seed=seed,
                         withheld_share=WITHHELD_SHARE if withheld_share is None else withheld_share)


def train(data: list[Path], out: Path | None, s: TrainSettings, *, work: Path | None, config: Config,
          recalibrate: bool, docs: tuple[str, ...] = (), docs_weight: int = 1,
          selqa: tuple[Path, ...] = ()) -> dict[str, Any]:
    """Train (or, with ``recalibrate``, refit around the model in ``out``) and write to ``out`` (default
    models/verifier); the model card's data."""
    from ..training.verifier_train import DEFAULT_OUT
    from ..training.verifier_train import train as run

    missing = [str(f) for f in selqa if not f.is_file()]
    if missing:
        raise QAError(f"No SelQA file at {', '.join(missing)}. Pass selqa-ass-*.json files with --selqa.")
    return run(data, out or DEFAULT_OUT, s, work=work, config=config, recalibrate=recalibrate, docs=docs,
               docs_weight=docs_weight, selqa=selqa)


def cross_validate(data: list[Path], folds: int, s: TrainSettings, *, work: Path | None,
                   config: Config, docs: tuple[str, ...] = (), docs_weight: int = 1) -> dict[str, Any]:
    """Mine ``data`` (in ``work``, reused when present; else a temporary folder) and score the refitted ranker
    and support ``folds`` times by article; writes no model."""
    from ..training.crossval import check_folds
    from ..training.crossval import cross_validate as run
    from ..training.settings import article_order
    from ..training.verifier_train import docs_mined, mine
    from ..training.withheld import with_copies

    articles = article_order(data)
    check_folds(folds, articles)
    with tempfile.TemporaryDirectory(prefix="qa-verifier-") as tmp:
        folder = work or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        return run(with_copies(mine(data, folder, s, config), data, s) + docs_mined(docs, folder, s, docs_weight),
                   articles, folds)


def fit_support(data: list[Path], s: TrainSettings, *, work: str | None, config: Config, out: Path | None
                ) -> dict[str, Any]:
    """The support refitted around the ranker weights of the scoring file in ``out`` (default: the shipped one)
    on the questions mined from ``data`` (in ``work``, reused when present) and their withheld copies."""
    from ..training.verifier_train import mine, refit_support

    weights = json.loads(_scoring_file(out, "refit the support around").read_text(encoding="utf-8"))["quote_weights"]
    with tempfile.TemporaryDirectory(prefix="qa-support-") as tmp:
        folder = Path(work) if work else Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        return refit_support(mine(data, folder, s, config), data, s, weights)


def write_support(fit: dict[str, Any], out: Path | None) -> Path:
    """Put ``fit``'s support weights, bias and floor into the scoring file in ``out`` (default: the shipped one)."""
    path = _scoring_file(out, "write the support into")
    meta = json.loads(path.read_text(encoding="utf-8"))
    meta.update({k: fit[k] for k in ("support_weights", "support_bias", "support_floor")})
    meta["support_fit"] = {k: v for k, v in fit.items() if k not in meta}
    path.write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return path


def _scoring_file(out: Path | None, to: str) -> Path:
    """The scoring file in ``out`` (default: the shipped one); a QAError saying how to get one when it is missing."""
    from ..answering.scoring import MODEL_DIR, SCORING_FILE

    path = (out or MODEL_DIR) / SCORING_FILE
    if not path.is_file():
        raise QAError(f"No scoring file at {path} to {to}: train one first with "
                      f"`python -m qa train-verifier --out {out}`, or copy {MODEL_DIR} there.")
    return path


def fit_confidence(data: list[Path], folds: int, s: TrainSettings, *, work: str | None,
                   config: Config, docs: tuple[str, ...] = (), docs_weight: int = 1) -> dict[str, Any]:
    """The confidence fitted on inputs from rankers refitted ``folds`` times without each question's article."""
    from ..training.doubt_train import fit_confidence_of

    return fit_confidence_of(data, folds, s, config, work=work, docs=docs, docs_weight=docs_weight)


def fit_docs_weights(docs: tuple[str, ...], s: TrainSettings, *, work: str | None, out: Path | None
                     ) -> dict[str, Any]:
    """The ranker weights SQuAD cannot teach, fitted on the documentation questions of ``docs`` around the
    other weights of the scoring file in ``out`` (default: the shipped one)."""
    from ..training.docs_fit import fit_docs_only
    from ..training.verifier_train import docs_mined

    path = _scoring_file(out, "fit the documentation weights around")
    weights = json.loads(path.read_text(encoding="utf-8"))["quote_weights"]
    with tempfile.TemporaryDirectory(prefix="qa-docs-fit-") as tmp:
        folder = Path(work) if work else Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        return fit_docs_only(docs_mined(docs, folder, s, 1), weights)


def write_docs_weights(fit: dict[str, Any], out: Path | None, docs: list[str]) -> Path:
    """Add ``fit``'s weights to the scoring file in ``out`` (default: the shipped one); the file's path."""
    from ..answering.scoring import MODEL_DIR
    from ..training.docs_fit import write_docs_fit

    return write_docs_fit(fit, out or MODEL_DIR, docs)


def write_confidence(fit: dict[str, Any], out: Path | None) -> Path:
    """Add ``fit`` to the scoring file in ``out`` (default: the shipped one); the file's path."""
    from ..answering.scoring import MODEL_DIR
    from ..training.doubt_train import write_fit

    return write_fit(fit, out or MODEL_DIR)


def evaluate(file: Path, *, config: Config, report_path: Path | None, calibrate_rate: float | None,
             train: list[Path]) -> dict[str, Any]:
    """Build a temporary index of a SQuAD-format file's paragraphs, ask every question; the figures."""
    from ..training.evaluate import evaluate as run

    return run(file, config=config, report_path=report_path, calibrate_rate=calibrate_rate, train=train)


def train_encoder(args: Any, config: Config) -> dict[str, Any]:
    """``qa train-encoder``: the pairs from the training files, the fine-tuned model in ``args.out``, its card."""
    import logging

    from ..training.encoder_train import EncoderSettings, train_encoder, training_pairs

    squad = [Path(f) for f in args.data] if args.data else default_data()
    selqa = ([Path(f) for f in args.selqa] if args.selqa is not None
             else sorted((SHARED_DATA / "selqa").glob("selqa-*.json")))
    missing = [str(f) for f in [*squad, *selqa] if not f.is_file()]
    if missing:
        raise QAError(f"No training file at {', '.join(missing)}. Pass the files with --data and --selqa.")
    out = Path(args.out)
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / "training.json").is_file())):
        raise QAError(f"{out} is not an empty folder nor an earlier train-encoder output: nothing of it is "
                      "overwritten. Choose another --out.")
    pairs = training_pairs(squad, selqa, args.seed)[:args.max_pairs]
    log = logging.getLogger("qa")
    log.setLevel(logging.INFO)
    return train_encoder(config.model_path(), pairs, out,
                         EncoderSettings(epochs=args.epochs, lr=args.lr, seed=args.seed), half=args.half,
                         log=log.info)
