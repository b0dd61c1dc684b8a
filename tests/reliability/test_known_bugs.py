"""Bugs the fuzzing found, each reproduced by one request: regression tests since their fix.

The webhook handlers must answer every request with a 2xx/4xx, apply the valid events of an
authentic delivery, and never log a traceback. These requests used to make them log one (ERROR,
"Unexpected error while processing a Milesight delivery" or Home Assistant's "Error processing
webhook <webhook id>"), and an authentic delivery or push that contained such a value lost all
its events: non-finite JSON numbers (1e999, Infinity, NaN) reaching int(), and nesting deeper
than the recursion limit (json.loads, flatten_payload, TTLock's `records`).
"""

from __future__ import annotations

import json
import logging
import secrets
import traceback

from homeassistant.core import HomeAssistant
import pytest

from simulators.ttlock import TTLockSimulator

from .harness import (
    Poster,
    async_add_milesight_webhook_entry,
    async_add_ttlock_entry,
    device_entity,
    log_problems,
)
from .milesight_cases import CHECKED, SCRATCH, reading, signed_headers

pytestmark = pytest.mark.usefixtures("external_url")


def _assert_no_traceback(caplog: pytest.LogCaptureFixture) -> None:
    problems = log_problems(caplog.records)
    where = [
        f"{type(record.exc_info[1]).__name__} at "
        f"{traceback.extract_tb(record.exc_info[2])[-1].name}"
        for record in caplog.records
        if record.exc_info and record.exc_info[1] is not None and record.exc_info[2] is not None
    ]
    assert not problems, f"{problems} {where}"


async def _async_hook(hass: HomeAssistant) -> tuple[str, str]:
    secret = f"ws-{secrets.token_urlsafe(24)}"
    entry = await async_add_milesight_webhook_entry(hass, secret)
    return entry.data["webhook_id"], secret


@pytest.mark.parametrize("number", ["1e999", "-Infinity", "NaN"])
async def test_unsigned_body_with_a_non_finite_number(
    hass: HomeAssistant, poster: Poster, caplog: pytest.LogCaptureFixture, number: str
) -> None:
    """No signature header (the console test's path), `eventCreatedTime` not finite."""
    webhook_id, _ = await _async_hook(hass)
    body = f'[{{"eventType":"WEBHOOK_TEST","eventCreatedTime":{number},"data":"x"}}]'
    reply = await poster.async_request(
        webhook_id, body.encode(), {"Content-Type": "application/json"}
    )
    assert reply.status in (200, 400, 401)
    _assert_no_traceback(caplog)


async def test_signed_delivery_with_a_non_finite_ts_keeps_its_other_events(
    hass: HomeAssistant, poster: Poster, caplog: pytest.LogCaptureFixture
) -> None:
    """An authentic delivery: one event's `data.ts` is 1e999, the next one is a reading."""
    webhook_id, secret = await _async_hook(hass)
    odd = reading(SCRATCH, temperature=20.0)
    text = json.dumps([odd, reading(temperature=12.5)]).replace(
        f'"ts": {odd["data"]["ts"]}', '"ts": 1e999'
    )
    reply = await poster.async_request(webhook_id, text.encode(), signed_headers(secret))
    assert reply.status == 200
    _assert_no_traceback(caplog)
    temperature = device_entity(
        hass, f"milesight_device_{CHECKED.sn}", "sensor", device_class="temperature"
    )
    assert hass.states.get(temperature).state == "12.5"  # type: ignore[union-attr]


async def test_unsigned_deeply_nested_body(
    hass: HomeAssistant, poster: Poster, caplog: pytest.LogCaptureFixture
) -> None:
    """No signature header, the body 60,000 `[` (60 kB, under the 256 kB cap)."""
    webhook_id, _ = await _async_hook(hass)
    reply = await poster.async_request(
        webhook_id, b"[" * 60_000, {"Content-Type": "application/json"}
    )
    assert reply.status in (200, 400, 401)
    _assert_no_traceback(caplog)


async def test_signed_delivery_with_a_deeply_nested_payload_keeps_its_other_events(
    hass: HomeAssistant, poster: Poster, caplog: pytest.LogCaptureFixture
) -> None:
    """An authentic delivery: one payload nested 1,100 levels deep, then a reading."""
    webhook_id, secret = await _async_hook(hass)
    deep = reading(SCRATCH)
    deep["data"]["payload"] = "__DEEP__"
    text = json.dumps([deep, reading(temperature=13.5)]).replace(
        '"__DEEP__"', '{"a":' * 1100 + "0" + "}" * 1100
    )
    reply = await poster.async_request(webhook_id, text.encode(), signed_headers(secret))
    assert reply.status == 200
    _assert_no_traceback(caplog)
    temperature = device_entity(
        hass, f"milesight_device_{CHECKED.sn}", "sensor", device_class="temperature"
    )
    assert hass.states.get(temperature).state == "13.5"  # type: ignore[union-attr]


async def test_ttlock_push_with_deeply_nested_records(
    hass: HomeAssistant,
    poster: Poster,
    ttlock_cloud: TTLockSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """`records=` followed by 60,000 `[` (unencoded, 60 kB: under the 2 MiB cap)."""
    entry = await async_add_ttlock_entry(
        hass, ttlock_cloud.url, ttlock_cloud.username, ttlock_cloud.password
    )
    caplog.set_level(logging.DEBUG)
    body = b"notifyType=1&lockId=4711001&records=" + b"[" * 60_000
    reply = await poster.async_request(
        entry.data["webhook_id"], body, {"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert (reply.status, reply.text) == (200, "success")
    _assert_no_traceback(caplog)
