"""Command line: ``python -m qa build | docs | doc | ask | verify | eval | feedback | train-verifier | train-encoder |
calibrate | mcp`` (mirrors the API).

Commands use the public API (``qa.ask``, ``qa.build_index``, ``qa.load_index``, ``qa.verify_text``) where it
covers them, and otherwise one seam, ``qa.commands``, whose modules are named after the stage they reach.
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from . import Config, IndexMissingError, QAError, ask, build_index, load_index, verify_text
from .cli_args import parser
from .cli_text import index_line, removals_text, render_text, render_verification
from .commands import app, calibrating, indexing, training
from .errors import BuildCancelled
from .terminal import printable


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    handler = logging.StreamHandler()
    handler.setFormatter(_SafeFormatter("%(levelname)s: %(message)s"))
    logging.basicConfig(level=logging.WARNING, handlers=[handler])
    config = Config()
    if getattr(args, "index", None):
        config = config.with_(index_dir=Path(args.index))
    if getattr(args, "corpus", None):
        config = config.with_(corpus_dir=Path(args.corpus))
    if getattr(args, "model", None):
        config = config.with_(model=args.model)
    if getattr(args, "store", None):
        config = config.with_(store=args.store)
    if getattr(args, "backend", None):
        config = config.with_(embed_backend=args.backend)
    if getattr(args, "workers", None):
        config = config.with_(workers=args.workers)
    if getattr(args, "document_encoder", None):
        config = config.with_(document_encoder=args.document_encoder)
    try:
        return int(_HANDLERS[args.command](args, config) or 0)
    except BuildCancelled as e:
        print(f"cancelled: {printable(e)}", file=sys.stderr)
        return 130
    except QAError as e:
        print(f"error: {printable(e)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader of our output left (`qa doc ... | head`): stop quietly, as other tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141


class _SafeFormatter(logging.Formatter):
    """Warnings name files and quote reasons: print them without their control characters."""

    def format(self, record: logging.LogRecord) -> str:
        return printable(super().format(record), multiline=True)


def _calibrate(args: argparse.Namespace, config: Config) -> int:
    if args.status:
        state = calibrating.status(load_index(config.index_dir, config), config).to_dict()
        if args.json:
            _print_json(state)
        else:
            print(printable(state["message"]))
        return 0
    fit, path = calibrating.calibrate(config, questions=Path(args.questions) if args.questions else None,
                          feedback=Path(args.feedback) if args.feedback else None, write=not args.dry_run,
                          keep=args.keep)
    if args.json:
        _print_json({**fit.to_dict(), "path": str(path) if path else None})
    else:
        print(calibrating.format_fit(fit, path))
    return 0


def _build(args: argparse.Namespace, config: Config) -> int:
    print(f"Building the index of {config.corpus_dir} in {config.index_dir} ...", file=sys.stderr)
    cancel = threading.Event()
    with _ctrl_c_sets(cancel):
        report = build_index(config, full=args.full, progress=True, cancel=cancel)
    print(printable(report.summary(), multiline=True))
    return 0


@contextmanager
def _ctrl_c_sets(cancel: threading.Event) -> Iterator[None]:
    """The first Ctrl-C asks the build to stop at the next file or batch; a second one stops it at once."""
    def on_interrupt(signum: int, frame: object) -> None:
        if cancel.is_set():
            raise KeyboardInterrupt
        cancel.set()
        print("\nStopping the build at the next step (Ctrl-C again to stop at once) ...", file=sys.stderr)

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, on_interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _docs(args: argparse.Namespace, config: Config) -> int:
    manifest = load_index(config.index_dir, config).manifest  # checked as `ask` checks it
    _warn_if_stale(config)
    rows = [{"source": s, **{k: v for k, v in m.items() if k != "raw_sha256"}}
            for s, m in sorted(manifest["documents"].items())]
    if args.json:
        _print_json(rows)
        return 0
    print(printable(index_line(manifest)))
    for r in rows:
        source, title, kind, when = (printable(r.get(key, "?")) for key in ("source", "title", "kind", "indexed_at"))
        print(f"{source}\n    {title} — {kind}, {r['chunks']} chunks, indexed {when}")
    return 0


def _doc(args: argparse.Namespace, config: Config) -> int:
    doc = load_index(config.index_dir, config).document(args.source)
    if args.json:
        _print_json({
            "source": doc.source, "title": doc.title, "kind": doc.kind, "publisher": doc.publisher,
            "date": doc.date, "author": doc.author, "url": doc.url, "format": doc.format, "sha256": doc.sha256,
            "text": doc.text,
            "sections": [{"title": s.title, "start": s.start, "end": s.end} for s in doc.sections],
            "blocks": [{"start": s, "end": e, "kind": kind} for s, e, kind in doc.blocks],
            "removals": [{"raw_offset": r.start, "rule": r.rule, "text": r.text} for r in doc.removals],
        })
    elif args.removals:
        print(removals_text(doc))
    else:
        print(printable(doc.text, multiline=True))
    return 0


def _ask(args: argparse.Namespace, config: Config) -> int:
    answer = ask(args.question, k=args.k, index=config.index_dir, sources=args.sources, config=config)
    _warn_if_stale(config)
    _warn_if_calibration_stale(config)
    if args.json:
        _print_json(answer.to_dict())
        return 0
    print(render_text(answer.to_dict()))
    return 0


def _warn_if_stale(config: Config) -> None:
    changes = indexing.corpus_changes(config)
    if changes:
        shown = printable("; ".join(changes[:5]) + (" …" if len(changes) > 5 else ""))
        print(f"note: {printable(config.corpus_dir)} changed since the index was built ({shown}). "
              "Run `python -m qa build` to update it.", file=sys.stderr)


def _warn_if_calibration_stale(config: Config) -> None:
    state = calibrating.status(load_index(config.index_dir, config), config)
    if state.kind == "stale":
        print(f"note: {printable(state.message)}", file=sys.stderr)


def _eval(args: argparse.Namespace, config: Config) -> int:
    if args.file.endswith(".jsonl"):
        return _eval_questions(args, config)
    if args.calibrate is not None and not 0 < args.calibrate <= 1:
        raise QAError(f"--calibrate takes a rate above 0 and at most 1, such as 0.92 (got {args.calibrate}).")
    if not Path(args.file).is_file():
        raise QAError(f"No evaluation file at {args.file}. Pass a SQuAD-2.0-format JSON file.")
    train = [Path(f) for f in args.train or ()]
    for f in train:
        if not f.is_file():
            raise QAError(f"No training file at {f}. Pass the SQuAD files the verifier was trained on.")
    result = training.evaluate(Path(args.file), config=config, report_path=Path(args.report) if args.report else None,
                      calibrate_rate=args.calibrate, train=train)
    if args.json:
        _print_json(result)
    else:
        for key, value in result.items():
            print(f"{key:>18}: {printable(value)}")
    return 0


def _eval_questions(args: argparse.Namespace, config: Config) -> int:
    """A question file on an existing index: figures with the shipped calibration and the index's own."""
    result = calibrating.evaluate_questions(config, Path(args.file))
    if args.report:
        Path(args.report).write_text("".join(json.dumps(q, ensure_ascii=False) + "\n" for q in result["questions"]),
                                     encoding="utf-8")
    if args.json:
        _print_json({k: v for k, v in result.items() if k != "questions"})
        return 0
    print(printable(result["calibration"]["message"]))
    print(f"{'':>26}  {'shipped':>9}  {'own':>9}")
    for key, before in result["before"].items():
        print(f"{key:>26}: {before:>9}  {result['after'][key]:>9}")
    return 0


