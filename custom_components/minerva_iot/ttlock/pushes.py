"""Callback pushes and confirmation reads of one TTLock account: records into the lock states.

A push is merged into the lock states first; then only the entities of the locks it names write
their state (the per-lock dispatcher `lock_updates`, device_updates.py: a push costs O(entities
of its locks), not of the account), the account's entities when the push changed them (last
push), and only then do those locks' event entities (`record_updates`) report the push's
records and the bus events fire. An event or automation never sees a record before the lock
state it implies.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from datetime import datetime, timedelta
import logging

from homeassistant.core import HomeAssistant, callback
from homeassistant.util import dt as dt_util

from custom_components.minerva_iot.clients.ttlock import TTLockRecord
from custom_components.minerva_iot.clients.ttlock.callback import CallbackPush, RecordKind
from custom_components.minerva_iot.device_updates import DeviceUpdates
from custom_components.minerva_iot.issues import async_delete_entry_issue

from .issues import ISSUE_NO_PUSH
from .reachability import LockReachability
from .records import SeenRecords, async_fire_record_event, record_kind
from .state import TTLockAccount
from .tracking import LockTracker, now_ms

_LOGGER = logging.getLogger(__name__)

# The account's entity that follows pushes (`account_updates`, by entity key).
ACCOUNT_LAST_PUSH = "last_callback_push"
_DOOR_KINDS = (RecordKind.DOOR_OPENED, RecordKind.DOOR_CLOSED)

# Shows the changed locks: (their ids, those that may need new entities).
type UpdateLocks = Callable[[Collection[int], Collection[int]], None]


class PushIntake:
    """Applies the records of pushes and reads once each, then has the changed locks shown."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry_id: str,
        account: TTLockAccount,
        tracker: LockTracker,
        reach: LockReachability,
        *,
        account_updates: DeviceUpdates[str],
        update_locks: UpdateLocks,
    ) -> None:
        """Take the account's states and how to show the locks a record changed."""
        self._hass = hass
        self._entry_id = entry_id
        self._account = account
        self._tracker = tracker
        self._reach = reach
        self._account_updates = account_updates
        self._update_locks = update_locks
        self.last_push: datetime | None = None
        # Start of the "no push for N days" watch when no push arrived since start-up.
        self._push_watch_since = dt_util.utcnow()
        # Records already applied (a late push of one the confirmation read found, a repeat).
        self._seen_records = SeenRecords()
        # The records of the update being reported, per lock.
        self._new_records: dict[int, list[TTLockRecord]] = {}

    def silent_for(self, now: datetime) -> timedelta:
        """How long no push (or console test push) arrived, since start-up at most."""
        return now - max(self.last_push or self._push_watch_since, self._push_watch_since)

    def new_records(self, lock_id: int) -> list[TTLockRecord]:
        """The records of `lock_id` the update being reported brought, oldest first."""
        return self._new_records.get(lock_id, [])

    @callback
    def async_handle_push(self, push: CallbackPush) -> None:
        """A push: the records of the locks this account owns (others are ignored).

        The developer console's test push proves the Callback URL works and concerns no lock.
        """
        if push.is_console_test:
            _LOGGER.info("TTLock console test push received: the callback URL works")
            self._push_watch_since = dt_util.utcnow()
            async_delete_entry_issue(self._hass, ISSUE_NO_PUSH, self._entry_id)
            return
        if any(record.lock_id in self._account.locks for record in push.records):
            self.last_push = dt_util.utcnow()
            async_delete_entry_issue(self._hass, ISSUE_NO_PUSH, self._entry_id)
            # The account's Last callback push, before the locks' entities and records.
            self._account_updates.notify((ACCOUNT_LAST_PUSH,))
        self.async_apply_records(push.records)

    @callback
    def async_apply_records(self, records: Iterable[TTLockRecord]) -> None:
        """Apply records, oldest first, to the locks this account owns (others ignored).

        From pushes and from the read that confirms a command (commands.py); a record applied
        before (its late push, a repeat) is dropped. A lock with records is reachable, one with a
        door record has a door sensor. The merged states are shown first (the entities of these
        locks only; locks that proved reachable or a door sensor may get new entities), then the
        records are reported: those locks' event entities, then `minerva_iot_event`.
        """
        now = now_ms()
        records = [
            record
            for record in records
            if record.lock_id in self._account.locks and self._seen_records.first_time(record)
        ]
        # Ordered on the cloud's clock: each lock's offset learned from these records too.
        self._tracker.observe_clocks(records)
        records.sort(key=lambda record: self._tracker.record_time(record, now))
        if not records:
            return
        news: set[int] = set()
        for record in records:
            self._tracker.apply_record(record)
            if self._reach.saw_reached(record.lock_id):
                news.add(record.lock_id)
            if (
                record.success
                and record_kind(record) in _DOOR_KINDS
                and self._reach.saw_door_sensor(record.lock_id)
            ):
                news.add(record.lock_id)
        reported = [(record, record_kind(record)) for record in records]
        for record, _kind in reported:
            self._new_records.setdefault(record.lock_id, []).append(record)
        try:
            self._update_locks(list(self._new_records), news)
        finally:
            self._new_records = {}
        for record, kind in reported:
            async_fire_record_event(self._hass, self._entry_id, record, kind)
