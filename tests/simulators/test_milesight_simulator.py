"""Protocol behaviour of the Milesight cloud simulator (wire level, no client code)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Callable
from dataclasses import dataclass, field
import hashlib
import hmac
import json
from typing import Any

import aiohttp
from aiohttp import web
import pytest

from simulators.milesight import (
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    DEFAULT_WEBHOOK_SECRET,
    MilesightSimulator,
)
from simulators.milesight.__main__ import parse_args

# Every test here talks to a simulator or a receiver over 127.0.0.1.
pytestmark = pytest.mark.usefixtures("socket_enabled")

API = "/device/openapi/v1"
TOKEN_FORM = {
    "grant_type": "client_credentials",
    "client_id": DEFAULT_CLIENT_ID,
    "client_secret": DEFAULT_CLIENT_SECRET,
}


@dataclass
class Receiver:
    """A webhook endpoint recording what it receives."""

    url: str = ""
    status: int = 200
    received: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)


@pytest.fixture
def sim(milesight_sim: MilesightSimulator) -> MilesightSimulator:
    """The running simulator (tests/plugins/simulators.py)."""
    return milesight_sim


@pytest.fixture
async def receiver() -> AsyncGenerator[Receiver]:
    """A webhook receiver on 127.0.0.1."""
    recv = Receiver()

    async def handle(request: web.Request) -> web.Response:
        recv.received.append((dict(request.headers), await request.read()))
        recv.arrived.set()
        return web.Response(status=recv.status, text="success")

    app = web.Application()
    app.router.add_post("/hook", handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    recv.url = f"http://127.0.0.1:{runner.addresses[0][1]}/hook"
    yield recv
    await runner.cleanup()


async def _token(sim: MilesightSimulator, session: aiohttp.ClientSession) -> str:
    async with session.post(f"{sim.url}/oauth/token", data=TOKEN_FORM) as response:
        body = await response.json()
    return str(body["data"]["access_token"])


async def _get(
    session: aiohttp.ClientSession, url: str, token: str | None = None, **kwargs: Any
) -> tuple[int, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with session.get(url, headers=headers, **kwargs) as response:
        return response.status, await response.json()


async def _post(
    session: aiohttp.ClientSession, url: str, token: str | None = None, **kwargs: Any
) -> tuple[int, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with session.post(url, headers=headers, **kwargs) as response:
        return response.status, await response.json()


def _assert_failure(body: Any, err_code: str) -> None:
    assert body["status"] == "Failed"
    assert body["errCode"] == err_code
    assert body["requestId"]
    assert "errMsg" in body


def _verify(headers: dict[str, str], secret: str) -> bool:
    """The documented formula, computed independently of the simulator."""
    message = headers["x-msc-request-timestamp"] + headers["x-msc-request-nonce"]
    expected = hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, headers["x-msc-request-signature"])


# --- token ------------------------------------------------------------------------------------


async def test_token_success_envelope(
    sim: MilesightSimulator, session: aiohttp.ClientSession
) -> None:
    """Form-encoded client credentials get the success envelope with a 3600 s token."""
    status, body = await _post(session, f"{sim.url}/oauth/token", data=TOKEN_FORM)
    assert status == 200
    assert body["status"] == "Success"
    assert body["requestId"]
    assert body["data"]["expires_in"] == 3600
    assert body["data"]["refresh_token"]
    assert sim.token_is_valid(body["data"]["access_token"])
    assert sim.calls["oauth/token"] == 1


@pytest.mark.parametrize(
    ("form", "status", "err_code"),
    [
        ({**TOKEN_FORM, "client_secret": "wrong"}, 401, "authentication_failed"),
        ({**TOKEN_FORM, "client_id": "wrong"}, 401, "authentication_failed"),
        ({**TOKEN_FORM, "grant_type": "password"}, 400, "unsupported_grant_type"),
    ],
)
async def test_token_errors(
    sim: MilesightSimulator,
    session: aiohttp.ClientSession,
    form: dict[str, str],
    status: int,
    err_code: str,
) -> None:
    """Bad credentials and grants get failure envelopes."""
    got_status, body = await _post(session, f"{sim.url}/oauth/token", data=form)
    assert got_status == status
    _assert_failure(body, err_code)


async def test_json_token_request_is_not_accepted(
    sim: MilesightSimulator, session: aiohttp.ClientSession
) -> None:
    """Only the form-encoded body is understood."""
    status, body = await _post(session, f"{sim.url}/oauth/token", json=TOKEN_FORM)
    assert status == 400
    _assert_failure(body, "unsupported_grant_type")


async def test_wrong_token_path(sim: MilesightSimulator, session: aiohttp.ClientSession) -> None:
    """The classic mistake /uc/account/api/oauth/token answers 401 token_not_found."""
    status, body = await _post(session, f"{sim.url}/uc/account/api/oauth/token", data=TOKEN_FORM)
    assert status == 401
    _assert_failure(body, "token_not_found")
    token = await _token(sim, session)
    status, body = await _get(session, f"{sim.url}/no/such/path", token)
    assert status == 404
    _assert_failure(body, "not_found")
    assert sim.calls["unknown-path"] == 2


# --- device API -------------------------------------------------------------------------------


async def test_bearer_required(sim: MilesightSimulator, session: aiohttp.ClientSession) -> None:
    """No token, an unknown token or an expired token get 401 token_not_found."""
    url = f"{sim.url}{API}/devices/search"
    page = {"pageSize": 10, "pageNumber": 1}
    for token in (None, "sim.not-issued"):
        status, body = await _post(session, url, token, json=page)
        assert status == 401
        _assert_failure(body, "token_not_found")
    token = await _token(sim, session)
    status, _ = await _post(session, url, token, json=page)
    assert status == 200
    status, _ = await _post(session, url, params={"access_token": token}, json=page)
    assert status == 200
    sim.expire_tokens()
    status, body = await _post(session, url, token, json=page)
    assert status == 401
    _assert_failure(body, "token_not_found")


async def test_rotate_secret(sim: MilesightSimulator, session: aiohttp.ClientSession) -> None:
    """A regenerated secret kills the old tokens and the old secret."""
    token = await _token(sim, session)
    sim.rotate_secret("fresh")
    assert not sim.token_is_valid(token)
    status, body = await _post(session, f"{sim.url}/oauth/token", data=TOKEN_FORM)
    assert status == 401
    status, body = await _post(
        session, f"{sim.url}/oauth/token", data={**TOKEN_FORM, "client_secret": "fresh"}
    )
    assert status == 200


async def test_search_paging_and_filters(
    sim: MilesightSimulator, session: aiohttp.ClientSession
) -> None:
    """1-based pages of Device_Info with total; exact filters; required paging fields."""
    token = await _token(sim, session)
    url = f"{sim.url}{API}/devices/search"
    seen: list[str] = []
    for page_number in (1, 2, 3):
        status, body = await _post(
            session, url, token, json={"pageSize": 4, "pageNumber": page_number}
        )
        assert status == 200
        assert body["data"]["total"] == len(sim.devices)
        assert body["data"]["pageNumber"] == page_number
        seen += [item["deviceId"] for item in body["data"]["content"]]
    assert seen == [device.device_id for device in sim.devices]
    item = (await _post(session, url, token, json={"pageSize": 1, "pageNumber": 1}))[1]["data"][
        "content"
    ][0]
    assert {"deviceId", "sn", "devEUI", "name", "model", "connectStatus", "electricity"} <= set(
        item
    )
    assert isinstance(item["deviceId"], str)
    assert len(item["deviceId"]) == 19

    door = next(device for device in sim.devices if device.model == "WS301")
    _, body = await _post(
        session, url, token, json={"pageSize": 10, "pageNumber": 1, "sn": door.sn}
    )
    assert [found["sn"] for found in body["data"]["content"]] == [door.sn]

    for bad in ({"pageNumber": 1}, {"pageSize": 0, "pageNumber": 1}, ["x"]):
        status, body = await _post(session, url, token, json=bad)
        assert status == 400
        _assert_failure(body, "parameter_invalid")
    assert sim.calls["device/search"] == 8


async def test_detail_and_thing_specification(
    sim: MilesightSimulator, session: aiohttp.ClientSession
) -> None:
    """Detail by deviceId, TSL with properties/events/services, 404 for unknown ids."""
    token = await _token(sim, session)
    device = sim.devices[1]
    status, body = await _get(session, f"{sim.url}{API}/devices/{device.device_id}", token)
    assert status == 200
    assert body["data"]["sn"] == device.sn
    assert body["data"]["model"] == device.model

    status, body = await _get(
        session, f"{sim.url}{API}/devices/{device.device_id}/thing-specification", token
    )
    assert status == 200
    ids = {prop["id"] for prop in body["data"]["properties"]}
    assert set(sim.uplink_event(device.sn)["data"]["payload"]) <= ids
    assert body["data"]["services"][0]["id"] == "reboot"

    for suffix in ("", "/thing-specification", "/properties/history"):
        status, body = await _get(session, f"{sim.url}{API}/devices/404{suffix}", token)
        assert status == 404
        _assert_failure(body, "device_not_found")
        # The cloud API keys on deviceId only (reference §4): a serial number is not found.
        status, body = await _get(session, f"{sim.url}{API}/devices/{device.sn}{suffix}", token)
        assert status == 404
        _assert_failure(body, "device_not_found")


@pytest.mark.parametrize("milesight_sim_options", [{"seed": 1, "numeric_device_ids": True}])
async def test_numeric_device_ids(sim: MilesightSimulator, session: aiohttp.ClientSession) -> None:
    """With the option, deviceId is a JSON number in search, detail and webhook events."""
    token = await _token(sim, session)
    device = sim.devices[0]
    _, body = await _post(
        session, f"{sim.url}{API}/devices/search", token, json={"pageSize": 1, "pageNumber": 1}
    )
    assert body["data"]["content"][0]["deviceId"] == int(device.device_id)
    _, body = await _get(session, f"{sim.url}{API}/devices/{device.device_id}", token)
    assert body["data"]["deviceId"] == int(device.device_id)
    event = sim.uplink_event(device.sn, {"temperature": 1})
    assert event["data"]["deviceProfile"]["deviceId"] == int(device.device_id)


async def test_history_order_paging_and_window(
    sim: MilesightSimulator, session: aiohttp.ClientSession
) -> None:
    """History rows in ms, newest first by default, cursor paging, time window, bad params."""
    token = await _token(sim, session)
    device = sim.devices[0]
    for value in range(5):
        sim.uplink_event(device.sn, {"temperature": value})
    url = f"{sim.url}{API}/devices/{device.device_id}/properties/history"
    rows: list[dict[str, Any]] = []
    params: dict[str, str] = {"pageSize": "3"}
    while True:
        status, body = await _get(session, url, token, params=params)
        assert status == 200
        rows += body["data"]["list"]
        if not body["data"]["nextPageKey"]:
            break
        params["pageKey"] = body["data"]["nextPageKey"]
    assert len(rows) == len(device.history) == 7
    assert [row["ts"] for row in rows] == sorted((ts for ts, _ in device.history), reverse=True)
    # Rows stored in the same millisecond still come newest first.
    assert [row["properties"] for row in rows[:5]] == [{"temperature": v} for v in (4, 3, 2, 1, 0)]

    _, body = await _get(session, url, token, params={"order": "asc"})
    assert [row["properties"] for row in body["data"]["list"]] == [p for _, p in device.history]

    newest = max(ts for ts, _ in device.history)
    _, body = await _get(
        session, url, token, params={"startTime": str(newest), "endTime": str(newest)}
    )
    window = body["data"]["list"]
    assert window
    assert len(window) == sum(1 for ts, _ in device.history if ts == newest)
    assert {row["ts"] for row in window} == {newest}

    for bad in ({"pageSize": "x"}, {"pageSize": "0"}, {"pageKey": "-1"}):
        status, body = await _get(session, url, token, params=bad)
        assert status == 400
        _assert_failure(body, "parameter_invalid")


# --- failure injection ------------------------------------------------------------------------


async def test_failure_injection(sim: MilesightSimulator, session: aiohttp.ClientSession) -> None:
    """Injected failures hit the next calls in order, then the cloud behaves again."""
    token = await _token(sim, session)
    url = f"{sim.url}{API}/devices/{sim.devices[0].device_id}"
    sim.fail_next(1, "http500")
    sim.fail_next(1, "429")
    sim.fail_next(1, "401")
    status, body = await _get(session, url, token)
    assert status == 500
    _assert_failure(body, "internal_error")
    async with session.get(url, headers={"Authorization": f"Bearer {token}"}) as response:
        assert response.status == 429
        assert response.headers["Retry-After"] == "1"
        _assert_failure(await response.json(), "too_many_requests")
    status, body = await _get(session, url, token)
    assert status == 401
    status, _ = await _get(session, url, token)
    assert status == 200
    sim.fail_next(1, "http500")
    status, _ = await _post(session, f"{sim.url}/oauth/token", data=TOKEN_FORM)
    assert status == 500
    sim.fail_next(1, "http500", endpoint="device/detail")
    status, _ = await _post(session, f"{sim.url}/oauth/token", data=TOKEN_FORM)
    assert status == 200
    status, _ = await _get(session, url, token)
    assert status == 500
    with pytest.raises(ValueError, match="unknown failure kind"):
        sim.fail_next(1, "gremlins")
    # An errCode envelope with any status, e.g. an undocumented Request Restriction refusal.
    sim.fail_next(1, "error:403:ip_not_allowed", endpoint="device/detail")
    status, body = await _get(session, url, token)
    assert status == 403
    _assert_failure(body, "ip_not_allowed")
    for malformed in ("error:403", "error:x:code", "error:403:"):
        with pytest.raises(ValueError, match="unknown failure kind"):
            sim.fail_next(1, malformed)


async def test_records_history_queries_and_issued_tokens(
    sim: MilesightSimulator, session: aiohttp.ClientSession
) -> None:
    """Tests can check the history query a client sent and find the tokens it holds."""
    token = await _token(sim, session)
    assert sim.issued_tokens == [token]
    url = f"{sim.url}{API}/devices/{sim.devices[0].device_id}/properties/history"
    await _get(session, url, token, params={"pageSize": "7", "order": "asc"})
    assert sim.history_queries == [{"pageSize": "7", "order": "asc"}]


async def test_timeout_injection(sim: MilesightSimulator, session: aiohttp.ClientSession) -> None:
    """A "timeout" holds the request (no answer) until the simulator releases it."""
    token = await _token(sim, session)
    sim.fail_next(1, "timeout")
    request = asyncio.create_task(
        _get(session, f"{sim.url}{API}/devices/{sim.devices[0].device_id}", token)
    )
    await _wait_until(lambda: sim.calls["device/detail"] > 0)
    # Counted, then held: only stopping the simulator (or timeout_delay) answers it.
    await asyncio.sleep(0.05)
    assert not request.done()
    sim.stopping.set()
    status, body = await request
    assert status == 503
    _assert_failure(body, "service_unavailable")


async def test_timeout_injection_released(
    sim: MilesightSimulator, session: aiohttp.ClientSession
) -> None:
    """When the hold ends the request fails with 503 rather than hanging forever."""
    sim.timeout_delay = 0
    sim.fail_next(1, "timeout")
    status, body = await _post(session, f"{sim.url}/oauth/token", data=TOKEN_FORM)
    assert status == 503
    _assert_failure(body, "service_unavailable")


# --- webhook sender ---------------------------------------------------------------------------


def test_build_delivery_signature(sim: MilesightSimulator) -> None:
    """Headers carry uuid, 10-digit timestamp, nonce and hex HMAC-SHA256(secret, ts + nonce)."""
    event = sim.uplink_event(sim.devices[0].sn)
    headers, body = sim.build_delivery([event])
    assert json.loads(body) == [event]
    assert headers["Content-Type"] == "application/json"
    assert headers["x-msc-webhook-uuid"] == sim.webhook_uuid
    assert len(headers["x-msc-request-timestamp"]) == 10
    assert headers["x-msc-request-nonce"]
    signature = headers["x-msc-request-signature"]
    assert len(signature) == 64
    assert signature == signature.lower()
    assert _verify(headers, DEFAULT_WEBHOOK_SECRET)
    assert not _verify(headers, "another-secret")

    forced, _ = sim.build_delivery([event], timestamp=1735689600, nonce="9b1d2e3f", secret="s")
    assert forced["x-msc-request-timestamp"] == "1735689600"
    assert forced["x-msc-request-nonce"] == "9b1d2e3f"
    assert _verify(forced, "s")
    again, _ = sim.build_delivery([event])
    assert again["x-msc-request-nonce"] != headers["x-msc-request-nonce"]


async def test_deliver_posts_signed_batch(sim: MilesightSimulator, receiver: Receiver) -> None:
    """deliver() POSTs the JSON array with verifiable headers and returns the status."""
    with pytest.raises(RuntimeError, match="webhook_url"):
        await sim.deliver([])
    sim.webhook_url = receiver.url
    event = sim.event("WEBHOOK_TEST")
    assert await sim.deliver([event]) == 200
    receiver.status = 401
    assert await sim.deliver([event]) == 401
    headers, body = receiver.received[0]
    assert json.loads(body) == [event]
    assert _verify({key.lower(): value for key, value in headers.items()}, DEFAULT_WEBHOOK_SECRET)


async def test_deliver_requires_started_simulator() -> None:
    """Without a running simulator there is no session to deliver with."""
    idle = MilesightSimulator()
    idle.webhook_url = "http://127.0.0.1:9/hook"
    with pytest.raises(RuntimeError, match="not started"):
        await idle.deliver([])
    with pytest.raises(RuntimeError, match="not started"):
        assert idle.url


async def test_periodic_uplinks(receiver: Receiver) -> None:
    """With an uplink interval, signed PROPERTY batches arrive on their own."""
    periodic = MilesightSimulator(uplink_interval=0.01, seed=1)
    periodic.webhook_url = receiver.url
    await periodic.start()
    try:
        await asyncio.wait_for(receiver.arrived.wait(), 10)
    finally:
        await periodic.stop()
    headers, body = receiver.received[0]
    (event,) = json.loads(body)
    assert event["eventType"] == "DEVICE_DATA"
    assert event["data"]["type"] == "PROPERTY"
    assert event["data"]["deviceProfile"]["sn"] == periodic.devices[0].sn
    assert _verify({key.lower(): value for key, value in headers.items()}, DEFAULT_WEBHOOK_SECRET)


async def _wait_until(predicate: Callable[[], bool]) -> None:
    """Poll a condition the background sender makes true (bounded, never asserts durations)."""
    async with asyncio.timeout(10):
        while True:
            if predicate():
                return
            await asyncio.sleep(0.01)


async def test_periodic_uplinks_survive_delivery_errors(caplog: pytest.LogCaptureFixture) -> None:
    """An unreachable webhook is logged; uplinks without a URL are only stored."""
    closed = MilesightSimulator()
    await closed.start()
    dead_url = f"{closed.url}/gone"
    await closed.stop()
    periodic = MilesightSimulator(uplink_interval=0.01, seed=1)
    periodic.webhook_url = dead_url
    await periodic.start()
    try:
        await _wait_until(lambda: "Delivery of" in caplog.text)
        periodic.webhook_url = None
        stored = len(periodic.devices[1].history)
        await _wait_until(lambda: len(periodic.devices[1].history) > stored)
    finally:
        await periodic.stop()


# --- events -----------------------------------------------------------------------------------


def _model(sim: MilesightSimulator, model: str) -> Any:
    return next(device for device in sim.devices if device.model == model)


@pytest.mark.parametrize(
    ("model", "keys"),
    [
        ("EM300-TH", {"temperature", "humidity", "battery"}),
        (
            "AM319",
            {
                "temperature",
                "humidity",
                "co2",
                "tvoc",
                "pm2_5",
                "pm10",
                "pressure",
                "hcho",
                "pir",
                "light_level",
            },
        ),
        ("WS301", {"magnet_status", "tamper_status", "battery"}),
        ("WS101", {"button_event", "battery"}),
        ("EM300-SLD", {"temperature", "humidity", "leakage_status", "battery"}),
        ("VS121-P", {"people_count_all", "people_count_max", "region_1_count", "region_2_count"}),
    ],
)
def test_uplink_event_payloads(sim: MilesightSimulator, model: str, keys: set[str]) -> None:
    """Each model reports the decoder's field names in a DEVICE_DATA/PROPERTY envelope."""
    device = _model(sim, model)
    event = sim.uplink_event(device.sn)
    assert event["eventType"] == "DEVICE_DATA"
    assert event["eventVersion"] == "1.0"
    assert event["eventCreatedTime"].isdigit()
    assert event["eventId"]
    data = event["data"]
    assert data["type"] == "PROPERTY"
    assert data["tslId"] == ""
    assert data["deviceProfile"] == {
        "deviceId": device.device_id,
        "sn": device.sn,
        "devEUI": device.dev_eui,
        "name": device.name,
        "model": model,
    }
    assert set(data["payload"]) == keys
    assert device.history[-1] == (data["ts"], data["payload"])


