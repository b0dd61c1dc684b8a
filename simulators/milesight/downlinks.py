"""Property writes and service calls: the cloud's checks, a downlink queue per device.

Routes (MDP API reference "Update Device Properties Incrementally", "Invoke Device Services
Asynchronously"; Milesight's MDP client `MscDeviceService`):

    PATCH /device/openapi/v1/devices/{deviceId}/properties  {"properties": {...}}
    POST  /device/openapi/v1/devices/{deviceId}/services/call  {"serviceId", "inputs"}

Refusals (their errCodes are *unconfirmed*: MDP publishes none): unknown device 404
device_not_found; device OFFLINE or never connected 400 device_offline; a property the thing
model does not list as W/RW 400 property_read_only; a value outside the validator or the
mappings 400 parameter_invalid; an unknown service 404 service_not_found.

An accepted write is queued for the device. A Class A device takes it after its next uplink
(the downlink rides on that uplink's receive window), a Class C device after
``class_c_delay`` seconds. Applying it sets the device's settings (its later uplinks report
them) and produces a TASK_DATA result (§6.4 shape); a Class C device also reports the new
values at once. Results are delivered to the webhook when one is set, and kept in
``outbox`` for tests that post deliveries themselves. No task id is documented in the write's
answer: the simulator returns none either (the TASK_DATA result carries one).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
import itertools
import logging
from typing import TYPE_CHECKING, Any

import aiohttp
from aiohttp import web

from . import events
from .catalogue import thing_specification
from .device import SimulatedDevice
from .responses import failure, success

if TYPE_CHECKING:
    from .simulator import MilesightSimulator

_LOGGER = logging.getLogger(__name__)
DEVICE_API = "/device/openapi/v1"
_TASK_IDS = itertools.count(1890000000000009000)
type Guard = Callable[[web.Request, str], Awaitable[web.Response | None]]


@dataclass
class Downlink:
    """One queued write or service call of a device."""

    task_id: int
    properties: dict[str, Any] = field(default_factory=dict)
    service_id: str | None = None
    inputs: dict[str, Any] = field(default_factory=dict)
    # Set by tests to make the device refuse it (TASK_DATA status FAILED).
    fail: bool = False


def _flatten(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, dict) and value:
            flat.update(_flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def _valid(spec: dict[str, Any], value: Any) -> bool:
    """The value fits the property's data type, validator and mappings."""
    data_spec = spec.get("dataSpec") or {}
    data_type = str(data_spec.get("dataType") or "").upper()
    mappings = [str(item.get("key")) for item in data_spec.get("mappings") or []]
    if mappings and data_type in ("ENUM", "BOOL"):
        text = str(int(value)) if isinstance(value, bool) else str(value)
        return text in mappings
    if data_type in ("INT", "LONG", "FLOAT", "DOUBLE"):
        if isinstance(value, bool) or not isinstance(value, int | float):
            return False
        validator = data_spec.get("validator") or {}
        low, high = validator.get("min"), validator.get("max")
        return (low is None or value >= low) and (high is None or value <= high)
    return True


