"""Thing-model arrays through an API entry, as Milesight's own client expands them.

MDP describes an ARRAY property `x` with an element `x._item` and its children `x._item.y`
(the simulator's field scenario gives the EM320-TH its stored `history` that way). Milesight's
receiver (msc-integration MscTslUtils) turns them into `x[0]` … `x[n-1]` and flattens payload
arrays the same way: so must we, without `x._item.y` entities that never get a value.
"""

from __future__ import annotations

from typing import Any

from homeassistant.const import ATTR_UNIT_OF_MEASUREMENT
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.minerva_iot.const import DOMAIN
from simulators.milesight import MilesightSimulator
from simulators.milesight.catalogue import thing_properties
from simulators.milesight.device import prop

from .conftest import Deliver, api_entry, setup_entry, webhook_entry

FREEZER = "6711D0000000F109"  # the field scenario's EM320-TH, with an ARRAY `history`
COLD_STORE = "6136D0000000AB12"


@pytest.fixture
def milesight_sim_options() -> dict[str, Any]:
    """The field scenario: thing models with ARRAY properties."""
    return {"seed": 3, "scenario": "field"}


def unique_ids(hass: HomeAssistant, entry: MockConfigEntry, sn: str) -> dict[str, str]:
    """Key → entity id of every entity of a device."""
    prefix = f"milesight_device_{sn}_"
    return {
        registered.unique_id.removeprefix(prefix): registered.entity_id
        for registered in er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)
        if registered.unique_id.startswith(prefix)
    }


def _array(key: str, name: str, element: str, *, max_size: int | None = None) -> dict[str, Any]:
    array = prop(key, name, "ARRAY")
    array["dataSpec"]["elementDataType"] = element
    if max_size is not None:
        array["dataSpec"]["validator"] = {"maxSize": max_size}
    return array


async def test_catalogued_history_array_gets_no_entities(
    hass: HomeAssistant, external_url: str, sim: MilesightSimulator, deliver: Deliver
) -> None:
    """EM320-TH `history` (stored readings, ignored by the catalogue): no phantom entities."""
    entry = api_entry(sim)
    await setup_entry(hass, entry)
    keys = unique_ids(hass, entry, FREEZER)
    assert {"temperature", "humidity", "battery"} <= set(keys)
    assert not [key for key in keys if "history" in key or "_item" in key]
    uplink = {
        "temperature": -18.2,
        "history": [{"timestamp": 1665561758, "temperature": -18.0, "humidity": 50.0}],
    }
    assert await deliver(sim.uplink_event(FREEZER, uplink)) == (200, "success")
    keys = unique_ids(hass, entry, FREEZER)
    assert not [key for key in keys if "history" in key or "_item" in key]
    assert hass.states.get(keys["temperature"]).state == "-18.2"


async def test_arrays_expand_to_elements_that_get_values(
    hass: HomeAssistant, external_url: str, sim: MilesightSimulator, deliver: Deliver
) -> None:
    """`probes[0..1].temperature` (maxSize 2) and `levels[0..3]` (no maxSize: 4), filled by
    the payload's arrays; elements beyond the thing model are not entities."""
    properties = [
        *thing_properties("EM320-TH", field=True),
        _array("probes", "Probes", "STRUCT", max_size=2),
        prop("probes._item", "Probe", "STRUCT", parent="probes"),
        prop("probes._item.temperature", "Temperature", "FLOAT", unit="°C", parent="probes._item"),
        _array("levels", "Levels", "INT"),
        prop("levels._item", "Level", "INT", parent="levels"),
    ]
    sim.set_thing_properties("EM320-TH", properties)
    entry = api_entry(sim)
    await setup_entry(hass, entry)
    keys = unique_ids(hass, entry, FREEZER)
    assert not [key for key in keys if "_item" in key]
    expected = {
        "probes[0].temperature",
        "probes[1].temperature",
        *(f"levels[{i}]" for i in range(4)),
    }
    assert expected <= set(keys)
    probe = hass.states.get(keys["probes[1].temperature"])
    assert probe.name == "Freezer Probes 2 Temperature"
    assert probe.attributes[ATTR_UNIT_OF_MEASUREMENT] == "°C"

    payload = {
        "probes": [{"temperature": -18.5}, {"temperature": -19.0}],
        "levels": [1, 2, 3, 4, 5],
    }
    assert await deliver(sim.uplink_event(FREEZER, payload)) == (200, "success")
    keys = unique_ids(hass, entry, FREEZER)
    assert hass.states.get(keys["probes[0].temperature"]).state == "-18.5"
    assert hass.states.get(keys["probes[1].temperature"]).state == "-19.0"
    assert hass.states.get(keys["levels[3]"]).state == "4"
    assert "levels[4]" not in keys  # the thing model has four


async def test_payload_arrays_without_thing_model(
    hass: HomeAssistant, external_url: str, sim: MilesightSimulator, deliver: Deliver
) -> None:
    """Webhook-only: array values become `x[i]` readings (Milesight's default four at most)."""
    entry = webhook_entry()
    await setup_entry(hass, entry)
    payload = {"neighbours": [-71, -80, -90, -95, -99], "gps": {"fix": "3d"}}
    assert await deliver(sim.uplink_event(COLD_STORE, payload)) == (200, "success")
    keys = unique_ids(hass, entry, COLD_STORE)
    assert hass.states.get(keys["neighbours[0]"]).state == "-71"
    assert hass.states.get(keys["neighbours[3]"]).state == "-95"
    assert "neighbours[4]" not in keys
    assert "neighbours" not in keys
    assert hass.states.get(keys["gps.fix"]).state == "3d"


async def test_stored_templates_of_an_older_version_are_removed(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    external_url: str,
    sim: MilesightSimulator,
    deliver: Deliver,
) -> None:
    """A store written before arrays were expanded: its `x._item.y` keys and their registry
    entries go; the hints become `x[i]` elements."""
    entry = webhook_entry()
    entry.add_to_hass(hass)
    hint = {"name": "Temperature", "unit": "°C", "data_type": "FLOAT", "access_mode": "R"}
    hass_storage[f"{DOMAIN}.milesight_{entry.entry_id}"] = {
        "version": 1,
        "key": f"{DOMAIN}.milesight_{entry.entry_id}",
        "data": {
            "devices": [
                {
                    "sn": FREEZER,
                    "model": "EM320-TH",
                    "name": "Freezer",
                    "keys": ["temperature", "probes._item.temperature"],
                    "hints": {
                        "probes": {"name": "Probes", "data_type": "ARRAY", "max_size": 2},
                        "probes._item": {"name": "Probe", "data_type": "STRUCT"},
                        "probes._item.temperature": hint,
                    },
                    "tsl_loaded": True,
                }
            ]
        },
    }
    registry = er.async_get(hass)
    phantom = registry.async_get_or_create(
        "sensor",
        DOMAIN,
        f"milesight_device_{FREEZER}_probes._item.temperature",
        config_entry=entry,
        suggested_object_id="freezer_probe_temperature",
    )
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert registry.async_get(phantom.entity_id) is None
    keys = unique_ids(hass, entry, FREEZER)
    assert "temperature" in keys
    assert not [key for key in keys if "_item" in key]
    payload = {"probes": [{"temperature": -20.5}]}
    assert await deliver(sim.uplink_event(FREEZER, payload)) == (200, "success")
    keys = unique_ids(hass, entry, FREEZER)
    assert hass.states.get(keys["probes[0].temperature"]).state == "-20.5"
