"""Tests of qa.training: the verifier's training, its shipped scoring file, and the evaluation floors."""
