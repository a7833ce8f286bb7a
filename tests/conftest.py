"""Shared fixtures: the real model, and a real index of the default corpus built once per session."""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings
from hypothesis.configuration import set_hypothesis_home_dir
from hypothesis.database import DirectoryBasedExampleDatabase

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
SHARED_DATA = ROOT.parent / "shared" / "data"
WIKI = "soviet-japanese-border-conflicts-theinfolist.txt"
BLOG = "khalkhin-gol-thin-line-news.txt"

os.environ.setdefault("HF_HUB_OFFLINE", "1")

# Hypothesis keeps its files (the example database, its cache of constants) in the system's temporary folder,
# never in the working tree; a fixed folder there still replays a failing example on the next local run.
# The other settings stay those of the profile Hypothesis chose (its "ci" profile under CI).
HYPOTHESIS_HOME = Path(tempfile.gettempdir()) / "qa-hypothesis"
set_hypothesis_home_dir(HYPOTHESIS_HOME)
settings.register_profile("qa", settings.default, database=DirectoryBasedExampleDatabase(HYPOTHESIS_HOME / "examples"))
settings.load_profile("qa")


@pytest.fixture(scope="session")
def embedder():
    from qa.config import Config
    from qa.indexing.embed import load_embedder

    return load_embedder(Config().model_path())


@pytest.fixture(scope="session")
def default_config(tmp_path_factory):
    """A copy of the default corpus and an index of it, both in a temporary folder."""
    from qa import Config, build_index

    base = tmp_path_factory.mktemp("default")
    shutil.copytree(CORPUS, base / "corpus")
    config = Config(corpus_dir=base / "corpus", index_dir=base / "index")
    build_index(config)
    return config


@pytest.fixture(scope="session")
def default_index(default_config):
    from qa import load_index

    return load_index(default_config.index_dir, default_config)


def squad_path() -> Path:
    """The SQuAD evaluation file; skips where it is absent, except under CI where absence fails."""
    path = SHARED_DATA / "squad-v2-dev-5articles.json"
    if not path.is_file():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{path} is missing: CI must have ../shared beside the clone")
        pytest.skip(f"evaluation data not found at {path} (it lives in ../shared/data beside the clone)")
    return path


# ---------------------------------------------------------------- the web app (tests/app/test_app.py, test_browser.py)

def index_of(base: Path, docs: dict[str, str], **settings: Any):
    """A real index of ``docs`` (file name -> text), its corpus and index folders under ``base``; ``settings``
    are Config fields (such as ``embedder``)."""
    from qa import Config, build_index, load_index

    (base / "corpus").mkdir()
    for name, text in docs.items():
        (base / "corpus" / name).write_text(text + "\n", encoding="utf-8")
    config = Config(corpus_dir=base / "corpus", index_dir=base / "index", **settings)
    build_index(config)
    return load_index(config.index_dir, config)


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(base: Path, *extra: str, timeout: float = 300):
    """Run app.py on a free port with its corpus and index in ``base``; return (process, url, log path)."""
    import subprocess
    import sys
    import time
    import urllib.error
    import urllib.request

    port, log_path = _free_port(), base / f"app-{len(list(base.glob('app-*.log')))}.log"
    env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False", "GRADIO_TEMP_DIR": str(base / "gradio-tmp")}
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, str(ROOT / "app.py"), "--port", str(port), "--corpus", str(base / "corpus"),
             "--index", str(base / "index"), *extra], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"app.py exited with {process.returncode}:\n{log_path.read_text()[-3000:]}")
        try:
            urllib.request.urlopen(url, timeout=5)
            return process, url, log_path
        except urllib.error.HTTPError:  # served, but refused (e.g. --auth)
            return process, url, log_path
        except OSError:
            time.sleep(0.5)
    process.kill()
    pytest.fail(f"app.py did not serve {url} within {timeout} s:\n{log_path.read_text()[-3000:]}")


def stop_app(process) -> None:
    import subprocess

    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="session")
def live_app(tmp_path_factory, default_config):
    """The real app.py in a subprocess, on a copy of the default corpus and of the session's index of it (an
    app that finds no index builds one on start: tests/app/test_browser_links.py).

    Shared by the whole session: tests that add documents to it (the browser tests) run last.
    """
    from types import SimpleNamespace

    base = tmp_path_factory.mktemp("app")
    shutil.copytree(default_config.corpus_dir, base / "corpus")
    shutil.copytree(default_config.index_dir, base / "index")
    process, url, log_path = start_app(base)
    yield SimpleNamespace(url=url, base=base, corpus=base / "corpus", index=base / "index", log=log_path)
    stop_app(process)


@pytest.fixture(scope="session")
def locked_live_app(live_app):
    """The URL of a second app.py on ``live_app``'s corpus and index, run with ``--read-only --auth
    reader:s3cret``; shared by the web app's and the HTTP API's tests of auth and read-only."""
    process, url, _ = start_app(live_app.base, "--read-only", "--auth", "reader:s3cret", timeout=180)
    yield url
    stop_app(process)


# ---------------------------------------------------------------- hostile input (tests/**/test_hostile_*.py)

@pytest.fixture(scope="session")
def hostile(tmp_path_factory):
    """A corpus of hostile files, indexed through the CLI; the build's stdout is kept."""
    from qa import Config

    from .hostile_corpus import _hostile_corpus, _run

    base = tmp_path_factory.mktemp("hostile")
    _hostile_corpus(base)
    config = Config(corpus_dir=base / "corpus", index_dir=base / "index")
    out = _run("build", "--corpus", str(config.corpus_dir), "--index", str(config.index_dir))
    assert out.returncode == 0, out.stderr.decode(errors="replace")
    return config, out


@pytest.fixture(scope="session")
def hostile_index(hostile):
    from qa import load_index

    return load_index(hostile[0].index_dir, hostile[0])
