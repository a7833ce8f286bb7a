"""The cleaner never eats real prose: ordinary encyclopedic paragraphs lose no sentence and no word."""
from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qa.ingest.clean import clean_text
from qa.ingest.clean_rules import is_bibliographic
from qa.ingest.formats import extract

from ..conftest import SHARED_DATA

# SQuAD 2.0 dev, article "Geology": its last two sentences mention a two-volume work as "(Vol. 1, Vol. 2)",
# which the publication-details rule once took for a citation line, dropping the whole paragraph.
HUTTON = (
    "James Hutton is often viewed as the first modern geologist. In 1785 he presented a paper entitled Theory "
    "of the Earth to the Royal Society of Edinburgh. In his paper, he explained his theory that the Earth must "
    "be much older than had previously been supposed in order to allow enough time for mountains to be eroded "
    "and for sediments to form new rocks at the bottom of the sea, which in turn were raised up to become dry "
    "land. Hutton published a two-volume version of his ideas in 1795 (Vol. 1, Vol. 2)."
)


_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u2060\ufeff\u00ad"))  # the cleaner drops these


def words(text: str) -> list[str]:
    return text.translate(_INVISIBLE).split()


def test_hutton_paragraph_is_kept_whole() -> None:
    assert clean_text(HUTTON + "\n").text == HUTTON


@pytest.mark.parametrize("line", [
    "by Amnon Sella, Journal of Contemporary History,Vol. 18, No. 4, Military History (Oct., 1983), pp. 651-687",
    "Coox, Alvin D. (1985). Nomonhan: Japan Against Russia, 1939. Stanford University Press. ISBN 978-0-8047",
    "Sella, A. (1983). Khalkhin-Gol: the forgotten war. Journal of Contemporary History, 18(4), pp. 651-687.",
])
def test_citation_lines_are_still_bibliographic(line: str) -> None:
    assert is_bibliographic(line)


@pytest.mark.parametrize("line", [HUTTON, "It appeared in Vol. 2, No. 4.",
                                  "The Journal of Geology printed the study in Vol. 3 and again in No. 5."])
def test_sentences_that_mention_publications_are_not_bibliographic(line: str) -> None:
    assert not is_bibliographic(line)


@pytest.mark.parametrize("sentence", ["12 replies to the survey arrived by March.",
                                      "12 replies on the survey came in. Most were kind!",
                                      "Copyright 1976 law changed everything for the artists of the day."])
def test_sentences_shaped_like_chrome_are_kept(sentence: str) -> None:
    assert clean_text(f"An opening paragraph of ordinary prose comes first here.\n\n{sentence}\n\nThe end.").text == (
        f"An opening paragraph of ordinary prose comes first here.\n\n{sentence}\n\nThe end.")


def squad_paragraphs() -> list[str]:
    paths = sorted(SHARED_DATA.glob("squad-v2-*.json"))
    if not paths:
        pytest.skip(f"no SQuAD files in {SHARED_DATA}")
    return [p["context"] for path in paths for a in json.loads(path.read_text())["data"] for p in a["paragraphs"]]


def test_squad_paragraphs_lose_no_word() -> None:
    """Every paragraph of the shipped SQuAD files, cleaned as a plain file of its own, keeps all its words."""
    lost = [p[:80] for p in squad_paragraphs() if words(clean_text(p + "\n").text) != words(p)]
    assert lost == []


# ---------------------------------------------------------------- property: ordinary sentences survive

_PLAIN = ("the of and to in was were is a an by for with on that which from as his her its their first "
          "modern theory earth rocks sea land paper version ideas river town people century war treaty "
          "published presented explained built found called became remained later often many most "
          "large small old new northern southern royal society church army city two three several replies comments "
          "responses thoughts 1976").split()
# Things encyclopedic prose mentions that look like the noise the rules remove.
_MENTIONS = ["(Vol. 1, Vol. 2)", "Vol. 3", "No. 4", "pp. 12–20", "p. 7", "the Journal of Geology",
             "Oxford University Press", "Penguin Publications", "published by", "(37 pages)", "retrieved",
             "in 1795", "on 3 June 1726", "August 28, 2012", "by John Playfair", "Copyright", "related posts",
             "all rights reserved", "Edinburgh", "the Royal Society", "12 replies", "3 comments", "Hutton's"]
_OPENERS = ["The", "In", "Hutton", "Many", "Its", "After", "By", "Two", "This", "Later", "Most", "12", "3", "Copyright"]


@st.composite
def sentences(draw: st.DrawFn) -> str:
    # at least three words of prose: a line of publication details and years alone ("The (Vol. 1, Vol. 2) the
    # 1976 1976.") is the bibliographic line that cleaning removes
    plain = draw(st.lists(st.sampled_from(_PLAIN), min_size=5, max_size=25).filter(
        lambda words: sum(w.isalpha() for w in words) >= 3))
    mentions = draw(st.lists(st.sampled_from(_MENTIONS), max_size=2))
    for mention in mentions:
        plain.insert(draw(st.integers(0, len(plain))), mention)
    return f"{draw(st.sampled_from(_OPENERS))} {' '.join(plain)}{draw(st.sampled_from('.!?'))}"


@settings(max_examples=300, deadline=None)
@given(st.lists(sentences(), min_size=1, max_size=6), st.sampled_from([" ", "\n"]))
def test_plain_paragraph_loses_no_sentence(paragraph: list[str], separator: str) -> None:
    """One paragraph of ordinary sentences, on one line or a sentence per line: every sentence is kept."""
    cleaned = " ".join(words(clean_text(separator.join(paragraph) + "\n").text))
    assert [s for s in paragraph if " ".join(words(s)) not in cleaned] == []


def test_joiners_are_kept_as_part_of_the_words() -> None:
    """A zero-width non-joiner or joiner changes how letters join or which emoji shows: kept, in plain text
    and in a web page alike, while a zero-width space and a soft hyphen are dropped."""
    persian, shrug = "می\u200cخواهم", "\U0001f937\u200d\u2642\ufe0f"
    text = f"Persian writes {persian} with a non-joiner, and {shrug} is one emoji.\n"
    assert clean_text(text).text == text.strip()
    dropped = clean_text("A zero\u200bwidth space and a soft hy\u00adphen.\n").text
    assert dropped == "A zerowidth space and a soft hyphen."
    found = extract("html", f"<html><body><main><p>{text}</p></main></body></html>".encode())
    assert clean_text(found.text, fmt="html", headings=found.headings, blocks=found.blocks).text == text.strip()
