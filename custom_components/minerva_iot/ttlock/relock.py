"""Auto-relock inference: TTLock locks send no record when they lock themselves again.

After an unlock the lock is assumed locked once its auto-lock delay has passed, unless passage
mode is on or the delay is unknown/off. Any newer record or command cancels the pending timer.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.event import async_call_later

from .state import LockState


class RelockScheduler:
    """One cancellable timer per lock."""

    def __init__(self, hass: HomeAssistant, on_relocked: Callable[[int], None]) -> None:
        """`on_relocked(lock_id)` runs when a timer fires."""
        self._hass = hass
        self._on_relocked = on_relocked
        self._timers: dict[int, CALLBACK_TYPE] = {}

    def schedule(self, lock_id: int, state: LockState, *, already_elapsed: float) -> None:
        """Start the timer after an unlock (`already_elapsed` s passed since the lock's unlock)."""
        self.cancel(lock_id)
        seconds = state.auto_lock_seconds
        if state.passage_mode or seconds is None or seconds <= 0:
            return

        @callback
        def _fire(_now: datetime) -> None:
            self._timers.pop(lock_id, None)
            self._on_relocked(lock_id)

        self._timers[lock_id] = async_call_later(
            self._hass, max(0.0, seconds - already_elapsed), _fire
        )

    def cancel(self, lock_id: int) -> None:
        """Forget the pending relock of `lock_id`, if any."""
        if (cancel := self._timers.pop(lock_id, None)) is not None:
            cancel()

    def cancel_all(self) -> None:
        """Cancel every timer (unload)."""
        for lock_id in list(self._timers):
            self.cancel(lock_id)
