"""Upgrading from 0.2.0 loses nothing: devices, entities, user names and last values survive.

The `.storage` snapshot in tests/fixtures/storage_v0_2_0/ was written by release 0.2.0 on a real
Home Assistant (see its README): a Milesight API entry, a Milesight webhook-only entry and a TTLock
entry, with entities and devices the user renamed, one entity the user enabled (disabled by
default) and one the user disabled. This test starts Home Assistant on it as the restart after
an upgrade does: registries and stores from storage, the same config entries, the clouds (the
in-process simulators, with the same default catalogue) answering for the same devices and locks.
Then the current code sets the entries up, migrating them if it has to.

Nothing here knows the shapes of device identifiers or unique ids: devices are compared by their
registry id and user name, entities by entity id, and an entity counts as kept only when the
current code's platform provides it (a registry entry no platform claims would show up as a
restored `unavailable` state, as Home Assistant writes them at start).
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
import json
from pathlib import Path
import time
from typing import Any

from aiohttp.test_utils import TestClient
from homeassistant import bootstrap
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import ATTR_RESTORED, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant, State
from homeassistant.core_config import async_process_ha_core_config
from homeassistant.helpers import (
    area_registry as ar,
    category_registry as cr,
    device_registry as dr,
    entity_platform,
    entity_registry as er,
    floor_registry as fr,
    issue_registry as ir,
    label_registry as lr,
    restore_state as rs,
)
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.minerva_iot.config_flow import MinervaConfigFlow
from custom_components.minerva_iot.const import DOMAIN
from simulators.milesight import MilesightSimulator, SimulatedDevice
from simulators.milesight.events import device_data
from simulators.ttlock import TTLockSimulator
from simulators.ttlock.model import (
    ACCESS_TOKEN_LIFETIME,
    REFRESH_TOKEN_LIFETIME,
    IssuedToken,
)

SNAPSHOT_DIR = Path(__file__).resolve().parents[1] / "fixtures" / "storage_v0_2_0"
EXTERNAL_URL = "https://ha.example.net"

# Entity ids the current code adds deliberately to a 0.2.0 installation. Anything else new,
# such as a `sensor.cold_store_temperature_2` next to a kept entity, is a duplicate.
ADDED_SINCE_0_2_0: frozenset[str] = frozenset(
    {
        # TTLock's callback self-test and last push, per account (issue 14 part 3).
        "button.ttlock_demo_example_com_test_callback",
        "sensor.ttlock_demo_example_com_last_callback_push",
        # The passcode calendar of each lock with a keypad (issue 14 part 4).
        "calendar.front_door_passcodes",
        "calendar.garden_gate_passcodes",
        # How many passcodes, IC cards and fingerprints each lock holds, disabled by default
        # (issue 14 part 2).
        "sensor.front_door_passcodes",
        "sensor.front_door_ic_cards",
        "sensor.front_door_fingerprints",
        "sensor.garden_gate_passcodes",
        "sensor.garden_gate_ic_cards",
        "sensor.garden_gate_fingerprints",
        # The auto-lock delay learned from each lock's records, disabled by default
        # (issue 12 part 5).
        "sensor.front_door_learned_auto_lock_delay",
        "sensor.garden_gate_learned_auto_lock_delay",
        # The Milesight webhook's health, one per Application (issue 11 part 7).
        "binary_sensor.milesight_127_0_0_1_45139_sim_mile_webhook",
        "binary_sensor.milesight_webhook_a979e155_webhook",
        # "Last seen" of each Milesight device, disabled by default (issue 11 part 4).
        "sensor.boiler_room_leak_last_seen",
        "sensor.desk_button_last_seen",
        "sensor.garage_door_last_seen",
        "sensor.lobby_counter_last_seen",
        "sensor.meeting_room_last_seen",
        "sensor.walk_in_freezer_last_seen",
        "sensor.warehouse_door_last_seen",
        "sensor.warehouse_freezer_last_seen",
        # Controls of API entries (issue 13): each thing-model service without inputs is a
        # button (the simulator's "reboot"), each writable ranged number a number entity
        # (reporting interval); settings, disabled by default, entity category config.
        "button.boiler_room_leak_reboot",
        "button.desk_button_reboot",
        "button.garage_door_reboot",
        "button.lobby_counter_reboot",
        "button.meeting_room_reboot",
        "button.walk_in_freezer_reboot",
        "number.boiler_room_leak_reporting_interval",
        "number.garage_door_reporting_interval",
        "number.meeting_room_reporting_interval",
        "number.walk_in_freezer_reporting_interval",
    }
)

# Entities a 0.2.0 installation loses on purpose, each only when the cloud says its thing is not
# there (entity id -> why); test_a_door_entity_without_a_sensor_is_removed_not_orphaned.
REMOVED_WHEN_ABSENT: dict[str, str] = {
    # 0.2.0 made a door sensor for every lock whose featureValue has bit 13, which means
    # "supports a door sensor" (hass-ttlock #175); doorSensor/query answering "none bound"
    # removes it from the registry (issue 12 part 7).
    "binary_sensor.front_door_door": "doorSensor/query: no door sensor bound",
}

# The Milesight API entry re-reads its devices' values from the cloud at start-up: its sensors and
# binary sensors show this run's simulator values, so only their presence is compared.
REFRESHED_FROM_API_DOMAINS = ("sensor", "binary_sensor")

# Registries Home Assistant loads before any integration (as bootstrap does).
REGISTRIES = (ar, cr, dr, er, fr, ir, lr)

_NO_ATTRIBUTE = object()

pytestmark = pytest.mark.parametrize("load_registries", [False])


@dataclass(frozen=True)
class Snapshot:
    """The 0.2.0 stores, and this integration's part of them."""

    stores: dict[str, dict[str, Any]]
    entries: list[dict[str, Any]]
    devices: dict[str, dict[str, Any]]  # by device registry id
    entities: dict[str, dict[str, Any]]  # by entity id
    restored: dict[str, dict[str, Any]]  # restore_state rows by entity id

    def data(self, key: str) -> Any:
        """The `data` of one store."""
        return self.stores[key]["data"]

    def entry(self, vendor: str, *, api: bool | None = None) -> dict[str, Any]:
        """The entry of a vendor (Milesight: with or without API credentials)."""
        return next(
            entry
            for entry in self.entries
            if entry["data"]["vendor"] == vendor
            and (api is None or ("client_id" in entry["data"]) is api)
        )

    def entities_of(self, entry_id: str) -> set[str]:
        """Entity ids of one entry."""
        return {e["entity_id"] for e in self.entities.values() if e["config_entry_id"] == entry_id}

    def devices_of(self, entry_id: str) -> set[str]:
        """Device registry ids of one entry."""
        return {d["id"] for d in self.devices.values() if entry_id in d["config_entries"]}


