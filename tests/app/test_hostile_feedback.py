"""Feedback is untrusted input: a crafted event stores only what the server answered, the summary
survives any line a client can cause, reading streams the file, and a write failure is a QAError."""
from __future__ import annotations

import json
import subprocess
import sys
from types import SimpleNamespace

import pytest

from qa import Config, QAError
from qa.app import feedback

from ..conftest import ROOT, index_of
from ..hostile_files import run_measured

QUESTION = "When did the bridge open?"


@pytest.fixture(scope="module")
def handlers(tmp_path_factory):
    from qa.app.handlers import Handlers

    base = tmp_path_factory.mktemp("feedback")
    index = index_of(base, {"bridge.txt": "The bridge opened in 1932. It is made of iron.",
                            "mill.txt": "The mill was built in 1901. It burned down in 1950."})
    return Handlers(index.config)


def _asked(h) -> list[dict]:
    _, history, _, error = h.respond(QUESTION, 3, [], [])
    assert not error and history[-1]["id"]
    return history


def _lines(h) -> list[dict]:
    path = feedback.feedback_path(h.config)
    return [json.loads(x) for x in path.read_text().splitlines()] if path.exists() else []


def test_feedback_comes_from_the_servers_record(handlers):
    history = _asked(handlers)
    before = len(_lines(handlers))
    forged = json.loads(json.dumps(history))
    forged[0]["question"] = "x" * 2_000_000
    forged[0]["answer"]["quotes"] = [{**forged[0]["answer"]["quotes"][0], "text": "Made-up words " * 10_000}] * 20
    _, _kept, error = handlers.record_feedback(forged, SimpleNamespace(turn=0, verdict="down", note=["not", "text"]))
    assert error == ""
    line = _lines(handlers)[before]
    assert line["question"] == QUESTION and line["note"] is None and line["verdict"] == "down"
    index = handlers.index()
    assert line["quotes"] and "unverified" not in line
    for q in line["quotes"]:
        assert index.documents[q["source"]].text[q["start"]:q["end"]] == q["text"]
    assert len(json.dumps(line)) < 5_000


@pytest.mark.parametrize("evt", [SimpleNamespace(turn="0", verdict="up"), SimpleNamespace(turn=10**9, verdict="up"),
                                 SimpleNamespace(turn=0, verdict=["up"])])
def test_malformed_events_write_nothing(handlers, evt):
    history = _asked(handlers)
    before = len(_lines(handlers))
    out = handlers.record_feedback(history, evt)
    assert len(_lines(handlers)) == before
    assert "Traceback" not in str(out)


def test_an_answer_the_server_did_not_give_cannot_be_rated(handlers):
    history = _asked(handlers)
    before = len(_lines(handlers))
    for turn_id in ("made-up", None, ["list"], {"a": 1}):
        _, _, error = handlers.record_feedback([{**history[0], "id": turn_id}], SimpleNamespace(turn=0, verdict="up"))
        assert "cannot be rated" in error
    assert len(_lines(handlers)) == before


def test_a_history_of_the_wrong_shape_is_dropped(handlers):
    _, history, _, error = handlers.respond(QUESTION, 3, [], "not a list")
    assert not error and len(history) == 1
    _, history, _, error = handlers.respond(QUESTION, 3, [], [{"question": ["x"]}, 5, None, {"answer": "y"}])
    assert not error and len(history) == 1


def test_quotes_that_do_not_match_the_index_are_left_out(handlers):
    index = handlers.index()
    doc = index.documents["bridge.txt"]
    good = {"source": "bridge.txt", "start": 0, "end": 26, "doc_sha256": doc.sha256, "text": doc.text[:26]}
    bad = [{**good, "text": "The bridge opened in 2032."}, {**good, "source": "nowhere.txt"}, {**good, "start": "0"},
           {**good, "doc_sha256": "0" * 64}]
    turn = {"question": QUESTION, "answer": {"abstained": False, "conflict": False, "confidence": 0.5,
                                             "quotes": [good, *bad] + [good] * 30}}
    line = feedback.entry(turn, "up", None, build="b", index=index, max_quotes=20)
    assert line["quotes"][0] == good and len(line["quotes"]) == 16 and line["unverified"] == 3
    with pytest.raises(QAError, match="not one this server gave"):
        feedback.entry({"question": ["x"], "answer": {}}, "up", None, build="b")


def test_summary_survives_any_line(tmp_path):
    path = tmp_path / "feedback.jsonl"
    good = {"verdict": "down", "question": "Why?", "note": "vague", "abstained": True, "build": "b1"}
    lines = [json.dumps(good), json.dumps({**good, "question": ["a", "list"]}), json.dumps({**good, "note": 5}),
             json.dumps({**good, "build": {"x": 1}}), json.dumps({**good, "abstained": "yes"}),
             json.dumps({**good, "verdict": ["up"]}), json.dumps([1, 2]), "[" * 100_000, "{not json",
             json.dumps({**good, "question": "y" * (feedback.MAX_LINE_CHARS + 10)}), "\udcff",
             json.dumps({"verdict": "up"})]
    path.write_text("\n".join(lines) + "\n", errors="surrogateescape")
    out = subprocess.run([sys.executable, "-m", "qa", "feedback", "--file", str(path), "--json"], cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    summary = json.loads(out.stdout)
    assert (summary["entries"], summary["up"], summary["down"]) == (2, 1, 1)
    assert (summary["unreadable_lines"], summary["wrong_type_lines"]) == (4, 6)
    text = subprocess.run([sys.executable, "-m", "qa", "feedback", "--file", str(path)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert text.returncode == 0 and "wrong type (skipped): 6" in text.stdout and "Traceback" not in text.stderr


def test_reading_streams_the_file(tmp_path):
    """A 60 MB feedback file: the summary's peak memory stays far below the file's size times the
    3-5x that reading it whole would cost."""
    path = tmp_path / "feedback.jsonl"
    with path.open("w") as f:
        for i in range(30_000):
            f.write(json.dumps({"verdict": "up", "question": f"q{i} " + "x" * 2_000, "note": None}) + "\n")
    assert path.stat().st_size > 60_000_000
    status, peak, out, _ = run_measured([sys.executable, "-m", "qa", "feedback", "--file", str(path), "--json"],
                                        cwd=ROOT)
    assert status == 0 and json.loads(out)["entries"] == 30_000
    assert peak < 150_000_000


def test_a_write_failure_is_a_qa_error(tmp_path):
    blocker = tmp_path / "data"
    blocker.write_text("a file where the folder should be")
    with pytest.raises(QAError, match=r"could not be saved to .*Check that its folder is writable"):
        feedback.record(blocker / "feedback.jsonl", {"verdict": "up"})
    assert feedback.feedback_path(Config(index_dir=tmp_path / "index")).parent == blocker
