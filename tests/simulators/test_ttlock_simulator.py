"""Protocol behaviour of the TTLock cloud simulator (reference ttlock-cloud-api.md)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Callable
import hashlib
import json
import socket
from typing import Any

import aiohttp
from aiohttp import web
import pytest

from simulators.ttlock import (
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    DEFAULT_PASSWORD,
    DEFAULT_USERNAME,
    SimulatedLock,
    TTLockSimulator,
)
from simulators.ttlock.__main__ import parse_args, serve

# Every test here talks to a simulator or a receiver over 127.0.0.1.
pytestmark = pytest.mark.usefixtures("socket_enabled")

FRONT = 4711001
BACK = 4711002
MD5_PASSWORD = hashlib.md5(DEFAULT_PASSWORD.encode()).hexdigest()
DROP = object()


@pytest.fixture
def ttlock_sim_options() -> dict[str, Any]:
    """Auto-lock delays shortened a hundredfold; a "timeout" failure hangs 50 ms."""
    return {"time_scale": 0.01, "hang_seconds": 0.05}


@pytest.fixture
def sim(ttlock_sim: TTLockSimulator) -> TTLockSimulator:
    """The running simulator (tests/plugins/simulators.py)."""
    return ttlock_sim


@pytest.fixture
async def receiver() -> AsyncGenerator[tuple[str, list[dict[str, str]]]]:
    """A callback endpoint that stores the forms it receives and answers ``success``."""
    received: list[dict[str, str]] = []

    async def handle(request: web.Request) -> web.Response:
        assert request.content_type == "application/x-www-form-urlencoded"
        received.append({key: str(value) for key, value in (await request.post()).items()})
        return web.Response(text="success")

    app = web.Application()
    app.router.add_post("/callback", handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    yield f"http://127.0.0.1:{runner.addresses[0][1]}/callback", received
    await runner.cleanup()


async def grant(
    session: aiohttp.ClientSession, sim: TTLockSimulator, **form: str
) -> dict[str, Any]:
    """POST /oauth2/token with ``form`` and return the JSON body (HTTP status must be 200)."""
    async with session.post(f"{sim.url}/oauth2/token", data=form) as response:
        assert response.status == 200
        body: dict[str, Any] = await response.json()
        return body


def login_form(**overrides: str) -> dict[str, str]:
    """The documented password-grant form."""
    return {
        "clientId": DEFAULT_CLIENT_ID,
        "clientSecret": DEFAULT_CLIENT_SECRET,
        "username": DEFAULT_USERNAME,
        "password": MD5_PASSWORD,
    } | overrides


@pytest.fixture
async def api(session: aiohttp.ClientSession, sim: TTLockSimulator) -> Callable[..., Any]:
    """Call ``/v3/<endpoint>`` with the common parameters (``DROP`` removes one)."""
    token = (await grant(session, sim, **login_form()))["access_token"]

    async def call(endpoint: str, method: str = "GET", **params: Any) -> dict[str, Any]:
        values: dict[str, Any] = {
            "clientId": DEFAULT_CLIENT_ID,
            "accessToken": token,
            "date": sim.now_ms(),
        } | params
        sent = {key: str(value) for key, value in values.items() if value is not DROP}
        kwargs: dict[str, Any] = {"params": sent} if method == "GET" else {"data": sent}
        async with session.request(method, f"{sim.url}/v3/{endpoint}", **kwargs) as response:
            assert response.status == 200
            body: dict[str, Any] = await response.json()
            return body

    return call


async def wait_until(predicate: Callable[[], bool]) -> None:
    """Poll ``predicate`` (bounded) while the loop runs timers and pushes."""
    for _ in range(500):
        if predicate():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("condition not reached")


# --------------------------------------------------------------------------- token endpoint


async def test_password_grant(session: aiohttp.ClientSession, sim: TTLockSimulator) -> None:
    """camelCase fields with the MD5 password give a 90-day token with uid."""
    body = await grant(session, sim, **login_form())
    assert set(body) == {"access_token", "uid", "refresh_token", "expires_in"}
    assert (body["uid"], body["expires_in"]) == (1001, 7776000)
    assert sim.calls["oauth2/token"] == 1


async def test_snake_case_client_fields(
    session: aiohttp.ClientSession, sim: TTLockSimulator
) -> None:
    """Home Assistant's snake_case client fields are accepted too (reference §2.5)."""
    form = login_form()
    form["client_id"] = form.pop("clientId")
    form["client_secret"] = form.pop("clientSecret")
    assert "access_token" in await grant(session, sim, **form)


@pytest.mark.parametrize(
    ("overrides", "errcode"),
    [
        ({"clientSecret": "wrong"}, 10001),
        ({"clientId": "wrong"}, 10001),
        ({"password": DEFAULT_PASSWORD}, 30005),
        ({"password": hashlib.md5(b"wrong").hexdigest()}, 10007),
        ({"username": "other@example.com"}, 10007),
        ({"grant_type": "authorization_code"}, 10010),
    ],
)
async def test_grant_errors_are_http_200_bodies(
    session: aiohttp.ClientSession, sim: TTLockSimulator, overrides: dict[str, str], errcode: int
) -> None:
    """Errors come as ``{"errcode", "errmsg", "description"}`` with HTTP 200."""
    body = await grant(session, sim, **login_form(**overrides))
    assert body["errcode"] == errcode
    assert body["errmsg"]
    assert body["description"]
    assert "access_token" not in body


async def test_refresh_grant_rotates(session: aiohttp.ClientSession, sim: TTLockSimulator) -> None:
    """A refresh token works once for 10 years; no uid in the answer; revoked tokens give 10011."""
    first = await grant(session, sim, **login_form())
    refresh = {
        "clientId": DEFAULT_CLIENT_ID,
        "clientSecret": DEFAULT_CLIENT_SECRET,
        "grant_type": "refresh_token",
    }
    second = await grant(session, sim, **refresh, refresh_token=first["refresh_token"])
    assert "uid" not in second
    assert second["refresh_token"] != first["refresh_token"]
    assert (await grant(session, sim, **refresh, refresh_token=first["refresh_token"]))[
        "errcode"
    ] == 10011
    start = sim.clock()
    sim.clock = lambda: start + 10 * 365 * 86400 + 1
    assert (await grant(session, sim, **refresh, refresh_token=second["refresh_token"]))[
        "errcode"
    ] == 10011
    sim.clock = lambda: start
    third = await grant(session, sim, **refresh, refresh_token=second["refresh_token"])
    sim.revoke_refresh_tokens()
    assert (await grant(session, sim, **refresh, refresh_token=third["refresh_token"]))[
        "errcode"
    ] == 10011


# ------------------------------------------------------------------------ common parameters


@pytest.mark.parametrize("missing", ["clientId", "accessToken", "date"])
async def test_common_parameters_are_mandatory(api: Callable[..., Any], missing: str) -> None:
    """Every /v3 call needs clientId, accessToken and date."""
    body = await api("lock/list", pageNo=1, pageSize=20, **{missing: DROP})
    assert body["errcode"] == -3
    assert missing in body["errmsg"]


async def test_common_parameter_errors(api: Callable[..., Any], sim: TTLockSimulator) -> None:
    """Wrong client 10001, unknown token 10003, expired token 10004, bad date -3."""
    assert (await api("lock/list", pageNo=1, pageSize=20, clientId="x"))["errcode"] == 10001
    assert (await api("lock/list", pageNo=1, pageSize=20, accessToken="x"))["errcode"] == 10003
    assert (await api("lock/list", pageNo=1, pageSize=20, date="soon"))["errcode"] == -3
    sim.expire_access_tokens()
    assert (await api("lock/list", pageNo=1, pageSize=20))["errcode"] == 10004


async def test_token_lifetime(api: Callable[..., Any], sim: TTLockSimulator) -> None:
    """After 90 days the access token fails with 10004."""
    start = sim.clock()
    sim.clock = lambda: start + 90 * 86400 + 1
    assert (await api("lock/list", pageNo=1, pageSize=20))["errcode"] == 10004


