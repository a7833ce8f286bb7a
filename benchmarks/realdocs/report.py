"""The benchmark's figures as Markdown tables and a short terminal summary."""
from __future__ import annotations

from typing import Any


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.1f}%"


def _frac(n: int, d: int) -> str:
    return f"{n}/{d} ({n / d:.2f})" if d else "–"


def rows(r: dict[str, Any]) -> list[tuple[str, str]]:
    b, a, i = r["build"], r["answers"], r["integrity"]
    sigs = "–" if not i["signatures"] else f"{i['signatures_truncated']} of {i['signatures']}"
    return [
        ("Pages (source size)", f"{b['pages']} ({b['source_mib']} MiB); indexed {b['documents']}, skipped {b['skipped']}"),
        ("Build time", f"{b['build_s']} s"),
        ("Chunks / texts embedded", f"{b['chunks']} / {b['texts_embedded']}"),
        ("hit@1 (answerable)", _frac(a["hit@1"], a["answerable"])),
        ("hit@3 (answerable)", _frac(a["hit@3"], a["answerable"])),
        ("Abstained on answerable", _frac(a["abstained_answerable"], a["answerable"])),
        ("Abstained on unanswerable", _frac(a["abstained_unanswerable"], a["unanswerable"])),
        ("Mean confidence: answerable / hits@1 / unanswerable",
         f"{a['confidence_answerable']} / {a['confidence_hits']} / {a['confidence_unanswerable']}"),
        ("Quotes failing qa.verify or doc_text[start:end]", str(a["quotes_failing_verify"])),
        ("Median ask time", f"{a['median_ask_s']} s"),
        ("Headings kept", f"{_pct(i['headings_kept'])} of {i['headings']}"),
        ("Body words missing", f"{_pct(i['body_words_missing'])} of {i['body_words']}"),
        ("API signatures truncated", sigs),
        ("Code blocks with every line kept", f"{_pct(i['code_blocks_kept'])} of {i['code_blocks']}"),
        ("Duplicated text (long paragraphs repeated)", _pct(i["duplicated_text"])),
    ]


def markdown(results: list[dict[str, Any]], label: str, command: str, pages: str) -> str:
    out = [f"# Real documentation benchmarks{': ' + label if label else ''}", "",
           f"Command: `.venv/bin/python {command}`", "",
           "What each figure means is in the docstrings of `benchmarks/bench_realdocs.py` and "
           "`benchmarks/realdocs/integrity.py`.", ""]
    for r in results:
        out += [f"## {r['title']}", "", f"Needs: `{r['needs']}`. Pages: `--pages {pages}`.", "",
                "| Figure | Value |", "|---|---|"]
        out += [f"| {k} | {v} |" for k, v in rows(r)]
        ex = r["integrity"]["examples"]
        for kind in ("heading", "signature", "code"):
            if ex[kind]:
                out += ["", f"Examples, {kind}s not found whole in the cleaned text:", ""]
                out += [f"- `{e.replace('`', chr(39))}`" for e in ex[kind][:3]]
        out.append("")
    return "\n".join(out)


def print_summary(results: list[dict[str, Any]]) -> None:
    for r in results:
        print(f"== {r['set']}")
        for k, v in rows(r):
            print(f"  {k}: {v}")
