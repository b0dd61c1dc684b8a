"""Unusual answers: HTTP errors, bodies that are not JSON objects, missing fields."""

from __future__ import annotations

import pytest

from custom_components.minerva_iot.clients.ttlock import (
    OpenState,
    TTLockClient,
    TTLockConnectionError,
    TTLockError,
)

from .conftest import RawServer


@pytest.mark.parametrize(
    ("status", "body", "error", "match"),
    [
        (500, "oops", TTLockConnectionError, "HTTP 500"),
        (429, "slow down", TTLockConnectionError, "HTTP 429"),
        (404, "not found", TTLockError, "HTTP 404"),
        (200, "<html>proxy</html>", TTLockConnectionError, "not JSON"),
        (200, "[1, 2]", TTLockConnectionError, "not an object"),
        (200, '{"errcode": "abc"}', TTLockError, "malformed errcode"),
        (200, '{"errcode": -1, "errmsg": 5}', TTLockError, "errcode -1"),
        (200, '{"pageNo": 1}', TTLockError, "without a list"),
    ],
)
async def test_bad_answers(
    raw_server: RawServer,
    raw_client: TTLockClient,
    status: int,
    body: str,
    error: type[TTLockError],
    match: str,
) -> None:
    """Every unusable answer is a typed error."""
    raw_server.answer(status, body)
    with pytest.raises(error, match=match) as caught:
        await raw_client.async_list_locks()
    if status == 404:
        assert not isinstance(caught.value, TTLockConnectionError)


async def test_errcode_zero_as_text_is_success(
    raw_server: RawServer, raw_client: TTLockClient
) -> None:
    """``"errcode": "0"`` is success."""
    raw_server.answer(200, '{"errcode": "0", "errmsg": "none error message"}')
    await raw_client.async_unlock(1)
    method, path, params = raw_server.received[0]
    assert (method, path) == ("POST", "/v3/lock/unlock")
    assert params["accessToken"] == "raw-token"
    assert params["clientId"] == "raw-client"
    assert params["lockId"] == "1"


@pytest.mark.parametrize(
    ("body", "state"),
    [
        ('{"state": 2}', OpenState.UNKNOWN),
        ("{}", OpenState.UNKNOWN),
        ('{"state": 1, "sensorState": 0}', OpenState.UNLOCKED),
    ],
)
async def test_open_state_values(
    raw_server: RawServer, raw_client: TTLockClient, body: str, state: OpenState
) -> None:
    """2 or a missing state is unknown."""
    raw_server.answer(200, body)
    assert await raw_client.async_query_open_state(1) is state


async def test_missing_command_results(raw_server: RawServer, raw_client: TTLockClient) -> None:
    """A battery or passcode id that is missing from the answer is an error."""
    raw_server.answer(200, "{}")
    with pytest.raises(TTLockError, match="electricQuantity"):
        await raw_client.async_query_battery(1)
    with pytest.raises(TTLockError, match="keyboardPwdId"):
        await raw_client.async_add_passcode(1, "1234", "x", None, None)


async def test_malformed_list_items_are_skipped(
    raw_server: RawServer, raw_client: TTLockClient
) -> None:
    """One bad item does not hide the others; the page count is honoured."""
    raw_server.answer(
        200, '{"list": [{"lockId": 1}, {"lockName": "no id"}, "junk"], "pageNo": 1, "pages": 1}'
    )
    locks = await raw_client.async_list_locks()
    assert [lock.lock_id for lock in locks] == [1]
    assert len(raw_server.received) == 1


async def test_paging_stops_on_empty_page(raw_server: RawServer, raw_client: TTLockClient) -> None:
    """A server that announces more pages than it has does not loop."""
    raw_server.answer(200, '{"list": [{"gatewayId": 1}], "pages": 9}')
    raw_server.answer(200, '{"list": [], "pages": 9}')
    gateways = await raw_client.async_list_gateways()
    assert [gateway.gateway_id for gateway in gateways] == [1]
    assert len(raw_server.received) == 2


async def test_paging_is_capped(raw_server: RawServer, raw_client: TTLockClient) -> None:
    """A runaway page count stops at the safety cap (quota protection)."""
    raw_server.answer(200, '{"list": [{"keyboardPwdId": 1}], "pages": 100000}')
    codes = await raw_client.async_list_passcodes(1)
    assert len(codes) == 50
    assert len(raw_server.received) == 50


async def test_list_lock_gateways_without_list(
    raw_server: RawServer, raw_client: TTLockClient
) -> None:
    """No ``list`` means no gateway."""
    raw_server.answer(200, "{}")
    assert await raw_client.async_list_lock_gateways(1) == []