@pytest.mark.parametrize(
    ("offset_ms", "errcode"),
    [(-299_000, None), (299_000, None), (301_000, 80000), (-301_000, 80000)],
)
async def test_date_rule(
    api: Callable[..., Any], sim: TTLockSimulator, offset_ms: int, errcode: int | None
) -> None:
    """``date`` must be within 5 minutes of the server's time."""
    body = await api("lock/list", pageNo=1, pageSize=20, date=sim.now_ms() + offset_ms)
    assert body.get("errcode") == errcode


async def test_reads_accept_get_and_post(api: Callable[..., Any]) -> None:
    """The cloud accepts a query string or a form."""
    by_get = await api("lock/detail", lockId=FRONT)
    by_post = await api("lock/detail", "POST", lockId=FRONT)
    assert by_get["lockAlias"] == by_post["lockAlias"] == "Front door"


async def test_unknown_endpoint(session: aiohttp.ClientSession, sim: TTLockSimulator) -> None:
    """Unknown paths are 404."""
    async with session.get(f"{sim.url}/v3/lock/teleport") as response:
        assert response.status == 404


# --------------------------------------------------------------------------------- reads


async def test_lock_list_and_detail(api: Callable[..., Any]) -> None:
    """Two locks behind one gateway with realistic fields."""
    body = await api("lock/list", pageNo=1, pageSize=1000)
    assert (body["total"], body["pages"], body["pageNo"]) == (2, 1, 1)
    front, back = body["list"]
    assert (front["lockId"], front["hasGateway"], front["featureValue"]) == (FRONT, 1, "C0E517")
    assert back["lockAlias"] == "Back door"
    detail = await api("lock/detail", lockId=FRONT)
    assert (detail["autoLockTime"], detail["passageMode"]) == (5, 2)
    assert detail["lockData"]
    assert (await api("lock/detail", lockId=BACK))["autoLockTime"] == 0
    assert (await api("lock/detail", lockId=1))["errcode"] == -1003
    assert (await api("lock/detail", lockId="abc"))["errcode"] == -3


@pytest.mark.parametrize(
    ("endpoint", "extra", "max_size"),
    [
        ("lock/list", {}, 1000),
        ("gateway/list", {"orderBy": 0}, 200),
        ("lockRecord/list", {"lockId": FRONT}, 200),
    ],
)
async def test_page_size_maxima(
    api: Callable[..., Any], endpoint: str, extra: dict[str, Any], max_size: int
) -> None:
    """Documented maxima are enforced; pageNo and pageSize are required."""
    assert "list" in await api(endpoint, pageNo=1, pageSize=max_size, **extra)
    assert (await api(endpoint, pageNo=1, pageSize=max_size + 1, **extra))["errcode"] == -3
    assert (await api(endpoint, pageNo=0, pageSize=10, **extra))["errcode"] == -3
    assert (await api(endpoint, pageSize=10, **extra))["errcode"] == -3


async def test_paging(api: Callable[..., Any], sim: TTLockSimulator) -> None:
    """pages/total follow pageSize."""
    for lock_id in range(1, 4):
        sim.locks[lock_id] = SimulatedLock(lock_id, f"L{lock_id}", "", "00", "1", None)
    first = await api("lock/list", pageNo=1, pageSize=2)
    third = await api("lock/list", pageNo=3, pageSize=2)
    assert (first["pages"], first["total"], len(first["list"])) == (3, 5, 2)
    assert len(third["list"]) == 1


async def test_gateways(api: Callable[..., Any], sim: TTLockSimulator) -> None:
    """orderBy is required; gateway per lock via listByLock."""
    assert (await api("gateway/list", pageNo=1, pageSize=20))["errcode"] == -3
    from simulators.ttlock import SimulatedGateway

    sim.gateways[9002] = SimulatedGateway(9002, "Attic gateway", "52:3A:7C:10:20:31", online=False)
    by_name = await api("gateway/list", pageNo=1, pageSize=20, orderBy=0)
    assert [(g["gatewayName"], g["isOnline"], g["lockNum"]) for g in by_name["list"]] == [
        ("Attic gateway", 0, 0),
        ("Hallway gateway", 1, 2),
    ]
    by_name_desc = await api("gateway/list", pageNo=1, pageSize=20, orderBy=2)
    assert by_name_desc["list"][0]["gatewayId"] == 9001
    assert (await api("gateway/listByLock", lockId=FRONT))["list"][0]["gatewayId"] == 9001
    sim.locks[BACK].gateway_id = None
    assert (await api("gateway/listByLock", lockId=BACK))["list"] == []


async def test_open_state_battery_and_door(api: Callable[..., Any], sim: TTLockSimulator) -> None:
    """queryOpenState has sensorState only for the lock with a door sensor."""
    assert await api("lock/queryOpenState", lockId=FRONT) == {"state": 0, "sensorState": 1}
    assert await api("lock/queryOpenState", lockId=BACK) == {"state": 0}
    fields = await sim.operate_door(FRONT, opened=True)
    assert json.loads(fields["records"])[0]["recordType"] == 31
    assert sim.locks[FRONT].records[-1]["recordType"] == 31
    assert (await api("lock/queryOpenState", lockId=FRONT))["sensorState"] == 0
    assert await api("lock/queryElectricQuantity", lockId=BACK) == {"electricQuantity": 64}
    with pytest.raises(ValueError, match="door sensor"):
        await sim.operate_door(BACK, opened=True)


# ------------------------------------------------------------------------------ commands


async def test_unlock_lock_and_records(api: Callable[..., Any], sim: TTLockSimulator) -> None:
    """Commands change the lock and store records 12 / 11, newest first."""
    assert (await api("lock/unlock", "POST", lockId=BACK))["errcode"] == 0
    assert sim.locks[BACK].locked is False
    assert (await api("lock/lock", "POST", lockId=BACK))["errcode"] == 0
    assert sim.locks[BACK].locked is True
    records = await api("lockRecord/list", pageNo=1, pageSize=20, lockId=BACK)
    assert [record["recordType"] for record in records["list"]] == [11, 12]
    assert records["list"][0]["username"] == DEFAULT_USERNAME
    newest = records["list"][0]["lockDate"]
    later = await api("lockRecord/list", pageNo=1, pageSize=20, lockId=BACK, startDate=newest + 1)
    assert later["list"] == []
    window = await api(
        "lockRecord/list", pageNo=1, pageSize=20, lockId=BACK, startDate=0, endDate=newest
    )
    assert window["total"] == 2


async def test_remote_unlock_disabled_and_missing_lock_feature(
    api: Callable[..., Any], sim: TTLockSimulator
) -> None:
    """-4043 when remote unlock is off, or for a lock command the lock cannot do."""
    sim.locks[FRONT].remote_unlock_enabled = False
    assert (await api("lock/unlock", "POST", lockId=FRONT))["errcode"] == -4043
    assert sim.locks[FRONT].locked is True
    sim.locks[BACK].feature_value = "1"
    assert (await api("lock/lock", "POST", lockId=BACK))["errcode"] == -4043
    assert (await api("lock/setAutoLockTime", "POST", lockId=BACK, seconds=5, type=2))[
        "errcode"
    ] == -4043
    assert (await api("lock/configurePassageMode", "POST", lockId=BACK, passageMode=1, type=2))[
        "errcode"
    ] == -4043


async def test_gateway_reachability(api: Callable[..., Any], sim: TTLockSimulator) -> None:
    """-2012 without gateway, -3002 when it is offline."""
    sim.set_gateway_online(9001, False)
    assert (await api("lock/unlock", "POST", lockId=FRONT))["errcode"] == -3002
    assert (await api("lock/queryOpenState", lockId=FRONT))["errcode"] == -3002
    sim.locks[BACK].gateway_id = None
    assert (await api("lock/lock", "POST", lockId=BACK))["errcode"] == -2012


async def test_concurrent_commands_through_one_gateway_are_busy(
    api: Callable[..., Any], sim: TTLockSimulator
) -> None:
    """A second command while the gateway works on one gets -3003."""
    sim.command_gate = asyncio.Event()
    first = asyncio.create_task(api("lock/unlock", "POST", lockId=FRONT))
    await wait_until(lambda: sim.active_commands == 1)
    assert (await api("lock/unlock", "POST", lockId=BACK))["errcode"] == -3003
    sim.command_gate.set()
    assert (await first)["errcode"] == 0
    assert sim.max_concurrent_commands == 1


