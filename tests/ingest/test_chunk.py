"""Chunk invariants: each chunk is its span, fits the model window, and the chunks cover the document."""
from __future__ import annotations

import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qa.ingest.chunk import SPLITTER, chunk_document, encoding, split_sentences
from qa.records import Section


def _check_invariants(text, chunks, max_tokens=None):
    for c in chunks:
        assert text[c.start:c.end] == c.text
        assert c.text == c.text.strip() and c.text
        if max_tokens is not None:
            assert c.tokens <= max_tokens
    covered = [False] * len(text)
    for c in chunks:
        for i in range(c.start, c.end):
            covered[i] = True
    missing = [i for i, ch in enumerate(text) if not ch.isspace() and not covered[i]]
    assert not missing, f"uncovered text: {text[missing[0]:missing[0] + 40]!r}"


def test_sentences_are_spans_and_split_on_paragraphs():
    text = "Dr. Smith arrived at 5 p.m. on Jan. 3. He left.\n\nA heading\n\nIt was 3.5 km long. Done."
    spans = split_sentences(text)
    got = [text[s:e] for s, e in spans]
    assert got == ["Dr. Smith arrived at 5 p.m. on Jan. 3.", "He left.", "A heading", "It was 3.5 km long.", "Done."]


def test_default_corpus_chunks(default_index, embedder):
    for doc in default_index.documents.values():
        chunks = [c for c in default_index.chunks if c.source == doc.source]
        _check_invariants(doc.text, chunks, max_tokens=default_index.config.chunk_tokens)
        for c in chunks:
            # The model would silently truncate anything longer than its window.
            assert embedder.count_tokens(c.text) <= embedder.window
            assert c.section == doc.section_at(c.start)


def test_chunks_never_cross_sections():
    text = "Intro one. Intro two.\n\nPart A\n\nAlpha one. Alpha two.\n\nPart B\n\nBeta one."
    a, b = text.index("Part A"), text.index("Part B")
    sections = (Section("Part A", a, b), Section("Part B", b, len(text)))
    chunks = chunk_document("s", text, split_sentences(text), sections, max_tokens=500, overlap_tokens=0)
    assert [c.section for c in chunks] == [None, "Part A", "Part B"]
    _check_invariants(text, chunks)


def test_overlap_repeats_trailing_sentences():
    text = " ".join(f"Sentence number {i} says something about topic {i}." for i in range(40))
    chunks = chunk_document("s", text, split_sentences(text), (), max_tokens=60, overlap_tokens=15)
    assert len(chunks) > 3
    for a, b in zip(chunks, chunks[1:]):
        assert b.start < a.end, "consecutive chunks share a sentence"
        assert b.start > a.start
    _check_invariants(text, chunks, max_tokens=60)


def test_overlong_sentence_is_cut_not_truncated(embedder):
    # One "sentence" of ~3000 tokens with no punctuation, and dense CJK text that the model tokenises finely.
    long = " ".join(f"word{i}" for i in range(1500))
    cjk = "".join(chr(0x4E00 + (i * 7) % 2000) for i in range(1200))
    text = long + "\n\n" + cjk
    chunks = chunk_document("s", text, split_sentences(text), (), max_tokens=400, overlap_tokens=0,
                            fits_model=embedder.fits)
    _check_invariants(text, chunks)
    assert len(chunks) > 5
    for c in chunks:
        assert embedder.count_tokens(c.text) <= embedder.window
        assert len(encoding().encode(c.text)) <= 400


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=80),
                max_size=12),
       st.integers(min_value=8, max_value=80))
