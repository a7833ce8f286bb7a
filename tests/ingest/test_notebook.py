"""Jupyter notebooks: markdown cells read as Markdown, code cells and their text output as code, and what is not
text (an image, an HTML-only output) left out with its reason."""
from __future__ import annotations

import json

import pytest

from qa.errors import Unreadable
from qa.indexing.build import prepare_document
from qa.ingest.formats.notebook import read_notebook
from qa.ingest.load import load_document

NOTEBOOK = {
    "nbformat": 4, "nbformat_minor": 5,
    "metadata": {"authors": [{"name": "Ada Byron"}, {"name": "C. Babbage"}]},
    "cells": [
        {"cell_type": "markdown", "metadata": {},
         "source": ["# Tide tables\n", "\n", "The **spring** tide comes twice a month.\n", "\n", "- high water\n",
                    "- low water\n"]},
        {"cell_type": "code", "metadata": {}, "execution_count": 1,
         "source": ["import tides\n", "for t in tides.today():\n", "    print(t)"],
         "outputs": [{"output_type": "stream", "name": "stdout", "text": ["06:12 high\n", "12:30 low\n"]},
                     {"output_type": "display_data", "metadata": {}, "data": {"image/png": "iVBORw0KGgo="}}]},
        {"cell_type": "code", "metadata": {}, "execution_count": 2, "source": "tides.peak()",
         "outputs": [{"output_type": "execute_result", "metadata": {}, "execution_count": 2,
                      "data": {"text/plain": ["'06:12'"], "text/html": ["<b>06:12</b>"]}},
                     {"output_type": "display_data", "metadata": {}, "data": {"text/html": ["<table></table>"]}}]},
        {"cell_type": "code", "metadata": {}, "execution_count": 3, "source": "1 / 0",
         "outputs": [{"output_type": "error", "ename": "ZeroDivisionError", "evalue": "division by zero",
                      "traceback": ["\x1b[0;31mZeroDivisionError\x1b[0m: division by zero"]}]},
        {"cell_type": "raw", "metadata": {}, "source": "Raw text kept as it is."},
    ],
}


def test_notebook_cells_are_blocks() -> None:
    found = read_notebook(json.dumps(NOTEBOOK).encode())
    blocks = [(found.text[s:e], kind) for s, e, kind in found.blocks]
    assert found.title == "Tide tables" and found.author == "Ada Byron, C. Babbage"
    assert blocks == [
        ("Tide tables", "heading"), ("The **spring** tide comes twice a month.", "text"),
        ("high water", "list item"), ("low water", "list item"),
        ("import tides\nfor t in tides.today():\n    print(t)", "code"), ("06:12 high\n12:30 low", "code"),
        ("tides.peak()", "code"), ("'06:12'", "code"),
        ("1 / 0", "code"), ("ZeroDivisionError: division by zero", "code"),
        ("Raw text kept as it is.", "text"),
    ]
    assert [why for _, _, why in found.left_out] == ["image output", "html or script output"]


def test_notebook_is_cleaned_as_markdown_and_its_code_kept(tmp_path) -> None:
    path = tmp_path / "tides.ipynb"
    path.write_text(json.dumps(NOTEBOOK), encoding="utf-8")
    doc = prepare_document(load_document(path, tmp_path, max_bytes=10**6))
    assert "The spring tide comes twice a month." in doc.text  # Markdown's marks dropped, as in a .md file
    assert "for t in tides.today():\n    print(t)" in doc.text and doc.kind == "notebook"
    assert [r.rule for r in doc.removals] == ["image output", "html or script output"]
    assert doc.section_at(doc.text.index("tides.peak()")) == "Tide tables"


def test_nbformat_3_worksheets_are_read() -> None:
    old = {"nbformat": 3, "metadata": {"name": "Old one"}, "worksheets": [{"cells": [
        {"cell_type": "heading", "level": 1, "source": ["Harbour"]},
        {"cell_type": "code", "input": ["x = 1"], "outputs": [{"output_type": "pyout", "text": ["1"]}]}]}]}
    found = read_notebook(json.dumps(old).encode())
    assert [(found.text[s:e], kind) for s, e, kind in found.blocks] == [
        ("Harbour", "heading"), ("x = 1", "code"), ("1", "code")]


@pytest.mark.parametrize(("data", "reason"), [
    (b"{not json", "its JSON does not parse"),
    (b"[1, 2]", "not an object with cells"),
    (b'{"metadata": {}}', "has no cells"),
    (b'{"cells": [{"cell_type": "code", "source": ""}]}', "no cell holds text"),
])
def test_what_is_not_a_notebook_says_why(data: bytes, reason: str) -> None:
    with pytest.raises(Unreadable, match=reason):
        read_notebook(data)


def test_notebook_text_is_capped() -> None:
    big = {"cells": [{"cell_type": "markdown", "source": "word " * 1000}] * 5}
    with pytest.raises(Unreadable, match="more than 3,000 characters"):
        read_notebook(json.dumps(big).encode(), max_chars=3000)


def test_nbformat_2_lines_without_their_newlines_are_lines() -> None:
    old = {"nbformat": 2, "metadata": {}, "worksheets": [{"cells": [
        {"cell_type": "markdown", "source": ["# Intro", "", "First line", "goes on."]},
        {"cell_type": "code", "input": ["a = 1", "b = 2"], "outputs": []}]}]}
    found = read_notebook(json.dumps(old).encode())
    assert found.title == "Intro"
    assert [(found.text[s:e], kind) for s, e, kind in found.blocks] == [
        ("Intro", "heading"), ("First line\ngoes on.", "text"), ("a = 1\nb = 2", "code")]
