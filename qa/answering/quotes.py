"""Choosing quotes: rank candidate sentences (or two adjacent ones) and decide whether to abstain.

A quote is always one whole sentence of a document, or two adjacent sentences when one leans on the
other ("This hypothesis is called ..."), so every quote is a verbatim, checkable span.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

import numpy as np

from ..calibrating import calibration
from ..config import Config
from ..indexing.index import Index
from ..indexing.lexical import query_terms
from ..records import Unit
from . import doubt, spelling
from .features import (
    UNIT_FEATURES,
    Question,
    analyse_question,
    as_matrix,
    best_chunk,
    support_features,
    unit_features,
    unit_info,
    unit_infos,
    unit_text,
)
from .question_scores import QuestionScores, score_question
from .ranking import Ranking, Span
from .retrieve import Passage, chunk_dense, retrieve
from .scoring import Scoring, scoring_for
from .sentence_stats import Stats, asked_entries, asked_options, stats
from .structure import VERSION_STAMP, intro_leads, section_start
from .verifier import rerank

# A question asking when, or in which version or release, something came or changed
_VERSION_ASKED = re.compile(r"\b(?:when|version|versions|since|added|introduced|release|released)\b", re.I)

#: The support of a question with no candidate quote at all (finite, so that it serialises as JSON).
NO_SUPPORT = -100.0


def select(index: Index, question: str, *, k: int = 3, sources: frozenset[str] | None = None,
           config: Config | None = None) -> Ranking:
    """The ranking answering reads: :func:`rank` with the index's own calibration applied. Its ``spans`` are
    the non-overlapping quotes to choose ``k`` from (the best :func:`pool` of them): the answer when it does
    not abstain (``Ranking.abstains``), the related passages when it does. Answering shows at most ``k``.

    >>> ranking = select(load_index(), "When did the battle of Khalkhin Gol end?")  # doctest: +SKIP
    >>> ranking.abstains(load_index().config), len(ranking.spans) <= pool(3, load_index().config)  # doctest: +SKIP
    (False, True)
    """
    config = config or index.config
    return calibration.applied(index, rank(index, question, sources=sources, config=config, k=k), config)


def pool(k: int | None, config: Config) -> int:
    """How many ranked quotes answering weighs to show ``k`` of them: at least ``config.quote_candidates``,
    so that another source's quote or a conflicting one can take a place (the one place this is decided)."""
    return max(k or 0, config.quote_candidates)


def rank(index: Index, question: str, *, sources: frozenset[str] | None = None, config: Config | None = None,
         k: int | None = None, qvec: np.ndarray | None = None) -> Ranking:
    """Score every candidate unit for ``question``; ``spans`` keeps the best that do not overlap.

    The question is scored once (:func:`qa.answering.question_scores.score_question`), and retrieval, the
    candidates and their features read those scores. The linear ranker orders every candidate; the verifier
    then re-scores its best ``config.verifier_pairs`` and gives the calibrated confidence
    (qa.answering.verifier.rerank says when it is not asked). ``spans`` holds the :func:`pool` for showing
    ``k`` quotes; ``qvec`` is the question's embedding when the caller has already computed it (in a batch).
    A word the documents never use is first read as the nearest one they do (``Ranking.corrections``).
    """
    config = config or index.config
    st = stats(index)
    fixes = spelling.corrections(question, index) if config.correct_spelling else ()
    if fixes:  # searched as read; a vector of the words as typed no longer fits
        question, qvec = spelling.corrected(question, fixes), None
    q = analyse_question(question, st)
    scored = score_question(index, question, qvec)
    passages = tuple(retrieve(index, scored, sources=sources, config=config))
    units = candidate_units(index, st, passages, scored, sources, config)
    if config.follow_sentence:
        units = sorted(set(units) | set(following_units(index, st, question, units)), key=_in_order)
    if not units:
        return Ranking(q, (), np.zeros(0), (), passages, NO_SUPPORT, {}, (), corrections=fixes)
    scored = _with_chunk_cosines(index, st, scored, passages, units)
    ranking = rerank(index, config, _by_ranker(index, st, q, scored, passages, units, config))
    spans = _spans(index, st, scored, ranking.units, ranking.scores, pool(k, config), config)
    return replace(ranking, spans=spans, confidence=_confidence(index, st, scoring_for(config), ranking),
                   corrections=fixes)


