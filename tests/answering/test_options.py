"""A question about a command-line option ("What does grep -v do?") is answered from the section that the
option heads, on the page of the command it names: real manual pages, the real model and index."""
from __future__ import annotations

import gzip

import pytest

from qa import ask
from qa.answering.features import unit_text
from qa.answering.quotes import option_units, rank
from qa.answering.sentence_stats import stats

from ..conftest import index_of
from ..ingest.installed import installed

PAGES = {"/usr/share/man/man1/grep.1.gz": "grep", "/usr/share/man/man1/ls.1.gz": "coreutils",
         "/usr/share/man/man1/chmod.1.gz": "coreutils"}


@pytest.fixture(scope="module")
def manuals(tmp_path_factory):
    pages = {path.rsplit("/", 1)[1].removesuffix(".gz"): gzip.decompress(installed(path, package).read_bytes())
             .decode("utf-8") for path, package in PAGES.items()}
    return index_of(tmp_path_factory.mktemp("man"), pages)


@pytest.mark.parametrize(("question", "source", "expected"), [
    ("What does grep -v do?", "grep.1", "Invert the sense of matching"),
    ("What does ls -R do?", "ls.1", "list subdirectories recursively"),
    ("What does ls -r do?", "ls.1", "reverse order while sorting"),  # "-r" is not "-R"
    ("What does chmod -R do?", "chmod.1", "change files and directories recursively"),
    ("What does ls --all do?", "ls.1", "do not ignore entries starting with"),
])
def test_an_option_is_answered_from_its_own_section_on_the_page_named(manuals, question, source, expected) -> None:
    answer = ask(question, index=manuals)
    assert not answer.abstained
    first = answer.quotes[0]
    assert first.source == source and expected in first.text, (first.source, first.section, first.text)
    assert manuals.documents[source].text[first.start:first.end] == first.text


def test_option_sections_are_found_by_the_option_as_written_and_on_the_page_named(manuals) -> None:
    st = stats(manuals)
    sources = lambda ids: {manuals.sentences[i].source for i in ids}  # noqa: E731
    # all three pages have a section headed by "-R" ("-R, --recursive"; grep's "-R, --dereference-recursive"):
    # all of them when no page is named, only ls's when "ls" is, and only the pages searched
    assert sources(option_units(manuals, st, "What does -R do?", None)) == {"ls.1", "chmod.1", "grep.1"}
    assert sources(option_units(manuals, st, "What does ls -R do?", None)) == {"ls.1"}
    assert sources(option_units(manuals, st, "What does ls -R do?", frozenset({"chmod.1"}))) == {"chmod.1"}
    assert option_units(manuals, st, "What does ls do?", None) == []
    assert option_units(manuals, st, "What does ls -Q9 do?", None) == []  # no section is headed so


def test_short_options_written_together_are_asked_about_each(manuals) -> None:
    # "-la" heads no section; "-l" and "-a" do: the answer quotes both (the page's synopsis may come first)
    answer = ask("What does ls -la do?", index=manuals)
    shown = [(q.source, q.text) for q in answer.quotes]
    assert ("ls.1", "use a long listing format") in shown
    assert ("ls.1", "do not ignore entries starting with .") in shown


def test_an_option_written_over_its_alias_names_the_section_too(tmp_path) -> None:
    # Git's HTML manual writes "-v" over "--verbose" as two terms: the section is "-v › --verbose", and "-v"
    # names it as well as "--verbose" does
    path = installed("/usr/share/doc/git-doc/git-commit.html", "git-doc")
    index = index_of(tmp_path, {"git-commit.html": path.read_text(encoding="utf-8")})
    for question, expected in (("What does git commit -v do?", "Show unified diff between the HEAD commit"),
                               ("What does git commit -s do?", "Add a Signed-off-by trailer by the committer")):
        first = ask(question, index=index).quotes[0]
        assert expected in first.text, (question, first.section, first.text)


def test_an_option_is_answered_by_its_description_rather_than_an_example_naming_it(tmp_path) -> None:
    # git-rebase(1)'s Description shows "git rebase --onto master topicA topicB" in an example, which holds every
    # word of "What does git rebase --onto do?"; the option's own description ("Starting point at which to
    # create the new commits.") holds none but the option, and comes first (option_definition, fitted on
    # documentation questions)
    path = installed("/usr/share/doc/git-doc/git-rebase.html", "git-doc")
    index = index_of(tmp_path, {"git-rebase.html": path.read_text(encoding="utf-8")})
    question = "What does git rebase --onto do?"
    ranking = rank(index, question)
    assert unit_text(index, ranking.units[0]).startswith("Starting point at which to create the new commits")
    assert ranking.features[0]["option_definition"] == 1.0
    example = next(n for n, u in enumerate(ranking.units)
                   if unit_text(index, u).startswith("git rebase --onto master topicA topicB"))
    assert ranking.features[example]["option_definition"] == 0.0
    first = ask(question, index=index).quotes[0]
    assert first.section.endswith("--onto <newbase>")
    assert index.documents["git-rebase.html"].text[first.start:first.end] == first.text
    # a how-to question that names the option asks how, not what it does: the weight is not its
    assert not any(row["option_definition"] for row in rank(index, "How do I use git rebase --onto?").features)
