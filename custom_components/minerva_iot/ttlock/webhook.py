"""The TTLock callback webhook: one per TTLock application, shared by every entry that uses it.

TTLock allows one Callback URL per developer application (client id), not per account, so all
entries of that application share one webhook id: the handler is registered with the first entry
that loads, every push is handed to each loaded entry (each ignores locks it does not own), and the
handler is unregistered when the last entry unloads. Pushes carry no signature: the unguessable URL
is the only secret, so input is validated and capped, and the answer is always `success`.
A request carrying the "Test callback" button's one-time token (selftest.py) only resolves that
test: it is no push, confirms no callback URL and changes no lock.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
import hashlib
import logging
from typing import TYPE_CHECKING

from aiohttp import web
from homeassistant.components import webhook
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import config_entry_oauth2_flow, issue_registry as ir
from homeassistant.util.hass_dict import HassKey

from custom_components.minerva_iot.clients.ttlock.callback import (
    CallbackFormatError,
    CallbackPush,
    CallbackTooLargeError,
    decode_callback_form,
    parse_callback,
)
from custom_components.minerva_iot.const import (
    CONF_CLOUDHOOK_URL,
    CONF_VENDOR,
    CONF_WEBHOOK_ID,
    DOMAIN,
    VENDOR_TTLOCK,
)
from custom_components.minerva_iot.selftest_waiters import SelfTestWaiters
from custom_components.minerva_iot.webhook_body import (
    MAX_PUSH_BODY_BYTES,
    MAX_PUSH_RECORDS,
    PushOverflowLog,
    async_read_capped,
    body_too_large_response,
)
from custom_components.minerva_iot.webhook_url import (
    async_get_public_webhook_url,
    async_verification_holds,
)

from .auth import TTLockAuthImplementation
from .backlog import async_read_back
from .const import CONF_CALLBACK_CONFIRMED, DEVELOPER_PORTAL_URL, DEVELOPER_PORTAL_URL_CN

if TYPE_CHECKING:
    from .coordinator import TTLockCoordinator

_LOGGER = logging.getLogger(__name__)

ISSUE_CALLBACK_URL = "ttlock_callback_url"
ISSUE_NO_PUBLIC_URL = "ttlock_no_public_url"
# The form field of the "Test callback" request (never sent by TTLock).
SELFTEST_FIELD = "minervaSelfTest"


@dataclass
class SharedWebhook:
    """The entries (by entry id) served by one registered webhook id, and its self-tests."""

    selftests: SelfTestWaiters
    receivers: dict[str, TTLockCoordinator] = field(default_factory=dict)
    # Records of pushes beyond the cap (webhook_body.MAX_PUSH_RECORDS), read back (backlog.py).
    overflow: PushOverflowLog = field(default_factory=lambda: PushOverflowLog(_LOGGER))


_WEBHOOKS: HassKey[dict[str, SharedWebhook]] = HassKey(f"{DOMAIN}_ttlock_webhooks")


def callback_issue_id(webhook_id: str) -> str:
    """Issue id scoped by webhook (= application) without exposing the webhook id itself."""
    return f"ttlock_callback_{hashlib.sha256(webhook_id.encode()).hexdigest()[:16]}"


def _ttlock_entries(hass: HomeAssistant) -> list[ConfigEntry]:
    return [
        entry
        for entry in hass.config_entries.async_entries(DOMAIN)
        if entry.data.get(CONF_VENDOR) == VENDOR_TTLOCK
    ]


async def async_shared_webhook_id(hass: HomeAssistant, client_id: str) -> str:
    """The webhook id of an existing entry of the same TTLock application, else a new one."""
    implementations = await config_entry_oauth2_flow.async_get_implementations(hass, DOMAIN)
    for entry in _ttlock_entries(hass):
        implementation = implementations.get(entry.data.get("auth_implementation", ""))
        if (
            isinstance(implementation, TTLockAuthImplementation)
            and implementation.client_id == client_id
            and entry.data.get(CONF_WEBHOOK_ID)
        ):
            return str(entry.data[CONF_WEBHOOK_ID])
    return webhook.async_generate_id()


@callback
def async_attach_entry(
    hass: HomeAssistant, entry: ConfigEntry, coordinator: TTLockCoordinator
) -> Callable[[], None]:
    """Route the entry's webhook to `coordinator`; returns the detach callback for unload."""
    webhook_id: str = entry.data[CONF_WEBHOOK_ID]
    shared = hass.data.setdefault(_WEBHOOKS, {})
    if webhook_id not in shared:
        webhook.async_register(hass, DOMAIN, "TTLock callback", webhook_id, _async_handle_webhook)
        shared[webhook_id] = SharedWebhook(SelfTestWaiters(hass))
    shared[webhook_id].receivers[entry.entry_id] = coordinator

    @callback
    def _detach() -> None:
        hook = shared.get(webhook_id)
        if hook is None:
            return
        hook.receivers.pop(entry.entry_id, None)
        if not hook.receivers:
            webhook.async_unregister(hass, webhook_id)
            del shared[webhook_id]

    return _detach


def selftest_waiters(hass: HomeAssistant, webhook_id: str) -> SelfTestWaiters:
    """The self-tests in flight on a registered webhook (its entry is loaded)."""
    return hass.data[_WEBHOOKS][webhook_id].selftests


