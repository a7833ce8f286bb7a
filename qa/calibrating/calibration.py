"""An index's own calibration: the confidence mapping and the abstention threshold refitted on its questions.

The shipped confidence is fitted on SQuAD articles; on another kind of document (a manual, an API
reference) the same probability means something else, and the shipped threshold answers too much or
too little. ``python -m qa calibrate`` (:mod:`qa.calibration_fit`) refits, for one index, a logistic
mapping from per-answer inputs (:func:`inputs`: the shipped confidence as a logit, the support, and the
doubts about the top quote that the shipped fit could not weigh on SQuAD) to the probability that the
first quote answers, and the threshold below which the answer is an abstention. It is written beside the index::

    index/calibration.json   {"format": "qa-calibration", "format_version": 1, "inputs": [...],
                              "weights": [...], "bias": float, "threshold": float,
                              "documents_sha256": str, "base_sha256": str, "build": str, ...}

The fit is tied to what it was fitted on, and is used only while both still hold:

- ``documents_sha256``: the indexed documents (source and text hash of each). A rebuild that adds,
  removes or changes a document makes the fit stale; one that changes nothing keeps it.
- ``base_sha256``: the shipped confidence it maps from (the answering settings of :class:`Config` and
  the verifier's calibration). A new release that refits the shipped confidence makes it stale too.

A stale fit is never applied: answers use the shipped fit, and ``qa calibrate --status``, the web app,
``/api/health`` and the MCP ``list_documents`` tool say that the fit is stale and what to run.
"""
from __future__ import annotations

import hashlib
import json
import math
import os
import weakref
from collections.abc import Collection, Mapping
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from ..config import Config
from ..errors import QAError
from ..indexing.index import Index

if TYPE_CHECKING:
    from ..answering.quotes import Ranking

FILE = "calibration.json"
FORMAT = "qa-calibration"
FORMAT_VERSION = 1
#: Settings that do not change what the confidence means (where files are, how many workers, size limits).
_NOT_ANSWERING = frozenset({
    "corpus_dir", "index_dir", "cache_dir", "store", "embed_threads", "workers", "embed_batch_size",
    "embed_batch_tokens", "max_file_bytes", "max_upload_files", "max_corpus_bytes", "max_text_chars",
    "reader_memory_bytes", "reader_seconds", "max_request_bytes", "max_question_chars", "max_quotes",
    "own_calibration",
})
_EDGE = 1e-6  # probabilities are kept this far from 0 and 1 before taking their logit


@dataclass(frozen=True)
class OwnFit:
    """A fitted mapping ``sigmoid(bias + weights . inputs)`` and threshold, with what it is tied to."""

    inputs: tuple[str, ...]
    weights: tuple[float, ...]
    bias: float
    threshold: float
    documents_sha256: str
    base_sha256: str
    build: str = ""
    fitted_at: str = ""
    data: Mapping[str, Any] | None = None  # what it was fitted on and its cross-validated figures

    def probability(self, values: Mapping[str, float]) -> float:
        z = self.bias + sum(w * values[name] for name, w in zip(self.inputs, self.weights))
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        return {"format": FORMAT, "format_version": FORMAT_VERSION, **d, "inputs": list(self.inputs),
                "weights": list(self.weights), "data": dict(self.data or {})}


@dataclass(frozen=True)
class Status:
    """Which calibration answers from an index use: its own, the shipped one because its own is stale, or
    the shipped one because it has none."""

    kind: Literal["own", "stale", "shipped"]
    message: str
    fit: OwnFit | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "message": self.message}
        if self.fit is not None:
            data = self.fit.data or {}
            out |= {"threshold": round(self.fit.threshold, 4), "fitted_at": self.fit.fitted_at,
                    "examples": data.get("examples"), "source": data.get("source")}
        return out


def fit_path(index_dir: Path | str) -> Path:
    """Where the own calibration of the index in ``index_dir`` is kept."""
    return Path(index_dir) / FILE