async def test_command_latency(api: Callable[..., Any], sim: TTLockSimulator) -> None:
    """With a latency the command still completes (the wake-up is simulated)."""
    sim.command_latency = 0.01
    assert (await api("lock/unlock", "POST", lockId=BACK))["errcode"] == 0


async def test_method_flag_one_only_syncs_the_cloud(
    api: Callable[..., Any], sim: TTLockSimulator
) -> None:
    """Without type=2 the call succeeds but the lock does not change (documented default 1)."""
    assert (await api("lock/configurePassageMode", "POST", lockId=FRONT, passageMode=1))[
        "errcode"
    ] == 0
    assert sim.locks[FRONT].passage_mode is False
    assert (await api("lock/setAutoLockTime", "POST", lockId=FRONT, seconds=60, type=1))[
        "errcode"
    ] == 0
    assert sim.locks[FRONT].auto_lock_time == 5


async def test_passage_mode_and_auto_lock_settings(
    api: Callable[..., Any], sim: TTLockSimulator
) -> None:
    """type=2 changes the lock; invalid values are refused."""
    body = await api("lock/configurePassageMode", "POST", lockId=FRONT, passageMode=1, type=2)
    assert body == {"errcode": 0, "errmsg": "none error message"}
    assert (await api("lock/getPassageModeConfiguration", lockId=FRONT))["passageMode"] == 1
    assert (await api("lock/configurePassageMode", "POST", lockId=FRONT, passageMode=3, type=2))[
        "errcode"
    ] == -3
    assert (await api("lock/setAutoLockTime", "POST", lockId=FRONT, seconds=-1, type=2))[
        "errcode"
    ] == 0
    assert sim.locks[FRONT].auto_lock_time == 0
    assert (await api("lock/setAutoLockTime", "POST", lockId=FRONT, seconds=901, type=2))[
        "errcode"
    ] == -4082


async def test_passcodes(api: Callable[..., Any], sim: TTLockSimulator) -> None:
    """Add (4-9 digits, period type by default), list, delete, limits."""
    period = {"keyboardPwdType": 3, "startDate": 1, "endDate": 2, "addType": 2}
    assert (await api("keyboardPwd/add", "POST", lockId=FRONT, keyboardPwd="1234"))["errcode"] == -3
    added = await api("keyboardPwd/add", "POST", lockId=FRONT, keyboardPwd="1234", **period)
    passcode_id = added["keyboardPwdId"]
    assert (await api("keyboardPwd/add", "POST", lockId=FRONT, keyboardPwd="1234", **period))[
        "errcode"
    ] == -3007
    for bad in ("123", "1234567890", "12ab"):
        body = await api("keyboardPwd/add", "POST", lockId=FRONT, keyboardPwd=bad, **period)
        assert body["errcode"] == -2009
    listing = await api("lock/listKeyboardPwd", pageNo=1, pageSize=20, lockId=FRONT)
    assert [(c["keyboardPwdId"], c["keyboardPwd"], c["startDate"]) for c in listing["list"]] == [
        (passcode_id, "1234", 1)
    ]
    assert (await api("keyboardPwd/delete", "POST", lockId=FRONT, keyboardPwdId=passcode_id))[
        "errcode"
    ] == 0
    assert (await api("keyboardPwd/delete", "POST", lockId=FRONT, keyboardPwdId=passcode_id))[
        "errcode"
    ] == -1007
    for number in range(250):
        body = await api(
            "keyboardPwd/add", "POST", lockId=BACK, keyboardPwd=f"{number:06d}", keyboardPwdType=2
        )
        assert "keyboardPwdId" in body
    assert (
        await api("keyboardPwd/add", "POST", lockId=BACK, keyboardPwd="999999", keyboardPwdType=2)
    )["errcode"] == -3009


async def test_update_setting(api: Callable[..., Any], sim: TTLockSimulator) -> None:
    """Sound (type 6) changes the lock with changeType 2; other known types are accepted."""
    body = await api("lock/updateSetting", "POST", lockId=FRONT, type=6, value=2, changeType=2)
    assert body["errcode"] == 0
    assert sim.locks[FRONT].sound_enabled is False
    assert (await api("lock/detail", lockId=FRONT))["lockSound"] == 2
    await api("lock/updateSetting", "POST", lockId=FRONT, type=6, value=1)
    assert sim.locks[FRONT].sound_enabled is False
    assert (await api("lock/updateSetting", "POST", lockId=FRONT, type=8, value=3, changeType=2))[
        "errcode"
    ] == 0
    assert (await api("lock/updateSetting", "POST", lockId=FRONT, type=99, value=1))[
        "errcode"
    ] == -3
    sim.locks[BACK].feature_value = "1"
    assert (await api("lock/updateSetting", "POST", lockId=BACK, type=6, value=1))[
        "errcode"
    ] == -4043


async def test_change_passcode(api: Callable[..., Any], sim: TTLockSimulator) -> None:
    """keyboardPwd/change validates digits, duplicates, periods and ids."""
    first = await api(
        "keyboardPwd/add", "POST", lockId=FRONT, keyboardPwd="1111", keyboardPwdType=2
    )
    await api("keyboardPwd/add", "POST", lockId=FRONT, keyboardPwd="2222", keyboardPwdType=2)
    passcode_id = first["keyboardPwdId"]

    async def change(**params: Any) -> Any:
        params = {"keyboardPwdId": passcode_id} | params
        body = await api("keyboardPwd/change", "POST", lockId=FRONT, **params)
        return body["errcode"]

    assert await change(newKeyboardPwd="2222") == -3007
    assert await change(newKeyboardPwd="12") == -2009
    assert await change(startDate=5, endDate=1) == -3
    assert await change(keyboardPwdId=7, keyboardPwdName="x") == -1007
    assert (
        await change(
            newKeyboardPwd="3333", keyboardPwdName="Cook", startDate=1, endDate=9, changeType=2
        )
        == 0
    )
    stored = sim.locks[FRONT].passcodes[passcode_id]
    assert (stored.passcode, stored.name, stored.passcode_type, stored.end) == (
        "3333",
        "Cook",
        3,
        9,
    )


# ------------------------------------------------------------------- callbacks and relock


async def test_operate_by_hand_pushes_a_form(
    sim: TTLockSimulator, receiver: tuple[str, list[dict[str, str]]]
) -> None:
    """The push is a form with ``records`` as a JSON string in the documented shape."""
    url, received = receiver
    sim.callback_url = url
    fields = await sim.operate_by_hand(BACK, locked=False, method="passcode")
    assert received == [fields]
    push = received[0]
    assert (push["notifyType"], push["lockId"], push["lockMac"], push["admin"]) == (
        "1",
        str(BACK),
        "AA:BB:CC:44:55:66",
        DEFAULT_USERNAME,
    )
    (record,) = json.loads(push["records"])
    assert record["recordType"] == 4
    assert record["success"] == 1
    assert (record["username"], record["keyboardPwd"]) == ("Guest code", "482913")
    assert record["lockId"] == BACK
    assert record["electricQuantity"] == 64
    assert record["serverDate"] >= record["lockDate"]
    assert sim.locks[BACK].locked is False
    assert not sim.relock_scheduled(BACK)


async def test_api_commands_push_in_background(
    api: Callable[..., Any], sim: TTLockSimulator, receiver: tuple[str, list[dict[str, str]]]
) -> None:
    """A remote unlock pushes record 12 after answering."""
    sim.callback_url = receiver[0]
    await api("lock/unlock", "POST", lockId=BACK)
    await wait_until(lambda: len(receiver[1]) == 1)
    assert json.loads(receiver[1][0]["records"])[0]["recordType"] == 12


async def test_auto_relock_without_record(
    sim: TTLockSimulator, receiver: tuple[str, list[dict[str, str]]]
) -> None:
    """The front door relocks after autoLockTime with no record and no push (reference §10)."""
    sim.callback_url = receiver[0]
    await sim.operate_by_hand(FRONT, locked=False, method="card")
    assert sim.relock_scheduled(FRONT)
    await wait_until(lambda: sim.locks[FRONT].locked)
    assert not sim.relock_scheduled(FRONT)
    assert len(receiver[1]) == 1
    assert len(sim.locks[FRONT].records) == 1


