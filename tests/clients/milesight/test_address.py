"""Normalisation of pasted server addresses and credentials."""

from __future__ import annotations

import pytest

from custom_components.minerva_iot.clients.milesight import (
    MilesightInvalidServerAddress,
    clean_credential,
    normalize_server_address,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("eu-openapi.milesight.com", ("https://eu-openapi.milesight.com", False)),
        ("eu-openapi.milesight.com/uc/account/api/", ("https://eu-openapi.milesight.com", True)),
        ("https://eu-openapi.milesight.com/", ("https://eu-openapi.milesight.com", False)),
        ("  https://US-OpenAPI.milesight.com  \n", ("https://us-openapi.milesight.com", False)),
        (
            "https://eu-openapi.milesight.com/oauth/token",
            ("https://eu-openapi.milesight.com", True),
        ),
        ("https://eu-openapi.milesight.com?x=1", ("https://eu-openapi.milesight.com", True)),
        ("http://127.0.0.1:8501", ("http://127.0.0.1:8501", False)),
        ("HTTP://127.0.0.1:8501/uc/account/api", ("http://127.0.0.1:8501", True)),
        ("demo.milesight.com:8443", ("https://demo.milesight.com:8443", False)),
        ("http://[::1]:8501/", ("http://[::1]:8501", False)),
    ],
)
def test_normalize_server_address(raw: str, expected: tuple[str, bool]) -> None:
    """Scheme added, path/query dropped and flagged, explicit http and ports kept."""
    assert normalize_server_address(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "ftp://eu-openapi.milesight.com",
        "eu openapi.milesight.com",
        "https://",
        "https://user:pw@eu-openapi.milesight.com",
        "https://eu-openapi.milesight.com:99999",
        "https://-bad-.example.com",
        "https://exa_mple.com",
    ],
)
def test_normalize_server_address_rejects_garbage(raw: str) -> None:
    """No host, spaces in the host, credentials, bad port or unsupported scheme are refused."""
    with pytest.raises(MilesightInvalidServerAddress):
        normalize_server_address(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  7c1f2a90-1111-2222 \n", "7c1f2a90-1111-2222"),
        ("Zx9y W8vU\t7tS6\r\nrQ5p", "Zx9yW8vU7tS6rQ5p"),
        ("clean", "clean"),
    ],
)
def test_clean_credential(raw: str, expected: str) -> None:
    """Spaces, tabs and line breaks anywhere in a pasted credential are removed."""
    assert clean_credential(raw) == expected
