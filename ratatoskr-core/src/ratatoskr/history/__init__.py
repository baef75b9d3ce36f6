"""A history of chat and generate calls in a local SQLite database, searchable with full-text queries.

The ``ratatoskr`` CLI records its ``chat`` and ``generate`` calls here (``ratatoskr logs`` reads them; ``logs off``
stops it). Library calls are recorded only when the application asks, by wrapping its gateway in a
:class:`RecordingGateway`. Keys are never stored.
"""

from __future__ import annotations

from ratatoskr.history.recording import RecordingGateway
from ratatoskr.history.store import History, LogEntry, default_history_path, new_id

__all__ = ["History", "LogEntry", "RecordingGateway", "default_history_path", "new_id"]
