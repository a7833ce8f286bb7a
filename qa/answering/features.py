"""Features of candidate quotes: how well a sentence (or two adjacent ones) answers a question.

Everything here is general: term statistics come from the indexed sentences, and the cues describe
kinds of questions (when, how many, who, where), never particular questions or documents. The
weights that combine the features live in the scoring file (:mod:`qa.answering.scoring`). The question's
own scores come from :class:`qa.answering.question_scores.QuestionScores`.
"""
from __future__ import annotations

import math
import re
import weakref
from collections import Counter
from dataclasses import dataclass
from functools import cached_property, lru_cache
from itertools import pairwise

import numpy as np

from ..config import Config
from ..indexing.index import Index
from ..indexing.lexical import query_terms, tokenize
from ..records import SECTION_SEP, Unit
from .asked import MONTHS, MULTIPLIERS, NUMBER_WORDS, NUMERALS, WHEN, WHERE, asks_definition, asks_procedure
from .question_scores import QuestionScores
from .sentence_stats import Stats, before_in_section, is_anaphoric, own_heading

#: Order of the columns of :func:`unit_features`; the scoring file's ``quote_weights`` name them.
UNIT_FEATURES = (
    "dense", "dense_rel", "bm25", "passage_dense", "passage_bm25", "coverage", "coverage_near", "new_terms",
    "type_match", "neighbour_dense", "length", "new_names", "pair", "anaphoric", "bigrams", "passage_best",
    "dense_rank", "bm25_rank", "passage_top2", "coverage_heading", "coverage_scope", "type_scope",
    "code_procedure", "lead_definition", "option_procedure",
)
#: Features that are 0 on every SQuAD question (its paragraphs hold no code and no headings): SQuAD fits leave
#: their weights at 0, and they are fitted on documentation questions alone (qa.training.docs_fit).
DOCS_ONLY = ("code_procedure", "lead_definition", "option_procedure")
#: Order of the columns of :func:`support_features`; the scoring file's ``support_weights`` name them.
SUPPORT_FEATURES = ("passage_dense", "passage_best", "negated", "numbers_missing", "names_missing", "score",
                    "question_negated", "bm25")

# Words that say what kind of answer is wanted, not what it is about.
_QUESTION_WORDS = frozenset(tokenize([(
    "what which who whom whose when where why how does do did is are was were be been kind type name many much"
)])[0])
_I = re.IGNORECASE
# A time: a year, a century, a month (with its day, if any), or a time told relative to another one
# ("the next day", "two weeks later"). A bare ordinal is not one: "the 23rd Division" is a name.
_DATE = re.compile(r"\b(1\d{3}|20\d{2})s?\b|centur(y|ies)|\b(" + "|".join(MONTHS) + r")\b|"
                   r"\b(next|following|previous|same) (day|week|month|year|morning|night)\b|"
                   r"\b(days?|weeks?|months?|years?|hours?) (later|earlier)\b", _I)
# A number, or a word that counts ("several", "thousands"): what a question asking how many wants
_NUMBER = re.compile(r"\d|\b(many|few|" + "|".join(NUMBER_WORDS) + r")\b", _I)
# A number the question states, which its answer should hold too ("one" states none: "one of the ...")
_STATED = [*(w for w in NUMERALS if w != "one"), *MULTIPLIERS]
_NUMBER_TERM = re.compile(r"\b\d[\d,.]*\b|\b(" + "|".join(_STATED) + r")\b", _I)
_NAME = re.compile(r"\b[A-Z][\w'-]+")
# A negation word, not the "no" of an option ("--no-edit")
_NEGATION = re.compile(r"(?<![-\w])(not|never|no|cannot|none|neither|nor|without|least|fewest)\b|n't\b", _I)
# (kind of question, how to recognise it, what an answering sentence holds; None: a name not asked about)
_TYPES = (
    ("number", re.compile(r"\bhow (many|much|long|old|large|big|far|often)\b|"
                          r"\bwhat (percentage|number|amount)\b", _I), _NUMBER),
    ("date", re.compile(WHEN + r"|\b(what|which|in what) (year|century|decade|date|time|period)\b", _I),
     _DATE),
    ("person", re.compile(r"\bwho\b|\bwhom\b|\bwhose\b", _I), None),
    ("place", re.compile(WHERE + r"|\bwhat (country|city|region|place|area|state|island)\b", _I), None),
)
_CUE_KINDS = frozenset(name for name, _, cue in _TYPES if cue is not None)  # answered by what the text holds
_NAME_KINDS = frozenset(name for name, _, cue in _TYPES if cue is None)  # answered by a name the question lacks


