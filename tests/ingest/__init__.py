"""Tests of qa.ingest: discovery, format readers, cleaning and chunking."""
