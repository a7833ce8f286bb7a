"""The Milvus store: chunk and sentence vectors plus Milvus' built-in BM25 full-text index in a Milvus server.

Two collections per index, ``<name>_chunks`` (primary key, source, document digest, the chunk's
lexical terms, its vector, and the sparse BM25 vector Milvus derives from the terms) and
``<name>_sentences`` (primary key, source, vector). Primary keys are stable digests of (source,
document digest, position), so an incremental build deletes the rows of changed or removed
documents and inserts those of changed or new ones, and leaves every other row alone.

The terms field holds qa's own BM25 terms (lower-cased, stopwords removed, Snowball-stemmed; see
:mod:`qa.lexical`), so Milvus' BM25 ranks the same term stream as the embedded store's bm25s.
"""
from __future__ import annotations

import hashlib
import json
import logging
from typing import Any

import numpy as np

from ..errors import QAError
from ..lexical import tokenize
from ..records import Chunk, Document
from ..vectors import FLAT_BELOW

#: How deep the BM25 list is that fills :meth:`MilvusStore.bm25_scores` (the rest count as 0).
BM25_DEPTH = 200
_BATCH = 1000


def connect(uri: str) -> Any:
    from pymilvus import MilvusClient

    if not uri.startswith(("http://", "https://")):
        # An embedded milvus-lite serves in this process; its gRPC layer logs calls it does not implement
        # (pymilvus asks for a timestamp when creating a collection and carries on without one).
        logging.getLogger("grpc._server").setLevel(logging.CRITICAL)
    try:
        return MilvusClient(uri=uri, timeout=10)
    except Exception as e:  # pymilvus raises many kinds for an unreachable server
        raise QAError(f"Could not reach Milvus at {uri} ({e}). Start the server (see docs/scaling.md), "
                      "or build with the default store (omit --store).") from e


def chunk_key(source: str, doc_sha: str, n: int, kind: str = "c") -> int:
    """A stable int64 primary key for the ``n``-th chunk (or sentence, ``kind='s'``) of a document."""
    digest = hashlib.sha256(f"{kind}\0{source}\0{doc_sha}\0{n}".encode()).digest()
    return int.from_bytes(digest[:8], "big") & (2**63 - 1)


def keys(documents: dict[str, Document], chunks: list[Chunk]) -> tuple[np.ndarray, np.ndarray]:
    """Primary keys of every chunk and every sentence, in id order."""
    seen: dict[str, int] = {}
    chunk_keys = []
    for c in chunks:
        n = seen.get(c.source, 0)
        seen[c.source] = n + 1
        chunk_keys.append(chunk_key(c.source, documents[c.source].sha256, n))
    sentence_keys = [chunk_key(d.source, d.sha256, n, "s") for d in documents.values() for n in range(len(d.sentences))]
    return np.asarray(chunk_keys, dtype=np.int64), np.asarray(sentence_keys, dtype=np.int64)


def _source_filter(sources: frozenset[str] | set[str] | list[str]) -> str:
    return f"source in {json.dumps(sorted(sources), ensure_ascii=False)}"


class MilvusStore:
    """Searches in Milvus; hits are mapped back to the index's chunk and sentence ids by primary key."""

    kind = "milvus"

    def __init__(self, client: Any, name: str, chunk_keys: np.ndarray, sentence_keys: np.ndarray):
        self.client = client
        self.name = name
        self.chunk_of = {int(k): i for i, k in enumerate(chunk_keys)}
        self.sentence_of = {int(k): i for i, k in enumerate(sentence_keys)}
        self.count = len(chunk_keys)

    def _search(self, collection: str, data: list[Any], field: str, metric: str, k: int,
                sources: frozenset[str] | None) -> list[tuple[int, float]]:
        if k <= 0 or (sources is not None and not sources):
            return []
        try:
            hits = self.client.search(collection, data=data, anns_field=field, limit=k,
                                      search_params={"metric_type": metric}, output_fields=["source"],
                                      filter=_source_filter(sources) if sources is not None else "")[0]
        except Exception as e:  # the client raises many kinds
            raise QAError(f"The Milvus search failed ({e}). Check that the server in the index manifest is up, "
                          "or rebuild with `python -m qa build --full`.") from e
        return [(int(h.get("pk", h.get("id"))), abs(float(h["distance"]))) for h in hits]

    def dense_search(self, qvec: np.ndarray, k: int, sources: frozenset[str] | None) -> list[tuple[int, float]]:
        hits = self._search(f"{self.name}_chunks", [np.asarray(qvec, dtype=np.float32).ravel().tolist()],
                            "vector", "IP", min(k, self.count), sources)
        return [(self.chunk_of[pk], s) for pk, s in hits if pk in self.chunk_of]

    def sentence_search(self, qvec: np.ndarray, k: int, sources: frozenset[str] | None) -> list[int]:
        hits = self._search(f"{self.name}_sentences", [np.asarray(qvec, dtype=np.float32).ravel().tolist()],
                            "vector", "IP", min(k, len(self.sentence_of)), sources)
        return [self.sentence_of[pk] for pk, _ in hits if pk in self.sentence_of]

    def bm25_scores(self, query: str) -> np.ndarray:
        scores = np.zeros(self.count, dtype=np.float32)
        terms = " ".join(t for t in tokenize([query])[0] if t)
        if not terms:
            return scores
        for pk, s in self._search(f"{self.name}_chunks", [terms], "sparse", "BM25", min(BM25_DEPTH, self.count), None):
            if pk in self.chunk_of:
                scores[self.chunk_of[pk]] = s
        return scores


