"""Milesight Development Platform webhooks: signature verification and delivery parsing.

HA-free (stdlib only) so it can ship with the client library. MDP signs only
`timestamp + nonce` (not the body), so a captured request could be replayed with another body
inside the freshness window: the verifier therefore also remembers nonces, and callers
de-duplicate `eventId`s with `EventIdCache`. The same headers with the same body are a
redelivery, not a replay: whether MDP redelivers with the original headers is *unconfirmed*
(field findings 6), and refusing one would count as a failed delivery towards MDP's suspension
of the webhook, so `verify` tells the caller to answer it without applying it again.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
import hashlib
import hmac
import json
import math
import secrets
import time
from typing import Any

HEADER_UUID = "x-msc-webhook-uuid"
HEADER_TIMESTAMP = "x-msc-request-timestamp"
HEADER_NONCE = "x-msc-request-nonce"
HEADER_SIGNATURE = "x-msc-request-signature"

# Accepted clock difference between MDP and us, both directions (seconds).
FRESHNESS_WINDOW_S = 300

EVENT_DEVICE_DATA = "DEVICE_DATA"
EVENT_WEBHOOK_TEST = "WEBHOOK_TEST"
EVENT_TASK_DATA = "TASK_DATA"
EVENT_SYSTEM_MESSAGES = "SYSTEM_MESSAGES"

DATA_PROPERTY = "PROPERTY"
DATA_EVENT = "EVENT"
DATA_SERVICE = "SERVICE"
DATA_ONLINE = "ONLINE"
DATA_OFFLINE = "OFFLINE"
TSL_HISTORICAL_DATA = "historical_data"


class MilesightWebhookError(Exception):
    """A delivery was rejected."""


class WebhookSignatureError(MilesightWebhookError):
    """Missing headers or a signature that does not match the webhook secret."""


class WebhookStaleError(MilesightWebhookError):
    """The timestamp is outside the freshness window (old, future, or not a number)."""


class WebhookReplayError(MilesightWebhookError):
    """The nonce was already used inside the freshness window."""


class WebhookPayloadError(MilesightWebhookError):
    """The body is too large or not a JSON event (array of events)."""


class WebhookBodyTooLargeError(WebhookPayloadError):
    """The body is larger than the caller's cap (HTTP 413)."""


def compute_signature(secret: str, timestamp: str, nonce: str) -> str:
    """Lower-case hex HMAC-SHA256 of `timestamp + nonce` keyed with the webhook secret."""
    return hmac.new(secret.encode(), (timestamp + nonce).encode(), hashlib.sha256).hexdigest()


