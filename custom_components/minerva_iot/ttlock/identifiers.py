"""Device identifiers and unique ids of TTLock locks, gateways and accounts (`..identifiers`)."""

from __future__ import annotations

from homeassistant.helpers.device_registry import DeviceEntry

from custom_components.minerva_iot.const import VENDOR_TTLOCK
from custom_components.minerva_iot.identifiers import (
    device_key,
    entity_unique_id,
    object_id_of_device,
)

KIND_LOCK = "lock"
KIND_GATEWAY = "gateway"
KIND_ACCOUNT = "account"


def lock_identifier(lock_id: int) -> str:
    """Identifier of a lock's device."""
    return device_key(VENDOR_TTLOCK, KIND_LOCK, lock_id)


def gateway_identifier(gateway_id: int) -> str:
    """Identifier of a gateway's device."""
    return device_key(VENDOR_TTLOCK, KIND_GATEWAY, gateway_id)


def account_identifier(uid: str) -> str:
    """Identifier of the account's service device (API call counter)."""
    return device_key(VENDOR_TTLOCK, KIND_ACCOUNT, uid)


def lock_unique_id(lock_id: int, key: str) -> str:
    """Unique id of the entity `key` of a lock."""
    return entity_unique_id(VENDOR_TTLOCK, KIND_LOCK, lock_id, key)


def gateway_unique_id(gateway_id: int, key: str) -> str:
    """Unique id of the entity `key` of a gateway."""
    return entity_unique_id(VENDOR_TTLOCK, KIND_GATEWAY, gateway_id, key)


def account_unique_id(uid: str, key: str) -> str:
    """Unique id of the entity `key` of the account's service device."""
    return entity_unique_id(VENDOR_TTLOCK, KIND_ACCOUNT, uid, key)


def _numeric_id(device: DeviceEntry, kind: str) -> int | None:
    suffix = object_id_of_device(device, VENDOR_TTLOCK, kind)
    return int(suffix) if suffix is not None and suffix.isdigit() else None


def lock_id_of_device(device: DeviceEntry) -> int | None:
    """The TTLock lock id of a device, or None when the device is not a lock."""
    return _numeric_id(device, KIND_LOCK)


def gateway_id_of_device(device: DeviceEntry) -> int | None:
    """The TTLock gateway id of a device, or None when the device is not a gateway."""
    return _numeric_id(device, KIND_GATEWAY)


# Version 0.2.0 named a lock's entities `ttlock_<lock id>_<key>` (gateways and the account
# already had their kind in the id).
_V1_PREFIX = f"{VENDOR_TTLOCK}_"


def migrate_v1_unique_id(unique_id: str, entry_id: str) -> str:
    """The unique id a 0.2.0 entity has now (unchanged if it is not a lock entity's)."""
    lock_id, _, key = unique_id.removeprefix(_V1_PREFIX).partition("_")
    if not unique_id.startswith(_V1_PREFIX) or not lock_id.isdigit() or not key:
        return unique_id
    return lock_unique_id(int(lock_id), key)
