"""The pure request builder and stream decoder, and the plugin's configuration."""

from __future__ import annotations

from typing import Any

import pytest
from ratatoskr.config import Settings
from ratatoskr.errors import ConfigurationError, InvalidInput
from ratatoskr.providers import EmbeddingProvider, GenerateProvider
from ratatoskr.types import (
    ChatOptions,
    FinishReason,
    Message,
    ReasoningConfig,
    ResponseFormat,
    ToolCall,
    ToolCallStart,
)
from ratatoskr_providers_ollama import plugin
from ratatoskr_providers_ollama._stream import OllamaChatDecoder
from ratatoskr_providers_ollama._wire import build_chat_body, finish_reason, think_value


def test_response_format_schema_goes_into_format() -> None:
    schema = {"type": "object", "properties": {"age": {"type": "integer"}}, "required": ["age"]}
    body = build_chat_body(
        [Message.user("x")], None, ChatOptions(model="m", response_format=ResponseFormat("json_schema", schema))
    )
    assert body["format"] == schema


@pytest.mark.parametrize(
    ("reasoning", "think"),
    [
        (None, None),
        (ReasoningConfig(effort="none"), False),
        (ReasoningConfig(effort="low"), True),
        (ReasoningConfig(max_tokens=2000), True),
        (ReasoningConfig(exclude_from_output=True), None),
    ],
)
def test_think_from_reasoning(reasoning: ReasoningConfig | None, think: bool | None) -> None:
    assert think_value(reasoning) is think


def test_raw_think_level_wins() -> None:
    body = build_chat_body(
        [Message.user("x")],
        None,
        ChatOptions(model="gpt-oss", reasoning=ReasoningConfig(effort="high"), raw_provider_options={"think": "high"}),
    )
    assert body["think"] == "high"


def test_invalid_tool_arguments_are_refused() -> None:
    with pytest.raises(InvalidInput, match="c1"):
        build_chat_body([Message.assistant("", [ToolCall("c1", "f", "{bad")])], None, ChatOptions(model="m"))


def test_server_tool_call_ids_are_kept_and_missing_ones_made() -> None:
    decoder = OllamaChatDecoder("m")
    events = decoder.feed(
        {
            "message": {
                "role": "assistant",
                "content": "",
                "tool_calls": [
                    {"id": "call_lyywui55", "function": {"index": 0, "name": "f", "arguments": {"a": 1}}},
                    {"function": {"name": "g", "arguments": {}}},
                ],
            },
            "done": False,
        }
    )
    starts = [e for e in events if isinstance(e, ToolCallStart)]
    assert starts[0] == ToolCallStart(0, "call_lyywui55", "f")
    assert starts[1].index == 1 and starts[1].id.startswith("call_") and starts[1].id != starts[0].id


def test_done_reason_mapping() -> None:
    assert finish_reason("length", True) is FinishReason.LENGTH
    assert finish_reason("stop", True) is FinishReason.TOOL_CALLS
    assert finish_reason("load", False) is FinishReason.STOP
    assert finish_reason(None, False) is FinishReason.STOP


# ---- plugin --------------------------------------------------------------------------------------------------


def build(config: dict[str, Any] | None = None, env: dict[str, str] | None = None) -> list[Any]:
    return plugin.ollama.providers(Settings.from_dict({"providers": config or {}}, env=env))


def test_not_configured_means_no_provider() -> None:
    assert build() == []


def test_a_table_enables_it_with_the_default_url() -> None:
    (provider,) = build({"ollama": {"keep_alive": "10m", "embed_batch_size": 8}})
    assert (provider.base_url, provider.keep_alive, provider.embed_batch_size) == ("http://localhost:11434", "10m", 8)
    assert isinstance(provider, GenerateProvider | EmbeddingProvider)


@pytest.mark.parametrize(
    ("env", "url"),
    [
        ({"OLLAMA_BASE_URL": "http://gpu-box:11434"}, "http://gpu-box:11434"),
        ({"OLLAMA_HOST": "0.0.0.0"}, "http://0.0.0.0:11434"),
        ({"OLLAMA_HOST": "gpu-box:8080"}, "http://gpu-box:8080"),
        ({"OLLAMA_HOST": "https://ollama.example"}, "https://ollama.example:443"),
        ({"OLLAMA_HOST": "[::1]:11434"}, "http://[::1]:11434"),
    ],
)
def test_enabled_by_the_environment(env: dict[str, str], url: str) -> None:
    (provider,) = build(env=env)
    assert provider.base_url == url


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("keep_alive", True),
        ("base_url", "localhost:11434"),
        ("timeout", 0),
        ("embed_batch_size", 2.5),
        ("models", "llama3"),
    ],
)
def test_bad_values_are_named(key: str, value: Any) -> None:
    with pytest.raises(ConfigurationError, match=key):
        build({"ollama": {key: value}})
