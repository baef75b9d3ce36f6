"""The history database: one SQLite file (stdlib ``sqlite3``), full-text search through FTS5.

Every method is synchronous and opens its own connection, so a call may run on any thread: async code calls them
through ``anyio.to_thread.run_sync`` (as :class:`~ratatoskr.history.RecordingGateway` does). Nothing here holds a
key: an entry is the request (messages, options), who answered, the answer, usage, cost, latency and the error.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
import uuid
from collections.abc import Iterator, Mapping
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

from attrs import field, frozen

from ratatoskr.errors import ConfigurationError

__all__ = ["History", "LogEntry", "default_history_path", "new_id"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS responses (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    conversation_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    datetime_utc TEXT NOT NULL,
    model_requested TEXT,
    model TEXT,
    provider TEXT,
    prompt TEXT NOT NULL,
    system TEXT,
    messages_json TEXT NOT NULL,
    options_json TEXT NOT NULL,
    response TEXT,
    reasoning TEXT,
    tool_calls_json TEXT NOT NULL,
    reply_json TEXT,
    usage_json TEXT,
    cost REAL,
    latency_ms REAL NOT NULL,
    finish_reason TEXT,
    error TEXT
);
CREATE INDEX IF NOT EXISTS responses_conversation ON responses (conversation_id, seq);
CREATE VIRTUAL TABLE IF NOT EXISTS responses_fts USING fts5(prompt, system, response, reasoning);
"""
_JSON_COLUMNS = ("messages", "options", "tool_calls", "reply", "usage")
_OFF_MARKER = "logs-off"


def new_id() -> str:
    """A time-ordered unique id (hex: milliseconds, then random), for entries and conversations."""
    return f"{time.time_ns() // 1_000_000:012x}{uuid.uuid4().hex[:12]}"


def default_history_path(env: Mapping[str, str] | None = None) -> Path:
    """``$RATATOSKR_LOGS_PATH``, else ``$XDG_DATA_HOME/ratatoskr/logs.db``, else ``~/.local/share/ratatoskr/logs.db``
    (``%LOCALAPPDATA%\\ratatoskr\\logs.db`` on Windows)."""
    env = os.environ if env is None else env
    if explicit := env.get("RATATOSKR_LOGS_PATH"):
        return Path(explicit).expanduser()
    if data := env.get("XDG_DATA_HOME"):
        return Path(data) / "ratatoskr" / "logs.db"
    if os.name == "nt" and (local := env.get("LOCALAPPDATA")):
        return Path(local) / "ratatoskr" / "logs.db"
    home = Path(env.get("HOME") or Path.home())
    return home / ".local" / "share" / "ratatoskr" / "logs.db"


@frozen
class LogEntry:
    """One chat or generate call: the request, who answered, the answer, usage, cost, latency, or the error."""

    conversation_id: str
    kind: str  # "chat" or "generate"
    prompt: str  # the last user message (chat) or the prompt (generate)
    messages: list[dict[str, Any]]
    options: dict[str, Any]
    latency_ms: float
    model_requested: str | None = None
    model: str | None = None
    provider: str | None = None
    system: str | None = None
    response: str | None = None
    reasoning: str | None = None
    tool_calls: list[dict[str, Any]] = field(factory=list)
    #: The answer as the assistant message that continues the conversation (tool calls, reasoning blocks).
    reply: dict[str, Any] | None = None
    usage: dict[str, Any] | None = None
    cost: float | None = None
    finish_reason: str | None = None
    error: str | None = None
    id: str = field(factory=new_id)
    datetime_utc: str = field(factory=lambda: time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))


