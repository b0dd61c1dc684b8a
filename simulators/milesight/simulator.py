"""State and in-process API of the simulated Milesight cloud."""

from __future__ import annotations

import asyncio
from collections import Counter
import contextlib
import json
import logging
import random
import secrets
import time
from typing import Any

import aiohttp
from aiohttp import web

from . import events
from .catalogue import PAYLOADS, scenario_devices
from .cloud_api import CloudApi
from .control_api import ControlApi
from .device import SimulatedDevice
from .downlinks import DownlinkApi
from .field import LINE_CROSSING_TSL_ID, crossing_payload, field_payload
from .sender import WebhookSender
from .signing import signed_headers

_LOGGER = logging.getLogger(__name__)

DEFAULT_CLIENT_ID = "sim-milesight-client"
DEFAULT_CLIENT_SECRET = "sim-milesight-secret"
DEFAULT_WEBHOOK_SECRET = "sim-webhook-secret"
DEFAULT_WEBHOOK_UUID = "2b7e1516-28ae-4d2a-abf7-158809cf4f3c"
FAILURE_KINDS = ("http500", "timeout", "429", "401")
# Plus "error:<HTTP status>:<errCode>", e.g. "error:403:ip_not_allowed" (a Failed envelope).
ERROR_KIND_PREFIX = "error:"
TOKEN_LIFETIME_S = 3600


