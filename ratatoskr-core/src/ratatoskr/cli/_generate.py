"""``chat`` and ``generate``: streamed as the model answers (see :mod:`ratatoskr.cli._stream`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypedDict

from cyclopts import Parameter

from ratatoskr.cli.context import Ctx
from ratatoskr.cli.options import JsonFlag, ModelOption
from ratatoskr.errors import InvalidInput
from ratatoskr.types import ReasoningEffort

if TYPE_CHECKING:
    from ratatoskr.cli.context import CliContext
    from ratatoskr.protocol import ModelGateway
    from ratatoskr.types import ChatResponse, ToolDefinition

__all__ = ["chat", "generate"]

Temperature = Annotated[float | None, Parameter(name=["--temperature", "-t"], help="Sampling temperature, 0 to 2.")]
MaxTokens = Annotated[int | None, Parameter(help="Most tokens to generate.")]
TopP = Annotated[float | None, Parameter(help="Nucleus sampling, 0 to 1.")]
Seed = Annotated[int | None, Parameter(help="Seed, for providers that can repeat an answer.")]
Stop = Annotated[list[str] | None, Parameter(negative="", help="Stop sequence (repeatable).")]


class _Sampling(TypedDict):
    """The sampling options chat and generate share, as keyword arguments of ChatOptions / GenerateOptions."""

    temperature: float | None
    max_tokens: int | None
    top_p: float | None
    seed: int | None
    stop: tuple[str, ...] | None


def _sampling(
    temperature: float | None, max_tokens: int | None, top_p: float | None, seed: int | None, stop: list[str] | None
) -> _Sampling:
    return _Sampling(
        temperature=temperature, max_tokens=max_tokens, top_p=top_p, seed=seed, stop=tuple(stop) if stop else None
    )


def _read_tools(path: Path) -> list[ToolDefinition]:
    from ratatoskr.types import ToolDefinition

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise InvalidInput(f"cannot read tools from {path}: {exc}") from exc
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise InvalidInput(f"{path}: tools must be a JSON array of tool definitions (OpenAI format)")
    return [ToolDefinition.from_openai(item) for item in data]


def chat(
    message: str | None = None,
    /,
    *,
    model: ModelOption = None,
    system: Annotated[str | None, Parameter(name=["--system", "-s"])] = None,
    temperature: Temperature = None,
    max_tokens: MaxTokens = None,
    top_p: TopP = None,
    seed: Seed = None,
    stop: Stop = None,
    reasoning_effort: Annotated[ReasoningEffort | None, Parameter(name=["--reasoning-effort", "-r"])] = None,
    tools: Annotated[Path | None, Parameter(help="JSON file with an array of tool definitions.")] = None,
    no_stream: Annotated[
        bool, Parameter(negative="", show_default=False, help="Wait for the whole answer, then print it.")
    ] = False,
    continue_: Annotated[
        bool,
        Parameter(name=["--continue", "-c"], negative="", show_default=False, help="Continue the latest conversation."),
    ] = False,
    cid: Annotated[str | None, Parameter(help="Continue the conversation with this id (see ratatoskr logs).")] = None,
    as_json: JsonFlag = False,
    ctx: Ctx,
) -> int:
    """Chat with a model; the answer streams to stdout.

    Reasoning and tool calls are shown on stderr as they arrive, then the usage. With --json, every stream
    event is one JSON line on stdout (with --no-stream: the whole answer as one JSON document). Without a
    message, at a terminal, starts a conversation (/help lists its commands).

    Parameters
    ----------
    message
        The user message (also read from stdin when piped).
    system
        A system prompt sent before the message.
    reasoning_effort
        How hard a reasoning model should think.
    """
    from ratatoskr.cli._history import recorder, resume
    from ratatoskr.types import ChatOptions, ReasoningConfig

    tool_defs = _read_tools(tools) if tools is not None else None
    options = ChatOptions(
        model=model or ctx.default_model("chat"),
        **_sampling(temperature, max_tokens, top_p, seed, stop),
        reasoning=ReasoningConfig(effort=reasoning_effort) if reasoning_effort is not None else None,
    )
    earlier = resume(ctx, latest=continue_, conversation_id=cid)
    record = recorder(ctx, earlier.conversation_id)
    if message is None and not as_json and _at_terminal(ctx):
        from ratatoskr.cli._repl import Conversation, run_repl

        conversation = Conversation(options.model, system, [m for m in earlier.messages if m.role.value != "system"])
        if system is None:
            conversation.system = next((m.content for m in earlier.messages if m.role.value == "system"), None)
        return run_repl(ctx, conversation, tools=tool_defs, options=options, stream=not no_stream, record=record)

    text = ctx.text("chat", message)
    messages = earlier.request(system or None, text)
    if no_stream:
        _print_whole(ctx.call(lambda gateway: record(gateway).chat(messages, tool_defs, options)), as_json=as_json)
        return 0

    from ratatoskr.cli._stream import StreamPrinter

    printer = StreamPrinter(as_json=as_json)

    async def run(gateway: ModelGateway) -> None:
        await printer.consume(record(gateway).chat_stream(messages, tool_defs, options))

    ctx.call(run)
    return 0


def _at_terminal(ctx: CliContext) -> bool:
    stdin = ctx.stdin
    return not stdin.closed and stdin.isatty()


def _print_whole(response: ChatResponse, *, as_json: bool) -> None:
    """``--no-stream``: one JSON document, or the answer printed as a stream of it would have been."""
    if as_json:
        from ratatoskr.cli._output import print_json

        print_json(response)
        return
    from ratatoskr.cli._stream import StreamPrinter, response_events

    printer = StreamPrinter(as_json=False)
    for event in response_events(response):
        printer.event(event)


def generate(
    prompt: str | None = None,
    /,
    *,
    model: ModelOption = None,
    temperature: Temperature = None,
    max_tokens: MaxTokens = None,
    top_p: TopP = None,
    seed: Seed = None,
    stop: Stop = None,
    as_json: JsonFlag = False,
    ctx: Ctx,
) -> int:
    """Complete a prompt (plain text generation), streaming.

    Parameters
    ----------
    prompt
        The prompt (also read from stdin when piped).
    """
    from ratatoskr.cli._history import recorder
    from ratatoskr.cli._stream import StreamPrinter
    from ratatoskr.types import GenerateOptions

    record = recorder(ctx)
    text = ctx.text("generate", prompt)
    printer = StreamPrinter(as_json=as_json)
    sampling = _sampling(temperature, max_tokens, top_p, seed, stop)

    async def run(gateway: ModelGateway) -> None:
        options = GenerateOptions(model=model or ctx.default_model("generate"), **sampling)
        await printer.consume(record(gateway).generate_stream(text, options))

    ctx.call(run)
    return 0
