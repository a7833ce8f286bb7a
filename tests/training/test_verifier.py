"""The answer verifier: its shipped files, the text it reads, loading errors, and a tiny training run."""
from __future__ import annotations

import hashlib
import json
import random
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from qa import Config, QAError
from qa.answering.scoring import MODEL_DIR, Calibration, load_calibration
from qa.answering.verifier import candidate_text, load_verifier
from qa.config import bundled_model_path
from qa.training.card import write_meta
from qa.training.crossencoder import export_onnx, train_model, training_pairs
from qa.training.settings import TrainSettings
from qa.training.verifier_data import Candidate, Mined


def test_only_the_scoring_file_ships_and_matches_its_card():
    card = (MODEL_DIR / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"\| `([^`]+)` \| [\d,]+ \| `([0-9a-f]{64})` \|", card)
    assert {name for name, _ in rows} == {"verifier.json"}
    for name, digest in rows:
        assert hashlib.sha256((MODEL_DIR / name).read_bytes()).hexdigest() == digest, name
    assert sorted(p.name for p in MODEL_DIR.iterdir()) == ["README.md", "verifier.json"]


def test_every_fitted_number_has_one_home():
    """The scoring file holds the ranker's and the support's weights by feature name, the floor, the calibration
    and its threshold, and the confidence's weights by input name with its threshold and "high" floor; Config
    copies none of them."""
    from dataclasses import fields

    from qa.answering.doubt import CONFIDENCE_INPUTS
    from qa.answering.features import SUPPORT_FEATURES, UNIT_FEATURES
    from qa.answering.scoring import scoring_for

    meta = json.loads((MODEL_DIR / "verifier.json").read_text(encoding="utf-8"))
    assert list(meta["quote_weights"]) == list(UNIT_FEATURES)
    assert list(meta["support_weights"]) == list(SUPPORT_FEATURES)
    scoring = scoring_for(Config())
    assert scoring.quote_weights == tuple(meta["quote_weights"][n] for n in UNIT_FEATURES)
    assert list(meta["confidence"]["weights"]) == list(CONFIDENCE_INPUTS)
    assert scoring.confidence is not None
    assert scoring.confidence.weights == tuple(meta["confidence"]["weights"][n] for n in CONFIDENCE_INPUTS)
    assert scoring.threshold == meta["confidence"]["threshold"] == scoring.confidence.threshold
    assert scoring.high == meta["confidence"]["high"]
    unfitted = scoring_for(Config(fitted_confidence=False))
    assert unfitted.threshold == meta["calibration"]["threshold"] == scoring.calibration.threshold
    assert scoring.support_floor == meta["support_floor"]
    names = {f.name for f in fields(Config)}
    assert not names & {"quote_weights", "support_weights", "support_bias", "support_floor", "confidence_weights",
                        "confidence_bias", "high_confidence"}
    assert scoring_for(Config(abstain_threshold=0.5)).threshold == 0.5  # a corpus's recalibrated threshold


@pytest.mark.parametrize("change, message", [
    (lambda m: m["quote_weights"].pop("dense"), "features missing \\['dense'\\]"),
    (lambda m: m["support_weights"].update(made_up=1.0), "features unknown \\['made_up'\\]"),
    (lambda m: m.pop("support_floor"), "support_floor"),
])
def test_a_scoring_file_for_other_features_is_refused(tmp_path, change, message):
    from qa.answering.scoring import scoring_for

    meta = json.loads((MODEL_DIR / "verifier.json").read_text(encoding="utf-8"))
    change(meta)
    (tmp_path / "verifier.json").write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(QAError, match=message) as caught:
        scoring_for(Config(verifier_dir=tmp_path))
    assert "train-verifier" in str(caught.value)


def test_the_support_floor_leaves_one_percent_of_answerable_questions_below_it():
    from qa.answering.features import SUPPORT_FEATURES
    from qa.training.verifier_data import MinedUnit
    from qa.training.verifier_train import support_floor

    first = np.eye(len(SUPPORT_FEATURES))[0]  # support weights that read the first support feature only

    def mined(n: int, answerable: bool) -> Mined:  # one unit whose support is n
        return Mined(f"q{n}", "a", answerable, 0.0, (), (MinedUnit("t", 1, (1.0,), tuple(n * first)),))

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
    with pytest.raises(QAError, match="train-verifier"):
        load_calibration(tmp_path)


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