def test_chunking_any_text(paragraphs, max_tokens):
    text = "\n\n".join(paragraphs)
    spans = split_sentences(text)
    for s, e in spans:
        assert text[s:e] == text[s:e].strip() and e > s
    chunks = chunk_document("s", text, spans, (), max_tokens=max_tokens, overlap_tokens=max_tokens // 4)
    _check_invariants(text, chunks)



# (text, sentences it holds): hand-checked excerpts of SQuAD dev paragraphs where pysbd and sentencex
# disagree (benchmarks/bench_split.py lists them).
BOUNDARY_CASES = [
    ("A function problem has an output more complex than that of a decision problem, that is, it isn't just yes "
     "or no. Notable examples include the traveling salesman problem.", 2),
    ("If the input size is n, the time taken can be expressed as a function of n. Since the time taken on "
     "different inputs of the same size can be different, the worst-case time is the maximum.", 2),
    ("The worst-case time complexity T(n) is the maximum time taken over all inputs of size n. If T(n) is a "
     "polynomial in n, then the algorithm is said to be a polynomial time algorithm.", 2),
    ("If a problem X can be solved using an algorithm for Y, X is no more difficult than Y, and we say that X "
     "reduces to Y. There are many different types of reductions.", 2),
    ("A problem X is hard for a class of problems C if every problem in C can be reduced to X. Thus no problem "
     "in C is harder than X.", 2),
    ("An algorithm for X allows us to solve any problem in C. Of course, the notion of hard problems depends on "
     "the type of reduction being used.", 2),
    ("If a problem X is in C and hard for C, then X is said to be complete for C. This means that X is the "
     "hardest problem in C.", 2),
    ("They are the ones most likely not to be in P. Because the problem P = NP is not solved, being able to "
     "reduce a known NP-complete problem would indicate that there is no known polynomial-time solution.", 2),
    ("It is the problem of deciding whether the input has a factor less than k. No efficient integer "
     "factorization algorithm is known.", 2),
    ("It is not known if L is strictly contained in P or equal to P. Again, there are many complexity classes "
     "between the two.", 2),
    ("The midway point lies south of San Jose; however, this does not coincide with popular use of the term. "
     "When the state is divided into two areas, the term usually refers to the southern counties.", 2),
    ("Key selling points were more channels and an interactive service branded Open.... now called Sky "
     "Active, BSkyB competed with the ONdigital terrestrial offering.", 1),
]

# Where each splitter is known to be wrong: sentencex reads "no." and a one-letter variable ("n.", "k.")
# as abbreviations, which split_sentences corrects; pysbd does the same with a capital variable ("X.", "C.",
# "P.") and "Open....".
KNOWN_MISSES = {"sentencex": set(), "pysbd": {3, 4, 5, 6, 7, 9, 11}}


@pytest.mark.parametrize("case", range(len(BOUNDARY_CASES)))
def test_hand_checked_boundaries(case):
    """Right where expected, and wrong exactly where known (a splitter that improves updates the list)."""
    text, expected = BOUNDARY_CASES[case]
    assert (len(split_sentences(text)) == expected) is (case not in KNOWN_MISSES[SPLITTER])


def test_a_sentence_ends_only_where_a_space_follows():
    """A dotted name, a mark glued to a word or a bare mark the sentence goes on after is not a sentence end;
    a note glued after one is the next sentence's, and so is a sentence opening with a lower-case name."""
    text = ("You can use the flask.Flask.route decorator. The ?LAST name indicates the last element. "
            "It supports .* and .** accessors. He left Warsaw in 1830.[n 6] Here his parents lived. "
            "Makes the '.' special character match. Run git rm -rf . from the top. It is an object. "
            "defaultdict is a subclass. (It is greedy, as in x = (y) + 1.) Then.")
    assert [text[s:e] for s, e in split_sentences(text)] == [
        "You can use the flask.Flask.route decorator.", "The ?LAST name indicates the last element.",
        "It supports .* and .** accessors.", "He left Warsaw in 1830.", "[n 6] Here his parents lived.",
        "Makes the '.' special character match.", "Run git rm -rf . from the top.", "It is an object.",
        "defaultdict is a subclass.", "(It is greedy, as in x = (y) + 1.)", "Then."]


def test_a_name_or_quoted_words_ending_in_a_mark_do_not_end_the_sentence():
    """Rust's macros end in "!" ("panic!", "assert_eq!") and quoted words keep their mark ("Hello, world!"): a
    word in lower case after such a mark goes on with the sentence; a mark before a capital still ends one."""
    text = ("So how do you decide when you should call panic! and when you should return Result? Use the "
            "assert_eq! macro. It prints the text Hello, world! to the screen. Stop! Then go.")
    assert [text[s:e] for s, e in split_sentences(text)] == [
        "So how do you decide when you should call panic! and when you should return Result?",
        "Use the assert_eq! macro.", "It prints the text Hello, world! to the screen.", "Stop!", "Then go."]


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=300),
       st.sampled_from(["pysbd", "sentencex"]))