def build_signed_headers(
    secret: str, *, timestamp: int | None = None, nonce: str | None = None, uuid: str = ""
) -> dict[str, str]:
    """Headers MDP would send with a delivery (used by the "test webhook" button and tests)."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    nonce = nonce or secrets.token_hex(8)
    headers = {
        "Content-Type": "application/json",
        HEADER_TIMESTAMP: stamp,
        HEADER_NONCE: nonce,
        HEADER_SIGNATURE: compute_signature(secret, stamp, nonce),
    }
    if uuid:
        headers[HEADER_UUID] = uuid
    return headers


class NonceCache:
    """Nonces seen recently and a digest of the body each came with.

    Entries expire after their lifetime (≥ the freshness window); the size is bounded.
    """

    def __init__(self, lifetime_s: float = 2 * FRESHNESS_WINDOW_S, max_size: int = 4096) -> None:
        """Remember nonces for `lifetime_s` seconds (≥ the freshness window)."""
        self._lifetime = lifetime_s
        self._max_size = max_size
        self._seen: OrderedDict[str, tuple[float, bytes]] = OrderedDict()

    def add(self, nonce: str, now: float, body_digest: bytes = b"") -> bool:
        """Record a nonce; False when it was already seen (a replay, or a redelivery)."""
        while self._seen:
            oldest, (seen_at, _digest) = next(iter(self._seen.items()))
            if now - seen_at <= self._lifetime and len(self._seen) < self._max_size:
                break
            del self._seen[oldest]
        if nonce in self._seen:
            return False
        self._seen[nonce] = (now, body_digest)
        return True

    def body_digest(self, nonce: str) -> bytes | None:
        """The digest of the body first seen with `nonce` (None: not remembered)."""
        seen = self._seen.get(nonce)
        return None if seen is None else seen[1]


class EventIdCache:
    """Bounded LRU of delivered `eventId`s so a re-sent event is applied once."""

    def __init__(self, max_size: int = 2048) -> None:
        """Keep at most `max_size` ids."""
        self._max_size = max_size
        self._ids: OrderedDict[str, None] = OrderedDict()

    def add(self, event_id: str) -> bool:
        """Record an id; False when it was already seen."""
        if event_id in self._ids:
            self._ids.move_to_end(event_id)
            return False
        self._ids[event_id] = None
        if len(self._ids) > self._max_size:
            self._ids.popitem(last=False)
        return True


class WebhookVerifier:
    """Check the signature headers of one Application's deliveries."""

    def __init__(
        self, secret: str, *, window_s: int = FRESHNESS_WINDOW_S, uuid: str | None = None
    ) -> None:
        """`uuid`, when given, must match `x-msc-webhook-uuid` (a cheap extra filter)."""
        self._secret = secret
        self._window = window_s
        self._uuid = (uuid or "").strip().lower()
        self._nonces = NonceCache(lifetime_s=2 * window_s)

    def verify(
        self, headers: Mapping[str, str], now: float | None = None, *, body: bytes | None = None
    ) -> bool:
        """Raise a MilesightWebhookError subclass unless the headers are fresh, unique and signed.

        With the `body`, a request repeating the headers *and* the body of one verified before
        is a redelivery: True is returned, and the caller answers it without applying it again.
        The same headers with another body stay a replay (WebhookReplayError).
        """
        lowered = {key.lower(): value for key, value in headers.items()}
        timestamp = lowered.get(HEADER_TIMESTAMP, "").strip()
        nonce = lowered.get(HEADER_NONCE, "").strip()
        signature = lowered.get(HEADER_SIGNATURE, "").strip().lower()
        if not (timestamp and nonce and signature):
            raise WebhookSignatureError("missing signature headers")
        if not (timestamp.isascii() and nonce.isascii() and signature.isascii()):
            # MDP sends hex and digits only. Anything else is no delivery of ours, and would
            # make compare_digest (non-ASCII str) or encode() (undecodable bytes) raise.
            raise WebhookSignatureError("signature headers are not ASCII")
        if self._uuid and lowered.get(HEADER_UUID, "").strip().lower() != self._uuid:
            raise WebhookSignatureError("webhook uuid does not match")
        expected = compute_signature(self._secret, timestamp, nonce)
        if not hmac.compare_digest(expected, signature):
            raise WebhookSignatureError("signature does not match")
        now = time.time() if now is None else now
        try:
            sent_at = int(timestamp)
        except ValueError as err:
            raise WebhookStaleError("timestamp is not a number") from err
        if abs(now - sent_at) > self._window:
            raise WebhookStaleError("timestamp outside the freshness window")
        digest = b"" if body is None else hashlib.sha256(body).digest()
        if self._nonces.add(nonce, now, digest):
            return False
        if body is not None and hmac.compare_digest(self._nonces.body_digest(nonce) or b"", digest):
            return True
        raise WebhookReplayError("nonce already used")


@dataclass(frozen=True, slots=True)
class DeviceProfile:
    """Who sent a DEVICE_DATA event; `sn` is the stable key, `device_id` is for API calls."""

    sn: str
    device_id: str | None = None
    dev_eui: str | None = None
    name: str | None = None
    model: str | None = None


@dataclass(frozen=True, slots=True)
class WebhookEvent:
    """One event envelope of a delivery, with the spelling variants resolved."""

    event_id: str | None
    event_type: str
    created_time: int | None
    data_type: str | None = None
    tsl_id: str | None = None
    ts_ms: int | None = None
    device: DeviceProfile | None = None
    payload: dict[str, Any] = field(default_factory=dict)
    data: Any = None

    @property
    def timestamp(self) -> float | None:
        """Measurement time in seconds: `ts` (ms) when present, else `eventCreatedTime`."""
        if self.ts_ms is not None:
            return self.ts_ms / 1000
        if self.created_time is not None:
            return float(self.created_time)
        return None


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        # JSON allows 1e999 (inf); NaN and Infinity pass Python's parser too.
        return int(value) if math.isfinite(value) else None
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return None
    return None


