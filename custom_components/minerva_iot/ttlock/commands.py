"""Commands sent to a lock through the cloud, and what the coordinator is told after each.

Each calls the client and, once the cloud accepted it, hands its effect to the coordinator,
which assumes it at once (the lock answers slowly, through its gateway) and, for a lock or
unlock, waits for the confirming push (coordinator.py). Errors are the client's; the entities
and actions translate them (errors.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from custom_components.minerva_iot.clients.ttlock import TTLockRemoteUnlockDisabledError

from .issues import async_delete_remote_unlock_issue, async_raise_remote_unlock_issue

if TYPE_CHECKING:
    from .coordinator import TTLockCoordinator


async def async_lock_command(coordinator: TTLockCoordinator, lock_id: int, *, lock: bool) -> None:
    """Lock or unlock through the gateway."""
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
    coordinator.async_commanded_bolt(lock_id, locked=lock)


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
