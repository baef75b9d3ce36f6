"""The one capability enum: lowercase values, every spelling read, the original registry's spellings written."""

import pytest
from ratatoskr import Capability, InvalidInput, ModelInfo
from ratatoskr.providers import CHAIN_CAPABILITIES, Kinds
from ratatoskr.serde import structure, unstructure


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("chat", Capability.CHAT),
        ("Chat", Capability.CHAT),
        ("ToolUse", Capability.TOOL_USE),
        ("tool-use", Capability.TOOL_USE),
        ("tool_use", Capability.TOOL_USE),
        ("TokenCounting", Capability.TOKENIZE),
        ("tokens", Capability.TOKENIZE),
        ("tokenize", Capability.TOKENIZE),
        ("LocalInference", Capability.LOCAL_INFERENCE),
        ("chat_streaming", Capability.CHAT_STREAMING),
    ],
)
def test_every_spelling_reads_as_the_one_member(text: str, expected: Capability) -> None:
    assert Capability.parse(text) is expected
    assert Capability(text) is expected


def test_an_unknown_capability_is_invalid_input_naming_the_known_ones() -> None:
    with pytest.raises(InvalidInput, match=r"unknown capability 'Telepathy' \(known: chat, chat_streaming"):
        Capability.parse("Telepathy")
    with pytest.raises(ValueError, match="Telepathy"):
        Capability("Telepathy")


def test_registry_json_keeps_the_original_spellings() -> None:
    info = ModelInfo("m", "p", ("chat", "ToolUse", Capability.TOKENIZE, "local_inference"))
    assert info.capabilities == (Capability.CHAT, Capability.TOOL_USE, Capability.TOKENIZE, Capability.LOCAL_INFERENCE)
    written = unstructure(info)
    assert written["capabilities"] == ["Chat", "ToolUse", "TokenCounting", "LocalInference"]
    assert structure(written, ModelInfo) == info
    assert structure({**written, "capabilities": ["chat", "tool_use"]}, ModelInfo).capabilities == (
        Capability.CHAT,
        Capability.TOOL_USE,
    )


def test_the_chain_capabilities_are_the_typed_dispatch_keys() -> None:
    kinds = [Kinds.CHAT, Kinds.GENERATE, Kinds.EMBED, Kinds.NLI, Kinds.CLASSIFY, Kinds.STANCE, Kinds.TOKENIZE]
    assert [k.capability for k in kinds] + [Kinds.METADATA.capability] == list(CHAIN_CAPABILITIES)
    assert {Capability.CHAT_STREAMING, Capability.TOOL_USE, Capability.LOCAL_INFERENCE}.isdisjoint(CHAIN_CAPABILITIES)


def test_a_provider_plugin_names_only_capabilities_with_a_hook() -> None:
    from ratatoskr import ConfigurationError
    from ratatoskr.plugins import provider_plugin
    from ratatoskr.testing import FakeChatProvider

    assert provider_plugin(FakeChatProvider("fake"), "Chat").capabilities == (Capability.CHAT,)
    with pytest.raises(ConfigurationError, match="tool_use has no provider hook"):
        provider_plugin(FakeChatProvider("fake"), "tool_use")
