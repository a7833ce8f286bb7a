"""What the command line accepts: one function per command adds its options (``qa.cli`` runs them)."""
from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from .commands import indexing
from .config import DOCUMENT_ENCODERS

DOCS_WEIGHT = 1  # how many SQuAD questions a documentation question of train-verifier --docs counts as
if TYPE_CHECKING:
    Commands = argparse._SubParsersAction[argparse.ArgumentParser]  # what add_subparsers returns


def parser() -> argparse.ArgumentParser:
    """The command line's parser: each command's options, its name in ``command``."""
    p = argparse.ArgumentParser(prog="python -m qa", description="Answers questions with verbatim, cited quotes.")
    sub = p.add_subparsers(required=True, metavar="COMMAND")
    _add_build(sub)
    _add_docs(sub)
    _add_doc(sub)
    _add_ask(sub)
    _add_eval(sub)
    _add_train_verifier(sub)
    _add_train_encoder(sub)
    _add_feedback(sub)
    _add_verify(sub)
    _add_mcp(sub)
    _add_calibrate(sub)
    return p


def _add_build(sub: Commands) -> None:
    """The ``build`` command's options."""
    b = sub.add_parser("build", help="build or update the index of the corpus")
    b.add_argument("--corpus", help="folder of documents (default: corpus/)")
    b.add_argument("--index", help="index folder (default: index/)")
    b.add_argument("--model", help="local sentence-transformers model folder, or minilm-questions (the bundled model "
                                   "fine-tuned on questions; see README)")
    b.add_argument("--store", help="where vectors and BM25 live: faiss (default), milvus://HOST:PORT or a .db file")
    b.add_argument("--backend", choices=indexing.BACKENDS, help="embedding backend (default: onnx)")
    b.add_argument("--full", action="store_true", help="re-embed every document")
    _document_encoder_option(b)
    b.add_argument("--workers", type=_positive, help="processes that embed, each with its own model (default 1)")
    b.set_defaults(command="build")


def _add_docs(sub: Commands) -> None:
    """The ``docs`` command's options."""
    d = sub.add_parser("docs", help="list the indexed documents")
    d.add_argument("--index")
    d.add_argument("--json", action="store_true")
    d.set_defaults(command="docs")


def _add_doc(sub: Commands) -> None:
    """The ``doc`` command's options."""
    o = sub.add_parser("doc", help="print a document's cleaned text")
    o.add_argument("source", metavar="SOURCE", help="path relative to the corpus folder, as `docs` lists it")
    o.add_argument("--index")
    o.add_argument("--json", action="store_true")
    o.add_argument("--removals", action="store_true",
                   help="list what cleaning removed from the file (and what a PDF's reader left out), and why")
    o.set_defaults(command="doc")


def _add_ask(sub: Commands) -> None:
    """The ``ask`` command's options."""
    a = sub.add_parser("ask", help="answer a question with quotes")
    a.add_argument("question", metavar="QUESTION")
    a.add_argument("-k", type=int, default=3, help="number of quotes (default 3)")
    a.add_argument("--index")
    a.add_argument("--model")
    a.add_argument("--backend", choices=indexing.BACKENDS, help="embedding backend (default: onnx)")
    a.add_argument("--source", action="append", dest="sources", help="restrict to this document (repeatable)")
    a.add_argument("--json", action="store_true")
    a.set_defaults(command="ask")


def _add_eval(sub: Commands) -> None:
    """The ``eval`` command's options."""
    e = sub.add_parser("eval", help="evaluate on a SQuAD-2.0-format file")
    e.add_argument("file", metavar="FILE")
    e.add_argument("--store", help="store for the evaluation index: faiss (default), milvus://HOST:PORT or a .db file")
    e.add_argument("--backend", choices=indexing.BACKENDS, help="embedding backend (default: onnx)")
    _document_encoder_option(e)
    e.add_argument("--json", action="store_true")
    e.add_argument("--report", metavar="PATH", help="write a per-question JSONL report")
    e.add_argument("--calibrate", type=float, metavar="RATE",
                   help="also report the abstention threshold that answers RATE (e.g. 0.92) of answerable questions")
    e.add_argument("--train", nargs="+", metavar="FILE",
                   help="the SQuAD files the verifier was trained on; refused if they share a question with FILE")
    e.add_argument("--index", help="with a .jsonl question file: the index to score it on, with the shipped "
                                   "calibration and the index's own (default: index/)")
    e.set_defaults(command="eval")