def load_snapshot() -> Snapshot:
    """Read every store of the snapshot directory."""
    stores = {
        path.name: json.loads(path.read_text())
        for path in sorted(SNAPSHOT_DIR.iterdir())
        if path.name != "README.md"
    }
    entries = [
        entry
        for entry in stores["core.config_entries"]["data"]["entries"]
        if entry["domain"] == DOMAIN
    ]
    ours = {entry["entry_id"] for entry in entries}
    devices = {
        device["id"]: device
        for device in stores["core.device_registry"]["data"]["devices"]
        if ours & set(device["config_entries"])
    }
    entities = {
        entity["entity_id"]: entity
        for entity in stores["core.entity_registry"]["data"]["entities"]
        if entity["config_entry_id"] in ours
    }
    restored = {
        row["state"]["entity_id"]: row
        for row in stores["core.restore_state"]["data"]
        if row["state"]["entity_id"] in entities
    }
    return Snapshot(stores, entries, devices, entities, restored)


SNAPSHOT = load_snapshot()


@pytest.fixture
async def milesight_sim(socket_enabled: None) -> AsyncGenerator[MilesightSimulator]:
    """The Milesight cloud with the default catalogue (the devices of the snapshot's API entry)."""
    simulator = MilesightSimulator(seed=20)
    await simulator.start(host="127.0.0.1", port=0)
    yield simulator
    await simulator.stop()


@pytest.fixture
async def ttlock_sim(socket_enabled: None) -> AsyncGenerator[TTLockSimulator]:
    """The TTLock cloud (default account and locks), still honouring the tokens it issued."""
    simulator = TTLockSimulator()
    entry = SNAPSHOT.entry("ttlock")
    token = entry["data"]["token"]
    uid = int(entry["unique_id"])
    now = time.time()
    simulator.tokens.access[token["access_token"]] = IssuedToken(
        simulator.client_id, uid, now + ACCESS_TOKEN_LIFETIME
    )
    simulator.tokens.refresh[token["refresh_token"]] = (
        simulator.client_id,
        uid,
        now + REFRESH_TOKEN_LIFETIME,
    )
    await simulator.start(host="127.0.0.1", port=0)
    yield simulator
    await simulator.stop()


