"""Quota-aware coordinator of one TTLock account.

Callback pushes are the primary source of lock state. Polling is cheap and account-wide: one
`lock/list` and one `gateway/list` per poll. Per-lock `lock/detail` (auto-lock time, passage mode)
runs on a slow tier; the passage schedule, the passcode lists and the lock's gateway only when
something says they changed or on a daily tier (details.py); the slow tier also runs the opt-in
safety re-check (`queryOpenState`, which wakes the
lock and drains its batteries: off by default), and the door-sensor read (`doorSensor/query`)
of locks that may have one. `queryOpenState` otherwise runs only once for a lock whose state
Home Assistant never knew (or whose reachability it does not know: reachability.py), when the user
presses "Check lock state", or, with the opt-in re-check, when a command stays unconfirmed.

A push is merged into the lock states first; then only the entities of the locks it names write
their state (the per-lock dispatcher `lock_updates`, device_updates.py: a push costs O(entities
of its locks), not of the account), the account's entities when the push changed them (last
push), and only then do those locks' event entities (`record_updates`) report the push's
records and the bus events fire. An event or automation never sees a record before the lock
state it implies. Commands, checks and the relock / passage timers of one lock also notify that
lock alone; polls go through the coordinator's listeners (every entity, new entities).

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

from homeassistant.const import Platform
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryAuthFailed
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed
from homeassistant.util import dt as dt_util

from custom_components.minerva_iot.backoff import RateLimitBackoff
from custom_components.minerva_iot.clients.ttlock import (
    Feature,
    OpenState,
    TTLockAuthError,
    TTLockClient,
    TTLockClockSkewError,
    TTLockError,
    TTLockGateway,
    TTLockLock,
    TTLockOpenStatus,
    TTLockQuotaExceededError,
    TTLockRecord,
)
from custom_components.minerva_iot.clients.ttlock.callback import CallbackPush, RecordKind
from custom_components.minerva_iot.const import DOMAIN
from custom_components.minerva_iot.device_updates import DeviceUpdates
from custom_components.minerva_iot.issues import async_delete_entry_issue
from custom_components.minerva_iot.stale_devices import DeviceListing

from .const import QUOTA_BACKOFF
from .details import ACCOUNT_ERRORS, LockDetails
from .devices import async_remove_lock_entity, async_sync_gateway_devices
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
from .passcode_cache import PasscodeCache
from .reachability import DOOR_ENTITY_KEY, LockReachability
from .records import SeenRecords, async_fire_record_event, record_kind
from .state import TTLockAccount
from .tracking import Confirm, LockTracker, now_ms

if TYPE_CHECKING:
    from .data import TTLockConfigEntry

_LOGGER = logging.getLogger(__name__)

# The listener context of the event entities: they run after every other listener of an update.
RECORDS = "records"
# The account's entities that follow pushes and commands (`account_updates`, by entity key);
# the others (buttons) change only with polls.
ACCOUNT_LAST_PUSH = "last_callback_push"
ACCOUNT_API_CALLS = "api_calls_today"
# After a second, third... quota refusal in a row the pause doubles, up to a day.
QUOTA_MAX_PAUSE_S = 24 * 3600
_DOOR_KINDS = (RecordKind.DOOR_OPENED, RecordKind.DOOR_CLOSED)


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
        self.last_push: datetime | None = None
        # Start of the "no push for N days" watch when no push arrived since start-up.
        self._push_watch_since = dt_util.utcnow()
        self.quota_backoff = RateLimitBackoff(
            first_pause_s=QUOTA_BACKOFF.total_seconds(), max_pause_s=QUOTA_MAX_PAUSE_S
        )
        # The cloud's lock and gateway lists: a device is believed gone after a few (stale_devices).
        self.lock_listing: DeviceListing[int] = DeviceListing()
        self.gateway_listing: DeviceListing[int] = DeviceListing()
        self._device_removals: dict[str, int] = {}
        # The last poll was refused for the login: entities are unavailable until reauth.
        self.auth_failed = False
        # Locks asked whether they are locked since the entry was set up (each ask wakes one).
        self._state_queried: set[int] = set()
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
        # Records already applied (a late push of one the confirmation read found, a repeat).
        self._seen_records = SeenRecords()
        # Event entities (context RECORDS), and the records of the update being reported.
        self._record_reporters: list[CALLBACK_TYPE] = []
        # Passcodes per lock for the calendars: slow tier and after passcode actions only.
        self.passcodes = PasscodeCache(client)
        self._passcode_rereads: set[int] = set()
        self._new_records: dict[int, list[TTLockRecord]] = {}

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
        return self._new_records.get(lock_id, [])

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
            await self._async_learn_reach(slow_tier_due)
            await self.passcodes.async_refresh(
                self._passcode_locks(None if daily_tier_due else first_sight)
            )
            if slow_tier_due:
                await self._async_safety_recheck()
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
            silent_for=now - max(self.last_push or self._push_watch_since, self._push_watch_since),
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

    def _passcode_locks(self, among: list[int] | None) -> list[int]:
        """The locks with passcodes (of `among`, or all)."""
        return [
            lock.lock_id
            for lock in self.account.locks.values()
            if lock.supports(Feature.PASSCODE) and (among is None or lock.lock_id in among)
        ]

    @callback
    def async_passcodes_changed(self, lock_id: int) -> None:
        """A passcode action changed the lock's passcodes: re-read them (one list, not per query)."""
        if lock_id in self._passcode_rereads:
            return
        self._passcode_rereads.add(lock_id)
        self.config_entry.async_create_task(
            self.hass, self._async_reread_passcodes(lock_id), f"TTLock passcodes of {lock_id}"
        )

    async def _async_reread_passcodes(self, lock_id: int) -> None:
        try:
            await self.passcodes.async_refresh([lock_id])
        except TTLockError as err:
            _LOGGER.debug("Passcodes of TTLock lock %s not re-read: %s", lock_id, err)
            return
        finally:
            self._passcode_rereads.discard(lock_id)
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

    async def _async_safety_recheck(self) -> None:
        """If the user allows it, ask every reachable lock whether it is locked (wakes it).

        One unreachable lock (gateway offline, lock busy, ...) keeps its state and does not fail
        the poll; account-wide refusals (auth, quota, clock) still do.
        """
        if not self.options.safety_recheck:
            return
        for lock in list(self.account.locks.values()):
            if not self.reach.controllable(lock.lock_id):
                continue
            try:
                await self.async_query_open_state(lock.lock_id)
            except ACCOUNT_ERRORS:
                raise
            except TTLockError as err:
                _LOGGER.debug("Safety re-check of TTLock lock %s failed: %s", lock.lock_id, err)

    async def _async_learn_reach(self, slow_tier_due: bool) -> None:
        """Ask locks never seen reachable once; read door sensors on the slow tier.

        A door entity registered (by 0.2.0) for a lock the cloud says has no sensor is removed,
        not left without an entity behind it.
        """
        for lock_id, status in (await self.reach.async_probe(self.client)).items():
            self._state_queried.add(lock_id)
            self.reach.saw_reached(lock_id)
            self._apply_open_status(lock_id, status)
        if slow_tier_due:
            for lock_id in await self.reach.async_query_door_sensors(self.client):
                async_remove_lock_entity(
                    self.hass, lock_id, Platform.BINARY_SENSOR, DOOR_ENTITY_KEY
                )

    async def async_query_open_state(self, lock_id: int) -> bool:
        """Ask the lock whether it is locked (wakes it through its gateway or WiFi).

        True when the answer taught something new about the lock (reached, a door sensor).
        """
        self._state_queried.add(lock_id)
        status = await self.client.async_query_open_status(lock_id)
        news = self.reach.saw_reached(lock_id)
        return self._apply_open_status(lock_id, status) or news

    def _apply_open_status(self, lock_id: int, status: TTLockOpenStatus) -> bool:
        """The bolt, and the door when the answer carries a door sensor's state (True: news)."""
        state = self.account.state(lock_id)
        if status.state is not OpenState.UNKNOWN:
            state.locked = status.state is OpenState.LOCKED
        if status.door_closed is not None:
            state.door_open = not status.door_closed
            return self.reach.saw_door_sensor(lock_id)
        return False

    async def async_check_state(self, lock_id: int) -> None:
        """On demand (button, first sight of a lock): ask the lock and show the answer."""
        self.async_update_lock(lock_id, new=await self.async_query_open_state(lock_id))

    def state_queried(self, lock_id: int) -> bool:
        """Whether the lock was already asked since set-up (even if that failed)."""
        return lock_id in self._state_queried

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
        """A push: the records of the locks this account owns (others are ignored).

        The developer console's test push proves the Callback URL works and concerns no lock.
        """
        if push.is_console_test:
            _LOGGER.info("TTLock console test push received: the callback URL works")
            self._push_watch_since = dt_util.utcnow()
            async_delete_entry_issue(self.hass, ISSUE_NO_PUSH, self.config_entry.entry_id)
            return
        if any(record.lock_id in self.account.locks for record in push.records):
            self.last_push = dt_util.utcnow()
            async_delete_entry_issue(self.hass, ISSUE_NO_PUSH, self.config_entry.entry_id)
            # The account's Last callback push, before the locks' entities and records.
            self.account_updates.notify((ACCOUNT_LAST_PUSH,))
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
            if record.lock_id in self.account.locks and self._seen_records.first_time(record)
        ]
        # Ordered on the cloud's clock: each lock's offset learned from these records too.
        self.tracker.observe_clocks(records)
        records.sort(key=lambda record: self.tracker.record_time(record, now))
        if not records:
            return
        news: set[int] = set()
        for record in records:
            self.tracker.apply_record(record)
            if self.reach.saw_reached(record.lock_id):
                news.add(record.lock_id)
            if (
                record.success
                and record_kind(record) in _DOOR_KINDS
                and self.reach.saw_door_sensor(record.lock_id)
            ):
                news.add(record.lock_id)
        reported = [(record, record_kind(record)) for record in records]
        for record, _kind in reported:
            self._new_records.setdefault(record.lock_id, []).append(record)
        try:
            self.async_update_locks(list(self._new_records), new=news)
        finally:
            self._new_records = {}
        for record, kind in reported:
            async_fire_record_event(self.hass, self.config_entry.entry_id, record, kind)

    async def async_shutdown(self) -> None:
        """Cancel the timers and keep what the locks taught on unload."""
        await super().async_shutdown()
        self.tracker.cancel_all()
        await self.tracker.learning.async_save()
        await self.reach.observations.async_save()
