"""Helpers shared by the endpoint modules (api.py, passcodes.py, credentials.py)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from .model import SimulatedLock
from .wire import SimError, int_param

if TYPE_CHECKING:
    from .server import TTLockSimulator

Handler = Callable[["TTLockSimulator", dict[str, str]], Awaitable[dict[str, Any]]]


def lock_of(sim: TTLockSimulator, params: dict[str, str]) -> SimulatedLock:
    """The lock named by ``lockId`` (-1003 when there is none)."""
    lock = sim.locks.get(int_param(params, "lockId"))
    if lock is None:
        raise SimError(-1003, "Lock does not exist")
    return lock


def via_gateway(params: dict[str, str], flag: str) -> bool:
    """Whether the method flag asks the cloud to reach the lock (2: gateway or WiFi).

    Every write documents ``1`` (the phone already did it over Bluetooth) as the default.
    """
    return params.get(flag, "1") == "2"


def validity(params: dict[str, str], *, required: bool) -> tuple[int, int]:
    """``startDate`` / ``endDate`` in ms; 0 and 0 mean permanent (card/add.md).

    A period that ends before it starts is refused with -3 (*unconfirmed*: the documentation
    names no code for an invalid period).
    """
    start = int_param(params, "startDate", default=None if required else 0)
    end = int_param(params, "endDate", default=None if required else 0)
    if (start or end) and not 0 <= start < end:
        raise SimError(-3, "invalid parameter: startDate must be before endDate")
    return start, end
