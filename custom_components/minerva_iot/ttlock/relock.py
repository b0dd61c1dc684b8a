"""Per-lock timers, and auto-relock inference: TTLock locks send no record when they relock.

After an unlock the lock is assumed locked once its auto-lock delay has passed, unless passage
mode is on or the delay is unknown/off. A newer lock/unlock record or command cancels the pending
timer; an open door holds it, and the door closing starts it again (reference §10).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import datetime
from typing import Any

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.event import async_call_later

from custom_components.minerva_iot.clients.ttlock import TTLockRecord

from .state import LockState

# A callback, or a coroutine function (run as a task when the timer fires).
type TimerAction = Callable[[datetime], Coroutine[Any, Any, None] | None]


class LockTimers:
    """At most one pending timer per lock; starting a new one replaces the old one."""

    def __init__(self, hass: HomeAssistant) -> None:
        """Timers run on `hass`'s event loop."""
        self._hass = hass
        self._timers: dict[int, CALLBACK_TYPE] = {}

    def start(self, lock_id: int, seconds: float, action: TimerAction) -> None:
        """Run `action` in `seconds` unless cancelled first."""
        self.cancel(lock_id)

        @callback
        def _fire(now: datetime) -> None:
            self._timers.pop(lock_id, None)
            if (coroutine := action(now)) is not None:
                self._hass.async_create_task(coroutine, f"TTLock lock {lock_id} timer")

        self._timers[lock_id] = async_call_later(self._hass, max(0.0, seconds), _fire)

    def cancel(self, lock_id: int) -> None:
        """Forget the pending timer of `lock_id`, if any."""
        if (cancel := self._timers.pop(lock_id, None)) is not None:
            cancel()

    def cancel_all(self) -> None:
        """Cancel every timer (unload)."""
        for lock_id in list(self._timers):
            self.cancel(lock_id)


class RelockScheduler(LockTimers):
    """The assumed relock after an unlock (or after the door closed again)."""

    def __init__(self, hass: HomeAssistant, on_relocked: Callable[[int], None]) -> None:
        """`on_relocked(lock_id)` runs when a timer fires."""
        super().__init__(hass)
        self._on_relocked = on_relocked

    def schedule(self, lock_id: int, state: LockState, *, already_elapsed: float) -> None:
        """Start the timer (`already_elapsed` s of the lock's own delay passed before we knew)."""
        self.cancel(lock_id)
        seconds = state.auto_lock_seconds
        if state.passage_mode or seconds is None or seconds <= 0:
            return

        @callback
        def _relocked(_now: datetime) -> None:
            self._on_relocked(lock_id)

        self.start(lock_id, seconds - already_elapsed, _relocked)


def upload_delay(record: TTLockRecord) -> float:
    """Seconds between the lock's record and its upload (the lock's timers ran meanwhile)."""
    if record.server_date and record.lock_date:
        return max(0.0, (record.server_date - record.lock_date) / 1000)
    return 0.0
