"""Code generated from proto/ratatoskr/v1/ratatoskr.proto (see _build_proto)."""
