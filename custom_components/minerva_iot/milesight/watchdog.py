"""Delivery watchdog: MDP stops pushing without telling the webhook (field findings 5).

When deliveries keep failing, MDP stops sending and says so only in its console; a webhook
learns of it by the silence alone. So each device gets an expected report interval, in this
order: the reporting interval it echoes in its uplinks (`reporting_interval`, or the decoders'
`report_interval`, in the unit its thing model or the catalogue gives, else seconds as MDP's
thing models do); 600 s when its thing model declares a reporting interval it has not echoed
yet (MDP's default on its EM320-TH properties page); else the spacing of its last uplinks, when
they are regular. A device with none of these (a button that reports only when pressed) never
times out. A device silent for more than 2.5 intervals, and at least 30 minutes, is overdue:
its entities become unavailable until it reports again.

When every device with an interval is overdue and nothing at all arrived for 30 minutes, the
Application is silent: the webhook entity says so and a repair issue explains how to re-enable
the webhook. With API credentials one history call (counted like every API call, skipped during
a rate-limit pause) tells "MDP has newer readings than Home Assistant got" (MDP stopped
pushing) from "MDP has none either" (the devices went quiet); the issue says which. Whether the
history call sees readings when "device data storage" is off is answered by field findings 8:
it does not, so the "went quiet" issue mentions it.

The clock is Home Assistant's (async_track_time_interval, dt_util.utcnow); what was last seen
is persisted with the fleet, so a silence that went on during a restart counts.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
import itertools
import logging
import math
import statistics
from typing import Any

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.event import async_track_time_interval
from homeassistant.util import dt as dt_util

from custom_components.minerva_iot.clients.milesight import (
    MilesightError,
    MilesightRateLimitError,
)
from custom_components.minerva_iot.issues import async_delete_entry_issue, async_raise_entry_issue

from . import catalogue
from .const import (
    HEALTH_UPDATES_KEY,
    ISSUE_DEVICES_QUIET,
    ISSUE_PUSHES_STOPPED,
    ISSUE_WEBHOOK_SILENT,
    SILENCE_ISSUES,
)
from .data import MilesightConfigEntry, MilesightData
from .models import DeviceState
from .store import SEEN_SAVE_DELAY_S

_LOGGER = logging.getLogger(__name__)

CHECK_INTERVAL = timedelta(minutes=1)
SILENCE_FACTOR = 2.5
MIN_SILENCE = timedelta(minutes=30)
DEFAULT_REPORTING_INTERVAL_S = 600.0
INTERVAL_KEYS = ("reporting_interval", "report_interval")
_UNIT_SECONDS = {
    "ms": 0.001,
    "s": 1.0,
    "sec": 1.0,
    "second": 1.0,
    "seconds": 1.0,
    "min": 60.0,
    "minute": 60.0,
    "minutes": 60.0,
    "h": 3600.0,
    "hour": 3600.0,
    "hours": 3600.0,
}
# A learnt interval needs this many spacings, most of them within ±25 % of their median: one
# missed uplink (a spacing twice as long) does not spoil it, irregular reports never pass.
LEARN_MIN_SPACINGS = 4
LEARN_TOLERANCE = 0.25
LEARN_SHARE = 0.75


def reported_interval_s(device: DeviceState) -> float | None:
    """The reporting interval the device echoes in its uplinks, in seconds."""
    for key in INTERVAL_KEYS:
        value = device.values.get(key)
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            continue
        try:
            number = float(value)
        except ValueError:
            continue
        factor = _unit_seconds(device, key)
        if factor is not None and math.isfinite(number) and number > 0:
            return number * factor
    return None


def _unit_seconds(device: DeviceState, key: str) -> float | None:
    """Seconds per unit of the device's `key`: thing model, then catalogue, else seconds."""
    hint = device.hints.get(key)
    unit = hint.unit if hint is not None else None
    if not unit and (row := catalogue.lookup(device.model, key, device.firmware_version)):
        unit = row.unit
    if not unit:
        return 1.0  # MDP's thing models give reporting_interval in seconds (field findings 9)
    return _UNIT_SECONDS.get(unit.strip().lower())


