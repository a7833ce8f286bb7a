"""Ranker weights SQuAD cannot teach: the how-to and section-lead features on a real index, and their fit on
documentation questions."""
from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from qa import Config, QAError, build_index, load_index
from qa.answering.asked import asks_definition, asks_procedure
from qa.answering.features import DOCS_ONLY, UNIT_FEATURES, unit_text
from qa.answering.quotes import rank
from qa.answering.scoring import MODEL_DIR, SCORING_FILE
from qa.training.docs_data import read_questions
from qa.training.docs_fit import GRID, fit_docs_only, hits_at_1
from qa.training.verifier_data import Mined, MinedUnit
from tests.training.test_verifier import _train_cli

MANUAL = """# mytool manual

mytool keeps a folder of notes in step with a remote copy.

## Installing

mytool comes as a package for every system, and the installer checks your Python version first.

```
pip install mytool
```

The installer also writes a default configuration file.
"""


@pytest.fixture(scope="module")
def code_index(tmp_path_factory):
    return _built(tmp_path_factory.mktemp("code-manual"), {"mytool.md": MANUAL})


def _built(folder, pages: dict[str, str]):
    """An index built from ``pages`` (file name -> text) in ``folder``."""
    (folder / "corpus").mkdir()
    for name, text in pages.items():
        (folder / "corpus" / name).write_text(text, encoding="utf-8")
    config = Config(corpus_dir=folder / "corpus", index_dir=folder / "index")
    build_index(config)
    return load_index(config.index_dir, config)


# man-page-like commands and what each does
_COMMANDS = [("tidy", "removes files nothing refers to"), ("pack", "packs loose objects into one file"),
             ("sync", "copies the notes to the remote")]


def _marked(index, ranking, feature: str) -> list[str]:
    """The texts of the ranked units whose ``feature`` is set."""
    return [unit_text(index, u) for u, row in zip(ranking.units, ranking.features) if row[feature]]


@pytest.mark.parametrize("question, asks", [
    ("How do I install mytool?", True), ("how can you remove it", True), ("How to install mytool?", True),
    ("How did the installer fail?", False), ("How many files does it write?", False), ("What is mytool?", False),
])
def test_how_to_questions_are_told_apart(question, asks):
    assert asks_procedure(question) is asks


def test_a_code_block_offered_to_a_how_to_question_is_marked(code_index):
    ranking = rank(code_index, "How do I install mytool?")
    marked = _marked(code_index, ranking, "code_procedure")
    assert marked and all("pip install mytool" in text for text in marked)
    other = rank(code_index, "What does the installer write?")
    assert not any(row["code_procedure"] for row in other.features)


@pytest.mark.parametrize("question, asks", [
    ("What is mytool?", True), ("What are reflogs?", True), ("what's a gitignore file", True),
    ("What does git gc do?", True), ("What does the -k option mean?", True),
    ("What is the range of the integer type?", False), ("What is the difference between a and b?", False),
    ("What did the treaty end?", False), ("How do I install mytool?", False),
    ("What does mytool write to disk?", False),
    # what something returns is a value (asks_value), not what the thing is or does
    ("What does mytool.run return?", False),
    # a question ending in a preposition asks for what would stand after it; "for" asks what the thing is for
    ("What are text types subclasses of?", False), ("What is France a region of?", False),
    ("What is mytool based on?", False), ("What is mytool used for?", True),
    # a name alone, as typed into a search box, asks what it is or does; a phrase of more words does not
    ("str.find", True), ("git gc", True), ("VACUUM", True), ("tidy.depth?", True),
    ("install mytool on windows", False), ("read csv file", False), ("Is mytool free?", False), ("How to?", False),
])
def test_questions_about_what_a_thing_is_or_does_are_told_apart(question, asks):
    assert asks_definition(question) is asks


def test_the_sentence_opening_a_section_is_marked_for_a_question_about_what_a_thing_is(code_index, tmp_path):
    ranking = rank(code_index, "What is mytool?")
    marked = _marked(code_index, ranking, "lead_definition")
    assert "mytool keeps a folder of notes in step with a remote copy." in marked
    assert not any("installer also writes" in text or "pip install" in text for text in marked)
    other = rank(code_index, "How do I install mytool?")
    assert not any(row["lead_definition"] for row in other.features)
    # plain text has no blocks: its headings are guessed, and nothing there is a section's lead
    plain = rank(_built(tmp_path, {"mytool.txt": MANUAL.replace("#", "").replace("```", "")}), "What is mytool?")
    assert plain.units and not any(row["lead_definition"] for row in plain.features)


