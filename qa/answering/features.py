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
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property, lru_cache
from itertools import dropwhile, pairwise

import numpy as np

from ..config import Config
from ..indexing.index import Index
from ..indexing.lexical import query_terms, tokenize
from ..records import Unit
from .asked import (
    CONDITION_CLAUSE,
    MONTH_NAME,
    MULTIPLIERS,
    NUMBER_WORDS,
    NUMERALS,
    WHEN,
    WHEN_CONDITION,
    WHERE,
    asks_definition,
    asks_procedure,
    asks_value,
)
from .negation import SENTENCE_END, negation_in, question_negated
from .question_scores import QuestionScores
from .sentence_stats import OPTION, Stats, asked_options, is_anaphoric
from .structure import offers_code, opens_section, scope_terms, section_facts, section_options, shown_sentences

#: Order of the columns of :func:`unit_features`; the scoring file's ``quote_weights`` name them.
UNIT_FEATURES = (
    "dense", "dense_rel", "bm25", "passage_dense", "passage_bm25", "coverage", "coverage_near", "new_terms",
    "type_match", "neighbour_dense", "length", "new_names", "pair", "anaphoric", "bigrams", "passage_best",
    "dense_rank", "bm25_rank", "passage_top2", "coverage_heading", "coverage_scope", "type_scope",
    "code_procedure", "lead_definition", "option_procedure", "api_procedure", "returns_value", "option_definition",
    "purpose_procedure",
)
#: Features that SQuAD cannot teach (its paragraphs hold no code and no headings, and almost none of its questions
#: asks how to do a task that a sentence opens with): SQuAD fits leave their weights at 0, and they are
#: fitted on documentation questions alone (qa.training.docs_fit).
DOCS_ONLY = ("code_procedure", "lead_definition", "option_procedure", "api_procedure", "returns_value",
             "option_definition", "purpose_procedure")
#: Order of the columns of :func:`support_features`; the scoring file's ``support_weights`` name them.
SUPPORT_FEATURES = ("passage_dense", "passage_best", "negated", "numbers_missing", "names_missing", "score",
                    "question_negated", "bm25")

# Words that say what kind of answer is wanted, not what it is about.
_QUESTION_WORDS = frozenset(tokenize([(
    "what which who whom whose when where why how does do did is are was were be been kind type name many much"
)])[0])
_I = re.IGNORECASE
# A time: a year, a century, a month (with its day, if any; written with a capital, since "may" is a verb), or a
# time told relative to another one ("the next day", "two weeks later"). A bare ordinal is not one: "the 23rd
# Division" is a name.
_DATE = re.compile(r"\b(1\d{3}|20\d{2})s?\b|centur(y|ies)|\b(" + MONTH_NAME + r")\b|"
                   r"\b(next|following|previous|same) (day|week|month|year|morning|night)\b|"
                   r"\b(days?|weeks?|months?|years?|hours?) (later|earlier)\b", _I)
# A number, or a word that counts ("several", "thousands"): what a question asking how many wants
_NUMBER = re.compile(r"\d|\b(many|few|" + "|".join(NUMBER_WORDS) + r")\b", _I)
# A number the question states, which its answer should hold too ("one" states none: "one of the ...")
_STATED = [*(w for w in NUMERALS if w != "one"), *MULTIPLIERS]
_NUMBER_TERM = re.compile(r"\b\d[\d,.]*\b|\b(" + "|".join(_STATED) + r")\b", _I)
_NAME = re.compile(r"\b[A-Z][\w'-]+")
# A setting's default, and a sentence that states one ("The default is text.", "it defaults to index.js",
# "Read Committed is the default isolation level", "Default: 1024 * 1024", "By default, fetches are ...")
_DEFAULT_STATED = re.compile(r"\bdefaults? (?:[\w-]+ ){0,4}(?:is|are|was|to)\b|"
                             r"\b(?:is|are) (?:the|used by) default\b|\bDefault:|\bby default\b|\bthe default\)|"
                             r"\bthe default of \S", _I)
