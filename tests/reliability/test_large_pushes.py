"""Large pushes lose nothing (issue 15 part 5): backlogs through Home Assistant's HTTP webhook.

A push of up to `MAX_PUSH_RECORDS` records (TTLock) or events (Milesight) is applied whole, in
order. Beyond it, the newest are applied and the older ones counted and logged once (a warning,
no traceback); TTLock reads them back with ONE `lockRecord/list` call per lock, and no record is
reported twice. A body beyond `MAX_PUSH_BODY_BYTES` is answered 413 with the limit in the body.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any
from urllib.parse import urlencode

from homeassistant.components.lock import LockState
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
import pytest

from custom_components.minerva_iot.const import EVENT_MINERVA
from custom_components.minerva_iot.webhook_body import (
    BODY_TOO_LARGE_TEXT,
    MAX_PUSH_BODY_BYTES,
    MAX_PUSH_RECORDS,
)
from simulators.milesight import MilesightSimulator
from simulators.ttlock import TTLockSimulator

from .harness import (
    ClientFactory,
    Poster,
    async_add_milesight_webhook_entry,
    async_add_ttlock_entry,
    async_download_diagnostics,
    device_entity,
    log_problems,
)
from .results import Results

pytestmark = pytest.mark.usefixtures("external_url")

FRONT_DOOR = 4711001
# Unlock by passcode, door opened, door closed, locked by passcode: the newest is a lock.
CYCLE = [4, 31, 30, 34]
LIST_CALL = "lockRecord/list"


def _warnings(caplog: pytest.LogCaptureFixture, logger: str) -> list[logging.LogRecord]:
    return [
        record
        for record in caplog.records
        if record.name == logger and record.levelno >= logging.WARNING
    ]


def _pushed_records(events: list[Any]) -> list[tuple[int, int]]:
    """(lock_date, record_type) of every record reported on the bus."""
    return [
        (event.data["record"]["lock_date"], event.data["record"]["record_type"])
        for event in events
        if "record" in event.data
    ]


def _form_body(fields: dict[str, str], size: int | None = None) -> bytes:
    """The urlencoded push, padded (an unknown field TTLock would ignore) to `size` bytes."""
    body = urlencode(fields).encode()
    if size is None:
        return body
    assert len(body) < size - 10, len(body)
    return body + b"&pad=" + b"x" * (size - len(body) - 5)


def _records_in(fields: dict[str, str]) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = json.loads(fields["records"])
    return records


def _fitting(record_size: int) -> int:
    """How many records of `record_size` bytes fit in the hard cap, with room for the rest."""
    return (MAX_PUSH_BODY_BYTES - 4096) // record_size


async def _ttlock(hass: HomeAssistant, cloud: TTLockSimulator) -> ConfigEntry:
    return await async_add_ttlock_entry(hass, cloud.url, cloud.username, cloud.password)


async def test_ttlock_push_of_1000_records_is_applied_whole(
    hass: HomeAssistant, ttlock_cloud: TTLockSimulator, poster: Poster, results: Results
) -> None:
    """1,000 records in one push: every one reported once, in order; no read-back call."""
    entry = await _ttlock(hass, ttlock_cloud)
    events = _capture(hass)
    fields = ttlock_cloud.backlog_callback(FRONT_DOOR, CYCLE * (MAX_PUSH_RECORDS // len(CYCLE)))
    calls = ttlock_cloud.calls[LIST_CALL]
    reply = await poster.async_request(entry.data["webhook_id"], _form_body(fields), _FORM)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert (reply.status, reply.text) == (200, "success")
    pushed = [(record["lockDate"], record["recordType"]) for record in _records_in(fields)]
    assert _pushed_records(events) == pushed
    assert ttlock_cloud.calls[LIST_CALL] == calls
    assert hass.states.get(_lock(hass)).state == LockState.LOCKED
    results.large_push("ttlock", "1,000 records in one push", "1000 applied in order, 0 lost")


async def test_ttlock_push_of_2_mib_applies_the_newest_and_reads_back_the_rest(
    hass: HomeAssistant,
    ttlock_cloud: TTLockSimulator,
    poster: Poster,
    caplog: pytest.LogCaptureFixture,
    results: Results,
) -> None:
    """A 2 MiB backlog: the newest 1,000 applied; the older ones counted, logged once and read
    back with one lockRecord/list call; nothing reported twice, the door state stays newest."""
    entry = await _ttlock(hass, ttlock_cloud)
    events = _capture(hass)
    probe = ttlock_cloud.backlog_callback(FRONT_DOOR, CYCLE)
    record_size = len(urlencode({"r": probe["records"]})) // len(CYCLE) + 1
    count = _fitting(record_size) // len(CYCLE) * len(CYCLE)
    fields = ttlock_cloud.backlog_callback(FRONT_DOOR, CYCLE * (count // len(CYCLE)))
    body = _form_body(fields, MAX_PUSH_BODY_BYTES)
    assert len(body) == MAX_PUSH_BODY_BYTES
    assert count > MAX_PUSH_RECORDS
    calls = ttlock_cloud.calls[LIST_CALL]

    reply = await poster.async_request(entry.data["webhook_id"], body, _FORM)
    await hass.async_block_till_done(wait_background_tasks=True)

    assert (reply.status, reply.text) == (200, "success")
    assert ttlock_cloud.calls[LIST_CALL] == calls + 1
    reported = _pushed_records(events)
    pushed = [(record["lockDate"], record["recordType"]) for record in _records_in(fields)]
    newest = pushed[-MAX_PUSH_RECORDS:]
    assert reported[:MAX_PUSH_RECORDS] == newest
    read_back = reported[MAX_PUSH_RECORDS:]
    # One page of the API's largest size: the newest of the records left out, oldest first.
    assert read_back == pushed[-MAX_PUSH_RECORDS - len(read_back) : -MAX_PUSH_RECORDS]
    assert len(read_back) == 200
    assert len(set(reported)) == len(reported)
    assert hass.states.get(_lock(hass)).state == LockState.LOCKED
    door = device_entity(hass, f"ttlock_lock_{FRONT_DOOR}", "binary_sensor", device_class="door")
    assert hass.states.get(door).state == "off"
    warnings = _warnings(caplog, "custom_components.minerva_iot.ttlock.webhook")
    assert len(warnings) == 1
    assert f"the {count - MAX_PUSH_RECORDS} older ones are read back" in warnings[0].getMessage()
    assert log_problems(caplog.records) == []

    # A second backlog: applied and read back alike, not logged again.
    fields = ttlock_cloud.backlog_callback(FRONT_DOOR, CYCLE * (MAX_PUSH_RECORDS // 2))
    reply = await poster.async_request(entry.data["webhook_id"], _form_body(fields), _FORM)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert (reply.status, log_problems(caplog.records)) == (200, [])
    assert ttlock_cloud.calls[LIST_CALL] == calls + 2
    assert len(_warnings(caplog, "custom_components.minerva_iot.ttlock.webhook")) == 1
    results.large_push(
        "ttlock",
        f"2 MiB push ({count} records)",
        f"newest 1000 applied, {count - MAX_PUSH_RECORDS} counted and logged once, 1 "
        f"lockRecord/list call read back {len(read_back)} of them, 0 reported twice",
    )


async def test_ttlock_push_beyond_2_mib_is_refused_with_413(
    hass: HomeAssistant, ttlock_cloud: TTLockSimulator, poster: Poster, results: Results
) -> None:
    """One byte over the hard cap: 413, the limit said in the body, nothing applied."""
    entry = await _ttlock(hass, ttlock_cloud)
    events = _capture(hass)
    fields = ttlock_cloud.backlog_callback(FRONT_DOOR, CYCLE)
    reply = await poster.async_request(
        entry.data["webhook_id"], _form_body(fields, MAX_PUSH_BODY_BYTES + 1), _FORM
    )
    await hass.async_block_till_done(wait_background_tasks=True)
    assert (reply.status, reply.text) == (413, BODY_TOO_LARGE_TEXT)
    assert str(MAX_PUSH_BODY_BYTES) in reply.text
    assert _pushed_records(events) == []
    results.large_push("ttlock", "2 MiB + 1 byte", "413 with the limit in the body, 0 applied")


def _capture(hass: HomeAssistant) -> list[Any]:
    """The integration's bus events, in the order they were fired."""
    captured: list[Any] = []

    @callback
    def _append(event: Any) -> None:
        captured.append(event)

    hass.bus.async_listen(EVENT_MINERVA, _append)
    return captured


