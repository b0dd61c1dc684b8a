"""The per-lock cloud reads of the TTLock poll, each only as often as what it reads can change.

Issue 16's budget (10 locks at the defaults: at most 120 calls a day) leaves little for per-lock
reads, so each has its own reason to run (none wakes a lock):

| read | when |
|---|---|
| `lock/detail` (auto-lock, passage switch, sound, firmware) | slow tier (default 6 h); a lock listed since, at the next poll |
| `gateway/listByLock` (which gateway relays the lock) | with the lock's details when its gateway is not known (first sight, `hasGateway` became 1), its gateway left the list, or a gateway's `lockNum` changed (a lock moved: then at the next poll) |
| `lock/getPassageModeConfiguration` (the schedule) | first details, when `lock/detail`'s passage switch changed, after our own change (and with the next details when that read failed), and on the daily tier |
| `lock/listKeyboardPwd` (the passcode calendar) | first sight, after a passcode action, and on the daily tier |

The daily tier runs every 24 h, or every slow tier when that is longer. A read that fails keeps
what was known (one lock the account may not manage skips its details until the next slow tier).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
import logging

from custom_components.minerva_iot.clients.ttlock import (
    Feature,
    TTLockAuthError,
    TTLockClient,
    TTLockClockSkewError,
    TTLockError,
    TTLockGateway,
    TTLockNotFoundError,
    TTLockPermissionError,
    TTLockQuotaExceededError,
    TTLockValidationError,
)

from .state import TTLockAccount

_LOGGER = logging.getLogger(__name__)

# Per-lock refusals that skip that lock's details instead of failing the whole update.
LOCK_SKIPPED_ERRORS = (TTLockPermissionError, TTLockNotFoundError, TTLockValidationError)
# Failures that concern the whole account, never skipped per lock.
ACCOUNT_ERRORS = (TTLockAuthError, TTLockQuotaExceededError, TTLockClockSkewError)
# The passage schedules and passcode lists are read again at least this often.
DAILY = timedelta(hours=24)


class LockDetails:
    """Reads the details of the account's locks on their own tiers."""

    def __init__(
        self,
        client: TTLockClient,
        account: TTLockAccount,
        slow_interval: timedelta,
        *,
        passage_changed: Callable[[int], None],
    ) -> None:
        """`passage_changed(lock)` after the lock's passage switch or schedule was read."""
        self._client = client
        self._account = account
        self._slow_interval = slow_interval
        self._passage_changed = passage_changed
        self._last_slow: datetime | None = None
        self._last_daily: datetime | None = None
        self._skipped: set[int] = set()
        # Locks whose relaying gateway must be read again, and the lock counts last listed.
        self._gateway_stale: set[int] = set()
        self._lock_counts: dict[int, int | None] = {}
        # Locks whose last schedule read failed: read again with their next details.
        self._passage_unread: set[int] = set()

    def tiers_due(self, now: datetime) -> tuple[bool, bool]:
        """(slow tier, daily tier) due at this poll; marked as done at once.

        Marked first: a lock failing later must not make every following poll repeat the whole
        tier. Locks still without details are retried by the next poll anyway.
        """
        slow = self._last_slow is None or now - self._last_slow >= self._slow_interval
        daily_every = max(DAILY, self._slow_interval)
        daily = slow and (self._last_daily is None or now - self._last_daily >= daily_every)
        if slow:
            self._last_slow = now
        if daily:
            self._last_daily = now
        return slow, daily

    def gateways_listed(self, gateways: Mapping[int, TTLockGateway]) -> None:
        """The poll's gateway list: a changed `lockNum` or a gateway gone means locks moved."""
        counts = {gateway_id: gateway.lock_num for gateway_id, gateway in gateways.items()}
        if self._lock_counts:
            changed = {
                gateway_id
                for gateway_id in counts.keys() | self._lock_counts.keys()
                if counts.get(gateway_id, -1) != self._lock_counts.get(gateway_id, -1)
            }
            self._gateway_stale.update(
                lock_id
                for lock_id, state in self._account.states.items()
                if state.gateway_id in changed
            )
        self._lock_counts = counts

    def due(self, slow: bool) -> list[int]:
        """Locks whose details this poll reads: all on the slow tier, else the new ones."""
        return [
            lock_id
            for lock_id in self._account.locks
            if slow or (lock_id not in self._account.details and lock_id not in self._skipped)
        ]

    async def async_read_moved(self) -> None:
        """gateway/listByLock of the gateway locks whose gateway may have changed."""
        for lock_id in sorted(self._gateway_stale):
            lock = self._account.locks.get(lock_id)
            self._gateway_stale.discard(lock_id)
            if lock is None or not lock.has_gateway:
                continue
            try:
                await self._async_read_gateway(lock_id)
            except LOCK_SKIPPED_ERRORS as err:
                _LOGGER.debug("Gateway of TTLock lock %s not read: %s", lock_id, err)

    async def _async_read_gateway(self, lock_id: int) -> None:
        gateways = await self._client.async_list_lock_gateways(lock_id)
        self._account.state(lock_id).gateway_id = gateways[0].gateway_id if gateways else None

    def forget(self, lock_id: int) -> None:
        """The lock is gone."""
        self._skipped.discard(lock_id)
        self._gateway_stale.discard(lock_id)
        self._passage_unread.discard(lock_id)

    async def async_read(self, lock_ids: list[int], *, daily: bool) -> None:
        """lock/detail of these locks, and what it says must be read again."""
        for lock_id in lock_ids:
            lock = self._account.locks[lock_id]
            previous = self._account.details.get(lock_id)
            state = self._account.state(lock_id)
            try:
                detail = await self._client.async_get_lock_detail(lock_id)
                if not lock.has_gateway:
                    state.gateway_id = None
                elif self._gateway_unknown(lock_id):
                    await self._async_read_gateway(lock_id)
            except LOCK_SKIPPED_ERRORS as err:
                # One lock the account may not manage must not break the others.
                _LOGGER.warning("Skipping details of TTLock lock %s: %s", lock_id, err)
                self._skipped.add(lock_id)
                continue
            self._gateway_stale.discard(lock_id)
            self._skipped.discard(lock_id)
            self._account.details[lock_id] = detail
            state.auto_lock_seconds = detail.auto_lock_time
            if detail.passage_mode is not None:
                state.passage_mode = detail.passage_mode
            if detail.battery is not None:
                state.battery = detail.battery
            if detail.sound_enabled is not None:
                state.sound_enabled = detail.sound_enabled
            if lock.supports(Feature.PASSAGE_MODE) and (
                daily
                or previous is None
                or state.passage_config is None
                or previous.passage_mode != detail.passage_mode
                or lock_id in self._passage_unread
            ):
                await self.async_read_passage(lock_id)
            self._passage_changed(lock_id)

    def _gateway_unknown(self, lock_id: int) -> bool:
        """A gateway lock whose relaying gateway is not known (or may have changed)."""
        gateway_id = self._account.state(lock_id).gateway_id
        return (
            lock_id in self._gateway_stale
            or gateway_id is None
            or gateway_id not in self._account.gateways
        )

    async def async_read_passage(self, lock_id: int) -> None:
        """The lock's passage schedule (a cloud read, no lock woken); a failure keeps the last.

        Account-wide refusals still fail the poll.
        """
        self._passage_unread.add(lock_id)
        try:
            config = await self._client.async_get_passage_mode_config(lock_id)
        except ACCOUNT_ERRORS:
            raise
        except TTLockError as err:
            _LOGGER.debug("Passage schedule of TTLock lock %s not read: %s", lock_id, err)
            return
        self._passage_unread.discard(lock_id)
        state = self._account.state(lock_id)
        state.passage_config = config
        state.passage_mode = config.enabled
