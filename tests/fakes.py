"""A deterministic fake embedder for pure logic tests, given to the real pipeline through ``Config.embedder``.

It embeds a text as the normalised sum of fixed random vectors of its lower-cased words, so texts that
share words are close, and counts a word as a token. Tests of answer quality use the real model.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class FakeEmbedder:
    path: str = "fake"
    model_id: str = "fake-hash-64"
    backend: str = "fake"
    dim: int = 64
    window: int = 256

    def encode(self, texts: list[str], *, batch_size: int = 32, progress: bool = False) -> np.ndarray:
        rows = np.zeros((len(texts), self.dim), dtype=np.float32)
        for n, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                seed = int.from_bytes(hashlib.sha256(word.encode()).digest()[:4], "little")
                rows[n] += np.random.default_rng(seed).standard_normal(self.dim).astype(np.float32)
            rows[n] /= np.linalg.norm(rows[n]) or 1.0
        return rows

    def encode_spans(self, texts: list[str], spans) -> tuple[np.ndarray, list[np.ndarray]]:
        """Each span entry's vector is the bag of its ranges' words (the fake has no token states to pool)."""
        pooled = [self.encode([" ".join(text[lo:hi] for lo, hi in ranges) for ranges in entries]).reshape(-1, self.dim)
                  for text, entries in zip(texts, spans)]
        return self.encode(texts), pooled

    def count_tokens(self, text: str) -> int:
        return len(text.split()) + 2

    def token_lengths(self, texts: list[str]) -> list[int]:
        return [min(self.count_tokens(t), self.window) for t in texts]

    def fits(self, text: str) -> bool:
        return self.count_tokens(text) <= self.window
