"""The polling policy of jbergler/hass-ttlock, replayed as a small scheduler against our simulator.

The best-known alternative integration, as its code does it (simulators/ttlock/field_facts.md §11
has the reading with line numbers; hass-ttlock ``custom_components/ttlock/``, index versions
``coordinator.py`` id 66439048213, ``const.py`` id 66651859245, ``__init__.py`` id 66508538375):

- cadence: ``const.py`` L42-45 ``DEFAULT_POLL_INTERVAL_MINUTES = 30``,
  ``DEFAULT_SLOW_POLL_INTERVAL_HOURS = 6``; one ``LockUpdateCoordinator`` per lock
  (``__init__.py`` L109-113) on that interval, only for a connectable lock (``coordinator.py``
  L281-283, L345-349);
- every poll (``_async_update_data``, ``coordinator.py`` L345-437): ``lock/queryOpenState``
  (L387-416, the cloud call at L400; Bluetooth off here) — it wakes the lock;
- slow tier, once per 6 h (``_slow_tier_due`` L439-445: due when never fetched or when
  ``last <= now - slow``): ``lock/detail`` (L360-373), ``lock/getPassageModeConfig``
  (L418-423), ``gateway/listByLock`` when the lock has a gateway (L425-433);
- door sensor, feature bit 13 only (L375-385, L453-526): a present sensor once a day
  (skipped while ``last_fetched >= now - 1 day``); an unconfirmed one once a day until 3
  failures in a row, then once per restart;
- account-wide: ``GatewaysUpdateCoordinator`` calls ``gateway/list`` every 15 min
  (``coordinator.py`` L709-727) and once at set-up (``__init__.py`` L115-116); ``lock/list``
  once per set-up (L111); set-up refreshes every connectable lock once (L38, L61-73);
- commands: ``LockUpdateCoordinator.lock`` / ``unlock`` call ``api.lock`` / ``api.unlock``
  (``lock/lock``, ``lock/unlock``) once, with no confirming read; a push costs no call
  (``_process_webhook_data`` only merges it).

The scheduler walks a simulated timeline (exact multiples of the intervals, no drift) and makes
each call over HTTP to the simulator, whose ``calls`` counter gives the figures, exactly as it
does for our integration.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
import time
from typing import Any

import aiohttp

from simulators.ttlock import DEFAULT_UID, TTLockSimulator

# hass-ttlock const.py L42-45 and coordinator.py L709-727.
POLL = timedelta(minutes=30)
SLOW = timedelta(hours=6)
GATEWAY_POLL = timedelta(minutes=15)
# coordinator.py L453-526: door-sensor reads at most once a day; 3 failures = confirmed absent.
SENSOR_EVERY = timedelta(days=1)
SENSOR_ABSENT_AFTER_FAILURES = 3
DOOR_SENSOR_BIT = 13
DAY_S = 86400.0
# Pages as the simulator allows them (one page is enough for the fleets measured here).
LOCK_LIST_PAGE = 1000
GATEWAY_LIST_PAGE = 200


@dataclass
class _LockPolicy:
    """What one hass-ttlock ``LockUpdateCoordinator`` remembers between polls."""

    lock_id: int
    has_gateway: bool
    sensor_bit: bool
    details_at: float | None = None
    passage_at: float | None = None
    gateways_at: float | None = None
    sensor_present: bool = False
    sensor_at: float | None = None
    sensor_failures: int = 0
    sensor_absent: bool = False
    sensor_recheck_done: bool = False


class ReferencePolicy:
    """hass-ttlock's calls for the simulator's locks over a simulated timeline (seconds)."""

    def __init__(self, sim: TTLockSimulator, session: aiohttp.ClientSession) -> None:
        """A token issued by the simulator, as after hass-ttlock's login."""
        self._sim = sim
        self._session = session
        self._token = sim.tokens.issue(sim.client_id, DEFAULT_UID, time.time())["access_token"]
        self.locks = [
            _LockPolicy(
                lock_id,
                has_gateway=lock.has_gateway,
                sensor_bit=lock.supports(DOOR_SENSOR_BIT),
            )
            for lock_id, lock in sim.locks.items()
        ]

    async def _call(self, endpoint: str, **params: Any) -> dict[str, Any]:
        data = {
            "clientId": self._sim.client_id,
            "accessToken": self._token,
            "date": str(int(time.time() * 1000)),
            **{key: str(value) for key, value in params.items()},
        }
        async with self._session.post(f"{self._sim.url}/v3/{endpoint}", data=data) as response:
            body: dict[str, Any] = await response.json(content_type=None)
            return body

    async def set_up(self) -> None:
        """``__init__.py``: lock/list, gateway/list, then one refresh of every lock (t = 0)."""
        await self._call("lock/list", pageNo=1, pageSize=LOCK_LIST_PAGE)
        await self.poll_gateways()
        for lock in self.locks:
            await self.poll_lock(lock, 0.0)

    async def poll_gateways(self) -> None:
        """``GatewaysUpdateCoordinator._async_update_data``: one gateway/list."""
        await self._call("gateway/list", pageNo=1, pageSize=GATEWAY_LIST_PAGE, orderBy=1)

    @staticmethod
    def _slow_due(last: float | None, now: float) -> bool:
        return last is None or last <= now - SLOW.total_seconds()

    async def poll_lock(self, lock: _LockPolicy, now: float) -> None:
        """``LockUpdateCoordinator._async_update_data`` at simulated time ``now`` (s)."""
        if self._slow_due(lock.details_at, now):
            await self._call("lock/detail", lockId=lock.lock_id)
            lock.details_at = now
        if lock.sensor_bit:
            await self._door_sensor(lock, now)
        await self._call("lock/queryOpenState", lockId=lock.lock_id)
        if self._slow_due(lock.passage_at, now):
            await self._call("lock/getPassageModeConfig", lockId=lock.lock_id)
            lock.passage_at = now
        if lock.has_gateway and self._slow_due(lock.gateways_at, now):
            await self._call("gateway/listByLock", lockId=lock.lock_id)
            lock.gateways_at = now

    async def _door_sensor(self, lock: _LockPolicy, now: float) -> None:
        """``_update_present_sensor`` / ``_check_for_sensor`` (coordinator.py L453-526)."""
        recent = lock.sensor_at is not None and lock.sensor_at >= now - SENSOR_EVERY.total_seconds()
        if lock.sensor_present:
            if recent:
                return
        elif lock.sensor_absent:
            if lock.sensor_recheck_done:
                return
            lock.sensor_recheck_done = True
        elif recent:
            return
        answer = await self._call("doorSensor/query", lockId=lock.lock_id)
        lock.sensor_at = now
        if not answer.get("errcode"):
            lock.sensor_present = True
            lock.sensor_failures = 0
            return
        if lock.sensor_absent:
            return
        lock.sensor_failures += 1
        if lock.sensor_failures >= SENSOR_ABSENT_AFTER_FAILURES:
            lock.sensor_absent = True
            lock.sensor_recheck_done = True

    async def command(self, lock_id: int, *, locked: bool) -> None:
        """``LockUpdateCoordinator.lock`` / ``unlock``: one call, no confirmation."""
        await self._call("lock/lock" if locked else "lock/unlock", lockId=lock_id)

    async def run(self, start: float, end: float, commands: list[tuple[float, int, bool]]) -> None:
        """Every scheduled poll in ``(start, end]`` and the commands, in time order."""
        timeline: list[tuple[float, int, Any]] = []
        for kind, step in ((0, GATEWAY_POLL.total_seconds()), (1, POLL.total_seconds())):
            first, last = int(start // step) + 1, int(end // step)
            for k in range(first, last + 1):
                if kind == 0:
                    timeline.append((k * step, 0, None))
                else:
                    timeline += [(k * step, 1, lock) for lock in self.locks]
        timeline += [(at, 2, (lock_id, locked)) for at, lock_id, locked in commands]
        for at, kind, subject in sorted(timeline, key=lambda item: (item[0], item[1])):
            if kind == 0:
                await self.poll_gateways()
            elif kind == 1:
                await self.poll_lock(subject, at)
            else:
                await self.command(subject[0], locked=subject[1])


async def measure_reference(
    locks: int,
    warm_up_days: int,
    days: int,
    commands: list[tuple[float, int, bool]],
    populate: Any,
) -> tuple[Counter[str], Counter[str]]:
    """Set-up calls, and the calls of ``days`` days after ``warm_up_days`` (steady state).

    ``commands`` times count from the end of the warm-up.
    """
    sim = TTLockSimulator()
    populate(sim, locks)
    await sim.start(host="127.0.0.1", port=0)
    try:
        async with aiohttp.ClientSession() as session:
            policy = ReferencePolicy(sim, session)
            await policy.set_up()
            set_up = Counter(sim.calls)
            warm_up = warm_up_days * DAY_S
            await policy.run(0.0, warm_up, [])
            sim.calls.clear()
            shifted = [(warm_up + at, lock_id, locked) for at, lock_id, locked in commands]
            await policy.run(warm_up, warm_up + days * DAY_S, shifted)
            return set_up, Counter(sim.calls)
    finally:
        await sim.stop()
