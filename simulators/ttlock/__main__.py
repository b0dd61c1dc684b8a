"""``python -m simulators.ttlock``: serve the simulated TTLock cloud until interrupted."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging

from .field import apply_field_demo
from .server import (
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    DEFAULT_PASSWORD,
    DEFAULT_UID,
    DEFAULT_USERNAME,
    TTLockSimulator,
)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command line options."""
    parser = argparse.ArgumentParser(description="Simulated TTLock Open API cloud")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8502)
    parser.add_argument("--callback-url", default=None, help="where lock record pushes go")
    parser.add_argument("--client-id", default=DEFAULT_CLIENT_ID)
    parser.add_argument("--client-secret", default=DEFAULT_CLIENT_SECRET)
    parser.add_argument("--username", default=DEFAULT_USERNAME)
    parser.add_argument("--password", default=DEFAULT_PASSWORD)
    parser.add_argument("--uid", type=int, default=DEFAULT_UID)
    parser.add_argument(
        "--command-latency", type=float, default=0.5, help="seconds a lock takes to wake up"
    )
    parser.add_argument(
        "--field-demo",
        action="store_true",
        help="back door as a WiFi lock (no gateway) with an office-hours passage schedule",
    )
    parser.add_argument("--push-delay", type=float, default=0.0, help="seconds pushes arrive late")
    parser.add_argument("--push-jitter", type=float, default=0.0, help="extra random push delay")
    parser.add_argument(
        "--real-push-shape",
        action="store_true",
        help="push records as the cloud does (recordTypeFromLock, no recordId)",
    )
    parser.add_argument(
        "--passage-check-interval",
        type=float,
        default=None,
        help="seconds between checks for passage periods that begin (auto-unlock)",
    )
    return parser.parse_args(argv)


async def serve(args: argparse.Namespace) -> None:
    """Start the simulator and wait forever."""
    simulator = TTLockSimulator(
        client_id=args.client_id,
        client_secret=args.client_secret,
        username=args.username,
        password=args.password,
        uid=args.uid,
        callback_url=args.callback_url,
        command_latency=args.command_latency,
        real_push_shape=args.real_push_shape,
        passage_check_interval=args.passage_check_interval,
    )
    simulator.set_push_delay(args.push_delay, args.push_jitter)
    if args.field_demo:
        apply_field_demo(simulator)
    await simulator.start(host=args.host, port=args.port)
    logging.getLogger(__name__).info("TTLock simulator listening on %s", simulator.url)
    try:
        await asyncio.Event().wait()
    finally:
        await simulator.stop()


def main(argv: list[str] | None = None) -> None:
    """Entry point."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(parse_args(argv)))


if __name__ == "__main__":
    main()
