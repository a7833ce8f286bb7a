"""A plain HTTP API beside the web app, on the same server and port: ``/api/...``.

    GET  /api/ask?q=...&k=3&source=...      the answer JSON of `python -m qa ask --json`
    POST /api/verify {"text": ..., "source": ...}   the JSON of `python -m qa verify --json`
    GET  /api/documents                     the rows of `python -m qa docs --json`
    GET  /api/documents/{source}?start=&end=   a document's text, at most 20,000 characters a call
    GET  /api/health                        200 and the index's counts when it loads (503 when it cannot)
    GET  /api/docs                          this API's OpenAPI description (JSON)

Errors are JSON ``{"detail": message}`` with qa's message: 400 for a bad question or argument, 404 for
an unknown document (naming the closest), 401 without valid credentials, 411/413 for a body without a
length or over 64 kB, 503 while there is no usable index. With ``--auth USER:PASS`` every route asks
for HTTP basic credentials, or the login cookie the web page sets. Every route only reads, so
``--read-only`` leaves them all open.
"""
from __future__ import annotations

import asyncio
import base64
import binascii
import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from http.cookies import CookieError, SimpleCookie
from typing import Annotated, Any

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from ..config import Config
from ..errors import DocumentNotFoundError, IndexMismatchError, IndexMissingError, QAError
from ..indexing.index import load_index
from . import access
from .guard import LoginThrottle, Scope

log = logging.getLogger("qa.app.api")
MAX_BODY_BYTES = 64_000
PREFIX = "/api"
Receive = Callable[[], Awaitable[Any]]
Send = Callable[[Any], Awaitable[None]]


class VerifyRequest(BaseModel):
    text: str = Field(description="The text claimed to be a quote (12 to 20,000 characters).")
    source: str | None = Field(None, description="Only this document (a name from GET /api/documents).")
    sources: list[str] | None = Field(None, description="Only these documents.")


def make_api(config: Config) -> FastAPI:
    """The API over ``config``'s index, its routes under /api."""
    api = FastAPI(title="qa", version="0.1.0", openapi_url=f"{PREFIX}/openapi.json", docs_url=None, redoc_url=None,
                  description="Verbatim, cited quotes from the documents, and a check that any text is one.")

    def index() -> Any:
        return load_index(config.index_dir, config)

    @api.get(f"{PREFIX}/health", summary="Whether the index is loaded")
    def health() -> dict[str, Any]:
        return access.health(index())

    @api.get(f"{PREFIX}/ask", summary="Answer a question with verbatim, cited quotes")
    def ask(q: Annotated[str, Query(description="The question")],
            k: Annotated[int, Query(description=f"Quotes, 1 to {Config.max_quotes}")] = 3,
            source: Annotated[list[str] | None, Query(description="Only this document (repeatable)")] = None,
            ) -> dict[str, Any]:
        return access.ask(index(), q, k, source)

    @api.post(f"{PREFIX}/verify", summary="Check that text is a verbatim quote, and where it is")
    def verify(body: VerifyRequest) -> dict[str, Any]:
        sources = body.sources if body.sources is not None else body.source
        return access.verify(index(), body.text, sources)

    @api.get(f"{PREFIX}/documents", summary="The indexed documents")
    def documents() -> list[dict[str, Any]]:
        return access.documents(index())

    @api.get(PREFIX + "/documents/{source:path}", summary="A document's cleaned text, 20,000 characters at most")
    def document(source: str, start: int = Query(0, description="First character offset"),
                 end: int | None = Query(None, description="Offset after the last character")) -> dict[str, Any]:
        return access.read(index(), source, start, end)

    @api.get(f"{PREFIX}/docs", summary="This API's OpenAPI description")
    def docs() -> dict[str, Any]:
        return api.openapi()

    api.add_exception_handler(QAError, _qa_error)  # type: ignore[arg-type]
    api.add_exception_handler(RequestValidationError, _bad_request)  # type: ignore[arg-type]
    api.add_exception_handler(Exception, _unexpected)
    return api


def status_of(error: QAError) -> int:
    if isinstance(error, DocumentNotFoundError):
        return 404
    if isinstance(error, (IndexMissingError, IndexMismatchError)):
        return 503
    return 400


