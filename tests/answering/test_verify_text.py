"""verify_text on the real index of the default corpus: verified, repaired (each kind of difference) and
unverified, with properties over random spans of the documents, and the folding it matches on."""
from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from qa import DocumentNotFoundError, QuestionError, QuoteTooShortError, verify_text
from qa.answering.textfold import differences, fold

from ..conftest import BLOG, WIKI

PROPERTY = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
CURLY = str.maketrans({"'": "’", '"': "”", "’": "'", "‘": "'", "“": '"', "”": '"'})


def words_span(text: str, first: int, count: int) -> tuple[int, int]:
    """The span of ``count`` whole words of ``text`` from word ``first`` (clamped to the text)."""
    words = [m.span() for m in re.finditer(r"\S+", text)]
    first = min(first, len(words) - count)
    return words[first][0], words[first + count - 1][1]


def spans_of(places) -> set[tuple[str, int, int]]:
    return {(p.source, p.start, p.end) for p in places}


@st.composite
def document_span(draw, index, *, min_words: int = 6, max_words: int = 60):
    source = draw(st.sampled_from(sorted(index.documents)))
    text = index.documents[source].text
    count = draw(st.integers(min_words, max_words))
    start, end = words_span(text, draw(st.integers(0, 10_000)), count)
    return source, start, end


def check_places(result, index) -> None:
    for place in result.spans:
        doc = index.documents[place.source]
        assert doc.text[place.start:place.end] == place.text
        assert place.doc_sha256 == doc.sha256 and place.source in place.citation


# ---------------------------------------------------------------- properties

@PROPERTY
@given(data=st.data())
def test_any_span_of_a_document_verifies_to_itself(default_index, data):
    source, start, end = data.draw(document_span(default_index))
    span = default_index.documents[source].text[start:end]
    assume(span[0] not in "\"'“‘«„" and span[-1] not in "\"'”’»“")
    result = verify_text(span, index=default_index)
    assert result.status == "verified"
    assert (source, start, end) in spans_of(result.spans)
    check_places(result, default_index)


@PROPERTY
@given(data=st.data())
def test_collapsed_whitespace_is_repaired_to_the_same_span(default_index, data):
    source, start, end = data.draw(document_span(default_index, min_words=8))
    span = default_index.documents[source].text[start:end]
    claimed = " ".join(span.split())
    assume(claimed != span)
    result = verify_text(claimed, index=default_index)
    assert result.status == "repaired" and "whitespace" in result.differences
    assert (source, start, end) in spans_of(result.spans)
    check_places(result, default_index)


@PROPERTY
@given(data=st.data())
def test_swapped_quote_marks_are_repaired_to_the_same_span(default_index, data):
    source, start, end = data.draw(document_span(default_index, min_words=8))
    span = default_index.documents[source].text[start:end]
    claimed = span.translate(CURLY)
    assume(claimed != span and claimed[0] not in "\"'“‘«„”’" and claimed[-1] not in "\"'”’»“‘")
    result = verify_text(claimed, index=default_index)
    assert result.status == "repaired" and result.differences == ("quote marks",)
    assert (source, start, end) in spans_of(result.spans)


@PROPERTY
@given(data=st.data(), gap=st.integers(2, 20))
def test_an_ellipsis_in_the_middle_is_repaired_to_the_whole_span(default_index, data, gap):
    source, start, end = data.draw(document_span(default_index, min_words=gap + 12, max_words=gap + 12))
    words = default_index.documents[source].text[start:end].split()
    claimed = " ".join(words[:6]) + " … " + " ".join(words[6 + gap:])
    result = verify_text(claimed, index=default_index)
    assert result.status == "repaired" and result.differences[0] == "ellipsis"
    assert (result.spans[0].source, result.spans[0].start, result.spans[0].end) == (source, start, end)
    (gap_start, gap_end), = result.omitted
    assert start < gap_start < gap_end < end


@PROPERTY
@given(words=st.lists(st.text("bcdfghjklmnpqrstvwxz", min_size=5, max_size=10), min_size=4, max_size=10))
def test_random_text_is_unverified(default_index, words):
    result = verify_text(" ".join(words), index=default_index)
    assert result.status == "unverified" and not result.spans
    assert result.nearest is None or 0 <= result.similarity <= 1


@settings(max_examples=200, deadline=None)
@given(text=st.text(st.sampled_from("ab C-\n \t‘’“”—–\u00ad"), max_size=40))
def test_every_folded_character_maps_back_to_the_text_it_stands_for(text):
    f = fold(text)
    assert len(f.text) == len(f.starts) == len(f.ends)
    for ch, s, e in zip(f.text, f.starts, f.ends):
        assert 0 <= s < e <= len(text)
        assert fold(text[s:e]).text == ch or (ch == " " and text[s:e].isspace())


# ---------------------------------------------------------------- each kind of difference

@pytest.fixture(scope="module")
def passage(default_index):
    """A passage of the encyclopedia article with a hyphenated word in it, and its offsets."""
    text = default_index.documents[WIKI].text
    m = re.search(r"\b\w+-\w+\b", text[2000:])
    start, end = words_span(text, len(text[: 2000 + m.start()].split()) - 5, 14)
    return text[start:end], start, end


