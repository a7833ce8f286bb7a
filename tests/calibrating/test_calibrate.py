"""`qa calibrate` on the real model and a real index: fit, save, apply; the stale rule; feedback; bad input; the UI."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import httpx
import pytest

from qa import Config, ask, build_index, load_index
from qa.answering.quotes import rank
from qa.answering.scoring import scoring_for
from qa.app import feedback, ui
from qa.calibrating import calibration, calibration_data, calibration_fit
from qa.calibrating.calibrate import calibrate, evaluate_questions
from qa.cli import main
from qa.errors import QAError

from ..conftest import start_app, stop_app

NATURAL = json.loads((Path(__file__).parents[1] / "data" / "natural_questions.json").read_text(encoding="utf-8"))
#: On the topic of the default corpus, not answered by it.
UNANSWERABLE = [
    "How many horses did the Mongolian cavalry lose at Khalkhin Gol?",
    "What did the Soviet soldiers eat during the Battle of Lake Khasan?",
    "Which Japanese general was court-martialled after Nomonhan?",
    "How much did the border fortifications in Manchuria cost to build?",
    "What was the name of Zhukov's horse?",
    "How many newspapers reported on the Kanchazu Island incident?",
    "What medals were given to Mongolian pilots in 1939?",
    "How long did the train journey from Moscow to Chita take in 1938?",
]


def question_file(path: Path) -> Path:
    rows = [{"question": q["question"], "expected": q["expected"]} for q in NATURAL]
    rows += [{"question": q, "unanswerable": True} for q in UNANSWERABLE]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def copy_of(default_config: Config, base: Path) -> Config:
    """The session's default corpus and index, copied: a calibration is written beside this copy only."""
    shutil.copytree(default_config.corpus_dir, base / "corpus")
    shutil.copytree(default_config.index_dir, base / "index")
    return Config(corpus_dir=base / "corpus", index_dir=base / "index")


@pytest.fixture(scope="module")
def calibrated(default_config, tmp_path_factory):
    base = tmp_path_factory.mktemp("calibrated")
    config = copy_of(default_config, base)
    fit, path = calibrate(config, questions=question_file(base / "questions.jsonl"))
    return config, fit, path


def test_fit_is_written_beside_the_index_and_read_back(calibrated):
    config, fit, path = calibrated
    assert path == config.index_dir / "calibration.json"
    assert calibration.read(config.index_dir) == fit
    data = fit.data or {}
    assert data["examples"] == len(NATURAL) + len(UNANSWERABLE)
    assert data["right"] >= calibration_fit.MIN_EACH and data["not_right"] >= calibration_fit.MIN_EACH
    assert fit.inputs[0] == "confidence_logit" and 0 < fit.threshold < 1
    assert calibration.status(load_index(config.index_dir, config)).kind == "own"


def test_answers_use_the_own_fit_and_can_turn_it_off(calibrated):
    config, fit, _ = calibrated
    idx = load_index(config.index_dir, config)
    shipped = config.with_(own_calibration=False)
    for question in [NATURAL[0]["question"], UNANSWERABLE[0], NATURAL[5]["question"]]:
        ranking = rank(idx, question, config=shipped)
        p = fit.probability(calibration.inputs(idx, ranking))
        own, before = ask(question, index=idx, config=config), ask(question, index=idx, config=shipped)
        assert own.confidence == round(p, 4)
        assert own.abstained == (p < fit.threshold or ranking.support < scoring_for(config).support_floor)
        assert before.confidence == round(ranking.confidence, 4)
        assert before.abstained == ranking.abstains(shipped)


def test_eval_reports_shipped_and_own(calibrated, tmp_path):
    config, _, _ = calibrated
    result = evaluate_questions(config, question_file(tmp_path / "q.jsonl"))
    assert result["calibration"]["kind"] == "own"
    assert result["after"]["unanswerable abstained"].endswith(f"/{len(UNANSWERABLE)}")
    rows = result["questions"]
    assert any(r["confidence_before"] != r["confidence_after"] for r in rows)
    idx = load_index(config.index_dir, config)
    for r in rows[::6]:  # what it reports is what answering does, with each calibration
        own, shipped = ask(r["question"], index=idx, config=config), ask(
            r["question"], index=idx, config=config.with_(own_calibration=False))
        assert (own.abstained, own.confidence) == (r["abstained_after"], r["confidence_after"])
        assert (shipped.abstained, shipped.confidence) == (r["abstained_before"], r["confidence_before"])


