"""What the reliability tests share: entries made through the config flow, HTTP posting, state
snapshots, bus watchers and log checks.

Only Home Assistant's interfaces are used (config flows, `hass.states`, the registries, the bus,
`POST /api/webhook/<id>`), so the tests hold while the vendor packages are refactored.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
import logging
from typing import Any

from aiohttp.http_exceptions import BadHttpMessage
from aiohttp.test_utils import TestClient
from homeassistant import config_entries
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import EVENT_STATE_CHANGED
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import device_registry as dr, entity_registry as er
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)

from custom_components.minerva_iot.const import DOMAIN, EVENT_MINERVA

OUR_LOGGER = "custom_components.minerva_iot"
# The entity that counts refused deliveries changes with every refusal: that is its job.
COUNTER_TRANSLATION_KEY = "rejected_deliveries"
# Entities that report refusals (the counter, and the webhook's health: "refusing" after five
# signature failures in a row), left out of the "nothing changed" checks.
REFUSAL_TRANSLATION_KEYS = frozenset({COUNTER_TRANSLATION_KEY, "webhook"})

type ClientFactory = Callable[[], Awaitable[TestClient]]


# --- entries through the config flow ----------------------------------------------------------


async def _async_flow_menu(hass: HomeAssistant, branch: str) -> dict[str, Any]:
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": config_entries.SOURCE_USER}
    )
    assert result["type"] is FlowResultType.MENU, result
    return dict(
        await hass.config_entries.flow.async_configure(result["flow_id"], {"next_step_id": branch})
    )


async def _async_finish(hass: HomeAssistant, result: Mapping[str, Any]) -> ConfigEntry:
    """Confirm the "paste this URL" step and wait until the entry has loaded."""
    assert result["type"] is FlowResultType.FORM, result
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY, result
    await hass.async_block_till_done(wait_background_tasks=True)
    entry: ConfigEntry = result["result"]
    assert entry.state is config_entries.ConfigEntryState.LOADED, entry.state
    return entry


async def async_add_milesight_webhook_entry(
    hass: HomeAssistant, webhook_secret: str
) -> ConfigEntry:
    """A webhook-only Milesight entry, made the way a user makes it."""
    result = await _async_flow_menu(hass, "milesight_webhook")
    result = dict(
        await hass.config_entries.flow.async_configure(
            result["flow_id"], {"webhook_secret": webhook_secret}
        )
    )
    return await _async_finish(hass, result)


async def async_add_milesight_api_entry(
    hass: HomeAssistant,
    server_address: str,
    client_id: str,
    client_secret: str,
    webhook_secret: str,
) -> ConfigEntry:
    """A Milesight API + webhook entry, made the way a user makes it."""
    result = await _async_flow_menu(hass, "milesight")
    result = dict(
        await hass.config_entries.flow.async_configure(
            result["flow_id"],
            {
                "server_address": server_address,
                "client_id": client_id,
                "client_secret": client_secret,
                "webhook_secret": webhook_secret,
            },
        )
    )
    return await _async_finish(hass, result)


async def async_add_ttlock_entry(
    hass: HomeAssistant, api_url: str, username: str, password: str
) -> ConfigEntry:
    """A TTLock entry: application credential (already imported), then the app login."""
    result = await _async_flow_menu(hass, "ttlock")
    if result.get("step_id") == "pick_implementation":
        result = dict(
            await hass.config_entries.flow.async_configure(
                result["flow_id"], {"implementation": DOMAIN}
            )
        )
    assert result.get("step_id") == "ttlock_login", result
    result = dict(
        await hass.config_entries.flow.async_configure(
            result["flow_id"],
            {"region": "eu", "username": username, "password": password, "api_url": api_url},
        )
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY, result
    await hass.async_block_till_done(wait_background_tasks=True)
    entry: ConfigEntry = result["result"]
    assert entry.state is config_entries.ConfigEntryState.LOADED, entry.state
    return entry


# --- HTTP ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Reply:
    """What the webhook answered."""

    status: int
    text: str


class Poster:
    """POSTs to `/api/webhook/<id>` through Home Assistant's HTTP server."""

    def __init__(self, hass: HomeAssistant, client_factory: ClientFactory) -> None:
        """The client is made on first use: the HTTP app must be complete by then."""
        self.hass = hass
        self._factory = client_factory
        self._client: TestClient | None = None
        self.sent = 0

    async def async_request(
        self,
        webhook_id: str,
        body: Any = b"",
        headers: Any = None,
        *,
        method: str = "POST",
        skip_auto_headers: Iterable[str] = (),
    ) -> Reply:
        """One request; waits until Home Assistant has handled what it triggered."""
        if self._client is None:
            self._client = await self._factory()
        response = await self._client.request(
            method,
            f"/api/webhook/{webhook_id}",
            data=body,
            headers=headers,
            skip_auto_headers=list(skip_auto_headers),
        )
        text = await response.text(errors="replace")
        self.sent += 1
        await self.hass.async_block_till_done()
        return Reply(response.status, text)


def assert_well_formed(reply: Reply, case: object) -> None:
    """A 2xx or a 4xx; never a server error."""
    assert 200 <= reply.status < 300 or 400 <= reply.status < 500, (reply, short(case))


# --- states and events ------------------------------------------------------------------------


def our_entity_ids(hass: HomeAssistant) -> list[str]:
    """Entity ids of the integration's entities, but the refusal counters."""
    return sorted(
        entry.entity_id
        for entry in er.async_get(hass).entities.values()
        if entry.platform == DOMAIN and entry.translation_key not in REFUSAL_TRANSLATION_KEYS
    )


