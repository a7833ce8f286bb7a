"""SelQA's titled sections as training documents: read by the real Markdown reader, with their headings."""
from __future__ import annotations

import json

from qa.training.selqa import is_selqa, load_selqa
from qa.training.verifier_data import load_training

ROWS = [
    {"article": "Lake Tana", "section": "Geography", "question": "How deep is Lake Tana?", "answers": [1],
     "candidates": ["Lake Tana is the source of the Blue Nile.", "Its greatest depth is 15 metres."]},
    {"article": "Lake Tana", "section": "History", "question": "Who built the island monasteries?",
     "answers": [0], "candidates": ["Monks built the island monasteries.", "Some date from the 14th century."]},
    {"article": "Lake Tana", "section": "Geography", "question": "Which river starts at Lake Tana?",
     "answers": [0], "candidates": ["Lake Tana is the source of the Blue Nile.", "Its greatest depth is 15 metres."]},
]


def test_each_article_is_one_markdown_document_with_a_heading_per_section(tmp_path):
    path = tmp_path / "selqa.json"
    path.write_text(json.dumps(ROWS), encoding="utf-8")
    docs, items = load_selqa(path)
    assert docs == {"000_Lake_Tana.md": "# Lake Tana\n\n## Geography\n\nLake Tana is the source of the Blue Nile. "
                                        "Its greatest depth is 15 metres.\n\n## History\n\nMonks built the island "
                                        "monasteries. Some date from the 14th century."}
    assert [(i.answers, i.article, i.answerable) for i in items] == [
        (("Its greatest depth is 15 metres.",), "selqa:Lake Tana", True),
        (("Monks built the island monasteries.",), "selqa:Lake Tana", True),
        (("Lake Tana is the source of the Blue Nile.",), "selqa:Lake Tana", True)]
    assert all(a in docs[i.source] for i in items for a in i.answers)


def test_training_files_of_both_shapes_are_read_together(tmp_path):
    selqa, squad = tmp_path / "selqa.json", tmp_path / "squad.json"
    selqa.write_text(json.dumps(ROWS), encoding="utf-8")
    squad.write_text(json.dumps({"data": [{"title": "Tide", "paragraphs": [{"context": "The tide rose.", "qas": [
        {"question": "What rose?", "answers": [{"text": "The tide", "answer_start": 0}]}]}]}]}), encoding="utf-8")
    assert is_selqa(selqa) and not is_selqa(squad)
    docs, items = load_training([selqa, squad])
    assert sorted(docs) == ["f0_000_Lake_Tana.md", "f1_00_Tide_000.txt"]
    assert [i.article for i in items] == ["selqa:Lake Tana"] * 3 + ["Tide"]
