"""Real documentation benchmarks: corpora assembled from installed packages, hand-written questions, integrity."""
