"""In-memory state of the Milesight devices of one entry, and its persisted form.

What is persisted (devices, the keys they reported, their thing-model hints, their last
ONLINE/OFFLINE status, when they last reported) lets entities be re-created after a restart
before any uplink or API call, and the delivery watchdog (watchdog.py) go on counting a
silence across the restart; the values themselves come back through RestoreSensor /
RestoreEntity. HA-free.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from custom_components.minerva_iot.clients.milesight import ThingProperty, ThingService

_CONTAINER_TYPES = frozenset({"STRUCT", "ARRAY", "FILE", "IMAGE"})
# Arrival times kept per device: enough spacings to learn a reporting interval from.
KEPT_UPLINKS = 8
# What a cached thing model holds: 2 added number ranges and services (controls, issue 13).
TSL_SCHEMA = 2
# Deliveries closer than this are one uplink (PROPERTY and EVENT parts, a retried delivery).
SAME_UPLINK_S = 10.0


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
    # A number's validator range and decimals (controls: number entities, checks before writes).
    minimum: float | None = None
    maximum: float | None = None
    fraction_digits: int | None = None

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
            minimum=prop.minimum,
            maximum=prop.maximum,
            fraction_digits=prop.fraction_digits,
        )

    def as_thing_property(self, key: str) -> ThingProperty:
        """Back to the client's type (its checks before a write)."""
        return ThingProperty(
            key=key,
            name=self.name,
            unit=self.unit,
            data_type=self.data_type,
            enum=dict(self.enum),
            access_mode=self.access_mode,
            hidden=self.hidden,
            max_size=self.max_size,
            minimum=self.minimum,
            maximum=self.maximum,
            fraction_digits=self.fraction_digits,
        )

    @property
    def writable(self) -> bool:
        """`W` or `RW`: the property can be written (PATCH …/properties)."""
        return "W" in (self.access_mode or "").upper()

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
            "minimum": self.minimum,
            "maximum": self.maximum,
            "fraction_digits": self.fraction_digits,
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
            minimum=_number_or_none(raw.get("minimum")),
            maximum=_number_or_none(raw.get("maximum")),
            fraction_digits=raw["fraction_digits"]
            if isinstance(raw.get("fraction_digits"), int)
            else None,
        )


@dataclass(frozen=True, slots=True)
class ServiceHint:
    """A service of the thing model: its name and the keys of its inputs (none: a button)."""

    name: str | None = None
    inputs: tuple[str, ...] = ()

    @classmethod
    def from_thing_service(cls, service: ThingService) -> ServiceHint:
        """Keep what the buttons and the call_service action use."""
        return cls(name=service.name, inputs=tuple(prop.key for prop in service.inputs))

    def as_dict(self) -> dict[str, Any]:
        """Serialisable form."""
        return {"name": self.name, "inputs": list(self.inputs)}

    @classmethod
    def from_dict(cls, raw: Any) -> ServiceHint:
        """Inverse of as_dict."""
        raw = raw if isinstance(raw, dict) else {}
        inputs = raw.get("inputs") if isinstance(raw.get("inputs"), list) else []
        return cls(name=raw.get("name"), inputs=tuple(str(key) for key in inputs or ()))


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
    # The thing model's services by id (API entries only; 0.2.0 stores have none).
    services: dict[str, ServiceHint] = field(default_factory=dict)
    # None = unknown (no ONLINE/OFFLINE seen yet): treated as available.
    online: bool | None = None
    # When the latest uplink arrived, and the arrival times (epoch s) of the last few.
    last_seen: datetime | None = None
    uplinks: list[float] = field(default_factory=list)
    # The reporting interval (s) the device last echoed: its value is not persisted, this is.
    reporting_interval_s: float | None = None
    # Set by the watchdog while the device is overdue; not persisted (recomputed at start).
    silent: bool = False
    # Believed gone: missed by the last few API listings (stale_devices.py); not persisted.
    unlisted: bool = False
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
    tsl_schema: int = 1

    @property
    def reachable(self) -> bool:
        """Not reported OFFLINE, not overdue, not gone: its entities are available."""
        return self.online is not False and not self.silent and not self.unlisted

    @property
    def connected(self) -> bool | None:
        """What the connectivity sensor shows: MDP's ONLINE/OFFLINE, off while overdue."""
        return False if self.silent else self.online

    def note_uplink(self, when: datetime) -> None:
        """An uplink (readings or a live device event) arrived `when`."""
        self.last_seen = when
        self.silent = False
        stamp = when.timestamp()
        if self.uplinks and stamp - self.uplinks[-1] < SAME_UPLINK_S:
            return
        self.uplinks = [*self.uplinks[-(KEPT_UPLINKS - 1) :], stamp]

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
            "services": {key: service.as_dict() for key, service in self.services.items()},
            "has_button": self.has_button,
            "has_alarm": self.has_alarm,
            "has_device_event": self.has_device_event,
            "tsl_loaded": self.tsl_loaded,
            "tsl_firmware": self.tsl_firmware,
            "tsl_schema": self.tsl_schema,
            "online": self.online,
            "last_seen": None if self.last_seen is None else self.last_seen.timestamp(),
            "uplinks": self.uplinks,
            "reporting_interval_s": self.reporting_interval_s,
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
            services={
                str(key): ServiceHint.from_dict(service)
                for key, service in (raw.get("services") or {}).items()
            },
            has_button=bool(raw.get("has_button")),
            has_alarm=bool(raw.get("has_alarm")),
            has_device_event=bool(raw.get("has_device_event")),
            tsl_loaded=bool(raw.get("tsl_loaded")),
            tsl_firmware=raw.get("tsl_firmware"),
            tsl_schema=raw["tsl_schema"] if isinstance(raw.get("tsl_schema"), int) else 1,
            # An OFFLINE device stays unavailable across a restart until it reports again.
            online=raw.get("online"),
            last_seen=_datetime_or_none(raw.get("last_seen")),
            uplinks=[
                float(stamp)
                for stamp in raw.get("uplinks") or ()
                if isinstance(stamp, int | float) and not isinstance(stamp, bool)
            ][-KEPT_UPLINKS:],
            reporting_interval_s=_positive_or_none(raw.get("reporting_interval_s")),
        )


def _number_or_none(number: Any) -> float | None:
    if not isinstance(number, int | float) or isinstance(number, bool):
        return None
    return float(number)


def _positive_or_none(number: Any) -> float | None:
    if not isinstance(number, int | float) or isinstance(number, bool) or not number > 0:
        return None
    return float(number)


def _datetime_or_none(stamp: Any) -> datetime | None:
    """A stored epoch time (0.2.0 stores have none)."""
    if not isinstance(stamp, int | float) or isinstance(stamp, bool):
        return None
    try:
        return datetime.fromtimestamp(stamp, UTC)
    except (OverflowError, OSError, ValueError):
        return None
