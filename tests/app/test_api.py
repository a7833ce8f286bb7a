"""The plain HTTP API (/api/...) of the real app.py, through a real HTTP client: answers, verification,
documents, bounds and bad input (4xx with a message), basic auth, the login cookie, and --read-only."""
from __future__ import annotations

import httpx
import pytest

from qa import ask, load_index

from ..conftest import BLOG, WIKI

QUESTION = "When was the Battle of Lake Khasan?"


@pytest.fixture(scope="module")
def api(live_app):
    with httpx.Client(base_url=live_app.url.rstrip("/"), timeout=120) as client:
        yield client


@pytest.fixture(scope="module")
def index(live_app):
    return load_index(live_app.index)


def refused(response: httpx.Response, status: int, message: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert message in response.json()["detail"]
    assert "Traceback" not in response.text


def test_health(api, index):
    body = api.get("/api/health").json()
    assert body["status"] == "ok" and body["documents"] == len(index.documents) and body["chunks"] == len(index.chunks)


def test_ask_gives_the_json_of_qa_ask(api, index):
    response = api.get("/api/ask", params={"q": QUESTION, "k": 2})
    assert response.status_code == 200
    assert response.json() == ask(QUESTION, k=2, index=index).to_dict()
    for q in response.json()["quotes"]:
        assert index.documents[q["source"]].text[q["start"]:q["end"]] == q["text"]


def test_ask_within_one_source(api):
    answer = api.get("/api/ask", params={"q": QUESTION, "source": BLOG}).json()
    assert {q["source"] for q in answer["quotes"] + answer["related"]} <= {BLOG}


@pytest.mark.parametrize(("params", "status", "message"), [
    ({"q": ""}, 400, "The question is empty"),
    ({}, 400, "q: Field required"),
    ({"q": "x" * 2500}, 400, "the limit is 2,000"),
    ({"q": QUESTION, "k": 0}, 400, "k must be between 1 and 20"),
    ({"q": QUESTION, "k": 500}, 400, "k must be between 1 and 20"),
    ({"q": QUESTION, "k": "three"}, 400, "k: Input should be a valid integer"),
    ({"q": QUESTION, "source": "khalkhin.txt"}, 404, "closest names: khalkhin-gol-thin-line-news.txt"),
])
def test_bad_questions_are_refused_with_a_message(api, params, status, message):
    refused(api.get("/api/ask", params=params), status, message)


def test_verify(api, index):
    text = index.documents[WIKI].text
    span = " ".join(text[3000:3200].split()[1:-1])
    body = api.post("/api/verify", json={"text": span}).json()
    assert body["status"] in ("verified", "repaired")
    assert all(index.documents[s["source"]].text[s["start"]:s["end"]] == s["text"] for s in body["spans"])
    assert api.post("/api/verify", json={"text": span, "source": BLOG}).json()["status"] == "unverified"
    assert api.post("/api/verify", json={"text": span, "sources": [WIKI]}).json()["status"] == body["status"]


@pytest.mark.parametrize(("body", "status", "message"), [
    ({"text": "the war"}, 400, "too short or too common"),
    ({"txt": "Lake Khasan battle"}, 400, "text: Field required"),
    ({"text": 12}, 400, "text: Input should be a valid string"),
    ({"text": "Lake Khasan battle of 1938", "source": "nowhere.txt"}, 404, "No document 'nowhere.txt'"),
])
def test_bad_verify_bodies_are_refused_with_a_message(api, body, status, message):
    refused(api.post("/api/verify", json=body), status, message)


def test_bodies_are_bounded(api):
    refused(api.post("/api/verify", json={"text": "word " * 20_000}), 413, "the limit is 64,000")
    refused(api.post("/api/verify", content=b"{not json", headers={"content-type": "application/json"}), 400,
            "not valid JSON")

    def chunks():
        yield b'{"text": "Lake Khasan battle of 1938"}'
    refused(api.post("/api/verify", content=chunks(), headers={"content-type": "application/json"}), 411,
            "Content-Length")


def test_documents_and_bounded_reads(api, index):
    rows = api.get("/api/documents").json()
    assert {r["source"] for r in rows} == set(index.documents)
    assert all("title" in r and "chunks" in r for r in rows)
    text = index.documents[WIKI].text
    whole = api.get(f"/api/documents/{WIKI}").json()
    assert whole["text"] == text[:20_000] and whole["length"] == len(text)
    part = api.get(f"/api/documents/{WIKI}", params={"start": 100, "end": 250}).json()
    assert part["text"] == text[100:250] and part["next_start"] == 250
    refused(api.get(f"/api/documents/{WIKI}", params={"start": 300, "end": 10}), 400, "must not be before start")
    refused(api.get(f"/api/documents/{WIKI}", params={"start": -5}), 400, "a whole number from 0")
    refused(api.get("/api/documents/soviet-japanese.txt"), 404, "closest names: soviet-japanese-border-conflicts")


def test_openapi_description_and_unknown_routes(api):
    spec = api.get("/api/docs").json()
    assert spec["openapi"].startswith("3.") and {"/api/ask", "/api/verify", "/api/documents"} <= set(spec["paths"])
    assert api.get("/api/nope").status_code == 404
    assert api.get("/").status_code == 200  # the web page is still served beside the API


# ---------------------------------------------------------------- auth and read-only

@pytest.fixture(scope="module")
def locked(locked_live_app):
    with httpx.Client(base_url=locked_live_app.rstrip("/"), timeout=120) as client:
        yield client


def test_auth_asks_for_credentials(locked):
    response = locked.get("/api/health")
    refused(response, 401, "Log in")
    assert response.headers["www-authenticate"].startswith("Basic")
    refused(locked.get("/api/health", auth=("reader", "wrong")), 401, "Wrong user name or password")
    refused(locked.post("/api/verify", json={"text": "Lake Khasan battle"}), 401, "Log in")
    assert locked.get("/api/ask", params={"q": QUESTION}, auth=("reader", "s3cret")).json()["quotes"]


def test_the_login_cookie_of_the_web_page_also_opens_the_api(locked):
    with httpx.Client(base_url=str(locked.base_url), timeout=60) as browser:
        assert browser.post("/login", data={"username": "reader", "password": "s3cret"}).status_code == 200
        assert browser.get("/api/health").json()["status"] == "ok"
        browser.cookies.clear()
        assert browser.get("/api/health").status_code == 401


def test_read_only_keeps_the_api_and_closes_uploads(locked):
    auth = ("reader", "s3cret")
    assert locked.post("/api/verify", json={"text": "Lake Khasan battle of 1938"}, auth=auth).status_code == 200
    upload = locked.post("/gradio_api/upload", files={"files": ("a.txt", b"text")}, auth=auth)
    assert upload.status_code == 403
