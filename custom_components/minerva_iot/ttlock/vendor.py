"""TTLock in the vendor table."""

from __future__ import annotations

from custom_components.minerva_iot.const import VENDOR_TTLOCK
from custom_components.minerva_iot.vendor import Vendor

from . import (
    async_remove_config_entry_device,
    async_remove_entry,
    async_setup_entry,
    async_setup_services,
    async_unload_entry,
)
from .config_flow import TTLockFlowMixin
from .diagnostics import async_get_ttlock_diagnostics
from .identifiers import migrate_v1_unique_id
from .options_flow import TTLockOptionsFlow
from .platforms import PLATFORM_SETUPS
from .triggers import TRIGGER_TYPES, ttlock_trigger_types

TTLOCK = Vendor(
    name=VENDOR_TTLOCK,
    menu_options=("ttlock",),
    platforms=PLATFORM_SETUPS,
    async_setup_entry=async_setup_entry,
    async_unload_entry=async_unload_entry,
    async_remove_entry=async_remove_entry,
    async_remove_device=async_remove_config_entry_device,
    async_get_diagnostics=async_get_ttlock_diagnostics,
    trigger_types=frozenset(TRIGGER_TYPES),
    device_trigger_types=ttlock_trigger_types,
    reauth_step=TTLockFlowMixin.async_step_ttlock_reauth,
    reconfigure_step=TTLockFlowMixin.async_step_ttlock_reconfigure,
    options_flow=TTLockOptionsFlow,
    async_setup_services=async_setup_services,
    migrate_v1_unique_id=migrate_v1_unique_id,
)
