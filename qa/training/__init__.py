"""Training and evaluation, apart from the product: mining examples, fitting the scoring, evaluating.

``verifier_data`` mines training examples with the real pipeline; ``verifier_train`` fits and writes the
scoring; ``evaluate`` measures the product on SQuAD-format files.
"""
