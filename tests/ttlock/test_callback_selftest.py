"""The "Test callback" button and the "Last callback push" sensor of a TTLock account."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
from typing import Any
from unittest.mock import patch

from aiohttp import web
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.lock import LockState
from homeassistant.const import EVENT_STATE_CHANGED
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er, issue_registry as ir
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_fire_time_changed,
)

from custom_components.minerva_iot.const import DOMAIN, EVENT_MINERVA
from custom_components.minerva_iot.ttlock.identifiers import account_unique_id
from custom_components.minerva_iot.ttlock.webhook import SELFTEST_FIELD, callback_issue_id
from simulators.ttlock import DEFAULT_UID, TTLockSimulator

from .conftest import FRONT_DOOR, WEBHOOK_ID, PostCallback

PASSCODE_UNLOCK = 4

type StartServer = Callable[[web.Handler], Awaitable[str]]


@pytest.fixture(autouse=True)
async def notifications(hass: HomeAssistant) -> None:
    """The outcome is told in a persistent notification."""
    assert await async_setup_component(hass, "persistent_notification", {})


@pytest.fixture
async def start_server() -> AsyncIterator[StartServer]:
    """Start a local HTTP server answering every path with `handler`; returns its base URL."""
    runners: list[web.AppRunner] = []

    async def _start(handler: web.Handler) -> str:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", handler)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        runners.append(runner)
        return f"http://127.0.0.1:{runner.addresses[0][1]}"

    yield _start
    for runner in runners:
        await runner.cleanup()


def _button(hass: HomeAssistant) -> str:
    entity_id = er.async_get(hass).async_get_entity_id(
        "button", DOMAIN, account_unique_id(str(DEFAULT_UID), "test_callback")
    )
    assert entity_id is not None
    return entity_id


async def _press(hass: HomeAssistant) -> None:
    await hass.services.async_call("button", "press", {"entity_id": _button(hass)}, blocking=True)


def _notification(hass: HomeAssistant, entry: MockConfigEntry) -> dict[str, Any]:
    notifications = hass.data["persistent_notification"]
    notification: dict[str, Any] = notifications[f"{DOMAIN}_ttlock_callback_test_{entry.entry_id}"]
    assert notification["title"] == entry.title
    return notification


async def test_the_test_callback_comes_back_through_the_public_url(
    hass: HomeAssistant,
    hass_client_no_auth: Any,
    sim: TTLockSimulator,
    loaded_entry: MockConfigEntry,
    issue_registry: ir.IssueRegistry,
) -> None:
    """Posted to the public URL, the request reaches this entry's webhook: the test passes.

    It changes no lock, fires no event and does not pass for TTLock's own push: the "paste the
    Callback URL into the portal" repair stays.
    """
    client = await hass_client_no_auth()
    await hass.config.async_update(external_url=str(client.make_url("/")))
    await hass.async_block_till_done()
    before = {state.entity_id: state.state for state in hass.states.async_all()}
    events = async_capture_events(hass, EVENT_MINERVA)

    await _press(hass)
    await hass.async_block_till_done()

    assert _notification(hass, loaded_entry)["message"].startswith(
        "The test callback reached Home Assistant through its public URL"
    )
    assert events == []
    assert hass.states.get("lock.front_door").state == before["lock.front_door"]
    assert issue_registry.async_get_issue(DOMAIN, callback_issue_id(WEBHOOK_ID))
    assert not loaded_entry.data.get("callback_confirmed")


async def test_no_public_url_says_so_without_posting(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """Without an external HTTPS URL or Nabu Casa there is nothing TTLock could call."""
    await hass.config.async_update(external_url=None)
    with (
        patch("custom_components.minerva_iot.ttlock.selftest.async_get_clientsession") as session,
        pytest.raises(HomeAssistantError) as err,
    ):
        await _press(hass)
    assert err.value.translation_key == "ttlock_callback_test_no_url"
    session.assert_not_called()
    assert "no public HTTPS URL" in _notification(hass, loaded_entry)["message"]


async def test_a_request_that_never_comes_back_times_out(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    loaded_entry: MockConfigEntry,
    start_server: StartServer,
) -> None:
    """The public URL leads nowhere that answers: after the timeout the test says what to check."""
    arrived, release = asyncio.Event(), asyncio.Event()

    async def never_answers(request: web.Request) -> web.Response:
        arrived.set()
        await release.wait()
        return web.Response(text="success")

    await hass.config.async_update(external_url=await start_server(never_answers))
    press = hass.async_create_task(_press(hass))
    await arrived.wait()
    assert not press.done()
    freezer.tick(timedelta(seconds=16))
    async_fire_time_changed(hass)
    with pytest.raises(HomeAssistantError) as err:
        await press
    release.set()
    assert err.value.translation_key == "ttlock_callback_test_failed"
    assert err.value.translation_placeholders == {"reason": "timeout"}
    message = _notification(hass, loaded_entry)["message"]
    assert message.startswith("The test callback did not come back")
    for what_to_check in ("external URL", "Nabu Casa", "forwards the port", "Callback URL"):
        assert what_to_check in message


async def test_another_server_answering_is_no_success(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, start_server: StartServer
) -> None:
    """Something answered 200 (as any Home Assistant does for unknown webhook ids), not us."""

    async def answers(request: web.Request) -> web.Response:
        return web.Response(text="success")

    await hass.config.async_update(external_url=await start_server(answers))
    with pytest.raises(HomeAssistantError) as err:
        await _press(hass)
    assert err.value.translation_placeholders == {"reason": "HTTP 200"}

    # Nothing listens at all.
    await hass.config.async_update(external_url="http://127.0.0.1:1")
    with pytest.raises(HomeAssistantError) as err:
        await _press(hass)
    assert err.value.translation_placeholders == {"reason": "ClientConnectorError"}


async def test_an_unexpected_token_is_ignored(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    post_callback: PostCallback,
    issue_registry: ir.IssueRegistry,
) -> None:
    """A self-test request nobody waits for (a prober, a late reply) is answered and dropped."""
    fields = {"notifyType": "1", "lockId": str(FRONT_DOOR), "records": "[]", SELFTEST_FIELD: "x"}
    assert await post_callback(fields) == "success"
    assert issue_registry.async_get_issue(DOMAIN, callback_issue_id(WEBHOOK_ID))


async def test_last_callback_push_writes_no_state_per_push_by_default(
    hass: HomeAssistant,
    sim: TTLockSimulator,
    loaded_entry: MockConfigEntry,
    post_callback: PostCallback,
) -> None:
    """Disabled by default: 50 pushes write no state of it (the lock's own state does change)."""
    registry = er.async_get(hass)
    entity_id = registry.async_get_entity_id(
        "sensor", DOMAIN, account_unique_id(str(DEFAULT_UID), "last_callback_push")
    )
    assert entity_id is not None
    assert registry.async_get(entity_id).disabled_by is er.RegistryEntryDisabler.INTEGRATION
    writes: list[str] = []

    @callback
    def _count(event: Event[Any]) -> None:
        writes.append(event.data["entity_id"])

    unsub = hass.bus.async_listen(EVENT_STATE_CHANGED, _count)
    for _ in range(50):
        await post_callback(sim.build_callback(FRONT_DOOR, PASSCODE_UNLOCK, username="Guest"))
    unsub()
    assert entity_id not in writes
    assert hass.states.get("lock.front_door").state == LockState.UNLOCKED

    # Enabled by the user, it shows when the last push arrived.
    registry.async_update_entity(entity_id, disabled_by=None)
    await hass.config_entries.async_reload(loaded_entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    await post_callback(sim.build_callback(FRONT_DOOR, PASSCODE_UNLOCK, username="Guest"))
    state = hass.states.get(entity_id)
    assert state is not None
    assert state.attributes["device_class"] == "timestamp"
    assert state.state not in ("unknown", "unavailable")


async def test_the_no_push_repair_names_the_button_and_the_sensor(hass: HomeAssistant) -> None:
    """The repair tells where to test the route and where to see the last push."""
    from homeassistant.helpers.translation import async_get_translations

    translations = await async_get_translations(hass, "en", "issues", [DOMAIN])
    text = translations[f"component.{DOMAIN}.issues.ttlock_no_push.description"]
    assert "Test callback" in text
    assert "Last callback push" in text
    assert "TTLock {account}" in text