def _create(client: Any, name: str, dim: int, count: int) -> None:
    from pymilvus import DataType, Function, FunctionType

    kind = "FLAT" if count < FLAT_BELOW else "HNSW"
    params = {} if kind == "FLAT" else {"M": 32, "efConstruction": 200}
    for part, lexical in (("chunks", True), ("sentences", False)):
        schema = client.create_schema(auto_id=False)
        schema.add_field("pk", DataType.INT64, is_primary=True)
        schema.add_field("source", DataType.VARCHAR, max_length=4096)
        schema.add_field("vector", DataType.FLOAT_VECTOR, dim=dim)
        index = client.prepare_index_params()
        index.add_index(field_name="vector", index_type=kind, metric_type="IP", params=params)
        if lexical:
            schema.add_field("terms", DataType.VARCHAR, max_length=65535, enable_analyzer=True)
            schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
            schema.add_function(Function(name="bm25", function_type=FunctionType.BM25,
                                         input_field_names=["terms"], output_field_names=["sparse"]))
            index.add_index(field_name="sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25")
        client.create_collection(f"{name}_{part}", schema=schema, index_params=index)


def write(target: dict[str, Any], name: str, documents: dict[str, Document], chunks: list[Chunk],
          vectors: np.ndarray, sentence_vectors: np.ndarray, previous: dict[str, Any] | None) -> dict[str, Any]:
    """Bring the collections to these documents, touching only the rows of changed documents.

    ``previous`` is the live manifest when it used the same server and collections; otherwise the
    collections are recreated. Returns the manifest's ``store`` entry.
    """
    client = connect(target["uri"])
    try:
        before = _previous_documents(client, target, name, previous)
        if before is None:
            for part in ("chunks", "sentences"):
                if client.has_collection(f"{name}_{part}"):
                    client.drop_collection(f"{name}_{part}")
            _create(client, name, vectors.shape[1], len(chunks))
            before = {}
        now = {s: d.sha256 for s, d in documents.items()}
        stale = sorted(s for s in before if now.get(s) != before[s])
        fresh = {s for s in now if before.get(s) != now[s]}
        for i in range(0, len(stale), 500):
            for part in ("chunks", "sentences"):
                client.delete(f"{name}_{part}", filter=_source_filter(stale[i:i + 500]))
        chunk_keys, sentence_keys = keys(documents, chunks)
        _insert_chunks(client, name, chunks, chunk_keys, vectors, fresh)
        _insert_sentences(client, name, documents, sentence_keys, sentence_vectors, fresh)
        for part in ("chunks", "sentences"):
            client.load_collection(f"{name}_{part}")
    except QAError:
        raise
    except Exception as e:  # the client raises many kinds
        raise QAError(f"Writing to Milvus at {target['uri']} failed ({e}). Check the server and build again.") from e
    return {**target, "collection": name, "inserted_documents": len(fresh), "deleted_documents": len(stale)}


def _previous_documents(client: Any, target: dict[str, Any], name: str,
                        previous: dict[str, Any] | None) -> dict[str, str] | None:
    store = (previous or {}).get("store") or {}
    same = store.get("kind") == "milvus" and store.get("uri") == target["uri"] and store.get("collection") == name
    if not same or not all(client.has_collection(f"{name}_{p}") for p in ("chunks", "sentences")):
        return None
    return {s: m["sha256"] for s, m in previous["documents"].items()}  # type: ignore[index]


def _insert_chunks(client: Any, name: str, chunks: list[Chunk], chunk_keys: np.ndarray, vectors: np.ndarray,
                   fresh: set[str]) -> None:
    todo = [c for c in chunks if c.source in fresh]
    terms = tokenize([c.text for c in todo])
    rows = [{"pk": int(chunk_keys[c.id]), "source": c.source, "vector": vectors[c.id].tolist(),
             "terms": " ".join(t for t in ts if t) or "_"} for c, ts in zip(todo, terms)]
    for i in range(0, len(rows), _BATCH):
        client.insert(f"{name}_chunks", rows[i:i + _BATCH])


def _insert_sentences(client: Any, name: str, documents: dict[str, Document], sentence_keys: np.ndarray,
                      sentence_vectors: np.ndarray, fresh: set[str]) -> None:
    rows, at = [], 0
    for d in documents.values():
        if d.source in fresh:
            rows += [{"pk": int(sentence_keys[at + n]), "source": d.source, "vector": sentence_vectors[at + n].tolist()}
                     for n in range(len(d.sentences))]
        at += len(d.sentences)
    for i in range(0, len(rows), _BATCH):
        client.insert(f"{name}_sentences", rows[i:i + _BATCH])


def open_store(store: dict[str, Any], documents: dict[str, Document], chunks: list[Chunk]) -> MilvusStore:
    """Connect and make sure both collections are loaded (an embedded milvus-lite file opens released)."""
    chunk_keys, sentence_keys = keys(documents, chunks)
    client = connect(store["uri"])
    try:
        for part in ("chunks", "sentences"):
            client.load_collection(f"{store['collection']}_{part}")
    except Exception as e:  # the client raises many kinds
        raise QAError(f"The Milvus collections of this index cannot be loaded from {store['uri']} ({e}). "
                      "Rebuild with `python -m qa build --full`.") from e
    return MilvusStore(client, store["collection"], chunk_keys, sentence_keys)
