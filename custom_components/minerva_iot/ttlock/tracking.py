"""What the integration believes about each lock's bolt and door, from records, commands and time.

A lock reports a lock, unlock or door change as a record (callback push), and nothing when it
relocks by itself: after an unlock it is assumed locked once its auto-lock delay has passed,
unless passage mode is on or the delay is unknown/off. A newer lock/unlock record or command
cancels the pending relock; an open door holds it, and the door closing starts it again
(reference §10). A command's effect is assumed at once (the lock answers slowly, through its
gateway) and confirmed by its push or, when none comes in time, by asking the lock once. A record
older than the newest lock/unlock already applied changes nothing (late pushes).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import datetime
from functools import partial
import logging
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.event import async_call_later
from homeassistant.util import dt as dt_util

from custom_components.minerva_iot.clients.ttlock import TTLockError, TTLockRecord
from custom_components.minerva_iot.clients.ttlock.callback import (
    RecordKind,
    RecordType,
    describe_record_type,
)

from .const import COMMAND_CONFIRM_TIMEOUT
from .issues import async_delete_remote_unlock_issue
from .state import TTLockAccount

_LOGGER = logging.getLogger(__name__)

# A record cannot have happened after the cloud received it, nor after now: a lock clock that is
# ahead (or a forged push) must not make every later record look late. Within this much, a
# lock's clock is taken as right (drift, jitter), which keeps the order of a batch of records.
RECORD_CLOCK_TOLERANCE_MS = 30_000

type AskLock = Callable[[int], Coroutine[Any, Any, None]]
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


def upload_delay(record: TTLockRecord) -> float:
    """Seconds between the lock's record and its upload (the lock's timers ran meanwhile)."""
    if record.server_date and record.lock_date:
        return max(0.0, (record.server_date - record.lock_date) / 1000)
    return 0.0


def now_ms() -> int:
    """Now, in the milliseconds records are dated in."""
    return int(dt_util.utcnow().timestamp() * 1000)


def record_time(record: TTLockRecord, now: int) -> int:
    """When a record happened, as far as it can be trusted (ms; `now` in ms too).

    Its lockDate (a record synced late from the lock keeps its older date), unless that is ahead
    of the cloud's upload time (serverDate) or of now, whichever is earlier: then that time.
    """
    received = min(record.server_date or now, now)
    if record.lock_date > received + RECORD_CLOCK_TOLERANCE_MS:
        return received
    return record.lock_date


class LockTracker:
    """Applies records and commands to the account's lock states and runs the locks' timers."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        account: TTLockAccount,
        *,
        on_change: Callable[[], None],
        ask_lock: AskLock,
    ) -> None:
        """`on_change()` after a timer changed a state; `ask_lock(id)` to confirm a command."""
        self._hass = hass
        self._entry = entry
        self._account = account
        self._on_change = on_change
        self._ask_lock = ask_lock
        self._relock = LockTimers(hass)
        self._confirmations = LockTimers(hass)

    def apply_record(self, record: TTLockRecord) -> None:
        """One record: its battery reading; lock and door state when it is known and succeeded."""
        state = self._account.state(record.lock_id)
        if record.electric_quantity is not None:
            state.battery = record.electric_quantity
        info = describe_record_type(record.record_type)
        if info is None or not record.success:
            return
        state.last_record = record
        if info.kind in (RecordKind.UNLOCKED, RecordKind.LOCKED):
            self._apply_bolt_record(record, info)
        elif info.kind is RecordKind.DOOR_OPENED:
            state.door_open = True
            # An open door does not lock itself: wait for the door to close.
            self._relock.cancel(record.lock_id)
        elif info.kind is RecordKind.DOOR_CLOSED:
            state.door_open = False
            # The lock's auto-lock delay runs again from the door closing (reference §10: that
            # relock is not reported either).
            if state.locked is False:
                self._schedule_relock(record.lock_id, already_elapsed=upload_delay(record))

    def _apply_bolt_record(self, record: TTLockRecord, info: RecordType) -> None:
        state = self._account.state(record.lock_id)
        happened = record_time(record, now_ms())
        if state.last_bolt_time is not None and happened < state.last_bolt_time:
            return  # a late push: the state already reflects a newer lock/unlock
        state.last_bolt_record = record
        state.last_bolt_time = happened
        self._confirmations.cancel(record.lock_id)
        self._relock.cancel(record.lock_id)
        if info.kind is RecordKind.LOCKED:
            state.locked = True
            return
        state.locked = False
        if info.method == "gateway":  # a remote unlock worked: Remote Unlock is on again
            async_delete_remote_unlock_issue(self._hass, self._entry, record.lock_id)
        self._schedule_relock(record.lock_id, already_elapsed=upload_delay(record))

    def commanded_bolt(self, lock_id: int, *, locked: bool) -> None:
        """A lock or unlock went through: assume it, and ask the lock if no push confirms it."""
        state = self._account.state(lock_id)
        state.locked = locked
        self._relock.cancel(lock_id)
        if not locked:
            self._schedule_relock(lock_id, already_elapsed=0.0)
        self._confirmations.start(
            lock_id, COMMAND_CONFIRM_TIMEOUT.total_seconds(), partial(self._async_confirm, lock_id)
        )

    async def _async_confirm(self, lock_id: int, _now: datetime) -> None:
        try:
            await self._ask_lock(lock_id)
        except TTLockError as err:
            _LOGGER.debug("Could not confirm the state of lock %s: %s", lock_id, err)

    def commanded_settings(
        self,
        lock_id: int,
        *,
        passage_mode: bool | None,
        auto_lock_seconds: int | None,
        sound_enabled: bool | None,
    ) -> None:
        """A settings change went through; while passage mode is on, no relock is assumed."""
        state = self._account.state(lock_id)
        if passage_mode is not None:
            state.passage_mode = passage_mode
            if passage_mode:
                self._relock.cancel(lock_id)
        if auto_lock_seconds is not None:
            state.auto_lock_seconds = auto_lock_seconds
        if sound_enabled is not None:
            state.sound_enabled = sound_enabled

    def restore_bolt(self, lock_id: int, *, locked: bool, seconds_ago: float) -> None:
        """The state shown before Home Assistant stopped, `seconds_ago` old (nothing newer known).

        Unlocked, the lock may have relocked itself meanwhile: inferred from its delay, as after
        a pushed unlock.
        """
        state = self._account.state(lock_id)
        state.locked = locked
        if not locked:
            self._schedule_relock(lock_id, already_elapsed=seconds_ago)

    def forget(self, lock_id: int) -> None:
        """The lock is gone: no timer of it may fire."""
        self._relock.cancel(lock_id)
        self._confirmations.cancel(lock_id)

    def cancel_all(self) -> None:
        """Entry unloading: no timer may fire afterwards."""
        self._relock.cancel_all()
        self._confirmations.cancel_all()

    def _schedule_relock(self, lock_id: int, *, already_elapsed: float) -> None:
        """Assume a relock after the lock's delay (`already_elapsed` s of it passed unseen)."""
        self._relock.cancel(lock_id)
        state = self._account.state(lock_id)
        seconds = state.auto_lock_seconds
        if state.passage_mode or seconds is None or seconds <= 0:
            return
        self._relock.start(lock_id, seconds - already_elapsed, partial(self._relocked, lock_id))

    @callback
    def _relocked(self, lock_id: int, _now: datetime) -> None:
        """The auto-lock delay after an unlock has passed: assume the lock locked itself."""
        if lock_id in self._account.locks:
            self._account.state(lock_id).locked = True
            self._on_change()
