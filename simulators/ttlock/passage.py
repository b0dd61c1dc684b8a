"""Weekly schedules: passage mode (``cyclicConfig``) and cyclic cards / fingerprints.

Sources (field_facts.md §3): ``lock/configurePassageMode`` and
``lock/getPassageModeConfiguration`` (jbergler/hass-ttlock ``docs/ttlock-cloud-api/lock/``): at
most five periods, ``weekDays`` 1-7 (Monday 1), ``startTime`` / ``endTime`` in minutes, ``isAllDay``
1 = all day (the window is ignored), 2 = the window; answers sorted by start and end, all-day
first. The lock keeps the door unlocked *during* a period, judged by its own clock in its time zone
(``timezoneRawOffset``; ttlock_flutter #5: a wrong lock clock shifts passage mode). A window is
``start <= minute < end`` as hass-ttlock's ``passage_mode_active()`` reads it.
"""

from __future__ import annotations

from datetime import UTC, datetime
import json
from typing import Any

from .wire import SimError

MAX_PASSAGE_PERIODS = 5
MINUTES_PER_DAY = 24 * 60
ALL_DAY = 1
WINDOW = 2


def local_weekday_minute(lock_ms: int, timezone_raw_offset: int) -> tuple[int, int]:
    """ISO weekday (Monday 1) and minute of the day on a lock clock reading ``lock_ms``."""
    local = datetime.fromtimestamp((lock_ms + timezone_raw_offset) / 1000, UTC)
    return local.isoweekday(), local.hour * 60 + local.minute


def period_covers(period: dict[str, Any], weekday: int, minute: int) -> bool:
    """Whether one cyclicConfig period covers ``weekday`` at ``minute``."""
    if weekday not in period["weekDays"]:
        return False
    if period["isAllDay"] == ALL_DAY:
        return True
    return bool(period["startTime"] <= minute < period["endTime"])


def schedule_active(periods: list[dict[str, Any]], weekday: int, minute: int) -> bool:
    """Whether any period covers the moment; no period at all means always (*unconfirmed*)."""
    return not periods or any(period_covers(period, weekday, minute) for period in periods)


def sorted_periods(periods: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Periods as getPassageModeConfiguration answers them: all-day first, then by time."""
    return sorted(
        (dict(period) for period in periods),
        key=lambda period: (period["isAllDay"] != ALL_DAY, period["startTime"], period["endTime"]),
    )


def _json_list(raw: str, name: str) -> list[Any]:
    try:
        value = json.loads(raw)
    except ValueError:
        raise SimError(80002, "invalid json format") from None
    if not isinstance(value, list):
        raise SimError(-3, f"invalid parameter: {name} must be a JSON array")
    return value


def _minute(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MINUTES_PER_DAY:
        raise SimError(-3, f"invalid parameter: {name} must be minutes 0..1440")
    return int(value)


def parse_passage_periods(raw: str) -> list[dict[str, Any]]:
    """Validate a ``cyclicConfig`` form value (-3 for a bad schedule, 80002 for bad JSON).

    The errcode of a refused schedule (six periods, an empty or reversed window) is
    *unconfirmed*: the documentation names none; -3 is its generic "invalid parameter".
    """
    items = _json_list(raw, "cyclicConfig")
    if len(items) > MAX_PASSAGE_PERIODS:
        raise SimError(-3, "invalid parameter: at most five passage mode periods")
    periods: list[dict[str, Any]] = []
    for item in items:
        if not isinstance(item, dict):
            raise SimError(-3, "invalid parameter: cyclicConfig items are objects")
        weekdays = item.get("weekDays")
        if (
            not isinstance(weekdays, list)
            or not weekdays
            or any(isinstance(day, bool) or day not in range(1, 8) for day in weekdays)
        ):
            raise SimError(-3, "invalid parameter: weekDays must list days 1..7")
        all_day = item.get("isAllDay", WINDOW)
        if all_day not in (ALL_DAY, WINDOW):
            raise SimError(-3, "invalid parameter: isAllDay must be 1 or 2")
        start = _minute(item.get("startTime", 0), "startTime")
        end = _minute(item.get("endTime", MINUTES_PER_DAY - 1), "endTime")
        if all_day == WINDOW and start >= end:
            # Windows across midnight are *unconfirmed*; refused like any empty window.
            raise SimError(-3, "invalid parameter: startTime must be before endTime")
        periods.append(
            {
                "isAllDay": all_day,
                "startTime": start,
                "endTime": end,
                "weekDays": sorted(set(weekdays)),
            }
        )
    return periods


def parse_credential_cycles(raw: str) -> list[dict[str, int]]:
    """Validate the cyclicConfig of a cyclic card or fingerprint (card/add.md, card/update.md).

    Items are ``{"weekDay": 1-7, "startTime": minutes, "endTime": minutes}``; refusals -3
    (*unconfirmed* errcode).
    """
    cycles: list[dict[str, int]] = []
    for item in _json_list(raw, "cyclicConfig"):
        if not isinstance(item, dict) or item.get("weekDay") not in range(1, 8):
            raise SimError(-3, "invalid parameter: weekDay must be 1..7")
        start = _minute(item.get("startTime"), "startTime")
        end = _minute(item.get("endTime"), "endTime")
        if start >= end:
            raise SimError(-3, "invalid parameter: startTime must be before endTime")
        cycles.append({"weekDay": int(item["weekDay"]), "startTime": start, "endTime": end})
    return cycles


def legacy_config(lock_passage: dict[str, Any]) -> dict[str, Any]:
    """``lock/getPassageModeConfig`` (the older endpoint hass-ttlock reads): the first period flat.

    Shape from hass-ttlock's ``PassageModeConfig`` aliases (passageMode, startDate, endDate,
    isAllDay, weekDays, autoUnlock); never-configured values are null (#29, fixed by PR #52
    "allow null values"; which fields are null is *unconfirmed*).
    """
    periods = lock_passage["cyclicConfig"]
    first = periods[0] if periods else None
    return {
        "passageMode": lock_passage["passageMode"],
        "autoUnlock": lock_passage["autoUnlock"],
        "isAllDay": first["isAllDay"] if first else None,
        "startDate": first["startTime"] if first else None,
        "endDate": first["endTime"] if first else None,
        "weekDays": first["weekDays"] if first else [],
    }


def legacy_periods(params: dict[str, str]) -> list[dict[str, Any]]:
    """The one period of ``lock/configPassageMode`` (flat isAllDay/startDate/endDate/weekDays).

    hass-ttlock's ``set_passage_mode`` sends it so: minutes in ``startDate`` / ``endDate`` and
    ``weekDays`` as a JSON string. No ``weekDays`` means no period.
    """
    raw_days = params.get("weekDays")
    if not raw_days:
        return []
    period = {
        "isAllDay": _int_field(params, "isAllDay", WINDOW),
        "startTime": _int_field(params, "startDate", 0),
        "endTime": _int_field(params, "endDate", MINUTES_PER_DAY - 1),
        "weekDays": _json_list(raw_days, "weekDays"),
    }
    return parse_passage_periods(json.dumps([period]))


def _int_field(params: dict[str, str], name: str, default: int) -> int:
    raw = params.get(name)
    if raw in (None, ""):
        return default
    try:
        return int(str(raw))
    except ValueError:
        raise SimError(-3, f"invalid parameter: {name}") from None
