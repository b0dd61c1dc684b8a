"""One HTTP exchange with the TTLock cloud: send a form or query, return the checked JSON body.

Every TTLock failure is an HTTP 200 body carrying a non-zero ``errcode`` (reference §3); HTTP
statuses >= 400, network errors and timeouts are turned into ``TTLockConnectionError``.
"""

from __future__ import annotations

import json
from typing import Any

import aiohttp

from .errors import TTLockConnectionError, TTLockError, error_for


def raise_for_errcode(body: dict[str, Any]) -> None:
    """Raise the typed error of a body whose ``errcode`` is present and non-zero."""
    if "errcode" not in body:
        return
    errcode = body["errcode"]
    try:
        code = int(errcode)
    except (TypeError, ValueError):
        raise TTLockError(f"TTLock answered a malformed errcode {errcode!r}") from None
    if code != 0:
        errmsg = body.get("errmsg")
        raise error_for(code, errmsg if isinstance(errmsg, str) else None)


async def async_send(
    session: aiohttp.ClientSession,
    method: str,
    url: str,
    params: dict[str, str],
    *,
    request_timeout: float,
) -> dict[str, Any]:
    """Send ``params`` (query string for GET, urlencoded form otherwise) and return the body.

    Raises ``TTLockConnectionError`` for transport problems and the ``error_for`` class for an
    errcode body. The parameters are never put into exception messages: they carry tokens.
    """
    request_kwargs: dict[str, Any] = {"params": params} if method == "GET" else {"data": params}
    try:
        async with session.request(
            method, url, timeout=aiohttp.ClientTimeout(total=request_timeout), **request_kwargs
        ) as response:
            # 429 and 5xx say "try again later"; other 4xx say the request itself is wrong.
            if response.status == 429 or response.status >= 500:
                raise TTLockConnectionError(f"TTLock answered HTTP {response.status}")
            if response.status >= 400:
                raise TTLockError(f"TTLock answered HTTP {response.status}")
            text = await response.text()
    except TimeoutError as err:
        raise TTLockConnectionError("TTLock request timed out") from err
    except aiohttp.ClientError as err:
        raise TTLockConnectionError(f"Cannot reach TTLock: {type(err).__name__}") from err
    try:
        body = json.loads(text)
    except ValueError:
        raise TTLockConnectionError("TTLock answered a body that is not JSON") from None
    if not isinstance(body, dict):
        raise TTLockConnectionError("TTLock answered JSON that is not an object")
    raise_for_errcode(body)
    return body