def test_selqa_pairs_read_each_sentence_in_its_section(tmp_path):
    """SelQA's rows (lists written as JSON strings, as the published files do) become the cross-encoder's
    pairs: the answer sentences and ``negatives - 1`` others, each with its section and the sentence before."""
    from qa.training.crossencoder import selqa_pairs

    rows = [{"question": "Where is the museum?", "section": "Museums",
             "candidates": json.dumps(["It opened in 1965.", "The museum is in Jerusalem.", "It is large.",
                                       "Entry is free.", "It has a garden."]), "answers": "[1]"},
            {"question": "Who founded it?", "section": "History", "candidates": ["It is old."], "answers": []}]
    path = tmp_path / "selqa.json"
    path.write_text(json.dumps(rows), encoding="utf-8")
    pairs = selqa_pairs([path], TrainSettings(negatives=3), random.Random(0))
    assert pairs[0] == ("Where is the museum?",
                        candidate_text("The museum is in Jerusalem.", "Museums", "It opened in 1965."), 1.0, 1.0)
    assert [p[2] for p in pairs] == [1.0, 0.0, 0.0]  # one answer, 3 - 1 others; the unanswered question: none
    assert all(p[1].endswith("]") and "[context: Museums" in p[1] for p in pairs)


def test_the_cli_names_a_missing_selqa_file(tmp_path, capsys):
    from qa.cli import main

    assert main(["train-verifier", "--out", str(tmp_path / "out"), "--selqa", str(tmp_path / "none.json")]) != 0
    assert "No SelQA file at" in capsys.readouterr().err and not (tmp_path / "out").exists()


def test_a_file_that_is_not_selqa_is_refused(tmp_path):
    from qa.training.selqa import read_selqa

    path = tmp_path / "other.json"
    path.write_text(json.dumps([{"question": "?"}]), encoding="utf-8")
    with pytest.raises(QAError, match="not a SelQA answer-sentence file"):
        read_selqa(path)


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory) -> Iterator[Path]:
    """A tiny cross-encoder trained and exported into a temporary folder (the package ships none).

    Its training folder goes as soon as the export is made, the export when the module is done: the suite
    runs on machines with little disk to spare."""

    s = TrainSettings(layers=1, epochs=1, batch_size=4, max_length=48)
    rows = [("When was the pact signed?", "The pact was signed in April 1941. [context: Pact]", 1.0, 1.0),
            ("When was the pact signed?", "The battle began in May. [context: Battle]", 0.0, 2.0),
            ("Who won the battle?", "The Soviets won the battle. [context: Battle]", 1.0, 1.0),
            ("Who won the battle?", "The border ran along the river. [context: Border]", 0.0, 2.0)] * 3
    base = tmp_path_factory.mktemp("tiny-verifier")
    out = base / "out"
    out.mkdir()
    train_model(rows, s, bundled_model_path(), base / "work")
    export_onnx(base / "work", out)
    shutil.rmtree(base / "work")
    write_meta(out, s, {"rank_weight": 1.0, "a": 1.0, "b": 0.0, "c": 0.0, "threshold": 0.5}, {})
    yield out
    shutil.rmtree(base, ignore_errors=True)


def _with_calibration(model: Path, folder: Path, calibration: Calibration) -> Path:
    """``model``'s files in ``folder`` with the shipped scoring file, its calibration replaced by ``calibration``."""
    import dataclasses

    shutil.copytree(model, folder)
    meta = json.loads((MODEL_DIR / "verifier.json").read_text(encoding="utf-8"))
    meta["max_length"] = json.loads((model / "verifier.json").read_text(encoding="utf-8"))["max_length"]
    meta["calibration"] = dataclasses.asdict(calibration)
    (folder / "verifier.json").write_text(json.dumps(meta), encoding="utf-8")
    return folder


@pytest.mark.slow
def test_a_tiny_training_run_exports_a_loadable_model(tiny_model):
    """The tiny_model fixture trains and exports with the real recipe's functions; the export loads and scores."""
    v = load_verifier(tiny_model)
    logits = v.logits("Who won?", ["The Soviets won.", "It began."])
    assert logits.shape == (2,) and np.isfinite(logits).all()
    assert v.logits("Anything?", []).shape == (0,)


def test_a_unit_out_of_the_verifiers_reach_is_not_scored():
    from qa.answering.verifier import reachable

    scores = np.array([5.0, 4.2, 3.9, 1.0])
    assert reachable(scores, 4, 1.0) == 2  # 4.2 > 5.0 - 1.0; 3.9 is not
    assert reachable(scores, 4, 0.5) == 1  # only the top unit, whose logit the confidence needs
    assert reachable(scores, 4, float("inf")) == 4
    assert reachable(scores, 1, 0.0) == 1 and reachable(scores, 0, 1.0) == 0