async def test_passage_mode_prevents_relock(api: Callable[..., Any], sim: TTLockSimulator) -> None:
    """Passage mode keeps the lock open; switching it off restarts auto-lock."""
    await api("lock/configurePassageMode", "POST", lockId=FRONT, passageMode=1, type=2)
    await sim.operate_by_hand(FRONT, locked=False)
    assert not sim.relock_scheduled(FRONT)
    await api("lock/configurePassageMode", "POST", lockId=FRONT, passageMode=2, type=2)
    assert sim.relock_scheduled(FRONT)
    await wait_until(lambda: sim.locks[FRONT].locked)


async def test_manual_lock_cancels_relock(sim: TTLockSimulator) -> None:
    """Locking by hand cancels the pending relock; passage mode on cancels it too."""
    await sim.operate_by_hand(FRONT, locked=False, method="fingerprint")
    await sim.operate_by_hand(FRONT, locked=True, method="button")
    assert not sim.relock_scheduled(FRONT)
    await sim.operate_by_hand(FRONT, locked=False, method="key")
    sim.set_passage_mode(sim.locks[FRONT], True)
    assert not sim.relock_scheduled(FRONT)
    assert [r["recordType"] for r in sim.locks[FRONT].records] == [8, 47, 10]


async def test_operate_methods(sim: TTLockSimulator) -> None:
    """Unknown methods and unlocking by "auto" are refused."""
    with pytest.raises(ValueError, match="unknown method"):
        await sim.operate_by_hand(FRONT, locked=False, method="telepathy")
    with pytest.raises(ValueError, match="only lock"):
        await sim.operate_by_hand(FRONT, locked=False, method="auto")
    fields = await sim.operate_by_hand(FRONT, locked=True, method="auto")
    assert json.loads(fields["records"])[0]["recordType"] == 45


async def test_build_and_send_callback(
    sim: TTLockSimulator, receiver: tuple[str, list[dict[str, str]]]
) -> None:
    """build_callback makes any record (overrides win); send_callback posts it."""
    fields = sim.build_callback(FRONT, 29, success=False, username="Intruder", lockDate=5)
    (record,) = json.loads(fields["records"])
    assert (record["recordType"], record["success"], record["username"], record["lockDate"]) == (
        29,
        0,
        "Intruder",
        5,
    )
    assert await sim.send_callback(fields) is None
    sim.callback_url = receiver[0]
    assert await sim.send_callback(fields) == 200
    assert receiver[1] == [fields]
    assert sim.callbacks_sent == [fields]


