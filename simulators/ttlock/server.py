"""The simulated TTLock cloud: aiohttp application, lock behaviour, pushes and failure injection."""

from __future__ import annotations

import asyncio
from collections import Counter, deque
from collections.abc import Awaitable, Callable
import contextlib
import logging
import time
from typing import Any

import aiohttp
from aiohttp import web

from . import control
from .api import ENDPOINTS
from .model import SimulatedLock, TokenStore, default_gateways, default_locks
from .oauth import token_grant
from .records import DOOR_CLOSED, DOOR_OPENED, build_record, callback_form, record_type_for
from .wire import SimError, error_response, read_params

_LOGGER = logging.getLogger(__name__)

DEFAULT_CLIENT_ID = "sim-ttlock-client"
DEFAULT_CLIENT_SECRET = "sim-ttlock-secret"
DEFAULT_USERNAME = "demo@example.com"
DEFAULT_PASSWORD = "demo-password"
DEFAULT_UID = 1001

# Reference §3: ``date`` must be within 5 minutes of the server's clock (else 80000).
MAX_CLOCK_SKEW_MS = 5 * 60 * 1000
# kind -> errcode for the failures injected as errcode bodies.
_ERRCODE_FAILURES = {
    "gateway_busy": (-3003, "gateway busy"),
    "gateway_offline": (-3002, "gateway offline"),
    "quota": (30006, "API call count limit exceeded"),
}
FAILURE_KINDS = frozenset({"http500", "timeout", "429", *_ERRCODE_FAILURES})


def _errcode_of(kind: str) -> tuple[int, str] | None:
    """(N, message) of a generic ``errcode:<N>[:<message>]`` failure kind, else None."""
    prefix, _, rest = kind.partition(":")
    number, _, message = rest.partition(":")
    if prefix != "errcode":
        return None
    try:
        return int(number), message or "injected failure"
    except ValueError:
        return None