def _pointed_at_simulators(
    entry: dict[str, Any], milesight_url: str, ttlock_url: str
) -> dict[str, Any]:
    """The entry's data with the cloud addresses of this run (the snapshot's ports are gone)."""
    data: dict[str, Any] = json.loads(json.dumps(entry["data"]))
    if "server_address" in data:
        data["server_address"] = milesight_url
    if "api_url" in data:
        data["api_url"] = ttlock_url
    if isinstance(data.get("token"), dict) and "api_host" in data["token"]:
        data["token"]["api_host"] = ttlock_url
    return data


async def _restart_on_snapshot(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    milesight_sim: MilesightSimulator,
    ttlock_sim: TTLockSimulator,
) -> list[MockConfigEntry]:
    """Load the snapshot as Home Assistant's start does, then set the entries up."""
    for key, stored in SNAPSHOT.stores.items():
        if key != "core.config_entries":  # entries are added below, re-pointed at this run
            hass_storage[key] = json.loads(json.dumps(stored))
    # Newer cores create the device registry before loading it (2025.4 creates it on load).
    if (setup_device_registry := getattr(dr, "async_setup", None)) is not None:
        setup_device_registry(hass)
    for registry in REGISTRIES:
        await registry.async_load(hass)
    await rs.async_get(hass).async_load()
    hass.data[bootstrap.DATA_REGISTRIES_LOADED] = None
    await async_process_ha_core_config(hass, {"external_url": EXTERNAL_URL})

    entries = []
    for saved in SNAPSHOT.entries:
        entry = MockConfigEntry(
            domain=saved["domain"],
            entry_id=saved["entry_id"],
            version=saved["version"],
            minor_version=saved["minor_version"],
            title=saved["title"],
            unique_id=saved["unique_id"],
            source=saved["source"],
            data=_pointed_at_simulators(saved, milesight_sim.url, ttlock_sim.url),
            options=saved["options"],
            pref_disable_new_entities=saved["pref_disable_new_entities"],
            pref_disable_polling=saved["pref_disable_polling"],
        )
        entry.add_to_hass(hass)
        entries.append(entry)

    assert await async_setup_component(hass, DOMAIN, {})
    await hass.async_block_till_done(wait_background_tasks=True)
    _write_unavailable_states(hass)
    return entries


def _write_unavailable_states(hass: HomeAssistant) -> None:
    """What Home Assistant does at start for every enabled registry entry without a state.

    An entity no platform provides (say, a registry entry left under an old unique id) then
    shows `unavailable` with `restored: true`; the entities provided by a platform have states.
    """
    registry = er.async_get(hass)
    existing = set(hass.states.async_entity_ids())
    for entry in list(registry.entities.values()):
        if entry.entity_id not in existing and not entry.disabled:
            entry.write_unavailable_state(hass)


def _provided_unique_ids(hass: HomeAssistant) -> dict[str, str | None]:
    """entity_id -> unique id of every entity the integration's platforms provide right now."""
    return {
        entity_id: entity.unique_id
        for platform in entity_platform.async_get_platforms(hass, DOMAIN)
        for entity_id, entity in platform.entities.items()
    }


def _live_state(hass: HomeAssistant, entity_id: str) -> State:
    """The entity's state, asserting it is a provided entity's and not a restored placeholder."""
    state = hass.states.get(entity_id)
    assert state is not None, f"{entity_id} has no state"
    assert not (state.state == STATE_UNAVAILABLE and state.attributes.get(ATTR_RESTORED)), (
        f"{entity_id} is an orphan: no platform of the current code provides it"
    )
    return state


def _config_entries_of(device: dr.DeviceEntry) -> set[str]:
    """The entries of a device (newer cores give a device exactly one, `config_entry_id`)."""
    entry_id = getattr(device, "config_entry_id", _NO_ATTRIBUTE)
    if entry_id is not _NO_ATTRIBUTE:
        return {str(entry_id)} if entry_id else set()
    return set(device.config_entries)


