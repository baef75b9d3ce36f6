"""Ratatoskr: one async interface to chat, generation, embeddings, NLI, zero-shot, stance and tokens.

This module only re-exports. Names are loaded on first use (PEP 562), so ``import ratatoskr`` stays cheap;
``__all__`` is the public API and a test keeps it sorted and complete.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.2.0"

if TYPE_CHECKING:  # what the type checker sees; at run time __getattr__ below loads each name on first use
    from ratatoskr.builder import GatewayBuilder
    from ratatoskr.config import ProviderSettings, Settings
    from ratatoskr.dispatch.cache import CacheConfig
    from ratatoskr.dispatch.retry import RetryPolicy
    from ratatoskr.dispatch.routing import RoutingConfig
    from ratatoskr.dispatch.validation import UnsupportedParameterWarning
    from ratatoskr.errors import *
    from ratatoskr.gateway import EmbeddedGateway
    from ratatoskr.metadata.registry import ModelRegistry, RegistryWarning
    from ratatoskr.plugins import PluginManager, hookimpl
    from ratatoskr.protocol import ModelGateway
    from ratatoskr.providers import *
    from ratatoskr.streams import ChatAccumulator
    from ratatoskr.sync import SyncGateway
    from ratatoskr.types.chat import *
    from ratatoskr.types.generate import *
    from ratatoskr.types.inference import *
    from ratatoskr.types.model import *
    from ratatoskr.types.parameter import *
    from ratatoskr.types.preset import *

__all__ = [
    "AllProvidersFailed",
    "ApiError",
    "AuthenticationFailed",
    "CacheConfig",
    "Capability",
    "CapabilityNotSupported",
    "ChatAccumulator",
    "ChatEvent",
    "ChatOptions",
    "ChatProvider",
    "ChatResponse",
    "ClassifyOptions",
    "ClassifyProvider",
    "ClassifyResult",
    "ConfigurationError",
    "ContentEvent",
    "ContentFiltered",
    "ContextLengthExceeded",
    "Cost",
    "DoneEvent",
    "EmbeddedGateway",
    "Embedding",
    "EmbeddingProvider",
    "EmptyResponse",
    "FinishReason",
    "GatewayBuilder",
    "GenerateDone",
    "GenerateEvent",
    "GenerateOptions",
    "GenerateProvider",
    "GenerateResponse",
    "InsecureSecretsFile",
    "InvalidInput",
    "InvalidSetting",
    "Message",
    "MetadataProvider",
    "ModelGateway",
    "ModelInfo",
    "ModelMetadata",
    "ModelNotAvailable",
    "ModelNotFound",
    "ModelRegistry",
    "ModelStatus",
    "ModelStatusKind",
    "NliLabel",
    "NliProvider",
    "NliResult",
    "NoProvider",
    "Overloaded",
    "ParameterAvailability",
    "ParameterName",
    "ParameterProblem",
    "ParameterRange",
    "ParameterValidationPolicy",
    "PaymentRequired",
    "PermissionDenied",
    "PluginManager",
    "PresetNotFound",
    "PresetParameters",
    "PresetResolution",
    "PricingInfo",
    "ProviderAttempt",
    "ProviderBug",
    "ProviderError",
    "ProviderSettings",
    "RatatoskrError",
    "RateLimited",
    "ReasoningBlock",
    "ReasoningConfig",
    "ReasoningEffort",
    "ReasoningEvent",
    "RegistryWarning",
    "RequestTimeout",
    "RequestTooLarge",
    "ResponseFormat",
    "ResponseFormatError",
    "ResponseTooLarge",
    "RetryPolicy",
    "Role",
    "RoutingConfig",
    "SamplingOptions",
    "Settings",
    "StanceLabel",
    "StanceProvider",
    "StanceResult",
    "StreamError",
    "SyncGateway",
    "TextEvent",
    "Token",
    "TokenizerProvider",
    "ToolCall",
    "ToolCallDelta",
    "ToolCallEnd",
    "ToolCallStart",
    "ToolChoice",
    "ToolDefinition",
    "TransportError",
    "UnsupportedParameter",
    "UnsupportedParameterWarning",
    "Usage",
    "UsageEvent",
    "hookimpl",
]

#: Where the names of ``__all__`` live, searched in this order on first use: each module's own ``__all__`` says
#: what it holds, so a name is listed once here (in ``__all__``) and once where it is defined.
_HOMES = (
    "ratatoskr.types",
    "ratatoskr.errors",
    "ratatoskr.providers",
    "ratatoskr.config",
    "ratatoskr.plugins",
    "ratatoskr.protocol",
    "ratatoskr.streams",
    "ratatoskr.dispatch.cache",
    "ratatoskr.dispatch.retry",
    "ratatoskr.dispatch.routing",
    "ratatoskr.dispatch.validation",
    "ratatoskr.metadata.registry",
    "ratatoskr.builder",
    "ratatoskr.gateway",
    "ratatoskr.sync",
)


def __getattr__(name: str) -> Any:
    # Every name in a home's __all__ resolves, not only the documented ones in ours: the type checker sees the
    # homes through star imports, so what it accepts (``from ratatoskr import Kinds``) must also work at run time.
    # Private and dunder names (probed by tools) never trigger the imports.
    if not name.startswith("_"):
        for home in _HOMES:
            module = import_module(home)
            if name in module.__all__:
                value = getattr(module, name)
                globals()[name] = value  # later lookups skip this function
                return value
    raise AttributeError(f"module 'ratatoskr' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