def test_button_and_value_domains(sim: MilesightSimulator) -> None:
    """Presses and enums use the decoder's strings; numbers stay in realistic ranges."""
    button, door = _model(sim, "WS101"), _model(sim, "WS301")
    presses = {
        sim.uplink_event(button.sn)["data"]["payload"]["button_event"]["status"] for _ in range(40)
    }
    assert presses == {"short press", "long press", "double press"}
    for _ in range(10):
        assert sim.uplink_event(door.sn)["data"]["payload"]["magnet_status"] in ("open", "close")
        payload = sim.uplink_event(sim.devices[0].sn)["data"]["payload"]
        assert -40 <= payload["temperature"] <= 85
        assert 0 <= payload["battery"] <= 100
        assert sim.devices[0].electricity == payload["battery"]


def test_explicit_uplink_data(sim: MilesightSimulator) -> None:
    """Given data is sent verbatim and brings the device online."""
    device = sim.devices[0]
    device.connect_status = "OFFLINE"
    event = sim.uplink_event(device.sn, {"temperature": -3.5})
    assert event["data"]["payload"] == {"temperature": -3.5}
    assert device.connect_status == "ONLINE"
    with pytest.raises(KeyError):
        sim.uplink_event("nope")


def test_other_events(sim: MilesightSimulator) -> None:
    """ONLINE/OFFLINE, WEBHOOK_TEST, SYSTEM_MESSAGES, TASK_DATA, historical data, PROPERTY."""
    device = sim.devices[0]
    offline = sim.event("DEVICE_OFFLINE", device.sn)
    assert offline["eventType"] == "DEVICE_DATA"
    assert offline["data"]["type"] == "OFFLINE"
    assert offline["data"]["payload"] == {}
    assert device.connect_status == "OFFLINE"
    online = sim.event("online", device.dev_eui)
    assert online["data"]["type"] == "ONLINE"
    assert device.connect_status == "ONLINE"

    test = sim.event("WEBHOOK_TEST")
    assert test["eventType"] == "WEBHOOK_TEST"
    assert test["data"] == "Test Milesight Webhook Successfully."

    notice = sim.event("SYSTEM_MESSAGES")
    assert notice["data"]["type"] == "SERVICE_NOTICE"
    assert notice["data"]["message"]["info"]
    alert = sim.event("SYSTEM_MESSAGES", message_type="SYSTEM_ALERT", info="failing", err_code="x")
    assert alert["data"] == {"message": {"errCode": "x", "info": "failing"}, "type": "SYSTEM_ALERT"}

    task = sim.event("TASK_DATA", device.device_id, status="FAILED")
    assert task["eventType"] == "TASK_DATA"
    assert task["data"]["type"] == "CONFIG"
    assert task["data"]["info"]["deviceId"] == int(device.device_id)
    assert task["data"]["info"]["status"] == "FAILED"

    history = sim.event("HISTORICAL_DATA", device.sn)
    assert history["data"]["type"] == "EVENT"
    assert history["data"]["tslId"] == "historical_data"
    assert isinstance(history["data"]["payload"]["timestamp"], int)

    prop = sim.event("PROPERTY", device.sn, data={"humidity": 50})
    assert prop["data"]["payload"] == {"humidity": 50}

    with pytest.raises(ValueError, match="unknown event type"):
        sim.event("BOGUS")
    with pytest.raises(KeyError):
        sim.event("ONLINE")


