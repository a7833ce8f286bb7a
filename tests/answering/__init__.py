"""Tests of qa.answering: validation, retrieval, ranking, quotes, conflicts, confidence and verify_text."""
