"""A verified webhook whose public URL changes shows the set-up repair again, with the new URL."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir

from custom_components.minerva_iot.const import DOMAIN
from simulators.milesight import MilesightSimulator

from .conftest import EXTERNAL_URL, WEBHOOK_ID, Deliver, setup_entry, webhook_entry

NEW_EXTERNAL_URL = "https://new-home.example.net"


def _setup_issue(issue_registry: ir.IssueRegistry, entry_id: str) -> ir.IssueEntry | None:
    return issue_registry.async_get_issue(DOMAIN, f"milesight_webhook_setup_{entry_id}")


async def _verified_entry(
    hass: HomeAssistant, sim: MilesightSimulator, deliver: Deliver, issue_registry: ir.IssueRegistry
) -> str:
    """A webhook-only entry that MDP has reached at the first external URL."""
    mock = webhook_entry()
    await setup_entry(hass, mock)
    assert await deliver(sim.event("WEBHOOK_TEST")) == (200, "success")
    assert _setup_issue(issue_registry, mock.entry_id) is None
    return mock.entry_id


async def test_changed_url_shows_the_setup_repair_until_a_push_arrives(
    hass: HomeAssistant,
    external_url: str,
    sim: MilesightSimulator,
    deliver: Deliver,
    issue_registry: ir.IssueRegistry,
) -> None:
    entry_id = await _verified_entry(hass, sim, deliver, issue_registry)

    await hass.config.async_update(external_url=NEW_EXTERNAL_URL)
    await hass.async_block_till_done()
    issue = _setup_issue(issue_registry, entry_id)
    assert issue is not None
    assert issue.translation_placeholders == {
        "webhook_url": f"{NEW_EXTERNAL_URL}/api/webhook/{WEBHOOK_ID}"
    }
    # The lapsed verification survives a reload: MDP still has the old URL.
    assert await hass.config_entries.async_reload(entry_id)
    await hass.async_block_till_done()
    assert _setup_issue(issue_registry, entry_id) is not None

    assert await deliver(sim.event("WEBHOOK_TEST")) == (200, "success")
    assert _setup_issue(issue_registry, entry_id) is None
    assert await hass.config_entries.async_reload(entry_id)
    await hass.async_block_till_done()
    assert _setup_issue(issue_registry, entry_id) is None


async def test_unchanged_url_keeps_the_verification(
    hass: HomeAssistant,
    external_url: str,
    sim: MilesightSimulator,
    deliver: Deliver,
    issue_registry: ir.IssueRegistry,
) -> None:
    entry_id = await _verified_entry(hass, sim, deliver, issue_registry)

    # Another core setting changes (the event fires), the external URL does not.
    await hass.config.async_update(external_url=EXTERNAL_URL, location_name="Elsewhere")
    await hass.async_block_till_done()
    assert _setup_issue(issue_registry, entry_id) is None
    assert await hass.config_entries.async_reload(entry_id)
    await hass.async_block_till_done()
    assert _setup_issue(issue_registry, entry_id) is None


async def test_entry_verified_before_urls_were_remembered(
    hass: HomeAssistant,
    external_url: str,
    sim: MilesightSimulator,
    deliver: Deliver,
    issue_registry: ir.IssueRegistry,
) -> None:
    """An entry verified by an older version adopts the current URL without a repair."""
    entry_id = await _verified_entry(hass, sim, deliver, issue_registry)
    entry = hass.config_entries.async_get_entry(entry_id)
    assert entry is not None
    assert await hass.config_entries.async_unload(entry_id)
    hass.config_entries.async_update_entry(
        entry, data={key: value for key, value in entry.data.items() if "url" not in key}
    )
    assert await hass.config_entries.async_setup(entry_id)
    await hass.async_block_till_done()
    assert _setup_issue(issue_registry, entry_id) is None

    # From then on, a change is reported.
    await hass.config.async_update(external_url=NEW_EXTERNAL_URL)
    await hass.async_block_till_done()
    assert _setup_issue(issue_registry, entry_id) is not None
