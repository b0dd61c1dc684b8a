"""One HTTP exchange with the cloud: send, read the envelope, map failures to our exceptions.

Success is HTTP 2xx with ``{"status": "Success", "data": ...}``; failure is 4xx/5xx with
``{"status": "Failed", "errCode": ..., "errMsg": ..., "requestId": ...}``. Both the HTTP status
and ``status`` are checked because neither alone is reliable.
"""

from __future__ import annotations

from datetime import UTC
import email.utils
import json
import logging
import math
import time
from typing import Any

import aiohttp

from .errors import (
    MilesightAuthError,
    MilesightConnectionError,
    MilesightError,
    MilesightRateLimitError,
    MilesightResponseError,
)

_LOGGER = logging.getLogger(__name__)

AUTH_ERROR_CODES = frozenset({"authentication_failed", "token_not_found"})
# A rate or quota limit is recognised by HTTP 429 only. No public source lists MDP's errCodes
# for a limit (reference §3.3 and §11): an unknown code is a MilesightResponseError that names
# it (`err_code`), never guessed into a rate limit.
RATE_LIMIT_STATUS = 429


def _retry_after(value: str | None, now: float) -> float | None:
    """Seconds from a Retry-After header: delay-seconds or an HTTP date (RFC 9110 §10.2.3)."""
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None  # unreadable: the caller's own growing back-off applies
        # HTTP dates are GMT; "-0000" (zone unknown, RFC 5322) parses naive: read it as GMT.
        seconds = when.replace(tzinfo=when.tzinfo or UTC).timestamp() - now
    if not math.isfinite(seconds):
        return None
    return max(seconds, 0.0)


def _str_or_none(value: Any) -> str | None:
    return None if value is None else str(value)


async def async_request_json(
    session: aiohttp.ClientSession,
    method: str,
    url: str,
    *,
    timeout_s: float,
    endpoint: str,
    headers: dict[str, str] | None = None,
    json_body: Any = None,
    form: dict[str, str] | None = None,
    params: dict[str, str] | None = None,
) -> Any:
    """Perform one request and return the ``data`` member of a success envelope.

    ``endpoint`` is a short name used in log and error messages instead of the URL.
    """
    try:
        async with session.request(
            method,
            url,
            headers=headers,
            json=json_body,
            data=form,
            params=params,
            timeout=aiohttp.ClientTimeout(total=timeout_s),
        ) as response:
            status = response.status
            retry_after = response.headers.get("Retry-After")
            raw = await response.read()
    except TimeoutError as err:
        raise MilesightConnectionError(f"{endpoint}: timeout") from err
    except aiohttp.ClientError as err:
        raise MilesightConnectionError(f"{endpoint}: {type(err).__name__}") from err

    try:
        # json.loads detects UTF-8/16/32 itself; undecodable bytes raise a ValueError too.
        body: Any = json.loads(raw) if raw else None
    except ValueError:
        body = None
    envelope = body if isinstance(body, dict) else {}
    details: dict[str, Any] = {
        "status": status,
        "err_code": _str_or_none(envelope.get("errCode")),
        "err_msg": _str_or_none(envelope.get("errMsg")),
        "request_id": _str_or_none(envelope.get("requestId")),
    }
    err_code = details["err_code"]
    if status >= 400 or envelope.get("status") != "Success":
        _LOGGER.debug(
            "%s failed: HTTP %s errCode=%s errMsg=%s requestId=%s",
            endpoint,
            status,
            err_code,
            details["err_msg"],
            details["request_id"],
        )
    error: MilesightError | None = None
    if status == RATE_LIMIT_STATUS:
        error = MilesightRateLimitError(
            f"{endpoint}: rate limited",
            retry_after=_retry_after(retry_after, time.time()),
            **details,
        )
    elif status == 401 or err_code in AUTH_ERROR_CODES:
        error = MilesightAuthError(f"{endpoint}: unauthorized ({err_code})", **details)
    elif status >= 500:
        error = MilesightConnectionError(f"{endpoint}: server error HTTP {status}", **details)
    elif not isinstance(body, dict):
        error = MilesightResponseError(f"{endpoint}: unexpected body (HTTP {status})", **details)
    elif status >= 300 or envelope.get("status") != "Success":
        error = MilesightResponseError(
            f"{endpoint}: failed ({err_code}: {details['err_msg']})", **details
        )
    if error is not None:
        raise error
    return envelope.get("data")