async def _async_handle_webhook(
    hass: HomeAssistant, webhook_id: str, request: web.Request
) -> web.Response:
    """Parse a push and hand it to every entry sharing the webhook; never raises.

    The answer is always `success` (a body beyond the cap excepted: 413, saying the limit):
    TTLock only needs the acknowledgement, and an error status would tell a prober nothing
    useful either.
    """
    try:
        body = await async_read_capped(request, MAX_PUSH_BODY_BYTES)
        if body is None:
            raise CallbackTooLargeError("body too large")
        fields = decode_callback_form(body, max_body_bytes=MAX_PUSH_BODY_BYTES)
        if (token := _selftest_token(fields)) is not None:
            if shared := hass.data.get(_WEBHOOKS, {}).get(webhook_id):
                shared.selftests.resolve(token)
            return web.Response(text="success")
        push = parse_callback(fields, max_records=MAX_PUSH_RECORDS)
    except CallbackTooLargeError:
        _LOGGER.debug("Refusing a TTLock callback (413): body too large")
        return body_too_large_response()
    except CallbackFormatError as err:
        _LOGGER.debug("Ignoring a TTLock callback that is not a lock-records push: %s", err)
        return web.Response(text="success")
    except (OSError, ValueError, web.HTTPException) as err:
        _LOGGER.debug("Could not read a TTLock callback: %s", err)
        return web.Response(text="success")
    _async_confirm_callback(hass, webhook_id)
    shared = hass.data.get(_WEBHOOKS, {}).get(webhook_id)
    for coordinator in list(shared.receivers.values()) if shared else []:
        try:
            coordinator.async_handle_push(push)
            if push.overflow_records:
                async_read_back(hass, coordinator, push.overflow_records)
        except Exception:
            _LOGGER.exception("Error handling a TTLock push for lock %s", push.lock_id)
    if shared and push.overflow_records:
        _note_overflow(shared, push)
    return web.Response(text="success")


def _note_overflow(shared: SharedWebhook, push: CallbackPush) -> None:
    dropped = len(push.overflow_records)
    locks = len({record.lock_id for record in push.overflow_records})
    shared.overflow.note(
        "A TTLock push carried %s records: the newest %s were applied, the %s older ones are "
        "read back with one lockRecord/list call for each of their %s locks",
        len(push.records) + dropped,
        len(push.records),
        dropped,
        locks,
        dropped=dropped,
    )


def _selftest_token(fields: list[tuple[str, str]]) -> str | None:
    return next((value for name, value in fields if name == SELFTEST_FIELD), None)


@callback
def _async_confirm_callback(hass: HomeAssistant, webhook_id: str) -> None:
    """A valid push proves the Callback URL works: drop the set-up repair (until the URL changes)."""
    ir.async_delete_issue(hass, DOMAIN, callback_issue_id(webhook_id))
    for entry in _ttlock_entries(hass):
        if entry.data.get(CONF_WEBHOOK_ID) == webhook_id and not entry.data.get(
            CONF_CALLBACK_CONFIRMED
        ):
            hass.config_entries.async_update_entry(
                entry, data={**entry.data, CONF_CALLBACK_CONFIRMED: True}
            )


async def async_raise_callback_issue(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """Until a push arrives at the current URL, show it to paste into the TTLock developer portal."""
    _adopt_sibling_cloudhook(hass, entry)
    url = await async_get_public_webhook_url(hass, entry)
    confirmed = bool(entry.data.get(CONF_CALLBACK_CONFIRMED))
    if url is not None and not async_verification_holds(hass, entry, url, verified=confirmed):
        if confirmed:
            # TTLock still pushes to the old URL: the user must paste the new one.
            hass.config_entries.async_update_entry(
                entry, data={**entry.data, CONF_CALLBACK_CONFIRMED: False}
            )
        confirmed = False
    if confirmed:
        return
    placeholders = {"portal_url": DEVELOPER_PORTAL_URL, "portal_url_cn": DEVELOPER_PORTAL_URL_CN}
    if url is None:
        translation_key = ISSUE_NO_PUBLIC_URL
    else:
        translation_key = ISSUE_CALLBACK_URL
        placeholders["webhook_url"] = url
    ir.async_create_issue(
        hass,
        DOMAIN,
        callback_issue_id(entry.data[CONF_WEBHOOK_ID]),
        is_fixable=False,
        is_persistent=False,
        severity=ir.IssueSeverity.WARNING,
        translation_key=translation_key,
        translation_placeholders=placeholders,
    )


def _adopt_sibling_cloudhook(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """Entries sharing a webhook id share its Nabu Casa cloudhook: never create a second one."""
    if entry.data.get(CONF_CLOUDHOOK_URL):
        return
    for other in _ttlock_entries(hass):
        if other.data.get(CONF_WEBHOOK_ID) == entry.data[CONF_WEBHOOK_ID] and (
            url := other.data.get(CONF_CLOUDHOOK_URL)
        ):
            hass.config_entries.async_update_entry(
                entry, data={**entry.data, CONF_CLOUDHOOK_URL: url}
            )
            return


@callback
def async_delete_callback_issue(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """Remove the set-up repair when the last entry of the application goes away."""
    webhook_id = entry.data.get(CONF_WEBHOOK_ID)
    if not webhook_id:
        return
    others = [
        other
        for other in _ttlock_entries(hass)
        if other.entry_id != entry.entry_id and other.data.get(CONF_WEBHOOK_ID) == webhook_id
    ]
    if not others:
        ir.async_delete_issue(hass, DOMAIN, callback_issue_id(webhook_id))
