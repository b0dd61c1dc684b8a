"""The platforms a Milesight entry has entities on, and their set-up functions."""

from __future__ import annotations

from homeassistant.const import Platform

from custom_components.minerva_iot.vendor import PlatformSetup

from . import binary_sensor, button, climate, event, number, select, sensor, switch

PLATFORM_SETUPS: dict[Platform, PlatformSetup] = {
    Platform.BINARY_SENSOR: binary_sensor.async_setup_entry,
    Platform.BUTTON: button.async_setup_entry,
    Platform.CLIMATE: climate.async_setup_entry,
    Platform.EVENT: event.async_setup_entry,
    Platform.NUMBER: number.async_setup_entry,
    Platform.SELECT: select.async_setup_entry,
    Platform.SENSOR: sensor.async_setup_entry,
    Platform.SWITCH: switch.async_setup_entry,
}
