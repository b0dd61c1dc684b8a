"""In-memory state of the Milesight devices of one entry, and its persisted form.

What is persisted (devices, the keys they reported, their thing-model hints, their last
ONLINE/OFFLINE status) lets entities be re-created after a restart before any uplink or API
call; the values themselves come back through RestoreSensor / RestoreEntity. HA-free.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from custom_components.minerva_iot.clients.milesight import ThingProperty

_CONTAINER_TYPES = frozenset({"STRUCT", "ARRAY", "FILE", "IMAGE"})


@dataclass(frozen=True, slots=True)
class PropertyHint:
    """What the thing model (TSL) says about one property: label, unit and enum labels."""

    name: str | None = None
    unit: str | None = None
    data_type: str | None = None
    enum: dict[str, str] = field(default_factory=dict)
    access_mode: str | None = None
    hidden: bool = False
    # Elements of an ARRAY property (its validator's maxSize; None: Milesight's default).
    max_size: int | None = None

    @classmethod
    def from_thing_property(cls, prop: ThingProperty) -> PropertyHint:
        """Keep the parts of a TSL property the entities use."""
        return cls(
            name=prop.name,
            unit=prop.unit,
            data_type=prop.data_type,
            enum=dict(prop.enum),
            access_mode=prop.access_mode,
            hidden=prop.hidden,
            max_size=prop.max_size,
        )

    @property
    def is_reading(self) -> bool:
        """A visible, read-only value the device reports by itself (not a setting).

        Structs and arrays are containers: their members have their own dotted ids.
        """
        return (
            not self.hidden
            and (self.access_mode or "R").upper() == "R"
            and (self.data_type or "").upper() not in _CONTAINER_TYPES
        )

    def as_dict(self) -> dict[str, Any]:
        """Serialisable form."""
        return {
            "name": self.name,
            "unit": self.unit,
            "data_type": self.data_type,
            "enum": self.enum,
            "access_mode": self.access_mode,
            "hidden": self.hidden,
            "max_size": self.max_size,
        }

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> PropertyHint:
        """Inverse of as_dict."""
        return cls(
            name=raw.get("name"),
            unit=raw.get("unit"),
            data_type=raw.get("data_type"),
            enum=dict(raw.get("enum") or {}),
            access_mode=raw.get("access_mode"),
            hidden=bool(raw.get("hidden")),
            max_size=raw["max_size"] if isinstance(raw.get("max_size"), int) else None,
        )


@dataclass(slots=True)
class DeviceEventRecord:
    """The latest button press or alarm of a device; `seq` tells event entities it is new."""

    seq: int
    event_type: str
    attributes: dict[str, Any]


@dataclass(slots=True)
class DeviceState:
    """One Milesight device, keyed by serial number (`device_id` is kept for API calls)."""

    sn: str
    device_id: str | None = None
    name: str | None = None
    model: str | None = None
    dev_eui: str | None = None
    firmware_version: str | None = None
    hardware_version: str | None = None
    # Flattened property values of the latest uplink/API read; keys persist, values do not.
    values: dict[str, Any] = field(default_factory=dict)
    # When each value was measured (epoch s), to ignore late deliveries; not persisted.
    measured_at: dict[str, float] = field(default_factory=dict)
    keys: set[str] = field(default_factory=set)
    hints: dict[str, PropertyHint] = field(default_factory=dict)
    # None = unknown (no ONLINE/OFFLINE seen yet): treated as available.
    online: bool | None = None
    last_seen: datetime | None = None
    has_button: bool = False
    has_alarm: bool = False
    # Reported a status event (power on/off, reset: device_events.STATUS_TYPES).
    has_device_event: bool = False
    last_button: DeviceEventRecord | None = None
    last_alarm: DeviceEventRecord | None = None
    last_device_event: DeviceEventRecord | None = None
    tsl_loaded: bool = False
    # Firmware the cached thing model was read for: another firmware re-reads it.
    tsl_firmware: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """Serialisable form for the entry's store."""
        return {
            "sn": self.sn,
            "device_id": self.device_id,
            "name": self.name,
            "model": self.model,
            "dev_eui": self.dev_eui,
            "firmware_version": self.firmware_version,
            "hardware_version": self.hardware_version,
            "keys": sorted(self.keys),
            "hints": {key: hint.as_dict() for key, hint in self.hints.items()},
            "has_button": self.has_button,
            "has_alarm": self.has_alarm,
            "has_device_event": self.has_device_event,
            "tsl_loaded": self.tsl_loaded,
            "tsl_firmware": self.tsl_firmware,
            "online": self.online,
        }

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> DeviceState:
        """Inverse of as_dict."""
        return cls(
            sn=raw["sn"],
            device_id=raw.get("device_id"),
            name=raw.get("name"),
            model=raw.get("model"),
            dev_eui=raw.get("dev_eui"),
            firmware_version=raw.get("firmware_version"),
            hardware_version=raw.get("hardware_version"),
            keys=set(raw.get("keys") or ()),
            hints={
                key: PropertyHint.from_dict(hint) for key, hint in (raw.get("hints") or {}).items()
            },
            has_button=bool(raw.get("has_button")),
            has_alarm=bool(raw.get("has_alarm")),
            has_device_event=bool(raw.get("has_device_event")),
            tsl_loaded=bool(raw.get("tsl_loaded")),
            tsl_firmware=raw.get("tsl_firmware"),
            # An OFFLINE device stays unavailable across a restart until it reports again.
            online=raw.get("online"),
        )
