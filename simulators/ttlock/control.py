"""JSON control API under ``/_sim/`` for driving the simulator from outside the process."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiohttp import web

from .field import configure_lock

if TYPE_CHECKING:
    from .server import TTLockSimulator


async def _json(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        raise web.HTTPBadRequest(text="body must be JSON") from None
    if not isinstance(body, dict):
        raise web.HTTPBadRequest(text="body must be a JSON object")
    return body


SIMULATOR_KEY: web.AppKey[TTLockSimulator] = web.AppKey("simulator")


def _sim(request: web.Request) -> TTLockSimulator:
    return request.app[SIMULATOR_KEY]


async def operate(request: web.Request) -> web.Response:
    """``POST /_sim/operate {lockId, locked, method?}``: operate a lock by hand (sends a push)."""
    body = await _json(request)
    try:
        fields = await _sim(request).operate_by_hand(
            int(body["lockId"]), bool(body["locked"]), str(body.get("method", "app"))
        )
    except (KeyError, TypeError, ValueError) as err:
        raise web.HTTPBadRequest(text=f"bad operate request: {err}") from None
    return web.json_response(fields)


async def callback_url(request: web.Request) -> web.Response:
    """``POST /_sim/callback_url {url}`` (null clears it)."""
    url = (await _json(request)).get("url")
    _sim(request).callback_url = str(url) if url else None
    return web.json_response({"url": _sim(request).callback_url})


async def fail(request: web.Request) -> web.Response:
    """``POST /_sim/fail {count, kind, endpoint?, applied?}``: fail the next cloud requests."""
    body = await _json(request)
    endpoint = body.get("endpoint")
    try:
        _sim(request).fail_next(
            int(body.get("count", 1)),
            str(body["kind"]),
            str(endpoint) if endpoint else None,
            applied=bool(body.get("applied", False)),
        )
    except (KeyError, ValueError) as err:
        raise web.HTTPBadRequest(text=f"bad fail request: {err}") from None
    return web.json_response({"pending": _sim(request).pending_failures})


async def expire_tokens(request: web.Request) -> web.Response:
    """``POST /_sim/expire_tokens``: every access token now fails with 10004."""
    _sim(request).expire_access_tokens()
    return web.json_response({"ok": True})


async def revoke_refresh(request: web.Request) -> web.Response:
    """``POST /_sim/revoke_refresh``: every refresh token now fails with 10011."""
    _sim(request).revoke_refresh_tokens()
    return web.json_response({"ok": True})


async def gateway(request: web.Request) -> web.Response:
    """``POST /_sim/gateway {gatewayId, online}``."""
    body = await _json(request)
    try:
        _sim(request).set_gateway_online(int(body["gatewayId"]), bool(body["online"]))
    except (KeyError, ValueError) as err:
        raise web.HTTPBadRequest(text=f"bad gateway request: {err}") from None
    return web.json_response({"ok": True})


async def push(request: web.Request) -> web.Response:
    """``POST /_sim/push {delay, jitter?, realShape?}``: late pushes (seconds, 0-300 together)."""
    body = await _json(request)
    sim = _sim(request)
    try:
        sim.set_push_delay(float(body.get("delay", 0)), float(body.get("jitter", 0)))
    except (TypeError, ValueError) as err:
        raise web.HTTPBadRequest(text=f"bad push request: {err}") from None
    if "realShape" in body:
        sim.real_push_shape = bool(body["realShape"])
    return web.json_response(
        {"delay": sim.pusher.delay, "jitter": sim.pusher.jitter, "realShape": sim.real_push_shape}
    )


async def console_test_push(request: web.Request) -> web.Response:
    """``POST /_sim/test_push``: the developer console's test push (lockId 222, #128)."""
    return web.json_response({"status": await _sim(request).send_test_push()})


async def lock_settings(request: web.Request) -> web.Response:
    """``POST /_sim/lock {lockId, clockOffsetMs?, autoLockRecord?, ...}`` (field.LOCK_SETTINGS)."""
    body = await _json(request)
    try:
        lock = _sim(request).locks[int(body.pop("lockId"))]
        configure_lock(lock, body)
    except (KeyError, TypeError, ValueError) as err:
        raise web.HTTPBadRequest(text=f"bad lock request: {err}") from None
    return web.json_response(lock.state())


async def passage_tick(request: web.Request) -> web.Response:
    """``POST /_sim/passage_tick``: let locks notice passage periods that began (auto-unlock)."""
    return web.json_response({"pushes": _sim(request).evaluate_passage_schedules()})


async def calls(request: web.Request) -> web.Response:
    """``GET /_sim/calls``: requests received per endpoint."""
    return web.json_response(dict(_sim(request).calls))


async def locks(request: web.Request) -> web.Response:
    """``GET /_sim/locks``: state of every lock."""
    return web.json_response(
        {str(lock_id): lock.state() for lock_id, lock in _sim(request).locks.items()}
    )


def add_routes(app: web.Application) -> None:
    """Register the control API."""
    app.router.add_post("/_sim/operate", operate)
    app.router.add_post("/_sim/callback_url", callback_url)
    app.router.add_post("/_sim/fail", fail)
    app.router.add_post("/_sim/expire_tokens", expire_tokens)
    app.router.add_post("/_sim/revoke_refresh", revoke_refresh)
    app.router.add_post("/_sim/gateway", gateway)
    app.router.add_post("/_sim/push", push)
    app.router.add_post("/_sim/test_push", console_test_push)
    app.router.add_post("/_sim/lock", lock_settings)
    app.router.add_post("/_sim/passage_tick", passage_tick)
    app.router.add_get("/_sim/calls", calls)
    app.router.add_get("/_sim/locks", locks)
