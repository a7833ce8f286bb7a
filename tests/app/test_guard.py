"""qa.app.guard, as plain ASGI: closed routes answer 404, uploads 403 under --read-only, bodies over the limit
413 (by stated length and as they arrive), and failed logins wait longer each time until one succeeds."""
from __future__ import annotations

import asyncio
import json

import pytest

from qa.app.guard import Guard, LoginThrottle, closed


def _run(guard: Guard, path: str, *, method: str = "GET", chunks: tuple[bytes, ...] = (b"",),
         length: int | None = None) -> tuple[int, bytes, bytes]:
    """Send one request through ``guard``; (status, body, what the app behind it read)."""
    sent: list[dict] = []
    seen: list[bytes] = []
    messages = [{"type": "http.request", "body": c, "more_body": i < len(chunks) - 1} for i, c in enumerate(chunks)]

    async def receive():
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)

    async def app(scope, receive, send):
        message = await receive()
        seen.append(message.get("body", b""))
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    headers = [] if length is None else [(b"content-length", str(length).encode())]
    scope = {"type": "http", "path": path, "method": method, "headers": headers, "client": ("10.0.0.1", 1)}
    asyncio.run(Guard(app, **guard).__call__(scope, receive, send) if isinstance(guard, dict)
                else guard(scope, receive, send))
    return sent[0]["status"], sent[1]["body"], b"".join(seen)


@pytest.mark.parametrize("path, shut", [
    ("/gradio_api/run-history/buckets", True), ("/monitoring/key", True), ("/gradio_api/vibe-edit", True),
    ("/gradio_api/queue/join", False), ("/", False), ("/gradio_api/upload", False),
])
def test_routes_the_app_does_not_use_are_closed(path, shut):
    assert closed(path) is shut
    status, body, _ = _run({}, path)
    assert (status == 404) is shut
    if shut:
        assert json.loads(body) == {"detail": "Not found."}


def test_read_only_closes_uploads_only():
    status, body, _ = _run({"read_only": True}, "/gradio_api/upload", method="POST")
    assert status == 403 and b"--read-only" in body
    assert _run({"read_only": True}, "/gradio_api/queue/join", method="POST")[0] == 200


def test_bodies_over_the_limit_are_refused_and_others_reach_the_app_whole():
    assert _run({"max_body": 10}, "/api/ask", method="POST", chunks=(b"x" * 11,), length=11)[0] == 413
    assert _run({"max_body": 10}, "/api/ask", method="POST", chunks=(b"xxxxxx", b"xxxxxx"))[0] == 413  # no length
    status, _, seen = _run({"max_body": 10}, "/api/ask", method="POST", chunks=(b"hello ", b"you"))
    assert status == 200 and seen == b"hello you"


def test_failed_logins_double_the_wait_up_to_a_cap_and_a_success_clears_it():
    throttle = LoginThrottle(base=0.25, cap=1.0)
    assert throttle.delay("a") == 0.0
    waits = []
    for _ in range(5):
        throttle.record("a", ok=False)
        waits.append(throttle.delay("a"))
    assert waits == [0.25, 0.5, 1.0, 1.0, 1.0]
    assert throttle.delay("b") == 0.0  # per client
    throttle.record("a", ok=True)
    assert throttle.delay("a") == 0.0


def test_the_throttle_forgets_the_oldest_clients_when_full():
    throttle = LoginThrottle(max_clients=20)
    for n in range(25):
        throttle.record(f"c{n}", ok=False)
    assert throttle.delay("c24") > 0 and throttle.delay("c0") == 0.0
