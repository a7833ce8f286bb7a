"""Ingest: finding the corpus's files, reading each format in a sandboxed worker, cleaning, and chunking.

``load`` (discovery and metadata) → ``formats`` (one reader per file type, run by ``sandbox``) →
``clean`` (with ``clean_rules``, ``clean_mirror`` for plain-text captures, ``clean_blocks`` for structured
formats) → ``chunk`` (sentences and token-counted chunks with character offsets).
"""
