"""Synthetic packages for the negative tests of the quality checkers."""

from __future__ import annotations

from textwrap import dedent

from .source_index import PackageIndex


def synthetic_index(packages: set[str] | None = None, **modules: str) -> PackageIndex:
    """Index synthetic modules; `__` in a keyword stands for a dot (`ttlock__sensor`)."""
    sources = {name.replace("__", "."): dedent(source) for name, source in modules.items()}
    return PackageIndex(sources, packages if packages is not None else {"", "ttlock"})


ENTITY_BASE = """
    from homeassistant.helpers.entity import Entity

    class VendorEntity(Entity):
        _attr_has_entity_name = True

        def __init__(self, key: str) -> None:
            self._attr_unique_id = key
            self._attr_device_info = {}
"""


# --- quality_scale.yaml ---------------------------------------------------------------------


# Entity, exception, issue and action keys planted for the string checks.
STRINGS_CODE = """
from homeassistant.components.event import EventEntityDescription
from homeassistant.components.sensor import SensorEntityDescription, SensorDeviceClass

RECORD = EventEntityDescription(key="record", translation_key="record", event_types=["unlock"])
BATTERY = SensorEntityDescription(
    key="battery", translation_key="battery_level", device_class=SensorDeviceClass.BATTERY
)
MODE = SensorEntityDescription(key="mode", translation_key="mode", options=["eco", "boost"])

def fail() -> None:
    raise HomeAssistantError(translation_domain="minerva_iot", translation_key="jammed")

def warn(hass) -> None:
    ir.async_create_issue(hass, "minerva_iot", "quota", translation_key="quota", is_fixable=False)

def register(hass) -> None:
    hass.services.async_register("minerva_iot", "create_passcode", None)
"""
