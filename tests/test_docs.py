"""Documents that a benchmark writes keep what was written by hand: docs/realdocs.md is
benchmarks/realdocs/report.py's PREAMBLE followed by its runs, and a run rewrites everything before the runs from
PREAMBLE. A paragraph added to the document alone would be lost at the next run; this test says so first."""
from __future__ import annotations

import importlib.util

from .conftest import ROOT


def test_the_real_documentation_report_begins_with_its_preamble() -> None:
    spec = importlib.util.spec_from_file_location("realdocs_report", ROOT / "benchmarks" / "realdocs" / "report.py")
    assert spec is not None and spec.loader is not None
    report = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(report)
    text = (ROOT / "docs" / "realdocs.md").read_text(encoding="utf-8")
    head = text[:text.index("<!-- run: ")]
    assert head == report.PREAMBLE + "\n", (
        "docs/realdocs.md differs from benchmarks/realdocs/report.py's PREAMBLE before its first run: "
        "write the same text in both, or the next `bench_realdocs.py --markdown` run drops what only the document has")