@dataclass(frozen=True)
class UnitInfo:
    """What the features need of a unit that does not depend on the question (kept per index)."""

    terms: frozenset[str]
    near: frozenset[str]  # its terms and its neighbour sentences'
    neighbours: tuple[int, ...]
    text: str
    counts: Counter
    length: int  # term tokens
    bigrams: frozenset[frozenset[str]]
    anaphoric: bool  # it leans on the sentence before ("It ...", "This ..."); a section's first sentence does not
    cues: frozenset[str]  # the kinds of question whose answer cue the text holds ("number", "date")
    name_stems: tuple[str, ...]
    heading: frozenset[str]  # terms of its section's heading path (the document's title where there is none)
    scope: frozenset[str]  # its terms, its heading's and those of the sentences before it in its section
    norm: float = 1.0  # a pair's |a + b| over its sentences' unit vectors (see _unit_dense)
    code: bool = False  # it is code, or brings the code block after it (qa.records.Document.with_code)
    lead: bool = False  # it is the first prose sentence under a heading of a structured page (_opens_section)
    titled: frozenset[str] = frozenset()  # its terms and its heading's (what coverage_heading reads)
    # where it opens a section (lead): what that section's own heading names (see heading_names), and whether
    # the heading is generic
    lead_heading: tuple[frozenset[str], ...] = ()
    lead_generic: bool = False
    lead_option: bool = False  # that heading is a command-line option ("-a, --annotate", "--depth <depth>")
    lead_intro: bool = False  # that section introduces its page (see _lead_heading)


def unit_info(st: Stats, index: Index, unit: Unit) -> UnitInfo:
    """The question-independent facts of ``unit``, computed on first use and kept (see :func:`unit_infos`)."""
    kept = unit_infos(index)
    info = kept.get(unit)
    if info is None:
        terms = frozenset(w for i in unit.ids for w in st.terms[i])
        lead = _opens_section(st, index, unit)
        lead_facts = _lead_heading(st, index, unit, lead)
        heading, scope = _scope(st, index, unit, terms, of_page=lead_facts[1])
        neighbours = tuple(_neighbours(st, index, unit))
        text = unit_text(index, unit)
        info = UnitInfo(
            terms, terms.union(*(st.terms[i] for i in neighbours)), neighbours, text,
            Counter(w for i in unit.ids for w in st.terms[i]), sum(len(st.terms[i]) for i in unit.ids),
            frozenset(frozenset(p) for i in unit.ids for p in pairwise(st.terms[i])),
            # a section's first sentence ("This command removes ...") refers to its heading, not to a sentence
            is_anaphoric(text) and not lead,
            frozenset(name for name, _, cue in _TYPES if cue is not None and cue.search(text)),
            _name_stems(text), heading, scope, _pair_norm(index, unit), _offers_code(index, unit),
            lead, terms | heading, *lead_facts)
        if len(kept) >= index.config.unit_cache:
            kept.clear()
        kept[unit] = info
    return info


def unit_infos(index: Index) -> dict[Unit, UnitInfo]:
    """The cache of :func:`unit_info` for ``index``: the one mutable state of this module, bounded (it starts
    again when it holds ``Config.unit_cache`` units) and kept as long as that loaded index lives."""
    kept = _UNIT_INFOS.get(index)
    if kept is None:
        kept = _UNIT_INFOS[index] = {}
    return kept