def test_a_section_lead_is_marked_where_its_heading_is_generic_or_names_what_was_asked(tmp_path):
    # man-page-like pages: "Description" opens a section on every page, about the page's command; "Hooks",
    # "--auto" and the setting "tidy.depth" name subjects of their own, so their first sentences do not say what
    # the command does (the setting's name holds the command's, yet it names another thing)
    own = ("\n\n## Hooks\n\nThe pre-tidy hook runs before tidy starts.\n\n## --auto\n\nWith this option, "
           "tidy first checks whether work is needed.\n\n## tidy.depth\n\nSetting this makes tidy look two folders "
           "deep.")
    index = _built(tmp_path, {
        f"{name}.md": f"# {name}\n\n## Description\n\nThis command {does}.{own if name == 'tidy' else ''}\n\n"
                      f"## --force\n\nForce {name} to run even when another copy of it runs.\n\n## Notes\n\n"
                      f"{name.title()} can also run from cron.\n"
        for name, does in _COMMANDS})
    ranking = rank(index, "What does tidy do?")
    marked = _marked(index, ranking, "lead_definition")
    assert "This command removes files nothing refers to." in marked
    lead = next(row for u, row in zip(ranking.units, ranking.features)
                if unit_text(index, u) == "This command removes files nothing refers to.")
    assert lead["anaphoric"] == 0.0  # its "This" is the command its heading names, not a sentence before it
    # an option on every page opens a section of a heading many pages share, about the option all the same; and
    # Notes, on every page too, comes after the page's own sections: it does not introduce the page
    assert not any("hook" in text or "this option" in text or "Setting this" in text or "Force" in text
                   or "cron" in text for text in marked)
    named = rank(index, "tidy")  # the name alone, typed into a search box
    assert "This command removes files nothing refers to." in _marked(index, named, "lead_definition")
    assert "This command removes files nothing refers to." in [unit_text(index, u) for u in named.units[:3]]
    setting = rank(index, "What does tidy.depth do?")
    marked = _marked(index, setting, "lead_definition")
    assert "Setting this makes tidy look two folders deep." in marked
    how = rank(index, "How do I make tidy check first whether work is needed?")
    marked = _marked(index, how, "option_procedure")
    assert "With this option, tidy first checks whether work is needed." in marked  # --auto's description
    assert all(text.startswith(("With this option", "Force")) for text in marked)  # the options' only
    assert not any(row["option_procedure"] for row in ranking.features)  # not a how-to question
    options = rank(index, "What does the --auto option do?")
    marked = _marked(index, options, "lead_definition")
    assert "With this option, tidy first checks whether work is needed." in marked


def test_a_generic_section_lead_is_read_under_its_page_title(tmp_path):
    # a section's title is the run of headings over it: "tidy › Synopsis", then "Description" alone
    index = _built(tmp_path, {
        f"{name}.md": f"# {name}\n\n## Synopsis\n\n```\n{name} [options]\n```\n\n## Description\n\nThis command "
                      f"{does}.\n\nIn normal use, {name} runs on its own.\n\n## Suite\n\nPart of the mytool suite.\n"
        for name, does in _COMMANDS})
    ranking = rank(index, "What does tidy do?")
    rows = {unit_text(index, u): row for u, row in zip(ranking.units, ranking.features)}
    lead = rows["This command removes files nothing refers to."]
    assert lead["coverage_heading"] > 0 and lead["coverage_scope"] > 0  # the page's title is what it is about
    assert rows["This command packs loose objects into one file."]["coverage_heading"] == 0.0  # another page's
    # the footer every page repeats opens a generic section too, and says nothing about its page
    assert rows["Part of the mytool suite."]["lead_definition"] == 0.0
    assert unit_text(index, ranking.units[0]) == "This command removes files nothing refers to."


def test_a_call_s_own_name_asks_about_its_entry_however_long_its_parameter_list(tmp_path):
    # an API entry: a call's heading, then its parameters (more than forty here) before what it does
    params = "\n".join(f"- `opt{n}` <number> The {n}th setting." for n in range(45))
    index = _built(tmp_path, {
        "proc.md": f"# proc\n\n## proc.fork(path[, options])\n\n{params}\n\nThe proc.fork() method starts a copy "
                   "of the current program as a child.\n\nA forked child reports back through a pipe.\n",
        "text.md": "# text\n\n## bytes.pad(width)\n\nReturn a copy of the bytes padded with zeros.\n\n"
                   "## str.pad(width)\n\nReturn a copy of the string padded with zeros.\n"})
    fork = rank(index, "What is fork used for?")
    assert _marked(index, fork, "lead_definition") == ["The proc.fork() method starts a copy of the current "
                                                       "program as a child."]
    assert unit_text(index, fork.units[0]).startswith("The proc.fork() method")
    # a name the question qualifies is asked about under that qualifier only
    assert _marked(index, rank(index, "What does str.pad do?"), "lead_definition") == [
        "Return a copy of the string padded with zeros."]


