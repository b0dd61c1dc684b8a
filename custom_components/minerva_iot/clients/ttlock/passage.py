"""Passage mode as a lock keeps it: a weekly schedule (v3/lock/getPassageModeConfiguration).

``passageMode`` 1 means passage mode is *configured*, not that the lock is open now: "during the
specific time period, the lock will remain unlocked until it is manually locked"
(``lock/configurePassageMode``). ``cyclicConfig`` holds at most five periods, each with
``weekDays`` 1-7 (Monday 1, as hass-ttlock's ``models.py`` reads them) and a window
``startTime`` <= minute < ``endTime`` in minutes since midnight, or ``isAllDay`` 1 (the window is
then ignored). The lock judges the periods by its own clock (ttlock/ttlock_flutter #5: "the lock
time is inaccurate") in its own time zone (``timezoneRawOffset`` of lock/detail, ms from UTC).

What no public source settles (*unconfirmed*), and what is assumed here:

- ``passageMode`` 1 with no period at all: passage mode is active all the time (the behaviour of
  a bare "passage mode on" before schedules existed, and the simulator's choice).
- A window whose end is before its start: it runs past midnight into the next day (the cloud
  may refuse such a window; the integration never sends one). A window ending where it starts
  is empty.
- ``timezoneRawOffset`` is a fixed offset: whether a lock follows daylight saving time is not
  documented.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
import json
from typing import Any

from .models import optional_int

MINUTES_PER_DAY = 24 * 60
# Documented: "can only set a maximum of five time periods" (lock/configurePassageMode).
MAX_PASSAGE_PERIODS = 5
WEEKDAYS = (1, 2, 3, 4, 5, 6, 7)
_ON, _OFF = 1, 2
_DAY = timedelta(days=1)
_WEEK = timedelta(days=7)


def _json_list(value: Any, name: str) -> list[Any]:
    """A JSON array, sent as one or as a string holding one (the cloud does both)."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise ValueError(f"{name} is not JSON") from None
    if not isinstance(value, list):
        raise ValueError(f"{name} is not a list")
    return value


def _minute(value: Any, name: str) -> int:
    minute = optional_int(value)
    if minute is None or not 0 <= minute <= MINUTES_PER_DAY:
        raise ValueError(f"{name} is not a minute of the day")
    return minute


@dataclass(frozen=True)
class PassagePeriod:
    """One ``cyclicConfig`` period: weekdays (Monday 1) and a window, or all day."""

    weekdays: tuple[int, ...]
    all_day: bool
    start_minute: int = 0
    end_minute: int = MINUTES_PER_DAY - 1

    @classmethod
    def from_api(cls, data: Any) -> PassagePeriod:
        """Build from a ``cyclicConfig`` item; ``ValueError`` when it cannot be read."""
        if not isinstance(data, dict):
            raise ValueError("a cyclicConfig period is not an object")
        days = {optional_int(day) for day in _json_list(data.get("weekDays"), "weekDays")}
        if not days or not days <= set(WEEKDAYS):
            raise ValueError("weekDays must list days 1..7")
        all_day = optional_int(data.get("isAllDay")) == _ON
        return cls(
            weekdays=tuple(sorted(day for day in days if day is not None)),
            all_day=all_day,
            start_minute=0 if all_day else _minute(data.get("startTime"), "startTime"),
            end_minute=MINUTES_PER_DAY - 1 if all_day else _minute(data.get("endTime"), "endTime"),
        )

    def as_api(self) -> dict[str, Any]:
        """The period as ``lock/configurePassageMode`` takes it."""
        return {
            "isAllDay": _ON if self.all_day else _OFF,
            "startTime": self.start_minute,
            "endTime": self.end_minute,
            "weekDays": list(self.weekdays),
        }

    def spans(self) -> Iterator[tuple[timedelta, timedelta]]:
        """The period's stretches as offsets from Monday 00:00 (an end may pass the week's end)."""
        start = timedelta(minutes=self.start_minute)
        end = timedelta(minutes=self.end_minute)
        for day in self.weekdays:
            midnight = (day - 1) * _DAY
            if self.all_day:
                yield midnight, midnight + _DAY
            elif start < end:
                yield midnight + start, midnight + end
            elif end < start:  # past midnight (*unconfirmed*, module docstring)
                yield midnight + start, midnight + _DAY + end