# A sentence saying what something returns, as a reference opens an entry's description ("Returns the host name of
# the operating system", "The process.cwd() method returns ...", "Return the lowest index ..."; not a "Returns:"
# label, which gives a type or a list of codes)
_RETURNS = re.compile(r"^\W*(?:(?:the\s+)?[\w.$()\[\]]+\s+(?:(?:method|property|function)\s+)?)?returns?\b(?!:)", _I)
# A sentence that opens with the task it serves ("To log a user in, from a view, use login().", "In order to publish
# the package again, you must use a new version number."): the words of that task, up to the comma (a dot only
# inside a name: "To call os.rename, ...")
_PURPOSE = re.compile(r"^\W*(?:to|in\s+order\s+to)\s+((?:[^,:;.\n]|\.(?=\S)){3,100}?)\s*,", _I)
# words before a task's verb ("To also capture ...", "To instead work on ...")
_LEADING_ADVERBS = frozenset(tokenize(["also just only instead first then simply quickly easily further "
                                       "explicitly actually additionally"])[0])
# what a section whose heading names more than the asked thing counts as a definition of it ("Defining signals"
# for "What is a signal?"), where the section headed by the thing alone ("Signals") counts 1 (_definition)
_BESIDE_ASKED = 0.5
# An instruction followed by the task it serves ("Use cwd to specify the working directory ...", "Set to false to
# suppress browser behavior ...", "Use a subset of Python's array-slicing syntax to limit your QuerySet to ...")
# (a dot inside a name belongs to it: "Use the following command to quickly generate a value for Flask.secret_key (or
# SECRET_KEY):")
_USE_TO = re.compile(r"^\W*(?:use|call|run|pass|set|specify|give)\s+(?:[^.;:]|\.(?=\S)){1,80}?\s+"
                     r"(?:in\s+order\s+)?to\s+((?:[^,:;.\n]|\.(?=\S)){3,100}?)\s*(?:[.,;:](?!\S)|\()", _I)
_SERVES = 0.5  # the share of a how-to question's term weight a task must hold to be the asked one (serves_asked)
_TYPES = (
    # "How many columns can a table have by default?": a number the sentence states as the default
    ("default number", re.compile(r"\bhow (many|much|long|large|big)\b(?=.*\bdefault\b)", _I),
     re.compile(r"^(?=[\s\S]*(?:" + _DEFAULT_STATED.pattern + r"))(?=[\s\S]*\d)", _I)),
    ("number", re.compile(r"\bhow (many|much|long|old|large|big|far|often)\b|"
                          r"\bwhat (percentage|number|amount)\b", _I), _NUMBER),
    # "When does NULLIF return null?": a condition answers as well as a date (qa.answering.asked.WHEN_CONDITION)
    ("condition", re.compile(WHEN_CONDITION, _I), re.compile(CONDITION_CLAUSE + "|" + _DATE.pattern, _I)),
    ("date", re.compile(WHEN + r"|\b(what|which|in what) (year|century|decade|date|time|period)\b", _I),
     _DATE),
    ("default", re.compile(r"\bdefault\b", _I), _DEFAULT_STATED),
    ("person", re.compile(r"\bwho\b|\bwhom\b|\bwhose\b", _I), None),
    ("place", re.compile(WHERE + r"|\bwhat (country|city|region|place|area|state|island)\b", _I), None),
)
_CUE_KINDS = frozenset(name for name, _, cue in _TYPES if cue is not None)  # answered by what the text holds
_NAME_KINDS = frozenset(name for name, _, cue in _TYPES if cue is None)  # answered by a name the question lacks


