"""Signature headers that are not what MDP sends are refused as signature errors, never crash."""

from __future__ import annotations

import pytest

from custom_components.minerva_iot.clients.milesight.webhook import (
    WebhookSignatureError,
    WebhookVerifier,
    build_signed_headers,
)

NOW = 1_735_689_600


@pytest.mark.parametrize(
    ("header", "value"),
    [
        # aiohttp hands UTF-8 header bytes over as text: compare_digest refuses non-ASCII str.
        ("x-msc-request-signature", "é" * 64),
        # Undecodable bytes arrive as surrogate escapes: encoding them for the HMAC would fail.
        ("x-msc-request-nonce", "\udcff\udcfe"),
        ("x-msc-request-timestamp", "١٧٣٥٦٨٩٦٠٠"),
    ],
)
def test_non_ascii_header_is_a_signature_error(header: str, value: str) -> None:
    """Each signed header must be ASCII: anything else is no MDP delivery."""
    headers = build_signed_headers("s3cret", timestamp=NOW, nonce="n1")
    headers[header] = value
    with pytest.raises(WebhookSignatureError, match="not ASCII"):
        WebhookVerifier("s3cret").verify(headers, now=NOW)


def test_ascii_headers_still_verify() -> None:
    """The check does not get in the way of a real delivery."""
    WebhookVerifier("s3cret").verify(
        build_signed_headers("s3cret", timestamp=NOW, nonce="n1"), now=NOW
    )
