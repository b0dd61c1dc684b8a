"""Success and failure envelopes of the simulated cloud (reference doc §4)."""

from __future__ import annotations

from typing import Any
import uuid

from aiohttp import web


def _request_id() -> str:
    return uuid.uuid4().hex


def success(data: Any) -> web.Response:
    """HTTP 200 with ``{"data", "status": "Success", "requestId"}``."""
    return web.json_response({"data": data, "status": "Success", "requestId": _request_id()})


def failure(
    status: int, err_code: str, err_msg: str = "", *, headers: dict[str, str] | None = None
) -> web.Response:
    """HTTP ``status`` with ``{"status": "Failed", "requestId", "errCode", "errMsg"}``."""
    body = {"status": "Failed", "requestId": _request_id(), "errCode": err_code, "errMsg": err_msg}
    return web.json_response(body, status=status, headers=headers)
