"""Reading untrusted files in a worker process with limits on memory and time.

A file's bytes go to a separate Python process (``python -m qa.ingest.sandbox``) that runs the format reader
under ``setrlimit``: its address space may grow ``Config.reader_memory_bytes`` past what the readers
need when loaded, and each file may take ``Config.reader_seconds`` of CPU time (twice that on the wall
clock, for a busy machine). A file that needs more, a MemoryError, or a crash of a native library
(PDFium aborts when an allocation fails) ends that process, not the build or the server: the caller
gets ``Unreadable`` with the limit to raise, and the next file starts a fresh worker.

One worker serves many files (starting one costs about a second of imports), one file at a time. It
is a plain child process that exits when its parent goes away, or after a minute with nothing to do.
"""
from __future__ import annotations

import contextlib
import json
import os
import resource
import select
import signal
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from ..config import Config
from ..errors import Unreadable
from .formats import Extracted

__all__ = ["Limits", "Worker", "shared_worker"]

_HEADER = struct.Struct(">Q")
_IDLE_SECONDS = 60.0


@dataclass(frozen=True)
class Limits:
    """What one file may cost the reader; defaults from :class:`Config`."""

    memory_bytes: int = Config.reader_memory_bytes
    seconds: float = Config.reader_seconds
    max_chars: int = Config.max_text_chars

    @classmethod
    def from_config(cls, config: Config) -> Limits:
        return cls(config.reader_memory_bytes, config.reader_seconds, config.max_text_chars)

    def too_slow(self) -> str:
        return f"needed more than {self.seconds:g} s to read (raise Config.reader_seconds to read it)"

    def too_big(self) -> str:
        return (f"needed more than {self.memory_bytes / 1e9:.1f} GB of memory to read "
                "(raise Config.reader_memory_bytes to read it)")


