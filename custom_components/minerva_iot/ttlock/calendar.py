"""TTLock calendars: who can enter when, from each lock's timed passcodes.

Every passcode with a validity is an event named after the passcode (the code itself is never
shown, not even masked); permanent codes are no events. Cyclic codes are one event per window.
Events come from the coordinator's passcode cache (passcode_cache.py): a frontend query costs no
API call.

Validity by `keyboardPwdType` (field_facts.md §9, TTLock docs `passcode/get.md`): 1 one-time,
usable once within 6 h of its start; 2 permanent; 3 period, `startDate` to `endDate`; 4 the
"delete" code (no access); 5-14 cyclic: weekend, daily, workday, Monday ... Sunday, in the daily
window of `startDate`'s to `endDate`'s time of day. How long a cyclic code keeps repeating is not
documented: *inferred*, from its first day until `endDate`'s day when that is a later day, else
without end. Times of day are read on Home Assistant's clock (the lock's time zone may differ).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from homeassistant.components.calendar import (
    CalendarEntity,
    CalendarEntityDescription,
    CalendarEvent,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.translation import async_get_translations
from homeassistant.util import dt as dt_util

from custom_components.minerva_iot.clients.ttlock import Feature, TTLockPasscode
from custom_components.minerva_iot.const import DOMAIN

from .data import TTLockConfigEntry
from .entity import LockDevice, TTLockEntity, TTLockEntityDescription, async_add_lock_entities

ONE_TIME, PERMANENT, PERIOD, DELETE = 1, 2, 3, 4
ONE_TIME_VALIDITY = timedelta(hours=6)
# Weekdays (Monday = 0) of the cyclic types 5-14.
CYCLIC_WEEKDAYS: dict[int, frozenset[int]] = {
    5: frozenset({5, 6}),
    6: frozenset(range(7)),
    7: frozenset(range(5)),
    **{passcode_type: frozenset({passcode_type - 8}) for passcode_type in range(8, 15)},
}
# A query over years of a daily code stays bounded.
MAX_CYCLIC_DAYS = 800
# How far ahead the calendar's state looks for the next window of a cyclic code.
CYCLIC_LOOKAHEAD_DAYS = 8

# strings.json `common.<key>`: the summary of a passcode without a name.
UNNAMED_KEY = "ttlock_unnamed_passcode"


@dataclass(frozen=True, kw_only=True)
class TTLockCalendarDescription(CalendarEntityDescription, TTLockEntityDescription):
    """A calendar of a lock."""


CALENDARS: tuple[TTLockCalendarDescription, ...] = (
    TTLockCalendarDescription(
        key="passcodes",
        translation_key="ttlock_passcodes",
        exists_fn=lambda lock: lock.supports(Feature.PASSCODE),
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: TTLockConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """A passcode calendar per lock with a keypad."""
    async_add_lock_entities(entry, async_add_entities, CALENDARS, TTLockCalendar)


def _local(ms: int) -> datetime:
    return dt_util.as_local(dt_util.utc_from_timestamp(ms / 1000))


def _passcode_type(passcode: TTLockPasscode) -> int | None:
    value = passcode.raw.get("keyboardPwdType")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def windows(
    passcode: TTLockPasscode, start: datetime, end: datetime
) -> Iterator[tuple[datetime, datetime]]:
    """The windows of `passcode` that overlap [start, end), in order."""
    passcode_type = _passcode_type(passcode)
    if passcode.start is None or passcode_type in (PERMANENT, DELETE):
        return
    valid_from = _local(passcode.start)
    if passcode_type in CYCLIC_WEEKDAYS:
        yield from _cyclic_windows(passcode, CYCLIC_WEEKDAYS[passcode_type], start, end)
        return
    if passcode_type == ONE_TIME:
        valid_to = valid_from + ONE_TIME_VALIDITY
    elif passcode.end is not None:
        valid_to = _local(passcode.end)
    else:
        return  # no end: permanent
    if valid_from < end and valid_to > start:
        yield valid_from, valid_to


def _cyclic_windows(
    passcode: TTLockPasscode, weekdays: frozenset[int], start: datetime, end: datetime
) -> Iterator[tuple[datetime, datetime]]:
    assert passcode.start is not None
    first = _local(passcode.start)
    last = _local(passcode.end) if passcode.end is not None else None
    opens, closes = first.time(), (last.time() if last is not None else time.max)
    last_day: date | None = last.date() if last is not None and last.date() > first.date() else None
    # A window may start the day before `start` and run past midnight.
    day = max(first.date(), dt_util.as_local(start).date() - timedelta(days=1))
    for _ in range(MAX_CYCLIC_DAYS):
        if (last_day is not None and day > last_day) or _day_start(day, opens) >= end:
            return
        if day.weekday() in weekdays:
            window_start = _day_start(day, opens)
            window_end = _day_start(day, closes)
            if window_end <= window_start:
                window_end += timedelta(days=1)  # overnight
            if window_end > start:
                yield window_start, window_end
        day += timedelta(days=1)


def _day_start(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=dt_util.get_default_time_zone())


class TTLockCalendar(TTLockEntity[LockDevice], CalendarEntity):
    """The lock's timed passcodes as events."""

    entity_description: TTLockCalendarDescription
    _unnamed = "Passcode {id}"

    async def async_added_to_hass(self) -> None:
        """Load the summary of unnamed passcodes in the user's language."""
        await super().async_added_to_hass()
        translations = await async_get_translations(
            self.hass, self.hass.config.language, "common", [DOMAIN]
        )
        self._unnamed = translations.get(f"component.{DOMAIN}.common.{UNNAMED_KEY}", self._unnamed)

    def _passcodes(self) -> list[TTLockPasscode]:
        return self.coordinator.passcodes.get(self.device.lock_id)

    def _event(self, passcode: TTLockPasscode, window: tuple[datetime, datetime]) -> CalendarEvent:
        name = passcode.name or self._unnamed.replace("{id}", str(passcode.passcode_id))
        return CalendarEvent(
            start=window[0],
            end=window[1],
            summary=name,
            uid=f"{self.device.lock_id}-{passcode.passcode_id}",
        )

    def _events(self, start: datetime, end: datetime) -> list[CalendarEvent]:
        events = [
            self._event(passcode, window)
            for passcode in self._passcodes()
            for window in windows(passcode, start, end)
        ]
        return sorted(events, key=lambda event: (event.start_datetime_local, event.summary))

    @property
    def event(self) -> CalendarEvent | None:
        """The window open now, else the next one."""
        now = dt_util.now()
        upcoming: list[CalendarEvent] = []
        for passcode in self._passcodes():
            horizon = now + timedelta(days=CYCLIC_LOOKAHEAD_DAYS)
            if _passcode_type(passcode) not in CYCLIC_WEEKDAYS:
                horizon = datetime.max.replace(tzinfo=now.tzinfo)
            window = next(windows(passcode, now, horizon), None)
            if window is not None:
                upcoming.append(self._event(passcode, window))
        if not upcoming:
            return None
        return min(upcoming, key=lambda event: event.start_datetime_local)

    async def async_get_events(
        self, hass: HomeAssistant, start_date: datetime, end_date: datetime
    ) -> list[CalendarEvent]:
        """The windows in the range, from the cache (no API call)."""
        return self._events(start_date, end_date)
