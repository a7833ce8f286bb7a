"""Removals are never silent: the build counts them per document and `qa doc SOURCE --removals` lists them."""
from __future__ import annotations

import shutil

from qa import Config, build_index
from qa.cli import main

from ..conftest import BLOG, CORPUS


def test_build_summary_counts_removals_and_doc_lists_them(tmp_path, capsys) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(CORPUS / BLOG, corpus / BLOG)
    (corpus / "page.html").write_text("<html><body><main><h1>Page</h1><p>Copyright 2024, Some Site</p>"
                                      "<p>Leave a Reply</p></main></body></html>", encoding="utf-8")
    report = build_index(Config(corpus_dir=corpus, index_dir=tmp_path / "index"))
    counts = dict(report.removals)
    assert counts[BLOG] >= 3 and "page.html" not in counts  # the web page keeps every word
    assert f"  {BLOG}: {counts[BLOG]}" in report.summary() and "Removed by cleaning" in report.summary()

    assert main(["doc", BLOG, "--index", str(tmp_path / "index"), "--removals"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"{counts[BLOG]} removals from {BLOG}") and "comment area: “Leave a Reply”" in out
    assert main(["doc", "page.html", "--index", str(tmp_path / "index"), "--removals"]) == 0
    assert capsys.readouterr().out.strip() == "Nothing was removed from page.html."
