"""The question encoder's training: its pairs from SQuAD and SelQA files, and a tiny real run whose model the
index embeds with."""
from __future__ import annotations

import json
import random

import numpy as np
import pytest

from qa.config import bundled_model_path
from qa.training.encoder_train import EncoderSettings, selqa_pairs, squad_pairs, train_encoder, training_pairs


def _squad(tmp_path):
    data = {"data": [
        {"title": "Pact", "paragraphs": [{"context": "The pact was signed in April 1941. It was to last five years.",
                                          "qas": [{"question": "When was the pact signed?", "is_impossible": False,
                                                   "answers": [{"text": "April 1941", "answer_start": 23}]},
                                                  {"question": "How long was it to last?", "is_impossible": False,
                                                   "answers": [{"text": "five years", "answer_start": 49}]}]}]},
        {"title": "Battle", "paragraphs": [{"context": "The battle began in May. The Soviets won it.",
                                            "qas": [{"question": "Who won the battle?", "is_impossible": False,
                                                     "answers": [{"text": "The Soviets", "answer_start": 25}]},
                                                    {"question": "Who lost the war?", "is_impossible": True,
                                                     "answers": []}]}]},
    ]}
    path = tmp_path / "squad.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _selqa(tmp_path):
    rows = [{"question": "Where is the museum?", "candidates": ["The museum is in Jerusalem.", "It opened in 1965."],
             "answers": [0]},
            {"question": "Who founded it?", "candidates": ["It is large."], "answers": []}]
    path = tmp_path / "selqa.json"
    path.write_text(json.dumps(rows), encoding="utf-8")
    return path


def test_squad_pairs_hold_the_answer_sentence_and_leave_out_articles_with_unanswerable_questions(tmp_path):
    pairs = squad_pairs(_squad(tmp_path), random.Random(0))
    assert [(p.question, p.answer, p.negative) for p in pairs] == [
        ("When was the pact signed?", "The pact was signed in April 1941.", "It was to last five years."),
        ("How long was it to last?", "It was to last five years.", "The pact was signed in April 1941."),
    ]
    assert {p.origin for p in pairs} == {"Pact"}  # "Battle" holds an unanswerable question


def test_selqa_pairs_take_the_first_answer_and_skip_unanswered_questions(tmp_path):
    pairs = selqa_pairs(_selqa(tmp_path), random.Random(0))
    assert [(p.question, p.answer, p.negative, p.origin) for p in pairs] == [
        ("Where is the museum?", "The museum is in Jerusalem.", "It opened in 1965.", "selqa")]


def test_no_pairs_is_a_clear_error(tmp_path):
    from qa.errors import QAError

    with pytest.raises(QAError, match="No training pairs"):
        training_pairs([], [], 13)


@pytest.mark.slow
def test_a_tiny_run_writes_a_model_the_onnx_backend_embeds_and_a_card(tmp_path):
    from qa.indexing.embed import load_embedder

    pairs = training_pairs([_squad(tmp_path)], [_selqa(tmp_path)], 13) * 2
    out = tmp_path / "encoder"
    card = train_encoder(bundled_model_path(), pairs, out, EncoderSettings(batch_size=4), half=True, log=lambda _: None)
    assert card["steps"] == 2 and card["pairs"] == 6 and card["origins"] == {"squad": 4, "selqa": 2}
    assert set(card["files"]) >= {"model.safetensors", "tokenizer.json", "config.json"}
    vectors = load_embedder(str(out), "onnx", cache_dir=str(tmp_path / "cache")).encode(
        ["When was the pact signed?", "The pact was signed in April 1941."])
    assert vectors.shape == (2, 384) and np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)
    base = load_embedder(bundled_model_path(), "onnx", cache_dir=str(tmp_path / "cache")).encode(
        ["When was the pact signed?"])
    assert not np.allclose(vectors[0], base[0], atol=1e-4)  # it trained


def test_the_cli_names_a_missing_training_file(tmp_path, capsys):
    from qa.cli import main

    assert main(["train-encoder", "--out", str(tmp_path / "out"), "--data", str(tmp_path / "none.json"),
                 "--selqa"]) != 0
    assert "No training file at" in capsys.readouterr().err and not (tmp_path / "out").exists()


@pytest.mark.slow
def test_the_cli_trains_on_the_files_it_is_given(tmp_path, capsys):
    from qa.cli import main

    out = tmp_path / "out"
    assert main(["train-encoder", "--out", str(out), "--data", str(_squad(tmp_path)), "--selqa",
                 str(_selqa(tmp_path)), "--max-pairs", "3"]) == 0
    card = json.loads((out / "training.json").read_text(encoding="utf-8"))
    assert card["pairs"] == 3 and card["steps"] == 1 and json.loads(capsys.readouterr().out)["pairs"] == 3


def test_the_cli_overwrites_no_other_folder(tmp_path, capsys):
    from qa.cli import main

    kept = tmp_path / "notes"
    kept.mkdir()
    (kept / "mine.txt").write_text("keep me", encoding="utf-8")
    assert main(["train-encoder", "--out", str(kept), "--data", str(_squad(tmp_path)), "--selqa",
                 str(_selqa(tmp_path))]) != 0
    assert "nothing of it is overwritten" in capsys.readouterr().err
    assert [p.name for p in kept.iterdir()] == ["mine.txt"]