def counter_entity_ids(hass: HomeAssistant) -> list[str]:
    """The refusal counters (one per Milesight entry)."""
    return sorted(
        entry.entity_id
        for entry in er.async_get(hass).entities.values()
        if entry.platform == DOMAIN and entry.translation_key == COUNTER_TRANSLATION_KEY
    )


def counted_refusals(hass: HomeAssistant) -> int:
    """The sum of the refusal counters' states."""
    total = 0
    for entity_id in counter_entity_ids(hass):
        state = hass.states.get(entity_id)
        assert state is not None, entity_id
        total += int(state.state)
    return total


def snapshot(hass: HomeAssistant) -> dict[str, Any]:
    """State and attributes of our entities (not the refusal counter)."""
    result: dict[str, Any] = {}
    for entity_id in our_entity_ids(hass):
        state = hass.states.get(entity_id)
        result[entity_id] = None if state is None else (state.state, dict(state.attributes))
    return result


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Entities whose snapshot differs (added, removed or changed)."""
    return {
        key: (before.get(key), after.get(key))
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }


@dataclass
class Watch:
    """State changes of our entities (not the counter) and integration bus events, as they happen."""

    hass: HomeAssistant
    state_changes: list[str] = field(default_factory=list)
    bus_events: list[dict[str, Any]] = field(default_factory=list)
    _unsubscribe: list[Callable[[], None]] = field(default_factory=list)

    def start(self) -> Watch:
        """Listen (until `stop`)."""
        registry = er.async_get(self.hass)

        @callback
        def _state_changed(event: Event) -> None:
            entity = registry.async_get(event.data["entity_id"])
            if (
                entity is not None
                and entity.platform == DOMAIN
                and entity.translation_key not in REFUSAL_TRANSLATION_KEYS
            ):
                self.state_changes.append(event.data["entity_id"])

        @callback
        def _bus_event(event: Event) -> None:
            self.bus_events.append(dict(event.data))

        self._unsubscribe = [
            self.hass.bus.async_listen(EVENT_STATE_CHANGED, _state_changed),
            self.hass.bus.async_listen(EVENT_MINERVA, _bus_event),
        ]
        return self

    def reset(self) -> None:
        """Forget what was seen so far."""
        self.state_changes.clear()
        self.bus_events.clear()

    def stop(self) -> None:
        """Stop listening."""
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe = []


def find_device(hass: HomeAssistant, identifier: str) -> dr.DeviceEntry:
    """One of our devices by its identifier (e.g. `ttlock_lock_4711001`).

    Through the per-entry lookup: HA 2026.8 deprecates using the registry as a mapping.
    """
    registry = dr.async_get(hass)
    device = next(
        (
            device
            for entry in hass.config_entries.async_entries(DOMAIN)
            for device in dr.async_entries_for_config_entry(registry, entry.entry_id)
            if (DOMAIN, identifier) in device.identifiers
        ),
        None,
    )
    assert device is not None, identifier
    return device


def _device_entries(hass: HomeAssistant, identifier: str) -> list[er.RegistryEntry]:
    return er.async_entries_for_device(er.async_get(hass), find_device(hass, identifier).id)


def device_entity_ids(hass: HomeAssistant, identifier: str) -> set[str]:
    """Entity ids of one of our devices (by its identifier, e.g. `ttlock_lock_4711001`)."""
    return {entry.entity_id for entry in _device_entries(hass, identifier)}


def device_entity(
    hass: HomeAssistant, identifier: str, domain: str, *, device_class: str | None = None
) -> str:
    """The entity id of one of our devices' entities, by domain and device class."""
    matches = [
        entry.entity_id
        for entry in _device_entries(hass, identifier)
        if entry.domain == domain
        and (
            device_class is None
            or (entry.device_class or entry.original_device_class) == device_class
        )
    ]
    assert len(matches) == 1, (identifier, domain, device_class, matches)
    return matches[0]


# --- logs -----------------------------------------------------------------------------------


def refused_by_aiohttp(record: logging.LogRecord) -> bool:
    """aiohttp's HTTP parser refused the request (400) before Home Assistant saw it.

    Newer aiohttp logs that with a traceback (e.g. for an empty Content-Type among several):
    the request never reached an integration, so it is not one of our problems.
    """
    exc = record.exc_info[1] if record.exc_info else None
    return record.name == "aiohttp.server" and isinstance(exc, BadHttpMessage)


def log_problems(records: Iterable[logging.LogRecord]) -> list[str]:
    """Tracebacks anywhere (but aiohttp's refusals) and errors of our loggers, as short lines."""
    problems = []
    for record in records:
        if refused_by_aiohttp(record):
            continue
        if record.exc_info or record.exc_text:
            exc = record.exc_info[1] if record.exc_info else None
            problems.append(
                f"{record.name} {record.levelname} with traceback "
                f"{type(exc).__name__ if exc else ''}: {short(record.getMessage())}"
            )
        elif record.levelno >= logging.ERROR and (
            record.name == OUR_LOGGER or record.name.startswith(f"{OUR_LOGGER}.")
        ):
            problems.append(f"{record.name} {record.levelname}: {short(record.getMessage())}")
    return problems


def short(value: object, limit: int = 300) -> str:
    """`repr` cut to `limit` characters (fuzz cases can be megabytes)."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text)} chars)"


async def async_download_diagnostics(
    hass: HomeAssistant, hass_client: ClientFactory, entry: ConfigEntry
) -> dict[str, Any]:
    """The entry's diagnostics, downloaded through the HTTP API like a user does."""
    result: dict[str, Any] = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    return result
