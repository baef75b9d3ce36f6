from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class FinishReason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    FINISH_REASON_UNSPECIFIED: _ClassVar[FinishReason]
    FINISH_REASON_STOP: _ClassVar[FinishReason]
    FINISH_REASON_LENGTH: _ClassVar[FinishReason]
    FINISH_REASON_TOOL_CALLS: _ClassVar[FinishReason]
    FINISH_REASON_CONTENT_FILTER: _ClassVar[FinishReason]

class Role(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ROLE_UNSPECIFIED: _ClassVar[Role]
    ROLE_SYSTEM: _ClassVar[Role]
    ROLE_USER: _ClassVar[Role]
    ROLE_ASSISTANT: _ClassVar[Role]
    ROLE_TOOL: _ClassVar[Role]

class ReasoningEffort(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    REASONING_EFFORT_UNSPECIFIED: _ClassVar[ReasoningEffort]
    REASONING_EFFORT_NONE: _ClassVar[ReasoningEffort]
    REASONING_EFFORT_MINIMAL: _ClassVar[ReasoningEffort]
    REASONING_EFFORT_LOW: _ClassVar[ReasoningEffort]
    REASONING_EFFORT_MEDIUM: _ClassVar[ReasoningEffort]
    REASONING_EFFORT_HIGH: _ClassVar[ReasoningEffort]
    REASONING_EFFORT_XHIGH: _ClassVar[ReasoningEffort]

class NliLabel(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    NLI_LABEL_UNSPECIFIED: _ClassVar[NliLabel]
    NLI_LABEL_ENTAILMENT: _ClassVar[NliLabel]
    NLI_LABEL_CONTRADICTION: _ClassVar[NliLabel]
    NLI_LABEL_NEUTRAL: _ClassVar[NliLabel]

class StanceLabel(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    STANCE_LABEL_UNSPECIFIED: _ClassVar[StanceLabel]
    STANCE_LABEL_FAVOR: _ClassVar[StanceLabel]
    STANCE_LABEL_AGAINST: _ClassVar[StanceLabel]
    STANCE_LABEL_NEUTRAL: _ClassVar[StanceLabel]

class ModelCapability(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    MODEL_CAPABILITY_UNSPECIFIED: _ClassVar[ModelCapability]
    MODEL_CAPABILITY_CHAT: _ClassVar[ModelCapability]
    MODEL_CAPABILITY_GENERATE: _ClassVar[ModelCapability]
    MODEL_CAPABILITY_EMBED: _ClassVar[ModelCapability]
    MODEL_CAPABILITY_NLI: _ClassVar[ModelCapability]
    MODEL_CAPABILITY_CLASSIFY: _ClassVar[ModelCapability]
    MODEL_CAPABILITY_STANCE: _ClassVar[ModelCapability]
    MODEL_CAPABILITY_CHAT_STREAMING: _ClassVar[ModelCapability]
    MODEL_CAPABILITY_TOOL_USE: _ClassVar[ModelCapability]
    MODEL_CAPABILITY_TOKEN_COUNTING: _ClassVar[ModelCapability]
    MODEL_CAPABILITY_LOCAL_INFERENCE: _ClassVar[ModelCapability]

class ModelStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    MODEL_STATUS_UNSPECIFIED: _ClassVar[ModelStatus]
    MODEL_STATUS_AVAILABLE: _ClassVar[ModelStatus]
    MODEL_STATUS_LOADING: _ClassVar[ModelStatus]
    MODEL_STATUS_READY: _ClassVar[ModelStatus]
    MODEL_STATUS_UNAVAILABLE: _ClassVar[ModelStatus]
FINISH_REASON_UNSPECIFIED: FinishReason
FINISH_REASON_STOP: FinishReason
FINISH_REASON_LENGTH: FinishReason
FINISH_REASON_TOOL_CALLS: FinishReason
FINISH_REASON_CONTENT_FILTER: FinishReason
ROLE_UNSPECIFIED: Role
ROLE_SYSTEM: Role
ROLE_USER: Role
ROLE_ASSISTANT: Role
ROLE_TOOL: Role
REASONING_EFFORT_UNSPECIFIED: ReasoningEffort
REASONING_EFFORT_NONE: ReasoningEffort
REASONING_EFFORT_MINIMAL: ReasoningEffort
REASONING_EFFORT_LOW: ReasoningEffort
REASONING_EFFORT_MEDIUM: ReasoningEffort
REASONING_EFFORT_HIGH: ReasoningEffort
REASONING_EFFORT_XHIGH: ReasoningEffort
NLI_LABEL_UNSPECIFIED: NliLabel
NLI_LABEL_ENTAILMENT: NliLabel
NLI_LABEL_CONTRADICTION: NliLabel
NLI_LABEL_NEUTRAL: NliLabel
STANCE_LABEL_UNSPECIFIED: StanceLabel
STANCE_LABEL_FAVOR: StanceLabel
STANCE_LABEL_AGAINST: StanceLabel
STANCE_LABEL_NEUTRAL: StanceLabel
MODEL_CAPABILITY_UNSPECIFIED: ModelCapability
MODEL_CAPABILITY_CHAT: ModelCapability
MODEL_CAPABILITY_GENERATE: ModelCapability
MODEL_CAPABILITY_EMBED: ModelCapability
MODEL_CAPABILITY_NLI: ModelCapability
MODEL_CAPABILITY_CLASSIFY: ModelCapability
MODEL_CAPABILITY_STANCE: ModelCapability
MODEL_CAPABILITY_CHAT_STREAMING: ModelCapability
MODEL_CAPABILITY_TOOL_USE: ModelCapability
MODEL_CAPABILITY_TOKEN_COUNTING: ModelCapability
MODEL_CAPABILITY_LOCAL_INFERENCE: ModelCapability
MODEL_STATUS_UNSPECIFIED: ModelStatus
MODEL_STATUS_AVAILABLE: ModelStatus
MODEL_STATUS_LOADING: ModelStatus
MODEL_STATUS_READY: ModelStatus
MODEL_STATUS_UNAVAILABLE: ModelStatus

class Usage(_message.Message):
    __slots__ = ("prompt_tokens", "completion_tokens", "total_tokens", "reasoning_tokens", "cached_tokens", "cache_creation_tokens", "cost")
    PROMPT_TOKENS_FIELD_NUMBER: _ClassVar[int]
    COMPLETION_TOKENS_FIELD_NUMBER: _ClassVar[int]
    TOTAL_TOKENS_FIELD_NUMBER: _ClassVar[int]
    REASONING_TOKENS_FIELD_NUMBER: _ClassVar[int]
    CACHED_TOKENS_FIELD_NUMBER: _ClassVar[int]
    CACHE_CREATION_TOKENS_FIELD_NUMBER: _ClassVar[int]
    COST_FIELD_NUMBER: _ClassVar[int]
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int
    reasoning_tokens: int
    cached_tokens: int
    cache_creation_tokens: int
    cost: Cost
    def __init__(self, prompt_tokens: _Optional[int] = ..., completion_tokens: _Optional[int] = ..., total_tokens: _Optional[int] = ..., reasoning_tokens: _Optional[int] = ..., cached_tokens: _Optional[int] = ..., cache_creation_tokens: _Optional[int] = ..., cost: _Optional[_Union[Cost, _Mapping]] = ...) -> None: ...

class Cost(_message.Message):
    __slots__ = ("total", "prompt", "completion", "cached", "reasoning")
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    PROMPT_FIELD_NUMBER: _ClassVar[int]
    COMPLETION_FIELD_NUMBER: _ClassVar[int]
    CACHED_FIELD_NUMBER: _ClassVar[int]
    REASONING_FIELD_NUMBER: _ClassVar[int]
    total: float
    prompt: float
    completion: float
    cached: float
    reasoning: float
    def __init__(self, total: _Optional[float] = ..., prompt: _Optional[float] = ..., completion: _Optional[float] = ..., cached: _Optional[float] = ..., reasoning: _Optional[float] = ...) -> None: ...

class ReasoningBlock(_message.Message):
    __slots__ = ("text", "signature", "redacted", "provider")
    TEXT_FIELD_NUMBER: _ClassVar[int]
    SIGNATURE_FIELD_NUMBER: _ClassVar[int]
    REDACTED_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    text: str
    signature: str
    redacted: str
    provider: str
    def __init__(self, text: _Optional[str] = ..., signature: _Optional[str] = ..., redacted: _Optional[str] = ..., provider: _Optional[str] = ...) -> None: ...

class Message(_message.Message):
    __slots__ = ("role", "content", "tool_calls", "name", "tool_call_id", "reasoning")
    ROLE_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    TOOL_CALLS_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    TOOL_CALL_ID_FIELD_NUMBER: _ClassVar[int]
    REASONING_FIELD_NUMBER: _ClassVar[int]
    role: Role
    content: str
    tool_calls: _containers.RepeatedCompositeFieldContainer[ToolCall]
    name: str
    tool_call_id: str
    reasoning: _containers.RepeatedCompositeFieldContainer[ReasoningBlock]
    def __init__(self, role: _Optional[_Union[Role, str]] = ..., content: _Optional[str] = ..., tool_calls: _Optional[_Iterable[_Union[ToolCall, _Mapping]]] = ..., name: _Optional[str] = ..., tool_call_id: _Optional[str] = ..., reasoning: _Optional[_Iterable[_Union[ReasoningBlock, _Mapping]]] = ...) -> None: ...

class ToolCall(_message.Message):
    __slots__ = ("id", "name", "arguments")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    ARGUMENTS_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    arguments: str
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., arguments: _Optional[str] = ...) -> None: ...

class ToolDefinition(_message.Message):
    __slots__ = ("name", "description", "parameters_json", "cache_control_json")
    NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    PARAMETERS_JSON_FIELD_NUMBER: _ClassVar[int]
    CACHE_CONTROL_JSON_FIELD_NUMBER: _ClassVar[int]
    name: str
    description: str
    parameters_json: str
    cache_control_json: str
    def __init__(self, name: _Optional[str] = ..., description: _Optional[str] = ..., parameters_json: _Optional[str] = ..., cache_control_json: _Optional[str] = ...) -> None: ...

class ChatOptions(_message.Message):
    __slots__ = ("model", "temperature", "max_tokens", "top_p", "stop", "frequency_penalty", "presence_penalty", "seed", "tool_choice", "response_format", "cache_prompt", "reasoning", "top_k", "raw_provider_options", "parallel_tool_calls")
    MODEL_FIELD_NUMBER: _ClassVar[int]
    TEMPERATURE_FIELD_NUMBER: _ClassVar[int]
    MAX_TOKENS_FIELD_NUMBER: _ClassVar[int]
    TOP_P_FIELD_NUMBER: _ClassVar[int]
    STOP_FIELD_NUMBER: _ClassVar[int]
    FREQUENCY_PENALTY_FIELD_NUMBER: _ClassVar[int]
    PRESENCE_PENALTY_FIELD_NUMBER: _ClassVar[int]
    SEED_FIELD_NUMBER: _ClassVar[int]
    TOOL_CHOICE_FIELD_NUMBER: _ClassVar[int]
    RESPONSE_FORMAT_FIELD_NUMBER: _ClassVar[int]
    CACHE_PROMPT_FIELD_NUMBER: _ClassVar[int]
    REASONING_FIELD_NUMBER: _ClassVar[int]
    TOP_K_FIELD_NUMBER: _ClassVar[int]
    RAW_PROVIDER_OPTIONS_FIELD_NUMBER: _ClassVar[int]
    PARALLEL_TOOL_CALLS_FIELD_NUMBER: _ClassVar[int]
    model: str
    temperature: float
    max_tokens: int
    top_p: float
    stop: _containers.RepeatedScalarFieldContainer[str]
    frequency_penalty: float
    presence_penalty: float
    seed: int
    tool_choice: ToolChoice
    response_format: ResponseFormat
    cache_prompt: bool
    reasoning: ReasoningConfig
    top_k: int
    raw_provider_options: str
    parallel_tool_calls: bool
    def __init__(self, model: _Optional[str] = ..., temperature: _Optional[float] = ..., max_tokens: _Optional[int] = ..., top_p: _Optional[float] = ..., stop: _Optional[_Iterable[str]] = ..., frequency_penalty: _Optional[float] = ..., presence_penalty: _Optional[float] = ..., seed: _Optional[int] = ..., tool_choice: _Optional[_Union[ToolChoice, _Mapping]] = ..., response_format: _Optional[_Union[ResponseFormat, _Mapping]] = ..., cache_prompt: _Optional[bool] = ..., reasoning: _Optional[_Union[ReasoningConfig, _Mapping]] = ..., top_k: _Optional[int] = ..., raw_provider_options: _Optional[str] = ..., parallel_tool_calls: _Optional[bool] = ...) -> None: ...

class ToolChoice(_message.Message):
    __slots__ = ("auto", "none", "required", "function")
    AUTO_FIELD_NUMBER: _ClassVar[int]
    NONE_FIELD_NUMBER: _ClassVar[int]
    REQUIRED_FIELD_NUMBER: _ClassVar[int]
    FUNCTION_FIELD_NUMBER: _ClassVar[int]
    auto: bool
    none: bool
    required: bool
    function: str
    def __init__(self, auto: _Optional[bool] = ..., none: _Optional[bool] = ..., required: _Optional[bool] = ..., function: _Optional[str] = ...) -> None: ...

class ResponseFormat(_message.Message):
    __slots__ = ("text", "json_object", "json_schema", "name", "strict")
    TEXT_FIELD_NUMBER: _ClassVar[int]
    JSON_OBJECT_FIELD_NUMBER: _ClassVar[int]
    JSON_SCHEMA_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    STRICT_FIELD_NUMBER: _ClassVar[int]
    text: bool
    json_object: bool
    json_schema: str
    name: str
    strict: bool
    def __init__(self, text: _Optional[bool] = ..., json_object: _Optional[bool] = ..., json_schema: _Optional[str] = ..., name: _Optional[str] = ..., strict: _Optional[bool] = ...) -> None: ...

class ReasoningConfig(_message.Message):
    __slots__ = ("effort", "max_tokens", "exclude_from_output")
    EFFORT_FIELD_NUMBER: _ClassVar[int]
    MAX_TOKENS_FIELD_NUMBER: _ClassVar[int]
    EXCLUDE_FROM_OUTPUT_FIELD_NUMBER: _ClassVar[int]
    effort: ReasoningEffort
    max_tokens: int
    exclude_from_output: bool
    def __init__(self, effort: _Optional[_Union[ReasoningEffort, str]] = ..., max_tokens: _Optional[int] = ..., exclude_from_output: _Optional[bool] = ...) -> None: ...

class ChatRequest(_message.Message):
    __slots__ = ("messages", "tools", "options")
    MESSAGES_FIELD_NUMBER: _ClassVar[int]
    TOOLS_FIELD_NUMBER: _ClassVar[int]
    OPTIONS_FIELD_NUMBER: _ClassVar[int]
    messages: _containers.RepeatedCompositeFieldContainer[Message]
    tools: _containers.RepeatedCompositeFieldContainer[ToolDefinition]
    options: ChatOptions
    def __init__(self, messages: _Optional[_Iterable[_Union[Message, _Mapping]]] = ..., tools: _Optional[_Iterable[_Union[ToolDefinition, _Mapping]]] = ..., options: _Optional[_Union[ChatOptions, _Mapping]] = ...) -> None: ...

class ChatResponse(_message.Message):
    __slots__ = ("content", "reasoning", "tool_calls", "usage", "model", "finish_reason", "provider", "reasoning_blocks")
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    REASONING_FIELD_NUMBER: _ClassVar[int]
    TOOL_CALLS_FIELD_NUMBER: _ClassVar[int]
    USAGE_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    FINISH_REASON_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    REASONING_BLOCKS_FIELD_NUMBER: _ClassVar[int]
    content: str
    reasoning: str
    tool_calls: _containers.RepeatedCompositeFieldContainer[ToolCall]
    usage: Usage
    model: str
    finish_reason: FinishReason
    provider: str
    reasoning_blocks: _containers.RepeatedCompositeFieldContainer[ReasoningBlock]
    def __init__(self, content: _Optional[str] = ..., reasoning: _Optional[str] = ..., tool_calls: _Optional[_Iterable[_Union[ToolCall, _Mapping]]] = ..., usage: _Optional[_Union[Usage, _Mapping]] = ..., model: _Optional[str] = ..., finish_reason: _Optional[_Union[FinishReason, str]] = ..., provider: _Optional[str] = ..., reasoning_blocks: _Optional[_Iterable[_Union[ReasoningBlock, _Mapping]]] = ...) -> None: ...

class ChatEvent(_message.Message):
    __slots__ = ("content", "reasoning", "tool_call_start", "tool_call_delta", "usage", "done", "tool_call_end", "signature", "redacted", "hidden_reasoning", "finish_reason", "model", "provider")
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    REASONING_FIELD_NUMBER: _ClassVar[int]
    TOOL_CALL_START_FIELD_NUMBER: _ClassVar[int]
    TOOL_CALL_DELTA_FIELD_NUMBER: _ClassVar[int]
    USAGE_FIELD_NUMBER: _ClassVar[int]
    DONE_FIELD_NUMBER: _ClassVar[int]
    TOOL_CALL_END_FIELD_NUMBER: _ClassVar[int]
    SIGNATURE_FIELD_NUMBER: _ClassVar[int]
    REDACTED_FIELD_NUMBER: _ClassVar[int]
    HIDDEN_REASONING_FIELD_NUMBER: _ClassVar[int]
    FINISH_REASON_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    content: str
    reasoning: str
    tool_call_start: ToolCallStart
    tool_call_delta: ToolCallDelta
    usage: Usage
    done: bool
    tool_call_end: ToolCallEnd
    signature: str
    redacted: str
    hidden_reasoning: str
    finish_reason: FinishReason
    model: str
    provider: str
    def __init__(self, content: _Optional[str] = ..., reasoning: _Optional[str] = ..., tool_call_start: _Optional[_Union[ToolCallStart, _Mapping]] = ..., tool_call_delta: _Optional[_Union[ToolCallDelta, _Mapping]] = ..., usage: _Optional[_Union[Usage, _Mapping]] = ..., done: _Optional[bool] = ..., tool_call_end: _Optional[_Union[ToolCallEnd, _Mapping]] = ..., signature: _Optional[str] = ..., redacted: _Optional[str] = ..., hidden_reasoning: _Optional[str] = ..., finish_reason: _Optional[_Union[FinishReason, str]] = ..., model: _Optional[str] = ..., provider: _Optional[str] = ...) -> None: ...

class ToolCallStart(_message.Message):
    __slots__ = ("index", "id", "name")
    INDEX_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    index: int
    id: str
    name: str
    def __init__(self, index: _Optional[int] = ..., id: _Optional[str] = ..., name: _Optional[str] = ...) -> None: ...

class ToolCallDelta(_message.Message):
    __slots__ = ("index", "arguments")
    INDEX_FIELD_NUMBER: _ClassVar[int]
    ARGUMENTS_FIELD_NUMBER: _ClassVar[int]
    index: int
    arguments: str
    def __init__(self, index: _Optional[int] = ..., arguments: _Optional[str] = ...) -> None: ...

class ToolCallEnd(_message.Message):
    __slots__ = ("index",)
    INDEX_FIELD_NUMBER: _ClassVar[int]
    index: int
    def __init__(self, index: _Optional[int] = ...) -> None: ...

class GenerateRequest(_message.Message):
    __slots__ = ("prompt", "options")
    PROMPT_FIELD_NUMBER: _ClassVar[int]
    OPTIONS_FIELD_NUMBER: _ClassVar[int]
    prompt: str
    options: GenerateOptions
    def __init__(self, prompt: _Optional[str] = ..., options: _Optional[_Union[GenerateOptions, _Mapping]] = ...) -> None: ...

class GenerateOptions(_message.Message):
    __slots__ = ("model", "max_tokens", "temperature", "top_p", "stop_sequences", "top_k", "frequency_penalty", "presence_penalty", "seed", "reasoning", "raw_provider_options")
    MODEL_FIELD_NUMBER: _ClassVar[int]
    MAX_TOKENS_FIELD_NUMBER: _ClassVar[int]
    TEMPERATURE_FIELD_NUMBER: _ClassVar[int]
    TOP_P_FIELD_NUMBER: _ClassVar[int]
    STOP_SEQUENCES_FIELD_NUMBER: _ClassVar[int]
    TOP_K_FIELD_NUMBER: _ClassVar[int]
    FREQUENCY_PENALTY_FIELD_NUMBER: _ClassVar[int]
    PRESENCE_PENALTY_FIELD_NUMBER: _ClassVar[int]
    SEED_FIELD_NUMBER: _ClassVar[int]
    REASONING_FIELD_NUMBER: _ClassVar[int]
    RAW_PROVIDER_OPTIONS_FIELD_NUMBER: _ClassVar[int]
    model: str
    max_tokens: int
    temperature: float
    top_p: float
    stop_sequences: _containers.RepeatedScalarFieldContainer[str]
    top_k: int
    frequency_penalty: float
    presence_penalty: float
    seed: int
    reasoning: ReasoningConfig
    raw_provider_options: str
    def __init__(self, model: _Optional[str] = ..., max_tokens: _Optional[int] = ..., temperature: _Optional[float] = ..., top_p: _Optional[float] = ..., stop_sequences: _Optional[_Iterable[str]] = ..., top_k: _Optional[int] = ..., frequency_penalty: _Optional[float] = ..., presence_penalty: _Optional[float] = ..., seed: _Optional[int] = ..., reasoning: _Optional[_Union[ReasoningConfig, _Mapping]] = ..., raw_provider_options: _Optional[str] = ...) -> None: ...

class GenerateResponse(_message.Message):
    __slots__ = ("text", "usage", "model", "finish_reason", "provider")
    TEXT_FIELD_NUMBER: _ClassVar[int]
    USAGE_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    FINISH_REASON_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    text: str
    usage: Usage
    model: str
    finish_reason: FinishReason
    provider: str
    def __init__(self, text: _Optional[str] = ..., usage: _Optional[_Union[Usage, _Mapping]] = ..., model: _Optional[str] = ..., finish_reason: _Optional[_Union[FinishReason, str]] = ..., provider: _Optional[str] = ...) -> None: ...

class GenerateEvent(_message.Message):
    __slots__ = ("text", "done", "finish_reason", "usage", "model", "provider")
    TEXT_FIELD_NUMBER: _ClassVar[int]
    DONE_FIELD_NUMBER: _ClassVar[int]
    FINISH_REASON_FIELD_NUMBER: _ClassVar[int]
    USAGE_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    text: str
    done: bool
    finish_reason: FinishReason
    usage: Usage
    model: str
    provider: str
    def __init__(self, text: _Optional[str] = ..., done: _Optional[bool] = ..., finish_reason: _Optional[_Union[FinishReason, str]] = ..., usage: _Optional[_Union[Usage, _Mapping]] = ..., model: _Optional[str] = ..., provider: _Optional[str] = ...) -> None: ...

class EmbedRequest(_message.Message):
    __slots__ = ("text", "model")
    TEXT_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    text: str
    model: str
    def __init__(self, text: _Optional[str] = ..., model: _Optional[str] = ...) -> None: ...

class EmbedResponse(_message.Message):
    __slots__ = ("values", "model", "dimensions", "provider", "truncated")
    VALUES_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    DIMENSIONS_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    TRUNCATED_FIELD_NUMBER: _ClassVar[int]
    values: _containers.RepeatedScalarFieldContainer[float]
    model: str
    dimensions: int
    provider: str
    truncated: bool
    def __init__(self, values: _Optional[_Iterable[float]] = ..., model: _Optional[str] = ..., dimensions: _Optional[int] = ..., provider: _Optional[str] = ..., truncated: _Optional[bool] = ...) -> None: ...

class EmbedBatchRequest(_message.Message):
    __slots__ = ("texts", "model")
    TEXTS_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    texts: _containers.RepeatedScalarFieldContainer[str]
    model: str
    def __init__(self, texts: _Optional[_Iterable[str]] = ..., model: _Optional[str] = ...) -> None: ...

class EmbedBatchResponse(_message.Message):
    __slots__ = ("embeddings",)
    EMBEDDINGS_FIELD_NUMBER: _ClassVar[int]
    embeddings: _containers.RepeatedCompositeFieldContainer[Embedding]
    def __init__(self, embeddings: _Optional[_Iterable[_Union[Embedding, _Mapping]]] = ...) -> None: ...

class Embedding(_message.Message):
    __slots__ = ("values", "model", "dimensions", "provider", "truncated")
    VALUES_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    DIMENSIONS_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    TRUNCATED_FIELD_NUMBER: _ClassVar[int]
    values: _containers.RepeatedScalarFieldContainer[float]
    model: str
    dimensions: int
    provider: str
    truncated: bool
    def __init__(self, values: _Optional[_Iterable[float]] = ..., model: _Optional[str] = ..., dimensions: _Optional[int] = ..., provider: _Optional[str] = ..., truncated: _Optional[bool] = ...) -> None: ...

class NliRequest(_message.Message):
    __slots__ = ("premise", "hypothesis", "model")
    PREMISE_FIELD_NUMBER: _ClassVar[int]
    HYPOTHESIS_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    premise: str
    hypothesis: str
    model: str
    def __init__(self, premise: _Optional[str] = ..., hypothesis: _Optional[str] = ..., model: _Optional[str] = ...) -> None: ...

class NliResponse(_message.Message):
    __slots__ = ("entailment", "contradiction", "neutral", "label", "model", "provider", "truncated")
    ENTAILMENT_FIELD_NUMBER: _ClassVar[int]
    CONTRADICTION_FIELD_NUMBER: _ClassVar[int]
    NEUTRAL_FIELD_NUMBER: _ClassVar[int]
    LABEL_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    TRUNCATED_FIELD_NUMBER: _ClassVar[int]
    entailment: float
    contradiction: float
    neutral: float
    label: NliLabel
    model: str
    provider: str
    truncated: bool
    def __init__(self, entailment: _Optional[float] = ..., contradiction: _Optional[float] = ..., neutral: _Optional[float] = ..., label: _Optional[_Union[NliLabel, str]] = ..., model: _Optional[str] = ..., provider: _Optional[str] = ..., truncated: _Optional[bool] = ...) -> None: ...

class NliBatchRequest(_message.Message):
    __slots__ = ("pairs", "model")
    PAIRS_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    pairs: _containers.RepeatedCompositeFieldContainer[NliPair]
    model: str
    def __init__(self, pairs: _Optional[_Iterable[_Union[NliPair, _Mapping]]] = ..., model: _Optional[str] = ...) -> None: ...

class NliPair(_message.Message):
    __slots__ = ("premise", "hypothesis")
    PREMISE_FIELD_NUMBER: _ClassVar[int]
    HYPOTHESIS_FIELD_NUMBER: _ClassVar[int]
    premise: str
    hypothesis: str
    def __init__(self, premise: _Optional[str] = ..., hypothesis: _Optional[str] = ...) -> None: ...

class NliBatchResponse(_message.Message):
    __slots__ = ("results",)
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    results: _containers.RepeatedCompositeFieldContainer[NliResponse]
    def __init__(self, results: _Optional[_Iterable[_Union[NliResponse, _Mapping]]] = ...) -> None: ...

class ClassifyRequest(_message.Message):
    __slots__ = ("text", "labels", "model", "multi_label", "hypothesis_template")
    TEXT_FIELD_NUMBER: _ClassVar[int]
    LABELS_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    MULTI_LABEL_FIELD_NUMBER: _ClassVar[int]
    HYPOTHESIS_TEMPLATE_FIELD_NUMBER: _ClassVar[int]
    text: str
    labels: _containers.RepeatedScalarFieldContainer[str]
    model: str
    multi_label: bool
    hypothesis_template: str
    def __init__(self, text: _Optional[str] = ..., labels: _Optional[_Iterable[str]] = ..., model: _Optional[str] = ..., multi_label: _Optional[bool] = ..., hypothesis_template: _Optional[str] = ...) -> None: ...

class ClassifyResponse(_message.Message):
    __slots__ = ("scores", "top_label", "confidence", "model", "provider", "multi_label", "label_order")
    class ScoresEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: float
        def __init__(self, key: _Optional[str] = ..., value: _Optional[float] = ...) -> None: ...
    SCORES_FIELD_NUMBER: _ClassVar[int]
    TOP_LABEL_FIELD_NUMBER: _ClassVar[int]
    CONFIDENCE_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    MULTI_LABEL_FIELD_NUMBER: _ClassVar[int]
    LABEL_ORDER_FIELD_NUMBER: _ClassVar[int]
    scores: _containers.ScalarMap[str, float]
    top_label: str
    confidence: float
    model: str
    provider: str
    multi_label: bool
    label_order: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, scores: _Optional[_Mapping[str, float]] = ..., top_label: _Optional[str] = ..., confidence: _Optional[float] = ..., model: _Optional[str] = ..., provider: _Optional[str] = ..., multi_label: _Optional[bool] = ..., label_order: _Optional[_Iterable[str]] = ...) -> None: ...

class StanceRequest(_message.Message):
    __slots__ = ("text", "target", "model")
    TEXT_FIELD_NUMBER: _ClassVar[int]
    TARGET_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    text: str
    target: str
    model: str
    def __init__(self, text: _Optional[str] = ..., target: _Optional[str] = ..., model: _Optional[str] = ...) -> None: ...

class StanceResponse(_message.Message):
    __slots__ = ("favor", "against", "neutral", "label", "target", "model", "provider")
    FAVOR_FIELD_NUMBER: _ClassVar[int]
    AGAINST_FIELD_NUMBER: _ClassVar[int]
    NEUTRAL_FIELD_NUMBER: _ClassVar[int]
    LABEL_FIELD_NUMBER: _ClassVar[int]
    TARGET_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    favor: float
    against: float
    neutral: float
    label: StanceLabel
    target: str
    model: str
    provider: str
    def __init__(self, favor: _Optional[float] = ..., against: _Optional[float] = ..., neutral: _Optional[float] = ..., label: _Optional[_Union[StanceLabel, str]] = ..., target: _Optional[str] = ..., model: _Optional[str] = ..., provider: _Optional[str] = ...) -> None: ...

class TokenCountRequest(_message.Message):
    __slots__ = ("text", "model")
    TEXT_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    text: str
    model: str
    def __init__(self, text: _Optional[str] = ..., model: _Optional[str] = ...) -> None: ...

class TokenCountResponse(_message.Message):
    __slots__ = ("count",)
    COUNT_FIELD_NUMBER: _ClassVar[int]
    count: int
    def __init__(self, count: _Optional[int] = ...) -> None: ...

class TokenizeRequest(_message.Message):
    __slots__ = ("text", "model")
    TEXT_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    text: str
    model: str
    def __init__(self, text: _Optional[str] = ..., model: _Optional[str] = ...) -> None: ...

class TokenizeResponse(_message.Message):
    __slots__ = ("tokens",)
    TOKENS_FIELD_NUMBER: _ClassVar[int]
    tokens: _containers.RepeatedCompositeFieldContainer[Token]
    def __init__(self, tokens: _Optional[_Iterable[_Union[Token, _Mapping]]] = ...) -> None: ...

class Token(_message.Message):
    __slots__ = ("id", "text", "start", "end")
    ID_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    START_FIELD_NUMBER: _ClassVar[int]
    END_FIELD_NUMBER: _ClassVar[int]
    id: int
    text: str
    start: int
    end: int
    def __init__(self, id: _Optional[int] = ..., text: _Optional[str] = ..., start: _Optional[int] = ..., end: _Optional[int] = ...) -> None: ...

class ListModelsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListModelsResponse(_message.Message):
    __slots__ = ("models",)
    MODELS_FIELD_NUMBER: _ClassVar[int]
    models: _containers.RepeatedCompositeFieldContainer[ModelInfo]
    def __init__(self, models: _Optional[_Iterable[_Union[ModelInfo, _Mapping]]] = ...) -> None: ...

class ModelInfo(_message.Message):
    __slots__ = ("id", "provider", "capabilities", "context_window", "dimensions")
    ID_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    CAPABILITIES_FIELD_NUMBER: _ClassVar[int]
    CONTEXT_WINDOW_FIELD_NUMBER: _ClassVar[int]
    DIMENSIONS_FIELD_NUMBER: _ClassVar[int]
    id: str
    provider: str
    capabilities: _containers.RepeatedScalarFieldContainer[ModelCapability]
    context_window: int
    dimensions: int
    def __init__(self, id: _Optional[str] = ..., provider: _Optional[str] = ..., capabilities: _Optional[_Iterable[_Union[ModelCapability, str]]] = ..., context_window: _Optional[int] = ..., dimensions: _Optional[int] = ...) -> None: ...

class ModelStatusRequest(_message.Message):
    __slots__ = ("model",)
    MODEL_FIELD_NUMBER: _ClassVar[int]
    model: str
    def __init__(self, model: _Optional[str] = ...) -> None: ...

class ModelStatusResponse(_message.Message):
    __slots__ = ("status", "reason", "provider")
    STATUS_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    status: ModelStatus
    reason: str
    provider: str
    def __init__(self, status: _Optional[_Union[ModelStatus, str]] = ..., reason: _Optional[str] = ..., provider: _Optional[str] = ...) -> None: ...

class ModelMetadataRequest(_message.Message):
    __slots__ = ("model",)
    MODEL_FIELD_NUMBER: _ClassVar[int]
    model: str
    def __init__(self, model: _Optional[str] = ...) -> None: ...

class ModelMetadataResponse(_message.Message):
    __slots__ = ("found", "metadata")
    FOUND_FIELD_NUMBER: _ClassVar[int]
    METADATA_FIELD_NUMBER: _ClassVar[int]
    found: bool
    metadata: ProtoModelMetadata
    def __init__(self, found: _Optional[bool] = ..., metadata: _Optional[_Union[ProtoModelMetadata, _Mapping]] = ...) -> None: ...

class ProtoModelMetadata(_message.Message):
    __slots__ = ("info", "parameters", "pricing", "max_output_tokens")
    INFO_FIELD_NUMBER: _ClassVar[int]
    PARAMETERS_FIELD_NUMBER: _ClassVar[int]
    PRICING_FIELD_NUMBER: _ClassVar[int]
    MAX_OUTPUT_TOKENS_FIELD_NUMBER: _ClassVar[int]
    info: ModelInfo
    parameters: _containers.RepeatedCompositeFieldContainer[ParameterEntry]
    pricing: ProtoPricingInfo
    max_output_tokens: int
    def __init__(self, info: _Optional[_Union[ModelInfo, _Mapping]] = ..., parameters: _Optional[_Iterable[_Union[ParameterEntry, _Mapping]]] = ..., pricing: _Optional[_Union[ProtoPricingInfo, _Mapping]] = ..., max_output_tokens: _Optional[int] = ...) -> None: ...

class ParameterEntry(_message.Message):
    __slots__ = ("name", "availability")
    NAME_FIELD_NUMBER: _ClassVar[int]
    AVAILABILITY_FIELD_NUMBER: _ClassVar[int]
    name: str
    availability: ProtoParameterAvailability
    def __init__(self, name: _Optional[str] = ..., availability: _Optional[_Union[ProtoParameterAvailability, _Mapping]] = ...) -> None: ...

class ProtoParameterAvailability(_message.Message):
    __slots__ = ("mutable_range", "read_only_json", "opaque", "unsupported")
    MUTABLE_RANGE_FIELD_NUMBER: _ClassVar[int]
    READ_ONLY_JSON_FIELD_NUMBER: _ClassVar[int]
    OPAQUE_FIELD_NUMBER: _ClassVar[int]
    UNSUPPORTED_FIELD_NUMBER: _ClassVar[int]
    mutable_range: ProtoParameterRange
    read_only_json: str
    opaque: bool
    unsupported: bool
    def __init__(self, mutable_range: _Optional[_Union[ProtoParameterRange, _Mapping]] = ..., read_only_json: _Optional[str] = ..., opaque: _Optional[bool] = ..., unsupported: _Optional[bool] = ...) -> None: ...

class ProtoParameterRange(_message.Message):
    __slots__ = ("min", "max", "default_value")
    MIN_FIELD_NUMBER: _ClassVar[int]
    MAX_FIELD_NUMBER: _ClassVar[int]
    DEFAULT_VALUE_FIELD_NUMBER: _ClassVar[int]
    min: float
    max: float
    default_value: float
    def __init__(self, min: _Optional[float] = ..., max: _Optional[float] = ..., default_value: _Optional[float] = ...) -> None: ...

class ProtoPricingInfo(_message.Message):
    __slots__ = ("prompt_cost_per_mtok", "completion_cost_per_mtok", "cached_cost_per_mtok", "reasoning_cost_per_mtok")
    PROMPT_COST_PER_MTOK_FIELD_NUMBER: _ClassVar[int]
    COMPLETION_COST_PER_MTOK_FIELD_NUMBER: _ClassVar[int]
    CACHED_COST_PER_MTOK_FIELD_NUMBER: _ClassVar[int]
    REASONING_COST_PER_MTOK_FIELD_NUMBER: _ClassVar[int]
    prompt_cost_per_mtok: float
    completion_cost_per_mtok: float
    cached_cost_per_mtok: float
    reasoning_cost_per_mtok: float
    def __init__(self, prompt_cost_per_mtok: _Optional[float] = ..., completion_cost_per_mtok: _Optional[float] = ..., cached_cost_per_mtok: _Optional[float] = ..., reasoning_cost_per_mtok: _Optional[float] = ...) -> None: ...

class ResolvePresetRequest(_message.Message):
    __slots__ = ("tier", "capability")
    TIER_FIELD_NUMBER: _ClassVar[int]
    CAPABILITY_FIELD_NUMBER: _ClassVar[int]
    tier: str
    capability: str
    def __init__(self, tier: _Optional[str] = ..., capability: _Optional[str] = ...) -> None: ...

class ProtoPresetParameters(_message.Message):
    __slots__ = ("temperature", "top_p", "top_k", "max_tokens", "frequency_penalty", "presence_penalty", "seed", "stop", "reasoning", "tool_choice", "parallel_tool_calls", "response_format", "cache_prompt", "raw_provider_options")
    TEMPERATURE_FIELD_NUMBER: _ClassVar[int]
    TOP_P_FIELD_NUMBER: _ClassVar[int]
    TOP_K_FIELD_NUMBER: _ClassVar[int]
    MAX_TOKENS_FIELD_NUMBER: _ClassVar[int]
    FREQUENCY_PENALTY_FIELD_NUMBER: _ClassVar[int]
    PRESENCE_PENALTY_FIELD_NUMBER: _ClassVar[int]
    SEED_FIELD_NUMBER: _ClassVar[int]
    STOP_FIELD_NUMBER: _ClassVar[int]
    REASONING_FIELD_NUMBER: _ClassVar[int]
    TOOL_CHOICE_FIELD_NUMBER: _ClassVar[int]
    PARALLEL_TOOL_CALLS_FIELD_NUMBER: _ClassVar[int]
    RESPONSE_FORMAT_FIELD_NUMBER: _ClassVar[int]
    CACHE_PROMPT_FIELD_NUMBER: _ClassVar[int]
    RAW_PROVIDER_OPTIONS_FIELD_NUMBER: _ClassVar[int]
    temperature: float
    top_p: float
    top_k: int
    max_tokens: int
    frequency_penalty: float
    presence_penalty: float
    seed: int
    stop: _containers.RepeatedScalarFieldContainer[str]
    reasoning: ReasoningConfig
    tool_choice: ToolChoice
    parallel_tool_calls: bool
    response_format: ResponseFormat
    cache_prompt: bool
    raw_provider_options: str
    def __init__(self, temperature: _Optional[float] = ..., top_p: _Optional[float] = ..., top_k: _Optional[int] = ..., max_tokens: _Optional[int] = ..., frequency_penalty: _Optional[float] = ..., presence_penalty: _Optional[float] = ..., seed: _Optional[int] = ..., stop: _Optional[_Iterable[str]] = ..., reasoning: _Optional[_Union[ReasoningConfig, _Mapping]] = ..., tool_choice: _Optional[_Union[ToolChoice, _Mapping]] = ..., parallel_tool_calls: _Optional[bool] = ..., response_format: _Optional[_Union[ResponseFormat, _Mapping]] = ..., cache_prompt: _Optional[bool] = ..., raw_provider_options: _Optional[str] = ...) -> None: ...

class ResolvePresetResponse(_message.Message):
    __slots__ = ("found", "model_id", "parameters")
    FOUND_FIELD_NUMBER: _ClassVar[int]
    MODEL_ID_FIELD_NUMBER: _ClassVar[int]
    PARAMETERS_FIELD_NUMBER: _ClassVar[int]
    found: bool
    model_id: str
    parameters: ProtoPresetParameters
    def __init__(self, found: _Optional[bool] = ..., model_id: _Optional[str] = ..., parameters: _Optional[_Union[ProtoPresetParameters, _Mapping]] = ...) -> None: ...

class PresetTierEntry(_message.Message):
    __slots__ = ("tier", "capabilities")
    TIER_FIELD_NUMBER: _ClassVar[int]
    CAPABILITIES_FIELD_NUMBER: _ClassVar[int]
    tier: str
    capabilities: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, tier: _Optional[str] = ..., capabilities: _Optional[_Iterable[str]] = ...) -> None: ...

class ListPresetsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListPresetsResponse(_message.Message):
    __slots__ = ("tiers",)
    TIERS_FIELD_NUMBER: _ClassVar[int]
    tiers: _containers.RepeatedCompositeFieldContainer[PresetTierEntry]
    def __init__(self, tiers: _Optional[_Iterable[_Union[PresetTierEntry, _Mapping]]] = ...) -> None: ...

class HealthRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class HealthResponse(_message.Message):
    __slots__ = ("healthy", "version", "git_sha", "core_version", "providers")
    HEALTHY_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    GIT_SHA_FIELD_NUMBER: _ClassVar[int]
    CORE_VERSION_FIELD_NUMBER: _ClassVar[int]
    PROVIDERS_FIELD_NUMBER: _ClassVar[int]
    healthy: bool
    version: str
    git_sha: str
    core_version: str
    providers: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, healthy: _Optional[bool] = ..., version: _Optional[str] = ..., git_sha: _Optional[str] = ..., core_version: _Optional[str] = ..., providers: _Optional[_Iterable[str]] = ...) -> None: ...

class CapabilitiesRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class CapabilitiesResponse(_message.Message):
    __slots__ = ("capabilities",)
    CAPABILITIES_FIELD_NUMBER: _ClassVar[int]
    capabilities: _containers.RepeatedScalarFieldContainer[ModelCapability]
    def __init__(self, capabilities: _Optional[_Iterable[_Union[ModelCapability, str]]] = ...) -> None: ...