def _lock(hass: HomeAssistant) -> str:
    return device_entity(hass, f"ttlock_lock_{FRONT_DOOR}", "lock")


_FORM = {"Content-Type": "application/x-www-form-urlencoded"}


# --- Milesight ---------------------------------------------------------------------------------


def _crossings(cloud: MilesightSimulator, count: int, start: int = 0) -> list[dict[str, Any]]:
    """`count` line-crossing events of the people counter, a second apart, numbered in their payload."""
    device = next(device for device in cloud.devices if device.model == "VS121-P")
    base_ms = int(time.time() * 1000) - (start + count) * 1000
    events = []
    for index in range(start, start + count):
        event = cloud.telemetry_event(device.sn, data={"line_in": index})
        event["data"]["ts"] = base_ms + index * 1000
        events.append(event)
    return events


def _numbers(events: list[Any]) -> list[int]:
    return [
        event.data["payload"]["line_in"]
        for event in events
        if isinstance(event.data.get("payload"), dict) and "line_in" in event.data["payload"]
    ]


async def _milesight(hass: HomeAssistant, cloud: MilesightSimulator) -> ConfigEntry:
    return await async_add_milesight_webhook_entry(hass, cloud.webhook_secret)


async def test_milesight_batch_of_1000_events_is_applied_whole(
    hass: HomeAssistant, milesight_cloud: MilesightSimulator, poster: Poster, results: Results
) -> None:
    """1,000 events in one signed delivery: every one applied once, in order."""
    entry = await _milesight(hass, milesight_cloud)
    events = _capture(hass)
    headers, body = milesight_cloud.build_delivery(_crossings(milesight_cloud, MAX_PUSH_RECORDS))
    reply = await poster.async_request(entry.data["webhook_id"], body, headers)
    assert (reply.status, reply.text) == (200, "success")
    assert _numbers(events) == list(range(MAX_PUSH_RECORDS))
    results.large_push("milesight", "1,000 events in one delivery", "1000 applied in order")