@pytest.mark.slow
def test_skipping_unreachable_units_changes_no_answer(default_index, tiny_model, tmp_path):
    """With bounds that hold every logit of the model, re-ranking gives the same order, top score and
    confidence as scoring every pair; a question far from the documents abstains without asking the verifier."""
    import dataclasses

    from qa.answering.quotes import rank
    from qa.answering.scoring import scoring_for
    from qa.answering.verifier import unit_candidate
    from qa.training.evaluate import OFF_TOPIC

    questions = [q["question"] for q in json.loads(
        (Path(__file__).parents[1] / "data" / "natural_questions.json").read_text(encoding="utf-8"))]
    config = default_index.config
    shipped = load_calibration(config.verifier_dir)
    floor = scoring_for(config).support_floor
    unbounded = dataclasses.replace(shipped, rank_weight=1.0, a=0.5, logit_low=-float("inf"),
                                    logit_high=float("inf"))  # a verifier that has a say (the gate's case)
    full_config = config.with_(verifier_dir=_with_calibration(tiny_model, tmp_path / "full", unbounded))
    model = load_verifier(full_config.verifier_dir)
    seen = np.concatenate([model.logits(q, [unit_candidate(default_index, u) for u in
                                            rank(default_index, q, config=full_config).units[:config.verifier_pairs]])
                           for q in questions + list(OFF_TOPIC)])
    low, high = float(seen.min()) - 0.05, float(seen.max()) + 0.05  # int8 logits move a little with batch-mates
    # the reach of the shipped bounds at rank weight 1: the same units are out of reach as with the shipped model
    weight = shipped.logit_span / (high - low)
    gated = dataclasses.replace(unbounded, rank_weight=weight, logit_low=low, logit_high=high)
    full_config = config.with_(verifier_dir=_with_calibration(tiny_model, tmp_path / "full-w",
                                                              dataclasses.replace(gated, logit_low=-float("inf"),
                                                                                  logit_high=float("inf"))))
    fast_config = config.with_(verifier_dir=_with_calibration(tiny_model, tmp_path / "gated", gated))
    skipped = 0
    for question in questions:
        fast = rank(default_index, question, config=fast_config)
        full = rank(default_index, question, config=full_config)
        assert fast.units == full.units, question
        if fast.support < floor:  # far: abstains, the verifier not asked
            assert fast.abstains(config) and full.abstains(config)
            continue
        # units below the top keep the lowest verified logit, which only scoring them could lower
        assert fast.scores[0] == pytest.approx(full.scores[0], abs=0.05)
        # the confidence takes in the margin over the best rival, whose score moves as much as the top one's
        assert fast.confidence == pytest.approx(full.confidence, abs=0.05)
        base = rank(default_index, question, config=config.with_(verifier_pairs=0))
        skipped += base.scores[0] - base.scores[1] >= gated.rank_weight * gated.logit_span
    far = 0
    for question in OFF_TOPIC:
        fast = rank(default_index, question, config=fast_config)
        full = rank(default_index, question, config=full_config)
        if fast.support >= floor:
            continue
        far += 1
        assert fast.abstains(config) and full.abstains(config)
        assert fast.verifier_logit < -50 < full.verifier_logit  # not asked, and asked
    assert skipped > 0, "no question was far enough ahead to skip the runner-up"
    assert far > 0, "no off-topic question was far from the documents"


@pytest.mark.slow
def test_the_confidence_reads_the_ranker_s_margin_where_a_verifier_re_scores(default_index, tiny_model, tmp_path):
    """The confidence was fitted on the ranker's own scores (qa.training.doubt_train): a verifier with a say
    that re-scores the best units and leaves the top one in place leaves the confidence as it was, although
    its logits move the scores and the gap between them."""
    import dataclasses

    from qa.answering.quotes import rank
    from qa.answering.ranking import NO_LOGIT

    questions = [q["question"] for q in json.loads(
        (Path(__file__).parents[1] / "data" / "natural_questions.json").read_text(encoding="utf-8"))]
    config = default_index.config
    say = dataclasses.replace(load_calibration(config.verifier_dir), rank_weight=1.0, a=0.5,
                              logit_low=-float("inf"), logit_high=float("inf"))
    with_say = config.with_(verifier_dir=_with_calibration(tiny_model, tmp_path / "say", say))
    kept = 0
    for question in questions:
        plain, said = rank(default_index, question, config=config), rank(default_index, question, config=with_say)
        if said.verifier_logit == NO_LOGIT or said.units[0] != plain.units[0]:
            continue
        if said.scores[0] - said.scores[1] == pytest.approx(plain.scores[0] - plain.scores[1]):
            continue  # its logits left the gap as it was
        assert said.confidence == pytest.approx(plain.confidence), question
        kept += 1
    assert kept > 0, "the verifier kept the top unit and moved the gap below it for no question"


