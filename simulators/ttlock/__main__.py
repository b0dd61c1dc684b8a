"""``python -m simulators.ttlock``: serve the simulated TTLock cloud until interrupted."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging

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
    )
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