# Loaded index -> its units' question-independent facts (unit_infos). Weak keys: an index dropped after a
# rebuild takes them with it.
_UNIT_INFOS: weakref.WeakKeyDictionary[Index, dict[Unit, UnitInfo]] = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class Question:
    """What the features need to know about a question."""

    text: str
    terms: tuple[str, ...]  # content terms, in order (question words removed)
    weights: dict[str, float]  # term -> idf
    kind: str  # number, date, person, place or other
    negated: bool
    numbers: tuple[str, ...]
    names: tuple[str, ...]
    bigrams: frozenset[frozenset[str]]  # unordered pairs of adjacent content terms
    procedure: bool = False  # it asks how to do something (qa.answering.asked.asks_procedure)
    definition: bool = False  # it asks what something is or does (qa.answering.asked.asks_definition)

    @cached_property
    def total(self) -> float:
        return sum(self.weights.values()) or 1.0


def analyse_question(text: str, st: Stats) -> Question:
    terms = tuple(t for t in query_terms(text) if t and t not in _QUESTION_WORDS)
    kind = next((name for name, pattern, _ in _TYPES if pattern.search(text)), "other")
    names = tuple(m.group(0) for m in _NAME.finditer(text) if m.start() > 0)
    numbers = tuple(m.group(0).lower() for m in _NUMBER_TERM.finditer(text))
    bigrams = frozenset(frozenset(p) for p in pairwise(terms) if p[0] != p[1])
    return Question(text, terms, {t: st.idf(t) for t in terms}, kind, question_negated(text),
                    numbers, names, bigrams, asks_procedure(text), asks_definition(text))


def type_match(q: Question, info: UnitInfo, new_names: int) -> float:
    """Whether the unit holds what the kind of question asks for: a number, a date, a new name."""
    if q.kind in _CUE_KINDS:
        return float(q.kind in info.cues)
    return float(new_names > 0) if q.kind in _NAME_KINDS else 0.0


@lru_cache(maxsize=65_536)
def _name_stems(text: str) -> tuple[str, ...]:
    """The stems of ``text``'s capitalised words (not the opening one): computed once per corpus unit."""
    words = [m.group(0) for m in _NAME.finditer(text) if m.start() > 0]
    return tuple(tokenize([" ".join(words)])[0]) if words else ()


def bm25(q: Question, st: Stats, info: UnitInfo, *, k1: float = Config.bm25_k1, b: float = Config.bm25_b) -> float:
    """BM25 of a unit against the question's content terms, with the index's sentence statistics."""
    tf, length = info.counts, info.length
    norm = k1 * (1 - b + b * length / st.avg_len)
    return sum(w * tf[t] * (k1 + 1) / (tf[t] + norm) for t, w in q.weights.items() if t in tf)


def bigram_share(wanted: frozenset[frozenset[str]], info: UnitInfo) -> float:
    """The share of the question's pairs of adjacent terms that the unit holds too."""
    return len(wanted & info.bigrams) / len(wanted) if wanted else 0.0



def negation_in(text: str) -> bool:
    """Whether ``text`` negates: a negation word, where "None" capitalised inside a sentence is a value
    (Python's ``None``), not one.

    >>> negation_in("None of them survived."), negation_in("What happens if sep is None?")
    (True, False)
    >>> negation_in("It does not wait."), negation_in("Use git commit --no-edit to keep the message.")
    (True, False)
    """
    return any(not _value_none(text, m) for m in _NEGATION.finditer(text))


# Words that open a clause saying when or whether something holds ("if the substring is not found", "when no
# rule matches"): a negation inside such a clause is the question's condition, not what it asks about
_CLAUSE_OPENER = re.compile(r"\b(if|when|whenever|unless|once|while|after|before|until|because|since|although|though|"
                        r"where)\b", _I)


