"""The "Test webhook" button waits for its own delivery to come back through the internet."""

from __future__ import annotations

import asyncio

from homeassistant.core import HomeAssistant, callback


class SelfTestWaiters:
    """Futures of the self-test deliveries in flight, keyed by their eventId."""

    def __init__(self, hass: HomeAssistant) -> None:
        """No test in flight yet."""
        self._hass = hass
        self._waiters: dict[str, asyncio.Future[None]] = {}

    def expect(self, event_id: str) -> asyncio.Future[None]:
        """A future resolved when a delivery carrying `event_id` is accepted."""
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
