"""Typed options of a TTLock entry (the reload-on-change shim lives in the shared compat.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from homeassistant.config_entries import ConfigEntry

from .const import (
    CONF_POLL_MINUTES,
    CONF_SAFETY_RECHECK,
    CONF_SLOW_HOURS,
    DEFAULT_POLL_MINUTES,
    DEFAULT_SAFETY_RECHECK,
    DEFAULT_SLOW_HOURS,
)


@dataclass(frozen=True, slots=True)
class TTLockOptions:
    """Typed view of entry.options."""

    poll_interval: timedelta
    slow_interval: timedelta
    safety_recheck: bool

    @classmethod
    def from_entry(cls, entry: ConfigEntry) -> TTLockOptions:
        """Read the options, with defaults for entries that never saw the options flow."""
        options = entry.options
        return cls(
            poll_interval=timedelta(
                minutes=int(options.get(CONF_POLL_MINUTES, DEFAULT_POLL_MINUTES))
            ),
            slow_interval=timedelta(hours=int(options.get(CONF_SLOW_HOURS, DEFAULT_SLOW_HOURS))),
            safety_recheck=bool(options.get(CONF_SAFETY_RECHECK, DEFAULT_SAFETY_RECHECK)),
        )
