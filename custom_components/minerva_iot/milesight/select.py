"""Milesight selects: modes and other option settings (writable enum properties)."""

from __future__ import annotations

from homeassistant.components.select import (
    SelectEntity,
    SelectEntityDescription,
)
from homeassistant.const import Platform

from .control.entity import MilesightControlEntity
from .control.kinds import KIND_SELECT, ControlSpec, same_value
from .control.platform import category, control_platform
from .data import MilesightConfigEntry


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
            return self.restored_state if self.restored_state in self.options else None
        for key, label in self._options.items():
            if same_value(raw, key) or same_value(raw, label):
                return label
        return None

    async def async_select_option(self, option: str) -> None:
        """Write the raw key of the chosen label."""
        raw = next(key for key, label in self._options.items() if label == option)
        await self.async_write(raw)


# One select per writable property of its kind (API entries only).
async_setup_entry = control_platform(Platform.SELECT, KIND_SELECT, MilesightSelect)
