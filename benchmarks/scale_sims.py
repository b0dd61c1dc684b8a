"""A cloud simulator holding a big site, as its own process (for ``benchmarks.scale``).

Run: ``.venv/bin/python -m benchmarks.scale_sims --vendor ttlock --count 200 --port 8602``.

The simulators' own command lines serve their small demo sites; the benchmark fleets
(``ttlock_account.populate``: N locks behind one gateway, ``milesight_fleet.grow_fleet``: N
catalogue clones with a day of 10-minute uplinks stored) are built here instead, so the
simulators need no size option. Stopped by SIGTERM / SIGINT.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal

from benchmarks.milesight_fleet import add_day_of_uplinks, grow_fleet
from benchmarks.ttlock_account import populate
from simulators.milesight import MilesightSimulator
from simulators.ttlock import TTLockSimulator

UPLINK_EVERY_MINUTES = 10


async def serve(vendor: str, count: int, port: int) -> None:
    """Build the site, serve on 127.0.0.1:``port`` until a stop signal."""
    sim: TTLockSimulator | MilesightSimulator
    if vendor == "ttlock":
        sim = TTLockSimulator()
        populate(sim, count)
    else:
        sim = MilesightSimulator(seed=17)
        grow_fleet(sim, count)
        add_day_of_uplinks(sim, UPLINK_EVERY_MINUTES)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await sim.start(host="127.0.0.1", port=port)
    try:
        await stop.wait()
    finally:
        await sim.stop()


def main(argv: list[str] | None = None) -> None:
    """Command line entry point."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.scale_sims")
    parser.add_argument("--vendor", choices=("ttlock", "milesight"), required=True)
    parser.add_argument("--count", type=int, required=True, help="locks or devices")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args.vendor, args.count, args.port))


if __name__ == "__main__":
    main()
