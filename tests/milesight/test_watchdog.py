"""The delivery watchdog on a frozen clock: overdue devices, the silence issue, restarts."""

from __future__ import annotations

from datetime import timedelta
import time
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import STATE_OFF, STATE_ON, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.minerva_iot.const import DOMAIN
from custom_components.minerva_iot.milesight.models import DeviceState
from custom_components.minerva_iot.milesight.watchdog import (
    expected_interval_s,
    learned_interval_s,
)
from simulators.milesight import MilesightSimulator

from .conftest import Deliver, api_entry, setup_entry, webhook_entry

COLD_STORE = "6136D0000000AB12"
GARAGE_DOOR = "6611D0000000A1B2"
BUTTON = "6785D0000000CD34"
LOBBY = "6918D0000000E5F6"
COLD_TEMPERATURE = "sensor.cold_store_temperature"
WEBHOOK = "binary_sensor.milesight_webhook_webhook"


async def advance(hass: HomeAssistant, freezer: FrozenDateTimeFactory, delta: timedelta) -> None:
    """Let `delta` pass on Home Assistant's clock (the watchdog checks every minute)."""
    freezer.tick(delta)
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)


def issue(hass: HomeAssistant, key: str, entry_id: str) -> ir.IssueEntry | None:
    """The entry's repair issue `key`, if raised."""
    return ir.async_get(hass).async_get_issue(DOMAIN, f"{key}_{entry_id}")


def silence_issues(hass: HomeAssistant, entry_id: str) -> list[str]:
    """Which of the three silence issues are raised."""
    keys = ("milesight_webhook_silent", "milesight_pushes_stopped", "milesight_devices_quiet")
    return [key for key in keys if issue(hass, key, entry_id) is not None]


@pytest.fixture
async def entry(hass: HomeAssistant, external_url: str) -> MockConfigEntry:
    """A webhook-only entry, set up."""
    mock = webhook_entry()
    await setup_entry(hass, mock)
    return mock


async def test_a_device_past_its_reporting_interval_becomes_unavailable(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    sim: MilesightSimulator,
    deliver: Deliver,
    freezer: FrozenDateTimeFactory,
) -> None:
    """2.5 reporting intervals, at least 30 minutes, then unavailable until the next uplink."""
    await deliver(sim.uplink_event(COLD_STORE, {"temperature": 4.0, "reporting_interval": 600}))
    # 2.5 x 600 s is 25 minutes: the 30-minute floor applies.
    await advance(hass, freezer, timedelta(minutes=29))
    assert hass.states.get(COLD_TEMPERATURE).state == "4.0"
    assert hass.states.get("binary_sensor.cold_store_connectivity").state == STATE_ON
    await advance(hass, freezer, timedelta(minutes=2))
    assert hass.states.get(COLD_TEMPERATURE).state == STATE_UNAVAILABLE
    # Connectivity stays available to say so.
    assert hass.states.get("binary_sensor.cold_store_connectivity").state == STATE_OFF
    await deliver(sim.uplink_event(COLD_STORE, {"temperature": 4.5}))
    assert hass.states.get(COLD_TEMPERATURE).state == "4.5"
    assert hass.states.get("binary_sensor.cold_store_connectivity").state == STATE_ON
    # A longer interval echoed by the device moves its deadline: 2.5 x 1 h.
    await deliver(sim.uplink_event(COLD_STORE, {"reporting_interval": 3600}))
    await advance(hass, freezer, timedelta(hours=2, minutes=29))
    assert hass.states.get(COLD_TEMPERATURE).state == "4.5"
    await advance(hass, freezer, timedelta(minutes=2))
    assert hass.states.get(COLD_TEMPERATURE).state == STATE_UNAVAILABLE


