"""TTLock against a real Home Assistant: credential + flow over the APIs, callbacks, commands, reauth."""

from __future__ import annotations

import contextlib
from typing import Any

import aiohttp
import pytest

from .conftest import Simulator
from .entries import wait_entry_state, wait_saved_entry, wait_state
from .hass_client import HomeAssistantClient, HomeAssistantError, form_fields, poll
from .processes import HassProcess
from .provision_demo import (
    TTLOCK_CLIENT_ID,
    TTLOCK_CLIENT_SECRET,
    TTLOCK_CREDENTIAL_NAME,
    TTLOCK_PASSWORD,
    TTLOCK_USERNAME,
)
from .simulated_things import (
    ttlock_activity_entity,
    ttlock_lock_entity,
    ttlock_manual_lock,
    wait_lock_entity,
    wait_sim_lock,
)
from .wire import post_json, ttlock_record_form

pytestmark = pytest.mark.asyncio(loop_scope="session")

RECORD_IC_CARD_UNLOCK = 7  # TTLock reference §9


async def test_ttlock_flow_shows_invalid_auth_then_creates_entry(
    ha: HomeAssistantClient, hass_process: HassProcess, ttlock_sim: Simulator
) -> None:
    """Application credential over WebSocket, then a wrong password, then the right one."""
    credential = await ha.create_application_credential(
        TTLOCK_CLIENT_ID, TTLOCK_CLIENT_SECRET, TTLOCK_CREDENTIAL_NAME
    )
    menu = await ha.flow_start()
    step = await ha.flow_step(menu["flow_id"], {"next_step_id": "ttlock"})
    if step["type"] == "form" and form_fields(step) == ["implementation"]:
        step = await ha.flow_step(step["flow_id"], {"implementation": credential["id"]})
    assert step["type"] == "form", step
    assert {"region", "username", "password", "api_url"} <= set(form_fields(step))

    login = {
        "region": "eu",
        "username": TTLOCK_USERNAME,
        "password": "wrong-password",
        "api_url": ttlock_sim.url,
    }
    refused = await ha.flow_step(step["flow_id"], login)
    assert refused["type"] == "form"
    assert refused["step_id"] == step["step_id"]
    # The TTLock branch prefixes its error keys with the vendor (ttlock_invalid_auth).
    assert any(error.endswith("invalid_auth") for error in refused["errors"].values()), refused

    done = await ha.flow_step(step["flow_id"], {**login, "password": TTLOCK_PASSWORD})
    assert done["type"] == "create_entry", done
    entry_id = done["result"]["entry_id"]
    saved = await wait_saved_entry(hass_process.config_dir, entry_id)
    assert saved["data"]["vendor"] == "ttlock"
    assert saved["data"]["webhook_id"]
    assert "password" not in saved["data"], "the app password must not be stored"
    await wait_entry_state(ha, entry_id, "loaded")


async def _point_callback(
    session: aiohttp.ClientSession,
    ha: HomeAssistantClient,
    ttlock_sim: Simulator,
    entry: dict[str, Any],
) -> str:
    url = f"{ha.base_url}/api/webhook/{entry['data']['webhook_id']}"
    await post_json(session, f"{ttlock_sim.url}/_sim/callback_url", {"url": url})
    return url


async def _who_is_recorded(
    ha: HomeAssistantClient, entry_id: str, lock_entity_id: str, name: str
) -> bool:
    """True when the lock's `changed_by`, or another entity of the same device, names `name`."""
    state = await ha.state(lock_entity_id)
    if state is not None and name in str(state["attributes"].get("changed_by") or ""):
        return True
    registry = await ha.entity_registry(entry_id)
    device_id = next(e["device_id"] for e in registry if e["entity_id"] == lock_entity_id)
    for registered in registry:
        if registered["device_id"] == device_id and registered["entity_id"] != lock_entity_id:
            other = await ha.state(registered["entity_id"])
            # e.g. a "last operated by" sensor, or the attributes of a lock-record event entity
            if other is not None and name in f"{other['state']} {other['attributes']}":
                return True
    return False


async def _wait_who(ha: HomeAssistantClient, entry_id: str, entity_id: str, name: str) -> None:
    await poll(
        lambda: _who_is_recorded(ha, entry_id, entity_id, name),
        within=30,
        what=f"{name!r} recorded as who operated {entity_id}",
    )


async def _start_locked(
    ha: HomeAssistantClient,
    session: aiohttp.ClientSession,
    ttlock_sim: Simulator,
    lock: dict[str, Any],
    entity_id: str,
) -> None:
    """Lock the simulated lock by hand (it pushes the record) and wait for the entity to follow."""
    await post_json(
        session,
        f"{ttlock_sim.url}/_sim/operate",
        {"lockId": lock["lockId"], "locked": True, "method": "app"},
    )
    await wait_lock_entity(ha, entity_id, "locked")


