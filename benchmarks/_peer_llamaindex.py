"""The peer's ingestion, run by bench_build.py with the throwaway venv's Python (never the project's).

    PEER_PYTHON _peer_llamaindex.py CORPUS MODEL_PATH

Reads the plain-text pages in CORPUS, splits them with LlamaIndex's SentenceSplitter at 256 tokens of
the model's own tokenizer, embeds the nodes with HuggingFaceEmbedding and builds an in-memory
VectorStoreIndex. Prints one JSON line: seconds and nodes embedded.
"""
import json
import sys
import time

from llama_index.core import Settings, SimpleDirectoryReader, VectorStoreIndex
from llama_index.core.node_parser import SentenceSplitter
from llama_index.embeddings.huggingface import HuggingFaceEmbedding
from tokenizers import Tokenizer


def main() -> None:
    corpus, model = sys.argv[1], sys.argv[2]
    started = time.perf_counter()
    tokenizer = Tokenizer.from_file(f"{model}/tokenizer.json")
    tokenizer.no_truncation()  # the file truncates at 128 tokens, which would make every text "fit"
    tokenizer.no_padding()
    # The model's own tokens (tiktoken's default file would be fetched from the internet, which is off here).
    splitter = SentenceSplitter(chunk_size=256, chunk_overlap=32,
                                tokenizer=lambda text: tokenizer.encode(text, add_special_tokens=False).ids)
    Settings.embed_model = HuggingFaceEmbedding(model_name=model, device="cpu")
    documents = SimpleDirectoryReader(corpus).load_data()
    nodes = splitter.get_nodes_from_documents(documents)
    VectorStoreIndex(nodes)
    print(json.dumps({"seconds": time.perf_counter() - started, "texts": len(nodes),
                      "documents": len(documents)}))


if __name__ == "__main__":
    main()