#: The inputs a fit may use: the shipped confidence as a logit, the support, the doubts the shipped fit could not
#: weigh on SQuAD (qa.answering.doubt.DOUBTS), since they speak of one corpus's questions, and how much of the
#: question the first quote covers, which SQuAD's unanswerable questions (written from the sentence, one detail
#: changed) cannot teach either (docs/experiments.md).
INPUTS = ("confidence_logit", "support", "kind_missing", "unknown_terms", "coverage")
#: What each input is, in a user's words.
INPUT_NAMES = {"confidence_logit": "the shipped confidence", "support": "how well the first quote is grounded",
               "kind_missing": "whether the first quote lacks the kind of answer asked for",
               "unknown_terms": "the share of the question's words the documents never use",
               "coverage": "how much of the question the first quote and its heading hold"}


def inputs(index: Index, ranking: Ranking, names: Collection[str] = INPUTS) -> dict[str, float]:
    """The named per-answer inputs of ``ranking`` a fit may use (those of ``names``), as answering computed them:
    the shipped confidence as a logit (whatever goes into it), the support (how well the best quote is
    grounded), whether the top unit lacks the kind of answer asked for, the share of the question's words
    the documents never use, and the IDF-weighted share of the question's words the top unit or its heading
    holds (the ranker's ``coverage_heading``)."""
    from ..answering import doubt
    from ..answering.features import unit_text
    from ..answering.sentence_stats import stats

    p = min(1 - _EDGE, max(_EDGE, ranking.confidence))
    values = {"confidence_logit": math.log(p / (1 - p)), "support": ranking.support}
    if "kind_missing" in names:
        values["kind_missing"] = (doubt.kind_missing(ranking.question.text, unit_text(index, ranking.units[0]))
                                  if ranking.units else 0.0)
    if "unknown_terms" in names:
        values["unknown_terms"] = doubt.unknown_terms(ranking.question.text, stats(index).df.__contains__)
    if "coverage" in names:
        values["coverage"] = ranking.features[0]["coverage_heading"] if ranking.units else 0.0
    return values


def documents_sha256(index: Index) -> str:
    """A hash of the indexed documents: each source with its text's hash."""
    digest = hashlib.sha256()
    for source in sorted(index.documents):
        digest.update(f"{source}\0{index.documents[source].sha256}\n".encode())
    return digest.hexdigest()


