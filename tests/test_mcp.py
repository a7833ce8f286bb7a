"""The MCP server with real MCP clients: the SDK's in-memory client, a stdio subprocess (`python -m qa mcp`),
and streamable HTTP with basic auth and DNS-rebinding protection."""
from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request

import anyio
import pytest
from mcp import Client
from mcp.client.stdio import StdioServerParameters

from qa.answering.paraphrase import wordnet
from qa.mcp_server import make_server

from .conftest import BLOG, ROOT, WIKI, _free_port

QUESTION = "When was the Battle of Lake Khasan?"
TOOLS = {"ask", "search", "read", "list_documents", "verify_quote"}


def run(coro_fn):
    return anyio.run(coro_fn)


def check_quotes(answer: dict, index) -> None:
    assert answer["quotes"], answer
    for q in answer["quotes"]:
        assert index.documents[q["source"]].text[q["start"]:q["end"]] == q["text"]


# ---------------------------------------------------------------- in memory

@pytest.fixture(scope="module")
def server(default_config):
    return make_server(default_config)


def call(server, tool: str, arguments: dict):
    async def go():
        async with Client(server) as client:
            return await client.call_tool(tool, arguments)
    return run(go)


def test_tools_are_read_only_and_tell_an_agent_to_quote_exactly(server):
    async def go():
        async with Client(server) as client:
            return (await client.list_tools()).tools, client.server_capabilities
    tools, _ = run(go)
    assert {t.name for t in tools} == TOOLS
    for t in tools:
        assert t.annotations.read_only_hint is True
    described = {t.name: t.description for t in tools}
    assert "exactly" in described["ask"] and "cite" in described["ask"]
    assert "do not answer" in described["ask"]
    assert "corrections" in described["ask"]
    assert "exactly" in described["verify_quote"]


def test_ask_returns_the_answer_json_with_verbatim_quotes(server, default_index):
    result = call(server, "ask", {"question": QUESTION, "k": 2})
    assert not result.is_error
    answer = result.structured_content
    assert not answer["abstained"] and len(answer["quotes"]) <= 2
    check_quotes(answer, default_index)
    assert any("1938" in q["text"] for q in answer["quotes"])


@pytest.mark.skipif(wordnet() is None, reason="WordNet (Debian's wordnet-base) is not installed")
def test_ask_says_which_words_it_read_as_others(server, default_index):
    answer = call(server, "ask", {"question": "When was the neutrality pakt signed?"}).structured_content
    assert answer["corrections"] == [{"typed": "pakt", "read": "pact"}]
    assert not answer["abstained"]
    check_quotes(answer, default_index)


def test_ask_abstains_when_the_documents_do_not_answer(server):
    answer = call(server, "ask", {"question": "Who painted the Mona Lisa?"}).structured_content
    assert answer["abstained"] and answer["quotes"] == []


def test_search_and_read_give_offsets_into_the_documents(server, default_index):
    passages = call(server, "search", {"query": "Lake Khasan", "k": 3}).structured_content["passages"]
    assert 1 <= len(passages) <= 3
    p = passages[0]
    read = call(server, "read", {"source": p["source"], "start": p["start"], "end": p["end"]}).structured_content
    assert read["text"] == default_index.documents[p["source"]].text[p["start"]:p["end"]]
    assert read["text"].startswith(p["snippet"].rstrip("…"))


def test_read_is_bounded(server, default_index):
    whole = call(server, "read", {"source": WIKI}).structured_content
    n = len(default_index.documents[WIKI].text)
    assert whole["length"] == n and whole["end"] == min(n, 20_000)
    tail = call(server, "read", {"source": WIKI, "start": n - 10, "end": n + 500}).structured_content
    assert tail["end"] == n and tail["next_start"] is None
    bad = call(server, "read", {"source": WIKI, "start": 50, "end": 10})
    assert bad.is_error and "must not be before start" in bad.content[0].text


def test_list_documents_and_resources(server, default_index):
    docs = call(server, "list_documents", {}).structured_content["documents"]
    assert {d["source"] for d in docs} == set(default_index.documents)

    async def go():
        async with Client(server) as client:
            listed = (await client.list_resources()).resources
            text = (await client.read_resource(f"qa://documents/{BLOG}")).contents[0].text
            return listed, text
    listed, text = run(go)
    assert {r.name for r in listed} == set(default_index.documents)
    assert text == default_index.documents[BLOG].text


def test_verify_quote(server, default_index):
    text = default_index.documents[BLOG].text
    span = text[200:320].strip()
    verified = call(server, "verify_quote", {"text": span}).structured_content
    assert verified["status"] == "verified" and verified["spans"][0]["source"] == BLOG
    repaired = call(server, "verify_quote", {"text": span.upper(), "source": BLOG}).structured_content
    assert repaired["status"] == "repaired" and repaired["spans"][0]["text"] == span
    invented = call(server, "verify_quote", {"text": "The treaty was signed aboard a zeppelin over Paris."})
    assert invented.structured_content["status"] == "unverified"