def _assert_registries_kept(hass: HomeAssistant, removed: frozenset[str] = frozenset()) -> None:
    """Every device and entity of the snapshot, nothing duplicated (the core of the test).

    `removed`: entities of REMOVED_WHEN_ABSENT this run's clouds give reason to remove.
    """
    devices = dr.async_get(hass)
    entities = er.async_get(hass)
    provided = _provided_unique_ids(hass)

    for saved in SNAPSHOT.devices.values():
        device = devices.async_get(saved["id"])
        assert device is not None, f"device {saved['name']!r} is gone"
        assert device.name_by_user == saved["name_by_user"], saved["name"]
        assert _config_entries_of(device) == set(saved["config_entries"]), saved["name"]
        assert device.disabled_by == (
            dr.DeviceEntryDisabler(saved["disabled_by"]) if saved["disabled_by"] else None
        )
        assert any(domain == DOMAIN for domain, _ in device.identifiers), saved["name"]

    for saved in SNAPSHOT.entities.values():
        entity_id = saved["entity_id"]
        entity = entities.async_get(entity_id)
        if entity_id in removed:
            assert entity is None, (
                f"{entity_id} should be removed: {REMOVED_WHEN_ABSENT[entity_id]}"
            )
            assert hass.states.get(entity_id) is None, f"{entity_id} left a state behind"
            continue
        assert entity is not None, f"{entity_id} is gone"
        assert entity.platform == DOMAIN
        assert entity.config_entry_id == saved["config_entry_id"], entity_id
        assert entity.name == saved["name"], entity_id
        assert entity.disabled_by == (
            er.RegistryEntryDisabler(saved["disabled_by"]) if saved["disabled_by"] else None
        ), entity_id
        assert entity.hidden_by == (
            er.RegistryEntryHider(saved["hidden_by"]) if saved["hidden_by"] else None
        ), entity_id
        assert entity.device_id == saved["device_id"], f"{entity_id} moved to another device"
        if entity.disabled_by is None:
            _live_state(hass, entity_id)
            # The registry's unique id is the one the running code gave the entity.
            assert provided.get(entity_id) == entity.unique_id, entity_id

    for saved_entry in SNAPSHOT.entries:
        entry_id, title = saved_entry["entry_id"], saved_entry["title"]
        now_devices = {d.id for d in dr.async_entries_for_config_entry(devices, entry_id)}
        before_devices = SNAPSHOT.devices_of(entry_id)
        new_names = [getattr(devices.async_get(d), "name", d) for d in now_devices - before_devices]
        lost_names = [SNAPSHOT.devices[d]["name"] for d in before_devices - now_devices]
        assert now_devices == before_devices, f"{title}: new {new_names}, lost {lost_names}"
        now_entities = {e.entity_id for e in er.async_entries_for_config_entry(entities, entry_id)}
        before = SNAPSHOT.entities_of(entry_id) - removed
        added = now_entities - before
        assert added <= ADDED_SINCE_0_2_0, f"{title}: new entities {sorted(added)}"
        assert before <= now_entities, f"{title}: lost {sorted(before - now_entities)}"
        assert len(now_entities) == len(before) + len(added)


async def test_upgrade_from_0_2_0_keeps_devices_entities_and_values(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    hass_client_no_auth: Callable[[], Awaitable[TestClient]],
    milesight_sim: MilesightSimulator,
    ttlock_sim: TTLockSimulator,
) -> None:
    """Each 0.2.0 device and entity is there, under the same ids and names, with its values."""
    entries = await _restart_on_snapshot(hass, hass_storage, milesight_sim, ttlock_sim)

    for entry in entries:
        assert entry.state is ConfigEntryState.LOADED, entry.title
        assert (entry.version, entry.minor_version) == (
            MinervaConfigFlow.VERSION,
            MinervaConfigFlow.MINOR_VERSION,
        ), entry.title
    _assert_registries_kept(hass)

    # The user's renames took: the entity names shown are the user's, not the integration's.
    renamed = {e["entity_id"]: e["name"] for e in SNAPSHOT.entities.values() if e["name"]}
    assert len(renamed) >= 3
    for entity_id, name in renamed.items():
        assert _live_state(hass, entity_id).attributes["friendly_name"] == name

    # Values the cloud does not re-read at start-up survive the upgrade (lock state and who
    # changed it, last events, the webhook-only entry's readings).
    api_entry_id = SNAPSHOT.entry("milesight", api=True)["entry_id"]
    compared = 0
    for entity_id, row in SNAPSHOT.restored.items():
        saved = row["state"]
        refreshed = (
            SNAPSHOT.entities[entity_id]["config_entry_id"] == api_entry_id
            and entity_id.split(".")[0] in REFRESHED_FROM_API_DOMAINS
        )
        if refreshed or SNAPSHOT.entities[entity_id]["disabled_by"]:
            continue
        state = _live_state(hass, entity_id)
        assert state.state == saved["state"], entity_id
        if "changed_by" in saved["attributes"]:
            assert state.attributes.get("changed_by") == saved["attributes"]["changed_by"]
        compared += 1
    assert compared >= 5
    assert SNAPSHOT.restored["lock.garden_gate"]["state"]["state"] == "unlocked"

    # Pushes still reach the kept entities, and create no second device or entity.
    await _deliver_after_upgrade(hass, hass_client_no_auth, milesight_sim)
    _assert_registries_kept(hass)

    # The disabled entities are provided too: enabled as a user would, the entry reloads.
    disabled = [e for e in SNAPSHOT.entities.values() if e["disabled_by"]]
    assert disabled
    registry = er.async_get(hass)
    for saved in disabled:
        registry.async_update_entity(saved["entity_id"], disabled_by=None)
    await hass.async_block_till_done()
    # Home Assistant reloads an entry 30 s after one of its entities was enabled.
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=31))
    await hass.async_block_till_done(wait_background_tasks=True)
    _write_unavailable_states(hass)
    provided = _provided_unique_ids(hass)
    for saved in disabled:
        entity = registry.async_get(saved["entity_id"])
        assert entity is not None
        _live_state(hass, entity.entity_id)
        assert provided.get(entity.entity_id) == entity.unique_id, entity.entity_id
    for entry in entries:
        assert entry.state is ConfigEntryState.LOADED, entry.title


