"""Kinds of question a reference answers in its own words: a value something returns ("How do I get the
current working directory?": "The process.cwd() method returns ..."), a default ("Why are default values
shared ...?": "Default values are created exactly once ..."), and what an entry named with one letter or sign
does ("What does re.A do?", "What does \\A match?", "What does $? mean in bash?"). Real pages (Node.js's process
module, Python's programming FAQ and re module, Bash's manual), the real model and index."""
from __future__ import annotations

import pytest

from qa import ask
from qa.answering.asked import asks_value
from qa.answering.features import analyse_question, unit_text
from qa.answering.quotes import rank
from qa.answering.sentence_stats import stats

from ..conftest import index_of
from ..ingest.installed import installed


@pytest.fixture(scope="module")
def node_process(tmp_path_factory):
    from ..ingest.test_real_markdown import markdown_of, page

    return index_of(tmp_path_factory.mktemp("process"), {"process.md": markdown_of(page("process"))})


@pytest.mark.parametrize(("question", "entry", "says"), [
    ("How do I get the current working directory?", "process.cwd()", "method returns the current working directory"),
    ("How do I read environment variables?", "process.env", "property returns an object containing the user"),
])
def test_a_value_asked_for_is_answered_where_an_entry_says_what_it_returns(node_process, question, entry, says):
    # Both process.cwd() and process.chdir() open with a sentence on the current working directory; the one that
    # says it returns it answers "How do I get ...?" (returns_value, fitted on documentation questions). Without
    # it, chdir()'s description came first, and for the environment an entry on flags allowed in NODE_OPTIONS.
    ranking = rank(node_process, question)
    assert says in unit_text(node_process, ranking.units[0]) and ranking.features[0]["returns_value"] == 1.0
    answer = ask(question, index=node_process)
    quote = answer.quotes[0]
    assert not answer.abstained and quote.section == entry and says in quote.text
    assert quote.text == node_process.documents["process.md"].text[quote.start:quote.end]


def test_a_sentence_that_changes_the_value_says_nothing_returned(node_process) -> None:
    ranking = rank(node_process, "How do I get the current working directory?")
    changes = next(n for n, u in enumerate(ranking.units)
                   if "method changes the current working" in unit_text(node_process, u))
    assert ranking.features[changes]["returns_value"] == 0.0 and ranking.features[changes]["api_procedure"] == 1.0


@pytest.mark.parametrize(("question", "value"), [
    ("How do I get the current working directory?", True), ("How can I find out the CPU architecture?", True),
    ("What does COALESCE return?", True), ("How do I change the current working directory?", False),
    ("What does git gc do?", False),
    # asked what it returns in one case, the answer is the sentence on that case ("Return -1 if sub is not found")
    ("What does str.find return if the substring is not found?", False),
])
def test_a_question_asks_for_a_value_when_it_asks_to_get_or_find_one(question, value) -> None:
    assert asks_value(question) is value


def test_a_default_asked_for_is_answered_where_a_sentence_states_it(tmp_path) -> None:
    # "Why are default values shared between objects?" asks about a default: the FAQ's answer states one ("Default
    # values are created exactly once"), where the example's walk-through before it does not.
    html = installed("/usr/share/doc/python3-doc/html/faq/programming.html", "python3-doc")
    index = index_of(tmp_path, {"programming.html": html.read_text(encoding="utf-8")})
    question = "Why are default values shared between objects?"
    assert analyse_question(question, stats(index)).kind == "default"
    answer = ask(question, index=index)
    assert answer.quotes[0].text.startswith("Default values are created exactly once")
    # a count asked "by default" asks for a number the sentence states as the default, not any number or default
    assert analyse_question("How many columns can a table have by default?", stats(index)).kind == "default number"
    assert analyse_question("How many columns can a table have?", stats(index)).kind == "number"


@pytest.fixture(scope="module")
def re_module(tmp_path_factory):
    html = installed("/usr/share/doc/python3-doc/html/library/re.html", "python3-doc")
    return index_of(tmp_path_factory.mktemp("re"), {"re.html": html.read_text(encoding="utf-8")})


def test_a_name_whose_last_part_is_one_letter_is_found_by_that_letter(re_module) -> None:
    # Python's re module names its flags "re.A", "re.I", ...: asked what re.A does, the answer says it ("re.A
    # (ASCII-only matching)", or its entry's "... perform ASCII-only matching"), found by the letter the question
    # names (a word of one letter is no term otherwise, and the page's introduction came first)
    answer = ask("What does re.A do?", index=re_module)
    quote = answer.quotes[0]
    assert not answer.abstained and "ASCII-only matching" in quote.text, (quote.section, quote.text)


@pytest.mark.parametrize(("question", "entry", "says"), [
    (r"What does \A match?", r"\A", "Matches only at the start of the string."),
    (r"What does \Z match in a regular expression?", r"\Z", "Matches only at the end of the string."),
])
def test_a_backslashed_letter_is_answered_under_its_own_entry(re_module, question, entry, says) -> None:
    # the page's syntax list heads each special sequence's description with it ("\A", "\Z"): found by the
    # sequence as written, where the splitter read the question as "match" alone
    answer = ask(question, index=re_module)
    quote = answer.quotes[0]
    assert not answer.abstained and quote.section == entry and quote.text.startswith(says), (quote.section, quote.text)


@pytest.fixture(scope="module")
def bash_manual(tmp_path_factory):
    html = installed("/usr/share/doc/bash/bashref.html", "bash-doc")
    return index_of(tmp_path_factory.mktemp("bash"), {"bashref.html": html.read_text(encoding="utf-8")})


@pytest.mark.parametrize(("question", "entry", "says"), [
    ("What does $? mean in bash?", "?", "($?) Expands to the exit status"),
    ("What is $# in a shell script?", "#", "($#) Expands to the number of positional parameters"),
])
def test_a_special_parameter_is_answered_under_its_own_entry(bash_manual, question, entry, says) -> None:
    # Bash's manual heads each special parameter's description with its sign ("?", "#") and writes it "($?)":
    # found by the parameter as written, where the splitter read "What does $? mean in bash?" as "mean" and "bash"
    answer = ask(question, index=bash_manual)
    quote = answer.quotes[0]
    assert not answer.abstained and quote.section.endswith(entry) and quote.text.startswith(says), (
        quote.section, quote.text)