@pytest.mark.parametrize(("tool", "arguments", "message"), [
    ("ask", {"question": "  "}, "The question is empty"),
    ("ask", {"question": QUESTION, "k": 99}, "k must be between 1 and 20"),
    ("ask", {"question": QUESTION, "sources": ["khalkhin-gol.txt"]}, "closest names: khalkhin-gol-thin-line-news"),
    ("read", {"source": "soviet-japanese-border.txt"}, "closest names: soviet-japanese-border-conflicts"),
    ("verify_quote", {"text": "the war"}, "too short or too common"),
    ("search", {"query": "x" * 3000}, "the limit is 2,000"),
])
def test_errors_are_tool_errors_with_qa_messages(server, tool, arguments, message):
    result = call(server, tool, arguments)
    assert result.is_error and message in result.content[0].text


# ---------------------------------------------------------------- stdio: a real subprocess

def test_stdio_client_lists_tools_asks_and_verifies(default_config, default_index):
    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "qa", "mcp", "--read-only", "--index", str(default_config.index_dir)],
        cwd=str(ROOT), env={**os.environ, "HF_HUB_OFFLINE": "1"})

    async def go():
        async with Client(params, read_timeout_seconds=300) as client:
            tools = {t.name for t in (await client.list_tools()).tools}
            answer = (await client.call_tool("ask", {"question": QUESTION})).structured_content
            quote = answer["quotes"][0]
            check = (await client.call_tool("verify_quote", {"text": quote["text"]})).structured_content
            return tools, answer, quote, check
    tools, answer, quote, check = run(go)
    assert tools == TOOLS
    check_quotes(answer, default_index)
    assert check["status"] == "verified"
    assert (quote["source"], quote["start"], quote["end"]) in {(s["source"], s["start"], s["end"])
                                                                for s in check["spans"]}


def test_stdio_builds_a_missing_index_on_start_then_answers(tmp_path, default_index):
    import shutil

    shutil.copytree(ROOT / "corpus", tmp_path / "corpus")
    args = ["-m", "qa", "mcp", "--corpus", str(tmp_path / "corpus"), "--index", str(tmp_path / "index")]
    params = StdioServerParameters(command=sys.executable, args=args, cwd=str(ROOT),
                                   env={**os.environ, "HF_HUB_OFFLINE": "1"})

    async def go():
        async with Client(params, read_timeout_seconds=600) as client:
            return (await client.call_tool("ask", {"question": QUESTION})).structured_content
    answer = run(go)
    assert answer["quotes"] and (tmp_path / "index" / "CURRENT").is_file()


def test_stdio_read_only_refuses_a_missing_index(tmp_path):
    done = subprocess.run([sys.executable, "-m", "qa", "mcp", "--read-only", "--index", str(tmp_path / "none")],
                          cwd=ROOT, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert done.returncode == 2 and "No index in" in done.stderr and "Traceback" not in done.stderr


# ---------------------------------------------------------------- streamable HTTP

@pytest.fixture(scope="module")
def http_server(default_config, tmp_path_factory):
    port = _free_port()
    log = tmp_path_factory.mktemp("mcp-http") / "server.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "qa", "mcp", "--http", "--port", str(port), "--auth", "agent:s3cret",
             "--index", str(default_config.index_dir)], cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
            env={**os.environ, "HF_HUB_OFFLINE": "1"})
    url = f"http://127.0.0.1:{port}/mcp"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=5)
        except urllib.error.HTTPError:
            break  # served (401 without credentials)
        except OSError:
            if process.poll() is not None:
                pytest.fail(log.read_text())
            time.sleep(0.3)
    yield url
    process.terminate()
    process.wait(timeout=30)


def test_http_client_with_credentials_asks(http_server, default_index):
    import httpx2

    async def go():
        async with httpx2.AsyncClient(auth=("agent", "s3cret"), timeout=120) as http:
            from mcp.client.streamable_http import streamable_http_client

            async with Client(streamable_http_client(http_server, http_client=http)) as client:
                return (await client.call_tool("ask", {"question": QUESTION})).structured_content
    check_quotes(run(go), default_index)


@pytest.mark.parametrize(("headers", "status"), [
    ({}, 401),
    ({"Authorization": "Basic YWdlbnQ6d3Jvbmc="}, 401),  # agent:wrong
    ({"Authorization": "Basic YWdlbnQ6czNjcmV0", "Host": "evil.example:80"}, 421),  # DNS rebinding
])
def test_http_refuses_without_credentials_or_from_another_host(http_server, headers, status):
    import httpx

    body = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
    response = httpx.post(http_server, json=body, timeout=30, headers={
        "Accept": "application/json, text/event-stream", **headers})
    assert response.status_code == status
