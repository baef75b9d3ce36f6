"""The committed generated code matches the proto, and the typed messages cover every field of their types."""

from __future__ import annotations

import attrs
import pytest
from ratatoskr.types import ClassifyResult, Embedding, ModelInfo, ModelStatus, NliResult, StanceResult, Token
from ratatoskr_server._generated import ratatoskr_pb2 as pb


def test_generated_code_is_up_to_date() -> None:
    pytest.importorskip("grpc_tools")
    from ratatoskr_server._build_proto import main

    assert main(["--check"]) == 0, "run: uv run python -m ratatoskr_server._build_proto"


@pytest.mark.parametrize(
    ("cls", "message", "renamed"),
    [
        (Embedding, pb.Embedding, {}),
        (NliResult, pb.NliResult, {}),
        (ClassifyResult, pb.ClassifyResult, {}),
        (StanceResult, pb.StanceResult, {}),
        (Token, pb.Token, {}),
        (ModelInfo, pb.ModelInfo, {}),
        (ModelStatus, pb.ModelStatusResponse, {}),
    ],
)
def test_typed_messages_carry_every_field(cls: type, message: type, renamed: dict[str, str]) -> None:
    """A field added to one of these types must be added to the proto too (JSON-carried shapes need nothing)."""
    fields = {renamed.get(a.name, a.name) for a in attrs.fields(cls)}
    assert fields == set(message.DESCRIPTOR.fields_by_name), cls.__name__
