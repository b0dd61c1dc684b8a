"""Fixtures of the Milesight tests: the in-process simulator and ready-made entries."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp.test_utils import TestClient
from homeassistant.core import HomeAssistant
from homeassistant.core_config import async_process_ha_core_config
from homeassistant.helpers import device_registry as dr
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.minerva_iot.const import DOMAIN
from simulators.milesight import (
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    DEFAULT_WEBHOOK_SECRET,
    MilesightSimulator,
)

WEBHOOK_ID = "0123456789abcdef0123456789abcdef"
EXTERNAL_URL = "https://ha.example.org"


@pytest.fixture(autouse=True)
def allow_loopback_sockets(socket_enabled: None) -> None:
    """The simulator runs on 127.0.0.1 (loopback only)."""


@pytest.fixture
def sim(milesight_sim: MilesightSimulator) -> MilesightSimulator:
    """The running Milesight cloud simulator (tests/plugins/simulators.py)."""
    return milesight_sim


@pytest.fixture
async def external_url(hass: HomeAssistant) -> str:
    """Give Home Assistant an external URL, so webhook URLs can be generated."""
    await async_process_ha_core_config(hass, {"external_url": EXTERNAL_URL})
    return EXTERNAL_URL


def api_entry(sim: MilesightSimulator, **options: Any) -> MockConfigEntry:
    """An API + webhook entry pointing at the simulator."""
    return MockConfigEntry(
        domain=DOMAIN,
        title="Milesight simulator",
        unique_id=DEFAULT_CLIENT_ID,
        data={
            "vendor": "milesight",
            "server_address": sim.url,
            "client_id": DEFAULT_CLIENT_ID,
            "client_secret": DEFAULT_CLIENT_SECRET,
            "webhook_secret": DEFAULT_WEBHOOK_SECRET,
            "webhook_id": WEBHOOK_ID,
        },
        options=options,
    )


def webhook_entry() -> MockConfigEntry:
    """A webhook-only entry."""
    return MockConfigEntry(
        domain=DOMAIN,
        title="Milesight webhook",
        unique_id="webhook_test",
        data={
            "vendor": "milesight",
            "webhook_secret": DEFAULT_WEBHOOK_SECRET,
            "webhook_id": WEBHOOK_ID,
        },
    )


async def setup_entry(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Add and set up an entry."""
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


type Deliver = Callable[..., Awaitable[tuple[int, str]]]


@pytest.fixture
async def deliver(
    hass: HomeAssistant,
    hass_client_no_auth: Callable[[], Awaitable[TestClient]],
    sim: MilesightSimulator,
) -> Deliver:
    """POST a delivery built by the simulator to the entry's webhook; (status, text)."""
    clients: list[TestClient] = []

    async def _deliver(
        events: list[dict[str, Any]] | dict[str, Any], **kwargs: Any
    ) -> tuple[int, str]:
        batch = events if isinstance(events, list) else [events]
        headers, body = sim.build_delivery(batch, **kwargs)
        if isinstance(events, dict):
            body = body[1:-1]  # a single object instead of a one-element array
        if not clients:  # created lazily: HTTP is up only once an entry is set up
            clients.append(await hass_client_no_auth())
        response = await clients[0].post(f"/api/webhook/{WEBHOOK_ID}", data=body, headers=headers)
        text = await response.text()
        await hass.async_block_till_done()
        return response.status, text

    return _deliver


def ha_device(hass: HomeAssistant, sn: str) -> dr.DeviceEntry:
    """The registry device of a Milesight serial number (API differs after HA 2026.8)."""
    registry = dr.async_get(hass)
    identifier = (DOMAIN, f"milesight_device_{sn}")
    by_identifier = getattr(registry, "async_get_device_by_identifier", None)
    entry_id = hass.config_entries.async_entries(DOMAIN)[0].entry_id
    device = (
        by_identifier(identifier, entry_id)
        if by_identifier is not None
        else registry.async_get_device(identifiers={identifier})
    )
    assert device is not None
    return device