def test_unknown_model_and_default_history(sim: MilesightSimulator) -> None:
    """A device of a model without a generator still reports its battery; seeds exist."""
    device = sim.devices[0]
    device.model = "UC300"
    assert set(sim.uplink_event(device.sn)["data"]["payload"]) == {"battery"}
    for seeded in sim.devices[1:]:
        assert len(seeded.history) == 2
        assert seeded.history[0][0] < seeded.history[1][0]


# --- control API ------------------------------------------------------------------------------


async def test_control_api(
    sim: MilesightSimulator, session: aiohttp.ClientSession, receiver: Receiver
) -> None:
    """The /_sim/ endpoints drive the simulator and deliver to the configured webhook."""
    base = f"{sim.url}/_sim"
    device = sim.devices[2]
    status, body = await _post(
        session, f"{base}/uplink", json={"sn": device.sn, "data": {"battery": 5}}
    )
    assert status == 200
    assert body["delivered_status"] is None
    assert body["event"]["data"]["payload"] == {"battery": 5}

    status, body = await _post(
        session, f"{base}/webhook", json={"url": receiver.url, "secret": "s2", "uuid": "u2"}
    )
    assert body == {"url": receiver.url, "uuid": "u2"}
    status, body = await _post(session, f"{base}/uplink", json={"sn": device.sn})
    assert body["delivered_status"] == 200
    headers = {key.lower(): value for key, value in receiver.received[-1][0].items()}
    assert _verify(headers, "s2")
    assert headers["x-msc-webhook-uuid"] == "u2"

    status, body = await _post(session, f"{base}/event", json={"type": "OFFLINE", "sn": device.sn})
    assert body["event"]["data"]["type"] == "OFFLINE"
    status, body = await _post(
        session, f"{base}/event", json={"type": "SYSTEM_MESSAGES", "message_type": "SYSTEM_ALERT"}
    )
    assert body["event"]["data"]["type"] == "SYSTEM_ALERT"
    assert len(receiver.received) == 3

    status, devices = await _get(session, f"{base}/devices")
    assert [item["sn"] for item in devices] == [d.sn for d in sim.devices]
    assert devices[2]["connectStatus"] == "OFFLINE"

    await _post(session, f"{base}/fail", json={"count": 1, "kind": "http500"})
    status, _ = await _post(session, f"{sim.url}/oauth/token", data=TOKEN_FORM)
    assert status == 500
    await _post(
        session, f"{base}/fail", json={"count": 1, "kind": "429", "endpoint": "device/detail"}
    )
    token = await _token(sim, session)
    status, _ = await _get(session, f"{sim.url}{API}/devices/{device.device_id}", token)
    assert status == 429

    status, _ = await _post(session, f"{base}/expire_tokens")
    assert status == 200
    assert not sim.token_is_valid(token)

    status, calls = await _get(session, f"{base}/calls")
    assert calls == {"oauth/token": 2, "device/detail": 1}

    status, _ = await _post(session, f"{base}/webhook", json={"url": None})
    assert sim.webhook_url is None


