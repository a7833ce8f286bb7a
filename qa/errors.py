"""The error family. Messages say what to do next; only the CLI and app.py turn them into text."""
from __future__ import annotations


class QAError(Exception):
    """Base class of every error qa raises on purpose."""


class IndexMissingError(QAError):
    """No built index where one was expected."""


class IndexMismatchError(QAError):
    """The index on disk was built differently (format, model, chunking) or is damaged."""


class CorpusError(QAError):
    """The corpus folder is missing, empty, or holds nothing that can be indexed."""


class QuestionError(QAError):
    """The question cannot be asked as given (empty, too long)."""


class DocumentNotFoundError(QAError):
    """A document named by source is not in the index."""


class VerificationError(QAError):
    """A quote does not match the stored document it cites."""


class IndexWriteError(QAError):
    """The new index could not be written (a full disk, a folder that cannot be written); the one in use stays."""


class BuildCancelled(QAError):
    """A build was stopped on request; the previous index is still the live one."""


class Unreadable(QAError):
    """A file cannot be loaded; the message is the reason, fit to show a user."""