def _add_train_verifier(sub: Commands) -> None:
    """The ``train-verifier`` command's options."""
    t = sub.add_parser("train-verifier", help="train the answer verifier (mines, trains, exports, calibrates)")
    t.add_argument("--data", nargs="+", metavar="FILE",
                   help="SQuAD-2.0-format training files (default: the two training files in ../shared/data)")
    t.add_argument("--out", metavar="DIR",
                   help="folder to write the model, its scoring file and card to (default: models/verifier)")
    t.add_argument("--work", metavar="DIR", help="keep the mined examples and checkpoints here (reused when present)")
    t.add_argument("--layers", type=int, default=3, help="MiniLM layers kept (default 3 of 6)")
    t.add_argument("--epochs", type=int, default=1)
    t.add_argument("--max-pairs", type=int, default=4_000, help="training pairs at most (default 4000)")
    t.add_argument("--lr", type=float, default=4e-5, help="learning rate (default 4e-5)")
    t.add_argument("--seed", type=int, default=13)
    t.add_argument("--cross-validate", type=int, metavar="FOLDS",
                   help="only measure: mine (or reuse --work's examples), then refit and score the ranker and the "
                        "support FOLDS times, each time on every FOLDS-th training article; writes no model")
    t.add_argument("--recalibrate", action="store_true",
                   help="keep the model in --out and refit only the ranker's weights, the support and the calibration")
    t.add_argument("--fit-confidence", type=int, metavar="FOLDS",
                   help="fit the confidence (qa.answering.doubt) on inputs from rankers refitted FOLDS times "
                        "without each question's article; adds it (weights, threshold, 'high' floor) to the "
                        "scoring file in --out (default: the shipped one)")
    t.add_argument("--fit-support", action="store_true",
                   help="only refit the support (its weights, bias and floor) around the ranker weights of the "
                        "scoring file in --out (default: the shipped one), on the mined questions and their "
                        "withheld copies (qa.training.withheld), and write it there")
    t.add_argument("--withheld-share", type=_share, metavar="F",
                   help="share of the answerable training questions also asked without their paragraph, as "
                        "unanswerable examples for the support (default: the recipe's, "
                        "qa.training.settings.WITHHELD_SHARE)")
    t.add_argument("--docs", nargs="+", metavar="QUESTIONS=INDEX", default=[],
                   help="also fit the ranker on questions over documentation: a "
                        "JSON Lines file of {question, expect, source} (or unanswerable) and the built index of "
                        "its documents (qa.training.docs_data)")
    t.add_argument("--fit-docs-weights", action="store_true",
                   help="only fit the ranker weights SQuAD cannot teach (qa.training.docs_fit) on the --docs "
                        "questions; adds them to the scoring file in --out (default: the shipped one)")
    t.add_argument("--selqa", nargs="+", metavar="FILE", default=[],
                   help="also train the cross-encoder on SelQA answer-sentence files (qa.training.selqa): each "
                        "answered question's answer sentences and 3 of its other sentences")
    t.add_argument("--docs-weight", type=int, default=DOCS_WEIGHT, metavar="N",
                   help=f"each --docs question counts N times (default {DOCS_WEIGHT})")
    t.set_defaults(command="train-verifier")


def _add_train_encoder(sub: Commands) -> None:
    """The ``train-encoder`` command's options."""
    n = sub.add_parser("train-encoder", help="fine-tune the embedding model on questions and their answer sentences",
                       description="Fine-tune a sentence-transformers model (default: the configured one) so that a "
                                   "question lies near the sentence that answers it (qa.training.encoder_train); "
                                   "point Config.model or $QA_MODEL at the folder it writes.")
    n.add_argument("--out", metavar="DIR", required=True, help="folder to write the model and its card to")
    n.add_argument("--data", nargs="+", metavar="FILE",
                   help="SQuAD-2.0-format files (default: the two training files in ../shared/data); only "
                        "articles without unanswerable questions are used")
    n.add_argument("--selqa", nargs="*", metavar="FILE",
                   help="SelQA answer-sentence selection files (default: the two in ../shared/data/selqa)")
    n.add_argument("--epochs", type=int, default=1)
    n.add_argument("--lr", type=float, default=2e-5, help="learning rate (default 2e-5)")
    n.add_argument("--seed", type=int, default=13)
    n.add_argument("--max-pairs", type=int, metavar="N", help="train on the first N shuffled pairs only")
    n.add_argument("--half", action="store_true", help="store the weights in float16 (half the size)")
    n.set_defaults(command="train-encoder")


