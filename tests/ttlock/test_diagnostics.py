"""TTLock diagnostics: useful content, no secrets."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from simulators.ttlock import TTLockSimulator

from .conftest import FRONT_DOOR, WEBHOOK_ID, PostCallback


@pytest.fixture
async def diagnostics_component(hass: HomeAssistant) -> None:
    """Set up before any HTTP client starts (the router freezes then)."""
    assert await async_setup_component(hass, "diagnostics", {})


async def test_diagnostics_are_redacted(
    diagnostics_component: None,
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    sim: TTLockSimulator,
    loaded_entry: MockConfigEntry,
    post_callback: PostCallback,
) -> None:
    """Tokens, lock secrets, passcodes and the webhook id never leave Home Assistant."""
    await post_callback(sim.build_callback(FRONT_DOOR, 4, keyboardPwd="482913"))
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, loaded_entry)
    text = str(diagnostics)
    token = loaded_entry.data["token"]
    for secret in (
        token["access_token"],
        token["refresh_token"],
        WEBHOOK_ID,
        *(
            secret
            for lock in sim.locks.values()
            for secret in (
                lock.lock_data,
                lock.admin_pwd,
                lock.no_key_pwd,
                lock.delete_pwd,
                lock.aes_key,
                lock.lock_key,
            )
        ),
        "482913",
        # The entry title is the app account's e-mail address.
        loaded_entry.title,
        # Lock names default to the model and MAC bytes; the gateway's network is the home WiFi.
        sim.locks[FRONT_DOOR].name,
        "sim-wifi",
    ):
        assert secret not in text
    assert diagnostics["entry"]["data"]["token"] == "**REDACTED**"
    assert diagnostics["coordinator"]["calls_today"] > 0
    assert diagnostics["coordinator"]["last_push"] is not None
    assert {lock["lockId"] for lock in diagnostics["locks"]} == {4711001, 4711002}
    assert {detail["lockId"] for detail in diagnostics["details"]} == {4711001, 4711002}
    assert {detail["autoLockTime"] for detail in diagnostics["details"]} == {5, 0}
    assert diagnostics["states"][str(FRONT_DOOR)]["locked"] is False
    assert diagnostics["states"][str(FRONT_DOOR)]["last_record"]["keyboardPwd"] == "**REDACTED**"


async def test_diagnostics_of_an_entry_that_failed(
    diagnostics_component: None,
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    entry: MockConfigEntry,
) -> None:
    """Still useful when the entry failed to load: the entry part only."""
    hass.config_entries.async_update_entry(
        entry, data={**entry.data, "auth_implementation": "gone"}
    )
    assert not await hass.config_entries.async_setup(entry.entry_id)
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    assert diagnostics["entry"]["state"] == "setup_error"
    assert "locks" not in diagnostics