def _by_ranker(index: Index, st: Stats, q: Question, scored: QuestionScores, passages: tuple[Passage, ...],
               units: list[Unit], config: Config) -> Ranking:
    """Every unit scored by the linear ranker, best first, with the support of the best one: the ranking
    the verifier then has its say on (its spans are chosen after that)."""
    rows = unit_features(q, st, index, units, scored)
    scoring = scoring_for(config)
    scores = as_matrix(rows, UNIT_FEATURES) @ np.asarray(scoring.quote_weights)
    order = np.argsort(-scores, kind="stable")
    best = int(order[0])
    support_row = support_features(q, st, index, units[best], scored, float(scores[best]), rows[best])
    return Ranking(q, tuple(units[i] for i in order), scores[order], tuple(rows[i] for i in order), passages,
                   scoring.support(support_row), support_row, (), question_scores=scored)


def _confidence(index: Index, st: Stats, scoring: Scoring, ranking: Ranking) -> float:
    """qa.answering.doubt's confidence of the top unit (the verifier's calibration where none is fitted)."""
    fit = scoring.confidence
    if fit is None:
        return ranking.confidence
    units, top = ranking.units, ranking.units[0]
    # the margin as the confidence was fitted on it: over the ranker's own scores, whatever the verifier added
    scores = ranking.scores if ranking.ranker_scores is None else ranking.ranker_scores
    text, shown = unit_text(index, top), unit_info(st, index, top).shows

    def no_rival(n: int) -> bool:  # unit n shows a sentence the top unit shows (its code too), or says it again
        return top.overlaps(units[n]) or not shown.isdisjoint(unit_info(st, index, units[n]).shows) \
            or doubt.echoes(text, unit_text(index, units[n]))

    inputs = doubt.inputs_of(ranking.question.text, [text], scores.tolist(), no_rival, ranking.support,
                             st.df.__contains__, fit.weights)
    return doubt.confidence(inputs, fit.weights, fit.bias)


def support_for(index: Index, ranking: Ranking, unit: Unit, row: dict[str, float]) -> dict[str, float]:
    """The support features ``unit`` would have as the best unit of ``ranking`` (for fitting weights
    offline; its ``score`` is left at 0)."""
    assert ranking.question_scores is not None, "a ranking with units has its question's scores"
    return support_features(ranking.question, stats(index), index, unit, ranking.question_scores, 0.0, row)


def following_units(index: Index, st: Stats, question: str, units: list[Unit]) -> list[Unit]:
    """Single sentences paired with the next one of their paragraph when only that one offers the kind of
    answer the question asks for ("... the Tauran incident ..." then "The result was a Mongolian rout, with
    56 soldiers being killed"): the pair names the subject and holds the answer."""
    from .asked import asked_kind, offers

    if asked_kind(question) == "other":
        return []  # a question that asks for no kind: nothing offers it
    pairs: list[Unit] = []
    for unit in units:
        if unit.is_pair:
            continue
        source = index.sentences[unit.first].source
        ids, pos = st.doc_sentences[source], st.position[unit.first]
        if pos + 1 >= len(ids) or ids[pos + 1] in st.headings or ids[pos + 1] in st.datelines \
                or ids[pos + 1] in st.references:
            continue
        nxt = ids[pos + 1]
        if "\n" in index.documents[source].text[index.sentences[unit.first].end:index.sentences[nxt].start]:
            continue  # another paragraph
        if offers(question, unit_text(index, Unit.of(nxt))) and offers(question, unit_text(index, unit)) is False:
            pairs.append(Unit.of(unit.first, nxt))
    return pairs


