"""Milesight Development Platform faults injected through the simulator.

The entry is made through the config flow (API + webhook) and, for the polling faults, given a
15-minute slow refresh through the options flow. Only Home Assistant's interfaces are read.
"""

from __future__ import annotations

from datetime import timedelta
import logging

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntry, ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import issue_registry as ir
import pytest

from custom_components.minerva_iot.const import DOMAIN
from simulators.milesight import MilesightSimulator

from .faults import (
    LocalResolver,
    async_cloud_restarted_during_a_poll,
    async_poll,
    our_records,
    port_of,
    reauth_flows,
    stable_snapshot as snapshot,
)
from .harness import async_add_milesight_api_entry, diff, our_entity_ids
from .results import Results

pytestmark = pytest.mark.usefixtures("short_timeouts")

REFRESH = 15
POLL = timedelta(minutes=REFRESH + 1)


async def _entry(
    hass: HomeAssistant, cloud: MilesightSimulator, server_address: str = ""
) -> ConfigEntry:
    return await async_add_milesight_api_entry(
        hass,
        server_address or cloud.url,
        cloud.client_id,
        cloud.client_secret,
        cloud.webhook_secret,
    )


async def _with_refresh(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """Turn the slow refresh on through the options flow (the entry reloads)."""
    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"seed_from_api": True, "refresh_minutes": REFRESH}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY, result
    await hass.async_block_till_done(wait_background_tasks=True)
    assert entry.state is ConfigEntryState.LOADED


# A hang of the token endpoint at set-up is not covered yet: under the frozen clock the retried
# set-up never finished in the time given (not diagnosed; see the report of issue 15 part 3).
@pytest.mark.parametrize("kind", ["http500", "429"])
async def test_token_endpoint_failing_at_setup(
    hass: HomeAssistant,
    milesight_cloud: MilesightSimulator,
    freezer: FrozenDateTimeFactory,
    results: Results,
    kind: str,
) -> None:
    """The token endpoint fails while the entry sets up: it loads push-only and syncs later.

    By design not ConfigEntryNotReady: a set-up retry leaves the webhook unregistered, and Home
    Assistant answers unknown webhook ids with 200, so MDP's deliveries would be lost
    (milesight/coordinator.py, `_api_unreachable_at_setup`).
    """
    results.fault(
        "milesight",
        f"token endpoint {kind}",
        "set-up",
        "entry LOADED push-only (not SETUP_RETRY: the webhook must stay registered); the "
        "device list is read alone later, same entity ids",
    )
    entry = await _entry(hass, milesight_cloud)
    entities = our_entity_ids(hass)
    assert await hass.config_entries.async_unload(entry.entry_id)
    milesight_cloud.expire_tokens()
    milesight_cloud.fail_next(1, kind, endpoint="oauth/token")
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert entry.state is ConfigEntryState.LOADED
    assert not reauth_flows(hass, entry)
    searches = milesight_cloud.calls["device/search"]

    await async_poll(hass, freezer, timedelta(minutes=16))
    assert milesight_cloud.calls["device/search"] > searches
    assert entry.state is ConfigEntryState.LOADED
    assert our_entity_ids(hass) == entities


@pytest.mark.parametrize(
    "kind",
    [
        "http500",
        "429",
        "error:403:ip_not_allowed",
        "error:500:internal_error",
    ],
)
async def test_api_failing_while_polling_keeps_states_and_recovers(
    hass: HomeAssistant,
    milesight_cloud: MilesightSimulator,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    results: Results,
    kind: str,
) -> None:
    """device/search fails for two refreshes: one warning, states kept, back without reload."""
    results.fault(
        "milesight",
        f"API {kind}",
        "poll",
        "refresh fails, states unchanged, one warning; "
        + ("refresh paused for Retry-After, " if kind == "429" else "")
        + "next refresh recovers, no reload",
    )
    entry = await _entry(hass, milesight_cloud)
    await _with_refresh(hass, entry)
    entities = our_entity_ids(hass)
    before = snapshot(hass)
    caplog.clear()
    with caplog.at_level(logging.DEBUG):
        if kind == "429":
            milesight_cloud.fail_next(1, kind, endpoint="device/search")
            await async_poll(hass, freezer, POLL)
            assert diff(before, snapshot(hass)) == {}
            # Retry-After: 1 s; the refresh after it calls again and succeeds.
        else:
            milesight_cloud.fail_next(2, kind, endpoint="device/search")
            for _ in range(2):
                await async_poll(hass, freezer, POLL)
                assert diff(before, snapshot(hass)) == {}
            assert not entry.runtime_data.coordinator.last_update_success
        problems = our_records(caplog.records, logging.WARNING)
        assert len(problems) == 1, [record.getMessage() for record in problems]
        searches = milesight_cloud.calls["device/search"]
        await async_poll(hass, freezer, POLL)
    assert milesight_cloud.calls["device/search"] == searches + 1
    assert entry.runtime_data.coordinator.last_update_success
    assert entry.state is ConfigEntryState.LOADED
    assert our_entity_ids(hass) == entities
    assert not [
        key for (domain, key) in ir.async_get(hass).issues if domain == DOMAIN and "rate" in key
    ]


