"""Answering a question: validation, retrieval, scoring quotes, confidence, conflicts, the answer.

``validate`` → ``retrieve`` (hybrid passages) → ``features`` and ``quotes`` (ranked candidate quotes and
the support for answering at all) → ``verifier`` (the fitted scoring and calibrated confidence) →
``answer`` (verified, cited quotes, with ``conflicts``). ``followup`` rewrites a follow-up question;
``verify_text`` (with ``textfold``) checks a text against the documents; ``lookup`` finds a document.
"""
