"""What each ranking feature of the top unit would add to the confidence, as one more input.

    .venv/bin/python benchmarks/bench_doubt_inputs.py --work DIR

Mines the training questions into ``DIR`` (or reuses them, as ``python -m qa train-verifier --work DIR``
does), ranks every question with a ranker fitted without its article, and measures by a second article
cross-validation (``qa.training.doubt_train.measure``) the confidence fitted on the shipped inputs, on the
shipped inputs plus each feature of the top unit (its ranker features, ``u_``, and support features,
``s_``), and on all of them together.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from qa.answering.doubt import CONFIDENCE_INPUTS, kind_missing, unknown_terms
from qa.answering.features import SUPPORT_FEATURES, UNIT_FEATURES
from qa.commands import training
from qa.config import Config
from qa.training import doubt_train as dt
from qa.training.settings import article_order
from qa.training.verifier_train import fit_scoring, mine, rerank_offline

FOLDS = 6


def rows_with_features(work: Path) -> tuple[list[dt.Row], list[str]]:
    data = training.default_data()
    settings = training.settings(layers=3, epochs=1, max_pairs=4000, lr=4e-5, seed=13)
    mined = mine(data, work, settings, Config())
    articles = article_order(data)
    known = dt.vocabulary_of(data).__contains__
    rows = []
    for k in range(FOLDS):
        held = set(articles[k::FOLDS])
        weights, support_weights, support_bias = fit_scoring([m for m in mined if m.article not in held])
        for m in mined:
            if m.article not in held or not m.units:
                continue
            scores = np.array([u.features for u in m.units]).reshape(len(m.units), len(weights)) @ weights
            top = m.units[int(np.argsort(-scores, kind="stable")[0])]
            ranked = rerank_offline(m, weights, support_weights, support_bias)
            texts = [dt._plain(t) for t in ranked.texts]
            inputs = {"support": ranked.support, "margin": dt._margin(ranked.scores, texts),
                      "kind_missing": kind_missing(m.question, texts[0]),
                      "unknown_terms": unknown_terms(m.question, known)}
            inputs.update({f"u_{n}": float(v) for n, v in zip(UNIT_FEATURES, top.features)})
            inputs.update({f"s_{n}": float(v) for n, v in zip(SUPPORT_FEATURES, top.support) if n != "score"})
            rows.append(dt.Row(inputs, bool(m.answerable and ranked.labels[0]), m.answerable, m.article))
    mixed = {r.article for r in rows if not r.answerable}  # as the shipped fit: articles with both kinds
    return [r for r in rows if r.article in mixed], [a for a in articles if a in mixed]


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--work", type=Path, required=True, help="folder of the mined training questions")
    args = p.parse_args(argv)
    rows, articles = rows_with_features(args.work)
    extra = [n for n in rows[0].inputs if n not in CONFIDENCE_INPUTS]
    print("inputs | P(right > wrong) | abstain AUC | ECE | unanswerable abstained")
    for label, names in [("shipped", CONFIDENCE_INPUTS), *((f"+{e}", (*CONFIDENCE_INPUTS, e)) for e in extra),
                         ("+all of them", (*CONFIDENCE_INPUTS, *extra))]:
        f = dt.measure(rows, articles, min(FOLDS, len(articles)), names)
        print(f"{label} | {f['p_right_over_wrong']:.3f} | {f['abstain_auc']:.3f} | {f['ece']:.3f} | "
              f"{f['unanswerable_abstained']:.3f}", flush=True)


if __name__ == "__main__":
    main()
