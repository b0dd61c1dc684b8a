"""Webhook signature of the Milesight cloud (reference doc §6.2).

``signature = lowercase_hex(HMAC_SHA256(key=secret, message=timestamp + nonce))``; the body is
not covered.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time


def sign(secret: str, timestamp: str, nonce: str) -> str:
    """Return the 64-char lowercase hex signature of ``timestamp + nonce``."""
    message = f"{timestamp}{nonce}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signed_headers(
    secret: str,
    webhook_uuid: str,
    *,
    timestamp: int | None = None,
    nonce: str | None = None,
) -> dict[str, str]:
    """Headers of one delivery; ``timestamp`` (Unix seconds) and ``nonce`` may be forced by tests."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    nonce_text = secrets.token_hex(8) if nonce is None else nonce
    return {
        "Content-Type": "application/json",
        "x-msc-webhook-uuid": webhook_uuid,
        "x-msc-request-timestamp": stamp,
        "x-msc-request-nonce": nonce_text,
        "x-msc-request-signature": sign(secret, stamp, nonce_text),
    }
