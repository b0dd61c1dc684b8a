"""A TTLock account for the benchmarks: N simulated locks and the entry the config flow would store."""

from __future__ import annotations

import time
from typing import Any

from homeassistant.components.application_credentials import (
    ClientCredential,
    async_import_client_credential,
)
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import (  # type: ignore[import-untyped]
    MockConfigEntry,
)

from custom_components.minerva_iot.const import DOMAIN
from simulators.ttlock import (
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    DEFAULT_UID,
    DEFAULT_USERNAME,
    SimulatedLock,
    TTLockSimulator,
)

WEBHOOK_ID = "benchmark-ttlock-webhook"


def populate(sim: TTLockSimulator, count: int) -> None:
    """``count`` locks, all behind the simulator's gateway 9001 (copies of the front door)."""
    template = next(iter(sim.locks.values()))
    sim.locks = {}
    for index in range(count):
        lock_id = 4711001 + index
        sim.locks[lock_id] = SimulatedLock(
            lock_id=lock_id,
            name=f"S31_{index:06x}",
            alias=f"Door {index + 1}",
            mac=f"AA:BB:CC:{index >> 16 & 255:02X}:{index >> 8 & 255:02X}:{index & 255:02X}",
            feature_value=template.feature_value,
            gateway_id=template.gateway_id,
            auto_lock_time=5,
            has_door_sensor=index % 2 == 0,
        )


async def add_entry(
    hass: HomeAssistant, sim: TTLockSimulator, options: dict[str, Any]
) -> MockConfigEntry:
    """The entry as the config flow stores it, with a token the simulator issued (as in tests)."""
    if not await async_setup_component(hass, "application_credentials", {}):
        raise RuntimeError("application_credentials did not set up")
    await async_import_client_credential(
        hass,
        DOMAIN,
        ClientCredential(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, "TTLock app"),
        DOMAIN,
    )
    token = sim.tokens.issue(sim.client_id, DEFAULT_UID, time.time())
    token.update(api_host=sim.url, expires_at=time.time() + token["expires_in"])
    entry = MockConfigEntry(
        domain=DOMAIN,
        title=DEFAULT_USERNAME,
        unique_id=str(DEFAULT_UID),
        data={
            "vendor": "ttlock",
            "auth_implementation": DOMAIN,
            "token": token,
            "region": "eu",
            "api_url": sim.url,
            "username": DEFAULT_USERNAME,
            "webhook_id": WEBHOOK_ID,
        },
        options=options,
    )
    entry.add_to_hass(hass)
    if not await hass.config_entries.async_setup(entry.entry_id):
        raise RuntimeError("the TTLock entry did not set up")
    # Includes the one-time state query of each lock Home Assistant never saw (first set-up).
    await hass.async_block_till_done(wait_background_tasks=True)
    return entry
