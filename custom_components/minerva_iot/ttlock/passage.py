"""Passage mode on the Home Assistant side: the action's schedules, and what a lock does now.

`cyclicConfig` (reference §4) is at most 5 periods, each with weekdays 1-7 (Monday = 1) and a
window in minutes since midnight, or `isAllDay` 1 (the window is then ignored). What a schedule
means at a moment (clients/ttlock/passage.py) is judged by the lock's clock and time zone:
`PassageWatch` keeps each lock's state (active now, next change) and recomputes it only at the
schedule's boundaries, so the entities showing it change state there and nowhere else.

When a period ends the lock is left as it is: "the lock will remain unlocked until it is
manually locked" (lock/configurePassageMode). Whether a lock with auto-lock relocks at the end
of a period is *unconfirmed*; the integration does not assume it.
"""

from __future__ import annotations

from collections.abc import Callable
import dataclasses
from datetime import datetime, time, timedelta
from functools import partial
from typing import Any

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.event import async_track_point_in_utc_time
from homeassistant.util import dt as dt_util
import voluptuous as vol

from custom_components.minerva_iot.clients.ttlock import (
    ALL_DAY_EVERY_DAY,
    MAX_PASSAGE_PERIODS,
    PassageState,
    TTLockPassageConfig,
)
from custom_components.minerva_iot.const import DOMAIN

from .state import TTLockAccount

MAX_PERIODS = MAX_PASSAGE_PERIODS
ATTR_WEEKDAYS = "weekdays"
ATTR_ALL_DAY = "all_day"
ATTR_START = "start"
ATTR_END = "end"
# TTLock ignores the window of an all-day period; any valid one is sent.
_LAST_MINUTE = 24 * 60 - 1

PERIOD_SCHEMA = vol.Schema(
    {
        vol.Required(ATTR_WEEKDAYS): vol.All(
            cv.ensure_list,
            [vol.All(vol.Coerce(int), vol.Range(min=1, max=7))],
            vol.Length(min=1),
        ),
        vol.Optional(ATTR_ALL_DAY, default=False): cv.boolean,
        vol.Optional(ATTR_START): cv.time,
        vol.Optional(ATTR_END): cv.time,
    }
)
PERIODS_SCHEMA = vol.All(cv.ensure_list, [PERIOD_SCHEMA])


def _minutes(value: time) -> int:
    return value.hour * 60 + value.minute