@pytest.mark.parametrize(
    ("path", "payload", "status"),
    [
        ("uplink", {"sn": "nope"}, 404),
        ("uplink", {"sn": "6136D0000000AB12", "data": [1]}, 400),
        ("event", {"type": "BOGUS"}, 400),
        ("event", {"type": "ONLINE", "sn": "nope"}, 404),
        ("event", {"type": "SYSTEM_MESSAGES", "unexpected": 1}, 400),
        ("fail", {"count": 1, "kind": "gremlins"}, 400),
        ("fail", {"count": "x", "kind": "429"}, 400),
        ("webhook", {"url": 5}, 400),
        ("webhook", ["not", "an", "object"], 400),
    ],
)
async def test_control_api_errors(
    sim: MilesightSimulator,
    session: aiohttp.ClientSession,
    path: str,
    payload: Any,
    status: int,
) -> None:
    """Bad control requests are refused with a JSON error."""
    got, body = await _post(session, f"{sim.url}/_sim/{path}", json=payload)
    assert got == status
    assert "error" in body


async def test_control_api_invalid_json_and_failed_delivery(
    sim: MilesightSimulator, session: aiohttp.ClientSession
) -> None:
    """Non-JSON bodies are 400; an unreachable webhook is reported as 502."""
    got, body = await _post(session, f"{sim.url}/_sim/uplink", data=b"{oops")
    assert got == 400
    assert "error" in body
    closed = MilesightSimulator()
    await closed.start()
    dead_url = f"{closed.url}/gone"
    await closed.stop()
    sim.webhook_url = dead_url
    got, body = await _post(session, f"{sim.url}/_sim/event", json={"type": "WEBHOOK_TEST"})
    assert got == 502
    assert body["event"]["eventType"] == "WEBHOOK_TEST"


