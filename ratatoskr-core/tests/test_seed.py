"""The built-in seed against the list in the original's spec (§7), written out here by hand, not read from seed.json."""

from __future__ import annotations

import json
from importlib import resources

import pytest
from ratatoskr.metadata.registry import ModelRegistry
from ratatoskr.types import Capability, ParameterName

# §7: 23 OpenRouter chat models and one HuggingFace embedding model.
OPENROUTER_CHAT = {
    "anthropic/claude-haiku-4.5",
    "anthropic/claude-opus-4.6",
    "anthropic/claude-sonnet-4",
    "anthropic/claude-sonnet-4.6",
    "arcee-ai/trinity-large-preview:free",
    "deepseek/deepseek-r1-0528:free",
    "meta-llama/llama-3.3-70b-instruct:free",
    "mistralai/mistral-small-3.1-24b-instruct:free",
    "openai/gpt-oss-120b:free",
    "stepfun/step-3.5-flash:free",
    "z-ai/glm-4.5-air:free",
    "google/gemini-2.0-flash-001",
    "google/gemini-3-flash-preview",
    "meta-llama/llama-3.3-70b-instruct",
    "mistralai/devstral-2512",
    "mistralai/devstral-medium",
    "mistralai/mistral-nemo",
    "mistralai/mistral-small-3.1-24b-instruct",
    "mistralai/mistral-small-creative",
    "moonshotai/kimi-k2.5",
    "openai/gpt-4o",
    "xiaomi/mimo-v2-flash",
    "z-ai/glm-5",
}
EMBEDDING = "sentence-transformers/all-MiniLM-L6-v2"

# §7 prices (USD per million tokens) and context windows where the spec states them.
PRICES = {
    "anthropic/claude-haiku-4.5": (1.0, 5.0),
    "anthropic/claude-opus-4.6": (5.0, 25.0),
    "anthropic/claude-sonnet-4.6": (3.0, 15.0),
}
CONTEXT = {"anthropic/claude-haiku-4.5": 200_000, "anthropic/claude-sonnet-4.6": 1_000_000, EMBEDDING: 512}

MIMO = ("xiaomi/mimo-v2-flash", {"temperature": 0.3, "top_p": 0.95})
PRESETS: dict[str, dict[str, tuple[str, dict[str, float]]]] = {
    "free": {
        "agentic": ("mistralai/mistral-small-3.1-24b-instruct:free", {}),
        "summariser": ("mistralai/mistral-small-3.1-24b-instruct:free", {}),
        "coding": ("arcee-ai/trinity-large-preview:free", {}),
        "text-generation": ("arcee-ai/trinity-large-preview:free", {}),
    },
    "budget": {
        "agentic": MIMO,
        "coding": MIMO,
        "summariser": ("meta-llama/llama-3.3-70b-instruct", {}),
        "text-generation": ("mistralai/mistral-small-creative", {}),
    },
    "mid": {
        "agentic": ("moonshotai/kimi-k2.5", {}),
        "text-generation": ("moonshotai/kimi-k2.5", {}),
        "coding": ("z-ai/glm-5", {}),
        "summariser": ("google/gemini-3-flash-preview", {}),
    },
    "premium": {
        "agentic": ("anthropic/claude-sonnet-4.6", {}),
        "coding": ("anthropic/claude-sonnet-4.6", {}),
        "text-generation": ("anthropic/claude-sonnet-4.6", {}),
        "summariser": ("anthropic/claude-haiku-4.5", {}),
    },
}
for _slots in PRESETS.values():
    _slots["embedding"] = (EMBEDDING, {})


@pytest.fixture(scope="module")
def seed() -> ModelRegistry:
    return ModelRegistry.with_seed()


def test_the_seed_holds_exactly_the_24_models_of_the_spec(seed: ModelRegistry) -> None:
    assert len(OPENROUTER_CHAT) == 23
    assert {m.info.id for m in seed.list()} == OPENROUTER_CHAT | {EMBEDDING}
    assert len(seed) == 24


def test_chat_models_are_openrouter_chat_models_with_prices_and_parameters(seed: ModelRegistry) -> None:
    for model in OPENROUTER_CHAT:
        meta = seed.get(model)
        assert meta is not None, model
        assert meta.info.provider == "openrouter", model
        assert meta.info.capabilities == (Capability.CHAT,), model
        assert meta.info.context_window and meta.info.context_window > 0, model
        assert meta.pricing is not None and meta.pricing.prompt_cost_per_mtok is not None, model
        assert meta.pricing.completion_cost_per_mtok is not None, model
        assert meta.parameters, model
        if model.endswith(":free"):
            assert (meta.pricing.prompt_cost_per_mtok, meta.pricing.completion_cost_per_mtok) == (0.0, 0.0), model


def test_prices_and_context_windows_the_spec_names(seed: ModelRegistry) -> None:
    for model, (prompt, completion) in PRICES.items():
        pricing = seed.get(model).pricing  # type: ignore[union-attr]
        assert pricing is not None
        assert (pricing.prompt_cost_per_mtok, pricing.completion_cost_per_mtok) == (prompt, completion), model
    for model, window in CONTEXT.items():
        assert seed.get(model).info.context_window == window, model  # type: ignore[union-attr]


def test_the_embedding_model(seed: ModelRegistry) -> None:
    meta = seed.get(EMBEDDING)
    assert meta is not None
    assert meta.info.provider == "huggingface"
    assert meta.info.capabilities == (Capability.EMBED,)
    assert meta.pricing is None and not meta.parameters


def test_non_standard_parameter_keys_are_kept_as_custom_names(seed: ModelRegistry) -> None:
    kimi = seed.get("moonshotai/kimi-k2.5")
    assert kimi is not None
    keys = set(kimi.parameters)
    assert {"reasoning_effort", "min_p", "logit_bias", "structured_outputs"} <= keys
    assert all(ParameterName(k).is_custom for k in ("reasoning_effort", "min_p", "logit_bias"))
    temperature = kimi.parameters[ParameterName("temperature")]
    assert temperature.availability == "mutable" and temperature.range is not None and temperature.range.max == 2.0


def test_every_preset_of_the_spec(seed: ModelRegistry) -> None:
    assert seed.presets() == {tier: frozenset(slots) for tier, slots in PRESETS.items()}
    for tier, slots in PRESETS.items():
        for slot, (model, params) in slots.items():
            found = seed.preset(tier, slot)
            assert found is not None and found.model == model, (tier, slot)
            got = found.parameters.as_defaults() if found.parameters is not None else {}
            assert got == params, (tier, slot)
            assert seed.get(model) is not None, f"preset {tier}/{slot} names a model missing from the seed"


def test_the_seed_file_is_the_original_format() -> None:
    text = resources.files("ratatoskr.metadata").joinpath("seed.json").read_text(encoding="utf-8")
    payload = json.loads(text)
    assert payload["version"] == 1 and set(payload) == {"version", "models", "presets"}
    ids = [m["info"]["id"] for m in payload["models"]]
    assert ids == sorted(ids)
    # Parameter availability is tagged by "availability"; presets are a bare id or {model, parameters}.
    assert payload["models"][0]["parameters"]["temperature"]["availability"] == "mutable"
    assert payload["presets"]["budget"]["agentic"] == {"model": MIMO[0], "parameters": MIMO[1]}
