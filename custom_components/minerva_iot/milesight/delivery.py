"""Hand the events of accepted deliveries to the fleet, and publish what changed.

The fleet (fleet.py) turns events into `Changes`; this module publishes them once per
delivery: registry entries, bus events, a delayed save, then the entities of the devices the
delivery touched (device_updates.py: its cost does not grow with the fleet). It also keeps the
webhook's health and repair issues. Not `async_set_updated_data`: that would make every entity
of the Application write its state, postpone the API refresh (and a deferred first sync) on
every delivery, and report a failing API as healthy (`last_update_success`).
"""

from __future__ import annotations

import logging

from homeassistant.core import HomeAssistant, callback
from homeassistant.util import dt as dt_util

from custom_components.minerva_iot.clients.milesight.webhook import (
    EVENT_DEVICE_DATA,
    EVENT_SYSTEM_MESSAGES,
    EVENT_TASK_DATA,
    EVENT_WEBHOOK_TEST,
    EventIdCache,
    WebhookEvent,
)
from custom_components.minerva_iot.const import VENDOR_MILESIGHT
from custom_components.minerva_iot.events import async_fire_minerva_event
from custom_components.minerva_iot.issues import async_delete_entry_issue, async_raise_entry_issue

from .const import (
    HEALTH_UPDATES_KEY,
    ISSUE_DELIVERIES_SUSPENDED,
    ISSUE_NO_EXTERNAL_URL,
    ISSUE_PUSH_LIMIT,
    ISSUE_REJECTED_DELIVERIES,
    ISSUE_SYSTEM_MESSAGE,
    ISSUE_WEBHOOK_SETUP,
    REJECTED_DELIVERIES_ISSUE_THRESHOLD,
    SELFTEST_EVENT_PREFIX,
)
from .data import MilesightConfigEntry, MilesightData
from .device_changes import Changes
from .store import SEEN_SAVE_DELAY_S

_LOGGER = logging.getLogger(__name__)

_SYSTEM_ISSUES = {"SYSTEM_ALERT": ISSUE_DELIVERIES_SUSPENDED, "SERVICE_NOTICE": ISSUE_PUSH_LIMIT}


