"""Quota-aware coordinator of one TTLock account.

Callback pushes are the primary source of lock state. Polling is cheap and account-wide: one
`lock/list` and one `gateway/list` per poll. Per-lock `lock/detail` (auto-lock time, passage mode)
runs on a slow tier, and so does the optional safety re-check (`queryOpenState`, which wakes the
lock). `queryOpenState` otherwise runs only when a command's confirming push did not arrive.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from functools import partial
import logging

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryAuthFailed
from homeassistant.helpers import device_registry as dr, issue_registry as ir
from homeassistant.helpers.event import async_call_later
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
from custom_components.minerva_iot.clients.ttlock.callback import CallbackPush
from custom_components.minerva_iot.const import DOMAIN

from .const import COMMAND_CONFIRM_TIMEOUT, GATEWAY_MODEL, MANUFACTURER, QUOTA_BACKOFF
from .identifiers import gateway_identifier, lock_identifier
from .options import TTLockOptions
from .records import async_publish_record
from .relock import RelockScheduler
from .state import TTLockAccount
from .tokens import TTLockTokenManager

_LOGGER = logging.getLogger(__name__)

# Per-lock refusals that skip that lock's details instead of failing the whole update.
_LOCK_SKIPPED_ERRORS = (TTLockPermissionError, TTLockNotFoundError, TTLockValidationError)

ISSUE_QUOTA = "ttlock_quota_exceeded"
ISSUE_CLOCK_SKEW = "ttlock_clock_skew"

type RecordListener = Callable[[TTLockRecord], None]


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
        self._last_slow_refresh: datetime | None = None
        self._quota_backoff_until: datetime | None = None
        self._details_skipped: set[int] = set()
        self._record_listeners: dict[int, list[RecordListener]] = {}
        self._confirm_timers: dict[int, CALLBACK_TYPE] = {}
        self.relock = RelockScheduler(hass, self._async_relocked)

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
            self._merge_lists(locks, gateways)
            slow_tier_due = self._slow_tier_due(now)
            await self._async_lock_details(
                list(self.account.locks) if slow_tier_due else self._locks_without_details()
            )
            if slow_tier_due:
                await self._async_safety_recheck()
                self._last_slow_refresh = now
        except ConfigEntryAuthFailed:
            raise
        except TTLockAuthError as err:
            raise ConfigEntryAuthFailed(
                translation_domain=DOMAIN, translation_key="ttlock_auth_failed"
            ) from err
        except TTLockQuotaExceededError as err:
            self._quota_backoff_until = now + QUOTA_BACKOFF
            self._raise_issue(ISSUE_QUOTA)
            raise UpdateFailed(
                translation_domain=DOMAIN, translation_key="ttlock_quota_backoff"
            ) from err
        except TTLockClockSkewError as err:
            self._raise_issue(ISSUE_CLOCK_SKEW)
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
        for issue in (ISSUE_QUOTA, ISSUE_CLOCK_SKEW):
            ir.async_delete_issue(self.hass, DOMAIN, f"{issue}_{self.config_entry.entry_id}")
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

    def _merge_lists(self, locks: list[TTLockLock], gateways: list[TTLockGateway]) -> None:
        """Adopt the new lists; locks and gateways that disappeared lose their devices."""
        removed_locks = set(self.account.locks) - {lock.lock_id for lock in locks}
        removed_gateways = set(self.account.gateways) - {gw.gateway_id for gw in gateways}
        self.account.locks = {lock.lock_id: lock for lock in locks}
        self.account.gateways = {gateway.gateway_id: gateway for gateway in gateways}
        for lock in locks:
            state = self.account.state(lock.lock_id)
            if lock.battery is not None:
                state.battery = lock.battery
        for lock_id in removed_locks:
            self.account.states.pop(lock_id, None)
            self.account.details.pop(lock_id, None)
            self.relock.cancel(lock_id)
            self._remove_device(lock_identifier(lock_id))
        for gateway_id in removed_gateways:
            self._remove_device(gateway_identifier(gateway_id))
        registry = dr.async_get(self.hass)
        for gateway in gateways:
            # Created here (not only by the gateway's entity) so locks can name it as via_device.
            registry.async_get_or_create(
                config_entry_id=self.config_entry.entry_id,
                identifiers={(DOMAIN, gateway_identifier(gateway.gateway_id))},
                name=gateway.name,
                manufacturer=MANUFACTURER,
                model=GATEWAY_MODEL,
            )

    def _remove_device(self, identifier: str) -> None:
        registry = dr.async_get(self.hass)
        device = registry.async_get_device(identifiers={(DOMAIN, identifier)})
        if device is not None:
            registry.async_update_device(
                device.id, remove_config_entry_id=self.config_entry.entry_id
            )

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

    async def _async_safety_recheck(self) -> None:
        """If the user allows it, ask every reachable lock whether it is locked (wakes it)."""
        if not self.options.safety_recheck:
            return
        for lock in list(self.account.locks.values()):
            if lock.remotely_reachable:
                await self._async_query_open_state(lock.lock_id)

    async def _async_query_open_state(self, lock_id: int) -> None:
        open_state = await self.async_call(lambda: self.client.async_query_open_state(lock_id))
        if open_state is not OpenState.UNKNOWN:
            self.account.state(lock_id).locked = open_state is OpenState.LOCKED

    def _raise_issue(self, key: str) -> None:
        ir.async_create_issue(
            self.hass,
            DOMAIN,
            f"{key}_{self.config_entry.entry_id}",
            is_fixable=False,
            severity=ir.IssueSeverity.ERROR,
            translation_key=key,
            translation_placeholders={"account": self.config_entry.title},
        )

    # -------------------------------------------------------------------------- pushes

    @callback
    def async_handle_push(self, push: CallbackPush) -> None:
        """Apply a push's records to the locks this account owns; other locks are ignored."""
        handled = False
        for record in push.records:
            if record.lock_id in self.account.locks:
                self.async_apply_record(record)
                handled = True
        if handled:
            self.last_push = dt_util.utcnow()
            self.async_update_listeners()

    @callback
    def async_apply_record(self, record: TTLockRecord) -> None:
        """One record: state change only on success; battery; events for automations."""
        info = async_publish_record(
            self.hass, record, self._record_listeners.get(record.lock_id, [])
        )
        state = self.account.state(record.lock_id)
        if record.electric_quantity is not None:
            state.battery = record.electric_quantity
        if info is None or not record.success:
            return
        state.last_record = record
        self._cancel_confirmation(record.lock_id)
        self.relock.cancel(record.lock_id)
        if info.kind == "unlocked":
            state.locked = False
            delay = 0.0
            if record.server_date and record.lock_date:
                delay = max(0.0, (record.server_date - record.lock_date) / 1000)
            self.relock.schedule(record.lock_id, state, already_elapsed=delay)
        elif info.kind == "locked":
            state.locked = True
        elif info.kind == "door_opened":
            state.door_open = True
        elif info.kind == "door_closed":
            state.door_open = False

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

    # ------------------------------------------------------------------------ commands

    async def async_lock_command(self, lock_id: int, *, lock: bool) -> None:
        """Lock or unlock; the state is assumed until the push confirms or the check says."""
        if lock:
            await self.async_call(lambda: self.client.async_lock(lock_id))
        else:
            await self.async_call(lambda: self.client.async_unlock(lock_id))
        state = self.account.state(lock_id)
        state.locked = lock
        self.relock.cancel(lock_id)
        if not lock:
            self.relock.schedule(lock_id, state, already_elapsed=0.0)
        self._await_confirmation(lock_id)
        self.async_update_listeners()

    def _await_confirmation(self, lock_id: int) -> None:
        """No push within the timeout: ask the lock once (the only unprompted queryOpenState)."""
        self._cancel_confirmation(lock_id)

        async def _check(_now: datetime) -> None:
            self._confirm_timers.pop(lock_id, None)
            try:
                await self._async_query_open_state(lock_id)
            except (TTLockError, ConfigEntryAuthFailed) as err:
                _LOGGER.debug("Could not confirm the state of lock %s: %s", lock_id, err)
                return
            self.async_update_listeners()

        self._confirm_timers[lock_id] = async_call_later(self.hass, COMMAND_CONFIRM_TIMEOUT, _check)

    def _cancel_confirmation(self, lock_id: int) -> None:
        if (cancel := self._confirm_timers.pop(lock_id, None)) is not None:
            cancel()

    async def async_check_state(self, lock_id: int) -> None:
        """On demand (button): ask the lock whether it is locked."""
        await self._async_query_open_state(lock_id)
        self.async_update_listeners()

    async def async_set_passage_mode(self, lock_id: int, enabled: bool) -> None:
        """Switch passage mode; while on, no auto-relock is assumed."""
        await self.async_call(lambda: self.client.async_set_passage_mode(lock_id, enabled))
        state = self.account.state(lock_id)
        state.passage_mode = enabled
        if enabled:
            self.relock.cancel(lock_id)
        self.async_update_listeners()

    async def async_set_auto_lock_time(self, lock_id: int, seconds: int) -> None:
        """Set the auto-lock delay (0 = off)."""
        await self.async_call(lambda: self.client.async_set_auto_lock_time(lock_id, seconds))
        self.account.state(lock_id).auto_lock_seconds = seconds
        self.async_update_listeners()

    async def async_shutdown(self) -> None:
        """Cancel the timers on unload."""
        await super().async_shutdown()
        self.relock.cancel_all()
        for lock_id in list(self._confirm_timers):
            self._cancel_confirmation(lock_id)
