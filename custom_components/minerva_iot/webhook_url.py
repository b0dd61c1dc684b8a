"""Where the clouds can reach an entry's webhook: a Nabu Casa cloudhook or the external URL.

Both vendors push from the internet, so an internal URL is useless to them: it is never offered.
"""

from __future__ import annotations

import logging

from homeassistant.components import webhook
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.helpers.network import NoURLAvailableError

from .const import CONF_CLOUDHOOK_URL, CONF_WEBHOOK_ID

_LOGGER = logging.getLogger(__name__)


def _cloud_subscribed(hass: HomeAssistant) -> bool:
    if "cloud" not in hass.config.components:
        return False
    from homeassistant.components import cloud

    return bool(cloud.async_active_subscription(hass))


async def async_get_public_webhook_url(hass: HomeAssistant, entry: ConfigEntry) -> str | None:
    """Return the URL a cloud must call for this entry's webhook, or None when there is none.

    With an active Nabu Casa subscription a cloudhook is created once and kept in entry.data;
    otherwise the external URL is used. The internal URL is never returned.
    """
    webhook_id: str = entry.data[CONF_WEBHOOK_ID]
    if _cloud_subscribed(hass):
        from homeassistant.components import cloud

        stored: str | None = entry.data.get(CONF_CLOUDHOOK_URL)
        if stored:
            return stored
        try:
            url: str = await cloud.async_create_cloudhook(hass, webhook_id)
        except cloud.CloudNotAvailable:
            _LOGGER.debug("Nabu Casa cloud not available; falling back to the external URL")
        else:
            hass.config_entries.async_update_entry(
                entry, data={**entry.data, CONF_CLOUDHOOK_URL: url}
            )
            return url
    try:
        return webhook.async_generate_url(
            hass, webhook_id, allow_internal=False, allow_external=True, prefer_external=True
        )
    except NoURLAvailableError:
        return None


async def async_delete_cloudhook(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """Delete the entry's cloudhook, if it has one (on entry removal)."""
    if not entry.data.get(CONF_CLOUDHOOK_URL) or "cloud" not in hass.config.components:
        return
    from homeassistant.components import cloud

    try:
        await cloud.async_delete_cloudhook(hass, entry.data[CONF_WEBHOOK_ID])
    except cloud.CloudNotAvailable:
        _LOGGER.debug("Nabu Casa cloud not available; cloudhook not deleted")
