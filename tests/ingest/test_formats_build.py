"""A corpus mixing every format builds; each format's quotes verify and carry the right place and URL.

Real model, real index: one build of ten small generated files, shared by the module.
"""
from __future__ import annotations

import datetime as dt
import gzip
import json
import subprocess
import sys

import pytest

from qa import Config, ask, build_index, load_index, verify

from ..conftest import ROOT
from .test_formats import CANONICAL, PAGE, make_docx, make_epub
from .test_load import make_pdf, write
from .test_odt import odt

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    base = tmp_path_factory.mktemp("mixed")
    corpus = base / "corpus"
    write(corpus, "mills.txt", "Mills of the Ouse\n\nThe Brannock Mill on the Ouse ground barley until 1932.\n")
    write(corpus, "garden.md", "# Garden notes\n\n## Roses\n\nThe Velvet Rose blooms in the third week of June.\n")
    write(corpus, "lighthouse.html", PAGE)
    make_pdf(corpus / "bridges.pdf", ["Bridges of the county.", "The Tarrow Bridge was finished in 1904 with 41 "
                                      "stone arches."], title="County bridges")
    make_docx(corpus / "tides.docx", [("Heading 1", "Coastal works"), ("Normal", "Sea walls protect the town."),
                                      ("Heading 1", "Tidal mills"),
                                      ("Normal", "The Eling tide mill still grinds flour twice a day.")],
              created=dt.datetime(2020, 5, 17))
    make_epub(corpus / "wrecks.epub", [("Calm", "<h1>Calm</h1><p>The bay was quiet for years.</p>"),
                                       ("The Storm", "<p>The schooner Marigold sank off Cape Farrow in 1871.</p>")],
              title="Wrecks of the bay", creator="J. Keel")
    (corpus / "lockkeeper.1.gz").write_bytes(gzip.compress(
        b'.TH LOCKKEEPER 1 "2022-04-01" "lockkeeper 2.0"\n.SH NAME\nlockkeeper \\- tend a canal lock\n.SH OPTIONS\n'
        b".TP\n.BR \\-\\-flood\nOpen the sluice gates of the Harrow lock at dawn.\n"))
    write(corpus, "orchard.info", "This is orchard.info.\n\n\x1f\nFile: orchard.info,  Node: Top,  Next: Pruning\n\n"
          "Orchard\n*******\n\n* Menu:\n\n* Pruning::\n\n\x1f\nFile: orchard.info,  Node: Pruning,  Up: Top\n\n"
          "1 Pruning\n*********\n\nPrune the Tamar plum trees in late February.\n")
    write(corpus, "ferries.ipynb", json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": "markdown", "metadata": {}, "source": ["# Ferry timetable\n", "\n",
                                                             "The Dunmore ferry leaves every 40 minutes."]},
        {"cell_type": "code", "metadata": {}, "execution_count": 1, "source": ["print(schedule)"],
         "outputs": [{"output_type": "stream", "name": "stdout", "text": ["07:00 07:40 08:20\n"]}]}]}))
    (corpus / "canals.odt").write_bytes(odt('<text:h text:outline-level="1">Canal locks</text:h>'
                                            "<text:p>The Harrow lock rises eleven feet.</text:p>"))
    config = Config(corpus_dir=corpus, index_dir=base / "index")
    report = build_index(config)
    assert report.skipped == () and report.documents == 10
    return config, load_index(config.index_dir, config)


# question, expected text, source, section, place {line|page|paragraph: n}, url, date
CASES = [
    ("What did the Brannock Mill grind?", "ground barley", "mills.txt", "Mills of the Ouse", {"line": 3}, None,
     None),
    ("When does the Velvet Rose bloom?", "third week of June", "garden.md", "Garden notes › Roses", {"line": 5},
     None, None),
    ("What did Ottoline Vask line the lamp room of the Quimby Lighthouse with?", "green", "lighthouse.html",
     "The Quimby Lighthouse", {"paragraph": 2}, CANONICAL, "2021-03-04"),
    ("How many stone arches does the Tarrow Bridge have?", "41", "bridges.pdf", None, {"page": 2}, None,
     "today"),  # the PDF's creation date
    ("How often does the Eling tide mill grind flour?", "twice a day", "tides.docx", "Tidal mills",
     {"paragraph": 4}, None, "2020-05-17"),
    ("Where did the schooner Marigold sink?", "Cape Farrow", "wrecks.epub", "The Storm", {"paragraph": 4}, None,
     None),
    ("What does the --flood option of lockkeeper do?", "sluice gates", "lockkeeper.1.gz", "OPTIONS › --flood",
     {"paragraph": 5}, None, "2022-04-01"),  # the date .TH gives
    ("When should the Tamar plum trees be pruned?", "late February", "orchard.info", "Orchard › 1 Pruning",
     {"paragraph": 3}, None, None),
    ("How often does the Dunmore ferry leave?", "every 40 minutes", "ferries.ipynb", "Ferry timetable",
     {"paragraph": 2}, None, None),
    ("How far does the Harrow lock rise?", "eleven feet", "canals.odt", "Canal locks", {"paragraph": 2}, None,
     "2019-07-02"),  # meta.xml's creation date
]


@pytest.mark.parametrize(("question", "expected", "source", "section", "place", "url", "date"), CASES)
def test_each_format_is_quoted_and_cited(mixed, question, expected, source, section, place, url, date):
    config, index = mixed
    answer = ask(question, index=index, config=config)
    assert not answer.abstained
    top = answer.quotes[0]
    assert (top.source, expected in top.text) == (source, True), [q.text for q in answer.quotes]
    verify(top, index)
    assert index.documents[source].text[top.start:top.end] == top.text
    places = {unit: getattr(top, unit) for unit in ("line", "page", "paragraph") if getattr(top, unit) is not None}
    date = dt.date.today().isoformat() if date == "today" else date
    assert (top.section, places, top.url, top.date) == (section, place, url, date)
    assert {"url", "date", "paragraph"} <= top.to_dict().keys()


def test_cli_prints_the_url_and_date(mixed):
    config, _ = mixed
    question = "What did Ottoline Vask line the lamp room of the Quimby Lighthouse with?"
    run = subprocess.run([sys.executable, "-m", "qa", "ask", question, "--index", str(config.index_dir)],
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    first = run.stdout.split("[1]", 1)[1].split("\n\n", 1)[0]
    assert "2021-03-04" in first and CANONICAL in first and "paragraph 2" in first
    as_json = subprocess.run([sys.executable, "-m", "qa", "ask", question, "--index", str(config.index_dir),
                              "--json"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    top = json.loads(as_json.stdout)["quotes"][0]
    assert (top["url"], top["date"], top["line"]) == (CANONICAL, "2021-03-04", None)


def test_other_sentence_splits_are_not_reused(mixed, embedder):
    """A document whose text is unchanged but whose sentences were split otherwise is embedded again."""
    from dataclasses import replace

    from qa.indexing.reuse import reuse_or_chunk

    config, index = mixed
    same = index.documents["mills.txt"]
    resplit = replace(index.documents["garden.md"], sentences=((0, len(index.documents["garden.md"].text)),))
    _, reused = reuse_or_chunk([same, resplit], index, config, embedder, lambda: None)
    assert reused == ["mills.txt"]