def test_either_splitter_gives_stripped_spans_that_cover_the_text(text, splitter):
    spans = split_sentences(text, splitter=splitter)
    assert all(text[s:e] == text[s:e].strip() and e > s for s, e in spans)
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))
    covered = {i for s, e in spans for i in range(s, e)}
    assert all(ch.isspace() or i in covered for i, ch in enumerate(text))


# ---------------------------------------------------------------- bounded units, blocks


@pytest.mark.parametrize("text", [
    ("lorem ipsum dolor sit amet " * 8000)[:200_000],  # no sentence end
    "\n".join(f"entry{i}" for i in range(30_000)),  # a word list, one entry a line
    "x" * 200_000,  # one "word"
    "a, " * 60_000,  # clauses only
])
def test_no_unit_is_unbounded(text: str) -> None:
    from qa.ingest.chunk import MAX_UNIT_CHARS

    spans = split_sentences(text)
    assert spans and max(e - s for s, e in spans) <= MAX_UNIT_CHARS
    assert all(text[s:e] == text[s:e].strip() for s, e in spans)
    chunks = chunk_document("big", text, spans, (), max_tokens=160, overlap_tokens=32)
    _check_invariants(text, chunks)
    assert max(c.tokens for c in chunks) <= 162  # a piece cut inside a sentence may gain a token once stripped


def test_long_lines_split_at_line_breaks_first() -> None:
    from qa.ingest.chunk import bounded

    text = "\n".join(["word " * 30] * 40)
    pieces = [text[s:e] for s, e in bounded(text, 0, len(text), 400)]
    assert all(len(p) <= 400 for p in pieces) and all(p.endswith("word") for p in pieces)
    assert "".join(p.replace("\n", "") for p in pieces).replace(" ", "") == text.replace("\n", "").replace(" ", "")


def test_blocks_make_headings_terms_and_code_units_of_their_own() -> None:
    text = "Usage\n\nRun it. Then stop:\n\nif x:\n    y = 1. z = 2\n\n    w = 3\n\nf(a, b)\n\nReturns one. Or two."
    parts = [("Usage", "heading"), ("Run it. Then stop:", "text"), ("if x:\n    y = 1. z = 2\n\n    w = 3", "code"),
             ("f(a, b)", "term"), ("Returns one. Or two.", "text")]
    blocks = [(text.index(part), text.index(part) + len(part), kind) for part, kind in parts]
    got = [text[s:e] for s, e in split_sentences(text, blocks=blocks)]
    assert got == ["Usage", "Run it.", "Then stop:", "if x:\n    y = 1. z = 2\n\n    w = 3", "f(a, b)", "Returns one.",
                   "Or two."]


def test_a_long_code_block_splits_between_lines() -> None:
    from qa.ingest.chunk import MAX_UNIT_CHARS

    code = "\n".join(f"    value_{i} = compute({i})  # step" for i in range(200))
    spans = split_sentences(code, blocks=[(0, len(code), "code")])
    assert len(spans) > 1 and max(e - s for s, e in spans) <= MAX_UNIT_CHARS
    assert all(code[e:e + 1] in ("", "\n") for _, e in spans)  # every cut is at a line end


def test_chunking_checks_for_cancel() -> None:
    text = "Go. " * 2000
    calls = []

    def stop() -> None:
        calls.append(1)
        if len(calls) > 2:
            raise RuntimeError("cancelled")

    with pytest.raises(RuntimeError, match="cancelled"):
        chunk_document("x", text, split_sentences(text), (), max_tokens=50, overlap_tokens=10, stop=stop)


def test_pysbd_is_optional_and_its_absence_is_a_clear_error(monkeypatch):
    """pysbd is only an alternative splitter (in the [test] extra): asked for without it, a QAError says what to do."""
    from qa import QAError
    from qa.ingest.chunk import _segmenter

    _segmenter.cache_clear()
    monkeypatch.setitem(sys.modules, "pysbd", None)  # as if not installed
    try:
        with pytest.raises(QAError, match="pip install pysbd"):
            split_sentences("It rained. Then it stopped.", splitter="pysbd")
        assert len(split_sentences("It rained. Then it stopped.")) == 2  # the default splitter needs no pysbd
    finally:
        _segmenter.cache_clear()