def test_an_entry_s_labels_and_version_stamp_are_passed_over(tmp_path):
    # a language extension's entry: what it implies and since when, then what it does
    index = _built(tmp_path, {"exts.md": (
        "# Extensions\n\n## WildPatterns\n\nImplies: NamedFields.\n\nSince: 6.8.1\n\nAllow the use of wildcards in "
        "patterns.\n\n## NamedFields\n\nSince: 6.2.1\n\nAllow fields to be named in patterns.\n")})
    what = rank(index, "What does WildPatterns do?")
    assert _marked(index, what, "lead_definition") == ["Allow the use of wildcards in patterns."]
    # a bare version stamp answers only a question asking when or since which version
    assert not any(unit_text(index, u).startswith("Since") for u in what.units)
    since = rank(index, "Since which version is WildPatterns available?")
    assert "Since: 6.8.1" in [unit_text(index, u) for u in since.units]


def test_an_api_entry_s_prototype_is_passed_over_and_a_since_note_is_a_stamp(tmp_path):
    # gtk-doc and Doxygen: the entry's name, its prototype as code, what it does, and since which version
    index = _built(tmp_path, {"api.md": (
        "# API\n\n## Function: toolFreeSheet\n\n```\nvoid toolFreeSheet (toolSheetPtr sheet)\n```\n\nFree up "
        "the memory held by a sheet.\n\nSince: This function is available since Tool 2.0.1.\n\n## Function: "
        "toolLoadSheet\n\n```\ntoolSheetPtr toolLoadSheet (const char * filename)\n```\n\nLoad and parse a "
        "sheet from a file.\n")})
    what = rank(index, "What does toolFreeSheet do?")
    assert _marked(index, what, "lead_definition") == ["Free up the memory held by a sheet."]
    how = rank(index, "How do I free a sheet?")
    assert "Free up the memory held by a sheet." in _marked(index, how, "api_procedure")
    assert not any(unit_text(index, u).startswith("Since") for u in what.units + how.units)


def test_a_see_also_section_is_never_quoted(tmp_path):
    index = _built(tmp_path, {
        "tidy.md": "# tidy\n\n## Description\n\nThis command removes files nothing refers to.\n\n## See also\n\n"
                   "- pack\n- tidy files\n",
        "pack.md": "# pack\n\n## Description\n\nThis command packs loose objects into one file.\n\n## See Also\n\n"
                   "tidy, sync\n"})
    for question in ("What does tidy do?", "Which command tidies files?", "What is pack?"):
        texts = [unit_text(index, u) for u in rank(index, question).units]
        assert texts and not any(t in ("pack", "tidy files", "tidy, sync") for t in texts), texts


def test_a_sentence_that_only_points_elsewhere_is_never_quoted(tmp_path):
    # in plain text as on a structured page: "See ..." states nothing the question could be answered by
    index = _built(tmp_path, {
        "tidy.md": "# tidy\n\n## Description\n\nThis command removes files nothing refers to. See the pack page for "
                   "how tidy removes packed files.\n\n## --prune\n\n(See the pack page for what tidy removes with "
                   "--prune.)\n",
        "notes.txt": "Tidy keeps a log of what it removes. Refer to the tidy manual for what tidy removes.\n",
        "more.md": "# Tidy notes\n\nFor more on what tidy removes, see the pack page.\n\nThe files tidy removes "
                   "are listed in Table 3.1.\n\nCheck out the tidy documentation for what tidy removes.\n\n"
                   "The files tidy removes are described in Pack Internals.\n"})
    texts = [unit_text(index, u) for u in rank(index, "What does tidy remove?").units]
    assert texts and not any(t.lstrip("(").startswith(("See", "Refer", "For more", "The files", "Check out"))
                             for t in texts), texts
    assert "This command removes files nothing refers to." in texts


def _unit(label: int, score: float, code: bool) -> MinedUnit:
    features = [0.0] * len(UNIT_FEATURES)
    features[UNIT_FEATURES.index("dense")] = score
    features[UNIT_FEATURES.index("code_procedure")] = float(code)
    return MinedUnit("unit", label, tuple(features), ())


def _mined(*units: MinedUnit, answerable: bool = True) -> Mined:
    return Mined("How do I install it?", "docs:manual", answerable, 0.0, (), units)


