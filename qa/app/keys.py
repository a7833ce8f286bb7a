"""The key that seals the conversation a browser keeps, stored in the data folder beside the index."""
from __future__ import annotations

import os
import secrets

from ..config import Config
from . import feedback


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
