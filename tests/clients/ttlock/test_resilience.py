"""Retries with bounded backoff, and per-gateway serialisation of commands."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
import logging
from typing import Any

import pytest

from custom_components.minerva_iot.clients.ttlock import (
    TTLockClient,
    TTLockConnectionError,
    TTLockGatewayOfflineError,
    TTLockQuotaExceededError,
    TTLockTransientError,
)
from simulators.ttlock import SimulatedGateway, TTLockSimulator

from .conftest import ClientFactory

FRONT = 4711001
BACK = 4711002


@pytest.mark.parametrize("kind", ["http500", "429", "gateway_busy", "timeout"])
async def test_transient_failure_is_retried(
    make_client: ClientFactory, sim: TTLockSimulator, sleeps: list[float], kind: str
) -> None:
    """One failure, then success after one backoff step."""
    client = make_client(timeout=0.3)
    sim.fail_next(1, kind)
    await client.async_unlock(FRONT)
    assert sim.locks[FRONT].locked is False
    assert sim.calls["lock/unlock"] == 2
    assert sleeps == [1.0]


async def test_backoff_is_exponential_and_bounded(
    make_client: ClientFactory, sim: TTLockSimulator, sleeps: list[float]
) -> None:
    """Delays double up to the cap; after ``retries`` the error surfaces."""
    client = make_client(retries=5)
    sim.fail_next(6, "http500")
    with pytest.raises(TTLockConnectionError):
        await client.async_list_locks()
    assert sleeps == [1.0, 2.0, 4.0, 8.0, 8.0]
    assert sim.calls["lock/list"] == 6


async def test_default_retries(
    client: TTLockClient, sim: TTLockSimulator, sleeps: list[float]
) -> None:
    """Two retries by default, errcode kept on the final error."""
    sim.fail_next(3, "gateway_busy")
    with pytest.raises(TTLockTransientError) as caught:
        await client.async_lock(BACK)
    assert caught.value.errcode == -3003
    assert sleeps == [1.0, 2.0]
    assert sim.calls["lock/lock"] == 3


@pytest.mark.parametrize(
    ("kind", "error"),
    [("gateway_offline", TTLockGatewayOfflineError), ("quota", TTLockQuotaExceededError)],
)
async def test_not_retried_immediately(
    client: TTLockClient,
    sim: TTLockSimulator,
    sleeps: list[float],
    kind: str,
    error: type[Exception],
) -> None:
    """Offline gateways and the quota do not recover within seconds: no retry."""
    sim.fail_next(1, kind)
    with pytest.raises(error):
        await client.async_list_gateways()
    assert sleeps == []
    assert sim.calls["gateway/list"] == 1


async def test_gateway_offline_from_state(client: TTLockClient, sim: TTLockSimulator) -> None:
    """A command through an unplugged gateway gives -3002."""
    sim.set_gateway_online(9001, False)
    with pytest.raises(TTLockGatewayOfflineError) as caught:
        await client.async_unlock(FRONT)
    assert caught.value.errcode == -3002


async def test_add_passcode_not_repeated_after_timeout(
    make_client: ClientFactory, sim: TTLockSimulator, sleeps: list[float]
) -> None:
    """A timed-out add may have reached the lock: repeating it could duplicate the code."""
    client = make_client(timeout=0.3)
    sim.fail_next(1, "timeout")
    with pytest.raises(TTLockConnectionError):
        await client.async_add_passcode(FRONT, "2468", None, None, None)
    assert sim.calls["keyboardPwd/add"] == 1
    assert sleeps == []


async def test_add_passcode_retried_when_gateway_busy(
    client: TTLockClient, sim: TTLockSimulator
) -> None:
    """-3003 says the command did not run: safe to repeat."""
    sim.fail_next(1, "gateway_busy")
    passcode_id = await client.async_add_passcode(FRONT, "2468", None, None, None)
    assert passcode_id in sim.locks[FRONT].passcodes


async def test_logs_carry_no_token(
    client: TTLockClient,
    sim: TTLockSimulator,
    token: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Retry logging never includes the access token."""
    caplog.set_level(logging.DEBUG, logger="custom_components.minerva_iot.clients.ttlock")
    sim.fail_next(1, "gateway_busy")
    await client.async_list_locks()
    client_logs = "\n".join(
        record.getMessage()
        for record in caplog.records
        if record.name.startswith("custom_components.minerva_iot.clients.ttlock")
    )
    assert "retry" in client_logs
    assert token["access_token"] not in caplog.text


