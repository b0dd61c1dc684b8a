"""Quota-aware coordinator of one TTLock account.

Callback pushes are the primary source of lock state. Polling is cheap and account-wide: one
`lock/list` and one `gateway/list` per poll. Per-lock `lock/detail` (auto-lock time, passage mode)
runs on a slow tier; the passage schedule, the passcode lists and the lock's gateway only when
something says they changed or on a daily tier (details.py); the slow tier also runs the
door-sensor reads and the opt-in safety re-check (state_queries.py: `queryOpenState` wakes locks).

Pushes are merged into the lock states, then shown lock by lock, then reported (pushes.py).
Commands, checks and the relock / passage timers of one lock also notify that lock alone; polls
go through the coordinator's listeners (every entity, new entities).

Commands (commands.py) call the client and hand their effect to `async_commanded_bolt` or
`async_commanded_settings`; a lock or unlock is then confirmed by its push, or, when none arrives
in time, by one read of the lock's records (`async_apply_records`, like a push).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
import contextlib
from datetime import datetime
from functools import partial
import logging
from typing import TYPE_CHECKING, Any

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryAuthFailed
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed
from homeassistant.util import dt as dt_util

from custom_components.minerva_iot.backoff import RateLimitBackoff
from custom_components.minerva_iot.clients.ttlock import (
    TTLockAuthError,
    TTLockClient,
    TTLockClockSkewError,
    TTLockError,
    TTLockGateway,
    TTLockLock,
    TTLockQuotaExceededError,
    TTLockRecord,
)
from custom_components.minerva_iot.clients.ttlock.callback import CallbackPush
from custom_components.minerva_iot.const import DOMAIN
from custom_components.minerva_iot.device_updates import DeviceUpdates
from custom_components.minerva_iot.issues import async_delete_entry_issue
from custom_components.minerva_iot.stale_devices import DeviceListing

from .const import QUOTA_BACKOFF
from .details import ACCOUNT_ERRORS, LockDetails
from .devices import async_sync_gateway_devices
from .identifiers import gateway_identifier, lock_identifier
from .issues import (
    ISSUE_CLOCK_SKEW,
    ISSUE_QUOTA,
    async_check_push_silence,
    async_delete_remote_unlock_issue,
    async_raise_account_issue,
)
from .options import TTLockOptions
from .passcode_cache import PasscodeCache, locks_with_passcodes
from .pushes import PushIntake
from .reachability import LockReachability
from .state import TTLockAccount
from .state_queries import LockStateQueries
from .tracking import Confirm, LockTracker

if TYPE_CHECKING:
    from .data import TTLockConfigEntry

_LOGGER = logging.getLogger(__name__)

# The listener context of the event entities: they run after every other listener of an update.
RECORDS = "records"
# The account's entity that follows commands (`account_updates`, by entity key; the last push:
# pushes.py); the others (buttons) change only with polls.
ACCOUNT_API_CALLS = "api_calls_today"
# After a second, third... quota refusal in a row the pause doubles, up to a day.
QUOTA_MAX_PAUSE_S = 24 * 3600


class TTLockCoordinator(DataUpdateCoordinator[TTLockAccount]):
    """Polls the account cheaply and merges callback pushes into the lock states."""

    config_entry: TTLockConfigEntry

    def __init__(self, hass: HomeAssistant, entry: TTLockConfigEntry, client: TTLockClient) -> None:
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
        self.account = TTLockAccount()
        self.quota_backoff = RateLimitBackoff(
            first_pause_s=QUOTA_BACKOFF.total_seconds(), max_pause_s=QUOTA_MAX_PAUSE_S
        )
        # The cloud's lock and gateway lists: a device is believed gone after a few (stale_devices).
        self.lock_listing: DeviceListing[int] = DeviceListing()
        self.gateway_listing: DeviceListing[int] = DeviceListing()
        self._device_removals: dict[str, int] = {}
        # The last poll was refused for the login: entities are unavailable until reauth.
        self.auth_failed = False
        # Per-lock dispatchers: a push, command or timer of a lock runs that lock's entities
        # (then its event entities), not the account's.
        self.lock_updates: DeviceUpdates[int] = DeviceUpdates()
        self.record_updates: DeviceUpdates[int] = DeviceUpdates()
        self.account_updates: DeviceUpdates[str] = DeviceUpdates()
        self.tracker = LockTracker(
            hass,
            entry,
            self.account,
            on_change=self.async_update_lock,
        )
        self.details = LockDetails(
            client,
            self.account,
            self.options.slow_interval,
            passage_changed=self.tracker.passage.update,
        )
        # Which locks are controllable and have a door sensor (options, listings, sightings).
        self.reach = LockReachability(hass, entry.entry_id, self.account, self.options)
        self.state_queries = LockStateQueries(hass, client, self.account, self.reach, self.options)
        self.pushes = PushIntake(
            hass,
            entry.entry_id,
            self.account,
            self.tracker,
            self.reach,
            account_updates=self.account_updates,
            update_locks=lambda lock_ids, new: self.async_update_locks(lock_ids, new=new),
        )
        # Event entities (context RECORDS): they report the records of an update last.
        self._record_reporters: list[CALLBACK_TYPE] = []
        # Passcodes per lock for the calendars: slow tier and after passcode actions only.
        self.passcodes = PasscodeCache(client)

    # ---------------------------------------------------------------------- listeners

    @callback
    def async_add_listener(
        self, update_callback: CALLBACK_TYPE, context: Any = None
    ) -> Callable[[], None]:
        """Listen for updates; with the `RECORDS` context, after every other listener."""
        if context != RECORDS:
            return super().async_add_listener(update_callback, context)
        self._record_reporters.append(update_callback)
        return partial(self._record_reporters.remove, update_callback)

    @callback
    def async_update_listeners(self) -> None:
        """Every entity shows the update; then the event entities report its records."""
        super().async_update_listeners()
        for report in list(self._record_reporters):
            report()

    @callback
    def async_update_lock(self, lock_id: int, *, new: bool = False) -> None:
        """A command, check, re-read or timer changed this lock (`new`: it may need entities).

        The account's API calls follow too: most of these made a cloud call.
        """
        self.account_updates.notify((ACCOUNT_API_CALLS,))
        self.async_update_locks((lock_id,), new=(lock_id,) if new else ())

    @callback
    def async_update_locks(self, lock_ids: Collection[int], *, new: Collection[int] = ()) -> None:
        """These locks changed: their entities write, then their event entities report."""
        self.lock_updates.notify(lock_ids, new=new)
        self.record_updates.notify(lock_ids)

    def new_records(self, lock_id: int) -> list[TTLockRecord]:
        """The records of `lock_id` the update being reported brought, oldest first."""
        return self.pushes.new_records(lock_id)

    @property
    def last_push(self) -> datetime | None:
        """When a push about this account's locks last arrived (None: none since start-up)."""
        return self.pushes.last_push

    # ------------------------------------------------------------------------ polling

    async def _async_setup(self) -> None:
        """What the locks taught before (clock offsets, auto-lock delays), before any record."""
        await self.tracker.learning.async_load()
        await self.reach.async_load()

    async def _async_update_data(self) -> TTLockAccount:
        now = dt_util.utcnow()
        if self.quota_backoff.active:
            raise UpdateFailed(translation_domain=DOMAIN, translation_key="ttlock_quota_backoff")
        try:
            locks = await self.client.async_list_locks()
            gateways = await self.client.async_list_gateways()
            if self._looks_like_a_hiccup(locks, gateways):
                raise UpdateFailed(translation_domain=DOMAIN, translation_key="ttlock_empty_list")
            self._merge_lists(locks, gateways)
            slow_tier_due, daily_tier_due = self.details.tiers_due(now)
            due = self.details.due(slow_tier_due)
            first_sight = [lock_id for lock_id in due if lock_id not in self.account.details]
            await self.details.async_read(due, daily=daily_tier_due)
            await self.details.async_read_moved()
            await self.state_queries.async_learn_reach(slow_tier_due)
            await self.passcodes.async_refresh(
                locks_with_passcodes(
                    self.account.locks.values(), None if daily_tier_due else first_sight
                )
            )
            if slow_tier_due:
                await self.state_queries.async_safety_recheck()
        except TTLockAuthError as err:
            self.auth_failed = True
            raise ConfigEntryAuthFailed(
                translation_domain=DOMAIN, translation_key="ttlock_auth_failed"
            ) from err
        except TTLockQuotaExceededError as err:
            self.quota_backoff.pause(None)
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
        self.quota_backoff.reset()
        self.auth_failed = False
        for issue in (ISSUE_QUOTA, ISSUE_CLOCK_SKEW):
            async_delete_entry_issue(self.hass, issue, self.config_entry.entry_id)
        async_check_push_silence(
            self.hass,
            self.config_entry,
            locks_can_push=any(self.reach.controllable(lock_id) for lock_id in self.account.locks),
            silent_for=self.pushes.silent_for(now),
        )
        return self.account

    def _looks_like_a_hiccup(self, locks: list[TTLockLock], gateways: list[TTLockGateway]) -> bool:
        """Count the listings (stale_devices.py); an empty one is a failed poll for a while.

        The cloud sometimes answers an empty list; believing it would make every lock
        unavailable. Only when it persists for a few polls were they really all deleted.
        """
        locks_failed = self.lock_listing.observe(
            self.account.locks, {lock.lock_id for lock in locks}
        )
        gateways_failed = self.gateway_listing.observe(
            self.account.gateways, {gateway.gateway_id for gateway in gateways}
        )
        return locks_failed or gateways_failed

    def _merge_lists(self, locks: list[TTLockLock], gateways: list[TTLockGateway]) -> None:
        """Adopt the new lists; a lock or gateway missing from them stays until believed gone.

        One believed gone is left out (its entities are unavailable) but keeps its device and
        state until the user deletes the device (async_remove_config_entry_device).
        """
        self.account.locks = {
            lock_id: lock
            for lock_id, lock in self.account.locks.items()
            if not self.lock_listing.gone(lock_id)
        } | {lock.lock_id: lock for lock in locks}
        self.account.gateways = {
            gateway_id: gateway
            for gateway_id, gateway in self.account.gateways.items()
            if not self.gateway_listing.gone(gateway_id)
        } | {gateway.gateway_id: gateway for gateway in gateways}
        self.details.gateways_listed(self.account.gateways)
        for lock in locks:
            if lock.battery is not None:
                self.account.state(lock.lock_id).battery = lock.battery
        async_sync_gateway_devices(self.hass, self.config_entry, gateways)

    @callback
    def async_passcodes_changed(self, lock_id: int) -> None:
        """A passcode action changed the lock's passcodes: re-read them (one list, not per query)."""
        if self.passcodes.start_reread(lock_id):
            self.config_entry.async_create_task(
                self.hass, self._async_reread_passcodes(lock_id), f"TTLock passcodes of {lock_id}"
            )

    async def _async_reread_passcodes(self, lock_id: int) -> None:
        if await self.passcodes.async_reread(lock_id):
            self.async_update_lock(lock_id)

    def device_removals(self, identifier: str) -> int:
        """How often the device `identifier` was removed (its entities went with it)."""
        return self._device_removals.get(identifier, 0)

    @callback
    def forget_gateway(self, gateway_id: int) -> None:
        """The user deleted the gateway's device: if it comes back, it needs new entities.

        Dropped from the account too: one missed by fewer than 3 lists would otherwise bring
        its device back at the next update.
        """
        self.account.gateways.pop(gateway_id, None)
        self.gateway_listing.forget(gateway_id)
        identifier = gateway_identifier(gateway_id)
        self._device_removals[identifier] = self.device_removals(identifier) + 1

    @callback
    def forget_lock(self, lock_id: int) -> None:
        """The user deleted the lock's device: drop it, its state, details, timers and repair."""
        self.account.locks.pop(lock_id, None)
        self.lock_listing.forget(lock_id)
        identifier = lock_identifier(lock_id)
        self._device_removals[identifier] = self.device_removals(identifier) + 1
        self.account.states.pop(lock_id, None)
        self.account.details.pop(lock_id, None)
        self.details.forget(lock_id)
        self.passcodes.forget(lock_id)
        self.tracker.forget(lock_id)
        self.reach.forget(lock_id)
        async_delete_remote_unlock_issue(self.hass, self.config_entry, lock_id)

    async def _async_reread_passage(self, lock_id: int) -> None:
        """After a passage-mode change: the schedule as the cloud now has it.

        An account-wide refusal is left to the next poll to report.
        """
        with contextlib.suppress(*ACCOUNT_ERRORS):
            await self.details.async_read_passage(lock_id)
        self.tracker.passage.update(lock_id)
        self.async_update_lock(lock_id)

    async def async_check_state(self, lock_id: int) -> None:
        """On demand (button, first sight of a lock): ask the lock and show the answer."""
        self.async_update_lock(lock_id, new=await self.state_queries.async_query(lock_id))

    def state_queried(self, lock_id: int) -> bool:
        """Whether the lock was already asked since set-up (even if that failed)."""
        return self.state_queries.queried(lock_id)

    # ----------------------------------------------------------------------- commands

    @callback
    def async_commanded_bolt(
        self, lock_id: int, *, locked: bool, sent_ms: int, confirm: Confirm
    ) -> None:
        """A lock or unlock command went through: assume it until its record (or `confirm`)."""
        news = self.reach.saw_reached(lock_id)
        self.tracker.commanded_bolt(lock_id, locked=locked, sent_ms=sent_ms, confirm=confirm)
        self.async_update_lock(lock_id, new=news)

    @callback
    def async_commanded_settings(
        self,
        lock_id: int,
        *,
        passage_mode: bool | None = None,
        auto_lock_seconds: int | None = None,
        sound_enabled: bool | None = None,
    ) -> None:
        """A settings command went through: show the new settings."""
        news = self.reach.saw_reached(lock_id)
        self.tracker.commanded_settings(
            lock_id,
            passage_mode=passage_mode,
            auto_lock_seconds=auto_lock_seconds,
            sound_enabled=sound_enabled,
        )
        self.async_update_lock(lock_id, new=news)
        if passage_mode is not None:
            self.config_entry.async_create_task(
                self.hass,
                self._async_reread_passage(lock_id),
                f"TTLock passage schedule of {lock_id}",
            )

    # -------------------------------------------------------------------------- pushes

    @callback
    def async_handle_push(self, push: CallbackPush) -> None:
        """A push of the account's callback URL (webhook.py): pushes.py applies it."""
        self.pushes.async_handle_push(push)

    @callback
    def async_apply_records(self, records: Iterable[TTLockRecord]) -> None:
        """Records of a push or of a command's confirmation read (pushes.py)."""
        self.pushes.async_apply_records(records)

    async def async_shutdown(self) -> None:
        """Cancel the timers and keep what the locks taught on unload."""
        await super().async_shutdown()
        self.tracker.cancel_all()
        await self.tracker.learning.async_save()
        await self.reach.observations.async_save()
