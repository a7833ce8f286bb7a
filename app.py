"""The web app: ask the documents in a chat, read the sources beside it, manage them, and call ``/ask``.

    python app.py [--host 127.0.0.1] [--port 7860] [--corpus corpus/] [--index index/]
                  [--auth user:pass] [--read-only]

A launcher: the app itself is ``qa/app/`` (handlers, layout, rendering, the HTTP API, guards; the page's
scripts and styles in ``qa/app/static/``), served by :func:`qa.app.server.launch`. The index is built on
first start when it is missing. A rebuild writes a new index beside the live one, so questions keep being
answered from the old index until it is swapped in. The plain HTTP API (``/api/...``, see qa.app.api) is
served on the same port, behind the same ``--auth``.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # read when gradio is imported

from qa import Config, QAError
from qa.app.server import launch


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="Web app: answers questions with verbatim, cited quotes.")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=7860, help="port (default 7860)")
    p.add_argument("--corpus", type=Path, help="folder of documents (default: corpus/)")
    p.add_argument("--index", type=Path, help="index folder (default: index/)")
    p.add_argument("--auth", metavar="USER:PASS", help="require this user name and password")
    p.add_argument("--read-only", action="store_true", help="no upload, rebuild, removal or feedback")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    config = Config()
    if args.corpus:
        config = config.with_(corpus_dir=args.corpus.resolve())
    if args.index:
        config = config.with_(index_dir=args.index.resolve())
    auth = None
    auth = None
    if args.auth:
        user, sep, password = args.auth.partition(":")
        if not (user and sep and password):
            print("error: --auth takes USER:PASS", file=sys.stderr)
            return 2
        auth = (user, password)
    try:
        launch(config, host=args.host, port=args.port, auth=auth, read_only=args.read_only)
    except QAError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