async def _wait_until(predicate: Callable[[], bool]) -> None:
    for _ in range(500):
        if predicate():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("condition not reached")


async def test_commands_through_one_gateway_are_serialised(
    make_client: ClientFactory, sim: TTLockSimulator
) -> None:
    """Lock B's command waits while lock A's runs through the same gateway (no -3003)."""
    client = make_client(retries=0)
    await client.async_list_locks()
    await client.async_list_gateways()
    assert client.command_queue_key(FRONT) == client.command_queue_key(BACK) == ("gateway", 9001)
    sim.command_gate = asyncio.Event()
    first = asyncio.create_task(client.async_unlock(FRONT))
    second = asyncio.create_task(client.async_unlock(BACK))
    await _wait_until(lambda: sim.active_commands == 1)
    for _ in range(10):
        await asyncio.sleep(0)
    assert sim.calls["lock/unlock"] == 1
    sim.command_gate.set()
    await asyncio.gather(first, second)
    assert sim.calls["lock/unlock"] == 2
    assert sim.max_concurrent_commands == 1
    assert not sim.locks[FRONT].locked
    assert not sim.locks[BACK].locked


async def test_commands_through_different_gateways_run_concurrently(
    make_client: ClientFactory, sim: TTLockSimulator
) -> None:
    """No global lock: two gateways carry two commands at once."""
    sim.gateways[9002] = SimulatedGateway(9002, "Garage gateway", "52:3A:7C:10:20:31")
    sim.locks[BACK].gateway_id = 9002
    client = make_client(retries=0)
    await client.async_list_lock_gateways(FRONT)
    await client.async_list_lock_gateways(BACK)
    assert client.command_queue_key(BACK) == ("gateway", 9002)
    sim.command_gate = asyncio.Event()
    tasks = [
        asyncio.create_task(client.async_lock(FRONT)),
        asyncio.create_task(client.async_query_battery(BACK)),
    ]
    await _wait_until(lambda: sim.active_commands == 2)
    sim.command_gate.set()
    await asyncio.gather(*tasks)
    assert sim.max_concurrent_commands == 2


async def test_unknown_gateway_falls_back_to_one_queue_per_lock(
    make_client: ClientFactory, sim: TTLockSimulator
) -> None:
    """Without the mapping each lock has its own queue; with two gateways none is guessed."""
    client = make_client(retries=0)
    assert client.command_queue_key(FRONT) == ("lock", FRONT)
    sim.gateways[9002] = SimulatedGateway(9002, "Garage gateway", "52:3A:7C:10:20:31")
    await client.async_list_locks()
    await client.async_list_gateways()
    assert client.command_queue_key(FRONT) == ("lock", FRONT)
    client.set_lock_gateway(FRONT, 9002)
    assert client.command_queue_key(FRONT) == ("gateway", 9002)


async def test_lock_without_gateway_is_not_queued_on_the_sole_gateway(
    client: TTLockClient, sim: TTLockSimulator
) -> None:
    """Only hasGateway locks are assumed to use the account's only gateway."""
    sim.locks[BACK].gateway_id = None
    await client.async_list_locks()
    await client.async_list_gateways()
    assert client.command_queue_key(FRONT) == ("gateway", 9001)
    assert client.command_queue_key(BACK) == ("lock", BACK)
    assert await client.async_list_lock_gateways(BACK) == []
    assert client.command_queue_key(BACK) == ("lock", BACK)
