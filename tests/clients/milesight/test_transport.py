"""Envelope and failure mapping against a scripted server (answers the simulator never gives)."""

from __future__ import annotations

from datetime import UTC, datetime
import time

import aiohttp
import pytest

from custom_components.minerva_iot.clients.milesight import (
    MilesightAuthError,
    MilesightClient,
    MilesightConnectionError,
    MilesightError,
    MilesightRateLimitError,
    MilesightResponseError,
    MilesightTokenManager,
)

from .conftest import RawServer

SEARCH = "/device/openapi/v1/devices/search"
DETAIL = "/device/openapi/v1/devices/42"
TSL = "/device/openapi/v1/devices/42/thing-specification"
HISTORY = "/device/openapi/v1/devices/42/properties/history"


def _client(raw: RawServer, session: aiohttp.ClientSession) -> MilesightClient:
    return MilesightClient(session, raw.url, "id", "secret", timeout=5)


@pytest.mark.parametrize(
    ("status", "body", "headers", "error", "retry_after"),
    [
        (200, "not json", {}, MilesightResponseError, None),
        (200, b"\xff\xfe\xfd", {}, MilesightResponseError, None),
        (200, [1, 2], {}, MilesightResponseError, None),
        (200, {"status": "Failed", "errCode": "odd"}, {}, MilesightResponseError, None),
        (302, {"status": "Success", "data": {}}, {"Location": "/x"}, MilesightResponseError, None),
        (
            400,
            {"status": "Failed", "errCode": "ip_not_allowed", "errMsg": "no"},
            {},
            MilesightResponseError,
            None,
        ),
        # No errCode is guessed into a rate limit: only HTTP 429 is one.
        (
            400,
            {"status": "Failed", "errCode": "rate_limit_exceeded"},
            {},
            MilesightResponseError,
            None,
        ),
        (429, "", {"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}, MilesightRateLimitError, 0.0),
        (429, "", {"Retry-After": "soon"}, MilesightRateLimitError, None),
        (429, "", {"Retry-After": "inf"}, MilesightRateLimitError, None),
        (429, "", {}, MilesightRateLimitError, None),
        (429, "", {"Retry-After": "-5"}, MilesightRateLimitError, 0.0),
        (429, "", {"Retry-After": "2.5"}, MilesightRateLimitError, 2.5),
        (503, "", {}, MilesightConnectionError, None),
        (
            403,
            {"status": "Failed", "errCode": "authentication_failed"},
            {},
            MilesightAuthError,
            None,
        ),
    ],
)
async def test_error_mapping_on_token_call(
    raw_server: RawServer,
    session: aiohttp.ClientSession,
    status: int,
    body: object,
    headers: dict[str, str],
    error: type[MilesightError],
    retry_after: float | None,
) -> None:
    """HTTP status and envelope are both checked; codes map to the documented exceptions."""
    raw_server.answer("/oauth/token", status, body, headers)
    manager = MilesightTokenManager(session, raw_server.url, "id", "secret")
    with pytest.raises(error) as err:
        await manager.async_get_token()
    assert type(err.value) is error
    if isinstance(err.value, MilesightRateLimitError):
        assert err.value.retry_after == retry_after
    if isinstance(body, dict):
        assert err.value.err_code == body.get("errCode")


@pytest.mark.parametrize(
    "header", ["Wed, 21 Oct 2099 07:28:00 GMT", "Wed, 21 Oct 2099 07:28:00 -0000"]
)
async def test_retry_after_as_http_date(
    raw_server: RawServer, session: aiohttp.ClientSession, header: str
) -> None:
    """An HTTP date in Retry-After is the seconds until that date."""
    raw_server.answer("/oauth/token", 429, "", {"Retry-After": header})
    manager = MilesightTokenManager(session, raw_server.url, "id", "secret")
    with pytest.raises(MilesightRateLimitError) as err:
        await manager.async_get_token()
    expected = datetime(2099, 10, 21, 7, 28, tzinfo=UTC).timestamp() - time.time()
    assert err.value.retry_after == pytest.approx(expected, abs=60)


@pytest.mark.parametrize(
    "data",
    [None, {"expires_in": 10}, {"access_token": 5}, {"access_token": "t", "expires_in": "soon"}],
)
async def test_bad_token_answers(
    raw_server: RawServer, session: aiohttp.ClientSession, data: object
) -> None:
    """A success envelope without a usable token is a response error."""
    raw_server.answer("/oauth/token", 200, {"status": "Success", "data": data})
    with pytest.raises(MilesightResponseError):
        await MilesightTokenManager(session, raw_server.url, "id", "secret").async_get_token()


async def test_token_without_expiry_uses_documented_lifetime(
    raw_server: RawServer, session: aiohttp.ClientSession
) -> None:
    """A missing expires_in falls back to 3599 s."""
    raw_server.answer("/oauth/token", 200, {"status": "Success", "data": {"access_token": "t"}})
    manager = MilesightTokenManager(session, raw_server.url, "id", "secret", clock=lambda: 1000.0)
    assert await manager.async_get_token() == "t"
    assert manager.expires_at == 1000.0 + 3599


async def test_token_request_is_form_encoded(
    raw_server: RawServer, session: aiohttp.ClientSession
) -> None:
    """The token call is a form-encoded client-credentials POST to {server}/oauth/token.

    JSON or Basic auth here is the most common field failure (`token_not_found`, §10.1).
    """
    raw_server.token_ok()
    await MilesightTokenManager(session, raw_server.url, "id", "secret").async_get_token()
    assert raw_server.requests == [("POST", "/oauth/token")]
    assert raw_server.bodies == [
        (
            "application/x-www-form-urlencoded",
            {"grant_type": "client_credentials", "client_id": "id", "client_secret": "secret"},
        )
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "unexpected body"),
        ({"content": "x"}, "unexpected body"),
        ({"content": [{"deviceId": 1}], "total": "many"}, "invalid total"),
        ({"content": [{"sn": "no id"}], "total": 1}, "without deviceId"),
    ],
)
async def test_bad_search_answers(
    raw_server: RawServer, session: aiohttp.ClientSession, data: object, message: str
) -> None:
    """Malformed search pages are response errors."""
    raw_server.token_ok()
    raw_server.answer(SEARCH, 200, {"status": "Success", "data": data})
    with pytest.raises(MilesightResponseError, match=message):
        await _client(raw_server, session).async_search_devices()


