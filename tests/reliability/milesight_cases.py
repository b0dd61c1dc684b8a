"""Turn drawn Milesight cases into HTTP requests (body and headers), at the moment they are sent.

Deliveries are what MDP sends (reference milesight-mdp-api.md §6): a JSON array of envelopes,
signed with `x-msc-*` headers over `timestamp + nonce` (the body is not covered).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
import copy
from dataclasses import dataclass, field
import hashlib
import hmac
import itertools
import json
import secrets
import time
from typing import Any

from multidict import CIMultiDict

from simulators.milesight import MilesightSimulator

from .strategies import SIGNATURE_HEADERS, header_name

# The catalogue's devices: EM300-TH readings are checked, AM319 takes the odd payloads.
SIM = MilesightSimulator(seed=7)
CHECKED = next(device for device in SIM.devices if device.model == "EM300-TH")
SCRATCH = next(device for device in SIM.devices if device.model == "AM319")
UNTOUCHED = [device for device in SIM.devices if device not in (CHECKED, SCRATCH)]

_ids = itertools.count(1)


def sign(secret: str, timestamp: str, nonce: str) -> str:
    """MDP's signature: hex HMAC-SHA256 of `timestamp + nonce` (reference §6.2)."""
    return hmac.new(secret.encode(), (timestamp + nonce).encode(), hashlib.sha256).hexdigest()


def signed_headers(
    secret: str, *, timestamp: int | str | None = None, nonce: str | None = None
) -> dict[str, str]:
    """Headers of a delivery MDP would sign with `secret`."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    nonce = nonce or secrets.token_hex(8)
    return {
        "Content-Type": "application/json",
        "x-msc-webhook-uuid": SIM.webhook_uuid,
        "x-msc-request-timestamp": stamp,
        "x-msc-request-nonce": nonce,
        "x-msc-request-signature": sign(secret, stamp, nonce),
    }


def event_id() -> str:
    """A fresh eventId (never seen by the entry)."""
    return f"fuzz-{next(_ids)}-{secrets.token_hex(4)}"


def reading(device: Any = CHECKED, **payload: Any) -> dict[str, Any]:
    """A DEVICE_DATA/PROPERTY event of a catalogue device."""
    event = SIM.uplink_event(device.sn, payload or None)
    event["eventId"] = event_id()
    return event


def baseline_events() -> list[dict[str, Any]]:
    """One reading of every catalogue device, so that their entities exist before fuzzing."""
    return [reading(device) for device in SIM.devices]


@dataclass
class Request:
    """One request to send: body (bytes or a chunk iterator), headers, headers to leave out."""

    body: Any
    headers: CIMultiDict[str]
    skip_auto_headers: list[str] = field(default_factory=list)


async def _chunks(body: bytes, size: int = 4096) -> AsyncIterator[bytes]:
    for start in range(0, len(body), size):
        yield body[start : start + size]


def nested(depth: int, opener: str, closed: bool) -> bytes:
    """`depth` levels of nesting (closed or not)."""
    closer = "]" if opener == "[" else "}"
    inner = "0" if closed else ""
    return (opener * depth + inner + (closer * depth if closed else "")).encode()


def unsigned_body(kind: str, value: Any) -> bytes:
    """The body of an unauthenticated request."""
    if kind == "bytes":
        return bytes(value)
    if kind in ("text", "unicode"):
        return str(value).encode("utf-8", "surrogatepass")
    if kind == "json":
        return json.dumps(value).encode()
    if kind == "delivery":
        return json.dumps([reading(temperature=-99.9 + index) for index in range(value)]).encode()
    if kind == "truncated":
        body = json.dumps(baseline_events()).encode()
        return body[: int(len(body) * value)]
    if kind == "webhook_test":
        events = [SIM.event("WEBHOOK_TEST") for _ in range(value)]
        return json.dumps(events).encode()
    if kind == "odd_numbers":
        return f'[{{"eventId":"{event_id()}","eventType":"WEBHOOK_TEST","eventCreatedTime":{value},"data":{{"ts":{value}}}}}]'.encode()
    if kind == "deep":
        return nested(value["depth"], value["opener"], value["closed"])
    if kind == "oversized":
        event = json.dumps(reading(temperature=-99.0)).encode()
        padding = b" " * max(0, value - len(event) - 2)
        return b"[" + event + padding + b"]"
    raise AssertionError(kind)


def unsigned_request(case: dict[str, Any]) -> Request:
    """An unauthenticated request: no header variant uses the entry's secret."""
    kind, value = case["body"]
    body = unsigned_body(kind, value)
    headers: CIMultiDict[str] = CIMultiDict()
    plausible = signed_headers(secrets.token_hex(16))  # another Application's secret
    for name, variant in zip(SIGNATURE_HEADERS, case["headers"], strict=True):
        spelled = header_name(name, case["header_case"])
        match variant:
            case ("missing",):
                pass
            case ("plausible",):
                headers.add(spelled, plausible[name])
            case ("empty",):
                headers.add(spelled, "")
            case ("text", text) | ("non_ascii", text):
                headers.add(spelled, text)
            case ("duplicated", same):
                headers.add(spelled, plausible[name])
                headers.add(spelled, plausible[name] if same else secrets.token_hex(8))
            case ("padded", pad):
                headers.add(spelled, f"{pad}{plausible[name]}{pad}")
            case ("number", number):
                headers.add(spelled, number)
    skip = _content_type(headers, case["content_type"])
    return Request(_chunks(body) if case["chunked"] else body, headers, skip)


