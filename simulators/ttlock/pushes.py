"""Callback pushes: the POST to the Callback URL, optionally late (field_facts.md §5).

Real pushes arrive one to five minutes after the event (hass-ttlock #22 "some take over a minute",
#72 "5 minutes after the door auto-locked", #129). ``delay`` plus a uniform ``jitter`` (0-300 s
together) hold each push back; both 0 (the default) send at once, as the first simulator did.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random

import aiohttp

_LOGGER = logging.getLogger(__name__)

MAX_PUSH_DELAY = 300.0
_PUSH_TIMEOUT = aiohttp.ClientTimeout(total=10)


class Pusher:
    """Sends push forms to ``url``, now or after the configured delay."""

    def __init__(self, url: str | None, *, seed: int | None = None) -> None:
        """``seed`` makes the jitter reproducible."""
        self.url = url
        self.delay = 0.0
        self.jitter = 0.0
        self.sent: list[dict[str, str]] = []
        self.failures = 0
        self._random = random.Random(seed)
        self._tasks: set[asyncio.Task[int | None]] = set()
        self._session: aiohttp.ClientSession | None = None

    def set_delay(self, delay: float, jitter: float = 0.0) -> None:
        """Hold pushes back ``delay`` + uniform(0, ``jitter``) seconds (0-300 s together)."""
        if delay < 0 or jitter < 0 or delay + jitter > MAX_PUSH_DELAY:
            raise ValueError("push delay and jitter must be >= 0 and at most 300 s together")
        self.delay, self.jitter = float(delay), float(jitter)

    @property
    def delayed(self) -> bool:
        """Whether pushes are held back."""
        return bool(self.delay or self.jitter)

    @property
    def pending(self) -> int:
        """Pushes not answered yet."""
        return len(self._tasks)

    def start(self) -> None:
        """Open the HTTP session."""
        self._session = aiohttp.ClientSession()

    async def stop(self) -> None:
        """Cancel pending pushes and close the session."""
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def deliver(self, fields: dict[str, str]) -> int | None:
        """Send now and return the status, or, when delayed, in the background (None)."""
        if self.delayed:
            self.in_background(fields)
            return None
        return await self.send(fields)

    def in_background(self, fields: dict[str, str]) -> None:
        """Send from a task (after the delay, if any); the caller does not wait."""
        task = asyncio.get_running_loop().create_task(self._later(fields))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def wait(self) -> None:
        """Wait until every pending push has been answered (or has failed)."""
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _later(self, fields: dict[str, str]) -> int | None:
        if self.delayed:
            await asyncio.sleep(self.delay + self._random.uniform(0, self.jitter))
        return await self.send(fields)

    async def send(self, fields: dict[str, str]) -> int | None:
        """POST ``fields`` to ``url`` now; the HTTP status, None when not sent or failed."""
        if not self.url or self._session is None:
            return None
        self.sent.append(fields)
        try:
            async with self._session.post(self.url, data=fields, timeout=_PUSH_TIMEOUT) as response:
                await response.read()
                return response.status
        except (aiohttp.ClientError, TimeoutError) as err:
            self.failures += 1
            _LOGGER.warning("Callback push failed: %s", type(err).__name__)
            return None
