"""MilesightClient against the in-process simulator."""

from __future__ import annotations

import asyncio
import logging
import time
from types import SimpleNamespace
from typing import Any

import aiohttp
import pytest

from custom_components.minerva_iot.clients.milesight import (
    MilesightAuthError,
    MilesightClient,
    MilesightConnectionError,
    MilesightInvalidServerAddress,
    MilesightRateLimitError,
    MilesightResponseError,
    flatten_payload,
    token as token_module,
)
from simulators.milesight import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, MilesightSimulator


def _expected_latest(history: list[tuple[int, dict[str, Any]]]) -> dict[str, Any]:
    """Independent merge: walk oldest to newest, later values overwrite earlier ones."""
    latest: dict[str, Any] = {}
    for _, properties in sorted(history, key=lambda row: row[0]):
        latest.update(flatten_payload(properties))
    return latest


async def test_search_devices_all_pages(client: MilesightClient, sim: MilesightSimulator) -> None:
    """Every page is fetched; ids are strings; fields are mapped."""
    devices = await client.async_search_devices(page_size=4)
    assert sim.calls["device/search"] == 2
    assert [device.sn for device in devices] == [device.sn for device in sim.devices]
    first, source = devices[0], sim.devices[0]
    assert first.device_id == source.device_id
    assert first.model == source.model
    assert first.dev_eui == source.dev_eui
    assert first.name == source.name
    assert first.firmware_version == source.firmware_version
    assert first.hardware_version == source.hardware_version
    assert first.connect_status == "ONLINE"
    assert first.raw["electricity"] == source.electricity


async def test_search_devices_single_page(client: MilesightClient, sim: MilesightSimulator) -> None:
    """With a large page one call suffices; the token is fetched once and cached."""
    assert len(await client.async_search_devices()) == len(sim.devices)
    assert len(await client.async_search_devices()) == len(sim.devices)
    assert sim.calls["device/search"] == 2
    assert sim.calls["oauth/token"] == 1


async def test_search_stops_on_empty_page(client: MilesightClient, sim: MilesightSimulator) -> None:
    """An empty Application yields an empty list after one call."""
    sim.devices.clear()
    assert await client.async_search_devices() == []
    assert sim.calls["device/search"] == 1


async def test_get_device_and_thing_specification(
    client: MilesightClient, sim: MilesightSimulator
) -> None:
    """Detail and TSL of a device; nested TSL keys match flattened payload keys."""
    button = next(device for device in sim.devices if device.model == "WS101")
    sim.event("OFFLINE", button.sn)
    device = await client.async_get_device(button.device_id)
    assert device.sn == button.sn
    assert device.connect_status == "OFFLINE"

    spec = await client.async_get_thing_specification(button.device_id)
    status = spec.properties["button_event.status"]
    assert status.data_type == "ENUM"
    assert "short press" in status.enum
    assert spec.properties["battery"].unit == "%"
    payload_keys = set(flatten_payload(sim.uplink_event(button.sn)["data"]["payload"]))
    assert payload_keys <= set(spec.properties)

    door = next(device for device in sim.devices if device.model == "WS301")
    door_spec = await client.async_get_thing_specification(door.device_id)
    assert door_spec.properties["magnet_status"].enum == {"close": "Close", "open": "Open"}
    assert door_spec.properties["reporting_interval"].access_mode == "RW"


async def test_unknown_device_is_a_response_error(client: MilesightClient) -> None:
    """A 404 envelope keeps its error code."""
    with pytest.raises(MilesightResponseError) as err:
        await client.async_get_device("1")
    assert err.value.status == 404
    assert err.value.err_code == "device_not_found"


async def test_latest_values_merge_newest_first(
    client: MilesightClient, sim: MilesightSimulator
) -> None:
    """Rows hold partial keys: the newest value of each key wins, nested keys flattened."""
    for device in sim.devices:
        latest = await client.async_get_latest_values(device.device_id)
        assert latest == _expected_latest(device.history)
    button = next(device for device in sim.devices if device.model == "WS101")
    sim.uplink_event(button.sn, {"button_event": {"status": "double press"}})
    latest = await client.async_get_latest_values(button.device_id)
    assert latest["button_event.status"] == "double press"
    assert "battery" in latest


