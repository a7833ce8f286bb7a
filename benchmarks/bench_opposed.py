"""An antonym doubt for the confidence, measured beside the shipped inputs (docs/experiments.md).

    .venv/bin/python benchmarks/bench_opposed.py --work DIR

``opposed`` is 1 when the top unit holds the WordNet antonym of a question word and not the word itself
("horizontal" asked, "vertical" quoted; read through base forms, so "largest" meets "smallest"), quantifiers
and ordinals aside. SQuAD 2.0 writes many unanswerable questions so. Mines the training questions into
``DIR`` (or reuses them, as ``python -m qa train-verifier --work DIR`` does), ranks every question with a
ranker fitted without its article, and measures by a second article cross-validation
(``qa.training.doubt_train.measure``) the confidence on the shipped inputs and on those plus ``opposed``.
"""
from __future__ import annotations

import argparse
import sys
from collections import Counter
from functools import lru_cache
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_doubt_inputs import FOLDS, rows_with_features, top_unit

from qa.answering.doubt import CONFIDENCE_INPUTS, content_words
from qa.answering.paraphrase import question_words, wordnet
from qa.indexing.lexical import tokenize
from qa.training import doubt_train as dt

# an ordinal or a quantifier against another names a different thing, not the opposite claim
NOT_OPPOSED = frozenset("some all none every many few more less most least first second third last one any".split())


@lru_cache(maxsize=65_536)
def bases(word: str) -> tuple[str, ...]:
    """``word`` and its WordNet base forms for each part of speech."""
    wn = wordnet()
    forms = [word]
    for pos in ("a", "v", "n", "r"):
        base = wn.morphy(word, pos)
        if base and base not in forms:
            forms.append(base)
    return tuple(forms)


@lru_cache(maxsize=16_384)
def opposites(word: str) -> frozenset[str]:
    """The stemmed terms of the WordNet antonyms of ``word`` and of its base forms."""
    if word in NOT_OPPOSED:
        return frozenset()
    names = [a.name() for base in bases(word) for synset in wordnet().synsets(base)
             for lemma in synset.lemmas() for a in lemma.antonyms() if "_" not in a.name()]
    return frozenset(t for terms in tokenize(names) for t in terms if t) if names else frozenset()


def opposed(question: str, text: str) -> float:
    words = question_words(text)
    said = {t for terms in tokenize(words) for t in terms} if words else set()
    forms = sorted({base for w in words for base in bases(w)})
    opposite = {t for terms in tokenize(forms) for t in terms if t} if forms else set()
    return float(any(stem not in said and opposites(word) & opposite for word, stem in content_words(question)))


def top_opposed(m, weights: np.ndarray) -> dict[str, float]:  # type: ignore[no-untyped-def]
    return {"opposed": opposed(m.question, top_unit(m, weights).text.split(" [context: ")[0])}


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--work", type=Path, required=True, help="folder of the mined training questions")
    args = p.parse_args(argv)
    if wordnet() is None:
        sys.exit("WordNet is needed: apt-get install wordnet-base")
    rows, articles = rows_with_features(args.work, extra=top_opposed)
    fired = Counter((r.answerable, r.right) for r in rows if r.inputs["opposed"])
    print(f"opposed fires on {sum(fired.values())} of {len(rows)} questions: unanswerable {fired[(False, False)]}, "
          f"answerable and right {fired[(True, True)]}, answerable and wrong {fired[(True, False)]}")
    print("inputs | P(right > wrong) | abstain AUC | ECE | unanswerable abstained")
    for label, names in [("shipped", CONFIDENCE_INPUTS), ("+opposed", (*CONFIDENCE_INPUTS, "opposed"))]:
        f = dt.measure(rows, articles, min(FOLDS, len(articles)), names)
        print(f"{label} | {f['p_right_over_wrong']:.3f} | {f['abstain_auc']:.3f} | {f['ece']:.3f} | "
              f"{f['unanswerable_abstained']:.3f}")
    weights, bias = dt.fit_weights(rows, (*CONFIDENCE_INPUTS, "opposed"))
    print("fitted:", {n: round(float(w), 4) for n, w in zip((*CONFIDENCE_INPUTS, "opposed"), weights)},
          "bias", round(bias, 4))


if __name__ == "__main__":
    main()