async def test_unreachable_callback_is_counted(sim: TTLockSimulator) -> None:
    """A push to a closed port fails quietly and is counted."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sim.callback_url = f"http://127.0.0.1:{port}/callback"
    await sim.operate_by_hand(BACK, locked=False)
    assert sim.callback_failures == 1


# --------------------------------------------------------------------- failure injection


@pytest.mark.parametrize(
    ("kind", "status", "errcode"),
    [
        ("http500", 500, None),
        ("429", 429, None),
        ("timeout", 200, 90000),
        ("gateway_busy", 200, -3003),
        ("gateway_offline", 200, -3002),
        ("quota", 200, 30006),
    ],
)
async def test_fail_next(
    session: aiohttp.ClientSession,
    sim: TTLockSimulator,
    kind: str,
    status: int,
    errcode: int | None,
) -> None:
    """Each kind fails exactly the next request, token endpoint included."""
    sim.fail_next(1, kind)
    async with session.post(f"{sim.url}/oauth2/token", data=login_form()) as response:
        assert response.status == status
        if errcode is not None:
            assert (await response.json())["errcode"] == errcode
    assert "access_token" in await grant(session, sim, **login_form())
    assert sim.calls["oauth2/token"] == 2
    assert sim.pending_failures == 0


async def test_fail_next_rejects_unknown_kind(sim: TTLockSimulator) -> None:
    """Typos in tests fail loudly."""
    for kind in ("meteor", "errcode:", "errcode:x"):
        with pytest.raises(ValueError, match="unknown failure kind"):
            sim.fail_next(1, kind)


async def test_fail_next_for_one_endpoint_with_any_errcode(
    session: aiohttp.ClientSession, sim: TTLockSimulator
) -> None:
    """A failure aimed at one endpoint waits for it; other requests pass untouched."""
    sim.fail_next(1, "errcode:-3036", endpoint="lock/list")
    tokens = await grant(session, sim, **login_form())
    assert sim.pending_failures == 1
    params = {
        "clientId": sim.client_id,
        "accessToken": tokens["access_token"],
        "date": str(sim.now_ms()),
        "pageNo": "1",
        "pageSize": "20",
    }
    async with session.get(f"{sim.url}/v3/lock/list", params=params) as response:
        assert (await response.json())["errcode"] == -3036
    async with session.get(f"{sim.url}/v3/lock/list", params=params) as response:
        assert "list" in await response.json()
    assert sim.pending_failures == 0


# ----------------------------------------------------------------------------- control API


async def test_control_api(
    session: aiohttp.ClientSession,
    sim: TTLockSimulator,
    receiver: tuple[str, list[dict[str, str]]],
) -> None:
    """Every /_sim endpoint drives the simulator."""

    async def post(path: str, body: Any) -> tuple[int, Any]:
        async with session.post(f"{sim.url}/_sim/{path}", json=body) as response:
            return response.status, await response.json(content_type=None)

    assert await post("callback_url", {"url": receiver[0]}) == (200, {"url": receiver[0]})
    status, fields = await post("operate", {"lockId": BACK, "locked": False, "method": "card"})
    assert status == 200
    assert receiver[1] == [fields]
    assert await post("fail", {"count": 2, "kind": "quota"}) == (200, {"pending": 2})
    assert sim.pending_failures == 2
    fail_unlock = {"kind": "errcode:-2012", "endpoint": "lock/unlock"}
    assert await post("fail", fail_unlock) == (200, {"pending": 3})
    assert (await post("gateway", {"gatewayId": 9001, "online": False}))[0] == 200
    assert sim.gateways[9001].online is False
    await grant(session, sim, **login_form())
    assert (await post("expire_tokens", {}))[0] == 200
    assert all(token.expired for token in sim.tokens.access.values())
    assert (await post("revoke_refresh", {}))[0] == 200
    assert not sim.tokens.refresh
    assert await post("callback_url", {"url": None}) == (200, {"url": None})
    async with session.get(f"{sim.url}/_sim/locks") as response:
        locks = await response.json()
    assert locks[str(BACK)]["locked"] is False
    assert locks[str(FRONT)]["doorClosed"] is True
    async with session.get(f"{sim.url}/_sim/calls") as response:
        assert (await response.json())["oauth2/token"] == 1


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("operate", {"locked": True}),
        ("operate", {"lockId": FRONT, "locked": False, "method": "auto"}),
        ("fail", {"kind": "meteor"}),
        ("gateway", {"online": True}),
        ("fail", [1, 2]),
        ("fail", "not json"),
    ],
)
async def test_control_api_bad_requests(
    session: aiohttp.ClientSession, sim: TTLockSimulator, path: str, body: Any
) -> None:
    """Malformed control requests are HTTP 400."""
    kwargs: dict[str, Any] = {"data": body} if isinstance(body, str) else {"json": body}
    async with session.post(f"{sim.url}/_sim/{path}", **kwargs) as response:
        assert response.status == 400


# ------------------------------------------------------------------------ life cycle / CLI


async def test_url_before_start() -> None:
    """The URL exists only while serving."""
    with pytest.raises(RuntimeError):
        _ = TTLockSimulator().url


async def test_stop_cancels_relock_timers_and_hanging_requests(
    session: aiohttp.ClientSession,
) -> None:
    """stop() leaves no timer or task behind (the HA test plugin checks it)."""
    simulator = TTLockSimulator(hang_seconds=60)
    await simulator.start()
    await simulator.operate_by_hand(FRONT, locked=False)
    assert simulator.relock_scheduled(FRONT)
    simulator.fail_next(1, "timeout")
    hanging = asyncio.create_task(session.post(f"{simulator.url}/oauth2/token", data=login_form()))
    await wait_until(lambda: simulator.calls["oauth2/token"] == 1)
    await simulator.stop()
    assert not simulator.relock_scheduled(FRONT)
    response = await hanging
    assert (await response.json())["errcode"] == 90000
    response.release()


def test_cli_arguments() -> None:
    """Defaults and overrides of ``python -m simulators.ttlock``."""
    args = parse_args([])
    assert (args.host, args.port, args.client_id, args.uid) == (
        "127.0.0.1",
        8502,
        DEFAULT_CLIENT_ID,
        1001,
    )
    args = parse_args(["--port", "0", "--callback-url", "http://127.0.0.1:1/cb", "--uid", "7"])
    assert (args.port, args.callback_url, args.uid) == (0, "http://127.0.0.1:1/cb", 7)


async def test_cli_serve_until_cancelled() -> None:
    """serve() runs the simulator until cancelled, then stops it."""
    task = asyncio.create_task(serve(parse_args(["--port", "0"])))
    for _ in range(20):
        await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def test_stop_cancels_pending_pushes(api: Callable[..., Any], sim: TTLockSimulator) -> None:
    """A push still in flight when the simulator stops is cancelled, not left running."""
    release = asyncio.Event()
    arrived = asyncio.Event()

    async def slow(request: web.Request) -> web.Response:
        arrived.set()
        await release.wait()
        return web.Response(text="success")

    app = web.Application()
    app.router.add_post("/callback", slow)
    runner = web.AppRunner(app, shutdown_timeout=0.1)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    sim.callback_url = f"http://127.0.0.1:{runner.addresses[0][1]}/callback"
    await api("lock/unlock", "POST", lockId=BACK)
    await asyncio.wait_for(arrived.wait(), 5)
    await sim.stop()
    assert sim.callbacks_sent
    release.set()
    await runner.cleanup()


# ---------------------------------------------------------------- field behaviours (issue 12)

OFFICE_HOURS = [{"isAllDay": 2, "startTime": 480, "endTime": 1080, "weekDays": [1, 2, 3, 4, 5]}]


def at_utc(sim: TTLockSimulator, *when: int) -> None:
    """Set the simulator's (the cloud's) clock to a UTC moment (year, month, day, hour, minute)."""
    from datetime import UTC, datetime

    moment = datetime(*when, tzinfo=UTC).timestamp()
    sim.clock = lambda: moment


async def post_control(sim: TTLockSimulator, path: str, body: Any) -> tuple[int, Any]:
    """POST a control-API request with a session of its own."""
    async with (
        aiohttp.ClientSession() as client,
        client.post(f"{sim.url}/_sim/{path}", json=body) as response,
    ):
        if response.status != 200:
            return response.status, await response.text()
        return response.status, await response.json()


async def test_passage_schedule_is_kept_sorted_and_validated(
    api: Callable[..., Any], sim: TTLockSimulator
) -> None:
    """cyclicConfig: up to five periods, answered all-day first; bad schedules are -3 / 80002."""
    weekend = {"isAllDay": 1, "startTime": 0, "endTime": 0, "weekDays": [7, 6]}
    config = json.dumps([*OFFICE_HOURS, weekend])
    base = {"lockId": FRONT, "passageMode": 1, "type": 2, "autoUnlock": 2}
    assert (await api("lock/configurePassageMode", "POST", cyclicConfig=config, **base))[
        "errcode"
    ] == 0
    assert await api("lock/getPassageModeConfiguration", lockId=FRONT) == {
        "passageMode": 1,
        "autoUnlock": 2,
        "cyclicConfig": [{**weekend, "weekDays": [6, 7]}, *OFFICE_HOURS],
    }
    bad = [
        json.dumps(OFFICE_HOURS * 6),
        json.dumps([{**OFFICE_HOURS[0], "startTime": 1080, "endTime": 480}]),
        json.dumps([{**OFFICE_HOURS[0], "weekDays": [8]}]),
        json.dumps([{**OFFICE_HOURS[0], "isAllDay": 3}]),
        json.dumps([{**OFFICE_HOURS[0], "startTime": 2000}]),
        json.dumps({"weekDays": [1]}),
        json.dumps([1]),
    ]
    for cyclic in bad:
        body = await api("lock/configurePassageMode", "POST", cyclicConfig=cyclic, **base)
        assert body["errcode"] == -3, cyclic
    assert (await api("lock/configurePassageMode", "POST", cyclicConfig="[", **base))[
        "errcode"
    ] == 80002
    assert (await api("lock/configurePassageMode", "POST", **base | {"autoUnlock": 5}))[
        "errcode"
    ] == -3
    assert len(sim.locks[FRONT].passage_periods) == 2


async def test_passage_schedule_follows_the_lock_clock_and_time_zone(
    api: Callable[..., Any], sim: TTLockSimulator
) -> None:
    """Office hours keep an unlocked lock open, judged by the lock's clock in its time zone."""
    front = sim.locks[FRONT]
    await api(
        "lock/configurePassageMode",
        "POST",
        lockId=FRONT,
        passageMode=1,
        type=2,
        cyclicConfig=json.dumps(OFFICE_HOURS),
    )
    at_utc(sim, 2025, 3, 3, 7, 30)  # Monday 08:30 at UTC+1 (timezoneRawOffset 3600000)
    assert sim.passage_active(front)
    await sim.operate_by_hand(FRONT, locked=False)
    assert not sim.relock_scheduled(FRONT)
    at_utc(sim, 2025, 3, 3, 16, 59)  # 17:59 on the lock's wall clock...
    assert sim.passage_active(front)
    front.clock_offset_ms = 78_000  # ...but the lock runs 78 s ahead: 18:00:18, period over
    assert not sim.passage_active(front)
    front.timezone_raw_offset = 0  # a lock set to UTC is at 17:00 again
    assert sim.passage_active(front)
    at_utc(sim, 2025, 3, 8, 10, 0)  # Saturday
    assert not sim.passage_active(front)
    await sim.operate_by_hand(FRONT, locked=False)
    assert sim.relock_scheduled(FRONT)
    sim.set_passage_mode(front, False)
    assert not sim.passage_active(front)


async def test_passage_period_beginning_auto_unlocks(
    api: Callable[..., Any], sim: TTLockSimulator, receiver: tuple[str, list[dict[str, str]]]
) -> None:
    """autoUnlock 1: the lock unlocks when a period begins (record 63), once per period."""
    sim.callback_url = receiver[0]
    at_utc(sim, 2025, 3, 3, 6, 59)  # Monday 07:59 on the lock
    body = await api(
        "lock/configurePassageMode",
        "POST",
        lockId=BACK,
        passageMode=1,
        autoUnlock=1,
        type=2,
        cyclicConfig=json.dumps(OFFICE_HOURS),
    )
    assert body["errcode"] == 0
    assert (await api("lock/detail", lockId=BACK))["passageModeAutoUnlock"] == 1
    assert sim.evaluate_passage_schedules() == []
    at_utc(sim, 2025, 3, 3, 7, 0)
    (fields,) = sim.evaluate_passage_schedules()
    assert json.loads(fields["records"])[0]["recordType"] == 63
    assert sim.locks[BACK].locked is False
    assert sim.evaluate_passage_schedules() == []
    await sim.wait_for_pushes()
    assert receiver[1] == [fields]
    assert (await post_control(sim, "passage_tick", {})) == (200, {"pushes": []})


async def test_passage_check_loop(receiver: tuple[str, list[dict[str, str]]]) -> None:
    """passage_check_interval runs the schedule check while serving; stop() ends it."""
    simulator = TTLockSimulator(passage_check_interval=0.01, callback_url=receiver[0])
    back = simulator.locks[BACK]
    back.passage_mode, back.passage_auto_unlock = True, True
    back.passage_periods = [
        {"isAllDay": 1, "startTime": 0, "endTime": 0, "weekDays": [*range(1, 8)]}
    ]
    await simulator.start()
    try:
        await wait_until(lambda: len(receiver[1]) == 1)
        assert back.locked is False
    finally:
        await simulator.stop()


