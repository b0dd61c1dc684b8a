"""What the integration believes about each lock's bolt and door, from records, commands and time.

A lock reports a lock, unlock or door change as a record (callback push), and mostly nothing
when it relocks by itself: after an unlock it is assumed locked once its relock delay has passed
(the per-lock option, else the reported auto-lock time, else the delay learned from its auto-lock
records: learning.py), unless passage mode holds it open at that moment (its schedule, judged by
the lock's clock: passage.py) or no delay is known. A newer lock/unlock record or command cancels
the pending relock; an open door holds it, and the door closing starts it again (reference §10).
A command's effect is assumed at once (the lock answers slowly, through its gateway) and
confirmed by its record: its push, however late, or, when none came within
`COMMAND_CONFIRM_TIMEOUT`, one read of the lock's records (commands.py). The confirming record
names who operated the lock but changes neither the state nor the relock timer, which already
follow the command; a record uploaded before the command changes nothing either.

Records are dated on the cloud's clock: lockDate corrected by the lock's learned clock offset, and
never after serverDate. So the relock delay counts from when the lock really acted, however far
its clock is off, and a record older than the newest lock/unlock applied changes nothing (late
pushes).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
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
from .learning import TTLockLearning, configured_relock_seconds
from .passage import PassageWatch
from .state import TTLockAccount

_LOGGER = logging.getLogger(__name__)

# A record cannot have happened after the cloud received it, nor after now: a lock clock that is
# ahead (or a forged push) must not make every later record look late. Without a learned offset
# (a record without serverDate), a lock's clock within this much is taken as right.
RECORD_CLOCK_TOLERANCE_MS = 30_000
# The auto-lock record's method (record type 45).
AUTO_LOCK_METHOD = "auto_lock"

# How far the cloud's clock (a record's serverDate) may be behind Home Assistant's when it
# uploads a command's record (both normally follow NTP). A larger difference only costs the
# confirmation: the commanded state stays, and an older record still changes nothing.
COMMAND_CLOCK_SLACK_MS = 10_000

# Confirms a command whose record did not come in time (commands.async_confirm_command).
type Confirm = Callable[[], Coroutine[Any, Any, None]]
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


def now_ms() -> int:
    """Now, in the milliseconds records are dated in."""
    return int(dt_util.utcnow().timestamp() * 1000)


def record_time(record: TTLockRecord, now: int, clock_offset_ms: int | None = None) -> int:
    """When a record happened on the cloud's clock (ms; `now` in ms too).

    Its lockDate less the lock's clock offset (a record synced late from the lock keeps its older
    date), but never after the cloud's upload time (serverDate) or now, whichever is earlier.
    """
    received = min(record.server_date or now, now)
    if clock_offset_ms is None:
        if record.lock_date > received + RECORD_CLOCK_TOLERANCE_MS:
            return received
        return record.lock_date
    return min(record.lock_date - clock_offset_ms, received)


@dataclass(frozen=True)
class PendingCommand:
    """A lock or unlock Home Assistant sent, waiting for the record that confirms it."""

    locked: bool
    sent_ms: int

    def precedes(self, record: TTLockRecord) -> bool:
        """Whether the cloud received `record` after the command was sent."""
        return received_since(record, self.sent_ms)


def received_since(record: TTLockRecord, since_ms: int) -> bool:
    """Whether the cloud received `record` after `since_ms` (Home Assistant's clock), by its
    serverDate: the lock's own clock may be minutes off."""
    return (record.server_date or record.lock_date) >= since_ms - COMMAND_CLOCK_SLACK_MS


class LockTracker:
    """Applies records and commands to the account's lock states and runs the locks' timers."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        account: TTLockAccount,
        *,
        on_change: Callable[[int], None],
    ) -> None:
        """`on_change(lock_id)` after a timer changed that lock's state."""
        self._hass = hass
        self._entry = entry
        self._account = account
        self._on_change = on_change
        self._relock = LockTimers(hass)
        self._confirmations = LockTimers(hass)
        self._commands: dict[int, PendingCommand] = {}
        # Loaded by the coordinator before its first update.
        self.learning = TTLockLearning(hass, entry.entry_id)
        self.passage = PassageWatch(
            hass, account, clock_offset_ms=self.learning.clock_offset_ms, on_change=on_change
        )

    def record_time(self, record: TTLockRecord, now: int | None = None) -> int:
        """When `record` happened on the cloud's clock (ms), by its lock's learned offset."""
        return record_time(
            record,
            now_ms() if now is None else now,
            self.learning.clock_offset_ms(record.lock_id),
        )

    def observe_clocks(self, records: list[TTLockRecord]) -> None:
        """Learn the locks' clock offsets from `records`, which arrived together (a push, a read),
        before they are ordered and applied: a backlog among them teaches nothing."""
        self.learning.observe_clocks(records)
        for lock_id in {record.lock_id for record in records}:
            # The lock's schedule runs on its clock: its boundaries move with it.
            self.passage.clock_moved(lock_id)

    def apply_record(self, record: TTLockRecord) -> None:
        """One record: its battery reading; lock and door state when it is known and succeeded.

        Its batch went through `observe_clocks` first: observed again alone, a record of a
        backlog would count as a sample after all.
        """
        state = self._account.state(record.lock_id)
        # Older than one applied before (a backlog read back, a late push): it is reported, but
        # the battery and the door keep the newer record's values (bolts: _apply_bolt_record).
        late = state.last_record is not None and self.record_time(record) < self.record_time(
            state.last_record
        )
        if record.electric_quantity is not None and not late:
            state.battery = record.electric_quantity
        info = describe_record_type(record.record_type)
        if info is None or not record.success:
            return
        if not late:
            state.last_record = record
        if info.kind in (RecordKind.UNLOCKED, RecordKind.LOCKED):
            self._apply_bolt_record(record, info)
        elif late:
            return
        elif info.kind is RecordKind.DOOR_OPENED:
            state.door_open = True
            # An open door does not lock itself: wait for the door to close.
            self._relock.cancel(record.lock_id)
            self.learning.relock_stops(record.lock_id)
        elif info.kind is RecordKind.DOOR_CLOSED:
            state.door_open = False
            # The lock's auto-lock delay runs again from the door closing (reference §10: that
            # relock is not reported either).
            if state.locked is False:
                self.learning.relock_starts(record.lock_id, record.lock_date)
                self._schedule_relock(
                    record.lock_id, already_elapsed=_seconds_since(self.record_time(record))
                )

    def _apply_bolt_record(self, record: TTLockRecord, info: RecordType) -> None:
        state = self._account.state(record.lock_id)
        happened = self.record_time(record)
        confirming = self._confirms_command(record, info)
        if confirming:
            happened = max(happened, state.last_bolt_time or happened)
        elif state.last_bolt_time is not None and happened < state.last_bolt_time:
            return  # a late push: the state already reflects a newer lock/unlock or command
        state.last_bolt_record = record
        state.last_bolt_time = happened
        self._confirmations.cancel(record.lock_id)
        if not confirming:
            self._relock.cancel(record.lock_id)
        if info.kind is RecordKind.LOCKED:
            state.locked = True
            if info.method == AUTO_LOCK_METHOD:
                self.learning.auto_locked(record.lock_id, record.lock_date)
            else:
                self.learning.relock_stops(record.lock_id)
            return
        if not confirming:  # the relock the command assumed may already have happened
            state.locked = False
        if info.method == "gateway":  # a remote unlock worked: Remote Unlock is on again
            async_delete_remote_unlock_issue(self._hass, self._entry, record.lock_id)
        self.learning.relock_starts(record.lock_id, record.lock_date)
        if not confirming:
            self._schedule_relock(record.lock_id, already_elapsed=_seconds_since(happened))

    def _confirms_command(self, record: TTLockRecord, info: RecordType) -> bool:
        """Whether `record` reports the pending command of its lock (which it then settles).

        A lock or unlock record received after the command settles it either way: one of the
        same direction confirms it; one of the other direction is somebody acting after it.
        """
        command = self._commands.get(record.lock_id)
        if command is None or not command.precedes(record):
            return False
        del self._commands[record.lock_id]
        return (info.kind is RecordKind.LOCKED) == command.locked

    def commanded_bolt(self, lock_id: int, *, locked: bool, sent_ms: int, confirm: Confirm) -> None:
        """A lock or unlock sent at `sent_ms` went through: assume it until its record comes.

        Older records arriving late change nothing; if no record confirms it within
        `COMMAND_CONFIRM_TIMEOUT`, `confirm()` looks once.
        """
        state = self._account.state(lock_id)
        state.locked = locked
        state.last_bolt_time = max(sent_ms, state.last_bolt_time or sent_ms)
        command = PendingCommand(locked=locked, sent_ms=sent_ms)
        self._commands[lock_id] = command
        self._relock.cancel(lock_id)
        if not locked:
            self._schedule_relock(lock_id, already_elapsed=0.0)
        self._confirmations.start(
            lock_id,
            COMMAND_CONFIRM_TIMEOUT.total_seconds(),
            partial(self._async_confirm, lock_id, command, confirm),
        )

    def command_pending(self, lock_id: int) -> bool:
        """Whether a command of the lock still waits for its record."""
        return lock_id in self._commands

    async def _async_confirm(
        self, lock_id: int, command: PendingCommand, confirm: Confirm, _now: datetime
    ) -> None:
        try:
            await confirm()
        except TTLockError as err:
            _LOGGER.debug("Could not confirm the state of lock %s: %s", lock_id, err)
        finally:
            if self._commands.get(lock_id) is command:
                del self._commands[lock_id]

    def commanded_settings(
        self,
        lock_id: int,
        *,
        passage_mode: bool | None,
        auto_lock_seconds: int | None,
        sound_enabled: bool | None,
    ) -> None:
        """A settings change went through; while passage mode holds the lock open, no relock."""
        state = self._account.state(lock_id)
        if passage_mode is not None:
            state.passage_mode = passage_mode
            self.passage.update(lock_id)
            if self.passage.holds_open(lock_id):
                self._relock.cancel(lock_id)
        if auto_lock_seconds is not None:
            state.auto_lock_seconds = auto_lock_seconds
            # Set by the user: a delay learned before no longer holds.
            self.learning.forget_relock(lock_id)
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
        """The lock is gone: no timer of it may fire, nothing it taught is kept."""
        self._relock.cancel(lock_id)
        self._confirmations.cancel(lock_id)
        self._commands.pop(lock_id, None)
        self.passage.forget(lock_id)
        self.learning.forget(lock_id)

    def cancel_all(self) -> None:
        """Entry unloading: no timer may fire afterwards."""
        self._relock.cancel_all()
        self._confirmations.cancel_all()
        self.passage.cancel_all()

    def relock_seconds(self, lock_id: int) -> float | None:
        """How long after an unlock the lock relocks by itself, as far as is known (None: never).

        The user's per-lock option first, then the auto-lock time the lock reports, then the
        delay learned from its auto-lock records (for locks reporting -1, 0 or nothing).
        """
        if (configured := configured_relock_seconds(self._entry, lock_id)) is not None:
            return float(configured)
        reported = self._account.state(lock_id).auto_lock_seconds
        if reported is not None and reported > 0:
            return float(reported)
        return self.learning.relock_seconds(lock_id)

    def _schedule_relock(self, lock_id: int, *, already_elapsed: float) -> None:
        """Assume a relock after the lock's delay (`already_elapsed` s of it passed unseen)."""
        self._relock.cancel(lock_id)
        seconds = self.relock_seconds(lock_id)
        if seconds is None or self.passage.holds_open(lock_id):
            return
        self._relock.start(lock_id, seconds - already_elapsed, partial(self._relocked, lock_id))

    @callback
    def _relocked(self, lock_id: int, now: datetime) -> None:
        """The relock delay after an unlock has passed: assume the lock locked itself.

        Unless a passage period began meanwhile: the lock then stays open (by its own clock).
        """
        if lock_id in self._account.locks and not self.passage.holds_open(lock_id, now):
            self._account.state(lock_id).locked = True
            self._on_change(lock_id)


def _seconds_since(happened_ms: int) -> float:
    """Seconds from a record's time (ms, on the cloud's clock) to now: that much of a delay ran."""
    return max(0.0, (now_ms() - happened_ms) / 1000)
