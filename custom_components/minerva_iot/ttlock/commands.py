"""Commands sent to a lock through the cloud, and what the coordinator is told after each.

Each calls the client and, once the cloud accepted it (errcode 0), hands its effect to the
coordinator, which shows it at once (the lock answers slowly, through its gateway or WiFi). A lock
or unlock then waits for its record: the push, which comes one to five minutes late in the field
(hass-ttlock #22, #72, #129), within `COMMAND_CONFIRM_TIMEOUT`. When it has not come, one
`lockRecord/list` read (the cloud's records: it does not wake the lock) confirms the command; the
lock itself is asked (`queryOpenState`, which wakes it) only when the user opted into the safety
re-check and the read found nothing. Errors are the client's; the entities and actions translate
them (errors.py).
"""

from __future__ import annotations

from functools import partial
import logging
from typing import TYPE_CHECKING, Any

from custom_components.minerva_iot.clients.ttlock import (
    TTLockError,
    TTLockRemoteUnlockDisabledError,
)

from .issues import async_delete_remote_unlock_issue, async_raise_remote_unlock_issue
from .tracking import now_ms, received_since

if TYPE_CHECKING:
    from .coordinator import TTLockCoordinator

_LOGGER = logging.getLogger(__name__)

# lockRecord/list filters by the lock's clock, which may run far behind the cloud's (field
# facts §4: minutes): the read starts this much before the command, then keeps the records the
# cloud received after it (their serverDate).
CONFIRM_READ_MARGIN_MS = 60 * 60 * 1000
# One page of the newest records: one call, enough for the minutes since the command.
CONFIRM_READ_PAGE_SIZE = 20


async def async_lock_command(coordinator: TTLockCoordinator, lock_id: int, *, lock: bool) -> None:
    """Lock or unlock through the gateway or the lock's WiFi."""
    sent_ms = now_ms()
    if lock:
        await coordinator.client.async_lock(lock_id)
    else:
        try:
            await coordinator.client.async_unlock(lock_id)
        except TTLockRemoteUnlockDisabledError:
            # Persistent and translated: the user has to walk to the lock with the app.
            cloud_lock = coordinator.account.locks.get(lock_id)
            name = cloud_lock.display_name if cloud_lock else str(lock_id)
            async_raise_remote_unlock_issue(
                coordinator.hass, coordinator.config_entry, lock_id, name
            )
            raise
        async_delete_remote_unlock_issue(coordinator.hass, coordinator.config_entry, lock_id)
    coordinator.async_commanded_bolt(
        lock_id,
        locked=lock,
        sent_ms=sent_ms,
        confirm=partial(async_confirm_command, coordinator, lock_id, sent_ms),
    )


async def async_confirm_command(coordinator: TTLockCoordinator, lock_id: int, sent_ms: int) -> None:
    """No record confirmed a command sent at `sent_ms` in time: read the lock's records once.

    The records the cloud received since then are applied like a push (each is reported once,
    also if its push still comes). Still unconfirmed, the lock is asked only with the opt-in
    safety re-check; otherwise the commanded state, which the cloud accepted, stays.
    """
    try:
        records = await coordinator.client.async_list_records(
            lock_id,
            start_ms=sent_ms - CONFIRM_READ_MARGIN_MS,
            page_size=CONFIRM_READ_PAGE_SIZE,
            max_pages=1,
        )
    except TTLockError as err:
        _LOGGER.debug("Records of TTLock lock %s not read: %s", lock_id, err)
    else:
        # The list is newest first: oldest first, records of one instant keep the cloud's order.
        coordinator.async_apply_records(
            record for record in reversed(records) if received_since(record, sent_ms)
        )
    if coordinator.tracker.command_pending(lock_id) and coordinator.options.safety_recheck:
        await coordinator.async_check_state(lock_id)


async def async_set_passage_mode(
    coordinator: TTLockCoordinator,
    lock_id: int,
    enabled: bool,
    *,
    schedule: list[dict[str, Any]] | None = None,
    auto_unlock: bool | None = None,
) -> None:
    """Switch passage mode (optionally on a weekly schedule)."""
    await coordinator.client.async_set_passage_mode(
        lock_id, enabled, cyclic_config=schedule, auto_unlock=auto_unlock
    )
    coordinator.async_commanded_settings(lock_id, passage_mode=enabled)


async def async_set_auto_lock_time(
    coordinator: TTLockCoordinator, lock_id: int, seconds: int
) -> None:
    """Set the auto-lock delay (0 = off)."""
    await coordinator.client.async_set_auto_lock_time(lock_id, seconds)
    coordinator.async_commanded_settings(lock_id, auto_lock_seconds=seconds)


async def async_set_sound(coordinator: TTLockCoordinator, lock_id: int, enabled: bool) -> None:
    """Switch the lock's sound on or off."""
    await coordinator.client.async_set_sound(lock_id, enabled)
    coordinator.async_commanded_settings(lock_id, sound_enabled=enabled)
