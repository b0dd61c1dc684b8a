"""Snapshots of what an entry shows in Home Assistant, stable across Home Assistant versions.

Home Assistant's own snapshot extension serializes whole registry entries, and their fields
change between releases (2025.4 has `config_entries` on devices, newer ones `config_entry_id`,
`object_id_base`, `suggested_object_id`…). One snapshot file serves every version we support, so
entries are reduced to the fields that describe the integration's behaviour, and values that
change from run to run (entry ids, the simulators' ports) are replaced by a matcher; the tests
freeze the clock, so times stay in.
"""

from __future__ import annotations

from collections.abc import Callable
import re
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.amber import AmberSnapshotExtension
from syrupy.types import PropertyPath, SerializableData

ENTITY_FIELDS = (
    "entity_id",
    "unique_id",
    "platform",
    "translation_key",
    "has_entity_name",
    "original_name",
    "original_device_class",
    "original_icon",
    "entity_category",
    "unit_of_measurement",
    "capabilities",
    "supported_features",
    "disabled_by",
    "hidden_by",
    "options",
)
DEVICE_FIELDS = (
    "identifiers",
    "connections",
    "manufacturer",
    "model",
    "model_id",
    "name",
    "serial_number",
    "sw_version",
    "hw_version",
    "entry_type",
    "configuration_url",
    "disabled_by",
)
# Units that always come with a Home Assistant device class (temperature, voltage, current,
# power, energy, pressure, illuminance, signal strength, CO2).
UNITS_WITH_DEVICE_CLASS = frozenset(
    {"°C", "°F", "K", "V", "mV", "A", "mA", "W", "kW", "Wh", "kWh", "Pa", "hPa", "kPa", "bar"}
    | {"mbar", "lx", "dBm", "ppm"}
)
# Addresses of the in-process simulators: their port is free-picked at every run.
_LOOPBACK = re.compile(r"http://127\.0\.0\.1:\d+")


class StableSnapshotExtension(AmberSnapshotExtension):
    """Syrupy's plain Amber format in `__snapshots__/`, whichever `snapshot` fixture wins.

    The values given to it are plain data already, so Home Assistant's extension (whose
    serializer and directory differ between versions of pytest-homeassistant-custom-component)
    is not needed.
    """


def stable(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """The snapshot assertion with the extension every Home Assistant version shares."""
    return snapshot.use_extension(StableSnapshotExtension)


def _plain(value: Any) -> Any:
    """Registry values as plain data with a stable order (sets and enums vary otherwise)."""
    if isinstance(value, set | frozenset):
        return sorted((_plain(item) for item in value), key=repr)
    if isinstance(value, tuple):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in sorted(value.items())}
    if hasattr(value, "value") and type(value).__module__.startswith("homeassistant"):
        return value.value  # StrEnum / IntFlag members: their value, whatever their repr
    return value


def _own_options(options: dict[str, Any]) -> dict[str, Any]:
    """Registry options without the display precision newer Home Assistant infers itself.

    Since 2025.x Home Assistant stores a precision derived from the device class for sensors
    that suggest none (2025.4 stores nothing); the integration suggests none anywhere.
    """
    sensor = {
        k: v for k, v in options.get("sensor", {}).items() if k != "suggested_display_precision"
    }
    return {k: v for k, v in options.items() if k != "sensor"} | (
        {"sensor": sensor} if sensor else {}
    )


def _device_key(device: dr.DeviceEntry | None) -> list[Any] | None:
    """A device named by its identifiers (registry ids are random)."""
    return None if device is None else _plain(device.identifiers)


