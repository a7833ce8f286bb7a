"""Chunk invariants: each chunk is its span, fits the model window, and the chunks cover the document."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from qa.chunk import chunk_document, encoding, split_sentences
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

