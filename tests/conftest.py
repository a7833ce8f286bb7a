"""Shared fixtures: the real model, and a real index of the default corpus built once per session."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
SHARED_DATA = ROOT.parent / "shared" / "data"
WIKI = "soviet-japanese-border-conflicts-theinfolist.txt"
BLOG = "khalkhin-gol-thin-line-news.txt"

os.environ.setdefault("HF_HUB_OFFLINE", "1")


@pytest.fixture(scope="session")
def embedder():
    from qa.config import Config
    from qa.embed import load_embedder

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
