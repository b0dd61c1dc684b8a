"""The simulators' devices and locks, and the Home Assistant entities that stand for them.

Shared by the test modules so that each one can run alone (no module imports another's state).
Entities are found through Home Assistant's registries (device, then entity), never by guessing
entity ids, and every wait is bounded.
"""

from __future__ import annotations

import random
from typing import Any

import aiohttp

from .entries import device_matching, wait_entity, wait_state
from .hass_client import HomeAssistantClient, poll
from .wire import get_json, milesight_headers, milesight_property_event

# Seeded: a failing run delivers the same values when repeated.
_RNG = random.Random(0)

SIM_TIMEOUT = 30.0


# --- Milesight ------------------------------------------------------------------------------


async def milesight_cold_store(session: aiohttp.ClientSession, sim_url: str) -> dict[str, Any]:
    """The simulated EM300-TH (temperature and humidity), as the simulator's API describes it."""
    devices = await get_json(session, f"{sim_url}/_sim/devices")
    return next(device for device in devices if device["model"] == "EM300-TH")


async def milesight_sensor(
    ha: HomeAssistantClient, entry_id: str, device: dict[str, Any], device_class: str
) -> str:
    """The sensor of one simulated device with the given device class."""
    registry_device = await poll(
        lambda: device_matching(ha, entry_id, device["sn"], device["devEUI"], device["deviceId"]),
        within=45,
        what=f"the device of {device['sn']} in the device registry",
    )

    def matches(registered: dict[str, Any], state: dict[str, Any]) -> bool:
        return bool(
            registered.get("device_id") == registry_device["id"]
            and state["attributes"].get("device_class") == device_class
        )

    return await wait_entity(
        ha, entry_id, "sensor", matches, f"the {device_class} sensor of {device['sn']}"
    )


def value_other_than(current: str | None, low: float = 10.0, high: float = 30.0) -> float:
    """A reading (one decimal) whose state text differs from `current`, so a change shows."""
    while True:
        value = round(_RNG.uniform(low, high), 1)
        if str(value) != current:
            return value


async def post_signed_reading(
    session: aiohttp.ClientSession,
    webhook_url: str,
    device: dict[str, Any],
    payload: dict[str, Any],
    secret: str,
) -> tuple[int, str]:
    """POST one PROPERTY delivery signed with `secret`; the webhook's (status, body)."""
    delivery = [milesight_property_event(device, payload)]
    async with session.post(webhook_url, json=delivery, headers=milesight_headers(secret)) as reply:
        return reply.status, await reply.text()


# --- TTLock ---------------------------------------------------------------------------------


async def ttlock_manual_lock(session: aiohttp.ClientSession, sim_url: str) -> dict[str, Any]:
    """The simulated lock without auto-lock (its state only changes when we change it)."""
    locks = await get_json(session, f"{sim_url}/_sim/locks")
    return next(lock for lock in locks.values() if not lock["autoLockTime"])


async def ttlock_lock_entity(ha: HomeAssistantClient, entry_id: str, lock: dict[str, Any]) -> str:
    """The lock entity of one simulated lock."""
    device = await poll(
        lambda: device_matching(ha, entry_id, str(lock["lockId"]), lock["alias"]),
        within=45,
        what=f"the device of lock {lock['lockId']}",
    )

    def is_that_lock(registered: dict[str, Any], state: dict[str, Any]) -> bool:
        return bool(registered.get("device_id") == device["id"])

    return await wait_entity(ha, entry_id, "lock", is_that_lock, f"the lock {lock['alias']}")


async def ttlock_activity_entity(
    ha: HomeAssistantClient, entry_id: str, lock_entity_id: str
) -> str:
    """The activity event entity of the same device as a lock entity."""
    registry = await ha.entity_registry(entry_id)
    device_id = next(e["device_id"] for e in registry if e["entity_id"] == lock_entity_id)

    def is_activity(registered: dict[str, Any], state: dict[str, Any]) -> bool:
        return bool(
            registered.get("device_id") == device_id
            and "failed_attempt" in (state["attributes"].get("event_types") or [])
        )

    return await wait_entity(
        ha, entry_id, "event", is_activity, f"the activity event of {lock_entity_id}"
    )


async def sim_lock_is_locked(session: aiohttp.ClientSession, sim_url: str, lock_id: int) -> bool:
    """Whether the simulated lock is locked right now."""
    locks = await get_json(session, f"{sim_url}/_sim/locks")
    return bool(locks[str(lock_id)]["locked"])


async def wait_sim_lock(
    session: aiohttp.ClientSession, sim_url: str, lock_id: int, *, locked: bool
) -> None:
    """Wait until the simulated lock is locked (or unlocked)."""

    async def reached() -> bool:
        return await sim_lock_is_locked(session, sim_url, lock_id) is locked

    await poll(
        reached,
        within=SIM_TIMEOUT,
        what=f"the simulated lock {lock_id} to {'lock' if locked else 'unlock'}",
    )


async def wait_lock_entity(
    ha: HomeAssistantClient, entity_id: str, state: str, changed_by: str | None = None
) -> dict[str, Any]:
    """Wait until a lock entity shows `state` (and, when given, exactly `changed_by`)."""

    def reached(current: dict[str, Any]) -> bool:
        if current["state"] != state:
            return False
        return changed_by is None or current["attributes"].get("changed_by") == changed_by

    who = f" by {changed_by!r}" if changed_by else ""
    return await wait_state(ha, entity_id, reached, f"{entity_id} {state}{who}")
