"""Config entries and entities of the running Home Assistant, found through its own APIs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from .hass_client import HomeAssistantClient, poll
from .processes import read_config_entries

ENTITY_TIMEOUT = 45.0


def saved_entry(config_dir: Path, entry_id: str) -> dict[str, Any] | None:
    """An entry as Home Assistant saved it (entry.data is not exposed over the API)."""
    for entry in read_config_entries(config_dir):
        if entry.get("entry_id") == entry_id:
            return dict(entry)
    return None


async def wait_saved_entry(config_dir: Path, entry_id: str) -> dict[str, Any]:
    """Wait for Home Assistant's delayed storage write of an entry."""

    async def probe() -> dict[str, Any] | None:
        return saved_entry(config_dir, entry_id)

    return await poll(probe, within=ENTITY_TIMEOUT, what=f"entry {entry_id} on disk")


async def entry_state(ha: HomeAssistantClient, entry_id: str) -> str | None:
    """State of a config entry (loaded, setup_retry, ...), None when it does not exist."""
    for entry in await ha.config_entries():
        if entry["entry_id"] == entry_id:
            return str(entry["state"])
    return None


async def wait_entry_state(ha: HomeAssistantClient, entry_id: str, wanted: str) -> None:
    """Wait until an entry reaches a state."""

    async def probe() -> bool:
        return await entry_state(ha, entry_id) == wanted

    await poll(probe, within=ENTITY_TIMEOUT, what=f"entry {entry_id} to be {wanted}")


async def devices_of_entry(ha: HomeAssistantClient, entry_id: str) -> list[dict[str, Any]]:
    """Devices registered by an entry."""
    devices: list[dict[str, Any]] = await ha.ws({"type": "config/device_registry/list"})
    return [device for device in devices if entry_id in device.get("config_entries", [])]


async def device_matching(
    ha: HomeAssistantClient, entry_id: str, *keys: str
) -> dict[str, Any] | None:
    """The entry's device whose identifiers, serial number or name mention one of `keys`."""
    for device in await devices_of_entry(ha, entry_id):
        text = " ".join(
            str(part)
            for part in (device.get("identifiers"), device.get("serial_number"), device.get("name"))
        )
        if any(key and str(key) in text for key in keys):
            return device
    return None


async def wait_entity(
    ha: HomeAssistantClient,
    entry_id: str,
    domain: str,
    accept: Callable[[dict[str, Any], dict[str, Any]], bool],
    what: str,
) -> str:
    """Wait for an entity of the entry (registry entry + state) that `accept` likes; its id."""

    async def probe() -> str | None:
        for registered in await ha.entity_registry(entry_id):
            entity_id = str(registered["entity_id"])
            if not entity_id.startswith(f"{domain}."):
                continue
            state = await ha.state(entity_id)
            if state is not None and accept(registered, state):
                return entity_id
        return None

    return await poll(probe, within=ENTITY_TIMEOUT, what=what)


async def wait_state(
    ha: HomeAssistantClient,
    entity_id: str,
    accept: Callable[[dict[str, Any]], bool],
    what: str,
    within: float = ENTITY_TIMEOUT,
) -> dict[str, Any]:
    """Wait until an entity's state object satisfies `accept`; return it."""

    async def probe() -> dict[str, Any] | None:
        state = await ha.state(entity_id)
        return state if state is not None and accept(state) else None

    return await poll(probe, within=within, what=what)