def learned_interval_s(uplinks: Sequence[float]) -> float | None:
    """The median spacing of regular uplinks (None: too few, or irregular)."""
    spacings = [
        later - earlier for earlier, later in itertools.pairwise(uplinks) if later > earlier
    ]
    if len(spacings) < LEARN_MIN_SPACINGS:
        return None
    median = statistics.median(spacings)
    close = sum(abs(spacing - median) <= LEARN_TOLERANCE * median for spacing in spacings)
    return median if close >= LEARN_SHARE * len(spacings) else None


def expected_interval_s(device: DeviceState) -> float | None:
    """How often the device reports, in seconds; None: it may stay silent at will."""
    if (reported := reported_interval_s(device) or device.reporting_interval_s) is not None:
        return reported
    if any(key in device.hints for key in INTERVAL_KEYS):
        return DEFAULT_REPORTING_INTERVAL_S
    if device.has_button:
        return None  # presses are no heartbeat, however regular they happen to be
    return learned_interval_s(device.uplinks)


def deadline(device: DeviceState) -> datetime | None:
    """When the device becomes overdue (None: never)."""
    interval = expected_interval_s(device)
    if interval is None or device.last_seen is None:
        return None
    return device.last_seen + max(timedelta(seconds=SILENCE_FACTOR * interval), MIN_SILENCE)