def question_negated(question: str) -> bool:
    """Whether ``question`` asks about something negated ("Who did not sign the pact?"): a negation of its main
    clause. "without" states a manner or a condition ("How do I clone without the full history?"), and a negation
    in a clause opened by "if", "when" and the like (not the question's first word) states a condition
    ("What does str.find return if the substring is not found?"): neither is.

    >>> question_negated("Who did not sign the pact?"), question_negated("When didn't the troops withdraw?")
    (True, True)
    >>> question_negated("How do I clone a repository without its full history?")
    False
    >>> question_negated("What type should a file get when no rule matches?")
    False
    """
    for m in _NEGATION.finditer(question):
        if _value_none(question, m) or m.group().lower() == "without":
            continue
        opening = question[:m.start()]
        if any(c.start() > 0 for c in _CLAUSE_OPENER.finditer(opening.lstrip())):
            continue
        return True
    return False


def _value_none(text: str, match: re.Match[str]) -> bool:
    before = text[:match.start()].rstrip()
    return match.group() == "None" and bool(before) and before[-1] not in ".!?"


def unit_features(q: Question, st: Stats, index: Index, units: list[Unit], scores: QuestionScores
                  ) -> list[dict[str, float]]:
    """One row per unit (one sentence id, or two adjacent ones), keyed by the names of :data:`UNIT_FEATURES`."""
    q_terms = set(q.terms)
    infos = [unit_info(st, index, u) for u in units]
    chunks = [best_chunk(st, scores, u) for u in units]
    in_chunk = {c: _chunk_facts(st, scores, c) for c in set(chunks)}  # once per chunk
    dense = np.array([_unit_dense(u, info, scores) for u, info in zip(units, infos)])
    lexical = np.array([bm25(q, st, info) for info in infos])
    best_lexical = lexical.max() or 1.0
    # the arithmetic in the arrays' own types, then read as Python floats (cheaper than numpy scalars)
    dense_rank, lexical_rank = _ranks(dense).tolist(), _ranks(lexical).tolist()
    dense_of, lexical_of = dense.tolist(), (lexical / best_lexical).tolist()
    dense_rel = (dense - dense.max()).tolist() if len(dense) else []
    rows = []
    for n, unit in enumerate(units):
        info, chunk = infos[n], chunks[n]
        passage_best, passage_top2, passage_dense, passage_bm25 = in_chunk[chunk]
        names = sum(1 for s in info.name_stems if s and s not in q_terms)
        kind_match = type_match(q, info, names)
        of_terms, of_near, of_titled, scope = _coverages(q, info)
        rows.append({
            "dense": dense_of[n], "dense_rel": dense_rel[n], "bm25": lexical_of[n],
            "passage_dense": passage_dense, "passage_bm25": passage_bm25,
            "coverage": of_terms, "coverage_near": of_near,
            "new_terms": math.log1p(len(info.terms) - len(q_terms.intersection(info.terms))),
            "type_match": kind_match,
            "neighbour_dense": float(max((scores.sentences[i] for i in info.neighbours), default=0.0)),
            "length": math.log1p(len(info.terms)), "new_names": math.log1p(names),
            "pair": float(unit.is_pair), "anaphoric": float(info.anaphoric),
            "bigrams": bigram_share(q.bigrams, info), "passage_best": passage_best,
            "dense_rank": dense_rank[n], "bm25_rank": lexical_rank[n], "passage_top2": passage_top2,
            "coverage_heading": of_titled, "coverage_scope": scope, "type_scope": kind_match * scope,
            # a command or code example offered to a how-to question: SQuAD's prose never has one, so its
            # weight is fitted on documentation questions (qa.training.docs_fit)
            "code_procedure": float(q.procedure and info.code),
            # what a thing is or does, and the sentence that opens its section in a structured page, where the
            # section is about the thing: documentation says it there first (SQuAD's paragraphs have no
            # headings: fitted on documentation)
            "lead_definition": float(q.definition and info.lead and _about_asked(info, q_terms)),
            # how to do something, and the description of a command-line option: a manual page says it there
            # (fitted on documentation, as above)
            "option_procedure": float(q.procedure and info.lead_option),
        })
    return rows


