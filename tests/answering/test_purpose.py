"""A how-to question answered where a sentence opens with the very task asked about ("How can I rename a file?":
"To rename a file, use os.rename(old_path, new_path)."), on real pages (Python's library FAQ, its tutorial's
data structures and the os module's reference), the real model and index."""
from __future__ import annotations

import pytest

from qa import ask
from qa.answering.features import _purpose, analyse_question, serves_asked, unit_text
from qa.answering.quotes import rank
from qa.answering.sentence_stats import stats

from ..conftest import index_of
from ..ingest.installed import installed

PAGES = ("faq/library.html", "tutorial/datastructures.html", "library/os.html")


@pytest.fixture(scope="module")
def python_pages(tmp_path_factory):
    texts = {page.replace("/", "_"): installed(f"/usr/share/doc/python3-doc/html/{page}", "python3-doc")
             .read_text(encoding="utf-8") for page in PAGES}
    return index_of(tmp_path_factory.mktemp("purpose"), texts)


@pytest.mark.parametrize(("question", "says"), [
    # os.rename()'s own entry ("Rename the file or directory src to dst.") came first without the reading
    ("How can I rename a file?", "To rename a file, use os.rename(old_path, new_path)."),
    ("How do I loop over a sequence in sorted order?", "To loop over a sequence in sorted order, use the sorted()"),
])
def test_a_how_to_question_is_answered_where_a_sentence_opens_with_its_task(python_pages, question, says) -> None:
    ranking = rank(python_pages, question)
    assert unit_text(python_pages, ranking.units[0]).startswith(says)
    assert ranking.features[0]["purpose_procedure"] == 1.0
    answer = ask(question, index=python_pages)
    quote = answer.quotes[0]
    assert not answer.abstained and quote.text.startswith(says)
    assert quote.text == python_pages.documents[quote.source].text[quote.start:quote.end]


@pytest.mark.parametrize(("question", "sentence", "serves"), [
    ("How do I log a user in?", "To log a user in, from a view, use login().", True),
    ("How do I capture standard error too?", "To also capture standard error in the result, use stderr=STDOUT:",
     True),
    # an instruction, then the task it serves
    ("How do I limit a QuerySet to the first five results?",
     "Use a subset of Python's array-slicing syntax to limit your QuerySet to a certain number of results.", True),
    ("How do I set the working directory of a child process?",
     "Use cwd to specify the working directory from which the process is spawned.", False),
    # a dotted name in the instruction or the task, and the parts of a name written with underscores, are the task's
    ("How do I generate a good secret key?",
     "Use the following command to quickly generate a value for Flask.secret_key (or SECRET_KEY):", True),
    ("How do I convert an old-style cmp function to a key function?",
     "Use functools.cmp_to_key() to convert an old-style cmp function to a key function.", True),
    # the task's verb is another: nesting is not starting, reloading is not dumping
    ("How do I start a transaction block?", "To nest transactions within a transaction block, use savepoints.",
     False),
    ("How do I dump a database into an SQL script file?",
     "To reload an archive file into the same database it was dumped from, run pg_restore.", False),
    # the sentence states no task, or the question asks what something is
    ("How do I log a user in?", "Call login() with the request and the user.", False),
    ("What is a user login?", "To log a user in, from a view, use login().", False),
])
def test_a_task_serves_the_question_when_its_verb_and_most_of_its_words_are_asked(python_pages, question, sentence,
                                                                                  serves) -> None:
    assert serves_asked(analyse_question(question, stats(python_pages)), _purpose(sentence)) is serves
