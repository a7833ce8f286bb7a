"""The CLI's one seam into the stages, for the commands the public API (``qa.ask``, ``qa.build_index``,
``qa.load_index``, ``qa.verify_text``) does not cover.

One module per stage, named after it, so ``qa/cli.py`` says at each call which stage a command belongs to:
``indexing`` (whether the corpus changed since the build, the embedding backends), ``calibrating``
(``qa calibrate``, a question file scored on an index), ``training`` (``qa train-verifier``, ``qa eval``)
and ``app`` (``qa feedback``, the Markdown form of a quote). The MCP server is a top-level entry point
beside the CLI (``qa.mcp_server``).

A package of its own rather than entry points in each stage's ``__init__``: answering imports
``qa.calibrating``, so a stage ``__init__`` that imported its command code would make an import cycle,
and it would load that code for every user of the stage. ``training`` imports its stage only when a
command runs: the CLI starts, and answers, without the ``[train]`` extra.
"""