async def _qa_error(request: Request, error: QAError) -> JSONResponse:
    return JSONResponse({"detail": str(error)}, status_code=status_of(error))


async def _bad_request(request: Request, error: RequestValidationError) -> JSONResponse:
    problems = ["the body is not valid JSON" if e.get("type") == "json_invalid" else
                f"{'.'.join(str(p) for p in e.get('loc', ()) if p != 'body') or 'body'}: {e.get('msg')}"
                for e in error.errors()]
    return JSONResponse({"detail": "Bad request: " + "; ".join(problems) + ". See GET /api/docs."}, status_code=400)


async def _unexpected(request: Request, error: Exception) -> JSONResponse:
    log.exception("%s %s failed", request.method, request.url.path)
    return JSONResponse({"detail": f"Something went wrong ({type(error).__name__}). Try again."}, status_code=500)


# ---------------------------------------------------------------- serving it beside the web app

class ApiRoutes:
    """ASGI middleware of the web app: sends /api/... to ``api``, behind ``auth`` when set."""

    def __init__(self, app: Any, *, api: Any, auth: tuple[str, str] | None = None,
                 throttle: LoginThrottle | None = None):
        self.app = app
        self.api = api
        self.gate = BasicAuth(api, auth, throttle=throttle, cookie=True) if auth else api

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if path != PREFIX and not path.startswith(PREFIX + "/"):
            await self.app(scope, receive, send)
            return
        if scope.get("method") in ("POST", "PUT", "PATCH"):
            length = _header(scope, b"content-length")
            if length is None or not length.isdigit():
                await refuse(send, 411, "Send the body with a Content-Length header.")
                return
            if int(length) > MAX_BODY_BYTES:
                await refuse(send, 413, f"The body is {int(length):,} bytes; the limit is {MAX_BODY_BYTES:,}.")
                return
        await self.gate(scope, receive, send)


class BasicAuth:
    """ASGI: lets a request through with the right HTTP basic credentials (or, when ``cookie``, the
    web app's login cookie); otherwise 401. Failed attempts are slowed down by ``throttle``."""

    def __init__(self, app: Any, auth: tuple[str, str], *, throttle: LoginThrottle | None = None,
                 cookie: bool = False):
        self.app = app
        self.auth = auth
        self.throttle = throttle or LoginThrottle()
        self.cookie = cookie

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        given = _header(scope, b"authorization")
        if given is None:
            if self.cookie and _logged_in(scope):
                await self.app(scope, receive, send)
            else:
                await refuse(send, 401, "Log in: send HTTP basic credentials (the --auth user name and password).",
                             basic=True)
            return
        client = (scope.get("client") or ("unknown",))[0]
        async with self.throttle.lock(client):
            await asyncio.sleep(self.throttle.delay(client))
            ok = self._matches(given)
            self.throttle.record(client, ok=ok)
        if ok:
            await self.app(scope, receive, send)
        else:
            await refuse(send, 401, "Wrong user name or password.", basic=True)

    def _matches(self, header: str) -> bool:
        scheme, _, encoded = header.partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            user, sep, password = base64.b64decode(encoded.strip(), validate=True).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return False
        return bool(sep) and hmac.compare_digest(user.encode(), self.auth[0].encode()) & \
            hmac.compare_digest(password.encode(), self.auth[1].encode())


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers") or ():
        if key.lower() == name:
            return value.decode("latin-1")
    return None


def _logged_in(scope: Scope) -> bool:
    """Whether the request carries a login cookie of the web app it is served by (Gradio's session token)."""
    gradio_app = scope.get("app")
    tokens, cookie_id = getattr(gradio_app, "tokens", None), getattr(gradio_app, "cookie_id", None)
    raw = _header(scope, b"cookie")
    if not tokens or cookie_id is None or raw is None:
        return False
    try:
        jar = SimpleCookie(raw)
    except CookieError:
        return False
    names = (f"access-token-{cookie_id}", f"access-token-unsecure-{cookie_id}")
    return any(name in jar and jar[name].value in tokens for name in names)


async def refuse(send: Send, status: int, detail: str, *, basic: bool = False) -> None:
    body = json.dumps({"detail": detail}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if basic:
        headers.append((b"www-authenticate", b'Basic realm="qa", charset="UTF-8"'))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
