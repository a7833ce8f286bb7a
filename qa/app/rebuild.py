"""A rebuild running in the background: its progress, an estimate of the time left, and a way to cancel it.

The web app starts one with :meth:`Rebuild.start`, follows :meth:`Rebuild.follow` to draw progress,
and :meth:`Rebuild.cancel` stops it at the next file or batch; the old index keeps serving throughout.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

from ..config import Config
from ..errors import BuildCancelled, QAError
from ..indexing.build import BuildReport, build_index


@dataclass(frozen=True)
class Snapshot:
    """Where a rebuild is: fraction done, what it is doing, seconds left (None until it can be told)."""

    fraction: float
    message: str
    seconds_left: float | None
    done: bool
    report: BuildReport | None = None
    error: str | None = None
    cancelled: bool = False


class Rebuild:
    """One build of ``config``'s index in a thread (one at a time per app)."""

    def __init__(self, config: Config):
        self.config = config
        self._cancel = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._state = Snapshot(0.0, "Starting", None, done=True)
        self._step, self._step_started, self._step_fraction = "", 0.0, 0.0

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        """Start a build; raises QAError when one is already running."""
        with self._lock:
            if self.running:
                raise QAError("A rebuild is already running. Wait for it, or cancel it.")
            self._cancel.clear()
            self._step = ""
            self._state = Snapshot(0.0, "Starting", None, done=False)
            self._thread = threading.Thread(target=self._run, name="qa-rebuild", daemon=True)
            self._thread.start()

    def cancel(self) -> bool:
        """Ask the running build to stop at its next file or batch; False when none is running."""
        if not self.running:
            return False
        self._cancel.set()
        return True

    def snapshot(self) -> Snapshot:
        return self._state

    def follow(self, every: float = 0.4) -> Iterator[Snapshot]:
        """The running build's snapshots, one each ``every`` seconds, ending with the one that is done."""
        state = self.snapshot()
        while not state.done:
            yield state
            time.sleep(every)
            state = self.snapshot()
        yield state

    def wait(self, timeout: float | None = None) -> Snapshot:
        if self._thread:
            self._thread.join(timeout)
        return self._state

    def _progress(self, fraction: float, message: str) -> None:
        """Record progress; the time left is told from the rate of the current step (reading, embedding ...)."""
        now, step = time.monotonic(), message.split(":")[0]
        if step != self._step:
            self._step, self._step_started, self._step_fraction = step, now, fraction
        done, spent = fraction - self._step_fraction, now - self._step_started
        # Embedding is most of the work and runs at a steady rate; before it, the files are counted instead.
        told = step.startswith("Embedding") and done >= 0.02 and spent >= 0.5
        left = spent * (1 - fraction) / done if told else None
        self._state = Snapshot(fraction, message, left, done=False)

    def _run(self) -> None:
        try:
            report = build_index(self.config, on_progress=self._progress, cancel=self._cancel)
            self._state = Snapshot(1.0, "Done", 0.0, done=True, report=report)
        except BuildCancelled:
            note = "Rebuild cancelled; the index was left as it was and keeps answering."
            self._state = Snapshot(self._state.fraction, note, None, done=True, error=note, cancelled=True)
        except QAError as e:
            self._state = Snapshot(self._state.fraction, str(e), None, done=True, error=str(e))
        except Exception as e:  # a bug must not leave the page waiting forever
            self._state = Snapshot(self._state.fraction, f"Rebuild failed: {e}", None, done=True, error=str(e))
