"""Milesight thermostats (WT101 radiator valve, WT201 thermostat) as climate entities.

Target temperature, and where the thing model has them, the control mode (heat / cool / auto),
the on/off switch of temperature control and the fan mode, all written as properties; the
current temperature is the device's own `temperature` uplink. Key names follow Milesight's
WT101/WT201 decoders (wt-series); MDP thing models are expected to use them (*unconfirmed* for
the mode and fan keys: the climate entity offers only what the device's thing model lists).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import Any

from homeassistant.components.climate import ClimateEntity
from homeassistant.components.climate.const import ATTR_HVAC_MODE, ClimateEntityFeature, HVACMode
from homeassistant.const import ATTR_TEMPERATURE, Platform, UnitOfTemperature
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity import EntityDescription
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .control.entity import MilesightControlEntity
from .control.kinds import (
    CURRENT_KEY,
    ENABLE_KEYS,
    FAN_KEYS,
    MODE_KEYS,
    TARGET_KEY,
    first_writable,
    is_thermostat,
    on_off_values,
    same_value,
)
from .data import MilesightConfigEntry
from .entity import PropertyCandidate, async_add_property_entities
from .models import DeviceState

CLIMATE_KEY = "climate"
# WT201 `temperature_control_mode` labels (wt-series/wt201 decoder) → Home Assistant modes.
_MODES = {"heat": HVACMode.HEAT, "em_heat": HVACMode.HEAT, "cool": HVACMode.COOL}
_MODES_AUTO = {"auto": HVACMode.HEAT_COOL}


async def async_setup_entry(
    hass: HomeAssistant,
    entry: MilesightConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """One climate entity per thermostat whose thing model lets the target be written."""
    if entry.runtime_data.client is None:
        return

    def candidates(device: DeviceState) -> Iterable[PropertyCandidate]:
        if is_thermostat(device):
            look = tuple(
                first_writable(device, keys) for keys in (MODE_KEYS, ENABLE_KEYS, FAN_KEYS)
            )
            yield CLIMATE_KEY, look, partial(MilesightClimate, entry, device.sn)

    async_add_property_entities(
        entry,
        async_add_entities,
        candidates,
        domain=Platform.CLIMATE,
        platform_keys=lambda device, key: key == CLIMATE_KEY and is_thermostat(device),
    )


def _mode_of(label: str) -> HVACMode | None:
    folded = label.strip().casefold()
    return _MODES.get(folded) or _MODES_AUTO.get(folded)


class MilesightClimate(MilesightControlEntity, ClimateEntity):
    """A Milesight thermostat: each change is one property write, pending until confirmed."""

    _attr_temperature_unit = UnitOfTemperature.CELSIUS

    def __init__(self, entry: MilesightConfigEntry, sn: str) -> None:
        """Find the device's target, mode, on/off and fan properties."""
        super().__init__(entry, sn, EntityDescription(key=CLIMATE_KEY, name=None))
        device = entry.runtime_data.fleet.devices[sn]
        target = device.hints[TARGET_KEY]
        self._mode_key = first_writable(device, MODE_KEYS)
        self._enable_key = first_writable(device, ENABLE_KEYS)
        self._fan_key = first_writable(device, FAN_KEYS)
        self._enable_values = (
            on_off_values(device.hints[self._enable_key]) if self._enable_key else None
        )
        self._mode_labels = dict(device.hints[self._mode_key].enum) if self._mode_key else {}
        self._fan_labels = dict(device.hints[self._fan_key].enum) if self._fan_key else {}
        self._attr_min_temp = target.minimum if target.minimum is not None else 5.0
        self._attr_max_temp = target.maximum if target.maximum is not None else 35.0
        digits = target.fraction_digits
        self._attr_target_temperature_step = 0.5 if digits is None else 10.0 ** -max(digits, 0)
        modes = [mode for label in self._mode_labels.values() if (mode := _mode_of(label))]
        self._attr_hvac_modes = list(dict.fromkeys(modes or [HVACMode.HEAT]))
        features = ClimateEntityFeature.TARGET_TEMPERATURE
        if self._enable_values is not None:
            self._attr_hvac_modes.append(HVACMode.OFF)
            features |= ClimateEntityFeature.TURN_ON | ClimateEntityFeature.TURN_OFF
        if self._fan_labels:
            self._attr_fan_modes = list(self._fan_labels.values())
            features |= ClimateEntityFeature.FAN_MODE
        self._attr_supported_features = features

    def _keys(self) -> list[str]:
        return [key for key in (TARGET_KEY, self._mode_key, self._enable_key, self._fan_key) if key]

    @property
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """Pending while any of the thermostat's writes waits (the latest one's times)."""
        writes = [write for key in self._keys() if (write := self.pending_write(key))]
        if not writes:
            return None
        latest = max(writes, key=lambda write: write.sent_at)
        return {**latest.attributes, "pending_keys": sorted(write.key for write in writes)}

    @property
    def current_temperature(self) -> float | None:
        """The temperature the device measured last."""
        device = self.device
        value = None if device is None else device.values.get(CURRENT_KEY)
        return (
            float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None
        )

    @property
    def target_temperature(self) -> float | None:
        """The requested or reported target."""
        value = self.raw_value(TARGET_KEY)
        try:
            return None if value is None or isinstance(value, bool) else float(value)
        except (TypeError, ValueError):
            return None

    @property
    def hvac_mode(self) -> HVACMode | None:
        """Off when temperature control is disabled, else the device's mode."""
        if self._enable_key and self._enable_values is not None:
            enabled = self.raw_value(self._enable_key)
            if enabled is not None and same_value(enabled, self._enable_values[1]):
                return HVACMode.OFF
        if self._mode_key:
            raw = self.raw_value(self._mode_key)
            label = self._label(self._mode_labels, raw)
            return _mode_of(label) if label else None
        return HVACMode.HEAT

    @property
    def fan_mode(self) -> str | None:
        """The fan mode's label."""
        if not self._fan_key:
            return None
        return self._label(self._fan_labels, self.raw_value(self._fan_key))

    @staticmethod
    def _label(labels: dict[str, str], raw: Any) -> str | None:
        if raw is None:
            return None
        return next(
            (
                label
                for key, label in labels.items()
                if same_value(raw, key) or same_value(raw, label)
            ),
            None,
        )

    async def async_set_temperature(self, **kwargs: Any) -> None:
        """Write the target temperature (and the mode when one is given)."""
        if (mode := kwargs.get(ATTR_HVAC_MODE)) is not None:
            await self.async_set_hvac_mode(mode)
        if (temperature := kwargs.get(ATTR_TEMPERATURE)) is not None:
            await self.async_write(float(temperature), TARGET_KEY)

    async def async_set_hvac_mode(self, hvac_mode: HVACMode) -> None:
        """Off disables temperature control; another mode enables it and writes the mode."""
        if self._enable_key and self._enable_values is not None:
            on, off = self._enable_values
            wanted = off if hvac_mode == HVACMode.OFF else on
            if not same_value(self.raw_value(self._enable_key), wanted):
                await self.async_write(wanted, self._enable_key)
        if hvac_mode == HVACMode.OFF or not self._mode_key:
            return
        raw = next(
            (key for key, label in self._mode_labels.items() if _mode_of(label) == hvac_mode),
            None,
        )
        if raw is not None and self.hvac_mode != hvac_mode:
            await self.async_write(raw, self._mode_key)

    async def async_turn_on(self) -> None:
        """Enable temperature control."""
        await self.async_set_hvac_mode(self._attr_hvac_modes[0])

    async def async_turn_off(self) -> None:
        """Disable temperature control."""
        await self.async_set_hvac_mode(HVACMode.OFF)

    async def async_set_fan_mode(self, fan_mode: str) -> None:
        """Write the fan mode's raw key."""
        if self._fan_key:
            raw = next(key for key, label in self._fan_labels.items() if label == fan_mode)
            await self.async_write(raw, self._fan_key)
