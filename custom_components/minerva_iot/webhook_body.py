"""Reading a webhook request's body without trusting its size.

Both clouds push to URLs anyone on the internet can call: a body is read no further than the
caller's cap, whatever `Content-Length` says (it may be absent when chunked, or wrong).
"""

from __future__ import annotations

from aiohttp import web


async def async_read_capped(request: web.Request, max_bytes: int) -> bytes | None:
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
