"""Quota-aware coordinator of one TTLock account.

Callback pushes are the primary source of lock state. Polling is cheap and account-wide: one
`lock/list` and one `gateway/list` per poll. Per-lock `lock/detail` (auto-lock time, passage mode)
runs on a slow tier, and so does the opt-in safety re-check (`queryOpenState`, which wakes the
lock and drains its batteries: off by default). `queryOpenState` otherwise runs only once for a
lock whose state Home Assistant never knew, when a command's confirming push did not arrive, or
when the user presses "Check lock state".
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from functools import partial
import logging

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryAuthFailed
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed
from homeassistant.util import dt as dt_util

from custom_components.minerva_iot.clients.ttlock import (
    OpenState,
    TTLockAuthError,
    TTLockClient,
    TTLockClockSkewError,
    TTLockError,
    TTLockGateway,
    TTLockLock,
    TTLockNotFoundError,
    TTLockPermissionError,
    TTLockQuotaExceededError,
    TTLockRecord,
    TTLockValidationError,
)
from custom_components.minerva_iot.clients.ttlock.callback import (
    CallbackPush,
    RecordKind,
    RecordType,
)
from custom_components.minerva_iot.const import DOMAIN
from custom_components.minerva_iot.issues import async_delete_entry_issue

from .commands import TTLockCommands
from .const import QUOTA_BACKOFF
from .devices import async_sync_devices
from .identifiers import gateway_identifier, lock_identifier
from .issues import (
    ISSUE_CLOCK_SKEW,
    ISSUE_NO_PUSH,
    ISSUE_QUOTA,
    async_check_push_silence,
    async_delete_remote_unlock_issue,
    async_raise_account_issue,
)
from .options import TTLockOptions
from .records import async_publish_record
from .relock import RelockScheduler, upload_delay
from .state import LockState, TTLockAccount
from .tokens import TTLockTokenManager

_LOGGER = logging.getLogger(__name__)

# Per-lock refusals that skip that lock's details instead of failing the whole update.
_LOCK_SKIPPED_ERRORS = (TTLockPermissionError, TTLockNotFoundError, TTLockValidationError)
# Failures that concern the whole account, never skipped per lock.
_ACCOUNT_ERRORS = (TTLockAuthError, TTLockQuotaExceededError, TTLockClockSkewError)

# An empty lock or gateway list where there were some is a cloud hiccup until this many polls in
# a row say so (then the user really deleted them all).
EMPTY_LIST_BELIEVED_AFTER = 3
# A record cannot have happened after the cloud received it, nor after now: a lock clock that is
# ahead (or a forged push) must not make every later record look late. Within this much, a
# lock's clock is taken as right (drift, jitter), which keeps the order of a batch of records.
RECORD_CLOCK_TOLERANCE_MS = 30_000

type RecordListener = Callable[[TTLockRecord], None]


def record_time(record: TTLockRecord, now_ms: int) -> int:
    """When a record happened, as far as it can be trusted (ms).

    Its lockDate (a record synced late from the lock keeps its older date), unless that is ahead
    of the cloud's upload time (serverDate) or of now, whichever is earlier: then that time.
    """
    received = min(record.server_date or now_ms, now_ms)
    if record.lock_date > received + RECORD_CLOCK_TOLERANCE_MS:
        return received
    return record.lock_date


class TTLockCoordinator(DataUpdateCoordinator[TTLockAccount]):
    """Polls the account cheaply and merges callback pushes into the lock states."""

    config_entry: ConfigEntry

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        client: TTLockClient,
        tokens: TTLockTokenManager,
    ) -> None:
        """Create the coordinator with the entry's poll interval."""
        self.options = TTLockOptions.from_entry(entry)
        super().__init__(
            hass,
            _LOGGER,
            config_entry=entry,
            name=f"TTLock {entry.title}",
            update_interval=self.options.poll_interval,
        )
        self.client = client
        self.tokens = tokens
        self.account = TTLockAccount()
        self.last_push: datetime | None = None
        # Start of the "no push for N days" watch when no push arrived since start-up.
        self._push_watch_since = dt_util.utcnow()
        self._last_slow_refresh: datetime | None = None
        self._quota_backoff_until: datetime | None = None
        self._details_skipped: set[int] = set()
        self._record_listeners: dict[int, list[RecordListener]] = {}
        self._empty_list_polls = 0
        self._device_removals: dict[str, int] = {}
        # The last poll was refused for the login: entities are unavailable until reauth.
        self.auth_failed = False
        # Locks asked whether they are locked since the entry was set up (each ask wakes one).
        self._state_queried: set[int] = set()
        self.relock = RelockScheduler(hass, self._async_relocked)
        self.commands = TTLockCommands(self)

    # ------------------------------------------------------------------------ polling

    async def async_call[T](self, call: Callable[[], Awaitable[T]]) -> T:
        """An API call with the token refresh-and-retry rule (see tokens.py)."""
        return await self.tokens.async_call(call)

    async def _async_update_data(self) -> TTLockAccount:
        now = dt_util.utcnow()
        if self._quota_backoff_until is not None and now < self._quota_backoff_until:
            raise UpdateFailed(translation_domain=DOMAIN, translation_key="ttlock_quota_backoff")
        try:
            locks = await self.async_call(self.client.async_list_locks)
            gateways = await self.async_call(self.client.async_list_gateways)
            if self._looks_like_a_hiccup(locks, gateways):
                raise UpdateFailed(translation_domain=DOMAIN, translation_key="ttlock_empty_list")
            self._merge_lists(locks, gateways)
            slow_tier_due = self._slow_tier_due(now)
            if slow_tier_due:
                # Marked first: a lock failing below must not make every following poll repeat
                # the whole (per-lock, battery-costing) tier. Locks still without details are
                # retried by the next poll anyway.
                self._last_slow_refresh = now
            await self._async_lock_details(
                list(self.account.locks) if slow_tier_due else self._locks_without_details()
            )
            if slow_tier_due:
                await self._async_safety_recheck()
        except ConfigEntryAuthFailed:
            self.auth_failed = True
            raise
        except TTLockAuthError as err:
            self.auth_failed = True
            raise ConfigEntryAuthFailed(
                translation_domain=DOMAIN, translation_key="ttlock_auth_failed"
            ) from err
        except TTLockQuotaExceededError as err:
            self._quota_backoff_until = now + QUOTA_BACKOFF
            async_raise_account_issue(self.hass, self.config_entry, ISSUE_QUOTA)
            raise UpdateFailed(
                translation_domain=DOMAIN, translation_key="ttlock_quota_backoff"
            ) from err
        except TTLockClockSkewError as err:
            async_raise_account_issue(self.hass, self.config_entry, ISSUE_CLOCK_SKEW)
            raise UpdateFailed(
                translation_domain=DOMAIN, translation_key="ttlock_clock_skew"
            ) from err
        except TTLockError as err:
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="ttlock_update_failed",
                translation_placeholders={"error": str(err.errcode or type(err).__name__)},
            ) from err
        self._quota_backoff_until = None
        self.auth_failed = False
        for issue in (ISSUE_QUOTA, ISSUE_CLOCK_SKEW):
            async_delete_entry_issue(self.hass, issue, self.config_entry.entry_id)
        async_check_push_silence(
            self.hass,
            self.config_entry,
            locks_can_push=any(lock.remotely_reachable for lock in self.account.locks.values()),
            silent_for=now - (self.last_push or self._push_watch_since),
        )
        return self.account

    def _slow_tier_due(self, now: datetime) -> bool:
        return (
            self._last_slow_refresh is None
            or now - self._last_slow_refresh >= self.options.slow_interval
        )

    def _locks_without_details(self) -> list[int]:
        """Locks listed since the last slow tier (a skipped lock waits for the next one)."""
        return [
            lock_id
            for lock_id in self.account.locks
            if lock_id not in self.account.details and lock_id not in self._details_skipped
        ]

    def _looks_like_a_hiccup(self, locks: list[TTLockLock], gateways: list[TTLockGateway]) -> bool:
        """An empty list where there were locks (or gateways): keep everything, fail this poll.

        The cloud sometimes answers an empty list; believing it would forget every lock's state
        and timers. Only when it persists for a few polls were they really all deleted.
        """
        emptied = (not locks and bool(self.account.locks)) or (
            not gateways and bool(self.account.gateways)
        )
        self._empty_list_polls = self._empty_list_polls + 1 if emptied else 0
        return emptied and self._empty_list_polls < EMPTY_LIST_BELIEVED_AFTER

    def _merge_lists(self, locks: list[TTLockLock], gateways: list[TTLockGateway]) -> None:
        """Adopt the new lists; locks whose device went are forgotten."""
        self.account.locks = {lock.lock_id: lock for lock in locks}
        self.account.gateways = {gateway.gateway_id: gateway for gateway in gateways}
        for lock in locks:
            if lock.battery is not None:
                self.account.state(lock.lock_id).battery = lock.battery
        removed_locks, removed_gateways = async_sync_devices(
            self.hass, self.config_entry, set(self.account.locks), gateways
        )
        for lock_id in removed_locks:
            self.forget_lock(lock_id)
        for gateway_id in removed_gateways:
            self.forget_gateway(gateway_id)

    def device_removals(self, identifier: str) -> int:
        """How often the device `identifier` was removed (its entities went with it)."""
        return self._device_removals.get(identifier, 0)

    @callback
    def forget_gateway(self, gateway_id: int) -> None:
        """The gateway's device is gone: if it comes back, it needs new entities."""
        identifier = gateway_identifier(gateway_id)
        self._device_removals[identifier] = self.device_removals(identifier) + 1

    @callback
    def forget_lock(self, lock_id: int) -> None:
        """The lock's device is gone: drop its state, details, timers and repair."""
        identifier = lock_identifier(lock_id)
        self._device_removals[identifier] = self.device_removals(identifier) + 1
        self.account.states.pop(lock_id, None)
        self.account.details.pop(lock_id, None)
        self._details_skipped.discard(lock_id)
        self.relock.cancel(lock_id)
        self.commands.cancel_confirmation(lock_id)
        async_delete_remote_unlock_issue(self.hass, self.config_entry, lock_id)

    async def _async_lock_details(self, lock_ids: list[int]) -> None:
        """lock/detail (settings, model) and gateway/listByLock (via device) of some locks."""
        for lock_id in lock_ids:
            lock = self.account.locks[lock_id]
            try:
                detail = await self.async_call(partial(self.client.async_get_lock_detail, lock_id))
                gateways = (
                    await self.async_call(partial(self.client.async_list_lock_gateways, lock_id))
                    if lock.has_gateway
                    else []
                )
            except _LOCK_SKIPPED_ERRORS as err:
                # One lock the account may not manage must not break the others.
                _LOGGER.warning("Skipping details of TTLock lock %s: %s", lock_id, err)
                self._details_skipped.add(lock_id)
                continue
            self._details_skipped.discard(lock_id)
            self.account.details[lock_id] = detail
            state = self.account.state(lock_id)
            state.auto_lock_seconds = detail.auto_lock_time
            state.gateway_id = gateways[0].gateway_id if gateways else None
            if detail.passage_mode is not None:
                state.passage_mode = detail.passage_mode
            if detail.battery is not None:
                state.battery = detail.battery
            if detail.sound_enabled is not None:
                state.sound_enabled = detail.sound_enabled

    async def _async_safety_recheck(self) -> None:
        """If the user allows it, ask every reachable lock whether it is locked (wakes it).

        One unreachable lock (gateway offline, lock busy, ...) keeps its state and does not fail
        the poll; account-wide refusals (auth, quota, clock) still do.
        """
        if not self.options.safety_recheck:
            return
        for lock in list(self.account.locks.values()):
            if not lock.remotely_reachable:
                continue
            try:
                await self.async_query_open_state(lock.lock_id)
            except _ACCOUNT_ERRORS:
                raise
            except TTLockError as err:
                _LOGGER.debug("Safety re-check of TTLock lock %s failed: %s", lock.lock_id, err)

    async def async_query_open_state(self, lock_id: int) -> None:
        """Ask the lock whether it is locked (wakes it through its gateway)."""
        self._state_queried.add(lock_id)
        open_state = await self.async_call(lambda: self.client.async_query_open_state(lock_id))
        if open_state is not OpenState.UNKNOWN:
            self.account.state(lock_id).locked = open_state is OpenState.LOCKED

    def state_queried(self, lock_id: int) -> bool:
        """Whether the lock was already asked since set-up (even if that failed)."""
        return lock_id in self._state_queried

    # -------------------------------------------------------------------------- pushes

    @callback
    def async_handle_push(self, push: CallbackPush) -> None:
        """Apply a push's records, oldest first, to the locks this account owns (others ignored)."""
        now_ms = int(dt_util.utcnow().timestamp() * 1000)
        records = sorted(
            (record for record in push.records if record.lock_id in self.account.locks),
            key=lambda record: record_time(record, now_ms),
        )
        if not records:
            return
        for record in records:
            self.async_apply_record(record)
        self.last_push = dt_util.utcnow()
        async_delete_entry_issue(self.hass, ISSUE_NO_PUSH, self.config_entry.entry_id)
        self.async_update_listeners()

    @callback
    def async_apply_record(self, record: TTLockRecord) -> None:
        """One record: state change only on success; battery; events for automations."""
        info = async_publish_record(
            self.hass,
            self.config_entry.entry_id,
            record,
            self._record_listeners.get(record.lock_id, []),
        )
        state = self.account.state(record.lock_id)
        if record.electric_quantity is not None:
            state.battery = record.electric_quantity
        if info is None or not record.success:
            return
        state.last_record = record
        if info.kind in (RecordKind.UNLOCKED, RecordKind.LOCKED):
            self._apply_bolt_record(record, info, state)
        elif info.kind is RecordKind.DOOR_OPENED:
            state.door_open = True
            # An open door does not lock itself: wait for the door to close.
            self.relock.cancel(record.lock_id)
        elif info.kind is RecordKind.DOOR_CLOSED:
            state.door_open = False
            # The lock's auto-lock delay runs again from the door closing (reference §10: that
            # relock is not reported either).
            if state.locked is False:
                self.relock.schedule(record.lock_id, state, already_elapsed=upload_delay(record))

    def _apply_bolt_record(self, record: TTLockRecord, info: RecordType, state: LockState) -> None:
        happened = record_time(record, int(dt_util.utcnow().timestamp() * 1000))
        if state.last_bolt_time is not None and happened < state.last_bolt_time:
            return  # a late push: the state already reflects a newer lock/unlock
        state.last_bolt_record = record
        state.last_bolt_time = happened
        self.commands.cancel_confirmation(record.lock_id)
        self.relock.cancel(record.lock_id)
        if info.kind is RecordKind.LOCKED:
            state.locked = True
            return
        state.locked = False
        if info.method == "gateway":  # a remote unlock worked: Remote Unlock is on again
            async_delete_remote_unlock_issue(self.hass, self.config_entry, record.lock_id)
        self.relock.schedule(record.lock_id, state, already_elapsed=upload_delay(record))

    @callback
    def async_add_record_listener(self, lock_id: int, listener: RecordListener) -> CALLBACK_TYPE:
        """Call `listener` with every record of `lock_id` (event entities)."""
        listeners = self._record_listeners.setdefault(lock_id, [])
        listeners.append(listener)

        @callback
        def _remove() -> None:
            listeners.remove(listener)

        return _remove

    @callback
    def _async_relocked(self, lock_id: int) -> None:
        """The auto-lock delay after an unlock has passed: assume the lock locked itself."""
        if lock_id in self.account.locks:
            self.account.state(lock_id).locked = True
            self.async_update_listeners()

    async def async_shutdown(self) -> None:
        """Cancel the timers on unload."""
        await super().async_shutdown()
        self.relock.cancel_all()
        self.commands.cancel_all()