def candidate_units(index: Index, st: Stats, passages: tuple[Passage, ...], scored: QuestionScores,
                    sources: frozenset[str] | None, config: Config) -> list[Unit]:
    """Sentences of the best passages and the sentences nearest the question, as quote units.

    A question that names a command-line option ("What does grep -v do?") also gets the sentences that open
    the sections headed by that option (:func:`option_units`): a manual says what an option does there, in
    words that share little with the question. One that names a page ("What does git revert do?") gets the
    first sentences of the sections introducing that page (:func:`page_units`), for the same reason.

    A sentence that leans on the previous one ("It ...", "This ...") only comes with it, unless that one is a
    table's last row or a list's last item, or in another section (:func:`_apart`); a sentence followed by one
    that leans on it comes both alone and with it. Headings, bare date lines and the lines of
    a structured page's "See also" section (names of other pages) are never units, nor a bare version stamp
    ("Since: 6.8.1", "Added in: v0.1.16") for a question that asks nothing of when or in which version.
    """
    picked = {i for p in passages[: config.quote_chunks] for i in st.chunk_sentences[p.chunk_id]}
    picked.update(index.nearest_sentences(scored.vector, config.quote_sentences, sources))
    picked.update(option_units(index, st, scored.text, sources))
    picked.update(page_units(index, st, scored.text, sources))
    picked.update(entry_units(index, st, scored.text, sources))
    stamps = bool(_VERSION_ASKED.search(scored.text))  # "Added in: v0.1.16" answers only when it was added

    def quotable(i: int) -> bool:
        if i in st.headings or i in st.datelines or i in st.references:
            return False
        return stamps or not _is_stamp(index, i)

    def leans(i: int, before: int) -> bool:  # sentence i leans on sentence ``before``, just before it
        return i in st.anaphoric and quotable(before) and not _apart(index, before, i)

    units: set[Unit] = set()
    for i in filter(quotable, picked):
        ids = st.doc_sentences[index.sentences[i].source]
        pos = st.position[i]
        if pos > 0 and leans(i, ids[pos - 1]):
            units.add(Unit.of(ids[pos - 1], i))
        else:
            units.add(Unit.of(i))
        if pos + 1 < len(ids) and leans(ids[pos + 1], i):
            units.add(Unit.of(i, ids[pos + 1]))
    return sorted(units, key=_in_order)


def _apart(index: Index, before: int, i: int) -> bool:
    """Whether sentence ``i`` stands apart from ``before``, the sentence just before it, though it leans on what
    comes before: it is prose right after a table's last row or a list's last item, and what it leans on ("Here,
    'Unix' is used to mean ...") is the table or the list, not that row or item; or it is in another section than
    ``before``: after a list of terms, whose last description is ``before`` ("If True, this field must be unique
    throughout the table." under "unique", then "Again, these are just short descriptions of the most common field
    options."), after a note read under its own title, or a page's "This page last modified on ..."."""
    source, start, end = index.sentences[before]
    doc = index.documents[source]
    here = index.sentences[i].start
    if doc.section_at(start) != doc.section_at(here):
        return True
    if doc.block_kind(start, end) not in ("table row", "list item"):
        return False
    return doc.block_kind(here, index.sentences[i].end) == "text"


def _is_stamp(index: Index, i: int) -> bool:
    """Whether sentence ``i`` only says in which version something came or changed: a bare stamp ("Since:
    6.8.1"), or a "Since:" label's sentence ending in the version ("Since: This function is available since SDL
    2.0.1.")."""
    source, start, end = index.sentences[i]
    text = index.documents[source].text[start:end].strip()
    return bool(VERSION_STAMP.fullmatch(text) or _SINCE_NOTE.fullmatch(text))


# A "Since:" label's sentence that ends in the version it names
_SINCE_NOTE = re.compile(r"Since:\s+[^.!?]*?\bv?\d+(?:\.\d+)+\.?")


