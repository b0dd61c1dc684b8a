"""Typed options of a TTLock entry (the reload-on-change shim lives in the shared compat.py)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from homeassistant.config_entries import ConfigEntry

from .const import (
    CONF_LOCKS,
    CONF_POLL_MINUTES,
    CONF_REMOTE,
    CONF_SAFETY_RECHECK,
    CONF_SLOW_HOURS,
    DEFAULT_POLL_MINUTES,
    DEFAULT_SAFETY_RECHECK,
    DEFAULT_SLOW_HOURS,
    REMOTE_AUTO,
    REMOTE_CHOICES,
)


@dataclass(frozen=True, slots=True)
class TTLockOptions:
    """Typed view of entry.options."""

    poll_interval: timedelta
    slow_interval: timedelta
    safety_recheck: bool
    # Per-lock "controllable remotely": auto / yes / no (REMOTE_CHOICES), by lock id.
    remote: Mapping[int, str] = field(default_factory=dict)

    def remote_choice(self, lock_id: int) -> str:
        """The lock's "controllable remotely" choice (auto unless the user set it)."""
        return self.remote.get(lock_id, REMOTE_AUTO)

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
            remote=_remote_choices(options.get(CONF_LOCKS)),
        )


def _remote_choices(locks: Any) -> dict[int, str]:
    """The valid per-lock "controllable remotely" choices of entry.options[CONF_LOCKS]."""
    if not isinstance(locks, Mapping):
        return {}
    return {
        int(lock_id): choice
        for lock_id, settings in locks.items()
        if isinstance(lock_id, str)
        and lock_id.isdigit()
        and isinstance(settings, Mapping)
        and (choice := settings.get(CONF_REMOTE)) in REMOTE_CHOICES
    }
