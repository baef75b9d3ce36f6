"""Wire code shared by the HTTP providers: decoders, HTTP error mapping, the OpenAI chat codec.

Modules (import them directly; this package re-exports nothing so that importing it stays free):

- :mod:`ratatoskr.wire.sse`: Server-Sent Events decoder (``SSEDecoder``, ``aiter_sse``, ``ServerSentEvent``),
  incremental, split-anywhere safe, per the WHATWG ``text/event-stream`` rules.
- :mod:`ratatoskr.wire.ndjson`: newline-delimited JSON decoder (``NDJSONDecoder``, ``aiter_ndjson``),
  for Ollama.
- :mod:`ratatoskr.wire.http`: the one HTTP boundary: ``parse_retry_after``, ``error_from_response``,
  ``error_from_stream_object``, ``translate_transport_errors``, ``send_json``, ``stream_bytes``,
  ``stream_lines``, ``stream_sse``, ``stream_ndjson``.
- :mod:`ratatoskr.wire.openai_chat`: the OpenAI chat-completions codec: ``build_request``, ``parse_response``,
  ``ChunkDecoder`` (stream chunk dicts to ``ChatEvent`` objects) and ``chat_events`` (SSE body bytes to
  events).
- :mod:`ratatoskr.wire.openai_client`: ``OpenAICompatibleClient``, the request/response plumbing the OpenAI
  and OpenRouter providers share (chat, stream, generate through chat, list models).
- :mod:`ratatoskr.wire.openai_server`: the inverse codec (request JSON to our types, answers to response and
  chunk JSON), for loopback stub servers and round-trip tests.

``docs/wire.md`` describes them for provider authors.
"""
