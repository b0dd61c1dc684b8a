"""Adding control entities as thing models arrive (API entries only)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import EntityCategory, Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from custom_components.minerva_iot.milesight.data import MilesightConfigEntry
from custom_components.minerva_iot.milesight.entity import (
    PropertyCandidate,
    async_add_property_entities,
)
from custom_components.minerva_iot.milesight.models import DeviceState
from custom_components.minerva_iot.vendor import PlatformSetup

from .kinds import ControlSpec, control_spec, control_specs

type ControlFactory = Callable[[MilesightConfigEntry, str, ControlSpec], Entity]


def category(spec: ControlSpec) -> EntityCategory | None:
    """Sockets and relays are the device's purpose; every other write is a setting."""
    return None if spec.primary else EntityCategory.CONFIG


@callback
def async_add_controls(
    entry: MilesightConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
    *,
    domain: str,
    kind: str,
    factory: ControlFactory,
) -> None:
    """One entity per writable property of `kind`; none on webhook-only entries."""
    if entry.runtime_data.client is None:
        return

    def candidates(device: DeviceState) -> Iterable[PropertyCandidate]:
        for spec in control_specs(device, kind):
            yield spec.key, repr(spec), partial(factory, entry, device.sn, spec)

    def platform_keys(device: DeviceState, key: str) -> bool:
        spec = control_spec(device, key)
        return spec is not None and spec.kind == kind

    async_add_property_entities(
        entry, async_add_entities, candidates, domain=domain, platform_keys=platform_keys
    )


def control_platform(platform: Platform, kind: str, factory: ControlFactory) -> PlatformSetup:
    """A platform's set-up: one entity of `factory` per writable property of `kind`."""

    async def async_setup_entry(
        hass: HomeAssistant,
        entry: ConfigEntry,
        async_add_entities: AddConfigEntryEntitiesCallback,
    ) -> None:
        async_add_controls(entry, async_add_entities, domain=platform, kind=kind, factory=factory)

    return async_setup_entry
