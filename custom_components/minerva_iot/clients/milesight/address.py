"""Normalisation of what users paste: the server address and the credentials."""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

from .errors import MilesightInvalidServerAddress

_WHITESPACE = re.compile(r"\s+")
_LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$")
_SCHEMES = ("https", "http")


def clean_credential(raw: str) -> str:
    """Remove spaces, tabs and line breaks anywhere in a pasted client id or secret."""
    return _WHITESPACE.sub("", raw)


def _is_valid_host(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return all(_LABEL.match(label) for label in host.split("."))
    return True


def normalize_server_address(raw: str) -> tuple[str, bool]:
    """Turn a pasted *Server Address* into the API base URL.

    ``'eu-openapi.milesight.com/uc/account/api/'`` becomes
    ``('https://eu-openapi.milesight.com', True)``; the flag is True when a path or query was
    dropped (users often paste a full endpoint URL). ``https://`` is added when no scheme is
    given; an explicit ``http://`` (simulators, loopback) and a port are kept.

    Raises MilesightInvalidServerAddress when there is no usable host.
    """
    text = raw.strip()
    if "://" not in text:
        text = f"https://{text}"
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as err:
        raise MilesightInvalidServerAddress("malformed server address") from err
    scheme = parts.scheme.lower()
    if scheme not in _SCHEMES:
        raise MilesightInvalidServerAddress("unsupported scheme")
    host = parts.hostname or ""
    if not host or "@" in parts.netloc or not _is_valid_host(host):
        raise MilesightInvalidServerAddress("invalid host")
    path_dropped = parts.path.strip("/") != "" or bool(parts.query) or bool(parts.fragment)
    host_text = f"[{host}]" if ":" in host else host
    base = f"{scheme}://{host_text}" + (f":{port}" if port is not None else "")
    return base, path_dropped