async def test_legacy_passage_mode_endpoints(api: Callable[..., Any], sim: TTLockSimulator) -> None:
    """getPassageModeConfig / configPassageMode: the flat shape hass-ttlock sends and reads."""
    assert await api("lock/getPassageModeConfig", lockId=FRONT) == {
        "passageMode": 2,
        "autoUnlock": 2,
        "isAllDay": None,
        "startDate": None,
        "endDate": None,
        "weekDays": [],
    }
    body = await api(
        "lock/configPassageMode",
        "POST",
        lockId=FRONT,
        type=2,
        passageMode=1,
        autoUnlock=2,
        isAllDay=2,
        startDate=480,
        endDate=1080,
        weekDays="[1, 2, 3, 4, 5]",
    )
    assert body["errcode"] == 0
    assert await api("lock/getPassageModeConfig", lockId=FRONT) == {
        "passageMode": 1,
        "autoUnlock": 2,
        "isAllDay": 2,
        "startDate": 480,
        "endDate": 1080,
        "weekDays": [1, 2, 3, 4, 5],
    }
    assert (await api("lock/getPassageModeConfiguration", lockId=FRONT))["cyclicConfig"] == (
        OFFICE_HOURS
    )
    bad = await api(
        "lock/configPassageMode",
        "POST",
        lockId=FRONT,
        type=2,
        passageMode=1,
        startDate="x",
        weekDays="[1]",
    )
    assert bad["errcode"] == -3
    off = await api("lock/configPassageMode", "POST", lockId=FRONT, type=2, passageMode=2)
    assert off["errcode"] == 0
    assert sim.locks[FRONT].passage_periods == OFFICE_HOURS


async def test_wifi_lock_has_no_gateway_and_no_feature_bit(
    api: Callable[..., Any], sim: TTLockSimulator, receiver: tuple[str, list[dict[str, str]]]
) -> None:
    """A WiFi lock: hasGateway 0, no bit 56, yet commands reach it and its records are pushed."""
    from simulators.ttlock.field import make_wifi_lock

    sim.callback_url = receiver[0]
    make_wifi_lock(sim.locks[BACK])
    back = next(
        item
        for item in (await api("lock/list", pageNo=1, pageSize=20))["list"]
        if item["lockId"] == BACK
    )
    assert back["hasGateway"] == 0
    assert not (int(back["featureValue"], 16) >> 56) & 1
    assert (await api("gateway/listByLock", lockId=BACK))["list"] == []
    assert (await api("lock/unlock", "POST", lockId=BACK))["errcode"] == 0
    await wait_until(lambda: len(receiver[1]) == 1)
    assert json.loads(receiver[1][0]["records"])[0]["recordType"] == 12
    assert await api("wifiLock/detail", lockId=BACK) == {
        "networkName": "sim-wifi",
        "wifiMac": "AA:BB:CC:44:55:66",
        "rssiGrade": 3,
        "isOnline": 1,
        "powerSavingMode": 2,
    }
    assert (await api("wifiLock/detail", lockId=FRONT))["errcode"] == -4043
    sim.set_gateway_online(9001, False)  # the WiFi lock does not care
    assert (await api("lock/queryOpenState", lockId=BACK)) == {"state": 1}
    sim.locks[BACK].power_saving = True
    assert (await api("lock/lock", "POST", lockId=BACK))["errcode"] == -3035
    sim.locks[BACK].power_saving = False
    sim.locks[BACK].wifi_online = False
    assert (await api("lock/lock", "POST", lockId=BACK))["errcode"] == -3036
    assert (await api("wifiLock/detail", lockId=BACK))["isOnline"] == 0
    sim.locks[BACK].wifi_online = True
    sim.command_gate = asyncio.Event()
    first = asyncio.create_task(api("lock/lock", "POST", lockId=BACK))
    await wait_until(lambda: sim.active_commands == 1)
    assert (await api("lock/unlock", "POST", lockId=BACK))["errcode"] == -3037
    sim.command_gate.set()
    assert (await first)["errcode"] == 0
    sim.locks[BACK].wifi = False
    assert (await api("lock/lock", "POST", lockId=BACK))["errcode"] == -2012


async def test_field_demo(api: Callable[..., Any], sim: TTLockSimulator) -> None:
    """The field demo's back door: WiFi, office-hours passage mode, clock 78 s ahead."""
    from simulators.ttlock import apply_field_demo

    apply_field_demo(sim)
    detail = await api("lock/detail", lockId=BACK)
    assert (detail["hasGateway"], detail["passageMode"], detail["autoLockTime"]) == (0, 1, 10)
    assert (await api("lock/getPassageModeConfiguration", lockId=BACK))["cyclicConfig"] == (
        OFFICE_HOURS
    )
    assert (await api("lock/unlock", "POST", lockId=BACK))["errcode"] == 0
    (record,) = (await api("lockRecord/list", pageNo=1, pageSize=20, lockId=BACK))["list"]
    assert record["lockDate"] - record["serverDate"] == 78_000 - 1500
    front = await api("lock/detail", lockId=FRONT)
    assert front["hasGateway"] == 1
    assert parse_args(["--field-demo"]).field_demo is True


async def test_push_delay_and_jitter(
    sim: TTLockSimulator, receiver: tuple[str, list[dict[str, str]]]
) -> None:
    """Pushes can arrive late (0-300 s together); the default is at once."""
    sim.callback_url = receiver[0]
    sim.set_push_delay(0.05, 0.05)
    fields = await sim.operate_by_hand(BACK, locked=False, method="card")
    assert receiver[1] == []
    await sim.wait_for_pushes()
    assert receiver[1] == [fields]
    for delay, jitter in ((-1, 0), (0, -1), (200, 101), (301, 0)):
        with pytest.raises(ValueError, match="300"):
            sim.set_push_delay(delay, jitter)
    body = {"delay": 0, "jitter": 0, "realShape": True}
    assert await post_control(sim, "push", body) == (200, body)
    assert sim.real_push_shape is True
    assert (await post_control(sim, "push", {"delay": 400}))[0] == 400
    await sim.operate_by_hand(BACK, locked=True)
    assert len(receiver[1]) == 2


async def test_push_shapes(
    api: Callable[..., Any], sim: TTLockSimulator, receiver: tuple[str, list[dict[str, str]]]
) -> None:
    """Default pushes keep the first shape; the real one has recordTypeFromLock and no recordId."""
    sim.callback_url = receiver[0]
    (legacy,) = json.loads(
        (await sim.operate_by_hand(FRONT, locked=False, method="card"))["records"]
    )
    assert "recordId" in legacy
    assert "recordTypeFromLock" not in legacy
    sim.real_push_shape = True
    (real,) = json.loads(
        (await sim.operate_by_hand(FRONT, locked=True, method="passcode"))["records"]
    )
    assert "recordId" not in real
    assert (real["recordType"], real["recordTypeFromLock"]) == (34, 34)
    (built,) = json.loads(sim.build_callback(FRONT, 4, success=False)["records"])
    assert (built["recordTypeFromLock"], "recordId" in built) == (7, False)
    listed = (await api("lockRecord/list", pageNo=1, pageSize=20, lockId=FRONT))["list"]
    assert [(r["recordType"], r["recordTypeFromLock"]) for r in listed] == [(34, 34), (7, 17)]
    assert all("recordId" in record for record in listed)


@pytest.mark.parametrize(
    ("record_type", "success", "from_lock"),
    [
        (1, True, 1),
        (7, True, 17),
        (8, True, 20),
        (10, True, 27),
        (11, True, 26),
        (12, True, 28),
        (4, False, 7),
        (7, False, 25),
        (8, False, 22),
        (45, True, 45),
        (63, True, 63),
    ],
)
def test_record_type_from_lock(record_type: int, success: bool, from_lock: int) -> None:
    """The lock's own record numbers (ttlock-sdk-js LogOperate, captures #128, PR #170)."""
    from simulators.ttlock.records import record_type_from_lock

    assert record_type_from_lock(record_type, success) == from_lock