def test_a_verifier_the_calibration_gives_no_say_is_never_loaded(default_index, tmp_path):
    """The shipped calibration gives the verifier no weight (held-out data decided): answering then needs
    only the scoring file (no model, no tokenizer), and the confidence is the calibrated probability of the
    support alone."""
    from qa.answering.quotes import rank

    cal = load_calibration(default_index.config.verifier_dir)
    if cal.has_say:
        pytest.skip("the shipped verifier has a say")
    scoring_only = tmp_path / "scoring"
    scoring_only.mkdir()
    (scoring_only / "verifier.json").write_bytes((MODEL_DIR / "verifier.json").read_bytes())
    question = "When was the neutrality pact signed?"
    ranking = rank(default_index, question, config=default_index.config.with_(verifier_dir=scoring_only))
    plain = rank(default_index, question, config=default_index.config.with_(verifier_pairs=0))
    assert ranking.units == plain.units and ranking.confidence == pytest.approx(plain.confidence)
    bare = rank(default_index, question, config=default_index.config.with_(fitted_confidence=False))
    assert bare.confidence == pytest.approx(cal.probability(0.0, bare.support))
    with pytest.raises(QAError, match="train-verifier"):
        load_verifier(scoring_only)  # the model was not there to load


def test_a_logit_that_rises_with_wrong_quotes_gets_no_weight():
    from qa.training.verifier_train import Ranked, fit_calibration

    rng = np.random.default_rng(0)
    held, logits = [], []
    for n in range(200):
        answerable = n % 2 == 0
        support = rng.normal(1.0 if answerable else -1.0)
        held.append(Ranked(f"q{n}", answerable, ("a", "b"), (int(answerable), 0), np.array([2.0, 1.0]), support))
        logits.append(np.array([-1.0 if answerable else 1.0, 0.0]) + rng.normal(0, 0.1, 2))  # backwards
    cal, _ = fit_calibration(held, logits)
    assert cal["a"] == 0.0 and cal["b"] > 0


def test_a_mix_gets_a_say_only_when_it_gains_a_point_of_hit_at_1():
    from qa.training.verifier_train import MIN_GAIN, Ranked, fit_calibration

    def held_out(helped: int) -> tuple[list, list]:
        # 400 answerable questions; the gold unit is first for half, second for the rest, where the logit
        # lifts it for ``helped`` of them
        held, logits = [], []
        for n in range(400):
            first = n % 2 == 0
            held.append(Ranked(f"q{n}", True, ("a", "b"), (1, 0) if first else (0, 1), np.array([1.0, 0.9]),
                               1.0 + n % 3))
            logits.append(np.array([1.0, -1.0]) if first else np.array([0.0, 1.0 if n < 2 * helped else -1.0]))
        held += [Ranked(f"u{n}", False, ("a", "b"), (0, 0), np.array([1.0, 0.9]), -1.0 - n % 3) for n in range(50)]
        logits += [np.array([0.0, -1.0])] * 50
        return held, logits

    assert fit_calibration(*held_out(2))[0]["rank_weight"] == 0.0  # 0.5 points: no say
    assert fit_calibration(*held_out(int(400 * MIN_GAIN) + 8))[0]["rank_weight"] > 0  # 3 points: a say


def test_recalibrating_needs_a_trained_model(tmp_path):
    from qa.training.card import previous_training

    with pytest.raises(QAError, match="train-verifier --out"):
        previous_training(tmp_path)
    with pytest.raises(QAError, match="train-verifier --out"):
        previous_training(MODEL_DIR)  # the package ships the scoring file only, not the model
    (tmp_path / "verifier.json").write_bytes((MODEL_DIR / "verifier.json").read_bytes())
    (tmp_path / "model.onnx").write_bytes(b"")
    meta = json.loads((MODEL_DIR / "verifier.json").read_text(encoding="utf-8"))
    assert previous_training(tmp_path)["settings"] == meta["settings"]


