"""Health of an entry's webhook: deliveries, refusals and whether MDP ever reached it (HA-free).

The webhook binary sensor shows its `status`, which changes only when the health changes (not
on every delivery); the diagnostic sensors show the figures; the repair issues follow it
(webhook.py, delivery.py, watchdog.py). The two flags are persisted (store.py): a restart must
neither re-raise the set-up issue of a webhook MDP already reached nor forget that signed
deliveries were once accepted.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from .const import REJECTED_DELIVERIES_ISSUE_THRESHOLD


class WebhookStatus(StrEnum):
    """What the webhook binary sensor says (translated state attribute `status`)."""

    # No signed delivery was ever accepted: MDP is not set up to push here yet.
    WAITING = "waiting"
    RECEIVING = "receiving"
    # The watchdog: every device that reports regularly is overdue (watchdog.py).
    SILENT = "silent"
    # MDP's own deliveries keep failing the signature or freshness check.
    REFUSING = "refusing"


@dataclass(slots=True)
class WebhookHealth:
    """Delivery statistics; the methods say whether the persisted part changed."""

    last_delivery: datetime | None = None
    rejected: int = 0
    # Deliveries repeated with the same headers and body: answered, not applied again.
    redeliveries: int = 0
    # Older events of deliveries beyond the cap (webhook_body.MAX_PUSH_RECORDS): not applied.
    events_over_cap: int = 0
    # Set by the watchdog while every device that reports regularly is overdue.
    silent: bool = False
    # Refused for their signature or timestamp since the last accepted delivery.
    consecutive_signature_failures: int = 0
    # MDP reached the webhook (a delivery, or its unsigned console test).
    webhook_verified: bool = False
    # A delivery signed with the entry's secret was accepted at least once.
    signed_delivery_seen: bool = False

    @property
    def status(self) -> WebhookStatus:
        """The webhook's health in one word; refusals outrank silence."""
        if self.rejected_issue_due(REJECTED_DELIVERIES_ISSUE_THRESHOLD):
            return WebhookStatus.REFUSING
        if self.silent:
            return WebhookStatus.SILENT
        if self.signed_delivery_seen:
            return WebhookStatus.RECEIVING
        return WebhookStatus.WAITING

    def note_delivery(self, when: datetime) -> bool:
        """A delivery signed with the entry's secret was accepted (MDP pushes: not silent)."""
        self.last_delivery = when
        self.silent = False
        self.consecutive_signature_failures = 0
        first = not self.signed_delivery_seen
        self.signed_delivery_seen = True
        return first

    def note_redelivery(self) -> None:
        """A delivery came again with the same headers and body (applied the first time)."""
        self.redeliveries += 1

    def note_rejected(self, *, signature_failure: bool) -> None:
        """A request was refused (signature, freshness, replay or body)."""
        self.rejected += 1
        if signature_failure:
            self.consecutive_signature_failures += 1

    def rejected_issue_due(self, threshold: int) -> bool:
        """MDP's own deliveries keep failing their signature (rotated secret, clock skew).

        Only on an entry that accepted a signed delivery before: requests from anyone else to
        a URL MDP never used cannot raise the issue.
        """
        return self.signed_delivery_seen and self.consecutive_signature_failures >= threshold

    def set_verified(self, verified: bool) -> bool:
        """MDP reached the webhook (True) or must be given a new URL (False); True if changed."""
        changed = self.webhook_verified is not verified
        self.webhook_verified = verified
        return changed

    def as_stored(self) -> dict[str, bool]:
        """The persisted flags."""
        return {
            "webhook_verified": self.webhook_verified,
            "signed_delivery_seen": self.signed_delivery_seen,
        }

    def load(self, stored: Mapping[str, Any]) -> None:
        """Take the flags saved with `as_stored`."""
        self.webhook_verified = bool(stored.get("webhook_verified"))
        self.signed_delivery_seen = bool(stored.get("signed_delivery_seen"))
