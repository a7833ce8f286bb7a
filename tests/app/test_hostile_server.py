"""The server closed: on a started ``--auth --read-only`` app, Gradio routes it does not use answer
404 with or without a login, oversized bodies 413, and a fake Hugging Face hub on 127.0.0.1 (where a
saved hub token would be sent) receives nothing."""
from __future__ import annotations

import http.client
import http.server
import threading
import urllib.parse
import urllib.request
from typing import ClassVar

import pytest

from qa.app.guard import CLOSED, closed

from ..conftest import index_of, start_app, stop_app

USER, PASSWORD = "reader", "s3cret"
CLOSED_ROUTES = [("GET", "/gradio_api/run-history/buckets"), ("POST", "/gradio_api/run-history/connect"),
                 ("GET", "/gradio_api/run-history/records"), ("GET", "/gradio_api/runs"),
                 ("POST", "/gradio_api/process_recording"), ("GET", "/monitoring/summary"),
                 ("GET", "/gradio_api/dev/reload")]


class _Hub(http.server.BaseHTTPRequestHandler):
    seen: ClassVar[list[str]] = []

    def _any(self) -> None:
        _Hub.seen.append(f"{self.command} {self.path}")
        body = b'{"buckets": []}'
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_HEAD = _any

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def hub():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Hub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    urllib.request.urlopen(f"{url}/api/whoami-v2", timeout=10).read()  # the control: it does record requests
    assert _Hub.seen == ["GET /api/whoami-v2"]
    _Hub.seen.clear()
    yield url
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def app(tmp_path_factory, hub):
    """app.py --auth --read-only, with a hub token saved for it and the hub pointed at the fake one."""
    base = tmp_path_factory.mktemp("closed")
    index_of(base, {"bridge.txt": "The bridge opened in 1932. It is made of iron."})
    mp = pytest.MonkeyPatch()
    mp.setenv("HF_ENDPOINT", hub)
    mp.setenv("HF_TOKEN", "hf_" + "x" * 34)
    mp.delenv("HF_HUB_OFFLINE", raising=False)  # nothing stops the app from calling the hub but the guard
    try:
        process, url, _ = start_app(base, "--auth", f"{USER}:{PASSWORD}", "--read-only", timeout=240)
    finally:
        mp.undo()
    yield urllib.parse.urlsplit(url).port
    stop_app(process)


def _request(port: int, method: str, path: str, body: bytes | None = None, headers: dict | None = None,
             chunked: bool = False) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        if chunked:
            conn.request(method, path, body=iter([body or b""]), headers=headers or {}, encode_chunked=True)
        else:
            conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read()
    except (ConnectionResetError, BrokenPipeError):  # refused before the body was all sent
        return 413, b""
    finally:
        conn.close()


def _login(port: int) -> dict[str, str]:
    body = urllib.parse.urlencode({"username": USER, "password": PASSWORD}).encode()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("POST", "/login", body=body, headers={"content-type": "application/x-www-form-urlencoded"})
    response = conn.getresponse()
    response.read()
    cookies = [v.split(";")[0] for k, v in response.getheaders() if k.lower() == "set-cookie"]
    conn.close()
    assert response.status < 400 and cookies, response.status
    return {"cookie": "; ".join(cookies)}


def test_closed_routes_pure():
    assert closed("/gradio_api/run-history/records/x/y/assets/z") and closed("/gradio_api/process_recording/")
    assert not closed("/gradio_api/queue/join") and not closed("/gradio_api/file=/tmp/runs/x")
    assert {"runs", "run-history", "process_recording"} <= CLOSED


@pytest.mark.parametrize("logged_in", [False, True])
def test_unused_routes_are_refused(app, hub, logged_in):
    headers = _login(app) if logged_in else {}
    for method, path in CLOSED_ROUTES:
        body = b'{"bucket_id": "someone/bucket"}' if method == "POST" else None
        status, _ = _request(app, method, path, body, {**headers, "content-type": "application/json"})
        assert status == 404, (method, path, status)
    recording = b"--b\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.wav\"\r\n\r\n" + \
        b"\0" * 3_000_000 + b"\r\n--b--\r\n"
    status, _ = _request(app, "POST", "/gradio_api/process_recording", recording,
                         {**headers, "content-type": "multipart/form-data; boundary=b"})
    assert status == 404
    assert _Hub.seen == []


def test_oversized_bodies_are_refused(app):
    headers = {**_login(app), "content-type": "application/json"}
    big = b'{"data": ["' + b"x" * 5_000_000 + b'"]}'
    assert _request(app, "POST", "/gradio_api/queue/join", big, headers)[0] == 413
    assert _request(app, "POST", "/gradio_api/queue/join", big, headers, chunked=True)[0] == 413
    status, _ = _request(app, "POST", "/gradio_api/queue/join", b'{"data": []}', headers)
    assert status != 413  # a small body reaches Gradio (which judges it)


def test_login_and_pages_still_work(app, hub):
    headers = _login(app)
    assert _request(app, "GET", "/config", None, headers)[0] == 200
    assert _request(app, "GET", "/config")[0] in (401, 403)
    assert _Hub.seen == []
