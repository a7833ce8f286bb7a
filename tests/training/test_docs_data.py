"""Training questions over documentation: reading them, mining them on a real index, and the CLI option."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from qa import Config, QAError, build_index
from qa.training.docs_data import mine_docs, parse_spec, read_questions, weighted
from tests.training.test_verifier import _tiny_squad, _train_cli

MANUAL = """# mytool manual

## Installing

Run the installer script to put mytool on your PATH. It asks for no password.

The installer also writes a default configuration file.

## Removing

Delete the mytool folder and its configuration file to remove mytool completely.
"""


def _questions(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def manual_index(tmp_path_factory) -> Path:
    """A real index of a small Markdown manual with two titled sections."""
    base = tmp_path_factory.mktemp("manual")
    (base / "corpus").mkdir()
    (base / "corpus" / "mytool.md").write_text(MANUAL, encoding="utf-8")
    build_index(Config(corpus_dir=base / "corpus", index_dir=base / "index"))
    return base / "index"


def test_questions_are_read_with_their_expected_text_and_article(tmp_path):
    path = _questions(tmp_path / "tool-train.jsonl", [
        {"question": "How do I remove mytool?", "expect": "Delete the mytool folder", "source": "mytool.md"},
        {"question": "How do I update mytool?", "unanswerable": True}])
    items = read_questions(path)
    assert [(i.answers, i.answerable, i.article) for i in items] == [
        (("Delete the mytool folder",), True, "docs:tool-train"), ((), False, "docs:tool-train")]


@pytest.mark.parametrize("line, message", [
    ('{"question": "How?"}', "neither 'expect' nor 'unanswerable'"),
    ('{"question": "How?", "expect": "  "}', "neither 'expect' nor 'unanswerable'"),
    ("not json", r"line 1: not JSON"),
])
def test_a_bad_question_line_is_named(tmp_path, line, message):
    path = tmp_path / "bad.jsonl"
    path.write_text(line + "\n", encoding="utf-8")
    with pytest.raises(QAError, match=message):
        read_questions(path)


def test_a_docs_spec_names_what_is_missing(tmp_path):
    with pytest.raises(QAError, match="QUESTIONS=INDEX"):
        parse_spec("questions.jsonl")
    with pytest.raises(QAError, match="No question file"):
        parse_spec(f"{tmp_path / 'absent.jsonl'}={tmp_path}")
    path = _questions(tmp_path / "q.jsonl", [{"question": "How?", "unanswerable": True}])
    with pytest.raises(QAError, match="build the documentation's index first"):
        parse_spec(f"{path}={tmp_path / 'no-index'}")


def test_mining_labels_the_unit_holding_the_expected_text_and_is_reused(manual_index, tmp_path):
    path = _questions(tmp_path / "tool-train.jsonl", [
        {"question": "How do I remove mytool completely?", "expect": "Delete the mytool folder",
         "source": "mytool.md"},
        {"question": "How do I upgrade mytool to version 2?", "unanswerable": True}])
    work = tmp_path / "work"
    work.mkdir()
    mined = mine_docs([f"{path}={manual_index}"], work, depth=8)
    assert [m.article for m in mined] == ["docs:tool-train"] * 2
    removing, upgrading = mined
    assert removing.answerable and any(u.label for u in removing.units)
    assert all("Delete the mytool folder" in u.text for u in removing.units if u.label)
    assert not upgrading.answerable and not any(u.label for u in upgrading.units)
    mined_file = work / "docs-tool-train.jsonl"
    stamp = mined_file.stat().st_mtime_ns
    assert mine_docs([f"{path}={manual_index}"], work, depth=8) == mined
    assert mined_file.stat().st_mtime_ns == stamp  # read back, not mined again


def test_weighting_repeats_each_question():
    assert weighted(["a", "b"], 3) == ["a", "a", "a", "b", "b", "b"]
    assert weighted(["a"], 0) == ["a"]


def test_the_cli_cross_validates_with_documentation_questions(manual_index, tmp_path):
    squad, work = _tiny_squad(tmp_path / "tiny.json"), tmp_path / "work"
    path = _questions(tmp_path / "tool-train.jsonl", [
        {"question": "How do I install mytool?", "expect": "Run the installer script", "source": "mytool.md"}])
    out = _train_cli("--cross-validate", "2", "--data", str(squad), "--work", str(work),
                     "--docs", f"{path}={manual_index}", "--docs-weight", "2")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["folds"] == 2
    assert (work / "docs-tool-train.jsonl").is_file()


def test_the_cli_refuses_a_docs_option_without_an_index(tmp_path):
    squad = _tiny_squad(tmp_path / "tiny.json")
    path = _questions(tmp_path / "q.jsonl", [{"question": "How?", "unanswerable": True}])
    out = _train_cli("--cross-validate", "2", "--data", str(squad), "--work", str(tmp_path / "work"),
                     "--docs", f"{path}={tmp_path / 'nowhere'}")
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert "build the documentation's index first" in out.stderr


def test_documentation_questions_teach_the_ranker_not_the_support():
    """The support is fitted on SQuAD's questions alone; the ranker on both."""
    import numpy as np

    from qa.answering.features import SUPPORT_FEATURES, UNIT_FEATURES
    from qa.training.verifier_data import Mined, MinedUnit
    from qa.training.verifier_train import fit_ranker, fit_scoring, fit_support

    rng = np.random.default_rng(3)

    def question(article: str, answerable: bool) -> Mined:
        units = tuple(MinedUnit(f"unit {n}", int(answerable and n == 0),
                                tuple(rng.normal(size=len(UNIT_FEATURES)) + (n == 0 and answerable)),
                                tuple(rng.normal(size=len(SUPPORT_FEATURES)))) for n in range(4))
        return Mined("q", article, answerable, 0.0, (), units)

    squad = [question(f"A{n % 3}", n % 4 != 0) for n in range(40)]
    docs = [question("docs:set-train", n % 5 != 0) for n in range(20)]
    weights, support_weights, support_bias = fit_scoring(squad + docs)
    assert np.allclose(weights, fit_ranker([m for m in squad + docs if m.answerable]))
    alone, bias = fit_support(squad, weights)
    assert np.allclose(support_weights, alone) and bias == pytest.approx(support_bias)