def _mined_article(article: str, n: int, *, unanswerable: int = 0) -> list[Mined]:
    """Questions whose answer-bearing unit has the larger first feature (a ranker can learn it), and
    whose support is higher when answerable."""
    from qa.answering.features import SUPPORT_FEATURES
    from qa.training.verifier_data import MinedUnit

    out = []
    for i in range(n + unanswerable):
        answerable = i < n
        support = tuple([1.0 + 0.1 * (i % 5) if answerable else -1.0 - 0.1 * (i % 5)]
                        + [0.0] * (len(SUPPORT_FEATURES) - 1))
        units = (MinedUnit("wrong", 0, (0.2 + 0.01 * (i % 7), 1.0), support),
                 MinedUnit("right", int(answerable), (0.9 - 0.01 * (i % 3), 1.0), support))
        out.append(Mined(f"{article} {i}", article, answerable, 0.0, (), units))
    return out


def test_cross_validation_scores_every_answerable_question_once():
    from qa.training.crossval import cross_validate

    articles = ["a", "b", "c", "d"]
    mined = [m for n, a in enumerate(articles) for m in _mined_article(a, 10 + n, unanswerable=5)]
    figures = cross_validate(mined, articles, 2)
    assert figures["answerable_questions"] == 10 + 11 + 12 + 13  # each answerable question scored once
    assert figures["hit@1"] == 1.0 and figures["hit@3"] == 1.0  # the first feature is learnt in every fold
    assert len(figures["support_auc_by_fold"]) == 2 and figures["support_auc"] == 1.0


def test_cross_validation_refuses_more_folds_than_articles():
    from qa.training.crossval import cross_validate

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
                          cwd=Path(__file__).resolve().parents[2])


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
    from qa.training.verifier_train import fit_ranker, logistic_regression

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
                         cwd=Path(__file__).resolve().parents[2])
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert "pip install -e .[train]" in out.stderr and "No training file" not in out.stderr


def test_examples_mined_with_other_features_are_refused(tmp_path):
    from qa.answering.features import SUPPORT_FEATURES, UNIT_FEATURES
    from qa.training.verifier_data import read_mined

    def line(n_features: int) -> str:
        unit = {"text": "x", "label": 1, "features": [0.0] * n_features, "support": [0.0] * len(SUPPORT_FEATURES)}
        return json.dumps({"question": "q", "article": "a", "answerable": True, "support": 0.0, "candidates": [],
                           "units": [unit]}) + "\n"

    path = tmp_path / "mined.jsonl"
    path.write_text(line(len(UNIT_FEATURES)), encoding="utf-8")
    assert len(read_mined(path)[0].units[0].features) == len(UNIT_FEATURES)
    path.write_text(line(len(UNIT_FEATURES) - 1), encoding="utf-8")
    with pytest.raises(QAError, match=f"{len(UNIT_FEATURES) - 1} ranker .* this code has {len(UNIT_FEATURES)}"):
        read_mined(path)


def test_the_cli_refits_the_support_around_the_scoring_file_s_ranker(tmp_path):
    """``--fit-support`` rewrites the support, its bias and floor, and records what it was fitted on; the ranker's
    weights and the confidence stay as the scoring file has them."""
    squad, out = _tiny_squad(tmp_path / "tiny.json"), tmp_path / "model"
    share = _train_cli("--fit-support", "--withheld-share", "1.5", "--data", str(squad), "--out", str(out))
    assert share.returncode == 2 and "a share from 0 to 1" in share.stderr
    missing = _train_cli("--fit-support", "--data", str(squad), "--out", str(out))
    assert missing.returncode != 0 and "No scoring file" in missing.stderr and "Traceback" not in missing.stderr
    out.mkdir()
    shipped = json.loads((MODEL_DIR / "verifier.json").read_text(encoding="utf-8"))
    (out / "verifier.json").write_text(json.dumps(shipped), encoding="utf-8")
    done = _train_cli("--fit-support", "--withheld-share", "1", "--data", str(squad), "--work",
                      str(tmp_path / "work"), "--out", str(out))
    assert done.returncode == 0, done.stderr
    meta = json.loads((out / "verifier.json").read_text(encoding="utf-8"))
    assert meta["quote_weights"] == shipped["quote_weights"] and meta["confidence"] == shipped["confidence"]
    assert meta["support_weights"] != shipped["support_weights"]
    assert meta["support_fit"]["withheld_share"] == 1.0 and meta["support_fit"]["questions"] >= 1