def _train_verifier(args: argparse.Namespace, config: Config) -> int:
    training.require_training()  # without scikit-learn, say how to install it now, not after mining
    data = [Path(f) for f in args.data] if args.data else training.default_data()
    missing = [str(f) for f in data if not f.is_file()]
    if missing:
        raise QAError(f"No training file at {', '.join(missing)}. Pass SQuAD-2.0-format files with --data.")
    training.check_docs(args.docs)
    logging.getLogger("qa").setLevel(logging.INFO)
    settings = training.settings(layers=args.layers, epochs=args.epochs, max_pairs=args.max_pairs, lr=args.lr,
                                 seed=args.seed, withheld_share=args.withheld_share)
    if args.fit_docs_weights:
        fit = training.fit_docs_weights(tuple(args.docs), settings, work=args.work,
                                        out=Path(args.out) if args.out else None)
        _print_json(fit)
        print(f"written to {training.write_docs_weights(fit, Path(args.out) if args.out else None, args.docs)}",
              file=sys.stderr)
        return 0
    if args.fit_support:
        fit = training.fit_support(data, settings, work=args.work, config=config,
                                   out=Path(args.out) if args.out else None)
        _print_json(fit)
        print(f"written to {training.write_support(fit, Path(args.out) if args.out else None)}", file=sys.stderr)
        return 0
    if args.fit_confidence is not None:
        fit = training.fit_confidence(data, args.fit_confidence, settings, work=args.work, config=config,
                                      docs=tuple(args.docs), docs_weight=args.docs_weight)
        _print_json(fit)
        print(f"written to {training.write_confidence(fit, Path(args.out) if args.out else None)}", file=sys.stderr)
        return 0
    if args.cross_validate is not None:
        _print_json(training.cross_validate(data, args.cross_validate, settings,
                                            work=Path(args.work) if args.work else None, config=config,
                                            docs=tuple(args.docs), docs_weight=args.docs_weight))
        return 0
    card = training.train(data, Path(args.out) if args.out else None, settings,
                 work=Path(args.work) if args.work else None, config=config, recalibrate=args.recalibrate,
                 docs=tuple(args.docs), docs_weight=args.docs_weight,
                 selqa=tuple(Path(f) for f in args.selqa))
    _print_json(card)
    return 0


