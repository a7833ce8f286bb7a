"""The index: embedding, the on-disk format, search structures, and the loaded index answering reads.

``build`` (the build, with ``build_progress``) embeds with ``embed`` / ``onnx`` (planned by ``embed_many``,
``late`` for in-context sentence vectors) and writes what ``index`` loads; ``vectors`` and ``lexical``
are the dense and BM25 search, ``store`` where they live (FAISS or Milvus); ``stale`` says what changed
since the last build.
"""
