"""Device identifiers and unique ids of a Milesight entry (shape: `..identifiers`)."""

from __future__ import annotations

from homeassistant.helpers.device_registry import DeviceEntry

from custom_components.minerva_iot.const import VENDOR_MILESIGHT
from custom_components.minerva_iot.identifiers import (
    device_identifier as _identifier,
    entity_unique_id,
    object_id_of_device,
)

KIND_DEVICE = "device"
KIND_APPLICATION = "application"


def device_identifier(sn: str) -> tuple[str, str]:
    """Identifier of a Milesight sensor device (serial number based, stable)."""
    return _identifier(VENDOR_MILESIGHT, KIND_DEVICE, sn)


def application_identifier(entry_id: str) -> tuple[str, str]:
    """Identifier of the service device standing for the entry's Application."""
    return _identifier(VENDOR_MILESIGHT, KIND_APPLICATION, entry_id)


def device_unique_id(sn: str, key: str) -> str:
    """Unique id of the entity `key` of a sensor device."""
    return entity_unique_id(VENDOR_MILESIGHT, KIND_DEVICE, sn, key)


def application_unique_id(entry_id: str, key: str) -> str:
    """Unique id of the entity `key` of the Application's service device."""
    return entity_unique_id(VENDOR_MILESIGHT, KIND_APPLICATION, entry_id, key)


def is_application_device(device: DeviceEntry) -> bool:
    """True for the Application's own service device (health entities, buttons)."""
    return object_id_of_device(device, VENDOR_MILESIGHT, KIND_APPLICATION) is not None


def sn_of_device(device: DeviceEntry) -> str | None:
    """Serial number of a Milesight sensor device; None for any other device."""
    return object_id_of_device(device, VENDOR_MILESIGHT, KIND_DEVICE)


# Version 0.2.0 named a sensor device `milesight_<sn>` and its entities `milesight_<sn>_<key>`,
# the Application's entities `milesight_<entry id>_<key>`. Serial numbers and entry ids hold no
# underscore, so the first one after the prefix ends the id.
_V1_PREFIX = f"{VENDOR_MILESIGHT}_"
_V2_PREFIXES = (f"{_V1_PREFIX}{KIND_DEVICE}_", f"{_V1_PREFIX}{KIND_APPLICATION}_")


def migrate_v1_identifier(identifier: str) -> str:
    """The identifier a 0.2.0 device identifier has now (unchanged if it is not one)."""
    if not identifier.startswith(_V1_PREFIX) or identifier.startswith(_V2_PREFIXES):
        return identifier
    return device_identifier(identifier.removeprefix(_V1_PREFIX))[1]


def migrate_v1_unique_id(unique_id: str, entry_id: str) -> str:
    """The unique id a 0.2.0 entity of the entry `entry_id` has now (unchanged if not one)."""
    if not unique_id.startswith(_V1_PREFIX) or unique_id.startswith(_V2_PREFIXES):
        return unique_id
    object_id, _, key = unique_id.removeprefix(_V1_PREFIX).partition("_")
    if not key:
        return unique_id
    if object_id == entry_id:
        return application_unique_id(entry_id, key)
    return device_unique_id(object_id, key)
