"""Cloud calls of TTLock user commands, with and without the callback push that confirms them.

Each command is a ``lock.unlock`` / ``lock.lock`` action on the lock entity (Home Assistant's own
interface). With the callback configured, the simulator pushes the record to the entry's webhook
(served by Home Assistant's HTTP application on 127.0.0.1); without it, nothing confirms the
command. The clock then moves past the confirmation timeout (6 minutes), so a missing push costs
its confirming ``lockRecord/list`` read (a cloud read: it wakes no lock) inside the figures. The
entry polls once a day here (the longest poll interval), so no poll falls between the commands.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import entity_registry as er

from benchmarks.harness import (
    HomeAssistantClient,
    advance,
    http_client,
    running_home_assistant,
    simulated_clock,
)
from benchmarks.ttlock_account import WEBHOOK_ID, add_entry, populate
from custom_components.minerva_iot.const import EVENT_MINERVA
from custom_components.minerva_iot.ttlock.const import (
    COMMAND_CONFIRM_TIMEOUT,
    CONF_POLL_MINUTES,
    MAX_POLL_MINUTES,
)
from simulators.ttlock import TTLockSimulator

# After a command, the clock moves just past the confirmation timeout.
STEP = COMMAND_CONFIRM_TIMEOUT + timedelta(seconds=1)
# The commands' entry polls as rarely as it can: the figures are the commands' own calls.
COMMAND_OPTIONS = {CONF_POLL_MINUTES: MAX_POLL_MINUTES}
# How many commands fit (clock steps of STEP) before the entry's first scheduled poll.
MAX_COMMANDS = (timedelta(minutes=MAX_POLL_MINUTES) - timedelta(seconds=1)) // STEP
# Event-loop turns allowed for a push to travel simulator → HA (real I/O on loopback).
PUSH_WAIT_TURNS = 20000


@dataclass
class CommandCost:
    """Calls made by ``commands`` commands, by endpoint, and the pushes Home Assistant handled."""

    with_push: bool
    commands: int
    calls: Counter[str]
    pushes_handled: int

    @property
    def calls_per_command(self) -> float:
        """All calls divided by the number of commands."""
        return sum(self.calls.values()) / self.commands


def lock_entity_id(hass: HomeAssistant, entry_id: str) -> str:
    """The entry's (single) lock entity, found through the entity registry."""
    registry = er.async_get(hass)
    (entity,) = (
        item
        for item in er.async_entries_for_config_entry(registry, entry_id)
        if item.domain == "lock"
    )
    return entity.entity_id


async def measure_commands(commands: int, with_push: bool) -> CommandCost:
    """Alternate unlock / lock ``commands`` times on one lock (default options but the poll)."""
    sim = TTLockSimulator()
    populate(sim, 1)
    with simulated_clock() as clock:
        await sim.start(host="127.0.0.1", port=0)
        try:
            async with running_home_assistant() as hass:
                # Sets up HTTP (a dependency) too.
                entry = await add_entry(hass, sim, COMMAND_OPTIONS)
                async with http_client(hass) as client:
                    return await _run_commands(
                        hass, clock, sim, client, entry.entry_id, commands, with_push
                    )
        finally:
            await sim.stop()


async def _run_commands(
    hass: HomeAssistant,
    clock: FrozenDateTimeFactory,
    sim: TTLockSimulator,
    client: HomeAssistantClient,
    entry_id: str,
    commands: int,
    with_push: bool,
) -> CommandCost:
    entity_id = lock_entity_id(hass, entry_id)
    if with_push:
        sim.callback_url = str(client.make_url(f"/api/webhook/{WEBHOOK_ID}"))
    records = 0

    @callback
    def count_record(_event: Event) -> None:
        nonlocal records
        records += 1

    hass.bus.async_listen(EVENT_MINERVA, count_record)
    sim.calls.clear()
    for index in range(commands):
        seen = records
        service = "unlock" if index % 2 == 0 else "lock"
        await hass.services.async_call("lock", service, {"entity_id": entity_id}, blocking=True)
        if with_push:

            def handled(seen: int = seen) -> bool:
                return records > seen

            await wait_for_push(handled)
            # Moving the clock fires every due loop timer, the push's HTTP timeout included.
            await sim.wait_for_pushes()
        await advance(hass, clock, STEP)
    return CommandCost(with_push, commands, Counter(sim.calls), records)


async def wait_for_push(arrived: Callable[[], bool]) -> None:
    """Spin the event loop until the push has been handled (the frozen clock rules out sleeps)."""
    for _ in range(PUSH_WAIT_TURNS):
        if arrived():
            return
        await asyncio.sleep(0)
    raise RuntimeError("the simulator's push never reached Home Assistant")
