"""Milesight numbers: reporting intervals, thresholds, offsets (writable ranged properties)."""

from __future__ import annotations

from typing import Any

from homeassistant.components.number import (
    NumberEntity,
    NumberEntityDescription,
    NumberMode,
)
from homeassistant.const import PERCENTAGE, Platform, UnitOfTemperature, UnitOfTime

from .control.entity import MilesightControlEntity
from .control.kinds import KIND_NUMBER, ControlSpec
from .control.platform import category, control_platform
from .data import MilesightConfigEntry

_UNITS = {
    "s": UnitOfTime.SECONDS,
    "sec": UnitOfTime.SECONDS,
    "min": UnitOfTime.MINUTES,
    "h": UnitOfTime.HOURS,
    "°c": UnitOfTemperature.CELSIUS,
    "℃": UnitOfTemperature.CELSIUS,
    "%": PERCENTAGE,
}
_INTEGER_TYPES = frozenset({"INT", "LONG"})


def _step(spec: ControlSpec) -> float:
    hint = spec.hint
    if (hint.data_type or "").upper() in _INTEGER_TYPES:
        return 1.0
    digits = hint.fraction_digits if hint.fraction_digits is not None else 1
    return float(10 ** -max(digits, 0))


class MilesightNumber(MilesightControlEntity, NumberEntity):
    """A number written to the device within the thing model's range."""

    def __init__(self, entry: MilesightConfigEntry, sn: str, spec: ControlSpec) -> None:
        """Describe the number from its thing-model property."""
        hint = spec.hint
        unit = (hint.unit or "").strip()
        description = NumberEntityDescription(
            key=spec.key,
            name=spec.name,
            native_min_value=hint.minimum if hint.minimum is not None else 0.0,
            native_max_value=hint.maximum if hint.maximum is not None else 100.0,
            native_step=_step(spec),
            native_unit_of_measurement=_UNITS.get(unit.casefold(), unit or None),
            mode=NumberMode.BOX,
            entity_category=category(spec),
            entity_registry_enabled_default=spec.enabled_default,
        )
        super().__init__(entry, sn, description)
        self._integer = (hint.data_type or "").upper() in _INTEGER_TYPES

    @property
    def native_value(self) -> float | None:
        """The requested or reported number."""
        raw = self.raw_value()
        if raw is None:
            raw = self.restored_state
        if isinstance(raw, bool) or raw is None:
            return None
        try:
            return float(raw)
        except (TypeError, ValueError):
            return None

    async def async_set_native_value(self, value: float) -> None:
        """Write the number (whole numbers for integer properties)."""
        written: Any = round(value) if self._integer else value
        await self.async_write(written)


# One number per writable property of its kind (API entries only).
async_setup_entry = control_platform(Platform.NUMBER, KIND_NUMBER, MilesightNumber)