def _train_encoder(args: argparse.Namespace, config: Config) -> int:
    card = training.train_encoder(args, config)
    _print_json(card)
    return 0


def _feedback(args: argparse.Namespace, config: Config) -> int:
    path = Path(args.file) if args.file else app.feedback_path(config)
    summary = app.summarise_file(path)
    if args.json:
        _print_json(summary)
    else:  # notes and questions were typed by web users
        print(printable(app.format_summary(summary, path), multiline=True))
    return 0


def _print_json(obj: Any) -> None:
    print(json.dumps(obj, indent=2, ensure_ascii=False))


def _verify(args: argparse.Namespace, config: Config) -> int:
    """Exit status 0 when verified, 1 when repaired, 3 when unverified (2 is an error)."""
    text = sys.stdin.read() if args.text == "-" else args.text
    result = verify_text(text, args.sources, index=config.index_dir, config=config)
    if args.json:
        _print_json(result.to_dict())
    else:
        print(render_verification(result.to_dict()))
    return {"verified": 0, "repaired": 1}.get(result.status, 3)


def _mcp(args: argparse.Namespace, config: Config) -> int:
    from .mcp_server import serve  # the MCP server, an entry point beside the CLI; it loads the mcp SDK

    auth = None
    if args.auth:
        if not args.http:
            raise QAError("--auth applies to --http: a stdio server answers only the program that started it.")
        user, sep, password = args.auth.partition(":")
        if not (user and sep and password):
            raise QAError("--auth takes USER:PASS.")
        auth = (user, password)
    if args.read_only:
        load_index(config.index_dir, config)
    else:
        try:
            load_index(config.index_dir, config)
        except IndexMissingError:
            print(f"No index in {config.index_dir}; building it from {config.corpus_dir} ...", file=sys.stderr)
            print(printable(build_index(config).summary(), multiline=True), file=sys.stderr)
    if args.http:
        print(f"MCP server at http://{args.host}:{args.port}/mcp", file=sys.stderr)
    serve(config, http=args.http, host=args.host, port=args.port, auth=auth)
    return 0


_HANDLERS = {"build": _build, "docs": _docs, "doc": _doc, "ask": _ask, "eval": _eval,
             "train-verifier": _train_verifier, "train-encoder": _train_encoder, "feedback": _feedback,
             "verify": _verify, "mcp": _mcp, "calibrate": _calibrate}
