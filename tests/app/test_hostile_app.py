"""Hostile uploads and requests to the web app: names kept inside the corpus, files checked on arrival,
bounded counts and sizes, uploads closed when read-only, slowed logins, clear /ask errors."""
from __future__ import annotations

import json
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from qa import (
    Config,
)

from ..conftest import ROOT, start_app, stop_app


def _upload(tmp_path: Path, name: str, data: bytes) -> Path:
    folder = tmp_path / "upload"
    folder.mkdir(exist_ok=True)
    (folder / "file").write_bytes(data)
    return folder / "file"


@pytest.mark.parametrize(("name", "stored"), [
    ("../../x.txt", "x.txt"), ("/etc/passwd.txt", "passwd.txt"), ("..\\..\\win.txt", "win.txt"),
    ("a\nb\x1b.txt", "a-b-.txt"), (".bashrc.md", "bashrc.md"),
])
def test_upload_names_stay_inside_the_corpus(tmp_path, name, stored):
    from qa.app.uploads import add_uploads

    config = Config(corpus_dir=tmp_path / "corpus")
    added, refused = add_uploads([_upload(tmp_path, name, b"Some text.")], config, names=[name])
    assert refused == [] and [p.name for p in added] == [stored]
    assert added[0].resolve().parent == config.corpus_dir.resolve()
    assert sorted(p.name for p in config.corpus_dir.iterdir()) == [stored]


@pytest.mark.parametrize(("name", "data", "message"), [
    ("run.exe", b"MZ\x90\x00", "run.exe: only .txt .md .rst "),
    ("big.txt", b"x" * 1001, "big.txt is 1,001 bytes; the limit is 1,000 bytes."),
    ("empty.txt", b"", "empty.txt was not added: empty file."),
    ("pic.txt", b"\x89PNG\r\n\x1a\n\x00\x00", "pic.txt was not added: binary file (NUL bytes)."),
    ("latin.txt", b"caf\xe9", "latin.txt was not added: not valid UTF-8 text (bad byte at offset 3)"),
    ("bad.pdf", b"%PDF-1.4 garbage", "bad.pdf was not added: corrupt PDF"),
    ("blank.html", b"<p> </p><script>x()</script>", "blank.html was not added: no visible text."),
])
def test_uploads_are_checked_on_arrival(tmp_path, name, data, message):
    """Uploads that the build would skip, or that are over the size limit, are refused."""
    from qa.app.uploads import add_uploads

    config = Config(corpus_dir=tmp_path / "corpus", max_file_bytes=1000)
    added, refused = add_uploads([_upload(tmp_path, name, data)], config, names=[name])
    assert added == [] and len(refused) == 1 and refused[0].startswith(message)
    assert not config.corpus_dir.exists() or not any(config.corpus_dir.iterdir())


def test_upload_count_and_corpus_size_are_bounded(tmp_path):
    """No more than max_upload_files at once, and no more than max_corpus_bytes in all."""
    from qa.app.uploads import add_uploads
    from qa.errors import CorpusError

    config = Config(corpus_dir=tmp_path / "corpus", max_upload_files=3, max_corpus_bytes=60)
    many = [tmp_path / f"{i}.txt" for i in range(4)]
    for path in many:
        path.write_text("Some text.")
    with pytest.raises(CorpusError, match=r"4 files at once; the limit is 3\. Add them in smaller batches\."):
        add_uploads(many, config)
    files = [tmp_path / name for name in ("a.txt", "b.txt", "c.txt")]
    for n, path in enumerate(files):
        path.write_text(f"Twenty-five bytes file {n}.")
    added, refused = add_uploads(files, config)
    assert [p.name for p in added] == ["a.txt", "b.txt"]
    assert refused == ["c.txt: the corpus is full (it may hold 10 bytes more). Remove documents from it, "
                       "or raise its size limit."]


@pytest.fixture(scope="module")
def locked_app(hostile):
    """app.py on the hostile index with --read-only and --auth."""
    base = hostile[0].corpus_dir.parent
    process, url, _ = start_app(base, "--read-only", "--auth", "reader:s3cret", timeout=240)
    yield url
    stop_app(process)


def _post(url: str, data: bytes, content_type: str) -> tuple[int, bytes, float]:
    request = urllib.request.Request(url, data=data, method="POST", headers={"Content-Type": content_type})
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read(), time.monotonic() - started
    except urllib.error.HTTPError as e:
        return e.code, e.read(), time.monotonic() - started


def test_upload_route_is_closed_when_read_only(locked_app):
    """/gradio_api/upload refuses files under --read-only."""
    body = (b"--B\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.txt\"\r\n"
            b"Content-Type: text/plain\r\n\r\nhello\r\n--B--\r\n")
    status, text, _ = _post(f"{locked_app}gradio_api/upload", body, "multipart/form-data; boundary=B")
    assert status == 403 and b"Uploads are off" in text


def test_failed_logins_are_slowed_down(locked_app):
    """Each failed login doubles the wait before that client's next attempt."""
    form = "application/x-www-form-urlencoded"
    for _ in range(3):  # waits 0, 0.25 and 0.5 s
        assert _post(f"{locked_app}login", b"username=reader&password=wrong", form)[0] == 400
    status, _, seconds = _post(f"{locked_app}login", b"username=reader&password=wrong", form)
    assert status == 400 and seconds >= 0.95  # the fourth attempt waited 1 s first
    status, text, _ = _post(f"{locked_app}login", b"username=reader&password=s3cret", form)
    assert status == 200 and b"success" in text


@pytest.mark.parametrize(("data", "message"), [
    (b'["x \\ud800", 3, null]', b"not valid Unicode text (a lone surrogate U+D800 at position 2)"),
    (b'["When?", 3.5, null]', b"k must be a whole number between 1 and 20 (got 3.5)"),
    (b'["When?", 3, "mill.md"]', b'"abstained"'),
])
def test_ask_route_gives_clear_errors(locked_app, data, message):
    """/ask answers a lone surrogate or a fractional k with the QuestionError's message."""
    import http.cookiejar

    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    login = urllib.request.Request(f"{locked_app}login", data=b"username=reader&password=s3cret", method="POST")
    assert opener.open(login, timeout=60).status == 200
    call = urllib.request.Request(f"{locked_app}gradio_api/call/ask", data=b'{"data": ' + data + b"}",
                                  method="POST", headers={"Content-Type": "application/json"})
    event = json.loads(opener.open(call, timeout=60).read())["event_id"]
    stream = opener.open(f"{locked_app}gradio_api/call/ask/{event}", timeout=120).read()
    assert message in stream and b"Traceback" not in stream


def test_chat_handler_refuses_a_lone_surrogate_before_rewriting_it(hostile):
    """The web UI's chat shows the QuestionError's message, not a bare "Error"."""
    pytest.importorskip("gradio")
    sys.path.insert(0, str(ROOT))
    from qa.app.handlers import Handlers

    shown = Handlers(hostile[0]).respond("and then \ud800?", 3, [], [])
    assert "not valid Unicode text (a lone surrogate U+D800 at position 9)" in shown[-1]
