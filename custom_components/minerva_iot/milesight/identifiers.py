"""Device registry identifiers of a Milesight entry, built and read in one place."""

from __future__ import annotations

from homeassistant.helpers.device_registry import DeviceEntry

from custom_components.minerva_iot.const import DOMAIN

_PREFIX = "milesight_"
_APPLICATION_PREFIX = f"{_PREFIX}application_"


def device_identifier(sn: str) -> tuple[str, str]:
    """Identifier of a Milesight sensor device (serial number based, stable)."""
    return (DOMAIN, f"{_PREFIX}{sn}")


def application_identifier(entry_id: str) -> tuple[str, str]:
    """Identifier of the service device standing for the entry's Application."""
    return (DOMAIN, f"{_APPLICATION_PREFIX}{entry_id}")


def is_application_device(device: DeviceEntry) -> bool:
    """True for the Application's own service device (health entities, buttons)."""
    return any(
        domain == DOMAIN and identifier.startswith(_APPLICATION_PREFIX)
        for domain, identifier in device.identifiers
    )


def sn_of_device(device: DeviceEntry) -> str | None:
    """Serial number of a Milesight sensor device; None for any other device."""
    if is_application_device(device):
        return None
    return next(
        (
            identifier.removeprefix(_PREFIX)
            for domain, identifier in device.identifiers
            if domain == DOMAIN and identifier.startswith(_PREFIX)
        ),
        None,
    )
