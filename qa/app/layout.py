"""The web app's page: tabs, components, and one wiring line per event (handlers in :mod:`qa.app.handlers`)."""
from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import gradio as gr

from . import ui, uploads
from .handlers import Handlers, landing_line
from .keys import browser_key

STATIC = Path(__file__).resolve().parent / "static"
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
    return (STATIC / name).read_text(encoding="utf-8")


def make_demo(h: Handlers) -> gr.Blocks:
    idx = h.index()
    choices = ui.source_choices(idx.documents)
    with gr.Blocks(title="Ask the documents", analytics_enabled=False) as demo:
        gr.HTML(THEME_PICKER, js_on_load=web("theme.js"), elem_id="qa-header")
        top = SimpleNamespace(blurb=gr.HTML(landing_line(idx)), history=gr.BrowserState(
            [], storage_key="qa-conversation", secret=browser_key(h.config, read_only=h.read_only)),
            undo_state=gr.State([]))
        with gr.Tabs():
            chat = _ask_tab(h)
            docs = _documents_tab(h, idx, choices)
            check = _check_tab(choices)
            settings = _settings_tab(h, choices)
        gr.api(h.ask_json, api_name="ask")
        gr.on([check.claimed.submit, check.button.click], h.check_quote, [check.claimed, check.source], check.result,
              show_progress="hidden", **HIDDEN)
        _wire_chat(h, demo, top, chat, settings, docs)
        _wire_documents(h, top, chat, docs, settings)
    return demo


def _ask_tab(h: Handlers) -> SimpleNamespace:
    """The conversation, the composer under it and the source panel beside it."""
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
    return SimpleNamespace(examples=examples, conversation=conversation, filter_note=filter_note,
                           reset_filter=reset_filter, question=question, ask_button=ask_button, error=error,
                           new_button=new_button, undo_button=undo_button, export_button=export_button,
                           notice=notice, panel=panel)


def _documents_tab(h: Handlers, idx: Any, choices: list[Any]) -> SimpleNamespace:
    """The indexed documents, one document's text, and (unless read-only) removing, adding and rebuilding."""
    with gr.Tab("Documents", id="docs"):
        docs = SimpleNamespace(table=gr.Dataframe(
            ui.document_rows(idx.documents, idx.manifest), headers=["Title", "Kind", "Chunks", "Indexed", "Source"],
            type="array", interactive=False, wrap=True, label="Indexed documents (click one to read it)",
            elem_id="qa-docs-table"))
        docs.picker = gr.Dropdown(choices=choices, value=None, label="Document", elem_id="qa-doc-picker")
        docs.outputs = []
        if not h.read_only:
            docs.remove_button = gr.Button("Remove this document …", size="sm", variant="secondary",
                                           visible=False, elem_id="qa-remove")
            with gr.Row(visible=False, elem_id="qa-confirm") as docs.confirm_row:
                docs.confirm_text = gr.Markdown()
                docs.confirm_button = gr.Button("Remove", variant="stop", size="sm", elem_id="qa-confirm-remove")
                docs.keep_button = gr.Button("Keep it", size="sm", elem_id="qa-keep")
            docs.outputs = [docs.remove_button]
        docs.view = gr.HTML("", elem_id="qa-doc-view")
        if not h.read_only:
            with gr.Row():
                docs.files = gr.File(file_count="multiple", file_types=list(uploads.UPLOAD_TYPES),
                                     label=f"Add documents ({uploads.SUPPORTED_SHOWN}; up to "
                                           f"{h.config.max_file_bytes // 1_000_000} MB)", elem_id="qa-upload")
                with gr.Column():
                    with gr.Row():
                        docs.rebuild_button = gr.Button("Rebuild index", elem_id="qa-rebuild")
                        docs.cancel_button = gr.Button("Cancel rebuild", variant="stop", visible=False,
                                                       elem_id="qa-cancel")
                        docs.calibrate_button = gr.Button("Calibrate on rated answers", elem_id="qa-calibrate")
                    docs.status = gr.HTML("", elem_id="qa-status", min_height=80)
    return docs


