"""Server-level guards of the web app, as ASGI middleware in front of Gradio.

- Under ``--read-only`` the upload route answers 403: nothing can fill the server's upload cache.
- Gradio routes the app does not use answer 404, with or without a login: run history (which would
  reach the Hugging Face hub with the host's token), recording (ffmpeg on an upload), monitoring,
  development reload and the code editor.
- A request body larger than ``max_body`` bytes is refused with 413 on every route but upload (whose
  size Gradio limits to ``Config.max_file_bytes``); a body without a length is counted as it arrives.
- Failed logins are slowed down per client: each failure doubles a small delay (0.25 s, 0.5 s, ...
  up to 8 s) before that client's next attempt, and attempts from one client are taken one at a time,
  so parallel guesses queue behind each other. A success, or 15 quiet minutes, clears the count.
"""
from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any

Scope = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Awaitable[Any]], Callable[[Any], Awaitable[None]]], Awaitable[None]]


@dataclass
class LoginThrottle:
    """Failed-login counts per client, and the delay each client waits before its next attempt."""

    base: float = 0.25
    cap: float = 8.0
    forget_after: float = 900.0
    max_clients: int = 10_000
    _failures: dict[str, tuple[int, float]] = field(default_factory=dict)
    _locks: dict[str, asyncio.Lock] = field(default_factory=dict)

    def delay(self, client: str) -> float:
        count, last = self._failures.get(client, (0, 0.0))
        if count == 0 or time.monotonic() - last > self.forget_after:
            return 0.0
        return min(self.base * 2 ** (count - 1), self.cap)

    def record(self, client: str, *, ok: bool) -> None:
        if ok:
            self._failures.pop(client, None)
            return
        if len(self._failures) >= self.max_clients:
            self._forget_oldest()
        count = self._failures.get(client, (0, 0.0))[0] if self.delay(client) else 0
        self._failures[client] = (count + 1, time.monotonic())

    def lock(self, client: str) -> asyncio.Lock:
        if len(self._locks) >= self.max_clients:
            self._locks = {c: lk for c, lk in self._locks.items() if lk.locked()}
        return self._locks.setdefault(client, asyncio.Lock())

    def _forget_oldest(self) -> None:
        for client, _ in sorted(self._failures.items(), key=lambda kv: kv[1][1])[: self.max_clients // 10 or 1]:
            del self._failures[client]


#: First path segments (after ``/gradio_api``) of Gradio routes this app never uses.
CLOSED = frozenset({"runs", "run-history", "process_recording", "monitoring", "dev", "vibe-edit",
                    "undo-vibe-edit", "vibe-code"})


def closed(path: str) -> bool:
    """Whether ``path`` is a Gradio route the app does not use.

    >>> closed("/gradio_api/run-history/buckets"), closed("/monitoring/key"), closed("/gradio_api/queue/join")
    (True, True, False)
    """
    parts = path.strip("/").split("/")
    if parts[0] == "gradio_api":
        parts = parts[1:]
    return bool(parts) and parts[0] in CLOSED


class Guard:
    """ASGI middleware: closes unused routes (and upload when uploads are off), limits request bodies,
    and slows failed logins."""

    def __init__(self, app: ASGIApp, *, read_only: bool = False, throttle: LoginThrottle | None = None,
                 max_body: int | None = None):
        self.app = app
        self.read_only = read_only
        self.throttle = throttle
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Callable[[], Awaitable[Any]],
                       send: Callable[[Any], Awaitable[None]]) -> None:
        path = scope.get("path", "").rstrip("/") if scope["type"] == "http" else ""
        if scope["type"] == "http" and closed(path):
            await _refuse(send, 404, "Not found.")
        elif self.read_only and path.endswith("/upload"):
            await _refuse(send, 403, "Uploads are off: this server runs with --read-only.")
        elif self.max_body is not None and scope["type"] == "http" and not path.endswith("/upload"):
            body = await _body(scope, receive, self.max_body)
            if body is None:
                await _refuse(send, 413, f"The request is larger than {self.max_body:,} bytes.")
            else:
                await self._pass(scope, _replay(body, receive), send)
        else:
            await self._pass(scope, receive, send)

    async def _pass(self, scope: Scope, receive: Callable[[], Awaitable[Any]],
                    send: Callable[[Any], Awaitable[None]]) -> None:
        path = scope.get("path", "").rstrip("/")
        if self.throttle and path.endswith("/login") and scope.get("method") == "POST":
            await self._login(self.throttle, scope, receive, send)
        else:
            await self.app(scope, receive, send)

    async def _login(self, throttle: LoginThrottle, scope: Scope, receive: Callable[[], Awaitable[Any]],
                     send: Callable[[Any], Awaitable[None]]) -> None:
        client = (scope.get("client") or ("unknown",))[0]
        status: list[int] = []

        async def sent(message: Any) -> None:
            if message["type"] == "http.response.start":
                status.append(message["status"])
            await send(message)

        async with throttle.lock(client):
            await asyncio.sleep(throttle.delay(client))
            await self.app(scope, receive, sent)
            throttle.record(client, ok=bool(status) and status[0] < 400)


async def _body(scope: Scope, receive: Callable[[], Awaitable[Any]], limit: int) -> bytes | None:
    """The whole request body, or None once it passes ``limit`` bytes (by its stated length or as it comes)."""
    headers = dict(scope.get("headers") or [])
    try:
        stated = int(headers.get(b"content-length", b"0"))
    except ValueError:
        stated = 0
    if stated > limit:
        return None
    parts, size = [], 0
    while True:
        message = await receive()
        if message["type"] != "http.request":  # the client went away
            return b""
        parts.append(message.get("body", b""))
        size += len(parts[-1])
        if size > limit:
            return None
        if not message.get("more_body"):
            return b"".join(parts)


def _replay(body: bytes, receive: Callable[[], Awaitable[Any]]) -> Callable[[], Awaitable[Any]]:
    """A ``receive`` that gives ``body`` once, then waits on the real one (for a disconnect)."""
    sent = False

    async def replay() -> Any:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


async def _refuse(send: Callable[[Any], Awaitable[None]], status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
