"""Diagnostics, device triggers and the "Test webhook" button."""

from __future__ import annotations

from aiohttp import web
from homeassistant.components import automation
from homeassistant.components.device_automation import DeviceAutomationType
from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.core_config import async_process_ha_core_config
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import device_registry as dr, issue_registry as ir
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_get_device_automations,
    async_mock_service,
)
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)

from custom_components.minerva_iot.const import DOMAIN
from simulators.milesight import (
    DEFAULT_CLIENT_SECRET,
    DEFAULT_WEBHOOK_SECRET,
    MilesightSimulator,
)

from .conftest import WEBHOOK_ID, Deliver, api_entry, ha_device, setup_entry, webhook_entry

COLD_STORE = "6136D0000000AB12"
BUTTON = "6785D0000000CD34"


async def test_diagnostics_are_redacted(
    hass: HomeAssistant, sim: MilesightSimulator, deliver: Deliver, hass_client
) -> None:
    """Secrets, client id, webhook id and URLs never appear in diagnostics."""
    await async_process_ha_core_config(hass, {"external_url": "https://ha.example.org"})
    assert await async_setup_component(hass, "diagnostics", {})
    entry = api_entry(sim)
    await setup_entry(hass, entry)
    await deliver(sim.uplink_event(COLD_STORE, {"temperature": 4.0, "latitude": 52.123456}))
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    text = str(diagnostics)
    # The client holds a live access token (set-up used it): it must not leak either.
    assert sim.issued_tokens
    for secret in (
        DEFAULT_CLIENT_SECRET,
        DEFAULT_WEBHOOK_SECRET,
        WEBHOOK_ID,
        "sim-milesight-client",
        *sim.issued_tokens,
    ):
        assert secret not in text
    assert diagnostics["entry"]["data"]["client_secret"] == "**REDACTED**"
    assert diagnostics["webhook"]["webhook_url"] == "**REDACTED**"
    assert diagnostics["api"]["configured"] is True
    cold = next(d for d in diagnostics["devices"] if d["sn"] == COLD_STORE)
    assert cold["values"]["temperature"] == 4.0
    assert cold["values"]["latitude"] == "**REDACTED**"
    assert diagnostics["api"]["calls_last_24h"] == sum(sim.calls.values())
    assert diagnostics["api"]["rate_limited_until"] is None


async def test_diagnostics_of_unloaded_entry(hass: HomeAssistant) -> None:
    """An entry that is not loaded still gives redacted entry data."""
    from custom_components.minerva_iot.milesight.diagnostics import (
        async_get_milesight_diagnostics,
    )

    entry = webhook_entry()
    entry.add_to_hass(hass)
    result = await async_get_milesight_diagnostics(hass, entry)
    assert result["entry"]["data"]["webhook_secret"] == "**REDACTED**"
    assert "devices" not in result


async def test_device_triggers_fire_automations(
    hass: HomeAssistant, sim: MilesightSimulator, deliver: Deliver
) -> None:
    """A WS101 offers press + alarm triggers; a press runs the automation."""
    await async_process_ha_core_config(hass, {"external_url": "https://ha.example.org"})
    await setup_entry(hass, webhook_entry())
    await deliver(sim.uplink_event(BUTTON, {"battery": 90}))
    await deliver(sim.uplink_event(COLD_STORE, {"temperature": 4.0}))
    button = ha_device(hass, BUTTON)
    cold = ha_device(hass, COLD_STORE)
    triggers = await async_get_device_automations(hass, DeviceAutomationType.TRIGGER, button.id)
    types = {trigger["type"] for trigger in triggers if trigger["domain"] == DOMAIN}
    assert types == {
        "button_short_press",
        "button_long_press",
        "button_double_press",
        "alarm",
        "alarm_cleared",
    }
    cold_triggers = await async_get_device_automations(hass, DeviceAutomationType.TRIGGER, cold.id)
    assert {t["type"] for t in cold_triggers if t["domain"] == DOMAIN} == {"alarm", "alarm_cleared"}

    calls: list[ServiceCall] = async_mock_service(hass, "test", "automation")
    assert await async_setup_component(
        hass,
        automation.DOMAIN,
        {
            automation.DOMAIN: [
                {
                    "trigger": {
                        "platform": "device",
                        "domain": DOMAIN,
                        "device_id": button.id,
                        "type": "button_long_press",
                    },
                    "action": {"service": "test.automation"},
                }
            ]
        },
    )
    await deliver(sim.uplink_event(BUTTON, {"button_event": {"status": "short press"}}))
    assert calls == []
    await deliver(sim.uplink_event(BUTTON, {"button_event": {"status": "long press"}}))
    assert len(calls) == 1


