"""The web app's event handlers, bound to one corpus and index: the chat, sources, documents, rebuilds,
calibration on the answers rated here.

Each handler turns QAErrors into a line the page shows; what the page shows is rendered by
:mod:`qa.app.ui`, and :mod:`qa.app.layout` wires the handlers to the page's parts.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import gradio as gr

from ..answering import followup, validate
from ..answering.answer import ask
from ..answering.verify_text import verify_text
from ..calibrating import calibration
from ..calibrating.calibrate import calibrate as calibrate_index
from ..config import Config
from ..errors import QAError
from ..indexing.index import Index, load_index
from . import feedback, ui, uploads
from .citations import citation_panel
from .examples import answered_examples
from .rebuild import Rebuild
from .removal import remove_from_corpus
from .ui_verify import verification_html

log = logging.getLogger(__name__)


class Handlers:
    """The event handlers of one app, bound to its corpus and index."""

    def __init__(self, config: Config, *, read_only: bool = False):
        self.config = config
        self.read_only = read_only
        self.build = Rebuild(config)
        self.answered = feedback.Answered()  # what feedback may name: the browser's copy is not trusted
        self._calibrating = threading.Lock()  # one calibration at a time writes the fit beside the index

    def index(self) -> Index:
        """The live index; a finished rebuild is picked up here, on the next call."""
        return load_index(self.config.index_dir, self.config)

    def ask_json(self, question: str, k: int = 3, sources: list[str] | None = None) -> dict[str, Any]:
        """Answer with up to k verbatim quotes (optionally only from `sources`): the JSON of `qa ask --json`."""
        try:  # qa.answering.validate checks question, k and sources as it does for the CLI and the Python API
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
        history = kept_turns(history, self.config.max_turns)
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
        history = [*history, {**turn, "id": self.answered.remember(turn)}][-self.config.max_turns:]
        return self.conversation(history), history, "", ""

    def landing(self, history: list[dict[str, Any]], request: gr.Request) -> tuple:
        """On page load: the kept conversation, and the question of a ``?q=`` address asked unless just asked."""
        history = kept_turns(history, self.config.max_turns)
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
        history = kept_turns(history, self.config.max_turns)
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
        return citation_panel(doc, start, end, sha)

    def filter_notice(self, sources: list[str]) -> tuple[str, Any]:
        titles = {s: d.title for s, d in self.index().documents.items()}
        return ui.filter_html(sources or [], titles), gr.Button(visible=bool(sources))

    def examples(self, limit: int = 4) -> list[list[str]]:
        """Example questions from the titles and headings that the documents do answer."""
        return [[q] for q in answered_examples(self.index(), self.config, limit=limit)]

    # ------------------------------------------------------------ documents

    def show_document(self, source: str | None) -> tuple[Any, ...]:
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
        return ui.status_lines_html(lines), None

    def rebuild(self) -> Iterator[tuple]:
        """Run a rebuild in the background, drawing its progress until it ends; then refresh the page's parts."""
        try:
            self.build.start()
        except QAError as e:
            yield (ui.error_html(str(e)), *[gr.skip()] * 5, gr.Button(visible=True))
            return
        for state in self.build.follow():
            if not state.done:
                yield (ui.build_status_html(state.fraction, state.message, seconds_left=state.seconds_left),
                       *[gr.skip()] * 5, gr.Button(visible=True))
        if state.error:
            yield (ui.error_html(state.error), *[gr.skip()] * 5, gr.Button(visible=False))
            return
        report = state.report
        assert report is not None  # a build done without an error has its report
        headline = "Rebuilt. " + " ".join(report.summary().splitlines()[1:3])
        status = ui.build_report_html(headline, [(s.source, s.reason) for s in report.skipped])
        yield (status, *self.refresh(), gr.Dataset(samples=self.examples()), gr.Button(visible=False))

    def cancel(self) -> str:
        return "Cancelling …" if self.build.cancel() else "No rebuild is running."

    def calibrate(self) -> tuple[str, Any]:
        """Fit the collection's own confidence and threshold on the answers rated in this app (what
        `qa calibrate` does with the feedback file beside the index); say what it changes, and refresh the
        landing line that says which calibration answers use."""
        if not feedback.feedback_path(self.config).is_file():
            return ui.status_lines_html(["No answer has been rated here yet. Rate answers with the thumbs under them "
                                          "(20 or more, some of them not helpful), then calibrate."]), gr.skip()
        if self.build.running:
            return ui.error_html("A rebuild is running: calibrate when it has finished."), gr.skip()
        if not self._calibrating.acquire(blocking=False):
            return ui.error_html("A calibration is already running."), gr.skip()
        try:
            fit, _ = calibrate_index(self.config)  # on the feedback file beside the index
        except QAError as e:
            return ui.error_html(str(e)), gr.skip()
        finally:
            self._calibrating.release()
        return ui.calibration_report_html(fit.data or {}), landing_line(self.index())

    def refresh(self) -> tuple[Any, Any, Any, str]:
        """The parts of the page that follow the index: table, document pickers, landing line."""
        idx = self.index()
        choices = ui.source_choices(idx.documents)
        return (ui.document_rows(idx.documents, idx.manifest), gr.Dropdown(choices=choices),
                gr.CheckboxGroup(choices=choices), landing_line(idx))


def kept_turns(history: Any, max_turns: int) -> list[dict[str, Any]]:
    """The conversation the browser sent back, as far as it has the shape of one: it comes from the
    client, so it is shown back to that client only, and feedback never trusts it (see Handlers.answered)."""
    turns = history if isinstance(history, list) else []
    return [t for t in turns[-max_turns:] if isinstance(t, dict) and isinstance(t.get("question"), str)
            and isinstance(t.get("answer"), dict)]


def landing_line(idx: Index) -> str:
    """The line under the page's title: what the documents are, and which calibration answers use when it is not
    the shipped one (qa.calibrating.calibration)."""
    return ui.corpus_blurb(idx.documents.values()) + ui.calibration_note(calibration.status(idx).to_dict())