class DownlinkApi:
    """The write and call routes of one simulator, and the devices' downlink queues."""

    def __init__(self, sim: MilesightSimulator, guard: Guard | None) -> None:
        """``guard`` is CloudApi.guard: counts the call, injects failures, checks the token."""
        self._sim = sim
        self._guard = guard
        self.queues: dict[str, list[Downlink]] = {}
        self.outbox: list[dict[str, Any]] = []
        # Seconds before a Class C device takes a downlink; None: only when apply_now() says.
        self.class_c_delay: float | None = 1.0
        self._tasks: set[asyncio.Task[None]] = set()

    def add_routes(self, app: web.Application) -> None:
        """Register the routes (before the catch-all)."""
        app.router.add_patch(f"{DEVICE_API}/devices/{{device_id}}/properties", self.write)
        app.router.add_post(f"{DEVICE_API}/devices/{{device_id}}/services/call", self.call)

    def _device(self, request: web.Request) -> SimulatedDevice | web.Response:
        device = self._sim.find_device_by_id(request.match_info["device_id"])
        if device is None:
            return failure(404, "device_not_found", "Device not found")
        if device.connect_status != "ONLINE":
            return failure(400, "device_offline", "Device is offline")
        return device

    @staticmethod
    async def _json(request: web.Request) -> dict[str, Any] | None:
        try:
            body = await request.json()
        except ValueError:
            return None
        return body if isinstance(body, dict) else None

    def _thing(self, device: SimulatedDevice) -> dict[str, Any]:
        overrides = self._sim.thing_property_overrides.get(device.model)
        return thing_specification(device.model, overrides, field=self._sim.field)

    async def write(self, request: web.Request) -> web.Response:
        """``PATCH …/properties``: checked against the thing model, then queued."""
        assert self._guard is not None  # routes exist only once the server started
        if (denied := await self._guard(request, "device/properties-update")) is not None:
            return denied
        device = self._device(request)
        if isinstance(device, web.Response):
            return device
        body = await self._json(request)
        if body is None or not isinstance(body.get("properties"), dict) or not body["properties"]:
            return failure(400, "parameter_invalid", "properties is required")
        properties = {p["id"]: p for p in self._thing(device)["properties"]}
        flat = _flatten(body["properties"])
        for key, value in flat.items():
            spec = properties.get(key)
            if spec is None or "W" not in str(spec.get("accessMode", "R")).upper():
                return failure(400, "property_read_only", f"{key} is not writable")
            if not _valid(spec, value):
                return failure(400, "parameter_invalid", f"{key}: invalid value")
        self._queue(device, Downlink(next(_TASK_IDS), properties=flat))
        return success({"properties": body["properties"]})

    async def call(self, request: web.Request) -> web.Response:
        """``POST …/services/call``: a known service of the thing model, then queued."""
        assert self._guard is not None
        if (denied := await self._guard(request, "device/services-call")) is not None:
            return denied
        device = self._device(request)
        if isinstance(device, web.Response):
            return device
        body = await self._json(request)
        service_id = None if body is None else body.get("serviceId")
        if not isinstance(service_id, str) or not service_id:
            return failure(400, "parameter_invalid", "serviceId is required")
        services = {s["id"] for s in self._thing(device)["services"]}
        if service_id not in services:
            return failure(404, "service_not_found", f"No service {service_id}")
        inputs = body.get("inputs") if isinstance(body, dict) else None
        self._queue(
            device,
            Downlink(
                next(_TASK_IDS),
                service_id=service_id,
                inputs=inputs if isinstance(inputs, dict) else {},
            ),
        )
        return success(None)

    def _queue(self, device: SimulatedDevice, downlink: Downlink) -> None:
        self.queues.setdefault(device.sn, []).append(downlink)
        if device.lorawan_class.upper() == "C":
            task = asyncio.get_running_loop().create_task(self._apply_later(device))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _apply_later(self, device: SimulatedDevice) -> None:
        if self.class_c_delay is None:
            return
        await asyncio.sleep(self.class_c_delay)
        await self._push(self.apply_now(device.sn))

    def apply_now(self, sn: str) -> list[dict[str, Any]]:
        """A Class C device takes its downlinks now: task results, then its report of them."""
        device = self._sim.find_device(sn)
        if device is None:
            raise KeyError(f"unknown device {sn!r}")
        results = self.apply(device)
        if results and device.settings:
            report = self._sim.uplink_event(device.sn, dict(device.settings))
            self.outbox.append(report)
            results.append(report)
        return results

    def fail_next(self, sn: str) -> None:
        """The device refuses its queued downlinks (TASK_DATA FAILED when applied)."""
        for downlink in self.queues.get(sn, []):
            downlink.fail = True

    def apply(self, device: SimulatedDevice) -> list[dict[str, Any]]:
        """The device takes its queued downlinks: settings applied, task results returned."""
        results: list[dict[str, Any]] = []
        for downlink in self.queues.pop(device.sn, []):
            status = "FAILED" if downlink.fail else "SUCCESS"
            if not downlink.fail:
                device.settings.update(downlink.properties)
            subcommand = [
                {"key": key, "status": status, "value": str(value)}
                for key, value in downlink.properties.items()
            ]
            if downlink.service_id is not None:
                subcommand = [{"key": downlink.service_id, "status": status, "value": ""}]
            event = events.task_data(
                device,
                task_type="CONFIG" if downlink.properties else "SERVICE",
                status=status,
                subcommand=subcommand,
            )
            event["data"]["info"]["taskId"] = downlink.task_id
            results.append(event)
        self.outbox.extend(results)
        return results

    def before_uplink(self, device: SimulatedDevice) -> None:
        """A Class A device reporting takes its downlinks, and its report shows them.

        (On air the downlink rides on the receive window after an uplink and the following
        uplink shows it; the simulator folds the two into one report.)
        """
        if device.lorawan_class.upper() == "C" or not self.queues.get(device.sn):
            return
        results = self.apply(device)
        task = asyncio.get_running_loop().create_task(self._push(results))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _push(self, results: list[dict[str, Any]]) -> None:
        if not results or self._sim.webhook_url is None:
            return
        try:
            await self._sim.deliver(results)
        except (aiohttp.ClientError, TimeoutError, RuntimeError) as err:
            _LOGGER.warning("Delivery of task results failed: %s", type(err).__name__)

    def take_outbox(self) -> list[dict[str, Any]]:
        """Task results (and Class C reports) produced so far, for tests to deliver."""
        taken, self.outbox = self.outbox, []
        return taken

    async def stop(self) -> None:
        """Cancel pending Class C applications."""
        for task in list(self._tasks):
            task.cancel()
        self._tasks.clear()