async def test_triggers_of_other_devices(hass: HomeAssistant) -> None:
    """Unknown devices, the application device and other entries offer nothing."""
    from custom_components.minerva_iot.device_trigger import async_get_triggers

    assert await async_get_triggers(hass, "missing") == []
    entry = MockConfigEntry(domain=DOMAIN, data={"vendor": "milesight"})
    entry.add_to_hass(hass)
    other = MockConfigEntry(domain="other")
    other.add_to_hass(hass)
    registry = dr.async_get(hass)
    app = registry.async_get_or_create(
        config_entry_id=entry.entry_id,
        identifiers={(DOMAIN, f"milesight_application_{entry.entry_id}")},
    )
    assert await async_get_triggers(hass, app.id) == []
    foreign = registry.async_get_or_create(
        config_entry_id=other.entry_id, identifiers={("other", "x")}
    )
    assert await async_get_triggers(hass, foreign.id) == []
    # A WS101 known only from the registry (entry not loaded) still offers button triggers.
    ws101 = registry.async_get_or_create(
        config_entry_id=entry.entry_id,
        identifiers={(DOMAIN, "milesight_device_6785D0000000FFFF")},
        model="WS101",
    )
    assert len(await async_get_triggers(hass, ws101.id)) == 5


async def test_test_webhook_button(
    hass: HomeAssistant,
    sim: MilesightSimulator,
    hass_client_no_auth,
    hass_ws_client,
    issue_registry: ir.IssueRegistry,
) -> None:
    """The signed self-test comes back through the public URL; failures are reported."""
    assert await async_setup_component(hass, "persistent_notification", {})
    entry = webhook_entry()
    await setup_entry(hass, entry)
    client = await hass_client_no_auth()
    press = {"entity_id": "button.milesight_webhook_test_webhook"}

    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call("button", "press", press, blocking=True)
    assert err.value.translation_key == "milesight_no_webhook_url"

    # Setting the external URL publishes the webhook URL at once (no restart needed).
    no_url_issue = f"milesight_no_external_url_{entry.entry_id}"
    assert issue_registry.async_get_issue(DOMAIN, no_url_issue)
    await hass.config.async_update(external_url=str(client.make_url("/")))
    await hass.async_block_till_done()
    assert not issue_registry.async_get_issue(DOMAIN, no_url_issue)
    await hass.services.async_call("button", "press", press, blocking=True)
    await hass.async_block_till_done()
    ws = await hass_ws_client(hass)
    await ws.send_json_auto_id({"type": "persistent_notification/get"})
    reply = await ws.receive_json()
    assert reply["success"]
    notification = next(
        item
        for item in reply["result"]
        if item["notification_id"] == f"{DOMAIN}_milesight_webhook_test_{entry.entry_id}"
    )
    assert notification["title"] == entry.title
    assert notification["message"].startswith("The test delivery reached Home Assistant")
    # The route works, but MDP itself has not delivered yet: the set-up issue stays and the
    # test delivery is neither applied nor counted as an MDP delivery.
    assert issue_registry.async_get_issue(DOMAIN, f"milesight_webhook_setup_{entry.entry_id}")
    assert hass.states.get("binary_sensor.milesight_webhook_webhook").attributes["status"] == (
        "waiting"
    )

    # The URL answers with an error, and the request does not reach this Home Assistant.
    await async_process_ha_core_config(hass, {"external_url": sim.url})
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call("button", "press", press, blocking=True)
    assert err.value.translation_key == "milesight_webhook_test_failed"
    assert err.value.translation_placeholders["reason"] == "HTTP 401"

    # Something else answers 200 (as another Home Assistant does for unknown webhook ids).
    async def any_path(request: web.Request) -> web.Response:
        return web.Response(text="")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", any_path)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        port = runner.addresses[0][1]
        await async_process_ha_core_config(hass, {"external_url": f"http://127.0.0.1:{port}"})
        with pytest.raises(HomeAssistantError) as err:
            await hass.services.async_call("button", "press", press, blocking=True)
    finally:
        await runner.cleanup()
    assert err.value.translation_key == "milesight_webhook_test_wrong_target"
    assert err.value.translation_placeholders == {"status": "200"}

    # Nothing listens at all.
    await async_process_ha_core_config(hass, {"external_url": "http://127.0.0.1:1"})
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call("button", "press", press, blocking=True)
    assert err.value.translation_key == "milesight_webhook_test_failed"
    assert err.value.translation_placeholders["reason"] == "ClientConnectorError"
