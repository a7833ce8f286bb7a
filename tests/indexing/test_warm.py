"""The ONNX session and tiktoken's table are opened in a thread while files are read, once."""
from __future__ import annotations

from qa.indexing import onnx
from qa.indexing.embed import _runner
from qa.indexing.embed_many import document_embedder
from qa.indexing.warm import warm_up
from qa.ingest.chunk import encoding

from ..fakes import FakeEmbedder


def test_the_session_opened_in_the_thread_is_the_one_the_build_uses(embedder):
    documents = document_embedder(embedder, "fp32", threads=3)  # a setting no other test opens
    before = onnx.session.cache_info()
    thread = warm_up(documents)
    thread.join(timeout=120)
    assert not thread.is_alive()
    opened = onnx.session.cache_info()
    assert opened.misses == before.misses + 1
    session = _runner(documents).session
    assert onnx.session.cache_info().misses == opened.misses  # taken from the cache, not opened again
    assert session.get_inputs() and encoding.cache_info().currsize >= 1


def test_an_embedder_without_onnx_only_loads_tiktoken():
    thread = warm_up(FakeEmbedder())
    thread.join(timeout=60)
    assert not thread.is_alive() and encoding.cache_info().currsize >= 1