@dataclass(frozen=True)
class UnitInfo:
    """What the features need of a unit that does not depend on the question (kept per index)."""

    terms: frozenset[str]  # the terms of what its quote shows: its sentences and the code block it brings
    near: frozenset[str]  # its terms and its neighbour sentences'
    neighbours: tuple[int, ...]
    text: str
    counts: Counter  # of the terms of what its quote shows, as ``terms``
    length: int  # term tokens
    bigrams: frozenset[frozenset[str]]
    anaphoric: bool  # it leans on the sentence before ("It ...", "This ..."); a section's first sentence does not
    cues: frozenset[str]  # the kinds of question whose answer cue the text holds ("number", "date")
    name_stems: tuple[str, ...]
    heading: frozenset[str]  # terms of its section's heading path (the document's title where there is none)
    scope: frozenset[str]  # its terms, its heading's and those of the sentences before it in its section
    norm: float = 1.0  # a pair's |a + b| over its sentences' unit vectors (see _unit_dense)
    code: bool = False  # it is code, or brings the code block after it (qa.records.Document.with_code)
    lead: bool = False  # it is the first prose sentence under a heading of a structured page (opens_section)
    titled: frozenset[str] = frozenset()  # its terms and its heading's (what coverage_heading reads)
    # where it opens a section (lead): what that section's own heading names (heading_names), and whether the
    # heading is generic
    lead_heading: tuple[frozenset[str], ...] = ()
    lead_generic: bool = False
    lead_option: bool = False  # that heading is a command-line option ("-a, --annotate", "--depth <depth>")
    lead_intro: bool = False  # that section introduces its page (section_facts)
    lead_api: bool = False  # that heading is an API entry ("path.join([...paths])", "os.EOL", "credential.helper")
    lead_prose: bool = False  # that heading writes no code: each of its words is a name of its own (section_facts)
    shows: frozenset[int] = frozenset()  # the sentence ids its quote shows: its own and its code's (shown_sentences)
    # the options its section's own heading names, and its page title's terms (section_options)
    options: frozenset[str] = frozenset()
    page: frozenset[str] = frozenset()
    returns: bool = False  # it says what something returns ("Returns the host name ...", "The x() method returns")
    purpose: tuple[str, ...] = ()  # the terms of the task it opens with, in order ("To log a user in, ...": _PURPOSE)


def unit_info(st: Stats, index: Index, unit: Unit) -> UnitInfo:
    """The question-independent facts of ``unit``, computed on first use and kept (see :func:`unit_infos`)."""
    kept = unit_infos(index)
    info = kept.get(unit)
    if info is None:
        code = offers_code(index, unit)
        shows = shown_sentences(index, st, unit)
        # its words are those its quote shows: its own, and the code block it brings ("Like this:" and the code);
        # a list it brings is shown, not read (its items are units of their own)
        read = sorted(shows if code else unit.ids)
        terms = frozenset(w for i in read for w in st.terms[i])
        lead = opens_section(st, index, unit)
        lead_facts = section_facts(st, index, unit, lead)
        heading, in_scope = scope_terms(st, index, unit, terms, of_page=lead_facts[1])
        neighbours = tuple(_neighbours(st, index, unit))
        text = unit_text(index, unit)
        info = UnitInfo(
            terms, terms.union(*(st.terms[i] for i in neighbours)), neighbours, text,
            Counter(w for i in read for w in st.terms[i]), sum(len(st.terms[i]) for i in read),
            frozenset(frozenset(p) for i in unit.ids for p in pairwise(st.terms[i])),
            # a section's first sentence ("This command removes ...") refers to its heading, not to a sentence
            is_anaphoric(text) and not lead,
            frozenset(name for name, _, cue in _TYPES if cue is not None and cue.search(text)),
            _name_stems(text), heading, in_scope, _pair_norm(index, unit), code, lead, terms | heading, *lead_facts,
            shows, *section_options(index, unit), returns=bool(_RETURNS.match(text)), purpose=_purpose(text))
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
    kind: str  # one of _TYPES (default number, number, condition, date, default, person, place) or other
    negated: bool
    numbers: tuple[str, ...]
    names: tuple[str, ...]
    bigrams: frozenset[frozenset[str]]  # unordered pairs of adjacent content terms
    procedure: bool = False  # it asks how to do something (qa.answering.asked.asks_procedure)
    definition: bool = False  # it asks what something is or does (qa.answering.asked.asks_definition)
    options: tuple[str, ...] = ()  # the command-line options it names ("-v", "--amend")
    value: bool = False  # it asks for a value that something returns (qa.answering.asked.asks_value)
    # the terms of each name it writes after a dot ("zfill" of "str.zfill"): asked about under that qualifier only
    qualified: frozenset[str] = frozenset()

    @cached_property
    def total(self) -> float:
        return sum(self.weights.values()) or 1.0


