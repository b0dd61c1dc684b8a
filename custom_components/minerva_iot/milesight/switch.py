"""Milesight switches: sockets, relays, outputs and on/off settings (writable properties)."""

from __future__ import annotations

from typing import Any

from homeassistant.components.switch import (
    SwitchDeviceClass,
    SwitchEntity,
    SwitchEntityDescription,
)
from homeassistant.const import STATE_ON, Platform

from .control.entity import MilesightControlEntity
from .control.kinds import KIND_SWITCH, ControlSpec, same_value
from .control.platform import category, control_platform
from .data import MilesightConfigEntry

_OUTLETS = frozenset({"socket_status"})


class MilesightSwitch(MilesightControlEntity, SwitchEntity):
    """On/off written to the device; pending until it reports or the task result comes."""

    def __init__(self, entry: MilesightConfigEntry, sn: str, spec: ControlSpec) -> None:
        """Describe the switch from its thing-model property."""
        description = SwitchEntityDescription(
            key=spec.key,
            name=spec.name,
            device_class=SwitchDeviceClass.OUTLET
            if spec.key in _OUTLETS
            else SwitchDeviceClass.SWITCH,
            entity_category=category(spec),
            entity_registry_enabled_default=spec.enabled_default,
        )
        super().__init__(entry, sn, description)
        self._spec = spec

    @property
    def is_on(self) -> bool | None:
        """On when the (requested or reported) value is the on value or its label."""
        raw = self.raw_value()
        if raw is None:
            return None if self.restored_state is None else self.restored_state == STATE_ON
        spec = self._spec
        for candidate in (raw, _raw_of_label(spec, raw)):
            if same_value(candidate, spec.on_value):
                return True
            if same_value(candidate, spec.off_value):
                return False
        return None

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Write the on value (one API call)."""
        await self.async_write(self._spec.on_value)

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Write the off value (one API call)."""
        await self.async_write(self._spec.off_value)


def _raw_of_label(spec: ControlSpec, value: Any) -> Any:
    """A device that reports the label ("On") instead of the raw key."""
    folded = str(value).strip().casefold()
    return next(
        (raw for raw, label in spec.hint.enum.items() if label.strip().casefold() == folded), None
    )


# One switch per writable property of its kind (API entries only).
async_setup_entry = control_platform(Platform.SWITCH, KIND_SWITCH, MilesightSwitch)
