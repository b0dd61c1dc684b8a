"""Fixtures of the TTLock tests: an in-process TTLock cloud simulator and a config entry using it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
import sys
import time
import types
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.application_credentials import (
    ClientCredential,
    async_import_client_credential,
)
from homeassistant.core import HomeAssistant
from homeassistant.core_config import async_process_ha_core_config
from homeassistant.helpers import device_registry as dr
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.minerva_iot.const import DOMAIN
from simulators.ttlock import (
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    DEFAULT_UID,
    DEFAULT_USERNAME,
    TTLockSimulator,
)

FRONT_DOOR = 4711001
BACK_DOOR = 4711002
GATEWAY = 9001
WEBHOOK_ID = "ttlock-test-webhook"
EXTERNAL_URL = "https://ha.example.com"
# At first set-up Home Assistant knows no lock state, so it asks every reachable lock once
# (front and back door, both behind the gateway): the baseline of queryOpenState counts.
FIRST_SETUP_STATE_QUERIES = 2


def find_device(hass: HomeAssistant, identifier: str) -> dr.DeviceEntry | None:
    """The device with our `identifier` (without the lookup HA 2026.8 deprecated)."""
    registry = dr.async_get(hass)
    return next(
        (
            device
            for entry in hass.config_entries.async_entries(DOMAIN)
            for device in dr.async_entries_for_config_entry(registry, entry.entry_id)
            if (DOMAIN, identifier) in device.identifiers
        ),
        None,
    )


def lock_device_id(hass: HomeAssistant, lock_id: int = FRONT_DOOR) -> str:
    """The registry id of a lock's device (what the actions take as `device_id`)."""
    device = find_device(hass, f"ttlock_lock_{lock_id}")
    assert device is not None
    return device.id


async def call_lock_action(
    hass: HomeAssistant, service: str, lock_id: int = FRONT_DOOR, **data: Any
) -> Any:
    """Call one of our actions on a lock, blocking, and return its response data."""
    return await hass.services.async_call(
        DOMAIN,
        service,
        {"device_id": lock_device_id(hass, lock_id), **data},
        blocking=True,
        return_response=True,
    )


async def advance_clock(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, seconds: float
) -> None:
    """Move the frozen clock and let what became due run to its end."""
    freezer.tick(timedelta(seconds=seconds))
    async_fire_time_changed(hass)
    # Scheduled polls run as background tasks doing real I/O with the simulator.
    await hass.async_block_till_done(wait_background_tasks=True)


@pytest.fixture
def cloud_component(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make `homeassistant.components.cloud` importable so tests can patch it.

    It needs optional native libraries that a test environment may lack; a stub with the few
    functions the integration calls stands in then (the tests patch them anyway).
    """
    try:
        from homeassistant.components import cloud  # noqa: F401
    except ImportError:
        import homeassistant.components

        stub = types.ModuleType("homeassistant.components.cloud")

        class CloudNotAvailable(Exception):
            """Stand-in for the real exception."""

        async def _unavailable(*args: Any, **kwargs: Any) -> Any:
            raise CloudNotAvailable

        stub.CloudNotAvailable = CloudNotAvailable  # type: ignore[attr-defined]
        stub.async_active_subscription = lambda hass: False  # type: ignore[attr-defined]
        stub.async_create_cloudhook = _unavailable  # type: ignore[attr-defined]
        stub.async_delete_cloudhook = _unavailable  # type: ignore[attr-defined]
        monkeypatch.setitem(sys.modules, "homeassistant.components.cloud", stub)
        monkeypatch.setattr(homeassistant.components, "cloud", stub, raising=False)


@pytest.fixture
def sim(ttlock_sim: TTLockSimulator) -> TTLockSimulator:
    """The TTLock cloud simulator (tests/plugins/simulators.py); tests post pushes themselves."""
    return ttlock_sim


@pytest.fixture
async def credential(hass: HomeAssistant) -> None:
    """The simulator's developer application as a Home Assistant application credential."""
    await async_process_ha_core_config(hass, {"external_url": EXTERNAL_URL})
    assert await async_setup_component(hass, "application_credentials", {})
    await async_import_client_credential(
        hass,
        DOMAIN,
        ClientCredential(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, "TTLock app"),
        DOMAIN,
    )


def entry_data(sim: TTLockSimulator, uid: int = DEFAULT_UID, **overrides: Any) -> dict[str, Any]:
    """Entry data as the config flow stores it, with a token the simulator issued."""
    token = sim.tokens.issue(sim.client_id, uid, time.time())
    token.update(api_host=sim.url, expires_at=time.time() + token["expires_in"])
    return {
        "vendor": "ttlock",
        "auth_implementation": DOMAIN,
        "token": token,
        "region": "eu",
        "api_url": sim.url,
        "username": DEFAULT_USERNAME,
        "webhook_id": WEBHOOK_ID,
        **overrides,
    }


@pytest.fixture
def entry(hass: HomeAssistant, sim: TTLockSimulator, credential: None) -> MockConfigEntry:
    """A TTLock entry (not yet set up) pointing at the simulator."""
    config_entry = MockConfigEntry(
        domain=DOMAIN,
        title=DEFAULT_USERNAME,
        unique_id=str(DEFAULT_UID),
        data=entry_data(sim),
        # No options: the defaults (no lock-waking safety re-check) are what the tests exercise.
    )
    config_entry.add_to_hass(hass)
    return config_entry


@pytest.fixture
async def loaded_entry(hass: HomeAssistant, entry: MockConfigEntry) -> MockConfigEntry:
    """The TTLock entry, set up (including the one-time state query of never-seen locks).

    Waiting for that background query matters: a test that moves the clock while it is in
    flight would also fire its HTTP timeout.
    """
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    return entry


type PostCallback = Callable[..., Awaitable[str]]


@pytest.fixture
async def post_callback(hass: HomeAssistant, hass_client_no_auth: Any) -> PostCallback:
    """POST form fields to a webhook like the TTLock cloud does; returns the reply text."""
    client = await hass_client_no_auth()

    async def _post(fields: dict[str, str] | str | bytes, webhook_id: str = WEBHOOK_ID) -> str:
        response = await client.post(f"/api/webhook/{webhook_id}", data=fields)
        assert response.status == 200
        text: str = await response.text()
        await hass.async_block_till_done()
        return text

    return _post
