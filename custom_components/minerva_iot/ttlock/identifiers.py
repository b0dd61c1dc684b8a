"""Device-registry identifiers of TTLock locks, gateways and accounts (stable across restarts)."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.device_registry import DeviceEntry

from custom_components.minerva_iot.const import DOMAIN

# Home Assistant 2026.8 gives each device a single config entry, makes identifiers unique per
# entry and deprecates the lookups and arguments that assumed otherwise.
DEVICES_PER_ENTRY: bool = hasattr(dr.DeviceRegistry, "async_get_device_by_identifier")

_LOCK_PREFIX = "ttlock_lock_"
_GATEWAY_PREFIX = "ttlock_gateway_"


def lock_identifier(lock_id: int) -> str:
    """Identifier of a lock's device."""
    return f"{_LOCK_PREFIX}{lock_id}"


def gateway_identifier(gateway_id: int) -> str:
    """Identifier of a gateway's device."""
    return f"{_GATEWAY_PREFIX}{gateway_id}"


def account_identifier(uid: str) -> str:
    """Identifier of the account's service device (API call counter)."""
    return f"ttlock_account_{uid}"


def _suffix_id(device: DeviceEntry, prefix: str) -> int | None:
    for domain, identifier in device.identifiers:
        if domain == DOMAIN and identifier.startswith(prefix):
            suffix = identifier.removeprefix(prefix)
            if suffix.isdigit():
                return int(suffix)
    return None


def lock_id_of_device(device: DeviceEntry) -> int | None:
    """The TTLock lock id of a device, or None when the device is not a lock."""
    return _suffix_id(device, _LOCK_PREFIX)


def gateway_id_of_device(device: DeviceEntry) -> int | None:
    """The TTLock gateway id of a device, or None when the device is not a gateway."""
    return _suffix_id(device, _GATEWAY_PREFIX)


def async_get_entry_device(
    hass: HomeAssistant, entry_id: str, identifier: str
) -> DeviceEntry | None:
    """The entry's device with `identifier`.

    Home Assistant 2026.8 made identifiers unique per config entry and deprecated the global
    `async_get_device` lookup; older cores only have that one.
    """
    registry = dr.async_get(hass)
    if DEVICES_PER_ENTRY:  # pragma: no cover - HA >= 2026.8 only
        device: DeviceEntry | None = registry.async_get_device_by_identifier(  # type: ignore[attr-defined,unused-ignore]
            (DOMAIN, identifier), entry_id
        )
        return device
    return registry.async_get_device(identifiers={(DOMAIN, identifier)})


def device_entry_ids(device: DeviceEntry) -> list[str]:
    """The config entries a device belongs to (exactly one from HA 2026.8 on)."""
    if DEVICES_PER_ENTRY:  # pragma: no cover - HA >= 2026.8 only
        return [str(device.config_entry_id)]  # type: ignore[attr-defined,unused-ignore]
    return list(device.config_entries)