async def test_latest_values_follow_pages_and_lookback(
    client: MilesightClient, sim: MilesightSimulator
) -> None:
    """More rows than a page are paged; rows older than the lookback are ignored."""
    sensor = sim.devices[0]
    for value in range(150):
        sim.uplink_event(sensor.sn, {"temperature": float(value)})
    latest = await client.async_get_latest_values(sensor.device_id)
    assert sim.calls["device/properties-history"] == 2
    assert latest["temperature"] == 149.0
    assert latest["humidity"] == _expected_latest(sensor.history)["humidity"]

    only_recent = await client.async_get_latest_values(sensor.device_id, lookback_s=600)
    assert only_recent == {"temperature": 149.0}


async def test_history_page_newest_first_and_empty_without_data_storage(
    client: MilesightClient, sim: MilesightSimulator
) -> None:
    """One page of rows with their ms times; none when device data storage is off."""
    sensor = sim.devices[0]
    sim.uplink_event(sensor.sn, {"temperature": 7.5})
    newest_ts = sensor.history[-1][0]
    page = await client.async_get_history_page(
        sensor.device_id, start_ms=newest_ts - 1, end_ms=newest_ts + 1000, page_size=1
    )
    assert page.rows == [(newest_ts, {"temperature": 7.5})]
    assert page.next_page_key is None
    assert sim.history_queries[-1]["order"] == "desc"
    sim.set_data_storage(sensor.sn, False)
    sim.uplink_event(sensor.sn, {"temperature": 8.0})
    page = await client.async_get_history_page(
        sensor.device_id, start_ms=newest_ts + 1, end_ms=newest_ts + 60_000
    )
    assert page.rows == []


async def test_pasted_full_url_still_works(
    sim: MilesightSimulator, session: aiohttp.ClientSession
) -> None:
    """The client normalises the server address: a pasted /uc/account/api path is dropped."""
    client = MilesightClient(
        session, f" {sim.url}/uc/account/api/ ", DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET
    )
    assert client.server == sim.url
    assert await client.async_search_devices()


def test_invalid_server_address(session: aiohttp.ClientSession) -> None:
    """Garbage addresses are refused at construction."""
    with pytest.raises(MilesightInvalidServerAddress):
        MilesightClient(session, "ftp://x", "id", "secret")


async def test_expired_token_refreshed_once_and_retried(
    client: MilesightClient, sim: MilesightSimulator
) -> None:
    """A 401 on an API call drops the token, fetches a new one and retries the call once."""
    await client.async_search_devices()
    sim.expire_tokens()
    assert len(await client.async_search_devices()) == len(sim.devices)
    assert sim.calls["oauth/token"] == 2
    assert sim.calls["device/search"] == 3


async def test_concurrent_401s_fetch_one_token(
    client: MilesightClient, sim: MilesightSimulator
) -> None:
    """Calls failing with the same stale token share the single new token."""
    await client.async_search_devices()
    sim.expire_tokens()
    ids = [device.device_id for device in sim.devices]
    results = await asyncio.gather(*(client.async_get_device(device_id) for device_id in ids))
    assert [device.device_id for device in results] == ids
    assert sim.calls["oauth/token"] == 2


async def test_persistent_401_is_an_auth_error(
    client: MilesightClient, sim: MilesightSimulator
) -> None:
    """When the retry is refused too, the error surfaces after exactly one refresh."""
    await client.async_search_devices()
    sim.fail_next(2, "401", endpoint="device/search")
    with pytest.raises(MilesightAuthError):
        await client.async_search_devices()
    assert sim.calls["oauth/token"] == 2
    assert sim.calls["device/search"] == 3


async def test_bad_credentials_auth_error(
    sim: MilesightSimulator, session: aiohttp.ClientSession
) -> None:
    """A refused token call stops the API call before it is sent."""
    client = MilesightClient(session, sim.url, DEFAULT_CLIENT_ID, "wrong")
    with pytest.raises(MilesightAuthError):
        await client.async_search_devices()
    assert sim.calls["device/search"] == 0


async def test_rate_limited(client: MilesightClient, sim: MilesightSimulator) -> None:
    """429 raises a rate-limit error with Retry-After; the next call works."""
    await client.async_search_devices()
    sim.fail_next(1, "429")
    with pytest.raises(MilesightRateLimitError) as err:
        await client.async_search_devices()
    assert err.value.retry_after == 1.0
    assert err.value.status == 429
    assert await client.async_search_devices()


