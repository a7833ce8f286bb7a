"""Sentence fragments that take a neighbour's vector instead of their own (``Config(fragment_vectors="neighbour")``).

A splitter cuts documentation at dotted names, option lists and table cells: "class logging.handlers.",
"Default: false", "Type: Boolean". Such a fragment of a few words, embedded under its heading, is mostly
heading; on npm's documentation fragments of three words or fewer are 37% of the sentences and 13% of
the model tokens a build sends (4.5% on 20 python3-doc pages, about none in SQuAD's prose). With this
option a fragment gets the vector of the nearest longer sentence after it (before it, at the end of
a document), whose text usually says what the fragment is about, and is not embedded itself. Quotes and
offsets do not change: only which text a sentence's vector was made from. Measured in docs/performance.md.
"""
from __future__ import annotations

from bisect import bisect_left

from ..records import Document

#: A sentence of this many words or fewer is a fragment.
FRAGMENT_WORDS = 3


def embedded_sentences(document: Document, mode: str = "own") -> list[int]:
    """For each sentence of ``document``, the sentence whose text makes its vector.

    "own": itself. "neighbour": itself, or for a fragment the nearest longer sentence after it (else
    before it); a document of fragments only keeps their own.

    >>> from qa.records import Document
    >>> text = "Type: Boolean. Default: false. The flag sets the registry for the scope. Tags."
    >>> doc = Document("a.md", "a", "document", "md", text, "", "", sentences=((0, 14), (15, 30), (31, 72), (73, 78)))
    >>> embedded_sentences(doc, "neighbour"), embedded_sentences(doc)
    ([2, 2, 2, 2], [0, 1, 2, 3])
    """
    own = list(range(len(document.sentences)))
    if mode != "neighbour":
        return own
    longer = [i for i, (s, e) in enumerate(document.sentences) if len(document.text[s:e].split()) > FRAGMENT_WORDS]
    if not longer:
        return own
    return [i if (k := bisect_left(longer, i)) < len(longer) and longer[k] == i
            else longer[min(k, len(longer) - 1)] for i in own]
