"""Provision the local demo (scripts/develop) through Home Assistant's own APIs.

On a fresh configuration: create the owner account through onboarding, add a Milesight entry and a
TTLock entry (application credential included) through the config flow API against the
simulators. On every run: point the simulators' pushes at the entries' webhooks (the simulators
forget them when they stop). Idempotent: a second run reuses what exists.

    python -m tests.e2e.provision_demo --config config --hass http://127.0.0.1:8123 \
        --milesight http://127.0.0.1:8501 --ttlock http://127.0.0.1:8502
"""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path
import sys
from typing import Any

import aiohttp

from .hass_client import DOMAIN, HomeAssistantClient, HomeAssistantError, drive_flow, poll
from .processes import link_integration, read_config_entries, seed_onboarding

DEMO_OWNER_NAME = "Demo Owner"
DEMO_USERNAME = "demo"
DEMO_PASSWORD = "minerva-demo"

# Defaults baked into the simulators (see simulators/*/__main__.py).
MILESIGHT_CLIENT_ID = "sim-milesight-client"
MILESIGHT_CLIENT_SECRET = "sim-milesight-secret"
MILESIGHT_WEBHOOK_SECRET = "sim-webhook-secret"
TTLOCK_CLIENT_ID = "sim-ttlock-client"
TTLOCK_CLIENT_SECRET = "sim-ttlock-secret"
TTLOCK_USERNAME = "demo@example.com"
TTLOCK_PASSWORD = "demo-password"
TTLOCK_CREDENTIAL_NAME = "TTLock simulator"

STARTUP_TIMEOUT = 120.0
ENTRY_TIMEOUT = 60.0


def milesight_answers(simulator_url: str) -> dict[str, Any]:
    """Form answers of the Milesight branch of the config flow."""
    return {
        "menu": "milesight",
        "server_address": simulator_url,
        "client_id": MILESIGHT_CLIENT_ID,
        "client_secret": MILESIGHT_CLIENT_SECRET,
        "webhook_secret": MILESIGHT_WEBHOOK_SECRET,
    }


def ttlock_answers(simulator_url: str, implementation: str) -> dict[str, Any]:
    """Form answers of the TTLock branch (application credential picked, then the app login)."""
    return {
        "menu": "ttlock",
        "implementation": implementation,
        "region": "eu",
        "username": TTLOCK_USERNAME,
        "password": TTLOCK_PASSWORD,
        "api_url": simulator_url,
    }


def entries_by_vendor(config_dir: Path) -> dict[str, dict[str, Any]]:
    """This integration's saved entries, keyed by vendor (first one wins)."""
    found: dict[str, dict[str, Any]] = {}
    for entry in read_config_entries(config_dir):
        data = entry.get("data")
        if entry.get("domain") == DOMAIN and isinstance(data, dict):
            found.setdefault(str(data.get("vendor")), dict(entry))
    return found


async def log_in(client: HomeAssistantClient) -> bool:
    """Create the owner on a fresh instance, else log in as the demo owner."""
    steps = await client.onboarding_steps()
    if steps and not steps.get("user", True):
        await client.onboard_owner(DEMO_OWNER_NAME, DEMO_USERNAME, DEMO_PASSWORD)
        print(f"[demo] created the owner account {DEMO_USERNAME!r}")
    else:
        try:
            await client.login(DEMO_USERNAME, DEMO_PASSWORD)
        except HomeAssistantError:
            print(
                f"[demo] cannot log in as {DEMO_USERNAME!r} (password changed?): "
                "leaving the configuration as it is"
            )
            return False
    await client.finish_onboarding()
    return True


async def ensure_entry(
    client: HomeAssistantClient, config_dir: Path, vendor: str, answers: dict[str, Any]
) -> dict[str, Any]:
    """Create the vendor's entry through the flow API unless one exists; return it as saved."""
    existing = entries_by_vendor(config_dir).get(vendor)
    if existing is not None:
        print(f"[demo] reusing the {vendor} entry {existing.get('title')!r}")
        return existing
    result = await drive_flow(client, await client.flow_start(), answers)
    if result["type"] != "create_entry":
        raise HomeAssistantError(f"{vendor} flow ended with {result}")
    entry_id = result["result"]["entry_id"]
    print(f"[demo] added the {vendor} entry {result['title']!r}")

    async def saved() -> dict[str, Any] | None:
        for entry in read_config_entries(config_dir):
            if entry.get("entry_id") == entry_id:
                return dict(entry)
        return None

    # Home Assistant writes its storage a moment after the change.
    return await poll(saved, within=ENTRY_TIMEOUT, what=f"the {vendor} entry on disk")


async def wait_loaded(client: HomeAssistantClient, entry_id: str) -> str:
    """Wait until an entry left the setup states; return its final state."""

    async def settled() -> str | None:
        for entry in await client.config_entries():
            if entry["entry_id"] == entry_id and entry["state"] not in (
                "not_loaded",
                "setup_in_progress",
            ):
                return str(entry["state"])
        return None

    return await poll(settled, within=ENTRY_TIMEOUT, what="the entry to set up")