def test_a_rebuild_that_changes_the_documents_makes_the_fit_stale(default_config, tmp_path, capsys):
    config = copy_of(default_config, tmp_path)
    fit, _ = calibrate(config, questions=question_file(tmp_path / "q.jsonl"))
    build_index(config)  # nothing changed: the fit holds
    assert calibration.status(load_index(config.index_dir, config)).kind == "own"
    (config.corpus_dir / "new-note.txt").write_text("The Amur river flotilla patrolled the border in 1937.\n")
    build_index(config)
    idx = load_index(config.index_dir, config)
    state = calibration.status(idx)
    assert state.kind == "stale" and "documents changed" in state.message and "qa calibrate" in state.message
    # the command to run fits on the same data again, wherever the user stands
    assert f"--questions {(tmp_path / 'q.jsonl').resolve()}" in state.message
    assert f"--index {config.index_dir.resolve()}" in state.message
    question = NATURAL[0]["question"]
    shipped = config.with_(own_calibration=False)
    assert ask(question, index=idx, config=config) == ask(question, index=idx, config=shipped)
    assert calibration.read(config.index_dir) == fit  # kept, not used, until calibrated again
    assert main(["ask", question, "--index", str(config.index_dir)]) == 0
    assert "calibration" in capsys.readouterr().err and "out of date" in state.message


def rate_answers(config: Config, questions: Path) -> list[bool]:
    """Ask each question of the file and rate its answer through the web app's own recorder (Answered -> entry ->
    record) into the feedback file beside the index, as a reader would; the labels a fit should read."""
    idx = load_index(config.index_dir, config)
    answered, path = feedback.Answered(), feedback.feedback_path(config)
    labels = []
    for row in calibration_data.read_questions(questions):
        answer = ask(row["question"], index=idx, config=config).to_dict()
        first = " ".join(answer["quotes"][0]["text"].split()) if answer["quotes"] else ""
        right = any(e in first for e in row["expected"])
        up = (answer["abstained"] and row["unanswerable"]) or (not answer["abstained"] and right)
        turn_id = answered.remember({"question": row["question"], "query": row["question"], "answer": answer})
        stored = answered.get(turn_id)
        assert stored is not None
        feedback.record(path, feedback.entry(stored, "up" if up else "down", None, build=idx.folder.name, index=idx))
        if not (answer["abstained"] and not up):  # a thumbs down on an abstention labels nothing
            labels.append(not answer["abstained"] and right)
    return labels


def test_feedback_from_the_apps_recorder_calibrates(default_config, tmp_path):
    """Thumbs given through the web app's own recorder make a fit."""
    config = copy_of(default_config, tmp_path)
    expected_labels = rate_answers(config, question_file(tmp_path / "q.jsonl"))
    fit, written = calibrate(config)  # no --questions: the feedback beside the index
    data = fit.data or {}
    assert written == config.index_dir / "calibration.json" and "feedback" in data["source"]
    assert data["examples"] == len(expected_labels) and data["right"] == sum(expected_labels)


