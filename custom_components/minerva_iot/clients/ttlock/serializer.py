"""Per-gateway serialisation of commands that wake a lock.

Gateways do not handle concurrent commands (errcode -3003, reference §3), so a command for lock A
waits while another command runs through the same gateway; locks behind different gateways, and
locks whose gateway is unknown (one queue per lock), still run concurrently.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable


class CommandSerializer:
    """Hands out one ``asyncio.Lock`` per gateway (or per lock when its gateway is unknown)."""

    def __init__(self) -> None:
        self._lock_gateway: dict[int, int] = {}
        self._gateway_locks = set[int]()
        self._sole_gateway: int | None = None
        self._queues: dict[tuple[str, int], asyncio.Lock] = {}

    def set_lock_gateway(self, lock_id: int, gateway_id: int) -> None:
        """Remember that ``lock_id`` is reached through ``gateway_id`` (e.g. gateway/listByLock)."""
        self._lock_gateway[lock_id] = gateway_id

    def set_locks_with_gateway(self, lock_ids: Iterable[int]) -> None:
        """Remember which locks reported ``hasGateway`` in the lock list."""
        self._gateway_locks = set(lock_ids)

    def set_account_gateways(self, gateway_ids: Iterable[int]) -> None:
        """With exactly one gateway on the account, every ``hasGateway`` lock must use it."""
        ids = list(gateway_ids)
        self._sole_gateway = ids[0] if len(ids) == 1 else None

    def queue_key(self, lock_id: int) -> tuple[str, int]:
        """The queue a command for ``lock_id`` goes through."""
        if (gateway_id := self._lock_gateway.get(lock_id)) is not None:
            return ("gateway", gateway_id)
        if self._sole_gateway is not None and lock_id in self._gateway_locks:
            return ("gateway", self._sole_gateway)
        return ("lock", lock_id)

    def queue_for(self, lock_id: int) -> asyncio.Lock:
        """The ``asyncio.Lock`` to hold while a command for ``lock_id`` runs."""
        key = self.queue_key(lock_id)
        if key not in self._queues:
            self._queues[key] = asyncio.Lock()
        return self._queues[key]