async def _deliver_after_upgrade(
    hass: HomeAssistant,
    hass_client_no_auth: Callable[[], Awaitable[TestClient]],
    milesight_sim: MilesightSimulator,
) -> None:
    """A signed uplink to each Milesight entry moves the sensor the user renamed."""
    client = await hass_client_no_auth()
    for api, entity_id, value in (
        (True, "sensor.walk_in_freezer_temperature", 3.3),
        (False, "sensor.warehouse_freezer_temp", -18.5),
    ):
        entry = SNAPSHOT.entry("milesight", api=api)
        device = _snapshot_milesight_device(entry["entry_id"], entity_id)
        event = device_data(
            device, "PROPERTY", {"temperature": value}, ts_ms=int(time.time() * 1000)
        )
        headers, body = milesight_sim.build_delivery(
            [event], secret=entry["data"]["webhook_secret"]
        )
        response = await client.post(
            f"/api/webhook/{entry['data']['webhook_id']}", data=body, headers=headers
        )
        assert response.status == 200, await response.text()
        await hass.async_block_till_done()
        assert float(_live_state(hass, entity_id).state) == value


def _snapshot_milesight_device(entry_id: str, entity_id: str) -> SimulatedDevice:
    """The Milesight device of a snapshot entity, as its entry's 0.2.0 store describes it."""
    device_name = SNAPSHOT.devices[SNAPSHOT.entities[entity_id]["device_id"]]["name"]
    stored = SNAPSHOT.data(f"{DOMAIN}.milesight_{entry_id}")["devices"]
    row = next(row for row in stored if row["name"] == device_name)
    return SimulatedDevice(
        device_id=row["device_id"],
        sn=row["sn"],
        dev_eui=row["dev_eui"],
        name=row["name"],
        model=row["model"],
    )


async def test_a_door_entity_without_a_sensor_is_removed_not_orphaned(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    milesight_sim: MilesightSimulator,
    ttlock_sim: TTLockSimulator,
) -> None:
    """The front door turns out to have no door sensor bound (featureValue bit 13 only): its
    0.2.0 door entity leaves the registry (no "no longer provided" orphan); everything else of
    the snapshot is kept as in the main test."""
    front_door = next(lock for lock in ttlock_sim.locks.values() if lock.alias == "Front door")
    front_door.has_door_sensor = False
    assert front_door.supports(13)
    entries = await _restart_on_snapshot(hass, hass_storage, milesight_sim, ttlock_sim)
    for entry in entries:
        assert entry.state is ConfigEntryState.LOADED, entry.title
    assert set(REMOVED_WHEN_ABSENT) <= set(SNAPSHOT.entities)
    _assert_registries_kept(hass, removed=frozenset(REMOVED_WHEN_ABSENT))
    # Home Assistant's own registry clean-up runs 10 s after the removal: it takes nothing else.
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=11))
    await hass.async_block_till_done(wait_background_tasks=True)
    _assert_registries_kept(hass, removed=frozenset(REMOVED_WHEN_ABSENT))
    # HA's debouncer starts a cooldown timer after each run (newer cores); let those run out
    # too, so that no timer outlives the test.
    for cooldowns in (2, 3, 4):
        async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=11 * cooldowns))
        await hass.async_block_till_done(wait_background_tasks=True)