class DeliveryWatchdog:
    """Marks overdue devices and raises the silence issue of one entry."""

    def __init__(self, hass: HomeAssistant, entry: MilesightConfigEntry) -> None:
        """Watch the devices of `entry` (started by `async_start`)."""
        self._hass = hass
        self._entry = entry
        self._in_silence = False
        self._report: asyncio.Task[None] | None = None
        # API history calls made to tell the two silences apart (diagnostics).
        self.history_checks = 0

    @property
    def _data(self) -> MilesightData:
        return self._entry.runtime_data

    async def async_start(self) -> None:
        """Check now (a silence may have gone on during a restart), then every minute.

        The catalogue (units of the echoed intervals) was loaded by the entry's set-up.
        """
        self.async_check()
        self._entry.async_on_unload(
            async_track_time_interval(
                self._hass,
                self._async_tick,
                CHECK_INTERVAL,
                name="Milesight delivery watchdog",
                cancel_on_shutdown=True,
            )
        )
        self._entry.async_on_unload(self._async_cancel_report)

    @callback
    def _async_tick(self, now: datetime) -> None:
        self.async_check(now)

    @callback
    def async_check(self, now: datetime | None = None) -> None:
        """Mark the devices that became overdue or reported again; follow the silence."""
        now = now or dt_util.utcnow()
        data = self._data
        flipped: list[str] = []
        timed: list[DeviceState] = []
        for device in data.fleet.devices.values():
            self._note_interval(device)  # values read from the API may carry one too
            due = deadline(device)
            if due is not None and device.online is not False:
                timed.append(device)  # an OFFLINE report says the device, not MDP, is down
            silent = due is not None and now > due
            if silent != device.silent:
                device.silent = silent
                flipped.append(device.sn)
        if flipped:
            _LOGGER.debug("Milesight devices overdue or back: %s", flipped)
            data.updates.notify(flipped)
        last_activity = max(
            (when for when in (data.health.last_delivery, *(d.last_seen for d in timed)) if when),
            default=None,
        )
        silent = (
            bool(timed)
            and all(device.silent for device in timed)
            and last_activity is not None
            and now - last_activity > MIN_SILENCE
        )
        if silent and not self._in_silence:
            self._async_start_silence(timed, last_activity or now, now)
        elif not silent and self._in_silence:
            self.async_end_silence()

    @callback
    def async_delivery_arrived(self, serials: Iterable[str]) -> None:
        """An accepted delivery about these devices: MDP pushes again, whatever they do."""
        devices = self._data.fleet.devices
        for sn in serials:
            if (device := devices.get(sn)) is not None:
                self._note_interval(device)
        if self._in_silence:
            self.async_end_silence()

    @callback
    def _note_interval(self, device: DeviceState) -> None:
        """Keep the interval the device echoes: values are not stored, this is (restarts)."""
        echoed = reported_interval_s(device)
        if echoed is not None and echoed != device.reporting_interval_s:
            device.reporting_interval_s = echoed
            self._data.store.async_schedule_save(SEEN_SAVE_DELAY_S)

    @callback
    def _async_start_silence(
        self, timed: list[DeviceState], since: datetime, now: datetime
    ) -> None:
        self._in_silence = True
        data = self._data
        data.health.silent = True
        data.updates.notify((HEALTH_UPDATES_KEY,))
        minutes = max(int((now - since).total_seconds() // 60), 1)
        _LOGGER.warning(
            "No Milesight delivery for %d minutes from any of the %d devices that report "
            "regularly: the Milesight Development Platform may have suspended the webhook",
            minutes,
            len(timed),
        )
        self._report = self._entry.async_create_background_task(
            self._hass,
            self._async_report_silence(timed, minutes),
            "minerva_iot milesight silence check",
        )

    @callback
    def async_end_silence(self) -> None:
        """Deliveries came back: resolve the silence issue."""
        self._in_silence = False
        self._async_cancel_report()
        data = self._data
        data.health.silent = False
        for key in SILENCE_ISSUES:
            async_delete_entry_issue(self._hass, key, self._entry.entry_id)
        data.updates.notify((HEALTH_UPDATES_KEY,))

    @callback
    def _async_cancel_report(self) -> None:
        if self._report is not None and not self._report.done():
            self._report.cancel()
        self._report = None

    async def _async_report_silence(self, timed: list[DeviceState], minutes: int) -> None:
        """Ask MDP (once) which silence this is, then raise the matching issue."""
        key, checked = await self._async_ask_mdp(timed)
        if not self._in_silence:
            return  # a delivery arrived while MDP was asked
        placeholders: dict[str, Any] = {
            "minutes": str(minutes),
            "devices": str(len(timed)),
            "device": (checked.name or checked.sn) if checked else "-",
        }
        for other in SILENCE_ISSUES:
            if other != key:
                async_delete_entry_issue(self._hass, other, self._entry.entry_id)
        async_raise_entry_issue(self._hass, key, self._entry.entry_id, placeholders=placeholders)

    async def _async_ask_mdp(self, timed: list[DeviceState]) -> tuple[str, DeviceState | None]:
        """One history call for the device heard last: does MDP hold a newer reading?"""
        data = self._data
        client = data.client
        candidates = [
            (device.last_seen, device.device_id, device)
            for device in timed
            if device.device_id is not None and device.last_seen is not None
        ]
        if client is None or not candidates or data.coordinator.backoff.active:
            return ISSUE_WEBHOOK_SILENT, None
        last_seen, device_id, device = max(candidates, key=lambda candidate: candidate[0])
        self.history_checks += 1
        try:
            page = await client.async_get_history_page(
                device_id,
                # Newer than the uplink Home Assistant got last (measured before it arrived).
                start_ms=int(last_seen.timestamp() * 1000) + 1,
                end_ms=int(dt_util.utcnow().timestamp() * 1000),
                page_size=1,
            )
        except MilesightRateLimitError as err:
            data.coordinator.async_note_rate_limit(err)
            return ISSUE_WEBHOOK_SILENT, None
        except MilesightError as err:
            _LOGGER.debug("Milesight silence check failed: %s", type(err).__name__)
            return ISSUE_WEBHOOK_SILENT, None
        return (ISSUE_PUSHES_STOPPED if page.rows else ISSUE_DEVICES_QUIET), device