async def reauthenticate_ttlock(client: HomeAssistantClient, entry_id: str) -> str:
    """Answer the TTLock entry's reauth flow with the demo account; return the entry state.

    The TTLock simulator keeps its tokens in memory only, so after a restart of the demo it
    refuses the stored ones and Home Assistant asks for the password again, as it would for a
    real account whose login was revoked.
    """

    async def reauth_flow() -> dict[str, Any] | None:
        for flow in await client.flows_in_progress():
            context = flow.get("context", {})
            if context.get("source") == "reauth" and context.get("entry_id") == entry_id:
                return flow
        return None

    flow = await poll(reauth_flow, within=ENTRY_TIMEOUT, what="the TTLock reauth flow")
    step = await client.flow_show(flow["flow_id"])
    result = await drive_flow(
        client, step, {"username": TTLOCK_USERNAME, "password": TTLOCK_PASSWORD}
    )
    if result.get("reason") != "reauth_successful":
        raise HomeAssistantError(f"TTLock reauthentication ended with {result}")
    print("[demo] the TTLock simulator forgot its tokens: logged in again")

    async def loaded() -> str | None:
        for entry in await client.config_entries():
            if entry["entry_id"] == entry_id and entry["state"] == "loaded":
                return "loaded"
        return None

    return await poll(loaded, within=ENTRY_TIMEOUT, what="the TTLock entry to reload")


async def point_simulators(
    session: aiohttp.ClientSession,
    hass_url: str,
    milesight_url: str,
    ttlock_url: str,
    entries: dict[str, dict[str, Any]],
) -> None:
    """Send each simulator's pushes to its entry's webhook."""
    milesight = entries.get("milesight")
    if milesight and milesight["data"].get("webhook_id"):
        url = f"{hass_url}/api/webhook/{milesight['data']['webhook_id']}"
        body = {"url": url, "secret": MILESIGHT_WEBHOOK_SECRET}
        async with session.post(f"{milesight_url}/_sim/webhook", json=body) as response:
            response.raise_for_status()
        print("[demo] Milesight simulator pushes uplinks to the Milesight entry's webhook")
    ttlock = entries.get("ttlock")
    if ttlock and ttlock["data"].get("webhook_id"):
        url = f"{hass_url}/api/webhook/{ttlock['data']['webhook_id']}"
        async with session.post(f"{ttlock_url}/_sim/callback_url", json={"url": url}) as response:
            response.raise_for_status()
        print("[demo] TTLock simulator calls back the TTLock entry's webhook")


async def provision(config_dir: Path, hass_url: str, milesight_url: str, ttlock_url: str) -> int:
    """Provision the demo; returns a process exit code."""
    async with aiohttp.ClientSession() as session:
        client = HomeAssistantClient(session, hass_url)

        async def up() -> bool:
            steps = await client.onboarding_steps()
            return steps is not None

        await poll(up, within=STARTUP_TIMEOUT, what="Home Assistant to answer")
        if not await log_in(client):
            return 0
        try:
            entries: dict[str, dict[str, Any]] = {}
            try:
                entries["milesight"] = await ensure_entry(
                    client, config_dir, "milesight", milesight_answers(milesight_url)
                )
            except HomeAssistantError as err:
                print(f"[demo] could not add the Milesight entry: {err}")
            try:
                credential = await client.create_application_credential(
                    TTLOCK_CLIENT_ID, TTLOCK_CLIENT_SECRET, TTLOCK_CREDENTIAL_NAME
                )
                entries["ttlock"] = await ensure_entry(
                    client, config_dir, "ttlock", ttlock_answers(ttlock_url, credential["id"])
                )
            except HomeAssistantError as err:
                print(f"[demo] could not add the TTLock entry: {err}")
            for vendor, entry in entries.items():
                state = await wait_loaded(client, str(entry["entry_id"]))
                if state == "setup_error" and vendor == "ttlock":
                    state = await reauthenticate_ttlock(client, str(entry["entry_id"]))
                print(f"[demo] {vendor} entry: {state}")
            await point_simulators(session, hass_url, milesight_url, ttlock_url, entries)
        finally:
            await client.close()
    print(
        f"[demo] ready: open {hass_url} and log in as {DEMO_USERNAME!r} "
        f"with password {DEMO_PASSWORD!r}"
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, required=True, help="Home Assistant config dir")
    parser.add_argument("--hass", default="http://127.0.0.1:8123", help="Home Assistant URL")
    parser.add_argument("--milesight", default="http://127.0.0.1:8501", help="Milesight sim URL")
    parser.add_argument("--ttlock", default="http://127.0.0.1:8502", help="TTLock sim URL")
    parser.add_argument(
        "--prepare",
        action="store_true",
        help="only link the integration into the config dir and seed onboarding (before hass starts)",
    )
    args = parser.parse_args(argv)
    if args.prepare:
        link_integration(args.config.resolve())
        seed_onboarding(args.config.resolve())
        return 0
    return asyncio.run(
        provision(args.config.resolve(), args.hass.rstrip("/"), args.milesight, args.ttlock)
    )


if __name__ == "__main__":
    sys.exit(main())
