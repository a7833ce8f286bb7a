"""Serving the web app: the index built if missing, the page, the HTTP API and guards on one port.

``app.py`` at the project root parses its options and calls :func:`launch`: this is the app's one
entry into the package.
"""
from __future__ import annotations

import sys
import threading

from starlette.middleware import Middleware

from ..config import Config
from ..errors import IndexMissingError
from ..indexing.build import build_index
from ..indexing.index import load_index
from .api import ApiRoutes, make_api
from .guard import Guard, LoginThrottle
from .handlers import Handlers
from .layout import THEME, make_demo, web


def ensure_index(config: Config) -> None:
    """Load the index, building it first (with a terminal progress bar) if there is none."""
    try:
        load_index(config.index_dir, config)
    except IndexMissingError:
        print(f"No index in {config.index_dir}; building it from {config.corpus_dir} ...", file=sys.stderr)
        print(build_index(config, progress=True).summary(), file=sys.stderr)
        load_index(config.index_dir, config)



def warm_up(config: Config) -> None:
    """Load what a first answer would otherwise wait seconds for: WordNet, and spaCy's recogniser when
    conflicts in meaning are on (each is loaded once per process, so answers stay the same)."""
    from ..answering.entities import pipeline
    from ..answering.paraphrase import wordnet

    wordnet()
    if config.meaning_conflicts:
        pipeline()


def launch(config: Config, *, host: str, port: int, auth: tuple[str, str] | None, read_only: bool) -> None:
    """Serve the app for ``config``'s corpus and index until stopped; QAError when the index cannot be had."""
    ensure_index(config)
    demo = make_demo(Handlers(config, read_only=read_only))
    threading.Thread(target=warm_up, args=(config,), daemon=True).start()  # not on the first question
    throttle = LoginThrottle() if auth else None
    guard = Middleware(Guard, read_only=read_only, throttle=throttle, max_body=config.max_request_bytes)
    api = Middleware(ApiRoutes, api=make_api(config), auth=auth, throttle=throttle)
    demo.queue().launch(server_name=host, server_port=port, auth=auth, theme=THEME, css=web("app.css"),
                        max_file_size=config.max_file_bytes, ssr_mode=False, footer_links=["api"],
                        run_history=False, app_kwargs={"middleware": [guard, api]})