async def test_milesight_batch_of_2_mib_applies_the_newest(
    hass: HomeAssistant,
    milesight_cloud: MilesightSimulator,
    poster: Poster,
    hass_client: ClientFactory,
    caplog: pytest.LogCaptureFixture,
    results: Results,
) -> None:
    """A 2 MiB delivery: the newest 1,000 events applied, the older counted and logged once."""
    entry = await _milesight(hass, milesight_cloud)
    events = _capture(hass)
    # The largest event: the highest number and time in its payload.
    size = len(json.dumps(_crossings(milesight_cloud, 1, 99_999)[0])) + 2
    count = _fitting(size)
    crossings = _crossings(milesight_cloud, count)
    # Newest first in the batch: what is kept is chosen by time, not position.
    crossings.reverse()
    headers, body = milesight_cloud.build_delivery(crossings)
    body = body[:-1] + b" " * (MAX_PUSH_BODY_BYTES - len(body)) + b"]"
    assert len(body) == MAX_PUSH_BODY_BYTES
    assert count > MAX_PUSH_RECORDS

    reply = await poster.async_request(entry.data["webhook_id"], body, headers)

    assert (reply.status, reply.text) == (200, "success")
    assert sorted(_numbers(events)) == list(range(count - MAX_PUSH_RECORDS, count))
    diagnostics = await async_download_diagnostics(hass, hass_client, entry)
    assert diagnostics["webhook"]["events_over_cap"] == count - MAX_PUSH_RECORDS
    warnings = _warnings(caplog, "custom_components.minerva_iot.milesight.webhook")
    assert len(warnings) == 1
    assert log_problems(caplog.records) == []

    headers, body = milesight_cloud.build_delivery(_crossings(milesight_cloud, count, count))
    assert (await poster.async_request(entry.data["webhook_id"], body, headers)).status == 200
    assert len(_warnings(caplog, "custom_components.minerva_iot.milesight.webhook")) == 1
    results.large_push(
        "milesight",
        f"2 MiB delivery ({count} events)",
        f"newest 1000 applied, {count - MAX_PUSH_RECORDS} counted (diagnostics) and logged once",
    )


async def test_milesight_batch_beyond_2_mib_is_refused_with_413(
    hass: HomeAssistant, milesight_cloud: MilesightSimulator, poster: Poster, results: Results
) -> None:
    """One byte over the hard cap: 413 with the limit in the body, nothing applied."""
    entry = await _milesight(hass, milesight_cloud)
    events = _capture(hass)
    headers, body = milesight_cloud.build_delivery(_crossings(milesight_cloud, 1))
    body = body[:-1] + b" " * (MAX_PUSH_BODY_BYTES + 1 - len(body)) + b"]"
    reply = await poster.async_request(entry.data["webhook_id"], body, headers)
    assert (reply.status, reply.text) == (413, BODY_TOO_LARGE_TEXT)
    assert _numbers(events) == []
    results.large_push("milesight", "2 MiB + 1 byte", "413 with the limit in the body, 0 applied")
