"""The "Test webhook" button: send a signed test delivery to our own public URL.

If the request comes back to this Home Assistant through the public route (Nabu Casa or the
external URL, i.e. the way MDP will come), the handler sees its eventId before answering. The
test proves the route only: it does not resolve the "paste this URL into MDP" repair issue,
which waits for a delivery from MDP itself.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import time

import aiohttp
from homeassistant.components import persistent_notification
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.translation import async_get_translations

from custom_components.minerva_iot.clients.milesight.webhook import (
    EVENT_WEBHOOK_TEST,
    build_signed_headers,
)
from custom_components.minerva_iot.const import DOMAIN
from custom_components.minerva_iot.webhook_url import async_get_public_webhook_url

from .const import CONF_WEBHOOK_SECRET, SELFTEST_EVENT_PREFIX, WEBHOOK_TEST_TIMEOUT_S
from .data import MilesightConfigEntry

_LOGGER = logging.getLogger(__name__)

# strings.json `common.<key>`: the text of the success notification.
WEBHOOK_TEST_PASSED_KEY = "milesight_webhook_test_passed"


def _failed(reason: str) -> HomeAssistantError:
    return HomeAssistantError(
        translation_domain=DOMAIN,
        translation_key="milesight_webhook_test_failed",
        translation_placeholders={"reason": reason},
    )


async def async_test_webhook(hass: HomeAssistant, entry: MilesightConfigEntry) -> None:
    """Send the test delivery; raise a translated error unless it came back to us."""
    data = entry.runtime_data
    url = await async_get_public_webhook_url(hass, entry)
    if url is None:
        raise HomeAssistantError(
            translation_domain=DOMAIN, translation_key="milesight_no_webhook_url"
        )
    data.webhook_url = url
    event_id = f"{SELFTEST_EVENT_PREFIX}{secrets.token_hex(8)}"
    body = json.dumps(
        [
            {
                "eventId": event_id,
                "eventCreatedTime": str(int(time.time())),
                "eventVersion": "1.0",
                "eventType": EVENT_WEBHOOK_TEST,
                "data": "Minerva IoT webhook self-test",
            }
        ]
    )
    came_back = data.selftest_waiters.expect(event_id)
    try:
        async with asyncio.timeout(WEBHOOK_TEST_TIMEOUT_S):
            response = await async_get_clientsession(hass).post(
                url, data=body, headers=build_signed_headers(entry.data[CONF_WEBHOOK_SECRET])
            )
            status = response.status
            response.release()
    except (TimeoutError, aiohttp.ClientError) as err:
        # Only the error type: some aiohttp errors quote the URL, whose webhook id is a secret.
        _LOGGER.debug("Milesight webhook self-test could not reach the public URL: %r", type(err))
        raise _failed(type(err).__name__) from err
    finally:
        data.selftest_waiters.forget(event_id)
    if not came_back.done():
        if 200 <= status < 300:
            # Some Home Assistant answered (unknown webhook ids get 200), not this entry's
            # handler: "HTTP 200" as the failure reason would read like a success.
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="milesight_webhook_test_wrong_target",
                translation_placeholders={"status": str(status)},
            )
        raise _failed(f"HTTP {status}")
    await _async_notify_success(hass, entry)


async def _async_notify_success(hass: HomeAssistant, entry: MilesightConfigEntry) -> None:
    # A success is no exception: its text is a `common` string (English when untranslated).
    translations = await async_get_translations(hass, hass.config.language, "common", [DOMAIN])
    persistent_notification.async_create(
        hass,
        translations[f"component.{DOMAIN}.common.{WEBHOOK_TEST_PASSED_KEY}"],
        title=entry.title,
        notification_id=f"{DOMAIN}_milesight_webhook_test_{entry.entry_id}",
    )