def test_command_line_arguments() -> None:
    """The documented options parse with their defaults."""
    args = parse_args([])
    assert (args.host, args.port, args.uplink_interval) == ("127.0.0.1", 8501, None)
    assert args.client_id == DEFAULT_CLIENT_ID
    assert args.client_secret == DEFAULT_CLIENT_SECRET
    assert args.webhook_secret == DEFAULT_WEBHOOK_SECRET
    args = parse_args(
        [
            "--port",
            "0",
            "--webhook-url",
            "http://127.0.0.1:1/h",
            "--uplink-interval",
            "30",
            "--client-id",
            "i",
            "--client-secret",
            "s",
            "--webhook-secret",
            "w",
        ]
    )
    assert (args.port, args.webhook_url, args.uplink_interval) == (0, "http://127.0.0.1:1/h", 30.0)
    assert (args.client_id, args.client_secret, args.webhook_secret) == ("i", "s", "w")


# --- field scenario (issue 11 part 8) ---------------------------------------------------------

FIELD_MODELS = {
    "CT101",
    "WS523",
    "GS101",
    "VS133",
    "UC300",
    "WT101",
    "DS3604",
    "EM500-SWL",
    "EM500-SMTC",
    "EM320-TH",
}
# Thing models spell a few units as MDP does; the catalogue uses Home Assistant's spelling.
_TSL_UNITS = {"%RH": "%"}


@pytest.fixture
async def field_sim(start_milesight_sim: Callable[..., Any]) -> MilesightSimulator:
    """A running simulator of the field scenario."""
    simulator: MilesightSimulator = await start_milesight_sim(scenario="field", seed=5)
    return simulator


