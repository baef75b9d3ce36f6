"""What ``chat`` and ``generate`` do with the history: record each call, and continue a recorded conversation."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ratatoskr.errors import InvalidInput

if TYPE_CHECKING:
    from ratatoskr.cli.context import CliContext
    from ratatoskr.history import History
    from ratatoskr.protocol import ModelGateway
    from ratatoskr.types import Message

__all__ = ["Resumed", "recorder", "resume"]


def _history(ctx: CliContext) -> History:
    from ratatoskr.history import History

    return History.default(ctx.env)


def recorder(ctx: CliContext, conversation_id: str | None = None) -> Callable[[ModelGateway], ModelGateway]:
    """Wraps a gateway so its chat/generate calls are recorded (under ``conversation_id``), unless logs are off."""
    history = _history(ctx)
    if not history.enabled:
        return lambda gateway: gateway
    from ratatoskr.history import RecordingGateway, new_id

    conversation = conversation_id or new_id()

    def wrap(gateway: ModelGateway) -> ModelGateway:
        wrapped: ModelGateway = RecordingGateway(gateway, history, conversation_id=conversation)
        return wrapped

    return wrap


class Resumed:
    """The earlier turns of a conversation (``chat -c`` / ``--cid``) and its id; empty when starting anew."""

    def __init__(self, conversation_id: str | None = None, messages: list[Message] | None = None) -> None:
        self.conversation_id = conversation_id
        self.messages = messages or []

    def request(self, system: str | None, text: str) -> list[Message]:
        """The earlier turns (their system message replaced by ``system`` when given), then the new user message."""
        from ratatoskr.types import Message

        earlier = self.messages
        if system is not None:
            earlier = [Message.system(system), *(m for m in earlier if m.role.value != "system")]
        return [*earlier, Message.user(text)]


def resume(ctx: CliContext, *, latest: bool, conversation_id: str | None) -> Resumed:
    """The conversation to continue: ``conversation_id``, else the latest when ``latest``, else none."""
    if not latest and conversation_id is None:
        return Resumed()
    from ratatoskr.serde import structure
    from ratatoskr.types import Message

    history = _history(ctx)
    cid = conversation_id or history.latest_conversation()
    if cid is None:
        raise InvalidInput(f"no conversation to continue: the history {history.path} has no chat yet")
    return Resumed(cid, [structure(item, Message) for item in history.conversation(cid)])
