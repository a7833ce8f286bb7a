"""The answer verifier: its shipped files, the text it reads, loading errors, and a tiny training run."""
from __future__ import annotations

import hashlib
import json
import random
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from qa import Config, QAError
from qa.config import bundled_model_path
from qa.verifier import MODEL_DIR, Calibration, candidate_text, load_verifier
from qa.verifier_data import Candidate, Mined
from qa.verifier_train import TrainSettings, export_onnx, train_model, training_pairs, write_meta


def test_shipped_files_match_the_model_card():
    card = (MODEL_DIR / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"\| `([^`]+)` \| [\d,]+ \| `([0-9a-f]{64})` \|", card)
    assert {name for name, _ in rows} == {"model.onnx", "tokenizer.json", "verifier.json"}
    for name, digest in rows:
        assert hashlib.sha256((MODEL_DIR / name).read_bytes()).hexdigest() == digest, name
    assert (MODEL_DIR / "model.onnx").stat().st_size < 50_000_000


def test_the_shipped_config_holds_what_training_fitted():
    meta = json.loads((MODEL_DIR / "verifier.json").read_text(encoding="utf-8"))
    fit = json.loads((MODEL_DIR / "confidence.json").read_text(encoding="utf-8"))  # qa.doubt_train
    config = Config()
    assert config.abstain_threshold == pytest.approx(fit["abstain_threshold"], abs=1e-4)
    assert config.confidence_weights == pytest.approx(fit["confidence_weights"], abs=1e-4)
    assert config.confidence_bias == pytest.approx(fit["confidence_bias"], abs=1e-4)
    assert config.high_confidence == pytest.approx(fit["high_confidence"], abs=1e-4)
    assert config.quote_weights == pytest.approx(meta["quote_weights"], abs=1e-4)
    assert config.support_weights == pytest.approx(meta["support_weights"], abs=1e-4)
    assert config.support_bias == pytest.approx(meta["support_bias"], abs=1e-4)
    assert config.support_floor == pytest.approx(meta["support_floor"], abs=1e-4)


def test_the_support_floor_leaves_one_percent_of_answerable_questions_below_it():
    from qa.features import SUPPORT_FEATURES
    from qa.verifier_data import Unit
    from qa.verifier_train import support_floor

    first = np.eye(len(SUPPORT_FEATURES))[0]  # support weights that read the first support feature only

    def mined(n: int, answerable: bool) -> Mined:  # one unit whose support is n
        return Mined(f"q{n}", "a", answerable, 0.0, (), (Unit("t", 1, (1.0,), tuple(n * first)),))

    questions = [mined(n, True) for n in range(1, 201)] + [mined(-1000, False)]  # unanswerable: not counted
    floor = support_floor(questions, np.ones(1), first, 0.0)
    assert 2.0 < floor < 4.0  # 1% of 200 answerable supports lie below it


def test_candidate_text_puts_the_unit_first_and_marks_context():
    assert candidate_text("It ended.", "War › 1939", "The battle began.") == \
        "It ended. [context: War › 1939 | The battle began.]"
    assert candidate_text("It ended.", None, None) == "It ended."


def test_probability_is_monotone_in_the_logit():
    cal = Calibration(rank_weight=1.0, a=1.5, b=0.5, c=-1.0, threshold=0.3)
    probs = [cal.probability(x, 0.0) for x in (-5, -1, 0, 1, 5)]
    assert probs == sorted(probs) and 0 < probs[0] < probs[-1] < 1


def test_a_folder_without_a_model_says_how_to_train_one(tmp_path):
    with pytest.raises(QAError, match="train-verifier"):
        load_verifier(tmp_path)


def test_the_shipped_verifier_scores_pairs():
    v = load_verifier()
    logits = v.logits("When was the lighthouse built?", ["The lighthouse was built in 1874.", "It is white."])
    assert logits.shape == (2,) and np.isfinite(logits).all()
    assert v.logits("Anything?", []).shape == (0,)


