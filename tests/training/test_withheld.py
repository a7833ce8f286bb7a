"""Withheld copies: answerable training questions asked again of a corpus without their own paragraph."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from qa.answering.features import SUPPORT_FEATURES
from qa.training.settings import TrainSettings
from qa.training.verifier_data import Mined, MinedUnit
from qa.training.withheld import withheld_copies

PIER = "The harbour was dredged in 1910. Its main pier is 300 metres long."
BOATS = "Fishing boats land their catch every morning. The fish market opens at six."
MILL = "The old mill stands beside the river. It was powered by a water wheel until 1950."


def _squad(path: Path) -> Path:
    def paragraph(context: str, qas: list[tuple[str, str | None]]) -> dict:
        return {"context": context, "qas": [
            {"id": q, "question": q, "is_impossible": a is None,
             "answers": [] if a is None else [{"text": a, "answer_start": context.index(a)}]} for q, a in qas]}

    data = {"version": "v2.0", "data": [
        {"title": "Harbour", "paragraphs": [
            paragraph(PIER, [("How long is the main pier?", "300 metres"), ("Who built the lighthouse?", None)]),
            paragraph(BOATS, [("When do boats land their catch?", "every morning")])]},
        {"title": "Mill", "paragraphs": [paragraph(MILL, [("What powered the mill?", "a water wheel")])]}]}
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _unit(text: str, label: int = 0) -> MinedUnit:
    return MinedUnit(f"{text} [context: Harbour]", label, (0.5,), (0.0,) * len(SUPPORT_FEATURES))


def _mined() -> list[Mined]:
    pier, dredged = "Its main pier is 300 metres long.", "The harbour was dredged in 1910."
    boats, market = "Fishing boats land their catch every morning.", "The fish market opens at six."
    return [
        Mined("How long is the main pier?", "Harbour", True, 1.0, (),
              (_unit(pier, 1), _unit(dredged), _unit(f"{dredged} {pier}", 1), _unit(market), _unit(boats))),
        Mined("Who built the lighthouse?", "Harbour", False, 0.0, (), (_unit(dredged), _unit(market))),
        Mined("When do boats land their catch?", "Harbour", True, 1.0, (), (_unit(boats, 1), _unit(market))),
        Mined("What powered the mill?", "Mill", True, 1.0, (), (_unit("It was powered by a water wheel until "
                                                                      "1950.", 1), _unit(dredged))),
    ]


def test_a_copy_keeps_only_the_units_of_other_paragraphs(tmp_path):
    copies = withheld_copies(_mined(), [_squad(tmp_path / "s.json")], TrainSettings(withheld_share=1.0))
    by_question = {c.question: c for c in copies}
    # The mill's article holds no unanswerable question: its questions are not copied.
    assert set(by_question) == {"How long is the main pier?"}
    pier = by_question["How long is the main pier?"]
    assert pier.withheld and not pier.answerable
    # The pier's paragraph (the answer, the sentence beside it, the pair of both) is gone; the other paragraph stays.
    assert [u.text.split(" [")[0] for u in pier.units] == ["The fish market opens at six.",
                                                          "Fishing boats land their catch every morning."]
    # "When do boats ...?" keeps only the market sentence, which is of its own paragraph too: no copy is left.
    assert all(not u.label for c in copies for u in c.units)


def test_a_question_whose_paragraph_is_not_in_the_files_is_not_copied(tmp_path):
    stranger = Mined("Who dredged the harbour?", "Harbour", True, 1.0, (), (_unit("The fish market opens at six."),))
    assert withheld_copies([*_mined(), stranger], [_squad(tmp_path / "s.json")], TrainSettings(withheld_share=1.0)
                           )[-1].question == "How long is the main pier?"


def test_no_share_no_copies_and_the_share_is_seeded(tmp_path):
    squad = _squad(tmp_path / "s.json")
    assert withheld_copies(_mined(), [squad], TrainSettings(withheld_share=0.0)) == []
    many = _mined() * 50
    first = withheld_copies(many, [squad], TrainSettings(withheld_share=0.3))
    again = withheld_copies(many, [squad], TrainSettings(withheld_share=0.3))
    assert first == again and 0 < len(first) < 50


def test_the_confidence_scores_the_training_questions_and_reports_the_copies_apart():
    from qa.training.doubt_train import Row, measure

    rng = np.random.default_rng(0)
    rows = []
    for n in range(240):
        answerable, withheld = n % 4 != 0, n % 8 == 0
        right = answerable and n % 3 != 0
        support = rng.normal(1.0 if right else 0.0, 1.0)
        rows.append(Row({"support": support, "margin": 1.0, "kind_missing": 0.0, "unknown_terms": 0.0}, right,
                        answerable and not withheld, f"a{n % 6}", withheld))
    figures = measure(rows, [f"a{k}" for k in range(6)], 3)
    assert figures["questions"] == 240 - 30 and figures["withheld_copies"] == 30
    assert 0.0 <= figures["withheld_abstained"] <= 1.0
