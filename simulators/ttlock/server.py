"""The simulated TTLock cloud: aiohttp application, lock behaviour, pushes and failure injection."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
import contextlib
import time
from typing import Any

from aiohttp import web

from . import control
from .api import ENDPOINTS
from .behaviour import LockBehaviour
from .failures import FAILURE_KINDS, FailureQueue, Handler
from .model import TokenStore, default_gateways, default_locks
from .oauth import token_grant
from .pushes import Pusher
from .records import (
    build_record,
    callback_form,
    console_test_push_form,
)
from .wire import SimError, error_response, read_params

DEFAULT_CLIENT_ID = "sim-ttlock-client"
DEFAULT_CLIENT_SECRET = "sim-ttlock-secret"
DEFAULT_USERNAME = "demo@example.com"
DEFAULT_PASSWORD = "demo-password"
DEFAULT_UID = 1001

# Reference §3: ``date`` must be within 5 minutes of the server's clock (else 80000).
MAX_CLOCK_SKEW_MS = 5 * 60 * 1000

__all__ = ["FAILURE_KINDS", "TTLockSimulator"]


class TTLockSimulator(LockBehaviour):
    """In-process TTLock cloud on 127.0.0.1 (see the package docstring)."""

    def __init__(
        self,
        *,
        client_id: str = DEFAULT_CLIENT_ID,
        client_secret: str = DEFAULT_CLIENT_SECRET,
        username: str = DEFAULT_USERNAME,
        password: str = DEFAULT_PASSWORD,
        uid: int = DEFAULT_UID,
        callback_url: str | None = None,
        clock: Callable[[], float] | None = None,
        time_scale: float = 1.0,
        command_latency: float = 0.0,
        hang_seconds: float = 35.0,
        real_push_shape: bool = False,
        push_seed: int | None = None,
        passage_check_interval: float | None = None,
    ) -> None:
        """``time_scale`` multiplies auto-lock delays; ``command_latency`` is the lock wake-up.

        ``real_push_shape`` pushes records as the cloud does (recordTypeFromLock, no recordId)
        instead of the first simulator's shape; ``passage_check_interval`` (seconds) runs
        ``evaluate_passage_schedules`` periodically while serving.
        """
        self.client_id = client_id
        self.client_secret = client_secret
        self.username = username
        self.password = password
        self.uid = uid
        # Looked up at call time (not bound at import) so that frozen test clocks move it too;
        # tests may still assign their own clock.
        self.clock: Callable[[], float] = clock or (lambda: time.time())
        self.time_scale = time_scale
        self.command_latency = command_latency
        self.real_push_shape = real_push_shape
        self.passage_check_interval = passage_check_interval
        self.locks = default_locks()
        self.gateways = default_gateways()
        self.tokens = TokenStore()
        self.calls: Counter[str] = Counter()
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        # When set, commands wait for this event instead of ``command_latency`` (tests use it to
        # hold commands "in flight" deterministically).
        self.command_gate: asyncio.Event | None = None
        self.max_concurrent_commands = 0
        self.pusher = Pusher(callback_url, seed=push_seed)
        self._stopping = asyncio.Event()
        self._failures = FailureQueue(self._stopping, hang_seconds)
        self._active_commands = 0
        self._busy: set[tuple[str, int]] = set()
        self._relock_timers: dict[int, asyncio.TimerHandle] = {}
        self._passage_was_active: dict[int, bool] = {}
        self._passage_task: asyncio.Task[None] | None = None
        self._next_id = 1
        self._runner: web.AppRunner | None = None
        self._url: str | None = None

    # ----------------------------------------------------------------- life cycle

    @property
    def url(self) -> str:
        """Base URL, e.g. ``http://127.0.0.1:8502`` (the client's host)."""
        if self._url is None:
            raise RuntimeError("simulator not started")
        return self._url

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        """Serve on ``host:port`` (port 0 picks a free one)."""
        app = web.Application(middlewares=[self._failure_middleware])
        app[control.SIMULATOR_KEY] = self
        app.router.add_post("/oauth2/token", self._handle_token)
        app.router.add_route("*", "/v3/{endpoint:.+}", self._handle_v3)
        control.add_routes(app)
        self._stopping.clear()
        self.pusher.start()
        # No access log: query strings of GET calls carry access tokens.
        self._runner = web.AppRunner(app, shutdown_timeout=1.0, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        bound_port = self._runner.addresses[0][1]
        self._url = f"http://{host}:{bound_port}"
        if self.passage_check_interval:
            self._passage_task = asyncio.get_running_loop().create_task(self._passage_loop())

    async def stop(self) -> None:
        """Cancel timers, pending pushes and the schedule loop; stop serving."""
        self._stopping.set()
        for timer in self._relock_timers.values():
            timer.cancel()
        self._relock_timers.clear()
        if self._passage_task is not None:
            self._passage_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._passage_task
            self._passage_task = None
        await self.pusher.stop()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    # ---------------------------------------------------------- failure injection

    def fail_next(
        self, n: int, kind: str, endpoint: str | None = None, *, applied: bool = False
    ) -> None:
        """Fail the next ``n`` cloud requests (to ``endpoint``, e.g. ``lock/unlock``) with ``kind``.

        ``kind`` is one of ``FAILURE_KINDS`` or ``errcode:<N>[:<errmsg>]`` (a body with errcode N).
        Without ``endpoint`` any request fails, the token endpoint included. ``applied``: the
        request takes effect first, then the failure is the answer (see failures.py).
        """
        self._failures.add(n, kind, endpoint, applied=applied)

    @property
    def active_commands(self) -> int:
        """Commands currently waking a lock."""
        return self._active_commands

    @property
    def pending_failures(self) -> int:
        """Injected failures not yet used."""
        return len(self._failures)

    @web.middleware
    async def _failure_middleware(
        self, request: web.Request, handler: Handler
    ) -> web.StreamResponse:
        if request.path.startswith("/_sim/"):
            return await handler(request)
        endpoint = request.path.removeprefix("/v3/").lstrip("/")
        self.calls[endpoint] += 1
        failure = self._failures.take(endpoint)
        if failure is None:
            return await handler(request)
        return await self._failures.answer(failure, request, handler)

    # ---------------------------------------------------------------- handlers

    async def _handle_token(self, request: web.Request) -> web.Response:
        try:
            return web.json_response(token_grant(self, await read_params(request)))
        except SimError as err:
            return error_response(err.errcode, err.errmsg)

    async def _handle_v3(self, request: web.Request) -> web.Response:
        endpoint = request.match_info["endpoint"]
        handler = ENDPOINTS.get(endpoint)
        if handler is None:
            raise web.HTTPNotFound(text=f"unknown endpoint {endpoint}")
        params = await read_params(request)
        self.requests.append(
            (
                request.method,
                endpoint,
                {key: value for key, value in params.items() if key != "accessToken"},
            )
        )
        try:
            self._check_common_parameters(params)
            return web.json_response(await handler(self, params))
        except SimError as err:
            return error_response(err.errcode, err.errmsg)

    def _check_common_parameters(self, params: dict[str, str]) -> None:
        """clientId, accessToken and date (ms, within 5 minutes) on every call (reference §3)."""
        for name in ("clientId", "accessToken", "date"):
            if not params.get(name):
                raise SimError(-3, f"invalid parameter: {name} is required")
        if params["clientId"] != self.client_id:
            raise SimError(10001, "invalid client")
        token = self.tokens.access.get(params["accessToken"])
        if token is None:
            raise SimError(10003, "token does not exist")
        if token.expired or token.expires_at <= self.clock() or token.client_id != self.client_id:
            raise SimError(10004, "invalid grant")
        try:
            date = int(params["date"])
        except ValueError:
            raise SimError(-3, "invalid parameter: date") from None
        if abs(date - self.now_ms()) > MAX_CLOCK_SKEW_MS:
            raise SimError(80000, "date must be within 5 minutes of the server time")

    # ---------------------------------------------------------------- pushes

    @property
    def callback_url(self) -> str | None:
        """Where pushes go (None: nowhere)."""
        return self.pusher.url

    @callback_url.setter
    def callback_url(self, url: str | None) -> None:
        self.pusher.url = url

    @property
    def callbacks_sent(self) -> list[dict[str, str]]:
        """Every push form posted, in order."""
        return self.pusher.sent

    @property
    def callback_failures(self) -> int:
        """Pushes that got no HTTP answer."""
        return self.pusher.failures

    def set_push_delay(self, delay: float, jitter: float = 0.0) -> None:
        """Deliver pushes ``delay`` + uniform(0, ``jitter``) seconds late (0-300 s together)."""
        self.pusher.set_delay(delay, jitter)

    def build_callback(
        self, lock_id: int, record_type: int, success: bool = True, **fields: Any
    ) -> dict[str, str]:
        """Push form fields for one record of ``lock_id``; ``fields`` override record values."""
        lock = self.locks[lock_id]
        record = build_record(
            lock,
            record_type,
            success=success,
            now_ms=self.now_ms(),
            record_id=self.next_id(),
            admin=self.username,
            **fields,
        )
        return callback_form(lock, [record], self.username, real_shape=self.real_push_shape)

    def backlog_callback(
        self,
        lock_id: int,
        record_types: list[int],
        *,
        spacing_ms: int = 1000,
        uploaded_now: bool = False,
    ) -> dict[str, str]:
        """A backlog: ``record_types`` happened ``spacing_ms`` apart until now, are stored
        (``lockRecord/list`` returns them) and pushed now in ONE push.

        That a backlog comes in one push is *unconfirmed* (the public sources show pushes of one
        to a few records); how large real ones get is unknown: the size is the caller's. By
        default the cloud received each record when it happened (serverDate 1.5 s later): its
        push was held back. ``uploaded_now`` is a gateway back from an outage uploading what its
        locks logged meanwhile: every record's serverDate is the upload time (now), its lockDate
        when it happened: serverDate is the "Time of record uploaded to the cloud server"
        (docs lockRecord/list.md, notify.md). That a backlog's records all carry the one upload
        time is *unconfirmed*: no public capture of a gateway's backlog.
        """
        lock = self.locks[lock_id]
        now = self.now_ms()
        last = len(record_types) - 1
        records = []
        for index, record_type in enumerate(record_types):
            happened = now - (last - index) * spacing_ms
            uploaded: dict[str, Any] = {"serverDate": now} if uploaded_now else {}
            records.append(
                build_record(
                    lock,
                    record_type,
                    success=True,
                    now_ms=happened,
                    record_id=self.next_id(),
                    admin=self.username,
                    **uploaded,
                )
            )
        lock.records.extend(records)
        return callback_form(lock, records, self.username, real_shape=self.real_push_shape)

    async def send_callback(self, fields: dict[str, str]) -> int | None:
        """POST ``fields`` to ``callback_url`` now; returns the HTTP status (None when not sent)."""
        return await self.pusher.send(fields)

    async def send_test_push(self) -> int | None:
        """Post the developer console's test push (#128 shape) to ``callback_url`` now."""
        return await self.pusher.send(console_test_push_form(self.now_ms()))

    async def wait_for_pushes(self) -> None:
        """Wait until the background (and delayed) pushes have been answered.

        A caller on a simulated clock must not move the clock while one is in flight: firing
        the due timers would also fire the push's own HTTP timeout.
        """
        await self.pusher.wait()

    # ------------------------------------------------------------- test helpers

    def expire_access_tokens(self) -> None:
        """Every issued access token now fails with 10004."""
        self.tokens.expire_access_tokens()

    def revoke_refresh_tokens(self) -> None:
        """Every refresh token is refused with 10011."""
        self.tokens.revoke_refresh_tokens()

    def set_gateway_online(self, gateway_id: int, online: bool) -> None:
        """Plug a gateway in or out (commands through it then fail with -3002)."""
        self.gateways[gateway_id].online = online
