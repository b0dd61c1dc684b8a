"""Failure injection: the next requests fail (HTTP 500, a hang, 429 or an errcode body).

An ``applied`` failure lets the request take effect first and only then answers with the failure:
the cloud or the lock did the work but the caller hears "failed" (errcode 1 "failed or means no",
errorCode.md), as after a gateway round trip that outlived its answer. That case is
*unconfirmed* in public captures; it exists so that a client can be tested for not repeating a
call that is not safe to repeat (a repeated keyboardPwd/add then meets -3007).
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable
import contextlib
from dataclasses import dataclass

from aiohttp import web

from .wire import error_response

# kind -> errcode for the failures injected as errcode bodies.
_ERRCODE_FAILURES = {
    "gateway_busy": (-3003, "The gateway is busy. Please try again later."),
    "gateway_offline": (-3002, "The gateway is offline. Please check and try again."),
    "quota": (30006, "exceeds the restrictions of API call number"),
}
FAILURE_KINDS = frozenset({"http500", "timeout", "429", *_ERRCODE_FAILURES})

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def errcode_of(kind: str) -> tuple[int, str] | None:
    """(N, message) of a generic ``errcode:<N>[:<message>]`` failure kind, else None."""
    prefix, _, rest = kind.partition(":")
    number, _, message = rest.partition(":")
    if prefix != "errcode":
        return None
    try:
        return int(number), message or "injected failure"
    except ValueError:
        return None


@dataclass(frozen=True)
class Failure:
    """One queued failure."""

    kind: str
    endpoint: str | None
    applied: bool


class FailureQueue:
    """The failures waiting for their request."""

    def __init__(self, stopping: asyncio.Event, hang_seconds: float) -> None:
        """``stopping`` releases hanging requests early; ``hang_seconds`` bounds a hang."""
        self._queue: deque[Failure] = deque()
        self._stopping = stopping
        self.hang_seconds = hang_seconds

    def __len__(self) -> int:
        """Failures not yet used."""
        return len(self._queue)

    def add(self, n: int, kind: str, endpoint: str | None, *, applied: bool) -> None:
        """Queue ``n`` failures of ``kind`` (see ``TTLockSimulator.fail_next``)."""
        if kind not in FAILURE_KINDS and errcode_of(kind) is None:
            raise ValueError(
                f"unknown failure kind {kind!r}; expected errcode:<N> or one of "
                f"{sorted(FAILURE_KINDS)}"
            )
        self._queue.extend([Failure(kind, endpoint, applied)] * n)

    def take(self, endpoint: str) -> Failure | None:
        """The first queued failure meant for ``endpoint`` (or for any), removed from the queue."""
        for index, failure in enumerate(self._queue):
            if failure.endpoint is None or failure.endpoint == endpoint:
                del self._queue[index]
                return failure
        return None

    async def answer(
        self, failure: Failure, request: web.Request, handler: Handler
    ) -> web.StreamResponse:
        """The failing answer to ``request`` (after running it when ``applied``)."""
        if failure.applied:
            await handler(request)
        if failure.kind == "http500":
            return web.Response(status=500, text="Internal Server Error")
        if failure.kind == "429":
            return web.Response(status=429, text="Too Many Requests")
        if failure.kind == "timeout":
            # Hang past the client's timeout; released early when the simulator stops.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self.hang_seconds)
            return error_response(90000, "internal server error")
        errcode, errmsg = (
            _ERRCODE_FAILURES.get(failure.kind) or errcode_of(failure.kind) or (90000, "")
        )
        return error_response(errcode, errmsg)