def _check_tab(choices: list[Any]) -> SimpleNamespace:
    """Checking where a claimed quote is in the documents."""
    with gr.Tab("Check a quote", id="verify"):
        claimed = gr.Textbox(label="Text claimed to be a quote from the documents", lines=4, max_lines=12,
                             placeholder="Paste a quote to check where it is in the documents",
                             elem_id="qa-verify-text")
        with gr.Row(equal_height=True):
            source = gr.Dropdown(choices=choices, value=None, label="Only this document (optional)",
                                 elem_id="qa-verify-source", scale=3)
            button = gr.Button("Check", variant="primary", scale=1, elem_id="qa-verify")
        result = gr.HTML("", elem_id="qa-verify-result")
    return SimpleNamespace(claimed=claimed, source=source, button=button, result=result)


def _settings_tab(h: Handlers, choices: list[Any]) -> SimpleNamespace:
    with gr.Tab("Settings", id="settings"):
        k = gr.Slider(1, h.config.max_quotes, value=3, step=1, label="Number of quotes")
        sources = gr.CheckboxGroup(choices=choices, label="Only these documents (none ticked: all)")
    return SimpleNamespace(k=k, sources=sources)


def _wire_chat(h: Handlers, demo: gr.Blocks, top: SimpleNamespace, chat: SimpleNamespace,
               settings: SimpleNamespace, docs: SimpleNamespace) -> None:
    """Asking, the conversation's tools, citations, feedback and the document filter."""
    asked = [chat.question, settings.k, settings.sources, top.history]
    chat_outputs = [chat.conversation, top.history, chat.question, chat.error]
    gr.on([chat.question.submit, chat.ask_button.click], h.respond, asked, chat_outputs,
          show_progress="hidden", **HIDDEN)  # answers take a fraction of a second; nothing is dimmed
    chat.examples.click(lambda sample: sample[0], chat.examples, chat.question, show_progress="hidden",
                        **HIDDEN).then(h.respond, asked, chat_outputs, show_progress="hidden", **HIDDEN)
    undone = [chat.conversation, top.history, top.undo_state, chat.undo_button, chat.notice]
    chat.new_button.click(h.clear, top.history, undone, **HIDDEN)
    chat.undo_button.click(h.undo, top.undo_state, undone, **HIDDEN)
    chat.export_button.click(None, js=web("export.js"), **HIDDEN)
    chat.conversation.cite(h.open_citation, None, chat.panel, show_progress="hidden", **HIDDEN)
    if not h.read_only:
        chat.conversation.feedback(h.record_feedback, top.history, [chat.conversation, top.history, chat.error],
                                   show_progress="hidden", **HIDDEN)
    settings.sources.change(h.filter_notice, settings.sources, [chat.filter_note, chat.reset_filter], **HIDDEN)
    chat.reset_filter.click(lambda: [], None, settings.sources, **HIDDEN)
    demo.load(h.landing, top.history, chat_outputs, show_progress="hidden", **HIDDEN)
    demo.load(h.refresh, None, [docs.table, docs.picker, settings.sources, top.blurb], show_progress="hidden",
              **HIDDEN)


def _wire_documents(h: Handlers, top: SimpleNamespace, chat: SimpleNamespace, docs: SimpleNamespace,
                    settings: SimpleNamespace) -> None:
    """Reading a document and, unless read-only, removing, adding, rebuilding and calibrating."""
    docs.picker.input(h.show_document, docs.picker, [docs.view, *docs.outputs], **HIDDEN)
    docs.table.select(h.select_row, None, [docs.picker, docs.view, *docs.outputs], **HIDDEN)
    if h.read_only:
        return
    docs.remove_button.click(h.ask_remove, docs.picker, [docs.confirm_row, docs.confirm_text], **HIDDEN)
    docs.keep_button.click(lambda: gr.Row(visible=False), None, docs.confirm_row, **HIDDEN)
    docs.confirm_button.click(h.remove, docs.picker, [docs.status, docs.confirm_row], **HIDDEN)
    docs.files.upload(h.add_files, docs.files, [docs.status, docs.files], **HIDDEN)
    docs.rebuild_button.click(lambda: gr.Button(visible=True), None, docs.cancel_button, **HIDDEN).then(
        h.rebuild, None, [docs.status, docs.table, docs.picker, settings.sources, top.blurb, chat.examples,
                          docs.cancel_button], show_progress="hidden", **HIDDEN)
    docs.cancel_button.click(h.cancel, None, docs.status, queue=False, show_progress="hidden", **HIDDEN)
    docs.calibrate_button.click(h.calibrate, None, [docs.status, top.blurb], **HIDDEN)
