"""Training and evaluation, apart from the product: answering and building never import this package.

``verifier_data`` mines training examples with the real pipeline; ``verifier_train`` fits the scoring
(the ranker's and the support's weights, the floor, the calibration and threshold) and runs the recipe
of ``python -m qa train-verifier``, with its ``settings``; ``crossencoder`` trains and exports the
cross-encoder (torch, only here); ``card`` writes the scoring file and the model card; ``crossval``
measures the ranker and the support by article; ``evaluate`` measures the product on SQuAD-format files.
Training needs the ``[train]`` extra (scikit-learn).
"""
