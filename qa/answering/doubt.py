"""The confidence: one logistic function of a few named inputs, fitted on held-out articles.

    confidence = sigmoid(sum(weight[name] * inputs[name] for name in CONFIDENCE_INPUTS) + bias)

The inputs describe the top quote and the question:

- ``support``: how well the ranker's best unit is grounded (qa.answering.features.SUPPORT_FEATURES, fitted weights);
- ``margin``: how far the top unit scores above the best unit that neither overlaps nor repeats it (capped);
- ``kind_missing``: 1 when the question asks for a kind of answer (a person, a count, a time...) that the
  top unit does not offer (qa.answering.asked);
- ``unknown_terms``: the share of the question's content words that occur nowhere in the indexed
  documents, neither as written (after stemming) nor as a WordNet relative (qa.answering.paraphrase).

``kind_missing`` and ``unknown_terms`` may only lower the confidence: a fit that gives either a positive
weight leaves it out (weight 0). On SQuAD's training articles ``unknown_terms`` is left out that way (their
unanswerable questions reuse the paragraph's words), so it is there for fits on other documents.

The weights and bias live in the scoring file's "confidence" (qa.answering.scoring, fitted by
``python -m qa train-verifier --fit-confidence``); a per-index calibration (qa.calibrating) refits the mapping
of the confidence it gives.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence

from ..indexing.lexical import query_terms, split_words, tokenize
from .asked import offers
from .paraphrase import question_words, relatives

CONFIDENCE_INPUTS = ("support", "margin", "kind_missing", "unknown_terms")
#: Inputs that may only lower the confidence.
DOUBTS = ("kind_missing", "unknown_terms")
#: The margin of a top unit with no rival, and the most any margin counts.
MARGIN_CAP = 4.0
#: A unit repeats the top unit, and is no rival to it, when this share of the content words of the shorter
#: of the two is in the other (measured in docs/experiments.md).
ECHO = 0.6
# Words that ask rather than name what is asked about (stemmed as BM25 stems them).
_ASKING = frozenset(t for ts in tokenize(["what which who whom whose when where why how does do did is are was "
                                          "were be been kind type name many much long"]) for t in ts)


def confidence(inputs: Mapping[str, float], weights: Sequence[float], bias: float) -> float:
    """The probability that the top quote answers the question.

    >>> round(confidence({"support": 1.0, "margin": 0.0, "kind_missing": 0.0, "unknown_terms": 0.0},
    ...                  (1.0, 0.0, 0.0, 0.0), 0.0), 3)
    0.731
    """
    z = bias + sum(w * float(inputs[name]) for name, w in zip(CONFIDENCE_INPUTS, weights))
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))


def margin(scores: Sequence[float], overlaps: Callable[[int], bool]) -> float:
    """The top unit's score minus the best score of a unit that does not overlap it (``overlaps(n)`` says
    whether unit ``n`` shares a sentence with unit 0, or repeats it: see :func:`echoes`), capped at
    :data:`MARGIN_CAP`. The scores need not be in order: where a verifier re-ordered the units, they are the
    ranker's own scores in the new order. ``overlaps`` is asked of the best units first, and no further than
    the first that does not overlap.

    >>> margin([5.0, 4.8, 3.0], lambda n: n == 1)
    2.0
    >>> margin([4.0, 3.0, 4.5], lambda n: False)
    -0.5
    """
    rivals = sorted(range(1, len(scores)), key=lambda n: -float(scores[n]))
    rival = next((float(scores[n]) for n in rivals if not overlaps(n)), None)
    return MARGIN_CAP if rival is None else min(MARGIN_CAP, float(scores[0]) - rival)


def echoes(top: str, other: str, share: float = ECHO) -> bool:
    """Whether ``other`` says again what ``top`` says: ``share`` of the content words (stemmed) of the
    shorter are in the other. A page that states a fact twice, or two sources that agree, should not make the
    answer look contested.

    >>> echoes("Sorts are guaranteed to be stable.", "The sort() method is guaranteed to be stable.")
    True
    >>> echoes("Sorts are guaranteed to be stable.", "The key function is called once per element.")
    False
    """
    a, b = set(query_terms(top)) - {""}, set(query_terms(other)) - {""}
    return bool(a and b) and len(a & b) >= share * min(len(a), len(b))


def kind_missing(question: str, text: str) -> float:
    """1.0 when ``question`` asks for a kind of answer that ``text`` does not offer, else 0.0."""
    return 1.0 if offers(question, text) is False else 0.0


def content_words(question: str) -> list[tuple[str, str]]:
    """(word, stem) for each word of ``question`` that names something (stopwords and question words out)."""
    return _naming(question_words(question))


def _naming(words: list[str]) -> list[tuple[str, str]]:
    """(word, stem) for those of ``words`` that name something: not a stopword, not a word that asks."""
    return [(w, s[0]) for w, s in zip(words, tokenize(words) if words else []) if s and s[0] and s[0] not in _ASKING]


def is_known(word: str, stem: str, vocabulary: Callable[[str], bool]) -> bool:
    """Whether ``word`` occurs in the documents: as written, as a WordNet relative, or (a compound such as
    "ceasefire" for "cease-fire") as two known parts."""
    if vocabulary(stem):
        return True
    if any(vocabulary(r) for r in relatives(word)):
        return True
    return any(_whole(word[:i], vocabulary) and _whole(word[i:], vocabulary) for i in range(3, len(word) - 2))


def _whole(part: str, vocabulary: Callable[[str], bool]) -> bool:
    stems = tokenize([part])[0]
    return len(stems) == 1 and vocabulary(stems[0])


def unknown_terms(question: str, vocabulary: Callable[[str], bool]) -> float:
    """The share of the question's content words unknown to the documents (0.0 when it has none). The words
    are split as the index splits the documents' text, so that a name with digits ("libtasn1") is looked up
    whole, as it was indexed."""
    words = _naming(split_words(question))
    if not words:
        return 0.0
    return sum(not is_known(w, s, vocabulary) for w, s in words) / len(words)


def inputs_of(question: str, texts: Sequence[str], scores: Sequence[float], overlaps: Callable[[int], bool],
              support: float, vocabulary: Callable[[str], bool],
              weights: Sequence[float] | None = None) -> dict[str, float]:
    """The :data:`CONFIDENCE_INPUTS` of a ranking: ``texts`` and ``scores`` of its units best first (only the
    first text is read), ``overlaps(n)`` whether unit ``n`` shares a sentence with the first or repeats it,
    ``vocabulary(stem)`` whether a stemmed term occurs in the documents.

    With ``weights`` (in :data:`CONFIDENCE_INPUTS` order), a doubt whose weight is 0 is not computed and
    reads 0.0: it cannot change the confidence, and ``unknown_terms`` may look up every question word in
    WordNet.
    """
    used = dict(zip(CONFIDENCE_INPUTS, weights)) if weights is not None else {}
    return {
        "support": support,
        "margin": margin(scores, overlaps),
        "kind_missing": kind_missing(question, texts[0]) if used.get("kind_missing", 1.0) else 0.0,
        "unknown_terms": unknown_terms(question, vocabulary) if used.get("unknown_terms", 1.0) else 0.0,
    }
