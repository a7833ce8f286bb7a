"""The parts of the web app that are plain Python: rendering details, follow-up threads, export,
feedback (file and CLI), document removal, and a rebuild cancelled part-way on a real index."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import threading

import pytest

from qa import Config, build_index
from qa.answering import followup
from qa.app import export, feedback, ui
from qa.app.removal import remove_from_corpus
from qa.errors import BuildCancelled, CorpusError, QAError

from ..conftest import CORPUS, ROOT


def quote(text: str, **changes) -> dict:
    return {"text": text, "source": "notes/a.txt", "title": "A long blog title: with a subtitle that goes on",
            "section": "Intro", "kind": "blog", "start": 5, "end": 5 + len(text), "score": 1.0,
            "context": f"Pre. {text} Post.", "context_start": 0, "doc_sha256": "abcdef0123456789", "line": 3,
            "page": None, **changes}


def answer(quotes: list[dict], **changes) -> dict:
    return {"question": "When?", "abstained": False, "conflict": False, "conflict_note": None, "confidence": 0.9,
            "quotes": quotes, "related": [], **changes}


@pytest.mark.parametrize(("p", "conflict", "word"), [
    (0.6, False, "medium"), (0.2, False, "low"), (0.95, True, "medium"), (0.3, True, "low"),
])
def test_confidence_words_come_from_the_probability_and_never_say_high_on_a_conflict(p, conflict, word):
    assert ui.confidence_label(p, conflict=conflict) == word


def test_high_starts_where_held_out_accuracy_reaches_0_9():
    """The "high" floor is fitted (qa.training.doubt_train.high_floor, the scoring file's confidence.high); at
    1.0 no band earned "high"."""
    from qa import Config
    from qa.answering.scoring import scoring_for

    floor = max(scoring_for(Config()).high, Config().confidence_levels[0][0])
    assert ui.confidence_label(floor) == "high" and ui.confidence_label(floor, conflict=True) == "medium"
    assert ui.confidence_label(floor - 0.01) == "medium"


def test_citation_links_to_the_span_and_the_original_page_safely():
    html = ui.answer_html(answer([quote("It ended.", url="https://example.org/a?x=1&y=2")]))
    assert 'href="#source=notes%2Fa.txt&amp;start=5&amp;end=14&amp;sha=abcdef012345"' in html
    assert 'href="https://example.org/a?x=1&amp;y=2" target="_blank" rel="noopener noreferrer"' in html
    assert ">[1] A long blog title</a>" in html  # the subtitle is left to the preview
    assert 'href="javascript:' not in ui.answer_html(answer([quote("x", url="javascript:alert(1)")]))


def test_copy_and_export_carry_the_citation_and_url():
    q = quote("It ended.", url="https://example.org/a", date="2022-12-07")
    assert export.quote_with_citation(q) == ("“It ended.”\n— A long blog title: with a subtitle that goes on, "
                                             "section “Intro”, notes/a.txt, line 3, 2022-12-07, https://example.org/a")
    turns = [{"question": "When did it end?", "follows": "What was it?", "answer": answer([q])},
             {"question": "Who painted it?", "answer": answer([], abstained=True, related=[quote("Near.")])}]
    md = export.conversation_markdown(turns)
    assert "## When did it end?\n\n*Searched together with the earlier question “What was it?”.*" in md
    assert "> It ended.\n\n[1] A long blog title" in md
    assert "## Who painted it?\n\nThe documents do not answer this question." in md and "- “Near.” — " in md
    assert ui.esc(md) in ui.conversation_html(turns)  # what the Export button downloads


def test_conflict_columns_have_headers_and_marked_values():
    html = ui.answer_html(answer([quote("It lasted five years."), quote("It lasted a full decade.", source="b.txt",
                                                                        title="Other")],
                                 question="How long did it last?", conflict=True, conflict_note="differ"))
    assert html.count('<h3 class="qa-side-head">') == 2 and "says five years" in html and "says a full decade" in html
    assert '<mark class="qa-diff">five years</mark>' in html and '<mark class="qa-diff">a full decade</mark>' in html
    assert "Confidence: medium — the sources disagree" in html


def test_a_source_that_dates_the_start_and_end_says_those_dates():
    html = ui.answer_html(answer([quote("It was signed on 13 April 1941."), quote("It expired on April 13, 1946."),
                                  quote("It lasted a full decade.", source="b.txt", title="Other")],
                                 question="How long did it last?", conflict=True, conflict_note="differ"))
    assert "says 13 April 1941, April 13, 1946" in html and "says a full decade" in html
    assert '<mark class="qa-diff">13 April 1941</mark>' in html


def test_abstention_related_passages_are_collapsed_one_line_each():
    html = ui.answer_html(answer([], abstained=True, related=[quote("Near one."), quote("Near two.")]))
    assert '<details class="qa-related"><summary>Related passages (2)' in html and "<details open" not in html
    assert html.count('<li><span class="qa-line">') == 2 and "<blockquote>" not in html


def test_conversation_is_a_live_region_with_question_headings_and_feedback():
    turns = [{"question": "Q <1>?", "answer": answer([quote("A.")])}]
    html = ui.conversation_html(turns)
    assert 'role="log" aria-live="polite"' in html and '<h2 class="qa-q" id="qa-q-0">Q &lt;1&gt;?</h2>' in html
    assert 'data-verdict="down"' in html
    assert "qa-vote" not in ui.conversation_html(turns, feedback=False)


def test_follow_up_threads_and_abstentions():
    known = {"battle", "khasan", "lake", "end"}.__contains__
    first = followup.new_turn("What was the Battle of Lake Khasan?", [], known=lambda w: known(w.lower()))
    assert first["follows"] is None and first["anchor"] == "What was the Battle of Lake Khasan?"
    answered = [{**first, "answer": {"abstained": False}}]
    second = followup.new_turn("When did it end?", answered, known=lambda w: True)
    assert second["follows"] == "What was the Battle of Lake Khasan?"
    assert second["query"] == "When did it end? Battle Lake Khasan"
    abstained = [*answered, {**followup.new_turn("Who painted the Mona Lisa?", answered, known=lambda w: True),
                             "answer": {"abstained": True}}]
    third = followup.new_turn("When was it painted?", abstained, known=lambda w: True)
    assert third["follows"] is None and third["query"] == "When was it painted?"


def test_feedback_file_summary_and_cli(tmp_path):
    config = Config(index_dir=tmp_path / "index")
    path = feedback.feedback_path(config)
    assert path == tmp_path / "data" / "feedback.jsonl"
    turn = {"question": "When?", "query": "When? Khasan", "answer": answer([quote("It ended.")])}
    feedback.record(path, feedback.entry(turn, "up", None, build="build-1"))
    feedback.record(path, feedback.entry(turn, "down", "  too   vague ", build="build-2"))
    with path.open("a") as f:
        f.write("{not json\n")
    lines = [json.loads(x) for x in path.read_text().splitlines()[:2]]
    assert lines[1]["note"] == "too vague" and lines[1]["quotes"][0] == {
        "source": "notes/a.txt", "start": 5, "end": 14, "doc_sha256": "abcdef0123456789", "text": "It ended."}
    with pytest.raises(QAError, match="Feedback must be one of up, down"):
        feedback.entry(turn, "meh", None, build="b")
    out = subprocess.run([sys.executable, "-m", "qa", "feedback", "--index", str(config.index_dir), "--json"],
                         cwd=ROOT, capture_output=True, text=True, check=True, timeout=120)
    summary = json.loads(out.stdout)
    assert (summary["entries"], summary["up"], summary["down"], summary["unreadable_lines"]) == (2, 1, 1, 1)
    assert summary["by_build"] == {"build-1": {"up": 1, "down": 0}, "build-2": {"up": 0, "down": 1}}
    assert summary["notes"] == [{"verdict": "down", "question": "When?", "note": "too vague"}]
    text = subprocess.run([sys.executable, "-m", "qa", "feedback", "--file", str(path)], cwd=ROOT,
                          capture_output=True, text=True, check=True, timeout=120).stdout
    assert "Entries: 2   up: 1   down: 1 (50% up)" in text
    missing = subprocess.run([sys.executable, "-m", "qa", "feedback", "--file", str(tmp_path / "none.jsonl")],
                             cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert missing.returncode == 2 and "No feedback yet" in missing.stderr and "Traceback" not in missing.stderr


def test_remove_from_corpus_moves_the_file_and_its_sidecar(tmp_path):
    config = Config(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index")
    (tmp_path / "corpus" / "sub").mkdir(parents=True)
    (tmp_path / "corpus" / "sub" / "a.txt").write_text("text")
    (tmp_path / "corpus" / "sub" / "a.txt.meta.json").write_text("{}")
    moved = remove_from_corpus("sub/a.txt", config)
    assert not (tmp_path / "corpus" / "sub" / "a.txt").exists() and moved.read_text() == "text"
    assert moved.parent == tmp_path / "data" / "removed" and moved.with_name(moved.name + ".meta.json").exists()
    for bad in ("../outside.txt", "sub/a.txt", "", "/etc/passwd"):
        with pytest.raises(CorpusError):
            remove_from_corpus(bad, config)


def test_a_build_cancelled_part_way_leaves_the_live_index(tmp_path, default_config):
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    shutil.copytree(default_config.index_dir, tmp_path / "index")
    config = default_config.with_(corpus_dir=corpus, index_dir=tmp_path / "index")
    live = (config.index_dir / "CURRENT").read_text()
    # Distinct sentences enough for several chunks and several embedding batches.
    (corpus / "extra.txt").write_text(" ".join(f"The Quimby Lighthouse was repainted in {1700 + i}."
                                               for i in range(300)))
    seen, cancel = [], threading.Event()

    def cancel_when_embedding(fraction: float, message: str) -> None:
        seen.append(message)
        if message.startswith("Embedding"):
            cancel.set()  # what the Cancel button does

    with pytest.raises(BuildCancelled):
        build_index(config, on_progress=cancel_when_embedding, cancel=cancel)
    assert (config.index_dir / "CURRENT").read_text() == live
    assert sorted(p.name for p in config.index_dir.iterdir() if p.name.startswith("build-")) == [live.split()[0]]
    # Only the new file is read: the two others stat as the live index recorded them (a copy keeps the times).
    assert any(m.startswith("Reading documents: 1 of 1 (extra.txt)") for m in seen)
    assert any(m.startswith("Chunking documents") for m in seen)
    # Cancelled after the first batch: the last word heard is a batch done, short of the whole.
    done = re.match(r"Embedding (\d+) texts: (\d+) done", seen[-1])
    assert done and 0 < int(done.group(2)) < int(done.group(1))


def test_the_browser_conversation_key_outlives_a_restart(tmp_path):
    from qa.app.keys import browser_key

    config = Config(index_dir=tmp_path / "index")
    assert browser_key(config, read_only=True) is None  # read-only writes nothing
    key = browser_key(config, read_only=False)
    assert key and browser_key(config, read_only=True) == key == browser_key(config, read_only=False)
    assert (tmp_path / "data" / "browser-state.key").stat().st_mode & 0o777 == 0o600


def test_a_background_rebuild_reports_and_refuses_a_second_start(tmp_path, default_config):
    from qa.app.rebuild import Rebuild

    shutil.copytree(default_config.index_dir, tmp_path / "index")
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    # Distinct sentences enough for several chunks and several embedding batches.
    (corpus / "extra.txt").write_text(" ".join(f"The Quimby Lighthouse was repainted in {1700 + i}."
                                               for i in range(300)))
    rebuild = Rebuild(default_config.with_(corpus_dir=corpus, index_dir=tmp_path / "index"))
    rebuild.start()
    with pytest.raises(QAError, match="already running"):
        rebuild.start()
    state = rebuild.wait(300)
    assert state.done and state.error is None and state.report.reembedded == ("extra.txt",)
    assert not rebuild.cancel()  # nothing left to cancel
