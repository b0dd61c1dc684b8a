"""A small async client of Home Assistant's own HTTP and WebSocket APIs.

Used by the end-to-end tests and by the demo provisioning: onboarding, login, config flows,
application credentials, states, services and registries, exactly as the frontend uses them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
import itertools
import time
from typing import Any

import aiohttp

DOMAIN = "minerva_iot"
REQUEST_TIMEOUT = aiohttp.ClientTimeout(total=30)


class HomeAssistantError(RuntimeError):
    """An API call did not return what the caller needed."""


@dataclass(slots=True)
class Tokens:
    """What /auth/token returned."""

    access_token: str
    refresh_token: str


async def poll[T](
    probe: Callable[[], Awaitable[T | None]],
    *,
    within: float,
    what: str,
    interval: float = 0.25,
) -> T:
    """Call probe until it returns something other than None (or False); fail after `within` seconds."""
    deadline = time.monotonic() + within
    last_error: Exception | None = None
    while True:
        try:
            value = await probe()
        except (aiohttp.ClientError, HomeAssistantError) as err:
            value, last_error = None, err
        if value is not None and value is not False:
            return value
        if time.monotonic() >= deadline:
            detail = f" (last error: {last_error})" if last_error else ""
            raise TimeoutError(f"timed out after {within:.0f} s waiting for {what}{detail}")
        await asyncio.sleep(interval)


class HomeAssistantClient:
    """REST + WebSocket client of one Home Assistant instance."""

    def __init__(self, session: aiohttp.ClientSession, base_url: str) -> None:
        """Bind to a base URL such as http://127.0.0.1:8123; log in before authenticated calls."""
        self.session = session
        self.base_url = base_url.rstrip("/")
        self.client_id = f"{self.base_url}/"
        self.tokens: Tokens | None = None
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._ws_ids = itertools.count(1)

    # --- authentication -------------------------------------------------------------------

    async def onboarding_steps(self) -> dict[str, bool]:
        """Onboarding steps and whether each is done (unauthenticated, as the frontend asks)."""
        async with self.session.get(f"{self.base_url}/api/onboarding") as response:
            if response.status == 404:  # onboarding finished: the view is gone
                return {}
            steps = await response.json()
        return {step["step"]: step["done"] for step in steps}

    async def onboard_owner(self, name: str, username: str, password: str) -> Tokens:
        """Create the owner account through onboarding and log in as it."""
        body = {
            "client_id": self.client_id,
            "name": name,
            "username": username,
            "password": password,
            "language": "en",
        }
        async with self.session.post(f"{self.base_url}/api/onboarding/users", json=body) as resp:
            if resp.status != 200:
                raise HomeAssistantError(f"onboarding refused: {resp.status} {await resp.text()}")
            auth_code = (await resp.json())["auth_code"]
        self.tokens = await self._token_from_code(auth_code)
        return self.tokens

    async def finish_onboarding(self) -> None:
        """Mark the remaining onboarding steps done (no integration is set up by them)."""
        steps = await self.onboarding_steps()
        if not steps.get("analytics", True):
            await self.rest("POST", "/api/onboarding/analytics", {})
        if not steps.get("integration", True):
            await self.rest(
                "POST",
                "/api/onboarding/integration",
                {"client_id": self.client_id, "redirect_uri": f"{self.base_url}/?auth_callback=1"},
            )

    async def login(self, username: str, password: str) -> Tokens:
        """Log in through the login flow of the Home Assistant auth provider."""
        body = {
            "client_id": self.client_id,
            "handler": ["homeassistant", None],
            "redirect_uri": f"{self.base_url}/?auth_callback=1",
        }
        async with self.session.post(f"{self.base_url}/auth/login_flow", json=body) as response:
            flow = await response.json()
        credentials = {"username": username, "password": password, "client_id": self.client_id}
        async with self.session.post(
            f"{self.base_url}/auth/login_flow/{flow['flow_id']}", json=credentials
        ) as response:
            result = await response.json()
        if result.get("type") != "create_entry":
            raise HomeAssistantError(f"login refused: {result.get('errors') or result}")
        self.tokens = await self._token_from_code(result["result"])
        return self.tokens

    async def _token_from_code(self, code: str) -> Tokens:
        form = {"grant_type": "authorization_code", "code": code, "client_id": self.client_id}
        async with self.session.post(f"{self.base_url}/auth/token", data=form) as response:
            if response.status != 200:
                raise HomeAssistantError(f"token refused: {response.status}")
            payload = await response.json()
        return Tokens(payload["access_token"], payload["refresh_token"])

    @property
    def _headers(self) -> dict[str, str]:
        if self.tokens is None:
            raise HomeAssistantError("not logged in")
        return {"Authorization": f"Bearer {self.tokens.access_token}"}

    # --- REST -----------------------------------------------------------------------------

    async def rest(self, method: str, path: str, body: Any = None) -> Any:
        """Authenticated REST call; returns the decoded JSON (or None for an empty body)."""
        async with self.session.request(
            method, f"{self.base_url}{path}", json=body, headers=self._headers
        ) as response:
            text = await response.text()
            if response.status >= 400:
                raise HomeAssistantError(f"{method} {path} -> {response.status}: {text[:500]}")
            if not text:
                return None
            return await response.json(content_type=None)

    async def api_running(self) -> bool:
        """True once the REST API answers for an authenticated user."""
        try:
            result = await self.rest("GET", "/api/")
        except (HomeAssistantError, aiohttp.ClientError):
            return False
        return bool(result and result.get("message") == "API running.")

    async def state(self, entity_id: str) -> dict[str, Any] | None:
        """Current state object of an entity, or None when it has none."""
        try:
            result: dict[str, Any] = await self.rest("GET", f"/api/states/{entity_id}")
        except HomeAssistantError as err:
            if "-> 404" in str(err):
                return None
            raise
        return result

    async def states(self) -> list[dict[str, Any]]:
        """Every state."""
        result: list[dict[str, Any]] = await self.rest("GET", "/api/states")
        return result

    async def call_service(
        self, domain: str, service: str, data: Mapping[str, Any] | None = None
    ) -> Any:
        """Call an action through REST (waits for it to finish, raises on its error)."""
        return await self.rest("POST", f"/api/services/{domain}/{service}", dict(data or {}))

    async def config_entries(self, domain: str = DOMAIN) -> list[dict[str, Any]]:
        """Config entries of a domain."""
        result: list[dict[str, Any]] = await self.rest(
            "GET", f"/api/config/config_entries/entry?domain={domain}"
        )
        return result

    async def flow_start(self, handler: str = DOMAIN, **body: Any) -> dict[str, Any]:
        """Start a config flow (what the "Add integration" button does)."""
        result: dict[str, Any] = await self.rest(
            "POST", "/api/config/config_entries/flow", {"handler": handler, **body}
        )
        return result

    async def flow_step(self, flow_id: str, data: Mapping[str, Any]) -> dict[str, Any]:
        """Submit a form or pick a menu option (`{"next_step_id": ...}`)."""
        result: dict[str, Any] = await self.rest(
            "POST", f"/api/config/config_entries/flow/{flow_id}", dict(data)
        )
        return result

    async def flow_show(self, flow_id: str) -> dict[str, Any]:
        """Current step of a flow in progress."""
        result: dict[str, Any] = await self.rest(
            "GET", f"/api/config/config_entries/flow/{flow_id}"
        )
        return result

    async def flow_abort(self, flow_id: str) -> None:
        """Abandon a flow in progress."""
        await self.rest("DELETE", f"/api/config/config_entries/flow/{flow_id}")

    # --- WebSocket ------------------------------------------------------------------------

    async def ws(self, command: Mapping[str, Any]) -> Any:
        """Send one WebSocket command and return its result (raises on an error reply)."""
        socket = await self._websocket()
        message_id = next(self._ws_ids)
        await socket.send_json({"id": message_id, **command})
        while True:
            reply = await socket.receive_json(timeout=30)
            if reply.get("id") != message_id or reply.get("type") != "result":
                continue
            if not reply.get("success"):
                raise HomeAssistantError(f"{command.get('type')}: {reply.get('error')}")
            return reply.get("result")

    async def _websocket(self) -> aiohttp.ClientWebSocketResponse:
        if self._ws is not None and not self._ws.closed:
            return self._ws
        if self.tokens is None:
            raise HomeAssistantError("not logged in")
        # No size cap on answers: the entity registry of a 1,000-device site is over 4 MB
        # (aiohttp's default limit), which the scale benchmark lists.
        socket = await self.session.ws_connect(
            f"{self.base_url}/api/websocket", heartbeat=20, max_msg_size=0
        )
        hello = await socket.receive_json(timeout=30)
        if hello.get("type") != "auth_required":
            raise HomeAssistantError(f"unexpected websocket greeting {hello}")
        await socket.send_json({"type": "auth", "access_token": self.tokens.access_token})
        answer = await socket.receive_json(timeout=30)
        if answer.get("type") != "auth_ok":
            raise HomeAssistantError(f"websocket auth refused: {answer}")
        self._ws = socket
        self._ws_ids = itertools.count(1)
        return socket

    async def close(self) -> None:
        """Close the WebSocket (the HTTP session belongs to the caller)."""
        if self._ws is not None:
            await self._ws.close()
            self._ws = None

    async def create_application_credential(
        self, client_id: str, client_secret: str, name: str, domain: str = DOMAIN
    ) -> dict[str, Any]:
        """Add an application credential, or return the existing one with the same client id."""
        existing: list[dict[str, Any]] = await self.ws({"type": "application_credentials/list"})
        for credential in existing:
            if credential["domain"] == domain and credential["client_id"] == client_id:
                return credential
        created: dict[str, Any] = await self.ws(
            {
                "type": "application_credentials/create",
                "domain": domain,
                "client_id": client_id,
                "client_secret": client_secret,
                "name": name,
            }
        )
        return created

    async def entity_registry(self, config_entry_id: str | None = None) -> list[dict[str, Any]]:
        """Registered entities, optionally only those of one config entry."""
        entries: list[dict[str, Any]] = await self.ws({"type": "config/entity_registry/list"})
        if config_entry_id is None:
            return entries
        return [entry for entry in entries if entry.get("config_entry_id") == config_entry_id]

    async def flows_in_progress(self) -> list[dict[str, Any]]:
        """Config flows in progress (reauth flows appear here as "discovered")."""
        flows: list[dict[str, Any]] = await self.ws({"type": "config_entries/flow/progress"})
        return flows


def form_fields(step: Mapping[str, Any]) -> list[str]:
    """Names of the fields of a form step."""
    return [field["name"] for field in step.get("data_schema") or []]


async def drive_flow(
    client: HomeAssistantClient,
    first_step: dict[str, Any],
    answers: Mapping[str, Any],
    *,
    max_steps: int = 10,
) -> dict[str, Any]:
    """Answer every form from `answers` (by field name) until the flow ends; return the end.

    Menus are answered with `answers["menu"]`. Knowing only field names keeps this independent
    of the integration's step ids, which are its own business.
    """
    step = first_step
    for _ in range(max_steps):
        if step["type"] == "menu":
            step = await client.flow_step(step["flow_id"], {"next_step_id": answers["menu"]})
            continue
        if step["type"] != "form":
            return step
        if step.get("errors"):
            raise HomeAssistantError(f"step {step['step_id']} shows errors {step['errors']}")
        data = {name: answers[name] for name in form_fields(step) if name in answers}
        step = await client.flow_step(step["flow_id"], data)
    raise HomeAssistantError(f"flow did not end within {max_steps} steps: {step}")
