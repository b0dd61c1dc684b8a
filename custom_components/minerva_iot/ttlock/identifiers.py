"""Device-registry identifiers of TTLock locks, gateways and accounts (stable across restarts)."""

from __future__ import annotations

from homeassistant.helpers.device_registry import DeviceEntry

from custom_components.minerva_iot.const import DOMAIN

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
