"""Web pages saved as PDF by a browser, as a reader of them would save them: Chromium's print to PDF.

Playwright drives the browser named by ``QA_CHROMIUM`` (default /usr/bin/chromium), headless, one page after
another, each printed on A4 without the header and footer lines a browser adds; pages keep their own style
sheets, which are read from where the page lies.
"""
from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run"]


def save_as_pdf(pages: Iterable[tuple[Path, Path]]) -> None:
    """Print each ``(html, pdf)`` pair's page to its PDF file."""
    from playwright.sync_api import sync_playwright

    chromium = os.environ.get("QA_CHROMIUM", "/usr/bin/chromium")
    if not Path(chromium).exists():
        raise SystemExit(f"no Chromium at {chromium} (apt-get install chromium, or set QA_CHROMIUM)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=ARGS)
        try:
            tab = browser.new_page()
            for html, pdf in pages:
                pdf.parent.mkdir(parents=True, exist_ok=True)
                tab.goto(html.resolve().as_uri(), wait_until="load")
                tab.pdf(path=str(pdf), format="A4", print_background=True)
        finally:
            browser.close()
