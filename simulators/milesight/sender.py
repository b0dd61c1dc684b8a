"""How the simulated cloud pushes deliveries: suspension, redelivery and console-only messages.

Field findings 5 (MDP's documentation, event-system-messages.html): after repeated failed
deliveries MDP stops sending; the ``SYSTEM_ALERT`` saying so is shown only on the console's
Webhook Simulation page and never reaches the webhook, so a receiver learns of a suspension
only by the silence. Re-saving the webhook in the console resumes the pushes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import aiohttp

from .events import system_message

DELIVERY_TIMEOUT_S = 10


@dataclass
class WebhookSender:
    """Delivery state of the simulated Application's webhook.

    ``suspend_after_failures``: consecutive failed deliveries (non-2xx or no answer) after
    which pushing stops by itself; None keeps pushing. How many failures MDP tolerates is
    *unconfirmed*.
    """

    suspend_after_failures: int | None = None
    suspended: bool = False
    # What was not pushed while suspended, and the console's messages (SYSTEM_ALERT).
    withheld: list[dict[str, Any]] = field(default_factory=list)
    console_messages: list[dict[str, Any]] = field(default_factory=list)
    consecutive_failures: int = 0
    last_delivery: tuple[str, dict[str, str], bytes] | None = None

    def keep_console_messages(self, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Take SYSTEM_ALERT messages out of a batch (they stay in the console)."""
        kept = []
        for event in events:
            if _is_system_alert(event):
                self.console_messages.append(event)
            else:
                kept.append(event)
        return kept

    def withhold(self, events: list[dict[str, Any]]) -> bool:
        """True (and the events kept back) while deliveries are suspended."""
        if self.suspended:
            self.withheld.extend(events)
        return self.suspended

    def suspend(self) -> None:
        """Stop pushing; nothing is sent to say so."""
        self.suspended = True

    def resume(self) -> None:
        """Push again (re-saving the webhook in the console)."""
        self.suspended = False
        self.consecutive_failures = 0

    async def post(
        self, session: aiohttp.ClientSession, url: str, headers: dict[str, str], body: bytes
    ) -> int:
        """POST one delivery and remember it for :meth:`redeliver`; count failures."""
        self.last_delivery = (url, headers, body)
        try:
            async with session.post(
                url,
                data=body,
                headers=headers,
                timeout=aiohttp.ClientTimeout(total=DELIVERY_TIMEOUT_S),
            ) as response:
                await response.read()
                status = response.status
        except (aiohttp.ClientError, TimeoutError):
            self._failed()
            raise
        if 200 <= status < 300:
            self.consecutive_failures = 0
        else:
            self._failed()
        return status

    async def redeliver(self, session: aiohttp.ClientSession) -> int | None:
        """The last delivery again, to the same URL with the same headers and body."""
        if self.last_delivery is None or self.suspended:
            return None
        url, headers, body = self.last_delivery
        return await self.post(session, url, headers, body)

    def _failed(self) -> None:
        self.consecutive_failures += 1
        limit = self.suspend_after_failures
        if limit is not None and self.consecutive_failures >= limit and not self.suspended:
            self.suspended = True
            self.console_messages.append(_suspension_alert())


def _is_system_alert(event: dict[str, Any]) -> bool:
    data = event.get("data")
    return (
        event.get("eventType") == "SYSTEM_MESSAGES"
        and isinstance(data, dict)
        and data.get("type") == "SYSTEM_ALERT"
    )


def _suspension_alert() -> dict[str, Any]:
    return system_message(
        "SYSTEM_ALERT", "Webhook deliveries failed repeatedly; sending has stopped"
    )
