"""Passage-mode schedules: the action's periods, validated, in TTLock's `cyclicConfig` form.

`cyclicConfig` (reference §4) is at most 5 periods, each with weekdays 1-7 (Monday = 1) and a
window in minutes since midnight, or `isAllDay` 1 (the window is then ignored).
"""

from __future__ import annotations

from datetime import time
from typing import Any

from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv
import voluptuous as vol

from custom_components.minerva_iot.const import DOMAIN

MAX_PERIODS = 5
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
