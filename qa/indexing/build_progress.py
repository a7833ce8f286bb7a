"""What a build tells while it runs: files read, then texts embedded, with the time left told by tokens.

Embedding is nearly all of a build's time and its cost is the padded tokens of its batches, not their
number (a batch of chunks costs many times a batch of short sentences), so the share done and the
time left are counted in tokens. The same figures go to the terminal (a tqdm bar) and to a callback
taking the fraction done and a note (the web app's rebuild).
"""
from __future__ import annotations

from collections.abc import Callable

from tqdm import tqdm

Report = Callable[[float, str], None]

# Shares of the callback's 0..1 given to each step; embedding takes what reading and writing leave.
READ, CHUNK, EMBED = (0.02, 0.08), (0.08, 0.10), (0.10, 0.95)


class BuildProgress:
    """One build's progress: a terminal bar when ``terminal``, and ``report`` (fraction, note) always."""

    def __init__(self, report: Report, *, terminal: bool = False):
        self.report = report
        self.terminal = terminal
        self._bar: tqdm | None = None

    def file_read(self, n: int, total: int, source: str) -> None:
        self.report(_within(READ, n / max(total, 1)), f"Reading documents: {n + 1} of {total} ({source})")
        if self.terminal:
            self._step("Reading", total, "file").update(1)

    def chunked(self, n: int, total: int, source: str) -> None:
        self.report(_within(CHUNK, n / max(total, 1)), f"Chunking documents: {n + 1} of {total} ({source})")

    def embedded(self, tokens: int, total_tokens: int, texts: int, total_texts: int) -> None:
        """After each batch: tokens (padded, the real cost) and texts embedded so far."""
        self.report(_within(EMBED, tokens / max(total_tokens, 1)),
                    f"Embedding {total_texts} texts: {texts} done, {_tokens(tokens)} of {_tokens(total_tokens)} tokens")
        if self.terminal:
            bar = self._step("Embedding", total_tokens, "tok")
            bar.set_postfix_str(f"{texts}/{total_texts} texts", refresh=False)
            bar.update(tokens - bar.n)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def _step(self, name: str, total: int, unit: str) -> tqdm:
        if self._bar is None or self._bar.desc != name:
            self.close()
            self._bar = tqdm(total=total, desc=name, unit=unit, unit_scale=unit == "tok", leave=True,
                             dynamic_ncols=True)
        return self._bar


def _tokens(n: int) -> str:
    """A token count as people read it: ``"850"``, ``"12k"``, ``"3.4M"``.

    >>> _tokens(850), _tokens(12_345), _tokens(3_400_000)
    ('850', '12k', '3.4M')
    """
    if n < 1_000:
        return str(n)
    if n < 1_000_000:
        return f"{n / 1_000:,.0f}k"
    return f"{n / 1_000_000:,.1f}M"


def _within(span: tuple[float, float], share: float) -> float:
    return span[0] + (span[1] - span[0]) * min(max(share, 0.0), 1.0)
