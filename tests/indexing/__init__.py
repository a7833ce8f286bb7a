"""Tests of qa.indexing: embedding, the stores, BM25, build, save, load, swap and staleness."""
