"""The Home Assistant webhook that receives an Application's MDP deliveries.

It answers fast and never raises: MDP suspends deliveries to endpoints that fail or are slow.
A redelivery (the same signed headers and the same body again) is answered like the first
delivery and applied once; the same headers with another body stay refused.
GET and HEAD answer 200 because MDP (reportedly) refuses callback URIs that answer 405 to
probes. Signature and parsing live in the HA-free clients/milesight/webhook.py.
"""

from __future__ import annotations

import logging

from aiohttp import web
from homeassistant.components import webhook
from homeassistant.core import HomeAssistant

from custom_components.minerva_iot.clients.milesight.webhook import (
    EVENT_WEBHOOK_TEST,
    HEADER_SIGNATURE,
    MilesightWebhookError,
    WebhookEvent,
    WebhookPayloadError,
    WebhookSignatureError,
    WebhookStaleError,
    WebhookVerifier,
    newest_events,
    parse_delivery,
)
from custom_components.minerva_iot.const import CONF_WEBHOOK_ID, DOMAIN
from custom_components.minerva_iot.issues import async_delete_entry_issue, async_raise_entry_issue
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

from .const import CONF_WEBHOOK_SECRET, ISSUE_NO_EXTERNAL_URL, ISSUE_WEBHOOK_SETUP
from .data import MilesightConfigEntry
from .delivery import DeliveryProcessor

_LOGGER = logging.getLogger(__name__)

SUCCESS = "success"
# The same answer to every refused request: the reason is for our debug log, not the caller.
REJECTED = "rejected"


class MilesightWebhookHandler:
    """Verifies and dispatches the deliveries of one entry."""

    def __init__(self, hass: HomeAssistant, entry: MilesightConfigEntry) -> None:
        """Bind the handler to the entry's secret; accepted events go to its processor."""
        self.hass = hass
        self.entry = entry
        self.verifier = WebhookVerifier(entry.data[CONF_WEBHOOK_SECRET])
        self.processor = DeliveryProcessor(hass, entry)
        self.overflow = PushOverflowLog(_LOGGER)

    async def async_handle(
        self, hass: HomeAssistant, webhook_id: str, request: web.Request
    ) -> web.Response:
        """Answer one HTTP request to the webhook."""
        if request.method != "POST":
            return web.Response(status=200)
        try:
            return await self._async_handle_post(request)
        except Exception:
            # Answer 200 anyway: the delivery was accepted and MDP must not count a failure.
            _LOGGER.exception("Unexpected error while processing a Milesight delivery")
            return web.Response(text=SUCCESS)

    async def _async_handle_post(self, request: web.Request) -> web.Response:
        body = await async_read_capped(request, MAX_PUSH_BODY_BYTES)
        if body is None:
            _LOGGER.debug("Milesight delivery refused (413): body too large")
            self.processor.async_note_rejected(signature_failure=False)
            return body_too_large_response()
        try:
            redelivery = self.verifier.verify(request.headers, body=body)
        except WebhookSignatureError as err:
            # Whether MDP signs its console "Test" is unconfirmed: an unsigned test proves
            # reachability only, and applies no data.
            unsigned = HEADER_SIGNATURE not in {key.lower() for key in request.headers}
            if unsigned and self._is_unsigned_test(body):
                self.processor.async_mark_verified()
                return web.Response(text=SUCCESS)
            return self._reject(401, str(err), signature_failure=True)
        except WebhookStaleError as err:
            return self._reject(400, str(err), signature_failure=True)
        except MilesightWebhookError as err:
            # A replayed nonce: the signature was right, so the secret is not the problem.
            return self._reject(400, str(err))
        try:
            events = parse_delivery(body, max_body_bytes=MAX_PUSH_BODY_BYTES)
        except WebhookPayloadError as err:
            return self._reject(400, str(err))
        if redelivery:
            # Applied when it first came: answered alike, so MDP counts no failed delivery.
            self.processor.async_note_redelivery()
        else:
            self.processor.async_process(self._newest(events))
        return web.Response(text=SUCCESS)

    def _newest(self, events: list[WebhookEvent]) -> list[WebhookEvent]:
        """A batch beyond the cap: its newest events; the older ones are counted, logged once.

        Each device's latest values, its last-seen time (the watchdog) and its newest bus events
        come from the events kept; the states of the older ones are not backfilled (Home
        Assistant's history cannot be written in the past) and their bus events are lost.
        """
        kept, dropped = newest_events(events, MAX_PUSH_RECORDS)
        if dropped:
            self.processor.async_note_events_over_cap(dropped)
            self.overflow.note(
                "A Milesight delivery carried %s events: the newest %s were applied, the %s "
                "older ones were left out (counted in the diagnostics)",
                len(events),
                len(kept),
                dropped,
                dropped=dropped,
            )
        return kept

    @staticmethod
    def _is_unsigned_test(body: bytes) -> bool:
        try:
            events = parse_delivery(body, max_body_bytes=MAX_PUSH_BODY_BYTES)
        except WebhookPayloadError:
            return False
        return all(event.event_type == EVENT_WEBHOOK_TEST for event in events)

    def _reject(self, status: int, reason: str, *, signature_failure: bool = False) -> web.Response:
        """Refuse a request; the caller (maybe not MDP) learns the status only."""
        # The reason never contains the secret or the signature; debug level keeps floods quiet.
        _LOGGER.debug("Milesight delivery rejected (%s): %s", status, reason)
        self.processor.async_note_rejected(signature_failure=signature_failure)
        return web.Response(status=status, text=REJECTED)


def async_register_webhook(
    hass: HomeAssistant, entry: MilesightConfigEntry, handler: MilesightWebhookHandler
) -> None:
    """Register the entry's webhook; it is unregistered when the entry unloads."""
    webhook_id: str = entry.data[CONF_WEBHOOK_ID]
    webhook.async_register(
        hass,
        DOMAIN,
        f"Milesight {entry.title}",
        webhook_id,
        handler.async_handle,
        local_only=False,
        allowed_methods=["GET", "HEAD", "POST"],
    )
    entry.async_on_unload(lambda: webhook.async_unregister(hass, webhook_id))


async def async_publish_webhook_url(hass: HomeAssistant, entry: MilesightConfigEntry) -> str | None:
    """Find the public URL and tell the user what to do with it through repair issues."""
    url = await async_get_public_webhook_url(hass, entry)
    if url is None:
        async_raise_entry_issue(hass, ISSUE_NO_EXTERNAL_URL, entry.entry_id)
        return None
    async_delete_entry_issue(hass, ISSUE_NO_EXTERNAL_URL, entry.entry_id)
    data = entry.runtime_data
    if not async_verification_holds(hass, entry, url, verified=data.health.webhook_verified):
        # MDP still pushes to the old URL (if it was verified): the user must paste the new one.
        if data.health.set_verified(False):
            data.store.async_schedule_save()
        async_raise_entry_issue(
            hass, ISSUE_WEBHOOK_SETUP, entry.entry_id, placeholders={"webhook_url": url}
        )
    return url
