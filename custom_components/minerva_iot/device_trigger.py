"""Device triggers: "button pressed", "alarm raised"... on the `minerva_iot_event` bus event.

Vendor-neutral: each vendor says in the vendor table which trigger types a device offers
(Milesight buttons and alarms, TTLock lock records); firing is always
`events.async_fire_minerva_event`, so a trigger is an event trigger on (`device_id`, `type`).
"""

from __future__ import annotations

from typing import Any

from homeassistant.components.device_automation import DEVICE_TRIGGER_BASE_SCHEMA
from homeassistant.components.homeassistant.triggers import event as event_trigger
from homeassistant.const import (
    CONF_DEVICE_ID,
    CONF_DOMAIN,
    CONF_EVENT_DATA,
    CONF_PLATFORM,
    CONF_TYPE,
)
from homeassistant.core import CALLBACK_TYPE, HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.trigger import TriggerActionType, TriggerInfo
from homeassistant.helpers.typing import ConfigType
import voluptuous as vol

from .compat import device_entry_ids
from .const import ATTR_DEVICE_ID, ATTR_TYPE, DOMAIN, EVENT_MINERVA
from .vendors import VENDORS, find_vendor

# Both vendors fire "alarm": one type, matched per device, so the union needs no prefixes.
TRIGGER_TYPES = frozenset().union(*(vendor.trigger_types for vendor in VENDORS.values()))

TRIGGER_SCHEMA = DEVICE_TRIGGER_BASE_SCHEMA.extend({vol.Required(CONF_TYPE): vol.In(TRIGGER_TYPES)})


async def async_get_triggers(hass: HomeAssistant, device_id: str) -> list[dict[str, Any]]:
    """Trigger types the device's vendor offers."""
    device = dr.async_get(hass).async_get(device_id)
    if device is None:
        return []
    types: list[str] = []
    for entry_id in device_entry_ids(device):
        entry = hass.config_entries.async_get_entry(entry_id)
        if entry is None or entry.domain != DOMAIN:
            continue
        if (vendor := find_vendor(entry)) is not None:
            types.extend(t for t in vendor.device_trigger_types(entry, device) if t not in types)
    return [
        {CONF_PLATFORM: "device", CONF_DOMAIN: DOMAIN, CONF_DEVICE_ID: device_id, CONF_TYPE: t}
        for t in types
    ]


async def async_attach_trigger(
    hass: HomeAssistant,
    config: ConfigType,
    action: TriggerActionType,
    trigger_info: TriggerInfo,
) -> CALLBACK_TYPE:
    """Listen for `minerva_iot_event` with this device id and type."""
    event_config = event_trigger.TRIGGER_SCHEMA(
        {
            CONF_PLATFORM: "event",
            event_trigger.CONF_EVENT_TYPE: EVENT_MINERVA,
            CONF_EVENT_DATA: {
                ATTR_DEVICE_ID: config[CONF_DEVICE_ID],
                ATTR_TYPE: config[CONF_TYPE],
            },
        }
    )
    return await event_trigger.async_attach_trigger(
        hass, event_config, action, trigger_info, platform_type="device"
    )