def test_training_pairs_weigh_unanswerable_questions_and_keep_every_positive():
    s = TrainSettings(unanswerable_weight=3.0, negatives=2)
    answerable = Mined("q1", "A", True, 0.0, (Candidate("yes", 1, 1.0, 0), Candidate("no", 0, 0.5, 1),
                                                Candidate("no2", 0, 0.2, 2), Candidate("no3", 0, 0.0, -1)))
    unanswerable = Mined("q2", "A", False, 0.0, tuple(Candidate(f"n{i}", 0, 0.0, i) for i in range(6)))
    rows = training_pairs([answerable, unanswerable], s, random.Random(0))
    assert ("q1", "yes", 1.0, 1.0) in rows
    assert all(w == 3.0 for q, _, label, w in rows if q == "q2")
    assert sum(q == "q1" and label == 0.0 for q, _, label, _ in rows) == 2
    assert sum(q == "q2" for q, *_ in rows) == 4


@pytest.mark.slow
def test_a_tiny_training_run_exports_a_loadable_model(tmp_path):
    s = TrainSettings(layers=1, epochs=1, batch_size=4, max_length=32)
    rows = [("Who won?", "The Soviets won. [context: Battle]", 1.0, 1.0),
            ("Who won?", "The battle began in May. [context: Battle]", 0.0, 2.0)] * 4
    work, out = tmp_path / "work", tmp_path / "out"
    out.mkdir()
    train_model(rows, s, bundled_model_path(), work)
    export_onnx(work, out)
    write_meta(out, s, {"rank_weight": 1.0, "a": 1.0, "b": 0.0, "c": 0.0, "threshold": 0.5}, {})
    v = load_verifier(out)
    assert v.logits("Who won?", ["The Soviets won.", "It began."]).shape == (2,)


def test_a_unit_out_of_the_verifiers_reach_is_not_scored():
    from qa.verifier import reachable

    scores = np.array([5.0, 4.2, 3.9, 1.0])
    assert reachable(scores, 4, 1.0) == 2  # 4.2 > 5.0 - 1.0; 3.9 is not
    assert reachable(scores, 4, 0.5) == 1  # only the top unit, whose logit the confidence needs
    assert reachable(scores, 4, float("inf")) == 4
    assert reachable(scores, 1, 0.0) == 1 and reachable(scores, 0, 1.0) == 0


def test_skipping_unreachable_units_changes_no_answer(default_index):
    """With the shipped bounds, re-ranking gives the same order, top score and confidence as scoring every pair;
    a question far from the documents abstains without asking the verifier."""
    import dataclasses

    from qa.evaluate import OFF_TOPIC
    from qa.quotes import rank

    questions = [q["question"] for q in json.loads(
        (Path(__file__).parent / "data" / "natural_questions.json").read_text(encoding="utf-8"))]

    verifier = load_verifier(default_index.config.verifier_dir)
    shipped = verifier.calibration
    assert np.isfinite(shipped.logit_span) and shipped.logit_span > 0
    gated = dataclasses.replace(shipped, rank_weight=1.0, a=0.5)  # a verifier that has a say (the gate's case)
    skipped = 0
    try:
        for question in questions:
            verifier.calibration = gated
            fast = rank(default_index, question)
            verifier.calibration = dataclasses.replace(gated, logit_low=-float("inf"), logit_high=float("inf"))
            full = rank(default_index, question)
            assert fast.units == full.units, question
            if fast.support < default_index.config.support_floor:  # far: abstains, the verifier not asked
                assert fast.abstains(default_index.config) and full.abstains(default_index.config)
                continue
            # int8 activations are quantised per batch, so a logit moves a little with its batch-mates;
            # units below the top keep the lowest verified logit, which only scoring them could lower
            assert fast.scores[0] == pytest.approx(full.scores[0], abs=0.05)
            assert fast.confidence == pytest.approx(full.confidence, abs=0.02)
            base = rank(default_index, question, config=default_index.config.with_(verifier_pairs=0))
            skipped += base.scores[0] - base.scores[1] >= gated.rank_weight * gated.logit_span
        far = 0
        for question in OFF_TOPIC:
            verifier.calibration = gated
            fast = rank(default_index, question)
            verifier.calibration = dataclasses.replace(gated, logit_low=-float("inf"), logit_high=float("inf"))
            full = rank(default_index, question)
            if fast.support >= default_index.config.support_floor:
                continue
            far += 1
            assert fast.abstains(default_index.config) and full.abstains(default_index.config)
            assert fast.verifier_logit < -50 < full.verifier_logit  # not asked, and asked
            assert fast.confidence < default_index.config.abstain_threshold
    finally:
        verifier.calibration = shipped
    assert skipped > 0, "no question was far enough ahead to skip the runner-up"
    assert far > 0, "no off-topic question was far from the documents"


