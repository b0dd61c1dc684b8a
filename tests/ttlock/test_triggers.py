"""Device triggers of TTLock locks, through Home Assistant's device automation and automations."""

from __future__ import annotations

from typing import Any

from homeassistant.components import automation
from homeassistant.components.device_automation import DeviceAutomationType
from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.helpers import device_registry as dr
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_get_device_automations,
    async_mock_service,
)

from custom_components.minerva_iot.const import DOMAIN
from simulators.milesight import DEFAULT_WEBHOOK_SECRET, MilesightSimulator
from simulators.ttlock import TTLockSimulator
from simulators.ttlock.model import SimulatedLock, feature_value

from .conftest import BACK_DOOR, FRONT_DOOR, GATEWAY, PostCallback, find_device

EVERY_KIND = {
    "unlocked",
    "locked",
    "door_opened",
    "door_closed",
    "alarm",
    "failed_attempt",
    "other",
}
DOOR_KINDS = {"door_opened", "door_closed"}
PADLOCK = 7000001
CARD_UNLOCK = 7
PASSCODE_UNLOCK = 4
APP_LOCK = 11
DOOR_OPEN = 31
TAMPER_ALERT = 44
MILESIGHT_WEBHOOK_ID = "0123456789abcdef0123456789abcdef"
MILESIGHT_BUTTON = "6785D0000000CD34"


async def _trigger_types(hass: HomeAssistant, device: dr.DeviceEntry | None) -> set[str]:
    assert device is not None
    triggers = await async_get_device_automations(hass, DeviceAutomationType.TRIGGER, device.id)
    return {trigger["type"] for trigger in triggers if trigger["domain"] == DOMAIN}


def _device_trigger(device: dr.DeviceEntry | None, kind: str) -> dict[str, Any]:
    assert device is not None
    return {
        "alias": f"{device.name} {kind}",
        "triggers": {
            "trigger": "device",
            "domain": DOMAIN,
            "device_id": device.id,
            "type": kind,
        },
        "actions": {
            "action": "test.automation",
            "data_template": {
                "fired": f"{device.name} {kind}",
                "user": "{{ trigger.event.data.record.user }}",
            },
        },
    }


async def test_each_lock_lists_the_triggers_it_can_fire(
    hass: HomeAssistant, sim: TTLockSimulator, entry: MockConfigEntry
) -> None:
    """Door triggers need a door sensor; a Bluetooth-only padlock never pushes: no triggers."""
    sim.locks[PADLOCK] = SimulatedLock(
        lock_id=PADLOCK,
        name="PL1",
        alias="Shed padlock",
        mac="AA:BB:CC:77:88:99",
        feature_value=feature_value((0,)),
        gateway_id=None,
    )
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()

    assert await _trigger_types(hass, find_device(hass, f"ttlock_lock_{FRONT_DOOR}")) == EVERY_KIND
    assert (
        await _trigger_types(hass, find_device(hass, f"ttlock_lock_{BACK_DOOR}"))
        == EVERY_KIND - DOOR_KINDS
    )
    assert await _trigger_types(hass, find_device(hass, f"ttlock_lock_{PADLOCK}")) == set()
    assert await _trigger_types(hass, find_device(hass, f"ttlock_gateway_{GATEWAY}")) == set()