def repaired(claimed: str, index, span: tuple[int, int]) -> tuple[str, ...]:
    result = verify_text(claimed, index=index)
    assert result.status == "repaired", result
    assert (result.spans[0].start, result.spans[0].end) == span
    return result.differences


def test_case_dashes_and_a_line_break_hyphen_are_repaired(default_index, passage):
    text, start, end = passage
    assert repaired(text.upper(), default_index, (start, end)) == ("case",)
    assert repaired(re.sub(r"(\w)-(\w)", r"\1–\2", text), default_index, (start, end)) == ("dashes",)
    long_word = max(re.findall(r"[a-z]{7,}", text), key=len)
    broken = text.replace(long_word, long_word[:3] + "-\n" + long_word[3:], 1)
    assert repaired(broken, default_index, (start, end)) == ("line-break hyphen",)


def test_surrounding_quote_marks_are_not_part_of_the_quote(default_index, passage):
    text, start, end = passage
    result = verify_text(f"“{text}”", index=default_index)
    assert result.status == "verified" and (result.spans[0].start, result.spans[0].end) == (start, end)


def test_a_quote_across_a_paragraph_break_is_found(default_index):
    text = default_index.documents[BLOG].text
    brk = text.index("\n\n", 500)
    start, end = words_span(text, len(text[:brk].split()) - 6, 12)
    assert "\n\n" in text[start:end]
    assert verify_text(text[start:end], index=default_index).status == "verified"
    assert repaired(" ".join(text[start:end].split()), default_index, (start, end)) == ("whitespace",)


def test_a_changed_word_is_unverified_with_the_nearest_passage(default_index, passage):
    text, start, end = passage
    words = text.split()
    words[len(words) // 2] = "zebra"
    result = verify_text(" ".join(words), index=default_index)
    assert result.status == "unverified"
    assert result.nearest.source == WIKI and result.nearest.start < end and result.nearest.end > start
    assert 0.8 < result.similarity < 1 and result.edits >= 4


def test_sources_restrict_where_text_is_looked_for(default_index, passage):
    text, _, _ = passage
    assert verify_text(text, [WIKI], index=default_index).status == "verified"
    assert verify_text(text, BLOG, index=default_index).status == "unverified"
    with pytest.raises(DocumentNotFoundError, match=r"closest names: khalkhin-gol-thin-line-news\.txt"):
        verify_text(text, ["khalkhin-gol.txt"], index=default_index)


@pytest.mark.parametrize("text", ["the war", "Khalkhin", "of the and of the in the", "... … ...", "   "])
def test_short_or_common_text_is_refused(default_index, text):
    with pytest.raises(QuoteTooShortError, match="too short or too common"):
        verify_text(text, index=default_index)


def test_text_that_is_not_usable_is_refused(default_index):
    with pytest.raises(QuestionError, match="the limit is 20,000"):
        verify_text("word " * 5000, index=default_index)
    with pytest.raises(QuestionError, match="must be text"):
        verify_text(None, index=default_index)  # type: ignore[arg-type]
    with pytest.raises(QuestionError, match="not valid UTF-8"):
        verify_text("Khalkhin Gol \udcff battle", index=default_index)


def test_differences_name_each_kind():
    assert differences("It's  a ‘test’ — ok", "it’s a 'test' - ok") == ["case", "quote marks", "dashes", "whitespace"]
    assert differences("same text", "same text") == []


def test_a_quote_found_twice_lists_both_places(tmp_path):
    from ..conftest import index_of

    sentence = "The lighthouse keeper recorded the storm in the logbook every night."
    idx = index_of(tmp_path, {"a.txt": f"First part.\n\n{sentence}\n\nMiddle part about ships.\n\n{sentence}",
                              "b.txt": f"Another text. {sentence}"})
    result = verify_text(sentence, index=idx)
    assert result.status == "verified"
    assert sorted(p.source for p in result.spans) == ["a.txt", "a.txt", "b.txt"]
    check_places(result, idx)


def test_the_cli_prints_and_exits_by_status(default_config, default_index):
    import json
    import subprocess
    import sys

    from ..conftest import ROOT

    text = default_index.documents[WIKI].text
    start, end = words_span(text, 300, 12)

    def cli(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "qa", "verify", *args, "--index", str(default_config.index_dir)],
                              cwd=ROOT, capture_output=True, text=True, timeout=300)

    exact = cli(text[start:end], "--json")
    assert exact.returncode == 0
    assert json.loads(exact.stdout)["spans"][0]["start"] == start
    upper = cli(text[start:end].upper())
    assert upper.returncode == 1 and upper.stdout.startswith("Repaired") and text[start:end] in upper.stdout
    invented = cli("The treaty was signed aboard a zeppelin over Paris.")
    assert invented.returncode == 3 and invented.stdout.startswith("Unverified")
    short = cli("the war")
    assert short.returncode == 2 and "too short" in short.stderr and "Traceback" not in short.stderr