def test_a_verifier_the_calibration_gives_no_say_is_not_asked(default_index, monkeypatch):
    """The shipped calibration gives the verifier no weight (held-out data decided); it is then never run,
    and the confidence is qa.doubt's (the calibrated probability of the support alone where the
    configuration has no confidence weights)."""
    from qa.quotes import rank

    verifier = load_verifier(default_index.config.verifier_dir)
    cal = verifier.calibration
    if cal.has_say:
        pytest.skip("the shipped verifier has a say")
    monkeypatch.setattr(verifier, "logits", lambda *a: pytest.fail("the verifier was asked"))
    ranking = rank(default_index, "When was the neutrality pact signed?")
    question, config = "When was the neutrality pact signed?", default_index.config.with_(verifier_pairs=0)
    plain = rank(default_index, question, config=config)
    assert ranking.units == plain.units and ranking.confidence == pytest.approx(plain.confidence)
    bare = rank(default_index, question, config=default_index.config.with_(confidence_weights=()))
    assert bare.confidence == pytest.approx(cal.probability(0.0, bare.support))


def test_a_logit_that_rises_with_wrong_quotes_gets_no_weight():
    from qa.verifier_train import Ranked, fit_calibration

    rng = np.random.default_rng(0)
    held, logits = [], []
    for n in range(200):
        answerable = n % 2 == 0
        support = rng.normal(1.0 if answerable else -1.0)
        held.append(Ranked(f"q{n}", answerable, ("a", "b"), (int(answerable), 0), np.array([2.0, 1.0]), support))
        logits.append(np.array([-1.0 if answerable else 1.0, 0.0]) + rng.normal(0, 0.1, 2))  # backwards
    cal, _ = fit_calibration(held, logits)
    assert cal["a"] == 0.0 and cal["b"] > 0


def test_recalibrating_needs_a_trained_model(tmp_path):
    from qa.verifier_train import previous_training

    with pytest.raises(QAError, match="train-verifier --out"):
        previous_training(tmp_path)
    meta = json.loads((MODEL_DIR / "verifier.json").read_text(encoding="utf-8"))
    assert previous_training(MODEL_DIR)["settings"] == meta["settings"]


def _mined_article(article: str, n: int, *, unanswerable: int = 0) -> list[Mined]:
    """Questions whose answer-bearing unit has the larger first feature (a ranker can learn it), and
    whose support is higher when answerable."""
    from qa.features import SUPPORT_FEATURES
    from qa.verifier_data import Unit

    out = []
    for i in range(n + unanswerable):
        answerable = i < n
        support = tuple([1.0 + 0.1 * (i % 5) if answerable else -1.0 - 0.1 * (i % 5)]
                        + [0.0] * (len(SUPPORT_FEATURES) - 1))
        units = (Unit("wrong", 0, (0.2 + 0.01 * (i % 7), 1.0), support),
                 Unit("right", int(answerable), (0.9 - 0.01 * (i % 3), 1.0), support))
        out.append(Mined(f"{article} {i}", article, answerable, 0.0, (), units))
    return out


def test_cross_validation_scores_every_answerable_question_once():
    from qa.verifier_train import cross_validate

    articles = ["a", "b", "c", "d"]
    mined = [m for n, a in enumerate(articles) for m in _mined_article(a, 10 + n, unanswerable=5)]
    figures = cross_validate(mined, articles, 2)
    assert figures["answerable_questions"] == 10 + 11 + 12 + 13  # each answerable question scored once
    assert figures["hit@1"] == 1.0 and figures["hit@3"] == 1.0  # the first feature is learnt in every fold
    assert len(figures["support_auc_by_fold"]) == 2 and figures["support_auc"] == 1.0


