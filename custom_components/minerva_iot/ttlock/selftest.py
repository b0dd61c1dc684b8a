"""The "Test callback" button: post a callback-shaped request to the entry's own public URL.

TTLock pushes to the Callback URL from the internet; most "the state never updates" reports are
a Home Assistant the internet cannot reach (reference §8, §11.3). The test sends what TTLock
sends (a form-encoded lock-records push) to the URL TTLock would use (Nabu Casa cloudhook or the
external HTTPS URL), with a one-time token the webhook handler recognises: it answers `success`,
changes no lock and resolves the waiter. Only a request that came back through that route counts.
The outcome is a persistent notification (it keeps the checklist); a failure also fails the press.

The test proves the route only, not the portal: it does not resolve the "paste this URL into the
TTLock developer portal" repair, which waits for a push from TTLock itself.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
import logging
import secrets
from typing import Final

import aiohttp
from homeassistant.components import persistent_notification
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.translation import async_get_translations

from custom_components.minerva_iot.const import CONF_WEBHOOK_ID, DOMAIN
from custom_components.minerva_iot.webhook_url import async_get_public_webhook_url

from .data import TTLockConfigEntry
from .webhook import SELFTEST_FIELD, selftest_waiters

_LOGGER = logging.getLogger(__name__)

# How long the request may take to come back (a Nabu Casa relay adds a round trip).
CALLBACK_TEST_TIMEOUT: Final = timedelta(seconds=15)

# strings.json `common.<key>`: the notification texts.
PASSED_KEY: Final = "ttlock_callback_test_passed"
NOT_ARRIVED_KEY: Final = "ttlock_callback_test_not_arrived"
NO_URL_KEY: Final = "ttlock_callback_test_no_url"


def notification_id(entry: TTLockConfigEntry) -> str:
    """One notification per entry: a new test replaces the last one's."""
    return f"{DOMAIN}_ttlock_callback_test_{entry.entry_id}"


def _test_form(token: str) -> dict[str, str]:
    """A lock-records push as TTLock sends it, for no lock, carrying the one-time token."""
    return {
        "notifyType": "1",
        "lockId": "0",
        "lockMac": "",
        "records": "[]",
        SELFTEST_FIELD: token,
    }


async def async_test_callback(hass: HomeAssistant, entry: TTLockConfigEntry) -> None:
    """Post the test callback; notify the outcome, raise a translated error unless it came back."""
    url = await async_get_public_webhook_url(hass, entry)
    if url is None:
        await _async_notify(hass, entry, NO_URL_KEY)
        raise HomeAssistantError(
            translation_domain=DOMAIN, translation_key="ttlock_callback_test_no_url"
        )
    waiters = selftest_waiters(hass, entry.data[CONF_WEBHOOK_ID])
    token = secrets.token_urlsafe(16)
    came_back = waiters.expect(token)
    reason: str | None = None
    try:
        async with asyncio.timeout(CALLBACK_TEST_TIMEOUT.total_seconds()):
            async with async_get_clientsession(hass).post(url, data=_test_form(token)) as response:
                status = response.status
        if not came_back.done():
            # Something answered (another Home Assistant answers 200 to unknown webhook ids),
            # but not this entry's handler.
            reason = f"HTTP {status}"
    except TimeoutError:
        reason = "timeout"
    except aiohttp.ClientError as err:
        # Only the error type: some aiohttp errors quote the URL, whose webhook id is a secret.
        _LOGGER.debug("TTLock callback self-test could not reach the public URL: %r", type(err))
        reason = type(err).__name__
    finally:
        waiters.forget(token)
    if reason is None:
        await _async_notify(hass, entry, PASSED_KEY)
        return
    await _async_notify(hass, entry, NOT_ARRIVED_KEY, reason=reason)
    raise HomeAssistantError(
        translation_domain=DOMAIN,
        translation_key="ttlock_callback_test_failed",
        translation_placeholders={"reason": reason},
    )


async def _async_notify(
    hass: HomeAssistant, entry: TTLockConfigEntry, key: str, **placeholders: str
) -> None:
    # An outcome is no exception: its text is a `common` string (English when untranslated).
    translations = await async_get_translations(hass, hass.config.language, "common", [DOMAIN])
    message = translations[f"component.{DOMAIN}.common.{key}"]
    for name, value in placeholders.items():
        message = message.replace(f"{{{name}}}", value)
    persistent_notification.async_create(
        hass, message, title=entry.title, notification_id=notification_id(entry)
    )
