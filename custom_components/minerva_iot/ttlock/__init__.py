"""TTLock side of the integration: entry set-up, coordinator, webhook and entities."""

from __future__ import annotations

import logging

from homeassistant.config_entries import ConfigEntry, ConfigEntryState
from homeassistant.const import EVENT_CORE_CONFIG_UPDATE, Platform
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryError, ConfigEntryNotReady
from homeassistant.helpers import config_entry_oauth2_flow
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.device_registry import DeviceEntry

from custom_components.minerva_iot.clients.ttlock import TTLockClient
from custom_components.minerva_iot.compat import async_listen_for_options_changes
from custom_components.minerva_iot.const import DOMAIN
from custom_components.minerva_iot.stale_devices import removal_allowed

from .auth import ImplementationUnavailableError, TTLockAuthImplementation, TTLockEntryAuth
from .coordinator import TTLockCoordinator
from .data import TTLockConfigEntry, TTLockData
from .identifiers import gateway_id_of_device, lock_id_of_device
from .issues import async_delete_all_entry_issues
from .learning import async_remove_learning
from .observed import async_remove_observations
from .platforms import PLATFORM_SETUPS
from .services import async_setup_services as _async_setup_services
from .usage import TTLockUsageStore, async_remove_usage
from .webhook import async_attach_entry, async_delete_callback_issue, async_raise_callback_issue

_LOGGER = logging.getLogger(__name__)

PLATFORMS: list[Platform] = list(PLATFORM_SETUPS)


async def async_setup_entry(hass: HomeAssistant, entry: TTLockConfigEntry) -> bool:
    """Set up a TTLock account: token session, client, coordinator, platforms, webhook."""
    try:
        implementation = await config_entry_oauth2_flow.async_get_config_entry_implementation(
            hass, entry
        )
    except ImplementationUnavailableError as err:
        # HA >= 2025.12: the credential's provider is down for now; it may come back.
        raise ConfigEntryNotReady(
            translation_domain=DOMAIN, translation_key="ttlock_credential_unavailable"
        ) from err
    except ValueError as err:
        # The application credential was deleted: retrying cannot help, the user must add it.
        raise ConfigEntryError(
            translation_domain=DOMAIN, translation_key="ttlock_credential_missing"
        ) from err
    if not isinstance(implementation, TTLockAuthImplementation):
        raise ConfigEntryError(
            translation_domain=DOMAIN, translation_key="ttlock_credential_missing"
        )
    auth = TTLockEntryAuth(hass, entry, implementation)
    usage = TTLockUsageStore(hass, entry.entry_id)
    await usage.async_restore()
    client = TTLockClient(
        async_get_clientsession(hass),
        auth.api_host,
        implementation.client_id,
        auth,
        on_request=usage.counter.record,
    )
    coordinator = TTLockCoordinator(hass, entry, client)
    entry.async_on_unload(coordinator.async_add_listener(usage.async_schedule_save))
    entry.async_on_unload(usage.async_save)
    await coordinator.async_config_entry_first_refresh()
    entry.runtime_data = TTLockData(client=client, coordinator=coordinator, api_calls=usage.counter)
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    entry.async_on_unload(async_attach_entry(hass, entry, coordinator))
    async_listen_for_options_changes(hass, entry)

    @callback
    def _async_show_callback_url(_event: Event | None = None) -> None:
        entry.async_create_background_task(
            hass, async_raise_callback_issue(hass, entry), "ttlock callback URL repair"
        )

    _async_show_callback_url()
    # The user may just have set the external URL the "no public URL" repair asked for.
    entry.async_on_unload(hass.bus.async_listen(EVENT_CORE_CONFIG_UPDATE, _async_show_callback_url))
    return True


async def async_unload_entry(hass: HomeAssistant, entry: TTLockConfigEntry) -> bool:
    """Unload a TTLock entry (the shared webhook goes when its last entry goes)."""
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)


async def async_remove_entry(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """Remove the entry's repair issues (the callback one only with the application's last entry)."""
    async_delete_callback_issue(hass, entry)
    async_delete_all_entry_issues(hass, entry.entry_id)
    await async_remove_usage(hass, entry.entry_id)
    await async_remove_learning(hass, entry.entry_id)
    await async_remove_observations(hass, entry.entry_id)


async def async_remove_config_entry_device(
    hass: HomeAssistant, entry: TTLockConfigEntry, device: DeviceEntry
) -> bool:
    """The one device-removal rule (stale_devices.py) for a lock or gateway device.

    Allowed while the entry is loaded, for a lock or gateway the cloud's last list did not name
    (one it names would come back at the next poll): its state and timers are forgotten, and it
    gets new entities if it ever returns. The account device always stays.
    """
    if entry.state is not ConfigEntryState.LOADED:
        return False
    coordinator = entry.runtime_data.coordinator
    if (lock_id := lock_id_of_device(device)) is not None:
        if not removal_allowed(entry, coordinator.lock_listing, lock_id):
            return False
        coordinator.forget_lock(lock_id)
        return True
    if (gateway_id := gateway_id_of_device(device)) is not None:
        if not removal_allowed(entry, coordinator.gateway_listing, gateway_id):
            return False
        coordinator.forget_gateway(gateway_id)
        return True
    return False


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the TTLock actions (passcodes, records)."""
    _async_setup_services(hass)