def _as_str(value: Any) -> str | None:
    """Ids arrive as strings or numbers (19-digit snowflakes): always keep strings."""
    if value is None or isinstance(value, dict | list):
        return None
    text = str(value).strip()
    return text or None


def _first(mapping: Mapping[str, Any], *keys: str) -> Any:
    for key in keys:
        if key in mapping:
            return mapping[key]
    return None


def _parse_profile(raw: Any) -> DeviceProfile | None:
    if not isinstance(raw, Mapping):
        return None
    sn = _as_str(_first(raw, "sn", "SN"))
    dev_eui = _as_str(_first(raw, "devEUI", "devEui", "deveui"))
    if sn is None:
        # Older formats may omit the serial; the EUI is then the only stable identity.
        sn = dev_eui
    if sn is None:
        return None
    return DeviceProfile(
        sn=sn,
        device_id=_as_str(_first(raw, "deviceId", "deviceID")),
        dev_eui=dev_eui,
        name=_as_str(raw.get("name")),
        model=_as_str(raw.get("model")),
    )


def parse_event(raw: Any) -> WebhookEvent | None:
    """Parse one envelope; None when it is not an object with an `eventType`."""
    if not isinstance(raw, Mapping):
        return None
    event_type = _as_str(raw.get("eventType"))
    if event_type is None:
        return None
    data = raw.get("data")
    data_map: Mapping[str, Any] = data if isinstance(data, Mapping) else {}
    payload = data_map.get("payload")
    return WebhookEvent(
        event_id=_as_str(_first(raw, "eventId", "eventID")),
        event_type=event_type.upper(),
        created_time=_as_int(raw.get("eventCreatedTime")),
        # The docs place `type` ambiguously: accept it inside `data` or on the envelope.
        data_type=(_as_str(data_map.get("type")) or _as_str(raw.get("type")) or "").upper() or None,
        tsl_id=_as_str(_first(data_map, "tslId", "tslID")),
        ts_ms=_as_int(data_map.get("ts")),
        device=_parse_profile(data_map.get("deviceProfile")),
        payload=dict(payload) if isinstance(payload, Mapping) else {},
        data=data,
    )


def parse_delivery(body: bytes, *, max_body_bytes: int | None = None) -> list[WebhookEvent]:
    """Parse a delivery body: a JSON array of envelopes or a single envelope object.

    MDP documents no maximum batch size: the caller chooses the cap (a backlog may be large);
    None when it has capped the body already.
    """
    if max_body_bytes is not None and len(body) > max_body_bytes:
        raise WebhookBodyTooLargeError(f"body larger than {max_body_bytes} bytes")
    try:
        decoded = json.loads(body)
    except (UnicodeDecodeError, ValueError, RecursionError) as err:
        # RecursionError: nesting deeper than the interpreter allows (an attack, never MDP).
        raise WebhookPayloadError("body is not JSON") from err
    items = decoded if isinstance(decoded, list) else [decoded]
    events = [event for event in (parse_event(item) for item in items) if event is not None]
    if not events:
        raise WebhookPayloadError("no event in body")
    return events


def newest_events(events: list[WebhookEvent], limit: int) -> tuple[list[WebhookEvent], int]:
    """At most `limit` events: the newest (measurement time, then position), in delivery order.

    Returns them and how many older ones were left out. An event without a time counts as the
    oldest; events of the same time keep their order (MDP documents no order:
    *unconfirmed*).
    """
    if len(events) <= limit:
        return events, 0
    by_age = sorted(range(len(events)), key=lambda index: (events[index].timestamp or 0.0, index))
    kept = sorted(by_age[-limit:])
    return [events[index] for index in kept], len(events) - limit