class Worker:
    """A reader process, restarted after each failure. Thread-safe: callers take turns."""

    def __init__(self, limits: Limits | None = None):
        self.limits = limits or Limits()
        # Bytes: the largest resident size seen in this worker's processes, read from /proc while a file is
        # read (the kernel's figure for a reaped child also counts its parent's size when it was started).
        self.peak_rss = 0
        self._last_rss = 0
        self._proc: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()

    def __enter__(self) -> Worker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def read(self, fmt: str, data: bytes, *, stop: Callable[[], None] | None = None) -> Extracted:
        """Run the reader for ``fmt`` on ``data`` in the worker; raises ``Unreadable`` with the reason.

        ``stop`` is called every 0.1 s while the file is read; whatever it raises (a cancelled build)
        ends the reading at once, and the worker with it.
        """
        with self._lock:
            for attempt in (1, 2):  # a worker that exited while idle is replaced once, silently
                proc = self._running()
                try:
                    _send(proc.stdin, json.dumps({"fmt": fmt, "max_chars": self.limits.max_chars,
                                                  "seconds": self.limits.seconds}).encode(), data)
                except (BrokenPipeError, OSError):
                    self._reap(proc)
                    if attempt == 2:
                        raise Unreadable("the reader process could not be started") from None
                    continue
                return self._answer(proc, stop)
        raise AssertionError("unreachable")

    def close(self) -> None:
        with self._lock:
            if self._proc is not None:
                self._stop(self._proc)

    def _running(self) -> subprocess.Popen[bytes]:
        if self._proc is not None and self._proc.poll() is None:
            return self._proc
        if self._proc is not None:
            self._reap(self._proc)
        env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "qa.ingest.sandbox", str(self.limits.memory_bytes)], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, close_fds=True)
        return self._proc

    def _answer(self, proc: subprocess.Popen[bytes], stop: Callable[[], None] | None) -> Extracted:
        deadline = time.monotonic() + 2 * self.limits.seconds + 5  # the wall clock backs up the CPU limit
        self._last_rss = 0
        try:
            reply = json.loads(_receive(proc.stdout, deadline, lambda: self._watch(proc.pid, stop)))
        except TimeoutError:
            self._stop(proc)
            raise Unreadable(self.limits.too_slow()) from None
        except EOFError:  # the process died: killed by its CPU limit, or a native crash
            raise Unreadable(self._death(proc)) from None
        except BaseException:  # stop() raised: the answer will never be read
            self._stop(proc)
            raise
        self._watch(proc.pid)
        if "memory" in reply:
            self._stop(proc)  # a heap that ran out is not worth keeping
            raise Unreadable(self.limits.too_big())
        if "unreadable" in reply:
            raise Unreadable(reply["unreadable"])
        return Extracted(**{k: _tuples(v) for k, v in reply["ok"].items()})

    def _watch(self, pid: int, stop: Callable[[], None] | None = None) -> None:
        if stop:
            stop()
        rss = _vm_hwm(pid)
        self._last_rss = max(self._last_rss, rss)
        self.peak_rss = max(self.peak_rss, rss)

    def _death(self, proc: subprocess.Popen[bytes]) -> str:
        status = self._reap(proc)
        if status == -signal.SIGXCPU:
            return self.limits.too_slow()
        if status < 0 and self._last_rss > self.limits.memory_bytes // 2:
            return f"{self.limits.too_big()}; the reader stopped with {signal.Signals(-status).name}"
        name = signal.Signals(-status).name if status < 0 else f"exit status {status}"
        if status == -signal.SIGABRT:  # how a native library dies on an allocation the memory limit refused
            return (f"the reader stopped on this file ({name}), as a library does when it needs more than "
                    f"{self.limits.memory_bytes / 1e9:.1f} GB of memory (raise Config.reader_memory_bytes to read "
                    "it) or meets a damaged file")
        return f"the reader crashed on this file ({name}); it may be damaged"

    def _stop(self, proc: subprocess.Popen[bytes]) -> None:
        if proc.poll() is None:
            proc.kill()
        self._reap(proc)

    def _reap(self, proc: subprocess.Popen[bytes]) -> int:
        """Wait for the process; its exit status (negative: the signal that ended it)."""
        for stream in (proc.stdin, proc.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()
        proc.wait()
        if self._proc is proc:
            self._proc = None
        return proc.returncode or 0


_SHARED: dict[Limits, Worker] = {}
_SHARED_LOCK = threading.Lock()


def shared_worker(limits: Limits) -> Worker:
    """The process-wide worker for ``limits``: the build and the upload check take turns on it."""
    with _SHARED_LOCK:
        return _SHARED.setdefault(limits, Worker(limits))


def _tuples(value: Any) -> Any:
    """JSON's lists back into the tuples an :class:`Extracted` holds (at any depth)."""
    return tuple(_tuples(v) for v in value) if isinstance(value, list) else value


def _vm_hwm(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as f:
            line = next(x for x in f if x.startswith("VmHWM:"))
        return int(line.split()[1]) * 1024
    except (OSError, StopIteration, ValueError):
        return 0


# ---------------------------------------------------------------- framing


def _send(stream: Any, *parts: bytes) -> None:
    for part in parts:
        stream.write(_HEADER.pack(len(part)))
        stream.write(part)
    stream.flush()


def _receive(stream: Any, deadline: float | None = None, tick: Any = None) -> bytes:
    (size,) = _HEADER.unpack(_read_exact(stream, _HEADER.size, deadline, tick))
    return _read_exact(stream, size, deadline, tick)


def _read_exact(stream: Any, size: int, deadline: float | None, tick: Any = None) -> bytes:
    """``size`` bytes from ``stream``; TimeoutError past ``deadline``, ``tick()`` every 0.1 s of waiting."""
    fd, chunks, left = stream.fileno(), [], size
    while left:
        while deadline is not None and not _ready(fd, deadline):
            if tick:
                tick()
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _ready(fd: int, deadline: float) -> bool:
    """Whether ``fd`` has data within 0.1 s; TimeoutError once ``deadline`` has passed."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError
    return bool(select.select([fd], [], [], min(0.1, left))[0])


# ---------------------------------------------------------------- the worker's side


def _serve(memory_bytes: int) -> None:
    from .formats import _readers, extract

    _readers()  # import the readers before the limit, so that it counts what a file costs
    reply = os.fdopen(os.dup(1), "wb")
    os.dup2(os.open(os.devnull, os.O_WRONLY), 1)  # a library's print must not corrupt the replies
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (_vm_size() + memory_bytes, hard))
    requests = sys.stdin.buffer
    while select.select([requests], [], [], _IDLE_SECONDS)[0]:
        try:
            header, data = json.loads(_receive(requests)), _receive(requests)
        except EOFError:
            return
        _limit_cpu(float(header["seconds"]))
        try:
            answer: dict[str, Any] = {"ok": asdict(extract(header["fmt"], data, max_chars=header["max_chars"]))}
        except MemoryError:
            answer = {"memory": True}
        except Unreadable as e:
            answer = {"unreadable": str(e)}
        except RecursionError:
            answer = {"unreadable": "nested too deeply to read"}
        _send(reply, json.dumps(answer).encode())
        if "memory" in answer:
            return


def _limit_cpu(seconds: float) -> None:
    """Allow ``seconds`` more of CPU time from now (the kernel sends SIGXCPU past it)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    used = usage.ru_utime + usage.ru_stime
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    resource.setrlimit(resource.RLIMIT_CPU, (int(used + seconds) + 1, hard))


def _vm_size() -> int:
    """This process's address space in bytes (0 where /proc is missing: the limit is then absolute)."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            return int(next(x for x in f if x.startswith("VmSize:")).split()[1]) * 1024
    except (OSError, StopIteration, ValueError):
        return 0


if __name__ == "__main__":
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the parent, which decides
    _serve(int(sys.argv[1]))
