"""Device-registry identifiers and entity unique ids of both vendors, in one shape.

A device is ``(DOMAIN, "<vendor>_<kind>_<id>")`` (``milesight_device_<sn>``,
``milesight_application_<entry id>``, ``ttlock_lock_<lock id>``, ``ttlock_gateway_<id>``,
``ttlock_account_<uid>``); an entity's unique id is its device's identifier followed by
``_<description key>``. Version 0.2.0 used other shapes for Milesight sensors and TTLock lock
entities: `migration.py` moves them (config entry version 1 → 2).
"""

from __future__ import annotations

from homeassistant.helpers.device_registry import DeviceEntry

from .const import DOMAIN


def device_key(vendor: str, kind: str, object_id: str | int) -> str:
    """The identifier string of a device (without the domain)."""
    return f"{vendor}_{kind}_{object_id}"


def device_identifier(vendor: str, kind: str, object_id: str | int) -> tuple[str, str]:
    """The device-registry identifier of a device."""
    return (DOMAIN, device_key(vendor, kind, object_id))


def entity_unique_id(vendor: str, kind: str, object_id: str | int, key: str) -> str:
    """The unique id of the entity ``key`` of a device."""
    return f"{device_key(vendor, kind, object_id)}_{key}"


def object_id_of_device(device: DeviceEntry, vendor: str, kind: str) -> str | None:
    """The id part of ``device``'s identifier of that vendor and kind, or None."""
    prefix = device_key(vendor, kind, "")
    return next(
        (
            identifier.removeprefix(prefix)
            for domain, identifier in device.identifiers
            if domain == DOMAIN and identifier.startswith(prefix)
        ),
        None,
    )
