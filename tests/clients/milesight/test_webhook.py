"""HA-free webhook protocol: signature, freshness, replay, parsing (clients/milesight/webhook.py)."""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest

from custom_components.minerva_iot.clients.milesight.webhook import (
    EventIdCache,
    NonceCache,
    WebhookBodyTooLargeError,
    WebhookEvent,
    WebhookPayloadError,
    WebhookReplayError,
    WebhookSignatureError,
    WebhookStaleError,
    WebhookVerifier,
    build_signed_headers,
    compute_signature,
    newest_events,
    parse_delivery,
    parse_event,
)

NOW = 1_735_689_600


def test_signature_matches_reference_formula() -> None:
    """hex(HMAC-SHA256(secret, timestamp + nonce)), no separator."""
    expected = hmac.new(b"s3cret", b"17356896009b1d2e3f", hashlib.sha256).hexdigest()
    assert compute_signature("s3cret", "1735689600", "9b1d2e3f") == expected


def test_verifier_accepts_upper_case_headers_and_signature() -> None:
    """Header names and the hex signature are case-insensitive."""
    headers = build_signed_headers("s3cret", timestamp=NOW, nonce="n1", uuid="U-1")
    shouted = {key.upper(): value for key, value in headers.items()}
    shouted["X-MSC-REQUEST-SIGNATURE"] = shouted["X-MSC-REQUEST-SIGNATURE"].upper()
    WebhookVerifier("s3cret", uuid="u-1").verify(shouted, now=NOW)


@pytest.mark.parametrize(
    ("headers", "now", "uuid", "error"),
    [
        (build_signed_headers("other", timestamp=NOW, nonce="a"), NOW, None, WebhookSignatureError),
        ({"x-msc-request-timestamp": str(NOW)}, NOW, None, WebhookSignatureError),
        (
            build_signed_headers("s3cret", timestamp=NOW, nonce="a"),
            NOW + 301,
            None,
            WebhookStaleError,
        ),
        (
            build_signed_headers("s3cret", timestamp=NOW, nonce="a"),
            NOW - 301,
            None,
            WebhookStaleError,
        ),
        (
            build_signed_headers("s3cret", timestamp=NOW, nonce="a", uuid="other"),
            NOW,
            "2b7e",
            WebhookSignatureError,
        ),
    ],
)
def test_verifier_rejections(
    headers: dict[str, str], now: int, uuid: str | None, error: type[Exception]
) -> None:
    """Wrong secret, missing headers, stale/future timestamps, another UUID."""
    with pytest.raises(error):
        WebhookVerifier("s3cret", uuid=uuid).verify(headers, now=now)


def test_non_numeric_timestamp_is_stale() -> None:
    """A signed but non-numeric timestamp is refused."""
    headers = {
        "x-msc-request-timestamp": "soon",
        "x-msc-request-nonce": "n",
        "x-msc-request-signature": compute_signature("s", "soon", "n"),
    }
    with pytest.raises(WebhookStaleError):
        WebhookVerifier("s").verify(headers, now=NOW)


def test_replayed_nonce() -> None:
    """The same nonce twice inside the window is a replay."""
    verifier = WebhookVerifier("s3cret")
    headers = build_signed_headers("s3cret", timestamp=NOW, nonce="once")
    verifier.verify(headers, now=NOW)
    with pytest.raises(WebhookReplayError):
        verifier.verify(headers, now=NOW + 1)


def test_same_headers_and_body_are_a_redelivery() -> None:
    """The same headers with the same body: a redelivery (True); with another body: a replay."""
    verifier = WebhookVerifier("s3cret")
    headers = build_signed_headers("s3cret", timestamp=NOW, nonce="once")
    assert verifier.verify(headers, now=NOW, body=b"[1]") is False
    assert verifier.verify(headers, now=NOW + 5, body=b"[1]") is True
    with pytest.raises(WebhookReplayError):
        verifier.verify(headers, now=NOW + 6, body=b"[2]")
    with pytest.raises(WebhookReplayError):
        verifier.verify(headers, now=NOW + 7)
    # The freshness window still applies to a redelivery.
    with pytest.raises(WebhookStaleError):
        verifier.verify(headers, now=NOW + 301, body=b"[1]")


