"""Wire helpers of the simulated cloud: errcode bodies, parameters, the common-parameter rule."""

from __future__ import annotations

from typing import Any

from aiohttp import web

# The Chinese `description` real error bodies carry next to errmsg (reference §3).
_DESCRIPTION = "模拟器错误"


class SimError(Exception):
    """An errcode answer (HTTP 200, like every TTLock error)."""

    def __init__(self, errcode: int, errmsg: str) -> None:
        super().__init__(errmsg)
        self.errcode = errcode
        self.errmsg = errmsg


def error_response(errcode: int, errmsg: str) -> web.Response:
    """``{"errcode": N, "errmsg": ..., "description": ...}`` with HTTP 200."""
    return web.json_response({"errcode": errcode, "errmsg": errmsg, "description": _DESCRIPTION})


def ok_body() -> dict[str, Any]:
    """The success body of a command."""
    return {"errcode": 0, "errmsg": "none error message"}


async def read_params(request: web.Request) -> dict[str, str]:
    """Query string merged with the urlencoded form (the cloud accepts both, reference §3)."""
    params = dict(request.query)
    if request.method == "POST":
        form = await request.post()
        params.update({key: str(value) for key, value in form.items()})
    return params


def int_param(params: dict[str, str], name: str, default: int | None = None) -> int:
    """An integer parameter; missing or malformed → errcode -3 (invalid parameter)."""
    value = params.get(name)
    if value is None or value == "":
        if default is not None:
            return default
        raise SimError(-3, f"invalid parameter: {name} is required")
    try:
        return int(value)
    except ValueError:
        raise SimError(-3, f"invalid parameter: {name}") from None


def page(items: list[dict[str, Any]], params: dict[str, str], max_size: int) -> dict[str, Any]:
    """One page of ``items`` (``pageNo`` from 1, ``pageSize`` within ``max_size``)."""
    page_no = int_param(params, "pageNo")
    page_size = int_param(params, "pageSize")
    if page_no < 1 or not 1 <= page_size <= max_size:
        raise SimError(-3, f"invalid parameter: pageNo/pageSize (pageSize 1..{max_size})")
    start = (page_no - 1) * page_size
    total = len(items)
    return {
        "list": items[start : start + page_size],
        "pageNo": page_no,
        "pageSize": page_size,
        "pages": (total + page_size - 1) // page_size,
        "total": total,
    }