def analyse_question(text: str, st: Stats) -> Question:
    terms = tuple(t for t in query_terms(text) if t and t not in _QUESTION_WORDS)
    options = asked_options(text, st)
    written = OPTION.findall(text) if options else []
    if any(o not in written for o in options):  # short options written together ("ls -la") are searched as the
        together = {t for o in written if o not in options for t in query_terms(o)}  # options they are
        terms = tuple(t for t in terms if t not in together) + tuple(o for o in options if o not in written)
    kind = next((name for name, pattern, _ in _TYPES if pattern.search(text)), "other")
    # a capital that opens one of the question's sentences ("... at all. How do I ...") is no name
    opens = {0} | {m.end() for m in SENTENCE_END.finditer(text)}
    names = tuple(m.group(0) for m in _NAME.finditer(text) if m.start() not in opens)
    numbers = tuple(m.group(0).lower() for m in _NUMBER_TERM.finditer(text))
    bigrams = frozenset(frozenset(p) for p in pairwise(terms) if p[0] != p[1])
    qualified = frozenset(t for m in _QUALIFIED.finditer(text) for t in query_terms(m.group(1)) if t)
    return Question(text, terms, {t: st.idf(t) for t in terms}, kind, question_negated(text),
                    numbers, names, bigrams, asks_procedure(text), asks_definition(text), options, asks_value(text),
                    qualified)


# A name written after a dot and its qualifier ("str.zfill", "os.path.join")
_QUALIFIED = re.compile(r"(?<=[\w$])\.([A-Za-z_$][\w$]*)")


def type_match(q: Question, info: UnitInfo, new_names: int) -> float:
    """Whether the unit holds what the kind of question asks for: a number, a date, a new name."""
    if q.kind in _CUE_KINDS:
        return float(q.kind in info.cues)
    return float(new_names > 0) if q.kind in _NAME_KINDS else 0.0


def _purpose(text: str) -> tuple[str, ...]:
    """The terms of the task ``text`` opens with, in order, if it opens with one (:data:`_PURPOSE`) or with an
    instruction followed by the task it serves (:data:`_USE_TO`).

    >>> _purpose("To log a user in, from a view, use login().")
    ('log', 'user')
    >>> _purpose("To also capture standard error in the result, use stderr=subprocess.STDOUT:")[:2]
    ('captur', 'standard')
    >>> _purpose("Use cwd to specify the working directory from which the process is spawned.")[:3]
    ('specifi', 'work', 'directori')
    >>> _purpose("Use the following command to quickly generate a value for Flask.secret_key (or SECRET_KEY):")
    ('generat', 'valu', 'flask', 'secret_key', 'secret', 'key')
    >>> _purpose("Call login() with the request and the user.")
    ()
    """
    m = _PURPOSE.match(text) or _USE_TO.match(text)
    if not m:
        return ()
    task = m.group(1)  # a name's parts after its words: the task of "... for Flask.secret_key" says "secret" and "key"
    parts = " ".join(word.replace("_", " ") for word in re.findall(r"\w*_\w*", task))
    terms = [term for words in tokenize([task, parts] if parts else [task]) for term in words if term]
    return tuple(dropwhile(_LEADING_ADVERBS.__contains__, terms))


