"""Routes of the simulated cloud: token, device search/detail, thing model and history."""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .catalogue import thing_specification
from .responses import failure, success

if TYPE_CHECKING:
    from .simulator import MilesightSimulator

DEVICE_API = "/device/openapi/v1"
THREE_DAYS_MS = 3 * 86400 * 1000


class CloudApi:
    """aiohttp handlers bound to one simulator's state."""

    def __init__(self, sim: MilesightSimulator) -> None:
        self._sim = sim

    def add_routes(self, app: web.Application) -> None:
        """Register the cloud routes; the catch-all must come after every other route."""
        app.router.add_post("/oauth/token", self.token)
        app.router.add_post(f"{DEVICE_API}/devices/search", self.search)
        app.router.add_get(f"{DEVICE_API}/devices/{{device_id}}", self.detail)
        app.router.add_get(
            f"{DEVICE_API}/devices/{{device_id}}/thing-specification", self.thing_specification
        )
        app.router.add_get(f"{DEVICE_API}/devices/{{device_id}}/properties/history", self.history)

    def add_catch_all(self, app: web.Application) -> None:
        """Unknown paths, such as the wrong ``/uc/account/api/oauth/token``.

        The real gateway treats them as protected resources: no bearer → 401 token_not_found.
        """
        app.router.add_route("*", "/{tail:.*}", self.unknown)

    async def _injected_failure(self, endpoint: str) -> web.Response | None:
        kind = self._sim.take_failure(endpoint)
        if kind is None:
            return None
        if kind == "429":
            return failure(
                429, "too_many_requests", "Rate limit exceeded", headers={"Retry-After": "1"}
            )
        if kind == "timeout":
            # Hold the request until the client gives up or the simulator stops.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._sim.stopping.wait(), self._sim.timeout_delay)
            return failure(503, "service_unavailable", "Simulated timeout")
        if kind == "401":
            return failure(401, "token_not_found", "Simulated token rejection")
        if kind.startswith("error:"):
            _, status, err_code = kind.split(":")
            return failure(int(status), err_code, f"Simulated {err_code}")
        return failure(500, "internal_error", "Simulated server error")

    async def guard(self, request: web.Request, name: str) -> web.Response | None:
        """Count the call, apply injected failures, require a valid token (downlinks.py too)."""
        return await self._guard(request, name)

    async def _guard(self, request: web.Request, name: str) -> web.Response | None:
        """Count the call, apply injected failures, then require a valid bearer token."""
        self._sim.calls[name] += 1
        if (injected := await self._injected_failure(name)) is not None:
            return injected
        header = request.headers.get("Authorization", "")
        token = header[7:].strip() if header[:7].lower() == "bearer " else ""
        token = token or request.query.get("access_token", "")
        if not token or not self._sim.token_is_valid(token):
            return failure(401, "token_not_found", "Full authentication is required")
        return None

    async def token(self, request: web.Request) -> web.Response:
        """Form-encoded client-credentials grant."""
        self._sim.calls["oauth/token"] += 1
        if (injected := await self._injected_failure("oauth/token")) is not None:
            return injected
        form = await request.post()
        if form.get("grant_type") != "client_credentials":
            return failure(400, "unsupported_grant_type", "Only client_credentials is supported")
        if not self._sim.credentials_match(
            str(form.get("client_id", "")), str(form.get("client_secret", ""))
        ):
            return failure(401, "authentication_failed", "Bad client credentials")
        access_token, lifetime = self._sim.issue_token()
        return success(
            {
                "access_token": access_token,
                "refresh_token": f"refresh.{access_token}",
                "expires_in": lifetime,
                "refresh_token_expires_in": 2591999,
            }
        )

    async def unknown(self, request: web.Request) -> web.Response:
        """Any other path."""
        if (denied := await self._guard(request, "unknown-path")) is not None:
            return denied
        return failure(404, "not_found", "No such resource")

    async def search(self, request: web.Request) -> web.Response:
        """``POST /devices/search``: 1-based paging and a few exact-match filters."""
        if (denied := await self._guard(request, "device/search")) is not None:
            return denied
        try:
            body: Any = await request.json()
            page_size = int(body["pageSize"])
            page_number = int(body["pageNumber"])
        except (ValueError, KeyError, TypeError):
            return failure(400, "parameter_invalid", "pageSize and pageNumber are required")
        if page_size < 1 or page_number < 1:
            return failure(400, "parameter_invalid", "pageSize and pageNumber must be positive")
        devices = [
            device
            for device in self._sim.devices
            if all(
                body.get(key) in (None, value)
                for key, value in (
                    ("sn", device.sn),
                    ("model", device.model),
                    ("devEUI", device.dev_eui),
                )
            )
        ]
        start = (page_number - 1) * page_size
        page = devices[start : start + page_size]
        return success(
            {
                "content": [device.to_api() for device in page],
                "total": len(devices),
                "pageNumber": page_number,
                "pageSize": page_size,
            }
        )

    async def detail(self, request: web.Request) -> web.Response:
        """``GET /devices/{deviceId}``."""
        if (denied := await self._guard(request, "device/detail")) is not None:
            return denied
        device = self._sim.find_device_by_id(request.match_info["device_id"])
        if device is None:
            return failure(404, "device_not_found", "Device not found")
        return success(device.to_api())

    async def thing_specification(self, request: web.Request) -> web.Response:
        """``GET /devices/{deviceId}/thing-specification``."""
        if (denied := await self._guard(request, "device/thing-specification")) is not None:
            return denied
        device = self._sim.find_device_by_id(request.match_info["device_id"])
        if device is None:
            return failure(404, "device_not_found", "Device not found")
        overrides = self._sim.thing_property_overrides.get(device.model)
        return success(thing_specification(device.model, overrides, field=self._sim.field))

    async def history(self, request: web.Request) -> web.Response:
        """``GET /devices/{deviceId}/properties/history``: ms times, ``pageKey`` cursor."""
        if (denied := await self._guard(request, "device/properties-history")) is not None:
            return denied
        self._sim.history_queries.append(dict(request.query))
        device = self._sim.find_device_by_id(request.match_info["device_id"])
        if device is None:
            return failure(404, "device_not_found", "Device not found")
        query = request.query
        now_ms = int(time.time() * 1000)
        try:
            end = int(query.get("endTime", now_ms))
            start = int(query.get("startTime", end - THREE_DAYS_MS))
            page_size = int(query.get("pageSize", 100))
            offset = int(query.get("pageKey", 0))
        except ValueError:
            return failure(400, "parameter_invalid", "Invalid query parameter")
        if page_size < 1 or offset < 0:
            return failure(400, "parameter_invalid", "Invalid paging")
        if not device.data_storage:
            # "Device data storage" off: MDP keeps nothing (Beaver IoT's MDP documentation).
            return success({"list": [], "nextPageKey": None})
        order = query.get("order", "desc").lower()
        # Sort on (ts, arrival) so rows stored in the same millisecond keep a stable order.
        rows = sorted(
            (
                (ts, index, properties)
                for index, (ts, properties) in enumerate(device.history)
                if start <= ts <= end
            ),
            reverse=order != "asc",
        )
        page = [(ts, properties) for ts, _, properties in rows[offset : offset + page_size]]
        more = offset + page_size < len(rows)
        return success(
            {
                "list": [{"ts": ts, "properties": properties} for ts, properties in page],
                "nextPageKey": str(offset + page_size) if more else None,
            }
        )
