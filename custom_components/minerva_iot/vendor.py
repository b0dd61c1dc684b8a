"""What a vendor package gives the integration: the one place the top level learns about it.

Every top-level module (entry set-up, config flow, diagnostics, platforms, device triggers,
migration) looks the entry's vendor up in `vendors.VENDORS` and calls what its `Vendor` holds;
none of them branches on the vendor's name.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine, Mapping
from dataclasses import dataclass
from typing import Any

from homeassistant.config_entries import ConfigEntry, ConfigFlowResult, OptionsFlow
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.device_registry import DeviceEntry
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

type PlatformSetup = Callable[[HomeAssistant, Any, AddConfigEntryEntitiesCallback], Awaitable[None]]
# An unbound step method of the vendor's config-flow mixin, called with the flow handler.
type FlowStep = Callable[[Any, Any], Coroutine[Any, Any, ConfigFlowResult]]


@dataclass(frozen=True, kw_only=True)
class Vendor:
    """One cloud: its entry life cycle, platforms, flow steps, diagnostics and triggers."""

    name: str
    # Options of the config flow's `user` menu that create entries of this vendor.
    menu_options: tuple[str, ...]
    platforms: Mapping[Platform, PlatformSetup]
    async_setup_entry: Callable[[HomeAssistant, Any], Awaitable[bool]]
    async_unload_entry: Callable[[HomeAssistant, Any], Awaitable[bool]]
    async_remove_entry: Callable[[HomeAssistant, ConfigEntry], Awaitable[None]]
    async_remove_device: Callable[[HomeAssistant, Any, DeviceEntry], Awaitable[bool]]
    async_get_diagnostics: Callable[[HomeAssistant, Any], Awaitable[dict[str, Any]]]
    # Every device-trigger type the vendor can offer, and those one device offers.
    trigger_types: frozenset[str]
    device_trigger_types: Callable[[ConfigEntry, DeviceEntry], list[str]]
    reauth_step: FlowStep
    reconfigure_step: FlowStep
    options_flow: Callable[[], OptionsFlow]
    # Registered once in async_setup, whatever entries exist (action-setup rule).
    async_setup_services: Callable[[HomeAssistant], None] | None = None
    # Config entry version 1 (0.2.0) → 2: new device identifier / unique id for an old one
    # (`entry_id` tells an entry-level unique id from a device-level one); same value if unchanged.
    migrate_v1_identifier: Callable[[str], str] = lambda identifier: identifier
    migrate_v1_unique_id: Callable[[str, str], str] = lambda unique_id, entry_id: unique_id