def test_the_app_calibrates_on_the_answers_rated_in_it(default_config, tmp_path):
    from qa.app.handlers import Handlers

    config = copy_of(default_config, tmp_path)
    handlers = Handlers(config)
    report, blurb = handlers.calibrate()  # nothing rated yet: a line saying what to do, and the fit in use stays
    assert "No answer has been rated here yet" in report
    assert calibration.read(config.index_dir) is None
    labels = rate_answers(config, question_file(tmp_path / "q.jsonl"))
    report, blurb = handlers.calibrate()
    fit = calibration.read(config.index_dir)
    assert fit is not None and "feedback" in (fit.data or {})["source"]
    helpful = sum(labels)
    assert f"Calibrated on {len(labels)} rated answers ({helpful} helpful, {len(labels) - helpful} not)" in report
    assert 'data-calibration="own"' in blurb  # the landing line follows
    assert calibration.status(handlers.index()).kind == "own"
    with handlers._calibrating:  # another calibration under way: this one waits for nothing and says so
        assert "already running" in handlers.calibrate()[0]
    # a rebuild under way (one with text to embed, seconds long): no calibration meanwhile
    (config.corpus_dir / "harbour-notes.txt").write_text("".join(f"Harbour note {i} on the Amur flotilla. "
                                                                 for i in range(600)))
    handlers.build.start()
    report, _ = handlers.calibrate()
    handlers.build.wait()
    assert "rebuild is running" in report