async def test_console_test_push(
    sim: TTLockSimulator, receiver: tuple[str, list[dict[str, str]]]
) -> None:
    """The console's test push: lockId 222, record lockId 232332, no username (#128)."""
    sim.callback_url = receiver[0]
    assert await sim.send_test_push() == 200
    assert await post_control(sim, "test_push", {}) == (200, {"status": 200})
    first, second = receiver[1]
    assert first.keys() == second.keys()
    assert list(first) == ["lockId", "notifyType", "records", "admin", "lockMac"]
    assert (first["lockId"], first["admin"], first["lockMac"]) == (
        "222",
        "test@ttlock.com",
        "22:22:22:22:22:22",
    )
    (record,) = json.loads(first["records"])
    assert record["lockId"] == 232332
    assert "username" not in record
    assert "recordId" not in record
    assert (record["recordType"], record["recordTypeFromLock"], record["keyboardPwd"]) == (
        4,
        4,
        "123456",
    )
    assert record["lockDate"] == record["serverDate"]


async def test_lock_clock_offset_and_time_endpoints(
    api: Callable[..., Any], sim: TTLockSimulator
) -> None:
    """lockDate follows the lock's clock; queryDate reads it and updateDate sets it right."""
    status, state = await post_control(sim, "lock", {"lockId": BACK, "clockOffsetMs": 78_000})
    assert (status, state["clockOffsetMs"]) == (200, 78_000)
    await sim.operate_by_hand(BACK, locked=False)
    record = sim.locks[BACK].records[-1]
    assert record["lockDate"] - record["serverDate"] == 76_500
    lock_time = (await api("lock/queryDate", lockId=BACK))["date"]
    assert 77_000 < lock_time - sim.now_ms() <= 78_000
    adjusted = (await api("lock/updateDate", "POST", lockId=BACK))["date"]
    assert abs(adjusted - sim.now_ms()) < 1000
    assert sim.locks[BACK].clock_offset_ms == 0
    sim.set_gateway_online(9001, False)
    assert (await api("lock/queryDate", lockId=BACK))["errcode"] == -3002


async def test_auto_lock_minus_one_still_relocks_with_a_record(
    api: Callable[..., Any], sim: TTLockSimulator, receiver: tuple[str, list[dict[str, str]]]
) -> None:
    """lock/detail says -1 (or nothing) while the lock relocks and, so set, pushes record 45."""
    sim.callback_url = receiver[0]
    settings = {"lockId": FRONT, "reportedAutoLockTime": -1, "autoLockRecord": True}
    assert (await post_control(sim, "lock", settings))[0] == 200
    assert (await api("lock/detail", lockId=FRONT))["autoLockTime"] == -1
    await sim.operate_by_hand(FRONT, locked=False, method="card")
    await wait_until(lambda: len(receiver[1]) == 2)
    assert sim.locks[FRONT].locked is True
    relocked = json.loads(receiver[1][1]["records"])[0]
    assert (relocked["recordType"], relocked["success"]) == (45, 1)
    assert [r["recordType"] for r in sim.locks[FRONT].records] == [7, 45]
    sim.locks[FRONT].omit_auto_lock_time = True
    assert "autoLockTime" not in await api("lock/detail", lockId=FRONT)


async def test_relock_waits_out_a_passage_period_that_began(sim: TTLockSimulator) -> None:
    """A period that begins before the relock keeps the lock open."""
    front = sim.locks[FRONT]
    front.passage_periods = OFFICE_HOURS
    at_utc(sim, 2025, 3, 3, 6, 59)  # 07:59 on the lock: not yet
    sim.set_passage_mode(front, True)
    await sim.operate_by_hand(FRONT, locked=False)
    assert sim.relock_scheduled(FRONT)
    at_utc(sim, 2025, 3, 3, 7, 0)
    await wait_until(lambda: not sim.relock_scheduled(FRONT))
    assert front.locked is False


@pytest.mark.parametrize(
    "body",
    [
        {"lockId": FRONT, "meteor": 1},
        {"lockId": FRONT, "clockOffsetMs": "soon"},
        {"lockId": FRONT, "clockOffsetMs": True},
        {"lockId": FRONT, "autoLockRecord": None},
        {"lockId": 1},
        {"clockOffsetMs": 1},
    ],
)
async def test_lock_settings_bad_requests(sim: TTLockSimulator, body: dict[str, Any]) -> None:
    """Unknown settings, wrong types and unknown locks are HTTP 400."""
    assert (await post_control(sim, "lock", body))[0] == 400


async def test_door_sensor_only_where_one_is_bound(
    api: Callable[..., Any], sim: TTLockSimulator
) -> None:
    """doorSensor/query answers for a bound sensor; feature bit 13 alone is no sensor (#175)."""
    sensor = await api("doorSensor/query", lockId=FRONT)
    assert set(sensor) == {
        "doorSensorId",
        "name",
        "electricQuantity",
        "version",
        "mac",
        "number",
        "doorNotClosedWarningTime",
    }
    assert (await api("doorSensor/query", lockId=BACK))["errcode"] == 1
    sim.locks[FRONT].has_door_sensor = False  # bit 13 stays in featureValue "C0E517"
    assert (int(sim.locks[FRONT].feature_value, 16) >> 13) & 1
    assert (await api("doorSensor/query", lockId=FRONT))["errcode"] == 1
    assert await api("lock/queryOpenState", lockId=FRONT) == {"state": 0}


async def test_ic_cards(api: Callable[..., Any], sim: TTLockSimulator) -> None:
    """identityCard: list, add (reversed number too), changePeriod, rename, delete, -1021."""
    listing = await api("identityCard/list", lockId=FRONT, pageNo=1, pageSize=20)
    assert [
        (c["cardId"], c["cardNumber"], c["cardName"], c["startDate"]) for c in listing["list"]
    ] == [(5001, "3051234567", "Cleaner card", 0)]
    period = {"startDate": 1_000, "endDate": 2_000, "addType": 2}
    added = await api(
        "identityCard/addForReversedCardNumber",
        "POST",
        lockId=FRONT,
        cardNumber="3661413478",
        cardName="Mum",
        **period,
    )
    card_id = added["cardId"]
    assert sim.locks[FRONT].cards[card_id].number == "1723612378"
    plain = await api(
        "identityCard/add", "POST", lockId=FRONT, cardNumber="42", startDate=0, endDate=0
    )
    assert sim.locks[FRONT].cards[plain["cardId"]].number == "42"
    for bad in (
        {"cardNumber": ""},
        {"cardNumber": "1", "startDate": 5, "endDate": 1},
        {"cardNumber": "1", "cardType": 4},
        {"cardNumber": "1", "cardType": 2},
    ):
        body = await api(
            "identityCard/add", "POST", lockId=FRONT, **{"startDate": 0, "endDate": 0} | bad
        )
        assert body["errcode"] == -3, bad
    by_name = await api("identityCard/list", lockId=FRONT, pageNo=1, pageSize=20, orderBy=0)
    assert [c["cardName"] for c in by_name["list"]] == ["", "Cleaner card", "Mum"]
    found = await api("identityCard/list", lockId=FRONT, pageNo=1, pageSize=20, searchStr="Mu")
    assert [c["cardId"] for c in found["list"]] == [card_id]

    async def change(**params: Any) -> int:
        body = await api(
            "identityCard/changePeriod", "POST", lockId=FRONT, **{"cardId": card_id} | params
        )
        return int(body["errcode"])

    cycles = json.dumps([{"weekDay": 1, "startTime": 480, "endTime": 1080}])
    assert await change(startDate=3_000, endDate=4_000, cyclicConfig=cycles, changeType=2) == 0
    stored = sim.locks[FRONT].cards[card_id]
    assert (stored.start, stored.end, stored.kind_type, stored.cyclic[0]["weekDay"]) == (
        3_000,
        4_000,
        4,
        1,
    )
    assert await change(startDate=0, endDate=0) == -3
    assert await change(startDate=3_000) == -3
    assert await change(startDate=1, endDate=2, cyclicConfig=json.dumps([{"weekDay": 9}])) == -3
    assert await change(cardId=1, startDate=1, endDate=2) == -1021
    assert (await api("identityCard/rename", "POST", lockId=FRONT, cardId=card_id, cardName="Mom"))[
        "errcode"
    ] == 0
    assert stored.name == "Mom"
    assert (await api("identityCard/rename", "POST", lockId=FRONT, cardId=card_id))["errcode"] == -3
    sim.set_gateway_online(9001, False)
    assert (await api("identityCard/delete", "POST", lockId=FRONT, cardId=card_id, deleteType=2))[
        "errcode"
    ] == -3002
    sim.set_gateway_online(9001, True)
    assert (await api("identityCard/delete", "POST", lockId=FRONT, cardId=card_id, deleteType=2))[
        "errcode"
    ] == 0
    assert (await api("identityCard/delete", "POST", lockId=FRONT, cardId=card_id, deleteType=2))[
        "errcode"
    ] == -1021
    assert (await api("identityCard/list", lockId=FRONT, pageNo=1, pageSize=201))["errcode"] == -3