class History:
    """A history database at ``path`` (created on first write, in a 0700 directory, mode 0600)."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)

    @classmethod
    def default(cls, env: Mapping[str, str] | None = None) -> History:
        """The user's history (see :func:`default_history_path`)."""
        return cls(default_history_path(env))

    # ---- on / off --------------------------------------------------------------------------------------------

    @property
    def enabled(self) -> bool:
        """Whether the CLI records calls (``ratatoskr logs off`` leaves a marker file next to the database)."""
        return not (self.path.parent / _OFF_MARKER).exists()

    def set_enabled(self, enabled: bool) -> None:
        """Turn recording on or off for every later CLI call."""
        marker = self.path.parent / _OFF_MARKER
        if enabled:
            marker.unlink(missing_ok=True)
        else:
            self._make_directory()
            marker.touch()

    # ---- writing ---------------------------------------------------------------------------------------------

    def record(self, entry: LogEntry) -> None:
        """Store one entry (and index its text for :meth:`entries` ``query``)."""
        row = _row(entry)
        columns = ", ".join(row)
        marks = ", ".join(f":{name}" for name in row)
        with self._connect(create=True) as db:
            cursor = db.execute(f"INSERT INTO responses ({columns}) VALUES ({marks})", row)
            db.execute(
                "INSERT INTO responses_fts (rowid, prompt, system, response, reasoning) VALUES (?, ?, ?, ?, ?)",
                (cursor.lastrowid, entry.prompt, entry.system or "", entry.response or "", entry.reasoning or ""),
            )

    # ---- reading ---------------------------------------------------------------------------------------------

    def entries(
        self,
        limit: int | None = 10,
        *,
        model: str | None = None,
        query: str | None = None,
        conversation_id: str | None = None,
    ) -> list[dict[str, Any]]:
        """The latest ``limit`` entries (``None``: all), oldest first, as JSON-ready dicts; ``model`` matches the
        model asked for or the one that answered, ``query`` searches prompts, system prompts, answers and reasoning
        (every word must appear)."""
        if not self.path.exists():
            return []
        where: list[str] = []
        params: list[str | int] = []
        if model:
            where.append("(r.model = ? OR r.model_requested = ?)")
            params += [model, model]
        if conversation_id:
            where.append("r.conversation_id = ?")
            params.append(conversation_id)
        if query:
            where.append("r.seq IN (SELECT rowid FROM responses_fts WHERE responses_fts MATCH ?)")
            params.append(_fts_words(query))
        sql = "SELECT * FROM responses r" + (" WHERE " + " AND ".join(where) if where else "")
        sql += " ORDER BY r.seq DESC" + (" LIMIT ?" if limit is not None else "")
        if limit is not None:
            params.append(limit)
        with self._connect() as db:
            rows = db.execute(sql, params).fetchall()
        return [_entry_dict(row) for row in reversed(rows)]

    def count(self) -> int:
        """How many entries there are."""
        if not self.path.exists():
            return 0
        with self._connect() as db:
            return int(db.execute("SELECT count(*) FROM responses").fetchone()[0])

    def latest_conversation(self) -> str | None:
        """The conversation of the latest chat entry, or ``None``."""
        if not self.path.exists():
            return None
        with self._connect() as db:
            row = db.execute("SELECT conversation_id FROM responses WHERE kind = 'chat' ORDER BY seq DESC LIMIT 1")
            found = row.fetchone()
        return None if found is None else str(found["conversation_id"])

    def conversation(self, conversation_id: str) -> list[dict[str, Any]]:
        """The messages of a conversation so far (JSON), to continue it: the latest answered request of that
        conversation and its answer. :class:`~ratatoskr.errors.ConfigurationError` when there is no such one."""
        if not self.path.exists():
            raise ConfigurationError(f"no conversation {conversation_id!r}: the history {self.path} is empty")
        with self._connect() as db:
            row = db.execute(
                "SELECT messages_json, reply_json FROM responses WHERE conversation_id = ? AND kind = 'chat' "
                "AND reply_json IS NOT NULL ORDER BY seq DESC LIMIT 1",
                (conversation_id,),
            ).fetchone()
        if row is None:
            raise ConfigurationError(f"no conversation {conversation_id!r} in the history {self.path}")
        messages: list[dict[str, Any]] = json.loads(row["messages_json"])
        return [*messages, json.loads(row["reply_json"])]

    # ---- the file --------------------------------------------------------------------------------------------

    def _make_directory(self) -> None:
        directory = self.path.parent
        if not directory.exists():
            directory.mkdir(mode=0o700, parents=True)

    @contextmanager
    def _connect(self, *, create: bool = False) -> Iterator[sqlite3.Connection]:
        try:
            if create:
                self._make_directory()
                if not self.path.exists():
                    os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT, 0o600))
            with closing(sqlite3.connect(self.path, timeout=10)) as db:
                db.row_factory = sqlite3.Row
                if create:
                    db.executescript(_SCHEMA)
                with db:  # one transaction: committed on success, rolled back on error
                    yield db
        except sqlite3.Error as exc:
            raise ConfigurationError(f"the history database {self.path} cannot be used: {exc}") from exc
        except OSError as exc:
            raise ConfigurationError(f"cannot create the history database {self.path}: {exc}") from exc


def _row(entry: LogEntry) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for name in (a.name for a in entry.__attrs_attrs__):
        value = getattr(entry, name)
        if name in _JSON_COLUMNS:
            row[f"{name}_json"] = None if value is None else json.dumps(value, ensure_ascii=False)
        else:
            row[name] = value
    return row


def _entry_dict(row: sqlite3.Row) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in row.keys():  # noqa: SIM118  (sqlite3.Row iterates values, not keys)
        if key == "seq":
            continue
        if key.endswith("_json"):
            out[key.removesuffix("_json")] = None if row[key] is None else json.loads(row[key])
        else:
            out[key] = row[key]
    return out


def _fts_words(query: str) -> str:
    """Every word of ``query`` as an FTS5 string (quotes doubled), so punctuation is text, not query syntax."""
    words = query.split()
    return " ".join('"' + word.replace('"', '""') + '"' for word in words) or '""'