def run(capsys, *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return code, captured.out + captured.err


@pytest.mark.parametrize(("content", "message"), [
    ("", "is empty"),
    ('{"question": "How?", "expect": "x"}\n{not json\n', "line 2 is not JSON"),
    ('{"question": "How?"}\n', 'either "expect"'),
    ('{"question": "How?", "expect": "x", "unanswerable": true}\n', 'either "expect"'),
    ('["How?"]\n', 'needs a "question"'),
    ('{"question": "Who won the Battle of Khalkhin Gol?", "expect": "Soviet"}\n' * 6, "at least 20"),
])
def test_bad_question_files_give_clear_errors_and_keep_the_fit(calibrated, tmp_path, capsys, content, message):
    config, _, path = calibrated
    before = path.read_bytes()
    bad = tmp_path / "bad.jsonl"
    bad.write_text(content, encoding="utf-8")
    code, out = run(capsys, "calibrate", "--questions", str(bad), "--index", str(config.index_dir))
    assert code == 2 and message in out, out
    assert path.read_bytes() == before


def test_missing_inputs_give_clear_errors(calibrated, tmp_path, capsys):
    config, _, _ = calibrated
    code, out = run(capsys, "calibrate", "--questions", str(tmp_path / "none.jsonl"), "--index", str(config.index_dir))
    assert code == 2 and "No question file" in out
    code, out = run(capsys, "calibrate", "--index", str(tmp_path / "no-index"))
    assert code == 2 and "No index" in out, out
    code, out = run(capsys, "calibrate", "--index", str(config.index_dir))  # no feedback file beside it yet
    assert code == 2 and "Nothing to calibrate on" in out and "calibration in use stays" in out
    with pytest.raises(QAError, match="at least 20"):
        calibration_fit.check_enough([])


def test_other_answering_settings_make_the_fit_stale(calibrated):
    config, _, _ = calibrated
    idx = load_index(config.index_dir, config)
    assert calibration.status(idx, config.with_(workers=3)).kind == "own"  # not an answering setting
    state = calibration.status(idx, config.with_(abstain_threshold=0.5))
    assert state.kind == "stale" and "no longer computes" in state.message


def test_cli_status_and_eval_of_a_question_file(calibrated, tmp_path, capsys):
    config, fit, _ = calibrated
    code, out = run(capsys, "calibrate", "--status", "--index", str(config.index_dir))
    assert code == 0 and "calibrated on this index's own" in out
    assert "the fit weighs the shipped confidence" in " ".join(out.split())  # what it weighs, in words
    code, out = run(capsys, "eval", str(question_file(tmp_path / "q.jsonl")), "--index", str(config.index_dir))
    assert code == 0 and "shipped" in out and "own" in out and "unanswerable abstained" in out
    code, out = run(capsys, "calibrate", "--questions", str(tmp_path / "q.jsonl"), "--index", str(config.index_dir),
                    "--dry-run")
    assert code == 0 and "Not written" in out and calibration.read(config.index_dir) == fit
    weight = fit.weights[0]
    assert f"the shipped confidence (confidence_logit, weight {weight:+.2f})" in out  # each input named, weighed


def test_a_damaged_fit_is_reported_and_not_used(default_config, tmp_path):
    config = copy_of(default_config, tmp_path)
    (config.index_dir / "calibration.json").write_text('{"format": "qa-calibration", "format_version": 1}')
    idx = load_index(config.index_dir, config)
    state = calibration.status(idx)
    assert state.kind == "stale" and "damaged" in state.message
    question = NATURAL[1]["question"]
    shipped = config.with_(own_calibration=False)
    assert ask(question, index=idx, config=config) == ask(question, index=idx, config=shipped)


def test_calibration_note():
    assert ui.calibration_note({"kind": "shipped", "message": "m"}) == ""
    own = ui.calibration_note({"kind": "own", "examples": 60, "fitted_at": "2026-12-04T20:00:00Z"})
    assert "calibrated on this collection's own 60 questions" in own and "2026-12-04" in own
    assert "&lt;b&gt;" in ui.calibration_note({"kind": "stale", "message": "<b>out of date</b>"})


def test_the_web_app_and_health_say_when_the_own_fit_is_used(calibrated, tmp_path):
    config, _, _ = calibrated
    shutil.copytree(config.corpus_dir, tmp_path / "corpus")
    shutil.copytree(config.index_dir, tmp_path / "index")
    process, url, _ = start_app(tmp_path)
    try:
        page = httpx.get(url, timeout=60).text
        assert "calibrated on this collection" in page
        health = httpx.get(url + "api/health", timeout=60).json()
        assert health["calibration"]["kind"] == "own"
        assert health["calibration"]["examples"] == len(NATURAL) + len(UNANSWERABLE)
    finally:
        stop_app(process)


def test_the_mcp_document_list_says_which_calibration_answers_use(calibrated, default_config):
    from qa.mcp_server import make_server

    from ..test_mcp import call

    config, _, _ = calibrated
    own = call(make_server(config), "list_documents", {}).structured_content["calibration"]
    assert own["kind"] == "own" and own["threshold"] > 0
    shipped = call(make_server(default_config), "list_documents", {}).structured_content["calibration"]
    assert shipped["kind"] == "shipped" and "qa calibrate" in shipped["message"]


def test_keep_sets_the_threshold_to_answer_that_share_of_right_answers(calibrated, tmp_path):
    config, fit, path = calibrated
    before = path.read_bytes()
    kept, written = calibrate(config, questions=question_file(tmp_path / "q.jsonl"), keep=1.0, write=False)
    cv = (kept.data or {})["after_cross_validated"]
    assert written is None and cv["right_answered"] == cv["right"] and kept.threshold <= fit.threshold
    assert path.read_bytes() == before
    assert (kept.data or {})["command"].endswith(f"--questions {(tmp_path / 'q.jsonl').resolve()} --keep 1")
    with pytest.raises(QAError, match="--keep takes a share"):
        calibrate(config, questions=tmp_path / "q.jsonl", keep=1.5, write=False)


def test_an_own_fit_that_weighs_a_doubt_reads_it_from_each_answer(default_config, tmp_path):
    # A fit on the doubt alone: answers whose first quote lacks the asked kind fall below the threshold.
    config = copy_of(default_config, tmp_path)
    idx = load_index(config.index_dir, config)
    fit = calibration.OwnFit(("confidence_logit", "kind_missing"), (1.0, -4.0), 0.0, 0.2,
                             calibration.documents_sha256(idx), calibration.base_sha256(config), fitted_at="now")
    calibration.save(fit, config.index_dir)
    shipped = config.with_(own_calibration=False)
    lacking = answering = 0
    for question in [q["question"] for q in NATURAL[:20]] + ["Who commanded the Soviet gunboats at Kanchazu?"]:
        ranking = rank(idx, question, config=shipped)
        values = calibration.inputs(idx, ranking)
        own = ask(question, index=idx, config=config)
        assert own.confidence == round(fit.probability(values), 4)
        if ranking.spans and values["kind_missing"]:
            lacking += 1
            assert own.confidence < ranking.confidence and own.abstained
        elif ranking.spans:
            answering += 1
            assert own.confidence == round(ranking.confidence, 4)
    assert lacking and answering  # both paths were read