def _add_feedback(sub: Commands) -> None:
    """The ``feedback`` command's options."""
    f = sub.add_parser("feedback", help="summarise the thumbs up/down given in the web app")
    f.add_argument("--index", help="index folder whose feedback to read (default: index/)")
    f.add_argument("--file", help="feedback file (default: data/feedback.jsonl beside the index folder)")
    f.add_argument("--json", action="store_true")
    f.set_defaults(command="feedback")


def _add_verify(sub: Commands) -> None:
    """The ``verify`` command's options."""
    v = sub.add_parser("verify", help="check that text is a verbatim quote of the documents, and where")
    v.add_argument("text", metavar="TEXT", help="the text claimed to be a quote ('-' reads it from stdin)")
    v.add_argument("--source", action="append", dest="sources", help="only this document (repeatable)")
    v.add_argument("--index")
    v.add_argument("--json", action="store_true")
    v.set_defaults(command="verify")


def _add_mcp(sub: Commands) -> None:
    """The ``mcp`` command's options."""
    m = sub.add_parser("mcp", help="serve the index to agents over MCP (stdio; --http for streamable HTTP)")
    m.add_argument("--index")
    m.add_argument("--corpus", help="folder of documents, to build the index from when it is missing")
    m.add_argument("--http", action="store_true", help="serve streamable HTTP at http://HOST:PORT/mcp")
    m.add_argument("--host", default="127.0.0.1", help="address to bind with --http (default 127.0.0.1)")
    m.add_argument("--port", type=int, default=8765, help="port with --http (default 8765)")
    m.add_argument("--auth", metavar="USER:PASS", help="with --http: require HTTP basic credentials")
    m.add_argument("--read-only", action="store_true",
                   help="never write: a missing index is an error instead of being built")
    m.set_defaults(command="mcp")


def _add_calibrate(sub: Commands) -> None:
    """The ``calibrate`` command's options."""
    c = sub.add_parser("calibrate", help="fit the confidence and abstention threshold to one index's own questions",
                       description="Fit the confidence mapping and the abstention threshold for one index, on a "
                                   "question file and/or its feedback file, and write them beside the index "
                                   "(index/calibration.json). A question file is JSON Lines: "
                                   '{"question": ..., "expect": "text a right quote holds"} or '
                                   '{"question": ..., "unanswerable": true}, one a line; 20 or more, about a '
                                   "third unanswerable. The fit is used while the indexed documents stay the same.")
    c.add_argument("--questions", metavar="PATH", help="question file (JSON Lines)")
    c.add_argument("--feedback", metavar="PATH",
                   help="feedback file (default, when no --questions: data/feedback.jsonl beside the index folder)")
    c.add_argument("--index", help="index folder (default: index/)")
    c.add_argument("--keep", type=float, metavar="SHARE",
                   help="set the threshold to answer this share of the right answers (e.g. 0.9) instead of "
                        "balancing right answers kept against wrong ones let through")
    c.add_argument("--dry-run", action="store_true", help="fit and report, write nothing")
    c.add_argument("--status", action="store_true", help="only say which calibration the index uses")
    c.add_argument("--json", action="store_true")
    c.set_defaults(command="calibrate")


def _document_encoder_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--document-encoder", choices=DOCUMENT_ENCODERS,
                        help="how a build embeds documents: bf16 (OpenVINO's bfloat16 arithmetic, on CPUs with "
                             "AMX or AVX-512 BF16), fp32, int8 (a quantised model, vectors less near); questions "
                             "stay fp32 (default: auto, bf16 where this machine can)")


def _share(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"expected a share from 0 to 1, got {text!r}")
    return value


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text!r}")
    return value
