"""Wire code shared by the HTTP providers: decoders, HTTP error mapping, the OpenAI chat codec.

Modules (import them directly; this package re-exports nothing so that importing it stays free):

- :mod:`ratatoskr.wire.sse`: Server-Sent Events decoder (``SSEDecoder``, ``aiter_sse``, ``ServerSentEvent``),
  incremental, split-anywhere safe, per the WHATWG ``text/event-stream`` rules.
- :mod:`ratatoskr.wire.ndjson`: newline-delimited JSON decoder (``NDJSONDecoder``, ``aiter_ndjson``),
  for Ollama.
- :mod:`ratatoskr.wire.endpoint`: ``Endpoint`` (base URL, headers, client, error classifier, deadlines and
  size caps; ``post_json``, ``get_json``, ``stream_sse``, ``stream_ndjson``) and its ``Limits``: every HTTP
  provider talks through one.
- :mod:`ratatoskr.wire.deadline`: ``bounded``: await a step (a body read, a stream's next event) under a
  deadline that costs a cancel scope only while the step actually waits; ``Expired`` when it was cut.
- :mod:`ratatoskr.wire.base`: ``HttpProvider``, the base class of every HTTP provider (name, priority,
  models, base URL, endpoint, ``aclose``).
- :mod:`ratatoskr.wire.failure`: ``HttpFailure`` (an error answer read once), ``ErrorClassifier`` (what a
  provider supplies) and ``generic_error`` (status → error class, Retry-After).
- :mod:`ratatoskr.wire.http`: the mappings the endpoint uses: ``error_from_response``,
  ``error_from_stream_object``, ``translate_transport_errors``, ``parse_retry_after``.
- :mod:`ratatoskr.wire.openai_errors`: the OpenAI wire format's classifier (``classify_openai_error``).
- :mod:`ratatoskr.wire.openai_chat`: the OpenAI chat-completions codec: ``build_request``, ``parse_response``,
  ``ChunkDecoder`` (stream chunk dicts to ``ChatEvent`` objects) and ``chat_events`` (SSE body bytes to
  events).
- :mod:`ratatoskr.wire.openai_client`: ``OpenAICompatibleClient``, the base of the OpenAI and OpenRouter
  providers (chat, stream, generate through chat, list models, ``classify_error``).
- :mod:`ratatoskr.wire.options`: ``unmapped``: the options a codec has no field for, to send under their own
  name (a codec encodes everything it is given; validation is the dispatcher's).
- :mod:`ratatoskr.wire.openai_server`: the inverse codec (request JSON to our types, answers to response and
  chunk JSON), for loopback stub servers and round-trip tests.

``docs/wire.md`` describes them for provider authors; ``docs/plugins/http.md`` shows a provider on an endpoint.
"""
