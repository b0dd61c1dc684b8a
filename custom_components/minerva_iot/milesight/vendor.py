"""The Milesight Development Platform in the vendor table."""

from __future__ import annotations

from custom_components.minerva_iot.const import VENDOR_MILESIGHT
from custom_components.minerva_iot.vendor import Vendor

from . import (
    async_remove_config_entry_device,
    async_remove_entry,
    async_setup_entry,
    async_unload_entry,
)
from .config_flow import MilesightFlowMixin
from .control.actions import async_setup_services
from .diagnostics import async_get_milesight_diagnostics
from .identifiers import migrate_v1_identifier, migrate_v1_unique_id
from .options_flow import MilesightOptionsFlow
from .platforms import PLATFORM_SETUPS
from .triggers import TRIGGER_TYPES, milesight_trigger_types

MILESIGHT = Vendor(
    name=VENDOR_MILESIGHT,
    menu_options=("milesight", "milesight_webhook"),
    platforms=PLATFORM_SETUPS,
    async_setup_entry=async_setup_entry,
    async_unload_entry=async_unload_entry,
    async_remove_entry=async_remove_entry,
    async_remove_device=async_remove_config_entry_device,
    async_get_diagnostics=async_get_milesight_diagnostics,
    async_setup_services=async_setup_services,
    trigger_types=frozenset(TRIGGER_TYPES),
    device_trigger_types=milesight_trigger_types,
    reauth_step=MilesightFlowMixin.async_step_milesight_reauth,
    reconfigure_step=MilesightFlowMixin.async_step_milesight_reconfigure,
    options_flow=MilesightOptionsFlow,
    migrate_v1_identifier=migrate_v1_identifier,
    migrate_v1_unique_id=migrate_v1_unique_id,
)