def base_sha256(config: Config) -> str:
    """A hash of what the shipped confidence is computed with: the answering settings and the verifier's
    calibration (another release, or other settings, make an own fit stale)."""
    from ..answering.scoring import load_calibration

    settings = {f.name: _plain(getattr(config, f.name)) for f in fields(config) if f.name not in _NOT_ANSWERING}
    shipped = asdict(load_calibration(config.verifier_dir))
    blob = json.dumps({"config": settings, "verifier": shipped}, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()


def _plain(value: Any) -> Any:
    return str(value) if isinstance(value, Path) else value


def save(fit: OwnFit, index_dir: Path | str) -> Path:
    """Write ``fit`` beside the index, atomically; its path."""
    path = fit_path(index_dir)
    tmp = path.with_name(f".{FILE}.{os.getpid()}")
    try:
        tmp.write_text(json.dumps(fit.to_dict(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        os.replace(tmp, path)
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise QAError(f"The calibration could not be written to {path} ({e.strerror or e}). Check that the index "
                      "folder is writable, then run `python -m qa calibrate` again.") from e
    return path


def read(index_dir: Path | str) -> OwnFit | None:
    """The fit saved beside the index (None when there is none); QAError when it is damaged."""
    path = fit_path(index_dir)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as e:
        raise QAError(f"The calibration file {path} cannot be read ({e}). Delete it or run "
                      "`python -m qa calibrate` again.") from e
    if not isinstance(raw, dict) or raw.get("format") != FORMAT or raw.get("format_version") != FORMAT_VERSION:
        raise QAError(f"{path} is not a calibration this version of qa reads (format {FORMAT} "
                      f"v{FORMAT_VERSION}). Run `python -m qa calibrate` again.")
    try:
        fit = OwnFit(tuple(map(str, raw["inputs"])), tuple(map(float, raw["weights"])), float(raw["bias"]),
                     float(raw["threshold"]), str(raw["documents_sha256"]), str(raw["base_sha256"]),
                     str(raw.get("build", "")), str(raw.get("fitted_at", "")), dict(raw.get("data") or {}))
    except (KeyError, TypeError, ValueError) as e:
        raise QAError(f"The calibration file {path} is damaged ({e}). Run `python -m qa calibrate` again.") from e
    if len(fit.inputs) != len(fit.weights) or not all(map(math.isfinite, (*fit.weights, fit.bias, fit.threshold))):
        raise QAError(f"The calibration file {path} is damaged (inputs and weights differ, or a value is not "
                      "finite). Run `python -m qa calibrate` again.")
    return fit


def status(index: Index, config: Config | None = None) -> Status:
    """Whether answers from ``index`` use its own calibration, checked against the documents and settings
    (kept per loaded index until the calibration file changes)."""
    config = config or index.config
    root = Path(config.index_dir)
    path = fit_path(root)
    try:
        st = path.stat()
        stamp: tuple[Any, ...] = (st.st_mtime_ns, st.st_size, config)
    except OSError:
        stamp = (None, None, config)
    kept = _STATUS.get(index)
    if kept is not None and kept[0] == stamp:
        return kept[1]
    result = _status(index, config, root)
    _STATUS[index] = (stamp, result)
    return result


_STATUS: weakref.WeakKeyDictionary[Index, tuple[tuple[Any, ...], Status]] = weakref.WeakKeyDictionary()


def _status(index: Index, config: Config, root: Path) -> Status:
    try:
        fit = read(root)
    except QAError as e:
        return Status("stale", f"{e} Answers use the shipped calibration meanwhile.")
    if fit is None:
        return Status("shipped", "The shipped calibration (fitted on SQuAD articles); run `python -m qa calibrate` "
                                 "to fit one on this index's own questions or feedback.")
    command = (fit.data or {}).get("command") or f"python -m qa calibrate --index {root}"
    again = f"Answers use the shipped calibration; run `{command}` to fit it again on the same data."
    if fit.documents_sha256 != documents_sha256(index):
        return Status("stale", f"This index's own calibration (fitted {fit.fitted_at}) is out of date: the documents "
                               f"changed since. {again}", fit)
    if fit.base_sha256 != base_sha256(config):
        return Status("stale", f"This index's own calibration (fitted {fit.fitted_at}) maps a confidence that qa no "
                               f"longer computes (another version or other settings). {again}", fit)
    n = (fit.data or {}).get("examples")
    names = [INPUT_NAMES.get(name, name) for name in fit.inputs]
    weighs = " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)
    return Status("own", f"Confidence and abstention are calibrated on this index's own "
                         f"{'' if n is None else f'{n} '}questions (fitted {fit.fitted_at}); the fit weighs "
                         f"{weighs}.", fit)


def applied(index: Index, ranking: Ranking, config: Config) -> Ranking:
    """``ranking`` with the index's own confidence and threshold, when it has a calibration that holds
    (``config.own_calibration`` turns this off); otherwise ``ranking`` unchanged."""
    if not config.own_calibration or not ranking.spans:
        return ranking
    own = status(index, config)
    if own.kind != "own" or own.fit is None:
        return ranking
    if any(name not in INPUTS for name in own.fit.inputs):
        return ranking  # an input answering no longer computes: base_sha256 normally catches this first
    values = inputs(index, ranking, own.fit.inputs)
    return replace(ranking, confidence=own.fit.probability(values), threshold=own.fit.threshold)
