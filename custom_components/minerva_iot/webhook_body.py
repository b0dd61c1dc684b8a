"""Reading a webhook request's body without trusting its size, and the caps of a push.

Both clouds push to URLs anyone on the internet can call: a body is read no further than the
caller's cap, whatever `Content-Length` says (it may be absent when chunked, or wrong).

The caps are generous on purpose: a TTLock gateway back after an outage, or MDP flushing a
queue, may push a backlog (how large real ones get is *unconfirmed*: neither cloud documents a
maximum). A form-encoded TTLock record of the documented fields is about 330 bytes, an MDP
event 400 bytes (up to 1 kB with a large payload): 1,000 of them take 0.3-1 MiB, and 2 MiB holds
2,000-6,000 (measured: tests/reliability/test_large_pushes.py), so a backlog is not refused for
its size, while one request still costs at most 2 MiB of memory (Home Assistant's own cap is
16 MiB). Beyond `MAX_PUSH_RECORDS` the newest
records are applied and the older ones counted (`PushOverflowLog`); beyond `MAX_PUSH_BODY_BYTES`
the request is refused with 413, saying the limit. The clients' parsers take these caps as
arguments (they cannot import this module): this module is the one place they are chosen.
"""

from __future__ import annotations

import logging

from aiohttp import web

# Records (TTLock) or events (MDP) of one push applied in order; beyond it, the newest.
MAX_PUSH_RECORDS = 1000
# The hard cap of one push's body; beyond it: 413.
MAX_PUSH_BODY_BYTES = 2 * 1024 * 1024
BODY_TOO_LARGE_TEXT = f"body too large: a push may carry at most {MAX_PUSH_BODY_BYTES} bytes"


def body_too_large_response() -> web.Response:
    """The answer to a body beyond `MAX_PUSH_BODY_BYTES`: 413 and the limit (no secret in it)."""
    return web.Response(status=413, text=BODY_TOO_LARGE_TEXT)


async def async_read_capped(
    request: web.Request, max_bytes: int = MAX_PUSH_BODY_BYTES
) -> bytes | None:
    """The whole body, or None when it exceeds `max_bytes`.

    `StreamReader.read(n)` returns what is buffered, not n bytes: the stream is read until its
    end. Nabu Casa's MockRequest offers the same `content.read(n)` as aiohttp's request, but no
    `content_length`, and builds a new reader on every `content` access (hence one access).
    """
    if (getattr(request, "content_length", None) or 0) > max_bytes:
        return None
    stream = request.content
    chunks: list[bytes] = []
    size = 0
    while chunk := await stream.read(max_bytes + 1 - size):
        chunks.append(chunk)
        size += len(chunk)
        if size > max_bytes:
            return None
    return b"".join(chunks)


class PushOverflowLog:
    """Counts the records of pushes beyond `MAX_PUSH_RECORDS`; warns once, then at debug level.

    A backlog is worth one warning (no traceback); a caller sending many would flood the log.
    """

    def __init__(self, logger: logging.Logger) -> None:
        """Log through the vendor's logger."""
        self._logger = logger
        self.pushes = 0
        self.records = 0

    def note(self, message: str, *args: object, dropped: int) -> None:
        """One push whose `dropped` oldest records were not applied; `message` says what follows."""
        self.pushes += 1
        self.records += dropped
        level = logging.WARNING if self.pushes == 1 else logging.DEBUG
        self._logger.log(level, message, *args)