def option_units(index: Index, st: Stats, question: str, sources: frozenset[str] | None) -> list[int]:
    """The first sentences of the sections headed by an option the question names (``Stats.options``), on the
    pages whose titles hold the most of the question's words when some do ("grep" for grep(1)'s "-v"), at most
    :data:`OPTION_UNITS` of them."""
    found = [i for option in asked_options(question, st) for i in st.options.get(option, ())
             if sources is None or index.sentences[i].source in sources]
    if not found:
        return []
    terms = set(query_terms(question))
    named = {source: len(terms.intersection(query_terms(index.documents[source].title)))
             for source in {index.sentences[i].source for i in found}}
    most = max(named.values())
    return [i for i in found if named[index.sentences[i].source] == most][:OPTION_UNITS]


OPTION_UNITS = 12


def entry_units(index: Index, st: Stats, question: str, sources: frozenset[str] | None) -> list[int]:
    """The first sentences of the sections headed by an entry the question names ("What does the Alias directive
    do?" and "Alias Directive": :func:`asked_entries`), at most :data:`ENTRY_UNITS` of them. A reference that
    puts many entries on one page ("TimeOut Directive" among a hundred on one page, each saying "timeout") says
    what each is and defaults to there, and its passage need not be among the best of the page."""
    found = [i for name in asked_entries(question, st) for i in st.entries[name]
             if sources is None or index.sentences[i].source in sources]
    return found[:ENTRY_UNITS]


ENTRY_UNITS = 16


def page_units(index: Index, st: Stats, question: str, sources: frozenset[str] | None) -> list[int]:
    """The first sentences of the sections introducing a page the question names (:func:`intro_leads`): every
    term of the page's name is in the question ("What does git revert do?" names git-revert(1)), and no other
    page's name holds more of them; the first :data:`SECTION_SENTENCES` of each of :data:`PAGE_UNITS` sections on
    each of :data:`NAMED_PAGES` pages. A manual says what its subject is or does there (NAME, Description), in
    words that may share little with the question beyond the name."""
    terms = set(query_terms(question))
    named = {source: len(name) for term in terms for source, name in st.pages.get(term, ())
             if name <= terms and (sources is None or source in sources)}
    if not named:
        return []
    most = max(named.values())
    chosen = sorted(source for source, size in named.items() if size == most)[:NAMED_PAGES]
    return [i for source in chosen for lead in intro_leads(st, index, source)[:PAGE_UNITS]
            for i in section_start(st, index, lead, SECTION_SENTENCES)]


NAMED_PAGES, PAGE_UNITS, SECTION_SENTENCES = 2, 3, 4


def _in_order(unit: Unit) -> tuple[int, ...]:
    """The order units sort in (their ids), read as plain tuples: far cheaper than the dataclass's ``<``."""
    return unit.ids


def _with_chunk_cosines(index: Index, st: Stats, scored: QuestionScores, passages: tuple[Passage, ...],
                        units: list[Unit]) -> QuestionScores:
    """``scored`` with the cosines of the retrieved chunks (as retrieval found them) and of the chunks the
    ``units`` lie in (see :func:`qa.answering.features.best_chunk`)."""
    cosines = {p.chunk_id: p.dense for p in passages}
    for unit in units:
        for c in st.scope_chunks[unit.first]:
            if c not in cosines:
                cosines[c] = chunk_dense(index, scored.vector, c)
    return scored.with_chunks(cosines)


