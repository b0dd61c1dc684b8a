"""Apply verified webhook events to the coordinator, the bus and the repair issues."""

from __future__ import annotations

import logging
from typing import Any

from homeassistant.core import HomeAssistant, callback
from homeassistant.util import dt as dt_util

from custom_components.minerva_iot.clients.milesight import flatten_payload
from custom_components.minerva_iot.clients.milesight.webhook import (
    DATA_EVENT,
    DATA_OFFLINE,
    DATA_ONLINE,
    DATA_PROPERTY,
    DATA_SERVICE,
    EVENT_DEVICE_DATA,
    EVENT_SYSTEM_MESSAGES,
    EVENT_TASK_DATA,
    EVENT_WEBHOOK_TEST,
    TSL_HISTORICAL_DATA,
    EventIdCache,
    WebhookEvent,
)
from custom_components.minerva_iot.const import ATTR_PAYLOAD, VENDOR_MILESIGHT
from custom_components.minerva_iot.events import async_fire_minerva_event
from custom_components.minerva_iot.issues import async_delete_entry_issue, async_raise_entry_issue

from .const import (
    EVENT_BUTTON_DOUBLE_PRESS,
    EVENT_BUTTON_LONG_PRESS,
    EVENT_BUTTON_SHORT_PRESS,
    EVENT_DEVICE_EVENT,
    EVENT_SERVICE_RESULT,
    EVENT_TASK_RESULT,
    ISSUE_DELIVERIES_SUSPENDED,
    ISSUE_NO_EXTERNAL_URL,
    ISSUE_PUSH_LIMIT,
    ISSUE_REJECTED_DELIVERIES,
    ISSUE_SYSTEM_MESSAGE,
    ISSUE_WEBHOOK_SETUP,
    PRESS_DOUBLE,
    PRESS_LONG,
    PRESS_SHORT,
    SELFTEST_EVENT_PREFIX,
)
from .coordinator import MilesightCoordinator
from .device_events import alarm_name, alarm_state, alarms, button_press
from .models import DeviceState

_LOGGER = logging.getLogger(__name__)

_BUS_PRESS = {
    PRESS_SHORT: EVENT_BUTTON_SHORT_PRESS,
    PRESS_LONG: EVENT_BUTTON_LONG_PRESS,
    PRESS_DOUBLE: EVENT_BUTTON_DOUBLE_PRESS,
}
_SYSTEM_ISSUES = {"SYSTEM_ALERT": ISSUE_DELIVERIES_SUSPENDED, "SERVICE_NOTICE": ISSUE_PUSH_LIMIT}