async def test_server_error_is_connection_error(
    client: MilesightClient, sim: MilesightSimulator
) -> None:
    """5xx on the token call or an API call is a connection error."""
    sim.fail_next(1, "http500")
    with pytest.raises(MilesightConnectionError) as err:
        await client.async_search_devices()
    assert err.value.status == 500
    assert err.value.err_code == "internal_error"
    assert await client.async_search_devices()


async def test_timeout_is_connection_error(
    sim: MilesightSimulator, session: aiohttp.ClientSession
) -> None:
    """A request held past the client timeout is a connection error."""
    client = MilesightClient(
        session, sim.url, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, timeout=0.2
    )
    await client.token_manager.async_get_token()
    sim.fail_next(1, "timeout")
    with pytest.raises(MilesightConnectionError, match="timeout"):
        await client.async_search_devices()


async def test_unreachable_server_is_connection_error(session: aiohttp.ClientSession) -> None:
    """Connection refused is a connection error."""
    stopped = MilesightSimulator()
    await stopped.start()
    url = stopped.url
    await stopped.stop()
    client = MilesightClient(session, url, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, timeout=2)
    with pytest.raises(MilesightConnectionError):
        await client.async_search_devices()


async def test_no_secrets_or_tokens_in_logs(
    client: MilesightClient,
    sim: MilesightSimulator,
    session: aiohttp.ClientSession,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Debug logs of failures name the endpoint and the error code, never credentials."""
    caplog.set_level(logging.DEBUG)
    token = await client.token_manager.async_get_token()
    sim.fail_next(1, "http500")
    with pytest.raises(MilesightConnectionError):
        await client.async_search_devices()
    bad = MilesightClient(session, sim.url, DEFAULT_CLIENT_ID, "wrong-secret-value")
    with pytest.raises(MilesightAuthError):
        await bad.async_search_devices()
    assert "internal_error" in caplog.text
    assert "authentication_failed" in caplog.text
    for secret in (token, DEFAULT_CLIENT_SECRET, "wrong-secret-value"):
        assert secret not in caplog.text


async def test_search_one_page_reports_the_total(
    client: MilesightClient, sim: MilesightSimulator
) -> None:
    """A single page is one call and carries the total the cloud reports."""
    page = await client.async_search_devices_page(2, page_size=4)
    assert sim.calls["device/search"] == 1
    assert page.total == len(sim.devices)
    assert [device.sn for device in page.devices] == [d.sn for d in sim.devices[4:8]]


async def test_on_request_is_called_for_every_request(
    sim: MilesightSimulator, session: aiohttp.ClientSession
) -> None:
    """The request hook sees token and API requests alike (both may count against the quota)."""
    requests: list[None] = []
    client = MilesightClient(
        session,
        sim.url,
        DEFAULT_CLIENT_ID,
        DEFAULT_CLIENT_SECRET,
        on_request=lambda: requests.append(None),
    )
    await client.async_search_devices(page_size=4)
    assert len(requests) == sim.calls["oauth/token"] + sim.calls["device/search"] == 3
    sim.expire_tokens()  # a refused call, a new token, the retried call: three more requests
    await client.async_get_device(sim.devices[0].device_id)
    assert len(requests) == 6
    assert sim.calls["oauth/token"] == 2


async def test_a_hundred_calls_on_an_expired_token_make_one_token_request(
    client: MilesightClient, sim: MilesightSimulator
) -> None:
    """The cloud refuses the token of 100 concurrent calls: one new token, every call retried."""
    await client.async_search_devices()
    sim.expire_tokens()
    device_id = sim.devices[0].device_id
    results = await asyncio.gather(*(client.async_get_device(device_id) for _ in range(100)))
    assert {device.device_id for device in results} == {device_id}
    assert sim.calls["oauth/token"] == 2
    assert sim.calls["device/detail"] == 200


async def test_a_hundred_calls_after_the_token_lifetime_make_one_token_request(
    client: MilesightClient, sim: MilesightSimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past its lifetime the client renews the token before calling: once for 100 callers."""
    await client.async_search_devices()
    later = time.time() + sim.token_lifetime + 1
    monkeypatch.setattr(token_module, "time", SimpleNamespace(time=lambda: later))
    device_id = sim.devices[0].device_id
    results = await asyncio.gather(*(client.async_get_device(device_id) for _ in range(100)))
    assert len(results) == 100
    assert sim.calls["oauth/token"] == 2
    assert sim.calls["device/detail"] == 100  # no call was refused: none was retried