# "All day, every day": what switching passage mode on sends when the lock has no schedule.
ALL_DAY_EVERY_DAY = (PassagePeriod(weekdays=WEEKDAYS, all_day=True),)


@dataclass(frozen=True)
class PassageState:
    """Whether passage mode holds the lock open at a moment, and until when that stays so."""

    active: bool
    # When ``active`` flips next (UTC, on the cloud's clock); None: never, as now configured.
    changes_at: datetime | None


@dataclass(frozen=True)
class TTLockPassageConfig:
    """Answer of v3/lock/getPassageModeConfiguration."""

    enabled: bool
    auto_unlock: bool | None
    periods: tuple[PassagePeriod, ...]

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> TTLockPassageConfig:
        """Build from the answer; ``ValueError`` for a schedule that cannot be read.

        A schedule read in part would make a lock held open look closed, so one unreadable
        period fails the whole answer. Never-configured values may be null (hass-ttlock #29).
        """
        raw_periods = data.get("cyclicConfig")
        periods = () if raw_periods in (None, "") else _json_list(raw_periods, "cyclicConfig")
        auto_unlock = optional_int(data.get("autoUnlock"))
        return cls(
            enabled=optional_int(data.get("passageMode")) == _ON,
            auto_unlock=None if auto_unlock not in (_ON, _OFF) else auto_unlock == _ON,
            periods=tuple(PassagePeriod.from_api(period) for period in periods),
        )

    def state_at(
        self,
        when: datetime,
        *,
        utc_offset: timedelta,
        clock_offset: timedelta = timedelta(0),
    ) -> PassageState:
        """Passage mode at ``when`` (cloud time) for a lock whose clock reads ``clock_offset``
        ahead of the cloud's, in the time zone ``utc_offset`` (``timezoneRawOffset``)."""
        if not self.enabled:
            return PassageState(active=False, changes_at=None)
        if not self.periods:  # *unconfirmed*: on without a period means always (docstring)
            return PassageState(active=True, changes_at=None)
        spans = _merged_week(self.periods)
        if not spans:
            return PassageState(active=False, changes_at=None)
        if spans == [(timedelta(0), _WEEK)]:
            return PassageState(active=True, changes_at=None)
        local = (when.astimezone(UTC) + clock_offset + utc_offset).replace(tzinfo=None)
        monday = datetime.combine(local.date() - (local.isoweekday() - 1) * _DAY, time())
        position = local - monday
        for start, end in spans:
            if start <= position < end:
                if end == _WEEK and spans[0][0] == timedelta(0):
                    end = _WEEK + spans[0][1]  # the stretch carries on into next week
                return PassageState(active=True, changes_at=when + (end - position))
        start = next((start for start, _end in spans if start > position), spans[0][0] + _WEEK)
        return PassageState(active=False, changes_at=when + (start - position))


def _merged_week(periods: tuple[PassagePeriod, ...]) -> list[tuple[timedelta, timedelta]]:
    """Every period's stretches within one week [Monday 00:00, next Monday), merged, sorted."""
    pieces: list[tuple[timedelta, timedelta]] = []
    for period in periods:
        for start, end in period.spans():
            if end > _WEEK:  # Sunday's stretch past midnight ends on Monday
                pieces.extend(((start, _WEEK), (timedelta(0), end - _WEEK)))
            else:
                pieces.append((start, end))
    merged: list[tuple[timedelta, timedelta]] = []
    for start, end in sorted(pieces):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged
