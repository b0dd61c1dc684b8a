"""Async client of the Milesight Development Platform Open API (device side)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
import time
from typing import Any

import aiohttp

from .address import normalize_server_address
from .commands import CommandResult, command_error
from .errors import MilesightAuthError, MilesightResponseError
from .models import MilesightDevice, ThingSpecification, flatten_payload
from .token import MilesightTokenManager
from .transport import async_request_json

DEVICE_API = "/device/openapi/v1"
# Bounds on paging loops: a misbehaving server must not make us burn the daily API budget.
MAX_SEARCH_PAGES = 100
MAX_HISTORY_PAGES = 10
HISTORY_PAGE_SIZE = 100
SEARCH_PAGE_SIZE = 100


@dataclass(frozen=True, slots=True)
class DevicePage:
    """One page of the device search and the total the cloud reports."""

    devices: list[MilesightDevice]
    total: int


@dataclass(frozen=True, slots=True)
class HistoryPage:
    """One page of a device's stored uplinks: (ts in ms, properties) rows, and the cursor."""

    rows: list[tuple[float, dict[str, Any]]]
    next_page_key: str | None


class MilesightClient:
    """Devices, thing models and history of one MDP Application.

    Every call carries the Bearer token of ``token_manager``; a 401 drops the token, fetches a
    new one once and retries the call once: callers never handle tokens. ``on_request`` is
    called once per HTTP request sent, token requests included (MDP quotas count requests
    per day; it is unknown whether token requests count, so they are counted too).
    """

    def __init__(
        self,
        session: aiohttp.ClientSession,
        server: str,
        client_id: str,
        client_secret: str,
        *,
        timeout: float = 30,
        on_request: Callable[[], None] | None = None,
    ) -> None:
        self._session = session
        self._server, _ = normalize_server_address(server)
        self._timeout = timeout
        self._on_request = on_request
        self.token_manager = MilesightTokenManager(
            session,
            self._server,
            client_id,
            client_secret,
            timeout=timeout,
            on_request=on_request,
        )

    @property
    def server(self) -> str:
        """Normalised base URL of the API."""
        return self._server

    async def _async_call(
        self,
        method: str,
        path: str,
        *,
        endpoint: str,
        json_body: Any = None,
        params: dict[str, str] | None = None,
    ) -> Any:
        token = await self.token_manager.async_get_token()
        try:
            return await self._async_send(method, path, token, endpoint, json_body, params)
        except MilesightAuthError as err:
            if err.status != 401:
                raise
            # The token died before its time (secret regenerated, cloud restart): fetch one
            # fresh token and retry once; a second 401 is a real authentication problem.
            self.token_manager.invalidate(token)
        token = await self.token_manager.async_get_token()
        return await self._async_send(method, path, token, endpoint, json_body, params)

    async def _async_send(
        self,
        method: str,
        path: str,
        token: str,
        endpoint: str,
        json_body: Any,
        params: dict[str, str] | None,
    ) -> Any:
        if self._on_request is not None:
            self._on_request()
        return await async_request_json(
            self._session,
            method,
            f"{self._server}{DEVICE_API}{path}",
            timeout_s=self._timeout,
            endpoint=endpoint,
            headers={"Authorization": f"Bearer {token}"},
            json_body=json_body,
            params=params,
        )

    async def async_search_devices_page(
        self, page_number: int = 1, *, page_size: int = SEARCH_PAGE_SIZE
    ) -> DevicePage:
        """Return one page of the Application's devices (``page_number`` is 1-based)."""
        data = await self._async_call(
            "POST",
            "/devices/search",
            endpoint="devices/search",
            json_body={"pageSize": page_size, "pageNumber": page_number},
        )
        if not isinstance(data, dict) or not isinstance(data.get("content", []), list):
            raise MilesightResponseError("devices/search: unexpected body")
        try:
            total = int(data.get("total", 0))
        except (TypeError, ValueError) as err:
            raise MilesightResponseError("devices/search: invalid total") from err
        devices = [MilesightDevice.from_api(item) for item in data.get("content") or []]
        return DevicePage(devices=devices, total=total)

    async def async_search_devices(
        self, *, page_size: int = SEARCH_PAGE_SIZE
    ) -> list[MilesightDevice]:
        """Return every device of the Application, following all pages."""
        devices: list[MilesightDevice] = []
        for page_number in range(1, MAX_SEARCH_PAGES + 1):
            page = await self.async_search_devices_page(page_number, page_size=page_size)
            devices.extend(page.devices)
            if not page.devices or len(devices) >= page.total:
                break
        return devices

    async def async_get_device(self, device_id: str) -> MilesightDevice:
        """Return the detail of one device."""
        data = await self._async_call("GET", f"/devices/{device_id}", endpoint="devices/detail")
        return MilesightDevice.from_api(data)

    async def async_get_thing_specification(self, device_id: str) -> ThingSpecification:
        """Return the thing model (TSL) of one device."""
        data = await self._async_call(
            "GET",
            f"/devices/{device_id}/thing-specification",
            endpoint="devices/thing-specification",
        )
        return ThingSpecification.from_api(data)

    async def async_write_properties(
        self, device_id: str, properties: dict[str, Any]
    ) -> CommandResult:
        """Ask the device to take new property values (one request; applied asynchronously).

        A refusal the cloud explains raises MilesightDeviceOfflineError, MilesightReadOnlyError
        or MilesightValueError (commands.py; their errCodes are *unconfirmed*).
        """
        try:
            data = await self._async_call(
                "PATCH",
                f"/devices/{device_id}/properties",
                endpoint="devices/properties-update",
                json_body={"properties": properties},
            )
        except MilesightResponseError as err:
            raise command_error(err, next(iter(properties), None)) from err
        return CommandResult.from_data(data)

    async def async_call_service(
        self, device_id: str, service_id: str, inputs: dict[str, Any] | None = None
    ) -> CommandResult:
        """Invoke a thing-model service of the device (one request; result by webhook)."""
        try:
            data = await self._async_call(
                "POST",
                f"/devices/{device_id}/services/call",
                endpoint="devices/services-call",
                json_body={"serviceId": service_id, "inputs": inputs or {}},
            )
        except MilesightResponseError as err:
            raise command_error(err, service_id) from err
        return CommandResult.from_data(data)

    async def async_get_history_page(
        self,
        device_id: str,
        *,
        start_ms: int,
        end_ms: int,
        page_size: int = HISTORY_PAGE_SIZE,
        order: str = "desc",
        page_key: str | None = None,
    ) -> HistoryPage:
        """One page of the uplinks MDP stored for a device between two times (ms, inclusive).

        Empty when "device data storage" is off for the device: MDP then keeps nothing.
        A row without a numeric ``ts`` gets 0 (kept, ordered last).
        """
        params = {
            "startTime": str(start_ms),
            "endTime": str(end_ms),
            "pageSize": str(page_size),
            "order": order,
        }
        if page_key:
            params["pageKey"] = page_key
        data = await self._async_call(
            "GET",
            f"/devices/{device_id}/properties/history",
            endpoint="devices/properties-history",
            params=params,
        )
        if not isinstance(data, dict) or not isinstance(data.get("list", []), list):
            raise MilesightResponseError("properties/history: unexpected body")
        rows: list[tuple[float, dict[str, Any]]] = []
        for row in data.get("list") or []:
            if isinstance(row, dict) and isinstance(row.get("properties"), dict):
                ts = row.get("ts")
                rows.append((ts if isinstance(ts, int | float) else 0, row["properties"]))
        next_key = data.get("nextPageKey")
        return HistoryPage(rows, str(next_key) if next_key and data.get("list") else None)

    async def async_get_latest_values(
        self, device_id: str, *, lookback_s: int = 86400
    ) -> dict[str, Any]:
        """Return the latest value of every property reported in the last ``lookback_s`` seconds.

        There is no latest-values endpoint and each history row holds only the keys of one
        uplink, so rows are read newest first and merged per flattened key, newest value wins.
        """
        end_ms = int(time.time() * 1000)
        rows: list[tuple[float, dict[str, Any]]] = []
        page_key: str | None = None
        for _ in range(MAX_HISTORY_PAGES):
            page = await self.async_get_history_page(
                device_id, start_ms=end_ms - lookback_s * 1000, end_ms=end_ms, page_key=page_key
            )
            rows.extend(page.rows)
            if (page_key := page.next_page_key) is None:
                break
        # Sorting is stable, so rows without a timestamp keep the server's newest-first order.
        rows.sort(key=lambda row: row[0], reverse=True)
        latest: dict[str, Any] = {}
        for _, properties in rows:
            for key, value in flatten_payload(properties).items():
                latest.setdefault(key, value)
        return latest
