"""SelQA (Jurczyk et al. 2016, Apache-2.0) as training data with sections: Wikipedia sections with their titles.

SQuAD's paragraphs have no headings, so what a ranker could learn about a section's structure (that the
sentence under a heading is often what the heading is about) needs documents that have them. Each SelQA
article becomes one Markdown document, ``# article`` then ``## section`` and the section's sentences, read
by the real Markdown reader; a question's answers are its answer sentences.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from .evaluate import Item

SELQA_PREFIX = "selqa:"  # of a SelQA question's article name, which keeps it apart from SQuAD's
_SAFE = re.compile(r"\W+")


def _markdown(article: str, sections: dict[str, list[str]]) -> str:
    parts = [f"# {article}"]
    for title, sentences in sections.items():
        parts += [f"## {title}", " ".join(s.strip() for s in sentences)]
    return "\n\n".join(parts)


def is_selqa(path: Path) -> bool:
    """Whether ``path`` is a SelQA answer-sentence-selection file (a JSON list), not SQuAD's (an object)."""
    with path.open(encoding="utf-8") as f:
        return f.read(64).lstrip().startswith("[")


def load_selqa(path: Path | str) -> tuple[dict[str, str], list[Item]]:
    """SelQA file -> (document name -> Markdown text, questions), one document per article."""
    rows = json.loads(Path(path).read_text(encoding="utf-8"))
    sections: dict[str, dict[str, list[str]]] = {}
    for row in rows:
        sections.setdefault(row["article"], {}).setdefault(row["section"], row["candidates"])
    names = {article: f"{a:03d}_{_SAFE.sub('_', article).strip('_')}.md" for a, article in enumerate(sections)}
    docs = {names[article]: _markdown(article, secs) for article, secs in sections.items()}
    items = [Item(row["question"], tuple(row["candidates"][i].strip() for i in row["answers"]),
                  names[row["article"]], SELQA_PREFIX + row["article"], bool(row["answers"]))
             for row in rows if row["candidates"] == sections[row["article"]][row["section"]]]
    return docs, items