def test_cross_validation_refuses_more_folds_than_articles():
    from qa.verifier_train import cross_validate

    with pytest.raises(QAError, match="2 to 3 folds"):
        cross_validate(_mined_article("a", 3), ["a", "b", "c"], 4)


def _tiny_squad(path: Path) -> Path:
    """Two SQuAD-2.0-format articles of one paragraph each, with answerable and unanswerable questions."""
    def article(title: str, context: str, qas: list[tuple[str, str | None]]) -> dict:
        return {"title": title, "paragraphs": [{"context": context, "qas": [
            {"id": f"{title}{n}", "question": q, "is_impossible": a is None,
             "answers": [] if a is None else [{"text": a, "answer_start": context.index(a)}]}
            for n, (q, a) in enumerate(qas)]}]}

    harbour = ("The harbour was dredged in 1910 by the port authority. Its main pier is 300 metres long. "
               "Fishing boats land their catch there every morning.")
    mill = ("The old mill stands beside the river. It was powered by a water wheel until 1950. "
            "Today the mill is a museum of flour making.")
    data = {"version": "v2.0", "data": [
        article("Harbour", harbour, [("When was the harbour dredged?", "1910"),
                                     ("How long is the main pier?", "300 metres"),
                                     ("When do fishing boats land their catch?", "every morning"),
                                     ("Who built the lighthouse?", None)]),
        article("Mill", mill, [("What powered the mill?", "a water wheel"),
                               ("What is the mill today?", "a museum of flour making"),
                               ("Where does the mill stand?", "beside the river"),
                               ("Who owned the mill in 1800?", None)])]}
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _train_cli(*args: str):
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "qa", "train-verifier", *args], capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parents[1])


def test_the_cli_cross_validates_without_writing_a_model(tmp_path):
    squad, work = _tiny_squad(tmp_path / "tiny.json"), tmp_path / "work"
    out = _train_cli("--cross-validate", "2", "--data", str(squad), "--work", str(work), "--out",
                     str(tmp_path / "model"))
    assert out.returncode == 0, out.stderr
    figures = json.loads(out.stdout)
    assert figures["folds"] == 2 and 1 <= figures["answerable_questions"] <= 6
    assert 0.0 <= figures["hit@1"] <= figures["hit@3"] <= 1.0
    assert (work / "mined.jsonl").is_file() and not (tmp_path / "model").exists()


def test_the_cli_refuses_more_folds_than_articles_before_mining(tmp_path):
    squad, work = _tiny_squad(tmp_path / "tiny.json"), tmp_path / "work"
    out = _train_cli("--cross-validate", "3", "--data", str(squad), "--work", str(work))
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert "2 to 2 folds" in out.stderr
    assert not work.exists()


def test_training_without_scikit_learn_says_how_to_install_it(monkeypatch):
    """scikit-learn is in the [train] extra, not the base install: fitting without it is a clear QAError."""
    from qa.verifier_train import fit_ranker, logistic_regression

    monkeypatch.setitem(sys.modules, "sklearn", None)  # as if not installed
    monkeypatch.setitem(sys.modules, "sklearn.linear_model", None)
    with pytest.raises(QAError, match=re.escape("pip install -e .[train]")):
        logistic_regression()
    with pytest.raises(QAError, match="Training needs scikit-learn"):
        fit_ranker([])


def test_the_cli_says_how_to_install_training_before_it_reads_anything(tmp_path):
    """`train-verifier` without scikit-learn stops at once with the install command, never a traceback."""
    prelude = ("import runpy, sys; sys.modules['sklearn'] = None; sys.argv = ['qa', 'train-verifier', '--data', "
               f"{str(tmp_path / 'absent.json')!r}]; runpy.run_module('qa', run_name='__main__')")
    out = subprocess.run([sys.executable, "-c", prelude], capture_output=True, text=True,
                         cwd=Path(__file__).resolve().parents[1])
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert "pip install -e .[train]" in out.stderr and "No training file" not in out.stderr