async def test_refused_token_on_a_refresh_is_renewed(
    hass: HomeAssistant,
    milesight_cloud: MilesightSimulator,
    freezer: FrozenDateTimeFactory,
    results: Results,
) -> None:
    """Every token dies (401 on the next call): one new token, the refresh goes on."""
    results.fault(
        "milesight",
        "access token refused (401)",
        "poll",
        "one new token, refresh succeeds, no reauth, states unchanged",
    )
    entry = await _entry(hass, milesight_cloud)
    await _with_refresh(hass, entry)
    before = snapshot(hass)
    tokens = milesight_cloud.calls["oauth/token"]
    milesight_cloud.expire_tokens()
    await async_poll(hass, freezer, POLL)
    assert milesight_cloud.calls["oauth/token"] == tokens + 1
    assert entry.runtime_data.coordinator.last_update_success
    assert not reauth_flows(hass, entry)
    assert diff(before, snapshot(hass)) == {}


async def test_rotated_secret_starts_reauth_and_resumes_after_it(
    hass: HomeAssistant,
    milesight_cloud: MilesightSimulator,
    freezer: FrozenDateTimeFactory,
    results: Results,
) -> None:
    """The client secret is regenerated in the console: reauth; then the same entities go on."""
    results.fault(
        "milesight",
        "client secret rotated (authentication_failed)",
        "poll",
        "reauth flow starts, entities kept; after reauth the same entity ids and states",
    )
    entry = await _entry(hass, milesight_cloud)
    await _with_refresh(hass, entry)
    entities = our_entity_ids(hass)
    before = snapshot(hass)
    milesight_cloud.rotate_secret("cs-rotated-in-the-console")
    await async_poll(hass, freezer, POLL)
    flows = reauth_flows(hass, entry)
    assert flows
    assert our_entity_ids(hass) == entities
    result = await hass.config_entries.flow.async_configure(
        flows[0]["flow_id"], {"client_secret": "cs-rotated-in-the-console"}
    )
    assert result["type"] is FlowResultType.ABORT, result
    assert result["reason"] == "reauth_successful"
    await hass.async_block_till_done(wait_background_tasks=True)
    assert entry.state is ConfigEntryState.LOADED
    assert our_entity_ids(hass) == entities
    assert diff(before, snapshot(hass)) == {}


async def test_cloud_stopped_and_restarted_during_a_poll(
    hass: HomeAssistant,
    milesight_cloud: MilesightSimulator,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    results: Results,
) -> None:
    """The cloud's server goes away for one refresh and comes back on the same port."""
    results.fault(
        "milesight",
        "cloud server stopped and restarted (same port)",
        "poll",
        "refresh fails (connection refused), states unchanged, one warning; next refresh "
        "recovers, no reload",
    )
    entry = await _entry(hass, milesight_cloud)
    await _with_refresh(hass, entry)
    await async_cloud_restarted_during_a_poll(hass, freezer, caplog, entry, milesight_cloud, POLL)


async def test_dns_failure(
    hass: HomeAssistant,
    local_dns: LocalResolver,
    milesight_cloud: MilesightSimulator,
    freezer: FrozenDateTimeFactory,
    results: Results,
) -> None:
    """An unresolvable server address: the flow says cannot_connect; a loaded entry rides it out."""
    results.fault(
        "milesight",
        "DNS failure",
        "flow, poll",
        "flow: form error cannot_connect (no traceback); loaded entry: refresh fails, states "
        "unchanged, recovers when the name resolves again",
    )
    flow = await hass.config_entries.flow.async_init(DOMAIN, context={"source": "user"})
    flow = await hass.config_entries.flow.async_configure(
        flow["flow_id"], {"next_step_id": "milesight"}
    )
    flow = await hass.config_entries.flow.async_configure(
        flow["flow_id"],
        {
            "server_address": "http://does-not-exist.invalid",
            "client_id": milesight_cloud.client_id,
            "client_secret": milesight_cloud.client_secret,
            "webhook_secret": milesight_cloud.webhook_secret,
        },
    )
    assert flow["type"] is FlowResultType.FORM, flow
    assert flow["errors"] == {"base": "cannot_connect"}
    assert "does-not-exist.invalid" in local_dns.asked
    hass.config_entries.flow.async_abort(flow["flow_id"])

    entry = await _entry(hass, milesight_cloud, f"http://localhost:{port_of(milesight_cloud.url)}")
    await _with_refresh(hass, entry)
    before = snapshot(hass)
    local_dns.up = False
    await async_poll(hass, freezer, POLL)
    assert not entry.runtime_data.coordinator.last_update_success
    assert diff(before, snapshot(hass)) == {}
    local_dns.up = True
    await async_poll(hass, freezer, POLL)
    assert entry.runtime_data.coordinator.last_update_success
    assert diff(before, snapshot(hass)) == {}
