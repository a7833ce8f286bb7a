"""A model folder saved by the installed sentence-transformers runs on the ONNX backend as on torch."""
from __future__ import annotations

import numpy as np

from qa.config import bundled_model_path
from qa.indexing.embed import load_embedder
from qa.indexing.onnx import pooling


def test_a_model_saved_by_this_sentence_transformers_is_embedded_alike_by_onnx_and_torch(tmp_path):
    from sentence_transformers import SentenceTransformer

    folder = tmp_path / "saved-model"
    SentenceTransformer(bundled_model_path(), device="cpu").save(str(folder))
    assert pooling(str(folder)) == "mean"
    texts = ["The pact was signed in Moscow.", "How do I delete a branch?"]
    onnx = load_embedder(str(folder), "onnx", cache_dir=str(tmp_path / "cache")).encode(texts)
    torch = load_embedder(str(folder), "torch").encode(texts)
    assert np.allclose(onnx, torch, atol=1e-4)
