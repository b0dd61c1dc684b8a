"""Deleting a device as the device page does (device page → ⋮ → Delete), for both vendors."""

from __future__ import annotations

import inspect
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr


async def async_delete_device(
    hass: HomeAssistant, client: Any, entry: ConfigEntry, device: dr.DeviceEntry
) -> bool:
    """Ask for the removal through the device registry websocket; whether it was allowed.

    `client` is a `hass_ws_client` (the `config` component must be set up). A refusal is the
    integration's, not a crash: the websocket answers `home_assistant_error` for it.
    """
    # The helper lost its config entry argument when devices got a single entry (HA 2026.8).
    takes_entry = len(inspect.signature(client.remove_device).parameters) == 2
    response = await client.remove_device(
        *((device.id, entry.entry_id) if takes_entry else (device.id,))
    )
    await hass.async_block_till_done()
    if not response["success"]:
        assert response["error"]["code"] == "home_assistant_error", response
    return bool(response["success"])