def _lookup(model: str, key: str, firmware: str) -> Any:
    # The integration's catalogue, imported here so the other tests stay free of it.
    from custom_components.minerva_iot.milesight.catalogue import lookup

    return lookup(model, key, firmware)


async def _thing_model(sim: MilesightSimulator, device_id: str) -> dict[str, Any]:
    async with aiohttp.ClientSession() as http:
        token = await _token(sim, http)
        status, body = await _get(
            http, f"{sim.url}{API}/devices/{device_id}/thing-specification", token
        )
    assert status == 200
    spec: dict[str, Any] = body["data"]
    return spec


async def test_field_scenario_serves_the_classic_devices_and_the_field_models(
    sim: MilesightSimulator, field_sim: MilesightSimulator
) -> None:
    """The classic six stay first and unchanged; the field models follow with unique ids."""
    assert [device.sn for device in field_sim.devices[:6]] == [device.sn for device in sim.devices]
    assert len(sim.devices) == 6
    field_models = [device.model for device in field_sim.devices[6:]]
    assert set(field_models) == FIELD_MODELS
    assert len({device.device_id for device in field_sim.devices}) == len(field_sim.devices)
    assert len({device.sn for device in field_sim.devices}) == len(field_sim.devices)
    assert _model(field_sim, "EM320-TH").firmware_version == "v2.1"
    with pytest.raises(ValueError, match="unknown scenario"):
        MilesightSimulator(scenario="lab")


async def test_field_payloads_follow_the_catalogue(field_sim: MilesightSimulator) -> None:
    """Every key a field device reports is catalogued for its model, its value fits the row,
    and the thing model gives the catalogue's unit."""
    for device in field_sim.devices[6:]:
        spec = await _thing_model(field_sim, device.device_id)
        units = {
            item["id"]: _TSL_UNITS.get(unit, unit)
            for item in spec["properties"]
            if (unit := item["dataSpec"].get("unitName"))
        }
        for _ in range(15):
            payload = field_sim.uplink_event(device.sn)["data"]["payload"]
            for key, value in payload.items():
                entry = _lookup(device.model, key, device.firmware_version)
                assert entry is not None, (device.model, key)
                assert entry.kind != "ignore", (device.model, key)
                assert units.get(key) == entry.unit, (device.model, key)
                if entry.values:
                    assert entry.label(value) is not None, (device.model, key, value)
                else:
                    assert isinstance(value, int | float), (device.model, key, value)


async def test_field_units_differ_per_model(field_sim: MilesightSimulator) -> None:
    """current is A on a CT101 and mA on a WS523 plug, as their decoders say."""
    clamp, plug = _model(field_sim, "CT101"), _model(field_sim, "WS523")
    clamp_currents = [
        field_sim.uplink_event(clamp.sn)["data"]["payload"]["current"] for _ in range(20)
    ]
    assert all(0 < current < 20 for current in clamp_currents)
    plug_payloads = [field_sim.uplink_event(plug.sn)["data"]["payload"] for _ in range(40)]
    loaded = [payload for payload in plug_payloads if payload["active_power"] > 100]
    assert loaded
    assert all(payload["current"] > 1000 for payload in loaded)
    assert all(isinstance(payload["power_consumption"], int) for payload in plug_payloads)


async def test_field_counters_only_grow(field_sim: MilesightSimulator) -> None:
    """Energy, charge, people and pulse totals never go back."""
    for model, key in (
        ("CT101", "total_current"),
        ("WS523", "power_consumption"),
        ("VS133", "line_1_total_in"),
        ("VS133", "line_1_child_total_in"),
        ("UC300", "gpio_counter_2"),
    ):
        device = _model(field_sim, model)
        values = [field_sim.uplink_event(device.sn)["data"]["payload"][key] for _ in range(10)]
        assert values == sorted(values), (model, key)
    detector = _model(field_sim, "GS101")
    lives = [
        field_sim.uplink_event(detector.sn)["data"]["payload"]["life_remain"] for _ in range(5)
    ]
    assert lives == sorted(lives, reverse=True)


async def test_event_telemetry(
    field_sim: MilesightSimulator, session: aiohttp.ClientSession, receiver: Receiver
) -> None:
    """A people counter's line crossing arrives as DEVICE_DATA/EVENT carrying readings."""
    counter = _model(field_sim, "VS133")
    event = field_sim.event("EVENT", counter.sn)
    data = event["data"]
    assert event["eventType"] == "DEVICE_DATA"
    assert (data["type"], data["tslId"]) == ("EVENT", "line_crossing")
    assert set(data["payload"]) == {"line_1_total_in", "line_1_total_out"}
    assert counter.history[-1] == (data["ts"], data["payload"])
    custom = field_sim.event("EVENT", counter.device_id, tsl_id="occupancy", data={"x": 1})
    assert (custom["data"]["tslId"], custom["data"]["payload"]) == ("occupancy", {"x": 1})

    field_sim.webhook_url = receiver.url
    status, body = await _post(
        session, f"{field_sim.url}/_sim/event", json={"type": "EVENT", "sn": counter.sn}
    )
    assert (status, body["delivered_status"]) == (200, 200)
    (delivered,) = json.loads(receiver.received[-1][1])
    assert delivered["data"]["type"] == "EVENT"


async def test_periodic_field_reports_include_line_crossing_events(receiver: Receiver) -> None:
    """In the field scenario the people counter's every other periodic report is an EVENT."""
    periodic = MilesightSimulator(scenario="field", uplink_interval=0.001, seed=2)
    periodic.webhook_url = receiver.url
    counter = _model(periodic, "VS133")

    def kinds() -> set[str]:
        seen = set()
        for _, body in receiver.received:
            for event in json.loads(body):
                if event["data"]["deviceProfile"]["sn"] == counter.sn:
                    seen.add(event["data"]["type"])
        return seen

    await periodic.start()
    try:
        await _wait_until(lambda: kinds() == {"PROPERTY", "EVENT"})
    finally:
        await periodic.stop()


