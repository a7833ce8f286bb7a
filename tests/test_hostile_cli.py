"""What the CLI prints from hostile documents and input: control characters escaped, JSON exact, an
undecodable question a clear error."""
from __future__ import annotations

import json

from .hostile_corpus import (
    EVIL_KIND,
    EVIL_TITLE,
    _run,
)


def test_cli_printers_escape_control_characters(hostile):
    """Titles, kinds and names from documents never reach the terminal as escape sequences."""
    config, build = hostile
    docs = _run("docs", "--index", str(config.index_dir))
    answer = _run("ask", "When was the evil tower built?", "--index", str(config.index_dir))
    for out in (build, docs, answer):
        assert out.returncode == 0, out.stderr
        for stream in (out.stdout.decode(), out.stderr.decode()):
            assert not any(ch in stream for ch in "\x1b\x07\x9b"), stream[:2000]
    assert b"\\x1b]0;PWNED\\x07\\x1b[2J Evil tower" in docs.stdout
    assert b"blog\\x1b[31m" in answer.stdout and b"The evil tower was built in 1999." in answer.stdout
    assert b"new\\nline.txt: the file name holds control characters" in build.stdout


def test_feedback_summary_escapes_what_web_users_typed(tmp_path, capsys):
    from qa.cli import main

    entry = {"verdict": "down", "question": "q\x1b]0;PWNED\x07", "note": "\x1b[2J wrong", "build": "b"}
    (tmp_path / "feedback.jsonl").write_text(json.dumps(entry) + "\n")
    assert main(["feedback", "--file", str(tmp_path / "feedback.jsonl")]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out and "[down] q\\x1b]0;PWNED\\x07: \\x1b[2J wrong" in out


def test_json_output_stays_exact(hostile):
    out = _run("docs", "--index", str(hostile[0].index_dir), "--json")
    rows = {r["source"]: r for r in json.loads(out.stdout)}
    assert (rows["evil.txt"]["title"], rows["evil.txt"]["kind"]) == (EVIL_TITLE, EVIL_KIND)


def test_cli_undecodable_question_is_a_clear_error(hostile):
    """Invalid UTF-8 in argv gives a QuestionError saying so, not a traceback."""
    out = _run("ask", b"when \xff was it?", "--index", str(hostile[0].index_dir))
    assert out.returncode == 2
    assert b"error: The question holds bytes that are not valid UTF-8 (byte 0xff at position 5)" in out.stderr
    assert b"Traceback" not in out.stderr
