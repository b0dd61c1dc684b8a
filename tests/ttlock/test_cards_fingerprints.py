"""TTLock IC card and fingerprint actions through Home Assistant, and their count sensors."""

from __future__ import annotations

from datetime import timedelta

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.minerva_iot.const import DOMAIN
from simulators.ttlock import TTLockSimulator

from .conftest import FRONT_DOOR, GATEWAY, call_lock_action

# (kind, its id in the simulator's front door, the simulator's store, the list endpoint)
KINDS = [
    pytest.param("card", 5001, "cards", "identityCard", id="card"),
    pytest.param("fingerprint", 6001, "fingerprints", "fingerprint", id="fingerprint"),
]


@pytest.mark.parametrize(("kind", "known", "store", "prefix"), KINDS)
async def test_list_rename_change_delete(
    hass: HomeAssistant,
    sim: TTLockSimulator,
    loaded_entry: MockConfigEntry,
    kind: str,
    known: int,
    store: str,
    prefix: str,
) -> None:
    """List (name, validity, added by), rename (no gateway), new validity, delete."""
    listed = await call_lock_action(hass, f"ttlock_list_{store}")
    (item,) = listed[store]
    assert item[f"{kind}_id"] == known
    assert item["permanent"] is True
    assert item["added_by"] == "demo@example.com"
    assert "number" not in str(item)
    credential = getattr(sim.locks[FRONT_DOOR], store)[known]

    sim.set_gateway_online(GATEWAY, False)
    renamed = await call_lock_action(
        hass, f"ttlock_rename_{kind}", **{f"{kind}_id": known, "name": "Nanny"}
    )
    assert (renamed["name"], renamed["previous_name"]) == ("Nanny", item["name"])
    assert credential.name == "Nanny"
    sim.set_gateway_online(GATEWAY, True)

    start, end = dt_util.now(), dt_util.now() + timedelta(days=30)
    changed = await call_lock_action(
        hass,
        f"ttlock_change_{kind}_period",
        **{f"{kind}_id": known, "start": start.isoformat(), "end": end.isoformat()},
    )
    assert changed["permanent"] is False
    assert credential.end == int(end.timestamp() * 1000)

    deleted = await call_lock_action(hass, f"ttlock_delete_{kind}", **{f"{kind}_id": known})
    assert deleted["name"] == "Nanny"
    assert known not in getattr(sim.locks[FRONT_DOOR], store)
    assert sim.calls[f"{prefix}/delete"] == 1


@pytest.mark.parametrize(("kind", "known", "store", "prefix"), KINDS)
async def test_unknown_id_never_reaches_the_gateway(
    hass: HomeAssistant,
    sim: TTLockSimulator,
    loaded_entry: MockConfigEntry,
    kind: str,
    known: int,
    store: str,
    prefix: str,
) -> None:
    """An unknown card or fingerprint is refused after the list read, before any write."""
    for action, extra in (
        (f"ttlock_rename_{kind}", {"name": "x"}),
        (f"ttlock_delete_{kind}", {}),
        (
            f"ttlock_change_{kind}_period",
            {"start": dt_util.now().isoformat(), "end": (dt_util.now() + timedelta(1)).isoformat()},
        ),
    ):
        with pytest.raises(ServiceValidationError) as err:
            await call_lock_action(hass, action, **{f"{kind}_id": 999, **extra})
        assert err.value.translation_key == f"ttlock_{kind}_unknown"
    assert sim.calls[f"{prefix}/list"] == 3
    assert not any(sim.calls[f"{prefix}/{write}"] for write in ("rename", "delete", "changePeriod"))


@pytest.mark.parametrize(("kind", "known", "store", "prefix"), KINDS)
@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"start": "-48", "end": "-24"}, "ttlock_period_in_past"),
        ({"start": "+48", "end": "+24"}, "ttlock_period_reversed"),
        ({"name": ""}, "ttlock_invalid_name"),
    ],
)
async def test_invalid_input_before_any_cloud_call(
    hass: HomeAssistant,
    sim: TTLockSimulator,
    loaded_entry: MockConfigEntry,
    kind: str,
    known: int,
    store: str,
    prefix: str,
    data: dict[str, str],
    key: str,
) -> None:
    """A period in the past or reversed, a blank name: refused with no call at all."""
    action = f"ttlock_rename_{kind}" if "name" in data else f"ttlock_change_{kind}_period"
    data = {
        field: (dt_util.now() + timedelta(hours=float(value))).isoformat()
        if field != "name"
        else value
        for field, value in data.items()
    }
    calls = sum(sim.calls.values())
    with pytest.raises(ServiceValidationError) as err:
        await call_lock_action(hass, action, **{f"{kind}_id": known, **data})
    assert err.value.translation_key == key
    assert sum(sim.calls.values()) == calls


async def test_gateway_refusal_is_translated(
    hass: HomeAssistant, sim: TTLockSimulator, loaded_entry: MockConfigEntry
) -> None:
    """A delete through an unplugged gateway: the cloud's -3002, translated."""
    sim.set_gateway_online(GATEWAY, False)
    with pytest.raises(HomeAssistantError) as err:
        await call_lock_action(hass, "ttlock_delete_card", card_id=5001)
    assert err.value.translation_key == "ttlock_gateway_offline"
    assert 5001 in sim.locks[FRONT_DOOR].cards


async def test_count_sensors_disabled_by_default_and_cost_nothing(
    hass: HomeAssistant, sim: TTLockSimulator, loaded_entry: MockConfigEntry
) -> None:
    """Disabled by default: no list call at set-up."""
    registry = er.async_get(hass)
    entity_id = registry.async_get_entity_id(
        "sensor", DOMAIN, f"ttlock_lock_{FRONT_DOOR}_card_count"
    )
    assert entity_id is not None
    entry = registry.async_get(entity_id)
    assert entry is not None
    assert entry.disabled_by is er.RegistryEntryDisabler.INTEGRATION
    assert sim.calls["identityCard/list"] == 0
    assert sim.calls["fingerprint/list"] == 0


async def test_count_sensors_once_enabled(
    hass: HomeAssistant, sim: TTLockSimulator, loaded_entry: MockConfigEntry
) -> None:
    """Enabled: one read when added; actions then report their counts without a call."""
    registry = er.async_get(hass)
    entity_ids = {}
    for key in ("card_count", "fingerprint_count", "passcode_count"):
        entity_id = registry.async_get_entity_id(
            "sensor", DOMAIN, f"ttlock_lock_{FRONT_DOOR}_{key}"
        )
        assert entity_id is not None
        registry.async_update_entity(entity_id, disabled_by=None)
        entity_ids[key] = entity_id
    await hass.config_entries.async_reload(loaded_entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get(entity_ids["card_count"]).state == "1"  # type: ignore[union-attr]
    assert hass.states.get(entity_ids["fingerprint_count"]).state == "1"  # type: ignore[union-attr]
    assert hass.states.get(entity_ids["passcode_count"]).state == "0"  # type: ignore[union-attr]
    lists = sim.calls["identityCard/list"]

    await call_lock_action(hass, "ttlock_delete_card", card_id=5001)
    await call_lock_action(hass, "ttlock_create_passcode", passcode="8642")
    await call_lock_action(hass, "ttlock_list_passcodes")
    await hass.async_block_till_done()
    assert hass.states.get(entity_ids["card_count"]).state == "0"  # type: ignore[union-attr]
    assert hass.states.get(entity_ids["passcode_count"]).state == "1"  # type: ignore[union-attr]
    # The delete's own look-up, no extra read for the sensor.
    assert sim.calls["identityCard/list"] == lists + 1
