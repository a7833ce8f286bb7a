"""Answering a question: validation, retrieval, scoring quotes, confidence, conflicts, the answer.

``validate`` → ``question_scores`` (the question embedded and BM25-scored once) → ``retrieve`` (hybrid
passages) → ``features`` and ``quotes`` (ranked candidate quotes and the support for answering at all, as a
``ranking.Ranking``) → ``verifier`` (the fitted scoring and calibrated confidence) → ``answer`` (verified,
cited quotes, with ``conflicts``). ``followup`` rewrites a follow-up question;
``verify_text`` (with ``textfold``) checks a text against the documents; ``lookup`` finds a document.
"""
