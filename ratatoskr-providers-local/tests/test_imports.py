"""Building a gateway (which builds the local provider through the plugin hooks, also for CLI commands that other
providers serve) must not import numpy, onnxruntime or tokenizers: they load with the first model."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("numpy", "onnxruntime", "tokenizers")

_SCRIPT = f"""
import json, sys
from ratatoskr import EmbeddedGateway, Settings
from ratatoskr.providers import Capability
from ratatoskr_providers_local import LocalProvider

gateway = EmbeddedGateway.from_settings(Settings.from_dict({{}}))
local = [p for p in gateway.dispatcher.chain(Capability.EMBED) if isinstance(p, LocalProvider)]
print(json.dumps({{"built": len(local), "heavy": [m for m in {HEAVY!r} if m in sys.modules]}}))
"""


def test_building_a_gateway_does_not_import_numpy_onnxruntime_or_tokenizers() -> None:
    done = subprocess.run([sys.executable, "-c", _SCRIPT], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["built"] == 1, "the local provider should be part of a default gateway"
    assert report["heavy"] == [], f"imported while building a gateway: {report['heavy']}"