async def test_lock_and_unlock_through_services_move_the_simulated_lock(
    ha: HomeAssistantClient,
    http_session: aiohttp.ClientSession,
    ttlock_sim: Simulator,
    ttlock_entry: dict[str, Any],
) -> None:
    """REST service calls reach the cloud; the cloud's callback comes back and names the user."""
    entry_id = ttlock_entry["entry_id"]
    await _point_callback(http_session, ha, ttlock_sim, ttlock_entry)
    lock = await ttlock_manual_lock(http_session, ttlock_sim.url)
    entity_id = await ttlock_lock_entity(ha, entry_id, lock)
    await _start_locked(ha, http_session, ttlock_sim, lock, entity_id)

    await ha.call_service("lock", "unlock", {"entity_id": entity_id})
    await wait_sim_lock(http_session, ttlock_sim.url, lock["lockId"], locked=False)
    await wait_lock_entity(ha, entity_id, "unlocked")
    # The remote unlock's record is pushed back by the cloud under the app account's name.
    await _wait_who(ha, entry_id, entity_id, TTLOCK_USERNAME)

    await ha.call_service("lock", "lock", {"entity_id": entity_id})
    await wait_sim_lock(http_session, ttlock_sim.url, lock["lockId"], locked=True)
    await wait_lock_entity(ha, entity_id, "locked")


async def test_callbacks_move_the_lock_and_record_who(
    ha: HomeAssistantClient,
    http_session: aiohttp.ClientSession,
    ttlock_sim: Simulator,
    ttlock_entry: dict[str, Any],
) -> None:
    """A record posted to the webhook unlocks the entity and names the card; a failed attempt
    does not move the lock; a passcode lock at the simulated door is pushed back and named."""
    entry_id = ttlock_entry["entry_id"]
    webhook_url = await _point_callback(http_session, ha, ttlock_sim, ttlock_entry)
    lock = await ttlock_manual_lock(http_session, ttlock_sim.url)
    entity_id = await ttlock_lock_entity(ha, entry_id, lock)
    await _start_locked(ha, http_session, ttlock_sim, lock, entity_id)

    form = ttlock_record_form(lock, RECORD_IC_CARD_UNLOCK, "Cleaner card")
    async with http_session.post(webhook_url, data=form) as response:
        assert response.status == 200
        assert await response.text() == "success"
    await wait_lock_entity(ha, entity_id, "unlocked", changed_by="Cleaner card")

    failed = ttlock_record_form(lock, RECORD_IC_CARD_UNLOCK, "Intruder card", success=0)
    async with http_session.post(webhook_url, data=failed) as response:
        assert (response.status, await response.text()) == (200, "success")
    # First the failed attempt's observable effect (so the push has been processed, wherever
    # the integration processes it), then: it neither moved the lock nor became "changed by".
    activity = await ttlock_activity_entity(ha, entry_id, entity_id)
    await wait_state(
        ha,
        activity,
        lambda s: (
            s["attributes"].get("event_type") == "failed_attempt"
            and s["attributes"].get("user") == "Intruder card"
        ),
        f"{activity} to report the failed attempt",
    )
    still = await ha.state(entity_id)
    assert still is not None
    assert still["state"] == "unlocked"
    assert still["attributes"].get("changed_by") == "Cleaner card"

    await post_json(
        http_session,
        f"{ttlock_sim.url}/_sim/operate",
        {"lockId": lock["lockId"], "locked": True, "method": "passcode"},
    )
    await wait_state(
        ha, entity_id, lambda s: s["state"] == "locked", f"{entity_id} locked by the push"
    )
    await _wait_who(ha, entry_id, entity_id, "Guest code")


async def test_refused_refresh_starts_reauth_and_entities_resume(
    ha: HomeAssistantClient,
    http_session: aiohttp.ClientSession,
    ttlock_sim: Simulator,
    ttlock_entry: dict[str, Any],
) -> None:
    """Tokens die and the refresh is refused: a reauth flow appears; the password fixes it."""
    entry_id = ttlock_entry["entry_id"]
    lock = await ttlock_manual_lock(http_session, ttlock_sim.url)
    entity_id = await ttlock_lock_entity(ha, entry_id, lock)
    entities_before = {e["entity_id"] for e in await ha.entity_registry(entry_id)}

    await post_json(http_session, f"{ttlock_sim.url}/_sim/revoke_refresh", {})
    await post_json(http_session, f"{ttlock_sim.url}/_sim/expire_tokens", {})

    async def reauth_flow() -> dict[str, Any] | None:
        # Any cloud call now needs a refresh; asking for an update makes one.
        # The update itself may fail while the credentials are refused.
        with contextlib.suppress(HomeAssistantError):
            await ha.call_service("homeassistant", "update_entity", {"entity_id": entity_id})
        for flow in await ha.flows_in_progress():
            context = flow.get("context", {})
            if (
                flow["handler"] == "minerva_iot"
                and context.get("source") == "reauth"
                and context.get("entry_id") == entry_id
            ):
                return flow
        return None

    flow = await poll(reauth_flow, within=60, interval=1.0, what="the TTLock reauth flow")
    step = await ha.flow_show(flow["flow_id"])
    assert step["type"] == "form"
    assert "password" in form_fields(step)
    answers = {"username": TTLOCK_USERNAME, "password": TTLOCK_PASSWORD}
    done = await ha.flow_step(
        flow["flow_id"], {k: v for k, v in answers.items() if k in form_fields(step)}
    )
    assert done["type"] == "abort"
    assert done["reason"] == "reauth_successful"

    await wait_entry_state(ha, entry_id, "loaded")
    assert {e["entity_id"] for e in await ha.entity_registry(entry_id)} == entities_before
    await ha.call_service("lock", "unlock", {"entity_id": entity_id})
    await wait_sim_lock(http_session, ttlock_sim.url, lock["lockId"], locked=False)
    await wait_lock_entity(ha, entity_id, "unlocked")
    await ha.call_service("lock", "lock", {"entity_id": entity_id})
    await wait_sim_lock(http_session, ttlock_sim.url, lock["lockId"], locked=True)
    await wait_lock_entity(ha, entity_id, "locked")
