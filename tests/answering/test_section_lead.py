"""The section_lead feature: the first prose sentence under a heading, in a real index."""
from __future__ import annotations

import pytest

from qa import Config, build_index, load_index
from qa.answering.features import unit_text
from qa.answering.quotes import rank

MANUAL = """# mytool manual

## Installing

Run the installer script to put mytool on your PATH. It asks for no password.

The installer also writes a default configuration file.
"""

PLAIN = "Run the installer script to put mytool on your PATH. It asks for no password.\n"


@pytest.fixture(scope="module")
def indexes(tmp_path_factory):
    base = tmp_path_factory.mktemp("leads")
    for name, text in (("manual.md", MANUAL), ("plain.txt", PLAIN)):
        corpus = base / name.split(".")[0] / "corpus"
        corpus.mkdir(parents=True)
        (corpus / name).write_text(text, encoding="utf-8")
        build_index(Config(corpus_dir=corpus, index_dir=corpus.parent / "index"))
    return {n: load_index(base / n / "index") for n in ("manual", "plain")}


def _leads(index, question: str) -> dict[str, float]:
    ranking = rank(index, question)
    return {unit_text(index, u): row["section_lead"] for u, row in zip(ranking.units, ranking.features)}


def test_only_the_first_sentence_under_a_heading_leads(indexes):
    leads = _leads(indexes["manual"], "How do I install mytool?")
    first = "Run the installer script to put mytool on your PATH."
    assert leads[first] == 1.0  # a unit that starts there (alone or with the next sentence) opens the section
    assert leads["The installer also writes a default configuration file."] == 0.0
    assert all(v == float(text.startswith(first)) for text, v in leads.items())


def test_a_document_without_headings_has_no_lead(indexes):
    leads = _leads(indexes["plain"], "How do I install mytool?")
    assert leads and set(leads.values()) == {0.0}
