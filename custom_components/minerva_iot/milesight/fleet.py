"""The devices of one Milesight Application and how pushes and API reads change them (HA-free).

`FleetState` owns the device state. Parsed webhook events go in through `apply`; API reads
through `sync_listed`, `set_thing_model`, `adopt_thing_model_keys` and `apply_values`. Each
returns `Changes`: which devices changed (their entities write their state), which are new or
may need new entities (a key or a button seen for the first time), whose device-registry entry
must be written, which bus events to fire and whether the stored fleet changed. The Home
Assistant side (delivery.py, coordinator.py) turns those into state writes, registry writes,
bus events and saves; nothing here knows Home Assistant, so it is unit-tested without one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
import logging
from typing import Any

from custom_components.minerva_iot.clients.milesight import MilesightDevice, ThingSpecification
from custom_components.minerva_iot.clients.milesight.webhook import (
    DATA_EVENT,
    DATA_OFFLINE,
    DATA_ONLINE,
    DATA_PROPERTY,
    DATA_SERVICE,
    EVENT_DEVICE_DATA,
    EVENT_TASK_DATA,
    TSL_HISTORICAL_DATA,
    WebhookEvent,
)
from custom_components.minerva_iot.const import ATTR_PAYLOAD

from .const import EVENT_DEVICE_EVENT, EVENT_SERVICE_RESULT, EVENT_TASK_RESULT
from .device_events import (
    BUTTON_KEYS,
    GROUP_ALARM,
    GROUP_BUTTON,
    alarm_name,
    bus_event_type,
    event_group,
    event_state,
)
from .keys import KIND_EVENT, READING_KINDS, KeySpec, resolve
from .models import TSL_SCHEMA, DeviceEventRecord, DeviceState, PropertyHint, ServiceHint
from .tsl import DEFAULT_ARRAY_SIZE, array_positions, expand_arrays, flatten_values, is_template_key

_LOGGER = logging.getLogger(__name__)

# Keys that name the device's versions in its uplinks: webhook-only entries learn the firmware
# (which chooses the catalogue's firmware generation) from them.
_VERSION_KEYS = ("firmware_version", "hardware_version")


@dataclass(frozen=True, slots=True)
class BusEvent:
    """A `minerva_iot_event` to fire, about the device `sn` (None: no known device)."""

    sn: str | None
    event_type: str
    data: dict[str, Any]


@dataclass(slots=True)
class Changes:
    """What one event or API read changed; `|=` merges the changes of a whole delivery."""

    # Devices whose entities must write their state.
    changed: set[str] = field(default_factory=set)
    # Devices seen for the first time (also in `new_entities` and `registry`).
    new: set[str] = field(default_factory=set)
    # Devices that may need entities they do not have yet (new keys, first press, new model).
    new_entities: set[str] = field(default_factory=set)
    # Devices whose device-registry entry must be created or refreshed.
    registry: set[str] = field(default_factory=set)
    # Bus events, in the order they happened.
    events: list[BusEvent] = field(default_factory=list)
    # The persisted part of the fleet changed: save it (a little later).
    persist: bool = False

    def __ior__(self, other: Changes) -> Changes:
        """Add the changes of a later event."""
        self.changed |= other.changed
        self.new |= other.new
        self.new_entities |= other.new_entities
        self.registry |= other.registry
        self.events.extend(other.events)
        self.persist = self.persist or other.persist
        return self


def _entity_shape(device: DeviceState) -> tuple[int, bool, bool, bool, str | None, str | None]:
    """What decides which entities a device has and how they look (model and firmware choose
    the catalogue's rows): a difference means new or re-described entities may be due."""
    return (
        len(device.keys),
        device.has_button,
        device.has_alarm,
        device.has_device_event,
        device.model,
        device.firmware_version,
    )


def _registry_shape(device: DeviceState) -> tuple[str | None, ...]:
    """What the device-registry entry shows of a device."""
    return (device.name, device.model, device.firmware_version, device.hardware_version)


class FleetState:
    """Devices keyed by serial number, fed by webhook events and (optionally) the API."""

    def __init__(self) -> None:
        """An empty fleet; `load` brings back the stored one."""
        self.devices: dict[str, DeviceState] = {}
        # Serial number -> how often the device was removed: a device that comes back after a
        # removal is a new generation and gets new entities (its old ones went with it).
        self._removals: dict[str, int] = {}
        self._event_seq = 0

    # --- persistence and removal ------------------------------------------------------------

    def load(self, stored: Iterable[Any]) -> None:
        """Add the devices saved with `as_stored` (malformed items are skipped)."""
        for raw in stored:
            if isinstance(raw, dict) and isinstance(raw.get("sn"), str) and raw["sn"]:
                device = DeviceState.from_dict(raw)
                # Stores written before arrays were expanded hold `x._item.y` templates.
                device.hints = expand_arrays(device.hints)
                device.keys = {key for key in device.keys if not is_template_key(key)}
                self.devices[device.sn] = device

    def as_stored(self) -> list[dict[str, Any]]:
        """The persisted form of every device."""
        return [device.as_dict() for device in self.devices.values()]

    def generation(self, sn: str) -> int:
        """Changes whenever the device `sn` was removed (for dynamic_entities)."""
        return self._removals.get(sn, 0)

    def remove(self, sn: str) -> bool:
        """Forget a device (its Home Assistant device was removed); True if it was known."""
        if self.devices.pop(sn, None) is None:
            return False
        self._removals[sn] = self.generation(sn) + 1
        return True

    def api_known(self) -> list[str]:
        """Serial numbers of the devices the API has named (push-only ones are never stale)."""
        return [sn for sn, device in self.devices.items() if device.device_id is not None]

    def mark_unlisted(self, gone: Callable[[str], bool]) -> set[str]:
        """Flag the devices believed gone (stale_devices.py); the serial numbers that changed."""
        changed = set()
        for sn, device in self.devices.items():
            if device.unlisted != (unlisted := gone(sn)):
                device.unlisted = unlisted
                changed.add(sn)
        return changed

    def device_by_id(self, device_id: str) -> DeviceState | None:
        """The device with this API deviceId (task results name devices that way)."""
        return next((dev for dev in self.devices.values() if dev.device_id == device_id), None)

    # --- webhook events ---------------------------------------------------------------------

    def apply(self, event: WebhookEvent, now: datetime | None = None) -> Changes:
        """Apply one parsed webhook event (device data or task result; others change nothing)."""
        if event.event_type == EVENT_DEVICE_DATA:
            return self._apply_device_data(event, now or datetime.now(UTC))
        if event.event_type == EVENT_TASK_DATA:
            return self._apply_task(event)
        return Changes()

    def _apply_device_data(self, event: WebhookEvent, now: datetime) -> Changes:
        changes = Changes()
        profile = event.device
        if profile is None or not profile.sn:
            _LOGGER.debug("Milesight DEVICE_DATA without device profile ignored")
            return changes
        device = self._device(profile.sn, changes)
        entity_shape, registry_shape = _entity_shape(device), _registry_shape(device)
        device.device_id = profile.device_id or device.device_id
        device.name = profile.name or device.name
        device.model = profile.model or device.model
        device.dev_eui = profile.dev_eui or device.dev_eui
        # A delivery names only devices it changed: even a new device is news to entities.
        changes.changed.add(device.sn)
        flat = flatten_values(event.payload)
        base = {"sn": device.sn, "model": device.model, ATTR_PAYLOAD: event.payload}
        if event.data_type == DATA_PROPERTY:
            changes |= self._apply_values(device, flat, event.timestamp)
            self._set_online(device, True, changes)
            device.note_uplink(now)
            self._device_events(device, flat, base, changes)
        elif event.data_type == DATA_EVENT:
            if event.tsl_id != TSL_HISTORICAL_DATA:
                device.note_uplink(now)  # a live device event is an uplink (watchdog.py)
            self._apply_tsl_event(device, event, flat, base, changes)
        elif event.data_type == DATA_SERVICE:
            changes.events.append(
                BusEvent(device.sn, EVENT_SERVICE_RESULT, {**base, "tsl_id": event.tsl_id})
            )
        elif event.data_type in (DATA_ONLINE, DATA_OFFLINE):
            self._set_online(device, event.data_type == DATA_ONLINE, changes)
        else:
            _LOGGER.debug("Ignoring Milesight DEVICE_DATA type %s", event.data_type)
        if _entity_shape(device) != entity_shape:
            changes.new_entities.add(device.sn)
            changes.persist = True
        if _registry_shape(device) != registry_shape:
            changes.registry.add(device.sn)
            changes.persist = True
        return changes

    def _apply_tsl_event(
        self,
        device: DeviceState,
        event: WebhookEvent,
        flat: dict[str, Any],
        base: dict[str, Any],
        changes: Changes,
    ) -> None:
        tsl = {**base, "tsl_id": event.tsl_id}
        if event.tsl_id == TSL_HISTORICAL_DATA:
            # Re-sent stored readings: older than what we show, never the current state and no
            # press/alarm events (reference §6.4). Automations that want the back-filled data
            # get it on the bus, marked by its tsl_id.
            _LOGGER.debug("Milesight historical_data of %s not applied", device.sn)
            changes.events.append(BusEvent(device.sn, EVENT_DEVICE_EVENT, tsl))
            return
        self._set_online(device, True, changes)
        changes.events.append(BusEvent(device.sn, EVENT_DEVICE_EVENT, tsl))
        # A TSL event may carry only the inside of its struct (`{"status": ...}` for
        # `button_event`): its keys are read under the event's id too, and those that form an
        # event there are not readings.
        scoped = {
            f"{event.tsl_id}.{key}": value
            for key, value in flat.items()
            if event.tsl_id and resolve(device, f"{event.tsl_id}.{key}").kind == KIND_EVENT
        }
        readings = {
            key: value for key, value in flat.items() if f"{event.tsl_id}.{key}" not in scoped
        }
        # The rest are readings, as in a PROPERTY uplink: MDP's own EVENT example is a people
        # counter's line crossing, and Milesight's receiver stores EVENT data like property
        # data (MscWebhookService.handleDeviceData).
        changes |= self._apply_values(device, readings, event.timestamp)
        if not self._device_events(device, {**readings, **scoped}, base, changes) and (
            name := alarm_name(event.tsl_id or "")
        ):
            # An alarm event whose payload has no alarm key: its state fields tell raised from
            # released (the event's id names the alarm, it is not its value).
            state, value = event_state(flat)
            self._fire(device, state, {"alarm": name, "value": value}, base, changes)

    def _device_events(
        self, device: DeviceState, flat: dict[str, Any], base: dict[str, Any], changes: Changes
    ) -> bool:
        """Button presses, alarms and status events in a payload; True when there was one."""
        fired = False
        for key, value in flat.items():
            spec = resolve(device, key)
            if spec.kind != KIND_EVENT or (event_type := spec.event_type(value)) is None:
                continue
            attributes = _event_attributes(spec, event_type, value)
            self._fire(device, event_type, attributes, base, changes)
            fired = True
        return fired

    def _fire(
        self,
        device: DeviceState,
        event_type: str,
        attributes: dict[str, Any],
        base: dict[str, Any],
        changes: Changes,
    ) -> None:
        """Record an event for its event entity and fire its bus event (if it has one)."""
        record = self._record(event_type, attributes)
        group = event_group(event_type)
        if group == GROUP_BUTTON:
            device.has_button, device.last_button = True, record
        elif group == GROUP_ALARM:
            device.has_alarm, device.last_alarm = True, record
        else:
            device.has_device_event, device.last_device_event = True, record
        if (bus_type := bus_event_type(event_type)) is not None:
            changes.events.append(BusEvent(device.sn, bus_type, {**base, **attributes}))
        changes.persist = True

    def _record(self, event_type: str, attributes: dict[str, Any]) -> DeviceEventRecord:
        """A new press / alarm record; its `seq` tells the event entities it is new."""
        self._event_seq += 1
        return DeviceEventRecord(self._event_seq, event_type, attributes)

    def _apply_task(self, event: WebhookEvent) -> Changes:
        data = event.data if isinstance(event.data, dict) else {}
        info = data.get("info") if isinstance(data.get("info"), dict) else {}
        api_id = str(info.get("deviceId", "")) if info else ""
        device = self.device_by_id(api_id) if api_id else None
        if info and info.get("status") not in (None, "SUCCESS"):
            _LOGGER.warning(
                "Milesight task %s failed: %s", info.get("taskId"), info.get("errCode") or "-"
            )
        payload = {ATTR_PAYLOAD: data, "task_type": event.data_type}
        return Changes(events=[BusEvent(device.sn if device else None, EVENT_TASK_RESULT, payload)])

    # --- API reads --------------------------------------------------------------------------

    def sync_listed(self, api_device: MilesightDevice) -> Changes:
        """Take the Application's listing of a device (unless it has no serial number)."""
        changes = Changes()
        if not api_device.sn:
            return changes
        device = self._device(api_device.sn, changes)
        device.device_id = api_device.device_id
        device.name = api_device.name or device.name
        device.model = api_device.model or device.model
        device.dev_eui = api_device.dev_eui or device.dev_eui
        device.firmware_version = api_device.firmware_version or device.firmware_version
        device.hardware_version = api_device.hardware_version or device.hardware_version
        if api_device.connect_status:
            # DISCONNECT means "never connected": as unusable as OFFLINE for Home Assistant.
            self._set_online(device, api_device.connect_status.upper() == "ONLINE", changes)
        changes.changed.add(device.sn)
        changes.registry.add(device.sn)
        return changes

    def needs_thing_model(self, sn: str, firmware: str | None) -> bool:
        """The thing model is cached across restarts; a firmware update may change it."""
        device = self.devices[sn]
        return (
            not device.tsl_loaded
            or device.tsl_firmware != firmware
            # Cached before writes existed (no ranges, no services): read once more.
            or device.tsl_schema < TSL_SCHEMA
        )

    def set_thing_model(self, sn: str, spec: ThingSpecification, firmware: str | None) -> None:
        """Keep the parts of the thing model the entities use (cached for `firmware`)."""
        device = self.devices[sn]
        # Array properties as Milesight's own client expands them (tsl.py): `x[0]`…`x[n]`.
        device.hints = expand_arrays(
            {key: PropertyHint.from_thing_property(prop) for key, prop in spec.properties.items()}
        )
        device.services = {
            service_id: ServiceHint.from_thing_service(service)
            for service_id, service in spec.services.items()
        }
        device.tsl_loaded = True
        device.tsl_firmware = firmware
        device.tsl_schema = TSL_SCHEMA

    def adopt_thing_model_keys(self, sn: str) -> Changes:
        """Give every reading of the thing model an entity, before the device reports it.

        Settings (writable properties) and hidden properties are left out; the entities of
        readings not reported yet show unknown until the next uplink.
        """
        device = self.devices[sn]
        changes = Changes()
        for key, hint in device.hints.items():
            if not hint.is_reading or key in device.keys:
                continue
            if (spec := resolve(device, key)).kind not in READING_KINDS:
                _flag_event_entity(device, spec, None)
                continue
            device.keys.add(key)
            changes.new_entities.add(sn)
            changes.persist = True
        return changes

    def apply_values(self, sn: str, flat: dict[str, Any]) -> Changes:
        """Latest values read from the API (they replace what the device showed)."""
        return self._apply_values(self.devices[sn], flat, None)

    # --- shared steps -----------------------------------------------------------------------

    def _device(self, sn: str, changes: Changes) -> DeviceState:
        """The device with this serial number, created on first sight."""
        if (device := self.devices.get(sn)) is None:
            device = self.devices[sn] = DeviceState(sn=sn)
            changes.new.add(sn)
            changes.new_entities.add(sn)
            changes.registry.add(sn)
            changes.persist = True
        return device

    @staticmethod
    def _apply_values(
        device: DeviceState, flat: dict[str, Any], measured_at: float | None
    ) -> Changes:
        """Store current property values; new keys are remembered for the next start.

        With `measured_at` (epoch seconds of the uplink) a late delivery never replaces a
        newer value of the same key: MDP may deliver out of order when it retries.
        """
        changes = Changes(changed={device.sn})
        flat = flatten_values(flat)  # arrays of history reads arrive whole
        for key in _VERSION_KEYS:
            _note_version(device, key, flat.get(key))
        for key, value in flat.items():
            if isinstance(value, list | dict):
                continue
            if (spec := resolve(device, key)).kind not in READING_KINDS:
                _flag_event_entity(device, spec, value)
                continue
            if key not in device.keys and not _may_add(device, key):
                continue
            if measured_at is not None:
                if measured_at < device.measured_at.get(key, measured_at):
                    continue
                device.measured_at[key] = measured_at
            device.values[key] = value
            if key not in device.keys:
                device.keys.add(key)
                changes.new_entities.add(device.sn)
                changes.persist = True
        return changes

    @staticmethod
    def _set_online(device: DeviceState, online: bool, changes: Changes) -> None:
        """Record ONLINE/OFFLINE; persisted so an offline device stays so after a restart."""
        if device.online is not online:
            device.online = online
            changes.persist = True


def _flag_event_entity(device: DeviceState, spec: KeySpec, value: Any) -> None:
    """An event key seen without firing (API reads, thing model): its event entity is due.

    With a value, the group of the event it stands for; without, every group the key can fire.
    """
    if spec.kind != KIND_EVENT:
        return
    if value is not None:
        types = {spec.event_type(value)} - {None}
    else:
        types = {v for v in spec.values.values() if isinstance(v, str)}
        if not types:
            types = {"short_press" if spec.key in BUTTON_KEYS else "alarm"}
    for event_type in types:
        if (group := event_group(str(event_type))) == GROUP_BUTTON:
            device.has_button = True
        elif group == GROUP_ALARM:
            device.has_alarm = True
        else:
            device.has_device_event = True


def _event_attributes(spec: KeySpec, event_type: str, value: Any) -> dict[str, Any]:
    """What an event record tells besides its type: which button, which alarm and its value."""
    group = event_group(event_type)
    if group == GROUP_BUTTON:
        return {} if spec.index is None else {"button": spec.index}
    if group == GROUP_ALARM:
        return {"alarm": alarm_name(spec.key) or spec.key, "value": value}
    return {"value": value}


def _may_add(device: DeviceState, key: str) -> bool:
    """A key not seen before gets an entity unless it is an array element beyond what the
    thing model declares (Milesight's default size without one): payload arrays can be long."""
    return key in device.hints or all(
        position < DEFAULT_ARRAY_SIZE for position in array_positions(key)
    )


def _note_version(device: DeviceState, key: str, value: Any) -> None:
    """A version the device reports (`v1.3`) when it differs from the known one (`V1.3`)."""
    if not isinstance(value, str) or not value.strip():
        return
    known = getattr(device, key)
    if known is None or known.strip().lower().lstrip("v") != value.strip().lower().lstrip("v"):
        setattr(device, key, value.strip())