async def test_numeric_device_ids_and_paging_by_total(
    raw_server: RawServer, session: aiohttp.ClientSession
) -> None:
    """Numeric snowflake ids become strings; paging stops once ``total`` items are read."""
    raw_server.token_ok()
    raw_server.answer(
        SEARCH,
        200,
        {
            "status": "Success",
            "data": {"content": [{"deviceId": 1890000000000000001, "sn": "A"}], "total": 1},
        },
    )
    devices = await _client(raw_server, session).async_search_devices(page_size=1)
    assert [device.device_id for device in devices] == ["1890000000000000001"]
    assert raw_server.requests.count(("POST", SEARCH)) == 1


@pytest.mark.parametrize("data", [[], {"list": "x"}])
async def test_bad_history_answers(
    raw_server: RawServer, session: aiohttp.ClientSession, data: object
) -> None:
    """Malformed history pages are response errors."""
    raw_server.token_ok()
    raw_server.answer(HISTORY, 200, {"status": "Success", "data": data})
    with pytest.raises(MilesightResponseError):
        await _client(raw_server, session).async_get_latest_values("42")


async def test_history_rows_are_sorted_and_junk_skipped(
    raw_server: RawServer, session: aiohttp.ClientSession
) -> None:
    """Rows are merged newest first even if the server ignores ``order``; junk rows are skipped."""
    raw_server.token_ok()
    rows = [
        {"ts": 1000, "properties": {"temperature": 1.0, "humidity": 40}},
        "junk",
        {"ts": 3000, "properties": {"temperature": 3.0}},
        {"ts": 2000, "properties": "junk"},
        {"properties": {"pressure": 1000}},
    ]
    raw_server.answer(
        HISTORY, 200, {"status": "Success", "data": {"list": rows, "nextPageKey": None}}
    )
    latest = await _client(raw_server, session).async_get_latest_values("42")
    assert latest == {"temperature": 3.0, "humidity": 40, "pressure": 1000}


async def test_history_paging_is_bounded(
    raw_server: RawServer, session: aiohttp.ClientSession
) -> None:
    """A server that always returns a next page cannot make us loop forever."""
    raw_server.token_ok()
    page = {"list": [{"ts": 1, "properties": {"a": 1}}], "nextPageKey": "again"}
    raw_server.answer(HISTORY, 200, {"status": "Success", "data": page})
    assert await _client(raw_server, session).async_get_latest_values("42") == {"a": 1}
    assert raw_server.requests.count(("GET", HISTORY)) == 10


async def test_bad_detail_and_tsl_answers(
    raw_server: RawServer, session: aiohttp.ClientSession
) -> None:
    """Detail without a device id and a TSL that is not an object are response errors."""
    raw_server.token_ok()
    raw_server.answer(DETAIL, 200, {"status": "Success", "data": {"sn": "x"}})
    raw_server.answer(TSL, 200, {"status": "Success", "data": "x"})
    client = _client(raw_server, session)
    with pytest.raises(MilesightResponseError):
        await client.async_get_device("42")
    with pytest.raises(MilesightResponseError):
        await client.async_get_thing_specification("42")


async def test_forbidden_api_call_is_not_retried(
    raw_server: RawServer, session: aiohttp.ClientSession
) -> None:
    """Only a 401 triggers the token refresh; an auth error code with 403 surfaces at once."""
    raw_server.token_ok()
    raw_server.answer(DETAIL, 403, {"status": "Failed", "errCode": "token_not_found"})
    with pytest.raises(MilesightAuthError):
        await _client(raw_server, session).async_get_device("42")
    assert raw_server.requests.count(("POST", "/oauth/token")) == 1
    assert raw_server.requests.count(("GET", DETAIL)) == 1
