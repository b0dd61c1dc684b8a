"""Milesight selects: modes and other option settings (writable enum properties)."""

from __future__ import annotations

from homeassistant.components.select import (
    SelectEntity,
    SelectEntityDescription,
)
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .control.entity import MilesightControlEntity
from .control.kinds import KIND_SELECT, ControlSpec, same_value
from .control.platform import async_add_controls, category
from .data import MilesightConfigEntry


async def async_setup_entry(
    hass: HomeAssistant,
    entry: MilesightConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a select per writable enum of more than two states."""
    async_add_controls(
        entry, async_add_entities, domain=Platform.SELECT, kind=KIND_SELECT, factory=MilesightSelect
    )


class MilesightSelect(MilesightControlEntity, SelectEntity):
    """One of the thing model's options, shown by its label, written by its raw key."""

    def __init__(self, entry: MilesightConfigEntry, sn: str, spec: ControlSpec) -> None:
        """Describe the select from its thing-model property."""
        description = SelectEntityDescription(
            key=spec.key,
            name=spec.name,
            options=list(spec.options.values()),
            entity_category=category(spec),
            entity_registry_enabled_default=spec.enabled_default,
        )
        super().__init__(entry, sn, description)
        self._options = spec.options

    @property
    def current_option(self) -> str | None:
        """The label of the requested or reported raw value (a reported label as it is)."""
        raw = self.raw_value()
        if raw is None:
            return None
        for key, label in self._options.items():
            if same_value(raw, key) or same_value(raw, label):
                return label
        return None

    async def async_select_option(self, option: str) -> None:
        """Write the raw key of the chosen label."""
        raw = next(key for key, label in self._options.items() if label == option)
        await self.async_write(raw)
