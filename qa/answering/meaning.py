"""Disagreement in meaning: sources that answer with a different person, side or place, or where one
denies what another affirms.

Dates, numbers and durations are compared in qa.answering.conflicts; this module compares what they cannot:

- A question asking for a person, a group or side, or a place (qa.answering.asked): each source's best
  close quote that names something the question names gives the names of that kind in those sentences,
  less the names the question itself uses. Two sources disagree when neither's answer is named anywhere
  in the other's compared quotes, with names matched across their spellings ("the Soviets" ~ "the Soviet
  Union" ~ "USSR", qa.answering.entities). A place is only compared with a place of the same sort (a
  country with a country, a river or a region with another), so that "in Mongolia" and "near the Halha
  River" are not taken for a disagreement. Two sources that both name both sides also disagree when they
  swap who did what the question asks ("the Soviets defeated Japan" against "Japan defeated the Soviets").
- A yes-or-no question ("Did the pact keep the peace?"): each source's best sentence that holds at least
  two of the question's terms (or all, when it has fewer) either negates one of them ("did not keep") or
  not. Two sources disagree when one negates a term the other states plainly. A denial inside a clause
  stating a condition ("If the pact is not renewed, ...") or of what the question itself denies is no claim,
  and a sentence that holds any denial, or says that what it states fails, states nothing plainly.

A source that states no answer of the kind is not compared, so a disagreement needs two sources that each
answer. Agreement in different words is never a disagreement: every match is tried before one is declared.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..indexing.lexical import tokenize
from ..ingest.chunk import split_sentences
from ..records import Quote
from .asked import Kind, asked_kind
from .doubt import content_words
from .entities import Name, capitalised, name_keys, of_kind, same_name
from .negation import DENIAL
from .paraphrase import relatives, wordnet

#: The kinds of question whose answers are names.
NAMED: tuple[Kind, ...] = ("person", "group", "place")
_SAY = {"person": "who", "group": "which side", "place": "where"}
# A place is compared with a place of its own sort: a country, state or city; or a river, region or building.
_SORTS = {"GPE": "political", "LOC": "geographic", "FAC": "geographic"}
_YES_NO = re.compile(r"^\W*(?:did|does|do|was|were|is|are|has|have|had|can|could|will|would|should)\b", re.I)
#: How many words before a term a negation may stand and still negate it ("did not, in the end, keep").
NEGATION_WINDOW = 4
_WORD = re.compile(r"[\w’'-]+")
# A word opening a clause that states a condition: a denial inside it is the condition, not a claim
_CONDITION = re.compile(r"\b(?:if|unless|when|whenever|whether)\b", re.I)
# A word saying that what the sentence states does not happen, or is not allowed
_FAILS = re.compile(r"\b(?:fail(?:s|ed|ure)?|refuse[sd]?|reject(?:s|ed)?|forbid(?:s|den)?|prohibit(?:s|ed)?|"
                    r"disallow(?:s|ed)?|impossible)\b", re.I)


@dataclass(frozen=True)
class Stance:
    """What one source answers: the names it gives or whether it negates, with the quote saying it."""

    said: str  # as shown in the note
    quote: Quote
    values: tuple[Name, ...] = ()
    negated: frozenset[str] = frozenset()  # the question terms its sentence negates
    stated: frozenset[str] = frozenset()  # the question terms its sentence holds
    plain: bool = True  # its sentence holds no denial and no word of failure anywhere


def compare(question: str, quotes: Sequence[Quote], wider: Sequence[Quote] = ()
            ) -> tuple[str, tuple[Quote, ...]] | bool | None:
    """A disagreement in meaning between the sources of ``quotes`` (close candidates, best first) as a
    note and the quotes of each side; False when two sources answer alike; None when fewer than two answer.

    ``wider`` are more candidates of the same sources: a source agrees when any of them names the other's
    answer.
    """
    kind = asked_kind(question)
    if kind in NAMED:
        return _compare_names(question, kind, quotes, wider)
    if asks_yes_no(question):
        return _compare_polarity(question, [*quotes, *wider])
    return None


def said(question: str, text: str) -> list[str]:
    """The names ``text`` gives as the answer to ``question`` when it asks for a person, a side or a place
    (what a source's column says on a conflict); empty for other questions.

    >>> said("Which side won the battle of the Fords?", "Japan won the battle of the Fords.")  # doctest: +SKIP
    ['Japan']
    """
    kind = asked_kind(question)
    if kind not in NAMED:
        return []
    asked = _question_names(question)
    return list(dict.fromkeys(n.text for n in _answer_names(text, kind, _About(question)) if not _named_in(n, asked)))


def asks_yes_no(question: str) -> bool:
    """Whether ``question`` is answered yes or no ("Did the pact hold?")."""
    return bool(_YES_NO.search(question))


def _compare_names(question: str, kind: Kind, quotes: Sequence[Quote], wider: Sequence[Quote]
                   ) -> tuple[str, tuple[Quote, ...]] | bool | None:
    asked = _question_names(question)
    about = _About(question)
    best: dict[str, Stance] = {}
    for q in quotes:
        if q.source not in best:
            found = tuple(n for n in _answer_names(q.text, kind, about) if not _named_in(n, asked))
            if found:
                best[q.source] = Stance(_say(found), q, values=found)
    if len(best) < 2:
        return None
    a, b = list(best.values())[:2]
    pairs = [(x, y) for x in a.values for y in b.values if _sort(x, kind) == _sort(y, kind)]
    if not pairs:
        return None  # the two answers are names of different sorts: not comparable
    swapped = _swapped_roles(question, a, b)
    if swapped:
        return _note(kind, _say(swapped[0]), a.quote, _say(swapped[1]), b.quote), (a.quote, b.quote)
    said_a, said_b = _all_names(a.quote.source, kind, quotes, wider), _all_names(b.quote.source, kind, quotes, wider)
    if any(same_name(x.text, y.text) for x in a.values for y in said_b) or \
            any(same_name(x.text, y.text) for x in b.values for y in said_a):
        return False
    return _note(kind, a.said, a.quote, b.said, b.quote), (a.quote, b.quote)


def _note(kind: Kind, said_a: str, a: Quote, said_b: str, b: Quote) -> str:
    return (f"The sources differ on {_SAY[kind]}: {said_a} in “{a.title}” ({a.kind}) vs "
            f"{said_b} in “{b.title}” ({b.kind}).")


def _swapped_roles(question: str, a: Stance, b: Stance) -> tuple[tuple[Name, ...], tuple[Name, ...]] | None:
    """The doers each source names when both name both sides but swap who did what the question asks
    ("the Soviets defeated Japan" against "Japan defeated the Soviets"); None otherwise."""
    verbs = _predicate(question)
    doers_a, doers_b = _doers(a, verbs), _doers(b, verbs)
    if not doers_a or not doers_b or any(same_name(x.text, y.text) for x in doers_a for y in doers_b):
        return None
    if any(same_name(x.text, y.text) for x in a.values for y in doers_b) and \
            any(same_name(x.text, y.text) for x in b.values for y in doers_a):
        return doers_a, doers_b
    return None


def _predicate(question: str) -> frozenset[str]:
    """The stems of what the question asks was done ("won" → won, win): its content words outside its
    names and the noun its "which" or "what" asks about, with a verb's base form."""
    named = {w.lower() for n in capitalised(question) for w in _WORD.findall(n.text)}
    asked = set(re.findall(r"\b(?:which|what|whose)\s+(\w+)", question.lower()))
    wn = wordnet()
    stems: set[str] = set()
    for word, stem in content_words(question):
        if word not in named and word not in asked:
            base = wn.morphy(word, "v") if wn is not None else None
            stems |= {stem, *(tokenize([base])[0] if base else [])}
    return frozenset(stems)


def _doers(stance: Stance, verbs: frozenset[str]) -> tuple[Name, ...]:
    """The answer names in the doer's place of a word of ``verbs`` in the stance's quote: before it in its
    clause, or after "by" right after it ("was won by Japan")."""
    text, found = stance.quote.text, []
    for m in _WORD.finditer(text):
        stems = tokenize([m.group(0)])[0]
        if not stems or stems[0] not in verbs or any(n.start <= m.start() < n.end for n in stance.values):
            continue
        by = re.match(r"\s+by\s+", text[m.end():])
        if by:
            after = m.end() + by.end()
            found += [n for n in stance.values if n.start == after or text[after:n.start].lower() == "the "]
        else:
            clause = max(text.rfind(c, 0, m.start()) for c in ",;:.") + 1
            found += [n for n in stance.values if clause <= n.start and n.end <= m.start()]
    return tuple(dict.fromkeys(found))


def _answer_names(text: str, kind: Kind, about: _About) -> tuple[Name, ...]:
    """The names of ``kind`` in the sentences of ``text`` that are about what the question asks."""
    found: list[Name] = []
    for start, end in split_sentences(text):
        if about(text[start:end]):
            found += [n for n in of_kind(text, kind) if start <= n.start < end]
    return tuple(found)


def _all_names(source: str, kind: Kind, quotes: Sequence[Quote], wider: Sequence[Quote]) -> list[Name]:
    texts = dict.fromkeys(q.text for q in [*quotes, *wider] if q.source == source)
    return [n for text in texts for n in of_kind(text, kind)]


def _question_names(question: str) -> list[str]:
    """What the question names: its capitalised runs and its words one by one (a question typed in lower
    case has no capitals; the recogniser is not run on it, to save its time)."""
    words = [w for w in _WORD.findall(question) if len(w) > 2]
    return [n.text for n in capitalised(question)] + words


def _named_in(name: Name, asked: list[str]) -> bool:
    keys = name_keys(name.text)
    return any(keys & name_keys(a) for a in asked)


def _sort(name: Name, kind: Kind) -> str:
    """Names of one sort are compared: for a place, a country or town, or a river or region; for a side,
    a person ("Zhukov's forces") or a group."""
    if name.label == "NAME":
        return "any"
    if kind == "place":
        return _SORTS.get(name.label, "political")
    return "person" if kind == "group" and name.label == "PERSON" else "any"


def _say(found: Sequence[Name]) -> str:
    return ", ".join(f"“{n}”" for n in dict.fromkeys(x.text for x in found[:3]))


class _About:
    """Whether a sentence is about what a question asks: it holds at least half of the question's content
    words (at least two, or all where it has fewer), each as written or as a WordNet relative, one at
    least as written."""

    def __init__(self, question: str) -> None:
        self.words = list(dict.fromkeys(content_words(question)))
        self.need = max(min(2, len(self.words)), (len(self.words) + 1) // 2)

    def __call__(self, sentence: str) -> bool:
        stems = set(tokenize([sentence])[0])
        missing = [w for w, s in self.words if s not in stems]
        held = len(self.words) - len(missing)
        if not held:
            return False  # relatives are looked up only for a sentence that holds a word as written
        return held >= self.need or held + sum(bool(relatives(w) & stems) for w in missing) >= self.need


def _compare_polarity(question: str, quotes: Sequence[Quote]) -> tuple[str, tuple[Quote, ...]] | bool | None:
    """``quotes``: the close candidates and then the wider ones; a source's stance is the first it takes."""
    own = frozenset(s for _, s in content_words(question))
    if not own:
        return None
    about = _About(question)
    # what the question itself negates ("a package that I cannot install") is its premise: a source saying
    # it too agrees with the question, and denies nothing
    premise = _denied(question, *_stems(question), own)
    best: dict[str, Stance] = {}
    for q in quotes:
        if q.source not in best:
            stance = _stance(q, own - premise, about)
            if stance is not None:
                best[q.source] = stance
    if len(best) < 2:
        return None
    a, b = list(best.values())[:2]
    if _opposed(a, b) or _opposed(b, a):
        deny, affirm = (a, b) if a.negated else (b, a)
        note = (f"The sources disagree: “{deny.said}” in “{deny.quote.title}” ({deny.quote.kind}) vs "
                f"“{affirm.said}” in “{affirm.quote.title}” ({affirm.quote.kind}).")
        return note, (a.quote, b.quote)
    return False


def _stance(quote: Quote, own: frozenset[str], about: _About) -> Stance | None:
    """Whether ``quote``'s first sentence about the question negates any of the question's terms."""
    for start, end in split_sentences(quote.text):
        sentence = quote.text[start:end]
        words, stems = _stems(sentence)
        stated = own.intersection(stems)
        if not stated or not about(sentence):
            continue
        return Stance(sentence.strip(), quote, negated=_denied(sentence, words, stems, own),
                      stated=frozenset(stated), plain=not DENIAL.search(sentence) and not _FAILS.search(sentence))
    return None


def _stems(text: str) -> tuple[list[re.Match[str]], list[str]]:
    words = list(_WORD.finditer(text))
    return words, [t[0] if t else "" for t in tokenize([w.group() for w in words])] if words else []


def _denied(sentence: str, words: list[re.Match[str]], stems: list[str], own: frozenset[str]) -> frozenset[str]:
    """The terms of ``own`` that ``sentence`` denies: a denial stands in the ``NEGATION_WINDOW`` words before
    the term, and not in a clause stating a condition ("If you cannot install it locally, ...")."""
    denied = set()
    for i, stem in enumerate(stems):
        if stem in own and stem not in denied:
            denial = DENIAL.search(sentence, words[max(0, i - NEGATION_WINDOW)].start(), words[i].start())
            if denial and not _CONDITION.search(re.split(r"[,;:]", sentence[:denial.start()])[-1]):
                denied.add(stem)
    return frozenset(denied)


def _opposed(deny: Stance, affirm: Stance) -> bool:
    """``deny`` negates a term that ``affirm`` states plainly: with no denial at all, nor a word saying that
    what it states fails ("The publish will fail if ..." affirms nothing)."""
    return bool((deny.negated - affirm.negated) & affirm.stated) and not affirm.negated and affirm.plain
