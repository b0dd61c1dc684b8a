"""Where the clouds can reach an entry's webhook: a Nabu Casa cloudhook or the external URL.

Both vendors push from the internet, so an internal URL is useless to them: it is never offered.
Both refuse plain-HTTP callback URLs too, so an external URL is offered only when it is HTTPS.
"""

from __future__ import annotations

import hashlib
from ipaddress import ip_address
import logging
from typing import Final
from urllib.parse import urlsplit

import aiohttp
from homeassistant.components import webhook
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.network import NoURLAvailableError

from .const import CONF_CLOUDHOOK_URL, CONF_WEBHOOK_ID

_LOGGER = logging.getLogger(__name__)

# What Nabu Casa's cloudhook calls raise: CloudNotAvailable (an HomeAssistantError), ValueError ("cloud is not
# connected", "hook is already / not enabled"), a timeout, or the cloud API's HTTP error. None of
# them may break a flow, a setup or a removal: the external URL (or the repair issue) takes over.
_CLOUDHOOK_ERRORS = (HomeAssistantError, ValueError, TimeoutError, aiohttp.ClientError)

# Where the webhook was published when the vendor last reached it. Kept as a SHA-256 digest: the
# URL contains the webhook id (the push's only secret) and entry.data appears in diagnostics.
CONF_PUBLISHED_URL_DIGEST: Final = "published_webhook_url_sha256"


def _cloud_subscribed(hass: HomeAssistant) -> bool:
    if "cloud" not in hass.config.components:
        return False
    from homeassistant.components import cloud

    return bool(cloud.async_active_subscription(hass))


async def async_resolve_public_url(
    hass: HomeAssistant, webhook_id: str, cloudhook_url: str | None = None
) -> tuple[str | None, str | None]:
    """Return (URL a cloud must call for this webhook id, cloudhook URL to keep).

    With an active Nabu Casa subscription a cloudhook is created once (or the given one reused);
    otherwise the external URL is used. The internal URL is never returned. The second value is
    the cloudhook URL the caller must store in the entry (None when no cloudhook is in use).
    """
    if _cloud_subscribed(hass):
        from homeassistant.components import cloud

        if cloudhook_url:
            return cloudhook_url, cloudhook_url
        try:
            created: str = await cloud.async_create_cloudhook(hass, webhook_id)
        except _CLOUDHOOK_ERRORS as err:
            _LOGGER.debug("No Nabu Casa cloudhook (%r); falling back to the external URL", err)
        else:
            return created, created
    try:
        url = webhook.async_generate_url(
            hass, webhook_id, allow_internal=False, allow_external=True, prefer_external=True
        )
    except NoURLAvailableError:
        return None, None
    if not _cloud_accepts(url):
        _LOGGER.debug("The external URL is not HTTPS: no webhook URL to offer the clouds")
        return None, None
    return url, None


def _cloud_accepts(url: str) -> bool:
    """HTTPS, or plain HTTP on loopback.

    A loopback URL is reachable only from this machine, i.e. by a cloud simulator (the local
    demo, the end-to-end tests); the real clouds never reach it, whatever its scheme.
    """
    parts = urlsplit(url)
    if parts.scheme == "https":
        return True
    host = parts.hostname or ""
    if host == "localhost":
        return True
    try:
        return ip_address(host).is_loopback
    except ValueError:
        return False


async def async_get_public_webhook_url(hass: HomeAssistant, entry: ConfigEntry) -> str | None:
    """Return the public URL of an entry's webhook, keeping a new cloudhook URL in entry.data."""
    stored: str | None = entry.data.get(CONF_CLOUDHOOK_URL)
    url, cloudhook_url = await async_resolve_public_url(hass, entry.data[CONF_WEBHOOK_ID], stored)
    if cloudhook_url and cloudhook_url != stored:
        hass.config_entries.async_update_entry(
            entry, data={**entry.data, CONF_CLOUDHOOK_URL: cloudhook_url}
        )
    return url


@callback
def async_verification_holds(
    hass: HomeAssistant, entry: ConfigEntry, url: str, *, verified: bool
) -> bool:
    """Remember that the webhook is published at `url`; whether a verification still holds there.

    A cloud keeps pushing to the URL it was given, so when Home Assistant's public URL changes (the
    Nabu Casa subscription ended, the user changed the external URL) the vendor must be given the
    new one: the verification lapses and the caller shows its set-up repair again. Until a push
    verifies the webhook, the remembered URL follows the one in use, i.e. the one the user was
    shown. An entry verified before URLs were remembered adopts the current one.
    """
    digest = hashlib.sha256(url.encode()).hexdigest()
    remembered = entry.data.get(CONF_PUBLISHED_URL_DIGEST)
    if remembered != digest:
        hass.config_entries.async_update_entry(
            entry, data={**entry.data, CONF_PUBLISHED_URL_DIGEST: digest}
        )
    return verified and remembered in (None, digest)


async def async_delete_cloudhook(hass: HomeAssistant, webhook_id: str) -> None:
    """Delete the cloudhook of a webhook id; a failure only leaves the hook behind.

    Used when an entry is removed and when a flow that created a hook is abandoned.
    """
    if "cloud" not in hass.config.components:
        return
    from homeassistant.components import cloud

    try:
        await cloud.async_delete_cloudhook(hass, webhook_id)
    except _CLOUDHOOK_ERRORS as err:
        _LOGGER.debug("Nabu Casa cloudhook not deleted (%r)", err)
