"""Buttons for the thing model's services that take no inputs (reboot, query status, …)."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from homeassistant.components.button import ButtonEntity, ButtonEntityDescription
from homeassistant.const import EntityCategory, Platform
from homeassistant.core import callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from custom_components.minerva_iot.milesight.data import MilesightConfigEntry
from custom_components.minerva_iot.milesight.entity import (
    MilesightDeviceEntity,
    PropertyCandidate,
    async_add_property_entities,
)
from custom_components.minerva_iot.milesight.keys import key_name
from custom_components.minerva_iot.milesight.models import DeviceState

from .writer import async_call_service

SERVICE_PREFIX = "service_"
# Services worth a button without enabling it first (the others are maintenance).
_ENABLED = frozenset({"query_device_status"})


def _button_services(device: DeviceState) -> dict[str, str | None]:
    return {
        service_id: service.name
        for service_id, service in device.services.items()
        if not service.inputs
    }


@callback
def async_add_service_buttons(
    entry: MilesightConfigEntry, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """One button per input-less service of each device (API entries only)."""
    if entry.runtime_data.client is None:
        return

    def candidates(device: DeviceState) -> Iterable[PropertyCandidate]:
        for service_id, name in sorted(_button_services(device).items()):
            factory = partial(MilesightServiceButton, entry, device.sn, service_id, name)
            yield f"{SERVICE_PREFIX}{service_id}", name, factory

    def platform_keys(device: DeviceState, key: str) -> bool:
        return key.startswith(SERVICE_PREFIX) and (
            key.removeprefix(SERVICE_PREFIX) in _button_services(device)
        )

    async_add_property_entities(
        entry, async_add_entities, candidates, domain=Platform.BUTTON, platform_keys=platform_keys
    )


class MilesightServiceButton(MilesightDeviceEntity, ButtonEntity):
    """Pressing it calls the service once; the result comes later as a webhook."""

    def __init__(
        self, entry: MilesightConfigEntry, sn: str, service_id: str, name: str | None
    ) -> None:
        """Name the button after the thing model's service."""
        description = ButtonEntityDescription(
            key=f"{SERVICE_PREFIX}{service_id}",
            name=name or key_name(service_id),
            entity_category=EntityCategory.CONFIG,
            entity_registry_enabled_default=service_id in _ENABLED,
        )
        super().__init__(entry.runtime_data, sn, description)
        self._entry = entry
        self._service_id = service_id

    async def async_press(self) -> None:
        """Call the service (one API call)."""
        await async_call_service(self._entry, self.sn, self._service_id, {})