def _coverages(q: Question, info: UnitInfo) -> tuple[float, float, float, float]:
    """The IDF-weighted share of the question's content terms that the unit's terms hold, and that its
    neighbourhood's, its and its heading's, and its scope's hold: the four coverages, in one pass over the
    question's terms."""
    terms, near, titled, scope = info.terms, info.near, info.titled, info.scope
    asked = q.weights.keys()
    if asked.isdisjoint(near) and asked.isdisjoint(titled) and asked.isdisjoint(scope):
        return 0.0, 0.0, 0.0, 0.0  # most candidates of a question miss most of its terms: no loop for them
    of_terms = of_near = of_titled = of_scope = 0.0
    for t, w in q.weights.items():
        if t in terms:
            of_terms += w
        if t in near:
            of_near += w
        if t in titled:
            of_titled += w
        if t in scope:
            of_scope += w
    total = q.total
    return of_terms / total, of_near / total, of_titled / total, of_scope / total


def as_matrix(rows: list[dict[str, float]], names: tuple[str, ...]) -> np.ndarray:
    """Named feature rows as an array whose columns follow ``names`` (the one place rows become arrays)."""
    return np.array([[row[n] for n in names] for row in rows], dtype=np.float64).reshape(len(rows), len(names))


def unit_text(index: Index, unit: Unit) -> str:
    """The unit's text: its document's text from its first sentence's start to its last one's end."""
    source, start, _ = index.sentences[unit.first]
    return index.documents[source].text[start:index.sentences[unit.last].end]


def best_chunk(st: Stats, scores: QuestionScores, unit: Unit) -> int:
    """The chunk holding the unit's first sentence, or the one before it in its section, that matches the
    question best (-1: none)."""
    chunks = st.scope_chunks[unit.first]
    return max(chunks, key=lambda c: (scores.chunks.get(c, -1.0), -c)) if chunks else -1


def _chunk_facts(st: Stats, scores: QuestionScores, chunk: int) -> tuple[float, float, float, float]:
    """What the unit features read of the unit's chunk: :func:`_chunk_sentences_dense`, then the chunk's cosine
    and its BM25 as a share of the best chunk's (all 0.0 for no chunk)."""
    if chunk < 0:
        return 0.0, 0.0, 0.0, 0.0
    return (*_chunk_sentences_dense(st, scores, chunk), scores.chunks.get(chunk, 0.0), scores.bm25_share(chunk))


def _chunk_sentences_dense(st: Stats, scores: QuestionScores, chunk: int) -> tuple[float, float]:
    """The best cosine among the chunk's sentences and the mean of its best two (0.0, 0.0 if none)."""
    if chunk < 0:
        return 0.0, 0.0
    best = sorted((float(scores.sentences[i]) for i in st.chunk_sentences[chunk]), reverse=True)[:2]
    return (best[0], sum(best) / len(best)) if best else (0.0, 0.0)


def _unit_dense(unit: Unit, info: UnitInfo, scores: QuestionScores) -> float:
    if not unit.is_pair:
        return scores.sentences[unit.first]
    # The pair's vector is the normalised sum of its sentences' vectors (no extra model call), and
    # cos(q, a + b) = (q.a + q.b) / |a + b| for unit vectors.
    return sum(scores.sentences[i] for i in unit.ids) / info.norm


def _pair_norm(index: Index, unit: Unit) -> float:
    """|a + b| of a pair's sentence vectors (1.0 for one sentence): the same for every question."""
    if not unit.is_pair:
        return 1.0
    vectors = index.sentence_vectors
    return float(np.linalg.norm(vectors[unit.first] + vectors[unit.last])) or 1.0


def _offers_code(index: Index, unit: Unit) -> bool:
    """Whether ``unit`` is quoted with code: it starts in a code block, or it ends in ":" right before one and
    its quote takes that block in (plain text has none)."""
    source, start, _ = index.sentences[unit.first]
    return index.documents[source].with_code(start, index.sentences[unit.last].end)[1] is not None