def test_nonce_cache_expires_and_is_bounded() -> None:
    """Old nonces are forgotten after their lifetime; the cache never grows past its size."""
    cache = NonceCache(lifetime_s=10, max_size=2)
    assert cache.add("a", 0)
    assert not cache.add("a", 5)
    assert cache.add("a", 20)  # expired, accepted again
    assert cache.add("b", 21)
    assert cache.add("c", 22)  # evicts the oldest
    assert cache.add("a", 23)


def test_event_id_cache_is_bounded_lru() -> None:
    """Duplicates are detected; the oldest id is dropped when full."""
    cache = EventIdCache(max_size=2)
    assert cache.add("1")
    assert cache.add("2")
    assert not cache.add("1")
    assert cache.add("3")  # evicts "2" (least recently seen)
    assert cache.add("2")


def test_parse_variants() -> None:
    """eventID/tslID spellings, string times, numeric ids, type at envelope level, EUI fallback."""
    body = json.dumps(
        {
            "eventID": "e-1",
            "eventCreatedTime": "1735689600",
            "eventType": "device_data",
            "type": "property",
            "data": {
                "deviceProfile": {"deviceId": 1890000000000000001, "devEUI": "24E1", "model": "X"},
                "tslID": "t",
                "payload": {"a": {"b": 1}},
            },
        }
    ).encode()
    (event,) = parse_delivery(body)
    assert event.event_id == "e-1"
    assert event.event_type == "DEVICE_DATA"
    assert event.data_type == "PROPERTY"
    assert event.tsl_id == "t"
    assert event.device is not None
    assert event.device.sn == "24E1"
    assert event.device.device_id == "1890000000000000001"
    assert event.timestamp == 1735689600.0
    assert event.payload == {"a": {"b": 1}}


def test_parse_timestamps_and_odd_values() -> None:
    """`ts` (ms) wins over eventCreatedTime; odd values do not crash."""
    event = parse_event(
        {"eventType": "DEVICE_DATA", "eventCreatedTime": 1.5, "data": {"ts": "1000", "payload": []}}
    )
    assert event is not None
    assert event.timestamp == 1.0
    assert event.payload == {}
    assert event.device is None
    odd = parse_event({"eventType": "X", "eventCreatedTime": True, "eventId": {"x": 1}})
    assert odd is not None
    assert odd.timestamp is None
    assert odd.event_id is None
    bad_time = parse_event({"eventType": "X", "eventCreatedTime": "later", "data": "text"})
    assert bad_time is not None
    assert bad_time.created_time is None
    assert bad_time.data == "text"
    assert parse_event({"eventType": "X", "eventCreatedTime": None}).created_time is None
    assert parse_event({"eventType": "DEVICE_DATA", "data": {"deviceProfile": {}}}).device is None
    assert parse_event([1]) is None
    assert parse_event({"no": "type"}) is None


@pytest.mark.parametrize("body", [b"x" * 1025, b"{", b"\xff", b"[]", b'[{"a": 1}]'])
def test_parse_rejects(body: bytes) -> None:
    """Too large for the caller's cap, not JSON, not UTF-8, empty or without any event."""
    with pytest.raises(WebhookPayloadError):
        parse_delivery(body, max_body_bytes=1024)


def test_body_over_the_cap_is_its_own_error() -> None:
    """The caller answers a body beyond its cap with 413: the error says so."""
    with pytest.raises(WebhookBodyTooLargeError):
        parse_delivery(b"[" + b" " * 2000 + b"]", max_body_bytes=1024)


def _timed(event_id: str, ts_ms: int | None) -> WebhookEvent:
    event = parse_event(
        {"eventId": event_id, "eventType": "DEVICE_DATA", "data": {"ts": ts_ms, "payload": {}}}
    )
    assert event is not None
    return event


def test_newest_events_keeps_the_newest_in_delivery_order() -> None:
    """Beyond the limit the newest (by measurement time) are kept, in the order they came."""
    events = [_timed("c", 3000), _timed("a", 1000), _timed("none", None), _timed("b", 2000)]
    kept, dropped = newest_events(events, 2)
    assert [event.event_id for event in kept] == ["c", "b"]
    assert dropped == 2
    assert newest_events(events, 4) == (events, 0)
