"""HTTP control API of the simulator under ``/_sim/`` (for the demo and process-level tests)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import aiohttp
from aiohttp import web

if TYPE_CHECKING:
    from .simulator import MilesightSimulator


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


class ControlApi:
    """aiohttp handlers that drive one simulator."""

    def __init__(self, sim: MilesightSimulator) -> None:
        self._sim = sim

    def add_routes(self, app: web.Application) -> None:
        """Register the ``/_sim/`` routes."""
        app.router.add_post("/_sim/uplink", self.uplink)
        app.router.add_post("/_sim/event", self.event)
        app.router.add_post("/_sim/webhook", self.webhook)
        app.router.add_post("/_sim/fail", self.fail)
        app.router.add_post("/_sim/expire_tokens", self.expire_tokens)
        app.router.add_get("/_sim/calls", self.calls)
        app.router.add_get("/_sim/devices", self.devices)
        app.router.add_post("/_sim/redeliver", self.redeliver)
        app.router.add_post("/_sim/suspend", self.suspend)
        app.router.add_post("/_sim/resume", self.resume)
        app.router.add_post("/_sim/storage", self.storage)
        app.router.add_get("/_sim/console", self.console)
        app.router.add_get("/_sim/downlinks", self.downlinks)
        app.router.add_post("/_sim/refuse_downlinks", self.refuse_downlinks)

    @staticmethod
    async def _body(request: web.Request) -> dict[str, Any]:
        try:
            body = await request.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise web.HTTPBadRequest(
                text='{"error": "JSON object expected"}', content_type="application/json"
            )
        return body

    async def _send(self, event: dict[str, Any]) -> web.Response:
        """Deliver ``event`` when a webhook URL is set; answer with the event and the status."""
        status: int | None = None
        if self._sim.webhook_url is not None:
            try:
                status = await self._sim.deliver([event])
            except (aiohttp.ClientError, TimeoutError) as err:
                return web.json_response(
                    {"event": event, "error": f"delivery failed: {type(err).__name__}"}, status=502
                )
        return web.json_response({"event": event, "delivered_status": status})

    async def uplink(self, request: web.Request) -> web.Response:
        """``{sn, data?}``: one PROPERTY uplink, delivered to the webhook."""
        body = await self._body(request)
        data = body.get("data")
        if data is not None and not isinstance(data, dict):
            return _error(400, "data must be an object")
        try:
            event = self._sim.uplink_event(str(body.get("sn", "")), data)
        except KeyError as err:
            return _error(404, str(err))
        return await self._send(event)

    async def event(self, request: web.Request) -> web.Response:
        """``{type, sn?, ...fields}``: ONLINE/OFFLINE/WEBHOOK_TEST/SYSTEM_MESSAGES/... delivered."""
        body = await self._body(request)
        fields = {key: value for key, value in body.items() if key not in ("type", "sn")}
        try:
            event = self._sim.event(str(body.get("type", "")), body.get("sn"), **fields)
        except KeyError as err:
            return _error(404, str(err))
        except (ValueError, TypeError) as err:
            return _error(400, str(err))
        return await self._send(event)

    async def webhook(self, request: web.Request) -> web.Response:
        """``{url, secret?, uuid?}``: where deliveries go and how they are signed."""
        body = await self._body(request)
        url = body.get("url")
        if url is not None and not isinstance(url, str):
            return _error(400, "url must be a string or null")
        self._sim.webhook_url = url or None
        # Saving the webhook in the console resumes suspended deliveries (field findings 5).
        self._sim.resume()
        if isinstance(body.get("secret"), str):
            self._sim.webhook_secret = body["secret"]
        if isinstance(body.get("uuid"), str):
            self._sim.webhook_uuid = body["uuid"]
        return web.json_response({"url": self._sim.webhook_url, "uuid": self._sim.webhook_uuid})

    async def fail(self, request: web.Request) -> web.Response:
        """``{count, kind, endpoint?}``: the next ``count`` cloud calls fail."""
        body = await self._body(request)
        try:
            endpoint = body.get("endpoint")
            self._sim.fail_next(
                int(body.get("count", 1)),
                str(body.get("kind", "")),
                endpoint=str(endpoint) if endpoint is not None else None,
            )
        except (ValueError, TypeError) as err:
            return _error(400, str(err))
        return web.json_response({"ok": True})

    async def expire_tokens(self, request: web.Request) -> web.Response:
        """Every issued token dies."""
        self._sim.expire_tokens()
        return web.json_response({"ok": True})

    async def calls(self, request: web.Request) -> web.Response:
        """Counter of cloud calls per endpoint name."""
        return web.json_response(dict(self._sim.calls))

    async def devices(self, request: web.Request) -> web.Response:
        """Every simulated device, as the detail call returns it."""
        return web.json_response([device.to_api() for device in self._sim.devices])

    async def redeliver(self, request: web.Request) -> web.Response:
        """The last delivery again, with the same headers and body."""
        try:
            status = await self._sim.redeliver()
        except (aiohttp.ClientError, TimeoutError) as err:
            return _error(502, f"delivery failed: {type(err).__name__}")
        return web.json_response({"delivered_status": status})

    async def suspend(self, request: web.Request) -> web.Response:
        """Stop pushing, without any notice over the webhook."""
        self._sim.suspend()
        return web.json_response({"suspended": True})

    async def resume(self, request: web.Request) -> web.Response:
        """Push again."""
        self._sim.resume()
        return web.json_response({"suspended": False})

    async def storage(self, request: web.Request) -> web.Response:
        """``{sn, enabled}``: "device data storage" of one device on or off."""
        body = await self._body(request)
        enabled = body.get("enabled")
        if not isinstance(enabled, bool):
            return _error(400, "enabled must be true or false")
        try:
            self._sim.set_data_storage(str(body.get("sn", "")), enabled)
        except KeyError as err:
            return _error(404, str(err))
        return web.json_response({"sn": body["sn"], "enabled": enabled})

    async def downlinks(self, request: web.Request) -> web.Response:
        """The queued writes and calls per device, and each device's applied settings."""
        queues = {
            sn: [
                {"task_id": d.task_id, "properties": d.properties, "service_id": d.service_id}
                for d in queue
            ]
            for sn, queue in self._sim.downlinks.queues.items()
        }
        settings = {d.sn: d.settings for d in self._sim.devices if d.settings}
        return web.json_response({"queues": queues, "settings": settings})

    async def refuse_downlinks(self, request: web.Request) -> web.Response:
        """``{sn}``: the device refuses what is queued for it (TASK_DATA FAILED)."""
        body = await self._body(request)
        sn = str(body.get("sn", ""))
        if self._sim.find_device(sn) is None:
            return _error(404, f"unknown device {sn!r}")
        self._sim.downlinks.fail_next(sn)
        return web.json_response({"sn": sn, "refused": len(self._sim.downlinks.queues.get(sn, []))})

    async def console(self, request: web.Request) -> web.Response:
        """What the console shows: suspension, withheld pushes and its system messages."""
        sender = self._sim.sender
        return web.json_response(
            {
                "suspended": sender.suspended,
                "withheld": len(sender.withheld),
                "consecutive_failures": sender.consecutive_failures,
                "messages": sender.console_messages,
            }
        )
