"""What a confirmed or failed write does in Home Assistant: state, bus event, repair issue."""

from __future__ import annotations

from typing import Final

from homeassistant.core import HomeAssistant, callback

from custom_components.minerva_iot.const import VENDOR_MILESIGHT
from custom_components.minerva_iot.events import async_fire_minerva_event
from custom_components.minerva_iot.issues import async_delete_entry_issue, async_raise_entry_issue
from custom_components.minerva_iot.milesight.data import MilesightConfigEntry

from .pending import PendingWrite, PendingWrites

ISSUE_WRITE_FAILED: Final = "milesight_write_failed"
EVENT_WRITE_FAILED: Final = "write_failed"


@callback
def async_create_pending(hass: HomeAssistant, entry: MilesightConfigEntry) -> PendingWrites:
    """The entry's pending writes, wired to its fleet, entities, bus and repairs."""

    def device_of_api_id(device_id: str) -> str | None:
        device = entry.runtime_data.fleet.device_by_id(device_id)
        return None if device is None else device.sn

    def confirmed(write: PendingWrite) -> None:
        data = entry.runtime_data
        if (device := data.fleet.devices.get(write.sn)) is not None:
            device.values[write.key] = write.value  # the device's value now
        if write.setting:
            async_delete_entry_issue(hass, ISSUE_WRITE_FAILED, entry.entry_id, suffix=write.sn)
        data.updates.notify((write.sn,))

    def failed(write: PendingWrite, reason: str) -> None:
        data = entry.runtime_data
        device = data.fleet.devices.get(write.sn)
        name = (device.name if device else None) or write.sn
        async_fire_minerva_event(
            hass,
            VENDOR_MILESIGHT,
            data.registry.async_device_id(write.sn),
            EVENT_WRITE_FAILED,
            {"sn": write.sn, "key": write.key, "value": write.value, "reason": reason},
        )
        if write.setting:
            async_raise_entry_issue(
                hass,
                ISSUE_WRITE_FAILED,
                entry.entry_id,
                suffix=write.sn,
                placeholders={"device": name, "setting": write.name, "value": str(write.value)},
            )
        data.updates.notify((write.sn,))

    pending = PendingWrites(
        hass, device_of_api_id=device_of_api_id, on_confirmed=confirmed, on_failed=failed
    )
    entry.async_on_unload(pending.async_shutdown)
    return pending