def serves_asked(q: Question, purpose: tuple[str, ...]) -> bool:
    """Whether a task a sentence opens with is the one a how-to question asks about: its first term, the task's
    verb, is one of the question's, and it holds at least half of the question's content terms, weighted as the
    question weighs them, and two of them where the question has two. "How do I log a user in?" and "To log a user
    in, from a view, use login()."; not "To nest transactions within a transaction block, ..." for "How do I start
    a transaction block?", nor "To reload an archive file into the same database it was dumped from, ..." for "How
    do I dump a database?"."""
    if not (q.procedure and purpose and q.weights) or purpose[0] not in q.weights:
        return False
    held = [w for t, w in q.weights.items() if t in purpose]
    return len(held) >= min(2, len(q.weights)) and sum(held) >= _SERVES * sum(q.weights.values())


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



def unit_features(q: Question, st: Stats, index: Index, units: list[Unit], scores: QuestionScores
                  ) -> list[dict[str, float]]:
    """One row per unit (one sentence id, or two adjacent ones), keyed by the names of :data:`UNIT_FEATURES`."""
    q_terms = set(q.terms)
    infos = [unit_info(st, index, u) for u in units]
    chunks = [best_chunk(st, scores, u) for u in units]
    # sentence id -> cosine, for every sentence read below (computed together: far cheaper than one at a time)
    cos = scores.sentences.prefetch({i for u, info in zip(units, infos) for i in (*u.ids, *info.neighbours)}.union(
        *(st.chunk_sentences[c] for c in set(chunks) if c >= 0)))
    in_chunk = {c: _chunk_facts(st, scores, c, cos) for c in set(chunks)}  # once per chunk
    dense = np.array([_unit_dense(u, info, cos) for u, info in zip(units, infos)])
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
        if info.options and not info.options.isdisjoint(q.options):  # "grep -v" asked, under grep(1)'s "-v, ..."
            of_titled = _coverage(q, info.titled | info.page)
        defines = q.definition and info.lead and _about_asked(info, q_terms, bool(q.options), q.qualified)
        rows.append({
            "dense": dense_of[n], "dense_rel": dense_rel[n], "bm25": lexical_of[n],
            "passage_dense": passage_dense, "passage_bm25": passage_bm25,
            "coverage": of_terms, "coverage_near": of_near,
            "new_terms": math.log1p(len(info.terms) - len(q_terms.intersection(info.terms))),
            "type_match": kind_match,
            "neighbour_dense": max((cos[i] for i in info.neighbours), default=0.0),
            "length": math.log1p(len(info.terms)), "new_names": math.log1p(names),
            "pair": float(unit.is_pair), "anaphoric": float(info.anaphoric),
            "bigrams": bigram_share(q.bigrams, info), "passage_best": passage_best,
            "dense_rank": dense_rank[n], "bm25_rank": lexical_rank[n], "passage_top2": passage_top2,
            "coverage_heading": of_titled, "coverage_scope": scope, "type_scope": kind_match * scope,
            # a command or code example offered to a how-to question: SQuAD's prose never has one, so its
            # weight is fitted on documentation questions (qa.training.docs_fit)
            "code_procedure": float(q.procedure and info.code),
            # what a thing is or does, and the sentence that opens its section in a structured page, where the
            # section is about the thing (half as much where its heading names something beside it: _definition):
            # documentation says it there first (SQuAD's paragraphs have no headings: fitted on documentation)
            "lead_definition": _definition(info, q_terms) if defines else 0.0,
            # how to do something, and the description of a command-line option: a manual page says it there
            # (fitted on documentation, as above)
            "option_procedure": float(q.procedure and info.lead_option),
            # how to do something, and the sentence that says what an API entry does ("Returns the string path of
            # the current user's home directory." under os.homedir()): a reference says it there, after the
            # entry's particulars (fitted on documentation, as above)
            "api_procedure": float(q.procedure and info.lead_api),
            # a value asked for ("How do I get the host name?", "What does str.find return?"), and a sentence saying
            # what something returns: a reference's verb for it (fitted on documentation, as above)
            "returns_value": float(q.value and info.returns),
            # what an option the question names does ("What does rm -f do?"), and the description under that
            # option's own heading, where the page's Description only mentions it ("... and the -f or --force
            # option is not given"): a manual says it there (fitted on documentation, as above)
            "option_definition": float(defines and bool(q.options) and info.lead_option),
            # how to do something, and a sentence that opens with that very task ("To log a user in, from a view,
            # use login()."): documentation says how in the same breath (fitted on documentation, as above)
            "purpose_procedure": float(serves_asked(q, info.purpose)),
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


def _coverage(q: Question, terms: frozenset[str]) -> float:
    """The IDF-weighted share of the question's content terms that ``terms`` hold."""
    return sum(w for t, w in q.weights.items() if t in terms) / q.total


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


def _chunk_facts(st: Stats, scores: QuestionScores, chunk: int, cos: Mapping[int, float]
                 ) -> tuple[float, float, float, float]:
    """What the unit features read of the unit's chunk: the best cosine among its sentences (``cos``: sentence id
    -> cosine) and the mean of its best two, then the chunk's cosine and its BM25 as a share of the best chunk's
    (all 0.0 for no chunk)."""
    if chunk < 0:
        return 0.0, 0.0, 0.0, 0.0
    best = sorted((cos[i] for i in st.chunk_sentences[chunk]), reverse=True)[:2]
    best_two = (best[0], sum(best) / len(best)) if best else (0.0, 0.0)
    return (*best_two, scores.chunks.get(chunk, 0.0), scores.bm25_share(chunk))


def _unit_dense(unit: Unit, info: UnitInfo, cos: Mapping[int, float]) -> float:
    if not unit.is_pair:
        return cos[unit.first]
    # The pair's vector is the normalised sum of its sentences' vectors (no extra model call), and
    # cos(q, a + b) = (q.a + q.b) / |a + b| for unit vectors.
    return sum(cos[i] for i in unit.ids) / info.norm


def _pair_norm(index: Index, unit: Unit) -> float:
    """|a + b| of a pair's sentence vectors (1.0 for one sentence): the same for every question."""
    if not unit.is_pair:
        return 1.0
    vectors = index.sentence_vectors
    return float(np.linalg.norm(vectors[unit.first] + vectors[unit.last])) or 1.0


def _definition(info: UnitInfo, q_terms: set[str]) -> float:
    """How far the section ``info``'s unit opens, about the asked thing (:func:`_about_asked`), is about it
    alone: 1 where the question holds every name its prose heading gives (a section number aside: "5.10.
    Inheritance" for "What is table inheritance?"), or where the heading is the page's introduction, or code (an
    API entry, an option: its names are aliases of one thing); :data:`_BESIDE_ASKED` where the heading names
    something else beside it ("Defining signals", "Listening to signals" for "What is a signal?")."""
    if info.lead_intro or info.lead_api or info.lead_option or not info.lead_prose:
        return 1.0
    named = (name for name in info.lead_heading if not all(t.isdigit() for t in name))
    return 1.0 if all(name <= q_terms for name in named) else _BESIDE_ASKED


def _about_asked(info: UnitInfo, q_terms: set[str], option: bool = False,
                 qualified: frozenset[str] = frozenset()) -> bool:
    """Whether the section ``info``'s unit opens is about what was asked: the question holds one of the names
    its heading gives, or the section introduces its page (a generic one before the page's own: "NAME",
    "Description"), so is about its page's subject, unless the question names a command-line ``option`` ("What
    does grep -v do?" asks about the option, not about grep). A Notes section after the options, or an option
    that many pages share ("--force"), is generic too, but says something else than what the page's subject
    is. A name the question writes only after a qualifier ("str.zfill") is not asked about under another
    ("bytes.zfill(width)")."""
    return (info.lead_intro and not option) or any(name <= q_terms and not name <= qualified
                                                   for name in info.lead_heading)


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