def _content_type(headers: CIMultiDict[str], content_type: Any) -> list[str]:
    """Set the Content-Type the case asks for; the headers aiohttp must not add itself."""
    if content_type is None:
        return ["Content-Type"]
    for value in content_type if isinstance(content_type, tuple) else (content_type,):
        headers.add("Content-Type", value)
    return []


@dataclass
class SignedDelivery:
    """A signed delivery and the temperature it must leave on the checked device (if any)."""

    request: Request
    expected_temperature: float | None
    has_event: bool


def _set_path(event: dict[str, Any], path: str, value: Any) -> None:
    target: Any = event
    *parents, last = path.split(".")
    for key in parents:
        if not isinstance(target, dict) or not isinstance(target.get(key), dict):
            return
        target = target[key]
    target[last] = value


def delivery_event(template: tuple[Any, ...]) -> tuple[Any, float | None, bool]:
    """The event of a template, the temperature it sets (readings only), whether it is an event."""
    kind = template[0]
    if kind == "reading":
        return reading(temperature=template[1]), template[1], True
    if kind == "junk":
        return copy.deepcopy(template[1]), None, False
    if kind == "wrong_type":
        event = reading(SCRATCH)
        _set_path(event, template[1], copy.deepcopy(template[2]))
        return event, None, False
    if kind == "weird_payload":
        event = reading(SCRATCH)
        event["data"]["payload"] = copy.deepcopy(template[1])
        return event, None, True
    if kind == "other_type":
        return (
            {"eventId": event_id(), "eventType": template[1], "data": copy.deepcopy(template[2])},
            None,
            True,
        )
    raise AssertionError(kind)


def signed_delivery(case: dict[str, Any], secret: str) -> SignedDelivery:
    """A delivery signed with the entry's secret (fresh timestamp and nonce)."""
    events = []
    expected: float | None = None
    has_event = False
    for template in case["events"]:
        event, temperature, is_event = delivery_event(template)
        events.append(event)
        has_event = has_event or is_event
        if temperature is not None:
            expected = temperature
    if case["deep_payload"]:
        deep = reading(SCRATCH)
        deep["data"]["payload"] = "__DEEP__"
        events.insert(0, deep)
        has_event = True
    document: Any = events[0] if case["single_object"] and len(events) == 1 else events
    text = json.dumps(document, ensure_ascii=case["ensure_ascii"])
    if case["deep_payload"]:
        text = text.replace('"__DEEP__"', nested(case["deep_payload"], '{"a":', True).decode(), 1)
    headers = CIMultiDict(signed_headers(secret))
    del headers["Content-Type"]
    skip = _content_type(headers, case["content_type"])
    return SignedDelivery(Request(text.encode(), headers, skip), expected, has_event)
