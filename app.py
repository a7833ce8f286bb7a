"""The web app: ask the documents in a chat, read them, add to them, and call ``/ask`` as an API.

    python app.py [--host 127.0.0.1] [--port 7860] [--corpus corpus/] [--index index/]
                  [--auth user:pass] [--read-only]

Answers come from ``qa.ask``; what the pages show is rendered by ``qa.ui``. The index is built on
first start when it is missing. A rebuild writes a new index beside the live one, so questions keep
being answered from the old index until the new one is swapped in.
"""
from __future__ import annotations

import argparse
import os
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # read when gradio is imported

import gradio as gr
from starlette.middleware import Middleware

from qa import Config, Index, IndexMissingError, QAError, ask, build_index, load_index, ui, uploads, validate
from qa.guard import Guard, LoginThrottle

MAX_TURNS = 20
# System fonts only: nothing is fetched from a font service.
THEME = gr.themes.Default(
    font=["ui-sans-serif", "system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "sans-serif"],
    font_mono=["ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "monospace"],
)
CSS = """
.qa-chat { display: flex; flex-direction: column; gap: 1rem; }
.qa-empty { color: var(--body-text-color-subdued); padding: 1rem 0; }
.qa-turn { border-bottom: 1px solid var(--border-color-primary); padding-bottom: .75rem; }
.qa-q { font-weight: 600; font-size: 1.05rem; margin: 0 0 .5rem; }
.qa-query { color: var(--body-text-color-subdued); font-size: .85rem; margin: -.25rem 0 .5rem; }
.qa-quote { margin: 0 0 .75rem; }
.qa-quote blockquote { margin: 0; padding: .5rem .9rem; border-left: 4px solid var(--color-accent);
  background: var(--background-fill-secondary); white-space: pre-wrap; }
.qa-quote figcaption { font-size: .85rem; margin: .3rem 0 0 .9rem; }
.qa-cite { font-weight: 600; color: var(--link-text-color); cursor: pointer; }
.qa-where { color: var(--body-text-color-subdued); }
.qa-quote details { margin: .2rem 0 0 .9rem; font-size: .85rem; }
.qa-context { white-space: pre-wrap; margin: .3rem 0; }
.qa-confidence { font-size: .85rem; margin: .25rem 0 0; }
.qa-high { color: #15803d; } .qa-medium { color: #b45309; } .qa-low { color: #b91c1c; }
.qa-no-answer { font-weight: 600; }
.qa-related-label { color: var(--body-text-color-subdued); font-size: .9rem; }
.qa-abstain .qa-quote blockquote { border-left-color: var(--border-color-primary); opacity: .85; }
.qa-conflict-note { background: var(--background-fill-secondary); padding: .4rem .6rem; border-radius: 4px; }
.qa-sides { display: grid; grid-template-columns: repeat(auto-fit, minmax(260px, 1fr)); gap: 1rem; }
.qa-doc-text { white-space: pre-wrap; max-height: 65vh; overflow-y: auto; padding: .5rem;
  border: 1px solid var(--border-color-primary); border-radius: 4px; }
.qa-doc-head h3 { margin: 0; }
mark { background: #fde68a; color: inherit; padding: 0 .1em; }
"""
# Citation links in the chat open the cited document at the quote (the "cite" event below).
CITE_JS = """
element.addEventListener('click', (event) => {
  const link = event.target.closest('a.qa-cite');
  if (!link) return;
  event.preventDefault();
  trigger('cite', {source: link.dataset.source, start: Number(link.dataset.start),
                   end: Number(link.dataset.end), sha: link.dataset.sha});
});
"""
SCROLL_TO_QUOTE_JS = f"""
() => {{
  const go = () => document.getElementById('{ui.TARGET_ID}')?.scrollIntoView({{block: 'center'}});
  setTimeout(go, 150); setTimeout(go, 600);
}}
"""


class Handlers:
    """The event handlers of one app, bound to its corpus and index."""

    def __init__(self, config: Config, *, read_only: bool = False):
        self.config = config
        self.read_only = read_only
        self.cancel = threading.Event()  # set by the Cancel button: the running rebuild stops at its next step

    def index(self) -> Index:
        """The live index; a finished rebuild is picked up here, on the next call."""
        return load_index(self.config.index_dir, self.config)

    def ask_json(self, question: str, k: int = 3, sources: list[str] | None = None) -> dict[str, Any]:
        """Answer with up to k verbatim quotes (optionally only from `sources`): the JSON of `qa ask --json`."""
        try:  # qa.validate checks question, k and sources as it does for the CLI and the Python API
            return ask(question, k=k, index=self.index(), sources=sources, config=self.config).to_dict()
        except QAError as e:
            raise gr.Error(str(e)) from e

    def respond(self, question: str, k: float, sources: list[str], history: list[dict[str, Any]]
                ) -> tuple[str, list[dict[str, Any]], str]:
        try:  # before the follow-up rewriting, which tokenizes the question too
            question = validate.question(question, max_chars=self.config.max_question_chars)
        except QAError as e:
            raise gr.Error(str(e)) from e
        anchor = history[-1]["anchor"] if history else None  # the last question that stood on its own
        query = ui.retrieval_query(question, anchor, known=known_to(self.index()))
        answer = self.ask_json(query, int(k), sources)
        turn = {"question": question, "query": query, "anchor": anchor if query != question else question,
                "answer": answer}
        history = [*history, turn][-MAX_TURNS:]
        return self._conversation(history), history, ""

    def clear(self) -> tuple[str, list[dict[str, Any]]]:
        return self._conversation([]), []

    def open_citation(self, evt: gr.EventData) -> tuple[gr.Tabs, gr.Dropdown, str]:
        """A citation link was clicked (CITE_JS): show its document with the quote marked."""
        doc = self._document(str(evt.source))
        if doc.sha256 != evt.sha:  # offsets into an older text would mark the wrong words
            gr.Warning(f"{doc.source} has changed since this answer was given. Ask again to cite it.")
            return gr.Tabs(selected="docs"), gr.Dropdown(value=doc.source), ui.document_html(doc)
        html = ui.document_html(doc, start=int(evt.start), end=int(evt.end))
        return gr.Tabs(selected="docs"), gr.Dropdown(value=doc.source), html

    def show_document(self, source: str | None) -> str:
        return ui.document_html(self._document(source)) if source else ""

    def select_row(self, evt: gr.SelectData) -> tuple[gr.Dropdown, str]:
        source = evt.row_value[-1]
        return gr.Dropdown(value=source), self.show_document(source)

    def add_files(self, files: list[str] | None) -> tuple[str, None]:
        try:
            added, refused = uploads.add_uploads([Path(p) for p in files or []], self.config)
        except QAError as e:
            return str(e), None
        lines = [f"Added {p.name}." for p in added] + refused
        return " ".join(lines) + (" Press Rebuild to index what was added." if added else ""), None

    def rebuild(self, progress: gr.Progress = gr.Progress()) -> tuple[str, Any, Any, Any, str]:  # noqa: B008
        self.cancel.clear()
        try:
            report = build_index(self.config, on_progress=lambda fraction, message: progress(fraction, desc=message),
                                 cancel=self.cancel)
        except QAError as e:
            raise gr.Error(str(e)) from e
        self.index()  # load it now, so that the next question does not wait for it
        return ("Rebuilt. " + " ".join(report.summary().splitlines()[1:3]), *self.refresh())

    def cancel_rebuild(self) -> str:
        self.cancel.set()
        return "Cancelling the rebuild at its next step; the current index keeps answering."

    def refresh(self) -> tuple[Any, Any, Any, str]:
        """The parts of the page that follow the index: table, document pickers, landing line."""
        idx = self.index()
        choices = ui.source_choices(idx.documents)
        return (ui.document_rows(idx.documents, idx.manifest), gr.Dropdown(choices=choices),
                gr.CheckboxGroup(choices=choices), ui.corpus_blurb(idx.documents.values()))

    def examples(self, limit: int = 4) -> list[str]:
        """Example questions from the titles and headings that the documents do answer."""
        idx = self.index()
        answered = [q for q in ui.example_questions(idx.documents.values(), limit=limit)
                    if not ask(q, index=idx, config=self.config).abstained]
        return answered[:limit]

    def _document(self, source: str | None) -> Any:
        try:
            return self.index().document(source or "")
        except QAError as e:
            raise gr.Error(str(e)) from e

    def _conversation(self, history: list[dict[str, Any]]) -> str:
        return ui.conversation_html(history, threshold=self.config.abstain_threshold)


def known_to(index: Index) -> Callable[[str], bool]:
    """Whether a word occurs in the indexed documents (after BM25's stemming)."""
    return lambda word: bool(index.bm25_scores(word).any())


def make_demo(h: Handlers) -> gr.Blocks:
    idx = h.index()
    choices = ui.source_choices(idx.documents)
    hidden: dict[str, Any] = {"api_visibility": "private"}
    with gr.Blocks(title="Ask the documents", analytics_enabled=False) as demo:
        gr.Markdown("# Ask the documents")
        blurb = gr.HTML(ui.corpus_blurb(idx.documents.values()))
        history = gr.State([])
        with gr.Tabs() as tabs:
            with gr.Tab("Ask", id="ask"):
                conversation = gr.HTML(ui.conversation_html([]), js_on_load=CITE_JS, elem_id="qa-conversation")
                with gr.Row():
                    question = gr.Textbox(placeholder="Ask a question about the documents",
                                          show_label=False, scale=8, elem_id="qa-question")
                    ask_button = gr.Button("Ask", variant="primary", scale=1, elem_id="qa-ask")
                    clear_button = gr.Button("Clear", scale=1)
                examples = gr.Examples([[q] for q in h.examples()], inputs=[question], label="Example questions",
                                       elem_id="qa-examples", api_visibility="private")
            with gr.Tab("Documents", id="docs"):
                table = gr.Dataframe(ui.document_rows(idx.documents, idx.manifest),
                                     headers=["Title", "Kind", "Chunks", "Indexed", "Source"], type="array",
                                     interactive=False, wrap=True, label="Indexed documents (click one to read it)",
                                     column_widths=["38%", "14%", "8%", "16%", "24%"])
                doc_picker = gr.Dropdown(choices=choices, value=None, label="Document", elem_id="qa-doc-picker")
                doc_view = gr.HTML("", elem_id="qa-doc-view")
                if not h.read_only:
                    with gr.Row():
                        files = gr.File(file_count="multiple", file_types=list(uploads.UPLOAD_TYPES),
                                        label=f"Add documents (.txt .md .html .pdf, up to "
                                              f"{h.config.max_file_bytes // 1_000_000} MB)", elem_id="qa-upload")
                        with gr.Column():
                            rebuild_button = gr.Button("Rebuild index", elem_id="qa-rebuild")
                            cancel_button = gr.Button("Cancel rebuild", size="sm", elem_id="qa-cancel")
                            status = gr.Markdown(elem_id="qa-status", min_height=80)
            with gr.Tab("Settings", id="settings"):
                k = gr.Slider(1, 10, value=3, step=1, label="Number of quotes")
                sources = gr.CheckboxGroup(choices=choices, label="Only these documents (none ticked: all)")
        gr.api(h.ask_json, api_name="ask")

        ask_inputs, ask_outputs = [question, k, sources, history], [conversation, history, question]
        gr.on([question.submit, ask_button.click], h.respond, ask_inputs, ask_outputs, **hidden)
        examples.load_input_event.then(h.respond, ask_inputs, ask_outputs, **hidden)
        clear_button.click(h.clear, None, [conversation, history], **hidden)
        conversation.cite(h.open_citation, None, [tabs, doc_picker, doc_view], **hidden).then(
            None, js=SCROLL_TO_QUOTE_JS, **hidden)
        doc_picker.input(h.show_document, doc_picker, doc_view, **hidden)
        table.select(h.select_row, None, [doc_picker, doc_view], **hidden)
        demo.load(h.refresh, None, [table, doc_picker, sources, blurb], **hidden)
        if not h.read_only:
            files.upload(h.add_files, files, [status, files], **hidden)
            rebuild_button.click(h.rebuild, None, [status, table, doc_picker, sources, blurb], show_progress_on=status,
                                 **hidden)
            cancel_button.click(h.cancel_rebuild, None, status, queue=False, **hidden)
    return demo


def ensure_index(config: Config) -> None:
    """Load the index, building it first (with a terminal progress bar) if there is none."""
    try:
        load_index(config.index_dir, config)
    except IndexMissingError:
        print(f"No index in {config.index_dir}; building it from {config.corpus_dir} ...", file=sys.stderr)
        print(build_index(config, progress=True).summary(), file=sys.stderr)
        load_index(config.index_dir, config)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="Web app: answers questions with verbatim, cited quotes.")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=7860, help="port (default 7860)")
    p.add_argument("--corpus", type=Path, help="folder of documents (default: corpus/)")
    p.add_argument("--index", type=Path, help="index folder (default: index/)")
    p.add_argument("--auth", metavar="USER:PASS", help="require this user name and password")
    p.add_argument("--read-only", action="store_true", help="hide upload and rebuild")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    config = Config()
    if args.corpus:
        config = config.with_(corpus_dir=args.corpus.resolve())
    if args.index:
        config = config.with_(index_dir=args.index.resolve())
    auth = None
    if args.auth:
        user, sep, password = args.auth.partition(":")
        if not (user and sep and password):
            print("error: --auth takes USER:PASS", file=sys.stderr)
            return 2
        auth = (user, password)
    try:
        ensure_index(config)
        demo = make_demo(Handlers(config, read_only=args.read_only))
    except QAError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    guard = Middleware(Guard, read_only=args.read_only, throttle=LoginThrottle() if auth else None)
    demo.queue().launch(server_name=args.host, server_port=args.port, auth=auth, theme=THEME, css=CSS,
                        max_file_size=config.max_file_bytes, ssr_mode=False, footer_links=["api"],
                        app_kwargs={"middleware": [guard]})
    return 0


if __name__ == "__main__":
    sys.exit(main())