async def test_thing_models_with_arrays_and_events(field_sim: MilesightSimulator) -> None:
    """ARRAY properties come with their `_item` struct and `x._item.y` children; the people
    counter's thing model lists its line-crossing event."""
    freezer = await _thing_model(field_sim, _model(field_sim, "EM320-TH").device_id)
    by_id = {item["id"]: item for item in freezer["properties"]}
    array = by_id["history"]["dataSpec"]
    assert (array["dataType"], array["elementDataType"]) == ("ARRAY", "STRUCT")
    assert array["validator"]["maxSize"] >= 1
    item = by_id["history._item"]["dataSpec"]
    assert (item["dataType"], item["parentId"]) == ("STRUCT", "history")
    children = {key for key in by_id if key.startswith("history._item.")}
    assert children == {
        "history._item.timestamp",
        "history._item.temperature",
        "history._item.humidity",
    }
    assert all(by_id[key]["dataSpec"]["parentId"] == "history._item" for key in children)

    counter = await _thing_model(field_sim, _model(field_sim, "VS133").device_id)
    (event,) = counter["events"]
    assert event["id"] == "line_crossing"
    assert {output["id"] for output in event["outputs"]} == {"line_1_total_in", "line_1_total_out"}
    # The classic scenario keeps its thing models: no events, no field properties.
    assert _thing_model_events(MilesightSimulator(), "VS133") == []


def _thing_model_events(sim: MilesightSimulator, model: str) -> list[Any]:
    from simulators.milesight.catalogue import thing_specification

    return list(thing_specification(model, field=sim.field)["events"])


async def test_redeliver_sends_the_same_headers_and_body(
    sim: MilesightSimulator, session: aiohttp.ClientSession, receiver: Receiver
) -> None:
    """A redelivery repeats the last delivery byte for byte: same nonce, same signature."""
    assert await sim.redeliver() is None
    status, body = await _post(session, f"{sim.url}/_sim/redeliver")
    assert (status, body) == (200, {"delivered_status": None})
    sim.webhook_url = receiver.url
    assert await sim.deliver([sim.uplink_event(sim.devices[0].sn)]) == 200
    assert await sim.redeliver() == 200
    status, body = await _post(session, f"{sim.url}/_sim/redeliver")
    assert (status, body) == (200, {"delivered_status": 200})
    (first_headers, first_body), *again = receiver.received
    assert len(again) == 2
    nonce = "x-msc-request-nonce"
    for headers, repeated in again:
        assert repeated == first_body
        assert {k.lower(): v for k, v in headers.items() if k.lower().startswith("x-msc-")} == {
            k.lower(): v for k, v in first_headers.items() if k.lower().startswith("x-msc-")
        }
        assert headers[nonce] == first_headers[nonce]


async def test_redeliver_to_a_gone_webhook(
    sim: MilesightSimulator, session: aiohttp.ClientSession
) -> None:
    """A redelivery that cannot connect is reported, not raised through the control API."""
    closed = MilesightSimulator()
    await closed.start()
    dead_url = f"{closed.url}/gone"
    await closed.stop()
    sim.webhook_url = dead_url
    with pytest.raises(aiohttp.ClientError):
        await sim.deliver([sim.uplink_event(sim.devices[0].sn)])
    status, body = await _post(session, f"{sim.url}/_sim/redeliver")
    assert status == 502
    assert "delivery failed" in body["error"]
    idle = MilesightSimulator()
    with pytest.raises(RuntimeError, match="not started"):
        await idle.redeliver()


async def test_suspend_stops_pushing_without_notice(
    sim: MilesightSimulator, session: aiohttp.ClientSession, receiver: Receiver
) -> None:
    """Suspended: nothing reaches the webhook (no SYSTEM_ALERT either); re-saving resumes."""
    sim.webhook_url = receiver.url
    base = f"{sim.url}/_sim"
    status, body = await _post(session, f"{base}/suspend")
    assert body == {"suspended": True}
    device = sim.devices[0]
    assert await sim.deliver([sim.uplink_event(device.sn)]) is None
    status, body = await _post(session, f"{base}/uplink", json={"sn": device.sn})
    assert body["delivered_status"] is None
    assert await sim.redeliver() is None
    assert receiver.received == []
    status, console = await _get(session, f"{base}/console")
    assert (console["suspended"], console["withheld"]) == (True, 2)
    assert device.history[-1][1] == body["event"]["data"]["payload"]  # MDP still stores it

    status, body = await _post(session, f"{base}/resume")
    assert body == {"suspended": False}
    assert await sim.deliver([sim.uplink_event(device.sn)]) == 200
    sim.suspend()
    await _post(session, f"{base}/webhook", json={"url": receiver.url})
    assert await sim.deliver([sim.uplink_event(device.sn)]) == 200
    assert len(receiver.received) == 2


async def test_repeated_failures_suspend_deliveries_silently(
    start_milesight_sim: Callable[..., Any],
    session: aiohttp.ClientSession,
    receiver: Receiver,
) -> None:
    """After N failed deliveries in a row pushing stops; the SYSTEM_ALERT stays in the
    console. A success in between resets the count."""
    failing: MilesightSimulator = await start_milesight_sim(suspend_after_failures=2)
    failing.webhook_url = receiver.url
    device = failing.devices[0]
    receiver.status = 500
    assert await failing.deliver([failing.uplink_event(device.sn)]) == 500
    receiver.status = 200
    assert await failing.deliver([failing.uplink_event(device.sn)]) == 200
    receiver.status = 500
    assert await failing.deliver([failing.uplink_event(device.sn)]) == 500
    assert failing.sender.suspended is False
    assert await failing.deliver([failing.uplink_event(device.sn)]) == 500
    assert failing.sender.suspended is True
    assert await failing.deliver([failing.uplink_event(device.sn)]) is None
    assert len(receiver.received) == 4
    bodies = [json.loads(body) for _, body in receiver.received]
    assert all(event["eventType"] == "DEVICE_DATA" for batch in bodies for event in batch)
    status, console = await _get(session, f"{failing.url}/_sim/console")
    (alert,) = console["messages"]
    assert (alert["eventType"], alert["data"]["type"]) == ("SYSTEM_MESSAGES", "SYSTEM_ALERT")
    assert console["consecutive_failures"] == 2

    closed = MilesightSimulator()
    await closed.start()
    dead_url = f"{closed.url}/gone"
    await closed.stop()
    unreachable: MilesightSimulator = await start_milesight_sim(suspend_after_failures=1)
    unreachable.webhook_url = dead_url
    with pytest.raises(aiohttp.ClientError):
        await unreachable.deliver([unreachable.uplink_event(device.sn)])
    assert unreachable.sender.suspended is True


