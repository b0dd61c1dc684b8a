"""The `minerva_iot_event` bus event that automations listen to."""

from __future__ import annotations

from typing import Any

from homeassistant.core import HomeAssistant, callback

from .const import ATTR_DEVICE_ID, ATTR_TYPE, ATTR_VENDOR, EVENT_MINERVA


@callback
def async_fire_minerva_event(
    hass: HomeAssistant,
    vendor: str,
    device_id: str | None,
    event_type: str,
    extra: dict[str, Any] | None = None,
) -> None:
    """Fire `minerva_iot_event` with the keys every vendor shares plus vendor-specific ones.

    `device_id` is the Home Assistant device registry id, so automations and device triggers can
    match on it without knowing vendor identifiers.
    """
    data: dict[str, Any] = dict(extra or {})
    data.update({ATTR_VENDOR: vendor, ATTR_DEVICE_ID: device_id, ATTR_TYPE: event_type})
    hass.bus.async_fire(EVENT_MINERVA, data)
