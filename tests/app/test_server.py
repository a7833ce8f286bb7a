"""qa.app.server: what the app loads before its first question."""
from __future__ import annotations

from qa.answering.entities import pipeline
from qa.answering.paraphrase import wordnet
from qa.app.server import warm_up
from qa.config import Config


def test_warm_up_loads_wordnet_and_the_recogniser_only_when_conflicts_in_meaning_are_on():
    pipeline.cache_clear()
    warm_up(Config(meaning_conflicts=False))
    assert wordnet.cache_info().currsize == 1
    assert pipeline.cache_info().currsize == 0
    warm_up(Config())
    assert pipeline.cache_info().currsize == 1
    assert pipeline() is not None  # the recogniser installed with qa, loaded offline