async def test_a_learned_interval_times_out_and_a_button_never_does(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    sim: MilesightSimulator,
    deliver: Deliver,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Regular uplinks teach the interval (20 min: silent after 50); presses teach nothing."""
    for _ in range(5):
        await deliver(sim.uplink_event(LOBBY, {"people_count_all": 3}))
        await deliver(sim.uplink_event(BUTTON, {"button_event": {"status": "short press"}}))
        await advance(hass, freezer, timedelta(minutes=20))
    # Four spacings of 20 minutes: the counter is overdue 50 minutes after its last uplink.
    await advance(hass, freezer, timedelta(minutes=29))
    assert hass.states.get("sensor.lobby_counter_people_count").state == "3"
    await advance(hass, freezer, timedelta(minutes=2))
    assert hass.states.get("sensor.lobby_counter_people_count").state == STATE_UNAVAILABLE
    await advance(hass, freezer, timedelta(days=3))
    assert hass.states.get("event.desk_button_button").state != STATE_UNAVAILABLE
    assert hass.states.get("sensor.desk_button_battery") is None or (
        hass.states.get("sensor.desk_button_battery").state != STATE_UNAVAILABLE
    )


def test_interval_sources() -> None:
    """The reported interval (in its unit), then the thing model's default, then learning."""
    device = DeviceState(sn="X", model="CT101", values={"report_interval": 10})
    assert expected_interval_s(device) == 600  # the CT101 decoder gives minutes
    device = DeviceState(sn="X", model="EM300-TH", values={"reporting_interval": "900"})
    assert expected_interval_s(device) == 900  # MDP's thing models give seconds
    device = DeviceState(sn="X", model="NOT-CATALOGUED", values={"reporting_interval": 120})
    assert expected_interval_s(device) == 120  # no unit anywhere: seconds
    for odd in (0, -5, True, "soon", float("nan"), None):
        device = DeviceState(sn="X", model="EM300-TH", values={"reporting_interval": odd})
        assert expected_interval_s(device) is None
    assert learned_interval_s([0, 600, 1200, 2400, 3000]) == 600  # one missed uplink
    assert learned_interval_s([0, 60, 700, 5000, 5100]) is None  # irregular
    assert learned_interval_s([0, 600, 1200]) is None  # too few


def test_stored_watchdog_state_is_read_leniently() -> None:
    """A malformed or out-of-range stored time is dropped, not a failed set-up."""
    for stamp in (1e300, "soon", True, None):
        device = DeviceState.from_dict(
            {"sn": "X", "last_seen": stamp, "uplinks": [1.0, "x", 2], "reporting_interval_s": -1}
        )
        assert device.last_seen is None
        assert device.uplinks == [1.0, 2.0]
        assert device.reporting_interval_s is None


async def test_silence_of_every_device_raises_an_issue_cleared_by_a_delivery(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    sim: MilesightSimulator,
    deliver: Deliver,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Webhook-only: every regular device overdue → "no deliveries" (no API to ask)."""
    await deliver(sim.uplink_event(COLD_STORE, {"temperature": 4.0, "reporting_interval": 600}))
    await deliver(
        sim.uplink_event(GARAGE_DOOR, {"magnet_status": "close", "reporting_interval": 1200})
    )
    assert hass.states.get(WEBHOOK).state == STATE_OFF
    assert hass.states.get(WEBHOOK).attributes["status"] == "receiving"
    # The cold store is overdue after 30 minutes, the door only after 50: no issue yet.
    await advance(hass, freezer, timedelta(minutes=31))
    assert hass.states.get(COLD_TEMPERATURE).state == STATE_UNAVAILABLE
    assert silence_issues(hass, entry.entry_id) == []
    await advance(hass, freezer, timedelta(minutes=20))
    assert silence_issues(hass, entry.entry_id) == ["milesight_webhook_silent"]
    raised = issue(hass, "milesight_webhook_silent", entry.entry_id)
    assert raised.translation_placeholders == {"minutes": "51", "devices": "2", "device": "-"}
    assert hass.states.get(WEBHOOK).state == STATE_ON
    assert hass.states.get(WEBHOOK).attributes["status"] == "silent"
    # One delivery, of any device: MDP pushes again.
    await deliver(sim.uplink_event(BUTTON, {"button_event": {"status": "short press"}}))
    assert silence_issues(hass, entry.entry_id) == []
    assert hass.states.get(WEBHOOK).state == STATE_OFF
    # The door is still overdue, but deliveries arrive: no new issue.
    await advance(hass, freezer, timedelta(minutes=5))
    assert silence_issues(hass, entry.entry_id) == []


async def test_an_offline_device_is_no_sign_of_suspension(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    sim: MilesightSimulator,
    deliver: Deliver,
    freezer: FrozenDateTimeFactory,
) -> None:
    """MDP said the device is OFFLINE: its silence does not point at the webhook."""
    await deliver(sim.uplink_event(COLD_STORE, {"temperature": 4.0, "reporting_interval": 600}))
    await deliver(sim.event("OFFLINE", COLD_STORE))
    await advance(hass, freezer, timedelta(hours=2))
    assert silence_issues(hass, entry.entry_id) == []
    assert hass.states.get(WEBHOOK).state == STATE_OFF


async def test_silence_survives_a_reload(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    sim: MilesightSimulator,
    deliver: Deliver,
    freezer: FrozenDateTimeFactory,
) -> None:
    """What was last seen is stored: after a reload the silence goes on counting."""
    await deliver(sim.uplink_event(COLD_STORE, {"temperature": 4.0, "reporting_interval": 600}))
    await advance(hass, freezer, timedelta(minutes=20))
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert hass.states.get(COLD_TEMPERATURE).state == "4.0"
    await advance(hass, freezer, timedelta(minutes=11))
    assert hass.states.get(COLD_TEMPERATURE).state == STATE_UNAVAILABLE
    assert silence_issues(hass, entry.entry_id) == ["milesight_webhook_silent"]
    # Unloaded for two hours: the entry comes back with the device already overdue.
    assert await hass.config_entries.async_unload(entry.entry_id)
    freezer.tick(timedelta(hours=2))
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert hass.states.get(COLD_TEMPERATURE).state == STATE_UNAVAILABLE
    assert hass.states.get(WEBHOOK).attributes["status"] == "silent"


async def test_restart_on_stored_data(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    external_url: str,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A restart three hours after the last uplink: the device starts unavailable."""
    mock = webhook_entry()
    last_seen = time.time() - 3 * 3600
    hass_storage[f"{DOMAIN}.milesight_{mock.entry_id}"] = {
        "version": 1,
        "key": f"{DOMAIN}.milesight_{mock.entry_id}",
        "data": {
            "devices": [
                {
                    "sn": COLD_STORE,
                    "name": "Cold store",
                    "model": "EM300-TH",
                    "keys": ["temperature"],
                    "last_seen": last_seen,
                    "uplinks": [last_seen - 600 * n for n in range(5, -1, -1)],
                }
            ],
            "webhook_verified": True,
            "signed_delivery_seen": True,
        },
    }
    await setup_entry(hass, mock)
    assert hass.states.get(COLD_TEMPERATURE).state == STATE_UNAVAILABLE
    assert silence_issues(hass, mock.entry_id) == ["milesight_webhook_silent"]
    assert (
        issue(hass, "milesight_webhook_silent", mock.entry_id).translation_placeholders["minutes"]
        == "180"
    )


@pytest.mark.usefixtures("external_url")
async def test_with_api_mdp_tells_a_suspension_from_quiet_devices(
    hass: HomeAssistant,
    sim: MilesightSimulator,
    deliver: Deliver,
    freezer: FrozenDateTimeFactory,
) -> None:
    """One history call: newer readings in MDP → it stopped pushing; none → devices quiet."""
    entry = api_entry(sim)
    await setup_entry(hass, entry)
    await deliver(sim.uplink_event(COLD_STORE, {"temperature": 4.0}))
    # MDP keeps receiving the cold store's uplinks but pushes none of them.
    sim.suspend()
    await advance(hass, freezer, timedelta(minutes=10))
    sim.uplink_event(COLD_STORE, {"temperature": 4.2})
    history_calls = sim.calls["device/properties-history"]
    await advance(hass, freezer, timedelta(minutes=25))
    # The thing model declares a reporting interval (600 s by default): overdue after 30 min.
    assert silence_issues(hass, entry.entry_id) == ["milesight_pushes_stopped"]
    assert sim.calls["device/properties-history"] == history_calls + 1
    assert (
        issue(hass, "milesight_pushes_stopped", entry.entry_id).translation_placeholders["device"]
        == "Cold store"
    )
    assert entry.runtime_data.watchdog.history_checks == 1
    # Asked once per silence, not every minute.
    await advance(hass, freezer, timedelta(minutes=30))
    assert sim.calls["device/properties-history"] == history_calls + 1

    # Re-saving the webhook resumes the pushes; later the device itself goes quiet.
    sim.resume()
    await deliver(sim.uplink_event(COLD_STORE, {"temperature": 4.4}))
    assert silence_issues(hass, entry.entry_id) == []
    await advance(hass, freezer, timedelta(minutes=31))
    assert silence_issues(hass, entry.entry_id) == ["milesight_devices_quiet"]
    assert sim.calls["device/properties-history"] == history_calls + 2


@pytest.mark.usefixtures("external_url")
async def test_without_data_storage_mdp_has_nothing_to_tell(
    hass: HomeAssistant,
    sim: MilesightSimulator,
    deliver: Deliver,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Device data storage off: MDP's history stays empty, the issue says the devices are
    quiet and mentions the storage setting (its text)."""
    entry = api_entry(sim)
    await setup_entry(hass, entry)
    sim.set_data_storage(COLD_STORE, False)
    await deliver(sim.uplink_event(COLD_STORE, {"temperature": 4.0}))
    sim.suspend()
    await advance(hass, freezer, timedelta(minutes=10))
    sim.uplink_event(COLD_STORE, {"temperature": 4.2})
    await advance(hass, freezer, timedelta(minutes=25))
    assert silence_issues(hass, entry.entry_id) == ["milesight_devices_quiet"]


@pytest.mark.usefixtures("external_url")
@pytest.mark.parametrize("failure", ["429", "http500"])
async def test_a_failed_check_says_it_could_not_tell(
    hass: HomeAssistant,
    sim: MilesightSimulator,
    deliver: Deliver,
    freezer: FrozenDateTimeFactory,
    failure: str,
) -> None:
    """The history call fails: the issue without a verdict; a 429 pauses the API and says so."""
    entry = api_entry(sim)
    await setup_entry(hass, entry)
    await deliver(sim.uplink_event(COLD_STORE, {"temperature": 4.0}))
    sim.fail_next(1, failure, endpoint="device/properties-history")
    await advance(hass, freezer, timedelta(minutes=31))
    assert silence_issues(hass, entry.entry_id) == ["milesight_webhook_silent"]
    rate_limited = issue(hass, "milesight_rate_limited", entry.entry_id)
    assert (rate_limited is not None) is (failure == "429")
    # The simulator's Retry-After is 1 s: the pause, and its issue, end after it.
    await advance(hass, freezer, timedelta(seconds=2))
    assert issue(hass, "milesight_rate_limited", entry.entry_id) is None


async def test_an_unreadable_store_is_a_clean_start(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    external_url: str,
    sim: MilesightSimulator,
    deliver: Deliver,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A store of the wrong shape never fails the set-up; deliveries work and rewrite it."""
    mock = webhook_entry()
    key = f"{DOMAIN}.milesight_{mock.entry_id}"
    hass_storage[key] = {"version": 1, "key": key, "data": ["not", "a", "document"]}
    await setup_entry(hass, mock)
    assert f"Saved data {key} could not be read, starting afresh" in caplog.text
    await deliver(sim.uplink_event(COLD_STORE, {"temperature": 4.0}))
    assert hass.states.get(COLD_TEMPERATURE).state == "4.0"
    assert await hass.config_entries.async_unload(mock.entry_id)
    assert [device["sn"] for device in hass_storage[key]["data"]["devices"]] == [COLD_STORE]


async def test_frequent_deliveries_do_not_postpone_the_save(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    external_url: str,
    sim: MilesightSimulator,
    deliver: Deliver,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A delivery every 4 s: the first new device is written within the save delay anyway."""
    mock = webhook_entry()
    key = f"{DOMAIN}.milesight_{mock.entry_id}"
    await setup_entry(hass, mock)
    await deliver(sim.uplink_event(COLD_STORE, {"temperature": 4.0}))
    for step in range(4):
        freezer.tick(timedelta(seconds=4))
        async_fire_time_changed(hass)
        await deliver(sim.uplink_event(COLD_STORE, {"temperature": 5.0 + step}))
    await hass.async_block_till_done()
    assert [device["sn"] for device in hass_storage[key]["data"]["devices"]] == [COLD_STORE]