class DeliveryProcessor:
    """Applies the events of accepted deliveries and keeps the webhook's health."""

    def __init__(self, hass: HomeAssistant, entry: MilesightConfigEntry) -> None:
        """One processor per entry; it owns the eventId de-duplication cache."""
        self.hass = hass
        self.entry = entry
        self._event_ids = EventIdCache()

    @property
    def _data(self) -> MilesightData:
        # Read at call time: the handler exists before the entry's runtime data is complete.
        return self.entry.runtime_data

    @callback
    def async_process(self, events: list[WebhookEvent]) -> None:
        """Handle every event of one delivery, then publish what they changed once."""
        cloud_events = [event for event in events if not self._is_selftest(event)]
        if not cloud_events:
            return
        data = self._data
        entry_id = self.entry.entry_id
        changes = Changes(persist=data.health.note_delivery(dt_util.utcnow()))
        async_delete_entry_issue(self.hass, ISSUE_REJECTED_DELIVERIES, entry_id)
        now = dt_util.utcnow()
        # Once per delivery, at its first such event, not per event (a delivery carries 20 and
        # more): an issue a later event of the delivery raises stays.
        verified = flowing = False
        for event in cloud_events:
            if event.event_id and not self._event_ids.add(event.event_id):
                _LOGGER.debug("Milesight event %s already processed", event.event_id)
                continue
            if not verified and event.event_type in (EVENT_WEBHOOK_TEST, EVENT_DEVICE_DATA):
                verified = True
                self.async_mark_verified()
            if not flowing and event.event_type == EVENT_DEVICE_DATA and event.device is not None:
                flowing = True
                # Deliveries flow again: any suspension or quota notice is over.
                for key in (ISSUE_DELIVERIES_SUSPENDED, ISSUE_PUSH_LIMIT, ISSUE_SYSTEM_MESSAGE):
                    async_delete_entry_issue(self.hass, key, entry_id)
            if event.event_type in (EVENT_DEVICE_DATA, EVENT_TASK_DATA):
                changes |= data.fleet.apply(event, now)
                if data.pending is not None:  # writes the event confirms or fails
                    changes.changed |= data.pending.async_observe(event)
            elif event.event_type == EVENT_SYSTEM_MESSAGES:
                self._raise_system_message(event)
            elif event.event_type != EVENT_WEBHOOK_TEST:
                _LOGGER.debug("Ignoring Milesight event type %s", event.event_type)
        data.watchdog.async_delivery_arrived(changes.changed)
        self._publish(data, changes)

    @callback
    def _publish(self, data: MilesightData, changes: Changes) -> None:
        data.registry.async_apply(changes)
        for event in changes.events:
            async_fire_minerva_event(
                self.hass,
                VENDOR_MILESIGHT,
                data.registry.async_device_id(event.sn),
                event.event_type,
                event.data,
            )
        if changes.persist:
            data.store.async_schedule_save()
        elif changes.changed:
            data.store.async_schedule_save(SEEN_SAVE_DELAY_S)  # when the devices last reported
        data.updates.notify((*changes.changed, HEALTH_UPDATES_KEY), new=changes.new_entities)

    def _is_selftest(self, event: WebhookEvent) -> bool:
        """The "Test webhook" button's own delivery: tell the button, apply nothing."""
        event_id = event.event_id or ""
        if not event_id.startswith(SELFTEST_EVENT_PREFIX):
            return False
        self._data.selftest_waiters.resolve(event_id)
        return True

    @callback
    def async_mark_verified(self) -> None:
        """MDP reached the webhook: drop the set-up issues for good."""
        # A delivery came in, so some public route exists even if HA knows no external URL.
        async_delete_entry_issue(self.hass, ISSUE_NO_EXTERNAL_URL, self.entry.entry_id)
        async_delete_entry_issue(self.hass, ISSUE_WEBHOOK_SETUP, self.entry.entry_id)
        data = self._data
        if data.health.set_verified(True):
            data.store.async_schedule_save()

    @callback
    def async_note_redelivery(self) -> None:
        """A delivery came again with the same headers and body: answered, not re-applied."""
        _LOGGER.debug("Milesight delivery received again (same headers and body): not re-applied")
        self._data.health.note_redelivery()

    @callback
    def async_note_events_over_cap(self, count: int) -> None:
        """A delivery beyond the cap: its `count` oldest events were left out (diagnostics)."""
        self._data.health.events_over_cap += count

    @callback
    def async_note_rejected(self, *, signature_failure: bool) -> None:
        """A request was refused; repeated signature failures raise a repair issue.

        The issue is about MDP's own deliveries failing (a rotated secret, a wrong clock): only
        signature and timestamp failures count towards it (see WebhookHealth).
        """
        data = self._data
        health = data.health
        health.note_rejected(signature_failure=signature_failure)
        if signature_failure and health.rejected_issue_due(REJECTED_DELIVERIES_ISSUE_THRESHOLD):
            async_raise_entry_issue(
                self.hass,
                ISSUE_REJECTED_DELIVERIES,
                self.entry.entry_id,
                placeholders={"count": str(health.consecutive_signature_failures)},
            )
        data.updates.notify((HEALTH_UPDATES_KEY,))

    def _raise_system_message(self, event: WebhookEvent) -> None:
        data = event.data if isinstance(event.data, dict) else {}
        message = data.get("message") if isinstance(data.get("message"), dict) else {}
        info = str((message or {}).get("info") or "-")
        key = _SYSTEM_ISSUES.get(event.data_type or "", ISSUE_SYSTEM_MESSAGE)
        _LOGGER.warning("Milesight system message (%s): %s", event.data_type, info)
        async_raise_entry_issue(
            self.hass,
            key,
            self.entry.entry_id,
            placeholders={"info": info, "type": event.data_type or "-"},
        )
