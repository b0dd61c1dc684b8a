"""Writes waiting for the device: shown as requested, confirmed or reverted by what it reports.

A LoRaWAN downlink is not instant: a Class A device takes it in the receive window after its
next uplink, a Class C device within seconds. The outcome comes back by webhook: a TASK_DATA
delivery (`info.status`, `subcommand[{key, status, value}]`, reference §6.4) or an uplink that
reports the property. So a write is kept here until:

- a task result says SUCCESS for its key (or an uplink reports the requested value): confirmed,
  the value is the device's now;
- a task result says anything else, or the device reported another value when it must have
  had the write (Class A: its second uplink after the write, since the first one carried the
  downlink window; Class C: any uplink after CLASS_C_GRACE), or nothing confirmed it within
  3 report intervals (HA's clock): failed, the entity shows the device's value again, a
  `milesight_write_failed` bus event says so and, for a setting, a repair issue.

Two writes of one property before confirmation: the second replaces the first, whose results
are then ignored (a task result for another value is not this write's). No call is made to
confirm anything: the device's own reports do.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
import logging
from typing import Any, Final

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.event import async_track_point_in_utc_time
from homeassistant.util import dt as dt_util

from custom_components.minerva_iot.clients.milesight.webhook import (
    EVENT_DEVICE_DATA,
    EVENT_TASK_DATA,
    WebhookEvent,
)
from custom_components.minerva_iot.milesight.tsl import flatten_values

from .kinds import same_value

_LOGGER = logging.getLogger(__name__)

DATA_PROPERTY: Final = "PROPERTY"
# Report intervals without confirmation before a write counts as failed.
TIMEOUT_INTERVALS: Final = 3
# Used when the device's report interval is unknown (MDP's default, field findings 9).
DEFAULT_INTERVAL_S: Final = 600.0
# A Class C device takes a downlink within seconds; a report older than that may predate it.
CLASS_C_GRACE: Final = timedelta(seconds=30)
SUCCESS: Final = "SUCCESS"
REASON_TASK_FAILED: Final = "task_failed"
REASON_REPORTED_OTHER: Final = "reported_other"
REASON_TIMEOUT: Final = "timeout"


@dataclass(slots=True)
class PendingWrite:
    """One property write the device has not confirmed yet."""

    sn: str
    key: str
    value: Any
    sent_at: datetime
    interval_s: float
    class_a: bool
    setting: bool
    name: str
    task_id: str | None = None
    uplinks_since: int = 0
    _unsub: CALLBACK_TYPE | None = field(default=None, repr=False)

    @property
    def deadline(self) -> datetime:
        """When the write counts as failed if nothing confirmed it."""
        return self.sent_at + timedelta(seconds=TIMEOUT_INTERVALS * self.interval_s)

    @property
    def attributes(self) -> dict[str, Any]:
        """What a control entity shows while the write waits."""
        attributes: dict[str, Any] = {"pending": True, "pending_since": self.sent_at.isoformat()}
        if self.class_a:
            # "Waits for the device's next report (every N min)".
            attributes["waits_for_next_report"] = True
            attributes["report_interval_min"] = round(self.interval_s / 60, 1)
        return attributes


type FailureHandler = Callable[[PendingWrite, str], None]


class PendingWrites:
    """The writes of one entry waiting for their devices, keyed by (serial number, key)."""

    def __init__(
        self,
        hass: HomeAssistant,
        *,
        device_of_api_id: Callable[[str], str | None],
        on_confirmed: Callable[[PendingWrite], None],
        on_failed: FailureHandler,
    ) -> None:
        """`device_of_api_id` maps a task's deviceId to a serial number."""
        self._hass = hass
        self._device_of_api_id = device_of_api_id
        self._on_confirmed = on_confirmed
        self._on_failed = on_failed
        self._writes: dict[tuple[str, str], PendingWrite] = {}

    def get(self, sn: str, key: str) -> PendingWrite | None:
        """The write of this property waiting, if any."""
        return self._writes.get((sn, key))

    def all(self) -> list[PendingWrite]:
        """Every write waiting (diagnostics)."""
        return list(self._writes.values())

    def of_device(self, sn: str) -> list[PendingWrite]:
        """Every write waiting for device `sn`."""
        return [write for (owner, _), write in self._writes.items() if owner == sn]

    @callback
    def async_add(self, write: PendingWrite) -> None:
        """Track a write that the cloud accepted; a previous one of the property is dropped."""
        if (previous := self._writes.pop((write.sn, write.key), None)) is not None:
            self._cancel(previous)
        write._unsub = async_track_point_in_utc_time(
            self._hass, partial(self._async_timeout, write), write.deadline
        )
        self._writes[(write.sn, write.key)] = write

    @callback
    def async_shutdown(self) -> None:
        """The entry unloads: forget every timer (the writes are not persisted)."""
        for write in self._writes.values():
            self._cancel(write)
        self._writes.clear()

    @callback
    def async_observe(self, event: WebhookEvent) -> set[str]:
        """Confirm or fail writes by a delivered event; the serial numbers it touched."""
        if event.event_type == EVENT_TASK_DATA:
            return self._observe_task(event)
        if (
            event.event_type == EVENT_DEVICE_DATA
            and event.data_type == DATA_PROPERTY
            and event.device is not None
            and event.device.sn
        ):
            return self._observe_uplink(event.device.sn, flatten_values(event.payload))
        return set()

    def _observe_uplink(self, sn: str, flat: dict[str, Any]) -> set[str]:
        now = dt_util.utcnow()
        touched: set[str] = set()
        for write in self.of_device(sn):
            write.uplinks_since += 1
            if write.key not in flat:
                continue
            if same_value(flat[write.key], write.value):
                self._finish(write)
                self._on_confirmed(write)
                touched.add(sn)
            elif (write.class_a and write.uplinks_since >= 2) or (
                not write.class_a and now - write.sent_at >= CLASS_C_GRACE
            ):
                self._fail(write, REASON_REPORTED_OTHER)
                touched.add(sn)
        return touched

    def _observe_task(self, event: WebhookEvent) -> set[str]:
        data = event.data if isinstance(event.data, dict) else {}
        info = data.get("info") if isinstance(data.get("info"), dict) else None
        if not info:
            return set()
        sn = self._device_of_api_id(str(info.get("deviceId", "")))
        if sn is None:
            return set()
        task_id = None if info.get("taskId") in (None, "") else str(info.get("taskId"))
        status = str(info.get("status") or "").upper()
        raw_subcommands = info.get("subcommand")
        subcommands = {
            str(item["key"]): item
            for item in (raw_subcommands if isinstance(raw_subcommands, list) else [])
            if isinstance(item, dict) and item.get("key") is not None
        }
        touched: set[str] = set()
        for write in self.of_device(sn):
            if write.task_id is not None and task_id is not None and write.task_id != task_id:
                continue  # another task's result (an earlier write of another property)
            item = subcommands.get(write.key)
            if item is None and (subcommands or write.task_id is None):
                continue  # the task is about other properties
            item_status = str((item or {}).get("status") or status).upper()
            if item is not None and "value" in item and not same_value(item["value"], write.value):
                continue  # the result of an earlier write of this property: the last one wins
            if item_status == SUCCESS:
                self._finish(write)
                self._on_confirmed(write)
            else:
                self._fail(write, REASON_TASK_FAILED)
            touched.add(sn)
        return touched

    @callback
    def _async_timeout(self, write: PendingWrite, _now: datetime) -> None:
        write._unsub = None
        if self._writes.get((write.sn, write.key)) is write:
            self._fail(write, REASON_TIMEOUT)

    def _fail(self, write: PendingWrite, reason: str) -> None:
        self._finish(write)
        _LOGGER.warning(
            "Milesight device %s did not take %s = %r (%s): showing its reported value again",
            write.sn,
            write.key,
            write.value,
            reason,
        )
        self._on_failed(write, reason)

    def _finish(self, write: PendingWrite) -> None:
        self._writes.pop((write.sn, write.key), None)
        self._cancel(write)

    @staticmethod
    def _cancel(write: PendingWrite) -> None:
        if write._unsub is not None:
            write._unsub()
            write._unsub = None