class TTLockSimulator:
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
    ) -> None:
        """``time_scale`` multiplies auto-lock delays; ``command_latency`` is the lock wake-up."""
        self.client_id = client_id
        self.client_secret = client_secret
        self.username = username
        self.password = password
        self.uid = uid
        self.callback_url = callback_url
        # Looked up at call time (not bound at import) so that frozen test clocks move it too;
        # tests may still assign their own clock.
        self.clock: Callable[[], float] = clock or (lambda: time.time())
        self.time_scale = time_scale
        self.command_latency = command_latency
        self.hang_seconds = hang_seconds
        self.locks = default_locks()
        self.gateways = default_gateways()
        self.tokens = TokenStore()
        self.calls: Counter[str] = Counter()
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        # When set, commands wait for this event instead of ``command_latency`` (tests use it to
        # hold commands "in flight" deterministically).
        self.command_gate: asyncio.Event | None = None
        self.callbacks_sent: list[dict[str, str]] = []
        self.callback_failures = 0
        self.max_concurrent_commands = 0
        self._active_commands = 0
        self._busy_gateways: set[int] = set()
        self._failures: deque[tuple[str, str | None]] = deque()
        self._relock_timers: dict[int, asyncio.TimerHandle] = {}
        self._push_tasks: set[asyncio.Task[int | None]] = set()
        self._next_id = 1
        self._stopping = asyncio.Event()
        self._session: aiohttp.ClientSession | None = None
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
        self._session = aiohttp.ClientSession()
        # No access log: query strings of GET calls carry access tokens.
        self._runner = web.AppRunner(app, shutdown_timeout=1.0, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        bound_port = self._runner.addresses[0][1]
        self._url = f"http://{host}:{bound_port}"

    async def stop(self) -> None:
        """Cancel relock timers and pending pushes, stop serving, close the push session."""
        self._stopping.set()
        for timer in self._relock_timers.values():
            timer.cancel()
        self._relock_timers.clear()
        for task in list(self._push_tasks):
            task.cancel()
        for task in list(self._push_tasks):
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._session is not None:
            await self._session.close()
            self._session = None

    # ---------------------------------------------------------- failure injection

    def fail_next(self, n: int, kind: str, endpoint: str | None = None) -> None:
        """Fail the next ``n`` cloud requests (to ``endpoint``, e.g. ``lock/unlock``) with ``kind``.

        ``kind`` is one of ``FAILURE_KINDS`` or ``errcode:<N>[:<errmsg>]`` (a body with errcode N).
        Without ``endpoint`` any request fails, the token endpoint included.
        """
        if kind not in FAILURE_KINDS and _errcode_of(kind) is None:
            raise ValueError(
                f"unknown failure kind {kind!r}; expected errcode:<N> or one of "
                f"{sorted(FAILURE_KINDS)}"
            )
        self._failures.extend([(kind, endpoint)] * n)

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
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        if request.path.startswith("/_sim/"):
            return await handler(request)
        endpoint = request.path.removeprefix("/v3/").lstrip("/")
        self.calls[endpoint] += 1
        kind = self._take_failure(endpoint)
        if kind is None:
            return await handler(request)
        if kind == "http500":
            return web.Response(status=500, text="Internal Server Error")
        if kind == "429":
            return web.Response(status=429, text="Too Many Requests")
        if kind == "timeout":
            # Hang past the client's timeout; released early when the simulator stops.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self.hang_seconds)
            return error_response(90000, "internal server error")
        errcode, errmsg = _ERRCODE_FAILURES.get(kind) or _errcode_of(kind) or (90000, "")
        return error_response(errcode, errmsg)

    def _take_failure(self, endpoint: str) -> str | None:
        """The first queued failure meant for ``endpoint`` (or for any), removed from the queue."""
        for index, (kind, only_for) in enumerate(self._failures):
            if only_for is None or only_for == endpoint:
                del self._failures[index]
                return kind
        return None

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

    # ---------------------------------------------------------- lock behaviour

    def now_ms(self) -> int:
        """The simulator's clock in ms."""
        return int(self.clock() * 1000)

    def next_id(self) -> int:
        """A fresh record / passcode id."""
        self._next_id += 1
        return self._next_id

    async def reach_lock(self, lock: SimulatedLock) -> SimulatedLock:
        """Wake ``lock`` through its gateway: -2012 / -3002 / -3003, then ``command_latency``."""
        if lock.gateway_id is None:
            raise SimError(-2012, "lock is not connected to any gateway")
        gateway = self.gateways[lock.gateway_id]
        if not gateway.online:
            raise SimError(-3002, "gateway offline")
        if gateway.gateway_id in self._busy_gateways:
            raise SimError(-3003, "gateway busy")
        self._busy_gateways.add(gateway.gateway_id)
        self._active_commands += 1
        self.max_concurrent_commands = max(self.max_concurrent_commands, self._active_commands)
        try:
            if self.command_gate is not None:
                await self.command_gate.wait()
            elif self.command_latency:
                await asyncio.sleep(self.command_latency)
        finally:
            self._active_commands -= 1
            self._busy_gateways.discard(gateway.gateway_id)
        return lock

    def apply_operation(
        self, lock: SimulatedLock, *, locked: bool, method: str, push_in_background: bool
    ) -> dict[str, str]:
        """Change the lock, store a record, push it; returns the push's form fields."""
        record_type = record_type_for(method, locked)
        lock.locked = locked
        self._cancel_relock(lock.lock_id)
        if not locked:
            self._schedule_relock(lock)
        record = build_record(
            lock,
            record_type,
            success=True,
            now_ms=self.now_ms(),
            record_id=self.next_id(),
            method=method,
            admin=self.username,
        )
        lock.records.append(record)
        fields = callback_form(lock, [record], self.username)
        if push_in_background:
            task = asyncio.get_running_loop().create_task(self._push(fields))
            self._push_tasks.add(task)
            task.add_done_callback(self._push_tasks.discard)
        return fields

    async def operate_by_hand(
        self, lock_id: int, locked: bool, method: str = "app"
    ) -> dict[str, str]:
        """Operate a lock at the door or in the app; pushes the record and returns its fields."""
        fields = self.apply_operation(
            self.locks[lock_id], locked=locked, method=method, push_in_background=False
        )
        await self._push(fields)
        return fields

    async def operate_door(self, lock_id: int, opened: bool) -> dict[str, str]:
        """Open or close the door of a lock with a door sensor; pushes record 31 / 30."""
        lock = self.locks[lock_id]
        if not lock.has_door_sensor:
            raise ValueError(f"lock {lock_id} has no door sensor")
        lock.door_closed = not opened
        record = build_record(
            lock,
            DOOR_OPENED if opened else DOOR_CLOSED,
            success=True,
            now_ms=self.now_ms(),
            record_id=self.next_id(),
            admin=self.username,
        )
        lock.records.append(record)
        fields = callback_form(lock, [record], self.username)
        await self._push(fields)
        return fields

    def set_passage_mode(self, lock: SimulatedLock, enabled: bool) -> None:
        """Passage mode keeps an unlocked lock open; switching it off restarts auto-lock."""
        lock.passage_mode = enabled
        if enabled:
            self._cancel_relock(lock.lock_id)
        elif not lock.locked:
            self._schedule_relock(lock)

    def relock_scheduled(self, lock_id: int) -> bool:
        """Whether an auto-relock timer is running for ``lock_id``."""
        return lock_id in self._relock_timers

    def _schedule_relock(self, lock: SimulatedLock) -> None:
        if lock.passage_mode or lock.auto_lock_time <= 0:
            return
        self._relock_timers[lock.lock_id] = asyncio.get_running_loop().call_later(
            lock.auto_lock_time * self.time_scale, self._relock, lock.lock_id
        )

    def _cancel_relock(self, lock_id: int) -> None:
        if (timer := self._relock_timers.pop(lock_id, None)) is not None:
            timer.cancel()

    def _relock(self, lock_id: int) -> None:
        # Real locks relock silently: no record, no push (reference §10).
        self._relock_timers.pop(lock_id, None)
        self.locks[lock_id].locked = True

    # ---------------------------------------------------------------- pushes

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
        return callback_form(lock, [record], self.username)

    async def send_callback(self, fields: dict[str, str]) -> int | None:
        """POST ``fields`` to ``callback_url``; returns the HTTP status (None when not sent)."""
        return await self._push(fields)

    async def wait_for_pushes(self) -> None:
        """Wait until the background pushes of gateway commands have been answered.

        A caller on a simulated clock must not move the clock while one is in flight: firing
        the due timers would also fire the push's own HTTP timeout.
        """
        while self._push_tasks:
            await asyncio.gather(*self._push_tasks, return_exceptions=True)

    async def _push(self, fields: dict[str, str]) -> int | None:
        if not self.callback_url or self._session is None:
            return None
        self.callbacks_sent.append(fields)
        try:
            async with self._session.post(
                self.callback_url, data=fields, timeout=aiohttp.ClientTimeout(total=10)
            ) as response:
                await response.read()
                return response.status
        except (aiohttp.ClientError, TimeoutError) as err:
            self.callback_failures += 1
            _LOGGER.warning("Callback push failed: %s", type(err).__name__)
            return None

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