class DeliveryProcessor:
    """Turns the events of accepted deliveries into state, bus events and issues."""

    def __init__(self, hass: HomeAssistant, coordinator: MilesightCoordinator) -> None:
        """One processor per entry; it owns the eventId de-duplication cache."""
        self.hass = hass
        self.coordinator = coordinator
        self.entry_id = coordinator.config_entry.entry_id
        self._event_ids = EventIdCache()

    @callback
    def async_process(self, events: list[WebhookEvent]) -> None:
        """Handle every event of one delivery, then publish the devices it touched once."""
        cloud_events = [event for event in events if not self._is_selftest(event)]
        if not cloud_events:
            return
        self.coordinator.note_delivery(dt_util.utcnow())
        async_delete_entry_issue(self.hass, ISSUE_REJECTED_DELIVERIES, self.entry_id)
        touched: set[str] = set()
        for event in cloud_events:
            if event.event_id and not self._event_ids.add(event.event_id):
                _LOGGER.debug("Milesight event %s already processed", event.event_id)
                continue
            if (sn := self._process_one(event)) is not None:
                touched.add(sn)
        self.coordinator.publish(touched)

    def _is_selftest(self, event: WebhookEvent) -> bool:
        """The "Test webhook" button's own delivery: tell the button, apply nothing."""
        event_id = event.event_id or ""
        if not event_id.startswith(SELFTEST_EVENT_PREFIX):
            return False
        self.coordinator.selftest_waiters.resolve(event_id)
        return True

    @callback
    def async_mark_verified(self) -> None:
        """MDP reached the webhook: drop the set-up issues for good."""
        # A delivery came in, so some public route exists even if HA knows no external URL.
        async_delete_entry_issue(self.hass, ISSUE_NO_EXTERNAL_URL, self.entry_id)
        async_delete_entry_issue(self.hass, ISSUE_WEBHOOK_SETUP, self.entry_id)
        if not self.coordinator.stats.webhook_verified:
            self.coordinator.stats.webhook_verified = True
            self.coordinator.async_schedule_save()

    def _process_one(self, event: WebhookEvent) -> str | None:
        """Apply one event; the serial number of the device it may have changed, if any."""
        if event.event_type == EVENT_WEBHOOK_TEST:
            self.async_mark_verified()
        elif event.event_type == EVENT_DEVICE_DATA:
            self.async_mark_verified()
            return self._process_device_data(event)
        elif event.event_type == EVENT_TASK_DATA:
            self._process_task(event)
        elif event.event_type == EVENT_SYSTEM_MESSAGES:
            self._process_system_message(event)
        else:
            _LOGGER.debug("Ignoring Milesight event type %s", event.event_type)
        return None

    def _process_device_data(self, event: WebhookEvent) -> str | None:
        """Apply a device's data; its serial number (even a new device is news to entities)."""
        if event.device is None:
            _LOGGER.debug("Milesight DEVICE_DATA without device profile ignored")
            return None
        # Deliveries flow again: any suspension or quota notice is over.
        for key in (ISSUE_DELIVERIES_SUSPENDED, ISSUE_PUSH_LIMIT, ISSUE_SYSTEM_MESSAGE):
            async_delete_entry_issue(self.hass, key, self.entry_id)
        device = self.coordinator.get_or_create_device(event.device.sn)
        profile = event.device
        device.device_id = profile.device_id or device.device_id
        device.name = profile.name or device.name
        device.model = profile.model or device.model
        device.dev_eui = profile.dev_eui or device.dev_eui
        ha_device_id = self.coordinator.async_update_device_registry(device)
        flat = flatten_payload(event.payload)
        base = {"sn": device.sn, "model": device.model, ATTR_PAYLOAD: event.payload}
        if event.data_type == DATA_PROPERTY:
            self.coordinator.apply_values(device, flat, event.timestamp)
            self.coordinator.set_online(device, True)
            device.last_seen = dt_util.utcnow()
            self._fire_device_events(device, ha_device_id, flat, base)
        elif event.data_type == DATA_EVENT:
            if event.tsl_id == TSL_HISTORICAL_DATA:
                # Re-sent stored readings: older than what we show, never the current state
                # and no press/alarm events (reference §6.4). Automations that want the
                # back-filled data get it on the bus, marked by its tsl_id.
                _LOGGER.debug("Milesight historical_data of %s not applied", device.sn)
                self._fire(ha_device_id, EVENT_DEVICE_EVENT, {**base, "tsl_id": event.tsl_id})
                return device.sn
            if event.tsl_id:
                # A TSL event may carry only the inside of its struct (`{"status": ...}` for
                # `button_event`): also read it under the event's id.
                flat = {**flat, **flatten_payload({event.tsl_id: event.payload})}
            self.coordinator.set_online(device, True)
            self._fire(ha_device_id, EVENT_DEVICE_EVENT, {**base, "tsl_id": event.tsl_id})
            if not self._fire_device_events(device, ha_device_id, flat, base) and (
                name := alarm_name(event.tsl_id or "")
            ):
                self._fire_alarm(device, ha_device_id, name, event.tsl_id, base)
        elif event.data_type == DATA_SERVICE:
            self._fire(ha_device_id, EVENT_SERVICE_RESULT, {**base, "tsl_id": event.tsl_id})
        elif event.data_type in (DATA_ONLINE, DATA_OFFLINE):
            self.coordinator.set_online(device, event.data_type == DATA_ONLINE)
        else:
            _LOGGER.debug("Ignoring Milesight DEVICE_DATA type %s", event.data_type)
        return device.sn

    def _fire_device_events(
        self, device: DeviceState, ha_device_id: str, flat: dict[str, Any], base: dict[str, Any]
    ) -> bool:
        """Button presses and alarms in a payload; True when there was one."""
        fired = False
        if (press := button_press(flat)) is not None:
            self.coordinator.record_device_event(device, "button", press, {})
            self._fire(ha_device_id, _BUS_PRESS[press], base)
            fired = True
        for name, value, _state in alarms(flat):
            self._fire_alarm(device, ha_device_id, name, value, base)
            fired = True
        return fired

    def _fire_alarm(
        self, device: DeviceState, ha_device_id: str, name: str, value: Any, base: dict[str, Any]
    ) -> None:
        state = alarm_state(value)
        attributes = {"alarm": name, "value": value}
        self.coordinator.record_device_event(device, "alarm", state, attributes)
        self._fire(ha_device_id, state, {**base, **attributes})

    def _fire(self, ha_device_id: str | None, event_type: str, extra: dict[str, Any]) -> None:
        async_fire_minerva_event(self.hass, VENDOR_MILESIGHT, ha_device_id, event_type, extra)

    def _process_task(self, event: WebhookEvent) -> None:
        data = event.data if isinstance(event.data, dict) else {}
        info = data.get("info") if isinstance(data.get("info"), dict) else {}
        api_id = str(info.get("deviceId", "")) if info else ""
        device = next(
            (
                dev
                for dev in self.coordinator.devices.values()
                if api_id and dev.device_id == api_id
            ),
            None,
        )
        ha_device_id = self.coordinator.async_update_device_registry(device) if device else None
        if info and info.get("status") not in (None, "SUCCESS"):
            _LOGGER.warning(
                "Milesight task %s failed: %s", info.get("taskId"), info.get("errCode") or "-"
            )
        self._fire(
            ha_device_id, EVENT_TASK_RESULT, {ATTR_PAYLOAD: data, "task_type": event.data_type}
        )

    def _process_system_message(self, event: WebhookEvent) -> None:
        data = event.data if isinstance(event.data, dict) else {}
        message = data.get("message") if isinstance(data.get("message"), dict) else {}
        info = str((message or {}).get("info") or "-")
        key = _SYSTEM_ISSUES.get(event.data_type or "", ISSUE_SYSTEM_MESSAGE)
        _LOGGER.warning("Milesight system message (%s): %s", event.data_type, info)
        async_raise_entry_issue(
            self.hass,
            key,
            self.entry_id,
            placeholders={"info": info, "type": event.data_type or "-"},
        )