def _opens_section(st: Stats, index: Index, unit: Unit) -> bool:
    """Whether ``unit`` starts with the first sentence under a heading of a structured page, not in code and
    not one that many pages repeat (plain text has no blocks, and its headings are guessed from a line's
    shape)."""
    source, start, _ = index.sentences[unit.first]
    doc = index.documents[source]
    if not doc.blocks or unit.first in st.headings or unit.first in st.repeated \
            or doc.section_at(start) is None or doc.block_kind(start, start) == "code":
        return False
    position = st.position[unit.first]
    return position > 0 and st.doc_sentences[source][position - 1] in st.headings


def _about_asked(info: UnitInfo, q_terms: set[str]) -> bool:
    """Whether the section ``info``'s unit opens is about what was asked: the question holds one of the names
    its heading gives, or the section introduces its page (a generic one before the page's own: "NAME",
    "Description"), so is about its page's subject. A Notes section after the options, or an option that many
    pages share ("--force"), is generic too, but says something else than what the page's subject is."""
    return info.lead_intro or any(name <= q_terms for name in info.lead_heading)


def _lead_heading(st: Stats, index: Index, unit: Unit, lead: bool
                  ) -> tuple[tuple[frozenset[str], ...], bool, bool, bool]:
    """For a unit that opens its section: the names its own heading gives (:func:`heading_names`), whether the
    heading is generic, whether it is a command-line option, and whether the section introduces its page: it
    is generic and not an option, and so is every section between the page's first and it (NAME, Synopsis,
    Description; not the Notes or Examples after the options)."""
    if not lead:
        return (), False, False, False
    source, start, _ = index.sentences[unit.first]
    doc = index.documents[source]
    title = doc.section_at(start) or ""
    own = title.split(SECTION_SEP)[-1]
    here = next((n for n, sec in enumerate(doc.sections) if sec.start <= start < sec.end), 0)
    intro = _introduces(st, title) and all(_introduces(st, sec.title) for sec in doc.sections[1:here])
    return heading_names(own), own_heading(title) in st.generic, bool(_OPTION.match(own)), intro


def _introduces(st: Stats, title: str) -> bool:
    """Whether a section of this title can introduce its page: its heading is generic, and not an option."""
    own = own_heading(title)
    return own in st.generic and not _OPTION.match(own)


# A command-line option as a heading: "-a", "--annotate", "--depth <depth>", "-n <num>"
_OPTION = re.compile(r"\s*--?[A-Za-z0-9]")


def heading_names(heading: str) -> tuple[frozenset[str], ...]:
    """The terms of what a heading names, each a set the question must hold whole to ask about it.

    A heading that names code (an API signature, a setting, an option and its aliases) names each alias whole:
    a question about ``git revert`` is not about the setting ``revert.reference``, and one about ``str.find``
    does not name the signature's parameters. Each word of a prose heading ("Transaction Isolation") names on
    its own.

    >>> heading_names("revert.reference") == (frozenset({"revert", "refer"}),)
    True
    >>> heading_names("str.find(sub[, start[, end]])") == (frozenset({"str", "find"}),)
    True
    >>> sorted(sorted(n) for n in heading_names("-d, --delete"))
    [['delet']]
    >>> heading_names("class csv.DictReader(f, fieldnames=None)") == (frozenset({"csv", "dictread"}),)
    True
    >>> sorted(sorted(n) for n in heading_names("3.2 Invoking asn1Coding"))
    [['asn1cod'], ['invok']]
    >>> sorted(sorted(n) for n in heading_names("Transaction Isolation"))
    [['isol'], ['transact']]
    """
    names = [w for w in _outside_brackets(heading).replace(",", " ").split()
             if _CODE_NAME.search(w) and not _ABBREVIATION.match(w)]
    if not names:
        return tuple(frozenset({t}) for t in query_terms(heading) if t)
    return tuple(terms for terms in (frozenset(query_terms(n)) - {""} for n in names) if terms)