async def test_field_scenario_never_pushes_system_alert(
    field_sim: MilesightSimulator, session: aiohttp.ClientSession, receiver: Receiver
) -> None:
    """MDP shows SYSTEM_ALERT only in the console: never over the webhook."""
    field_sim.webhook_url = receiver.url
    alert = field_sim.event("SYSTEM_MESSAGES", message_type="SYSTEM_ALERT", info="failing")
    assert await field_sim.deliver([alert]) is None
    status, body = await _post(
        session,
        f"{field_sim.url}/_sim/event",
        json={"type": "SYSTEM_MESSAGES", "message_type": "SYSTEM_ALERT"},
    )
    assert body["delivered_status"] is None
    uplink = field_sim.uplink_event(field_sim.devices[0].sn)
    assert await field_sim.deliver([alert, uplink]) == 200
    (batch,) = [json.loads(body) for _, body in receiver.received]
    assert batch == [uplink]
    notice = field_sim.event("SYSTEM_MESSAGES")  # SERVICE_NOTICE is pushed
    assert await field_sim.deliver([notice]) == 200
    status, console = await _get(session, f"{field_sim.url}/_sim/console")
    assert [message["data"]["type"] for message in console["messages"]] == ["SYSTEM_ALERT"] * 3


async def test_history_is_empty_without_device_data_storage(
    field_sim: MilesightSimulator, session: aiohttp.ClientSession
) -> None:
    """A device whose "device data storage" is off has no history, whatever it reports."""
    detector = _model(field_sim, "GS101")
    assert detector.data_storage is False
    field_sim.uplink_event(detector.sn)
    assert detector.history == []
    token = await _token(field_sim, session)
    url = f"{field_sim.url}{API}/devices/{detector.device_id}/properties/history"
    status, body = await _get(session, url, token)
    assert status == 200
    assert body["data"] == {"list": [], "nextPageKey": None}

    base = f"{field_sim.url}/_sim/storage"
    status, body = await _post(session, base, json={"sn": detector.sn, "enabled": True})
    assert (status, body) == (200, {"sn": detector.sn, "enabled": True})
    field_sim.uplink_event(detector.sn)
    status, body = await _get(session, url, token)
    assert len(body["data"]["list"]) == 1
    status, body = await _post(session, base, json={"sn": detector.sn, "enabled": False})
    status, body = await _get(session, url, token)
    assert body["data"]["list"] == []

    status, _ = await _post(session, base, json={"sn": detector.sn, "enabled": "no"})
    assert status == 400
    status, _ = await _post(session, base, json={"sn": "nope", "enabled": True})
    assert status == 404


def test_cli_scenario_options() -> None:
    """The command line (demo, e2e) runs the field scenario unless told otherwise."""
    args = parse_args([])
    assert (args.scenario, args.suspend_after_failures) == ("field", None)
    args = parse_args(["--scenario", "classic", "--suspend-after-failures", "3"])
    assert (args.scenario, args.suspend_after_failures) == ("classic", 3)


async def test_class_c_plug_switches_and_pushes_its_result(
    session: aiohttp.ClientSession, receiver: Receiver
) -> None:
    """The demo's WS523: a PATCH is taken within the Class C delay, TASK_DATA and a report
    with the new socket state are pushed signed, and its power reading follows."""
    plug_sim = MilesightSimulator(seed=2, scenario="field")
    plug_sim.webhook_url = receiver.url
    await plug_sim.start()
    try:
        plug_sim.downlinks.class_c_delay = 0
        plug = next(device for device in plug_sim.devices if device.model == "WS523")
        token = await _token(plug_sim, session)
        async with session.patch(
            f"{plug_sim.url}/device/openapi/v1/devices/{plug.device_id}/properties",
            json={"properties": {"socket_status": "off"}},
            headers={"Authorization": f"Bearer {token}"},
        ) as response:
            assert response.status == 200
            assert (await response.json())["data"] == {"properties": {"socket_status": "off"}}
        await _wait_until(lambda: len(receiver.received) >= 1)
        task, report = json.loads(receiver.received[0][1])
        assert task["eventType"] == "TASK_DATA"
        assert task["data"]["info"]["status"] == "SUCCESS"
        assert task["data"]["info"]["subcommand"] == [
            {"key": "socket_status", "status": "SUCCESS", "value": "off"}
        ]
        assert report["data"]["payload"]["socket_status"] == "off"
        uplink = plug_sim.uplink_event(plug.sn)["data"]["payload"]
        assert (uplink["socket_status"], uplink["active_power"]) == ("off", 0)
        # Refusals: read-only and out of range (errCodes *unconfirmed*).
        for body, code in (
            ({"properties": {"voltage": 1}}, "property_read_only"),
            ({"properties": {"socket_status": "dim"}}, "parameter_invalid"),
        ):
            async with session.patch(
                f"{plug_sim.url}/device/openapi/v1/devices/{plug.device_id}/properties",
                json=body,
                headers={"Authorization": f"Bearer {token}"},
            ) as response:
                assert response.status == 400
                _assert_failure(await response.json(), code)
    finally:
        await plug_sim.stop()


async def test_downlink_control_routes(
    sim: MilesightSimulator, session: aiohttp.ClientSession
) -> None:
    """``/_sim/downlinks`` shows the queues; ``/_sim/refuse_downlinks`` makes them fail."""
    token = await _token(sim, session)
    device = sim.devices[0]
    async with session.patch(
        f"{sim.url}/device/openapi/v1/devices/{device.device_id}/properties",
        json={"properties": {"reporting_interval": 10}},
        headers={"Authorization": f"Bearer {token}"},
    ) as response:
        assert response.status == 200
    status, body = await _get(session, f"{sim.url}/_sim/downlinks")
    assert status == 200
    assert body["queues"][device.sn][0]["properties"] == {"reporting_interval": 10}
    status, body = await _post(session, f"{sim.url}/_sim/refuse_downlinks", json={"sn": device.sn})
    assert (status, body["refused"]) == (200, 1)
    (result,) = sim.downlinks.apply(device)
    assert result["data"]["info"]["status"] == "FAILED"
    assert device.settings == {}
    status, _ = await _post(session, f"{sim.url}/_sim/refuse_downlinks", json={"sn": "nope"})
    assert status == 404
