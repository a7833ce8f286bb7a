"""The web app: ask the documents in a chat, read the sources beside it, manage them, and call ``/ask``.

    python app.py [--host 127.0.0.1] [--port 7860] [--corpus corpus/] [--index index/]
                  [--auth user:pass] [--read-only]

Answers come from ``qa.ask``; what the pages show is rendered by ``qa.ui``; the page's own scripts and
styles are in ``web/``. The index is built on first start when it is missing. A rebuild writes a new
index beside the live one, so questions keep being answered from the old index until it is swapped in.
The plain HTTP API (``/api/...``, see qa.api) is served on the same port, behind the same ``--auth``.
"""
from __future__ import annotations

import argparse
import logging
import os
import secrets
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # read when gradio is imported

import gradio as gr
from starlette.middleware import Middleware

from qa import (
    Config,
    Index,
    IndexMissingError,
    QAError,
    ask,
    build_index,
    feedback,
    followup,
    load_index,
    ui,
    uploads,
    validate,
    verify_text,
)
from qa.api import ApiRoutes, make_api
from qa.guard import Guard, LoginThrottle
from qa.rebuild import Rebuild
from qa.removal import remove_from_corpus
from qa.ui_verify import verification_html

log = logging.getLogger("qa.app")
WEB = Path(__file__).resolve().parent / "web"
MAX_TURNS = 20
# System fonts only: nothing is fetched from a font service.
THEME = gr.themes.Default(
    font=["ui-sans-serif", "system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "sans-serif"],
    font_mono=["ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "monospace"],
).set(  # white on orange-700: 5.2:1 (the default orange-500 gives 2.8:1)
    button_primary_background_fill="#c2410c", button_primary_background_fill_dark="#c2410c",
    button_primary_background_fill_hover="#9a3412", button_primary_background_fill_hover_dark="#9a3412",
    button_primary_text_color="#ffffff", button_primary_text_color_dark="#ffffff",
)
THEME_PICKER = """<div class="qa-header"><h1>Ask the documents</h1><label class="qa-theme">Theme
<select aria-label="Theme"><option value="system">System</option><option value="light">Light</option>
<option value="dark">Dark</option></select></label></div>"""
HIDDEN: dict[str, Any] = {"api_visibility": "private"}


def web(name: str) -> str:
    return (WEB / name).read_text(encoding="utf-8")


def browser_key(config: Config, *, read_only: bool) -> str | None:
    """The key that seals the conversation kept in the browser, kept in the data folder so that a
    conversation outlives a restart of the app (None: a new key each start)."""
    path = feedback.data_dir(config) / "browser-state.key"
    try:
        return path.read_text(encoding="utf-8").strip() or None
    except OSError:
        if read_only:
            return None
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(16)
    try:
        with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as f:
            f.write(key)
    except FileExistsError:  # another start wrote one first
        return path.read_text(encoding="utf-8").strip() or None
    return key


class Handlers:
    """The event handlers of one app, bound to its corpus and index."""

    def __init__(self, config: Config, *, read_only: bool = False):
        self.config = config
        self.read_only = read_only
        self.build = Rebuild(config)
        self.answered = feedback.Answered()  # what feedback may name: the browser's copy is not trusted

    def index(self) -> Index:
        """The live index; a finished rebuild is picked up here, on the next call."""
        return load_index(self.config.index_dir, self.config)

    def ask_json(self, question: str, k: int = 3, sources: list[str] | None = None) -> dict[str, Any]:
        """Answer with up to k verbatim quotes (optionally only from `sources`): the JSON of `qa ask --json`."""
        try:  # qa.validate checks question, k and sources as it does for the CLI and the Python API
            return ask(question, k=k, index=self.index(), sources=sources, config=self.config).to_dict()
        except QAError as e:
            raise gr.Error(str(e)) from e

    def check_quote(self, text: str, source: str | None) -> str:
        """Whether ``text`` is a verbatim quote of the documents (of ``source`` when one is picked)."""
        try:
            return verification_html(verify_text(text or "", source or None, index=self.index()).to_dict())
        except QAError as e:
            return ui.error_html(str(e))

    # ------------------------------------------------------------ the chat

    def respond(self, question: str, k: float, sources: list[str], history: list[dict[str, Any]]) -> tuple:
        """Answer a question as a new turn. An error is shown under the input, which stays usable."""
        history = kept_turns(history)
        try:  # validated before the follow-up rewriting, which tokenizes the question too
            question = validate.question(question or "", max_chars=self.config.max_question_chars)
            idx = self.index()
            turn = followup.new_turn(question, history, known=followup.known_to(idx))
            answer = ask(turn["query"], k=int(k), index=idx, sources=sources or None, config=self.config)
        except QAError as e:
            return gr.skip(), gr.skip(), gr.skip(), ui.error_html(str(e))
        except Exception as e:
            log.exception("answering %r failed", question)
            return gr.skip(), gr.skip(), gr.skip(), ui.error_html(f"Something went wrong ({e}). Try again.")
        turn = {**turn, "answer": answer.to_dict()}
        history = [*history, {**turn, "id": self.answered.remember(turn)}][-MAX_TURNS:]
        return self.conversation(history), history, "", ""

    def landing(self, history: list[dict[str, Any]], request: gr.Request) -> tuple:
        """On page load: the kept conversation, and the question of a ``?q=`` address asked unless just asked."""
        history = kept_turns(history)
        q = " ".join(((request.query_params.get("q") if request else None) or "").split())
        if q and not (history and history[-1]["question"] == q):
            shown, kept, _, error = self.respond(q, 3, [], history)
            return shown, kept, gr.skip(), error
        if not history:
            return gr.skip(), gr.skip(), gr.skip(), gr.skip()  # nothing kept: leave what the page shows
        return self.conversation(history), history, gr.skip(), gr.skip()

    def clear(self, history: list[dict[str, Any]]) -> tuple:
        note = "Started a new conversation." if history else ""
        return self.conversation([]), [], history, gr.Button(visible=bool(history)), note

    def undo(self, previous: list[dict[str, Any]]) -> tuple:
        return self.conversation(previous), previous, [], gr.Button(visible=False), ""

    def conversation(self, history: list[dict[str, Any]]) -> str:
        return ui.conversation_html(history, feedback=not self.read_only)

    def record_feedback(self, history: list[dict[str, Any]], evt: gr.EventData) -> tuple:
        """Thumbs up/down on turn ``evt.turn``: one line appended to the feedback file (never when read-only)."""
        history = kept_turns(history)
        turn_at = getattr(evt, "turn", -1)
        if self.read_only or not isinstance(turn_at, int) or not 0 <= turn_at < len(history):
            return gr.skip(), gr.skip(), gr.skip()
        answered = self.answered.get(history[turn_at].get("id"))  # the server's record, not the browser's copy
        if answered is None:
            return gr.skip(), gr.skip(), ui.error_html("This answer was given before the server restarted, so it "
                                                       "cannot be rated. Ask the question again to rate it.")
        try:
            idx = self.index()
            line = feedback.entry(answered, str(getattr(evt, "verdict", "")), getattr(evt, "note", None),
                                  build=idx.folder.name, index=idx, max_quotes=self.config.max_quotes,
                                  max_chars=self.config.max_question_chars)
            feedback.record(feedback.feedback_path(self.config), line)
        except QAError as e:
            return gr.skip(), gr.skip(), ui.error_html(str(e))
        history = [*history]
        history[turn_at] = {**history[turn_at], "feedback": line["verdict"]}
        return self.conversation(history), history, ""

    def open_citation(self, evt: gr.EventData) -> str:
        """The address names a span (``#source=…``): show that document beside the chat, the quote marked."""
        source = str(getattr(evt, "source", "") or "")
        if not source:
            return ""  # the panel hides when empty
        try:
            doc = self.index().document(source)
        except QAError as e:
            return ui.error_html(str(e))
        start, end, sha = int(getattr(evt, "start", 0)), int(getattr(evt, "end", 0)), str(getattr(evt, "sha", ""))
        if sha and not doc.sha256.startswith(sha):
            note = f"{doc.title} has changed since this link was made, so the quote is not marked. Ask again."
            return ui.panel_html(doc, note=note)
        if not 0 <= start < end <= len(doc.text):
            return ui.panel_html(doc, note="This link points outside the document.")
        return ui.panel_html(doc, start=start, end=end)

    def filter_notice(self, sources: list[str]) -> tuple[str, Any]:
        titles = {s: d.title for s, d in self.index().documents.items()}
        return ui.filter_html(sources or [], titles), gr.Button(visible=bool(sources))

    def examples(self, limit: int = 4) -> list[list[str]]:
        """Example questions from the titles and headings that the documents do answer."""
        idx = self.index()
        answered = [q for q in ui.example_questions(idx.documents.values(), limit=limit)
                    if not ask(q, index=idx, config=self.config).abstained]
        return [[q] for q in answered[:limit]]

    # ------------------------------------------------------------ documents

    def show_document(self, source: str | None) -> tuple[str, ...]:
        """A document's text, and (unless read-only) the Remove button shown for it."""
        try:
            html = ui.document_html(self.index().document(source)) if source else ""
        except QAError as e:
            html = ui.error_html(str(e))
        return (html,) if self.read_only else (html, gr.Button(visible=bool(source)))

    def select_row(self, evt: gr.SelectData) -> tuple[Any, ...]:
        source = evt.row_value[-1]
        return (gr.Dropdown(value=source), *self.show_document(source))

    def ask_remove(self, source: str | None) -> tuple[Any, str]:
        if not source:
            return gr.Row(visible=False), ""
        return gr.Row(visible=True), (f"Remove **{source}** from the corpus? Its file moves to the removed-documents "
                                      "folder and the next rebuild drops it from the index.")

    def remove(self, source: str | None) -> tuple[str, Any]:
        if self.read_only or not source:
            return "", gr.Row(visible=False)
        try:
            remove_from_corpus(source, self.config)
        except QAError as e:
            return ui.error_html(str(e)), gr.Row(visible=False)
        return (ui.build_report_html(f"Removed {source} from the corpus. Press Rebuild to drop it from the index.", []),
                gr.Row(visible=False))

    def add_files(self, files: list[str] | None) -> tuple[str, None]:
        """Add uploads to the corpus; a file the loader cannot read is refused with its reason."""
        try:
            added, refused = uploads.add_uploads([Path(p) for p in files or []], self.config)
        except QAError as e:
            return ui.error_html(str(e)), None
        lines = [f"Added {p.name}." for p in added] + refused
        if added:
            lines.append("Press Rebuild to index what was added.")
        return ui.upload_report_html(lines), None

    def rebuild(self) -> Iterator[tuple]:
        """Run a rebuild in the background, drawing its progress until it ends; then refresh the page's parts."""
        try:
            self.build.start()
        except QAError as e:
            yield (ui.error_html(str(e)), *[gr.skip()] * 5, gr.Button(visible=True))
            return
        state = self.build.snapshot()
        while not state.done:
            yield (ui.build_status_html(state.fraction, state.message, seconds_left=state.seconds_left),
                   *[gr.skip()] * 5, gr.Button(visible=True))
            time.sleep(0.4)
            state = self.build.snapshot()
        if state.error:
            yield (ui.error_html(state.error), *[gr.skip()] * 5, gr.Button(visible=False))
            return
        report = state.report
        headline = "Rebuilt. " + " ".join(report.summary().splitlines()[1:3])
        status = ui.build_report_html(headline, [(s.source, s.reason) for s in report.skipped])
        yield (status, *self.refresh(), gr.Dataset(samples=self.examples()), gr.Button(visible=False))

    def cancel(self) -> str:
        return "Cancelling …" if self.build.cancel() else "No rebuild is running."

    def refresh(self) -> tuple[Any, Any, Any, str]:
        """The parts of the page that follow the index: table, document pickers, landing line."""
        idx = self.index()
        choices = ui.source_choices(idx.documents)
        return (ui.document_rows(idx.documents, idx.manifest), gr.Dropdown(choices=choices),
                gr.CheckboxGroup(choices=choices), ui.corpus_blurb(idx.documents.values()))


def kept_turns(history: Any) -> list[dict[str, Any]]:
    """The conversation the browser sent back, as far as it has the shape of one: it comes from the
    client, so it is shown back to that client only, and feedback never trusts it (see Handlers.answered)."""
    turns = history if isinstance(history, list) else []
    return [t for t in turns[-MAX_TURNS:] if isinstance(t, dict) and isinstance(t.get("question"), str)
            and isinstance(t.get("answer"), dict)]


def make_demo(h: Handlers) -> gr.Blocks:
    idx = h.index()
    choices = ui.source_choices(idx.documents)
    with gr.Blocks(title="Ask the documents", analytics_enabled=False) as demo:
        gr.HTML(THEME_PICKER, js_on_load=web("theme.js"), elem_id="qa-header")
        blurb = gr.HTML(ui.corpus_blurb(idx.documents.values()))
        history = gr.BrowserState([], storage_key="qa-conversation",
                                  secret=browser_key(h.config, read_only=h.read_only))
        undo_state = gr.State([])
        with gr.Tabs():
            with gr.Tab("Ask", id="ask"), gr.Row(equal_height=False):
                with gr.Column(scale=3, min_width=280):
                    examples = gr.Dataset(components=[gr.Textbox(visible=False)], samples=h.examples(),
                                          label="Example questions", elem_id="qa-examples")
                    conversation = gr.HTML(ui.conversation_html([]), js_on_load=web("conversation.js"),
                                           elem_id="qa-conversation")
                    with gr.Column(elem_id="qa-composer"):
                        with gr.Row(equal_height=True):
                            filter_note = gr.HTML("", elem_id="qa-filter")
                            reset_filter = gr.Button("Use all documents", size="sm", visible=False,
                                                     elem_id="qa-reset-filter", scale=0)
                        with gr.Row(equal_height=True):
                            question = gr.Textbox(label="Ask a question", show_label=False, lines=1, max_lines=4,
                                                  placeholder="Ask about the documents", scale=8,
                                                  elem_id="qa-question", autofocus=True)
                            ask_button = gr.Button("Ask", variant="primary", scale=1, min_width=80, elem_id="qa-ask")
                        error = gr.HTML("", elem_id="qa-error")
                        with gr.Row(equal_height=True, elem_classes="qa-tools"):
                            new_button = gr.Button("New conversation", size="sm", variant="secondary", scale=0,
                                                   min_width=60, elem_id="qa-new")
                            undo_button = gr.Button("Undo", size="sm", variant="secondary", visible=False, scale=0,
                                                    min_width=60, elem_id="qa-undo")
                            export_button = gr.Button("Export as Markdown", size="sm", variant="secondary", scale=0,
                                                      min_width=60, elem_id="qa-export")
                            notice = gr.Markdown("", elem_id="qa-notice")
                with gr.Column(scale=2, min_width=280, elem_id="qa-panel"):
                    panel = gr.HTML("", js_on_load=web("panel.js"), elem_id="qa-panel-view")
            with gr.Tab("Documents", id="docs"):
                table = gr.Dataframe(ui.document_rows(idx.documents, idx.manifest),
                                     headers=["Title", "Kind", "Chunks", "Indexed", "Source"], type="array",
                                     interactive=False, wrap=True, label="Indexed documents (click one to read it)",
                                     elem_id="qa-docs-table")
                doc_picker = gr.Dropdown(choices=choices, value=None, label="Document", elem_id="qa-doc-picker")
                doc_outputs = []
                if not h.read_only:
                    remove_button = gr.Button("Remove this document …", size="sm", variant="secondary",
                                              visible=False, elem_id="qa-remove")
                    with gr.Row(visible=False, elem_id="qa-confirm") as confirm_row:
                        confirm_text = gr.Markdown()
                        confirm_button = gr.Button("Remove", variant="stop", size="sm", elem_id="qa-confirm-remove")
                        keep_button = gr.Button("Keep it", size="sm", elem_id="qa-keep")
                    doc_outputs = [remove_button]
                doc_view = gr.HTML("", elem_id="qa-doc-view")
                if not h.read_only:
                    with gr.Row():
                        files = gr.File(file_count="multiple", file_types=list(uploads.UPLOAD_TYPES),
                                        label=f"Add documents ({' '.join(uploads.UPLOAD_TYPES)}, up to "
                                              f"{h.config.max_file_bytes // 1_000_000} MB)", elem_id="qa-upload")
                        with gr.Column():
                            with gr.Row():
                                rebuild_button = gr.Button("Rebuild index", elem_id="qa-rebuild")
                                cancel_button = gr.Button("Cancel rebuild", variant="stop", visible=False,
                                                          elem_id="qa-cancel")
                            status = gr.HTML("", elem_id="qa-status", min_height=80)
            with gr.Tab("Check a quote", id="verify"):
                claimed = gr.Textbox(label="Text claimed to be a quote from the documents", lines=4, max_lines=12,
                                     placeholder="Paste a quote to check where it is in the documents",
                                     elem_id="qa-verify-text")
                with gr.Row(equal_height=True):
                    verify_source = gr.Dropdown(choices=choices, value=None, label="Only this document (optional)",
                                                elem_id="qa-verify-source", scale=3)
                    verify_button = gr.Button("Check", variant="primary", scale=1, elem_id="qa-verify")
                verify_result = gr.HTML("", elem_id="qa-verify-result")
            with gr.Tab("Settings", id="settings"):
                k = gr.Slider(1, 10, value=3, step=1, label="Number of quotes")
                sources = gr.CheckboxGroup(choices=choices, label="Only these documents (none ticked: all)")
        gr.api(h.ask_json, api_name="ask")
        gr.on([claimed.submit, verify_button.click], h.check_quote, [claimed, verify_source], verify_result,
              show_progress="hidden", **HIDDEN)

        chat_outputs = [conversation, history, question, error]
        gr.on([question.submit, ask_button.click], h.respond, [question, k, sources, history], chat_outputs,
              show_progress="hidden", **HIDDEN)  # answers take a fraction of a second; nothing is dimmed
        examples.click(lambda sample: sample[0], examples, question, show_progress="hidden", **HIDDEN).then(
            h.respond, [question, k, sources, history], chat_outputs, show_progress="hidden", **HIDDEN)
        new_button.click(h.clear, history, [conversation, history, undo_state, undo_button, notice], **HIDDEN)
        undo_button.click(h.undo, undo_state, [conversation, history, undo_state, undo_button, notice], **HIDDEN)
        export_button.click(None, js=web("export.js"), **HIDDEN)
        conversation.cite(h.open_citation, None, panel, show_progress="hidden", **HIDDEN)
        if not h.read_only:
            conversation.feedback(h.record_feedback, history, [conversation, history, error],
                                  show_progress="hidden", **HIDDEN)
        sources.change(h.filter_notice, sources, [filter_note, reset_filter], **HIDDEN)
        reset_filter.click(lambda: [], None, sources, **HIDDEN)
        demo.load(h.landing, history, chat_outputs, show_progress="hidden", **HIDDEN)
        demo.load(h.refresh, None, [table, doc_picker, sources, blurb], show_progress="hidden", **HIDDEN)

        doc_picker.input(h.show_document, doc_picker, [doc_view, *doc_outputs], **HIDDEN)
        table.select(h.select_row, None, [doc_picker, doc_view, *doc_outputs], **HIDDEN)
        if not h.read_only:
            remove_button.click(h.ask_remove, doc_picker, [confirm_row, confirm_text], **HIDDEN)
            keep_button.click(lambda: gr.Row(visible=False), None, confirm_row, **HIDDEN)
            confirm_button.click(h.remove, doc_picker, [status, confirm_row], **HIDDEN)
            files.upload(h.add_files, files, [status, files], **HIDDEN)
            rebuild_button.click(lambda: gr.Button(visible=True), None, cancel_button, **HIDDEN).then(
                h.rebuild, None, [status, table, doc_picker, sources, blurb, examples, cancel_button],
                show_progress="hidden", **HIDDEN)
            cancel_button.click(h.cancel, None, status, queue=False, show_progress="hidden", **HIDDEN)
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
    p.add_argument("--read-only", action="store_true", help="no upload, rebuild, removal or feedback")
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
        from qa.paraphrase import wordnet

        threading.Thread(target=wordnet, daemon=True).start()  # WordNet takes seconds: not on the first question
    except QAError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    throttle = LoginThrottle() if auth else None
    guard = Middleware(Guard, read_only=args.read_only, throttle=throttle, max_body=config.max_request_bytes)
    api = Middleware(ApiRoutes, api=make_api(config), auth=auth, throttle=throttle)
    demo.queue().launch(server_name=args.host, server_port=args.port, auth=auth, theme=THEME, css=web("app.css"),
                        max_file_size=config.max_file_bytes, ssr_mode=False, footer_links=["api"],
                        run_history=False, app_kwargs={"middleware": [guard, api]})
    return 0


if __name__ == "__main__":
    sys.exit(main())
