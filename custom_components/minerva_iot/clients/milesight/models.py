"""Typed views of the cloud's device, thing-model (TSL) and history payloads."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
import math
from typing import Any

from .errors import MilesightResponseError

# Decoder payloads nest two or three levels; anything deeper is not a device's and is dropped
# rather than recursed into (a crafted payload must not exhaust the stack).
MAX_PAYLOAD_DEPTH = 16


def flatten_payload(data: Mapping[str, Any], sep: str = ".", *, _depth: int = 0) -> dict[str, Any]:
    """Flatten nested dicts into ``a.b`` keys; lists and scalars are kept as values.

    ``{"button_event": {"status": "short press"}, "battery": 88}`` becomes
    ``{"button_event.status": "short press", "battery": 88}``. Levels below
    ``MAX_PAYLOAD_DEPTH`` are dropped.
    """
    flat: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, Mapping) and value:
            if _depth >= MAX_PAYLOAD_DEPTH:
                continue
            for sub_key, sub_value in flatten_payload(value, sep, _depth=_depth + 1).items():
                flat[f"{key}{sep}{sub_key}"] = sub_value
        else:
            flat[str(key)] = value
    return flat


def _as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _optional_str(value: Any) -> str | None:
    if value is None or value == "":
        return None
    return str(value)


@dataclass(frozen=True)
class MilesightDevice:
    """One device of the Application (search item or detail)."""

    device_id: str
    sn: str
    name: str
    model: str | None
    dev_eui: str | None
    firmware_version: str | None
    hardware_version: str | None
    connect_status: str | None
    raw: dict[str, Any] = field(repr=False, compare=False)

    @classmethod
    def from_api(cls, item: Any) -> MilesightDevice:
        """Build from a Device_Info object; ``deviceId`` is a string even when sent as a number."""
        if not isinstance(item, dict) or item.get("deviceId") in (None, ""):
            raise MilesightResponseError("device without deviceId")
        sn = _optional_str(item.get("sn")) or ""
        return cls(
            device_id=str(item["deviceId"]),
            sn=sn,
            name=_optional_str(item.get("name")) or sn,
            model=_optional_str(item.get("model")),
            dev_eui=_optional_str(item.get("devEUI")),
            firmware_version=_optional_str(item.get("firmwareVersion")),
            hardware_version=_optional_str(item.get("hardwareVersion")),
            connect_status=_optional_str(item.get("connectStatus")),
            raw=item,
        )


@dataclass(frozen=True)
class ThingProperty:
    """One property of a device's thing model; ``enum`` maps raw payload values to labels."""

    key: str
    name: str | None
    unit: str | None
    data_type: str | None
    enum: dict[str, str]
    access_mode: str | None
    hidden: bool = False
    # An ARRAY property's element count (dataSpec.validator.maxSize), if the model gives one.
    max_size: int | None = None
    # Writable numbers: dataSpec.validator min/max and fractionDigits (the step is 10^-digits;
    # MDP documents no step of its own).
    minimum: float | None = None
    maximum: float | None = None
    fraction_digits: int | None = None

    @property
    def writable(self) -> bool:
        """`W` or `RW` in the thing model: PATCH …/properties accepts it."""
        return "W" in (self.access_mode or "").upper()


@dataclass(frozen=True)
class ThingService:
    """One service of a device's thing model (`services[]`: id, name, inputs)."""

    service_id: str
    name: str | None
    inputs: tuple[ThingProperty, ...] = ()


@dataclass(frozen=True)
class ThingSpecification:
    """A device's thing model, properties keyed by their flattened id (``a.b``)."""

    properties: dict[str, ThingProperty]
    version: str | None = None
    services: dict[str, ThingService] = field(default_factory=dict)

    @classmethod
    def from_api(cls, data: Any) -> ThingSpecification:
        """Parse ``data`` of the thing-specification call.

        Nested ids normally arrive already dotted (``a.b``); a child whose id is not dotted but
        names a ``parentId`` gets its parent's key prepended so keys match flattened payloads.
        """
        raw_items = data.get("properties") or [] if isinstance(data, dict) else None
        if not isinstance(data, dict) or not isinstance(raw_items, list):
            raise MilesightResponseError("thing-specification: unexpected body")
        items = [item for item in raw_items if isinstance(item, dict)]
        parents = {str(item.get("id") or item.get("propertyKey")): item for item in items}
        properties: dict[str, ThingProperty] = {}
        for item in items:
            prop = _parse_property(item, parents)
            if prop is not None:
                properties[prop.key] = prop
        return cls(
            properties=properties,
            version=_optional_str(data.get("version")),
            services=_parse_services(data.get("services")),
        )


def _parse_services(raw: Any) -> dict[str, ThingService]:
    """`services[]` of a thing model; inputs parsed as properties (same `dataSpec`)."""
    services: dict[str, ThingService] = {}
    for item in raw if isinstance(raw, list) else ():
        if not isinstance(item, dict) or not (service_id := _optional_str(item.get("id"))):
            continue
        raw_inputs = item.get("inputs")
        if not isinstance(raw_inputs, list):
            raw_inputs = []
        inputs = tuple(
            prop
            for entry in raw_inputs
            if isinstance(entry, dict) and (prop := _parse_property(entry, {})) is not None
        )
        services[service_id] = ThingService(service_id, _optional_str(item.get("name")), inputs)
    return services


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _full_key(item: dict[str, Any], parents: dict[str, dict[str, Any]]) -> str:
    key = str(item.get("id") or item.get("propertyKey") or "")
    seen = {key}
    spec = _as_dict(item.get("dataSpec"))
    parent_id = _optional_str(spec.get("parentId"))
    while parent_id and not key.startswith(f"{parent_id}.") and parent_id not in seen:
        key = f"{parent_id}.{key}"
        seen.add(parent_id)
        parent = parents.get(parent_id, {})
        parent_spec = _as_dict(parent.get("dataSpec"))
        parent_id = _optional_str(parent_spec.get("parentId"))
    return key


def _parse_property(
    item: dict[str, Any], parents: dict[str, dict[str, Any]]
) -> ThingProperty | None:
    key = _full_key(item, parents)
    if not key:
        return None
    spec = _as_dict(item.get("dataSpec"))
    mappings = spec.get("mappings")
    if not isinstance(mappings, list):
        mappings = []
    enum = {
        str(mapping.get("key")): str(mapping.get("value"))
        for mapping in mappings
        if isinstance(mapping, dict) and mapping.get("key") is not None
    }
    validator = _as_dict(spec.get("validator"))
    max_size = validator.get("maxSize")
    digits = spec.get("fractionDigits")
    return ThingProperty(
        key=key,
        name=_optional_str(item.get("name")),
        unit=_optional_str(spec.get("unitName")),
        data_type=_optional_str(spec.get("dataType")),
        enum=enum,
        access_mode=_optional_str(item.get("accessMode")),
        hidden=item.get("hidden") is True,
        max_size=max_size if isinstance(max_size, int) and not isinstance(max_size, bool) else None,
        minimum=_number(validator.get("min")),
        maximum=_number(validator.get("max")),
        fraction_digits=digits
        if isinstance(digits, int) and not isinstance(digits, bool)
        else None,
    )