async def test_fingerprints(api: Callable[..., Any], sim: TTLockSimulator) -> None:
    """fingerprint: list, changePeriod, rename, delete; -1023 for an unknown one."""
    (item,) = (await api("fingerprint/list", lockId=FRONT, pageNo=1, pageSize=20))["list"]
    assert (item["fingerprintId"], item["fingerprintName"], item["fingerprintType"]) == (
        6001,
        "Right thumb",
        1,
    )
    assert (await api("fingerprint/list", lockId=FRONT, pageNo=1, pageSize=20, orderBy=2))[
        "total"
    ] == 1
    change = {
        "lockId": FRONT,
        "fingerprintId": 6001,
        "startDate": 10,
        "endDate": 20,
        "changeType": 2,
    }
    assert (await api("fingerprint/changePeriod", "POST", **change))["errcode"] == 0
    assert (sim.locks[FRONT].fingerprints[6001].start, sim.locks[FRONT].fingerprints[6001].end) == (
        10,
        20,
    )
    assert (await api("fingerprint/changePeriod", "POST", **change | {"fingerprintId": 1}))[
        "errcode"
    ] == -1023
    assert (
        await api(
            "fingerprint/rename", "POST", lockId=FRONT, fingerprintId=6001, fingerprintName="Left"
        )
    )["errcode"] == 0
    assert sim.locks[FRONT].fingerprints[6001].name == "Left"
    assert (
        await api("fingerprint/delete", "POST", lockId=FRONT, fingerprintId=6001, deleteType=1)
    )["errcode"] == 0
    assert sim.locks[FRONT].fingerprints == {}
    assert (await api("fingerprint/delete", "POST", lockId=FRONT, fingerprintId=6001))[
        "errcode"
    ] == -1023


async def test_random_passcodes_of_every_type(
    api: Callable[..., Any], sim: TTLockSimulator
) -> None:
    """keyboardPwd/get: types 1-14, no gateway needed, start rounded to the hour, isCustom 0."""
    sim.set_gateway_online(9001, False)
    hour = 3_600_000
    start = 1_740_830_400_000 + 1234  # 2025-03-01 12:00:01.234 UTC
    for passcode_type in range(1, 15):
        body = await api(
            "keyboardPwd/get",
            "POST",
            lockId=FRONT,
            keyboardPwdType=passcode_type,
            keyboardPwdName=f"type {passcode_type}",
            startDate=start,
            endDate=start + 2 * hour,
        )
        assert body["keyboardPwd"].isdigit(), passcode_type
        stored = sim.locks[FRONT].passcodes[body["keyboardPwdId"]]
        assert (stored.start, stored.passcode_type, stored.is_custom) == (
            start - 1234,
            passcode_type,
            False,
        )
        assert stored.end == (0 if passcode_type == 2 else start + 2 * hour)
        assert len(stored.passcode) == (7 if passcode_type == 3 else 9)
    listing = await api("lock/listKeyboardPwd", lockId=FRONT, pageNo=1, pageSize=20)
    assert {code["isCustom"] for code in listing["list"]} == {0}
    assert len({code["keyboardPwd"] for code in listing["list"]}) == 14
    repeat = await api(
        "keyboardPwd/get",
        "POST",
        lockId=FRONT,
        keyboardPwdType=5,
        startDate=start + hour,
        endDate=start,
    )
    assert repeat == {
        "errcode": -3,
        "errmsg": "Invalid parameter. The time of REPEAT is incorrect.",
        "description": repeat["description"],
    }
    assert (await api("keyboardPwd/get", "POST", lockId=FRONT, keyboardPwdType=3, startDate=start))[
        "errcode"
    ] == -3
    assert (
        await api("keyboardPwd/get", "POST", lockId=FRONT, keyboardPwdType=15, startDate=start)
    )["errcode"] == -3
    assert (await api("keyboardPwd/get", "POST", lockId=FRONT, keyboardPwdType=1))["errcode"] == -3
    named = await api(
        "lock/listKeyboardPwd", lockId=FRONT, pageNo=1, pageSize=20, searchStr="type 1", orderBy=0
    )
    assert [code["keyboardPwdName"] for code in named["list"]] == [
        "type 1",
        "type 10",
        "type 11",
        "type 12",
        "type 13",
        "type 14",
    ]


async def test_passcode_add_that_failed_after_it_worked(
    api: Callable[..., Any], sim: TTLockSimulator
) -> None:
    """errcode 1 after the lock stored the code: a repeat is a duplicate; repeated delete -1007."""
    sim.fail_next(1, "errcode:1:failed or means no", endpoint="keyboardPwd/add", applied=True)
    add = {"lockId": FRONT, "keyboardPwd": "246810", "keyboardPwdType": 2, "addType": 2}
    assert (await api("keyboardPwd/add", "POST", **add))["errcode"] == 1
    (stored,) = sim.locks[FRONT].passcodes.values()
    assert stored.passcode == "246810"
    repeat = await api("keyboardPwd/add", "POST", **add)
    assert (repeat["errcode"], repeat["errmsg"]) == (
        -3007,
        "The same passcode already exists. Please use another one",
    )
    assert (await api("keyboardPwd/add", "POST", **add | {"keyboardPwdType": 5}))["errcode"] == -3
    delete = {"lockId": FRONT, "keyboardPwdId": stored.passcode_id, "deleteType": 2}
    assert (await api("keyboardPwd/delete", "POST", **delete))["errcode"] == 0
    gone = await api("keyboardPwd/delete", "POST", **delete)
    assert (gone["errcode"], gone["errmsg"]) == (-1007, "No password data of this lock")
    status, pending = await post_control(
        sim, "fail", {"kind": "timeout", "endpoint": "lock/unlock", "applied": True}
    )
    assert (status, pending) == (200, {"pending": 1})
    assert (await api("lock/unlock", "POST", lockId=BACK))["errcode"] == 90000
    assert sim.locks[BACK].locked is False


async def test_passcode_for_a_power_saving_wifi_lock(
    api: Callable[..., Any], sim: TTLockSimulator
) -> None:
    """addType 4 queues a passcode for a WiFi lock in power-saving mode without waking it."""
    from simulators.ttlock.field import make_wifi_lock

    make_wifi_lock(sim.locks[BACK])
    sim.locks[BACK].power_saving = True
    add = {"lockId": BACK, "keyboardPwd": "1357", "keyboardPwdType": 2}
    assert (await api("keyboardPwd/add", "POST", **add | {"addType": 2}))["errcode"] == -3035
    assert "keyboardPwdId" in await api("keyboardPwd/add", "POST", **add | {"addType": 4})
    assert sim.active_commands == 0


def test_cli_field_options() -> None:
    """Field options of ``python -m simulators.ttlock``."""
    args = parse_args(
        [
            "--field-demo",
            "--push-delay",
            "60",
            "--push-jitter",
            "240",
            "--real-push-shape",
            "--passage-check-interval",
            "30",
        ]
    )
    assert (
        args.field_demo,
        args.push_delay,
        args.push_jitter,
        args.real_push_shape,
        args.passage_check_interval,
    ) == (True, 60.0, 240.0, True, 30.0)
    defaults = parse_args([])
    assert (defaults.field_demo, defaults.push_delay, defaults.real_push_shape) == (
        False,
        0.0,
        False,
    )


async def test_cli_serves_the_field_demo() -> None:
    """serve() with --field-demo runs until cancelled."""
    task = asyncio.create_task(
        serve(parse_args(["--port", "0", "--field-demo", "--push-delay", "1"]))
    )
    for _ in range(20):
        await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