def entry_snapshot(hass: HomeAssistant, entry_id: str) -> dict[str, Any]:
    """Devices, entities and states of a config entry, keyed by stable names, sorted."""
    devices = dr.async_get(hass)
    entities = er.async_get(hass)
    device_entries = sorted(
        dr.async_entries_for_config_entry(devices, entry_id), key=lambda d: repr(_device_key(d))
    )
    entity_entries = sorted(
        er.async_entries_for_config_entry(entities, entry_id), key=lambda e: e.entity_id
    )
    snapshot: dict[str, Any] = {"devices": {}, "entities": {}}
    for device in device_entries:
        fields = {name: _plain(getattr(device, name)) for name in DEVICE_FIELDS}
        via = devices.async_get(device.via_device_id) if device.via_device_id else None
        fields["via_device"] = _device_key(via)
        snapshot["devices"][repr(_device_key(device))] = fields
    for entity in entity_entries:
        fields = {name: _plain(getattr(entity, name)) for name in ENTITY_FIELDS}
        fields["options"] = _own_options(fields["options"])
        owner = devices.async_get(entity.device_id) if entity.device_id else None
        fields["device"] = _device_key(owner)
        state = hass.states.get(entity.entity_id)
        fields["state"] = (
            None
            if state is None
            else {"state": state.state, "attributes": _plain(dict(state.attributes))}
        )
        snapshot["entities"][entity.entity_id] = fields
    return snapshot


def entity_rule_problems(hass: HomeAssistant, found: dict[str, Any]) -> list[str]:
    """Quality-scale rules every entity of an entry keeps once set up, read from what HA shows.

    has-entity-name, entity-unique-id (an entity without one has a state but no registry
    entry), devices, entity-device-class and icon-translations (no icon of its own).
    """
    problems = [
        f"{entity_id} has no unique id (a state without a registry entry)"
        for entity_id in sorted(
            set(hass.states.async_entity_ids()) - set(er.async_get(hass).entities)
        )
    ]
    for entity_id, entity in found["entities"].items():
        if entity["has_entity_name"] is not True:
            problems.append(f"{entity_id}: has_entity_name is not True")
        if entity["device"] is None:
            problems.append(f"{entity_id} has no device")
        if entity["original_icon"] is not None:
            problems.append(f"{entity_id} sets an icon of its own: {entity['original_icon']}")
        unit = entity["unit_of_measurement"]
        if unit in UNITS_WITH_DEVICE_CLASS and entity["original_device_class"] is None:
            problems.append(f"{entity_id}: its unit {unit} implies a device class; it has none")
    return problems


def volatile(entry_id: str) -> Callable[..., Any]:
    """A syrupy matcher masking what changes from run to run.

    Masked: the config entry id wherever it appears in a string (unique ids and device
    identifiers of the application/account embed it) and the port of loopback URLs. Times are
    not masked: the tests freeze the clock, so a changed timestamp is a changed behaviour. The
    micro sign is normalised too.
    """

    def matcher(data: SerializableData, path: PropertyPath) -> SerializableData:
        if isinstance(data, str):
            # Home Assistant's µg/m³ constant changed from the micro sign to the Greek mu.
            data = data.replace("\u03bc", "\u00b5").replace(entry_id, "<entry_id>")
            return _LOOPBACK.sub("http://127.0.0.1:<port>", data)
        return data

    return matcher


def assert_entry_matches(
    hass: HomeAssistant,
    entry_id: str,
    snapshot: SnapshotAssertion,
) -> None:
    """The entry's devices and entities match the stored snapshot, one snapshot per item.

    One snapshot per device and entity keeps a failing diff readable; the tests freeze the
    clock, so times in states are compared as they are.
    """
    snapshot = stable(snapshot)
    found = entry_snapshot(hass, entry_id)
    assert found["devices"], "the entry has no devices: nothing to compare"
    assert found["entities"], "the entry has no entities: nothing to compare"
    assert entity_rule_problems(hass, found) == []
    matcher = volatile(entry_id)
    for key, device in found["devices"].items():
        name = key.replace(entry_id, "<entry_id>")
        assert device == snapshot(name=f"device {name}", matcher=matcher)
    for entity_id, entity in found["entities"].items():
        assert entity == snapshot(name=entity_id, matcher=matcher)
    # Nothing appeared or vanished without a snapshot change either.
    assert sorted(found["devices"]) == snapshot(name="device keys", matcher=matcher)
    assert sorted(found["entities"]) == snapshot(name="entity ids")


def assert_diagnostics_match(diagnostics: Any, entry_id: str, snapshot: SnapshotAssertion) -> None:
    """A diagnostics download matches the stored snapshot (entry id and ports masked)."""
    assert diagnostics, "empty diagnostics: nothing to compare"
    assert diagnostics == stable(snapshot)(name="diagnostics", matcher=volatile(entry_id))
