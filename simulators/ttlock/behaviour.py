"""How the simulated locks behave: reaching them, records, passage schedules, auto-relock.

A mixin of ``TTLockSimulator`` (server.py), which owns the state declared below.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from .model import SimulatedGateway, SimulatedLock
from .passage import local_weekday_minute, schedule_active
from .pushes import Pusher
from .records import (
    AUTO_LOCK,
    DOOR_CLOSED,
    DOOR_OPENED,
    build_record,
    callback_form,
    record_type_for,
)
from .wire import SimError


class LockBehaviour:
    """Lock behaviour over the simulator's state."""

    clock: Callable[[], float]
    username: str
    locks: dict[int, SimulatedLock]
    gateways: dict[int, SimulatedGateway]
    pusher: Pusher
    time_scale: float
    command_latency: float
    command_gate: asyncio.Event | None
    max_concurrent_commands: int
    real_push_shape: bool
    passage_check_interval: float | None
    _active_commands: int
    _busy: set[tuple[str, int]]
    _relock_timers: dict[int, asyncio.TimerHandle]
    _passage_was_active: dict[int, bool]
    _next_id: int

    def now_ms(self) -> int:
        """The simulator's (the cloud's) clock in ms."""
        return int(self.clock() * 1000)

    def next_id(self) -> int:
        """A fresh record / passcode / card id."""
        self._next_id += 1
        return self._next_id

    def _route(self, lock: SimulatedLock) -> tuple[str, int]:
        """How a command reaches ``lock``: through its gateway or its own WiFi (errorCode.md §5)."""
        if lock.gateway_id is not None:
            gateway = self.gateways[lock.gateway_id]
            if not gateway.online:
                raise SimError(-3002, "The gateway is offline. Please check and try again.")
            if ("gateway", gateway.gateway_id) in self._busy:
                raise SimError(-3003, "The gateway is busy. Please try again later.")
            return ("gateway", gateway.gateway_id)
        if not lock.wifi:
            raise SimError(-2012, "The Lock is not connected to any Gateway.")
        if not lock.wifi_online:
            raise SimError(-3036, "The lock is offline. Please check and try again.")
        if lock.power_saving:
            raise SimError(-3035, "Wifi lock is in power saving mode")
        if ("wifi", lock.lock_id) in self._busy:
            raise SimError(-3037, "The lock is busy. Please try again later.")
        return ("wifi", lock.lock_id)

    async def reach_lock(self, lock: SimulatedLock) -> SimulatedLock:
        """Wake ``lock`` (gateway -2012 / -3002 / -3003, WiFi -3036 / -3035 / -3037), then wait."""
        route = self._route(lock)
        self._busy.add(route)
        self._active_commands += 1
        self.max_concurrent_commands = max(self.max_concurrent_commands, self._active_commands)
        try:
            if self.command_gate is not None:
                await self.command_gate.wait()
            elif self.command_latency:
                await asyncio.sleep(self.command_latency)
        finally:
            self._active_commands -= 1
            self._busy.discard(route)
        return lock

    def passage_active(self, lock: SimulatedLock) -> bool:
        """Whether passage mode holds ``lock`` open now, by the lock's clock and time zone."""
        if not lock.passage_mode:
            return False
        weekday, minute = local_weekday_minute(
            lock.lock_time_ms(self.now_ms()), lock.timezone_raw_offset
        )
        return schedule_active(lock.passage_periods, weekday, minute)

    def record(
        self,
        lock: SimulatedLock,
        record_type: int,
        *,
        success: bool = True,
        method: str | None = None,
        **fields: Any,
    ) -> dict[str, str]:
        """Store a record of ``lock`` and return the push form carrying it."""
        record = build_record(
            lock,
            record_type,
            success=success,
            now_ms=self.now_ms(),
            record_id=self.next_id(),
            method=method,
            admin=self.username,
            **fields,
        )
        lock.records.append(record)
        return callback_form(lock, [record], self.username, real_shape=self.real_push_shape)

    def apply_operation(
        self, lock: SimulatedLock, *, locked: bool, method: str, push_in_background: bool
    ) -> dict[str, str]:
        """Change the lock, store a record, push it; returns the push's form fields."""
        record_type = record_type_for(method, locked)
        lock.locked = locked
        self._cancel_relock(lock.lock_id)
        if not locked:
            self._schedule_relock(lock)
        fields = self.record(lock, record_type, method=method)
        if push_in_background:
            self.pusher.in_background(fields)
        return fields

    async def operate_by_hand(
        self, lock_id: int, locked: bool, method: str = "app"
    ) -> dict[str, str]:
        """Operate a lock at the door or in the app; pushes the record (late when delayed)."""
        fields = self.apply_operation(
            self.locks[lock_id], locked=locked, method=method, push_in_background=False
        )
        await self.pusher.deliver(fields)
        return fields

    async def operate_door(self, lock_id: int, opened: bool) -> dict[str, str]:
        """Open or close the door of a lock with a door sensor; pushes record 31 / 30."""
        lock = self.locks[lock_id]
        if not lock.has_door_sensor:
            raise ValueError(f"lock {lock_id} has no door sensor")
        lock.door_closed = not opened
        fields = self.record(lock, DOOR_OPENED if opened else DOOR_CLOSED)
        await self.pusher.deliver(fields)
        return fields

    def set_passage_mode(self, lock: SimulatedLock, enabled: bool) -> None:
        """Passage mode keeps an unlocked lock open; switching it off restarts auto-lock."""
        lock.passage_mode = enabled
        if self.passage_active(lock):
            self._cancel_relock(lock.lock_id)
        elif not lock.locked and lock.lock_id not in self._relock_timers:
            self._schedule_relock(lock)

    def evaluate_passage_schedules(self) -> list[dict[str, str]]:
        """Unlock auto-unlock locks whose passage period just began (record 63, pushed).

        configurePassageMode.md: with autoUnlock 1 "the lock will auto unlock at the time the
        passage mode start". A lock only notices when this runs (``passage_check_interval``
        or a call); what a lock does when a period ends is *unconfirmed*: it stays as it is.
        """
        pushes: list[dict[str, str]] = []
        for lock in self.locks.values():
            active = self.passage_active(lock) and bool(lock.passage_periods)
            began = active and not self._passage_was_active.get(lock.lock_id, False)
            self._passage_was_active[lock.lock_id] = active
            if began and lock.passage_auto_unlock and lock.locked:
                pushes.append(
                    self.apply_operation(
                        lock, locked=False, method="passage", push_in_background=True
                    )
                )
        return pushes

    async def _passage_loop(self) -> None:
        assert self.passage_check_interval
        while True:
            self.evaluate_passage_schedules()
            await asyncio.sleep(self.passage_check_interval)

    def relock_scheduled(self, lock_id: int) -> bool:
        """Whether an auto-relock timer is running for ``lock_id``."""
        return lock_id in self._relock_timers

    def _schedule_relock(self, lock: SimulatedLock) -> None:
        if self.passage_active(lock) or lock.auto_lock_time <= 0:
            return
        self._relock_timers[lock.lock_id] = asyncio.get_running_loop().call_later(
            lock.auto_lock_time * self.time_scale, self._relock, lock.lock_id
        )

    def _cancel_relock(self, lock_id: int) -> None:
        if (timer := self._relock_timers.pop(lock_id, None)) is not None:
            timer.cancel()

    def _relock(self, lock_id: int) -> None:
        # Real locks relock silently: no record, no push (reference §10, #21), unless the lock
        # is set to record it; a passage period that began meanwhile keeps it open.
        self._relock_timers.pop(lock_id, None)
        lock = self.locks[lock_id]
        if self.passage_active(lock):
            return
        lock.locked = True
        if lock.auto_lock_record:
            self.pusher.in_background(self.record(lock, AUTO_LOCK, method="auto"))
