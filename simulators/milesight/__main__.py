"""Command line entry point: ``python -m simulators.milesight``."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal

from .catalogue import SCENARIOS
from .simulator import (
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    DEFAULT_WEBHOOK_SECRET,
    MilesightSimulator,
)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description="Milesight Development Platform simulator")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8501)
    parser.add_argument("--webhook-url", default=None)
    parser.add_argument("--webhook-secret", default=DEFAULT_WEBHOOK_SECRET)
    parser.add_argument(
        "--uplink-interval", type=float, default=None, help="seconds; off by default"
    )
    parser.add_argument("--client-id", default=DEFAULT_CLIENT_ID)
    parser.add_argument("--client-secret", default=DEFAULT_CLIENT_SECRET)
    # The demo and the end-to-end tests run the field scenario (field models and rules);
    # in-process tests construct the simulator with the classic six devices by default.
    parser.add_argument("--scenario", choices=SCENARIOS, default="field")
    parser.add_argument(
        "--suspend-after-failures",
        type=int,
        default=None,
        help="stop pushing, silently, after this many failed deliveries in a row",
    )
    return parser.parse_args(argv)


async def run(args: argparse.Namespace) -> None:
    """Serve until cancelled."""
    sim = MilesightSimulator(
        client_id=args.client_id,
        client_secret=args.client_secret,
        webhook_secret=args.webhook_secret,
        uplink_interval=args.uplink_interval,
        scenario=args.scenario,
        suspend_after_failures=args.suspend_after_failures,
    )
    sim.webhook_url = args.webhook_url
    await sim.start(host=args.host, port=args.port)
    logging.getLogger(__name__).info("Milesight simulator listening on %s", sim.url)
    stop = asyncio.Event()
    # SIGTERM (from scripts/develop or the e2e harness) stops cleanly, like Ctrl-C.
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    try:
        await stop.wait()
    finally:
        await sim.stop()


def main(argv: list[str] | None = None) -> None:
    """Entry point."""
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run(parse_args(argv)))


if __name__ == "__main__":
    main()
