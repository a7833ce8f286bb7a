"""The web app's page: tabs, components, and one wiring line per event (handlers in :mod:`qa.app.handlers`)."""
from __future__ import annotations

from pathlib import Path
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
        blurb = gr.HTML(landing_line(idx))
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
                                        label=f"Add documents ({uploads.SUPPORTED_SHOWN}; up to "
                                              f"{h.config.max_file_bytes // 1_000_000} MB)", elem_id="qa-upload")
                        with gr.Column():
                            with gr.Row():
                                rebuild_button = gr.Button("Rebuild index", elem_id="qa-rebuild")
                                cancel_button = gr.Button("Cancel rebuild", variant="stop", visible=False,
                                                          elem_id="qa-cancel")
                                calibrate_button = gr.Button("Calibrate on rated answers", elem_id="qa-calibrate")
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
                k = gr.Slider(1, h.config.max_quotes, value=3, step=1, label="Number of quotes")
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
            calibrate_button.click(h.calibrate, None, [status, blurb], **HIDDEN)
    return demo