def _outside_brackets(text: str) -> str:
    """``text`` with what is inside brackets blanked out (a signature's parameters)."""
    out, depth = [], 0
    for ch in text:
        depth += ch in "([{<"
        out.append(" " if depth else ch)
        depth -= depth > 0 and ch in ")]}>"
    return "".join(out)


# A name written as code: dotted, underscored, an option.
_CODE_NAME = re.compile(r"[A-Za-z]\w*[._][A-Za-z_]|^--?[A-Za-z0-9]")  # not a section number ("3.2")
_ABBREVIATION = re.compile(r"(?:\w\.)+$")  # "e.g.", "i.e."


def quoted_text(index: Index, unit: Unit) -> str:
    """The text a quote of ``unit`` shows: the unit's, and the code block it brings, if any."""
    source, start, _ = index.sentences[unit.first]
    doc = index.documents[source]
    return doc.text[start:doc.with_code(start, index.sentences[unit.last].end)[0]]


def _scope(st: Stats, index: Index, unit: Unit, terms: frozenset[str], *, of_page: bool = False
           ) -> tuple[frozenset[str], frozenset[str]]:
    """The terms of the unit's heading path (or its document's title), and those plus the terms of the
    unit and of up to ``Config.scope_before`` sentences before it in the same section.

    A sentence often answers about what its section or the sentence before it names ("37 soldiers were
    killed in this incident" under the heading "Kanchazu Island incident"); the scope lets the features
    see that subject without quoting it. ``of_page``: the unit opens a generic section (Description,
    DESCRIPTION), whose first sentence is about what the page is ("This command removes "extraneous"
    packages." on npm-prune's page): the page title's terms count as its heading's too.
    """
    source, start, _ = index.sentences[unit.first]
    doc = index.documents[source]
    heading = frozenset(_heading_terms(doc.section_at(start) or doc.title))
    if of_page:
        heading |= frozenset(_heading_terms(doc.title))
    before = before_in_section(index, st.headings, unit.first, index.config.scope_before)
    return heading, terms.union(heading, *(st.terms[i] for i in before))


@lru_cache(maxsize=4096)
def _heading_terms(title: str) -> tuple[str, ...]:
    return tuple(tokenize([title])[0])


def _neighbours(st: Stats, index: Index, unit: Unit) -> list[int]:
    source = index.sentences[unit.first].source
    ids = st.doc_sentences[source]
    first, last = st.position[unit.first], st.position[unit.last]
    return [ids[p] for p in (first - 1, last + 1) if 0 <= p < len(ids)]


def _ranks(values: np.ndarray) -> np.ndarray:
    """1 / (1 + rank), rank 0 being the largest value (ties keep their order)."""
    ranks = np.empty(len(values))
    ranks[np.argsort(-values, kind="stable")] = np.arange(len(values))
    return 1.0 / (1.0 + ranks)


def support_features(q: Question, st: Stats, index: Index, unit: Unit, scores: QuestionScores,
                     score: float, row: dict[str, float]) -> dict[str, float]:
    """The :data:`SUPPORT_FEATURES` of the best unit (``row``: its unit features), by name.

    Besides how well the unit is grounded: whether the question is negated at all, and whether the
    best unit is also the lexically strongest candidate (its ``bm25`` relative to the best).
    """
    chunk = best_chunk(st, scores, unit)
    passage = index.chunks[chunk].text if chunk >= 0 else unit_text(index, unit)
    lowered = passage.lower()
    return {
        "passage_dense": scores.chunks.get(chunk, 0.0),
        "passage_best": max((float(scores.sentences[i]) for i in st.chunk_sentences[chunk]), default=0.0)
        if chunk >= 0 else float(scores.sentences[unit.first]),
        "negated": float(q.negated and not negation_in(unit_text(index, unit))),
        "numbers_missing": float(sum(1 for n in q.numbers if n not in lowered)),
        "names_missing": float(sum(1 for n in q.names if n not in passage)),
        "score": score,
        "question_negated": float(q.negated),
        "bm25": row["bm25"],
    }