def _spans(index: Index, st: Stats, scored: QuestionScores, ranked: tuple[Unit, ...], scores: np.ndarray,
           limit: int, config: Config) -> tuple[Span, ...]:
    """Greedy non-overlapping units, each slot taking the best score after a penalty for repeating a source.

    A unit from a source already shown loses ``config.quote_source_penalty``, so later slots reach other
    passages when they score nearly as well, and a unit whose words a chosen one already says (another
    page's copy of them) is passed over; a span's score is the one it was chosen with, so spans stay
    in descending order. A pair that extends a chosen single sentence (and scores above the last slot's
    unit) widens that quote instead of being lost to the overlap. Overlap is read on what a quote shows: a
    sentence ending in ":" shows the code block after it, so that block is not quoted again on its own, nor is
    the sentence once the block is.
    """
    penalty = config.quote_source_penalty
    chosen: list[tuple[Unit, float]] = []
    used: set[int] = set()
    shown: set[str] = set()
    said: set[str] = set()  # the chosen units' texts, spacing folded
    folded: dict[Unit, str] = {}

    infos = unit_infos(index)  # every ranked unit's, computed with its features

    def shown_ids(unit: Unit) -> frozenset[int]:  # its sentences and its code's (UnitInfo.shows)
        info = infos.get(unit)
        return (info or unit_info(st, index, unit)).shows

    def text_of(unit: Unit) -> str:
        if unit not in folded:
            folded[unit] = " ".join(unit_text(index, unit).split())
        return folded[unit]

    taken = [False] * len(ranked)
    values = scores.tolist()  # Python floats: read many times over
    floor = np.inf  # the lowest ranker score among the chosen units (as ranked)
    while len(chosen) < limit:
        best, best_score = -1, -np.inf
        for n, unit in enumerate(ranked):
            if taken[n] or not used.isdisjoint(shown_ids(unit)):
                continue
            score = values[n] - (penalty if index.sentences[unit.first].source in shown else 0.0)
            if score > best_score:
                best, best_score = n, score
            if values[n] <= best_score:
                break  # scores are sorted: nothing further can beat it
        if best < 0:
            break
        taken[best] = True
        unit = ranked[best]
        if text_of(unit) in said:  # the same words on another page (a shared include, a repeated note): shown once
            continue
        said.add(text_of(unit))
        if not chosen and config.neighbour_margin > 0:
            unit = _with_neighbour(st, index, unit, ranked, values, config.neighbour_margin)
            if unit != ranked[best]:  # the pair's own score, where it was ranked itself
                best = next((n for n, other in enumerate(ranked) if other == unit), -1)
        used.update(shown_ids(unit))
        shown.add(index.sentences[unit.first].source)
        chosen.append((unit, best_score))
        if best >= 0:
            floor = min(floor, values[best])
    spans = []
    said.clear()
    for unit, score in _widen(chosen, ranked, values, floor, used, shown_ids):
        if text_of(unit) in said:  # widened into the words of another page's quote
            continue
        said.add(text_of(unit))
        source, start, _ = index.sentences[unit.first]
        spans.append(Span(source, start, index.sentences[unit.last].end, score, best_chunk(st, scored, unit)))
    return tuple(spans)


def _with_neighbour(st: Stats, index: Index, unit: Unit, ranked: tuple[Unit, ...],
                    scores: list[float], margin: float) -> Unit:
    """The top unit and the sentence beside it, when that sentence (in the same paragraph) scores within
    ``margin`` of it: the ranker cannot tell which of the two answers, so both are shown."""
    if unit.is_pair:
        return unit
    top = scores[ranked.index(unit)]
    source = index.sentences[unit.first].source
    ids, pos = st.doc_sentences[source], st.position[unit.first]
    doc = index.documents[source]
    for n, other in enumerate(ranked):
        if scores[n] < top - margin:
            break
        if other.is_pair or other == unit:
            continue
        p = st.position[other.first] if index.sentences[other.first].source == source else -9
        if abs(p - pos) == 1 and other.first not in st.headings:
            pair = Unit.of(*sorted((unit.first, ids[p])))
            if "\n" not in doc.text[index.sentences[pair.first].end:index.sentences[pair.last].start]:
                return pair
    return unit


def _widen(chosen: list[tuple[Unit, float]], ranked: tuple[Unit, ...], scores: list[float], floor: float,
           used: set[int], shown_ids: Callable[[Unit], frozenset[int]]) -> list[tuple[Unit, float]]:
    """Replace a chosen single sentence by a pair holding it that ranks at or above ``floor`` (the lowest
    chosen unit's score) and shows nothing another chosen quote shows."""
    floor = -np.inf if floor == np.inf else floor  # no chosen unit as ranked: any pair may widen
    out = []
    for unit, score in chosen:
        if not unit.is_pair:
            for n, other in enumerate(ranked):
                if scores[n] < floor:
                    break
                if other.is_pair and unit.first in other.ids:
                    extra = shown_ids(other) - shown_ids(unit)
                    if not extra & used:
                        used.update(extra)
                        unit = other
                        break
        out.append((unit, score))
    return out