def test_the_fit_takes_the_smallest_value_that_puts_most_right_units_first():
    weights = {n: 0.0 for n in UNIT_FEATURES} | {"dense": 1.0}
    mined = [
        _mined(_unit(0, 1.0, False), _unit(1, 0.4, True)),  # the code answers: needs more than 0.6
        _mined(_unit(0, 1.0, False), _unit(1, 0.1, True)),  # needs more than 0.9
        _mined(_unit(1, 1.0, False), _unit(0, -1.5, True)),  # the sentence answers: lost above 2.5
        _mined(_unit(0, 1.0, True), answerable=False),  # unanswerable: not counted
    ]
    fit = fit_docs_only(mined, weights)
    assert fit["weights"] == {"code_procedure": 1.0, "lead_definition": 0.0, "option_procedure": 0.0,
                              "api_procedure": 0.0, "returns_value": 0.0, "option_definition": 0.0,
                              "purpose_procedure": 0.0} \
        and fit["questions"] == 3
    curve = fit["hit@1_by_value"]["code_procedure"]
    assert curve["0.0"] == 1 and curve["1.0"] == 3 and curve[str(GRID[-1])] == 2
    assert hits_at_1(mined, np.array([weights[n] for n in UNIT_FEATURES])) == 1
    with pytest.raises(QAError, match="--docs"):
        fit_docs_only([], weights)


def test_other_answers_are_read_and_a_bad_list_is_named(tmp_path):
    path = tmp_path / "q.jsonl"
    path.write_text(json.dumps({"question": "How do I install mytool?", "expect": "the installer",
                                "also": ["pip install mytool"]}) + "\n", encoding="utf-8")
    assert read_questions(path)[0].answers == ("the installer", "pip install mytool")
    path.write_text(json.dumps({"question": "How?", "expect": "x", "also": "pip"}) + "\n", encoding="utf-8")
    with pytest.raises(QAError, match="'also' must be a list"):
        read_questions(path)


def test_the_cli_fits_the_weight_into_the_scoring_file_it_is_given(code_index, tmp_path):
    out = tmp_path / "model"
    shutil.copytree(MODEL_DIR, out)
    questions = tmp_path / "manual-train.jsonl"
    questions.write_text(json.dumps({"question": "How do I install mytool?", "expect": "pip install mytool",
                                     "source": "mytool.md"}) + "\n", encoding="utf-8")
    run = _train_cli("--fit-docs-weights", "--out", str(out), "--work", str(tmp_path / "work"),
                     "--docs", f"{questions}={code_index.config.index_dir}")
    assert run.returncode == 0, run.stderr
    printed = json.loads(run.stdout)
    written = json.loads((out / SCORING_FILE).read_text(encoding="utf-8"))
    assert written["quote_weights"]["code_procedure"] == printed["weights"]["code_procedure"]
    assert written["docs_fit"]["docs"] == ["manual-train.jsonl"] and printed["questions"] == 1
    shipped = json.loads((MODEL_DIR / SCORING_FILE).read_text(encoding="utf-8"))
    assert {n: w for n, w in written["quote_weights"].items() if n not in DOCS_ONLY} == \
        {n: w for n, w in shipped["quote_weights"].items() if n not in DOCS_ONLY}
    refused = _train_cli("--fit-docs-weights", "--out", str(out), "--work", str(tmp_path / "work2"))
    assert refused.returncode == 2 and "Traceback" not in refused.stderr and "--docs" in refused.stderr
    empty = _train_cli("--fit-docs-weights", "--out", str(tmp_path / "none"), "--work", str(tmp_path / "work3"),
                       "--docs", f"{questions}={code_index.config.index_dir}")
    assert empty.returncode == 2 and "Traceback" not in empty.stderr and "No scoring file" in empty.stderr


def test_a_scoring_file_from_before_a_documentation_weight_reads_it_as_0_and_unknown_ones_are_refused(tmp_path):
    from qa.answering.scoring import scoring_for

    meta = json.loads((MODEL_DIR / SCORING_FILE).read_text(encoding="utf-8"))
    del meta["quote_weights"]["code_procedure"]
    (tmp_path / SCORING_FILE).write_text(json.dumps(meta), encoding="utf-8")
    scoring = scoring_for(Config(verifier_dir=tmp_path))
    assert scoring.quote_weights[UNIT_FEATURES.index("code_procedure")] == 0.0
    shipped = scoring_for(Config())
    assert [w for n, w in zip(UNIT_FEATURES, scoring.quote_weights) if n != "code_procedure"] == \
        [w for n, w in zip(UNIT_FEATURES, shipped.quote_weights) if n != "code_procedure"]
    meta["quote_weights"]["no_such_feature"] = 1.0
    other = tmp_path / "other"
    other.mkdir()
    (other / SCORING_FILE).write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(QAError, match="no_such_feature"):
        scoring_for(Config(verifier_dir=other))
