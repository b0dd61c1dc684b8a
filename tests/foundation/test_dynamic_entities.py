"""Entities added as devices and keys appear, re-created after a device removal (both vendors)."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
import logging
from unittest.mock import AsyncMock

from homeassistant.config_entries import ConfigFlow
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    MockModule,
    mock_config_flow,
    mock_integration,
    mock_platform,
)

from custom_components.minerva_iot.device_updates import DeviceUpdates
from custom_components.minerva_iot.dynamic_entities import async_add_dynamic_entities


class Built(Entity):
    """An entity that remembers what it was built for."""

    def __init__(self, device: str, key: str) -> None:
        self.built_for = (device, key)


class Fleet:
    """Devices with keys, and a removal counter per device."""

    def __init__(self) -> None:
        self.keys: dict[str, list[str]] = {"a": ["t"], "b": ["t", "h"]}
        self.removals: dict[str, int] = {}
        self.asked: list[str] = []

    def candidates(self, device: str) -> Iterable[tuple[Hashable, Callable[[], Entity]]]:
        self.asked.append(device)
        for key in self.keys.get(device, ()):
            yield key, lambda key=key: Built(device, key)

    def generation(self, device: str) -> int:
        return self.removals.get(device, 0)


async def _set_up(
    hass: HomeAssistant, updates: DeviceUpdates[str] | None
) -> tuple[MockConfigEntry, DataUpdateCoordinator[None], Fleet, list[tuple[str, str]]]:
    # A loaded entry of a stand-in integration: unloading it runs its on-unload callbacks.
    mock_integration(
        hass,
        MockModule(
            "dynamic_test",
            async_setup_entry=AsyncMock(return_value=True),
            async_unload_entry=AsyncMock(return_value=True),
        ),
    )
    mock_platform(hass, "dynamic_test.config_flow", None)
    entry = MockConfigEntry(domain="dynamic_test", data={})
    entry.add_to_hass(hass)
    with mock_config_flow("dynamic_test", ConfigFlow):
        assert await hass.config_entries.async_setup(entry.entry_id)
    coordinator: DataUpdateCoordinator[None] = DataUpdateCoordinator(
        hass, logging.getLogger(__name__), config_entry=entry, name="test"
    )
    fleet = Fleet()
    added: list[tuple[str, str]] = []

    def add_entities(entities: Iterable[Entity], update_before_add: bool = False) -> None:
        added.extend(entity.built_for for entity in entities if isinstance(entity, Built))

    async_add_dynamic_entities(
        entry,
        add_entities,
        coordinator,
        devices=lambda: fleet.keys,
        candidates=fleet.candidates,
        generation=fleet.generation,
        device_updates=updates,
    )
    return entry, coordinator, fleet, added


async def test_full_updates_add_what_is_new_once(hass: HomeAssistant) -> None:
    """Every device at set-up; after a full update only the new devices and keys."""
    _, coordinator, fleet, added = await _set_up(hass, None)
    assert sorted(added) == [("a", "t"), ("b", "h"), ("b", "t")]
    added.clear()
    fleet.keys["a"].append("h")
    fleet.keys["c"] = ["t"]
    coordinator.async_update_listeners()
    assert sorted(added) == [("a", "h"), ("c", "t")]
    added.clear()
    coordinator.async_update_listeners()
    assert added == []


async def test_pushes_check_only_the_devices_they_name(hass: HomeAssistant) -> None:
    """A push naming one new device asks that device only: the cost does not grow with the fleet."""
    updates: DeviceUpdates[str] = DeviceUpdates()
    _, _, fleet, added = await _set_up(hass, updates)
    added.clear()
    fleet.asked.clear()
    fleet.keys["c"] = ["t"]
    fleet.keys["b"].append("new")
    updates.notify({"c"}, new={"c"})
    assert added == [("c", "t")]
    assert fleet.asked == ["c"]
    updates.notify({"b"})  # not named as new: not checked
    assert fleet.asked == ["c"]
    updates.notify({"gone"}, new={"gone"})  # a key the platform does not know
    assert added == [("c", "t")]


async def test_a_device_removed_and_back_gets_new_entities(hass: HomeAssistant) -> None:
    """A new generation builds the device's entities again; other devices keep theirs."""
    updates: DeviceUpdates[str] = DeviceUpdates()
    _, coordinator, fleet, added = await _set_up(hass, updates)
    added.clear()
    fleet.removals["a"] = 1
    updates.notify({"a"}, new={"a"})
    assert added == [("a", "t")]
    coordinator.async_update_listeners()
    assert added == [("a", "t")]


async def test_unload_ends_both_subscriptions(hass: HomeAssistant) -> None:
    """After the entry unloads, neither full updates nor pushes add entities."""
    updates: DeviceUpdates[str] = DeviceUpdates()
    entry, coordinator, fleet, added = await _set_up(hass, updates)
    added.clear()
    assert await hass.config_entries.async_unload(entry.entry_id)
    fleet.keys["c"] = ["t"]
    coordinator.async_update_listeners()
    updates.notify({"c"}, new={"c"})
    assert added == []