def cyclic_config(periods: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The `cyclicConfig` of validated periods; raises a translated error for a bad schedule."""
    if len(periods) > MAX_PERIODS:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="ttlock_passage_too_many_periods",
            translation_placeholders={"max": str(MAX_PERIODS)},
        )
    config: list[dict[str, Any]] = []
    for number, period in enumerate(periods, start=1):
        weekdays = sorted(set(period[ATTR_WEEKDAYS]))
        if period[ATTR_ALL_DAY]:
            config.append(
                {"isAllDay": 1, "startTime": 0, "endTime": _LAST_MINUTE, "weekDays": weekdays}
            )
            continue
        start: time | None = period.get(ATTR_START)
        end: time | None = period.get(ATTR_END)
        if start is None or end is None or _minutes(start) >= _minutes(end):
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="ttlock_passage_period_invalid",
                translation_placeholders={"period": str(number)},
            )
        config.append(
            {
                "isAllDay": 2,
                "startTime": _minutes(start),
                "endTime": _minutes(end),
                "weekDays": weekdays,
            }
        )
    return config


def describe_cyclic_config(config: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The schedule as the action answers it (times as HH:MM)."""
    return [
        {
            ATTR_WEEKDAYS: period["weekDays"],
            ATTR_ALL_DAY: period["isAllDay"] == 1,
            ATTR_START: None
            if period["isAllDay"] == 1
            else f"{period['startTime'] // 60:02d}:{period['startTime'] % 60:02d}",
            ATTR_END: None
            if period["isAllDay"] == 1
            else f"{period['endTime'] // 60:02d}:{period['endTime'] % 60:02d}",
        }
        for period in config
    ]


def switch_on_schedule(config: TTLockPassageConfig | None) -> list[dict[str, Any]]:
    """What switching passage mode on sends: the lock's own periods, else all day every day.

    A bare "on" without periods has no documented meaning (field_facts.md §2), so the
    documented all-day form is sent instead.
    """
    periods = config.periods if config is not None and config.periods else ALL_DAY_EVERY_DAY
    return [period.as_api() for period in periods]


# A lock's schedule runs on its clock, whose learned offset wobbles with every record's upload
# delay: the boundaries move (and the entities showing them change) only when it moved this much.
CLOCK_STEP_MS = 10_000


class PassageWatch:
    """Each lock's passage state, recomputed at its schedule's boundaries (not every minute)."""

    def __init__(
        self,
        hass: HomeAssistant,
        account: TTLockAccount,
        *,
        clock_offset_ms: Callable[[int], int | None],
        on_change: Callable[[int], None],
    ) -> None:
        """`clock_offset_ms(lock)`: the lock's learned clock offset; `on_change(lock)` at a boundary."""
        self._hass = hass
        self._account = account
        self._clock_offset_ms = clock_offset_ms
        self._on_change = on_change
        self._timers: dict[int, CALLBACK_TYPE] = {}
        # The clock offset each lock's state was last computed with (ms).
        self._clocks: dict[int, int] = {}

    def state_at(self, lock_id: int, when: datetime) -> PassageState | None:
        """Passage mode of the lock at `when` (None: whether it is on is not known).

        `passage_mode` is the switch (lock/detail, the schedule read, our own commands); the
        schedule read says when. On, with a schedule that could not be read, it holds the lock
        open all the time, as passage mode was understood before schedules were read.
        """
        status = self._account.state(lock_id)
        if status.passage_mode is None:
            return None
        if status.passage_config is None:
            return PassageState(active=status.passage_mode, changes_at=None)
        config = dataclasses.replace(status.passage_config, enabled=status.passage_mode)
        return config.state_at(
            when,
            utc_offset=self._utc_offset(lock_id, when),
            clock_offset=timedelta(milliseconds=self._clock(lock_id)),
        )

    def _clock(self, lock_id: int) -> int:
        return self._clocks.get(lock_id, 0)

    @callback
    def clock_moved(self, lock_id: int) -> None:
        """The lock's learned clock offset may have changed: follow it once it moved enough."""
        if abs((self._clock_offset_ms(lock_id) or 0) - self._clock(lock_id)) >= CLOCK_STEP_MS:
            self.update(lock_id)

    def holds_open(self, lock_id: int, when: datetime | None = None) -> bool:
        """Whether passage mode keeps the lock unlocked at `when` (default now)."""
        state = self.state_at(lock_id, when or dt_util.utcnow())
        return state is not None and state.active

    @callback
    def update(self, lock_id: int, when: datetime | None = None) -> None:
        """Store the lock's state now (schedule, switch or clock changed); timer to the next."""
        self._cancel(lock_id)
        self._clocks[lock_id] = self._clock_offset_ms(lock_id) or 0
        state = self.state_at(lock_id, when or dt_util.utcnow())
        self._account.state(lock_id).passage = state
        if state is not None and state.changes_at is not None:
            self._timers[lock_id] = async_track_point_in_utc_time(
                self._hass, partial(self._boundary, lock_id), state.changes_at
            )

    @callback
    def _boundary(self, lock_id: int, point: datetime) -> None:
        self._timers.pop(lock_id, None)
        # Judged at the boundary itself: Home Assistant may run a timer a little early.
        self.update(lock_id, max(point, dt_util.utcnow()))
        self._on_change(lock_id)

    def forget(self, lock_id: int) -> None:
        """The lock is gone: its boundary timer with it."""
        self._cancel(lock_id)
        self._clocks.pop(lock_id, None)

    def cancel_all(self) -> None:
        """Entry unloading: no timer may fire afterwards."""
        for lock_id in list(self._timers):
            self._cancel(lock_id)

    def _cancel(self, lock_id: int) -> None:
        if (cancel := self._timers.pop(lock_id, None)) is not None:
            cancel()

    def _utc_offset(self, lock_id: int, when: datetime) -> timedelta:
        """The lock's time zone (timezoneRawOffset), else Home Assistant's at `when`."""
        for lock in (self._account.details.get(lock_id), self._account.locks.get(lock_id)):
            if lock is not None and (offset := lock.timezone_raw_offset) is not None:
                return timedelta(milliseconds=offset)
        return when.astimezone(dt_util.get_default_time_zone()).utcoffset() or timedelta(0)
