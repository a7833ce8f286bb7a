"""Starting ``app.py`` on a free 127.0.0.1 port for the benchmarks that talk to it over HTTP."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve_app(*args: str, env: dict[str, str] | None = None, log: IO[str] | None = None,
              timeout: float = 600) -> tuple[subprocess.Popen, str]:
    """Run ``app.py ARGS --port N`` and wait until it serves; return (process, url). Exits on failure."""
    port = free_port()
    process = subprocess.Popen([sys.executable, str(ROOT / "app.py"), *args, "--port", str(port)], cwd=ROOT,
                               env={**os.environ, "GRADIO_ANALYTICS_ENABLED": "False", **(env or {})},
                               stdout=log, stderr=subprocess.STDOUT if log else None)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"app.py exited with {process.returncode}")
        try:
            urllib.request.urlopen(url, timeout=5)
            return process, url
        except OSError:
            time.sleep(0.5)
    process.kill()
    raise SystemExit("app.py did not start in time")
