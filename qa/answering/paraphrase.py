"""Paraphrase through WordNet: the words a question word may appear as in a document.

A question may say "died" where a document says "killed", or "truce" where it says "cease-fire". A word's
relatives are its lemmas' synonyms, their derivationally related forms, the lemmas one hypernym up, and
(for verbs) what they entail or cause ("kill" causes "die"), all compared after BM25's stemming. WordNet
3.0 is read from Debian's `wordnet-base` package (``/usr/share/wordnet``) with NLTK's reader; where it is
missing a word has no relatives and everything else works as before.

>>> "die" in relatives("killed")  # doctest: +SKIP
True
"""
from __future__ import annotations

import logging
import re
import shutil
import tempfile
import warnings
from functools import lru_cache
from pathlib import Path

from ..indexing.lexical import tokenize

log = logging.getLogger(__name__)

WORDNET_DIR = Path("/usr/share/wordnet")
# Debian's package leaves out the table of lexicographer files that NLTK's reader opens first; it is the
# fixed list of WordNet 3.0 (number, name, part of speech), written beside a copy of the package's files
# (27 MB, made once: NLTK refuses to follow links out of the folder it reads).
_LEXNAMES = (
    "adj.all adj.pert adv.all noun.Tops noun.act noun.animal noun.artifact noun.attribute noun.body "
    "noun.cognition noun.communication noun.event noun.feeling noun.food noun.group noun.location noun.motive "
    "noun.object noun.person noun.phenomenon noun.plant noun.possession noun.process noun.quantity "
    "noun.relation noun.shape noun.state noun.substance noun.time verb.body verb.change verb.cognition "
    "verb.communication verb.competition verb.consumption verb.contact verb.creation verb.emotion verb.motion "
    "verb.perception verb.possession verb.social verb.stative verb.weather adj.ppl"
).split()
_POS_NUMBER = {"adj": 3, "adv": 4, "noun": 1, "verb": 2}
_WORD = re.compile(r"[a-z][a-z'-]+")


def _lexnames() -> str:
    return "".join(f"{n:02d}\t{name}\t{_POS_NUMBER[name.split('.')[0]]}\n" for n, name in enumerate(_LEXNAMES))


def _prepared(source: Path, cache: Path) -> Path:
    """A folder NLTK's reader can open: ``source`` itself, or a copy of its files plus the lexnames table."""
    if (source / "lexnames").is_file():
        return source
    folder = cache / "wordnet-3.0"
    if (folder / "lexnames").is_file():
        return folder
    tmp = Path(tempfile.mkdtemp(prefix="wordnet-", dir=cache))
    for f in source.iterdir():
        if f.is_file() and (f.name.split(".")[0] in ("data", "index") or f.suffix == ".exc"):
            shutil.copyfile(f, tmp / f.name)
    (tmp / "lexnames").write_text(_lexnames(), encoding="utf-8")
    try:
        tmp.rename(folder)  # whole or not at all; another process may have made it first
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)
    return folder


@lru_cache(maxsize=1)
def wordnet():
    """NLTK's WordNet reader over Debian's WordNet 3.0, or None where the package or NLTK is missing."""
    if not (WORDNET_DIR / "data.noun").is_file():
        log.info("WordNet not found in %s (Debian's wordnet-base): paraphrase is off", WORDNET_DIR)
        return None
    try:
        import nltk
        from nltk.corpus.reader.wordnet import WordNetCorpusReader

        from ..indexing.onnx import default_cache_dir
        cache = default_cache_dir()
        cache.mkdir(parents=True, exist_ok=True)
        folder = _prepared(WORDNET_DIR, cache)
        if str(folder) not in nltk.data.path:  # NLTK reads only below the folders it is given
            nltk.data.path.append(str(folder))

        class Reader(WordNetCorpusReader):
            def map_wn(self, version="wordnet"):
                return None  # this is WordNet 3.0 itself: no mapping to NLTK's downloadable copy

        with warnings.catch_warnings():  # it warns that WordNet 3.0 alone has no multilingual data
            warnings.simplefilter("ignore", UserWarning)
            return Reader(str(folder), None)
    except (ImportError, OSError) as e:
        log.warning("WordNet could not be read (%s): paraphrase is off", e)
        return None


@lru_cache(maxsize=16_384)
def relatives(word: str) -> frozenset[str]:
    """The stemmed terms ``word`` may be paraphrased as (its own stem excluded); empty without WordNet."""
    wn = wordnet()
    word = word.lower()
    if wn is None or not _WORD.fullmatch(word):
        return frozenset()
    names: set[str] = set()
    for synset in wn.synsets(word):
        for lemma in synset.lemmas():
            names.add(lemma.name())
            names.update(d.name() for d in lemma.derivationally_related_forms())
        for near in synset.hypernyms() + synset.entailments() + synset.causes():
            names.update(lemma.name() for lemma in near.lemmas())
    return _stems_besides(word, [n for n in names if "_" not in n])  # a phrase's words alone mean other things


@lru_cache(maxsize=16_384)
def lemmas(word: str) -> frozenset[str]:
    """The stemmed base forms WordNet gives ``word`` ("men" → "man", "geese" → "goos"), its own stem excluded:
    the word itself, where stemming does not reach it. Empty without WordNet."""
    wn = wordnet()
    word = word.lower()
    if wn is None or not _WORD.fullmatch(word):
        return frozenset()
    # every analysis ("men" is a noun of its own and the plural of "man"); NLTK's public morphy() keeps the first
    analyses = getattr(wn, "_morphy", None) or (lambda form, pos: [wn.morphy(form, pos)])
    return _stems_besides(word, sorted({form for pos in "nvar" for form in analyses(word, pos) if form}))


def _stems_besides(word: str, names: list[str]) -> frozenset[str]:
    """The stemmed terms of ``names``, less ``word``'s own stem."""
    if not names:
        return frozenset()
    return frozenset(t for terms in tokenize(names) for t in terms) - set(tokenize([word])[0])


def question_words(question: str) -> list[str]:
    """The lower-cased words of ``question``."""
    return _WORD.findall(question.lower())
