"""Every documented example payload of every catalogued model, through a webhook-only entry.

The examples (tests/milesight/catalogue_examples/) are the outputs of Milesight's own decoders
for their documented uplinks. Each one is sent as a signed delivery from a device of its model
to Home Assistant's HTTP webhook, one entry per family file; then every key of the payload is
checked in the entity registry and hass.states against the catalogue's row for that model
(and firmware): the platform, unit, device class, state class, category, enabled default and
the value. Firmware generations are told the way a webhook-only entry learns them: the device
reports its `firmware_version` first; regional builds report their own model string.
"""

from __future__ import annotations

from collections.abc import Iterator
import json
from pathlib import Path
import time
from typing import Any

from homeassistant.const import (
    ATTR_DEVICE_CLASS,
    ATTR_UNIT_OF_MEASUREMENT,
    CONCENTRATION_MICROGRAMS_PER_CUBIC_METER,
    STATE_OFF,
    STATE_ON,
    UnitOfConductivity,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest

from custom_components.minerva_iot.const import DOMAIN
from custom_components.minerva_iot.milesight.catalogue import (
    CatalogueEntry,
    lookup,
    lookup_container,
)
from simulators.milesight import MilesightSimulator, SimulatedDevice
from simulators.milesight.events import device_data

from .conftest import Deliver, setup_entry, webhook_entry

EXAMPLES_DIR = Path(__file__).parent / "catalogue_examples"
FAMILIES = sorted(path.name for path in EXAMPLES_DIR.glob("*.json"))
# Firmware a device reports to select each firmware generation (the catalogue's
# firmware_major_at_least); builds without a firmware boundary report their own model string.
GENERATION_FIRMWARE = {"v1": "v1.0", "v2": "v2.1", "v3": "v3.1", "v4": "v4.1"}
GENERATION_MODEL = {"eu": "-EU", "us": "-US", "cn": "-CN", "well": "-WELL"}
EVENT_ENTITY = {
    "short_press": "button",
    "long_press": "button",
    "double_press": "button",
    "single_press": "button",
    "press": "button",
    "release": "button",
    "power_on": "device_event",
    "power_off": "device_event",
    "reset": "device_event",
}
BATCH = 25
# The catalogue writes the micro sign; newer Home Assistant spells these with a Greek mu.
HA_UNITS = {
    "µg/m³": CONCENTRATION_MICROGRAMS_PER_CUBIC_METER,
    "µS/cm": UnitOfConductivity.MICROSIEMENS_PER_CM,
}


def _flatten(payload: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    """Objects as `a.b`, arrays as `a[0]`: as Milesight's own client flattens payloads."""
    for key, value in payload.items():
        yield from _flatten_value(f"{prefix}{key}", value)


def _flatten_value(key: str, value: Any) -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict) and value:
        yield from _flatten(value, f"{key}.")
    elif isinstance(value, list) and value:
        for index, item in enumerate(value):
            yield from _flatten_value(f"{key}[{index}]", item)
    else:
        yield key, value


def _examples(family: str) -> list[dict[str, Any]]:
    return json.loads((EXAMPLES_DIR / family).read_text(encoding="utf-8"))["examples"]


def _device_of(index: int, example: dict[str, Any]) -> tuple[SimulatedDevice, str | None]:
    """A device of the example's model (build), and the firmware it reports first."""
    generation = example.get("generation") or ""
    model = example["model"] + GENERATION_MODEL.get(generation, "")
    sn = f"7F{index:014X}"
    device = SimulatedDevice(
        device_id=str(1_990_000_000_000_000_000 + index),
        sn=sn,
        dev_eui=f"24E1{index:012X}",
        name=f"{model} {index}",
        model=model,
    )
    return device, GENERATION_FIRMWARE.get(generation)


def _row(model: str, key: str, firmware: str | None) -> CatalogueEntry:
    entry = lookup(model, key, firmware) or lookup_container(model, key, firmware)
    assert entry is not None, f"{model} {key}: not catalogued"
    return entry


def _uid(sn: str, key: str) -> str:
    return f"milesight_device_{sn}_{key}"


def _registry_entry(
    registry: er.EntityRegistry, sn: str, key: str
) -> tuple[str, er.RegistryEntry] | None:
    """The property entity of a key (event entities are per device: button, alarm...)."""
    for domain in ("sensor", "binary_sensor"):
        if entity_id := registry.async_get_entity_id(domain, DOMAIN, _uid(sn, key)):
            entry = registry.async_get(entity_id)
            assert entry is not None
            return domain, entry
    return None


class Checker:
    """Compares what Home Assistant shows with the catalogue, collecting every mismatch."""

    def __init__(self, hass: HomeAssistant) -> None:
        self.hass = hass
        self.registry = er.async_get(hass)
        self.problems: list[str] = []
        self.checked: dict[str, int] = {}

    def expect(self, condition: bool, where: str, what: str) -> None:
        if not condition:
            self.problems.append(f"{where}: {what}")

    def key(self, sn: str, model: str, firmware: str | None, key: str, value: Any) -> str | None:
        """Check one key; the event type it fired, if it is an event."""
        row = _row(model, key, firmware)
        where = f"{model}{f' {firmware}' if firmware else ''} {key}={value!r}"
        self.checked[row.kind] = self.checked.get(row.kind, 0) + 1
        found = _registry_entry(self.registry, sn, key)
        if row.kind in ("ignore", "event"):
            self.expect(found is None, where, f"{row.kind} key has an entity {found}")
            return row.map_value(value) if row.kind == "event" else None
        domain = "binary_sensor" if row.kind == "binary_sensor" else "sensor"
        if found is None or found[0] != domain:
            self.expect(False, where, f"expected a {domain}, found {found and found[0]}")
            return None
        entry = found[1]
        diagnostic = row.kind == "diagnostic" or row.entity_category == "diagnostic"
        self.expect(
            (entry.entity_category is not None) == diagnostic, where, "entity category differs"
        )
        self.expect(
            (entry.disabled_by is None) == row.enabled_default, where, "enabled default differs"
        )
        if entry.disabled_by is not None:
            return None
        state = self.hass.states.get(entry.entity_id)
        assert state is not None, where
        if domain == "binary_sensor":
            expected = STATE_ON if row.map_value(value) else STATE_OFF
            self.expect(state.state == expected, where, f"state {state.state} != {expected}")
            self.expect(
                state.attributes.get(ATTR_DEVICE_CLASS) == row.device_class,
                where,
                f"device class {state.attributes.get(ATTR_DEVICE_CLASS)} != {row.device_class}",
            )
            return None
        self._sensor(where, row, value, state.state, dict(state.attributes))
        return None

    def _sensor(
        self, where: str, row: CatalogueEntry, value: Any, state: str, attributes: dict[str, Any]
    ) -> None:
        unit = attributes.get(ATTR_UNIT_OF_MEASUREMENT)
        device_class = attributes.get(ATTR_DEVICE_CLASS)
        if row.values:
            expected = row.map_value(value)
            self.expect(state == expected, where, f"state {state!r} != {expected!r}")
            self.expect(device_class == "enum", where, f"device class {device_class} != enum")
            return
        # Generations that disagree and nothing to choose: no unit that could be 1000x off.
        expected_unit = None if row.ambiguous else HA_UNITS.get(row.unit or "", row.unit)
        expected_class = None if row.ambiguous else row.device_class
        self.expect(unit == expected_unit, where, f"unit {unit} != {expected_unit}")
        self.expect(
            device_class == expected_class,
            where,
            f"device class {device_class} != {expected_class}",
        )
        self.expect(
            attributes.get("state_class") == row.state_class,
            where,
            f"state class {attributes.get('state_class')} != {row.state_class}",
        )
        if isinstance(value, int | float) and not isinstance(value, bool):
            self.expect(float(state) == float(value), where, f"state {state} != {value}")
            if row.kind == "sensor":  # a number is never shown as text
                self.expect(bool(unit or attributes.get("state_class")), where, "a text sensor")
        else:
            self.expect(state == str(value)[:255], where, f"state {state!r} != {value!r}")

    def events(self, sn: str, model: str, fired: list[str]) -> None:
        """The last event of each event entity is the last the payload fired."""
        last: dict[str, str] = {}
        for event_type in fired:
            last[EVENT_ENTITY.get(event_type, "alarm")] = event_type
        for key, event_type in last.items():
            entity_id = self.registry.async_get_entity_id("event", DOMAIN, _uid(sn, key))
            state = self.hass.states.get(entity_id) if entity_id else None
            shown = state.attributes.get("event_type") if state else None
            self.expect(shown == event_type, f"{model} {key} event", f"{shown} != {event_type}")

    def no_text_sensor_holds_a_number(self, entry_id: str) -> None:
        """Across the entry: an enabled reading sensor showing a number has a unit or state
        class (diagnostic settings such as a template id may stay text)."""
        for entry in er.async_entries_for_config_entry(self.registry, entry_id):
            state = self.hass.states.get(entry.entity_id)
            if entry.domain != "sensor" or state is None or entry.entity_category is not None:
                continue
            attributes = state.attributes
            if attributes.get(ATTR_UNIT_OF_MEASUREMENT) or attributes.get("state_class"):
                continue
            if attributes.get(ATTR_DEVICE_CLASS) in ("enum", "timestamp"):
                continue
            try:
                float(state.state)
            except ValueError:
                continue
            self.problems.append(f"{entry.entity_id}: the number {state.state} as text")


@pytest.mark.parametrize("family", FAMILIES)
async def test_every_example_payload_of_the_family(
    hass: HomeAssistant,
    external_url: str,
    sim: MilesightSimulator,
    deliver: Deliver,
    family: str,
) -> None:
    """Each example through a signed delivery: its entities match the catalogue's rows."""
    entry = webhook_entry()
    await setup_entry(hass, entry)
    examples = _examples(family)
    devices = [_device_of(index, example) for index, example in enumerate(examples)]
    events: list[dict[str, Any]] = []
    now_ms = int(time.time() * 1000)
    for (device, firmware), example in zip(devices, examples, strict=True):
        if firmware is not None:
            events.append(
                device_data(device, "PROPERTY", {"firmware_version": firmware}, ts_ms=now_ms)
            )
        events.append(device_data(device, "PROPERTY", example["payload"], ts_ms=now_ms))
    for start in range(0, len(events), BATCH):
        assert await deliver(events[start : start + BATCH]) == (200, "success")

    checker = Checker(hass)
    for (device, firmware), example in zip(devices, examples, strict=True):
        fired: list[str] = []
        for key, value in _flatten(example["payload"]):
            if (
                event_type := checker.key(device.sn, device.model, firmware, key, value)
            ) is not None:
                fired.append(event_type)
        checker.events(device.sn, device.model, fired)
    checker.no_text_sensor_holds_a_number(entry.entry_id)
    assert not checker.problems, "\n".join(checker.problems)
    assert sum(checker.checked.values()) >= len(examples)
