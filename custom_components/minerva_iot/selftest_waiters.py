"""Both vendors' self-tests wait for their own delivery to come back through the internet.

Milesight's "Test webhook" button posts a signed test delivery and TTLock's callback self-test
a test push to the public URL; each waits for the webhook to accept the delivery carrying its
token (Milesight: the eventId; TTLock: the self-test field).
"""

from __future__ import annotations

import asyncio

from homeassistant.core import HomeAssistant, callback


class SelfTestWaiters:
    """Futures of the self-test deliveries in flight, keyed by their token."""

    def __init__(self, hass: HomeAssistant) -> None:
        """No test in flight yet."""
        self._hass = hass
        self._waiters: dict[str, asyncio.Future[None]] = {}

    def expect(self, event_id: str) -> asyncio.Future[None]:
        """A future resolved when a delivery carrying the token `event_id` is accepted."""
        future: asyncio.Future[None] = self._hass.loop.create_future()
        self._waiters[event_id] = future
        return future

    def forget(self, event_id: str) -> None:
        """Stop waiting for `event_id`."""
        self._waiters.pop(event_id, None)

    @callback
    def resolve(self, event_id: str) -> None:
        """Resolve the self-test waiting for this event id, if any."""
        if (future := self._waiters.pop(event_id, None)) and not future.done():
            future.set_result(None)
