"""Server-level guards of the web app, as ASGI middleware in front of Gradio.

- Under ``--read-only`` the upload route answers 403: nothing can fill the server's upload cache.
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


class Guard:
    """ASGI middleware: closes the upload route when uploads are off, and slows failed logins."""

    def __init__(self, app: ASGIApp, *, read_only: bool = False, throttle: LoginThrottle | None = None):
        self.app = app
        self.read_only = read_only
        self.throttle = throttle

    async def __call__(self, scope: Scope, receive: Callable[[], Awaitable[Any]],
                       send: Callable[[Any], Awaitable[None]]) -> None:
        path = scope.get("path", "").rstrip("/") if scope["type"] == "http" else ""
        if self.read_only and path.endswith("/upload"):
            await _refuse(send, 403, "Uploads are off: this server runs with --read-only.")
        elif self.throttle and path.endswith("/login") and scope.get("method") == "POST":
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


async def _refuse(send: Callable[[Any], Awaitable[None]], status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