class MilesightSimulator:
    """An aiohttp server speaking the MDP wire protocol, plus a signed webhook sender."""

    def __init__(
        self,
        *,
        client_id: str = DEFAULT_CLIENT_ID,
        client_secret: str = DEFAULT_CLIENT_SECRET,
        webhook_secret: str = DEFAULT_WEBHOOK_SECRET,
        webhook_uuid: str = DEFAULT_WEBHOOK_UUID,
        uplink_interval: float | None = None,
        token_lifetime: int = TOKEN_LIFETIME_S,
        timeout_delay: float = 30.0,
        seed: int | None = None,
        numeric_device_ids: bool = False,
        scenario: str = "classic",
        suspend_after_failures: int | None = None,
    ) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.webhook_secret = webhook_secret
        self.webhook_uuid = webhook_uuid
        self.webhook_url: str | None = None
        self.uplink_interval = uplink_interval
        self.token_lifetime = token_lifetime
        # How long a "timeout" failure holds the request (clients give up earlier).
        self.timeout_delay = timeout_delay
        self.scenario = scenario
        self.devices: list[SimulatedDevice] = scenario_devices(scenario)
        for device in self.devices:
            device.numeric_id = numeric_device_ids
        self.calls: Counter[str] = Counter()
        # Thing-model properties replacing the catalogue's, per model (set_thing_properties).
        self.thing_property_overrides: dict[str, list[dict[str, Any]]] = {}
        # Query of every properties/history call, in order (paging and time window checks).
        self.history_queries: list[dict[str, str]] = []
        self.stopping = asyncio.Event()
        self._tokens: dict[str, float] = {}
        self._failures: list[tuple[str, str | None]] = []
        self._rng = random.Random(seed)
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None
        self.sender = WebhookSender(suspend_after_failures=suspend_after_failures)
        self.downlinks = DownlinkApi(self, None)
        self._uplink_task: asyncio.Task[None] | None = None
        self._port: int | None = None
        self._host = "127.0.0.1"
        self._seed_history()

    @property
    def field(self) -> bool:
        """True in the field scenario: field models, thing models and MDP's field rules."""
        return self.scenario == "field"

    # --- life cycle -------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """Base URL of the running server (what users paste as the Server Address)."""
        if self._port is None:
            raise RuntimeError("simulator not started")
        return f"http://{self._host}:{self._port}"

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        """Serve on ``host:port`` (port 0: a free one) and start periodic uplinks if configured."""
        app = web.Application()
        ControlApi(self).add_routes(app)
        cloud = CloudApi(self)
        cloud.add_routes(app)
        self.downlinks = DownlinkApi(self, cloud.guard)
        self.downlinks.add_routes(app)
        cloud.add_catch_all(app)
        self.stopping.clear()
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        self._host = host
        self._port = int(self._runner.addresses[0][1])
        self._session = aiohttp.ClientSession()
        if self.uplink_interval:
            self._uplink_task = asyncio.create_task(self._periodic_uplinks(self.uplink_interval))

    async def stop(self) -> None:
        """Stop the sender and the server; pending held requests are released first."""
        self.stopping.set()
        await self.downlinks.stop()
        if self._uplink_task is not None:
            self._uplink_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._uplink_task
            self._uplink_task = None
        if self._session is not None:
            await self._session.close()
            self._session = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    # --- devices and events -----------------------------------------------------------------

    def find_device(self, key: str) -> SimulatedDevice | None:
        """The device whose sn, deviceId or devEUI is ``key`` (the lenient ``/_sim`` lookup)."""
        for device in self.devices:
            if key in (device.sn, device.device_id, device.dev_eui):
                return device
        return None

    def find_device_by_id(self, device_id: str) -> SimulatedDevice | None:
        """The device whose deviceId is ``device_id``: the cloud API keys on nothing else."""
        return next((device for device in self.devices if device.device_id == device_id), None)

    def set_thing_properties(self, model: str, properties: list[dict[str, Any]]) -> None:
        """Serve ``properties`` as the thing model of every device of ``model``."""
        self.thing_property_overrides[model] = [dict(prop) for prop in properties]

    @property
    def issued_tokens(self) -> list[str]:
        """Every access token issued so far and not cleared (secrets tests look for)."""
        return list(self._tokens)

    def _device(self, sn: str | None) -> SimulatedDevice:
        device = self.find_device(sn) if sn else None
        if device is None:
            raise KeyError(f"unknown device {sn!r}")
        return device

    def _payload(self, device: SimulatedDevice) -> dict[str, Any]:
        if self.field and (payload := field_payload(self._rng, device)) is not None:
            return payload
        generate = PAYLOADS.get(device.model)
        return generate(self._rng) if generate else {"battery": self._rng.randint(80, 100)}

    def _seed_history(self) -> None:
        """Two stored uplinks per device: a full one 2 h ago and a partial one 30 min ago."""
        now_ms = int(time.time() * 1000)
        for device in self.devices:
            device.record(now_ms - 7_200_000, self._payload(device))
            newer = self._payload(device)
            first_key = next(iter(newer))
            device.record(now_ms - 1_800_000, {first_key: newer[first_key]})

    def uplink_event(self, sn: str, data: dict[str, Any] | None = None) -> dict[str, Any]:
        """A DEVICE_DATA/PROPERTY event of device ``sn``; stored in its history too."""
        device = self._device(sn)
        self.downlinks.before_uplink(device)  # a Class A device takes its writes now
        if data is not None:
            payload = data
        else:
            payload = self._payload(device)
            # Written settings the device reports (a generator may not know them).
            payload.update({k: v for k, v in device.settings.items() if k in payload})
        ts_ms = int(time.time() * 1000)
        device.record(ts_ms, payload)
        device.connect_status = "ONLINE"
        return events.device_data(device, "PROPERTY", payload, ts_ms=ts_ms)

    def event(self, event_type: str, sn: str | None = None, **fields: Any) -> dict[str, Any]:
        """Another kind of event.

        ``ONLINE``/``OFFLINE`` (alias ``DEVICE_ONLINE``/``DEVICE_OFFLINE``; field ``payload``),
        ``WEBHOOK_TEST``, ``SYSTEM_MESSAGES`` (fields ``message_type``, ``info``, ``err_code``),
        ``TASK_DATA`` (fields ``task_type``, ``status``, ``subcommand``), ``HISTORICAL_DATA``
        (an EVENT re-sending a stored reading; field ``data``, random by default), ``EVENT``
        (readings sent as a TSL event; fields ``tsl_id`` and ``data``, by default a people
        counter's line crossing) and ``PROPERTY`` (field ``data``).
        """
        kind = event_type.upper()
        if kind in events.CONNECTIVITY_TYPES:
            device = self._device(sn)
            device.connect_status = events.CONNECTIVITY_TYPES[kind]
            return events.device_data(
                device, device.connect_status, dict(fields.get("payload", {}))
            )
        if kind == "WEBHOOK_TEST":
            return events.webhook_test()
        if kind == "SYSTEM_MESSAGES":
            return events.system_message(**fields)
        if kind == "TASK_DATA":
            return events.task_data(self._device(sn), **fields)
        if kind == "HISTORICAL_DATA":
            device = self._device(sn)
            reading = fields.get("data") or self._payload(device)
            payload = {"timestamp": int(time.time()) - 3600, **reading}
            return events.device_data(
                device, "EVENT", payload, tsl_id="historical_data", ts_ms=int(time.time() * 1000)
            )
        if kind == "EVENT":
            return self.telemetry_event(
                self._device(sn).sn, fields.get("tsl_id"), fields.get("data")
            )
        if kind == "PROPERTY":
            return self.uplink_event(self._device(sn).sn, fields.get("data"))
        raise ValueError(f"unknown event type {event_type!r}")

    def telemetry_event(
        self, sn: str, tsl_id: str | None = None, data: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """Readings sent as DEVICE_DATA/EVENT: MDP's documentation gives a people counter's
        line-crossing report as its EVENT example (event-device-data.html), and Milesight's own
        receiver stores EVENT payloads like PROPERTY ones (MscWebhookService). The readings
        go into the history like an uplink's. The tslId is *unconfirmed*."""
        device = self._device(sn)
        payload = data if data is not None else crossing_payload(self._rng, device)
        ts_ms = int(time.time() * 1000)
        device.record(ts_ms, payload)
        device.connect_status = "ONLINE"
        return events.device_data(
            device, "EVENT", payload, tsl_id=tsl_id or LINE_CROSSING_TSL_ID, ts_ms=ts_ms
        )

    def set_data_storage(self, sn: str, enabled: bool) -> None:
        """Turn "device data storage" of a device on or off, as in the console."""
        self._device(sn).data_storage = enabled

    # --- webhook sender ---------------------------------------------------------------------

    def build_delivery(
        self,
        events_: list[dict[str, Any]],
        *,
        timestamp: int | None = None,
        nonce: str | None = None,
        secret: str | None = None,
    ) -> tuple[dict[str, str], bytes]:
        """Signed headers and JSON-array body of one delivery, for tests to POST themselves.

        ``timestamp``/``nonce``/``secret`` force stale, replayed or wrongly signed deliveries.
        """
        headers = signed_headers(
            self.webhook_secret if secret is None else secret,
            self.webhook_uuid,
            timestamp=timestamp,
            nonce=nonce,
        )
        return headers, json.dumps(events_).encode()

    async def deliver(self, events_: list[dict[str, Any]]) -> int | None:
        """POST a signed batch to ``webhook_url``; the HTTP status, or None when nothing was
        sent (deliveries suspended, or only console messages in the field scenario)."""
        if self.webhook_url is None:
            raise RuntimeError("webhook_url is not set")
        if self._session is None:
            raise RuntimeError("simulator not started")
        if self.field:
            events_ = self.sender.keep_console_messages(events_)
        if not events_ or self.sender.withhold(events_):
            return None
        headers, body = self.build_delivery(events_)
        return await self.sender.post(self._session, self.webhook_url, headers, body)

    async def redeliver(self) -> int | None:
        """Send the last delivery again, same headers and body (None: nothing to send).

        Whether MDP redelivers, and with the original headers, is *unconfirmed* (field
        findings 6): this is the case a receiver's nonce and eventId checks must handle.
        """
        if self._session is None:
            raise RuntimeError("simulator not started")
        return await self.sender.redeliver(self._session)

    def suspend(self) -> None:
        """Stop pushing, silently (field findings 5: no notice reaches the webhook)."""
        self.sender.suspend()

    def resume(self) -> None:
        """Push again, as after re-saving the webhook in the console (field findings 5)."""
        self.sender.resume()

    def _next_periodic_event(self, index: int) -> tuple[SimulatedDevice, dict[str, Any]]:
        """The device whose turn it is and its report: in the field scenario a people
        counter's every other report is a line-crossing EVENT (*unconfirmed*: how a real
        VS133 mixes periodic and line-crossing reports depends on its settings)."""
        device = self.devices[index % len(self.devices)]
        crossing = self.field and device.model == "VS133" and (index // len(self.devices)) % 2
        if crossing:
            return device, self.telemetry_event(device.sn)
        return device, self.uplink_event(device.sn)

    async def _periodic_uplinks(self, interval: float) -> None:
        index = 0
        while True:
            await asyncio.sleep(interval)
            device, event = self._next_periodic_event(index)
            index += 1
            if self.webhook_url is None:
                continue
            try:
                status = await self.deliver([event])
            except (aiohttp.ClientError, TimeoutError) as err:
                _LOGGER.warning(
                    "Delivery of %s uplink failed: %s", device.model, type(err).__name__
                )
            else:
                _LOGGER.debug("Delivered %s uplink: HTTP %s", device.model, status)

    # --- tokens, credentials and failure injection --------------------------------------------

    def credentials_match(self, client_id: str, client_secret: str) -> bool:
        """Constant-time check of the client credentials."""
        return secrets.compare_digest(client_id, self.client_id) & secrets.compare_digest(
            client_secret, self.client_secret
        )

    def issue_token(self) -> tuple[str, int]:
        """A new access token and its lifetime in seconds."""
        token = f"sim.{secrets.token_urlsafe(24)}"
        self._tokens[token] = time.time() + self.token_lifetime
        return token, self.token_lifetime

    def token_is_valid(self, token: str) -> bool:
        """True for an issued token that has not expired."""
        expires = self._tokens.get(token)
        return expires is not None and expires > time.time()

    def expire_tokens(self) -> None:
        """Every issued token dies: the next API calls get 401."""
        self._tokens.clear()

    def rotate_secret(self, new_secret: str) -> None:
        """The client secret is regenerated in the console: old tokens and the old secret die."""
        self.client_secret = new_secret
        self.expire_tokens()

    def fail_next(self, n: int, kind: str, *, endpoint: str | None = None) -> None:
        """Make the next ``n`` cloud calls fail with ``kind``.

        Kinds: http500, timeout, 429, 401, or ``error:<status>:<errCode>`` for a Failed
        envelope with that HTTP status and errCode (e.g. ``error:403:ip_not_allowed``).
        ``endpoint`` (a name of ``calls``, e.g. ``device/search``) limits the failures to that
        endpoint; by default any call, the token call included, takes them.
        """
        if kind not in FAILURE_KINDS and not _is_error_kind(kind):
            raise ValueError(f"unknown failure kind {kind!r}")
        self._failures.extend([(kind, endpoint)] * n)

    def take_failure(self, endpoint: str) -> str | None:
        """The failure the current call to ``endpoint`` must suffer, if any."""
        for index, (kind, only) in enumerate(self._failures):
            if only is None or only == endpoint:
                del self._failures[index]
                return kind
        return None


def _is_error_kind(kind: str) -> bool:
    """True for a well-formed ``error:<status>:<errCode>`` failure kind."""
    parts = kind.split(":")
    return (
        len(parts) == 3
        and kind.startswith(ERROR_KIND_PREFIX)
        and parts[1].isdigit()
        and bool(parts[2])
    )