async def test_a_lock_of_an_entry_not_loaded_offers_every_kind(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    """Before the entry runs nothing is known about the lock: every kind stays selectable."""
    registry = dr.async_get(hass)
    lock = registry.async_get_or_create(
        config_entry_id=entry.entry_id, identifiers={(DOMAIN, f"ttlock_lock_{BACK_DOOR}")}
    )
    account = registry.async_get_or_create(
        config_entry_id=entry.entry_id, identifiers={(DOMAIN, "ttlock_account_1001")}
    )
    assert await _trigger_types(hass, lock) == EVERY_KIND
    assert await _trigger_types(hass, account) == set()


async def test_device_triggers_run_automations_from_pushes(
    hass: HomeAssistant,
    sim: TTLockSimulator,
    loaded_entry: MockConfigEntry,
    post_callback: PostCallback,
) -> None:
    """A pushed record runs the automations on its lock and kind, and only those."""
    front = find_device(hass, f"ttlock_lock_{FRONT_DOOR}")
    back = find_device(hass, f"ttlock_lock_{BACK_DOOR}")
    calls: list[ServiceCall] = async_mock_service(hass, "test", "automation")
    assert await async_setup_component(
        hass,
        automation.DOMAIN,
        {
            automation.DOMAIN: [
                _device_trigger(front, "unlocked"),
                _device_trigger(front, "failed_attempt"),
                _device_trigger(front, "door_opened"),
                _device_trigger(front, "alarm"),
                _device_trigger(back, "unlocked"),
            ]
        },
    )

    def fired() -> list[tuple[str, str]]:
        result = [(call.data["fired"], call.data["user"]) for call in calls]
        calls.clear()
        return result

    await post_callback(sim.build_callback(FRONT_DOOR, CARD_UNLOCK, username="Cleaner card"))
    assert fired() == [("Front door unlocked", "Cleaner card")]

    # A refused passcode is a failed attempt: the "unlocked" automation must not run.
    await post_callback(
        sim.build_callback(FRONT_DOOR, PASSCODE_UNLOCK, success=False, username="Guest code")
    )
    assert fired() == [("Front door failed_attempt", "Guest code")]

    # No automation listens for "locked": nothing runs.
    await post_callback(sim.build_callback(FRONT_DOOR, APP_LOCK))
    assert fired() == []

    await post_callback(sim.build_callback(FRONT_DOOR, DOOR_OPEN))
    await post_callback(sim.build_callback(FRONT_DOOR, TAMPER_ALERT))
    assert [name for name, _ in fired()] == ["Front door door_opened", "Front door alarm"]

    # The other lock's record runs only its own automation.
    await post_callback(sim.build_callback(BACK_DOOR, CARD_UNLOCK, username="Cleaner card"))
    assert fired() == [("Back door unlocked", "Cleaner card")]


async def test_milesight_and_ttlock_triggers_side_by_side(
    hass: HomeAssistant,
    sim: TTLockSimulator,
    loaded_entry: MockConfigEntry,
    post_callback: PostCallback,
    hass_client_no_auth: Any,
) -> None:
    """With both vendors loaded, each device offers and fires its own vendor's triggers."""
    milesight_entry = MockConfigEntry(
        domain=DOMAIN,
        title="Milesight webhook",
        unique_id="webhook_test",
        data={
            "vendor": "milesight",
            "webhook_secret": DEFAULT_WEBHOOK_SECRET,
            "webhook_id": MILESIGHT_WEBHOOK_ID,
        },
    )
    milesight_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(milesight_entry.entry_id)
    await hass.async_block_till_done()
    milesight = MilesightSimulator(seed=3)

    async def deliver(data: dict[str, Any]) -> None:
        headers, body = milesight.build_delivery([milesight.uplink_event(MILESIGHT_BUTTON, data)])
        response = await post_client.post(
            f"/api/webhook/{MILESIGHT_WEBHOOK_ID}", data=body, headers=headers
        )
        assert response.status == 200
        await hass.async_block_till_done()

    post_client = await hass_client_no_auth()
    await deliver({"battery": 90})
    button = next(
        device
        for device in dr.async_entries_for_config_entry(
            dr.async_get(hass), milesight_entry.entry_id
        )
        if (DOMAIN, f"milesight_device_{MILESIGHT_BUTTON}") in device.identifiers
    )
    front = find_device(hass, f"ttlock_lock_{FRONT_DOOR}")
    assert "button_short_press" in await _trigger_types(hass, button)
    assert "unlocked" not in await _trigger_types(hass, button)
    assert "button_short_press" not in await _trigger_types(hass, front)

    calls: list[ServiceCall] = async_mock_service(hass, "test", "automation")
    assert await async_setup_component(
        hass,
        automation.DOMAIN,
        {
            automation.DOMAIN: [
                {
                    "triggers": {
                        "trigger": "device",
                        "domain": DOMAIN,
                        "device_id": button.id,
                        "type": "button_short_press",
                    },
                    "actions": {"action": "test.automation", "data": {"fired": "button"}},
                },
                _device_trigger(front, "unlocked"),
            ]
        },
    )
    await deliver({"button_event": {"status": "short press"}})
    await post_callback(sim.build_callback(FRONT_DOOR, CARD_UNLOCK, username="Cleaner card"))
    assert [call.data["fired"] for call in calls] == ["button", "Front door unlocked"]
