"""Hostile documents: only readable files inside the corpus are indexed, every other one is skipped with its
reason, and the cleaner and chunker keep their offsets on any Unicode text."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qa import (
    ask,
)
from qa.ingest.chunk import chunk_document, split_sentences
from qa.ingest.clean import clean_text

from ..hostile_corpus import (
    INDEXED,
    SKIPPED,
    _run,
)


def test_only_readable_files_inside_the_corpus_are_indexed(hostile_index):
    assert set(hostile_index.documents) == INDEXED
    assert hostile_index.documents["utf16-bom.txt"].text == "The bridge opened in 1932."
    assert "alert" not in hostile_index.documents["script.html"].text
    assert hostile_index.documents["script.html"].text == "The script page was written in 2001."


@pytest.mark.parametrize("source", sorted(SKIPPED))
def test_hostile_files_are_skipped_with_their_reason(hostile_index, source):
    skipped = hostile_index.manifest["skipped"]
    assert skipped[source] == SKIPPED[source]


def test_corrupt_pdf_is_skipped_as_corrupt(hostile_index):
    assert hostile_index.manifest["skipped"]["broken.pdf"].startswith("corrupt PDF: ")


def test_symlink_out_of_the_corpus_is_never_read(hostile, hostile_index):
    """A link to a file outside the corpus must not be indexed, shown, or offered as related."""
    texts = [d.text for d in hostile_index.documents.values()] + [c.text for c in hostile_index.chunks]
    assert not any("swordfish" in t or "SECRET-OUTSIDE" in t for t in texts)
    assert hostile_index.manifest["skipped"]["passwd.txt"] == "link points outside the corpus"
    answer = ask("What is the password?", index=hostile_index, k=5)
    shown = [q.text for q in (*answer.quotes, *answer.related)]
    assert not any("swordfish" in t for t in shown)
    out = _run("doc", "passwd.txt", "--index", str(hostile[0].index_dir))
    assert out.returncode == 2 and b"No document 'passwd.txt'" in out.stderr and b"Traceback" not in out.stderr


def test_symlink_loop_and_second_links_are_read_once(hostile_index):
    assert hostile_index.manifest["skipped"]["loop"] == SKIPPED["loop"]
    assert hostile_index.manifest["skipped"]["alias.txt"] == SKIPPED["alias.txt"]
    docs = hostile_index.documents
    assert [d for d in docs if "lighthouse" in docs[d].text.lower()] == ["lighthouse.txt"]


def test_names_with_newlines_are_skipped_not_indexed(hostile_index):
    """A file name holding a newline must not end up inside ``source``."""
    assert all("\n" not in s and "\\n" not in s for s in hostile_index.documents)
    assert hostile_index.manifest["skipped"]["new\\nline.txt"] == SKIPPED["new\\nline.txt"]


def test_hidden_files_are_listed_as_skipped(hostile_index):
    """Names beginning with "." appear under Skipped instead of vanishing."""
    for name in (".hidden.txt", "..txt", ".git"):
        assert "hidden" in hostile_index.manifest["skipped"][name]


ANY_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=400)


@settings(max_examples=60, deadline=None)
@given(ANY_TEXT, st.sampled_from(["txt", "md", "html", "pdf"]))
def test_cleaner_offsets_map_back(raw, fmt):
    cleaned = clean_text(raw, fmt=fmt)
    for clean_start, raw_start, length in cleaned.segments:
        assert cleaned.text[clean_start:clean_start + length] == raw[raw_start:raw_start + length]
    copied = sum(n for _, _, n in cleaned.segments)
    assert copied >= len(cleaned.text) - cleaned.text.count(" ") - cleaned.text.count("\n")


@settings(max_examples=40, deadline=None)
@given(ANY_TEXT)
def test_chunks_cover_any_cleaned_text(raw):
    cleaned = clean_text(raw)
    text = cleaned.text
    chunks = chunk_document("s", text, split_sentences(text), cleaned.sections, max_tokens=24, overlap_tokens=4)
    covered = [False] * len(text)
    for c in chunks:
        assert text[c.start:c.end] == c.text and c.text.strip() == c.text and c.text
        covered[c.start:c.end] = [True] * (c.end - c.start)
    assert all(covered[i] for i, ch in enumerate(text) if not ch.isspace())


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=200))
def test_printable_leaves_no_control_characters(text):
    from qa.terminal import printable

    def controls(shown: str) -> set[str]:
        return {ch for ch in shown if ord(ch) < 0x20 or 0x7f <= ord(ch) <= 0x9f}

    assert controls(printable(text)) == set()
    assert controls(printable(text, multiline=True)) <= {"\n", "\t"}
    assert printable(text, multiline=True).count("\n") == text.count("\n")
