"""The question-tuned model that ships in the package: named by Config.model, whole as its card says, and
an index built with it answers."""
from __future__ import annotations

import hashlib
import json

import pytest

from qa import Config, ask, build_index, load_index
from qa.config import SHIPPED_MODELS
from qa.errors import QAError

from ..conftest import CORPUS


def test_the_shipped_model_is_named_and_its_files_are_those_it_was_trained_into(monkeypatch):
    folder = SHIPPED_MODELS["minilm-questions"]
    assert Config(model="minilm-questions").model_path() == str(folder)
    monkeypatch.setenv("QA_MODEL", "minilm-questions")
    assert Config().model_path() == str(folder)
    card = json.loads((folder / "training.json").read_text(encoding="utf-8"))
    for name in ("model.safetensors", "tokenizer.json", "config.json", "modules.json"):
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == card["files"][name], name


@pytest.mark.slow
def test_an_index_built_with_the_shipped_model_answers_and_the_default_model_is_refused_on_it(tmp_path):
    config = Config(corpus_dir=CORPUS, index_dir=tmp_path / "index", model="minilm-questions")
    build_index(config)
    index = load_index(config.index_dir, config)
    answer = ask("When did the Battle of Lake Khasan take place?", index=index)
    assert not answer.abstained and "July 29, 1938" in answer.quotes[0].text
    with pytest.raises(QAError, match="built with embedding model minilm-questions"):
        load_index(config.index_dir, Config(corpus_dir=CORPUS, index_dir=config.index_dir))
