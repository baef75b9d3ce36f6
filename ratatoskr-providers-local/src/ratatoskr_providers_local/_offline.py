"""Whether the HuggingFace Hub can be used now: the download policy, offline mode, and one quick probe.

Everything that would go to the Hub (a model or tokenizer that is not in the cache) asks here first. When
downloads are off, ``HF_HUB_OFFLINE=1`` is set, or the Hub does not answer one request within a short
timeout, the lookup fails at once with :class:`~ratatoskr.errors.NotAvailableOffline`, whose hint says what to
run on a machine with network access. Without the probe, huggingface-hub retries every file five times
(about 25 s) before giving up. ``ratatoskr local status`` reads the same policy, so it never promises a
download that would fail.
"""

from __future__ import annotations

import threading
import time

from ratatoskr.errors import NotAvailableOffline

from ratatoskr_providers_local._config import LocalConfig

__all__ = [
    "PROBE_TIMEOUT_S",
    "check_downloads",
    "download_policy",
    "forget_probes",
    "hub_endpoint",
    "hub_unreachable",
]

NAME = "local"
#: One attempt, this many seconds to connect and answer; a reachable Hub answers a HEAD in well under a second.
PROBE_TIMEOUT_S = 3.0
#: How long a probe's answer is reused (an offline machine is not probed on every request).
PROBE_TTL_S = 30.0
_probes: dict[str, tuple[float, str | None]] = {}
_lock = threading.Lock()


def hub_endpoint() -> str:
    """The Hub's URL (``HF_ENDPOINT``, as huggingface-hub reads it)."""
    from huggingface_hub import constants

    return str(constants.ENDPOINT)


def _offline_mode(config: LocalConfig) -> str | None:
    from huggingface_hub import constants

    if constants.is_offline_mode():
        return "HF_HUB_OFFLINE=1 is set"
    if not config.download:
        return "downloads are off (HF_HUB_OFFLINE=1 or providers.local.download = false)"
    return None


def hub_unreachable() -> str | None:
    """Why the Hub cannot be reached, or ``None`` when it answered (one HEAD request, short timeout; cached)."""
    import httpx

    endpoint = hub_endpoint()
    with _lock:
        found = _probes.get(endpoint)
        if found is not None and time.monotonic() - found[0] < PROBE_TTL_S:
            return found[1]
        try:
            httpx.head(endpoint, timeout=PROBE_TIMEOUT_S)  # any HTTP answer means the Hub is reachable
            reason = None
        except (httpx.HTTPError, OSError) as exc:
            reason = f"cannot reach the HuggingFace Hub at {endpoint} ({type(exc).__name__}: {exc or 'no answer'})"
        _probes[endpoint] = (time.monotonic(), reason)
        return reason


def forget_probes() -> None:
    """Drop cached probe answers (tests; a network that just came back)."""
    with _lock:
        _probes.clear()


def download_policy(config: LocalConfig) -> tuple[bool, str]:
    """Whether a download would be attempted now, and a short word on why (for ``local status``)."""
    reason = _offline_mode(config) or hub_unreachable()
    if reason is not None:
        return False, reason
    return True, f"the HuggingFace Hub at {hub_endpoint()} answers"


def check_downloads(model: str, config: LocalConfig, *, hint: str) -> None:
    """Raise :class:`NotAvailableOffline` (at once, no retries) unless a download from the Hub can be tried now."""
    reason = _offline_mode(config) or hub_unreachable()
    if reason is not None:
        raise NotAvailableOffline(model, provider=NAME, reason=f"not downloaded, and {reason}", hint=hint)
